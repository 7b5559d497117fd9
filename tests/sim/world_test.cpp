// The simulated world: determinism (the same seed gives the same transcript, byte for byte), replay of a
// recorded trace, the trace format, strategies and choices.
#include <gtest/gtest.h>

#include "sim/minimize.hpp"
#include "sim/strategy.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {
namespace {

RunConfig small_config(std::uint64_t seed) {
  auto c = RunConfig::swarm(seed);
  c.commands = 60;
  return c;
}

TEST(World, SameSeedSameTranscriptByteForByte) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    auto config = small_config(seed);
    auto a = run_simulation(config);
    auto b = run_simulation(config);
    ASSERT_EQ(a.trace.write(), b.trace.write()) << "seed " << seed;
    EXPECT_GT(a.stats.commands, 0u) << "seed " << seed;
  }
}

TEST(World, CorrectServerHasNoViolationOnSmallRuns) {
  for (std::uint64_t seed = 100; seed < 130; ++seed) {
    auto r = run_simulation(small_config(seed));
    EXPECT_FALSE(r.violation) << "seed " << seed << ": " << r.violation->rule << " " << r.violation->message
                              << "\n" << r.trace.write();
  }
}

TEST(World, ReplayOfRecordedTraceIsIdentical) {
  for (std::uint64_t seed = 7; seed < 17; ++seed) {
    auto original = run_simulation(small_config(seed));
    auto text = original.trace.write();
    std::string error;
    auto parsed = Trace::parse(text, &error);
    ASSERT_TRUE(parsed) << error;
    auto again = replay(*parsed);
    EXPECT_EQ(again.trace.write(), text) << "seed " << seed;
  }
}

TEST(World, DifferentSeedsDiffer) {
  auto a = run_simulation(small_config(1));
  auto b = run_simulation(small_config(2));
  EXPECT_NE(a.trace.write(), b.trace.write());
}

// The scheduler keeps its ready list incrementally; it must equal the list built over all clients at every
// step, under every strategy, with drops, segmentation and many clients (verify_ready_list throws otherwise).
TEST(World, IncrementalReadyListEqualsWholeList) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    auto config = RunConfig::swarm(seed * 31);
    config.commands = 150;
    config.clients = 10 + static_cast<std::uint32_t>(seed * 7 % 40);
    config.strategy = seed % 2 ? "pct" : "random";
    config.strategy_options.drop_chance = 0.01;
    RunOptions options;
    options.verify_ready_list = true;
    RunResult r;
    ASSERT_NO_THROW(r = run_simulation(config, options)) << "seed " << seed;
    EXPECT_GT(r.stats.commands, 0u);
  }
  for (std::uint8_t fill : {std::uint8_t{0x37}, std::uint8_t{0xff}}) {  // the fuzzing strategy, with drops
    std::vector<std::uint8_t> bytes(3000);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 131 % 251) ^ fill;
    ByteSource input(bytes.data(), bytes.size());
    RunOptions options;
    options.input = &input;
    options.input_faults = true;
    options.verify_ready_list = true;
    EXPECT_NO_THROW(run_simulation(small_config(5), options));
  }
}

