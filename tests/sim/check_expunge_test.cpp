// Canaries for EXP-4 (which messages EXPUNGE / UID EXPUNGE / CLOSE removed), MOD-5 (STORE UNCHANGEDSINCE) and
// SEQ-9's right-flags and partial-body checks: each bad transcript fires, a near-identical good one does not.
// The model (the oracle) runs the commands, with the matching zoo bug planted where the store must differ.
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
};

TEST(CheckExpunge, Exp4UidExpungeRemovesOnlyItsSet) {
  Scene bad(bug("uid-expunge-ignores-set"));
  bad.step(1, "a5 STORE 1:2 +FLAGS.SILENT (\\Deleted)", "a5 STORE 1:2 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
  bad.step(1, "a6 UID EXPUNGE 2", "a6 UID EXPUNGE 2", {"S1: * 1 EXPUNGE", "S1: * 1 EXPUNGE", "S1: a6 OK done"});
  EXPECT_EQ(bad.fired(), "EXP-4");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("RFC 4315 §2.1"), std::string::npos) << bad.first->message;

  Scene good;
  good.step(1, "a5 STORE 1:2 +FLAGS.SILENT (\\Deleted)", "a5 STORE 1:2 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
  good.step(1, "a6 UID EXPUNGE 2", "a6 UID EXPUNGE 2", {"S1: * 2 EXPUNGE", "S1: a6 OK done"});
  EXPECT_EQ(good.fired(), "");
}

void examine_then_close(Scene& s) {
  s.step(1, "a5 STORE 1 +FLAGS.SILENT (\\Deleted)", "a5 STORE 1 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
  s.step(1, "a6 EXAMINE INBOX", "a6 EXAMINE INBOX",
         {"S1: * 3 EXISTS", "S1: * OK [UIDVALIDITY " + std::to_string(s.uidvalidity) + "] ok",
          "S1: a6 OK [READ-ONLY] done"});
  s.step(1, "a7 CLOSE", "a7 CLOSE", {"S1: a7 OK done"});
}

TEST(CheckExpunge, Exp4CloseAfterExamineRemovesNothing) {
  Scene bad(bug("close-expunges-read-only"));
  examine_then_close(bad);
  EXPECT_EQ(bad.fired(), "EXP-4");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("RFC 3501 §6.4.2"), std::string::npos) << bad.first->message;

  Scene good;
  examine_then_close(good);
  EXPECT_EQ(good.fired(), "");
  EXPECT_EQ(good.oracle.model().mailbox("INBOX")->uids.size(), 3u);
}

void undelete_then_expunge(Scene& s, const std::vector<std::string>& replies) {
  s.step(1, "a5 STORE 1 +FLAGS.SILENT (\\Deleted)", "a5 STORE 1 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
  s.step(1, "a6 STORE 1 -FLAGS.SILENT (\\Deleted)", "a6 STORE 1 -FLAGS.SILENT (\\Deleted)", {"S1: a6 OK done"});
  s.step(1, "a7 EXPUNGE", "a7 EXPUNGE", replies);
}

TEST(CheckExpunge, Exp4ExpungeRemovesOnlyDeleted) {
  Scene bad(bug("undelete-still-expunged"));
  undelete_then_expunge(bad, {"S1: * 1 EXPUNGE", "S1: a7 OK done"});
  EXPECT_EQ(bad.fired(), "EXP-4");

  Scene good;
  undelete_then_expunge(good, {"S1: a7 OK done"});
  EXPECT_EQ(good.fired(), "");
}

TEST(CheckExpunge, Exp4ExpungeRemovesEveryDeleted) {
  // The store keeps a \Deleted message after EXPUNGE OK: planted by running nothing on the model.
  Scene bad;
  bad.step(1, "a5 STORE 2 +FLAGS.SILENT (\\Deleted)", "a5 STORE 2 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
  bad.step(1, "a6 EXPUNGE", "", {"S1: a6 OK done"});
  EXPECT_EQ(bad.fired(), "EXP-4");

  // Another session's STORE in flight beside it may have cleared \Deleted: not judged.
  Scene raced;
  raced.step(1, "a5 STORE 2 +FLAGS.SILENT (\\Deleted)", "a5 STORE 2 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
  raced.feed({"C2: b1 STORE 2 -FLAGS.SILENT (\\Deleted)"});
  raced.step(1, "a6 EXPUNGE", "b1 STORE 2 -FLAGS.SILENT (\\Deleted)", {"S1: a6 OK done", "S2: b1 OK done"});
  EXPECT_EQ(raced.fired(), "");
}

std::string modseq_of(const Scene& s, std::uint32_t uid) {
  return std::to_string(s.oracle.model().modseq("INBOX", uid).value_or(0));
}

// Client 1 enables CONDSTORE by fetching MODSEQ; then STORE 1 (UNCHANGEDSINCE <message 1's mod-sequence>).
void conditional_store(Scene& s, std::int64_t delta, const std::vector<std::string>& replies) {
  s.oracle.run(1, "a5 FETCH 1 (MODSEQ)");
  const std::string m = modseq_of(s, 1);
  s.feed({"C1: a5 FETCH 1 (MODSEQ)", "S1: * 1 FETCH (MODSEQ (" + m + "))", "S1: a5 OK done"});
  const std::string since = std::to_string(std::stoll(m) + delta);
  const std::string store = "a6 STORE 1 (UNCHANGEDSINCE " + since + ") +FLAGS.SILENT (\\Flagged)";
  s.step(1, store, store, replies);
}

TEST(CheckExpunge, Mod5EqualModseqIsStored) {
  Scene bad(bug("unchangedsince-inclusive"));
  conditional_store(bad, 0, {"S1: a6 OK [MODIFIED 1] Conditional STORE failed"});
  EXPECT_EQ(bad.fired(), "MOD-5");

  Scene good;
  conditional_store(good, 0, {});
  good.feed({"S1: * 1 FETCH (MODSEQ (" + modseq_of(good, 1) + "))", "S1: a6 OK done"});
  EXPECT_EQ(good.fired(), "");
}

TEST(CheckExpunge, Mod5HigherModseqIsReported) {
  Scene bad;  // the message's mod-sequence is above the value, yet the reply lists nothing
  conditional_store(bad, -1, {"S1: a6 OK done"});
  EXPECT_EQ(bad.fired(), "MOD-5");

  Scene good;
  conditional_store(good, -1, {"S1: a6 OK [MODIFIED 1] Conditional STORE failed"});
  EXPECT_EQ(good.fired(), "");
}

TEST(CheckExpunge, Seq9StoreFetchShowsTheUpdatedFlags) {
  Scene bad;
  bad.step(1, "a5 STORE 1 +FLAGS (\\Flagged)", "a5 STORE 1 +FLAGS (\\Flagged)",
           {"S1: * 1 FETCH (FLAGS ())", "S1: a5 OK done"});
  EXPECT_EQ(bad.fired(), "SEQ-9");

  Scene good;
  good.step(1, "a5 STORE 1 +FLAGS (\\Flagged)", "a5 STORE 1 +FLAGS (\\Flagged)",
            {"S1: * 1 FETCH (FLAGS (\\Flagged))", "S1: a5 OK done"});
  EXPECT_EQ(good.fired(), "");
}

TEST(CheckExpunge, Seq9PartialBodyStartsAtItsOrigin) {
  const std::string text_fetch = "a5 FETCH 1 (BODY.PEEK[TEXT]<2.3> BODY.PEEK[]<1.4>)";
  Scene bad;
  bad.oracle.store("INBOX", bad.uidvalidity, 1, "A: b\r\n\r\nhello world");
  bad.step(1, text_fetch, "", {"S1: * 1 FETCH (BODY[TEXT]<2> {3}\r\nlo  BODY[]<1> {4}\r\n: b\r)", "S1: a5 OK done"});
  EXPECT_EQ(bad.fired(), "SEQ-9");

  Scene bad_whole;
  bad_whole.oracle.store("INBOX", bad_whole.uidvalidity, 1, "A: b\r\n\r\nhello world");
  bad_whole.step(1, text_fetch, "",
                 {"S1: * 1 FETCH (BODY[TEXT]<2> {3}\r\nllo BODY[]<1> {4}\r\n b\r\n)", "S1: a5 OK done"});
  EXPECT_EQ(bad_whole.fired(), "SEQ-9");

  Scene good;
  good.oracle.store("INBOX", good.uidvalidity, 1, "A: b\r\n\r\nhello world");
  good.step(1, text_fetch, "", {"S1: * 1 FETCH (BODY[TEXT]<2> {3}\r\nllo BODY[]<1> {4}\r\n: b\r)", "S1: a5 OK done"});
  EXPECT_EQ(good.fired(), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
