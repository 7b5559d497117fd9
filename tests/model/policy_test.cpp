// The RFC 2180 policy matrix: parsing and printing, and one test per policy value showing its behaviour.
#include <gtest/gtest.h>

#include <set>

#include "tests/model/harness.hpp"

namespace imaplab::model::testing {
namespace {

using Lines = std::vector<std::string>;

Policy policy(const std::string& text) {
  std::string error;
  const auto p = Policy::parse(text, &error);
  EXPECT_TRUE(p.has_value()) << error;
  return p.value_or(Policy{});
}

// --- Parsing and printing ---

TEST(PolicyText, DefaultPrintsTheDocumentedLine) {
  EXPECT_EQ(Policy{}.to_string(), "delete=ghost rename=inplace fetch=nil store=partial copy=snapshot");
}

TEST(PolicyText, EveryCombinationRoundTrips) {
  const auto all = Policy::all();
  EXPECT_EQ(all.size(), 3u * 3u * 4u * 2u * 2u);
  std::set<std::string> lines;
  for (const auto& p : all) {
    EXPECT_EQ(Policy::parse(p.to_string()), p);
    lines.insert(p.to_string());
  }
  EXPECT_EQ(lines.size(), all.size());
}

TEST(PolicyText, MissingKeysKeepDefaultsAndNewnameRoundTrips) {
  const Policy p = policy("  fetch=refuse-expunge\tcopy=fail newname=no ");
  EXPECT_EQ(p.fetch, Policy::Fetch::RefuseExpunge);
  EXPECT_EQ(p.copy, Policy::Copy::Fail);
  EXPECT_EQ(p.del, Policy::Delete::Ghost);
  EXPECT_FALSE(p.newname_code);
  EXPECT_EQ(Policy::parse(p.to_string()), p);
  EXPECT_EQ(Policy::parse(""), Policy{});
}

TEST(PolicyText, BadWordsAreErrors) {
  std::string error;
  EXPECT_FALSE(Policy::parse("delete=maybe", &error).has_value());
  EXPECT_NE(error.find("delete"), std::string::npos);
  EXPECT_FALSE(Policy::parse("colour=red", &error).has_value());
  EXPECT_FALSE(Policy::parse("fetch", &error).has_value());
}

// --- Behaviour. Two sessions of alice have FOO selected; FOO holds 7 messages. ---

struct Foo {
  Harness h;
  SessionId c1, c2;
  explicit Foo(const std::string& p, int messages = 7, bool c2_selects = true) : h(policy(p)) {
    c1 = h.login("alice");
    c2 = h.login("alice");
    h.send(c1, "s0 CREATE FOO");
    for (int i = 1; i <= messages; ++i) h.append(c1, "FOO", "Subject: m" + std::to_string(i) + "\r\n\r\nhi\r\n");
    h.send(c1, "s1 SELECT FOO");
    if (c2_selects) h.send(c2, "s2 SELECT FOO");
  }
  // RFC 2180 §4.1: client 1 expunges 4:7.
  void expunge_4_to_7() {
    h.send(c1, "x1 STORE 4:7 +FLAGS.SILENT (\\Deleted)");
    h.send(c1, "x2 EXPUNGE");
    h.send(c2, "x3 FETCH 1 UID");  // takes the flag changes of 4:7 without telling the expunges
  }
};

TEST(PolicyDelete, FailRefusesWithInuse) {
  Foo f("delete=fail");
  EXPECT_EQ(last(f.h.send(f.c1, "a1 DELETE FOO")).rfind("a1 NO [INUSE]", 0), 0u);
  EXPECT_TRUE(f.h.model().mailbox("FOO").has_value());
}

TEST(PolicyDelete, GhostKeepsHoldersWorkingAndReservesTheName) {
  Foo f("delete=ghost");
  EXPECT_EQ(last(f.h.send(f.c1, "a1 DELETE FOO")), "a1 OK DELETE completed");
  EXPECT_EQ(f.h.send(f.c2, "b1 STORE 1 +FLAGS (\\Seen)").front(), "* 1 FETCH (FLAGS (\\Seen))");
  const SessionId c3 = f.h.login("alice");
  EXPECT_EQ(last(f.h.send(c3, "c1 STATUS FOO (MESSAGES)")).rfind("c1 NO [NONEXISTENT]", 0), 0u);
  EXPECT_EQ(last(f.h.send(c3, "c2 CREATE FOO")).rfind("c2 NO [INUSE]", 0), 0u);
  f.h.send(f.c2, "b2 CLOSE");
  EXPECT_EQ(last(f.h.send(c3, "c3 CREATE FOO")), "c3 OK CREATE completed");
}

TEST(PolicyDelete, ByeDisconnectsHolders) {
  Foo f("delete=bye");
  EXPECT_EQ(last(f.h.send(f.c1, "a1 DELETE FOO")), "a1 OK DELETE completed");
  EXPECT_TRUE(f.h.has_unsolicited(f.c2));
  const Lines bye = f.h.unsolicited(f.c2);
  ASSERT_EQ(bye.size(), 1u);
  EXPECT_EQ(bye[0].rfind("* BYE Mailbox FOO has been deleted", 0), 0u);
  EXPECT_EQ(f.h.send(f.c2, "b1 NOOP").front().rfind("* BYE", 0), 0u);
}

TEST(PolicyRename, FailRefusesWithInuse) {
  Foo f("rename=fail");
  EXPECT_EQ(last(f.h.send(f.c1, "a1 RENAME FOO BAR")).rfind("a1 NO [INUSE]", 0), 0u);
}

TEST(PolicyRename, ByeDisconnectsHolders) {
  Foo f("rename=bye");
  EXPECT_EQ(last(f.h.send(f.c1, "a1 RENAME FOO BAR")), "a1 OK RENAME completed");
  EXPECT_EQ(f.h.unsolicited(f.c2).front().rfind("* BYE", 0), 0u);
  EXPECT_TRUE(f.h.model().mailbox("BAR").has_value());
}

TEST(PolicyRename, InplaceKeepsNumbersAndAnswersNewname) {
  Foo f("rename=inplace");
  EXPECT_EQ(last(f.h.send(f.c1, "a1 RENAME FOO BAR")), "a1 OK RENAME completed");
  const Lines fetch = f.h.send(f.c2, "b1 FETCH 2:4 UID");
  EXPECT_EQ(fetch, (Lines{"* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)", "* 4 FETCH (UID 4)", "b1 OK FETCH completed"}));
  EXPECT_EQ(last(f.h.append(f.c2, "FOO", "x")).rfind("AP NO [NEWNAME ", 0), 0u);
}

TEST(PolicyRename, InplaceWithoutNewnameCode) {
  Foo f("rename=inplace newname=no");
  f.h.send(f.c1, "a1 RENAME FOO BAR");
  EXPECT_EQ(last(f.h.append(f.c2, "FOO", "x")).rfind("AP NO [TRYCREATE]", 0), 0u);
}

TEST(PolicyFetch, GhostReturnsOriginalDataUntilTold) {
  Foo f("fetch=ghost");
  f.expunge_4_to_7();
  const Lines r = f.h.send(f.c2, "b1 FETCH 4:7 RFC822.SIZE");
  EXPECT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0], "* 4 FETCH (RFC822.SIZE 19)");
  EXPECT_EQ(last(r), "b1 OK FETCH completed");
  EXPECT_EQ(f.h.send(f.c2, "b2 NOOP"), (Lines{"* 4 EXPUNGE", "* 4 EXPUNGE", "* 4 EXPUNGE", "* 4 EXPUNGE",
                                             "* 3 EXISTS", "b2 OK NOOP completed"}));
  EXPECT_EQ(last(f.h.send(f.c2, "b3 FETCH 4:7 RFC822")).rfind("b3 NO", 0), 0u);
}

