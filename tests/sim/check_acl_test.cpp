// Canaries for ACC-2 (sim/check_acl.cpp): after alice's SETACL/DELETEACL takes bob's rights on a shared
// mailbox away, bob's sessions must not list, select or hear NOTIFY events about it (RFC 4314 §4, RFC 5465 §5,
// §5.9). Each bad transcript must fire ACC-2 and a near-identical good one must not; the true store is a model
// the test drives between transcript lines.
#include <gtest/gtest.h>

#include "model/bugs.hpp"
#include "proto/writer.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

const std::string listed = "S2: * LIST (\\HasNoChildren) \"/\" shared/team";

// Client 1 is alice, who administers shared/team; client 2 is bob, who may use it (lrswi).
struct AclScene : SharedTeamScene {
  void revoke(const std::string& rights = "-lr") {
    step(1, "a5 SETACL shared/team bob " + rights, true, {"S1: a5 OK done"});
  }
};

TEST(CheckAcl, ListAfterLookupRevoked) {
  // RFC 4314 §4: LIST needs 'l'; a LIST sent after the SETACL's OK must not show the mailbox.
  for (bool shown : {true, false}) {
    SCOPED_TRACE(shown);
    AclScene s;
    s.revoke();
    std::vector<std::string> replies;
    if (shown) replies.push_back(listed);
    replies.push_back("S2: b2 OK done");
    s.step(2, "b2 LIST \"\" shared/team", false, replies);
    EXPECT_EQ(s.fired(), shown ? "ACC-2" : "");
  }
}

