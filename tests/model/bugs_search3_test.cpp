// The zoo bugs of the third mutation sweep's set-resolution and SEARCH rows (M10-M14): each model bug, switched
// on, gives the wrong answer to one command, and the same command is right with it off.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/model/harness.hpp"

namespace imaplab::model::testing {
namespace {

using Lines = std::vector<std::string>;

Harness make(Bug bug, bool on) { return harness_with_bug(bug, on); }

// One session of alice with INBOX selected, holding `messages` (appended in order, UIDs 1..n).
struct Selected {
  Harness h;
  SessionId s = 0;
  Selected(Bug bug, bool on, const std::vector<std::string>& messages) : h(make(bug, on)) {
    s = h.login("alice");
    for (const auto& m : messages) h.append(s, "INBOX", m);
    h.send(s, "a0 SELECT INBOX");
  }
};

const std::vector<std::string> three = {"Subject: a\r\n\r\none\r\n", "Subject: b\r\n\r\ntwo\r\n",
                                        "Subject: c\r\n\r\nthree\r\n"};

TEST(BugZooSets, ReversedRangeEmpty) {
  for (bool on : {false, true}) {
    Selected t(Bug::ReversedRangeEmpty, on, three);
    const Lines out = t.h.send(t.s, "a1 FETCH 3:2 (UID)");  // RFC 3501 §9: 3:2 = 2:3
    EXPECT_EQ(has_line(out, "* 2 FETCH"), !on) << Harness::join(out);
    EXPECT_EQ(has_line(out, "* 3 FETCH"), !on) << Harness::join(out);
    EXPECT_TRUE(has_line(t.h.send(t.s, "a2 FETCH 2:3 (UID)"), "* 3 FETCH"));  // in order: unaffected
  }
}

TEST(BugZooSets, UidStarPastMaxEmpty) {
  for (bool on : {false, true}) {
    Selected t(Bug::UidStarPastMaxEmpty, on, three);
    const Lines out = t.h.send(t.s, "a1 UID FETCH 9:* (FLAGS)");  // RFC 3501 §9: includes the last UID
    EXPECT_EQ(has_line(out, "* 3 FETCH"), !on) << Harness::join(out);
    EXPECT_TRUE(has_line(t.h.send(t.s, "a2 UID FETCH 2:* (FLAGS)"), "* 3 FETCH"));
  }
}

TEST(BugZooSearch, BodyMatchesHeader) {
  for (bool on : {false, true}) {
    Selected t(Bug::SearchBodyMatchesHeader, on, three);
    // "Subject: b" is in message 2's header only; "two" in its body.
    EXPECT_EQ(t.h.run(t.s, "a1 SEARCH BODY \"subject: b\"").substr(0, 12), on ? "* SEARCH 2\na" : "* SEARCH\na1 ");
    EXPECT_TRUE(has_line(t.h.send(t.s, "a2 SEARCH BODY two"), "* SEARCH 2"));
  }
}

TEST(BugZooSearch, SentSinceInternalDate) {
  const std::string dated = "Date: Mon, 1 Jan 1990 10:00:00 +0000\r\nSubject: old\r\n\r\nx\r\n";
  for (bool on : {false, true}) {
    Selected t(Bug::SentSinceInternalDate, on, {});
    t.h.send(t.s, "a0 APPEND INBOX \"01-Jan-2020 10:00:00 +0000\" {" + std::to_string(dated.size()) + "+}\r\n" + dated);
    t.h.send(t.s, "a0 NOOP");
    // The INTERNALDATE says 2020; the Date: header says 1990.
    const Lines out = t.h.send(t.s, "a1 SEARCH SENTSINCE 1-Jan-2000");
    EXPECT_EQ(has_line(out, "* SEARCH 1"), on) << Harness::join(out);
    EXPECT_TRUE(has_line(t.h.send(t.s, "a2 SEARCH SENTBEFORE 1-Jan-2000"), "* SEARCH 1"));
  }
}

TEST(BugZooSearch, LargerInclusive) {
  for (bool on : {false, true}) {
    Selected t(Bug::SearchLargerInclusive, on, three);
    const std::string size = std::to_string(three[0].size());  // message 1 is exactly this large
    const Lines out = t.h.send(t.s, "a1 SEARCH 1 LARGER " + size);
    EXPECT_EQ(has_line(out, "* SEARCH 1"), on) << Harness::join(out);
    EXPECT_TRUE(has_line(t.h.send(t.s, "a2 SEARCH 1 SMALLER " + std::to_string(three[0].size() + 1)), "* SEARCH 1"));
  }
}

}  // namespace
}  // namespace imaplab::model::testing
