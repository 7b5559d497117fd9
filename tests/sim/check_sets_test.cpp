// Canaries for SEQ-16 (sim/check_sets.cpp): a FETCH answered OK without a message its set names in the client's
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

}  // namespace
}  // namespace imaplab::sim::testing
