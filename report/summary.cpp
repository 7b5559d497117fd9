// Reading run summaries from JSON and traces (report/summary.hpp). The JSON writers (hunt, probe,
// bench-detect) are separate commands that evolve on their own, so fields are looked up under the names each
// has used and missing ones are simply not shown.
#include "report/summary.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>

#include "report/transcript.hpp"

namespace imaplab::report {
namespace {

using nlohmann::json;

std::optional<double> number(const json& j, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return std::nullopt;
  for (const char* k : keys) {
    auto it = j.find(k);
    if (it != j.end() && it->is_number()) return it->get<double>();
  }
  return std::nullopt;
}

std::uint64_t count(const json& j, std::initializer_list<const char*> keys) {
  auto v = number(j, keys);
  return v && *v > 0 ? static_cast<std::uint64_t>(*v) : 0;
}

std::string text(const json& j, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return {};
  for (const char* k : keys) {
    auto it = j.find(k);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

// The array of bench-detect rows: objects naming a bug, at the top level or under a known key.
const json* detect_rows(const json& j) {
  auto is_rows = [](const json& a) {
    return a.is_array() && !a.empty() && a.front().is_object() && (a.front().contains("bug") || a.front().contains("name")) &&
           a.front().contains("strategy");
  };
  if (is_rows(j)) return &j;
  if (!j.is_object()) return nullptr;
  for (const char* k : {"rows", "results", "detections", "table", "bugs"}) {
    auto it = j.find(k);
    if (it != j.end() && is_rows(*it)) return &*it;
  }
  return nullptr;
}

DetectRow detect_row(const json& r) {
  DetectRow d;
  d.bug = text(r, {"bug", "name"});
  d.strategy = text(r, {"strategy"});
  d.rule = text(r, {"rule", "expected_rule"});
  d.detected_fraction = number(r, {"detected_fraction", "fraction", "detection_rate", "found_fraction", "rate"});
  auto detected = number(r, {"detected", "found"});
  auto seeds = number(r, {"seeds", "runs"});
  if (!d.detected_fraction && detected && seeds && *seeds > 0) d.detected_fraction = *detected / *seeds;
  d.median_seconds = number(r, {"median_seconds", "median_time_s", "median_time_seconds", "median_s", "median_time"});
  d.median_commands = number(r, {"median_commands", "median_commands_to_detection"});
  d.minimized_commands = number(r, {"minimized_commands", "minimized_trace_commands", "min_trace_commands",
                                    "minimized_length", "trace_commands"});
  d.violations = number(r, {"violations"});
  return d;
}

void read_rules(Summary& s, const json& j) {
  // hunt: "rules" [{policy, rule, violations}]; probe: "violations" {rule: count}.
  for (const char* key : {"rules", "violations_by_rule", "by_rule", "violations"}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (it->is_array()) {
      for (const auto& r : *it)
        s.rules.push_back({text(r, {"policy"}), text(r, {"rule", "id"}), count(r, {"violations", "count"})});
    } else if (it->is_object()) {
      for (const auto& [rule, n] : it->items())
        if (n.is_number()) s.rules.push_back({"", rule, n.get<std::uint64_t>()});
    }
    return;
  }
}

// A probe's S-rule findings, which do not stop it: listed with the rules, marked as warnings.
void read_warnings(Summary& s, const json& j) {
  auto it = j.find("warnings");
  if (it == j.end() || !it->is_object()) return;
  for (const auto& [rule, n] : it->items())
    if (n.is_number()) s.rules.push_back({"warning (not fatal)", rule, n.get<std::uint64_t>()});
}

void read_traces(Summary& s, const json& j) {
  auto it = j.find("traces");
  if (it == j.end()) it = j.find("trace_files");  // probe
  if (it == j.end() || !it->is_array()) return;
  for (const auto& t : *it) {
    std::string path = t.is_string() ? t.get<std::string>() : text(t, {"path", "file", "trace"});
    // hunt writes "DIR/X.trace (minimized 30 -> 5 commands)".
    const auto note = path.find(" (");
    if (note != std::string::npos) path.resize(note);
    if (!path.empty()) s.trace_paths.push_back(path);
  }
}

std::string kind_of(const json& j) {
  std::string kind = text(j, {"kind", "command", "mode"});
  if (!kind.empty()) return kind;
  if (detect_rows(j)) return "bench-detect";
  if (j.is_object() && (j.contains("host") || j.contains("server"))) return "probe";
  return "hunt";
}

}  // namespace

std::optional<Summary> summary_from_json(const nlohmann::json& j, std::string* error) {
  const json* rows = detect_rows(j);
  if (!j.is_object() && !rows) {
    if (error) *error = "not a hunt, probe or bench-detect summary (expected a JSON object)";
    return std::nullopt;
  }
  Summary s;
  s.kind = kind_of(j);
  if (rows) {
    // bench-detect's rows carry the work of their trials: the totals are their sums.
    for (const auto& r : *rows) {
      s.detect.push_back(detect_row(r));
      s.runs += count(r, {"runs"});
      s.commands += count(r, {"commands"});
      s.violations += count(r, {"violations"});
      if (auto it = r.find("rules"); it != r.end() && it->is_object())
        for (const auto& [rule, n] : it->items())
          if (n.is_number()) s.rules.push_back({text(r, {"bug", "name"}) + " / " + text(r, {"strategy"}), rule, n.get<std::uint64_t>()});
    }
    s.totals_known = s.runs > 0;
  }
  if (j.is_object()) s.wall_seconds = number(j, {"wall_seconds", "seconds"}).value_or(0);
  if (j.is_object() && !rows) {
    s.totals_known = j.contains("runs") || j.contains("commands");
    s.runs = count(j, {"runs", "connections"});
    s.commands = count(j, {"commands", "commands_total"});
    s.violations = count(j, {"violations", "violations_total"});
    if (s.kind == "probe") s.title = "imaplab probe of " + text(j, {"server", "host"});
    s.virtual_seconds = number(j, {"virtual_seconds"}).value_or(0);
    s.wall_seconds = number(j, {"wall_seconds", "seconds"}).value_or(0);
    if (auto it = j.find("policies"); it != j.end() && it->is_array())
      for (const auto& p : *it)
        s.policies.push_back({text(p, {"policy"}), count(p, {"runs"}), count(p, {"commands"}), count(p, {"violations"})});
    read_rules(s, j);
    read_warnings(s, j);
    read_traces(s, j);
  }
  if (!s.totals_known && s.detect.empty() && s.trace_paths.empty()) {
    if (error) *error = "not a hunt, probe or bench-detect summary (no runs, commands, traces or detection rows)";
    return std::nullopt;
  }
  return s;
}

TraceEntry trace_entry(const sim::Trace& trace, const std::string& name, const std::string& href) {
  TraceEntry e;
  e.name = name;
  e.href = href;
  e.rule = trace.outcome.value_or("none");
  e.policy = trace.config.policy.to_string();
  e.seed = trace.config.seed;
  e.commands = trace.command_count();
  for (const auto& line : trace.lines)
    if (line.kind == sim::TraceLine::Kind::Client || line.kind == sim::TraceLine::Kind::Server)
      e.virtual_us = std::max(e.virtual_us, line.time_us);
  return e;
}

void add_trace(Summary& s, TraceEntry e) {
  if (!s.totals_known) {
    // Only the failing runs are known: count them as the runs of this summary.
    s.runs += 1;
    s.commands += e.commands;
    s.virtual_seconds += static_cast<double>(e.virtual_us) / 1e6;
    const bool failed = e.rule != "none";
    if (failed) s.violations += 1;
    auto policy = std::find_if(s.policies.begin(), s.policies.end(), [&](const PolicyRow& p) { return p.policy == e.policy; });
    if (policy == s.policies.end()) policy = s.policies.insert(s.policies.end(), PolicyRow{e.policy});
    policy->runs += 1;
    policy->commands += e.commands;
    policy->violations += failed ? 1 : 0;
    auto rule = std::find_if(s.rules.begin(), s.rules.end(),
                             [&](const RuleRow& r) { return r.policy == e.policy && r.rule == e.rule; });
    if (failed && rule == s.rules.end()) s.rules.push_back({e.policy, e.rule, 1});
    else if (failed) rule->violations += 1;
  }
  s.traces.push_back(std::move(e));
}

}  // namespace imaplab::report
