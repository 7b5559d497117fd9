// Canaries for the rules that compare what a command did to the store with what it said: FLG-1, FLG-2,
// FLG-3, MOD-3, CPY-1, MBX-4, MBX-5, EXP-3 (white-box, through a model the test drives between transcript
// lines), and the black-box NTF-4, NTF-10 and MBX-4 (children of a renamed mailbox). Each bad transcript must
// fire its rule, and a near-identical good one must not.
#include <gtest/gtest.h>

#include <map>

#include "model/model.hpp"
#include "proto/command_parser.hpp"
#include "sim/config.hpp"
#include "sim/world.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// Clients 1 and 2 (both alice) have INBOX (three messages, UIDs 1..3, all fetched) selected, in the model and
// in the transcript. FOO is an empty mailbox, FOO/kid its child.
struct Scene : TwoClientScene {
  explicit Scene(model::BugSet bugs = {}) : TwoClientScene({.bugs = bugs}, "FOO/kid") {}
};

model::BugSet bug(model::Bug b) {
  model::BugSet set;
  set.add(b);
  return set;
}

TEST(CheckChanges, Flg1StoreReturnsTheChangedFlags) {
  Scene bad;
  bad.step(1, "a5 STORE 1 +FLAGS (\\Seen)", "a5 STORE 1 +FLAGS (\\Seen)", {"S1: a5 OK done"});
  EXPECT_EQ(bad.fired(), "FLG-1");
  Scene good;
  good.step(1, "a5 STORE 1 +FLAGS (\\Seen)", "a5 STORE 1 +FLAGS (\\Seen)",
            {"S1: * 1 FETCH (FLAGS (\\Seen))", "S1: a5 OK done"});
  EXPECT_EQ(good.fired(), "");
  // .SILENT asks for no FETCH; and a flag already set is no change.
  Scene silent;
  silent.step(1, "a5 STORE 1 +FLAGS.SILENT (\\Seen)", "a5 STORE 1 +FLAGS.SILENT (\\Seen)", {"S1: a5 OK done"});
  silent.step(1, "a6 STORE 1 +FLAGS (\\Seen)", "a6 STORE 1 +FLAGS (\\Seen)", {"S1: a6 OK done"});
  EXPECT_EQ(silent.fired(), "");
}

TEST(CheckChanges, Flg2OtherSessionsHearOfFlagChanges) {
  for (bool told : {false, true}) {
    SCOPED_TRACE(told);
    Scene s;
    s.step(1, "a5 STORE 2 +FLAGS (\\Flagged)", "a5 STORE 2 +FLAGS (\\Flagged)",
           {"S1: * 2 FETCH (FLAGS (\\Flagged))", "S1: a5 OK done"});
    std::vector<std::string> replies;
    if (told) replies.push_back("S2: * 2 FETCH (FLAGS (\\Flagged))");
    replies.push_back("S2: b1 OK done");
    s.step(2, "b1 NOOP", "b1 NOOP", replies);
    EXPECT_EQ(s.fired(), told ? "" : "FLG-2");
  }
}

