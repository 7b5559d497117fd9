// Delta debugging of failing traces (sim/minimize.hpp): a planted bug's long multi-client run shrinks to a
// handful of commands that still break the same rule with the same bugs, whole idle clients and needless
// set-up go, arguments get simpler, and the result is deterministic.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "sim/minimize.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {
namespace {

constexpr std::uint64_t seeds_searched_max = 300;
constexpr std::size_t long_trace_commands_min = 25;
constexpr std::uint32_t test_minimize_runs = 400;

// The first seed's run (a bounded, deterministic search) with 3 clients and the bug planted that breaks
// `rule` after at least long_trace_commands_min commands: a raw hunt finding, not yet minimized.
std::optional<Trace> long_failing_trace(const std::string& bug, const std::string& rule) {
  for (std::uint64_t seed = 1; seed <= seeds_searched_max; ++seed) {
    RunConfig config = RunConfig::swarm(seed, {{"clients", "3"}, {"commands", "60"}, {"bugs", bug}});
    RunResult r = run_simulation(config);
    if (r.violation && r.violation->rule == rule && r.trace.command_count() >= long_trace_commands_min)
      return r.trace;
  }
  return std::nullopt;
}

MinimizeResult minimized(const Trace& t) {
  MinimizeOptions o;
  o.max_runs = test_minimize_runs;
  return minimize(t, o);
}

struct Planted {
  const char* bug;
  const char* rule;
  std::size_t commands_max;  // what the minimized trace may keep at most
};

class MinimizePlanted : public ::testing::TestWithParam<Planted> {};

TEST_P(MinimizePlanted, LongRunShrinksToAFewCommandsAndKeepsItsRuleAndBugs) {
  const Planted p = GetParam();
  auto raw = long_failing_trace(p.bug, p.rule);
  ASSERT_TRUE(raw) << "no seed up to " << seeds_searched_max << " breaks " << p.rule << " with " << p.bug;
  MinimizeResult m = minimized(*raw);
  ASSERT_TRUE(m.reproduced);
  EXPECT_EQ(m.commands_before, raw->command_count());
  EXPECT_LE(m.commands_after, p.commands_max) << m.trace.write();
  EXPECT_EQ(m.trace.command_count(), m.commands_after);
  EXPECT_LE(m.runs, test_minimize_runs);
  EXPECT_EQ(m.trace.outcome, p.rule);
  EXPECT_EQ(m.trace.config.bugs.to_string(), p.bug);
  EXPECT_EQ(m.trace.config.clients, m.clients_after);

  // The written trace replays to the same rule, and the correct server passes the same schedule.
  auto back = Trace::parse(m.trace.write());
  ASSERT_TRUE(back);
  RunResult again = replay(*back, false);
  ASSERT_TRUE(again.violation);
  EXPECT_EQ(again.violation->rule, p.rule);
  back->config.bugs = model::BugSet{};
  EXPECT_FALSE(replay(*back, false).violation);
}

INSTANTIATE_TEST_SUITE_P(Zoo, MinimizePlanted,
                         ::testing::Values(Planted{"expunge-during-fetch", "SEQ-2", 8},
                                           Planted{"recent-twice", "FLG-4", 8},
                                           Planted{"star-stale-max", "SEQ-15", 8}),
                         [](const auto& info) {
                           std::string name = info.param.bug;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(Minimize, SameInputSameResult) {
  auto raw = long_failing_trace("expunge-during-fetch", "SEQ-2");
  ASSERT_TRUE(raw);
  MinimizeResult a = minimized(*raw), b = minimized(*raw);
  EXPECT_EQ(a.trace.write(), b.trace.write());
  EXPECT_EQ(a.runs, b.runs);
}

// A client that only logs in and idles about does not belong in the trace: it goes whole, and with it the
// set-up nobody needs (initial messages when the failure appends its own).
TEST(Minimize, DropsABystanderClient) {
  auto raw = long_failing_trace("recent-twice", "FLG-4");
  ASSERT_TRUE(raw);
  MinimizeResult small = minimized(*raw);
  ASSERT_TRUE(small.reproduced);
  Trace t = small.trace;
  const ClientId bystander = t.config.clients + 1;
  t.config.clients += 1;
  for (const char* line : {"A001 LOGIN user1 pass1\r\n", "A002 NOOP\r\n", "A003 LIST \"\" *\r\n", "A004 NOOP\r\n"})
    t.lines.push_back({TraceLine::Kind::Client, {}, 0, bystander, line});
  // Its work goes first: greeting, then each command sent, uploaded, run and answered (choices that are not
  // ready when their turn comes are skipped).
  std::vector<TraceLine> first;
  for (int command = 0; command <= 4; ++command)
    for (Choice::Kind kind : {Choice::Kind::Download, Choice::Kind::Client, Choice::Kind::Upload, Choice::Kind::Server,
                              Choice::Kind::Server, Choice::Kind::Server, Choice::Kind::Download}) {
      TraceLine choice;
      choice.kind = TraceLine::Kind::Choice;
      choice.choice = {kind, bystander, kind == Choice::Kind::Download || kind == Choice::Kind::Upload ? 4096u : 0u};
      first.push_back(choice);
    }
  t.lines.insert(t.lines.begin(), first.begin(), first.end());
  MinimizeResult m = minimized(t);
  ASSERT_TRUE(m.reproduced);
  EXPECT_EQ(m.clients_before, small.clients_after + 1);
  EXPECT_EQ(m.clients_after, small.clients_after);
  EXPECT_EQ(m.commands_before, small.commands_after + 4);
  EXPECT_LE(m.commands_after, small.commands_after);
}

// Arguments shrink: a long sequence set and a list of FETCH items become what the failure needs.
TEST(Minimize, SimplifiesArguments) {
  auto raw = long_failing_trace("expunge-during-fetch", "SEQ-2");
  ASSERT_TRUE(raw);
  MinimizeResult m = minimized(*raw);
  ASSERT_TRUE(m.reproduced);
  for (const auto& script : m.trace.scripts())
    for (const auto& c : script)
      if (const auto* f = std::get_if<proto::FetchArgs>(&c.args)) {
        EXPECT_LE(f->set.ranges.size(), 1u);
        EXPECT_LE(f->atts.size(), 2u);
      }
}

}  // namespace
}  // namespace imaplab::sim
