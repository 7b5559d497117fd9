// The detection benchmark of sim/bench_detect.hpp: a pool of one-core trials, the per-row arithmetic, the
// minimization of each row's first detection, and the report's JSON and Markdown forms.
#include "sim/bench_detect.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <type_traits>

#include "sim/hunt.hpp"
#include "sim/minimize.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {
namespace {

std::optional<Detection> detection_of(const std::string& rule, const HuntDetection& d) {
  return Detection{rule, d.wall_seconds, d.commands, d.runs, d.seed};
}

// The earliest of a hunt's first violations (fewest runs, then least time).
std::optional<Detection> earliest(const HuntSummary& s) {
  std::optional<Detection> best;
  for (const auto& [rule, d] : s.first_by_rule)
    if (!best || d.runs < best->runs || (d.runs == best->runs && d.wall_seconds < best->seconds))
      best = detection_of(rule, d);
  return best;
}

std::optional<Trace> trace_of(const HuntSummary& s, const std::optional<std::string>& rule) {
  for (const auto& f : s.findings)
    if (!rule || f.rule == *rule) return f.trace;
  return std::nullopt;
}

// Runs `count` jobs numbered 0..count-1 on up to `threads` threads.
void parallel_for(std::size_t count, std::uint32_t threads, const std::function<void(std::size_t)>& job) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) job(i);
  };
  std::vector<std::thread> pool;
  for (std::uint32_t t = 1; t < std::max<std::uint32_t>(threads, 1) && t < count; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

std::string row_bug_name(const std::optional<model::Bug>& bug) {
  return bug ? model::bug_info(*bug).name : no_bug_name;
}

// The trace, read back from its text as ctest reads it, fails with its planted bugs switched off too.
bool fails_without_bugs(const Trace& trace) {
  std::optional<Trace> off = Trace::parse(trace.write());
  if (!off) return true;  // a trace that does not read back is no trace to keep
  off->config.bugs = model::BugSet{};
  return replay(*off, /*record_trace=*/false).violation.has_value();
}

// Minimizes the detecting trace of the row's lowest-seed detection (deterministic, whatever ran first) into
// the row's trace fields. The minimizer keeps a step only when the bug is still its cause; the result is
// checked once more as ctest will replay it, and when it fails with the bug off that trial's detection is
// drift and does not count.
void minimize_first_detection(BenchRow& row, std::vector<TrialResult>& trials, std::uint32_t max_runs) {
  for (auto& t : trials) {
    if (!t.trace || !t.trace->outcome || t.drift) continue;
    if (!row.rule.empty() && *t.trace->outcome != row.rule) continue;
    row.trace_commands = t.trace->command_count();
    MinimizeOptions mo;
    mo.max_runs = max_runs;
    MinimizeResult m = minimize(*t.trace, mo);
    if (!m.reproduced) return;
    if (!row.rule.empty() && (m.input_fails_without_bugs || fails_without_bugs(m.trace))) {
      row.minimized_drift = true;
      t.drift = true;
      t.target.reset();
      return;
    }
    row.minimized_commands = m.commands_after;
    row.minimized = m.trace;
    return;
  }
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;  // names and rules are plain text; drop controls
    out += c;
  }
  return out + "\"";
}

std::string json_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

template <typename T>
std::string json_optional(const std::optional<T>& v) {
  if (!v) return "null";
  if constexpr (std::is_floating_point_v<T>) return json_number(*v);
  else return std::to_string(*v);
}

std::string json_row(const BenchRow& r) {
  std::string rules = "{";
  for (const auto& [rule, n] : r.rules) rules += (rules.size() > 1 ? ", " : "") + json_string(rule) + ": " + std::to_string(n);
  rules += "}";
  return "{\"bug\": " + json_string(r.bug) + ", \"layer\": " + json_string(r.layer) + ", \"rule\": " +
         json_string(r.rule) + ", \"strategy\": " + json_string(r.strategy) +
         ", \"trials\": " + std::to_string(r.trials) + ", \"detected\": " + std::to_string(r.detected) +
         ", \"fraction\": " + json_number(r.fraction()) + ", \"median_seconds\": " + json_optional(r.median_seconds) +
         ", \"median_commands\": " + json_optional(r.median_commands) +
         ", \"detected_any\": " + std::to_string(r.detected_any) + ", \"fraction_any\": " + json_number(r.fraction_any()) +
         ", \"median_seconds_any\": " + json_optional(r.median_seconds_any) +
         ", \"median_commands_any\": " + json_optional(r.median_commands_any) + ", \"runs\": " + std::to_string(r.runs) +
         ", \"commands\": " + std::to_string(r.commands) + ", \"violations\": " + std::to_string(r.violations) +
         ", \"rules\": " + rules + ", \"trace_commands\": " + json_optional(r.trace_commands) +
         ", \"minimized_commands\": " + json_optional(r.minimized_commands) + ", \"drift\": " + std::to_string(r.drift) +
         ", \"minimized_drift\": " + (r.minimized_drift ? "true" : "false") + "}";
}

