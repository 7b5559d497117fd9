// RFC 2180 (IMAP4 multi-accessed mailbox practice) as tests: every example transcript of §3 and §4 runs
// against the model under the policy it illustrates and must come out line for line (text after the status
// word or response code may differ), and each policy value is contrasted with the others on one scenario.
// Where the RFC's own lines are not valid IMAP ("* 1 FETCH FLAGS (\Seen)", "* FETCH 1 FLAGS (\SEEN)") the
// test writes the valid form RFC 3501 §7.4.2 gives and says so.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "model/policy.hpp"
#include "tests/model/transcript.hpp"

namespace imaplab::testing {
namespace {

model::Policy policy(const std::string& text) {
  std::string error;
  const auto parsed = model::Policy::parse(text, &error);
  EXPECT_TRUE(parsed.has_value()) << "policy \"" << text << "\": " << error;
  return parsed.value_or(model::Policy{});
}

// The state the §3 and §4 examples assume: clients 1..`clients` logged in (all as alice, so every one of them
// may access FOO), FOO holding messages with Subject m1..mN (those in `deleted` already flagged \Deleted, so
// no flag change is pending for anyone), and the clients in `selecting` having SELECTed FOO in that order
// (the first one therefore sees the messages as \Recent, the others do not).
Transcript foo_scenario(const model::Policy& p, int clients, int messages, const std::set<int>& deleted,
                        const std::vector<int>& selecting) {
  Transcript t(p);
  for (int c = 1; c <= clients; ++c) t.login(c, "alice");
  t.setup(1, "S0 CREATE FOO");
  for (int m = 1; m <= messages; ++m)
    t.append(1, "FOO", small_message("m" + std::to_string(m)), deleted.count(m) ? "(\\Deleted)" : "");
  for (int c : selecting) t.setup(c, "S" + std::to_string(c) + " SELECT FOO");
  t.clear_all();
  return t;
}

// The script lines of an APPEND with a literal, as client n would send them.
std::string append_lines(int client, const std::string& tag, const std::string& mailbox,
                         const std::string& message) {
  const std::string c = "C" + std::to_string(client) + ": ";
  std::string out = c + tag + " APPEND " + mailbox + " {" + std::to_string(message.size()) + "}\n";
  for (std::size_t pos = 0; pos < message.size();) {
    const auto end = message.find("\r\n", pos);
    out += c + message.substr(pos, end - pos) + "\n";
    pos = end + 2;
  }
  return out + c + "\n";  // the command's own CRLF after the literal
}

// ---------------------------------------------------------------------------------------------------------
// §3.1: the server MAY fail the DELETE/RENAME of a multi-accessed mailbox.

TEST(Rfc2180, Section3_1_DeleteOfMultiAccessedMailboxFails) {
  auto t = foo_scenario(policy("delete=fail"), 3, 2, {}, {1, 2});
  EXPECT_TRUE(t.run(R"(
    <Client #1 and Client #2 have mailbox FOO accessed. Client #1 tries to DELETE the mailbox and is refused>
             C1: A001 DELETE FOO
             S1: A001 NO Mailbox FOO is in use by another user.
    <the mailbox is still there for everyone>
             C3: C001 STATUS FOO (MESSAGES)
             S3: * STATUS FOO (MESSAGES 2)
             S3: C001 OK
             C2: B001 NOOP
             S2: B001 OK
  )"));
}

// RFC 5530 §3: INUSE is the code for "the operation failed because another session holds the object".
TEST(Rfc2180, Section3_1_DeleteRefusalCarriesInuse) {
  auto t = foo_scenario(policy("delete=fail"), 2, 1, {}, {1, 2});
  EXPECT_TRUE(t.run(R"(
             C1: A001 DELETE FOO
             S1: A001 NO [INUSE] Mailbox FOO is in use by another user.
  )"));
}

TEST(Rfc2180, Section3_1_RenameOfMultiAccessedMailboxFails) {
  auto t = foo_scenario(policy("rename=fail"), 3, 2, {}, {1, 2});
  EXPECT_TRUE(t.run(R"(
             C1: A001 RENAME FOO BAR
             S1: A001 NO Mailbox FOO is in use by another user.
             C3: C001 STATUS FOO (MESSAGES)
             S3: * STATUS FOO (MESSAGES 2)
             S3: C001 OK
             C3: C002 STATUS BAR (MESSAGES)
             S3: C002 NO Mailbox does not exist
  )"));
}

// The refusal is about *other* clients: a mailbox only the deleting client has open is deleted.
TEST(Rfc2180, Section3_1_DeleteSucceedsWhenNoOtherClientHasTheMailbox) {
  auto t = foo_scenario(policy("delete=fail rename=fail"), 2, 2, {}, {1});
  EXPECT_TRUE(t.run(R"(
             C1: A001 RENAME FOO BAR
             S1: A001 OK
             C1: A002 DELETE BAR
             S1: A002 OK
             C2: B003 STATUS BAR (MESSAGES)
             S2: B003 NO Mailbox does not exist
  )"));
}

// ---------------------------------------------------------------------------------------------------------
// §3.2: DELETE allowed; the 'ghosted' mailbox stays available to the clients that have it open and its name
// cannot be re-created until the reference count reaches 0.
// The RFC writes "S2: * 1 FETCH FLAGS (\Seen)"; RFC 3501 §7.4.2 puts the attributes in parentheses.

TEST(Rfc2180, Section3_2_GhostedMailboxAndItsReferenceCount) {
  auto t = foo_scenario(policy("delete=ghost"), 3, 2, {}, {1, 2});
  EXPECT_TRUE(t.run(R"(
    <Client #1 and Client #2 have mailbox FOO selected. Client #1 DELETEs mailbox FOO>
             C1: A001 DELETE FOO
             S1: A001 OK Mailbox FOO is deleted.
    <Client #2 is still able to operate on the deleted mailbox>
             C2: B001 STORE 1 +FLAGS (\Seen)
             S2: * 1 FETCH (FLAGS (\Seen))
             S2: B001 OK STORE completed
    <Client #3 which did not have access to the mailbox prior to the deletion by client #1 does not have
     access to the mailbox>
             C3: C001 STATUS FOO (MESSAGES)
             S3: C001 NO Mailbox does not exist
    <Nor is client #3 able to create a mailbox with the name FOO, while the reference count is non zero>
             C3: C002 CREATE FOO
             S3: C002 NO Mailbox FOO is still in use. Try again later.
    <Client #2 closes its access to the mailbox, no other clients have access to the mailbox FOO and
     reference count becomes 0>
             C2: B002 CLOSE
             S2: B002 OK CLOSE Completed
    <Now that the reference count on FOO has reached 0, the mailbox name can be recycled>
             C3: C003 CREATE FOO
             S3: C003 OK CREATE Completed
  )"));
}

// "it would not be returned to these clients in a subsequent LIST or LSUB command and would not be a valid
// mailbox argument to any other IMAP command". LSUB may still list a subscribed name that no longer exists
// (RFC 3501 §6.3.9 forbids removing it unilaterally), so the ghost must look exactly like a mailbox that was
// deleted while nobody had it open (GONE).
TEST(Rfc2180, Section3_2_GhostedMailboxIsInvisibleToOthers) {
  auto t = foo_scenario(policy("delete=ghost"), 3, 2, {}, {1, 2});
  for (const char* line : {"C000 SUBSCRIBE FOO", "C000 CREATE GONE", "C000 SUBSCRIBE GONE", "C000 DELETE GONE"})
    t.setup(3, line);
  t.setup(1, "A001 DELETE FOO");
  t.clear_all();
  for (const auto& line : {std::string("C001 LIST \"\" *"), std::string("C002 LSUB \"\" *")}) {
    std::vector<std::string> foo, gone;
    for (const auto& response : t.exec(3, line)) {
      if (response.find("FOO") != std::string::npos) foo.push_back(response);
      if (response.find("GONE") != std::string::npos) {
        gone.push_back(response);
        gone.back().replace(gone.back().find("GONE"), 4, "FOO");
      }
    }
    EXPECT_EQ(foo, gone) << line << ": the ghost is not answered like a deleted mailbox";
  }
  EXPECT_TRUE(t.run(R"(
             C3: C003 SELECT FOO
             S3: C003 NO Mailbox does not exist
             C3: C004 EXAMINE FOO
             S3: C004 NO Mailbox does not exist
             C3: C005 APPEND FOO {4}
             C3: hi
             C3:
             S3: C005 NO Mailbox does not exist
             C3: C006 RENAME FOO BAR
             S3: C006 NO Mailbox does not exist
  )"));
}

// The reference count counts every client that accessed the mailbox (SELECT or EXAMINE, RFC 2180 §2); a
// client that logs out releases its reference like CLOSE does.
TEST(Rfc2180, Section3_2_ReferenceCountCountsEveryHolder) {
  auto t = foo_scenario(policy("delete=ghost"), 4, 1, {}, {1, 2});
  t.setup(4, "D000 EXAMINE FOO");
  t.clear_all();
  EXPECT_TRUE(t.run(R"(
             C1: A001 DELETE FOO
             S1: A001 OK
             C3: C001 CREATE FOO
             S3: C001 NO still in use
             C2: B001 CLOSE
             S2: B001 OK
             C3: C002 CREATE FOO
             S3: C002 NO still in use (client 4 still has it open)
             C4: D001 FETCH 1 (FLAGS)
             S4: * 1 FETCH (FLAGS ())
             S4: D001 OK
             C4: D002 LOGOUT
             S4: * BYE
             S4: D002 OK
             C3: C003 CREATE FOO
             S3: C003 OK
             C3: C004 STATUS FOO (MESSAGES)
             S3: * STATUS FOO (MESSAGES 0)
             S3: C004 OK
  )"));
}

// ---------------------------------------------------------------------------------------------------------
// §3.3: DELETE/RENAME allowed; every other client that has the mailbox open gets an untagged BYE.

TEST(Rfc2180, Section3_3_DeleteDisconnectsOtherHolders) {
  auto t = foo_scenario(policy("delete=bye"), 3, 2, {}, {1, 2});
  EXPECT_TRUE(t.run(R"(
    <Client #1 and Client #2 have mailbox FOO accessed. Client #1 DELETEs the mailbox FOO>
             C1: A002 DELETE FOO
             S1: A002 OK DELETE completed.
    <Server disconnects all other users of the mailbox>
             S2: * BYE Mailbox FOO has been deleted.
    <the name is free at once: no ghost is kept>
             C3: C001 CREATE FOO
             S3: C001 OK
  )"));
  EXPECT_FALSE(t.connected(2));
  EXPECT_TRUE(t.connected(1)) << "§3.3 disconnects the *other* users of the mailbox";
}

TEST(Rfc2180, Section3_3_RenameDisconnectsOtherHolders) {
  auto t = foo_scenario(policy("rename=bye"), 3, 2, {}, {1, 2});
  EXPECT_TRUE(t.run(R"(
             C1: A002 RENAME FOO BAR
             S1: A002 OK RENAME completed.
             S2: * BYE Mailbox FOO has been renamed.
             C3: C001 STATUS BAR (MESSAGES)
             S3: * STATUS BAR (MESSAGES 2)
             S3: C001 OK
  )"));
  EXPECT_FALSE(t.connected(2));
  EXPECT_TRUE(t.connected(1));
}

// ---------------------------------------------------------------------------------------------------------
// §3.4: RENAME changes the name in place; holders keep working; commands naming the old name fail, here
// with the [NEWNAME] hint. The RFC elides the FETCH data (". . ."); client 2 selected second, so the
// messages are not \Recent for it and carry no flags.

TEST(Rfc2180, Section3_4_RenameInPlaceWithNewname) {
  auto p = policy("rename=inplace");
  p.newname_code = true;
  auto t = foo_scenario(p, 2, 7, {}, {1, 2});
  EXPECT_TRUE(t.run(R"(
    <Client #1 and Client #2 have mailbox FOO accessed. Client #1 RENAMEs the mailbox.>
             C1: A001 RENAME FOO BAR
             S1: A001 OK RENAME completed.
    <Client #2 is still able to do operations that do not reference the mailbox name>
             C2: B001 FETCH 2:4 (FLAGS)
             S2: * 2 FETCH (FLAGS ())
             S2: * 3 FETCH (FLAGS ())
             S2: * 4 FETCH (FLAGS ())
             S2: B001 OK FETCH completed
    <Client #2 is not able to do operations that reference the mailbox name>
  )" + append_lines(2, "B002", "FOO", small_message("late")) +
                    R"(
             S2: B002 NO [NEWNAME FOO BAR] Mailbox has been renamed
  )"));
  // The holders keep the same numbers and UIDs (INVARIANTS MBX-3): the view did not change.
  EXPECT_EQ(t.model().session_view(t.session(2)).size(), 7u);
}

TEST(Rfc2180, Section3_4_RenameInPlaceWithoutNewname) {
  auto p = policy("rename=inplace");
  p.newname_code = false;
  auto t = foo_scenario(p, 2, 3, {}, {1, 2});
  t.setup(1, "A001 RENAME FOO BAR");
  t.clear_all();
  const auto replies = t.exec(2, "B001 STATUS FOO (MESSAGES)");
  ASSERT_FALSE(replies.empty());
  EXPECT_TRUE(response_matches("B001 NO no such mailbox", replies.back())) << replies.back();
  EXPECT_EQ(replies.back().find("NEWNAME"), std::string::npos) << replies.back();
  EXPECT_TRUE(t.run(R"(
             C2: B002 FETCH 3 (FLAGS)
             S2: * 3 FETCH (FLAGS ())
             S2: B002 OK
             C2: B003 STATUS BAR (MESSAGES)
             S2: * STATUS BAR (MESSAGES 3)
             S2: B003 OK
  )"));
}

// ---------------------------------------------------------------------------------------------------------
// §4.1 scenario: clients 1 and 2 have FOO selected, 7 messages, 4:7 marked for deletion, client 1 expunges.

Transcript expunged_scenario(const model::Policy& p, int clients = 2) {
  auto t = foo_scenario(p, clients, 7, {4, 5, 6, 7}, {1, 2});
  EXPECT_TRUE(t.run(R"(
             C1: A001 EXPUNGE
             S1: * 4 EXPUNGE
             S1: * 4 EXPUNGE
             S1: * 4 EXPUNGE
             S1: * 4 EXPUNGE
             S1: A001 OK
  )"));
  return t;
}

// The NOOP by which client 2 learns of the four expunges (§4.1.1, §4.1.2, §4.2.3, §4.2.4 all show it).
constexpr const char* noop_tells_expunges = R"(
             C2: B009 NOOP
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 3 EXISTS
             S2: B009 OK NOOP Complete
)";

// §4.1.1: ghosted messages satisfy FETCH until the client was told of the EXPUNGE.
TEST(Rfc2180, Section4_1_1_GhostedMessagesUntilTold) {
  auto t = expunged_scenario(policy("fetch=ghost"));
  EXPECT_TRUE(t.run(R"(
    <Client #2 is still able to access the expunged messages because the server has kept a 'ghosted' copy
     of the messages until it is able to notify client #2 of the EXPUNGE>
             C2: B001 FETCH 4:7 RFC822
             S2: * 4 FETCH (...RFC822 {...}...Subject: m4...)
             S2: * 5 FETCH (...RFC822 {...}...Subject: m5...)
             S2: * 6 FETCH (...RFC822 {...}...Subject: m6...)
             S2: * 7 FETCH (...RFC822 {...}...Subject: m7...)
             S2: B001 OK FETCH Completed
    <Client #2 issues a command where it can get notified of the EXPUNGE>
             C2: B002 NOOP
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 3 EXISTS
             S2: B002 OK NOOP Complete
    <Client #2 no longer has access to the expunged messages>
             C2: B003 FETCH 4:7 RFC822
             S2: B003 NO Messages 4:7 are no longer available.
  )"));
}

// §4.1.2: FETCH responses only for live messages, and a tagged NO.
TEST(Rfc2180, Section4_1_2_LiveMessagesAndTaggedNo) {
  auto t = expunged_scenario(policy("fetch=no"));
  EXPECT_TRUE(t.run(R"(
    <Client #2 attempts to FETCH a mix of expunged and non-expunged messages. A FETCH response is returned
     only for then non-expunged messages along with a tagged NO>
             C2: B001 FETCH 3:5 ENVELOPE
             S2: * 3 FETCH (ENVELOPE (..."m3"...))
             S2: B001 NO Some of the requested messages no longer exist
    <Upon receiving a tagged NO FETCH response, Client #2 issues a NOOP to be informed of any pending
     EXPUNGE responses>
             C2: B002 NOOP
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 4 EXPUNGE
             S2: * 3 EXISTS
             S2: B002 OK NOOP Completed.
  )"));
}

// §4.1.3: NIL FETCH responses for expunged messages and OK; only expunged messages: tagged NO alone.
// (The RFC reuses the tag B002 for the second FETCH; this test numbers it B003.)
TEST(Rfc2180, Section4_1_3_NilFetchResponses) {
  auto t = expunged_scenario(policy("fetch=nil"));
  EXPECT_TRUE(t.run(R"(
    <Client #2 attempts to access a mix of expunged and non-expunged messages. Normal data is returned for
     non-expunged message, "NIL FETCH responses" are returned for expunged messages>
             C2: B002 FETCH 3:5 ENVELOPE
             S2: * 3 FETCH (ENVELOPE (..."m3"...))
             S2: * 4 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))
             S2: * 5 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))
             S2: B002 OK FETCH Completed
    <Client #2 attempts to FETCH only expunged messages and receives a tagged NO response>
             C2: B003 FETCH 4:7 ENVELOPE
             S2: B003 NO Messages 4:7 have been expunged.
  )"));
}

// §4.1.3's table of "NIL FETCH responses", one item at a time (message 3 is live, so the FETCH is a mix
// and answered OK; message 4 was expunged by client 1). The RFC's "<section>" is the whole message here.
TEST(Rfc2180, Section4_1_3_NilFetchResponseForEveryItem) {
  struct Row {
    const char* item;
    const char* nil_response;
  };
  const Row rows[] = {
      {"ENVELOPE", "* 4 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))"},
      {"FLAGS", "* 4 FETCH (FLAGS ())"},
      {"INTERNALDATE", "* 4 FETCH (INTERNALDATE \"00-Jan-0000 00:00:00 +0000\")"},
      {"RFC822", "* 4 FETCH (RFC822 \"\")"},
      {"RFC822.HEADER", "* 4 FETCH (RFC822.HEADER \"\")"},
      {"RFC822.TEXT", "* 4 FETCH (RFC822.TEXT \"\")"},
      {"RFC822.SIZE", "* 4 FETCH (RFC822.SIZE 0)"},
      {"BODY", "* 4 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0))"},
      {"BODYSTRUCTURE", "* 4 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0))"},
      {"BODY[]", "* 4 FETCH (BODY[] \"\")"},
      {"BODY[]<0.10>", "* 4 FETCH (BODY[]<0> \"\")"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.item);
    auto t = expunged_scenario(policy("fetch=nil"));
    EXPECT_TRUE(t.run(std::string("C2: B001 FETCH 3:4 ") + row.item + "\nS2: * 3 FETCH (...)\nS2: " +
                      row.nil_response + "\nS2: B001 OK\n"));
  }
}

// §4.1.4: the server MAY fail the EXPUNGE of a multi-accessed mailbox.
TEST(Rfc2180, Section4_1_4_ExpungeRefusedWhileOthersHaveTheMailbox) {
  auto t = foo_scenario(policy("fetch=refuse-expunge"), 2, 7, {4, 5, 6, 7}, {1, 2});
  EXPECT_TRUE(t.run(R"(
             C1: A001 EXPUNGE
             S1: A001 NO
             C2: B001 FETCH 4:7 (FLAGS)
             S2: * 4 FETCH (FLAGS (\Deleted))
             S2: * 5 FETCH (FLAGS (\Deleted))
             S2: * 6 FETCH (FLAGS (\Deleted))
             S2: * 7 FETCH (FLAGS (\Deleted))
             S2: B001 OK
    <once client 2 has left (UNSELECT, RFC 3691: CLOSE would expunge itself), the expunge goes through>
             C2: B002 UNSELECT
             S2: B002 OK
             C1: A002 EXPUNGE
             S1: * 4 EXPUNGE
             S1: * 4 EXPUNGE
             S1: * 4 EXPUNGE
             S1: * 4 EXPUNGE
             S1: A002 OK
  )"));
}

// ---------------------------------------------------------------------------------------------------------
// §4.2: STORE on expunged messages. §4.2.1 and §4.2.2 hold under both store policies.

class Rfc2180Store : public ::testing::TestWithParam<const char*> {};

// §4.2.1: .SILENT, flags set on every live message: tagged OK.
TEST_P(Rfc2180Store, Section4_2_1_SilentStoreIsOk) {
  auto t = expunged_scenario(policy(GetParam()));
  EXPECT_TRUE(t.run(std::string(R"(
    <Client #2 tries to silently STORE flags on expunged and non-expunged messages. The server sets the flags
     on the non-expunged messages and returns OK>
             C2: B001 STORE 1:7 +FLAGS.SILENT (\Seen)
             S2: B001 OK
  )") + noop_tells_expunges + R"(
             C2: B010 FETCH 1:3 (FLAGS)
             S2: * 1 FETCH (FLAGS (\Seen))
             S2: * 2 FETCH (FLAGS (\Seen))
             S2: * 3 FETCH (FLAGS (\Seen))
             S2: B010 OK
  )"));
}

// §4.2.2: not .SILENT, only expunged messages: a tagged NO and nothing else.
TEST_P(Rfc2180Store, Section4_2_2_OnlyExpungedMessagesGiveTaggedNo) {
  auto t = expunged_scenario(policy(GetParam()));
  EXPECT_TRUE(t.run(R"(
    <Client #2 tries to STORE flags only on expunged messages>
             C2: B001 STORE 5:7 +FLAGS (\Seen)
             S2: B001 NO  Messages have been expunged
  )"));
}

INSTANTIATE_TEST_SUITE_P(BothStorePolicies, Rfc2180Store, ::testing::Values("store=partial", "store=none"));

// §4.2.3: a mix, not .SILENT: flags set and FETCH for the live ones, tagged NO.
// The RFC writes "* FETCH 1 FLAGS (\SEEN)"; RFC 3501 §7.4.2 writes "* 1 FETCH (FLAGS (\Seen))".
TEST(Rfc2180, Section4_2_3_PartialStore) {
  auto t = expunged_scenario(policy("store=partial"));
  EXPECT_TRUE(t.run(std::string(R"(
    <Client #2 tries to STORE flags on a mixture of expunged and non-expunged messages>
             C2: B001 STORE 1:7 +FLAGS (\Seen)
             S2: * 1 FETCH (FLAGS (\Seen))
             S2: * 2 FETCH (FLAGS (\Seen))
             S2: * 3 FETCH (FLAGS (\Seen))
             S2: B001 NO Some of the messages no longer exist.
  )") + noop_tells_expunges));
}

// §4.2.4: a mix, not .SILENT: NO and no flag set; after the NOOP the client re-issues the STORE.
TEST(Rfc2180, Section4_2_4_NoFlagsSet) {
  auto t = expunged_scenario(policy("store=none"));
  EXPECT_TRUE(t.run(std::string(R"(
    <Client #2 tries to STORE flags on a mixture of expunged and non-expunged messages>
             C2: B001 STORE 1:7 +FLAGS (\Seen)
             S2: B001 NO  Some of the messages no longer exist.
    <no flag was set on the live messages>
             C2: B002 FETCH 1:3 (FLAGS)
             S2: * 1 FETCH (FLAGS ())
             S2: * 2 FETCH (FLAGS ())
             S2: * 3 FETCH (FLAGS ())
             S2: B002 OK
    <Client #2 issues a NOOP to be informed of the EXPUNGED messages>
  )") + noop_tells_expunges + R"(
    <Client #2 updates its message list and re-issues the STORE on only those messages that have not been
     expunged>
             C2: B003 STORE 1:3 +FLAGS (\Seen)
             S2: * 1 FETCH (FLAGS (\Seen))
             S2: * 2 FETCH (FLAGS (\Seen))
             S2: * 3 FETCH (FLAGS (\Seen))
             S2: B003 OK  STORE Completed
  )"));
}

// ---------------------------------------------------------------------------------------------------------
// §4.3: SEARCH leaves out messages expunged but not yet reported, and sends no EXPUNGE (RFC 3501 §7.4.1).
// The RFC gives no transcript; this is its sentence as one. fetch=ghost keeps the messages readable, so the
// rule is checked under the other fetch policies.

class Rfc2180Search : public ::testing::TestWithParam<const char*> {};

TEST_P(Rfc2180Search, Section4_3_SearchOmitsUnreportedExpunges) {
  auto t = expunged_scenario(policy(GetParam()));
  EXPECT_TRUE(t.run(std::string(R"(
             C2: B001 SEARCH ALL
             S2: * SEARCH 1 2 3
             S2: B001 OK
             C2: B002 SEARCH DELETED
             S2: * SEARCH
             S2: B002 OK
  )") + noop_tells_expunges));
}

INSTANTIATE_TEST_SUITE_P(FetchPolicies, Rfc2180Search, ::testing::Values("fetch=no", "fetch=nil"));

// ---------------------------------------------------------------------------------------------------------
// §4.4: COPY of expunged messages. Client 1 is the RFC's "C:"; client 2 expunges one message of FOO (already
// flagged \Deleted when appended) while client 1 has FOO selected; FRED is the empty destination.

Transcript copy_scenario(const std::string& policy_text, int deleted) {
  auto t = foo_scenario(policy(policy_text), 3, 8, {deleted}, {1, 2});
  t.setup(3, "C000 CREATE FRED");
  t.setup(2, "B000 EXPUNGE");
  t.clear_all();
  return t;
}

// FRED's messages by Subject, read by client 3.
std::string fred_subjects_script(const std::vector<int>& subjects) {
  std::string out = "C3: C001 EXAMINE FRED\nS3: [...]\nS3: C001 OK\n";
  out += "C3: C002 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\n";
  for (std::size_t i = 0; i < subjects.size(); ++i)
    out += "S3: * " + std::to_string(i + 1) + " FETCH (...Subject: m" + std::to_string(subjects[i]) + "...)\n";
  return out + "S3: C002 OK\n";
}

// §4.4.1: pending EXPUNGEs are returned to the COPY, which fails and copies nothing.
TEST(Rfc2180, Section4_4_1_CopyRefused) {
  auto t = copy_scenario("copy=fail", 4);
  EXPECT_TRUE(t.run(R"(
             C1: A001 COPY 2,4,6,8 FRED
             S1: * 4 EXPUNGE
             S1: A001 NO COPY rejected, because some of the requested messages were expunged
    <None of the above messages are copied: a failed COPY leaves the destination as it was>
             C3: C001 STATUS FRED (MESSAGES)
             S3: * STATUS FRED (MESSAGES 0)
             S3: C001 OK
  )"));
}

// §4.4.2, first example: message 3 was expunged; 2,4,6,8 at the start of the COPY are copied.
TEST(Rfc2180, Section4_4_2_CopySnapshotExpungeOutsideTheSet) {
  auto t = copy_scenario("copy=snapshot", 3);
  EXPECT_TRUE(t.run(std::string(R"(
             C1: A001 COPY 2,4,6,8 FRED
             S1: * 3 EXPUNGE
             S1: A001 OK COPY completed
  )") + fred_subjects_script({2, 4, 6, 8})));
}

// §4.4.2, second example: message 4 was copied before it was expunged and MUST appear in FRED.
TEST(Rfc2180, Section4_4_2_CopySnapshotIncludesTheExpungedMessage) {
  auto t = copy_scenario("copy=snapshot", 4);
  EXPECT_TRUE(t.run(std::string(R"(
             C1: A001 COPY 2,4,6,8 FRED
             S1: * 4 EXPUNGE
             S1: A001 OK COPY completed
  )") + fred_subjects_script({2, 4, 6, 8})));
}

// ---------------------------------------------------------------------------------------------------------
// One scenario per policy dimension, run under every value of it, showing how the values differ.

struct Contrast {
  const char* policy;
  std::string script;
};

void PrintTo(const Contrast& c, std::ostream* os) { *os << c.policy; }

// Test names from the policy value, e.g. "fetch_refuse_expunge".
std::string contrast_name(const ::testing::TestParamInfo<Contrast>& info) {
  std::string name = info.param.policy;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

class Rfc2180DeleteContrast : public ::testing::TestWithParam<Contrast> {};

TEST_P(Rfc2180DeleteContrast, DeleteOfMailboxAnotherClientHasSelected) {
  auto t = foo_scenario(policy(GetParam().policy), 3, 2, {}, {1, 2});
  EXPECT_TRUE(t.run(GetParam().script));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc2180, Rfc2180DeleteContrast,
    ::testing::Values(
        Contrast{"delete=fail", R"(
             C1: A001 DELETE FOO
             S1: A001 NO
             C2: B001 NOOP
             S2: B001 OK
             C3: C001 CREATE FOO
             S3: C001 NO [ALREADYEXISTS]
        )"},
        Contrast{"delete=ghost", R"(
             C1: A001 DELETE FOO
             S1: A001 OK
             C2: B001 NOOP
             S2: B001 OK
             C3: C001 CREATE FOO
             S3: C001 NO
             C2: B002 CLOSE
             S2: B002 OK
             C3: C002 CREATE FOO
             S3: C002 OK
        )"},
        Contrast{"delete=bye", R"(
             C1: A001 DELETE FOO
             S1: A001 OK
             S2: * BYE
             C3: C001 CREATE FOO
             S3: C001 OK
        )"}),
    contrast_name);

class Rfc2180RenameContrast : public ::testing::TestWithParam<Contrast> {};

TEST_P(Rfc2180RenameContrast, RenameOfMailboxAnotherClientHasSelected) {
  auto t = foo_scenario(policy(GetParam().policy), 3, 2, {}, {1, 2});
  EXPECT_TRUE(t.run(GetParam().script));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc2180, Rfc2180RenameContrast,
    ::testing::Values(
        Contrast{"rename=fail", R"(
             C1: A001 RENAME FOO BAR
             S1: A001 NO
             C2: B001 FETCH 2 (FLAGS)
             S2: * 2 FETCH (FLAGS ())
             S2: B001 OK
             C3: C001 STATUS FOO (MESSAGES)
             S3: * STATUS FOO (MESSAGES 2)
             S3: C001 OK
        )"},
        Contrast{"rename=bye", R"(
             C1: A001 RENAME FOO BAR
             S1: A001 OK
             S2: * BYE
             C3: C001 STATUS BAR (MESSAGES)
             S3: * STATUS BAR (MESSAGES 2)
             S3: C001 OK
        )"},
        Contrast{"rename=inplace", R"(
             C1: A001 RENAME FOO BAR
             S1: A001 OK
             C2: B001 FETCH 2 (FLAGS)
             S2: * 2 FETCH (FLAGS ())
             S2: B001 OK
             C3: C001 STATUS BAR (MESSAGES)
             S3: * STATUS BAR (MESSAGES 2)
             S3: C001 OK
             C3: C002 CREATE FOO
             S3: C002 OK
             C3: C003 STATUS FOO (MESSAGES UIDNEXT)
             S3: * STATUS FOO (MESSAGES 0)
             S3: C003 OK
        )"}),
    contrast_name);

class Rfc2180FetchContrast : public ::testing::TestWithParam<Contrast> {};

TEST_P(Rfc2180FetchContrast, FetchOfMixOfLiveAndExpungedMessages) {
  const model::Policy p = policy(GetParam().policy);
  if (p.fetch == model::Policy::Fetch::RefuseExpunge) {
    // The expunge itself is refused, so there is nothing expunged to fetch.
    auto t = foo_scenario(p, 2, 7, {4, 5, 6, 7}, {1, 2});
    EXPECT_TRUE(t.run(GetParam().script));
    return;
  }
  auto t = expunged_scenario(p);
  EXPECT_TRUE(t.run(GetParam().script));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc2180, Rfc2180FetchContrast,
    ::testing::Values(
        Contrast{"fetch=ghost", R"(
             C2: B001 FETCH 3:4 (RFC822.SIZE)
             S2: * 3 FETCH (RFC822.SIZE ...)
             S2: * 4 FETCH (RFC822.SIZE ...)
             S2: B001 OK
        )"},
        Contrast{"fetch=no", R"(
             C2: B001 FETCH 3:4 (RFC822.SIZE)
             S2: * 3 FETCH (RFC822.SIZE ...)
             S2: B001 NO
        )"},
        Contrast{"fetch=nil", R"(
             C2: B001 FETCH 3:4 (RFC822.SIZE)
             S2: * 3 FETCH (RFC822.SIZE ...)
             S2: * 4 FETCH (RFC822.SIZE 0)
             S2: B001 OK
        )"},
        Contrast{"fetch=refuse-expunge", R"(
             C1: A001 EXPUNGE
             S1: A001 NO
             C2: B001 FETCH 3:4 (RFC822.SIZE)
             S2: * 3 FETCH (RFC822.SIZE ...)
             S2: * 4 FETCH (RFC822.SIZE ...)
             S2: B001 OK
        )"}),
    contrast_name);

// §4.1.1 versus the others: under ghost the data is the message's own, not a NIL placeholder.
TEST(Rfc2180, FetchGhostReturnsTheOriginalSize) {
  auto t = expunged_scenario(policy("fetch=ghost"));
  const auto replies = t.exec(2, "B001 FETCH 4 (RFC822.SIZE)");
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].find("RFC822.SIZE 0)"), std::string::npos) << replies[0];
  EXPECT_EQ(replies[0].rfind("* 4 FETCH (RFC822.SIZE ", 0), 0u) << replies[0];
}

class Rfc2180StoreContrast : public ::testing::TestWithParam<Contrast> {};

TEST_P(Rfc2180StoreContrast, StoreOnMixOfLiveAndExpungedMessages) {
  auto t = expunged_scenario(policy(GetParam().policy));
  EXPECT_TRUE(t.run(GetParam().script));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc2180, Rfc2180StoreContrast,
    ::testing::Values(
        Contrast{"store=partial", R"(
             C2: B001 STORE 3:4 +FLAGS (\Flagged)
             S2: * 3 FETCH (FLAGS (\Flagged))
             S2: B001 NO
             C2: B002 FETCH 3 (FLAGS)
             S2: * 3 FETCH (FLAGS (\Flagged))
             S2: B002 OK
        )"},
        Contrast{"store=none", R"(
             C2: B001 STORE 3:4 +FLAGS (\Flagged)
             S2: B001 NO
             C2: B002 FETCH 3 (FLAGS)
             S2: * 3 FETCH (FLAGS ())
             S2: B002 OK
        )"}),
    contrast_name);

class Rfc2180CopyContrast : public ::testing::TestWithParam<Contrast> {};

TEST_P(Rfc2180CopyContrast, CopyIncludingAnExpungedMessage) {
  auto t = copy_scenario(GetParam().policy, 4);
  EXPECT_TRUE(t.run(GetParam().script));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc2180, Rfc2180CopyContrast,
    ::testing::Values(
        Contrast{"copy=fail", R"(
             C1: A001 COPY 4 FRED
             S1: * 4 EXPUNGE
             S1: A001 NO
             C3: C001 STATUS FRED (MESSAGES)
             S3: * STATUS FRED (MESSAGES 0)
             S3: C001 OK
        )"},
        Contrast{"copy=snapshot", R"(
             C1: A001 COPY 4 FRED
             S1: * 4 EXPUNGE
             S1: A001 OK
             C3: C001 STATUS FRED (MESSAGES)
             S3: * STATUS FRED (MESSAGES 1)
             S3: C001 OK
        )"}),
    contrast_name);

}  // namespace
}  // namespace imaplab::testing
