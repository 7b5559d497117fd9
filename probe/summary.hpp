// The result of one probe: what was sent and how the server answered, violations by rule with their trace
// files, RFC 2180 behaviours seen, IDLE/NOTIFY delays, connection trouble, and the probe's own CPU use; plus
// the text the command line prints. (JSON is written by cli/probe.cpp.)
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "probe/delays.hpp"

namespace imaplab::probe {

struct CommandCount {
  std::uint64_t sent = 0, ok = 0, no = 0, bad = 0;
};

struct Summary {
  std::string server;             // "host:port"
  std::string prefix;
  std::uint64_t seed = 0;
  std::uint32_t clients = 0;
  std::string policy;             // "auto" or the declared policy line
  std::string capabilities;       // as the first session was told after login
  double load_seconds = 0;        // wall time of generated load
  double wall_seconds = 0;        // the whole probe, setup and clean-up included
  double cpu_seconds = 0;         // the probe process's user + system time
  std::map<std::string, CommandCount> commands;  // "UID FETCH" -> counts
  std::uint64_t commands_total = 0, responses_total = 0;
  std::map<std::string, std::uint64_t> violations;  // rule -> count (all, written or not)
  std::vector<std::string> trace_files;
  std::map<std::string, std::uint64_t> warnings;    // S rules, not fatal
  // Checker findings the probe does not count, by "RULE: why" (see dismissal() in probe/runner.cpp).
  std::map<std::string, std::uint64_t> dismissed;
  std::map<std::string, std::map<std::string, std::uint64_t>> behaviours;  // delete/rename -> behaviour -> n
  std::map<std::string, DelayStats> delays;         // new / expunge / flags
  std::uint64_t connections = 0, server_closes = 0, timeouts = 0, epochs = 0;
  std::map<std::string, std::uint64_t> close_reasons;
  std::uint64_t checkpoints = 0, checkpoints_compared = 0, checkpoints_abandoned = 0;
  bool cleanup_ok = false;
  std::vector<std::string> errors;  // setup failures and the like: the probe could not do its job

  std::uint64_t violations_total() const;
  double commands_per_second() const { return load_seconds > 0 ? static_cast<double>(commands_total) / load_seconds : 0; }
};

std::string format_summary(const Summary& summary);

}  // namespace imaplab::probe
