// Canaries for NTF-2 on expunges in other mailboxes (RFC 5465 §5.3: a NOTIFY watcher of a mailbox it does not
// have selected is sent an unsolicited STATUS when messages are expunged there), and for the two zoo bugs that
// break it and FLG-2: notify-expunge-status-missing and silent-silences-others.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <variant>

#include "model/model.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

const std::string watch_personal = "b2 NOTIFY SET (personal (MessageNew MessageExpunge))";

// Clients 1 and 2 (both alice) have INBOX (UIDs 1..3) selected; BAR is an empty mailbox.
struct Scene : TwoClientScene {
  explicit Scene(model::ModelOptions options = {}) : TwoClientScene(std::move(options), "BAR") {}
  // Client 2 leaves INBOX for BAR, then watches `notify` (empty: no NOTIFY).
  void client2_watches_from_bar(const std::string& notify) {
    const std::string uv = std::to_string(oracle.model().mailbox("BAR")->uidvalidity);
    step(2, "b1 SELECT BAR", "b1 SELECT BAR",
         {"S2: * 0 EXISTS", "S2: * OK [UIDVALIDITY " + uv + "] ok", "S2: b1 OK [READ-WRITE] done"});
    if (!notify.empty()) step(2, notify, notify, {"S2: b2 OK done"});
  }
  // Client 1 expunges INBOX's first message; `during` arrive before its tagged OK.
  void client1_expunges_first(const std::vector<std::string>& during = {}) {
    step(1, "a5 STORE 1 +FLAGS.SILENT (\\Deleted)", "a5 STORE 1 +FLAGS.SILENT (\\Deleted)", {"S1: a5 OK done"});
    std::vector<std::string> replies = {"S1: * 1 EXPUNGE"};
    replies.insert(replies.end(), during.begin(), during.end());
    replies.push_back("S1: a6 OK done");
    step(1, "a6 EXPUNGE", "a6 EXPUNGE", replies);
  }
  // Long after the bound (2 s of virtual time), so every due is judged.
  void later() { feed({"@9000000 C1: a9 NOOP"}); }
};

const std::string status_line = "S2: * STATUS INBOX (UIDNEXT 4 MESSAGES 2)";

TEST(CheckExpungeNotify, WatcherOfAnotherMailboxIsSentStatus) {
  for (bool told : {false, true}) {
    SCOPED_TRACE(told);
    Scene s;
    s.client2_watches_from_bar(watch_personal);
    s.client1_expunges_first();
    if (told) s.feed({status_line});
    s.later();
    EXPECT_EQ(s.fired(), told ? "" : "NTF-2");
  }
  // The STATUS may come before the expunger's OK: the server notifies as it commits.
  Scene early;
  early.client2_watches_from_bar(watch_personal);
  early.client1_expunges_first({status_line});
  early.later();
  EXPECT_EQ(early.fired(), "");
}

TEST(CheckExpungeNotify, NothingOwedWhenNotWatchedThatWay) {
  // With INBOX selected, client 2 would hear EXPUNGE (SELECTED), never STATUS.
  Scene selected;
  selected.step(2, watch_personal, watch_personal, {"S2: b2 OK done"});
  selected.client1_expunges_first();
  selected.later();
  EXPECT_EQ(selected.fired(), "");
  // A filter that does not cover INBOX.
  Scene outside;
  outside.client2_watches_from_bar("b2 NOTIFY SET (mailboxes BAR (MessageNew MessageExpunge))");
  outside.client1_expunges_first();
  outside.later();
  EXPECT_EQ(outside.fired(), "");
  // No NOTIFY at all: nothing may be sent between commands (RFC 3501 §5.2).
  Scene plain;
  plain.client2_watches_from_bar("");
  plain.client1_expunges_first();
  plain.later();
  EXPECT_EQ(plain.fired(), "");
  // EXPUNGE that removed nothing.
  Scene none;
  none.client2_watches_from_bar(watch_personal);
  none.step(1, "a6 EXPUNGE", "a6 EXPUNGE", {"S1: a6 OK done"});
  none.later();
  EXPECT_EQ(none.fired(), "");
}

TEST(CheckExpungeNotify, WatcherIsReleased) {
  // NOTIFY NONE before the deadline ends what was owed.
  Scene off;
  off.client2_watches_from_bar(watch_personal);
  off.client1_expunges_first();
  off.step(2, "b3 NOTIFY NONE", "b3 NOTIFY NONE", {"S2: b3 OK done"});
  off.later();
  EXPECT_EQ(off.fired(), "");
  // A SETACL on the mailbox may have taken the watcher's 'l' or 'r' away (RFC 5465 §5.9): not judged.
  Scene acl;
  acl.step(1, "a4 SETACL INBOX bob lr", "a4 SETACL INBOX bob lr", {"S1: a4 OK done"});
  acl.client2_watches_from_bar(watch_personal);
  acl.client1_expunges_first();
  acl.later();
  EXPECT_EQ(acl.fired(), "");
  // Another removal in flight beside it: whose expunge it was is unknown (the watcher's own is not told).
  Scene busy;
  busy.client2_watches_from_bar(watch_personal);
  busy.feed({"C2: b4 CLOSE"});
  busy.client1_expunges_first();
  busy.oracle.run(2, "b4 CLOSE");
  busy.feed({"S2: b4 OK done"});
  busy.later();
  EXPECT_EQ(busy.fired(), "");
}

bool has_status(const model::Outcome& out) {
  return std::any_of(out.responses.begin(), out.responses.end(),
                     [](const proto::Response& r) { return std::holds_alternative<proto::StatusData>(r.body); });
}

bool has_fetch(const model::Outcome& out) {
  return std::any_of(out.responses.begin(), out.responses.end(),
                     [](const proto::Response& r) { return std::holds_alternative<proto::FetchData>(r.body); });
}

model::ModelOptions with_bug(const char* name) {
  model::ModelOptions options;
  options.bugs = *model::BugSet::parse(name);
  return options;
}

TEST(CheckExpungeNotify, ZooNotifyExpungeStatusMissing) {
  // The planted bug sends the watcher nothing; the checker then fires, as for the hand-made transcript above.
  for (bool planted : {false, true}) {
    SCOPED_TRACE(planted);
    Scene s(planted ? with_bug("notify-expunge-status-missing") : model::ModelOptions{});
    s.client2_watches_from_bar(watch_personal);
    s.client1_expunges_first();
    const model::Outcome out = s.oracle.run(2, "b5 NOOP");
    EXPECT_EQ(has_status(out), !planted);
  }
}

TEST(CheckExpungeNotify, ZooSilentSilencesOthers) {
  // STORE .SILENT by client 1: client 2, with INBOX selected, must hear the change at its next NOOP (FLG-2).
  for (bool planted : {false, true}) {
    SCOPED_TRACE(planted);
    Scene s(planted ? with_bug("silent-silences-others") : model::ModelOptions{});
    s.step(1, "a5 STORE 2 +FLAGS.SILENT (\\Flagged)", "a5 STORE 2 +FLAGS.SILENT (\\Flagged)", {"S1: a5 OK done"});
    s.feed({"C2: b1 NOOP"});
    const model::Outcome out = s.oracle.run(2, "b1 NOOP");
    EXPECT_EQ(has_fetch(out), !planted);
    std::vector<std::string> replies;
    if (!planted) replies.push_back("S2: * 2 FETCH (FLAGS (\\Flagged))");
    replies.push_back("S2: b1 OK done");
    s.feed(replies);
    EXPECT_EQ(s.fired(), planted ? "FLG-2" : "");
  }
}

}  // namespace
}  // namespace imaplab::sim::testing
