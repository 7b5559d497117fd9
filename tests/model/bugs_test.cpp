// The bug zoo's model-layer bugs (model/bugs.hpp), one test each: a short multi-session transcript shows the
// wrong behaviour with the bug switched on and the right one with it off, and where it matters, that a single
// session alone does not trip it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/model/harness.hpp"

namespace imaplab::model::testing {
namespace {

using Lines = std::vector<std::string>;
using Uids = std::vector<std::uint32_t>;

const std::string message = "Subject: zoo\r\n\r\nbody\r\n";

Harness make(Bug bug, bool on, const std::string& policy_text = "") {
  const auto policy = Policy::parse(policy_text);
  EXPECT_TRUE(policy.has_value()) << policy_text;
  return harness_with_bug(bug, on, policy.value_or(Policy{}));
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Two sessions of alice with INBOX (holding `count` messages) selected by both.
struct TwoViews {
  Harness h;
  SessionId a = 0, b = 0;
  TwoViews(Bug bug, bool on, int count, const std::string& policy = "") : h(make(bug, on, policy)) {
    h.fill("alice", "INBOX", count);
    a = h.login("alice");
    b = h.login("alice");
    h.send(a, "a0 SELECT INBOX");
    h.send(b, "b0 SELECT INBOX");
  }
  // Session b expunges the messages `set` (sequence numbers) and is told at once.
  void b_expunges(const std::string& set) {
    h.send(b, "b1 STORE " + set + " +FLAGS.SILENT (\\Deleted)");
    h.send(b, "b2 EXPUNGE");
  }
  Uids inbox() { return h.model().mailbox("INBOX")->uids; }
};

// --- SEQ ---

TEST(BugZoo, ExpungeDuringFetch) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::ExpungeDuringFetch, on, 3);
    t.b_expunges("1");
    const Lines out = t.h.send(t.a, "a1 FETCH 1:3 (FLAGS)");
    EXPECT_EQ(has_line(out, "* 1 EXPUNGE"), on) << Harness::join(out);  // RFC 3501 §7.4.1 forbids it
  }
}

TEST(BugZoo, ExpungePastCount) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::ExpungePastCount, on, 3);
    t.h.send(t.b, "b1 STORE 2:3 +FLAGS.SILENT (\\Deleted)");
    const Lines own = t.h.send(t.b, "b2 EXPUNGE");
    EXPECT_EQ(Harness::join(own), "* 2 EXPUNGE\n* 2 EXPUNGE\nb2 OK EXPUNGE completed");  // own: always right
    const Lines out = t.h.send(t.a, "a1 NOOP");
    ASSERT_GE(out.size(), 2u);
    EXPECT_EQ(out[0], "* 2 EXPUNGE");
    EXPECT_EQ(out[1], on ? "* 3 EXPUNGE" : "* 2 EXPUNGE") << Harness::join(out);  // 3 > the count of 2
  }
}

TEST(BugZoo, FetchBeforeExists) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::FetchBeforeExists, on, 2);
    t.h.append(t.b, "INBOX", message);
    const Lines out = t.h.send(t.a, "a1 FETCH 1:* (UID)");
    ASSERT_GE(out.size(), 3u);
    EXPECT_EQ(out[2], on ? "* 3 FETCH (UID 3)" : "* 3 EXISTS") << Harness::join(out);
  }
}

TEST(BugZoo, SharedMsn) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::SharedMsn, on, 3);
    t.b_expunges("1");
    const Lines out = t.h.send(t.a, "a1 FETCH 2 (UID)");
    // a still numbers UIDs 1, 2, 3 as 1, 2, 3: message 2 is UID 2 until a is told the EXPUNGE.
    EXPECT_EQ(out.front(), on ? "* 2 FETCH (UID 3)" : "* 2 FETCH (UID 2)") << Harness::join(out);
  }
}

