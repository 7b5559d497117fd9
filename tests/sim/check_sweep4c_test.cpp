// Canaries for the fourth mutation sweep's NOTIFY and session survivors: NTF-13 (a pushed STATUS carries
// UIDNEXT and MESSAGES together, RFC 5465 §5.2, §5.3; M11), NTF-9's parent and 'l' halves (RFC 5465 §5.4; M10,
// M12), IDLE ended by "done" in another case (RFC 3501 §9, RFC 2177 §3; M24, seen by SES-2) and SES-5 (a push
// owed while the run stands still; M23). Each bad transcript fires; the near-identical good one does not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/bugs.hpp"
#include "proto/command_parser.hpp"
#include "sim/agent.hpp"
#include "sim/config.hpp"
#include "sim/world.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// ---- NTF-13 ----

// Clients 1 and 2 (both alice) have INBOX selected; BAR is an empty mailbox client 2 watches for message events.
std::string pushed_status(const std::string& status) {
  TwoClientScene s({}, "BAR");
  s.step(2, "b1 NOTIFY SET (personal (MessageNew MessageExpunge))", "", {"S2: b1 OK done"});
  s.feed({"S2: " + status});
  return s.fired();
}

TEST(CheckSweep4c, Ntf13PushedStatusHasUidnextAndMessages) {
  // RFC 5465 §5.2, §5.3: "an unsolicited STATUS (UIDNEXT MESSAGES)".
  EXPECT_EQ(pushed_status("* STATUS BAR (MESSAGES 0)"), "NTF-13");
  EXPECT_EQ(pushed_status("* STATUS BAR (UIDNEXT 1)"), "NTF-13");
  EXPECT_EQ(pushed_status("* STATUS BAR (UIDVALIDITY 5)"), "NTF-13");
  EXPECT_EQ(pushed_status("* STATUS BAR (UIDNEXT 1 MESSAGES 0)"), "");
  EXPECT_EQ(pushed_status("* STATUS BAR (MESSAGES 0 UIDNEXT 1 HIGHESTMODSEQ 1)"), "");
  // §5.1: a flag change with CONDSTORE is told by STATUS (HIGHESTMODSEQ UIDVALIDITY), without the pair.
  EXPECT_EQ(pushed_status("* STATUS BAR (HIGHESTMODSEQ 1)"), "");
}

TEST(CheckSweep4c, Ntf13SolicitedStatusIsNotJudged) {
  // The reply to the client's own STATUS carries what it asked for.
  TwoClientScene s({}, "BAR");
  s.step(2, "b1 NOTIFY SET (personal (MessageNew MessageExpunge))", "", {"S2: b1 OK done"});
  s.step(2, "b2 STATUS BAR (MESSAGES)", "", {"S2: * STATUS BAR (MESSAGES 0)", "S2: b2 OK done"});
  EXPECT_EQ(s.fired(), "");
}

// The bugged model leaves UIDNEXT out of the STATUS it pushes for a new message in another mailbox.
bool push_has_uidnext(bool bug) {
  model::ModelOptions options;
  if (bug) options.bugs.add(model::Bug::NotifyStatusMissingUidnext);
  ModelOracle oracle({}, {{"alice", "secret"}, {"bob", "secret"}}, options);
  oracle.run(1, "a1 LOGIN alice secret");
  oracle.run(1, "a2 CREATE BAR");
  oracle.run(2, "b1 LOGIN alice secret");
  oracle.run(2, "b2 NOTIFY SET (personal (MessageNew MessageExpunge))");
  oracle.run(1, "a3 APPEND BAR {5+}\r\nmsg-1");
  const model::Outcome out = oracle.run(2, "b3 NOOP");
  bool status = false, uidnext = false;
  for (const auto& r : out.responses) {
    const auto* s = std::get_if<proto::StatusData>(&r.body);
    if (s == nullptr) continue;
    status = true;
    for (const auto& [item, value] : s->items) uidnext |= item == proto::StatusItem::UidNext;
  }
  EXPECT_TRUE(status);
  return uidnext;
}

