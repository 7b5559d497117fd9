// Canaries for what NOTIFY watchers and subscribers must be told: NTF-9 (a RENAME is told by the LIST with
// OLDNAME, not by the reply to the watcher's own LIST), NTF-8 (a pushed STATUS is for a mailbox some filter
// covers: SUBTREE "work" does not cover "work2", personal does not cover shared mailboxes) and MBX-6 (LSUB and
// LIST (SUBSCRIBED) show the names the user subscribed). Each bad transcript fires; a near-identical good one
// does not.
#include <gtest/gtest.h>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// Clients 1 and 2 (both alice) have INBOX selected; BAR is an empty mailbox.
struct Scene : TwoClientScene {
  Scene() : TwoClientScene({}, "BAR") {}
};

TEST(CheckNotifyWatch, Ntf9RenameIsToldOnlyByTheOldnameList) {
  // RFC 5465 §5.4: client 1 renames BAR; client 2 watches MailboxName. The reply to client 2's own LIST shows
  // BAZ but not that BAR is gone: only the unsolicited LIST with OLDNAME tells it.
  for (bool notified : {false, true}) {
    SCOPED_TRACE(notified);
    Scene s;
    s.step(2, "b1 NOTIFY SET (personal (MailboxName))", "b1 NOTIFY SET (personal (MailboxName))", {"S2: b1 OK done"});
    s.step(1, "a5 RENAME BAR BAZ", "a5 RENAME BAR BAZ", {"S1: a5 OK done"});
    std::vector<std::string> replies = {"S2: * LIST () \"/\" BAZ", "S2: b2 OK done"};
    if (notified) replies.insert(replies.begin(), "S2: * LIST () \"/\" BAZ (\"OLDNAME\" (BAR))");
    s.step(2, "b2 LIST \"\" BAZ", "", replies);
    s.feed({"@9000000 C1: a6 NOOP"});
    EXPECT_EQ(s.fired(), notified ? "" : "NTF-9");
  }
}

TEST(CheckNotifyWatch, Ntf2PlainIdleIsToldOfFlagChanges) {
  // RFC 2177 §3: client 2 idles (no NOTIFY) in INBOX; client 1 flags message 1. The FETCH is owed within the
  // NOTIFY bound (2 s of virtual time), not at DONE; the NOOP long after makes time pass.
  for (bool told : {false, true}) {
    SCOPED_TRACE(told);
    Scene s;
    s.step(2, "b1 IDLE", "", {"S2: + idling"});
    s.step(1, "a5 STORE 1 +FLAGS (\\Flagged)", "a5 STORE 1 +FLAGS (\\Flagged)",
           {"S1: * 1 FETCH (FLAGS (\\Flagged))", "S1: a5 OK done"});
    if (told) s.feed({"S2: * 1 FETCH (FLAGS (\\Flagged))"});
    s.feed({"@9000000 C1: a6 NOOP"});
    EXPECT_EQ(s.fired(), told ? "" : "NTF-2");
  }
}