TEST(BugZoo, StarStaleMax) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::StarStaleMax, on, 2);
    t.h.append(t.b, "INBOX", message);
    EXPECT_TRUE(has_line(t.h.send(t.a, "a1 NOOP"), "* 3 EXISTS"));
    const Lines out = t.h.send(t.a, "a2 FETCH * (UID)");
    EXPECT_EQ(out.front(), on ? "* 2 FETCH (UID 2)" : "* 3 FETCH (UID 3)") << Harness::join(out);
    // The session's own APPEND keeps the cached count right: alone it never goes wrong.
    t.h.append(t.a, "INBOX", message);
    const Lines own = t.h.send(t.a, "a3 FETCH 4:* (UID)");
    EXPECT_EQ(own.front(), on ? "* 3 FETCH (UID 3)" : "* 4 FETCH (UID 4)") << Harness::join(own);
  }
}

TEST(BugZoo, StarStaleMaxNeedsAnotherSession) {
  Harness h = make(Bug::StarStaleMax, true);
  h.fill("alice", "INBOX", 2);
  const SessionId a = h.login("alice");
  h.send(a, "a0 SELECT INBOX");
  h.append(a, "INBOX", message);
  EXPECT_EQ(h.send(a, "a1 FETCH * (UID)").front(), "* 3 FETCH (UID 3)");
}

// --- UID ---

TEST(BugZoo, UidReuseAfterExpunge) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::UidReuseAfterExpunge, on, 2);
    t.h.send(t.a, "a1 STORE 2 +FLAGS.SILENT (\\Deleted)");
    t.h.send(t.a, "a2 EXPUNGE");
    const Lines out = t.h.append(t.a, "INBOX", message);
    EXPECT_EQ(t.inbox(), on ? (Uids{1, 2}) : (Uids{1, 3})) << Harness::join(out);  // UID 2 handed out again
  }
}

TEST(BugZoo, UidReuseAfterExpungeNeedsAnotherHolder) {
  Harness h = make(Bug::UidReuseAfterExpunge, true);
  h.fill("alice", "INBOX", 2);
  const SessionId a = h.login("alice");
  h.send(a, "a0 SELECT INBOX");
  h.send(a, "a1 STORE 2 +FLAGS.SILENT (\\Deleted)");
  h.send(a, "a2 EXPUNGE");
  h.append(a, "INBOX", message);
  EXPECT_EQ(h.model().mailbox("INBOX")->uids, (Uids{1, 3}));
}

// FOO deleted while session b has it open (delete=ghost), b leaves, then a reuses the name.
std::uint32_t deleted_while_held(Harness& h, SessionId a, SessionId b) {
  h.send(a, "a0 CREATE FOO");
  h.append(a, "FOO", message);
  h.append(a, "FOO", message);
  const std::uint32_t old = h.model().mailbox("FOO")->uidvalidity;
  h.send(b, "b0 SELECT FOO");
  EXPECT_EQ(last(h.send(a, "a1 DELETE FOO")).rfind("a1 OK", 0), 0u);
  h.send(b, "b1 CLOSE");
  return old;
}

TEST(BugZoo, UidvalidityReuseOnRecreate) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::UidvalidityReuseOnRecreate, on);
    const SessionId a = h.login("alice"), b = h.login("alice");
    const std::uint32_t old = deleted_while_held(h, a, b);
    h.send(a, "a2 CREATE FOO");
    const auto foo = h.model().mailbox("FOO");
    ASSERT_TRUE(foo);
    EXPECT_EQ(foo->uidnext, 1u);
    if (on) EXPECT_EQ(foo->uidvalidity, old);  // UIDs restart under the old UIDVALIDITY: UID-3
    else EXPECT_GT(foo->uidvalidity, old);
  }
}

