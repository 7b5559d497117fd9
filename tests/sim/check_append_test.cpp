// Canaries for APP-1 (APPEND sets its flags and date-time), FLG-5 (a FETCH that sets \Seen tells FLAGS), FLG-6
// (EXAMINE's FETCH sets no \Seen), FLG-4's "for the session's life" half and EXP-4 for UNSELECT: each bad
// transcript fires, a near-identical good one does not. The model (the oracle) runs the commands, with the
// matching zoo bug planted where the store must differ.
#include <gtest/gtest.h>

#include "model/model.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

model::BugSet bug(const char* name) {
  auto set = model::BugSet::parse(name);
  EXPECT_TRUE(set) << name;
  return set.value_or(model::BugSet{});
}

struct Scene : TwoClientScene {
  explicit Scene(model::BugSet bugs = {}) : TwoClientScene({.bugs = bugs}, "SCRATCH") {}
  std::string appenduid(std::uint32_t uid) const {
    return "[APPENDUID " + std::to_string(oracle.model().mailbox("SCRATCH")->uidvalidity) + " " +
           std::to_string(uid) + "]";
  }
};

const std::string flagged_append = "a5 APPEND SCRATCH (\\Flagged $Work) {5+}\r\nhello";
const std::string dated_append = "a5 APPEND SCRATCH \"01-Jan-2020 10:00:00 +0100\" {5+}\r\nhello";

TEST(CheckAppend, App1AppendSetsItsFlags) {
  Scene bad(bug("append-drops-flags"));
  bad.step(1, flagged_append, flagged_append, {"S1: a5 OK " + bad.appenduid(1) + " done"});
  EXPECT_EQ(bad.fired(), "APP-1");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("RFC 3501 §6.3.11"), std::string::npos) << bad.first->message;

  Scene good;
  good.step(1, flagged_append, flagged_append, {"S1: a5 OK " + good.appenduid(1) + " done"});
  EXPECT_EQ(good.fired(), "");
}

TEST(CheckAppend, App1FlagRemovedByAnotherStoreIsNotJudged) {
  // The flags are gone from the store, but another session's STORE -FLAGS was in flight: not judged.
  Scene raced(bug("append-drops-flags"));
  raced.feed({"C2: b1 STORE 1 -FLAGS.SILENT (\\Flagged)"});
  raced.step(1, flagged_append, flagged_append, {"S1: a5 OK " + raced.appenduid(1) + " done"});
  EXPECT_EQ(raced.fired(), "");
}

TEST(CheckAppend, App1AppendSetsItsDate) {
  Scene bad(bug("append-ignores-date"));
  bad.step(1, dated_append, dated_append, {"S1: a5 OK " + bad.appenduid(1) + " done"});
  EXPECT_EQ(bad.fired(), "APP-1");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("INTERNALDATE"), std::string::npos) << bad.first->message;

  Scene good;
  good.step(1, dated_append, dated_append, {"S1: a5 OK " + good.appenduid(1) + " done"});
  EXPECT_EQ(good.fired(), "");
}

TEST(CheckAppend, Flg5SeenSettingFetchTellsFlags) {
  Scene bad(bug("seen-fetch-without-flags"));
  bad.step(1, "a5 FETCH 1 (BODY[])", "a5 FETCH 1 (BODY[])", {"S1: * 1 FETCH (BODY[] {5}\r\nmsg-0)", "S1: a5 OK done"});
  EXPECT_EQ(bad.fired(), "FLG-5");

  Scene good;
  good.step(1, "a5 FETCH 1 (BODY[])", "a5 FETCH 1 (BODY[])",
            {"S1: * 1 FETCH (BODY[] {5}\r\nmsg-0 FLAGS (\\Recent \\Seen))", "S1: a5 OK done"});
  EXPECT_EQ(good.fired(), "");

  // A PEEK sets nothing, so it owes no FLAGS.
  Scene peek;
  peek.step(1, "a5 FETCH 1 (BODY.PEEK[])", "a5 FETCH 1 (BODY.PEEK[])",
            {"S1: * 1 FETCH (BODY[] {5}\r\nmsg-0)", "S1: a5 OK done"});
  EXPECT_EQ(peek.fired(), "");
}

