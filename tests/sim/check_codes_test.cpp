// Canaries for sim/check_codes.cpp: MOD-7 (a conditional .SILENT STORE still sends FETCH MODSEQ), STA-2's
// [READ-ONLY] for EXAMINE, SEQ-11 for UID STORE, EXP-5 (no EXPUNGE during CLOSE), CPY-7 ([TRYCREATE]), STA-1's
// RECENT of the selected mailbox and ACC-5 (MYRIGHTS is the union of the ACL entries). Each bad transcript fires
// and a near-identical good one does not; the white-box ones run beside a model the test drives.
#include <gtest/gtest.h>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

std::string rule_of(const std::optional<Violation>& v) { return v ? v->rule : std::string(); }

const std::vector<std::string> login = {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret",
                                        "S1: a1 OK done"};

TEST(CheckCodes, ConditionalSilentStoreOwesFetchModseq) {
  // RFC 4551 §3.2: "An untagged FETCH response MUST be sent, even if the .SILENT suffix is specified".
  for (bool told : {true, false}) {
    SCOPED_TRACE(told);
    TwoClientScene s({}, "dest");
    const std::string cmd = "a5 STORE 2 (UNCHANGEDSINCE 100000) +FLAGS.SILENT (\\Flagged)";
    s.feed({"C2: " + cmd});
    s.oracle.run(2, cmd);
    const auto modseq = s.oracle.model().modseq("INBOX", 2);
    ASSERT_TRUE(modseq);
    if (told) s.feed({"S2: * 2 FETCH (MODSEQ (" + std::to_string(*modseq) + "))"});
    s.feed({"S2: a5 OK done"});
    EXPECT_EQ(s.fired(), told ? "" : "MOD-7");
  }
}

TEST(CheckCodes, ConditionalSilentStoreThatChangedNothingOwesNothing) {
  // \Flagged is already set: the flags and the mod-sequence stay, so no FETCH is owed by this rule.
  TwoClientScene s({}, "dest");
  s.oracle.run(2, "a4 STORE 2 +FLAGS.SILENT (\\Flagged)");
  s.feed({"C2: a4 STORE 2 +FLAGS.SILENT (\\Flagged)", "S2: a4 OK done"});
  const std::string cmd = "a5 STORE 2 (UNCHANGEDSINCE 100000) +FLAGS.SILENT (\\Flagged)";
  s.feed({"C2: " + cmd});
  s.oracle.run(2, cmd);
  s.feed({"S2: a5 OK done"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckCodes, ExamineOkCarriesReadOnly) {
  // RFC 3501 §6.3.2: the tagged OK to EXAMINE MUST begin with [READ-ONLY].
  for (const char* code : {"READ-ONLY", "READ-WRITE"}) {
    SCOPED_TRACE(code);
    Checker checker = make_checker();
    auto lines = login;
    lines.insert(lines.end(), {"C1: a2 EXAMINE INBOX", "S1: * 0 EXISTS", std::string("S1: a2 OK [") + code + "] done"});
    EXPECT_EQ(rule_of(run_lines(checker, lines)), std::string(code) == "READ-ONLY" ? "" : "STA-2");
  }
}

TEST(CheckCodes, UidStoreFetchCarriesUid) {
  // RFC 3501 §6.4.8: the UID item is in any FETCH response caused by a UID command, UID STORE included.
  for (bool with_uid : {true, false}) {
    SCOPED_TRACE(with_uid);
    TwoClientScene s({}, "dest");
    s.step(2, "a5 UID STORE 2 +FLAGS (\\Seen)", "a5 UID STORE 2 +FLAGS (\\Seen)",
           {with_uid ? "S2: * 2 FETCH (UID 2 FLAGS (\\Seen))" : "S2: * 2 FETCH (FLAGS (\\Seen))", "S2: a5 OK done"});
    EXPECT_EQ(s.fired(), with_uid ? "" : "SEQ-11");
  }
}

TEST(CheckCodes, CloseSendsNoExpunge) {
  // RFC 3501 §6.4.2: "No untagged EXPUNGE responses are sent" by CLOSE; EXPUNGE may send them.
  for (const char* command : {"CLOSE", "EXPUNGE"}) {
    SCOPED_TRACE(command);
    Checker checker = make_checker();
    auto lines = login;
    lines.insert(lines.end(), {"C1: a2 SELECT INBOX", "S1: * 2 EXISTS", "S1: * OK [UIDVALIDITY 9] ok",
                               "S1: a2 OK [READ-WRITE] done", "C1: a3 STORE 1 +FLAGS.SILENT (\\Deleted)",
                               "S1: a3 OK done", std::string("C1: a4 ") + command, "S1: * 1 EXPUNGE", "S1: a4 OK done"});
    EXPECT_EQ(rule_of(run_lines(checker, lines)), std::string(command) == "CLOSE" ? "EXP-5" : "");
  }
}

TEST(CheckCodes, CopyToMissingMailboxSaysTrycreate) {
  // RFC 3501 §6.4.7: unless certain the mailbox can not be created, NO [TRYCREATE].
  for (const char* code : {"TRYCREATE", "NONEXISTENT"}) {
    SCOPED_TRACE(code);
    TwoClientScene s({}, "dest");
    s.step(1, "a5 COPY 1 nosuch", "a5 COPY 1 nosuch", {std::string("S1: a5 NO [") + code + "] no such mailbox"});
    EXPECT_EQ(s.fired(), std::string(code) == "TRYCREATE" ? "" : "CPY-7");
  }
}

TEST(CheckCodes, CopyToExistingMailboxMayFailOtherwise) {
  TwoClientScene s({}, "dest");
  s.step(1, "a5 COPY 1 dest", "", {"S1: a5 NO [NONEXISTENT] odd but not about TRYCREATE"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckCodes, StatusRecentOfSelectedMailbox) {
  // Client 1 selected INBOX first and holds \Recent on its three messages (RFC 3501 §2.3.2); STATUS RECENT of it
  // counts them (§6.3.10), not the unclaimed ones (none).
  for (int recent : {3, 0}) {
    SCOPED_TRACE(recent);
    TwoClientScene s({}, "dest");
    s.step(1, "a5 STATUS INBOX (RECENT)", "a5 STATUS INBOX (RECENT)",
           {"S1: * STATUS INBOX (RECENT " + std::to_string(recent) + ")", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), recent == 3 ? "" : "STA-1");
  }
}

TEST(CheckCodes, MyRightsIsTheUnionWithAnyone) {
  // RFC 4314 §2: the built-in server adds the "anyone" entry to the user's own one; MYRIGHTS tells that (§3.5).
  for (bool union_told : {true, false}) {
    SCOPED_TRACE(union_told);
    ModelOracle oracle;
    Checker checker = make_checker();
    oracle.run(1, "a1 LOGIN alice secret");
    oracle.run(1, "a2 CREATE shared/team");
    oracle.run(1, "a3 SETACL shared/team anyone lr");
    oracle.run(1, "a4 SETACL shared/team bob i");
    oracle.run(2, "b1 LOGIN bob secret");
    const std::vector<std::string> lines = {
        "C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done", "C2: <connect>",
        "S2: * OK ready", "C2: b1 LOGIN bob secret", "S2: b1 OK done", "C2: b2 MYRIGHTS shared/team",
        union_told ? "S2: * MYRIGHTS shared/team ilr" : "S2: * MYRIGHTS shared/team i", "S2: b2 OK done"};
    EXPECT_EQ(rule_of(run_lines(checker, lines, &oracle)), union_told ? "" : "ACC-5");
  }
}

}  // namespace
}  // namespace imaplab::sim::testing
