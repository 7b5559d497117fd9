// Canaries for three server bugs the workload used to never reach: an unparseable tagged line answered with an
// untagged BAD (SES-2 at a stall; SES-3 for a tagged OK/NO), commands pipelined behind IDLE's DONE left unread
// (SES-2), and updates pending when IDLE starts held back (NTF-2), plus the agent behaviour and trace handling
// that let hunts see them (config keys done_pipeline and bad_commands).
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

proto::Command command(const std::string& text) {
  return std::get<proto::Command>(proto::parse_command(text + "\r\n"));
}

// Client 1 logged in; events are fed one by one, the first violation kept.
struct Session {
  Checker checker = make_checker();
  std::optional<Violation> first;

  Session() { lines({"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done"}); }
  void lines(const std::vector<std::string>& text) {
    for (Event e : events_from(text)) feed(std::move(e));
  }
  void feed(Event e) {
    auto v = checker.observe(std::move(e), nullptr);
    if (v && !first) first = std::move(v);
  }
  // A bad line as the world records it: a raw line, no command.
  void send_bad(const std::string& line) {
    Event e;
    e.client = 1;
    e.dir = Event::Dir::Sent;
    e.bytes = line + "\r\n";
    e.raw_line = line;
    feed(std::move(e));
  }
  std::string at_stall() {
    if (first) return "already " + first->rule;
    const auto v = checker.stalled(nullptr);
    return v ? v->rule : std::string();
  }
};

// ---- bad lines ----

// Every body the agent uses fails to parse with its tag found, and is recognized back from a trace line.
TEST(CheckReach, BadLinesFailToParseWithTheirTagAndAreRecognized) {
  for (const std::string body : {"FROBNICATE", "SELECT", "STATUS INBOX (MESSAGES", "LIST \"\""}) {
    SCOPED_TRACE(body);
    const std::string bytes = "A012 " + body + "\r\n";
    const auto parsed = proto::parse_command(bytes);
    const auto* error = std::get_if<proto::ParseError>(&parsed);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->tag.value_or(""), "A012");
    const auto bad = bad_line_command(bytes);
    ASSERT_TRUE(bad.has_value());
    EXPECT_EQ(bad->tag, "A012");
    ASSERT_NE(bad_line_text(*bad), nullptr);
    EXPECT_EQ(*bad_line_text(*bad), "A012 " + body);
  }
  EXPECT_FALSE(bad_line_command("DONE\r\n").has_value());
  EXPECT_FALSE(bad_line_command("A012 NOOP\r\n").has_value());
  EXPECT_FALSE(bad_line_command("Subject: x SELECT\r\n").has_value());
  EXPECT_EQ(bad_line_text(command("a1 NOOP")), nullptr);
}

// RFC 3501 §7.1.3: a tagged BAD answers the line; an untagged BAD does not, and SES-2 says so at a stall.
TEST(CheckReach, BadLineIsOwedATaggedBad) {
  Session good;
  good.send_bad("A002 FROBNICATE");
  good.lines({"S1: A002 BAD unknown command"});
  EXPECT_EQ(good.at_stall(), "");
  Session untagged;
  untagged.send_bad("A002 FROBNICATE");
  untagged.lines({"S1: * BAD unknown command"});
  EXPECT_EQ(untagged.at_stall(), "SES-2");
  Session silent;
  silent.send_bad("A002 SELECT");
  EXPECT_EQ(silent.at_stall(), "SES-2");
  Session gone;
  gone.send_bad("A002 SELECT");
  gone.lines({"C1: <disconnect>"});
  EXPECT_EQ(gone.at_stall(), "");
}

// A tagged OK or NO to a line that does not parse is a command the server made up (SES-3).
TEST(CheckReach, BadLineAnsweredOkOrNoIsReported) {
  for (const std::string reply : {"OK done", "NO failed"}) {
    SCOPED_TRACE(reply);
    Session s;
    s.send_bad("A002 LIST \"\"");
    s.lines({"S1: A002 " + reply});
    ASSERT_TRUE(s.first.has_value());
    EXPECT_EQ(s.first->rule, "SES-3");
  }
}

// DONE and the line ending an IDLE are not bad lines, even when they look like one.
TEST(CheckReach, LinesEndingIdleAreNotBadLines) {
  Session s;
  s.lines({"C1: a2 IDLE", "S1: + idling"});
  s.send_bad("A003 FROBNICATE");
  s.lines({"S1: a2 BAD Expected DONE"});
  EXPECT_EQ(s.at_stall(), "");
}

// The traces keep a bad line as a script entry, so a replay sends it again.
TEST(CheckReach, TraceScriptsKeepBadLines) {
  Trace t;
  t.config.clients = 1;
  t.lines.push_back({TraceLine::Kind::Client, {}, 10, 1, "A001 LOGIN alice secret\r\n"});
  t.lines.push_back({TraceLine::Kind::Client, {}, 20, 1, "A002 STATUS INBOX (MESSAGES\r\n"});
  t.lines.push_back({TraceLine::Kind::Client, {}, 30, 1, "A003 NOOP\r\n"});
  const auto scripts = t.scripts();
  ASSERT_EQ(scripts.size(), 1u);
  ASSERT_EQ(scripts[0].size(), 3u);
  ASSERT_NE(bad_line_text(scripts[0][1]), nullptr);
  EXPECT_EQ(*bad_line_text(scripts[0][1]), "A002 STATUS INBOX (MESSAGES");
}

