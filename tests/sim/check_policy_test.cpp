// Canaries for the declared RFC 2180 §4 policy rules (EXP-1, EXP-2, CPY-3): a real model::Model behind a fake
// StoreOracle holds the truth (which messages another session expunged), driven between the transcript's
// lines, while the transcript says what client 1 sent and was answered.
#include <gtest/gtest.h>

#include <map>

#include "model/model.hpp"
#include "proto/command_parser.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

model::Policy policy(const std::string& text) { return model::Policy::parse(text).value(); }

// INBOX with three messages; client 1 and a second session (client 2, no transcript) have it selected, and
// client 2 has expunged message 3 (UID 3 for client 1, which was not told yet). FOO is an empty mailbox.
struct Scene {
  ModelOracle oracle;
  Checker checker;
  std::optional<Violation> first;
  explicit Scene(const model::Policy& p) : oracle(p), checker(options(p)) {
    oracle.run(1, "a1 LOGIN alice secret");
    oracle.run(1, "a0 CREATE FOO");
    for (int i = 0; i < 3; ++i) oracle.run(1, "a2 APPEND INBOX {5+}\r\nmsg-" + std::to_string(i));
    oracle.run(1, "a3 SELECT INBOX");
    oracle.run(2, "b1 LOGIN alice secret");
    oracle.run(2, "b2 SELECT INBOX");
    oracle.run(2, "b3 STORE 3 +FLAGS.SILENT (\\Deleted)");
    oracle.run(2, "b4 EXPUNGE");
    const auto uv = oracle.model().mailbox("INBOX")->uidvalidity;
    feed({"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done", "C1: a3 SELECT INBOX",
          "S1: * 3 EXISTS", "S1: * OK [UIDVALIDITY " + std::to_string(uv) + "] ok", "S1: a3 OK [READ-WRITE] done"});
  }
  static CheckerOptions options(const model::Policy& p) {
    CheckerOptions o;
    o.policy = p;
    o.should_is_fatal = true;
    return o;
  }
  void feed(const std::vector<std::string>& lines) {
    for (const Event& e : events_from(lines)) {
      auto v = checker.observe(e, &oracle);
      if (v && !first) first = std::move(v);
    }
  }
  std::string fired() const { return first ? first->rule : std::string(); }
};

// Sends `command` for client 1, lets the model execute it (`execute`), then feeds the `replies`.
std::string probe(const std::string& policy_text, const std::string& command,
                  const std::vector<std::string>& replies, bool execute = true) {
  Scene s(policy(policy_text));
  s.feed({"C1: " + command});
  if (execute) s.oracle.run(1, command);
  s.feed(replies);
  return s.fired();
}

TEST(CheckPolicy, Exp1FetchNil) {
  EXPECT_EQ(probe("fetch=nil", "a5 FETCH 2:3 (FLAGS)",
                  {"S1: * 2 FETCH (FLAGS ())", "S1: * 3 FETCH (FLAGS ())", "S1: a5 OK done"}), "");
  EXPECT_EQ(probe("fetch=nil", "a5 FETCH 2:3 (FLAGS)", {"S1: * 2 FETCH (FLAGS ())", "S1: a5 NO gone"}), "EXP-1");
  EXPECT_EQ(probe("fetch=nil", "a5 FETCH 3 (FLAGS)", {"S1: a5 NO gone"}), "");
  EXPECT_EQ(probe("fetch=nil", "a5 FETCH 3 (FLAGS)", {"S1: * 3 FETCH (FLAGS ())", "S1: a5 OK done"}), "EXP-1");
  // UID FETCH names the same message by its UID.
  EXPECT_EQ(probe("fetch=nil", "a5 UID FETCH 3 (FLAGS)", {"S1: * 3 FETCH (UID 3 FLAGS ())", "S1: a5 OK done"}),
            "EXP-1");
}

TEST(CheckPolicy, Exp1FetchNo) {
  EXPECT_EQ(probe("fetch=no", "a5 FETCH 2:3 (FLAGS)", {"S1: * 2 FETCH (FLAGS ())", "S1: a5 NO gone"}), "");
  EXPECT_EQ(probe("fetch=no", "a5 FETCH 2:3 (FLAGS)", {"S1: * 2 FETCH (FLAGS ())", "S1: a5 OK done"}), "EXP-1");
}

TEST(CheckPolicy, Exp1FetchGhost) {
  EXPECT_EQ(probe("fetch=ghost", "a5 FETCH 3 (FLAGS)", {"S1: * 3 FETCH (FLAGS (\\Deleted))", "S1: a5 OK done"}), "");
  EXPECT_EQ(probe("fetch=ghost", "a5 FETCH 3 (FLAGS)", {"S1: a5 NO gone"}), "EXP-1");
}

