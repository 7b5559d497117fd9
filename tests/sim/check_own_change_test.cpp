// Canaries for NTF-10 through the oracle (RFC 5465 §5: "The server SHOULD omit notifying the client if the
// event is caused by this client"): a push that shows the effect of the client's own STORE or APPEND, arriving
// when its session was owed nothing and no other client changed anything, is about its own change. No NOOP is
// needed (the black-box check needs one). Each bad transcript must fire NTF-10, a near-identical good one not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// Clients 1 and 2 (both alice) have INBOX (UIDs 1..3) selected; FOO is empty. Client 1 watches its selected
// mailbox's flags and the message events of its other mailboxes. Client 2 changed UID 2's flags, and client 1
// heard of it at the end of a UID SEARCH (the model flushes its pending updates there) unless `told` is false.
struct Scene : TwoClientScene {
  explicit Scene(bool told = true) : TwoClientScene({}, "FOO") {
    const std::string notify =
        "n1 NOTIFY SET (selected (MessageNew MessageExpunge FlagChange)) (personal (MessageNew MessageExpunge))";
    step(1, notify, notify, {"S1: n1 OK done"});
    step(2, "b1 UID STORE 2 +FLAGS (\\Flagged)", "b1 UID STORE 2 +FLAGS (\\Flagged)",
         {"S2: * 2 FETCH (UID 2 FLAGS (\\Flagged))", "S2: b1 OK done"});
    if (!told) return;
    step(1, "a5 UID SEARCH ALL", "a5 UID SEARCH ALL",
         {"S1: * SEARCH 1 2 3", "S1: * 2 FETCH (UID 2 FLAGS (\\Flagged))", "S1: a5 OK done"});
  }
};

const std::string own_flags_push = "S1: * 2 FETCH (UID 2 FLAGS (\\Flagged \\Seen))";

// Client 1's UID SEARCH (a6, the sync) is sent; its UID STORE .SILENT (a7) then comes back to it as a FETCH.
void own_store(Scene& s, bool other_store_after_sync) {
  s.step(1, "a6 UID SEARCH ALL", "a6 UID SEARCH ALL", {"S1: * SEARCH 1 2 3", "S1: a6 OK done"});
  if (other_store_after_sync) {
    s.step(2, "b2 UID STORE 3 +FLAGS.SILENT (\\Seen)", "b2 UID STORE 3 +FLAGS.SILENT (\\Seen)", {"S2: b2 OK done"});
  }
  s.step(1, "a7 UID STORE 2 +FLAGS.SILENT (\\Seen)", "a7 UID STORE 2 +FLAGS.SILENT (\\Seen)",
         {own_flags_push, "S1: a7 OK done"});
}

TEST(CheckOwnChange, Ntf10FetchOfTheClientsOwnStore) {
  Scene bad;
  own_store(bad, false);
  EXPECT_EQ(bad.fired(), "NTF-10");
  // Another client sent a STORE after the sync: the FETCH may be (also) about its change.
  Scene other;
  own_store(other, true);
  EXPECT_EQ(other.fired(), "");
}

TEST(CheckOwnChange, Ntf10NeedsTheSyncWhileNothingWasOwed) {
  // Client 1 was still owed client 2's change when it sent its sync: the FETCH after its own STORE may be
  // that notice, coalesced with its own change.
  Scene owed(false);
  own_store(owed, false);
  EXPECT_EQ(owed.fired(), "");
}

// The same for another mailbox: client 1's APPEND to FOO comes back as a STATUS with the new UIDNEXT.
std::string own_append(bool other_append_after) {
  Scene s;
  s.step(1, "a6 UID SEARCH ALL", "a6 UID SEARCH ALL", {"S1: * SEARCH 1 2 3", "S1: a6 OK done"});
  const std::string foo = std::to_string(s.oracle.model().mailbox("FOO")->uidvalidity);
  if (other_append_after) {
    s.step(2, "b2 APPEND FOO {5+}\r\nmsg-b", "b2 APPEND FOO {5+}\r\nmsg-b",
           {"S2: b2 OK [APPENDUID " + foo + " 1] done"});
  }
  s.step(1, "a7 APPEND FOO {5+}\r\nmsg-a", "a7 APPEND FOO {5+}\r\nmsg-a",
         {"S1: a7 OK [APPENDUID " + foo + (other_append_after ? " 2" : " 1") + "] done"});
  s.feed({std::string("S1: * STATUS FOO (MESSAGES ") + (other_append_after ? "2 UIDNEXT 3" : "1 UIDNEXT 2") + ")"});
  return s.fired();
}

TEST(CheckOwnChange, Ntf10StatusOfTheClientsOwnAppend) {
  EXPECT_EQ(own_append(false), "NTF-10");
  EXPECT_EQ(own_append(true), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
