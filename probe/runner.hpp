// Running a probe: real-time sessions over TCP, each driven by a simulator client agent (sim/agent.hpp) and
// checked by the simulator's Checker (no store oracle), plus what only a probe checks: checkpoints where all
// sessions pause and NOOP and their views must agree, the server's RFC 2180 behaviours, and IDLE/NOTIFY push
// delays. One single-threaded Asio event loop; every wait has a timeout, so a probe always ends.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "probe/options.hpp"
#include "probe/summary.hpp"
#include "sim/trace.hpp"

namespace imaplab::probe {

struct Progress {
  double elapsed_seconds = 0;
  std::uint64_t commands = 0;
  std::uint64_t violations = 0;
  std::uint32_t connected = 0;
  std::uint64_t checkpoints = 0;
};
using ProgressFn = std::function<void(const Progress&)>;

// Generated load for `options.seconds`, then drain, logout and clean-up.
Summary run_probe(const ProbeOptions& options, const ProgressFn& progress = {});

struct ReplayOutcome {
  std::string rule;                   // the trace's recorded outcome
  std::uint32_t attempts = 0;
  std::uint32_t recurred = 0;         // attempts that showed `rule` again
  std::vector<Summary> summaries;     // one per attempt
};

// Re-sends the trace's client commands (probe traces: their mailbox prefix is replaced by a fresh one per
// attempt; logins use `options.accounts`), each command no earlier than its recorded offset.
ReplayOutcome replay_probe(const ProbeOptions& options, const sim::Trace& trace, std::uint32_t attempts);

}  // namespace imaplab::probe
