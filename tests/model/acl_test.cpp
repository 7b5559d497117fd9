// RFC 4314 access control: the ACL commands, and the rights each command checks (a missing 'l' looks
// exactly like a missing mailbox; other missing rights give NOPERM).
#include <gtest/gtest.h>

#include "tests/model/harness.hpp"

namespace imaplab::model::testing {
namespace {

using Lines = std::vector<std::string>;

struct Shared {
  Harness h;
  SessionId alice, bob;
  Shared() {
    alice = h.login("alice");
    bob = h.login("bob");
    h.send(alice, "a0 CREATE shared/team");
    h.append(alice, "shared/team", "Subject: t\r\n\r\n");
  }
  // Sets bob's rights on shared/team and takes "anyone" away.
  void bob_gets(const std::string& rights) {
    h.send(alice, "a1 DELETEACL shared/team anyone");
    h.send(alice, "a2 SETACL shared/team bob " + rights);
  }
};

TEST(AclCommands, GetSetDeleteAndMyRights) {
  Shared s;
  EXPECT_EQ(s.h.run(s.alice, "a1 SETACL shared/team bob lrs"), "a1 OK SETACL completed");
  EXPECT_EQ(s.h.send(s.alice, "a2 GETACL shared/team").front(),
            "* ACL shared/team alice lrswipkxteacd anyone lrswipkxtecd bob lrs");
  s.h.send(s.alice, "a3 SETACL shared/team bob +wd");
  s.h.send(s.alice, "a4 SETACL shared/team bob -s");
  EXPECT_EQ(s.h.send(s.alice, "a5 GETACL shared/team").front(),
            "* ACL shared/team alice lrswipkxteacd anyone lrswipkxtecd bob lrwted");
  EXPECT_EQ(s.h.run(s.alice, "a6 DELETEACL shared/team bob"), "a6 OK DELETEACL completed");
  EXPECT_EQ(s.h.send(s.bob, "b1 MYRIGHTS shared/team").front(), "* MYRIGHTS shared/team lrswipkxtecd");
  EXPECT_EQ(s.h.send(s.alice, "a7 LISTRIGHTS shared/team bob").front(),
            "* LISTRIGHTS shared/team bob \"\" l r s w i p k x t e a c d");
  EXPECT_EQ(last(s.h.send(s.alice, "a8 SETACL shared/team bob lrz")).rfind("a8 BAD", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.alice, "a9 SETACL shared/team -bob l")).rfind("a9 NO [CANNOT]", 0), 0u);
}

TEST(AclCommands, AdministeringNeedsTheARight) {
  Shared s;
  EXPECT_EQ(last(s.h.send(s.bob, "b1 GETACL shared/team")).rfind("b1 NO [NOPERM]", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.bob, "b2 SETACL shared/team bob lrswipkxtea")).rfind("b2 NO [NOPERM]", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.bob, "b3 LISTRIGHTS shared/team bob")).rfind("b3 NO [NOPERM]", 0), 0u);
}

TEST(AclChecks, PersonalMailboxesOfOthersDoNotExist) {
  Shared s;
  s.h.send(s.alice, "a1 CREATE private");
  EXPECT_EQ(last(s.h.send(s.bob, "b1 SELECT private")).rfind("b1 NO [NONEXISTENT]", 0), 0u);
  EXPECT_EQ(s.h.send(s.bob, "b2 LIST \"\" *"),
            (Lines{"* LIST (\\HasNoChildren) \"/\" INBOX", "* LIST (\\HasChildren) \"/\" shared",
                   "* LIST (\\HasNoChildren) \"/\" shared/team", "b2 OK LIST completed"}));
}

TEST(AclChecks, WithoutLookupTheMailboxIsNeverDisclosed) {
  Shared s;
  s.bob_gets("r");
  for (const char* line : {"b1 SELECT shared/team", "b2 STATUS shared/team (MESSAGES)", "b3 DELETE shared/team",
                           "b4 MYRIGHTS shared/team"}) {
    EXPECT_EQ(last(s.h.send(s.bob, line)).substr(3, 16), "NO [NONEXISTENT]") << line;
  }
  EXPECT_EQ(last(s.h.append(s.bob, "shared/team", "x")).rfind("AP NO [TRYCREATE]", 0), 0u);
  EXPECT_EQ(s.h.send(s.bob, "b5 LIST \"\" shared/*"), Lines{"b5 OK LIST completed"});
}

TEST(AclChecks, ReadRightForSelectAndStatus) {
  Shared s;
  s.bob_gets("l");
  EXPECT_EQ(last(s.h.send(s.bob, "b1 SELECT shared/team")).rfind("b1 NO [NOPERM]", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.bob, "b2 STATUS shared/team (MESSAGES)")).rfind("b2 NO [NOPERM]", 0), 0u);
  EXPECT_EQ(s.h.send(s.bob, "b3 LIST \"\" shared/team").front(), "* LIST (\\HasNoChildren) \"/\" shared/team");
}

