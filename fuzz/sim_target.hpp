// The body shared by the simulator fuzz targets (world, session, notify, canary): decode the input into a run
// (sim/fuzz_input.hpp), run it with every checker on, and turn a violation into a crash whose message names
// the rule, so libFuzzer keeps the input and `imaplab replay CRASH --target NAME` turns it into a trace.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "sim/fuzz_input.hpp"

namespace imaplab::fuzz {

inline int run_sim_target(sim::FuzzTarget target, const std::uint8_t* data, std::size_t size) {
  const sim::RunResult result = sim::run_fuzz_input(target, data, size, /*record_trace=*/false);
  if (!result.violation) return 0;
  // The only output a target ever writes: the finding, just before the crash that reports it.
  const sim::Violation& v = *result.violation;
  std::fprintf(stderr, "imaplab %s fuzzer: violation %s (%s): %s\n  turn this input into a trace: "
               "imaplab replay CRASH_FILE --target %s -o OUT.trace\n",
               sim::fuzz_target_name(target), v.rule.c_str(), v.rfc.c_str(), v.message.c_str(),
               sim::fuzz_target_name(target));
  std::fflush(stderr);
  __builtin_trap();
}

}  // namespace imaplab::fuzz