std::string cell_seconds(const std::optional<double>& s) {
  if (!s) return "> budget";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", *s);
  return buf;
}

std::string cell_count(const std::optional<double>& n) {
  return n ? std::to_string(static_cast<std::uint64_t>(std::llround(*n))) : "-";
}

}  // namespace

void refuse_drift(TrialResult& trial) {
  if (!trial.target || !trial.trace || trial.trace->config.bugs.empty()) return;
  if (!fails_without_bugs(*trial.trace)) return;
  trial.drift = true;
  trial.target.reset();
}

TrialResult hunt_trial(const TrialSpec& spec) {
  HuntOptions o;
  o.seconds = spec.budget_seconds;
  o.runs = spec.max_runs;
  o.cpu_seconds = spec.cpu_seconds;
  o.seed = spec.base_seed;
  o.shard_index = spec.seed_index;  // the hunt's shards are disjoint seed sequences: one per trial
  o.shard_count = spec.seed_count;
  o.strategies = {spec.strategy};
  o.jobs = 1;
  o.minimize_per_rule = 0;  // the bench minimizes one trace per row afterwards, outside the timed trial
  std::optional<std::string> rule;
  if (spec.bug) {
    o.bugs.add(*spec.bug);
    rule = model::bug_info(*spec.bug).rule;
    o.stop_at_rule = rule;
  }
  HuntSummary s = hunt(o);
  TrialResult t;
  t.runs = s.runs;
  t.commands = s.commands;
  t.violations = s.violations;
  t.seconds = s.wall_seconds;
  for (const auto& [key, n] : s.by_rule) t.rules[key.second] += n;
  t.any = earliest(s);
  if (rule) {
    auto it = s.first_by_rule.find(*rule);
    if (it != s.first_by_rule.end()) t.target = detection_of(*rule, it->second);
  }
  if (t.target || (!spec.bug && t.any)) t.trace = trace_of(s, rule);
  return t;
}

std::vector<std::string> bench_strategies(const BenchOptions& options) {
  std::vector<std::string> names = {"random", "pct"};
  for (const auto& [name, engine] : options.engines)
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  return names;
}

std::optional<double> median_or_never(std::vector<std::optional<double>> values) {
  if (values.empty()) return std::nullopt;
  constexpr double never = std::numeric_limits<double>::infinity();
  std::vector<double> v;
  for (const auto& x : values) v.push_back(x.value_or(never));
  std::sort(v.begin(), v.end());
  std::size_t mid = v.size() / 2;
  double m = v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  if (std::isinf(m)) return std::nullopt;
  return m;
}

BenchRow summarize_row(const std::optional<model::Bug>& bug, const std::string& strategy,
                       const std::vector<TrialResult>& trials) {
  BenchRow row;
  row.bug = row_bug_name(bug);
  if (bug) {
    row.layer = model::bug_info(*bug).layer;
    row.rule = model::bug_info(*bug).rule;
  }
  row.strategy = strategy;
  row.trials = static_cast<std::uint32_t>(trials.size());
  std::vector<std::optional<double>> secs, cmds, secs_any, cmds_any;
  for (const auto& t : trials) {
    row.detected += t.target ? 1 : 0;
    row.detected_any += t.any ? 1 : 0;
    row.drift += t.drift ? 1 : 0;
    secs.push_back(t.target ? std::optional<double>(t.target->seconds) : std::nullopt);
    cmds.push_back(t.target ? std::optional<double>(static_cast<double>(t.target->commands)) : std::nullopt);
    secs_any.push_back(t.any ? std::optional<double>(t.any->seconds) : std::nullopt);
    cmds_any.push_back(t.any ? std::optional<double>(static_cast<double>(t.any->commands)) : std::nullopt);
    row.runs += t.runs;
    row.commands += t.commands;
    row.violations += t.violations;
    for (const auto& [rule, n] : t.rules) row.rules[rule] += n;
  }
  if (bug) {  // the correct server has no target rule: only "any" means something there
    row.median_seconds = median_or_never(secs);
    row.median_commands = median_or_never(cmds);
  }
  row.median_seconds_any = median_or_never(secs_any);
  row.median_commands_any = median_or_never(cmds_any);
  return row;
}

std::uint64_t BenchReport::false_alarms() const {
  std::uint64_t n = 0;
  for (const auto& r : rows)
    if (r.bug == no_bug_name) n += r.violations;
  return n;
}

