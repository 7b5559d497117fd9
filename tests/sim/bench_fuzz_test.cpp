// Tests of bench-detect's fuzz strategy without libFuzzer (sim/bench_fuzz.hpp): planted fuzz runs, the policy
// restriction of bugs that need a policy, libFuzzer's command line and log, and a crash file as a detection.
#include "sim/bench_fuzz.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/hunt.hpp"
#include "sim/minimize.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {
namespace {

// A world input failing SEQ-2 with expunge-during-fetch planted (IMAPLAB_FUZZ_BUGS) and passing without it. If
// the input decoding, the workload or the model changes, find a new one: scripts/fuzz.sh's build, then
//   IMAPLAB_FUZZ_BUGS=expunge-during-fetch build/fuzz/fuzz/world_fuzzer -artifact_prefix=/tmp/ -max_len=1024 DIR
// (or run random 200-255-byte inputs through run_fuzz_input_planted until one fails SEQ-2 and passes without).
const std::vector<std::uint8_t> expunge_during_fetch_crash = {
      0x8f, 0xe7, 0xc8, 0x3d, 0x59, 0x93, 0xff, 0x59, 0xb6, 0xf1, 0x0c, 0xb2,
      0x24, 0x63, 0x92, 0xc3, 0xf0, 0xc0, 0x1b, 0x7c, 0x5c, 0xdf, 0xbd, 0x4d,
      0x36, 0x28, 0xb9, 0xea, 0x2d, 0x99, 0x07, 0x61, 0xfc, 0x0f, 0x11, 0x8d,
      0x3b, 0x8b, 0xce, 0x8a, 0xc2, 0xd0, 0xbc, 0xe0, 0x23, 0x6d, 0x0d, 0x35,
      0x12, 0x8e, 0x8e, 0x28, 0x3c, 0x29, 0x16, 0xbf, 0x15, 0xad, 0xad, 0x36,
      0xbb, 0xf4, 0x8f, 0xc1, 0x9a, 0xe3, 0xff, 0x89, 0x8f, 0xbc, 0xca, 0xa3,
      0x9d, 0xff, 0x1e, 0x00, 0x5f, 0x2e, 0x76, 0x6b, 0x9d, 0xb1, 0xa8, 0x89,
      0x13, 0x6d, 0x01, 0x8d, 0x94, 0xa9, 0x38, 0xa4, 0x3c, 0x0d, 0x2f, 0x63,
      0x63, 0x23, 0xd5, 0xb8, 0x7e, 0xd8, 0x2e, 0x26, 0x92, 0x2b, 0xc0, 0x27,
      0x5e, 0xc9, 0x9e, 0x0c, 0xf0, 0x06, 0x1f, 0x27, 0xc8, 0x9b, 0x35, 0x2d,
      0xa0, 0x81, 0xb9, 0x68, 0x60, 0xdb, 0x70, 0x23, 0x2b, 0x88, 0x2e, 0xd6,
      0xda, 0x07, 0x77, 0x05, 0xe8, 0xc4, 0x1e, 0xba, 0x7d, 0x97, 0x5a, 0x0a,
      0x9a, 0x2d, 0xf1, 0x87, 0xa1, 0xb0, 0x35, 0x4f, 0xa8, 0xc4, 0x57, 0x1d,
      0x94, 0x78, 0xd8, 0x20, 0xd8, 0x2c, 0x6f, 0xea, 0xfc, 0x92, 0xd0, 0x4b,
      0xe4, 0xdd, 0xee, 0x8d, 0xf0, 0x54, 0xce, 0xec, 0xc1, 0xd4, 0x72, 0x48,
      0x5e, 0xaa, 0xca, 0xd0, 0x9e, 0x55, 0xed, 0x50, 0x91, 0x53, 0x83, 0x8e,
      0x04, 0x4d, 0x3f, 0x8e, 0xb0, 0xa2, 0xf5, 0xf3, 0x90, 0x51, 0x97, 0xe3,
      0xb0, 0x32, 0x2c, 0x54, 0x7f, 0x77, 0x26, 0x4e, 0xc7, 0x74, 0x48, 0x22,
      0x23, 0x55, 0xa1, 0x54, 0xa8, 0x31, 0x4f, 0x44, 0xda, 0xc3, 0x42, 0x0d,
      0xfb, 0xb5, 0x7b, 0xfe, 0xb3, 0xb0, 0x0d, 0x71, 0x8a, 0xa3, 0x2e, 0x2e,
      0x80, 0xf3, 0x1d, 0xf9, 0x67, 0xc3, 0xbb, 0x01, 0x8b, 0xe0, 0x57, 0x8a,
      0xe1, 0x17
};

std::string crash_bytes() { return {expunge_during_fetch_crash.begin(), expunge_during_fetch_crash.end()}; }

bool has(const std::vector<std::string>& args, const std::string& arg) {
  return std::find(args.begin(), args.end(), arg) != args.end();
}

model::BugSet only(model::Bug bug) {
  model::BugSet bugs;
  bugs.add(bug);
  return bugs;
}

TEST(BugNeeds, GhostRefcountIsHuntedUnderDeleteGhostOnly) {
  const auto policies = policies_for_bugs(only(model::Bug::GhostRefcountOffByOne));
  EXPECT_EQ(policies.size(), model::Policy::all().size() / 3);
  for (const auto& p : policies) EXPECT_EQ(p.del, model::Policy::Delete::Ghost) << p.to_string();
  EXPECT_EQ(needs_of(only(model::Bug::GhostRefcountOffByOne)), "delete=ghost");
}

TEST(BugNeeds, EveryNeedsLineParsesAsAPolicyAndKeepsSomePolicies) {
  for (const auto& info : model::bug_catalogue()) {
    if (!info.needs) continue;
    std::string error;
    EXPECT_TRUE(model::Policy::parse(info.needs, &error)) << info.name << ": " << error;
    EXPECT_LT(policies_for_bugs(only(info.bug)).size(), model::Policy::all().size()) << info.name;
  }
}

TEST(BugNeeds, NoNeedsOrContradictingNeedsSweepTheWholeMatrix) {
  EXPECT_EQ(policies_for_bugs({}).size(), model::Policy::all().size());
  EXPECT_EQ(policies_for_bugs(only(model::Bug::ExpungeDuringFetch)).size(), model::Policy::all().size());
  model::BugSet both = only(model::Bug::GhostRefcountOffByOne);
  both.add(model::Bug::RenameForgetsHolders);  // delete=ghost and rename=inplace: compatible
  for (const auto& p : policies_for_bugs(both))
    EXPECT_TRUE(p.del == model::Policy::Delete::Ghost && p.rename == model::Policy::Rename::Inplace);
}

TEST(BugNeeds, HuntWithAPlantedBugRunsOnlyItsPolicies) {
  HuntOptions o;
  o.seconds = 0;
  o.runs = 12;
  o.jobs = 1;
  o.minimize_per_rule = 0;
  o.bugs = only(model::Bug::GhostRefcountOffByOne);
  const HuntSummary s = hunt(o);
  ASSERT_FALSE(s.by_policy.empty());
  for (const auto& [policy, row] : s.by_policy) EXPECT_NE(policy.find("delete=ghost"), std::string::npos) << policy;
}

TEST(PlantedFuzzInput, PlantsTheBugsAndTheirPolicyAndFloors) {
  const std::vector<std::uint8_t> empty;
  const auto bugs = only(model::Bug::GhostRefcountOffByOne);
  RunResult r = run_fuzz_input_planted(FuzzTarget::World, empty.data(), 0, bugs, true);
  EXPECT_EQ(r.trace.config.bugs, bugs);
  EXPECT_EQ(r.trace.config.policy.del, model::Policy::Delete::Ghost);
  EXPECT_GE(r.trace.config.clients, planted_clients_min);
  EXPECT_GE(r.trace.config.commands, planted_commands_min);
  // Without bugs it is the world target's own decoding.
  RunResult plain = run_fuzz_input_planted(FuzzTarget::World, empty.data(), 0, {}, true);
  EXPECT_TRUE(plain.trace.config.bugs.empty());
  EXPECT_EQ(plain.trace.config.clients, 1u);
}

TEST(LibFuzzerArguments, TrialSettingsAfterTheOptionsFileAndScratchCorpusFirst) {
  LibFuzzerRun run{"/b/world_fuzzer", "/tmp/w", "/src/corpus/world", "/src/fuzz/world.dict",
                   "[libfuzzer]\ndict = world.dict\ntimeout = 5\n# a comment\nentropic = 0\n", 7, 20, 0};
  const auto args = libfuzzer_arguments(run);
  ASSERT_GE(args.size(), 4u);
  EXPECT_EQ(args.front(), "/b/world_fuzzer");
  EXPECT_TRUE(has(args, "-entropic=0"));
  EXPECT_TRUE(has(args, "-dict=/src/fuzz/world.dict"));
  EXPECT_FALSE(has(args, "-dict=world.dict"));
  EXPECT_TRUE(has(args, "-seed=7"));
  EXPECT_TRUE(has(args, "-max_total_time=20"));
  EXPECT_TRUE(has(args, "-artifact_prefix=/tmp/w/"));
  EXPECT_TRUE(has(args, "-print_final_stats=1"));
  EXPECT_FALSE(std::any_of(args.begin(), args.end(), [](const auto& a) { return a.rfind("-runs=", 0) == 0; }));
  EXPECT_FALSE(std::any_of(args.begin(), args.end(), [](const auto& a) { return a.rfind("-jobs", 0) == 0; }));
  // The options file's timeout comes before the trial's, so the trial's wins (libFuzzer keeps the last).
  auto pos = [&](const std::string& a) { return std::find(args.begin(), args.end(), a) - args.begin(); };
  EXPECT_LT(pos("-timeout=5"), pos("-timeout=" + std::to_string(fuzz_input_timeout_seconds)));
  // libFuzzer writes new inputs into the first folder only: the scratch one, never corpus/.
  EXPECT_EQ(args[args.size() - 2], "/tmp/w/corpus");
  EXPECT_EQ(args.back(), "/src/corpus/world");
  run.max_runs = 500;
  run.seed_corpus.clear();
  const auto bounded = libfuzzer_arguments(run);
  EXPECT_TRUE(has(bounded, "-runs=500"));
  EXPECT_EQ(bounded.back(), "/tmp/w/corpus");
}

TEST(LibFuzzerSeed, NeverZeroAndDisjointOverTrialsAndAttempts) {
  std::vector<std::uint32_t> seen;
  for (std::uint32_t trial = 0; trial < 4; ++trial)
    for (std::uint32_t attempt = 0; attempt < 3; ++attempt) {
      TrialSpec spec;
      spec.seed_index = trial;
      spec.seed_count = 4;
      const auto s = libfuzzer_seed(spec, attempt);
      EXPECT_NE(s, 0u);
      EXPECT_EQ(std::count(seen.begin(), seen.end(), s), 0);
      seen.push_back(s);
    }
}

TEST(LibFuzzerLog, RuleExecutionsAndTheTargetsWork) {
  const std::string log =
      "INFO: Seed: 7\n#2\tINITED cov: 100 ft: 200 corp: 9/1Kb exec/s: 0 rss: 40Mb\n"
      "#300\tNEW cov: 120 ft: 260 corp: 10/1Kb\n"
      "imaplab world fuzzer: violation SEQ-2 (RFC 3501 §7.4.1): EXPUNGE arrived while a FETCH ...\n"
      "  turn this input into a trace: imaplab replay CRASH_FILE --target world -o OUT.trace\n"
      "imaplab world fuzzer: work: 312 inputs, 4870 client commands in this process (planted: expunge-during-fetch)\n"
      "==1234== ERROR: libFuzzer: deadly signal\nstat::number_of_executed_units: 312\nstat::average_exec_per_sec: 90\n";
  const LibFuzzerLog parsed = parse_libfuzzer_log(log);
  ASSERT_TRUE(parsed.rule);
  EXPECT_EQ(*parsed.rule, "SEQ-2");
  EXPECT_EQ(parsed.executions, 312u);
  EXPECT_EQ(parsed.inputs, 312u);
  EXPECT_EQ(parsed.commands, 4870u);
  const LibFuzzerLog quiet = parse_libfuzzer_log("Done 40 runs in 2 second(s)\nstat::number_of_executed_units: 40\n");
  EXPECT_FALSE(quiet.rule);
  EXPECT_EQ(quiet.executions, 40u);
  EXPECT_EQ(quiet.commands, 0u);
}

TEST(FuzzAttempt, CrashFileBecomesTheBugsDetectionWithAReplayingTrace) {
  TrialSpec spec;
  spec.bug = model::Bug::ExpungeDuringFetch;
  spec.strategy = "fuzz";
  TrialResult result;
  FuzzAttempt quiet{3.0, 11, parse_libfuzzer_log("stat::number_of_executed_units: 100\n"), std::nullopt, ""};
  EXPECT_FALSE(add_fuzz_attempt(result, spec, quiet));
  EXPECT_FALSE(result.any);
  FuzzAttempt crash{2.5, 12, {}, crash_bytes(), "crash"};
  crash.log.rule = "SEQ-2";
  crash.log.executions = 40;
  crash.log.commands = 900;
  EXPECT_TRUE(add_fuzz_attempt(result, spec, crash));
  ASSERT_TRUE(result.target);
  EXPECT_EQ(result.target->rule, "SEQ-2");
  EXPECT_DOUBLE_EQ(result.target->seconds, 5.5);  // both attempts' time
  EXPECT_EQ(result.target->runs, 140u);
  EXPECT_EQ(result.target->commands, 900u);
  EXPECT_EQ(result.target->seed, 12u);
  EXPECT_EQ(result.rules.at("SEQ-2"), 1u);
  ASSERT_TRUE(result.trace);
  ASSERT_TRUE(result.trace->outcome);
  EXPECT_EQ(*result.trace->outcome, "SEQ-2");
  EXPECT_TRUE(result.trace->config.bugs.has(model::Bug::ExpungeDuringFetch));
  // The trace replays like a hunt's, so the bench can minimize it.
  RunResult again = replay(*result.trace);
  ASSERT_TRUE(again.violation);
  EXPECT_EQ(again.violation->rule, "SEQ-2");
}

TEST(FuzzAttempt, AnotherRulesCrashIsSeenButTheTrialGoesOn) {
  TrialSpec spec;
  spec.bug = model::Bug::GhostRefcountOffByOne;
  TrialResult result;
  // The input crashes with SEQ-2 only when expunge-during-fetch is planted: with the trial's bug it runs clean,
  // so the log's rule counts, without a trace.
  FuzzAttempt crash{1.0, 5, {}, crash_bytes(), "crash"};
  crash.log.rule = "SEQ-9";
  EXPECT_FALSE(add_fuzz_attempt(result, spec, crash));
  ASSERT_TRUE(result.any);
  EXPECT_EQ(result.any->rule, "SEQ-9");
  EXPECT_FALSE(result.target);
  EXPECT_FALSE(result.trace);
  // A crash file without a rule (a sanitizer's finding) ends the trial.
  FuzzAttempt sanitizer{1.0, 6, {}, crash_bytes(), "crash"};
  EXPECT_TRUE(add_fuzz_attempt(result, spec, sanitizer));
  EXPECT_EQ(result.rules.at("FUZZ-CRASH"), 1u);
}

}  // namespace
}  // namespace imaplab::sim
