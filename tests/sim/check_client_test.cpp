// Canaries for the client-local [C] rules: for each rule a hand-made bad transcript that must fire it, and a
// good variant that must not (INVARIANTS.md: a checker that can never fail is a defect).
#include <gtest/gtest.h>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// Client `c` logs in and selects INBOX with `count` messages (UIDVALIDITY 7), no UIDs known yet.
std::vector<std::string> selected(int c = 1, int count = 3) {
  const std::string C = "C" + std::to_string(c) + ": ", S = "S" + std::to_string(c) + ": ";
  return {C + "<connect>",
          S + "* OK IMAP4rev1 ready",
          C + "a1 LOGIN alice secret",
          S + "a1 OK LOGIN completed",
          C + "a2 SELECT INBOX",
          S + "* " + std::to_string(count) + " EXISTS",
          S + "* OK [UIDVALIDITY 7] UIDs valid",
          S + "* OK [UIDNEXT 20] next",
          S + "a2 OK [READ-WRITE] SELECT completed"};
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The rule that fires first for a transcript, or "" when none does.
std::string fired(const std::vector<std::string>& lines) {
  Checker checker = make_checker();
  const auto v = run_lines(checker, lines);
  return v ? v->rule : std::string();
}

// Every fired violation names the offending line and the RFC.
TEST(CheckClient, ViolationNamesRuleRfcAndLines) {
  Checker checker = make_checker();
  const auto v = run_lines(checker, plus(selected(), {"S1: * 2 EXPUNGE"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "SEQ-1");
  EXPECT_EQ(v->rfc, "RFC 3501 §7.4.1");
  ASSERT_EQ(v->offending.size(), 1u);
  EXPECT_EQ(v->offending[0], 9u);
  EXPECT_NE(v->message.find("S1: * 2 EXPUNGE"), std::string::npos);
  EXPECT_NE(v->message.find("MUST NOT be sent when no command is in progress"), std::string::npos);
  // Reported once; later events return nothing new.
  EXPECT_FALSE(checker.observe(events_from({"S1: * 1 EXPUNGE"})[0], nullptr));
}

TEST(CheckClient, Seq1ExpungeOnlyDuringCommand) {
  EXPECT_EQ(fired(plus(selected(), {"S1: * 2 EXPUNGE"})), "SEQ-1");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * 2 EXPUNGE", "S1: a3 OK NOOP completed"})), "");
  // IDLE counts as a command in progress.
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 IDLE", "S1: + idling", "S1: * 2 EXPUNGE", "C1: DONE",
                                    "S1: a3 OK IDLE terminated"})), "");
  // After the tagged reply nothing is in progress any more.
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: a3 OK NOOP completed", "S1: * 2 EXPUNGE"})), "SEQ-1");
}

TEST(CheckClient, Seq2NoExpungeDuringFetchStoreSearch) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 FETCH 1:* FLAGS", "S1: * 2 EXPUNGE"})), "SEQ-2");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 STORE 1 +FLAGS (\\Seen)", "S1: * 2 EXPUNGE"})), "SEQ-2");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 SEARCH ALL", "S1: * 2 EXPUNGE"})), "SEQ-2");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 UID FETCH 1:* FLAGS", "S1: * 2 EXPUNGE", "S1: a3 OK done"})), "");
  // Pipelined: not before the tagged reply of the earlier FETCH, even while answering a later UID command.
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 FETCH 1 FLAGS", "C1: a4 UID FETCH 1:* FLAGS", "S1: * 2 EXPUNGE"})),
            "SEQ-2");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 FETCH 1 FLAGS", "C1: a4 UID FETCH 1:* FLAGS", "S1: a3 OK done",
                                    "S1: * 2 EXPUNGE", "S1: a4 OK done"})),
            "");
}

TEST(CheckClient, Seq3ExpungeNumberWithinCount) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * 4 EXPUNGE"})), "SEQ-3");
  // Each EXPUNGE lowers the count: the third "* 2 EXPUNGE" of a 3-message view has nothing left at 2.
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * 3 EXPUNGE", "S1: * 2 EXPUNGE", "S1: * 2 EXPUNGE"})),
            "SEQ-3");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * 3 EXPUNGE", "S1: * 2 EXPUNGE", "S1: * 1 EXPUNGE",
                                    "S1: a3 OK done"})),
            "");
}

TEST(CheckClient, Seq4FetchNumberWithinCount) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * 4 FETCH (FLAGS (\\Seen))"})), "SEQ-4");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * 4 EXISTS", "S1: * 4 FETCH (FLAGS (\\Seen))",
                                    "S1: a3 OK done"})),
            "");
}

