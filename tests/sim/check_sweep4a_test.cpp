// Canaries for the fourth mutation sweep's survivors M13, M5 and M15: FLG-8 (a FETCH names a keyword the
// selection's FLAGS list lacks and no FLAGS follows), MOD-6's MODSEQ half (CHANGEDSINCE implies MODSEQ) and
// SES-4 (every capability listing has IMAP4rev1). Each bad transcript fires; the near-identical good one does not.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/bugs.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// Client 1 logged in with INBOX (three messages, UIDs 1..3) selected and every UID fetched; the SELECT sends the
// system flags as its FLAGS list unless `flags` is false.
std::vector<std::string> selected(bool flags = true) {
  std::vector<std::string> t = {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done",
                                "C1: a2 SELECT INBOX", "S1: * 3 EXISTS", "S1: * 0 RECENT"};
  if (flags) t.push_back("S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
  const std::vector<std::string> rest = {"S1: * OK [UIDVALIDITY 7] ok", "S1: a2 OK [READ-WRITE] done",
                                         "C1: a3 FETCH 1:* UID",        "S1: * 1 FETCH (UID 1)",
                                         "S1: * 2 FETCH (UID 2)",       "S1: * 3 FETCH (UID 3)",
                                         "S1: a3 OK done"};
  t.insert(t.end(), rest.begin(), rest.end());
  return t;
}

std::string fired(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  Checker checker = make_checker();
  const auto v = run_lines(checker, head);
  return v ? v->rule : std::string();
}

TEST(CheckSweep4a, Flg8KeywordMissingFromFlagsList) {
  // Another session gave message 1 the new keyword "kw1"; the update names it but no FLAGS ever lists it.
  EXPECT_EQ(fired(selected(), {"C1: n1 NOOP", "S1: * 1 FETCH (FLAGS (\\Seen kw1))", "S1: n1 OK done",
                               "C1: n2 NOOP", "S1: n2 OK done"}),
            "FLG-8");
  // The FLAGS update may come before or after the FETCH, or with a later command: all correct.
  const std::string flags_with_kw = "S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft KW1)";
  EXPECT_EQ(fired(selected(), {"C1: n1 NOOP", flags_with_kw, "S1: * 1 FETCH (FLAGS (\\Seen kw1))",
                               "S1: n1 OK done", "C1: n2 NOOP", "S1: n2 OK done"}),
            "");
  EXPECT_EQ(fired(selected(), {"C1: n1 NOOP", "S1: * 1 FETCH (FLAGS (\\Seen kw1))", flags_with_kw,
                               "S1: n1 OK done", "C1: n2 NOOP", "S1: n2 OK done"}),
            "");
  // NOOP n1 was sent before the FETCH arrived: only a NOOP sent after it is owed the FLAGS.
  EXPECT_EQ(fired(selected(), {"C1: n1 NOOP", "S1: * 1 FETCH (FLAGS (\\Seen kw1))", "S1: n1 OK done"}), "");
  // No FLAGS list known for this selection, or the client left the mailbox: nothing to compare.
  EXPECT_EQ(fired(selected(false), {"C1: n1 NOOP", "S1: * 1 FETCH (FLAGS (kw1))", "S1: n1 OK done", "C1: n2 NOOP",
                                    "S1: n2 OK done"}),
            "");
  EXPECT_EQ(fired(selected(), {"C1: n1 NOOP", "S1: * 1 FETCH (FLAGS (kw1))", "S1: n1 OK done", "C1: c1 CLOSE",
                               "S1: c1 OK done", "C1: n2 NOOP", "S1: n2 OK done"}),
            "");
  // System flags and \Recent need no listing.
  EXPECT_EQ(fired(selected(), {"C1: n1 NOOP", "S1: * 1 FETCH (FLAGS (\\Seen \\Recent))", "S1: n1 OK done",
                               "C1: n2 NOOP", "S1: n2 OK done"}),
            "");
}

// The bugged model sends the FETCH of a new keyword without the FLAGS; the correct one sends both.
bool store_sends_flags(bool bug) {
  model::ModelOptions options;
  if (bug) options.bugs.add(model::Bug::NewKeywordNoFlags);
  ModelOracle oracle({}, {{"alice", "secret"}, {"bob", "secret"}}, options);
  oracle.run(1, "a1 LOGIN alice secret");
  oracle.run(1, "a2 APPEND INBOX {5+}\r\nmsg-1");
  oracle.run(1, "a3 SELECT INBOX");
  const model::Outcome out = oracle.run(1, "a4 STORE 1 +FLAGS (kw1)");
  return std::any_of(out.responses.begin(), out.responses.end(), [](const proto::Response& r) {
    const auto* a = std::get_if<proto::AtomsData>(&r.body);
    return a != nullptr && a->kind == proto::AtomsData::Kind::Flags &&
           std::find(a->atoms.begin(), a->atoms.end(), "kw1") != a->atoms.end();
  });
}

TEST(CheckSweep4a, Flg8BuggedModelOmitsFlags) {
  EXPECT_TRUE(store_sends_flags(false));
  EXPECT_FALSE(store_sends_flags(true));
}

TEST(CheckSweep4a, Mod6ChangedSinceImpliesModseq) {
  EXPECT_EQ(fired(selected(), {"C1: f1 FETCH 1:3 (RFC822.SIZE) (CHANGEDSINCE 5)", "S1: * 1 FETCH (RFC822.SIZE 5)",
                               "S1: f1 OK done"}),
            "MOD-6");
  EXPECT_EQ(fired(selected(), {"C1: f1 FETCH 1:3 (RFC822.SIZE) (CHANGEDSINCE 5)",
                               "S1: * 1 FETCH (RFC822.SIZE 5 MODSEQ (6))", "S1: f1 OK done"}),
            "");
  // FLAGS only may be an unsolicited update, and a FETCH without CHANGEDSINCE owes no MODSEQ.
  EXPECT_EQ(fired(selected(), {"C1: f1 FETCH 1:3 (FLAGS) (CHANGEDSINCE 5)", "S1: * 1 FETCH (FLAGS ())",
                               "S1: f1 OK done"}),
            "");
  EXPECT_EQ(fired(selected(), {"C1: f1 FETCH 1:3 (RFC822.SIZE)", "S1: * 1 FETCH (RFC822.SIZE 5)", "S1: f1 OK done"}),
            "");
}

TEST(CheckSweep4a, Ses4CapabilityListsImap4rev1) {
  EXPECT_EQ(fired({"C1: <connect>", "S1: * OK [CAPABILITY LITERAL+ IDLE] ready"}, {}), "SES-4");
  EXPECT_EQ(fired({"C1: <connect>", "S1: * OK [CAPABILITY imap4rev1 IDLE] ready", "C1: c1 CAPABILITY",
                   "S1: * CAPABILITY IDLE UIDPLUS", "S1: c1 OK done"},
                  {}),
            "SES-4");
  EXPECT_EQ(fired({"C1: <connect>", "S1: * OK [CAPABILITY IMAP4rev1 IDLE] ready", "C1: c1 CAPABILITY",
                   "S1: * CAPABILITY IDLE IMAP4REV1 UIDPLUS", "S1: c1 OK done"},
                  {}),
            "");
}

}  // namespace
}  // namespace imaplab::sim::testing
