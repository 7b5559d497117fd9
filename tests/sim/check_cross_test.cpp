// Canaries for the cross-client [X] rules: real-time order between clients decides what is a violation.
#include <gtest/gtest.h>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

std::vector<std::string> login(int c) {
  const std::string C = "C" + std::to_string(c) + ": ", S = "S" + std::to_string(c) + ": ";
  return {C + "<connect>", S + "* OK ready", C + "a1 LOGIN alice pw", S + "a1 OK done"};
}

std::vector<std::string> select(int c, const std::string& verb = "SELECT") {
  const std::string C = "C" + std::to_string(c) + ": ", S = "S" + std::to_string(c) + ": ";
  return {C + "s1 " + verb + " INBOX", S + "* 3 EXISTS", S + "* OK [UIDVALIDITY 7] ok", S + "s1 OK done"};
}

std::vector<std::string> cat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string fired(const std::vector<std::string>& lines) {
  Checker checker = make_checker();
  const auto v = run_lines(checker, lines);
  return v ? v->rule : std::string();
}

TEST(CheckCross, Uid1UidnextNeverDecreasesInRealTimeOrder) {
  const auto first = cat({login(1), login(2), {"C1: b1 STATUS Trash (UIDNEXT UIDVALIDITY)",
                                               "S1: * STATUS Trash (UIDNEXT 10 UIDVALIDITY 3)", "S1: b1 OK done"}});
  EXPECT_EQ(fired(cat({first, {"C2: b1 STATUS Trash (UIDNEXT UIDVALIDITY)",
                               "S2: * STATUS Trash (UIDNEXT 8 UIDVALIDITY 3)"}})),
            "UID-1");
  EXPECT_EQ(fired(cat({first, {"C2: b1 STATUS Trash (UIDNEXT UIDVALIDITY)",
                               "S2: * STATUS Trash (UIDNEXT 12 UIDVALIDITY 3)", "S2: b1 OK done"}})),
            "");
  // Concurrent reads are not ordered: C2 asked before C1's answer arrived, so its older value is fine.
  EXPECT_EQ(fired(cat({login(1), login(2),
                       {"C1: b1 STATUS Trash (UIDNEXT UIDVALIDITY)", "C2: b1 STATUS Trash (UIDNEXT UIDVALIDITY)",
                        "S1: * STATUS Trash (UIDNEXT 10 UIDVALIDITY 3)", "S1: b1 OK done",
                        "S2: * STATUS Trash (UIDNEXT 8 UIDVALIDITY 3)", "S2: b1 OK done"}})),
            "");
}

TEST(CheckCross, MailboxNamesArePerUser) {
  const auto first = cat({login(1), {"C1: b1 STATUS INBOX (UIDNEXT UIDVALIDITY)",
                                     "S1: * STATUS INBOX (UIDNEXT 10 UIDVALIDITY 3)", "S1: b1 OK done"}});
  const std::vector<std::string> later = {"C2: b1 STATUS INBOX (UIDNEXT UIDVALIDITY)",
                                          "S2: * STATUS INBOX (UIDNEXT 2 UIDVALIDITY 3)", "S2: b1 OK done"};
  // Bob's INBOX is not Alice's.
  EXPECT_EQ(fired(cat({first, {"C2: <connect>", "C2: a1 LOGIN bob pw", "S2: a1 OK done"}, later})), "");
  // AUTHENTICATE PLAIN as alice (RFC 4616 "\0alice\0pw"), with and without an initial response.
  EXPECT_EQ(fired(cat({first, {"C2: <connect>", "C2: a1 AUTHENTICATE PLAIN", "S2: + ", "C2: AGFsaWNlAHB3",
                               "S2: a1 OK done"}, later})),
            "UID-1");
  EXPECT_EQ(fired(cat({first, {"C2: <connect>", "C2: a1 AUTHENTICATE PLAIN AGFsaWNlAHB3", "S2: a1 OK done"}, later})),
            "UID-1");
}

TEST(CheckCross, Uid2AssignedUidsAboveEarlierUidnext) {
  const auto first = cat({login(1), login(2), {"C1: b1 STATUS Trash (UIDNEXT UIDVALIDITY)",
                                               "S1: * STATUS Trash (UIDNEXT 10 UIDVALIDITY 3)", "S1: b1 OK done"}});
  EXPECT_EQ(fired(cat({first, {"C2: b1 APPEND Trash {3+}\r\nabc", "S2: b1 OK [APPENDUID 3 8] done"}})), "UID-2");
  EXPECT_EQ(fired(cat({first, {"C2: b1 APPEND Trash {3+}\r\nabc", "S2: b1 OK [APPENDUID 3 10] done",
                               "C2: b2 APPEND Trash {3+}\r\nabc", "S2: b2 OK [APPENDUID 3 11] done"}})),
            "");
  // Never reused: the UID just assigned is taken.
  EXPECT_EQ(fired(cat({first, {"C2: b1 APPEND Trash {3+}\r\nabc", "S2: b1 OK [APPENDUID 3 10] done",
                               "C1: b2 APPEND Trash {3+}\r\nabc", "S1: b2 OK [APPENDUID 3 10] done"}})),
            "UID-2");
}