TEST(CheckSweep4c, Ntf13BuggedModelOmitsUidnext) {
  EXPECT_TRUE(push_has_uidnext(false));
  EXPECT_FALSE(push_has_uidnext(true));
}

// ---- NTF-9's parent half ----

// Client 1 creates or deletes P/C; client 2 watches with `notify`. `told` lists the LISTs client 2 gets.
std::string parent_told(const std::string& notify, bool create, const std::vector<std::string>& told) {
  TwoClientScene s({}, "P");
  if (!create) s.oracle.run(1, "a0 CREATE P/C");
  s.step(2, "b1 " + notify, "b1 " + notify, {"S2: b1 OK done"});
  const std::string cmd = create ? "a5 CREATE P/C" : "a5 DELETE P/C";
  s.step(1, cmd, cmd, {"S1: a5 OK done"});
  s.feed(told);
  s.feed({"@9000000 C1: a6 NOOP"});
  return s.fired();
}

TEST(CheckSweep4c, Ntf9ParentOfCreatedOrDeletedMailboxIsTold) {
  const std::string personal = "NOTIFY SET (personal (MailboxName))";
  const std::string child = "S2: * LIST (\\HasNoChildren) \"/\" P/C";
  const std::string gone = "S2: * LIST (\\NonExistent) \"/\" P/C";
  const std::string parent_with = "S2: * LIST (\\HasChildren) \"/\" P";
  const std::string parent_without = "S2: * LIST (\\HasNoChildren) \"/\" P";
  // RFC 5465 §5.4: "the mailbox itself and its direct parent ... are considered to be affected".
  EXPECT_EQ(parent_told(personal, true, {child}), "NTF-9");
  EXPECT_EQ(parent_told(personal, true, {child, parent_with}), "");
  EXPECT_EQ(parent_told(personal, false, {gone}), "NTF-9");
  EXPECT_EQ(parent_told(personal, false, {gone, parent_without}), "");
  // A watcher of the parent alone is not judged (the built-in server tells only watchers of the name).
  EXPECT_EQ(parent_told("NOTIFY SET (mailboxes P (MailboxName))", true, {}), "");
}

// ---- NTF-9's 'l' half ----

// Client 1 is alice, who administers shared/team; client 2 is bob, who may use it and watches shared.
struct AclScene : SharedTeamScene {
  explicit AclScene(model::ModelOptions options = {}) : SharedTeamScene("lrswi", std::move(options)) {}
};

std::string lookup_told(const std::string& rights, const std::vector<std::string>& told) {
  AclScene s;
  s.step(2, "b2 NOTIFY SET (subtree shared (MailboxName))", true, {"S2: b2 OK done"});
  s.step(1, "a5 SETACL shared/team bob " + rights, true, {"S1: a5 OK done"});
  s.feed(told);
  s.feed({"@9000000 C1: a6 NOOP"});
  return s.fired();
}

TEST(CheckSweep4c, Ntf9LookupRightChangeIsTold) {
  // RFC 5465 §5.4: revoking 'l' "MUST be considered mailbox ... deletion", granting it creation.
  EXPECT_EQ(lookup_told("-l", {}), "NTF-9");
  EXPECT_EQ(lookup_told("-l", {"S2: * LIST (\\NonExistent) \"/\" shared/team"}), "");
  // Rights other than 'l' are no MailboxName event.
  EXPECT_EQ(lookup_told("-w", {}), "");
}