TEST(BugZoo, RenameReusesUidvalidity) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::RenameReusesUidvalidity, on);
    const SessionId a = h.login("alice"), b = h.login("alice");
    h.send(a, "a9 CREATE BAR");
    const std::uint32_t old = deleted_while_held(h, a, b);
    EXPECT_EQ(last(h.send(a, "a2 RENAME BAR FOO")).rfind("a2 OK", 0), 0u);
    const auto foo = h.model().mailbox("FOO");
    ASSERT_TRUE(foo);
    if (on) EXPECT_EQ(foo->uidvalidity, old);
    else EXPECT_GT(foo->uidvalidity, old);
  }
}

// --- FLG ---

TEST(BugZoo, RecentTwice) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::RecentTwice, on, 0);
    const SessionId c = t.h.login("alice");
    t.h.append(c, "INBOX", message);
    t.h.send(t.a, "a1 NOOP");
    t.h.send(t.b, "b1 NOOP");
    EXPECT_EQ(t.h.send(t.a, "a2 FETCH 1 (FLAGS)").front(), "* 1 FETCH (FLAGS (\\Recent))");
    EXPECT_EQ(t.h.send(t.b, "b2 FETCH 1 (FLAGS)").front(),
              on ? "* 1 FETCH (FLAGS (\\Recent))" : "* 1 FETCH (FLAGS ())");
  }
}

TEST(BugZoo, FlagOverwrite) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::FlagOverwrite, on, 1);
    t.h.send(t.a, "a1 STORE 1 +FLAGS (alpha)");
    t.h.send(t.b, "b1 STORE 1 +FLAGS (beta)");
    const auto flags = t.h.model().flags("INBOX", 1);
    ASSERT_TRUE(flags);
    EXPECT_EQ(*flags, on ? (Lines{"beta"}) : (Lines{"alpha", "beta"}));  // FLG-3: a's alpha lost
    // a was not told of beta either, so its +gamma writes back its stale (alpha) and loses beta; b, told
    // by NOOP, starts from the true flags again.
    t.h.send(t.a, "a2 STORE 1 +FLAGS (gamma)");
    t.h.send(t.b, "b2 NOOP");
    t.h.send(t.b, "b3 STORE 1 +FLAGS (delta)");
    EXPECT_EQ(*t.h.model().flags("INBOX", 1), on ? (Lines{"alpha", "delta", "gamma"})
                                                 : (Lines{"alpha", "beta", "delta", "gamma"}));
  }
}

TEST(BugZoo, FlagUpdatesDropped) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::FlagUpdatesDropped, on, 1);
    t.h.send(t.a, "a1 STORE 1 +FLAGS (\\Seen)");
    const Lines out = t.h.send(t.b, "b1 NOOP");
    EXPECT_EQ(has_line(out, "* 1 FETCH (FLAGS (\\Seen))"), !on) << Harness::join(out);
  }
}

// --- MOD ---

TEST(BugZoo, ModseqNotBumpedOnExpunge) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::ModseqNotBumpedOnExpunge, on, 2);
    t.h.send(t.a, "a1 STORE 1 +FLAGS.SILENT (\\Deleted)");
    const std::uint64_t before = t.h.model().mailbox("INBOX")->highestmodseq;
    t.h.send(t.a, "a2 EXPUNGE");
    const std::uint64_t after = t.h.model().mailbox("INBOX")->highestmodseq;
    if (on) EXPECT_EQ(after, before);
    else EXPECT_GT(after, before);
  }
}

// --- CPY ---

TEST(BugZoo, CopyDropsExpunged) {
  for (const char* policy : {"copy=snapshot", "copy=fail"}) {
    for (bool on : {false, true}) {
      TwoViews t(Bug::CopyDropsExpunged, on, 3, policy);
      t.h.send(t.a, "a1 CREATE DEST");
      t.b_expunges("2");
      const std::string reply = last(t.h.send(t.a, "a2 COPY 1:3 DEST"));
      const std::size_t copied = t.h.model().mailbox("DEST")->uids.size();
      const bool snapshot = std::string(policy) == "copy=snapshot";
      if (on) {
        EXPECT_EQ(reply.rfind("a2 OK", 0), 0u) << reply;
        EXPECT_EQ(copied, 2u);  // neither §4.4.1 (NO, nothing) nor §4.4.2 (all three as they were)
      } else {
        EXPECT_EQ(reply.rfind(snapshot ? "a2 OK" : "a2 NO", 0), 0u) << reply;
        EXPECT_EQ(copied, snapshot ? 3u : 0u);
      }
    }
  }
}