TEST(CheckCross, Uid3And4UidvalidityOnlyIncreases) {
  const auto first = cat({login(1), login(2), {"C1: b1 STATUS Trash (UIDVALIDITY)",
                                               "S1: * STATUS Trash (UIDVALIDITY 5)", "S1: b1 OK done"}});
  EXPECT_EQ(fired(cat({first, {"C2: b1 STATUS Trash (UIDVALIDITY)", "S2: * STATUS Trash (UIDVALIDITY 4)"}})),
            "UID-4");
  EXPECT_EQ(fired(cat({first, {"C1: b2 DELETE Trash", "S1: b2 OK done", "C1: b3 CREATE Trash", "S1: b3 OK done",
                               "C2: b1 STATUS Trash (UIDVALIDITY)", "S2: * STATUS Trash (UIDVALIDITY 4)"}})),
            "UID-3");
  EXPECT_EQ(fired(cat({first, {"C1: b2 DELETE Trash", "S1: b2 OK done", "C1: b3 CREATE Trash", "S1: b3 OK done",
                               "C2: b1 STATUS Trash (UIDVALIDITY)", "S2: * STATUS Trash (UIDVALIDITY 6)",
                               "S2: b1 OK done"}})),
            "");
}

TEST(CheckCross, Mod1HighestmodseqNeverDecreases) {
  const auto first = cat({login(1), login(2), {"C1: b1 STATUS Trash (HIGHESTMODSEQ UIDVALIDITY)",
                                               "S1: * STATUS Trash (HIGHESTMODSEQ 20 UIDVALIDITY 3)",
                                               "S1: b1 OK done"}});
  EXPECT_EQ(fired(cat({first, {"C2: b1 STATUS Trash (HIGHESTMODSEQ UIDVALIDITY)",
                               "S2: * STATUS Trash (HIGHESTMODSEQ 19 UIDVALIDITY 3)"}})),
            "MOD-1");
  EXPECT_EQ(fired(cat({first, {"C2: b1 STATUS Trash (HIGHESTMODSEQ UIDVALIDITY)",
                               "S2: * STATUS Trash (HIGHESTMODSEQ 20 UIDVALIDITY 3)", "S2: b1 OK done"}})),
            "");
}

TEST(CheckCross, Flg4OneSessionSeesRecent) {
  const auto both = cat({login(1), login(2), select(1), {"C1: f1 FETCH 3 (UID FLAGS)",
                                                         "S1: * 3 FETCH (UID 12 FLAGS (\\Recent))", "S1: f1 OK done"}});
  EXPECT_EQ(fired(cat({both, select(2), {"C2: f1 FETCH 3 (UID FLAGS)", "S2: * 3 FETCH (UID 12 FLAGS (\\Recent))"}})),
            "FLG-4");
  // EXAMINE does not claim \Recent (RFC 3501 §6.3.2), and a second look by the same session is fine.
  EXPECT_EQ(fired(cat({both, select(2, "EXAMINE"),
                       {"C2: f1 FETCH 3 (UID FLAGS)", "S2: * 3 FETCH (UID 12 FLAGS (\\Recent))", "S2: f1 OK done",
                        "C1: f2 FETCH 3 (UID FLAGS)", "S1: * 3 FETCH (UID 12 FLAGS (\\Recent))", "S1: f2 OK done"}})),
            "");
}

TEST(CheckCross, Seq10SameUidSameContent) {
  const auto first = cat({login(1), login(2), select(1), select(2),
                          {"C1: f1 FETCH 3 (UID RFC822.SIZE)", "S1: * 3 FETCH (UID 12 RFC822.SIZE 100)",
                           "S1: f1 OK done"}});
  EXPECT_EQ(fired(cat({first, {"C2: f1 UID FETCH 12 (RFC822.SIZE)", "S2: * 3 FETCH (UID 12 RFC822.SIZE 120)"}})),
            "SEQ-10");
  EXPECT_EQ(fired(cat({first, {"C2: f1 UID FETCH 12 (RFC822.SIZE)", "S2: * 3 FETCH (UID 12 RFC822.SIZE 100)",
                               "S2: f1 OK done"}})),
            "");
}

TEST(CheckCross, Ntf2ChangesReachIdleWatchersInTime) {
  const auto watching = cat({login(1), login(2), select(2), {"C2: i1 IDLE", "S2: + idling",
                                                             "C1: p1 APPEND INBOX {3+}\r\nabc",
                                                             "S1: p1 OK [APPENDUID 7 30] done"}});
  // Two virtual seconds later C2 still heard nothing.
  EXPECT_EQ(fired(cat({watching, {"@5000000 C1: p2 NOOP"}})), "NTF-2");
  EXPECT_EQ(fired(cat({watching, {"S2: * 4 EXISTS", "@5000000 C1: p2 NOOP"}})), "");
  // tick() fires it without any further event.
  Checker checker = make_checker();
  EXPECT_FALSE(run_lines(checker, watching));
  EXPECT_FALSE(checker.tick(1'000'000, nullptr));
  const auto v = checker.tick(3'000'000, nullptr);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule, "NTF-2");
  // A watcher that left IDLE is owed nothing by this rule.
  EXPECT_EQ(fired(cat({watching, {"C2: DONE", "S2: i1 OK done", "@5000000 C1: p2 NOOP"}})), "");
}

TEST(CheckCross, Ntf2IdleAfterNotifyNoneIsOwedNothing) {
  // RFC 5465 §4: during IDLE the server sends exactly the NOTIFY set, which after NOTIFY NONE is empty.
  const auto after_none = cat({login(1), login(2), select(2),
                               {"C2: n1 NOTIFY NONE", "S2: n1 OK done", "C2: i1 IDLE", "S2: + idling",
                                "C1: p1 APPEND INBOX {3+}\r\nabc", "S1: p1 OK [APPENDUID 7 30] done",
                                "@5000000 C1: p2 NOOP"}});
  EXPECT_EQ(fired(after_none), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
