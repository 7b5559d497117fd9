// Canaries for NTF-9's memory of LISTs a MailboxName watcher received (RFC 5465 §5.4): a LIST that came while
// another client's CREATE was in flight tells the watcher, however many LISTs followed it; and a change whose
// LIST never came is still reported when the checker's memory reaches back to the change.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// More LISTs than the checker keeps per client (lists_seen_max in sim/check_gaps.cpp, 256): what a watcher of
// its personal namespace receives during one CREATE when hundreds of clients change names.
constexpr int flood_lists = 300;

std::vector<std::string> lists_of_bar_to_client2() {
  return std::vector<std::string>(flood_lists, "S2: * LIST () \"/\" BAR");
}

// Client 2 watches MailboxName on its personal mailboxes (both clients are alice).
struct Scene : TwoClientScene {
  Scene() : TwoClientScene({}, "BAR") {
    step(2, "b1 NOTIFY SET (personal (MailboxName))", "b1 NOTIFY SET (personal (MailboxName))", {"S2: b1 OK done"});
  }
  // Long after: past the NOTIFY bound (2 s of virtual time), so an owed LIST is judged.
  void later() { feed({"@9000000 C1: a6 NOOP"}); }
};

TEST(CheckNamesDue, Ntf9EarlyListIsNotForgottenUnderAFlood) {
  // 1,000 clients, seed 7 (bench BM_Clients with NOTIFY): the LIST for the new name reached the watcher before
  // the creator's OK, then hundreds of other LISTs did. The server did its duty (RFC 5465 §5.4); a checker
  // that forgot the early LIST reported NTF-9 at the end of the run.
  Scene s;
  std::vector<std::string> replies = {"S2: * LIST () \"/\" NEW"};
  const std::vector<std::string> flood = lists_of_bar_to_client2();
  replies.insert(replies.end(), flood.begin(), flood.end());
  replies.push_back("S1: a5 OK done");
  s.step(1, "a5 CREATE NEW", "a5 CREATE NEW", replies);
  s.later();
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckNamesDue, Ntf9MissingListIsJudgedAfterAnEarlierFlood) {
  // The flood came before the CREATE was sent, so the checker still remembers everything since the send: a
  // LIST that never comes is NTF-9, one after the creator's OK discharges the due.
  for (bool listed : {false, true}) {
    SCOPED_TRACE(listed);
    Scene s;
    s.feed(lists_of_bar_to_client2());
    s.step(1, "a5 CREATE NEW", "a5 CREATE NEW", {"S1: a5 OK done"});
    if (listed) s.feed({"S2: * LIST () \"/\" NEW"});
    s.later();
    EXPECT_EQ(s.fired(), listed ? "" : "NTF-9");
  }
}

TEST(CheckNamesDue, Ntf9MissingListUnderAFloodIsNotJudged) {
  // The flood came while the CREATE was in flight and filled the checker's memory: whether the LIST for NEW
  // was among what it dropped cannot be known, so nothing is owed (no false alarm; a missing LIST in a run this
  // busy goes unjudged).
  Scene s;
  std::vector<std::string> replies = lists_of_bar_to_client2();
  replies.push_back("S1: a5 OK done");
  s.step(1, "a5 CREATE NEW", "a5 CREATE NEW", replies);
  s.later();
  EXPECT_EQ(s.fired(), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
