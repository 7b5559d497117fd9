// Bench-detect's `fuzz` strategy: each trial runs the libFuzzer `world` target (fuzz preset) as a child
// process with the trial's bug planted (IMAPLAB_FUZZ_BUGS), one core, a scratch corpus, until it crashes with
// the bug's rule or the budget ends. The process-free parts are sim/bench_fuzz.hpp.
#pragma once
#include <optional>
#include <string>

#include "sim/bench_detect.hpp"

namespace imaplab::cli {

// How to build the binary, for error messages.
inline constexpr const char* fuzz_build_command =
    "cmake --preset fuzz && cmake --build --preset fuzz --target world_fuzzer";

struct FuzzEngineConfig {
  std::string binary;      // world_fuzzer of the fuzz preset
  std::string source_dir;  // for corpus/world, fuzz/world.dict and fuzz/world.options; empty: none of them
};

// Where the world target is expected when --fuzz-binary is not given: $IMAPLAB_FUZZ_BUILD/fuzz/world_fuzzer,
// else beside this program's build tree (build/release/cli/imaplab -> build/fuzz/fuzz/world_fuzzer).
std::string default_fuzz_binary();
// The engine's configuration for a binary that exists; the source folder comes from its build's CMakeCache.txt.
// Nullopt when the binary is not an executable file.
std::optional<FuzzEngineConfig> fuzz_engine_config(const std::string& binary);
sim::TrialEngine make_fuzz_engine(FuzzEngineConfig config);

}  // namespace imaplab::cli
