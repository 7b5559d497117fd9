// `imaplab report DIR|JSON`: the summary page of a hunt (its folder of failing traces, or its --json output),
// a probe's JSON, or a bench-detect JSON: totals, violations by policy and rule, links to each failing trace's
// own page, and for bench-detect a table and a chart of time to detection per bug and strategy.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/trace.hpp"

namespace imaplab::report {

struct PolicyRow {
  std::string policy;
  std::uint64_t runs = 0, commands = 0, violations = 0;
};

struct RuleRow {
  std::string policy;  // empty when the source does not say
  std::string rule;
  std::uint64_t violations = 0;
};

struct TraceEntry {
  std::string name;     // file name, e.g. "SEQ-2-seed17-min.trace"
  std::string href;     // its page, relative to the summary page
  std::string rule;     // its outcome, "none" when it passes
  std::string policy;
  std::uint64_t seed = 0;
  std::size_t commands = 0;
  std::uint64_t virtual_us = 0;  // time of its last event
};

struct DetectRow {  // one bug under one strategy, from bench-detect
  std::string bug, strategy, rule;
  std::optional<double> detected_fraction;   // seeds that found it / seeds run
  std::optional<double> median_seconds;      // to detection
  std::optional<double> median_commands;     // client commands to detection
  std::optional<double> minimized_commands;  // length of the first detection's minimized trace
  std::optional<double> violations;          // violations of any rule (for the correct server: false alarms)
};

struct Summary {
  std::string kind = "hunt";  // "hunt", "probe", "bench-detect", or "traces" (a folder without JSON)
  std::string title;
  bool totals_known = false;  // runs/commands/time come from the run itself, not only from its failing traces
  std::uint64_t runs = 0, commands = 0, violations = 0;
  double virtual_seconds = 0, wall_seconds = 0;
  std::vector<PolicyRow> policies;
  std::vector<RuleRow> rules;
  std::vector<TraceEntry> traces;
  std::vector<std::string> trace_paths;  // trace files the JSON names (as written, to be resolved by the caller)
  std::vector<DetectRow> detect;
};

// Reads the JSON of `imaplab hunt --json`, `imaplab probe --json` or `imaplab bench-detect --json`. Field names
// are read leniently (the writers evolve); nullopt and `error` when it is none of them.
std::optional<Summary> summary_from_json(const nlohmann::json& json, std::string* error);

// Adds a failing (or passing) trace to the summary; without run totals, the totals are counted from traces.
TraceEntry trace_entry(const sim::Trace& trace, const std::string& name, const std::string& href);
void add_trace(Summary& summary, TraceEntry entry);

std::string render_summary_page(const Summary& summary);

}  // namespace imaplab::report
