// The probe's own observers over hand-written transcripts: the Tracker's session state, the BehaviourLog's
// naming of RFC 2180 §3 behaviours and its consistency check, the DelayMeter's push delays and misses.
#include <gtest/gtest.h>

#include "probe/behaviour.hpp"
#include "probe/delays.hpp"
#include "probe/tracker.hpp"
#include "tests/probe/events.hpp"

namespace imaplab::probe {
namespace {

using test::connected;
using test::disconnected;
using test::received;
using test::sent;

// Feeds events to a tracker and the observers, as the runner does.
struct Feed {
  explicit Feed(std::optional<model::Policy> policy = std::nullopt, std::uint64_t bound_us = 1000)
      : behaviour(policy), delays(bound_us) {}
  Tracker tracker;
  BehaviourLog behaviour;
  DelayMeter delays;
  std::vector<sim::Violation> violations;
  std::size_t index = 0;

  void operator()(const sim::Event& e) {
    auto done = tracker.observe(e, index);
    for (auto& v : behaviour.observe(e, index, tracker, done)) violations.push_back(v);
    delays.observe(e, tracker, done);
    ++index;
  }
  void select(sim::ClientId c, const std::string& box, std::uint64_t t = 0) {
    tracker.set_user(c, "user1");
    (*this)(connected(t, c));
    (*this)(sent(t, c, "s" + std::to_string(c) + " SELECT " + box));
    (*this)(received(t, c, "* OK [UIDVALIDITY 9] ok"));
    (*this)(received(t, c, "* 2 EXISTS"));
    (*this)(received(t, c, "s" + std::to_string(c) + " OK [READ-WRITE] done"));
  }
};

TEST(Tracker, FollowsSelectionIdleAndOutstandingCommands) {
  Feed f;
  f.select(1, "p/main");
  const ClientView* v = f.tracker.client(1);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->selected, std::optional<std::string>("p/main"));
  EXPECT_EQ(v->uidvalidity, 9u);
  EXPECT_TRUE(v->outstanding.empty());
  f(sent(10, 1, "a1 IDLE"));
  EXPECT_FALSE(v->idling);
  f(received(11, 1, "+ idling"));
  EXPECT_TRUE(v->idling);
  EXPECT_TRUE(v->plus_pending);
  f(sent(12, 1, "DONE"));
  EXPECT_FALSE(v->idling);
  EXPECT_EQ(v->outstanding.size(), 1u);
  f(received(13, 1, "a1 OK idle done"));
  EXPECT_TRUE(v->outstanding.empty());
  f(sent(14, 1, "a2 RENAME p/main p/other"));
  f(received(15, 1, "a2 OK renamed"));
  EXPECT_EQ(v->selected, std::optional<std::string>("p/other"));
  f(disconnected(16, 1));
  EXPECT_FALSE(v->connected);
  EXPECT_FALSE(v->selected.has_value());
}

// Dovecot 2.3: after another session deletes the mailbox, the holder's next FETCHes get NO. One NO without a
// response code is ambiguous (a number the holder lacks after a race gets one too), so a NO answer comes twice.
void delete_then_fetch(Feed& f, const char* answer, int fetches = 0) {
  if (fetches == 0) fetches = std::string(answer).rfind("NO", 0) == 0 ? 2 : 1;
  f(sent(20, 1, "d1 DELETE p/main"));
  f(received(21, 1, "d1 OK deleted"));
  for (int i = 1; i <= fetches; ++i) {
    const std::string tag = "f" + std::to_string(i);
    f(sent(22, 2, tag + " FETCH 1 FLAGS"));
    f(received(23, 2, tag + " " + answer));
  }
}

TEST(BehaviourLog, OneNoWithoutACodeIsNotYetABehaviour) {
  Feed f;
  f.select(1, "p/main");
  f.select(2, "p/main");
  delete_then_fetch(f, "NO No such message", 1);
  EXPECT_TRUE(f.violations.empty());
  EXPECT_FALSE(f.behaviour.inferred("delete").has_value());
}

TEST(BehaviourLog, NamesWhatTheHolderSeesAfterADelete) {
  Feed f;
  f.select(1, "p/main");
  f.select(2, "p/main");
  delete_then_fetch(f, "NO Mailbox was deleted under us");
  EXPECT_TRUE(f.violations.empty());
  EXPECT_EQ(f.behaviour.inferred("delete"), std::optional<std::string>("no-after"));
  EXPECT_EQ(f.behaviour.seen().at("delete").at("no-after"), 1u);
}

TEST(BehaviourLog, AutoPolicyFlagsAServerThatChangesItsMind) {
  Feed f;
  f.select(1, "p/main");
  f.select(2, "p/main");
  delete_then_fetch(f, "NO Mailbox was deleted under us");
  f.select(1, "p/main");
  f.select(2, "p/main");
  delete_then_fetch(f, "OK fetched");
  ASSERT_EQ(f.violations.size(), 1u);
  EXPECT_EQ(f.violations[0].rule, "MBX-2");
  EXPECT_NE(f.violations[0].message.find("not consistent"), std::string::npos);
}

TEST(BehaviourLog, DeclaredPolicyMustMatch) {
  model::Policy ghost;
  ghost.del = model::Policy::Delete::Ghost;
  Feed f(ghost);
  f.select(1, "p/main");
  f.select(2, "p/main");
  delete_then_fetch(f, "NO Mailbox was deleted under us");
  ASSERT_EQ(f.violations.size(), 1u);
  EXPECT_EQ(f.violations[0].rule, "MBX-2");
  EXPECT_EQ(f.violations[0].offending, std::vector<std::size_t>{f.index - 1});
}

TEST(BehaviourLog, RenameThatDisconnectsIsByeLike) {
  model::Policy bye;
  bye.rename = model::Policy::Rename::Bye;
  Feed f(bye);
  f.select(1, "p/main");
  f.select(2, "p/main");
  f(sent(20, 1, "r1 RENAME p/main p/moved"));
  f(received(21, 1, "r1 OK renamed"));
  f(disconnected(22, 2));
  EXPECT_TRUE(f.violations.empty());
  EXPECT_EQ(f.behaviour.seen().at("rename").at("disconnect"), 1u);
}

TEST(BehaviourLog, IgnoresHoldersThatLeftTheMailbox) {
  Feed f;
  f.select(1, "p/main");
  f.select(2, "p/main");
  f(sent(20, 1, "d1 DELETE p/main"));
  f(received(21, 1, "d1 OK deleted"));
  f(sent(22, 2, "x1 SELECT p/work"));
  f(received(23, 2, "x1 OK selected"));
  f(sent(24, 2, "f1 FETCH 1 FLAGS"));
  f(received(25, 2, "f1 OK fetched"));
  EXPECT_TRUE(f.behaviour.seen().empty());
}

TEST(DelayMeter, MeasuresFromTheChangesOkToThePush) {
  Feed f;
  f.select(1, "p/main");
  f.select(2, "p/main");
  f(sent(100, 2, "i1 IDLE"));
  f(received(110, 2, "+ idling"));
  f(sent(200, 1, "a1 APPEND p/main {3+}\r\nabc"));
  f(received(300, 1, "a1 OK appended"));
  f(received(750, 2, "* 3 EXISTS"));
  const auto& stats = f.delays.stats();
  ASSERT_TRUE(stats.count("new"));
  EXPECT_EQ(stats.at("new").delays_us, std::vector<std::uint64_t>{450});
  EXPECT_TRUE(f.delays.tick(10'000, f.tracker).empty());
}

TEST(DelayMeter, APushThatNeverComesIsMissed) {
  Feed f(std::nullopt, 1000);
  f.select(1, "p/main");
  f.select(2, "p/main");
  f(sent(100, 2, "i1 IDLE"));
  f(received(110, 2, "+ idling"));
  f(sent(200, 1, "a1 APPEND p/main {3+}\r\nabc"));
  f(received(300, 1, "a1 OK appended"));
  EXPECT_TRUE(f.delays.tick(1200, f.tracker).empty());  // within the bound
  const auto missed = f.delays.tick(1301, f.tracker);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].watcher, 2u);
  EXPECT_EQ(f.delays.stats().at("new").missed, 1u);
}

TEST(DelayMeter, AWatcherThatSpeaksIsNotJudged) {
  Feed f(std::nullopt, 1000);
  f.select(1, "p/main");
  f.select(2, "p/main");
  f(sent(100, 2, "i1 IDLE"));
  f(received(110, 2, "+ idling"));
  f(sent(200, 1, "a1 APPEND p/main {3+}\r\nabc"));
  f(received(300, 1, "a1 OK appended"));
  f(sent(400, 2, "DONE"));
  EXPECT_TRUE(f.delays.tick(5000, f.tracker).empty());
  EXPECT_EQ(f.delays.stats().at("new").abandoned, 1u);
}

TEST(DelayStats, Percentiles) {
  DelayStats d;
  d.delays_us = {50, 10, 40, 20, 30};
  EXPECT_EQ(d.percentile_us(0), 10u);
  EXPECT_EQ(d.percentile_us(50), 30u);
  EXPECT_EQ(d.percentile_us(100), 50u);
  EXPECT_EQ(DelayStats{}.percentile_us(50), 0u);
}

}  // namespace
}  // namespace imaplab::probe