TEST(BugZoo, CopyFailPartial) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::CopyFailPartial, on, 3, "copy=fail");
    t.h.send(t.a, "a1 CREATE DEST");
    t.b_expunges("2");
    EXPECT_EQ(last(t.h.send(t.a, "a2 COPY 1:3 DEST")).rfind("a2 NO [EXPUNGEISSUED]", 0), 0u);
    EXPECT_EQ(t.h.model().mailbox("DEST")->uids, on ? Uids{1} : Uids{});  // CPY-1: a failed COPY changes nothing
  }
}

TEST(BugZoo, MoveDuplicates) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::MoveDuplicates, on, 3);
    t.h.send(t.a, "a1 CREATE DEST");
    t.b_expunges("1");
    EXPECT_EQ(last(t.h.send(t.a, "a2 MOVE 1:3 DEST")).rfind("a2 OK", 0), 0u);
    EXPECT_EQ(t.h.model().mailbox("DEST")->uids.size(), 3u);  // snapshot: the expunged one as it was, too
    EXPECT_EQ(t.inbox(), on ? (Uids{2, 3}) : Uids{});           // CPY-4: 2 and 3 are now in both
  }
}

// --- MBX ---

TEST(BugZoo, GhostRefcountOffByOne) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::GhostRefcountOffByOne, on);
    const SessionId a = h.login("alice"), b = h.login("alice");
    h.send(a, "a0 CREATE FOO");
    h.send(a, "a1 SELECT FOO");
    h.send(b, "b1 SELECT FOO");
    h.send(a, "a2 DELETE FOO");
    h.send(a, "a3 CLOSE");
    // b still works in the ghost (RFC 2180 §3.2), so the name must stay reserved.
    const std::string reply = last(h.send(a, "a4 CREATE FOO"));
    EXPECT_EQ(reply.rfind(on ? "a4 OK" : "a4 NO [INUSE]", 0), 0u) << reply;
  }
}

TEST(BugZoo, RenameForgetsHolders) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::RenameForgetsHolders, on, "rename=inplace");
    const SessionId a = h.login("alice"), b = h.login("alice");
    h.send(a, "a0 CREATE FOO");
    h.append(a, "FOO", message);
    h.send(b, "b0 SELECT FOO");
    h.send(a, "a1 RENAME FOO BAR");
    const std::string reply = last(h.send(b, "b1 FETCH 1 (FLAGS)"));
    EXPECT_EQ(reply.rfind(on ? "b1 BAD" : "b1 OK", 0), 0u) << reply;  // §3.4: holders keep working
  }
}

TEST(BugZoo, RenameLeavesChildren) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::RenameLeavesChildren, on);
    const SessionId a = h.login("alice"), b = h.login("alice");
    h.send(a, "a0 CREATE FOO/KID");
    h.send(b, "b0 SELECT FOO/KID");
    h.send(a, "a1 RENAME FOO BAR");
    EXPECT_EQ(h.model().mailbox("FOO/KID").has_value(), on);
    EXPECT_EQ(h.model().mailbox("BAR/KID").has_value(), !on);
  }
}

TEST(BugZoo, RenameLeavesChildrenNeedsAnotherHolder) {
  Harness h = make(Bug::RenameLeavesChildren, true);
  const SessionId a = h.login("alice");
  h.send(a, "a0 CREATE FOO/KID");
  h.send(a, "a1 SELECT FOO/KID");
  h.send(a, "a2 RENAME FOO BAR");
  EXPECT_TRUE(h.model().mailbox("BAR/KID").has_value());
}

