// Canaries for SEQ-16 and SEQ-17 (sim/check_sets.cpp): a FETCH answered OK without a message its set names in the client's
// view fires; the full answer, and a message another session expunged meanwhile, do not. The true store is a
// model the test drives between transcript lines.
#include <gtest/gtest.h>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// Clients 1 and 2 (both alice) have INBOX (UIDs 1..3, all fetched) selected.
struct Scene : TwoClientScene {
  Scene() : TwoClientScene({}, "BAR") {}
};

TEST(CheckSets, Seq16ReversedRangeCoversBothEnds) {
  // RFC 3501 §9: "2:4 and 4:2 are equivalent".
  for (int answered : {0, 1, 2}) {
    SCOPED_TRACE(answered);
    Scene s;
    std::vector<std::string> replies;
    if (answered >= 1) replies.push_back("S2: * 2 FETCH (FLAGS ())");
    if (answered >= 2) replies.push_back("S2: * 3 FETCH (FLAGS ())");
    replies.push_back("S2: b1 OK done");
    s.step(2, "b1 FETCH 3:2 FLAGS", "b1 FETCH 3:2 FLAGS", replies);
    EXPECT_EQ(s.fired(), answered == 2 ? "" : "SEQ-16");
  }
}

TEST(CheckSets, Seq16UidStarPastMaxIncludesTheLast) {
  // RFC 3501 §9: "3291:* includes the UID of the last message in the mailbox, even if that value is less".
  for (bool answered : {false, true}) {
    SCOPED_TRACE(answered);
    Scene s;
    std::vector<std::string> replies;
    if (answered) replies.push_back("S2: * 3 FETCH (UID 3 FLAGS ())");
    replies.push_back("S2: b1 OK done");
    s.step(2, "b1 UID FETCH 9:* FLAGS", "b1 UID FETCH 9:* FLAGS", replies);
    EXPECT_EQ(s.fired(), answered ? "" : "SEQ-16");
  }
  // UIDs the view does not hold are ignored (RFC 3501 §6.4.8): nothing is owed.
  Scene none;
  none.step(2, "b1 UID FETCH 5:8 FLAGS", "b1 UID FETCH 5:8 FLAGS", {"S2: b1 OK done"});
  EXPECT_EQ(none.fired(), "");
}

TEST(CheckSets, Seq16ExcusesWhatMayHaveChanged) {
  // A message another session expunged meanwhile may go unanswered (RFC 2180 §4.1).
  Scene gone;
  gone.feed({"C2: b1 FETCH 3:2 FLAGS"});
  gone.oracle.run(1, "a5 STORE 3 +FLAGS.SILENT (\\Deleted)");
  gone.oracle.run(1, "a6 EXPUNGE");
  gone.feed({"S2: * 2 FETCH (FLAGS ())", "S2: b1 OK done"});
  EXPECT_EQ(gone.fired(), "");
  // A NO is not judged, nor a FETCH behind another command of the client.
  Scene no;
  no.step(2, "b1 FETCH 2:3 FLAGS", "", {"S2: b1 NO busy"});
  EXPECT_EQ(no.fired(), "");
  Scene piped;
  piped.feed({"C2: b1 NOOP", "C2: b2 FETCH 2:3 FLAGS", "S2: b1 OK done", "S2: b2 OK done"});
  EXPECT_EQ(piped.fired(), "");
  // A set naming a number above the count may be answered BAD or anything: not judged.
  Scene above;
  above.step(2, "b1 FETCH 2:5 FLAGS", "", {"S2: b1 OK done"});
  EXPECT_EQ(above.fired(), "");
}