// Swarm seed 59 with 300 commands: every client ends up in IDLE with nothing changing. Without the IDLE
// patience the run stopped at the server's autologout after 11 commands; now a client's patience runs out,
// it sends DONE and the run does its 300 commands. Its trace replays byte for byte (the recorded "T" of the
// patience timer lets virtual time jump in the replay too).
TEST(World, IdlePatienceEndsAStallOfIdleClients) {
  auto config = RunConfig::swarm(59);
  config.commands = 300;
  auto r = run_simulation(config);
  ASSERT_FALSE(r.violation) << r.violation->rule << " " << r.violation->message;
  EXPECT_EQ(r.stats.commands, 300u);
  const std::string text = r.trace.write();
  EXPECT_EQ(text.find("Autologout"), std::string::npos);
  EXPECT_NE(text.find("DONE"), std::string::npos);
  std::string error;
  auto parsed = Trace::parse(text, &error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(replay(*parsed).trace.write(), text);
}

TEST(Strategy, ReplayAsksForTheTimerWhenTheRecordedChoiceIsT) {
  auto s = make_replay_strategy({{Choice::Kind::Timer, 0, 0}, {Choice::Kind::Client, 1, 0}});
  EXPECT_TRUE(s->wants_timer());
  EXPECT_EQ(s->pick({{Choice::Kind::Client, 1, 0}, {Choice::Kind::Timer, 0, 0}}), (Choice{Choice::Kind::Timer, 0, 0}));
  EXPECT_FALSE(s->wants_timer());
  EXPECT_FALSE(make_random_strategy(1, {})->wants_timer());
}

TEST(Trace, EscapeRoundTrip) {
  std::string bytes = "a APPEND INBOX {5+}\r\nx\\y\x01\xff\r\n";
  EXPECT_EQ(unescape_bytes(escape_bytes(bytes)), bytes);
  EXPECT_EQ(escape_bytes("* 1 EXISTS\r\n"), "* 1 EXISTS");
  EXPECT_EQ(escape_bytes("a\rb\nc"), "a\\rb\\nc");
}

TEST(Trace, WriteParseRoundTrip) {
  Trace t;
  t.config = RunConfig::swarm(42);
  t.outcome = "SEQ-2";
  t.outcome_detail = "SEQ-2 (RFC 3501 §7.4.1): EXPUNGE during FETCH";
  TraceLine choice;
  choice.kind = TraceLine::Kind::Choice;
  choice.choice = {Choice::Kind::Upload, 2, 17};
  t.lines.push_back(choice);
  t.lines.push_back({TraceLine::Kind::Client, {}, 1500, 2, "a1 FETCH 1:* FLAGS\r\n"});
  t.lines.push_back({TraceLine::Kind::Server, {}, 1520, 2, "* 3 EXPUNGE\r\n"});
  t.lines.push_back({TraceLine::Kind::Comment, {}, 0, 0, "^ SEQ-2 violated here"});
  std::string error;
  auto back = Trace::parse(t.write(), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->write(), t.write());
  EXPECT_EQ(back->lines, t.lines);
  EXPECT_EQ(back->outcome, t.outcome);
  EXPECT_EQ(back->config.fields(), t.config.fields());
  ASSERT_EQ(back->scripts().size(), t.config.clients);
  EXPECT_EQ(back->choices().size(), 1u);
}

TEST(Trace, ParseErrorsSayWhere) {
  std::string error;
  EXPECT_FALSE(Trace::parse("hello\n", &error));
  EXPECT_NE(error.find("line 1"), std::string::npos);
  auto good = Trace{}.write();
  EXPECT_TRUE(Trace::parse(good, &error)) << error;
  EXPECT_FALSE(Trace::parse(good + "> Q7\n", &error));
  EXPECT_NE(error.find("choice"), std::string::npos);
  EXPECT_FALSE(Trace::parse("imaplab-trace: 1\nclients: banana\n--\n", &error));
}

TEST(Choice, LabelsRoundTrip) {
  for (const char* label : {"S2", "C1", "U1:37", "D12:300", "T", "X3"}) {
    auto c = Choice::parse(label);
    ASSERT_TRUE(c) << label;
    EXPECT_EQ(c->label(), label);
  }
  for (const char* bad : {"", "S", "S0", "U1", "U1:0", "T1", "Z1", "C1x"}) EXPECT_FALSE(Choice::parse(bad)) << bad;
}

TEST(Strategy, ReplayFollowsRecordedChoicesAndSkipsMissingOnes) {
  auto s = make_replay_strategy({{Choice::Kind::Client, 3, 0}, {Choice::Kind::Upload, 1, 5}});
  std::vector<Choice> ready = {{Choice::Kind::Server, 1, 0}, {Choice::Kind::Upload, 1, 40}};
  // C3 is not ready: skipped; U1:5 moves 5 of the 40 bytes.
  EXPECT_EQ(s->pick(ready), (Choice{Choice::Kind::Upload, 1, 5}));
  // After the list: the canonical first item.
  EXPECT_EQ(s->pick(ready), ready.front());
}

TEST(Strategy, PctPrefersOneThreadUntilAChangePoint) {
  StrategyOptions o;
  o.segment_chance = 0;
  o.pct_depth = 1;  // no change points: one thread runs whenever it is ready
  auto s = make_pct_strategy(5, o);
  std::vector<Choice> ready = {{Choice::Kind::Server, 1, 0}, {Choice::Kind::Server, 2, 0},
                               {Choice::Kind::Server, 3, 0}};
  Choice first = s->pick(ready);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(s->pick(ready), first);
}

TEST(Config, SwarmIsDeterministicAndFieldsRoundTrip) {
  for (std::uint64_t seed = 1; seed < 50; ++seed) {
    auto a = RunConfig::swarm(seed);
    EXPECT_EQ(a.fields(), RunConfig::swarm(seed).fields());
    auto back = RunConfig::from_fields(a.fields());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->fields(), a.fields());
    EXPECT_GE(a.clients, 1u);
    EXPECT_LE(a.clients, 16u);
  }
  std::string error;
  EXPECT_FALSE(RunConfig::from_fields({{"colour", "blue"}}, &error));
  EXPECT_NE(error.find("colour"), std::string::npos);
}

// The workload variations added after the first traces (literal_sync, idle_bad_end, done_pipeline, done_case,
// bad_commands): each is written to the header only when not 0, so older traces keep their meaning; it reads back;
// a per mille above 1000 is refused; the swarm draws it in some runs (about a quarter) and an override wins.
TEST(Config, PermilleKeysRoundTripAndAreDrawnInSomeRuns) {
  const std::vector<std::pair<std::string, std::uint32_t RunConfig::*>> keys = {
      {"literal_sync", &RunConfig::literal_sync_permille},   {"idle_bad_end", &RunConfig::idle_bad_end_permille},
      {"done_pipeline", &RunConfig::done_pipeline_permille}, {"done_case", &RunConfig::done_case_permille},
      {"bad_commands", &RunConfig::bad_command_permille}};
  for (const auto& [key, member] : keys) {
    SCOPED_TRACE(key);
    EXPECT_EQ(RunConfig().fields().count(key), 0u);
    RunConfig on;
    on.*member = 300;
    auto back = RunConfig::from_fields(on.fields());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ((*back).*member, 300u);
    auto f = on.fields();
    f[key] = "1001";
    EXPECT_FALSE(RunConfig::from_fields(f).has_value());
    int runs = 0;
    for (std::uint64_t seed = 1; seed <= 200; ++seed) runs += RunConfig::swarm(seed).*member != 0;
    EXPECT_GT(runs, 20);
    EXPECT_LT(runs, 100);
    for (std::uint64_t seed = 1; seed <= 20; ++seed) EXPECT_EQ(RunConfig::swarm(seed, {{key, "0"}}).*member, 0u);
  }
}

}  // namespace
}  // namespace imaplab::sim