namespace imaplab::probe {
namespace {

TEST(BehaviourLog, InuseCountsAsFailOnlyWhenOthersHoldTheMailbox) {
  Feed f;
  f.select(1, "p/main");
  // [INUSE] about the destination (a ghost name, RFC 2180 §3.2) while nobody holds the source: not "fail".
  f(sent(20, 1, "r1 RENAME p/work p/work2"));
  f(received(21, 1, "r1 NO [INUSE] p/work2 is still in use"));
  EXPECT_TRUE(f.behaviour.seen().empty());
  f.select(2, "p/main");
  f(sent(30, 1, "r2 RENAME p/main p/main2"));
  f(received(31, 1, "r2 NO [INUSE] p/main is in use"));
  EXPECT_EQ(f.behaviour.seen().at("rename").at("fail"), 1u);
}

}  // namespace
}  // namespace imaplab::probe

namespace imaplab::probe {
namespace {

TEST(Tracker, AnotherSessionsRenameMovesTheHoldersSelection) {
  Feed f;
  f.select(1, "p/main");
  f.select(2, "p/main");
  f(sent(20, 1, "r1 RENAME p/main p/moved"));
  f(received(21, 1, "r1 OK renamed"));
  EXPECT_EQ(f.tracker.client(2)->selected, std::optional<std::string>("p/moved"));
}

TEST(DelayMeter, AWatcherOfAnotherMailboxUnderTheSameNameIsNotCounted) {
  Feed f(std::nullopt, 1000);
  f.select(1, "p/main");  // UIDVALIDITY 9
  f.select(2, "p/main");
  f(sent(100, 2, "i1 IDLE"));
  f(received(110, 2, "+ idling"));
  f(sent(200, 1, "a1 APPEND p/main {3+}\r\nabc"));
  f(received(300, 1, "a1 OK [APPENDUID 10 1] appended to a re-created p/main"));
  EXPECT_TRUE(f.delays.tick(5000, f.tracker).empty());
  EXPECT_EQ(f.delays.stats().count("new"), 0u);
}

}  // namespace
}  // namespace imaplab::probe
