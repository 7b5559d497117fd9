// Fuzz inputs as simulated runs: the stable decoder from a libFuzzer input's bytes to a run's configuration
// and the byte stream that drives its scheduler and its clients, and the one function every world-style fuzz
// target and `imaplab replay --target` call. The format is documented in docs/fuzzing.md; changing what a byte
// means makes every stored corpus less useful, so add fields at the end of the header only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/config.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {

enum class FuzzTarget {
  World,    // everything: 1-6 clients, any command mix, faults; every checker on
  Session,  // one client; the server's replies must equal model::Model's answers (differential)
  Notify,   // 2-6 clients, NOTIFY and IDLE heavy, with mailbox create/rename/delete/append/expunge/store
  Canary,   // the world with planted zoo bugs switched on (canary_bugs): must be found within seconds
};

std::optional<FuzzTarget> parse_fuzz_target(std::string_view name);
const char* fuzz_target_name(FuzzTarget target);

// The header: fixed bytes at the start of every input (missing ones read as zero). See docs/fuzzing.md.
inline constexpr std::size_t fuzz_header_bytes = 20;
inline constexpr std::uint32_t fuzz_clients_max = 6;
inline constexpr std::uint32_t fuzz_initial_messages_max = 6;
inline constexpr std::uint32_t fuzz_commands_min = 4;
inline constexpr std::uint32_t fuzz_commands_max = 24;
inline constexpr std::uint32_t fuzz_message_bytes_max = 300;
// Bounds the work of one input whatever its bytes say, so one execution stays well under 10 ms.
inline constexpr std::uint64_t fuzz_steps_max = 3000;
// The rule a `session` mismatch reports (the differential is the harness's own rule, not INVARIANTS.md's).
inline constexpr const char* session_diff_rule = "MODEL-DIFF";

// The bugs the canary switches on: realistic races the world target must find within seconds.
model::BugSet canary_bugs();

struct FuzzCase {
  RunConfig config;
  bool faults = false;           // connection drops may be chosen by the scheduler bytes
  const std::uint8_t* stream = nullptr;  // the bytes after the header
  std::size_t stream_size = 0;
};

// Never fails: every byte string is a valid input.
FuzzCase decode_fuzz_input(FuzzTarget target, const std::uint8_t* data, std::size_t size);

// Decodes and runs one input with every checker on; `session` also compares every reply with the model.
// With `record_trace` the result's trace replays with `imaplab replay` like a hunt's.
RunResult run_fuzz_input(FuzzTarget target, const std::uint8_t* data, std::size_t size, bool record_trace);
// The same for an already decoded (and possibly adjusted) case; its stream must outlive the call.
RunResult run_fuzz_case(FuzzTarget target, const FuzzCase& fc, bool record_trace);

// The differential of the `session` target on a recorded one-client trace: the server's replies (client 1's
// "S1:" lines, continuations left out) against a fresh model given the same commands. Nullopt when equal.
// `complete`: the run ended on its own (not cut by the step bound), so missing replies are a mismatch too.
std::optional<Violation> session_differential(const Trace& trace, bool complete);

}  // namespace imaplab::sim