TEST(CheckChanges, Flg3ConcurrentAddsKeepBothFlags) {
  // Client 2's +FLAGS \Flagged is answered OK, but the store lost client 1's \Seen: the stale flag list was
  // written back (the model's flag-overwrite bug does exactly that).
  for (bool buggy : {true, false}) {
    SCOPED_TRACE(buggy);
    Scene s(buggy ? bug(model::Bug::FlagOverwrite) : model::BugSet{});
    s.step(1, "a5 STORE 1 +FLAGS.SILENT (\\Seen)", "a5 STORE 1 +FLAGS.SILENT (\\Seen)", {"S1: a5 OK done"});
    s.step(2, "b1 STORE 1 +FLAGS.SILENT (\\Flagged)", "b1 STORE 1 +FLAGS.SILENT (\\Flagged)", {"S2: b1 OK done"});
    EXPECT_EQ(s.fired(), buggy ? "FLG-3" : "");
  }
  // A -FLAGS sent in between may remove it: nothing is required then.
  Scene removed;
  removed.step(1, "a5 STORE 1 +FLAGS.SILENT (\\Seen)", "a5 STORE 1 +FLAGS.SILENT (\\Seen)", {"S1: a5 OK done"});
  removed.step(2, "b1 STORE 1 -FLAGS.SILENT (\\Seen)", "b1 STORE 1 -FLAGS.SILENT (\\Seen)", {"S2: b1 OK done"});
  removed.step(2, "b2 STORE 1 +FLAGS.SILENT (\\Draft)", "b2 STORE 1 +FLAGS.SILENT (\\Draft)", {"S2: b2 OK done"});
  EXPECT_EQ(removed.fired(), "");
  // Answered OK without the flag being set at all.
  Scene unset;
  unset.step(1, "a5 STORE 1 +FLAGS.SILENT (\\Seen)", "", {"S1: a5 OK done"});
  EXPECT_EQ(unset.fired(), "FLG-3");
}