TEST(CheckClient, Seq5ExistsNeverLowersCount) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * 2 EXISTS"})), "SEQ-5");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * 3 EXPUNGE", "S1: * 2 EXISTS", "S1: * 5 EXISTS",
                                    "S1: a3 OK done"})),
            "");
}

TEST(CheckClient, Seq6SequenceOrderIsUidOrder) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 FETCH 1:2 UID", "S1: * 1 FETCH (UID 5)", "S1: * 2 FETCH (UID 4)"})),
            "SEQ-6");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 FETCH 1:2 UID", "S1: * 2 FETCH (UID 4)", "S1: * 1 FETCH (UID 5)"})),
            "SEQ-6");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 FETCH 1:2 UID", "S1: * 1 FETCH (UID 4)", "S1: * 2 FETCH (UID 5)",
                                    "S1: a3 OK done"})),
            "");
}

TEST(CheckClient, Seq7UidOfNumberStable) {
  const auto known = plus(selected(), {"C1: a3 FETCH 1:3 UID", "S1: * 1 FETCH (UID 4)", "S1: * 2 FETCH (UID 5)",
                                       "S1: * 3 FETCH (UID 6)", "S1: a3 OK done"});
  EXPECT_EQ(fired(plus(known, {"C1: a4 FETCH 1 UID", "S1: * 1 FETCH (UID 5)"})), "SEQ-7");
  EXPECT_EQ(fired(plus(known, {"C1: a4 NOOP", "S1: * 1 EXPUNGE", "S1: a4 OK done", "C1: a5 FETCH 1 UID",
                               "S1: * 1 FETCH (UID 5)", "S1: a5 OK done"})),
            "");
}

TEST(CheckClient, Seq8NewMessagesGetHigherUids) {
  const auto known = plus(selected(), {"C1: a3 FETCH 1:3 UID", "S1: * 1 FETCH (UID 4)", "S1: * 2 FETCH (UID 5)",
                                       "S1: * 3 FETCH (UID 9)", "S1: a3 OK done", "C1: a4 NOOP",
                                       "S1: * 3 EXPUNGE", "S1: * 3 EXISTS", "S1: a4 OK done"});
  EXPECT_EQ(fired(plus(known, {"C1: a5 FETCH 3 UID", "S1: * 3 FETCH (UID 7)"})), "SEQ-8");
  EXPECT_EQ(fired(plus(known, {"C1: a5 FETCH 3 UID", "S1: * 3 FETCH (UID 10)", "S1: a5 OK done"})), "");
}

TEST(CheckClient, Seq11UidFetchCarriesUidAndIgnoresMissingUids) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 UID FETCH 1:* RFC822.SIZE", "S1: * 1 FETCH (RFC822.SIZE 30)"})),
            "SEQ-11");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 UID FETCH 1:* RFC822.SIZE", "S1: * 1 FETCH (UID 4 RFC822.SIZE 30)",
                                    "S1: a3 OK done"})),
            "");
  const auto known = plus(selected(), {"C1: a3 FETCH 1:3 UID", "S1: * 1 FETCH (UID 4)", "S1: * 2 FETCH (UID 5)",
                                       "S1: * 3 FETCH (UID 6)", "S1: a3 OK done"});
  EXPECT_EQ(fired(plus(known, {"C1: a4 UID FETCH 100:200 FLAGS", "S1: a4 NO no such messages"})), "SEQ-11");
  EXPECT_EQ(fired(plus(known, {"C1: a4 UID FETCH 100:200 FLAGS", "S1: a4 OK done"})), "");
  // A UID that exists may be refused under a policy (RFC 2180 §4.1.2): not this rule's business.
  EXPECT_EQ(fired(plus(known, {"C1: a4 UID FETCH 5 FLAGS", "S1: a4 NO expunged"})), "");
  // An EXISTS on its way when the command left told the server's session of UID 100 before the command ran;
  // another client's EXPUNGE then makes it a ghost the policy may refuse (corpus/regressions
  // checker-seq11-exists-in-flight.trace).
  EXPECT_EQ(fired(plus(known, {"C1: a4 UID FETCH 100 FLAGS", "S1: * 4 EXISTS", "S1: * 4 FETCH (UID 100 FLAGS ())",
                               "S1: * 4 EXPUNGE", "S1: a4 NO [EXPUNGEISSUED] expunged"})),
            "");
}