TEST(BugZoo, RenameInboxKeepsDeleted) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::RenameInboxKeepsDeleted, on, 2);
    t.h.send(t.a, "a1 STORE 1 +FLAGS.SILENT (\\Deleted)");
    t.h.send(t.a, "a2 RENAME INBOX OLD");
    EXPECT_EQ(t.inbox(), on ? Uids{1} : Uids{});  // MBX-5: INBOX is left empty
    EXPECT_EQ(t.h.model().mailbox("OLD")->uids.size(), on ? 1u : 2u);
  }
}

// --- NTF ---

TEST(BugZoo, NotifyCreateDeleteLost) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::NotifyCreateDeleteLost, on);
    const SessionId watcher = h.login("alice"), a = h.login("alice");
    EXPECT_EQ(last(h.send(watcher, "w1 NOTIFY SET (PERSONAL (MailboxName))")).rfind("w1 OK", 0), 0u);
    h.send(a, "a1 CREATE FOO");
    h.send(a, "a2 DELETE FOO");
    const Lines told = h.unsolicited(watcher);
    EXPECT_EQ(told.size(), on ? 0u : 2u) << Harness::join(told);  // NTF-9: a LIST for each change
  }
}

TEST(BugZoo, NotifyStatusMissingUidvalidity) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::NotifyStatusMissingUidvalidity, on);
    const SessionId a = h.login("alice"), b = h.login("alice");
    h.send(a, "a0 CREATE FOO");
    h.send(b, "b0 SELECT FOO");
    const Lines out = h.send(a, "a1 NOTIFY SET STATUS (PERSONAL (MessageNew MessageExpunge))");
    const auto status = std::find_if(out.begin(), out.end(), [](const std::string& l) {
      return l.rfind("* STATUS FOO ", 0) == 0;
    });
    ASSERT_NE(status, out.end()) << Harness::join(out);
    EXPECT_EQ(contains(*status, "UIDVALIDITY"), !on) << *status;  // NTF-4: MessageNew needs UIDVALIDITY
    // INBOX is open nowhere else: its STATUS stays complete even with the bug on.
    EXPECT_TRUE(has_line(out, "* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UIDVALIDITY")) << Harness::join(out);
  }
}

TEST(BugZoo, NotifyOwnChange) {
  for (bool on : {false, true}) {
    Harness h = make(Bug::NotifyOwnChange, on);
    const SessionId a = h.login("alice"), b = h.login("alice");
    h.send(a, "a0 CREATE FOO");
    h.send(a, "a1 NOTIFY SET (PERSONAL (MessageNew MessageExpunge))");
    h.append(b, "FOO", message);
    EXPECT_TRUE(has_line(h.unsolicited(a), "* STATUS FOO"));
    const Lines own = h.append(a, "FOO", message);
    EXPECT_EQ(has_line(own, "* STATUS FOO") || has_line(h.unsolicited(a), "* STATUS FOO"), on)
        << Harness::join(own);  // NTF-10
  }
}

TEST(BugZoo, NotifyOwnChangeOfFlagsInTheSelectedMailbox) {
  for (bool on : {false, true}) {
    TwoViews t(Bug::NotifyOwnChange, on, 1);
    t.h.send(t.b, "b1 STORE 1 +FLAGS.SILENT (beta)");
    t.h.send(t.a, "a1 NOOP");
    const Lines own = t.h.send(t.a, "a2 STORE 1 +FLAGS.SILENT (alpha)");
    // .SILENT: any FETCH here reports a's own change back to it (NTF-10).
    EXPECT_EQ(has_line(own, "* 1 FETCH"), on) << Harness::join(own);
  }
}

TEST(BugZoo, NotifyOwnChangeNeedsAnotherWriter) {
  Harness h = make(Bug::NotifyOwnChange, true);
  const SessionId a = h.login("alice");
  h.send(a, "a0 CREATE FOO");
  h.send(a, "a1 NOTIFY SET (PERSONAL (MessageNew MessageExpunge))");
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(has_line(h.append(a, "FOO", message), "* STATUS FOO"));
    EXPECT_TRUE(h.unsolicited(a).empty());
  }
}