TEST(PolicyFetch, NoReturnsLiveOnesAndTaggedNo) {
  Foo f("fetch=no");
  f.expunge_4_to_7();
  const Lines r = f.h.send(f.c2, "b1 FETCH 3:5 UID");
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], "* 3 FETCH (UID 3)");
  EXPECT_EQ(r[1].rfind("b1 NO", 0), 0u);
}

TEST(PolicyFetch, NilGivesPlaceholdersAndNoWhenAllAreGone) {
  Foo f("fetch=nil");
  f.expunge_4_to_7();
  const Lines r = f.h.send(f.c2, "b1 FETCH 3:5 ENVELOPE");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1], "* 4 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))");
  EXPECT_EQ(last(r), "b1 OK FETCH completed");
  const Lines gone = f.h.send(f.c2, "b2 FETCH 4:7 ENVELOPE");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].rfind("b2 NO", 0), 0u);
}

TEST(PolicyFetch, RefuseExpungeWhileOthersHaveTheMailbox) {
  Foo f("fetch=refuse-expunge");
  f.h.send(f.c1, "x1 STORE 4:7 +FLAGS.SILENT (\\Deleted)");
  EXPECT_EQ(last(f.h.send(f.c1, "x2 EXPUNGE")).rfind("x2 NO [INUSE]", 0), 0u);
  f.h.send(f.c2, "b1 CLOSE");  // c2 leaves without expunging: its CLOSE is refused silently too
  EXPECT_EQ(f.h.model().mailbox("FOO")->uids.size(), 7u);
  EXPECT_EQ(f.h.send(f.c1, "x3 EXPUNGE").size(), 5u);
}

