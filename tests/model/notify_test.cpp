// NOTIFY (RFC 5465, draft NOTIFY ADD): argument rules, filters, events, STATUS items, visibility, IDLE's
// exact event set and overflow.
#include <gtest/gtest.h>

#include "tests/model/harness.hpp"

namespace imaplab::model::testing {
namespace {

using Lines = std::vector<std::string>;

struct World {
  Harness h;
  SessionId me, other;
  World() {
    me = h.login("alice");
    other = h.login("alice");
    h.send(other, "o1 CREATE misc");
    h.send(other, "o2 CREATE Lists/a");
    h.append(other, "misc", "Subject: one\r\n\r\n");
  }
  std::string code(const std::string& line) { return last(h.send(me, line)).substr(0, 12); }
};

TEST(NotifyArguments, RulesOfSection5AndSection6) {
  World w;
  EXPECT_EQ(w.code("a NOTIFY SET (selected (MessageNew))").substr(0, 5), "a BAD");
  EXPECT_EQ(w.code("a NOTIFY SET (personal (MessageExpunge))").substr(0, 5), "a BAD");
  EXPECT_EQ(w.code("a NOTIFY SET (personal (FlagChange))").substr(0, 5), "a BAD");
  EXPECT_EQ(w.code("a NOTIFY SET (selected (MailboxName))").substr(0, 5), "a BAD");
  EXPECT_EQ(w.code("a NOTIFY SET (selected-delayed (SubscriptionChange))").substr(0, 5), "a BAD");
  EXPECT_EQ(w.code("a NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed NONE)").substr(0, 5),
            "a BAD");
  EXPECT_EQ(w.code("a NOTIFY SET (personal (MessageNew (UID) MessageExpunge))").substr(0, 5), "a BAD");
  const std::string badevent = last(w.h.send(w.me, "a NOTIFY SET (personal (MessageNew MessageExpunge AnnotationChange))"));
  EXPECT_EQ(badevent.rfind("a NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)]", 0),
            0u);
  EXPECT_EQ(w.code("a NOTIFY SET (personal (QuotaExceed))"), "a NO [BADEVE");
  EXPECT_EQ(w.code("a NOTIFY SET (personal (ServerMetadataChange))"), "a NO [BADEVE");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));  // a refused NOTIFY changed nothing
}

TEST(NotifyStatus, ItemsRequiredPerEventAndNotForTheSelectedMailbox) {
  World w;
  w.h.send(w.me, "s SELECT INBOX");
  const Lines r = w.h.send(w.me, "a NOTIFY SET STATUS (personal (MessageNew MessageExpunge))");
  const auto misc = *w.h.model().mailbox("misc");
  EXPECT_TRUE(has_line(r, "* STATUS misc (MESSAGES 1 UIDNEXT 2 UIDVALIDITY " + std::to_string(misc.uidvalidity) + ")"));
  EXPECT_TRUE(has_line(r, "* STATUS Lists/a (MESSAGES 0 UIDNEXT 1 UIDVALIDITY"));
  EXPECT_FALSE(has_line(r, "* STATUS INBOX"));
  EXPECT_EQ(last(r), "a OK NOTIFY done");
  const Lines f = w.h.send(w.me, "b NOTIFY SET STATUS (mailboxes misc (MessageNew MessageExpunge FlagChange))");
  EXPECT_EQ(f.front(), "* STATUS misc (MESSAGES 1 UIDNEXT 2 UIDVALIDITY " + std::to_string(misc.uidvalidity) +
                           " HIGHESTMODSEQ " + std::to_string(misc.highestmodseq) + ")");
}

TEST(NotifySelected, NewFlagsAndExpungeArriveBetweenCommands) {
  World w;
  w.h.send(w.me, "s SELECT misc");
  w.h.send(w.other, "o SELECT misc");
  w.h.send(w.me, "a NOTIFY SET (selected (MessageNew (UID) MessageExpunge FlagChange))");
  w.h.append(w.other, "misc", "Subject: two\r\n\r\n");
  EXPECT_TRUE(w.h.has_unsolicited(w.me));
  EXPECT_EQ(w.h.unsolicited(w.me), (Lines{"* 2 EXISTS", "* 2 RECENT", "* 2 FETCH (UID 2)"}));
  w.h.send(w.other, "o NOOP");
  w.h.send(w.other, "o STORE 1 +FLAGS ($Junk)");
  EXPECT_EQ(w.h.unsolicited(w.me), (Lines{"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Junk)",
                                          "* 1 FETCH (UID 1 FLAGS ($Junk \\Recent))"}));
  w.h.send(w.other, "o STORE 1 +FLAGS.SILENT (\\Deleted)");
  w.h.send(w.other, "o EXPUNGE");
  EXPECT_EQ(w.h.unsolicited(w.me), (Lines{"* 1 EXPUNGE"}));
  EXPECT_FALSE(w.h.has_unsolicited(w.me));
}

