// Unit tests of the model's command families, driven as text through the harness: authentication, mailbox
// management, selection and views, FETCH/STORE/SEARCH/COPY/MOVE/EXPUNGE, CONDSTORE, IDLE, and the
// persistent UID tree behind the views.
#include <gtest/gtest.h>

#include "model/uid_tree.hpp"
#include "tests/model/harness.hpp"

namespace imaplab::model::testing {
namespace {

using Lines = std::vector<std::string>;

// --- UidTree ---

TEST(UidTree, OrderStatisticsAndPersistence) {
  UidTree t;
  for (std::uint32_t u = 1; u <= 1000; ++u) t.insert(u * 2);
  ASSERT_EQ(t.size(), 1000u);
  EXPECT_EQ(t.at(0), 2u);
  EXPECT_EQ(t.at(999), 2000u);
  EXPECT_EQ(t.count_less(11), 5u);
  EXPECT_EQ(t.index_of(10), std::optional<std::size_t>(4));
  EXPECT_FALSE(t.index_of(11).has_value());
  const UidTree snapshot = t;
  t.erase(10);
  t.insert(2001);
  EXPECT_EQ(snapshot.size(), 1000u);
  EXPECT_TRUE(snapshot.contains(10));
  EXPECT_FALSE(t.contains(10));
  EXPECT_EQ(t.at(4), 12u);
  EXPECT_EQ(t.max(), 2001u);
  std::vector<std::uint32_t> some;
  t.for_each(2, 5, [&](std::uint32_t u) {
    some.push_back(u);
    return true;
  });
  EXPECT_EQ(some, (std::vector<std::uint32_t>{6, 8, 12}));
}

TEST(UidTree, EqualityIgnoresHistory) {
  UidTree a, b;
  for (std::uint32_t u : {5u, 1u, 9u, 3u}) a.insert(u);
  for (std::uint32_t u : {1u, 3u, 5u, 9u, 7u}) b.insert(u);
  b.erase(7);
  EXPECT_TRUE(a == b);
  EXPECT_EQ(a.to_vector(), (std::vector<std::uint32_t>{1, 3, 5, 9}));
}

// --- Authentication and state (RFC 3501 §6.1-§6.2) ---

TEST(Session, GreetingAdvertisesCapabilities) {
  Harness h;
  const SessionId s = h.connect();
  const std::string greeting = Harness::lines({h.model().greeting(s)}).front();
  EXPECT_NE(greeting.find("IMAP4rev1"), std::string::npos);
  EXPECT_NE(greeting.find("AUTH=PLAIN"), std::string::npos);
  EXPECT_EQ(greeting.find("LOGINDISABLED"), std::string::npos);
}

TEST(Session, LoginChecksPassword) {
  Harness h;
  const SessionId s = h.connect();
  EXPECT_EQ(last(h.send(s, "a1 LOGIN alice wrong")).rfind("a1 NO [AUTHENTICATIONFAILED]", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a2 LOGIN alice pw")).rfind("a2 OK [CAPABILITY ", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a3 LOGIN alice pw")).rfind("a3 BAD", 0), 0u);
}

TEST(Session, NothingButAuthenticationBeforeLogin) {
  Harness h;
  const SessionId s = h.connect();
  for (const char* line : {"a1 SELECT INBOX", "a2 LIST \"\" *", "a3 FETCH 1 FLAGS", "a4 ENABLE CONDSTORE",
                           "a5 NOTIFY NONE", "a6 CREATE x"}) {
    EXPECT_EQ(last(h.send(s, line)).substr(3, 3), "BAD") << line;
  }
  EXPECT_EQ(h.run(s, "a7 NOOP"), "a7 OK NOOP completed");
}

TEST(Session, SelectedStateCommandsNeedAMailbox) {
  Harness h;
  const SessionId s = h.login("alice");
  EXPECT_EQ(last(h.send(s, "a1 FETCH 1 FLAGS")).rfind("a1 BAD", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a2 EXPUNGE")).rfind("a2 BAD", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a3 CLOSE")).rfind("a3 BAD", 0), 0u);
}

TEST(Session, LoginDisabledWithoutTls) {
  ModelOptions o;
  o.allow_plaintext = false;
  o.starttls_available = true;
  Harness h(Policy{}, default_users(), o);
  const SessionId s = h.connect();
  const Lines caps = h.send(s, "a1 CAPABILITY");
  EXPECT_NE(caps.front().find("LOGINDISABLED"), std::string::npos);
  EXPECT_NE(caps.front().find("STARTTLS"), std::string::npos);
  EXPECT_EQ(caps.front().find("AUTH=PLAIN"), std::string::npos);
  EXPECT_EQ(last(h.send(s, "a2 LOGIN alice pw")).rfind("a2 NO [PRIVACYREQUIRED]", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a3 STARTTLS")), "a3 OK Begin TLS negotiation now");
  EXPECT_EQ(last(h.send(s, "a4 LOGIN alice pw")).rfind("a4 OK", 0), 0u);
}

TEST(Session, AuthenticatePlainWithInitialResponse) {
  Harness h;
  const SessionId s = h.connect();
  // base64("\0alice\0pw")
  EXPECT_EQ(last(h.send(s, "a1 AUTHENTICATE PLAIN AGFsaWNlAHB3")).rfind("a1 OK", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a2 SELECT INBOX")).rfind("a2 OK", 0), 0u);
}

TEST(Session, AuthenticatePlainWithContinuation) {
  Harness h;
  const SessionId s = h.connect();
  EXPECT_EQ(h.send(s, "a1 AUTHENTICATE PLAIN"), Lines{"+ "});
  EXPECT_EQ(last(h.auth_data(s, "AGFsaWNlAHdyb25n")).rfind("a1 NO [AUTHENTICATIONFAILED]", 0), 0u);
  EXPECT_EQ(h.send(s, "a2 AUTHENTICATE PLAIN"), Lines{"+ "});
  EXPECT_EQ(last(h.auth_data(s, "*")).rfind("a2 BAD", 0), 0u);
  EXPECT_EQ(h.send(s, "a3 AUTHENTICATE PLAIN"), Lines{"+ "});
  EXPECT_EQ(last(h.auth_data(s, "not base64!")).rfind("a3 BAD", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a4 AUTHENTICATE CRAM-MD5")).rfind("a4 NO", 0), 0u);
}

TEST(Session, LogoutSaysBye) {
  Harness h;
  const SessionId s = h.login("alice");
  const Lines r = h.send(s, "a1 LOGOUT");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].rfind("* BYE", 0), 0u);
  EXPECT_EQ(r[1], "a1 OK LOGOUT completed");
}

TEST(Session, NamespaceAndEnable) {
  Harness h;
  const SessionId s = h.login("alice");
  EXPECT_EQ(h.send(s, "a1 NAMESPACE").front(), "* NAMESPACE ((\"\" \"/\")) NIL ((\"shared/\" \"/\"))");
  EXPECT_EQ(h.send(s, "a2 ENABLE CONDSTORE X-UNKNOWN").front(), "* ENABLED CONDSTORE");
  EXPECT_EQ(h.send(s, "a3 ENABLE CONDSTORE").front(), "* ENABLED");
}

// --- Mailboxes (RFC 3501 §6.3) ---

TEST(Mailboxes, CreateMakesParentsAndRefusesDuplicates) {
  Harness h;
  const SessionId s = h.login("alice");
  EXPECT_EQ(h.run(s, "a1 CREATE a/b/c"), "a1 OK CREATE completed");
  EXPECT_TRUE(h.model().mailbox("a").has_value());
  EXPECT_TRUE(h.model().mailbox("a/b").has_value());
  EXPECT_EQ(last(h.send(s, "a2 CREATE a/b")).rfind("a2 NO [ALREADYEXISTS]", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a3 CREATE inbox")).rfind("a3 NO [ALREADYEXISTS]", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a4 CREATE a//b")).rfind("a4 NO [CANNOT]", 0), 0u);
  EXPECT_EQ(h.run(s, "a5 CREATE d/"), "a5 OK CREATE completed");
  EXPECT_TRUE(h.model().mailbox("d").has_value());
}

TEST(Mailboxes, UidValidityRisesWhenANameIsCreatedAgain) {
  Harness h;
  const SessionId s = h.login("alice");
  h.send(s, "a1 CREATE foo");
  h.append(s, "foo", "Subject: x\r\n\r\n");
  const auto first = *h.model().mailbox("foo");
  h.send(s, "a2 DELETE foo");
  EXPECT_FALSE(h.model().mailbox("foo").has_value());
  h.send(s, "a3 CREATE foo");
  const auto second = *h.model().mailbox("foo");
  EXPECT_GT(second.uidvalidity, first.uidvalidity);
  EXPECT_TRUE(second.uids.empty());
}

TEST(Mailboxes, DeleteWithChildrenLeavesNoselectParent) {
  Harness h;
  const SessionId s = h.login("alice");
  h.send(s, "a1 CREATE p/q");
  h.append(s, "p", "Subject: x\r\n\r\n");
  EXPECT_EQ(h.run(s, "a2 DELETE p"), "a2 OK DELETE completed");
  const Lines list = h.send(s, "a3 LIST \"\" p*");
  EXPECT_EQ(list[0], "* LIST (\\Noselect \\HasChildren) \"/\" p");
  EXPECT_EQ(list[1], "* LIST (\\HasNoChildren) \"/\" p/q");
  EXPECT_EQ(last(h.send(s, "a4 SELECT p")).rfind("a4 NO [NONEXISTENT]", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a5 DELETE p")).rfind("a5 NO [CANNOT]", 0), 0u);
  EXPECT_EQ(h.run(s, "a6 DELETE p/q"), "a6 OK DELETE completed");
  EXPECT_EQ(h.run(s, "a7 DELETE p"), "a7 OK DELETE completed");
  EXPECT_EQ(last(h.send(s, "a8 DELETE INBOX")).rfind("a8 NO [CANNOT]", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a9 DELETE nothing")).rfind("a9 NO [NONEXISTENT]", 0), 0u);
}

TEST(Mailboxes, RenameMovesChildren) {
  Harness h;
  const SessionId s = h.login("alice");
  h.send(s, "a1 CREATE a/b");
  h.append(s, "a/b", "Subject: x\r\n\r\n");
  EXPECT_EQ(h.run(s, "a2 RENAME a z/y"), "a2 OK RENAME completed");
  EXPECT_FALSE(h.model().mailbox("a").has_value());
  EXPECT_EQ(h.model().mailbox("z/y/b")->uids.size(), 1u);
  EXPECT_TRUE(h.model().mailbox("z").has_value());
  EXPECT_EQ(last(h.send(s, "a3 RENAME z/y INBOX")).rfind("a3 NO [ALREADYEXISTS]", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a4 RENAME nothing x")).rfind("a4 NO [NONEXISTENT]", 0), 0u);
  EXPECT_EQ(last(h.send(s, "a5 RENAME z z/inner")).rfind("a5 NO [CANNOT]", 0), 0u);
}

TEST(Mailboxes, RenameInboxMovesMessagesAndLeavesItEmpty) {
  Harness h;
  h.fill("alice", "INBOX", 3);
  const SessionId s = h.login("alice");
  h.send(s, "a0 CREATE INBOX/child");
  const auto inbox_before = *h.model().mailbox("INBOX");
  EXPECT_EQ(h.run(s, "a1 RENAME INBOX old"), "a1 OK RENAME completed");
  EXPECT_EQ(h.model().mailbox("old")->uids.size(), 3u);
  const auto inbox = *h.model().mailbox("INBOX");
  EXPECT_TRUE(inbox.uids.empty());
  EXPECT_EQ(inbox.uidnext, inbox_before.uidnext);  // UIDs are never reused
  EXPECT_TRUE(h.model().mailbox("INBOX/child").has_value());
}

TEST(Mailboxes, ListWildcards) {
  Harness h;
  const SessionId s = h.login("alice");
  h.send(s, "a1 CREATE a/b/c");
  EXPECT_EQ(h.send(s, "a2 LIST \"\" \"\""), (Lines{"* LIST (\\Noselect) \"/\" \"\"", "a2 OK LIST completed"}));
  EXPECT_EQ(h.send(s, "a3 LIST \"\" %"),
            (Lines{"* LIST (\\HasNoChildren) \"/\" INBOX", "* LIST (\\HasChildren) \"/\" a",
                   "* LIST (\\HasNoChildren) \"/\" shared", "a3 OK LIST completed"}));
  EXPECT_EQ(h.send(s, "a4 LIST a/ %"), (Lines{"* LIST (\\HasChildren) \"/\" a/b", "a4 OK LIST completed"}));
  EXPECT_EQ(h.send(s, "a5 LIST \"\" a/*").size(), 3u);
  EXPECT_EQ(h.send(s, "a6 LIST \"\" inbox").front(), "* LIST (\\HasNoChildren) \"/\" INBOX");
  // Many wildcards against a long name: linear-time matching, not exponential backtracking.
  h.send(s, "a7 CREATE " + std::string(200, 'x'));
  EXPECT_EQ(h.send(s, "a8 LIST \"\" " + std::string(60, '*') + "y"), Lines{"a8 OK LIST completed"});
  EXPECT_EQ(h.send(s, "a9 LIST \"\" %%%x%%%").size(), 2u);
}

TEST(Mailboxes, SubscriptionsLsubAndListExtended) {
  Harness h;
  const SessionId s = h.login("alice");
  h.send(s, "a1 CREATE a/b");
  EXPECT_EQ(h.run(s, "a2 SUBSCRIBE a/b"), "a2 OK SUBSCRIBE completed");
  EXPECT_EQ(last(h.send(s, "a3 SUBSCRIBE nope")).rfind("a3 NO [NONEXISTENT]", 0), 0u);
  EXPECT_EQ(h.send(s, "a4 LSUB \"\" *"), (Lines{"* LSUB () \"/\" a/b", "a4 OK LSUB completed"}));
  EXPECT_EQ(h.send(s, "a5 LSUB \"\" %"), (Lines{"* LSUB (\\Noselect) \"/\" a", "a5 OK LSUB completed"}));
  EXPECT_EQ(h.send(s, "a6 LIST (SUBSCRIBED) \"\" *").front(), "* LIST (\\HasNoChildren \\Subscribed) \"/\" a/b");
  EXPECT_EQ(h.send(s, "a7 LIST \"\" a/b RETURN (SUBSCRIBED)").front(),
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" a/b");
  h.send(s, "a8 DELETE a/b");
  EXPECT_EQ(h.send(s, "a9 LIST (SUBSCRIBED) \"\" *").front(), "* LIST (\\NonExistent \\Subscribed) \"/\" a/b");
  EXPECT_EQ(h.run(s, "b1 UNSUBSCRIBE a/b"), "b1 OK UNSUBSCRIBE completed");
  EXPECT_EQ(h.send(s, "b2 LSUB \"\" *"), Lines{"b2 OK LSUB completed"});
  EXPECT_EQ(last(h.send(s, "b3 LIST (RECURSIVEMATCH) \"\" *")).rfind("b3 BAD", 0), 0u);
}

TEST(Mailboxes, StatusAndListStatus) {
  Harness h;
  h.fill("alice", "INBOX", 2);
  const SessionId s = h.login("alice");
  EXPECT_EQ(h.send(s, "a1 STATUS INBOX (MESSAGES RECENT UIDNEXT UNSEEN)").front(),
            "* STATUS INBOX (MESSAGES 2 RECENT 2 UIDNEXT 3 UNSEEN 2)");
  EXPECT_EQ(last(h.send(s, "a2 STATUS nope (MESSAGES)")).rfind("a2 NO [NONEXISTENT]", 0), 0u);
  const Lines l = h.send(s, "a3 LIST \"\" INBOX RETURN (STATUS (MESSAGES))");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1], "* STATUS INBOX (MESSAGES 2)");
}

TEST(Mailboxes, AppendGivesAppendUidOrTryCreate) {
  Harness h;
  const SessionId s = h.login("alice");
  const auto inbox = *h.model().mailbox("INBOX");
  EXPECT_EQ(last(h.append(s, "INBOX", "Subject: a\r\n\r\nx\r\n", "\\Seen $Label")),
            "AP OK [APPENDUID " + std::to_string(inbox.uidvalidity) + " 1] APPEND completed");
  EXPECT_EQ(*h.model().flags("INBOX", 1), (std::vector<std::string>{"$Label", "\\Seen"}));
  EXPECT_EQ(last(h.append(s, "nope", "x")).rfind("AP NO [TRYCREATE]", 0), 0u);
  EXPECT_EQ(last(h.append(s, "INBOX", "x", "\\Recent")).rfind("AP BAD", 0), 0u);
}

// --- SELECT and the session view (RFC 3501 §6.3.1, §5.2, §7.4.1) ---

TEST(Select, ResponsesAndReadOnlyExamine) {
  Harness h;
  h.fill("alice", "INBOX", 3);
  const SessionId s = h.login("alice");
  const auto mb = *h.model().mailbox("INBOX");
  const Lines r = h.send(s, "a1 SELECT INBOX");
  EXPECT_EQ(r[0], "* 3 EXISTS");
  EXPECT_EQ(r[1], "* 3 RECENT");
  EXPECT_EQ(r[2], "* OK [UNSEEN 1] First unseen");
  EXPECT_TRUE(has_line(r, "* OK [UIDVALIDITY " + std::to_string(mb.uidvalidity) + "]"));
  EXPECT_TRUE(has_line(r, "* OK [UIDNEXT 4]"));
  EXPECT_TRUE(has_line(r, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)"));
  EXPECT_TRUE(has_line(r, "* OK [HIGHESTMODSEQ "));
  EXPECT_EQ(last(r), "a1 OK [READ-WRITE] SELECT completed");
  const SessionId t = h.login("alice");
  const Lines e = h.send(t, "b1 EXAMINE INBOX");
  EXPECT_EQ(e[1], "* 0 RECENT");  // the first session owns \Recent (FLG-4)
  EXPECT_TRUE(has_line(e, "* OK [PERMANENTFLAGS ()]"));
  EXPECT_EQ(last(e), "b1 OK [READ-ONLY] EXAMINE completed");
  EXPECT_EQ(last(h.send(t, "b2 STORE 1 +FLAGS (\\Seen)")).rfind("b2 NO", 0), 0u);
  EXPECT_EQ(last(h.send(t, "b3 EXPUNGE")).rfind("b3 NO", 0), 0u);
  EXPECT_EQ(last(h.send(t, "b4 SELECT nope")).rfind("b4 NO [NONEXISTENT]", 0), 0u);
  EXPECT_EQ(last(h.send(t, "b5 FETCH 1 FLAGS")).rfind("b5 BAD", 0), 0u);  // a failed SELECT deselects
}

TEST(Select, RecentBelongsToExactlyOneSession) {
  Harness h;
  const SessionId a = h.login("alice");
  const SessionId b = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  h.send(b, "b1 SELECT INBOX");
  const SessionId c = h.login("alice");
  h.append(c, "INBOX", "Subject: new\r\n\r\n");
  const Lines ra = h.send(a, "a2 NOOP");
  const Lines rb = h.send(b, "b2 NOOP");
  EXPECT_EQ(ra, (Lines{"* 1 EXISTS", "* 1 RECENT", "a2 OK NOOP completed"}));
  EXPECT_EQ(rb, (Lines{"* 1 EXISTS", "b2 OK NOOP completed"}));
  EXPECT_EQ(h.send(a, "a3 FETCH 1 FLAGS").front(), "* 1 FETCH (FLAGS (\\Recent))");
  EXPECT_EQ(h.send(b, "b3 FETCH 1 FLAGS").front(), "* 1 FETCH (FLAGS ())");
}

TEST(Select, ExpungesWaitForACommandThatAllowsThem) {
  Harness h;
  h.fill("alice", "INBOX", 4);
  const SessionId a = h.login("alice");
  const SessionId b = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  h.send(b, "b1 SELECT INBOX");
  h.send(a, "a2 STORE 2 +FLAGS.SILENT (\\Deleted)");
  EXPECT_EQ(h.send(a, "a3 EXPUNGE"), (Lines{"* 2 EXPUNGE", "a3 OK EXPUNGE completed"}));
  // b still numbers 4 messages: FETCH, STORE and SEARCH must not send EXPUNGE (RFC 3501 §7.4.1).
  const Lines f = h.send(b, "b2 FETCH 4 UID");
  EXPECT_EQ(f, (Lines{"* 4 FETCH (UID 4)", "b2 OK FETCH completed"}));
  EXPECT_EQ(h.send(b, "b3 SEARCH ALL"), (Lines{"* SEARCH 1 3 4", "b3 OK SEARCH completed"}));
  EXPECT_EQ(h.model().session_view(b).size(), 4u);
  EXPECT_EQ(h.send(b, "b4 UID FETCH 4 FLAGS"),
            (Lines{"* 4 FETCH (UID 4 FLAGS ())", "* 2 EXPUNGE", "b4 OK FETCH completed"}));
  EXPECT_EQ(h.model().session_view(b), (std::vector<std::uint32_t>{1, 3, 4}));
}

TEST(Select, NoopTellsExpungesThenExists) {
  Harness h;
  h.fill("alice", "INBOX", 3);
  const SessionId a = h.login("alice");
  const SessionId b = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  h.send(b, "b1 SELECT INBOX");
  h.send(a, "a2 STORE 2:3 +FLAGS.SILENT (\\Deleted)");
  h.send(a, "a3 EXPUNGE");
  EXPECT_EQ(h.send(b, "b2 NOOP"), (Lines{"* 2 EXPUNGE", "* 2 EXPUNGE", "* 1 EXISTS", "b2 OK NOOP completed"}));
}

TEST(Select, FlagChangesOfOthersAreTold) {
  Harness h;
  h.fill("alice", "INBOX", 2);
  const SessionId a = h.login("alice");
  const SessionId b = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  h.send(b, "b1 EXAMINE INBOX");
  h.send(a, "a2 STORE 2 +FLAGS ($Work)");
  EXPECT_EQ(h.send(b, "b2 NOOP"), (Lines{"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)",
                                         "* 2 FETCH (FLAGS ($Work))", "b2 OK NOOP completed"}));
}

TEST(Select, CloseExpungesSilentlyUnselectDoesNot) {
  Harness h;
  h.fill("alice", "INBOX", 3);
  const SessionId a = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  h.send(a, "a2 STORE 1 +FLAGS.SILENT (\\Deleted)");
  EXPECT_EQ(h.send(a, "a3 UNSELECT"), Lines{"a3 OK UNSELECT completed"});
  EXPECT_EQ(h.model().mailbox("INBOX")->uids.size(), 3u);
  h.send(a, "a4 SELECT INBOX");
  EXPECT_EQ(h.send(a, "a5 CLOSE"), Lines{"a5 OK CLOSE completed"});
  EXPECT_EQ(h.model().mailbox("INBOX")->uids, (std::vector<std::uint32_t>{2, 3}));
}

TEST(Select, UidExpungeOnlyTheGivenUids) {
  Harness h;
  h.fill("alice", "INBOX", 3);
  const SessionId a = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  h.send(a, "a2 STORE 1:3 +FLAGS.SILENT (\\Deleted)");
  EXPECT_EQ(h.send(a, "a3 UID EXPUNGE 2:3"), (Lines{"* 2 EXPUNGE", "* 2 EXPUNGE", "a3 OK EXPUNGE completed"}));
  EXPECT_EQ(h.model().mailbox("INBOX")->uids, std::vector<std::uint32_t>{1});
}

// --- FETCH (RFC 3501 §6.4.5) ---

TEST(Fetch, BodyWithoutPeekSetsSeen) {
  Harness h;
  h.fill("alice", "INBOX", 2);
  const SessionId a = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  EXPECT_EQ(h.send(a, "a2 FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]").front(),
            "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {15}\r\nSubject: m1\r\n\r\n)");
  EXPECT_EQ(*h.model().flags("INBOX", 1), std::vector<std::string>{});
  EXPECT_EQ(h.send(a, "a3 FETCH 1 BODY[TEXT]<1.2>").front(),
            "* 1 FETCH (BODY[TEXT]<1> \"od\" FLAGS (\\Recent \\Seen))");
  EXPECT_EQ(*h.model().flags("INBOX", 1), std::vector<std::string>{"\\Seen"});
  EXPECT_EQ(h.send(a, "a4 FETCH 2 (FLAGS RFC822.SIZE)").front(), "* 2 FETCH (FLAGS (\\Recent) RFC822.SIZE 21)");
}

TEST(Fetch, BadNumbersAndUidForms) {
  Harness h;
  h.fill("alice", "INBOX", 2);
  const SessionId a = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  EXPECT_EQ(last(h.send(a, "a2 FETCH 3 FLAGS")).rfind("a2 NO", 0), 0u);
  EXPECT_EQ(h.send(a, "a3 UID FETCH 7:9 FLAGS"), Lines{"a3 OK FETCH completed"});
  EXPECT_EQ(h.send(a, "a4 UID FETCH 9:* FLAGS").front(), "* 2 FETCH (UID 2 FLAGS (\\Recent))");
  EXPECT_EQ(h.send(a, "a5 FETCH * UID").front(), "* 2 FETCH (UID 2)");
  EXPECT_EQ(h.send(a, "a6 FETCH 2:1 UID").size(), 3u);
}

// --- STORE (RFC 3501 §6.4.6, RFC 4551 §3.2) ---

TEST(Store, AddRemoveReplaceAndSilent) {
  Harness h;
  h.fill("alice", "INBOX", 2);
  const SessionId a = h.login("alice");
  const SessionId first = h.login("alice");
  h.send(first, "f1 SELECT INBOX");  // takes \Recent, so the flags below are only the stored ones
  h.send(a, "a1 SELECT INBOX");
  // A new keyword changes the mailbox's FLAGS, which the client is told too.
  EXPECT_EQ(h.send(a, "a2 STORE 1:2 +FLAGS (\\flagged foo)"),
            (Lines{"* 1 FETCH (FLAGS (\\Flagged foo))", "* 2 FETCH (FLAGS (\\Flagged foo))",
                   "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft foo)", "a2 OK STORE completed"}));
  EXPECT_EQ(h.send(a, "a3 STORE 1 -FLAGS (foo)").front(), "* 1 FETCH (FLAGS (\\Flagged))");
  EXPECT_EQ(h.send(a, "a4 UID STORE 2 FLAGS (\\Seen)").front(), "* 2 FETCH (UID 2 FLAGS (\\Seen))");
  EXPECT_EQ(h.send(a, "a5 STORE 1 +FLAGS.SILENT (\\Answered)"), Lines{"a5 OK STORE completed"});
  EXPECT_EQ(*h.model().flags("INBOX", 1), (std::vector<std::string>{"\\Answered", "\\Flagged"}));
  EXPECT_EQ(last(h.send(a, "a6 STORE 1 +FLAGS (\\Recent)")).rfind("a6 BAD", 0), 0u);
  EXPECT_EQ(last(h.send(a, "a7 STORE 1 +FLAGS (\\Bogus)")).rfind("a7 BAD", 0), 0u);
}

TEST(Store, UnchangedSinceReportsModified) {
  Harness h;
  h.fill("alice", "INBOX", 2);
  const SessionId a = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  const Lines m = h.send(a, "a2 FETCH 1:2 MODSEQ");
  EXPECT_EQ(m[0], "* 1 FETCH (MODSEQ (2))");
  EXPECT_EQ(m[1], "* 2 FETCH (MODSEQ (3))");
  const Lines r = h.send(a, "a3 STORE 1:2 (UNCHANGEDSINCE 2) +FLAGS (\\Seen)");
  EXPECT_EQ(r[0], "* 1 FETCH (FLAGS (\\Recent \\Seen) MODSEQ (4))");
  EXPECT_EQ(last(r), "a3 OK [MODIFIED 2] Conditional STORE failed for some messages (RFC 4551 section 3.2)");
  EXPECT_EQ(h.send(a, "a4 FETCH 1:2 (FLAGS) (CHANGEDSINCE 3)"),
            (Lines{"* 1 FETCH (FLAGS (\\Recent \\Seen) MODSEQ (4))", "a4 OK FETCH completed"}));
  EXPECT_EQ(h.send(a, "a5 SEARCH MODSEQ 4").front(), "* SEARCH 1 (MODSEQ 4)");
  EXPECT_GE(h.model().mailbox("INBOX")->highestmodseq, 4u);
}

// --- SEARCH, COPY, MOVE ---

TEST(SearchCommand, KeysAndCharset) {
  Harness h;
  h.fill("alice", "INBOX", 3);
  const SessionId a = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  h.send(a, "a2 STORE 2 +FLAGS.SILENT (\\Flagged)");
  EXPECT_EQ(h.send(a, "a3 SEARCH FLAGGED").front(), "* SEARCH 2");
  EXPECT_EQ(h.send(a, "a4 UID SEARCH SUBJECT m3").front(), "* SEARCH 3");
  EXPECT_EQ(h.send(a, "a5 SEARCH NOT FLAGGED").front(), "* SEARCH 1 3");
  EXPECT_EQ(last(h.send(a, "a6 SEARCH CHARSET KOI8-R ALL")).rfind("a6 NO [BADCHARSET (US-ASCII UTF-8)]", 0), 0u);
}

TEST(Copy, CopyUidAndTryCreate) {
  Harness h;
  h.fill("alice", "INBOX", 3);
  const SessionId a = h.login("alice");
  h.send(a, "a0 CREATE dst");
  h.send(a, "a1 SELECT INBOX");
  h.send(a, "a2 STORE 2 +FLAGS.SILENT (\\Flagged)");
  const auto dst = *h.model().mailbox("dst");
  EXPECT_EQ(h.run(a, "a3 COPY 2:3 dst"),
            "a3 OK [COPYUID " + std::to_string(dst.uidvalidity) + " 2:3 1:2] COPY completed");
  EXPECT_EQ(*h.model().flags("dst", 1), std::vector<std::string>{"\\Flagged"});
  EXPECT_EQ(last(h.send(a, "a4 COPY 1 nope")).rfind("a4 NO [TRYCREATE]", 0), 0u);
  EXPECT_EQ(h.model().mailbox("dst")->uids.size(), 2u);
  EXPECT_EQ(h.run(a, "a5 UID COPY 99 dst"), "a5 OK No messages to copy");
}

TEST(Copy, CopyToTheSelectedMailboxAnnouncesExists) {
  Harness h;
  h.fill("alice", "INBOX", 1);
  const SessionId a = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  const Lines r = h.send(a, "a2 COPY 1 INBOX");
  EXPECT_EQ(r[0], "* 2 EXISTS");
}

TEST(Move, UntaggedCopyUidThenExpunge) {
  Harness h;
  h.fill("alice", "INBOX", 3);
  const SessionId a = h.login("alice");
  h.send(a, "a0 CREATE dst");
  h.send(a, "a1 SELECT INBOX");
  const auto dst = *h.model().mailbox("dst");
  EXPECT_EQ(h.send(a, "a2 MOVE 2 dst"),
            (Lines{"* OK [COPYUID " + std::to_string(dst.uidvalidity) + " 2 1] Moved", "* 2 EXPUNGE",
                   "a2 OK MOVE completed"}));
  EXPECT_EQ(h.model().mailbox("INBOX")->uids, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(h.model().mailbox("dst")->uids.size(), 1u);
  EXPECT_EQ(h.send(a, "a3 UID MOVE 3 dst")[1], "* 2 EXPUNGE");
}

// --- IDLE (RFC 2177) ---

TEST(Idle, UpdatesFlowUntilDone) {
  Harness h;
  const SessionId a = h.login("alice");
  const SessionId b = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  EXPECT_FALSE(h.has_unsolicited(a));
  h.append(b, "INBOX", "Subject: x\r\n\r\n");
  EXPECT_FALSE(h.has_unsolicited(a));  // before NOTIFY: nothing between commands (RFC 3501 §5.2)
  EXPECT_EQ(h.send(a, "a2 IDLE"), (Lines{"+ idling", "* 1 EXISTS", "* 1 RECENT"}));
  h.append(b, "INBOX", "Subject: y\r\n\r\n");
  EXPECT_TRUE(h.has_unsolicited(a));
  EXPECT_EQ(h.unsolicited(a), (Lines{"* 2 EXISTS", "* 2 RECENT"}));
  EXPECT_FALSE(h.has_unsolicited(a));
  EXPECT_EQ(last(h.send(a, "a3 NOOP")).rfind("a3 BAD", 0), 0u);  // DONE expected
  EXPECT_EQ(h.done(a), Lines{"a2 OK IDLE terminated"});
}

// --- Values ---

TEST(Values, ModelCopiesAreIndependent) {
  Harness h;
  h.fill("alice", "INBOX", 2);
  Model copy = h.model();
  const SessionId a = h.login("alice");
  h.send(a, "a1 SELECT INBOX");
  h.send(a, "a2 STORE 1 +FLAGS.SILENT (\\Deleted)");
  h.send(a, "a3 EXPUNGE");
  EXPECT_EQ(h.model().mailbox("INBOX")->uids.size(), 1u);
  EXPECT_EQ(copy.mailbox("INBOX")->uids.size(), 2u);
}

TEST(Values, ParseUsers) {
  std::string error;
  const auto users = parse_users("# comment\nalice secret\n\n  bob  pw2 # trailing\n", &error);
  ASSERT_TRUE(users.has_value());
  EXPECT_EQ(*users, (std::vector<User>{{"alice", "secret"}, {"bob", "pw2"}}));
  EXPECT_FALSE(parse_users("alice\n", &error).has_value());
  EXPECT_EQ(error, "line 1: expected \"name password\"");
  EXPECT_FALSE(parse_users("a x\na y\n", &error).has_value());
}

TEST(Values, UnknownSessionIsAnsweredNotCrashed) {
  Harness h;
  const Lines r = h.send(99, "a1 NOOP");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].rfind("* BYE", 0), 0u);
  EXPECT_TRUE(h.unsolicited(99).empty());
}

}  // namespace
}  // namespace imaplab::model::testing
