// Canaries for SES-2 (sim/check_liveness.cpp: a command left hanging while the run stands still) and for NTF-1's
// half about an IDLE ended by a line other than DONE (sim/check_session.cpp), plus the pieces that let hunts
// see both: clients that send synchronizing literals, IDLEs ended by another line, traces whose scripts join a
// literal's parts, and whole simulated runs with the zoo bugs literal-no-continuation and idle-ends-on-any-line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/bugs.hpp"
#include "proto/command_parser.hpp"
#include "sim/agent.hpp"
#include "sim/config.hpp"
#include "sim/trace.hpp"
#include "sim/world.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

constexpr const char* append_first_line = "a2 APPEND INBOX {5}\r\n";  // a synchronizing literal's header line
constexpr const char* append_literal = "hello\r\n";                     // its literal and the command's end

// Client 1 logged in; the events of the transcript are fed one by one, the first violation kept.
struct Session {
  Checker checker = make_checker();
  std::optional<Violation> first;
  std::uint64_t now_us = 0;

  Session() { lines({"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done"}); }

  void lines(const std::vector<std::string>& text) {
    for (Event e : events_from(text)) feed(std::move(e));
  }
  void feed(Event e) {
    e.time_us = now_us += 10;
    auto v = checker.observe(std::move(e), nullptr);
    if (v && !first) first = std::move(v);
  }
  // The first line of APPEND with a synchronizing literal: the event carries the whole command, as the world's.
  void send_append_first_line() {
    Event e;
    e.client = 1;
    e.dir = Event::Dir::Sent;
    e.bytes = append_first_line;
    e.command = std::get<proto::Command>(proto::parse_command(std::string(append_first_line) + append_literal));
    feed(std::move(e));
  }
  void send_literal() {
    Event e;
    e.client = 1;
    e.dir = Event::Dir::Sent;
    e.bytes = append_literal;
    feed(std::move(e));
  }
  // What the check says when the run stands still now ("" when nothing fired).
  std::string at_stall() {
    if (first) return "already " + first->rule;
    const auto v = checker.stalled(nullptr);
    return v ? v->rule : std::string();
  }
};

// RFC 3501 §2.2.1, §7.5: the client announced a synchronizing literal and waits for "+"; nothing came.
TEST(CheckLiveness, LiteralWithoutContinuationIsReported) {
  Session bad;
  bad.send_append_first_line();
  EXPECT_EQ(bad.at_stall(), "SES-2");
}

// The "+" came: the literal is the client's to send (a run whose command budget ran out), nothing is owed.
TEST(CheckLiveness, ContinuationGivenLeavesTheTurnToTheClient) {
  Session s;
  s.send_append_first_line();
  s.lines({"S1: + Ready for literal data"});
  EXPECT_EQ(s.at_stall(), "");
}

// RFC 3501 §2.2.2: sent whole, the command is owed its tagged reply; once it came, nothing is owed.
TEST(CheckLiveness, CommandSentWholeIsOwedItsTaggedReply) {
  Session bad;
  bad.send_append_first_line();
  bad.lines({"S1: + Ready for literal data"});
  bad.send_literal();
  EXPECT_EQ(bad.at_stall(), "SES-2");
  Session good;
  good.send_append_first_line();
  good.lines({"S1: + Ready for literal data"});
  good.send_literal();
  good.lines({"S1: a2 OK [APPENDUID 1 4] done"});
  EXPECT_EQ(good.at_stall(), "");
  Session plain;
  plain.lines({"C1: a2 NOOP"});
  EXPECT_EQ(plain.at_stall(), "SES-2");
}

// RFC 3501 §2.2.1: a tagged BAD instead of "+" rejects the command; that is an answer.
TEST(CheckLiveness, TaggedBadInsteadOfContinuationIsAnAnswer) {
  Session s;
  s.send_append_first_line();
  s.lines({"S1: a2 BAD literal too large"});
  EXPECT_EQ(s.at_stall(), "");
}

// A client that left, or was told BYE, may have commands no one answers.
TEST(CheckLiveness, ClientGoneOrToldByeIsNotJudged) {
  Session gone;
  gone.send_append_first_line();
  gone.lines({"C1: <disconnect>"});
  EXPECT_EQ(gone.at_stall(), "");
  Session bye;
  bye.send_append_first_line();
  bye.lines({"S1: * BYE Autologout"});
  EXPECT_EQ(bye.at_stall(), "");
}