TEST(NotifySelected, DelayedExpungesWaitForACommand) {
  World w;
  w.h.append(w.other, "misc", "Subject: two\r\n\r\n");
  w.h.send(w.me, "s SELECT misc");
  w.h.send(w.other, "o SELECT misc");
  w.h.send(w.me, "a NOTIFY SET (selected-delayed (MessageNew MessageExpunge))");
  w.h.send(w.other, "o STORE 1 +FLAGS.SILENT (\\Deleted)");
  w.h.send(w.other, "o EXPUNGE");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));
  EXPECT_EQ(w.h.send(w.me, "b FETCH 2 UID").front(), "* 2 FETCH (UID 2)");  // still numbered as before
  EXPECT_EQ(w.h.send(w.me, "c NOOP"), (Lines{"* 1 EXPUNGE", "* 1 EXISTS", "c OK NOOP completed"}));
}

TEST(NotifyOther, StatusForNewAndExpungedAndModseqWithCondstore) {
  World w;
  w.h.send(w.me, "a NOTIFY SET (mailboxes misc (MessageNew MessageExpunge FlagChange))");
  w.h.append(w.other, "misc", "Subject: two\r\n\r\n");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* STATUS misc (UIDNEXT 3 MESSAGES 2)"});
  w.h.send(w.other, "o SELECT misc");
  w.h.send(w.other, "o STORE 1 +FLAGS (\\Seen)");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));  // RFC 5465 §5.1: without CONDSTORE, nothing to say
  w.h.send(w.me, "e ENABLE CONDSTORE");
  w.h.send(w.other, "o STORE 1 -FLAGS (\\Seen)");
  const auto misc = *w.h.model().mailbox("misc");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* STATUS misc (HIGHESTMODSEQ " + std::to_string(misc.highestmodseq) +
                                         " UIDVALIDITY " + std::to_string(misc.uidvalidity) + ")"});
}

TEST(NotifyMailboxName, CreateDeleteRenameAndTheDraftAliases) {
  World w;
  w.h.send(w.me, "a NOTIFY SET (personal (MailboxCreate MailboxDelete MailboxRename))");
  w.h.send(w.other, "o CREATE fresh");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* LIST (\\HasNoChildren) \"/\" fresh"});
  w.h.send(w.other, "o RENAME fresh renamed");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* LIST (\\HasNoChildren) \"/\" renamed (\"OLDNAME\" (fresh))"});
  w.h.send(w.other, "o DELETE renamed");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* LIST (\\NonExistent) \"/\" renamed"});
  w.h.send(w.other, "o CREATE Lists/b");
  EXPECT_EQ(w.h.unsolicited(w.me), (Lines{"* LIST (\\HasNoChildren) \"/\" Lists/b", "* LIST (\\HasChildren) \"/\" Lists"}));
  w.h.send(w.me, "b CREATE mine");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));  // NTF-10: not about the client's own change
}

TEST(NotifySubscription, ListWithSubscribedExactlyWhenSubscribed) {
  World w;
  w.h.send(w.me, "a NOTIFY SET (personal (SubscriptionChange))");
  w.h.send(w.other, "o SUBSCRIBE misc");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* LIST (\\HasNoChildren \\Subscribed) \"/\" misc"});
  w.h.send(w.other, "o UNSUBSCRIBE misc");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* LIST (\\HasNoChildren) \"/\" misc"});
}

TEST(NotifySubscribedFilter, ReevaluatedWhenSubscriptionsChange) {
  World w;
  w.h.send(w.me, "a NOTIFY SET (subscribed (MessageNew MessageExpunge))");
  w.h.append(w.other, "misc", "Subject: two\r\n\r\n");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));
  w.h.send(w.other, "o SUBSCRIBE misc");
  w.h.append(w.other, "misc", "Subject: three\r\n\r\n");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* STATUS misc (UIDNEXT 4 MESSAGES 3)"});
}

TEST(NotifySubtree, MatchesTheMailboxAndItsChildrenOnly) {
  World w;
  w.h.send(w.me, "a NOTIFY SET (subtree Lists (MessageNew MessageExpunge))");
  w.h.append(w.other, "Lists/a", "Subject: x\r\n\r\n");
  w.h.append(w.other, "misc", "Subject: x\r\n\r\n");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* STATUS Lists/a (UIDNEXT 2 MESSAGES 1)"});
}