// A message expunged while the command was on its way: the server may have seen it live or dead, so the
// probe judges nothing, whatever the reply.
TEST(CheckPolicy, Exp1UndecidedWhenExpungedInFlight) {
  Scene s(policy("fetch=no"));
  s.feed({"C1: a5 FETCH 2:3 (FLAGS)"});
  s.oracle.run(2, "b5 STORE 2 +FLAGS.SILENT (\\Deleted)");
  s.oracle.run(2, "b6 EXPUNGE");
  s.feed({"S1: * 2 FETCH (FLAGS ())", "S1: a5 OK done"});
  EXPECT_EQ(s.fired(), "");
}

// A second command sent before the reply may change the session's view: no judgement either.
TEST(CheckPolicy, Exp1UndecidedWhenPipelined) {
  EXPECT_EQ(probe("fetch=no", "a5 FETCH 2:3 (FLAGS)", {"C1: a6 NOOP", "S1: a5 OK done", "S1: a6 OK done"}, false), "");
}

TEST(CheckPolicy, Exp2Store) {
  for (const char* p : {"store=partial", "store=none"}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(probe(p, "a5 STORE 2:3 +FLAGS (\\Seen)", {"S1: a5 NO [EXPUNGEISSUED] gone"}), "");
    EXPECT_EQ(probe(p, "a5 STORE 2:3 +FLAGS (\\Seen)", {"S1: * 2 FETCH (FLAGS (\\Seen))", "S1: a5 OK done"}), "EXP-2");
    EXPECT_EQ(probe(p, "a5 STORE 3 +FLAGS (\\Seen)", {"S1: a5 OK done"}), "EXP-2");
    EXPECT_EQ(probe(p, "a5 STORE 2:3 +FLAGS.SILENT (\\Seen)", {"S1: a5 OK done"}), "");
    EXPECT_EQ(probe(p, "a5 STORE 2:3 +FLAGS.SILENT (\\Seen)", {"S1: a5 NO [EXPUNGEISSUED] gone"}), "EXP-2");
    // Refused for another reason (rights): not this rule's business.
    EXPECT_EQ(probe(p, "a5 STORE 2:3 +FLAGS.SILENT (\\Seen)", {"S1: a5 NO [NOPERM] no"}, false), "");
  }
}

TEST(CheckPolicy, Cpy3CopyFail) {
  EXPECT_EQ(probe("copy=fail", "a5 COPY 2:3 FOO", {"S1: * 3 EXPUNGE", "S1: a5 NO [EXPUNGEISSUED] no"}), "");
  EXPECT_EQ(probe("copy=fail", "a5 COPY 2:3 FOO", {"S1: * 3 EXPUNGE", "S1: a5 OK [COPYUID 9 2:3 1:2] done"}, false),
            "CPY-3");
  EXPECT_EQ(probe("copy=fail", "a5 MOVE 3 FOO", {"S1: * OK [COPYUID 9 3 1] moved", "S1: a5 OK done"}, false),
            "CPY-3");
}

TEST(CheckPolicy, Cpy3PendingExpungesReturnedDuringCopy) {
  EXPECT_EQ(probe("copy=snapshot", "a5 COPY 2:3 FOO", {"S1: * 3 EXPUNGE", "S1: a5 OK done"}), "");
  // The server answered without telling the session of the expunge (its view still holds UID 3).
  EXPECT_EQ(probe("copy=snapshot", "a5 COPY 2:3 FOO", {"S1: a5 OK done"}, false), "CPY-3");
}

TEST(CheckPolicy, Cpy4MoveLeavesTheSource) {
  EXPECT_EQ(probe("copy=snapshot", "a5 MOVE 2 FOO", {"S1: * OK [COPYUID 9 2 1] moved", "S1: * 2 EXPUNGE",
                                                     "S1: * 2 EXPUNGE", "S1: a5 OK done"}),
            "");
  // Answered OK, but the server never moved UID 2: it is still in INBOX.
  EXPECT_EQ(probe("copy=snapshot", "a5 MOVE 2 FOO", {"S1: * OK [COPYUID 9 2 1] moved", "S1: a5 OK done"}, false),
            "CPY-4");
  // A refused MOVE leaves it where it was.
  EXPECT_EQ(probe("copy=snapshot", "a5 MOVE 2 FOO", {"S1: a5 NO [NOPERM] no"}, false), "");
}

// MBX-2/MBX-3: clients 1 and 2 (alice) both have FOO (one message) selected, in the model and the transcript.
struct NameScene {
  ModelOracle oracle;
  Checker checker;
  std::optional<Violation> first;
  explicit NameScene(const model::Policy& p) : oracle(p), checker(Scene::options(p)) {
    oracle.run(1, "a1 LOGIN alice secret");
    oracle.run(1, "a0 CREATE FOO");
    oracle.run(1, "a2 APPEND FOO {5+}\r\nmsg-1");
    const auto uv = std::to_string(oracle.model().mailbox("FOO")->uidvalidity);
    for (ClientId c : {1u, 2u}) {
      const std::string C = "C" + std::to_string(c) + ": ", S = "S" + std::to_string(c) + ": ";
      if (c == 2) oracle.run(2, "b1 LOGIN alice secret");
      oracle.run(c, "s1 SELECT FOO");
      feed({C + "<connect>", S + "* OK ready", C + "s0 LOGIN alice secret", S + "s0 OK done", C + "s1 SELECT FOO",
            S + "* 1 EXISTS", S + "* OK [UIDVALIDITY " + uv + "] ok", S + "s1 OK [READ-WRITE] done"});
    }
  }
  void feed(const std::vector<std::string>& lines) {
    for (const Event& e : events_from(lines)) {
      auto v = checker.observe(e, &oracle);
      if (v && !first) first = std::move(v);
    }
  }
  std::string fired() const { return first ? first->rule : std::string(); }
};