TEST(CheckClient, Seq12DependentPipelinedCommandsInOrder) {
  const auto pipelined = plus(selected(), {"C1: a3 STORE 1 +FLAGS.SILENT (\\Deleted)", "C1: a4 EXPUNGE"});
  EXPECT_EQ(fired(plus(pipelined, {"S1: a4 OK EXPUNGE completed", "S1: a3 OK STORE completed"})), "SEQ-12");
  EXPECT_EQ(fired(plus(pipelined, {"S1: a3 OK STORE completed", "S1: * 1 EXPUNGE", "S1: a4 OK done"})), "");
}

TEST(CheckClient, Seq15SearchNumbersWithinView) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 SEARCH ALL", "S1: * SEARCH 1 4"})), "SEQ-15");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 SEARCH ALL", "S1: * SEARCH 1 3", "S1: a3 OK done"})), "");
}

TEST(CheckClient, Mod2ModseqOnlyAfterCondstore) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 FETCH 1 FLAGS", "S1: * 1 FETCH (FLAGS () MODSEQ (5))"})), "MOD-2");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 ENABLE CONDSTORE", "S1: * ENABLED CONDSTORE", "S1: a3 OK done",
                                    "C1: a4 FETCH 1 FLAGS", "S1: * 1 FETCH (FLAGS () MODSEQ (5))",
                                    "S1: a4 OK done"})),
            "");
}

TEST(CheckClient, Mod4VanishedFollowsExpungeTiming) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 FETCH 1:* FLAGS", "S1: * VANISHED 4"})), "MOD-4");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 UID FETCH 1:* FLAGS", "S1: * VANISHED (EARLIER) 4",
                                    "S1: a3 OK done"})),
            "");
}

TEST(CheckClient, Cpy2UidplusSetsEqualInLength) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 COPY 1:2 Trash", "S1: a3 OK [COPYUID 9 4:5 1] done"})), "CPY-2");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 COPY 1:2 Trash", "S1: a3 OK [COPYUID 9 4:5 1:2] done"})), "");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 APPEND Trash {3+}\r\nabc", "S1: a3 OK [APPENDUID 9 2:3] done"})),
            "CPY-2");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 APPEND Trash {3+}\r\nabc", "S1: a3 OK [APPENDUID 9 2] done"})), "");
}

TEST(CheckClient, Acc1NothingButLoginBeforeAuthentication) {
  const std::vector<std::string> greeted = {"C1: <connect>", "S1: * OK ready"};
  EXPECT_EQ(fired(plus(greeted, {"C1: a1 SELECT INBOX", "S1: a1 OK SELECT completed"})), "ACC-1");
  EXPECT_EQ(fired(plus(greeted, {"C1: a1 SELECT INBOX", "S1: a1 NO log in first"})), "");
  // Pipelined behind LOGIN it may succeed.
  EXPECT_EQ(fired(plus(greeted, {"C1: a1 LOGIN alice secret", "C1: a2 SELECT INBOX", "S1: a1 OK done",
                                 "S1: * 0 EXISTS", "S1: a2 OK done"})),
            "");
}

TEST(CheckClient, Ntf1IdleEndsOnlyAfterDone) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 IDLE", "S1: + idling", "S1: a3 OK IDLE terminated"})), "NTF-1");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 IDLE", "S1: + idling", "C1: DONE", "S1: * 4 EXISTS",
                                    "S1: a3 OK IDLE terminated"})),
            "");
}

TEST(CheckClient, Ntf5NotifyArgumentsMustBeRefused) {
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOTIFY SET (selected (MessageNew))", "S1: a3 OK done"})), "NTF-5");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOTIFY SET (selected (FlagChange))", "S1: a3 OK done"})), "NTF-5");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOTIFY SET (selected (MailboxName))", "S1: a3 OK done"})), "NTF-5");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOTIFY SET (selected (MessageNew))", "S1: a3 BAD both needed"})), "");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOTIFY SET (selected (MessageNew MessageExpunge))",
                                    "S1: a3 OK done"})),
            "");
}

std::vector<std::string> notified(const std::string& spec) {
  return plus(selected(), {"C1: a3 NOTIFY SET " + spec, "S1: a3 OK NOTIFY completed"});
}