TEST(NotifyVisibility, InvisibleMailboxesAreIgnoredAndLostRightsStopMonitoring) {
  Harness h;
  const SessionId alice = h.login("alice");
  const SessionId bob = h.login("bob");
  h.send(alice, "a1 CREATE shared/secret");
  h.send(alice, "a2 CREATE shared/open");
  h.send(alice, "a3 DELETEACL shared/secret anyone");
  const Lines r = h.send(bob, "b1 NOTIFY SET STATUS (mailboxes (shared/secret shared/open nothing) (MessageNew MessageExpunge))");
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].rfind("* STATUS shared/open ", 0), 0u);
  h.append(alice, "shared/secret", "x");
  EXPECT_FALSE(h.has_unsolicited(bob));
  h.send(alice, "a4 SETACL shared/open anyone -r");
  h.append(alice, "shared/open", "x");
  EXPECT_FALSE(h.has_unsolicited(bob));  // RFC 5465 §5.9
  h.send(alice, "a5 SETACL shared/open anyone +r");
  h.append(alice, "shared/open", "x");
  EXPECT_EQ(h.unsolicited(bob), Lines{"* STATUS shared/open (UIDNEXT 3 MESSAGES 2)"});
}

TEST(NotifyVisibility, LookupRightIsMailboxNameForThatUser) {
  Harness h;
  const SessionId alice = h.login("alice");
  const SessionId bob = h.login("bob");
  h.send(alice, "a1 CREATE shared/x");
  h.send(bob, "b1 NOTIFY SET (subtree shared (MailboxName))");
  h.send(alice, "a2 SETACL shared/x anyone -l");
  EXPECT_EQ(h.unsolicited(bob), Lines{"* LIST (\\NonExistent) \"/\" shared/x"});
  h.send(alice, "a3 SETACL shared/x anyone +l");
  EXPECT_EQ(h.unsolicited(bob), Lines{"* LIST (\\HasNoChildren) \"/\" shared/x"});
}

TEST(NotifyIdle, IdleSendsExactlyTheNotifySet) {
  World w;
  w.h.send(w.me, "s SELECT misc");
  w.h.send(w.me, "a NOTIFY SET (personal (MailboxName))");
  w.h.send(w.me, "i IDLE");
  w.h.append(w.other, "misc", "Subject: two\r\n\r\n");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));  // no SELECTED group: the selected mailbox is not watched
  w.h.send(w.other, "o CREATE more");
  EXPECT_EQ(w.h.unsolicited(w.me), Lines{"* LIST (\\HasNoChildren) \"/\" more"});
  EXPECT_EQ(w.h.done(w.me), (Lines{"* 2 EXISTS", "* 2 RECENT", "i OK IDLE terminated"}));
}

TEST(NotifyOverflow, BehavesAsNotifyNoneAfterwards) {
  World w;
  w.h.send(w.me, "a NOTIFY SET (personal (MessageNew MessageExpunge))");
  EXPECT_EQ(Harness::lines({w.h.model().notification_overflow(w.me)}).front().rfind("* OK [NOTIFICATIONOVERFLOW]", 0),
            0u);
  w.h.append(w.other, "misc", "Subject: two\r\n\r\n");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));
}

TEST(NotifyNone, StopsEverything) {
  World w;
  w.h.send(w.me, "a NOTIFY SET (personal (MessageNew MessageExpunge))");
  w.h.append(w.other, "misc", "Subject: two\r\n\r\n");
  EXPECT_EQ(w.h.run(w.me, "b NOTIFY NONE"), "b OK NOTIFY NONE done");
  w.h.append(w.other, "misc", "Subject: three\r\n\r\n");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));
}

TEST(NotifyAdd, PrependsAndSendsStatusOnlyForTheAddedGroups) {
  World w;
  w.h.send(w.me, "a NOTIFY SET (subtree Lists (MessageNew MessageExpunge))");
  const Lines r = w.h.send(w.me, "b NOTIFY ADD STATUS (mailboxes misc (MessageNew MessageExpunge))");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].rfind("* STATUS misc ", 0), 0u);
  w.h.append(w.other, "Lists/a", "x");
  w.h.append(w.other, "misc", "x");
  EXPECT_EQ(w.h.unsolicited(w.me), (Lines{"* STATUS Lists/a (UIDNEXT 2 MESSAGES 1)", "* STATUS misc (UIDNEXT 3 MESSAGES 2)"}));
}

TEST(NotifyBeforeAny, NothingBetweenCommandsOutsideIdle) {
  World w;
  w.h.send(w.me, "s SELECT misc");
  w.h.append(w.other, "misc", "x");
  w.h.send(w.other, "o CREATE z");
  EXPECT_FALSE(w.h.has_unsolicited(w.me));
  EXPECT_TRUE(w.h.unsolicited(w.me).empty());
}

}  // namespace
}  // namespace imaplab::model::testing