TEST(PolicyStore, SilentAndOnlyExpungedAreTheSameForBoth) {
  for (const char* p : {"store=partial", "store=none"}) {
    Foo f(p);
    f.expunge_4_to_7();
    EXPECT_EQ(f.h.send(f.c2, "b1 STORE 1:7 +FLAGS.SILENT (\\Seen)"), Lines{"b1 OK STORE completed"}) << p;
    EXPECT_EQ(*f.h.model().flags("FOO", 1), std::vector<std::string>{"\\Seen"});
    const Lines r = f.h.send(f.c2, "b2 STORE 5:7 +FLAGS (\\Flagged)");
    ASSERT_EQ(r.size(), 1u) << p;
    EXPECT_EQ(r[0].rfind("b2 NO", 0), 0u);
  }
}

TEST(PolicyStore, PartialSetsLiveOnesAndSaysNo) {
  Foo f("store=partial");
  f.expunge_4_to_7();
  const Lines r = f.h.send(f.c2, "b1 STORE 1:7 +FLAGS (\\Flagged)");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0], "* 1 FETCH (FLAGS (\\Flagged))");
  EXPECT_EQ(r[3].rfind("b1 NO", 0), 0u);
  EXPECT_EQ(*f.h.model().flags("FOO", 3), std::vector<std::string>{"\\Flagged"});
}

TEST(PolicyStore, NoneSetsNothing) {
  Foo f("store=none");
  f.expunge_4_to_7();
  const Lines r = f.h.send(f.c2, "b1 STORE 1:7 +FLAGS (\\Flagged)");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].rfind("b1 NO", 0), 0u);
  EXPECT_EQ(*f.h.model().flags("FOO", 1), std::vector<std::string>{});
}

TEST(PolicyCopy, FailCopiesNothingButTellsExpunges) {
  Foo f("copy=fail");
  f.h.send(f.c1, "c0 CREATE FRED");
  f.expunge_4_to_7();
  const Lines r = f.h.send(f.c2, "b1 COPY 2,4 FRED");
  EXPECT_EQ(r.front(), "* 4 EXPUNGE");
  EXPECT_EQ(last(r).rfind("b1 NO", 0), 0u);
  EXPECT_TRUE(f.h.model().mailbox("FRED")->uids.empty());
}

TEST(PolicyCopy, SnapshotCopiesTheMessagesAsNumberedAtTheStart) {
  Foo f("copy=snapshot");
  f.h.send(f.c1, "c0 CREATE FRED");
  f.expunge_4_to_7();
  const Lines r = f.h.send(f.c2, "b1 COPY 2,4 FRED");
  EXPECT_EQ(r.front(), "* 4 EXPUNGE");
  EXPECT_EQ(last(r).rfind("b1 OK [COPYUID ", 0), 0u);
  EXPECT_EQ(f.h.model().mailbox("FRED")->uids.size(), 2u);
}

}  // namespace
}  // namespace imaplab::model::testing
