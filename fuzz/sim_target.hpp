// The body shared by the simulator fuzz targets (world, session, notify, canary): decode the input into a run
// (sim/fuzz_input.hpp), run it with every checker on, and turn a violation into a crash whose message names
// the rule, so libFuzzer keeps the input and `imaplab replay CRASH --target NAME` turns it into a trace.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/bench_fuzz.hpp"
#include "sim/fuzz_input.hpp"

namespace imaplab::fuzz {

// IMAPLAB_FUZZ_BUGS=name,name (`imaplab bench-detect --strategies fuzz`; docs/fuzzing.md): bugs of the zoo
// planted in every input's run. With bugs planted the target also counts the inputs and client commands it
// ran, which its crash message reports as the work to detection: the process's only mutable state.
struct Planted {
  model::BugSet bugs;
  std::uint64_t inputs = 0, commands = 0;
};

// Read once; an unknown name ends the process before fuzzing starts (a crash would look like a finding).
inline Planted& planted_from_env() {
  static Planted planted = [] {
    Planted p;
    const char* names = std::getenv(sim::fuzz_bugs_env);
    std::string error;
    auto bugs = model::BugSet::parse(names ? names : "", &error);
    if (!bugs) {
      std::fprintf(stderr, "imaplab fuzzer: %s: %s\n", sim::fuzz_bugs_env, error.c_str());
      std::exit(2);
    }
    p.bugs = *bugs;
    return p;
  }();
  return planted;
}

inline int run_sim_target(sim::FuzzTarget target, const std::uint8_t* data, std::size_t size,
                          Planted* planted = nullptr) {
  const bool planting = planted && !planted->bugs.empty();
  const sim::RunResult result =
      planting ? sim::run_fuzz_input_planted(target, data, size, planted->bugs, /*record_trace=*/false)
               : sim::run_fuzz_input(target, data, size, /*record_trace=*/false);
  if (planting) {
    ++planted->inputs;
    planted->commands += result.stats.commands;
  }
  if (!result.violation) return 0;
  // The only output a target ever writes: the finding, just before the crash that reports it.
  const sim::Violation& v = *result.violation;
  std::fprintf(stderr, "imaplab %s fuzzer: violation %s (%s): %s\n  turn this input into a trace: "
               "imaplab replay CRASH_FILE --target %s -o OUT.trace\n",
               sim::fuzz_target_name(target), v.rule.c_str(), v.rfc.c_str(), v.message.c_str(),
               sim::fuzz_target_name(target));
  if (planting)
    std::fprintf(stderr, "imaplab %s fuzzer: work: %llu inputs, %llu client commands in this process (planted: %s)\n",
                 sim::fuzz_target_name(target), static_cast<unsigned long long>(planted->inputs),
                 static_cast<unsigned long long>(planted->commands), planted->bugs.to_string().c_str());
  std::fflush(stderr);
  __builtin_trap();
}

}  // namespace imaplab::fuzz