// RFC 2177 §3: IDLE waiting for DONE is the client's turn; after DONE the tagged reply is owed; an IDLE with no
// "+" is owed the "+".
TEST(CheckLiveness, IdleIsOwedItsPlusAndAfterDoneItsReply) {
  Session waiting;
  waiting.lines({"C1: a2 IDLE", "S1: + idling"});
  EXPECT_EQ(waiting.at_stall(), "");
  Session done;
  done.lines({"C1: a2 IDLE", "S1: + idling", "C1: DONE"});
  EXPECT_EQ(done.at_stall(), "SES-2");
  Session no_plus;
  no_plus.lines({"C1: a2 IDLE"});
  EXPECT_EQ(no_plus.at_stall(), "SES-2");
  Session answered;
  answered.lines({"C1: a2 IDLE", "S1: + idling", "C1: DONE", "S1: a2 OK IDLE terminated"});
  EXPECT_EQ(answered.at_stall(), "");
}

// NTF-1 (RFC 2177 §3): IDLE ended by another line than DONE must not be answered OK; BAD is right.
TEST(CheckLiveness, IdleEndedByAnotherLineMustNotGetOk) {
  for (const std::string line : {"NOOP", "*", "DONE."}) {
    SCOPED_TRACE(line);
    Session bad;
    bad.lines({"C1: a2 IDLE", "S1: + idling", "C1: " + line, "S1: a2 OK IDLE terminated"});
    ASSERT_TRUE(bad.first.has_value());
    EXPECT_EQ(bad.first->rule, "NTF-1");
    Session good;
    good.lines({"C1: a2 IDLE", "S1: + idling", "C1: " + line, "S1: a2 BAD Expected DONE"});
    EXPECT_FALSE(good.first.has_value());
  }
  Session done;
  done.lines({"C1: a2 IDLE", "S1: + idling", "C1: done", "S1: a2 OK IDLE terminated"});
  EXPECT_FALSE(done.first.has_value()) << "DONE is case-insensitive (RFC 3501 §9)";
}

// The updates queued during IDLE may precede the BAD that answers another line, as they may precede DONE's OK:
// an EXISTS then is no NTF-12 (IDLE with a NOTIFY set that asks nothing of the selected mailbox).
TEST(CheckLiveness, UpdatesBeforeTheBadOfAnotherLineAreNoIdleEvents) {
  Session s;
  s.lines({"C1: a2 SELECT INBOX", "S1: * 3 EXISTS", "S1: * OK [UIDVALIDITY 9] ok", "S1: a2 OK [READ-WRITE] done",
           "C1: a3 NOTIFY SET (personal (MailboxName))", "S1: a3 OK done", "C1: a4 IDLE", "S1: + idling",
           "C1: NOOP", "S1: * 4 EXISTS", "S1: a4 BAD Expected DONE"});
  EXPECT_FALSE(s.first.has_value()) << s.first->message;
}

// ---- Agents ----

// The first lines of the exchange every agent test needs: greeting with LITERAL+, LOGIN answered with it.
std::vector<std::string> log_in(ClientAgent& agent, Rng& rng) {
  std::vector<std::string> sent;
  agent.receive("* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] ready\r\n");
  auto out = agent.next(rng);
  sent.push_back(out->bytes);
  agent.receive(out->command->tag + " OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] done\r\n");
  return sent;
}

proto::Command command(const std::string& text) {
  return std::get<proto::Command>(proto::parse_command(text + "\r\n"));
}

// RFC 3501 §7.5: a client that ignores LITERAL+ sends the literal only after "+".
TEST(CheckLiveness, AgentWithSynchronizingLiteralsWaitsForPlus) {
  AgentConfig config;
  config.user = "alice";
  config.password = "secret";
  config.synchronizing_literals = true;
  ClientAgent agent(config);
  agent.script({command("a1 LOGIN alice secret"), command("a2 APPEND INBOX {5+}\r\nhello")});
  Rng rng(1);
  log_in(agent, rng);
  auto first = agent.next(rng);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->bytes, append_first_line);
  EXPECT_FALSE(agent.wants_to_send());
  EXPECT_FALSE(agent.literal_granted());
  agent.receive("+ Ready for literal data\r\n");
  EXPECT_TRUE(agent.literal_granted());
  auto rest = agent.next(rng);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(rest->bytes, append_literal);
  EXPECT_FALSE(rest->command.has_value());
  EXPECT_FALSE(agent.literal_granted());
}

// LITERAL+ (RFC 7888) is used by default: one piece, no wait.
TEST(CheckLiveness, AgentUsesLiteralPlusByDefault) {
  ClientAgent agent(AgentConfig{});
  agent.script({command("a1 LOGIN alice secret"), command("a2 APPEND INBOX {5+}\r\nhello")});
  Rng rng(1);
  log_in(agent, rng);
  auto out = agent.next(rng);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->bytes, "a2 APPEND INBOX {5+}\r\nhello\r\n");
}

