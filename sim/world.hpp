// The deterministic world: the built-in server and N client agents in one process on virtual time. The world
// implements the server's environment (clock, random, executor, transports), keeps a byte pipe per
// connection in each direction, and at every step lets the strategy pick one ready piece of work: a server
// step, a client send, a delivery of some bytes, a timer, or a fault. Every event goes through the checkers.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "proto/command.hpp"
#include "sim/config.hpp"
#include "sim/event.hpp"
#include "sim/trace.hpp"

namespace imaplab::sim {

struct RunOptions {
  bool record_trace = true;
  // Replay: follow these scheduler choices instead of the configured strategy.
  std::optional<std::vector<Choice>> choices;
  // Replay: each client sends exactly these commands (index 0 is client 1) instead of generating.
  std::optional<std::vector<std::vector<proto::Command>>> scripts;
  std::uint64_t max_steps = 5'000'000;  // a bound on the work of one run, whatever the strategy does
  std::uint64_t step_us = 20;           // virtual time one step of work takes
  // Fuzzing: these bytes drive the scheduler (make_byte_strategy) and every client's Rng (docs/fuzzing.md).
  ByteSource* input = nullptr;
  bool input_faults = false;  // with `input`: connection drops may be chosen
  // Tests: check the scheduler's incremental ready list against one built over all clients at every step
  // (std::logic_error on a difference). Debug builds always check.
  bool verify_ready_list = false;
};

struct RunStats {
  std::uint64_t steps = 0;
  std::uint64_t commands = 0;   // client commands sent
  std::uint64_t responses = 0;  // server responses received by clients
  std::uint64_t virtual_us = 0;
  std::uint64_t events = 0;
};

struct RunResult {
  std::optional<Violation> violation;
  std::vector<Violation> warnings;
  Trace trace;  // the whole run (lines only when RunOptions::record_trace)
  RunStats stats;
};

RunResult run_simulation(const RunConfig& config, const RunOptions& options = {});

}  // namespace imaplab::sim
