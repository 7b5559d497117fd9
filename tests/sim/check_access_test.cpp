// Canaries for sim/check_access.cpp: ACC-4 (selected-state commands refused when nothing is selected), CPY-5
// (COPY keeps flags and INTERNALDATE), MBX-1's inferiors half and FLG-4's "at least one" half. Each bad
// transcript fires and a near-identical good one does not; for the white-box rules the true store is a model
// the test drives, with the zoo bug on (bad) or off (good).
#include <gtest/gtest.h>

#include "model/bugs.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

model::ModelOptions with_bug(std::optional<model::Bug> bug) {
  model::ModelOptions options;
  if (bug) options.bugs.add(*bug);
  return options;
}

// FLG-4's "at least one" half is not judged under rename=inplace (sim/check_access.cpp): use rename=fail.
Checker checker_for_recent() {
  CheckerOptions options;
  options.policy.rename = model::Policy::Rename::Fail;
  options.should_is_fatal = true;
  return Checker(options);
}

// Client 1 (alice) has INBOX selected, holding one message (UID 1, \Flagged, INTERNALDATE in 2020), in the
// model and in the transcript.
struct Scene {
  ModelOracle oracle;
  Checker checker = checker_for_recent();
  std::optional<Violation> first;

  explicit Scene(std::optional<model::Bug> bug) : oracle({}, {{"alice", "secret"}, {"bob", "secret"}}, with_bug(bug)) {
    oracle.run(1, "a1 LOGIN alice secret");
    oracle.run(1, "a0 APPEND INBOX (\\Flagged) \"01-Jan-2020 10:00:00 +0000\" {5+}\r\nmsg-0");
    oracle.run(1, "a0 CREATE dest");
    oracle.run(1, "a0 CREATE work");
    oracle.run(1, "a0 CREATE work/sub");
    feed({"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done"});
  }
  void select() {
    oracle.run(1, "a3 SELECT INBOX");
    feed({"C1: a3 SELECT INBOX", "S1: * 1 EXISTS", "S1: * OK [UIDVALIDITY " + uv("INBOX") + "] ok",
          "S1: a3 OK [READ-WRITE] done"});
    step(1, "a4 FETCH 1 UID", true, {"S1: * 1 FETCH (UID 1)", "S1: a4 OK done"});
  }
  std::string uv(const std::string& mailbox) const {
    return std::to_string(oracle.model().mailbox(mailbox)->uidvalidity);
  }
  void feed(const std::vector<std::string>& lines) {
    for (const Event& e : events_from(lines)) {
      auto v = checker.observe(e, &oracle);
      if (v && !first) first = std::move(v);
    }
  }
  void step(ClientId c, const std::string& command, bool execute, const std::vector<std::string>& replies) {
    feed({"C" + std::to_string(c) + ": " + command});
    if (execute) oracle.run(c, command);
    feed(replies);
  }
  std::string fired() const { return first ? first->rule : std::string(); }
};

TEST(CheckAccess, CloseAnsweredOkWithNothingSelected) {
  // RFC 3501 §6.4: CLOSE is valid only in the Selected state; after login nothing is selected.
  for (bool ok : {true, false}) {
    SCOPED_TRACE(ok);
    Checker checker = make_checker();
    const auto v = run_lines(checker, {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret",
                                       "S1: a1 OK done", "C1: a2 CLOSE",
                                       ok ? "S1: a2 OK done" : "S1: a2 BAD No mailbox selected"});
    EXPECT_EQ(v ? v->rule : "", ok ? "ACC-4" : "");
  }
}

TEST(CheckAccess, CheckAfterCloseAndAfterFailedSelect) {
  // After CLOSE OK, or a SELECT that failed (RFC 3501 §6.3.1), CHECK must be refused; pipelined behind a
  // SELECT still in flight it may succeed.
  for (int form = 0; form < 3; ++form) {
    SCOPED_TRACE(form);
    Checker checker = make_checker();
    std::vector<std::string> lines = {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret",
                                      "S1: a1 OK done", "C1: a2 SELECT INBOX", "S1: * 0 EXISTS"};
    if (form == 0) lines.insert(lines.end(), {"S1: a2 OK [READ-WRITE] done", "C1: a3 CLOSE", "S1: a3 OK done"});
    if (form == 1) lines.insert(lines.end(), {"S1: a2 NO no such mailbox"});
    if (form == 2) lines.insert(lines.end(), {"C1: a3 SELECT INBOX", "S1: a2 NO busy", "S1: * 0 EXISTS",
                                              "S1: a3 OK [READ-WRITE] done"});
    lines.insert(lines.end(), {"C1: a4 CHECK", "S1: a4 OK done"});
    const auto v = run_lines(checker, lines);
    EXPECT_EQ(v ? v->rule : "", form == 2 ? "" : "ACC-4");
  }
}

TEST(CheckAccess, CopyKeepsFlags) {
  // RFC 3501 §6.4.7: the copy's flags SHOULD be the source's (\Flagged here).
  for (bool bug : {true, false}) {
    SCOPED_TRACE(bug);
    Scene s(bug ? std::optional(model::Bug::CopyDropsFlags) : std::nullopt);
    s.select();
    s.step(1, "a5 COPY 1 dest", true, {"S1: a5 OK [COPYUID " + s.uv("dest") + " 1 1] done"});
    EXPECT_EQ(s.fired(), bug ? "CPY-5" : "");
  }
}

