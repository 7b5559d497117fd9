// The bug zoo's detection benchmark (`imaplab bench-detect`): for each planted bug and each strategy, trials
// from disjoint seeds, each on one core for a wall budget, until the bug's rule fails. It reports how often
// and how fast each strategy finds each bug, and how short the minimized trace that shows it is; the correct
// server ("none") runs the same way and must show no violation at all (false alarms).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/bugs.hpp"
#include "sim/trace.hpp"

namespace imaplab::sim {

// The name of the correct server's row.
inline constexpr const char* no_bug_name = "none";

// One trial: one bug (or none), one strategy, one slice of the seed space, one budget.
struct TrialSpec {
  std::optional<model::Bug> bug;  // nullopt: the correct server
  std::string strategy;
  std::uint64_t base_seed = 1;
  std::uint32_t seed_index = 0;   // trial k of n uses the k-th of n disjoint seed sequences
  std::uint32_t seed_count = 1;
  double budget_seconds = 60;     // seconds of one core (0: no limit, then max_runs must be set)
  std::uint64_t max_runs = 0;     // simulated runs at most (0: no limit); bounds a trial without a clock
  bool cpu_seconds = true;        // the budget and times count the trial thread's CPU time, not wall time
};

// A violation a trial saw, and the work it took to get there.
struct Detection {
  std::string rule;
  double seconds = 0;
  std::uint64_t commands = 0;  // client commands of all runs up to and including the detecting one
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;      // the detecting run's seed
};

struct TrialResult {
  std::optional<Detection> target;  // the first violation of the bug's rule
  std::optional<Detection> any;     // the first violation of any rule (the same as target when that came first)
  std::optional<Trace> trace;       // the detecting run (of the bug's rule; for "none", of any rule)
  // The detecting run failed with the bug switched off too, so the bug was not its cause: bench_detect
  // clears `target` and counts the trial as drift, not as a detection.
  bool drift = false;
  std::uint64_t runs = 0, commands = 0, violations = 0;
  double seconds = 0;
  std::map<std::string, std::uint64_t> rules;  // rule -> violations
};

// Runs one trial. The simulator's schedulers ("random", "pct") run as a one-core hunt (hunt_trial); another
// engine, such as the libFuzzer world target, plugs in under its strategy name in BenchOptions::engines.
using TrialEngine = std::function<TrialResult(const TrialSpec&)>;
TrialResult hunt_trial(const TrialSpec& spec);

struct BenchOptions {
  std::vector<std::optional<model::Bug>> bugs;  // rows in this order; nullopt is the correct server
  std::vector<std::string> strategies = {"random", "pct"};
  std::uint32_t seeds = 20;           // trials per bug and strategy
  std::uint64_t base_seed = 1;
  double budget_seconds = 60;         // per trial
  std::uint64_t max_runs = 0;         // per trial (0: no limit)
  // Trials count their thread's CPU time, so other load on the machine does not eat their budget or inflate
  // their times; false: wall time.
  bool cpu_seconds = true;
  std::uint32_t jobs = 1;             // trials (and minimizations) running at once, one core each
  std::uint32_t minimize_runs = 600;  // replays for minimizing each row's first detection
  std::map<std::string, TrialEngine> engines;  // by strategy name; "random" and "pct" default to hunt_trial
  std::function<void(const std::string&)> progress;  // one line per finished trial; may be empty
};

// The strategies that have an engine: the built-in ones plus BenchOptions::engines.
std::vector<std::string> bench_strategies(const BenchOptions& options);

struct BenchRow {
  std::string bug = no_bug_name;  // catalogue name or "none"
  std::string layer, rule;        // empty for "none"
  std::string strategy;
  std::uint32_t trials = 0;
  std::uint32_t detected = 0;      // trials that saw the bug's rule fail
  std::uint32_t detected_any = 0;  // trials that saw any violation
  std::uint32_t drift = 0;         // trials whose detecting run failed with the bug off too (not detected)
  // Medians over all trials, a trial that did not detect counting as infinitely slow: nullopt when fewer
  // than half the trials detected (the median is then beyond the budget).
  std::optional<double> median_seconds, median_commands;
  std::optional<double> median_seconds_any, median_commands_any;
  std::uint64_t runs = 0, commands = 0, violations = 0;
  std::map<std::string, std::uint64_t> rules;  // rule -> violations, over all trials
  std::optional<std::size_t> trace_commands;      // the first detection (lowest seed index) before minimizing
  std::optional<std::size_t> minimized_commands;  // ... and after
  std::optional<Trace> minimized;  // that minimized trace, when it fails the rule and passes with the bug off
  // The minimized trace failed with the bug off too: it was not kept, and its trial counts as drift.
  bool minimized_drift = false;

  double fraction() const { return trials ? static_cast<double>(detected) / trials : 0.0; }
  double fraction_any() const { return trials ? static_cast<double>(detected_any) / trials : 0.0; }
};

struct BenchReport {
  std::vector<std::string> strategies;
  std::uint32_t seeds = 0;
  std::uint64_t base_seed = 0;
  double budget_seconds = 0;
  bool cpu_seconds = true;
  std::uint32_t jobs = 0;
  double wall_seconds = 0;  // of the whole bench
  std::vector<BenchRow> rows;
  std::uint64_t false_alarms() const;  // violations in the "none" rows
};

// Runs every trial, then minimizes each row's first detection. A detection counts only when the bug is its
// cause: its run, and the row's minimized trace, pass with the bug switched off.
BenchReport bench_detect(const BenchOptions& options);

// Clears a trial's detection when its detecting run fails with the bug switched off too (sets `drift`). A
// trial without a trace (a fuzz crash that did not fail again) keeps its detection unchecked.
void refuse_drift(TrialResult& trial);

// The arithmetic of one row, from its trials in seed order (no minimization): exposed for tests.
BenchRow summarize_row(const std::optional<model::Bug>& bug, const std::string& strategy,
                       const std::vector<TrialResult>& trials);
// The median of values where nullopt means "never" (+infinity); nullopt when the median is never.
std::optional<double> median_or_never(std::vector<std::optional<double>> values);

// The report as JSON (the shape is documented in docs/detection.md) and as a Markdown table.
std::string to_json(const BenchReport& report);
std::string to_markdown(const BenchReport& report);

}  // namespace imaplab::sim
