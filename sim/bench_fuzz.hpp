// Bench-detect's `fuzz` strategy without its child process: bugs of the zoo planted in the simulator fuzz
// targets (IMAPLAB_FUZZ_BUGS, docs/fuzzing.md), libFuzzer's command line for one trial, what its log says, and
// a crash input turned into a detection with its trace. cli/fuzz_engine.cpp runs libFuzzer as the child.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/bugs.hpp"
#include "sim/bench_detect.hpp"
#include "sim/fuzz_input.hpp"

namespace imaplab::sim {

// The environment variable the simulator fuzz targets read their planted bugs from: "name,name" of the zoo.
inline constexpr const char* fuzz_bugs_env = "IMAPLAB_FUZZ_BUGS";
// One trial restarts libFuzzer after a crash of another rule than the bug's, at most this many times in all.
inline constexpr std::uint32_t fuzz_attempts_max = 16;
// libFuzzer's per-input limit: far above the ~1 ms a simulator input takes, so a hang is a finding.
inline constexpr std::uint32_t fuzz_input_timeout_seconds = 10;
// libFuzzer's -max_len: the input size docs/fuzzing.md bounds the simulator targets' inputs by.
inline constexpr std::uint32_t fuzz_max_len_bytes = 1024;

// Floors of a planted run, whatever its header says (the canary's, sim/fuzz_input.cpp): every bug of the zoo
// needs several sessions interleaving over existing messages.
inline constexpr std::uint32_t planted_clients_min = 2;
inline constexpr std::uint32_t planted_initial_messages_min = 2;
inline constexpr std::uint32_t planted_commands_min = 16;

// run_fuzz_input with `bugs` planted (RunConfig::bugs). Header byte 1 picks the policy from
// policies_for_bugs(bugs) instead of the whole matrix, so every input can reach the bugs' code paths, and the
// planted_*_min floors apply. Without bugs it is run_fuzz_input itself. `imaplab replay --target` of a
// planted crash needs the same bugs.
RunResult run_fuzz_input_planted(FuzzTarget target, const std::uint8_t* data, std::size_t size,
                                 const model::BugSet& bugs, bool record_trace);

// One libFuzzer process of a trial.
struct LibFuzzerRun {
  std::string binary;        // the `world` target of the fuzz preset (world_fuzzer)
  std::string work_dir;      // new inputs go to work_dir/corpus, crash files to work_dir/
  std::string seed_corpus;   // read, never written (corpus/world); empty: none
  std::string dict;          // fuzz/world.dict; empty: none
  std::string options_text;  // the contents of fuzz/world.options ([libfuzzer] key = value); may be empty
  std::uint32_t seed = 1;    // -seed (libFuzzer takes 0 as "pick one": never passed)
  std::uint32_t max_seconds = 60;  // -max_total_time, whole wall seconds
  std::uint64_t max_runs = 0;      // -runs (0: no limit)
};

// argv of the run, the binary first. The options file's settings come first so that the trial's own win.
std::vector<std::string> libfuzzer_arguments(const LibFuzzerRun& run);
// The [libfuzzer] settings of an OSS-Fuzz .options file as flags (-entropic=0 ...), without `dict`.
std::vector<std::string> options_file_arguments(std::string_view text);
// The libFuzzer seed of a trial's attempt: never 0, and different for every trial and attempt of a bench.
std::uint32_t libfuzzer_seed(const TrialSpec& spec, std::uint32_t attempt);

// What a libFuzzer run's output (its stderr) says.
struct LibFuzzerLog {
  std::optional<std::string> rule;         // "imaplab world fuzzer: violation RULE (...)"
  std::uint64_t executions = 0;            // stat::number_of_executed_units (needs -print_final_stats=1)
  std::uint64_t inputs = 0, commands = 0;  // the target's own count (its "work:" line, bugs planted only)
};
LibFuzzerLog parse_libfuzzer_log(std::string_view log);

// One finished libFuzzer process, as the trial saw it.
struct FuzzAttempt {
  double seconds = 0;  // the process's time, on the trial's clock (CPU or wall)
  std::uint32_t seed = 0;
  LibFuzzerLog log;
  std::optional<std::string> crash;  // the bytes of the crash file it wrote
  std::string crash_kind;            // the file's prefix: "crash", "timeout", "oom", "leak" ...
};

// Adds one attempt to the trial's result: its work, and a crash as a violation. The crash input runs again
// with the trial's bug planted, as `imaplab replay --target world CRASH -o T` does, which gives the rule and
// the trace to minimize; when it does not fail again the log's rule counts, without a trace. A crash
// without a rule is "FUZZ-" and its kind ("FUZZ-CRASH": a sanitizer or a harness failure). Returns true when
// the trial is over: the bug's rule was seen, or a crash without a rule.
bool add_fuzz_attempt(TrialResult& result, const TrialSpec& spec, const FuzzAttempt& attempt);

}  // namespace imaplab::sim