TEST(CheckClient, Ntf6SelectedNotificationsAsAsked) {
  const auto flags = notified("(selected (MessageNew MessageExpunge FlagChange))");
  EXPECT_EQ(fired(plus(flags, {"S1: * 2 FETCH (FLAGS (\\Seen))"})), "NTF-6");
  EXPECT_EQ(fired(plus(flags, {"S1: * 2 FETCH (UID 5 FLAGS (\\Seen))", "S1: * 2 EXPUNGE", "S1: * 3 EXISTS"})), "");
  const auto others = notified("(mailboxes Trash (MessageNew MessageExpunge))");
  EXPECT_EQ(fired(plus(others, {"S1: * 4 EXISTS"})), "NTF-6");
  EXPECT_EQ(fired(plus(others, {"S1: * 2 EXPUNGE"})), "SEQ-1");
}

TEST(CheckClient, Ntf7SelectedDelayedHoldsExpunges) {
  const auto delayed = notified("(selected-delayed (MessageNew MessageExpunge))");
  EXPECT_EQ(fired(plus(delayed, {"S1: * 2 EXPUNGE"})), "NTF-7");
  EXPECT_EQ(fired(plus(delayed, {"S1: * 4 EXISTS", "C1: a4 NOOP", "S1: * 2 EXPUNGE", "S1: a4 OK done"})), "");
}

TEST(CheckClient, Ntf8StatusOnlyForWatchedMailboxes) {
  EXPECT_EQ(fired(plus(notified("(selected (MessageNew MessageExpunge))"),
                       {"S1: * STATUS Trash (MESSAGES 2 UIDNEXT 5)"})),
            "NTF-8");
  EXPECT_EQ(fired(plus(notified("(mailboxes Trash (MessageNew MessageExpunge))"),
                       {"S1: * STATUS Trash (MESSAGES 2 UIDNEXT 5)"})),
            "");
}

TEST(CheckClient, Ntf9ListOnlyForMailboxEvents) {
  EXPECT_EQ(fired(plus(notified("(selected (MessageNew MessageExpunge))"), {"S1: * LIST () \"/\" Trash"})),
            "NTF-9");
  EXPECT_EQ(fired(plus(notified("(personal (MailboxName))"), {"S1: * LIST () \"/\" Trash"})), "");
}

TEST(CheckClient, Ntf11NothingUnsolicitedWithoutNotify) {
  EXPECT_EQ(fired(plus(selected(), {"S1: * 4 EXISTS"})), "NTF-11");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 NOOP", "S1: * STATUS Trash (MESSAGES 2)"})), "NTF-11");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 STATUS Trash (MESSAGES)", "S1: * STATUS Trash (MESSAGES 2)",
                                    "S1: a3 OK done", "C1: a4 NOOP", "S1: * 4 EXISTS", "S1: a4 OK done"})),
            "");
  // After an overflow the server behaves as after NOTIFY NONE.
  const auto overflow = plus(notified("(selected (MessageNew MessageExpunge))"),
                             {"S1: * 4 EXISTS", "S1: * OK [NOTIFICATIONOVERFLOW] too many"});
  EXPECT_EQ(fired(plus(overflow, {"S1: * 5 EXISTS"})), "NTF-11");
}

TEST(CheckClient, Ntf12IdleSendsExactlyTheNotifySet) {
  const auto idle = plus(notified("(mailboxes Trash (MessageNew MessageExpunge))"),
                         {"C1: a4 IDLE", "S1: + idling"});
  EXPECT_EQ(fired(plus(idle, {"S1: * 4 EXISTS"})), "NTF-12");
  EXPECT_EQ(fired(plus(idle, {"S1: * STATUS Trash (MESSAGES 2 UIDNEXT 5)", "C1: DONE", "S1: a4 OK done"})), "");
  // Without NOTIFY, IDLE brings the selected mailbox's updates.
  EXPECT_EQ(fired(plus(selected(), {"C1: a4 IDLE", "S1: + idling", "S1: * 4 EXISTS", "S1: * 1 EXPUNGE"})), "");
}

TEST(CheckClient, SelectResetsTheView) {
  // Responses for the old mailbox may still arrive while SELECT is in flight; the new view starts at its OK.
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 SELECT Trash", "S1: * 9 EXPUNGE", "S1: * 1 EXISTS",
                                    "S1: * OK [UIDVALIDITY 3] ok", "S1: a3 OK done", "C1: a4 NOOP",
                                    "S1: * 1 EXPUNGE", "S1: a4 OK done"})),
            "");
  EXPECT_EQ(fired(plus(selected(), {"C1: a3 SELECT Trash", "S1: * 1 EXISTS", "S1: a3 OK done", "C1: a4 NOOP",
                                    "S1: * 2 EXPUNGE"})),
            "SEQ-3");
}

}  // namespace
}  // namespace imaplab::sim::testing