TEST(CheckChanges, Mod3ExpungeBumpsTheModSequence) {
  for (bool buggy : {true, false}) {
    SCOPED_TRACE(buggy);
    Scene s(buggy ? bug(model::Bug::ModseqNotBumpedOnExpunge) : model::BugSet{});
    s.step(1, "a5 STORE 3 +FLAGS.SILENT (\\Deleted)", "a5 STORE 3 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
    s.step(1, "a6 EXPUNGE", "a6 EXPUNGE", {"S1: * 3 EXPUNGE", "S1: a6 OK done"});
    EXPECT_EQ(s.fired(), buggy ? "MOD-3" : "");
  }
}

TEST(CheckChanges, Cpy1FailedCopyLeavesTheDestination) {
  // The COPY is answered NO, but the store shows a message added to FOO (the server copied part of it).
  Scene bad;
  bad.step(1, "a5 COPY 1:2 FOO", "a5 COPY 1 FOO", {"S1: a5 NO [EXPUNGEISSUED] failed"});
  EXPECT_EQ(bad.fired(), "CPY-1");
  Scene good;
  good.step(1, "a5 COPY 1:2 FOO", "", {"S1: a5 NO [EXPUNGEISSUED] failed"});
  EXPECT_EQ(good.fired(), "");
  // Another client's APPEND to FOO in flight at the same time explains the new message: no judgement.
  Scene concurrent;
  concurrent.feed({"C2: b1 APPEND FOO {3+}\r\nabc"});
  concurrent.step(1, "a5 COPY 1:2 FOO", "a5 COPY 1 FOO", {"S1: a5 NO [EXPUNGEISSUED] failed"});
  EXPECT_EQ(concurrent.fired(), "");
  // So does an APPEND whose client dropped its connection before the answer: the server may still run it.
  Scene dropped;
  dropped.feed({"C2: b1 APPEND FOO {3+}\r\nabc", "C2: <disconnect>"});
  dropped.step(1, "a5 COPY 1:2 FOO", "a5 COPY 1 FOO", {"S1: a5 NO [EXPUNGEISSUED] failed"});
  EXPECT_EQ(dropped.fired(), "");
}

TEST(CheckChanges, Mbx5RenameInboxLeavesItEmpty) {
  Scene bad;
  bad.step(1, "a5 RENAME INBOX Old", "a5 CREATE Old", {"S1: a5 OK done"});
  EXPECT_EQ(bad.fired(), "MBX-5");
  Scene good;
  good.step(1, "a5 RENAME INBOX Old", "a5 RENAME INBOX Old", {"S1: a5 OK done"});
  EXPECT_EQ(good.fired(), "");
}

TEST(CheckChanges, Mbx4RenameMovesTheChildren) {
  Scene bad;
  bad.step(1, "a5 RENAME FOO BAR", "a5 CREATE BAR", {"S1: a5 OK done"});  // FOO/kid stays where it was
  EXPECT_EQ(bad.fired(), "MBX-4");
  Scene good;
  good.step(1, "a5 RENAME FOO BAR", "a5 RENAME FOO BAR", {"S1: a5 OK done"});
  EXPECT_EQ(good.fired(), "");
}

TEST(CheckChanges, Mbx4ChildrenBroughtBackByAnotherRenameAreNotLeftBehind) {
  // Client 1's RENAME FOO BAR runs first; before its OK arrives, client 2 renames Z (with child Z/kid) onto FOO,
  // so FOO/kid exists again, and that is not a child RENAME FOO left behind.
  Scene s;
  s.feed({"C1: a5 RENAME FOO BAR"});
  s.oracle.run(1, "a5 RENAME FOO BAR");
  s.step(2, "b1 CREATE Z/kid", "b1 CREATE Z/kid", {"S2: b1 OK done"});
  s.step(2, "b2 RENAME Z FOO", "b2 RENAME Z FOO", {"S2: b2 OK done"});
  s.feed({"S1: a5 OK done"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckChanges, Mbx4ChildOfARenamedMailboxIsGone) {
  // Black-box: after RENAME FOO BAR nothing may find FOO/kid, until a name changes again.
  Checker bad = make_checker();
  const std::vector<std::string> renamed = {"C1: <connect>", "C1: a1 LOGIN alice pw", "S1: a1 OK done",
                                            "C1: a2 RENAME FOO BAR", "S1: a2 OK done"};
  auto lines = renamed;
  lines.insert(lines.end(),
               {"C1: a3 STATUS FOO/kid (MESSAGES)", "S1: * STATUS FOO/kid (MESSAGES 0)", "S1: a3 OK done"});
  const auto v = run_lines(bad, lines);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->rule, "MBX-4");
  Checker good = make_checker();
  lines = renamed;
  lines.insert(lines.end(), {"C1: a3 STATUS BAR/kid (MESSAGES)", "S1: * STATUS BAR/kid (MESSAGES 0)", "S1: a3 OK done",
                             "C1: a4 CREATE FOO/kid", "S1: a4 OK done", "C1: a5 STATUS FOO/kid (MESSAGES)",
                             "S1: * STATUS FOO/kid (MESSAGES 0)", "S1: a5 OK done"});
  EXPECT_FALSE(run_lines(good, lines).has_value());
}

TEST(CheckChanges, Exp3SearchLeavesOutOnlyExpungedMessages) {
  // Client 2 expunged UID 3; client 1 was not told. SEARCH ALL may leave it out, never a live one.
  const auto scene = [] {
    auto s = std::make_unique<Scene>();
    s->oracle.run(2, "b1 STORE 3 +FLAGS.SILENT (\\Deleted)");
    s->oracle.run(2, "b2 EXPUNGE");
    return s;
  };
  for (const std::string& hits : {std::string("1 2"), std::string("1 2 3")}) {
    auto s = scene();
    s->step(1, "a5 SEARCH ALL", "a5 SEARCH ALL", {"S1: * SEARCH " + hits, "S1: a5 OK done"});
    EXPECT_EQ(s->fired(), "") << hits;
  }
  auto s = scene();
  s->step(1, "a5 SEARCH ALL", "a5 SEARCH ALL", {"S1: * SEARCH 1 3", "S1: a5 OK done"});
  EXPECT_EQ(s->fired(), "EXP-3");
  auto u = scene();
  u->step(1, "a5 UID SEARCH ALL", "a5 UID SEARCH ALL", {"S1: * SEARCH 1 2 7", "S1: a5 OK done"});
  EXPECT_EQ(u->fired(), "EXP-3");
}

std::vector<std::string> notify_scene(const std::string& status_line, const std::string& group) {
  return {"C1: <connect>", "C1: a1 LOGIN alice pw", "S1: a1 OK done",
          "C1: a2 NOTIFY SET STATUS " + group, status_line, "S1: a2 OK done"};
}

TEST(CheckChanges, Ntf4NotifyStatusCarriesTheNeededItems) {
  const std::string group = "(mailboxes FOO (MessageNew MessageExpunge))";
  Checker bad = make_checker();
  const auto v = run_lines(bad, notify_scene("S1: * STATUS FOO (MESSAGES 2 UIDNEXT 9)", group));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->rule, "NTF-4");
  Checker good = make_checker();
  EXPECT_FALSE(run_lines(good, notify_scene("S1: * STATUS FOO (MESSAGES 2 UIDNEXT 9 UIDVALIDITY 4)", group)));
  // MessageExpunge alone would need only MESSAGES, but RFC 5465 wants both together (NTF-5's business);
  // with FlagChange and CONDSTORE, HIGHESTMODSEQ is needed too.
  Checker modseq = make_checker();
  auto lines = notify_scene("S1: * STATUS FOO (MESSAGES 2 UIDNEXT 9 UIDVALIDITY 4)",
                            "(mailboxes FOO (MessageNew MessageExpunge FlagChange))");
  lines.insert(lines.begin() + 3, {"C1: e1 ENABLE CONDSTORE", "S1: * ENABLED CONDSTORE", "S1: e1 OK done"});
  const auto m = run_lines(modseq, lines);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->rule, "NTF-4");
}