TEST(CheckNotifyWatch, Ntf8StatusOnlyForCoveredMailboxes) {
  // RFC 5465 §6.5: a subtree is the name and the names below it; "work2" is neither.
  const std::string subtree = "b1 NOTIFY SET (subtree work (MessageNew MessageExpunge))";
  for (const auto& [mailbox, rule] : std::vector<std::pair<std::string, std::string>>{
           {"work2", "NTF-8"}, {"work", ""}, {"work/sub", ""}}) {
    SCOPED_TRACE(mailbox);
    Scene s;
    s.step(2, subtree, "", {"S2: b1 OK done"});
    s.feed({"S2: * STATUS " + mailbox + " (MESSAGES 1 UIDNEXT 9)"});
    EXPECT_EQ(s.fired(), rule);
  }
  // RFC 5465 §6.2: personal is the user's own namespace, which has no shared mailboxes.
  const std::string personal = "b1 NOTIFY SET (personal (MessageNew MessageExpunge))";
  for (const auto& [mailbox, rule] : std::vector<std::pair<std::string, std::string>>{
           {"shared/box1", "NTF-8"}, {"work", ""}, {"inbox", ""}}) {
    SCOPED_TRACE(mailbox);
    Scene s;
    s.step(2, personal, "", {"S2: b1 OK done"});
    s.feed({"S2: * STATUS " + mailbox + " (MESSAGES 1 UIDNEXT 9)"});
    EXPECT_EQ(s.fired(), rule);
  }
  // SUBSCRIBED may name shared mailboxes: not judged.
  Scene subscribed;
  subscribed.step(2, "b1 NOTIFY SET (subscribed (MessageNew MessageExpunge))", "", {"S2: b1 OK done"});
  subscribed.feed({"S2: * STATUS shared/box1 (MESSAGES 1 UIDNEXT 9)"});
  EXPECT_EQ(subscribed.fired(), "");
}

TEST(CheckNotifyWatch, Mbx6LsubShowsOnlySubscribedNames) {
  // RFC 3501 §6.3.7: after UNSUBSCRIBE OK (client 1) the user's LSUB (client 2, same user) must not show BAR.
  for (bool unsubscribed : {true, false}) {
    SCOPED_TRACE(unsubscribed);
    Scene s;
    s.step(1, "a5 SUBSCRIBE BAR", "", {"S1: a5 OK done"});
    if (unsubscribed) s.step(1, "a6 UNSUBSCRIBE BAR", "", {"S1: a6 OK done"});
    s.step(2, "b1 LSUB \"\" *", "", {"S2: * LSUB () \"/\" BAR", "S2: b1 OK done"});
    EXPECT_EQ(s.fired(), unsubscribed ? "MBX-6" : "");
  }
  // An UNSUBSCRIBE in flight beside the LSUB may run after it: not judged.
  Scene racing;
  racing.step(1, "a5 SUBSCRIBE BAR", "", {"S1: a5 OK done"});
  racing.feed({"C1: a6 UNSUBSCRIBE BAR", "C2: b1 LSUB \"\" *", "S2: * LSUB () \"/\" BAR", "S2: b1 OK done",
               "S1: a6 OK done"});
  EXPECT_EQ(racing.fired(), "");
  // With '%', an unsubscribed parent of a subscribed name is listed \Noselect (RFC 3501 §6.3.9).
  Scene parent;
  parent.step(1, "a5 SUBSCRIBE BAR/x", "", {"S1: a5 OK done"});
  parent.step(2, "b1 LSUB \"\" %", "", {"S2: * LSUB (\\Noselect) \"/\" BAR", "S2: b1 OK done"});
  EXPECT_EQ(parent.fired(), "");
}

TEST(CheckNotifyWatch, Mbx6ListSubscribedMarksExactlyTheSubscribed) {
  // RFC 5258 §3.1: RETURN (SUBSCRIBED) marks \Subscribed on the subscribed names and only on them.
  for (bool unsubscribed : {true, false}) {
    for (bool marked : {true, false}) {
      SCOPED_TRACE(std::to_string(unsubscribed) + std::to_string(marked));
      Scene s;
      s.step(1, "a5 SUBSCRIBE BAR", "", {"S1: a5 OK done"});
      if (unsubscribed) s.step(1, "a6 UNSUBSCRIBE BAR", "", {"S1: a6 OK done"});
      s.step(2, "b1 LIST \"\" BAR RETURN (SUBSCRIBED)", "",
             {marked ? "S2: * LIST (\\Subscribed) \"/\" BAR" : "S2: * LIST () \"/\" BAR", "S2: b1 OK done"});
      EXPECT_EQ(s.fired(), marked == unsubscribed ? "MBX-6" : "");
    }
  }
}

}  // namespace
}  // namespace imaplab::sim::testing
