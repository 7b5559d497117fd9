// Tests of the bug zoo's detection benchmark (sim/bench_detect.hpp): the median and fraction arithmetic, the
// engine extension point, the JSON shape, drift (a detection that fails with the bug off too), and that a
// planted bug is found by a tiny run-bounded bench.
#include "sim/bench_detect.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/minimize.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {
namespace {

TrialResult detected(double seconds, std::uint64_t commands, const std::string& rule) {
  TrialResult t;
  t.target = Detection{rule, seconds, commands, 1, 7};
  t.any = t.target;
  t.runs = 3;
  t.commands = commands + 10;
  t.violations = 1;
  t.rules[rule] = 1;
  return t;
}

TrialResult missed(std::uint64_t runs) {
  TrialResult t;
  t.runs = runs;
  t.commands = runs * 100;
  return t;
}

TEST(BenchDetectMedian, OddAndEvenCounts) {
  EXPECT_EQ(median_or_never({3.0, 1.0, 2.0}), 2.0);
  EXPECT_EQ(median_or_never({1.0, 3.0}), 2.0);
  EXPECT_EQ(median_or_never({5.0}), 5.0);
  EXPECT_EQ(median_or_never({}), std::nullopt);
}

TEST(BenchDetectMedian, MissesCountAsNever) {
  EXPECT_EQ(median_or_never({1.0, 2.0, std::nullopt}), 2.0);
  EXPECT_EQ(median_or_never({1.0, std::nullopt, std::nullopt}), std::nullopt);
  // Of two trials one missed: the middle lies between a time and never, so the median is never.
  EXPECT_EQ(median_or_never({1.0, std::nullopt}), std::nullopt);
  EXPECT_EQ(median_or_never({std::nullopt, 4.0, 1.0, 2.0}), 3.0);
}

TEST(BenchDetectRow, FractionAndMediansOverAllTrials) {
  const model::Bug bug = model::Bug::ExpungeDuringFetch;
  BenchRow row = summarize_row(bug, "random", {detected(3.0, 300, "SEQ-2"), missed(40), detected(1.0, 100, "SEQ-2")});
  EXPECT_EQ(row.bug, "expunge-during-fetch");
  EXPECT_EQ(row.layer, "model");
  EXPECT_EQ(row.rule, "SEQ-2");
  EXPECT_EQ(row.trials, 3u);
  EXPECT_EQ(row.detected, 2u);
  EXPECT_DOUBLE_EQ(row.fraction(), 2.0 / 3.0);
  EXPECT_EQ(row.median_seconds, 3.0);
  EXPECT_EQ(row.median_commands, 300.0);
  EXPECT_EQ(row.runs, 46u);
  EXPECT_EQ(row.commands, 310u + 4000u + 110u);
  EXPECT_EQ(row.violations, 2u);
  EXPECT_EQ(row.rules.at("SEQ-2"), 2u);
}

TEST(BenchDetectRow, AnyViolationIsCountedApartFromTheBugsRule) {
  TrialResult other = missed(5);
  other.any = Detection{"UID-2", 0.5, 50, 2, 9};
  other.violations = 1;
  other.rules["UID-2"] = 1;
  BenchRow row = summarize_row(model::Bug::SharedMsn, "pct", {other, missed(5), missed(5)});
  EXPECT_EQ(row.detected, 0u);
  EXPECT_EQ(row.detected_any, 1u);
  EXPECT_EQ(row.median_seconds, std::nullopt);
  EXPECT_EQ(row.median_seconds_any, std::nullopt);
  EXPECT_EQ(row.rules.at("UID-2"), 1u);
}

TEST(BenchDetectRow, CorrectServerRowHasNoTargetAndCountsFalseAlarms) {
  TrialResult alarm = missed(5);
  alarm.any = Detection{"SEQ-9", 2.0, 500, 5, 3};
  alarm.violations = 2;
  BenchReport report;
  report.rows.push_back(summarize_row(std::nullopt, "random", {missed(5), alarm}));
  report.rows.push_back(summarize_row(model::Bug::RecentTwice, "random", {detected(1.0, 10, "FLG-4")}));
  EXPECT_EQ(report.rows[0].bug, no_bug_name);
  EXPECT_EQ(report.rows[0].median_seconds, std::nullopt);
  EXPECT_EQ(report.rows[0].detected_any, 1u);
  EXPECT_EQ(report.false_alarms(), 2u);  // the bug row's violation is a detection, not an alarm
}

// A fake engine: no simulation, every even seed index detects after (index + 1) seconds.
TrialResult fake_engine(const TrialSpec& spec) {
  if (spec.seed_index % 2 == 1 || !spec.bug) return missed(2);
  return detected(spec.seed_index + 1.0, 10 * (spec.seed_index + 1), model::bug_info(*spec.bug).rule);
}

TEST(BenchDetectEngine, AnotherEngineRunsUnderItsStrategyName) {
  BenchOptions o;
  o.bugs = {model::Bug::FlagOverwrite, std::nullopt};
  o.strategies = {"fake"};
  o.engines["fake"] = fake_engine;
  o.seeds = 5;
  o.jobs = 2;
  auto names = bench_strategies(o);
  EXPECT_NE(std::find(names.begin(), names.end(), "fake"), names.end());
  BenchReport r = bench_detect(o);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].strategy, "fake");
  EXPECT_EQ(r.rows[0].detected, 3u);  // seed indices 0, 2, 4
  EXPECT_EQ(r.rows[0].median_seconds, 5.0);  // of 1, 3, 5, never, never
  EXPECT_EQ(r.rows[0].median_commands, 50.0);
  EXPECT_EQ(r.rows[1].bug, no_bug_name);
  EXPECT_EQ(r.false_alarms(), 0u);
}