TEST(CheckAcl, ListInFlightDuringTheRevokeMayShowIt) {
  // The LIST was sent before the SETACL's OK arrived: the server may have run it first.
  AclScene s;
  s.feed({"C1: a5 SETACL shared/team bob -lr", "C2: b2 LIST \"\" shared/team"});
  s.oracle.run(1, "a5 SETACL shared/team bob -lr");
  s.feed({"S1: a5 OK done", listed, "S2: b2 OK done"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAcl, ListWithNonExistentIsTheDeletion) {
  // RFC 5465 §5.4: losing 'l' is a deletion, told as LIST (\NonExistent); and the fact ends when the right
  // may come back.
  AclScene s;
  s.revoke();
  s.step(2, "b2 LIST \"\" shared/team", false, {"S2: * LIST (\\NonExistent) \"/\" shared/team", "S2: b2 OK done"});
  s.feed({"C1: a6 SETACL shared/team bob +lr"});
  s.step(2, "b3 LIST \"\" shared/team", false, {listed, "S2: b3 OK done"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAcl, SelectAndStatusAfterReadRevoked) {
  // RFC 4314 §4: SELECT, EXAMINE and STATUS need 'r'.
  for (const std::string command : {"b2 SELECT shared/team", "b2 EXAMINE shared/team", "b2 STATUS shared/team (MESSAGES)"}) {
    for (bool ok : {true, false}) {
      SCOPED_TRACE(command + (ok ? " OK" : " NO"));
      AclScene s;
      s.revoke("-r");
      s.step(2, command, false, {ok ? "S2: b2 OK done" : "S2: b2 NO [NOPERM] Permission denied"});
      EXPECT_EQ(s.fired(), ok ? "ACC-2" : "");
    }
  }
}

// bob watches shared/team with NOTIFY; alice takes his rights, then a message arrives there.
struct WatchScene : AclScene {
  WatchScene() {
    step(2, "b2 NOTIFY SET (MAILBOXES shared/team (MessageNew MessageExpunge))", true, {"S2: b2 OK done"});
    revoke();
    oracle.run(1, "a6 APPEND shared/team {5+}\r\nmsg-1");
  }
};

TEST(CheckAcl, NotifyStatusAfterRevoke) {
  // RFC 5465 §5, §5.9: events need 'l' and 'r'; monitoring stops when access is lost. After bob's NOOP
  // (sent after the revoke) completed, a STATUS push about the mailbox was surely produced after the revoke.
  for (bool pushed : {true, false}) {
    SCOPED_TRACE(pushed);
    WatchScene s;
    s.step(2, "b3 NOOP", true, {"S2: b3 OK done"});
    if (pushed) s.feed({"S2: * STATUS shared/team (UIDNEXT 2 MESSAGES 1)"});
    s.step(2, "b4 NOOP", true, {"S2: b4 OK done"});
    EXPECT_EQ(s.fired(), pushed ? "ACC-2" : "");
  }
}

TEST(CheckAcl, NotifyStatusAlreadyOnItsWayIsNoViolation) {
  // No command of bob completed since the revoke: the push may have left the server before it.
  WatchScene s;
  s.feed({"S2: * STATUS shared/team (UIDNEXT 2 MESSAGES 1)"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAcl, HolderKeepsItsSelection) {
  // RFC 4314 §5.1.1: a server may cache the rights at SELECT, so bob's open session goes on hearing of it.
  AclScene s;
  s.step(2, "b2 SELECT shared/team", true, {"S2: * 0 EXISTS", "S2: b2 OK [READ-WRITE] done"});
  s.revoke();
  s.oracle.run(1, "a6 APPEND shared/team {5+}\r\nmsg-1");
  s.step(2, "b3 NOOP", true, {"S2: * 1 EXISTS", "S2: b3 OK done"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAcl, RightsThatAnyoneStillGrantsAreNotLost) {
  // With "anyone" still holding 'l' and 'r', taking bob's own entry away changes nothing (RFC 4314 §2).
  AclScene s;
  s.oracle.run(1, "a0 SETACL shared/team anyone lr");
  s.step(1, "a5 DELETEACL shared/team bob", true, {"S1: a5 OK done"});
  s.step(2, "b2 LIST \"\" shared/team", false, {listed, "S2: b2 OK done"});
  s.step(2, "b3 SELECT shared/team", false, {"S2: * 0 EXISTS", "S2: b3 OK [READ-ONLY] done"});
  EXPECT_EQ(s.fired(), "");
}

}  // namespace
}  // namespace imaplab::sim::testing

namespace imaplab::sim::testing {
namespace {

TEST(CheckAcl, SelectCodeFollowsTheRights) {
  // RFC 4314 §5.2: READ-ONLY when none of i, e and the shared flag rights (s, w, t) is granted, READ-WRITE
  // (SHOULD) when one is. bob starts with lrswi.
  struct Case {
    const char* rights;  // bob's entry before the SELECT
    const char* code;    // the SELECT's tagged OK code
    const char* fires;
  };
  for (const Case& k : {Case{"lrswi", "READ-ONLY", "ACC-6"}, Case{"lrswi", "READ-WRITE", ""},
                        Case{"lri", "READ-ONLY", "ACC-6"}, Case{"lr", "READ-WRITE", "ACC-6"},
                        Case{"lr", "READ-ONLY", ""}}) {
    SCOPED_TRACE(std::string(k.rights) + " " + k.code);
    AclScene s;
    s.step(1, std::string("a5 SETACL shared/team bob ") + k.rights, true, {"S1: a5 OK done"});
    s.step(2, "b2 SELECT shared/team", false, {"S2: * 0 EXISTS", std::string("S2: b2 OK [") + k.code + "] done"});
    EXPECT_EQ(s.fired(), k.fires);
  }
}

TEST(CheckAcl, AclCommandsNeedTheAdministerRight) {
  // RFC 4314 §4: SETACL, DELETEACL, GETACL and LISTRIGHTS need 'a'; bob (lrswi) must be refused.
  for (const char* command : {"b2 SETACL shared/team guest lr", "b2 DELETEACL shared/team guest",
                              "b2 GETACL shared/team", "b2 LISTRIGHTS shared/team guest"}) {
    for (bool ok : {true, false}) {
      SCOPED_TRACE(std::string(command) + (ok ? " OK" : " NO"));
      AclScene s;
      s.step(2, command, false, {ok ? "S2: b2 OK done" : "S2: b2 NO [NOPERM] permission denied"});
      EXPECT_EQ(s.fired(), ok ? "ACC-3" : "");
    }
  }
}

// ACC-3's MOVE, STORE and DELETE halves (RFC 4314 §4, RFC 6851 §3.3): alice (client 1) administers shared/team,
// which holds one message; bob (client 2) starts with every right but 'a' and loses some. The true store is a
// model with the zoo bug on (bad) or off (good).
struct RightsScene : SharedTeamScene {
  explicit RightsScene(std::optional<model::Bug> bug = std::nullopt) : SharedTeamScene("lrswipkxte", options(bug)) {
    oracle.run(1, "a4 APPEND shared/team {5+}\r\nmsg-9");
  }
  static model::ModelOptions options(std::optional<model::Bug> bug) {
    model::ModelOptions o;
    if (bug) o.bugs.add(*bug);
    return o;
  }
  void revoke(const std::string& rights) { step(1, "a5 SETACL shared/team bob " + rights, true, {"S1: a5 OK done"}); }
  void select() {
    const std::string uv = std::to_string(oracle.model().mailbox("shared/team")->uidvalidity);
    step(2, "b2 SELECT shared/team", true,
         {"S2: * 1 EXISTS", "S2: * OK [UIDVALIDITY " + uv + "] ok", "S2: b2 OK [READ-WRITE] done"});
  }
  // Runs `command` on bob's session in the model and feeds it with the model's responses; true on OK.
  bool run_bob(const std::string& tag, const std::string& command) {
    feed({"C2: " + tag + " " + command});
    const model::Outcome out = oracle.run(2, tag + " " + command);
    for (const auto& r : out.responses) {
      std::string line = proto::write_response(r);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      feed({"S2: " + line});
    }
    const auto* st = out.responses.empty() ? nullptr : std::get_if<proto::StatusResponse>(&out.responses.back().body);
    return st != nullptr && st->condition == proto::Condition::Ok;
  }
};

TEST(CheckAclRights, MoveNeedsExpungeAndDeleteRightsOnTheSource) {
  // RFC 6851 §3.3: MOVE needs what COPY, STORE \Deleted and EXPUNGE need: 'e' and 't' on the source. Losing 'i'
  // on the source is no reason (the target is bob's own INBOX). Only a MOVE that moved something (its untagged OK
  // [COPYUID], RFC 6851 §4.3) is judged. A wrong server is played by giving the rights back in the model only.
  for (const char* revoked : {"-e", "-t", "-i"}) {
    for (bool wrong : {true, false}) {
      SCOPED_TRACE(std::string(revoked) + (wrong ? " wrong" : ""));
      RightsScene s;
      s.revoke(revoked);
      s.select();
      if (wrong) s.oracle.run(1, "a6 SETACL shared/team bob +lrswipkxte");  // not in the transcript
      const bool ok = s.run_bob("b3", "MOVE 1 INBOX");
      EXPECT_EQ(ok, wrong || std::string(revoked) == "-i");
      EXPECT_EQ(s.fired(), ok && std::string(revoked) != "-i" ? "ACC-3" : "");
    }
  }
  RightsScene s;  // nothing moved: not judged
  s.revoke("-e");
  s.select();
  s.feed({"C2: b3 UID MOVE 9 INBOX", "S2: b3 OK No messages to copy"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAclRights, MoveJudgedOnlyAfterAReselect) {
  // RFC 4314 §5.1.1: a server may keep the rights of the SELECT, which came before the revocation here.
  RightsScene s;
  s.select();
  s.revoke("-e");
  s.oracle.run(1, "a6 SETACL shared/team bob +e");  // the model plays a server that kept the SELECT's rights
  EXPECT_TRUE(s.run_bob("b3", "MOVE 1 INBOX"));
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAclRights, MoveZooBug) {
  for (bool bug : {true, false}) {
    SCOPED_TRACE(bug);
    RightsScene s(bug ? std::optional(model::Bug::MoveIgnoresExpungeRight) : std::nullopt);
    s.revoke("-e");
    s.select();
    EXPECT_EQ(s.run_bob("b3", "MOVE 1 INBOX"), bug);
    EXPECT_EQ(s.fired(), bug ? "ACC-3" : "");
  }
}

TEST(CheckAclRights, StoreLeavesFlagsWithoutTheirRight) {
  // RFC 4314 §4: STORE MUST check 't' for \Deleted, 's' for \Seen, 'w' for the others. The model answers NO
  // [NOPERM] when no named flag may change (it "SHOULD NOT fail" only when one may); the zoo bug sets it.
  struct Case {
    const char* revoked;
    const char* flags;
    bool bug;
    const char* fires;
  };
  for (const Case& k : {Case{"-t", "\\Deleted", true, "ACC-3"}, Case{"-t", "\\Deleted", false, ""},
                        Case{"-s", "\\Seen", true, "ACC-3"}, Case{"-w", "\\Flagged", true, "ACC-3"},
                        Case{"-w", "\\Flagged", false, ""}, Case{"-s", "\\Deleted", true, ""}}) {
    SCOPED_TRACE(std::string(k.revoked) + " " + k.flags + (k.bug ? " bug" : ""));
    RightsScene s(k.bug ? std::optional(model::Bug::StoreIgnoresFlagRights) : std::nullopt);
    s.revoke(k.revoked);
    s.select();
    s.run_bob("b3", std::string("STORE 1 +FLAGS.SILENT (") + k.flags + ")");
    EXPECT_EQ(s.fired(), k.fires);
  }
}

TEST(CheckAclRights, DeleteNeedsTheDeleteRight) {
  // RFC 4314 §4: DELETE - "x" right on the mailbox, judged by the ACL entries at the send.
  for (const char* revoked : {"-x", "-s"}) {
    for (bool bug : {true, false}) {
      SCOPED_TRACE(std::string(revoked) + (bug ? " bug" : ""));
      RightsScene s(bug ? std::optional(model::Bug::DeleteIgnoresDeleteRight) : std::nullopt);
      s.revoke(revoked);
      const bool ok = s.run_bob("b3", "DELETE shared/team");
      EXPECT_EQ(ok, bug || std::string(revoked) == "-s");
      EXPECT_EQ(s.fired(), ok && std::string(revoked) == "-x" ? "ACC-3" : "");
    }
  }
}

TEST(CheckAclRights, SetaclPlusAddsAndMinusRemoves) {
  // RFC 4314 §3.1: "+" adds to the identifier's existing rights, "-" removes from them. The zoo bug makes "+"
  // replace; "-" and a plain string (which does replace) must not fire.
  struct Case {
    const char* rights;
    bool bug;
    const char* fires;
  };
  for (const Case& k : {Case{"+a", true, "ACC-7"}, Case{"+a", false, ""}, Case{"-s", true, ""},
                        Case{"lr", true, ""}, Case{"+lrswipkxte", true, ""}}) {
    SCOPED_TRACE(std::string(k.rights) + (k.bug ? " bug" : ""));
    RightsScene s(k.bug ? std::optional(model::Bug::SetaclPlusReplaces) : std::nullopt);
    s.step(1, std::string("a6 SETACL shared/team bob ") + k.rights, true, {"S1: a6 OK done"});
    EXPECT_EQ(s.fired(), k.fires);
  }
}

TEST(CheckAclRights, SetaclNotJudgedBesideAnotherAclChange) {
  // Another client's SETACL of the same mailbox in flight: either order is possible, so the entry is not judged.
  RightsScene s(model::Bug::SetaclPlusReplaces);
  s.feed({"C1: a6 SETACL shared/team bob +a", "C2: b2 SETACL shared/team bob lr"});
  s.oracle.run(1, "a6 SETACL shared/team bob +a");
  s.feed({"S1: a6 OK done", "S2: b2 NO [NOPERM] no"});
  EXPECT_EQ(s.fired(), "");
}

}  // namespace
}  // namespace imaplab::sim::testing