void examine_then_fetch(Scene& s, const std::string& reply) {
  s.step(1, "a5 EXAMINE INBOX", "a5 EXAMINE INBOX",
         {"S1: * 3 EXISTS", "S1: * OK [UIDVALIDITY " + std::to_string(s.uidvalidity) + "] ok",
          "S1: a5 OK [READ-ONLY] done"});
  s.step(1, "a6 FETCH 2 (RFC822)", "a6 FETCH 2 (RFC822)", {reply, "S1: a6 OK done"});
}

TEST(CheckAppend, Flg6ExamineFetchSetsNoSeen) {
  Scene bad(bug("examine-sets-seen"));
  examine_then_fetch(bad, "S1: * 2 FETCH (RFC822 {5}\r\nmsg-1 FLAGS (\\Seen))");
  EXPECT_EQ(bad.fired(), "FLG-6");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("RFC 3501 §6.3.2"), std::string::npos) << bad.first->message;

  Scene good;
  examine_then_fetch(good, "S1: * 2 FETCH (RFC822 {5}\r\nmsg-1)");
  EXPECT_EQ(good.fired(), "");
}

std::vector<std::string> recent_then(const std::string& later_flags) {
  return {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done", "C1: a2 SELECT INBOX",
          "S1: * 2 EXISTS", "S1: * 1 RECENT", "S1: * OK [UIDVALIDITY 9] ok", "S1: a2 OK [READ-WRITE] done",
          "C1: a3 FETCH 1:2 (UID FLAGS)", "S1: * 1 FETCH (UID 3 FLAGS (\\Seen))",
          "S1: * 2 FETCH (UID 4 FLAGS (\\Recent))", "S1: a3 OK done", "C1: a4 NOOP",
          "S1: * 2 FETCH (FLAGS " + later_flags + ")", "S1: a4 OK done"};
}

TEST(CheckAppend, Flg4RecentLastsForTheSession) {
  Checker bad = make_checker();
  const auto v = run_lines(bad, recent_then("(\\Flagged)"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "FLG-4");
  EXPECT_NE(v->message.find("RFC 3501 §2.3.2"), std::string::npos) << v->message;

  Checker good = make_checker();
  EXPECT_FALSE(run_lines(good, recent_then("(\\Flagged \\Recent)")));
}

TEST(CheckAppend, Flg4RecentEndsWithTheSelection) {
  // A new SELECT of the mailbox starts a new selection: the message is no longer \Recent there.
  auto lines = recent_then("(\\Flagged \\Recent)");
  for (const char* l : {"C1: a5 SELECT INBOX", "S1: * 2 EXISTS", "S1: * 0 RECENT", "S1: * OK [UIDVALIDITY 9] ok",
                        "S1: a5 OK [READ-WRITE] done", "C1: a6 FETCH 2 FLAGS", "S1: * 2 FETCH (FLAGS (\\Flagged))",
                        "S1: a6 OK done"}) {
    lines.push_back(l);
  }
  Checker checker = make_checker();
  EXPECT_FALSE(run_lines(checker, lines));
}

void delete_then_unselect(Scene& s) {
  s.step(1, "a5 STORE 1 +FLAGS.SILENT (\\Deleted)", "a5 STORE 1 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
  s.step(1, "a6 UNSELECT", "a6 UNSELECT", {"S1: a6 OK done"});
}

TEST(CheckAppend, Exp4UnselectRemovesNothing) {
  Scene bad(bug("unselect-expunges"));
  delete_then_unselect(bad);
  EXPECT_EQ(bad.fired(), "EXP-4");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("RFC 3691 §2"), std::string::npos) << bad.first->message;

  Scene good;
  delete_then_unselect(good);
  EXPECT_EQ(good.fired(), "");
  EXPECT_EQ(good.oracle.model().mailbox("INBOX")->uids.size(), 3u);
}

}  // namespace
}  // namespace imaplab::sim::testing