// SEQ-17: "*" is the last message (RFC 3501 §9, §6.4.8), judged where SEQ-16 is not: under NOTIFY and beside
// other commands of the client.
TEST(CheckSets, Seq17StarAnswersTheLastUnderNotify) {
  for (const char* notify : {"n1 NOTIFY SET (selected (MessageNew MessageExpunge))",
                             "n1 NOTIFY SET (personal (MessageNew MessageExpunge))", "n1 NOTIFY NONE"}) {
    for (bool answered : {false, true}) {
      SCOPED_TRACE(std::string(notify) + (answered ? " answered" : " empty"));
      Scene s;
      s.step(2, notify, notify, {"S2: n1 OK done"});
      std::vector<std::string> replies;
      if (answered) replies.push_back("S2: * 3 FETCH (UID 3 FLAGS ())");
      replies.push_back("S2: b1 OK done");
      s.step(2, "b1 UID FETCH 9:* FLAGS", "b1 UID FETCH 9:* FLAGS", replies);
      // After NOTIFY NONE no set is active and SEQ-16 (which names the message) judges first.
      const std::string none = notify == std::string("n1 NOTIFY NONE") ? "SEQ-16" : "SEQ-17";
      EXPECT_EQ(s.fired(), answered ? "" : none);
    }
  }
}

TEST(CheckSets, Seq17StarAnswersTheLastBesideOtherCommands) {
  Scene piped;
  piped.feed({"C2: b1 NOOP", "C2: b2 UID FETCH 7:* FLAGS", "S2: b1 OK done", "S2: b2 OK done"});
  EXPECT_EQ(piped.fired(), "SEQ-17");
  Scene good;
  good.feed({"C2: b1 NOOP", "C2: b2 FETCH 2:* FLAGS", "S2: b1 OK done", "S2: * 2 FETCH (FLAGS ())",
             "S2: * 3 FETCH (FLAGS ())", "S2: b2 OK done"});
  EXPECT_EQ(good.fired(), "");
  // A FETCH response for another message does not answer "*".
  Scene other;
  other.feed({"C2: b1 NOOP", "C2: b2 FETCH 2:* FLAGS", "S2: b1 OK done", "S2: * 2 FETCH (FLAGS ())",
              "S2: b2 OK done"});
  EXPECT_EQ(other.fired(), "SEQ-17");
}

TEST(CheckSets, Seq17ExcusesWhatMayHaveMovedTheStar) {
  // The last message expunged by another session meanwhile (RFC 2180 §4.1: NO, NIL or nothing).
  Scene gone;
  gone.step(2, "n1 NOTIFY NONE", "n1 NOTIFY NONE", {"S2: n1 OK done"});
  gone.feed({"C2: b1 UID FETCH 9:* FLAGS"});
  gone.oracle.run(1, "a5 STORE 3 +FLAGS.SILENT (\\Deleted)");
  gone.oracle.run(1, "a6 EXPUNGE");
  gone.feed({"S2: b1 OK done"});
  EXPECT_EQ(gone.fired(), "");
  // An EXPUNGE between the send and the OK may have moved "*".
  Scene renumbered;
  renumbered.step(2, "n1 NOTIFY SET (selected (MessageNew MessageExpunge))",
                  "n1 NOTIFY SET (selected (MessageNew MessageExpunge))", {"S2: n1 OK done"});
  renumbered.feed({"C2: b1 UID FETCH 9:* FLAGS"});
  renumbered.oracle.run(1, "a5 STORE 3 +FLAGS.SILENT (\\Deleted)");
  renumbered.oracle.run(1, "a6 EXPUNGE");
  renumbered.oracle.run(2, "b0 NOOP");
  renumbered.feed({"S2: * 3 EXPUNGE", "S2: b1 OK done"});
  EXPECT_EQ(renumbered.fired(), "");
  // A NO, CHANGEDSINCE and a SELECT sent beside it are not judged.
  Scene no;
  no.step(2, "b1 UID FETCH 9:* FLAGS", "", {"S2: b1 NO busy"});
  EXPECT_EQ(no.fired(), "");
  Scene reselect;
  reselect.feed({"C2: b1 UID FETCH 9:* FLAGS", "C2: b2 EXAMINE BAR", "S2: b1 OK done"});
  EXPECT_EQ(reselect.fired(), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