BenchReport bench_detect(const BenchOptions& options) {
  auto start = std::chrono::steady_clock::now();
  const std::uint32_t seeds = std::max<std::uint32_t>(options.seeds, 1);
  struct RowPlan {
    std::optional<model::Bug> bug;
    std::string strategy;
    TrialEngine engine;
    std::vector<TrialResult> trials;
  };
  std::vector<RowPlan> plan;
  for (const auto& bug : options.bugs)
    for (const auto& strategy : options.strategies) {
      auto it = options.engines.find(strategy);
      TrialEngine engine = it != options.engines.end() ? it->second : TrialEngine(hunt_trial);
      plan.push_back({bug, strategy, engine, std::vector<TrialResult>(seeds)});
    }

  std::mutex mutex;
  std::size_t done = 0;
  const std::size_t total = plan.size() * seeds;
  parallel_for(total, options.jobs, [&](std::size_t i) {
    RowPlan& row = plan[i / seeds];
    TrialSpec spec{row.bug, row.strategy, options.base_seed, static_cast<std::uint32_t>(i % seeds), seeds,
                   options.budget_seconds, options.max_runs, options.cpu_seconds};
    TrialResult result = row.engine(spec);
    if (row.bug) refuse_drift(result);  // after the engine, outside the timed trial
    std::lock_guard lock(mutex);
    row.trials[i % seeds] = std::move(result);
    const TrialResult& t = row.trials[i % seeds];
    if (options.progress)
      options.progress(std::to_string(++done) + "/" + std::to_string(total) + " " + row_bug_name(row.bug) + " " +
                       row.strategy + " seed " + std::to_string(i % seeds) + ": " +
                       (t.target  ? "detected " + t.target->rule
                        : t.drift ? std::string("drift: fails with the bug off too")
                        : t.any   ? "saw " + t.any->rule
                                  : "nothing") +
                       " after " + std::to_string(t.runs) + " runs");
  });

  BenchReport report;
  report.strategies = options.strategies;
  report.seeds = seeds;
  report.base_seed = options.base_seed;
  report.budget_seconds = options.budget_seconds;
  report.cpu_seconds = options.cpu_seconds;
  report.jobs = options.jobs;
  // Minimized first, so that a first detection whose minimized trace drifted is not counted in the row.
  std::vector<BenchRow> first(plan.size());
  parallel_for(plan.size(), options.jobs, [&](std::size_t i) {
    if (plan[i].bug) first[i].rule = model::bug_info(*plan[i].bug).rule;
    minimize_first_detection(first[i], plan[i].trials, options.minimize_runs);
  });
  for (std::size_t i = 0; i < plan.size(); ++i) {
    BenchRow row = summarize_row(plan[i].bug, plan[i].strategy, plan[i].trials);
    row.trace_commands = first[i].trace_commands;
    row.minimized_commands = first[i].minimized_commands;
    row.minimized = std::move(first[i].minimized);
    row.minimized_drift = first[i].minimized_drift;
    report.rows.push_back(std::move(row));
  }
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string to_json(const BenchReport& report) {
  std::string strategies;
  for (const auto& s : report.strategies) strategies += (strategies.empty() ? "" : ", ") + json_string(s);
  std::string out = "{\n  \"strategies\": [" + strategies + "],\n  \"seeds\": " + std::to_string(report.seeds) +
                    ",\n  \"base_seed\": " + std::to_string(report.base_seed) + ",\n  \"budget_seconds\": " +
                    json_number(report.budget_seconds) + ",\n  \"clock\": " +
                    (report.cpu_seconds ? "\"thread-cpu\"" : "\"wall\"") + ",\n  \"jobs\": " + std::to_string(report.jobs) +
                    ",\n  \"wall_seconds\": " + json_number(report.wall_seconds) + ",\n  \"false_alarms\": " +
                    std::to_string(report.false_alarms()) + ",\n  \"rows\": [";
  for (std::size_t i = 0; i < report.rows.size(); ++i) out += (i ? ",\n    " : "\n    ") + json_row(report.rows[i]);
  return out + "\n  ]\n}\n";
}

std::string to_markdown(const BenchReport& report) {
  std::string out =
      "| bug | layer | rule | strategy | detected | median time | median commands | minimized trace | any violation |\n"
      "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : report.rows) {
    std::string detected = r.bug == no_bug_name
                               ? "-"
                               : std::to_string(r.detected) + "/" + std::to_string(r.trials);
    if (r.drift) detected += " (" + std::to_string(r.drift) + " drift)";
    std::string any = std::to_string(r.detected_any) + "/" + std::to_string(r.trials);
    for (const auto& [rule, n] : r.rules) any += " " + rule + "×" + std::to_string(n);
    std::string minimized = r.minimized_commands ? std::to_string(*r.minimized_commands) + " commands"
                            : r.minimized_drift  ? "drift"
                                                 : "-";
    if (r.minimized_commands && r.trace_commands)
      minimized += " (from " + std::to_string(*r.trace_commands) + ")";
    out += "| " + r.bug + " | " + (r.layer.empty() ? "-" : r.layer) + " | " + (r.rule.empty() ? "-" : r.rule) +
           " | " + r.strategy + " | " + detected + " | " +
           (r.bug == no_bug_name ? "-" : cell_seconds(r.median_seconds)) + " | " +
           (r.bug == no_bug_name ? "-" : cell_count(r.median_commands)) + " | " + minimized + " | " + any + " |\n";
  }
  return out;
}

}  // namespace imaplab::sim
