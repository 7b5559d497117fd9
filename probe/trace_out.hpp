// Violation traces of a probe: the simulator's trace format (sim/trace.hpp, docs/traces.md) with real
// timestamps, cut down to the clients the violation involves, passwords masked, and the probe's own facts
// (server, mailbox prefix, delimiter) in a body comment that `probe --replay` reads back.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sim/event.hpp"
#include "sim/trace.hpp"

namespace imaplab::probe {

struct ProbeTraceInfo {
  sim::RunConfig config;   // seed, clients, policy, mix as the probe ran them
  std::string server;      // "host:port"
  std::string prefix;
  char delimiter = '/';
  bool policy_auto = true;
};

// The trace of `violation` over `events` (one checker epoch).
sim::Trace violation_trace(const std::vector<sim::Event>& events, const sim::Violation& violation,
                           const ProbeTraceInfo& info);

// The probe facts of a trace written by violation_trace (nullopt when it has none).
std::optional<ProbeTraceInfo> probe_info(const sim::Trace& trace);

// Each client's commands in order (index 0 is client 1), a synchronizing literal's parts joined again.
std::vector<std::vector<proto::Command>> replay_scripts(const sim::Trace& trace);

// The recorded send time of each command of replay_scripts(), relative to the trace's first line.
std::vector<std::vector<std::uint64_t>> replay_times(const sim::Trace& trace);

// Writes `text` to DIR/NAME at once (flushed and closed); returns the path, or nullopt with `error` set.
std::optional<std::string> write_file_now(const std::string& dir, const std::string& name, const std::string& text,
                                          std::string* error);

}  // namespace imaplab::probe
