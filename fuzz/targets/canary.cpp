// libFuzzer canary: the `world` harness with planted zoo bugs switched on (sim::canary_bugs()). It must crash
// within seconds; CI fails when it does not, because then the harness, the checkers or the crash path broke.
#include "fuzz/sim_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return imaplab::fuzz::run_sim_target(imaplab::sim::FuzzTarget::Canary, data, size);
}
