// Canaries for SRC-1 and SRC-2 (SEARCH answers), STA-1 (STATUS values) and STA-2 (SELECT data): each bad transcript
// fires, and a near-identical good one does not. The store is a real model::Model driven beside the transcript.
#include <gtest/gtest.h>

#include "sim/search_eval.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// INBOX with three messages appended on 7, 8 and 9 Feb 2020 (UIDs 1..3), client 1 logged in with INBOX
// selected in the model and in the transcript, every UID fetched, nothing in flight.
struct Scene {
  ModelOracle oracle;
  std::uint32_t uidvalidity = 0;
  Scene() {
    oracle.run(1, "a1 LOGIN alice secret");
    for (int day = 7; day <= 9; ++day) {
      oracle.run(1, "a2 APPEND INBOX \"0" + std::to_string(day) + "-Feb-2020 23:30:00 -0500\" {5+}\r\nmsg-" +
                        std::to_string(day));
    }
    oracle.run(1, "a3 SELECT INBOX");
    uidvalidity = oracle.model().mailbox("INBOX")->uidvalidity;
  }
  std::vector<std::string> transcript() const {
    return {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done", "C1: a3 SELECT INBOX",
            "S1: * 3 EXISTS", "S1: * OK [UIDVALIDITY " + std::to_string(uidvalidity) + "] ok", "S1: a3 OK done",
            "C1: a4 FETCH 1:* UID", "S1: * 1 FETCH (UID 1)", "S1: * 2 FETCH (UID 2)", "S1: * 3 FETCH (UID 3)",
            "S1: a4 OK done"};
  }
  std::string fired(const std::vector<std::string>& tail) const {
    auto lines = transcript();
    lines.insert(lines.end(), tail.begin(), tail.end());
    Checker checker = make_checker();
    const auto v = run_lines(checker, lines, &oracle);
    return v ? v->rule : std::string();
  }
};

TEST(CheckSearch, Src1SinceIncludesTheDay) {
  Scene s;
  // RFC 3501 §6.4.4: SINCE is "within or later than" the date; the time and zone of INTERNALDATE do not count.
  EXPECT_EQ(s.fired({"C1: a5 SEARCH SINCE 8-Feb-2020", "S1: * SEARCH 3", "S1: a5 OK done"}), "SRC-1");
  EXPECT_EQ(s.fired({"C1: a5 SEARCH SINCE 8-Feb-2020", "S1: * SEARCH 2 3", "S1: a5 OK done"}), "");
  EXPECT_EQ(s.fired({"C1: a5 UID SEARCH ON 9-Feb-2020", "S1: * SEARCH 3", "S1: a5 OK done"}), "");
  EXPECT_EQ(s.fired({"C1: a5 UID SEARCH BEFORE 9-Feb-2020 NOT DELETED", "S1: * SEARCH 1", "S1: a5 OK done"}),
            "SRC-1");
}

TEST(CheckSearch, Src1NotJudgedWhileAChangeIsInFlight) {
  Scene s;
  // Client 2's STORE is in flight when the SEARCH is sent: the store may differ from what the server searched.
  EXPECT_EQ(s.fired({"C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN alice secret", "S2: b1 OK done",
                     "C2: b2 SELECT INBOX", "S2: * 3 EXISTS", "S2: b2 OK done", "C2: b3 STORE 2 +FLAGS (\\Seen)",
                     "C1: a5 SEARCH SINCE 8-Feb-2020 UNSEEN", "S1: * SEARCH 3", "S1: a5 OK done"}),
            "");
}

