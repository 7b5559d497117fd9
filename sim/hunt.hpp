// A hunt: many simulated runs with different seeds, policies and strategies, on several cores, collecting
// violations (each minimized to a short trace). Seeds are sliced by shard so that a CI matrix or a batch system
// can spread one hunt over machines and each shard's findings reproduce on their own.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/bugs.hpp"
#include "model/policy.hpp"
#include "sim/trace.hpp"

namespace imaplab::sim {

struct HuntOptions {
  double seconds = 60;                       // wall-clock budget (0: no limit, then `runs` must be set)
  std::uint64_t seed = 1;                    // base seed; run i uses seed + i * shard_count + shard_index
  std::uint64_t runs = 0;                    // stop after this many runs (0: no limit)
  std::optional<std::uint32_t> clients;      // fixed number of clients (default: swarm)
  std::optional<std::uint64_t> commands;     // fixed commands per run (default: swarm)
  std::vector<model::Policy> policies;       // swept in turn; empty: the whole matrix
  std::vector<std::string> strategies = {"random", "pct"};
  std::uint32_t jobs = 1;
  std::uint32_t shard_index = 0, shard_count = 1;  // --shard K/N is index K-1 of N
  std::uint32_t minimize_per_rule = 2;       // failing runs minimized (and kept) per rule
  std::uint32_t minimize_runs = 600;         // replays per minimization
  model::BugSet bugs;                        // bug zoo: planted bugs switched on in every run
  std::optional<std::string> stop_at_rule;   // end the hunt at the first violation of this rule ("*": any)
  bool cpu_seconds = false;  // `seconds` and all times in CPU seconds of one worker on the calling thread
};

struct HuntFinding {
  std::string rule;
  std::uint64_t seed = 0;
  Trace trace;        // minimized when it was among the first minimize_per_rule of its rule
  bool minimized = false;
  std::size_t commands_before = 0, commands_after = 0;
};

// When a hunt first saw a rule fail, and how much work it took to get there (this run included).
struct HuntDetection {
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;       // runs finished, the detecting one included
  std::uint64_t commands = 0;   // client commands sent in those runs
  double wall_seconds = 0;      // from the hunt's start to the end of the detecting run (see cpu_seconds)
};

struct HuntRow {  // one line of the summary: per policy and rule
  std::uint64_t runs = 0, commands = 0, violations = 0;
};

struct HuntSummary {
  std::uint64_t runs = 0, commands = 0, steps = 0, violations = 0;
  std::uint64_t virtual_us = 0;
  double wall_seconds = 0;  // CPU seconds of its one thread with HuntOptions::cpu_seconds
  std::map<std::string, HuntRow> by_policy;                       // policy text -> totals
  std::map<std::pair<std::string, std::string>, std::uint64_t> by_rule;  // (policy, rule) -> violations
  std::map<std::string, std::uint64_t> by_strategy_runs;
  std::vector<HuntFinding> findings;
  std::map<std::string, HuntDetection> first_by_rule;  // rule -> its first violation
};

// Progress is reported from worker threads under the hunt's lock, at most a few times per second.
using HuntProgress = std::function<void(const HuntSummary&)>;

HuntSummary hunt(const HuntOptions& options, const HuntProgress& progress = {});

// The policies of the matrix (model::Policy::all(), in its order) that have every field the planted bugs
// need (model::BugInfo::needs, e.g. "delete=ghost"); a hunt with HuntOptions::policies empty sweeps these. The
// whole matrix when no planted bug needs a policy, or when their needs contradict each other.
std::vector<model::Policy> policies_for_bugs(const model::BugSet& bugs);
// The planted bugs' needs joined by spaces ("delete=ghost copy=fail"); empty when none.
std::string needs_of(const model::BugSet& bugs);

}  // namespace imaplab::sim