TEST(CheckSweep4c, Ntf9LookupRightGrantIsTold) {
  for (bool told : {false, true}) {
    SCOPED_TRACE(told);
    AclScene s;
    s.oracle.run(1, "a0 SETACL shared/team bob rswi");  // bob cannot see it yet
    s.step(2, "b2 NOTIFY SET (subtree shared (MailboxName))", true, {"S2: b2 OK done"});
    s.step(1, "a5 SETACL shared/team bob +l", true, {"S1: a5 OK done"});
    if (told) s.feed({"S2: * LIST (\\HasNoChildren) \"/\" shared/team"});
    s.feed({"@9000000 C1: a6 NOOP"});
    EXPECT_EQ(s.fired(), told ? "" : "NTF-9");
  }
}

// ---- SES-5: a push owed while the run stands still ----

// Client 2 idles in INBOX (plain IDLE); client 1 flags message 1 when `change`; then the run stands still.
std::string stalled_with_push(bool change, bool idle) {
  TwoClientScene s({}, "BAR");
  if (idle) s.step(2, "b1 IDLE", "b1 IDLE", {"S2: + idling"});
  if (change) {
    s.step(1, "a5 STORE 1 +FLAGS (\\Flagged)", "a5 STORE 1 +FLAGS (\\Flagged)",
           {"S1: * 1 FETCH (FLAGS (\\Flagged))", "S1: a5 OK done"});
  }
  if (auto v = s.checker.stalled(&s.oracle); v && !s.first) s.first = std::move(v);
  return s.fired();
}

TEST(CheckSweep4c, Ses5StandingStillWithAPushOwed) {
  // RFC 2177 §3: the idler is owed the FETCH of the new flags; the run stands still without it.
  EXPECT_EQ(stalled_with_push(true, true), "SES-5");
  EXPECT_EQ(stalled_with_push(false, true), "");
  // Without IDLE or NOTIFY the server may keep the update for the client's next command.
  EXPECT_EQ(stalled_with_push(true, false), "");
}

// ---- DONE in another case (SES-2) ----

proto::Command command(const std::string& text) {
  return std::get<proto::Command>(proto::parse_command(text + "\r\n"));
}

std::string idle_end_line(std::uint32_t done_case_permille, std::uint64_t seed) {
  AgentConfig config;
  config.done_case_permille = done_case_permille;
  config.decision_seed = seed;
  ClientAgent agent(config);
  agent.script({command("a1 LOGIN alice secret"), command("a2 IDLE")});
  Rng rng(1);
  agent.receive("* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] ready\r\n");
  auto login = agent.next(rng);
  agent.receive(login->command->tag + " OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] done\r\n");
  EXPECT_TRUE(agent.next(rng).has_value());  // IDLE
  agent.receive("+ idling\r\n");
  auto line = agent.next(rng);
  return line && line->raw_line ? *line->raw_line : std::string("(none)");
}

TEST(CheckSweep4c, AgentWritesDoneInAnotherCaseWhenAsked) {
  EXPECT_EQ(idle_end_line(0, 7), "DONE");
  const std::string other = idle_end_line(1000, 7);
  EXPECT_TRUE(other == "done" || other == "Done") << other;
  EXPECT_EQ(idle_end_line(1000, 7), other);
}

RunResult run_idle(const std::string& bug) {
  RunConfig config;
  config.seed = 11;
  config.clients = 1;
  config.initial_messages = 0;
  config.done_case_permille = 1000;
  if (!bug.empty()) config.bugs = *model::BugSet::parse(bug);
  RunOptions options;
  options.scripts = std::vector<std::vector<proto::Command>>{
      {command("A001 LOGIN user1 pass1"), command("A002 IDLE"), command("A003 NOOP")}};
  return run_simulation(config, options);
}

TEST(CheckSweep4c, DoneCaseSensitiveIsFoundAndTheCorrectServerPasses) {
  const RunResult bad = run_idle("done-case-sensitive");
  ASSERT_TRUE(bad.violation.has_value());
  EXPECT_EQ(bad.violation->rule, "SES-2");
  const RunResult good = run_idle("");
  EXPECT_FALSE(good.violation.has_value()) << good.violation->message;
}

}  // namespace
}  // namespace imaplab::sim::testing