TEST(CheckPolicy, Mbx2DeleteFail) {
  {
    NameScene s(policy("delete=fail"));
    s.feed({"C1: a5 DELETE FOO", "S1: a5 NO [INUSE] in use"});
    EXPECT_EQ(s.fired(), "");
  }
  {
    NameScene s(policy("delete=fail"));
    s.feed({"C1: a5 DELETE FOO", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), "MBX-2");
  }
  {  // Client 2 left FOO before the DELETE was sent: nobody else holds it.
    NameScene s(policy("delete=fail"));
    s.feed({"C2: b5 CLOSE"});
    s.oracle.run(2, "b5 CLOSE");
    s.feed({"S2: b5 OK done", "C1: a5 DELETE FOO", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), "");
  }
  {  // Client 2's CLOSE is still on its way: the server may have run it first.
    NameScene s(policy("delete=fail"));
    s.feed({"C2: b5 CLOSE", "C1: a5 DELETE FOO", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), "");
  }
  {  // Under delete=ghost the DELETE succeeds.
    NameScene s(policy("delete=ghost"));
    s.feed({"C1: a5 DELETE FOO", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), "");
  }
}

TEST(CheckPolicy, Mbx3RenameFail) {
  {
    NameScene s(policy("rename=fail"));
    s.feed({"C1: a5 RENAME FOO BAR", "S1: a5 NO [INUSE] in use"});
    EXPECT_EQ(s.fired(), "");
  }
  {
    NameScene s(policy("rename=fail"));
    s.feed({"C1: a5 RENAME FOO BAR", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), "MBX-3");
  }
  {  // Another name change in flight may have moved FOO first.
    NameScene s(policy("rename=fail"));
    s.feed({"C2: b5 RENAME FOO BAZ", "C1: a5 RENAME FOO BAR", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), "");
  }
  {
    NameScene s(policy("rename=inplace"));
    s.feed({"C1: a5 RENAME FOO BAR", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), "");
  }
}

// MBX-1 is black-box: the transcripts alone decide it.
std::string fired_plain(const std::vector<std::string>& tail) {
  std::vector<std::string> lines;
  for (int c = 1; c <= 3; ++c) {
    const std::string C = "C" + std::to_string(c) + ": ", S = "S" + std::to_string(c) + ": ";
    for (const std::string& l : {C + "<connect>", S + "* OK ready", C + "l1 LOGIN alice secret", S + "l1 OK done"})
      lines.push_back(l);
  }
  lines.insert(lines.end(), tail.begin(), tail.end());
  Checker checker = make_checker();
  const auto v = run_lines(checker, lines);
  return v ? v->rule : std::string();
}

TEST(CheckPolicy, Mbx1DeletedMailboxIsGone) {
  const std::vector<std::string> deleted = {"C1: a1 DELETE FOO", "S1: a1 OK done"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> all = deleted;
    all.insert(all.end(), more.begin(), more.end());
    return all;
  };
  EXPECT_EQ(fired_plain(with({"C2: b1 STATUS FOO (MESSAGES)", "S2: b1 NO no such mailbox"})), "");
  EXPECT_EQ(fired_plain(with({"C2: b1 STATUS FOO (MESSAGES)", "S2: * STATUS FOO (MESSAGES 2)", "S2: b1 OK done"})),
            "MBX-1");
  EXPECT_EQ(fired_plain(with({"C2: b1 SELECT FOO", "S2: * 2 EXISTS", "S2: b1 OK done"})), "MBX-1");
  // Someone may have re-created the name: no judgement.
  EXPECT_EQ(fired_plain(with({"C3: c1 CREATE FOO", "C2: b1 STATUS FOO (MESSAGES)", "S2: * STATUS FOO (MESSAGES 0)",
                              "S2: b1 OK done", "S3: c1 OK done"})),
            "");
  // A STATUS sent before the DELETE's reply may have run first.
  EXPECT_EQ(fired_plain({"C1: a1 DELETE FOO", "C2: b1 STATUS FOO (MESSAGES)", "S1: a1 OK done",
                         "S2: * STATUS FOO (MESSAGES 2)", "S2: b1 OK done"}),
            "");
}

}  // namespace
}  // namespace imaplab::sim::testing
