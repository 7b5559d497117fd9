// libFuzzer target `notify`: NOTIFY-heavy runs, 2-6 clients with NOTIFY and IDLE weighted up while others
// create, rename, delete, append, expunge and store (RFC 5465, RFC 2177); every checker on.
#include "fuzz/sim_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return imaplab::fuzz::run_sim_target(imaplab::sim::FuzzTarget::Notify, data, size);
}
