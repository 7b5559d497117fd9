// Canaries for the checks that close gaps planted zoo bugs slipped through: MBX-2 under delete=ghost, MBX-3
// under rename=inplace, NTF-1 at DONE (RFC 2177), SEQ-15 (`*`) and NTF-9 across clients (MailboxName). Each
// bad transcript must fire its rule and a near-identical good one must not; the true store is a model the test
// drives between transcript lines.
#include <gtest/gtest.h>

#include <map>

#include "model/model.hpp"
#include "proto/command_parser.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// Clients 1 and 2 (both alice, default policy: delete=ghost rename=inplace) have INBOX (three messages, UIDs
// 1..3, all fetched) selected; BAR is an empty mailbox.
struct Scene : TwoClientScene {
  Scene() : TwoClientScene({}, "BAR") {}
  // Client 2 leaves INBOX for the empty mailbox BAR.
  void client2_selects_bar() {
    const std::string uv = std::to_string(oracle.model().mailbox("BAR")->uidvalidity);
    step(2, "b1 SELECT BAR", "b1 SELECT BAR",
         {"S2: * 0 EXISTS", "S2: * OK [UIDVALIDITY " + uv + "] ok", "S2: b1 OK [READ-WRITE] done"});
  }
};

TEST(CheckGaps, Mbx2GhostNameStaysTakenWhileHeld) {
  // RFC 2180 §3.2: client 2 still works in the deleted BAR, so CREATE BAR must fail.
  for (bool created : {true, false}) {
    SCOPED_TRACE(created);
    Scene s;
    s.client2_selects_bar();
    s.step(1, "a5 DELETE BAR", "a5 DELETE BAR", {"S1: a5 OK done"});
    s.step(1, "a6 CREATE BAR", "", {created ? "S1: a6 OK done" : "S1: a6 NO [INUSE] in use"});
    EXPECT_EQ(s.fired(), created ? "MBX-2" : "");
  }
  // Once the holder closed it, the name is free again.
  Scene freed;
  freed.client2_selects_bar();
  freed.step(1, "a5 DELETE BAR", "a5 DELETE BAR", {"S1: a5 OK done"});
  freed.step(2, "b2 CLOSE", "b2 CLOSE", {"S2: b2 OK done"});
  freed.step(1, "a6 CREATE BAR", "a6 CREATE BAR", {"S1: a6 OK done"});
  EXPECT_EQ(freed.fired(), "");
}

