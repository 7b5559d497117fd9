// The minimizer holds a planted bug to be the cause of the failure it shrinks (sim/minimize.hpp): a candidate
// that fails the same rule but fails with the bug off as well is refused, so a misfiring checker cannot pull
// the trace away from the bug. The misfire is injected through MinimizeOptions::run.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "sim/minimize.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {
namespace {

constexpr std::uint64_t seeds_searched_max = 2000;
constexpr std::uint32_t test_minimize_runs = 400;
constexpr const char* planted_bug = "expunge-during-fetch";
constexpr const char* planted_rule = "SEQ-2";  // the rule expunge-during-fetch breaks (RFC 3501 §7.4.1)
constexpr std::uint32_t input_clients = 3;

// The first seed's 3-client run that breaks SEQ-2 with expunge-during-fetch planted, and passes with it off.
std::optional<Trace> bug_trace() {
  for (std::uint64_t seed = 1; seed <= seeds_searched_max; ++seed) {
    RunConfig config = RunConfig::swarm(seed, {{"clients", std::to_string(input_clients)}, {"commands", "40"}, {"bugs", planted_bug}});
    RunResult r = run_simulation(config);
    if (r.violation && r.violation->rule == planted_rule) return r.trace;
  }
  return std::nullopt;
}

// A checker that misfires: it reports SEQ-2 for every run with fewer clients than the input, with the bug
// planted or not, as a checker mistake once reported MBX-2 for runs the bug had nothing to do with.
RunResult misfire_on_fewer_clients(const RunConfig& config, const RunOptions& options) {
  RunResult r = run_simulation(config, options);
  if (config.clients < input_clients && !r.violation) {
    r.violation = Violation{planted_rule, "RFC 3501 §7.4.1", "misfire of a broken checker", {}, {}};
    r.trace.outcome = planted_rule;
  }
  return r;
}

// A checker that reports SEQ-2 for every run that shows nothing else.
RunResult misfire_always(const RunConfig& config, const RunOptions& options) {
  RunResult r = run_simulation(config, options);
  if (!r.violation) {
    r.violation = Violation{planted_rule, "RFC 3501 §7.4.1", "misfire of a broken checker", {}, {}};
    r.trace.outcome = planted_rule;
  }
  return r;
}

MinimizeResult minimized(const Trace& t, decltype(MinimizeOptions::run) run) {
  MinimizeOptions o;
  o.max_runs = test_minimize_runs;
  o.run = std::move(run);
  return minimize(t, o);
}

// The real replay (no misfire) of a written trace: with its bugs, and with them switched off.
std::optional<std::string> real_rule(const Trace& t, bool bugs_on) {
  auto back = Trace::parse(t.write());
  if (!back) return "unreadable";
  if (!bugs_on) back->config.bugs = model::BugSet{};
  RunResult r = replay(*back, false);
  return r.violation ? std::optional(r.violation->rule) : std::nullopt;
}

TEST(MinimizeCause, CandidateThatFailsWithTheBugOffIsRefused) {
  auto raw = bug_trace();
  ASSERT_TRUE(raw);
  MinimizeResult m = minimized(*raw, misfire_on_fewer_clients);
  ASSERT_TRUE(m.reproduced);
  EXPECT_TRUE(m.cause_checked);
  EXPECT_FALSE(m.input_fails_without_bugs);
  // Dropping a client fails SEQ-2 through the misfire, with the bug off too: refused every time.
  EXPECT_GE(m.refused_without_bugs, 1u);
  EXPECT_EQ(m.clients_after, input_clients) << m.trace.write();
  EXPECT_GE(m.runs_without_bugs, 1u);
  EXPECT_LE(m.runs, test_minimize_runs);
  EXPECT_EQ(real_rule(m.trace, true), planted_rule) << m.trace.write();
  EXPECT_EQ(real_rule(m.trace, false), std::nullopt) << m.trace.write();
}

// Without planted bugs (a finding on a server under test) the rule alone decides, as before: the same misfire
// then takes the trace, which is the drift the check above prevents.
TEST(MinimizeCause, WithoutPlantedBugsTheRuleAloneDecides) {
  auto raw = bug_trace();
  ASSERT_TRUE(raw);
  // The server under test has the bug built in, so the trace names none.
  const model::BugSet built_in = raw->config.bugs;
  Trace unplanted = *raw;
  unplanted.config.bugs = model::BugSet{};
  auto buggy_server = [&](const RunConfig& config, const RunOptions& options) {
    RunConfig c = config;
    c.bugs = built_in;
    return misfire_on_fewer_clients(c, options);
  };
  MinimizeResult m = minimized(unplanted, buggy_server);
  ASSERT_TRUE(m.reproduced);
  EXPECT_FALSE(m.cause_checked);
  EXPECT_EQ(m.runs_without_bugs, 0u);
  EXPECT_EQ(m.refused_without_bugs, 0u);
  EXPECT_EQ(m.clients_after, 1u);
}

// An input that fails with its bug off too has another cause: it is minimized by its rule alone, and says so.
TEST(MinimizeCause, InputThatFailsWithTheBugOffIsMinimizedByItsRuleAndFlagged) {
  auto raw = bug_trace();
  ASSERT_TRUE(raw);
  MinimizeResult m = minimized(*raw, misfire_always);
  ASSERT_TRUE(m.reproduced);
  EXPECT_TRUE(m.input_fails_without_bugs);
  EXPECT_FALSE(m.cause_checked);
  EXPECT_EQ(m.refused_without_bugs, 1u);  // the input itself
  EXPECT_EQ(m.clients_after, 1u);
}

// With a checker that does not misfire, the check costs replays but changes nothing a correct run keeps, and
// the result stays deterministic.
TEST(MinimizeCause, HonestRunIsDeterministicAndKeepsTheBugAsCause) {
  auto raw = bug_trace();
  ASSERT_TRUE(raw);
  MinimizeResult a = minimized(*raw, {}), b = minimized(*raw, {});
  ASSERT_TRUE(a.reproduced);
  EXPECT_TRUE(a.cause_checked);
  EXPECT_EQ(a.trace.write(), b.trace.write());
  EXPECT_EQ(a.runs, b.runs);
  EXPECT_EQ(a.runs_without_bugs, b.runs_without_bugs);
  EXPECT_EQ(real_rule(a.trace, false), std::nullopt);
}

}  // namespace
}  // namespace imaplab::sim
