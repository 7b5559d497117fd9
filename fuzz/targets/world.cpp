// libFuzzer target `world`: the input bytes are a whole simulated run (configuration, every client's command
// choices and arguments, the scheduler's picks and connection drops; docs/fuzzing.md) with every checker on.
// Any violation of INVARIANTS.md crashes with the rule ID in the message. IMAPLAB_FUZZ_BUGS=name,name plants
// bugs of the zoo in every run (`imaplab bench-detect --strategies fuzz`).
#include "fuzz/sim_target.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  imaplab::fuzz::planted_from_env();  // a bad IMAPLAB_FUZZ_BUGS stops here, before any input runs
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return imaplab::fuzz::run_sim_target(imaplab::sim::FuzzTarget::World, data, size,
                                       &imaplab::fuzz::planted_from_env());
}
