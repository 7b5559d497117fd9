// Canaries for the CONDSTORE and session-state halves of MOD-1, MOD-2, MOD-6, SRC-1 and STA-1 added by the
// second mutation sweep: each bad transcript (or bugged model) fires, and the near-identical good one does not.
#include <gtest/gtest.h>

#include "model/bugs.hpp"
#include "sim/search_eval.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// INBOX with three messages (UIDs 1..3) that client 1 appended; `select` also selects it (claiming all three as
// \Recent, RFC 3501 §2.3.2) in the model and the transcript, every UID fetched.
struct Scene {
  ModelOracle oracle;
  std::uint32_t uidvalidity = 0;
  bool selected = false;
  explicit Scene(bool select) : selected(select) {
    oracle.run(1, "a1 LOGIN alice secret");
    for (int i = 0; i < 3; ++i) oracle.run(1, "a2 APPEND INBOX {5+}\r\nmsg-" + std::to_string(i));
    if (select) oracle.run(1, "a3 SELECT INBOX");
    uidvalidity = oracle.model().mailbox("INBOX")->uidvalidity;
  }
  std::vector<std::string> transcript() const {
    std::vector<std::string> t = {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done"};
    if (!selected) return t;
    const std::vector<std::string> select = {
        "C1: a3 SELECT INBOX", "S1: * 3 EXISTS", "S1: * 3 RECENT",
        "S1: * OK [UIDVALIDITY " + std::to_string(uidvalidity) + "] ok", "S1: a3 OK [READ-WRITE] done",
        "C1: a4 FETCH 1:* UID", "S1: * 1 FETCH (UID 1)", "S1: * 2 FETCH (UID 2)", "S1: * 3 FETCH (UID 3)",
        "S1: a4 OK done"};
    t.insert(t.end(), select.begin(), select.end());
    return t;
  }
  std::string fired(const std::vector<std::string>& tail, bool with_oracle = true) const {
    auto lines = transcript();
    lines.insert(lines.end(), tail.begin(), tail.end());
    Checker checker = make_checker();
    const auto v = run_lines(checker, lines, with_oracle ? &oracle : nullptr);
    return v ? v->rule : std::string();
  }
};

model::ModelOptions with_bug(std::optional<model::Bug> bug) {
  model::ModelOptions options;
  if (bug) options.bugs.add(*bug);
  return options;
}

// RFC 4551 §3.1.1, §3.2: the message a STORE changed gets a mod-sequence above every earlier one.
std::string store_fired(std::optional<model::Bug> bug) {
  TwoClientScene s(with_bug(bug), "other");
  s.step(1, "s1 STORE 1 +FLAGS (\\Flagged)", "s1 STORE 1 +FLAGS (\\Flagged)",
         {"S1: * 1 FETCH (FLAGS (\\Flagged))", "S1: s1 OK done"});
  return s.fired();
}

TEST(CheckModseq, Mod1StoreRaisesTheMessagesModseq) {
  EXPECT_EQ(store_fired(model::Bug::StoreKeepsMessageModseq), "MOD-1");
  EXPECT_EQ(store_fired(std::nullopt), "");
}

TEST(CheckModseq, Mod6ChangedSinceIsExclusive) {
  Scene s(true);
  // No oracle: the client-side rule alone. Message 1 answered with MODSEQ 5 for CHANGEDSINCE 5 is one too many.
  EXPECT_EQ(s.fired({"C1: f1 FETCH 1:3 (RFC822.SIZE) (CHANGEDSINCE 5)", "S1: * 1 FETCH (RFC822.SIZE 5 MODSEQ (5))",
                     "S1: f1 OK done"}, false),
            "MOD-6");
  EXPECT_EQ(s.fired({"C1: f1 FETCH 1:3 (RFC822.SIZE) (CHANGEDSINCE 5)", "S1: * 1 FETCH (RFC822.SIZE 5 MODSEQ (6))",
                     "S1: f1 OK done"}, false),
            "");
  // FLAGS and MODSEQ only: may be an unsolicited flag update of an older change, so not judged.
  EXPECT_EQ(s.fired({"C1: f1 FETCH 1:3 (FLAGS) (CHANGEDSINCE 5)", "S1: * 1 FETCH (FLAGS () MODSEQ (4))",
                     "S1: f1 OK done"}, false),
            "");
}

TEST(CheckModseq, Mod2ModseqInEveryFetchAfterEnabled) {
  Scene s(true);
  const std::vector<std::string> enable = {"C1: e1 ENABLE CONDSTORE", "S1: * ENABLED CONDSTORE", "S1: e1 OK done"};
  auto tail = [&](std::vector<std::string> more) {
    auto t = enable;
    t.insert(t.end(), more.begin(), more.end());
    return t;
  };
  EXPECT_EQ(s.fired(tail({"C1: n1 NOOP", "S1: * 2 FETCH (FLAGS (\\Seen))", "S1: n1 OK done"}), false), "MOD-2");
  EXPECT_EQ(s.fired(tail({"C1: n1 NOOP", "S1: * 2 FETCH (FLAGS (\\Seen) MODSEQ (9))", "S1: n1 OK done"}), false), "");
  // The answer to the client's own FETCH carries what it asked for (RFC 7162 §3.1 makes the exception plain).
  EXPECT_EQ(s.fired(tail({"C1: f1 FETCH 2 (FLAGS)", "S1: * 2 FETCH (FLAGS (\\Seen))", "S1: f1 OK done"}), false), "");
  // ENABLED empty (already on, or not granted): nothing is owed from this command.
  EXPECT_EQ(s.fired({"C1: e1 ENABLE CONDSTORE", "S1: * ENABLED", "S1: e1 OK done", "C1: n1 NOOP",
                     "S1: * 2 FETCH (FLAGS (\\Seen))", "S1: n1 OK done"}, false),
            "");
}

TEST(CheckModseq, Src1NewIsRecentAndUnseen) {
  Scene s(true);
  s.oracle.run(1, "x1 STORE 1 +FLAGS (\\Seen)");
  EXPECT_EQ(s.fired({"C1: a5 SEARCH NEW", "S1: * SEARCH 1 2 3", "S1: a5 OK done"}), "SRC-1");
  EXPECT_EQ(s.fired({"C1: a5 SEARCH NEW", "S1: * SEARCH 2 3", "S1: a5 OK done"}), "");
  EXPECT_EQ(s.fired({"C1: a5 SEARCH OLD", "S1: * SEARCH 1", "S1: a5 OK done"}), "SRC-1");
  EXPECT_EQ(s.fired({"C1: a5 SEARCH OLD", "S1: * SEARCH", "S1: a5 OK done"}), "");
  EXPECT_EQ(s.fired({"C1: a5 SEARCH RECENT SEEN", "S1: * SEARCH 1", "S1: a5 OK done"}), "");
}

TEST(CheckModseq, Src1ModseqIsInclusive) {
  Scene s(true);
  s.oracle.run(1, "x1 STORE 2 +FLAGS (\\Flagged)");
  const auto modseq = s.oracle.model().modseq("INBOX", 2);
  ASSERT_TRUE(modseq.has_value());
  const std::string key = "C1: a5 SEARCH MODSEQ " + std::to_string(*modseq);
  EXPECT_EQ(s.fired({key, "S1: * SEARCH", "S1: a5 OK done"}), "SRC-1");
  EXPECT_EQ(s.fired({key, "S1: * SEARCH 2 (MODSEQ " + std::to_string(*modseq) + ")", "S1: a5 OK done"}), "");
}

// RFC 4551 §3.4, §3.5: a SEARCH with a MODSEQ criterion ends a non-empty answer with the highest mod-sequence of
// the messages it returns, and leaves it out when nothing matched.
TEST(CheckModseq, Mod8SearchModseqValue) {
  Scene s(true);
  s.oracle.run(1, "x1 STORE 2 +FLAGS (\\Flagged)");
  s.oracle.run(1, "x2 STORE 3 +FLAGS (\\Flagged)");
  const auto m2 = s.oracle.model().modseq("INBOX", 2), m3 = s.oracle.model().modseq("INBOX", 3);
  ASSERT_TRUE(m2.has_value() && m3.has_value());
  ASSERT_LT(*m2, *m3);
  const std::string key = "C1: a5 SEARCH MODSEQ " + std::to_string(*m2);
  const std::string uid_key = "C1: a5 UID SEARCH MODSEQ " + std::to_string(*m2);
  auto tail = [](std::uint64_t v) { return "S1: * SEARCH 2 3 (MODSEQ " + std::to_string(v) + ")"; };
  EXPECT_EQ(s.fired({key, tail(*m3), "S1: a5 OK done"}), "");
  EXPECT_EQ(s.fired({uid_key, tail(*m3), "S1: a5 OK done"}), "");
  // [O]: the value must be the highest of the returned messages', not the lowest nor the mailbox's.
  EXPECT_EQ(s.fired({key, tail(*m2), "S1: a5 OK done"}), "MOD-8");
  EXPECT_EQ(s.fired({uid_key, tail(*m3 + 1), "S1: a5 OK done"}), "MOD-8");
  // Without the oracle the value is not judged, but its presence is ([C]).
  EXPECT_EQ(s.fired({key, tail(*m2), "S1: a5 OK done"}, false), "");
  EXPECT_EQ(s.fired({key, "S1: * SEARCH 2 3", "S1: a5 OK done"}, false), "MOD-8");
  EXPECT_EQ(s.fired({"C1: a5 SEARCH MODSEQ " + std::to_string(*m3 + 5), "S1: * SEARCH", "S1: a5 OK done"}, false),
            "");
  // No MODSEQ criterion: nothing owed.
  EXPECT_EQ(s.fired({"C1: a5 SEARCH FLAGGED", "S1: * SEARCH 2 3", "S1: a5 OK done"}), "");
  // Another client's STORE in flight may raise a returned message's mod-sequence: the value is not judged.
  EXPECT_EQ(s.fired({"C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN alice secret", "S2: b1 OK done",
                     "C2: b2 STORE 1 +FLAGS (\\Seen)", key, tail(*m2), "S1: a5 OK done"}),
            "");
}

TEST(CheckModseq, Mod2StartsAtAnEnablingCommandsOk) {
  Scene s(true);
  const std::vector<std::string> fetch = {"C1: f1 FETCH 1 (MODSEQ)", "S1: * 1 FETCH (MODSEQ (1))", "S1: f1 OK done"};
  auto tail = [](std::vector<std::string> head, std::vector<std::string> more) {
    head.insert(head.end(), more.begin(), more.end());
    return head;
  };
  const std::vector<std::string> noop_bare = {"C1: n1 NOOP", "S1: * 2 FETCH (FLAGS (\\Seen))", "S1: n1 OK done"};
  const std::vector<std::string> noop_modseq = {"C1: n1 NOOP", "S1: * 2 FETCH (FLAGS (\\Seen) MODSEQ (9))",
                                                "S1: n1 OK done"};
  // RFC 4551 §3: FETCH MODSEQ is a CONDSTORE enabling command; after its OK every untagged FETCH carries MODSEQ.
  EXPECT_EQ(s.fired(tail(fetch, noop_bare), false), "MOD-2");
  EXPECT_EQ(s.fired(tail(fetch, noop_modseq), false), "");
  EXPECT_EQ(s.fired(tail({"C1: f1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1)", "S1: f1 OK done"}, noop_bare), false),
            "MOD-2");
  EXPECT_EQ(s.fired(tail({"C1: t1 STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Seen)", "S1: t1 OK done"}, noop_bare), false),
            "MOD-2");
  EXPECT_EQ(s.fired(tail({"C1: q1 SEARCH MODSEQ 1", "S1: * SEARCH", "S1: q1 OK done"}, noop_bare), false), "MOD-2");
  // A refused command enables nothing.
  EXPECT_EQ(s.fired(tail({"C1: f1 FETCH 1 (MODSEQ)", "S1: f1 NO denied"}, noop_bare), false), "");
  // Before the OK (a NOOP pipelined beside the FETCH), the update may have been written first: not judged.
  EXPECT_EQ(s.fired({"C1: n1 NOOP", "S1: * 2 FETCH (FLAGS (\\Seen))", "C1: f1 FETCH 1 (MODSEQ)",
                     "S1: n1 OK done", "S1: * 1 FETCH (MODSEQ (1))", "S1: f1 OK done"}, false),
            "");
  // No enabling command: a bare flag update is fine.
  EXPECT_EQ(s.fired(tail({"C1: f1 FETCH 1 (FLAGS)", "S1: * 1 FETCH (FLAGS ())", "S1: f1 OK done"}, noop_bare), false),
            "");
}

TEST(CheckModseq, Sta1RecentOfAMailboxNotSelected) {
  Scene s(false);  // nobody selected INBOX: its three messages are unclaimed \Recent
  EXPECT_EQ(s.fired({"C1: a5 STATUS INBOX (RECENT)", "S1: * STATUS INBOX (RECENT 0)", "S1: a5 OK done"}), "STA-1");
  EXPECT_EQ(s.fired({"C1: a5 STATUS INBOX (RECENT)", "S1: * STATUS INBOX (RECENT 3)", "S1: a5 OK done"}), "");
  // Another session's SELECT in flight may claim them before or after the STATUS ran: not judged.
  EXPECT_EQ(s.fired({"C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN alice secret", "S2: b1 OK done",
                     "C2: b2 SELECT INBOX", "C1: a5 STATUS INBOX (RECENT)", "S1: * STATUS INBOX (RECENT 0)",
                     "S1: a5 OK done"}),
            "");
}

TEST(CheckModseq, Sta1RecentNotJudgedForTheSelectedMailbox) {
  Scene s(true);  // client 1 claimed all three; its own STATUS RECENT counts its session's \Recent
  EXPECT_EQ(s.fired({"C1: a5 STATUS INBOX (RECENT)", "S1: * STATUS INBOX (RECENT 3)", "S1: a5 OK done"}), "");
}

TEST(SearchEval, RecentNewOldAndModseq) {
  const std::vector<std::string> seen = {"\\Seen"};
  SearchCandidate m{1, 10, &seen, proto::Date{2020, 2, 8}, 100, true, 7};
  const SearchStars stars{1, 10};
  proto::SearchKey k;
  k.kind = proto::SearchKey::Kind::New;
  EXPECT_TRUE(search_evaluable({k}));
  EXPECT_FALSE(search_eval({k}, m, stars));  // recent but seen
  k.kind = proto::SearchKey::Kind::Recent;
  EXPECT_TRUE(search_eval({k}, m, stars));
  k.kind = proto::SearchKey::Kind::Old;
  EXPECT_FALSE(search_eval({k}, m, stars));
  k.kind = proto::SearchKey::Kind::ModSeq;
  k.number = 7;
  EXPECT_TRUE(search_eval({k}, m, stars));  // RFC 4551 §3.4: equal to or greater than
  k.number = 8;
  EXPECT_FALSE(search_eval({k}, m, stars));
}

}  // namespace
}  // namespace imaplab::sim::testing
