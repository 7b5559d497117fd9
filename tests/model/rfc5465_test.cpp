// RFC 5465 (IMAP NOTIFY) and its seed draft (draft-ietf-lemonade-imap-notify-00) as tests: every example runs
// against the model with a second session causing the events, plus the argument rules of §3.1 and §5, the
// rule that a client is not told of its own changes (§5), mailboxes it cannot see (§3.1, §5.9), IDLE (§4)
// and NOTIFICATIONOVERFLOW (§5.8). What arrives between commands is Model::unsolicited().
// Where the RFC's example is not valid under its own ABNF (events without parentheses, MessageNew without
// MessageExpunge), the test uses the corrected form and says so.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "model/model.hpp"
#include "model/policy.hpp"
#include "proto/response_parser.hpp"
#include "proto/writer.hpp"
#include "tests/model/transcript.hpp"

namespace imaplab::testing {
namespace {

using Vars = std::map<std::string, std::string>;

// Replaces every "${name}" in the script with its value (values the model chooses, such as UIDVALIDITY).
std::string fill(std::string text, const Vars& vars) {
  for (const auto& [name, value] : vars) {
    const std::string key = "${" + name + "}";
    for (std::size_t pos = 0; (pos = text.find(key, pos)) != std::string::npos; pos += value.size())
      text.replace(pos, key.size(), value);
  }
  return text;
}

model::Model::MailboxInfo info(const Transcript& t, const std::string& owner, const std::string& name) {
  for (const auto& mb : t.model().mailboxes())
    if (mb.owner == owner && mb.name == name) return mb;
  ADD_FAILURE() << "no mailbox " << name << " of " << owner;
  return {};
}

std::string num(std::uint64_t n) { return std::to_string(n); }

// Two sessions of bob (client 1 watches, client 2 causes events) and the mailboxes the examples name:
// INBOX, misc, Lists, Lists/Lemonade (3 messages) and Lists/Im2000 (empty); misc holds 2 messages.
Transcript bob_with_lists() {
  Transcript t(model::Policy{}, {{"alice", "alice"}, {"bob", "alice"}});
  t.login(1, "bob");
  t.login(2, "bob");
  for (const char* name : {"misc", "Lists", "Lists/Lemonade", "Lists/Im2000"})
    t.setup(2, std::string("X CREATE ") + name);
  for (int i = 1; i <= 3; ++i) t.append(2, "Lists/Lemonade", small_message("lemonade " + num(i)));
  for (int i = 1; i <= 2; ++i) t.append(2, "misc", small_message("misc " + num(i)));
  for (int i = 1; i <= 2; ++i) t.append(2, "INBOX", small_message("inbox " + num(i)));
  t.clear_all();
  return t;
}

// The message of the §3.1 example: its Subject, From and To header fields are 75 octets with the blank line.
std::string good_morning() {
  return "Subject: Re: good morning\r\nFrom: alice@example.org\r\nTo: bob@example.org\r\n\r\nHi Bob.\r\n";
}

// The parsed tagged completion among `replies` (the last one).
std::optional<proto::Response> last_response(const std::vector<std::string>& replies) {
  if (replies.empty()) return std::nullopt;
  auto parsed = proto::parse_response(replies.back());
  if (auto* r = std::get_if<proto::Response>(&parsed)) return *r;
  return std::nullopt;
}

std::optional<proto::Condition> condition_of(const std::vector<std::string>& replies) {
  const auto r = last_response(replies);
  if (!r) return std::nullopt;
  if (auto* s = std::get_if<proto::StatusResponse>(&r->body)) return s->condition;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------
// §3.1 example. Corrections: the RFC writes "(selected MessageNew (...) MessageExpunge)" and
// "(subtree Lists MessageNew)"; the ABNF puts events in parentheses and §5 requires MessageExpunge with
// MessageNew. It omits "* 2 EXISTS" before the FETCH, which §5.2 requires. Unsolicited STATUS for another
// mailbox carries at least UIDNEXT and MESSAGES (§5.2). The order of NOTIFY's STATUS responses is not fixed
// ("~"). The client sends the header field names as the RFC's answer shows them. "S: d STATUS completed"
// lacks its status word; RFC 3501 §7.1 makes it "d OK STATUS completed".

TEST(Rfc5465, Section3_1_Example) {
  Transcript t(model::Policy{}, {{"alice", "alice"}, {"bob", "alice"}});
  t.login(2, "bob");
  for (const char* name : {"misc", "Lists", "Lists/Lemonade", "Lists/Im2000"})
    t.setup(2, std::string("X CREATE ") + name);
  for (int i = 1; i <= 3; ++i) t.append(2, "Lists/Lemonade", small_message("lemonade " + num(i)));
  t.append(2, "INBOX", small_message("first"));
  t.clear_all();
  t.connect(1);
  const auto lists = info(t, "bob", "Lists");
  const auto lemonade = info(t, "bob", "Lists/Lemonade");
  const auto im2000 = info(t, "bob", "Lists/Im2000");
  Vars v{{"V0", num(lists.uidvalidity)},    {"N0", num(lists.uidnext)},
         {"V1", num(lemonade.uidvalidity)}, {"N1", num(lemonade.uidnext)},
         {"V2", num(im2000.uidvalidity)},   {"N2", num(im2000.uidnext)}};
  EXPECT_TRUE(t.run(fill(R"(
         S1: * OK [CAPABILITY ...NOTIFY...]...
         C1: a login bob alice
         S1: a OK Password matched
         C1: b notify set status (selected (MessageNew (uid body.peek[header.fields (From To Subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))
         S1: ~* STATUS Lists/Lemonade (UIDVALIDITY ${V1} UIDNEXT ${N1} MESSAGES 3)
         S1: ~* STATUS Lists (UIDVALIDITY ${V0} UIDNEXT ${N0} MESSAGES 0)
         S1: ~* STATUS Lists/Im2000 (UIDVALIDITY ${V2} UIDNEXT ${N2} MESSAGES 0)
         S1: b OK done
         C1: c select inbox
         S1: [...]
         S1: c OK INBOX selected
  )", v)));
  // (Time passes. A new message is delivered to mailbox Lists/Lemonade.)
  t.append(2, "Lists/Lemonade", small_message("lemonade 4"));
  v["N1+1"] = num(lemonade.uidnext + 1);
  EXPECT_TRUE(t.run(fill(R"(
         S1: * STATUS Lists/Lemonade (UIDNEXT ${N1+1} MESSAGES 4)
  )", v)));
  // (Time passes. A new message is delivered to inbox.)
  t.append(2, "INBOX", good_morning());
  v["U"] = num(info(t, "bob", "INBOX").uidnext - 1);
  EXPECT_TRUE(t.run(fill(R"(
         S1: * 2 EXISTS
         S1: [...]
         S1: * 2 FETCH (UID ${U} BODY[HEADER.FIELDS (From To Subject)] {75}
         S1: Subject: Re: good morning
         S1: From: alice@example.org
         S1: To: bob@example.org
         S1:
         S1: )
  )", v)));
  // (The client adds one more mailbox: an explicit STATUS, then NOTIFY SET without STATUS.)
  const auto misc = info(t, "bob", "misc");
  v["V3"] = num(misc.uidvalidity);
  v["N3"] = num(misc.uidnext);
  v["N3+1"] = num(misc.uidnext + 1);
  EXPECT_TRUE(t.run(fill(R"(
         C1: d STATUS misc (UIDVALIDITY UIDNEXT MESSAGES)
         S1: * STATUS misc (UIDVALIDITY ${V3} UIDNEXT ${N3} MESSAGES 0)
         S1: d OK STATUS completed
         C1: e notify set (selected (MessageNew (uid body.peek[header.fields (From To Subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge)) (mailboxes misc (MessageNew MessageExpunge))
         S1: e OK done
  )", v)));
  t.append(2, "misc", small_message("misc 1"));
  EXPECT_TRUE(t.run(fill("S1: * STATUS misc (UIDNEXT ${N3+1} MESSAGES 1)\n", v)));
}

// The seed draft's version of the example ends with NOTIFY ADD: "This command enables notification on one
// mailbox and otherwise changes nothing, so one STATUS response is sent." (The draft's "(uid) (all)"
// match criteria are not in RFC 5465 and are left out.)
TEST(Rfc5465, DraftNotifyAddSendsStatusForTheAddedMailboxOnly) {
  auto t = bob_with_lists();
  const auto misc = info(t, "bob", "misc");
  const auto lemonade = info(t, "bob", "Lists/Lemonade");
  Vars v{{"V", num(misc.uidvalidity)}, {"N", num(misc.uidnext)}, {"NL", num(lemonade.uidnext + 1)}};
  EXPECT_TRUE(t.run(fill(R"(
         C1: b notify set (subtree Lists (MessageNew MessageExpunge))
         S1: b OK done
         C1: d notify add status (mailboxes misc (MessageNew MessageExpunge))
         S1: * STATUS misc (UIDVALIDITY ${V} UIDNEXT ${N} MESSAGES 2)
         S1: d OK done
  )", v)));
  // ADD prepends: the earlier subtree is still watched.
  t.append(2, "Lists/Lemonade", small_message("after add"));
  EXPECT_TRUE(t.run(fill("S1: * STATUS Lists/Lemonade (UIDNEXT ${NL} MESSAGES 4)\n", v)));
}

// §3.1: "If the NOTIFY command enables ... FlagChange ... and the server also supports CONDSTORE ..., the
// STATUS response MUST contain UIDVALIDITY and HIGHESTMODSEQ."
TEST(Rfc5465, Section3_1_StatusItemsForFlagChange) {
  auto t = bob_with_lists();
  const auto misc = info(t, "bob", "misc");
  Vars v{{"V", num(misc.uidvalidity)}, {"N", num(misc.uidnext)}, {"H", num(misc.highestmodseq)}};
  EXPECT_TRUE(t.run(fill(R"(
         C1: a ENABLE CONDSTORE
         S1: * ENABLED CONDSTORE
         S1: a OK
         C1: b NOTIFY SET STATUS (mailboxes misc (MessageNew MessageExpunge FlagChange))
         S1: * STATUS misc (UIDVALIDITY ${V} UIDNEXT ${N} MESSAGES 2 HIGHESTMODSEQ ${H})
         S1: b OK
  )", v)));
}

// §3.1: a successful NOTIFY SET implies NOOP: pending changes of the selected mailbox come first.
TEST(Rfc5465, Section3_1_NotifySetActsAsNoop) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT misc");
  t.clear_all();
  t.append(2, "misc", small_message("pending"));
  EXPECT_TRUE(t.run(R"(
         C1: b NOTIFY SET (selected (MessageNew MessageExpunge))
         S1: * 3 EXISTS
         S1: [...]
         S1: b OK
  )"));
}

// ---------------------------------------------------------------------------------------------------------
// §3.1 and §5 argument rules.

struct BadNotify {
  const char* arguments;
  proto::Condition condition;
  const char* rule;
};

void PrintTo(const BadNotify& b, std::ostream* os) { *os << "NOTIFY " << b.arguments; }

class Rfc5465Arguments : public ::testing::TestWithParam<BadNotify> {};

TEST_P(Rfc5465Arguments, IsRefused) {
  auto t = bob_with_lists();
  const auto replies = t.exec(1, std::string("a NOTIFY ") + GetParam().arguments);
  EXPECT_EQ(condition_of(replies), GetParam().condition)
      << GetParam().rule << "\n  NOTIFY " << GetParam().arguments << "\n  got: "
      << (replies.empty() ? "nothing" : replies.back());
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5465, Rfc5465Arguments,
    ::testing::Values(
        BadNotify{"SET (selected (MessageNew))", proto::Condition::Bad,
                  "§5: MessageNew and MessageExpunge MUST be specified together (else BAD)"},
        BadNotify{"SET (personal (MessageExpunge))", proto::Condition::Bad,
                  "§5: MessageNew and MessageExpunge MUST be specified together (else BAD)"},
        BadNotify{"SET (personal (FlagChange))", proto::Condition::Bad,
                  "§5: FlagChange requires MessageNew and MessageExpunge (else BAD)"},
        BadNotify{"SET (selected (MessageNew FlagChange))", proto::Condition::Bad,
                  "§5: FlagChange requires MessageNew and MessageExpunge (else BAD)"},
        BadNotify{"SET (selected (MailboxName))", proto::Condition::Bad,
                  "§6.1: only message events with SELECTED"},
        BadNotify{"SET (selected-delayed (SubscriptionChange))", proto::Condition::Bad,
                  "§6.1: only message events with SELECTED-DELAYED"},
        BadNotify{"SET (selected (MessageNew MessageExpunge)) (selected-delayed (MessageNew MessageExpunge))",
                  proto::Condition::Bad, "§6.1: only one of SELECTED and SELECTED-DELAYED"},
        BadNotify{"SET (personal (MessageNew (uid) MessageExpunge))", proto::Condition::Bad,
                  "§8: the fetch-att list may only be present for SELECTED/SELECTED-DELAYED"},
        BadNotify{"SET (personal (MailboxMetadataChange))", proto::Condition::No,
                  "§3.1: unsupported event: tagged NO (not BAD) with BADEVENT"},
        BadNotify{"SET (personal (ServerMetadataChange))", proto::Condition::No,
                  "§3.1: unsupported event: tagged NO (not BAD) with BADEVENT"},
        BadNotify{"SET (personal (MessageNew MessageExpunge AnnotationChange))", proto::Condition::No,
                  "§3.1: unsupported event: tagged NO (not BAD) with BADEVENT"},
        BadNotify{"SET (personal (QuotaExceed))", proto::Condition::No,
                  "§3.1: unsupported event (the draft's quota events): tagged NO with BADEVENT"},
        BadNotify{"SET (personal (FooBar))", proto::Condition::No,
                  "§3.1: unknown event (event-ext): tagged NO with BADEVENT"}));

// §3.1: "This response SHOULD contain the BADEVENT response code, which MUST list names of all events
// supported by the server."
TEST(Rfc5465, Section3_1_BadeventListsTheSupportedEvents) {
  auto t = bob_with_lists();
  const auto reply = last_response(t.exec(1, "a NOTIFY SET (personal (MailboxMetadataChange))"));
  ASSERT_TRUE(reply.has_value());
  const auto* status = std::get_if<proto::StatusResponse>(&reply->body);
  ASSERT_NE(status, nullptr);
  ASSERT_TRUE(status->code.has_value());
  EXPECT_EQ(status->code->name, "BADEVENT");
  auto listed = [&](const std::string& event) {
    return std::any_of(status->code->list.begin(), status->code->list.end(), [&](const std::string& e) {
      return std::equal(e.begin(), e.end(), event.begin(), event.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    });
  };
  for (const char* supported : {"MessageNew", "MessageExpunge", "FlagChange", "MailboxName", "SubscriptionChange"})
    EXPECT_TRUE(listed(supported)) << supported << " is supported and must be listed";
  EXPECT_FALSE(listed("MailboxMetadataChange"));
  EXPECT_FALSE(listed("AnnotationChange"));
}

// A refused NOTIFY leaves the earlier one in effect ("The effect of a successful NOTIFY command lasts until
// the next NOTIFY command").
TEST(Rfc5465, Section3_1_RefusedNotifyKeepsTheEarlierOne) {
  auto t = bob_with_lists();
  const auto misc = info(t, "bob", "misc");
  t.setup(1, "a NOTIFY SET (mailboxes misc (MessageNew MessageExpunge))");
  t.exec(1, "b NOTIFY SET (mailboxes misc (MessageNew))");
  t.clear_all();
  t.append(2, "misc", small_message("still watched"));
  EXPECT_TRUE(t.run("S1: * STATUS misc (UIDNEXT " + num(misc.uidnext + 1) + " MESSAGES 3)\n"));
}

// ---------------------------------------------------------------------------------------------------------
// §5.1 FlagChange. Client 2 selects INBOX first, so the messages are not \Recent for client 1.

TEST(Rfc5465, Section5_1_FlagChangeInTheSelectedMailbox) {
  auto t = bob_with_lists();
  t.setup(2, "x SELECT INBOX");
  t.setup(1, "a SELECT INBOX");
  t.setup(1, "b NOTIFY SET (selected (MessageNew MessageExpunge FlagChange))");
  t.clear_all();
  t.setup(2, "y STORE 2 +FLAGS ($Junk)");
  const auto uid = t.model().session_view(t.session(1)).at(1);
  // §5.1: "It MAY also send new FLAGS and/or OK [PERMANENTFLAGS ...] responses" for the new keyword.
  EXPECT_TRUE(t.run("S1: [...]\nS1: * 2 FETCH (UID " + num(uid) + " FLAGS ($Junk))\n"));
}

TEST(Rfc5465, Section5_1_FlagChangeInAnotherMailboxWithCondstore) {
  auto t = bob_with_lists();
  t.setup(1, "a ENABLE CONDSTORE");
  t.setup(1, "b NOTIFY SET (mailboxes misc (MessageNew MessageExpunge FlagChange))");
  t.setup(2, "x SELECT misc");
  t.clear_all();
  t.setup(2, "y STORE 1 +FLAGS ($Junk)");
  const auto misc = info(t, "bob", "misc");
  EXPECT_TRUE(t.run("S1: * STATUS misc (HIGHESTMODSEQ " + num(misc.highestmodseq) + " UIDVALIDITY " +
                    num(misc.uidvalidity) + ")\n"));
}

// "If CONDSTORE/QRESYNC is not enabled by the client and the server chooses not to include the UNSEEN data
// item, the server does not notify the client."
TEST(Rfc5465, Section5_1_FlagChangeInAnotherMailboxWithoutCondstore) {
  auto t = bob_with_lists();
  t.setup(1, "b NOTIFY SET (mailboxes misc (MessageNew MessageExpunge FlagChange))");
  t.setup(2, "x SELECT misc");
  t.clear_all();
  t.setup(2, "y STORE 1 +FLAGS ($Junk)");
  for (const auto& update : t.queued(1))
    EXPECT_NE(update.find("UNSEEN"), std::string::npos) << "only a STATUS with UNSEEN may be sent: " << update;
}

// ---------------------------------------------------------------------------------------------------------
// §5.2 MessageNew.

TEST(Rfc5465, Section5_2_MessageNewInTheSelectedMailbox) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT INBOX");
  t.setup(1, "b NOTIFY SET (selected (MessageNew (uid) MessageExpunge))");
  t.clear_all();
  t.append(2, "INBOX", small_message("new"));
  const auto uid = info(t, "bob", "INBOX").uidnext - 1;
  // "The server MAY also send a RECENT response": "[...]" lets it.
  EXPECT_TRUE(t.run("S1: * 3 EXISTS\nS1: [...]\nS1: * 3 FETCH (UID " + num(uid) + ")\n"));
}

TEST(Rfc5465, Section5_2_MessageNewInAnotherMailbox) {
  auto t = bob_with_lists();
  t.setup(1, "b NOTIFY SET (subtree Lists (MessageNew MessageExpunge))");
  t.clear_all();
  const auto before = info(t, "bob", "Lists/Lemonade");
  t.append(2, "Lists/Lemonade", small_message("new"));
  EXPECT_TRUE(t.run("S1: * STATUS Lists/Lemonade (UIDNEXT " + num(before.uidnext + 1) + " MESSAGES 4)\n"));
}

// "A FETCH response SHOULD NOT be generated for a new message created by the client on this particular
// connection" (§5.2), and §5: no notification about the client's own changes.
TEST(Rfc5465, Section5_2_OwnAppendIsNotNotified) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT INBOX");
  t.setup(1, "b NOTIFY SET (selected (MessageNew (uid) MessageExpunge)) (personal (MessageNew MessageExpunge))");
  t.clear_all();
  t.append(1, "misc", small_message("own"));
  t.append(1, "INBOX", small_message("own"));
  EXPECT_TRUE(t.queued(1).empty()) << t.queued(1).front();
  for (const auto& r : t.exec(1, "c NOOP")) EXPECT_EQ(r.find("FETCH"), std::string::npos) << r;
}

// §6: SELECTED overrides the other filters for the selected mailbox; `personal` still covers the others.
TEST(Rfc5465, Section6_SelectedOverridesPersonal) {
  auto t = bob_with_lists();
  t.setup(2, "x SELECT INBOX");
  t.setup(1, "a SELECT INBOX");
  t.clear_all();
  const auto misc = info(t, "bob", "misc");
  EXPECT_TRUE(t.run(R"(
         C1: a notify set (selected (Messagenew (uid flags) messageExpunge)) (personal (MessageNew FlagChange MessageExpunge))
         S1: a OK
  )"));
  t.append(2, "INBOX", small_message("new"));
  const auto uid = info(t, "bob", "INBOX").uidnext - 1;
  t.append(2, "misc", small_message("new"));
  EXPECT_TRUE(t.run("S1: * 3 EXISTS\nS1: [...]\nS1: * 3 FETCH (UID " + num(uid) + " FLAGS (...))\nS1: * STATUS misc (UIDNEXT " +
                    num(misc.uidnext + 1) + " MESSAGES 3)\n"));
}

// §6: several event groups apply to one mailbox: message events for INBOX by name, SubscriptionChange by
// personal.
TEST(Rfc5465, Section6_SeveralGroupsForOneMailbox) {
  auto t = bob_with_lists();
  const auto inbox = info(t, "bob", "INBOX");
  EXPECT_TRUE(t.run(R"(
         C1: a notify set (mailboxes INBOX (Messagenew messageExpunge)) (personal (SubscriptionChange))
         S1: a OK
  )"));
  t.append(2, "INBOX", small_message("new"));
  t.setup(2, "y SUBSCRIBE INBOX");
  EXPECT_TRUE(t.run("S1: * STATUS INBOX (UIDNEXT " + num(inbox.uidnext + 1) + " MESSAGES 3)\n" +
                    "S1: * LIST (\\Subscribed) \"/\" INBOX\n"));
}

// ---------------------------------------------------------------------------------------------------------
// §5.3 MessageExpunge and §6.1.2 SELECTED-DELAYED.

TEST(Rfc5465, Section5_3_MessageExpungeInTheSelectedMailbox) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT misc");
  t.setup(1, "b NOTIFY SET (selected (MessageNew MessageExpunge))");
  t.setup(2, "x SELECT misc");
  t.clear_all();
  t.setup(2, "y STORE 2 +FLAGS.SILENT (\\Deleted)");
  t.setup(2, "z EXPUNGE");
  EXPECT_TRUE(t.run("S1: * 2 EXPUNGE\n"));
  EXPECT_EQ(t.model().session_view(t.session(1)).size(), 1u);
}

TEST(Rfc5465, Section5_3_MessageExpungeInAnotherMailbox) {
  auto t = bob_with_lists();
  t.setup(1, "b NOTIFY SET (mailboxes misc (MessageNew MessageExpunge))");
  t.setup(2, "x SELECT misc");
  t.clear_all();
  const auto misc = info(t, "bob", "misc");
  t.setup(2, "y STORE 2 +FLAGS.SILENT (\\Deleted)");
  t.setup(2, "z EXPUNGE");
  EXPECT_TRUE(t.run("S1: * STATUS misc (UIDNEXT " + num(misc.uidnext) + " MESSAGES 1)\n"));
}

TEST(Rfc5465, Section6_1_2_SelectedDelayedWaitsForACommand) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT misc");
  t.setup(1, "b NOTIFY SET (selected-delayed (MessageNew MessageExpunge))");
  t.setup(2, "x SELECT misc");
  t.clear_all();
  t.setup(2, "y STORE 2 +FLAGS.SILENT (\\Deleted)");
  t.setup(2, "z EXPUNGE");
  for (const auto& update : t.queued(1))
    EXPECT_EQ(update.find("EXPUNGE"), std::string::npos) << "SELECTED-DELAYED sent an expunge at once: " << update;
  t.clear(1);
  EXPECT_TRUE(t.run(R"(
         C1: d NOOP
         S1: [...]
         S1: * 2 EXPUNGE
         S1: [...]
         S1: d OK
  )"));
}

// ---------------------------------------------------------------------------------------------------------
// §5.4 MailboxName (and the draft's MailboxCreate/MailboxDelete/MailboxRename, aliases of it).

class Rfc5465MailboxName : public ::testing::TestWithParam<const char*> {};

TEST_P(Rfc5465MailboxName, CreateDeleteRename) {
  auto t = bob_with_lists();
  t.setup(1, std::string("a NOTIFY SET (personal (") + GetParam() + "))");
  t.clear_all();
  t.setup(2, "x CREATE NewMailbox");
  EXPECT_TRUE(t.run("S1: * LIST () \"/\" \"NewMailbox\"\n"));
  t.setup(2, "y DELETE NewMailbox");
  EXPECT_TRUE(t.run("S1: * LIST (\\NonExistent) \"/\" \"NewMailbox\"\n"));
  t.setup(2, "z CREATE OldMailbox");
  t.setup(2, "z CREATE OldMailbox/child");
  t.clear_all();
  t.setup(2, "w RENAME OldMailbox NewMailbox");
  // Children are renamed too, and "No additional MailboxName events are sent for children".
  EXPECT_TRUE(t.run("S1: * LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))\n"));
}

INSTANTIATE_TEST_SUITE_P(Rfc5465, Rfc5465MailboxName,
                         ::testing::Values("MailboxName", "MailboxCreate MailboxDelete MailboxRename"));

// §5: "if the client issues CREATE and has requested a MailboxName event that would cover the newly created
// mailbox, the server SHOULD NOT notify the client of the MailboxName change."
TEST(Rfc5465, Section5_OwnMailboxChangesAreNotNotified) {
  auto t = bob_with_lists();
  EXPECT_TRUE(t.run(R"(
         C1: a ENABLE CONDSTORE
         S1: * ENABLED CONDSTORE
         S1: a OK
         C1: b NOTIFY SET (personal (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange))
         S1: b OK
         C1: c CREATE Mine
         S1: c OK
         C1: d SUBSCRIBE Mine
         S1: d OK
         C1: e RENAME Mine Yours
         S1: e OK
         C1: f SELECT misc
         S1: [...]
         S1: f OK
         C1: g STORE 1 +FLAGS.SILENT ($Own)
         S1: [...]
         S1: g OK
         C1: h CLOSE
         S1: h OK
         C1: i DELETE Yours
         S1: i OK
  )"));
  t.append(1, "misc", small_message("own"));
  EXPECT_TRUE(t.queued(1).empty()) << t.queued(1).front();
}

// §5.5 SubscriptionChange: \Subscribed exactly when subscribed after the event.
TEST(Rfc5465, Section5_5_SubscriptionChange) {
  auto t = bob_with_lists();
  t.setup(1, "a NOTIFY SET (personal (SubscriptionChange))");
  t.clear_all();
  t.setup(2, "x SUBSCRIBE misc");
  EXPECT_TRUE(t.run("S1: * LIST (\\Subscribed) \"/\" \"misc\"\n"));
  t.setup(2, "y UNSUBSCRIBE misc");
  EXPECT_TRUE(t.run("S1: * LIST () \"/\" \"misc\"\n"));
}

// §6.4: "If the subscription list changes, the server MUST reevaluate the list."
TEST(Rfc5465, Section6_4_SubscribedIsReevaluated) {
  auto t = bob_with_lists();
  t.setup(1, "a NOTIFY SET (subscribed (MessageNew MessageExpunge))");
  t.clear_all();
  t.append(2, "misc", small_message("unwatched"));
  EXPECT_TRUE(t.queued(1).empty()) << t.queued(1).front();
  t.setup(2, "x SUBSCRIBE misc");
  t.clear(1);
  const auto misc = info(t, "bob", "misc");
  t.append(2, "misc", small_message("watched"));
  EXPECT_TRUE(t.run("S1: * STATUS misc (UIDNEXT " + num(misc.uidnext + 1) + " MESSAGES 4)\n"));
}

// §6.6: no wildcard expansion: "mailboxes Lists/*" names no mailbox.
TEST(Rfc5465, Section6_6_MailboxesAreNotPatterns) {
  auto t = bob_with_lists();
  t.exec(1, "a NOTIFY SET (mailboxes \"Lists/*\" (MessageNew MessageExpunge))");
  t.clear_all();
  t.append(2, "Lists/Lemonade", small_message("no pattern"));
  EXPECT_TRUE(t.queued(1).empty()) << t.queued(1).front();
}

// ---------------------------------------------------------------------------------------------------------
// NOTIFY NONE, IDLE (§4) and NOTIFICATIONOVERFLOW (§5.8).

// After NOTIFY NONE nothing is sent between commands; the selected mailbox's news still come with the next
// command, as RFC 3501 §7 requires.
TEST(Rfc5465, Section3_1_NotifyNone) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT misc");
  t.setup(1, "b NOTIFY SET (selected (MessageNew MessageExpunge)) (personal (MessageNew MessageExpunge))");
  t.setup(1, "c NOTIFY NONE");
  t.clear_all();
  t.append(2, "misc", small_message("quiet"));
  t.append(2, "INBOX", small_message("quiet"));
  EXPECT_TRUE(t.queued(1).empty()) << t.queued(1).front();
  EXPECT_TRUE(t.run(R"(
         C1: d NOOP
         S1: * 3 EXISTS
         S1: [...]
         S1: d OK
  )"));
}

// §4: "while processing any IDLE command, the server MUST send exactly the same events as instructed by the
// client using the NOTIFY command": here MessageNew and MessageExpunge, not FlagChange.
TEST(Rfc5465, Section4_IdleSendsExactlyTheNotifySet) {
  auto t = bob_with_lists();
  t.setup(2, "x SELECT misc");
  t.setup(1, "a SELECT misc");
  t.setup(1, "b NOTIFY SET (selected (MessageNew MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))");
  t.clear_all();
  const auto lemonade = info(t, "bob", "Lists/Lemonade");
  EXPECT_TRUE(t.run(R"(
         C1: c IDLE
         S1: + ...
  )"));
  t.setup(2, "y STORE 1 +FLAGS.SILENT ($NotWatched)");
  EXPECT_TRUE(t.queued(1).empty()) << "FlagChange was not asked for: " << t.queued(1).front();
  t.append(2, "misc", small_message("idle news"));
  t.append(2, "Lists/Lemonade", small_message("idle news"));
  t.append(2, "INBOX", small_message("not watched"));
  for (const auto& r : t.queued(1)) {
    EXPECT_EQ(r.find("INBOX"), std::string::npos) << "INBOX is not watched: " << r;
    EXPECT_EQ(r.find("FETCH"), std::string::npos) << "FlagChange was not asked for: " << r;
  }
  EXPECT_TRUE(t.run("S1: * 3 EXISTS\nS1: ~* STATUS Lists/Lemonade (UIDNEXT " + num(lemonade.uidnext + 1) +
                    " MESSAGES 4)\nS1: [...]\nC1: DONE\nS1: [...]\nS1: c OK\n"));
}

TEST(Rfc5465, Section4_IdleAfterNotifyNoneSendsNothing) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT misc");
  t.setup(1, "b NOTIFY NONE");
  t.clear_all();
  EXPECT_TRUE(t.run("C1: c IDLE\nS1: + ...\n"));
  t.append(2, "misc", small_message("after none"));
  EXPECT_TRUE(t.queued(1).empty()) << t.queued(1).front();
  EXPECT_TRUE(t.run("C1: DONE\nS1: * 3 EXISTS\nS1: [...]\nS1: c OK\n"));
}

// The contrast: before any NOTIFY, IDLE sends the selected mailbox's news at once (RFC 2177).
TEST(Rfc5465, Section4_IdleWithoutNotifyIsPlainIdle) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT misc");
  t.clear_all();
  EXPECT_TRUE(t.run("C1: c IDLE\nS1: + ...\n"));
  t.append(2, "misc", small_message("plain idle"));
  EXPECT_TRUE(t.run("S1: * 3 EXISTS\nS1: [...]\nC1: DONE\nS1: [...]\nS1: c OK\n"));
}

// Before any NOTIFY nothing is sent between commands (§3.1, RFC 3501 §5.2).
TEST(Rfc5465, Section3_1_NothingBetweenCommandsBeforeNotify) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT misc");
  t.clear_all();
  t.append(2, "misc", small_message("later"));
  EXPECT_FALSE(t.model().has_unsolicited(t.session(1)));
  EXPECT_TRUE(t.queued(1).empty()) << t.queued(1).front();
}

// §5.8: "* OK [NOTIFICATIONOVERFLOW]", then as if NOTIFY NONE had been received.
TEST(Rfc5465, Section5_8_NotificationOverflow) {
  auto t = bob_with_lists();
  t.setup(1, "a SELECT misc");
  t.setup(1, "b NOTIFY SET (selected (MessageNew MessageExpunge)) (personal (MessageNew MessageExpunge))");
  t.clear_all();
  const auto overflow = t.model().notification_overflow(t.session(1));
  EXPECT_TRUE(response_matches("* OK [NOTIFICATIONOVERFLOW]", proto::write_response(overflow)))
      << proto::write_response(overflow);
  t.append(2, "misc", small_message("after overflow"));
  t.append(2, "INBOX", small_message("after overflow"));
  EXPECT_TRUE(t.queued(1).empty()) << t.queued(1).front();
  EXPECT_TRUE(t.run("C1: c NOOP\nS1: * 3 EXISTS\nS1: [...]\nS1: c OK\n"));
}

// ---------------------------------------------------------------------------------------------------------
// §3.1 access checks and §5.9 ACL changes. alice owns the shared hierarchy (first user); bob is client 1.

Transcript alice_shares() {
  Transcript t(model::Policy{});
  t.login(1, "bob");
  t.login(2, "alice");
  t.setup(2, "x CREATE shared/secret");
  t.setup(2, "y CREATE shared/team");
  t.exec(2, "z DELETEACL shared/secret anyone");
  t.exec(2, "z DELETEACL shared/secret bob");
  t.exec(2, "z DELETEACL shared/team anyone");
  t.setup(2, "w SETACL shared/team bob lr");
  t.clear_all();
  return t;
}

// "If the name refers to a mailbox that the client can't LIST, the server MUST ignore it ... This behavior
// prevents disclosure": the answer is the same as for a name that does not exist, and no event follows.
TEST(Rfc5465, Section3_1_InvisibleMailboxIsNeverDisclosed) {
  auto t = alice_shares();
  auto strip_tag = [](std::vector<std::string> replies) {
    for (auto& r : replies)
      if (r.rfind("t1 ", 0) == 0 || r.rfind("t2 ", 0) == 0) r = r.substr(3);
    return replies;
  };
  const auto secret = strip_tag(t.exec(1, "t1 NOTIFY SET STATUS (mailboxes shared/secret (MessageNew MessageExpunge))"));
  const auto absent = strip_tag(t.exec(1, "t2 NOTIFY SET STATUS (mailboxes shared/absent (MessageNew MessageExpunge))"));
  EXPECT_EQ(secret, absent) << "an invisible mailbox is answered differently from a missing one";
  for (const auto& r : secret) EXPECT_EQ(r.find("secret"), std::string::npos) << r;
  t.exec(1, "t3 NOTIFY SET STATUS (mailboxes shared/secret (MessageNew MessageExpunge))");
  t.clear_all();
  t.append(2, "shared/secret", small_message("confidential"));
  t.setup(2, "v RENAME shared/secret shared/secret2");
  EXPECT_TRUE(t.queued(1).empty()) << "disclosed: " << t.queued(1).front();
}

TEST(Rfc5465, Section5_9_LostRightsStopMonitoring) {
  auto t = alice_shares();
  const auto team = info(t, "alice", "shared/team");
  EXPECT_TRUE(t.run("C1: a NOTIFY SET STATUS (mailboxes shared/team (MessageNew MessageExpunge))\n"
                    "S1: * STATUS shared/team (UIDVALIDITY " + num(team.uidvalidity) + " UIDNEXT " +
                    num(team.uidnext) + " MESSAGES 0)\nS1: a OK\n"));
  t.append(2, "shared/team", small_message("visible"));
  EXPECT_TRUE(t.run("S1: * STATUS shared/team (UIDNEXT " + num(team.uidnext + 1) + " MESSAGES 1)\n"));
  t.setup(2, "u DELETEACL shared/team bob");
  t.clear(1);  // §5.9 lets the server say \NoAccess here
  t.append(2, "shared/team", small_message("after revocation"));
  for (const auto& r : t.queued(1)) EXPECT_EQ(r.find("STATUS"), std::string::npos) << "still monitored: " << r;
}

}  // namespace
}  // namespace imaplab::testing