TEST(BenchDetectJson, ShapeHasTheReportAndEveryRowField) {
  BenchReport report;
  report.strategies = {"random", "pct"};
  report.seeds = 3;
  report.budget_seconds = 10;
  report.rows.push_back(summarize_row(model::Bug::ExpungeDuringFetch, "random",
                                      {detected(1.5, 120, "SEQ-2"), missed(4), detected(2.5, 80, "SEQ-2")}));
  report.rows.back().trace_commands = 120;
  report.rows.back().minimized_commands = 6;
  report.rows.push_back(summarize_row(std::nullopt, "pct", {missed(4)}));
  auto j = nlohmann::json::parse(to_json(report));
  EXPECT_EQ(j["strategies"], nlohmann::json({"random", "pct"}));
  EXPECT_EQ(j["seeds"], 3);
  EXPECT_DOUBLE_EQ(j["budget_seconds"].get<double>(), 10.0);
  EXPECT_EQ(j["clock"], "thread-cpu");
  EXPECT_EQ(j["false_alarms"], 0);
  ASSERT_EQ(j["rows"].size(), 2u);
  const auto& bug = j["rows"][0];
  EXPECT_EQ(bug["bug"], "expunge-during-fetch");
  EXPECT_EQ(bug["rule"], "SEQ-2");
  EXPECT_EQ(bug["detected"], 2);
  EXPECT_NEAR(bug["fraction"].get<double>(), 0.667, 1e-9);
  EXPECT_DOUBLE_EQ(bug["median_seconds"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(bug["median_commands"].get<double>(), 120.0);
  EXPECT_EQ(bug["minimized_commands"], 6);
  EXPECT_EQ(bug["rules"]["SEQ-2"], 2);
  const auto& none = j["rows"][1];
  EXPECT_EQ(none["bug"], "none");
  EXPECT_TRUE(none["median_seconds"].is_null());
  EXPECT_TRUE(none["minimized_commands"].is_null());
  EXPECT_EQ(none["violations"], 0);
}

TEST(BenchDetectMarkdown, OneLinePerRow) {
  BenchReport report;
  report.rows.push_back(summarize_row(model::Bug::RecentTwice, "random", {detected(1.0, 10, "FLG-4")}));
  report.rows.push_back(summarize_row(std::nullopt, "random", {missed(1)}));
  std::string md = to_markdown(report);
  EXPECT_NE(md.find("| recent-twice | model | FLG-4 | random | 1/1 | 1.000 s | 10 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| none | - | - | random | - |"), std::string::npos) << md;
}

// A planted bug is found by a small bench bounded by runs, not by time, so the test never depends on speed;
// its first detection minimizes to a trace that fails with the bug's rule and names the bug in its header.
TEST(BenchDetectPlanted, RecentTwiceIsFoundAndMinimized) {
  BenchOptions o;
  o.bugs = {model::Bug::RecentTwice};
  o.strategies = {"random"};
  o.seeds = 1;
  o.budget_seconds = 0;
  o.max_runs = 100;
  o.minimize_runs = 200;
  BenchReport r = bench_detect(o);
  ASSERT_EQ(r.rows.size(), 1u);
  const BenchRow& row = r.rows[0];
  EXPECT_EQ(row.detected, 1u) << "runs " << row.runs;
  ASSERT_TRUE(row.minimized.has_value());
  EXPECT_EQ(row.minimized->outcome, "FLG-4");
  EXPECT_EQ(row.minimized->config.bugs.to_string(), "recent-twice");
  EXPECT_LE(*row.minimized_commands, *row.trace_commands);
  // The bug is the cause: the detection and the minimized trace pass with it switched off.
  EXPECT_EQ(row.drift, 0u);
  EXPECT_FALSE(row.minimized_drift);
  Trace off = *Trace::parse(row.minimized->write());
  off.config.bugs = model::BugSet{};
  EXPECT_FALSE(replay(off, false).violation) << row.minimized->write();
}

// A trial whose detecting run fails with the bug off too is drift: not a detection, and shown as such.
TEST(BenchDetectDrift, DriftIsNotADetectionAndIsReported) {
  TrialResult drifted = missed(3);
  drifted.drift = true;
  drifted.any = Detection{"FLG-4", 0.5, 40, 3, 11};
  drifted.violations = 1;
  drifted.rules["FLG-4"] = 1;
  BenchReport report;
  report.rows.push_back(summarize_row(model::Bug::RecentTwice, "random", {detected(1.0, 10, "FLG-4"), drifted}));
  report.rows.back().minimized_drift = true;
  const BenchRow& row = report.rows.back();
  EXPECT_EQ(row.detected, 1u);
  EXPECT_EQ(row.drift, 1u);
  EXPECT_EQ(row.detected_any, 2u);
  auto j = nlohmann::json::parse(to_json(report));
  EXPECT_EQ(j["rows"][0]["drift"], 1);
  EXPECT_EQ(j["rows"][0]["minimized_drift"], true);
  std::string md = to_markdown(report);
  EXPECT_NE(md.find("| recent-twice | model | FLG-4 | random | 1/2 (1 drift) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| drift |"), std::string::npos) << md;
}

// A real detection (the bug's own run, which passes with the bug off) is kept; a trial without a trace to
// check (a fuzz crash that did not fail again) keeps its detection unchecked.
TEST(BenchDetectDrift, RealDetectionIsKept) {
  TrialSpec spec;
  spec.bug = model::Bug::RecentTwice;
  spec.strategy = "random";
  spec.budget_seconds = 0;
  spec.max_runs = 100;
  TrialResult t = hunt_trial(spec);
  ASSERT_TRUE(t.target) << "runs " << t.runs;
  ASSERT_TRUE(t.trace);
  refuse_drift(t);
  EXPECT_TRUE(t.target);
  EXPECT_FALSE(t.drift);
  TrialResult untraced = detected(1.0, 10, "FLG-4");
  refuse_drift(untraced);
  EXPECT_TRUE(untraced.target);
  EXPECT_FALSE(untraced.drift);
}

// FLG-2 is a SHOULD rule, normally only a warning; with its bug planted the run makes it fatal, so the bench
// stops at it like at any MUST rule.
TEST(BenchDetectPlanted, ShouldRuleOfAPlantedBugCountsAsDetection) {
  BenchOptions o;
  o.bugs = {model::Bug::FlagUpdatesDropped};
  o.strategies = {"random"};
  o.seeds = 1;
  o.budget_seconds = 0;
  o.max_runs = 2000;  // a bound, not a target: the trial stops at the first detection
  o.minimize_runs = 0;
  BenchReport r = bench_detect(o);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].detected, 1u) << "runs " << r.rows[0].runs;
  EXPECT_EQ(r.rows[0].rules.count("FLG-2"), 1u);
}

}  // namespace
}  // namespace imaplab::sim