// ---- agents ----

void log_in(ClientAgent& agent, Rng& rng) {
  agent.receive("* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] ready\r\n");
  auto out = agent.next(rng);
  agent.receive(out->command->tag + " OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] done\r\n");
}

// A scripted bad line goes out as its raw bytes, waits for its tagged BAD, and changes nothing.
TEST(CheckReach, AgentSendsABadLineAndTakesItsBad) {
  AgentConfig config;
  config.max_pipeline = 1;
  ClientAgent agent(config);
  agent.script({command("a1 LOGIN alice secret"), *bad_line_command("A002 SELECT\r\n"), command("a3 NOOP")});
  Rng rng(1);
  log_in(agent, rng);
  auto bad = agent.next(rng);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->bytes, "A002 SELECT\r\n");
  EXPECT_FALSE(bad->command.has_value());
  EXPECT_FALSE(agent.wants_to_send()) << "the line is in flight until its BAD";
  agent.receive("A002 BAD missing argument\r\n");
  EXPECT_TRUE(agent.wants_to_send());
  auto noop = agent.next(rng);
  ASSERT_TRUE(noop && noop->command);
  EXPECT_EQ(noop->command->tag, "a3");
}

// With done_pipeline on, a script sends its next command right behind DONE; without, only after IDLE's OK.
TEST(CheckReach, AgentPipelinesBehindDoneWhenAsked) {
  for (const std::uint32_t permille : {0u, 1000u}) {
    SCOPED_TRACE(permille);
    AgentConfig config;
    config.done_pipeline_permille = permille;
    ClientAgent agent(config);
    agent.script({command("a1 LOGIN alice secret"), command("a2 IDLE"), command("a3 LIST \"\" *")});
    Rng rng(1);
    log_in(agent, rng);
    ASSERT_TRUE(agent.next(rng).has_value());  // IDLE
    agent.receive("+ idling\r\n");
    auto done = agent.next(rng);
    ASSERT_TRUE(done && done->raw_line);
    EXPECT_EQ(*done->raw_line, "DONE");
    EXPECT_EQ(agent.wants_to_send(), permille != 0);
    agent.receive("a2 OK IDLE terminated\r\n");
    EXPECT_TRUE(agent.wants_to_send());
  }
}

// No sequence numbers behind DONE (RFC 3501 §5.5, SEQ-13): IDLE is not FETCH, STORE or SEARCH.
TEST(CheckReach, AgentSendsNoSequenceNumbersBehindDone) {
  AgentConfig config;
  config.done_pipeline_permille = 1000;
  ClientAgent agent(config);
  agent.script({command("a1 LOGIN alice secret"), command("a2 IDLE"), command("a3 FETCH 1 FLAGS")});
  Rng rng(1);
  log_in(agent, rng);
  ASSERT_TRUE(agent.next(rng).has_value());
  agent.receive("+ idling\r\n");
  ASSERT_TRUE(agent.next(rng).has_value());  // DONE
  EXPECT_FALSE(agent.wants_to_send());
}

// ---- configuration ----

// ---- whole runs ----

RunResult run_script(const std::string& bug, std::vector<proto::Command> script) {
  RunConfig config;
  config.seed = 11;
  config.clients = 1;
  config.initial_messages = 0;
  config.done_pipeline_permille = 1000;
  if (!bug.empty()) config.bugs = *model::BugSet::parse(bug);
  RunOptions options;
  options.scripts = std::vector<std::vector<proto::Command>>{std::move(script)};
  return run_simulation(config, options);
}

TEST(CheckReach, TaggedParseErrorUntaggedBadIsFoundAndTheCorrectServerPasses) {
  const std::vector<proto::Command> script{command("A001 LOGIN user1 pass1"), *bad_line_command("A002 FROBNICATE\r\n")};
  const RunResult bad = run_script("tagged-parse-error-untagged-bad", script);
  ASSERT_TRUE(bad.violation.has_value());
  EXPECT_EQ(bad.violation->rule, "SES-2");
  const RunResult good = run_script("", script);
  EXPECT_FALSE(good.violation.has_value()) << good.violation->message;
}

// done-pipelined-stalls is replayed from corpus/bugs/done-pipelined-stalls.trace (label zoo): a one-client script
// sends DONE and its next command in separate uploads in canonical order, so it needs the recorded schedule.

// ---- NTF-2 at IDLE's start ----

// Client 2 appended a message before client 1 started IDLE; client 1 had not been told. After "+" the server
// owes the EXISTS within the NOTIFY bound (RFC 2177 §3), not only at the next change or at DONE.
TEST(CheckReach, UpdatesPendingAtIdleStartAreOwedWithinTheBound) {
  for (const bool told : {false, true}) {
    SCOPED_TRACE(told);
    TwoClientScene s({}, "box");
    s.step(2, "a5 APPEND INBOX {5+}\r\nnew-1", "a5 APPEND INBOX {5+}\r\nnew-1", {"S2: a5 OK [APPENDUID " + std::to_string(s.uidvalidity) + " 4] done"});
    s.feed({"C1: a6 IDLE", "S1: + idling"});
    if (told) s.feed({"S1: * 4 EXISTS"});
    const std::uint64_t later = 10'000'000'000ull;
    if (auto v = s.checker.tick(later, &s.oracle); v && !s.first) s.first = v;
    EXPECT_EQ(s.fired(), told ? "" : "NTF-2");
  }
}

}  // namespace
}  // namespace imaplab::sim::testing