TEST(CheckChanges, Ntf10NoNotificationOfOwnChange) {
  const std::vector<std::string> start = {
      "C1: <connect>", "C1: a1 LOGIN alice pw", "S1: a1 OK done", "C1: a2 SELECT INBOX", "S1: * 3 EXISTS",
      "S1: * OK [UIDVALIDITY 5] ok", "S1: a2 OK done",
      "C1: a3 NOTIFY SET (selected (MessageNew MessageExpunge FlagChange))", "S1: a3 OK done", "C1: a4 NOOP",
      "S1: a4 OK done", "C1: a5 UID STORE 2 +FLAGS.SILENT (\\Seen)", "S1: a5 OK done"};
  auto own = start;
  own.push_back("S1: * 2 FETCH (UID 2 FLAGS (\\Seen))");
  Checker bad = make_checker();
  const auto v = run_lines(bad, own);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->rule, "NTF-10");
  // Client 2 stored flags meanwhile: the notification may be about its change.
  auto other = start;
  other.insert(other.begin() + 11, {"C2: <connect>", "C2: b1 LOGIN alice pw", "S2: b1 OK done", "C2: b2 SELECT INBOX",
                                    "S2: b2 OK done", "C2: b3 UID STORE 2 +FLAGS.SILENT (\\Seen)", "S2: b3 OK done"});
  other.push_back("S1: * 2 FETCH (UID 2 FLAGS (\\Seen))");
  Checker good = make_checker();
  EXPECT_FALSE(run_lines(good, other).has_value());
  // A non-fatal warning unless S rules are made fatal.
  Checker lenient = make_checker(false);
  EXPECT_FALSE(run_lines(lenient, own).has_value());
  ASSERT_EQ(lenient.warnings().size(), 1u);
  EXPECT_EQ(lenient.warnings()[0].rule, "NTF-10");
}

// No false alarms: the built-in server is correct, so its runs raise no S-rule warnings either (FLG-1, FLG-2,
// NTF-10 are warnings in a hunt, where a mistake in them would go unnoticed).
TEST(CheckChanges, CorrectServerRaisesNoWarnings) {
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    auto config = RunConfig::swarm(seed);
    config.commands = 150;
    const auto r = run_simulation(config);
    ASSERT_FALSE(r.violation) << "seed " << seed << ": " << r.violation->message;
    for (const auto& w : r.warnings) ADD_FAILURE() << "seed " << seed << ": " << w.rule << " " << w.message;
  }
}

}  // namespace
}  // namespace imaplab::sim::testing