// SRC-2: keys that never change for a message are judged with a change in flight: the STORE cannot have moved
// a message's size or INTERNALDATE (RFC 3501 §6.4.4: LARGER/SMALLER are strict, SINCE includes the day).
TEST(CheckSearch, Src2FixedKeysJudgedBesideChanges) {
  Scene s;
  const std::vector<std::string> other = {"C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN alice secret",
                                          "S2: b1 OK done", "C2: b2 SELECT INBOX", "S2: * 3 EXISTS",
                                          "S2: b2 OK done", "C2: b3 STORE 2 +FLAGS (\\Seen)"};
  auto with = [&](std::vector<std::string> more) {
    auto t = other;
    t.insert(t.end(), more.begin(), more.end());
    return t;
  };
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH SINCE 8-Feb-2020", "S1: * SEARCH 3", "S1: a5 OK done"})), "SRC-2");
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH SINCE 8-Feb-2020", "S1: * SEARCH 2 3", "S1: a5 OK done"})), "");
  // The messages are 5 octets each: LARGER 5 and SMALLER 5 match none of them, LARGER 4 all.
  EXPECT_EQ(s.fired(with({"C1: a5 UID SEARCH LARGER 5", "S1: * SEARCH 2", "S1: a5 OK done"})), "SRC-2");
  EXPECT_EQ(s.fired(with({"C1: a5 UID SEARCH LARGER 5", "S1: * SEARCH", "S1: a5 OK done"})), "");
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH SMALLER 5", "S1: * SEARCH 1", "S1: a5 OK done"})), "SRC-2");
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH NOT LARGER 4", "S1: * SEARCH", "S1: a5 OK done"})), "");
  EXPECT_EQ(s.fired(with({"C1: a5 UID SEARCH LARGER 4 UID 2:3", "S1: * SEARCH 2", "S1: a5 OK done"})), "SRC-2");
  EXPECT_EQ(s.fired(with({"C1: a5 UID SEARCH LARGER 4 UID 2:3", "S1: * SEARCH 3 2", "S1: a5 OK done"})), "");
  // A flag key beside it: not fixed, not judged.
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH LARGER 4 SEEN", "S1: * SEARCH", "S1: a5 OK done"})), "");
}

TEST(CheckSearch, Src2ExcusesMessagesExpungedMeanwhile) {
  Scene s;
  s.oracle.run(2, "b1 LOGIN alice secret");
  s.oracle.run(2, "b2 SELECT INBOX");
  s.oracle.run(2, "b3 STORE 3 +FLAGS.SILENT (\\Deleted)");
  s.oracle.run(2, "b4 EXPUNGE");
  const std::vector<std::string> other = {"C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN alice secret",
                                          "S2: b1 OK done", "C2: b2 SELECT INBOX", "S2: * 3 EXISTS",
                                          "S2: b2 OK done", "C2: b3 STORE 3 +FLAGS.SILENT (\\Deleted)",
                                          "S2: b3 OK done", "C2: b4 EXPUNGE"};
  auto with = [&](std::vector<std::string> more) {
    auto t = other;
    t.insert(t.end(), more.begin(), more.end());
    return t;
  };
  // Message 3 is gone from the store: it may be left out (RFC 2180 §4.3) or returned; 1 and 2 are owed.
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH LARGER 4", "S1: * SEARCH 1 2", "S1: a5 OK done"})), "");
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH LARGER 4", "S1: * SEARCH 1 2 3", "S1: a5 OK done"})), "");
  // Leaving out live message 2 is left to EXP-3 then (which does not judge with the EXPUNGE still in flight);
  // a returned non-match is still SRC-2's.
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH LARGER 4", "S1: * SEARCH 1 3", "S1: a5 OK done"})), "");
  EXPECT_EQ(s.fired(with({"C1: a5 SEARCH SMALLER 5", "S1: * SEARCH 1", "S1: a5 OK done"})), "SRC-2");
}

TEST(CheckSearch, Src1UidSearchAnswersUids) {
  // No oracle: the client-side part alone. The view holds UIDs 4, 7, 9, so 1..3 are message numbers.
  const std::vector<std::string> head = {
      "C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done", "C1: a2 SELECT INBOX",
      "S1: * 3 EXISTS", "S1: * OK [UIDVALIDITY 5] ok", "S1: a2 OK done", "C1: a3 FETCH 1:* UID",
      "S1: * 1 FETCH (UID 4)", "S1: * 2 FETCH (UID 7)", "S1: * 3 FETCH (UID 9)", "S1: a3 OK done"};
  auto bad = head, good = head;
  for (const char* line : {"C1: a4 UID SEARCH ALL", "S1: * SEARCH 1 2 3", "S1: a4 OK done"}) bad.push_back(line);
  for (const char* line : {"C1: a4 UID SEARCH ALL", "S1: * SEARCH 4 7 9 12", "S1: a4 OK done"}) good.push_back(line);
  Checker b = make_checker(), g = make_checker();
  const auto v = run_lines(b, bad);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->rule, "SRC-1");
  EXPECT_FALSE(run_lines(g, good).has_value());
}

