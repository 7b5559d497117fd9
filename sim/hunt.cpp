// The hunt loop of sim/hunt.hpp: worker threads take run indices, simulate, minimize what fails.
#include "sim/hunt.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <sstream>
#include <thread>

#include "sim/minimize.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {
namespace {

// CPU time of the calling thread: a budget in it is not shortened when other work shares the machine.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

class Hunt {
 public:
  explicit Hunt(const HuntOptions& options, const HuntProgress& progress)
      : options_(options), progress_(progress) {
    if (options_.policies.empty()) options_.policies = policies_for_bugs(options_.bugs);
    if (options_.strategies.empty()) options_.strategies = {"random"};
    if (options_.shard_count == 0) options_.shard_count = 1;
    if (options_.jobs == 0 || options_.cpu_seconds) options_.jobs = 1;
  }

  HuntSummary run() {
    start_ = std::chrono::steady_clock::now();
    cpu_start_ = thread_cpu_seconds();
    if (options_.cpu_seconds) work();  // the one worker runs on this thread, whose CPU time is the clock
    std::vector<std::thread> workers;
    for (std::uint32_t j = 0; j < options_.jobs && !options_.cpu_seconds; ++j) workers.emplace_back([this] { work(); });
    for (auto& w : workers) w.join();
    summary_.wall_seconds = elapsed();
    if (progress_) progress_(summary_);
    return summary_;
  }

 private:
  double elapsed() const {
    if (options_.cpu_seconds) return thread_cpu_seconds() - cpu_start_;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  bool out_of_budget() const {
    if (stopped_.load()) return true;
    if (options_.runs && next_run_.load() >= options_.runs) return true;
    return options_.seconds > 0 && elapsed() >= options_.seconds;
  }

  RunConfig config_for(std::uint64_t index) const {
    std::uint64_t seed = options_.seed + index * options_.shard_count + options_.shard_index;
    std::map<std::string, std::string> fixed;
    // Sweep the policy matrix and the strategies in turn, so every combination gets runs.
    fixed["policy"] = options_.policies[index % options_.policies.size()].to_string();
    fixed["strategy"] = options_.strategies[(index / options_.policies.size()) % options_.strategies.size()];
    if (options_.clients) fixed["clients"] = std::to_string(*options_.clients);
    if (options_.commands) fixed["commands"] = std::to_string(*options_.commands);
    if (!options_.bugs.empty()) fixed["bugs"] = options_.bugs.to_string();
    return RunConfig::swarm(seed, fixed);
  }

  void work() {
    while (!out_of_budget()) {
      std::uint64_t index = next_run_++;
      if (options_.runs && index >= options_.runs) break;
      RunConfig config = config_for(index);
      RunOptions run_options;
      run_options.record_trace = false;  // re-run with a trace only when it fails
      RunResult result = run_simulation(config, run_options);
      double finished = elapsed();  // before any re-run for a trace: detection time is the hunt's own work
      if (result.violation) note_detection(config, *result.violation, result.stats.commands, finished);
      std::optional<HuntFinding> finding;
      if (result.violation) finding = make_finding(config, *result.violation);
      record(config, result, std::move(finding));
    }
  }

  // Re-runs the failing seed with a trace, and minimizes it when its rule has few findings so far.
  HuntFinding make_finding(const RunConfig& config, const Violation& violation) {
    HuntFinding f;
    f.rule = violation.rule;
    f.seed = config.seed;
    RunResult traced = run_simulation(config, RunOptions{});
    f.trace = traced.trace;
    f.commands_before = f.trace.command_count();
    f.commands_after = f.commands_before;
    bool minimize_it = false;
    {
      std::lock_guard lock(mutex_);
      minimize_it = minimized_per_rule_[f.rule]++ < options_.minimize_per_rule;
    }
    if (minimize_it && traced.violation && traced.violation->rule == f.rule) {
      MinimizeOptions mo;
      mo.max_runs = options_.minimize_runs;
      auto m = minimize(f.trace, mo);
      if (m.reproduced) {
        f.trace = m.trace;
        f.minimized = true;
        f.commands_after = m.commands_after;
      }
    }
    return f;
  }

  // Remembers the first violation of each rule, and ends the hunt when it is the rule it was told to stop at.
  void note_detection(const RunConfig& config, const Violation& violation, std::uint64_t commands, double at) {
    std::lock_guard lock(mutex_);
    // With one job this run is recorded right after; with several, runs still in flight are not counted.
    HuntDetection d{config.seed, summary_.runs + 1, summary_.commands + commands, at};
    summary_.first_by_rule.emplace(violation.rule, d);
    if (options_.stop_at_rule && (*options_.stop_at_rule == "*" || *options_.stop_at_rule == violation.rule))
      stopped_ = true;
  }

  void record(const RunConfig& config, const RunResult& result, std::optional<HuntFinding> finding) {
    std::lock_guard lock(mutex_);
    std::string policy = config.policy.to_string();
    summary_.runs++;
    summary_.commands += result.stats.commands;
    summary_.steps += result.stats.steps;
    summary_.virtual_us += result.stats.virtual_us;
    summary_.by_strategy_runs[config.strategy]++;
    HuntRow& row = summary_.by_policy[policy];
    row.runs++;
    row.commands += result.stats.commands;
    if (result.violation) {
      row.violations++;
      summary_.violations++;
      summary_.by_rule[{policy, result.violation->rule}]++;
    }
    if (finding && finding->minimized) summary_.findings.push_back(std::move(*finding));
    else if (finding && kept_unminimized_++ < 20) summary_.findings.push_back(std::move(*finding));
    double now = elapsed();
    if (progress_ && now - last_progress_ >= 0.25) {
      last_progress_ = now;
      summary_.wall_seconds = now;
      progress_(summary_);
    }
  }

  HuntOptions options_;
  HuntProgress progress_;
  std::chrono::steady_clock::time_point start_;
  double cpu_start_ = 0;
  std::atomic<std::uint64_t> next_run_{0};
  std::atomic<bool> stopped_{false};  // stop_at_rule was seen
  std::mutex mutex_;
  HuntSummary summary_;
  std::map<std::string, std::uint32_t> minimized_per_rule_;
  std::uint32_t kept_unminimized_ = 0;
  double last_progress_ = -1;
};

}  // namespace

HuntSummary hunt(const HuntOptions& options, const HuntProgress& progress) {
  return Hunt(options, progress).run();
}

std::string needs_of(const model::BugSet& bugs) {
  std::string out;
  for (const auto& info : model::bug_catalogue())
    if (bugs.has(info.bug) && info.needs) out += (out.empty() ? "" : " ") + std::string(info.needs);
  return out;
}

std::vector<model::Policy> policies_for_bugs(const model::BugSet& bugs) {
  std::vector<std::string> fields;  // "key=value", each as Policy::to_string() writes it
  std::istringstream in(needs_of(bugs));
  for (std::string field; in >> field;) fields.push_back(field);
  std::vector<model::Policy> all = model::Policy::all(), matching;
  for (const auto& p : all) {
    const std::string text = " " + p.to_string() + " ";
    if (std::all_of(fields.begin(), fields.end(), [&](const auto& f) { return text.find(" " + f + " ") != text.npos; }))
      matching.push_back(p);
  }
  return matching.empty() ? all : matching;
}

}  // namespace imaplab::sim