TEST(CheckAccess, CopyKeepsInternalDate) {
  for (bool bug : {true, false}) {
    SCOPED_TRACE(bug);
    Scene s(bug ? std::optional(model::Bug::CopyResetsInternalDate) : std::nullopt);
    s.select();
    s.step(1, "a5 UID COPY 1 dest", true, {"S1: a5 OK [COPYUID " + s.uv("dest") + " 1 1] done"});
    EXPECT_EQ(s.fired(), bug ? "CPY-5" : "");
  }
}

TEST(CheckAccess, DeleteKeepsInferiors) {
  // RFC 3501 §6.3.4: "The DELETE command MUST NOT remove inferior hierarchical names."
  for (bool bug : {true, false}) {
    SCOPED_TRACE(bug);
    Scene s(bug ? std::optional(model::Bug::DeleteTakesChildren) : std::nullopt);
    s.step(1, "a5 DELETE work", true, {"S1: a5 OK done"});
    EXPECT_EQ(s.fired(), bug ? "MBX-1" : "");
  }
}

TEST(CheckAccess, NewMessageIsRecentInTheNextSelect) {
  // The APPEND ran while no session had INBOX selected read-write; client 2's EXAMINE must not take its
  // \Recent (RFC 3501 §6.3.2), so the next SELECT counts it (RFC 3501 §2.3.2).
  for (int recent : {0, 1}) {
    for (bool examine : {false, true}) {
      SCOPED_TRACE(std::to_string(recent) + (examine ? " after EXAMINE" : ""));
      Scene s(std::nullopt);
      s.oracle.run(1, "a2 SELECT INBOX");  // takes the first message's \Recent, in the model only
      s.oracle.run(1, "a2 CLOSE");
      s.step(1, "a5 APPEND INBOX {5+}\r\nmsg-1", true, {"S1: a5 OK [APPENDUID " + s.uv("INBOX") + " 2] done"});
      if (examine) {
        s.oracle.run(2, "b1 LOGIN alice secret");
        s.oracle.run(2, "b2 EXAMINE INBOX");
        s.feed({"C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN alice secret", "S2: b1 OK done",
                "C2: b2 EXAMINE INBOX", "S2: * 2 EXISTS", "S2: * 0 RECENT", "S2: b2 OK [READ-ONLY] done"});
      }
      s.oracle.run(1, "a6 SELECT INBOX");
      s.feed({"C1: a6 SELECT INBOX", "S1: * 2 EXISTS", "S1: * " + std::to_string(recent) + " RECENT",
              "S1: * OK [UIDVALIDITY " + s.uv("INBOX") + "] ok", "S1: a6 OK [READ-WRITE] done"});
      EXPECT_EQ(s.fired(), recent == 0 ? "FLG-4" : "");
    }
  }
}

TEST(CheckAccess, RecentNotOwedWhileAnotherSessionHeldTheMailbox) {
  // Client 2 had INBOX selected read-write when the APPEND ran: it took the \Recent, so 0 is right.
  Scene s(std::nullopt);
  s.oracle.run(2, "b1 LOGIN alice secret");
  s.oracle.run(2, "b2 SELECT INBOX");
  s.feed({"C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN alice secret", "S2: b1 OK done", "C2: b2 SELECT INBOX",
          "S2: * 1 EXISTS", "S2: * 1 RECENT", "S2: b2 OK [READ-WRITE] done"});
  s.step(1, "a5 APPEND INBOX {5+}\r\nmsg-1", true, {"S1: a5 OK [APPENDUID " + s.uv("INBOX") + " 2] done"});
  s.oracle.run(1, "a6 SELECT INBOX");
  s.feed({"C1: a6 SELECT INBOX", "S1: * 2 EXISTS", "S1: * 0 RECENT", "S1: * OK [UIDVALIDITY " + s.uv("INBOX") + "] ok",
          "S1: a6 OK [READ-WRITE] done"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAccess, CopyAndExpungeWithoutTheirRights) {
  // RFC 4314 §4: COPY needs 'i' on the target, EXPUNGE 'e' on the selected mailbox. Alice (client 1) takes
  // them from bob (client 2), who then selects shared/team and copies into it from there.
  for (const char* revoked : {"-i", "-e", "-s"}) {
    for (bool ok : {true, false}) {
      SCOPED_TRACE(std::string(revoked) + (ok ? " OK" : " NO"));
      Scene s(std::nullopt);
      s.oracle.run(1, "a2 CREATE shared/team");
      s.oracle.run(1, "a2 DELETEACL shared/team anyone");
      s.oracle.run(1, "a2 SETACL shared/team bob lrswiet");
      s.oracle.run(1, "a2 APPEND shared/team {5+}\r\nmsg-9");
      s.oracle.run(2, "b1 LOGIN bob secret");
      s.feed({"C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN bob secret", "S2: b1 OK done"});
      s.step(1, std::string("a5 SETACL shared/team bob ") + revoked, true, {"S1: a5 OK done"});
      s.step(2, "b2 SELECT shared/team", true,
             {"S2: * 1 EXISTS", "S2: * OK [UIDVALIDITY " + s.uv("shared/team") + "] ok", "S2: b2 OK [READ-WRITE] done"});
      const bool expunge = std::string(revoked) == "-e";
      s.feed({expunge ? "C2: b3 EXPUNGE" : "C2: b3 COPY 1 shared/team",
              ok ? "S2: b3 OK done" : "S2: b3 NO [NOPERM] Permission denied"});
      EXPECT_EQ(s.fired(), ok && std::string(revoked) != "-s" ? "ACC-3" : "");
    }
  }
}

}  // namespace
}  // namespace imaplab::sim::testing
