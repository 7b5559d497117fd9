// libFuzzer target `session`: one client drives the simulated server; every reply must equal what a fresh
// model::Model answers to the same commands (a differential, rule MODEL-DIFF), and every checker is on.
#include "fuzz/sim_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return imaplab::fuzz::run_sim_target(imaplab::sim::FuzzTarget::Session, data, size);
}