TEST(CheckGaps, Mbx2GhostTheDeleterDoesNotHoldTheName) {
  // RFC 2180 §3.2's example: the count "becomes 0" when client #2 closes, though client #1, which deleted FOO
  // with FOO selected, never closed it. So client 2 deleting its own selected BAR leaves the name free.
  Scene s;
  s.client2_selects_bar();
  s.step(2, "b2 DELETE BAR", "b2 DELETE BAR", {"S2: b2 OK done"});
  s.step(1, "a5 CREATE BAR", "a5 CREATE BAR", {"S1: a5 OK done"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckGaps, Mbx3InplaceRenameKeepsHolders) {
  // RFC 2180 §3.4: client 1 renames BAR under client 2, whose selection must survive.
  for (bool dropped : {true, false}) {
    SCOPED_TRACE(dropped);
    Scene s;
    s.client2_selects_bar();
    s.step(1, "a5 RENAME BAR BAZ", "a5 RENAME BAR BAZ", {"S1: a5 OK done"});
    if (dropped) {
      s.step(2, "b2 SEARCH ALL", "", {"S2: b2 BAD No mailbox selected (RFC 3501 section 6.4)"});
    } else {
      s.step(2, "b2 SEARCH ALL", "b2 SEARCH ALL", {"S2: * SEARCH", "S2: b2 OK done"});
    }
    EXPECT_EQ(s.fired(), dropped ? "MBX-3" : "");
  }
  // Without a RENAME the same error is not MBX-3's business.
  Scene plain;
  plain.client2_selects_bar();
  plain.step(2, "b2 SEARCH ALL", "", {"S2: b2 BAD No mailbox selected (RFC 3501 section 6.4)"});
  EXPECT_NE(plain.fired(), "MBX-3");
}

TEST(CheckGaps, Ntf1DoneFlushesQueuedUpdates) {
  // RFC 2177 §3: the EXISTS queued while client 2 idled must arrive before DONE's tagged OK.
  for (bool flushed : {false, true}) {
    SCOPED_TRACE(flushed);
    Scene s;
    s.feed({"C2: b1 IDLE", "S2: + idling"});
    s.step(1, "a5 APPEND INBOX {5+}\r\nmsg-9", "a5 APPEND INBOX {5+}\r\nmsg-9", {"S1: * 4 EXISTS", "S1: a5 OK done"});
    s.oracle.run(2, "b0 NOOP");  // the server collects client 2's updates for its IDLE queue
    std::vector<std::string> end = {"C2: DONE"};
    if (flushed) end.push_back("S2: * 4 EXISTS");
    end.push_back("S2: b1 OK done");
    s.feed(end);
    EXPECT_EQ(s.fired(), flushed ? "" : "NTF-1");
  }
}

TEST(CheckGaps, Seq15StarReachesTheLastMessage) {
  for (bool stale : {true, false}) {
    SCOPED_TRACE(stale);
    Scene s;
    std::vector<std::string> replies = {"S2: * 1 FETCH (FLAGS ())", "S2: * 2 FETCH (FLAGS ())"};
    if (!stale) replies.push_back("S2: * 3 FETCH (FLAGS ())");
    replies.push_back("S2: b1 OK done");
    s.step(2, "b1 FETCH 2:* FLAGS", "b1 FETCH 2:* FLAGS", {replies.begin() + 1, replies.end()});
    EXPECT_EQ(s.fired(), stale ? "SEQ-15" : "");
  }
  // A last message expunged meanwhile by another session may go unanswered (RFC 2180 §4.1).
  Scene gone;
  gone.feed({"C2: b1 FETCH 1:* FLAGS"});
  gone.oracle.run(1, "a5 STORE 3 +FLAGS.SILENT (\\Deleted)");
  gone.oracle.run(1, "a6 EXPUNGE");
  gone.feed({"S2: * 1 FETCH (FLAGS ())", "S2: * 2 FETCH (FLAGS ())", "S2: b1 OK done"});
  EXPECT_EQ(gone.fired(), "");
}

TEST(CheckGaps, Ntf9WatcherHearsOtherClientsNameChanges) {
  // RFC 5465 §5.4: client 2 watches MailboxName on its personal mailboxes; client 1 creates NEW. The LIST is
  // owed within the NOTIFY bound (NTF-2's, 2 s of virtual time); the NOOP long after makes time pass.
  for (bool listed : {false, true}) {
    SCOPED_TRACE(listed);
    Scene s;
    s.step(2, "b1 NOTIFY SET (personal (MailboxName))", "b1 NOTIFY SET (personal (MailboxName))", {"S2: b1 OK done"});
    s.step(1, "a5 CREATE NEW", "a5 CREATE NEW", {"S1: a5 OK done"});
    if (listed) s.feed({"S2: * LIST () \"/\" NEW"});
    s.feed({"@9000000 C1: a6 NOOP"});
    EXPECT_EQ(s.fired(), listed ? "" : "NTF-9");
  }
  // The LIST may arrive before the creator's OK.
  Scene early;
  early.step(2, "b1 NOTIFY SET (personal (MailboxName))", "b1 NOTIFY SET (personal (MailboxName))",
             {"S2: b1 OK done"});
  early.step(1, "a5 CREATE NEW", "a5 CREATE NEW", {"S2: * LIST () \"/\" NEW", "S1: a5 OK done"});
  early.feed({"@9000000 C1: a6 NOOP"});
  EXPECT_EQ(early.fired(), "");
  // A name outside the filter is owed nothing.
  Scene outside;
  outside.step(2, "b1 NOTIFY SET (mailboxes BAR (MailboxName))", "b1 NOTIFY SET (mailboxes BAR (MailboxName))",
               {"S2: b1 OK done"});
  outside.step(1, "a5 CREATE NEW", "a5 CREATE NEW", {"S1: a5 OK done"});
  outside.feed({"@9000000 C1: a6 NOOP"});
  EXPECT_EQ(outside.fired(), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