std::string idle_end_line(std::uint32_t permille, std::uint64_t seed) {
  AgentConfig config;
  config.idle_bad_end_permille = permille;
  config.decision_seed = seed;
  ClientAgent agent(config);
  agent.script({command("a1 LOGIN alice secret"), command("a2 IDLE")});
  Rng rng(1);
  log_in(agent, rng);
  EXPECT_TRUE(agent.next(rng).has_value());  // IDLE
  agent.receive("+ idling\r\n");
  EXPECT_TRUE(agent.idling());
  auto line = agent.next(rng);
  return line && line->raw_line ? *line->raw_line : std::string("(none)");
}

// AgentConfig::idle_bad_end_permille: 0 always sends DONE, 1000 never; the choice repeats for the same seed.
TEST(CheckLiveness, AgentEndsIdleWithAnotherLineWhenAsked) {
  EXPECT_EQ(idle_end_line(0, 7), "DONE");
  const std::string other = idle_end_line(1000, 7);
  EXPECT_NE(other, "DONE");
  EXPECT_TRUE(other == "NOOP" || other == "*" || other == "DONE.") << other;
  EXPECT_EQ(idle_end_line(1000, 7), other);
  EXPECT_TRUE(std::holds_alternative<proto::ParseError>(proto::parse_command(other + "\r\n")))
      << "a trace's scripts would take it for a command";
}

// ---- Configuration and traces ----

// The two keys are written only when on (old traces keep their meaning), read back, and some seeds draw them.
// A command sent in parts (first line, then the literal after "+") is one command of the script; one whose "+"
// never came is kept with filler literal bytes, so its replay sends the same first line.
TEST(CheckLiveness, TraceScriptsJoinThePartsOfASynchronizingLiteral) {
  Trace t;
  t.config.clients = 1;
  t.lines.push_back({TraceLine::Kind::Client, {}, 10, 1, "a1 LOGIN alice secret\r\n"});
  t.lines.push_back({TraceLine::Kind::Client, {}, 20, 1, append_first_line});
  t.lines.push_back({TraceLine::Kind::Server, {}, 30, 1, "+ Ready\r\n"});
  t.lines.push_back({TraceLine::Kind::Client, {}, 40, 1, append_literal});
  t.lines.push_back({TraceLine::Kind::Client, {}, 50, 1, "a3 APPEND INBOX {3}\r\n"});
  const auto scripts = t.scripts();
  ASSERT_EQ(scripts.size(), 1u);
  ASSERT_EQ(scripts[0].size(), 3u);
  EXPECT_EQ(std::get<proto::AppendArgs>(scripts[0][1].args).message, "hello");
  EXPECT_EQ(scripts[0][2].tag, "a3");
  EXPECT_EQ(std::get<proto::AppendArgs>(scripts[0][2].args).message.size(), 3u);
}

// ---- Whole runs with the zoo bugs ----

RunResult run_script(const std::string& bug, std::vector<proto::Command> script) {
  RunConfig config;
  config.seed = 11;
  config.clients = 1;
  config.initial_messages = 0;
  config.literal_sync_permille = 1000;
  config.idle_bad_end_permille = 1000;
  if (!bug.empty()) config.bugs = *model::BugSet::parse(bug);
  RunOptions options;
  options.scripts = std::vector<std::vector<proto::Command>>{std::move(script)};
  return run_simulation(config, options);
}

TEST(CheckLiveness, LiteralNoContinuationIsFoundAndTheCorrectServerPasses) {
  const std::vector<proto::Command> script{command("A001 LOGIN user1 pass1"),
                                           command("A002 APPEND INBOX {5+}\r\nhello")};
  const RunResult bad = run_script("literal-no-continuation", script);
  ASSERT_TRUE(bad.violation.has_value());
  EXPECT_EQ(bad.violation->rule, "SES-2");
  const RunResult good = run_script("", script);
  EXPECT_FALSE(good.violation.has_value()) << good.violation->message;
}

TEST(CheckLiveness, IdleEndsOnAnyLineIsFoundAndTheCorrectServerPasses) {
  const std::vector<proto::Command> script{command("A001 LOGIN user1 pass1"), command("A002 IDLE"),
                                           command("A003 NOOP")};
  const RunResult bad = run_script("idle-ends-on-any-line", script);
  ASSERT_TRUE(bad.violation.has_value());
  EXPECT_EQ(bad.violation->rule, "NTF-1");
  const RunResult good = run_script("", script);
  EXPECT_FALSE(good.violation.has_value()) << good.violation->message;
}

}  // namespace
}  // namespace imaplab::sim::testing