// alice creates shared/team, which only she and bob (lrswi) may read; bob watches it with NOTIFY.
void bob_watches_team(Harness& h, SessionId alice, SessionId bob) {
  h.send(alice, "a0 CREATE shared/team");
  h.send(alice, "a1 SETACL shared/team bob lrswi");
  h.send(alice, "a1b DELETEACL shared/team anyone");  // inherited from "shared": everyone may read it
  EXPECT_EQ(last(h.send(bob, "b0 NOTIFY SET (MAILBOXES shared/team (MessageNew MessageExpunge))")).rfind("b0 OK", 0),
            0u);
}

TEST(BugZoo, NotifyAfterRevoke) {
  // bob watches shared/team; alice takes his 'l' and 'r' away, then a new message arrives there.
  for (bool on : {false, true}) {
    Harness h = make(Bug::NotifyAfterRevoke, on);
    const SessionId alice = h.login("alice"), bob = h.login("bob");
    bob_watches_team(h, alice, bob);
    h.append(alice, "shared/team", message);
    EXPECT_TRUE(has_line(h.unsolicited(bob), "* STATUS shared/team"));  // watched while he may read it
    EXPECT_EQ(last(h.send(alice, "a2 SETACL shared/team bob -lr")).rfind("a2 OK", 0), 0u);
    h.append(alice, "shared/team", message);
    const Lines told = h.unsolicited(bob);
    EXPECT_EQ(has_line(told, "* STATUS shared/team"), on) << Harness::join(told);  // ACC-2, RFC 5465 §5.9
    EXPECT_FALSE(has_line(h.send(bob, "b1 LIST \"\" *"), "* LIST () \"/\" shared/team"));
  }
}

TEST(BugZoo, NotifyAfterRevokeQueuedBeforeTheRevoke) {
  // An event queued while bob could still read the mailbox is dropped at delivery once the right is gone.
  for (bool on : {false, true}) {
    Harness h = make(Bug::NotifyAfterRevoke, on);
    const SessionId alice = h.login("alice"), bob = h.login("bob");
    bob_watches_team(h, alice, bob);
    h.append(alice, "shared/team", message);
    h.send(alice, "a2 DELETEACL shared/team bob");
    const Lines told = h.unsolicited(bob);
    EXPECT_EQ(has_line(told, "* STATUS shared/team"), on) << Harness::join(told);
  }
}

TEST(BugZoo, SwitchedOffBugsChangeNothing) {
  // The same two-session workload with an empty bug set and with every server-layer bug (which the model
  // ignores) gives the same responses.
  ModelOptions server_bugs;
  server_bugs.bugs.add(Bug::PipelineReorder);
  server_bugs.bugs.add(Bug::PushDelayed);
  Harness plain(Policy{}, default_users(), {}), other(Policy{}, default_users(), server_bugs);
  for (Harness* h : {&plain, &other}) h->fill("alice", "INBOX", 3);
  const std::vector<std::pair<int, std::string>> script = {
      {0, "a0 SELECT INBOX"}, {1, "b0 SELECT INBOX"}, {1, "b1 STORE 1 +FLAGS (\\Deleted x)"},
      {1, "b2 EXPUNGE"}, {0, "a1 FETCH 1:* (UID FLAGS)"}, {0, "a2 NOOP"}, {0, "a3 COPY 1:* INBOX"},
  };
  std::vector<Lines> outs[2];
  for (int i = 0; i < 2; ++i) {
    Harness& h = i == 0 ? plain : other;
    const SessionId s[2] = {h.login("alice"), h.login("alice")};
    for (const auto& [who, line] : script) outs[i].push_back(h.send(s[who], line));
  }
  EXPECT_EQ(outs[0], outs[1]);
}

}  // namespace
}  // namespace imaplab::model::testing
