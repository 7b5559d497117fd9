// Canaries for the end-of-run liveness check (Checker::quiescent, asked by the world when a run ends with
// nothing left that could reach a client within the NOTIFY bound): a push still owed then is reported at once
// (NTF-2, NTF-9), one that was sent or is no longer owed is not. Each bad transcript must fire its rule, and a
// near-identical good one must not.
#include <gtest/gtest.h>

#include <string>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// Virtual time of the last line of the transcripts below (each feed counts from 0 in steps of 10 us).
constexpr std::uint64_t transcript_end_us = 1'000;

struct Scene : TwoClientScene {
  Scene() : TwoClientScene({}, "FOO") {}
  // The rule the end-of-run check reports, or "" when it reports nothing (or something fired before).
  std::string at_quiescence() {
    if (first) return "already " + first->rule;
    const auto v = checker.quiescent(transcript_end_us, &oracle);
    return v ? v->rule : std::string();
  }
  // What the periodic check says at the same moment, before the bound has passed.
  std::string at_tick() {
    const auto v = checker.tick(transcript_end_us, &oracle);
    return v ? v->rule : std::string();
  }
  void append_while_client2_idles() {
    feed({"C2: i1 IDLE", "S2: + idling"});
    step(1, "a5 APPEND INBOX {5+}\r\nmsg-4", "a5 APPEND INBOX {5+}\r\nmsg-4",
         {"S1: * 4 EXISTS", "S1: a5 OK [APPENDUID " + std::to_string(uidvalidity) + " 4] done"});
  }
};

// NTF-2 (RFC 5465 §5.2, the lab's bound): client 2 IDLEs while client 1 appends; the run ends without the
// EXISTS. The periodic check waits for the bound; the end-of-run check knows nothing can come any more.
TEST(CheckQuiescent, Ntf2PushOwedAtTheEndOfTheRun) {
  Scene bad;
  bad.append_while_client2_idles();
  EXPECT_EQ(bad.at_tick(), "");
  EXPECT_EQ(bad.at_quiescence(), "NTF-2");
  Scene good;
  good.append_while_client2_idles();
  good.feed({"S2: * 4 EXISTS"});
  EXPECT_EQ(good.at_quiescence(), "");
}

// NTF-2: the new message left the mailbox before the push ran (here moved away); an EXISTS counts the messages
// present (RFC 3501 §7.3.1) and an EXPUNGE may only name a message the client was told of (§7.4.1): nothing is
// owed, which the check learns through the oracle.
TEST(CheckQuiescent, Ntf2MessageGoneBeforeThePushIsOwedNothing) {
  Scene s;
  s.append_while_client2_idles();
  const std::uint32_t foo = s.oracle.model().mailbox("FOO")->uidvalidity;
  s.step(1, "a6 UID MOVE 4 FOO", "a6 UID MOVE 4 FOO",
         {"S1: * OK [COPYUID " + std::to_string(foo) + " 4 1] moved", "S1: * 4 EXPUNGE", "S1: a6 OK done"});
  EXPECT_EQ(s.at_quiescence(), "");
}

// NTF-9 (RFC 5465 §5.4; RFC 3501 §6.3.5): RENAME INBOX creates a new mailbox with INBOX's messages and keeps
// INBOX, and "no MailboxName event is sent for INBOX". A MailboxName watcher is owed a LIST for the new name,
// with OLDNAME ("INBOX") as a rename or without it as a creation.
TEST(CheckQuiescent, Ntf9RenameOfInboxIsOwedAListOfTheNewName) {
  const auto renamed = [](Scene& s) {
    s.step(2, "n1 NOTIFY SET (personal (MailboxName))", "n1 NOTIFY SET (personal (MailboxName))",
           {"S2: n1 OK done"});
    s.step(1, "r1 RENAME INBOX archive", "r1 RENAME INBOX archive",
           {"S1: * 3 EXPUNGE", "S1: * 2 EXPUNGE", "S1: * 1 EXPUNGE", "S1: r1 OK done"});
  };
  Scene bad;
  renamed(bad);
  EXPECT_EQ(bad.at_tick(), "");
  EXPECT_EQ(bad.at_quiescence(), "NTF-9");
  for (const std::string list : {"S2: * LIST () \"/\" archive (\"OLDNAME\" (\"INBOX\"))", "S2: * LIST () \"/\" archive"}) {
    SCOPED_TRACE(list);
    Scene good;
    renamed(good);
    good.feed({list});
    EXPECT_EQ(good.at_quiescence(), "");
  }
}

}  // namespace
}  // namespace imaplab::sim::testing
