// The conditional .SILENT STORE's owed FETCH (RFC 4551 §3.2) and the zoo bugs of the third mutation sweep's
// response-code rows (M15, M22, M25, M26, M32, M35): each model bug, switched on, gives the wrong answer to one
// command, and the same command is right with it off.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/model/harness.hpp"

namespace imaplab::model::testing {
namespace {

using Lines = std::vector<std::string>;

Harness make(Bug bug, bool on) { return harness_with_bug(bug, on); }

// alice with INBOX (three messages, UIDs 1..3) selected.
struct Selected {
  Harness h;
  SessionId s = 0;
  Selected(Bug bug, bool on) : h(make(bug, on)) {
    h.fill("alice", "INBOX", 3);
    s = h.login("alice");
    h.send(s, "a0 SELECT INBOX");
  }
};

TEST(ConditionalStore, SilentStillSendsFetchModseq) {
  // RFC 4551 §3.2: "An untagged FETCH response MUST be sent, even if the .SILENT suffix is specified, and the
  // response MUST include the MODSEQ message data item." Only messages that passed the test get one.
  Selected t(Bug::SilentCondstoreNoFetch, false);
  const Lines out = t.h.send(t.s, "a1 UID STORE 1:2 (UNCHANGEDSINCE 100) +FLAGS.SILENT (\\Flagged)");
  ASSERT_EQ(out.size(), 3u) << Harness::join(out);
  EXPECT_EQ(out[0].rfind("* 1 FETCH (UID 1 MODSEQ (", 0), 0u) << out[0];
  EXPECT_EQ(out[1].rfind("* 2 FETCH (UID 2 MODSEQ (", 0), 0u) << out[1];
  EXPECT_EQ(out[2].rfind("a1 OK", 0), 0u);
  const Lines failed = t.h.send(t.s, "a2 STORE 1 (UNCHANGEDSINCE 1) +FLAGS.SILENT (\\Seen)");
  EXPECT_EQ(failed, (Lines{"a2 OK [MODIFIED 1] Conditional STORE failed for some messages (RFC 4551 section 3.2)"}));
  // Without UNCHANGEDSINCE, .SILENT suppresses the FETCH (RFC 3501 §6.4.6).
  EXPECT_EQ(t.h.send(t.s, "a3 STORE 3 +FLAGS.SILENT (\\Seen)"), (Lines{"a3 OK STORE completed"}));
}

TEST(BugZooCodes, SilentCondstoreNoFetch) {
  for (bool on : {false, true}) {
    Selected t(Bug::SilentCondstoreNoFetch, on);
    const Lines out = t.h.send(t.s, "a1 STORE 2 (UNCHANGEDSINCE 100) +FLAGS.SILENT (\\Flagged)");
    EXPECT_EQ(has_line(out, "* 2 FETCH (MODSEQ ("), !on) << Harness::join(out);
  }
}

TEST(BugZooCodes, ExamineSaysReadWrite) {
  for (bool on : {false, true}) {
    Selected t(Bug::ExamineSaysReadWrite, on);
    const Lines out = t.h.send(t.s, "a1 EXAMINE INBOX");
    EXPECT_EQ(has_line(out, "a1 OK [READ-ONLY]"), !on) << Harness::join(out);
    EXPECT_EQ(t.h.send(t.s, "a2 STORE 1 +FLAGS (\\Seen)").back().rfind("a2 NO", 0), 0u);  // still read-only
  }
}

TEST(BugZooCodes, UidStoreFetchWithoutUid) {
  for (bool on : {false, true}) {
    Selected t(Bug::UidStoreFetchWithoutUid, on);
    const Lines out = t.h.send(t.s, "a1 UID STORE 2 +FLAGS (\\Flagged)");
    EXPECT_EQ(has_line(out, "* 2 FETCH (UID 2 FLAGS"), !on) << Harness::join(out);
  }
}

TEST(BugZooCodes, CloseSendsExpunge) {
  for (bool on : {false, true}) {
    Selected t(Bug::CloseSendsExpunge, on);
    t.h.send(t.s, "a1 STORE 2 +FLAGS.SILENT (\\Deleted)");
    const Lines out = t.h.send(t.s, "a2 CLOSE");
    EXPECT_EQ(has_line(out, "* 2 EXPUNGE"), on) << Harness::join(out);
    EXPECT_EQ(t.h.model().mailbox("INBOX")->uids, (std::vector<std::uint32_t>{1, 3}));
  }
}

TEST(BugZooCodes, AppendWithoutTrycreate) {
  for (bool on : {false, true}) {
    Selected t(Bug::AppendWithoutTrycreate, on);
    const Lines out = t.h.append(t.s, "nosuch", "Subject: x\r\n\r\nx\r\n");
    EXPECT_EQ(Harness::join(out).find("NO [TRYCREATE]") != std::string::npos, !on) << Harness::join(out);
    EXPECT_EQ(Harness::join(out).find("NO [NONEXISTENT]") != std::string::npos, on) << Harness::join(out);
  }
}

TEST(BugZooCodes, StatusRecentSelectedUnclaimed) {
  // alice's SELECT claimed \Recent on all three messages: STATUS RECENT of her selected INBOX is 3.
  for (bool on : {false, true}) {
    Selected t(Bug::StatusRecentSelectedUnclaimed, on);
    const Lines out = t.h.send(t.s, "a1 STATUS INBOX (RECENT)");
    EXPECT_EQ(has_line(out, "* STATUS INBOX (RECENT 3)"), !on) << Harness::join(out);
  }
}

TEST(BugZooCodes, AclAnyoneReplaced) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::AclAnyoneReplaced, on);
    const SessionId a = h.login("alice");
    h.send(a, "a1 CREATE shared/team");
    h.send(a, "a2 SETACL shared/team anyone lr");
    h.send(a, "a3 SETACL shared/team bob i");
    const SessionId b = h.login("bob");
    const Lines out = h.send(b, "b1 MYRIGHTS shared/team");
    EXPECT_EQ(has_line(out, "* MYRIGHTS shared/team ilr") || has_line(out, "* MYRIGHTS shared/team lri"), !on)
        << Harness::join(out);
  }
}

}  // namespace
}  // namespace imaplab::model::testing