TEST(AclChecks, ReadOnlyWithoutWriteRights) {
  Shared s;
  s.bob_gets("lr");
  EXPECT_EQ(last(s.h.send(s.bob, "b1 SELECT shared/team")), "b1 OK [READ-ONLY] SELECT completed");
}

// RFC 4314 §5.2: 'i' alone makes SELECT read-write; the session still sets no \Seen and stores no flag without
// the rights for it (§4). Bug zoo insert-right-selects-read-only keeps it read-only.
TEST(AclChecks, InsertRightAloneSelectsReadWrite) {
  Shared s;
  s.bob_gets("lri");
  EXPECT_EQ(last(s.h.send(s.bob, "b1 SELECT shared/team")), "b1 OK [READ-WRITE] SELECT completed");
  for (const auto& line : s.h.send(s.bob, "b2 FETCH 1 BODY[]")) EXPECT_EQ(line.find("\\Seen"), std::string::npos) << line;
  EXPECT_EQ(last(s.h.send(s.bob, "b3 STORE 1 +FLAGS (\\Seen)")).rfind("b3 NO [NOPERM]", 0), 0u);
  Shared bugged;
  bugged.h = harness_with_bug(Bug::InsertRightSelectsReadOnly, true);
  bugged.alice = bugged.h.login("alice");
  bugged.bob = bugged.h.login("bob");
  bugged.h.send(bugged.alice, "a0 CREATE shared/team");
  bugged.bob_gets("lri");
  EXPECT_EQ(last(bugged.h.send(bugged.bob, "b1 SELECT shared/team")), "b1 OK [READ-ONLY] SELECT completed");
}

TEST(AclChecks, StoreNeedsTheRightPerFlag) {
  Shared s;
  s.bob_gets("lrs");
  s.h.send(s.bob, "b1 SELECT shared/team");
  EXPECT_TRUE(has_line(s.h.send(s.bob, "b0 NOOP"), "b0 OK"));
  EXPECT_EQ(last(s.h.send(s.bob, "b2 STORE 1 +FLAGS (\\Deleted)")).rfind("b2 NO [NOPERM]", 0), 0u);
  // RFC 4314 §4: the flags the user may set are set, the others ignored, and the STORE succeeds.
  EXPECT_EQ(s.h.send(s.bob, "b3 STORE 1 +FLAGS (\\Seen \\Flagged)").front(), "* 1 FETCH (FLAGS (\\Recent \\Seen))");
  EXPECT_EQ(last(s.h.send(s.bob, "b4 EXPUNGE")).rfind("b4 NO [NOPERM]", 0), 0u);
}

TEST(AclChecks, AppendCopyCreateDeleteRename) {
  Shared s;
  s.bob_gets("lr");
  EXPECT_EQ(last(s.h.append(s.bob, "shared/team", "x")).rfind("AP NO [NOPERM]", 0), 0u);
  s.h.send(s.bob, "b1 SELECT INBOX");
  s.h.append(s.bob, "INBOX", "Subject: mine\r\n\r\n");
  EXPECT_EQ(last(s.h.send(s.bob, "b2 COPY 1 shared/team")).rfind("b2 NO [NOPERM]", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.bob, "b3 CREATE shared/team/sub")).rfind("b3 NO [NOPERM]", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.bob, "b4 DELETE shared/team")).rfind("b4 NO [NOPERM]", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.bob, "b5 RENAME shared/team shared/other")).rfind("b5 NO [NOPERM]", 0), 0u);
  s.h.send(s.alice, "a3 SETACL shared/team bob +ik");
  EXPECT_EQ(last(s.h.send(s.bob, "b6 COPY 1 shared/team")).rfind("b6 OK [COPYUID ", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.bob, "b7 CREATE shared/team/sub")), "b7 OK CREATE completed");
  EXPECT_EQ(s.h.send(s.bob, "b8 MYRIGHTS shared/team/sub").front(),
            "* MYRIGHTS shared/team/sub lrswipkxteacd");  // the creator gets every right
}

TEST(AclChecks, SharedRootCannotBeDeleted) {
  Shared s;
  EXPECT_EQ(last(s.h.send(s.alice, "a1 DELETE shared")).rfind("a1 NO [CANNOT]", 0), 0u);
  EXPECT_EQ(last(s.h.send(s.bob, "b1 CREATE shared")).rfind("b1 NO [ALREADYEXISTS]", 0), 0u);
}

}  // namespace
}  // namespace imaplab::model::testing