TEST(CheckSearch, Sta1StatusMatchesTheStore) {
  Scene s;
  s.oracle.run(1, "x1 STORE 1 +FLAGS (\\Deleted \\Seen)");
  EXPECT_EQ(s.fired({"C1: a5 STATUS INBOX (MESSAGES UNSEEN UIDNEXT)",
                     "S1: * STATUS INBOX (MESSAGES 2 UNSEEN 2 UIDNEXT 4)", "S1: a5 OK done"}),
            "STA-1");
  EXPECT_EQ(s.fired({"C1: a5 STATUS INBOX (MESSAGES UNSEEN UIDNEXT)",
                     "S1: * STATUS INBOX (MESSAGES 3 UNSEEN 3 UIDNEXT 4)", "S1: a5 OK done"}),
            "STA-1");
  EXPECT_EQ(s.fired({"C1: a5 STATUS INBOX (MESSAGES UNSEEN UIDNEXT)",
                     "S1: * STATUS INBOX (MESSAGES 3 UNSEEN 2 UIDNEXT 4)", "S1: a5 OK done"}),
            "");
}

TEST(CheckSearch, Sta2SelectUnseenIsTheFirstUnseenMessage) {
  Scene s;
  s.oracle.run(1, "x1 STORE 1 +FLAGS (\\Seen)");
  s.oracle.run(1, "a5 SELECT INBOX");
  const std::string uv = "S1: * OK [UIDVALIDITY " + std::to_string(s.uidvalidity) + "] ok";
  EXPECT_EQ(s.fired({"C1: a5 SELECT INBOX", "S1: * 3 EXISTS", "S1: * OK [UNSEEN 1] first", uv,
                     "S1: * OK [UIDNEXT 4] next", "S1: a5 OK [READ-WRITE] done"}),
            "STA-2");
  EXPECT_EQ(s.fired({"C1: a5 SELECT INBOX", "S1: * 3 EXISTS", "S1: * OK [UNSEEN 2] first", uv,
                     "S1: * OK [UIDNEXT 4] next", "S1: a5 OK [READ-WRITE] done"}),
            "");
  EXPECT_EQ(s.fired({"C1: a5 SELECT INBOX", "S1: * 3 EXISTS", "S1: * OK [UNSEEN 2] first", uv,
                     "S1: * OK [UIDNEXT 5] next", "S1: a5 OK [READ-WRITE] done"}),
            "STA-2");
}

TEST(SearchEval, DateKeysCompareTheDayOnly) {
  const std::vector<std::string> flags = {"\\Seen"};
  const SearchCandidate m{1, 10, &flags, proto::Date{2020, 2, 8}, 100};
  const SearchStars stars{1, 10};
  proto::SearchKey since;
  since.kind = proto::SearchKey::Kind::Since;
  since.date = {2020, 2, 8};
  EXPECT_TRUE(search_eval({since}, m, stars));
  since.date = {2020, 2, 9};
  EXPECT_FALSE(search_eval({since}, m, stars));
  proto::SearchKey unseen;
  unseen.kind = proto::SearchKey::Kind::Unseen;
  EXPECT_FALSE(search_eval({unseen}, m, stars));
  proto::SearchKey text;
  text.kind = proto::SearchKey::Kind::Subject;
  EXPECT_TRUE(search_evaluable({text}));
  EXPECT_EQ(search_match({text}, m, stars), SearchMatch::Unknown);  // no bytes given: left open
  EXPECT_TRUE(search_evaluable({since, unseen}));
}

}  // namespace
}  // namespace imaplab::sim::testing
