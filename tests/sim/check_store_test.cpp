// Canaries for the white-box [O] rules, against a fake StoreOracle built on a real model::Model that the test
// drives with commands (the "server"), while the transcript says what the client was told.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "model/model.hpp"
#include "proto/command_parser.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// The store: INBOX with three messages, client 1 logged in with INBOX selected (in the model too).
struct World {
  ModelOracle oracle;
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> uids;
  World() {
    oracle.run(1, "a1 LOGIN alice secret");
    for (int i = 0; i < 3; ++i) oracle.run(1, "a2 APPEND INBOX {5+}\r\nmsg-" + std::to_string(i));
    oracle.run(1, "a3 SELECT INBOX");
    const auto inbox = oracle.model().mailbox("INBOX");
    uidvalidity = inbox->uidvalidity;
    uids = inbox->uids;
  }
  // What client 1 was told up to here: logged in, INBOX selected, every UID fetched.
  std::vector<std::string> transcript() const {
    std::vector<std::string> t = {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done",
                                  "C1: a3 SELECT INBOX", "S1: * " + std::to_string(uids.size()) + " EXISTS",
                                  "S1: * OK [UIDVALIDITY " + std::to_string(uidvalidity) + "] ok", "S1: a3 OK done",
                                  "C1: a4 FETCH 1:* UID"};
    for (std::size_t i = 0; i < uids.size(); ++i) {
      t.push_back("S1: * " + std::to_string(i + 1) + " FETCH (UID " + std::to_string(uids[i]) + ")");
    }
    t.push_back("S1: a4 OK done");
    return t;
  }
};

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string fired(const std::vector<std::string>& lines, const StoreOracle& oracle) {
  Checker checker = make_checker();
  const auto v = run_lines(checker, lines, &oracle);
  return v ? v->rule : std::string();
}

TEST(CheckStore, ModelWorldIsAsExpected) {
  World w;
  ASSERT_EQ(w.uids.size(), 3u);
  EXPECT_EQ(w.oracle.model().session_view(*w.oracle.session_of(1)), w.uids);
}

TEST(CheckStore, Seq9DataBelongsToTheMessage) {
  World w;
  const std::uint32_t uid = w.uids[0];
  w.oracle.store("INBOX", w.uidvalidity, uid, "hello");
  const std::string u = std::to_string(uid);
  EXPECT_EQ(fired(plus(w.transcript(), {"C1: a5 FETCH 1 RFC822.SIZE", "S1: * 1 FETCH (RFC822.SIZE 6)"}), w.oracle),
            "SEQ-9");
  EXPECT_EQ(fired(plus(w.transcript(), {"C1: a5 FETCH 1 BODY[]", "S1: * 1 FETCH (BODY[] {5}\r\nhellO)"}), w.oracle),
            "SEQ-9");
  EXPECT_EQ(fired(plus(w.transcript(), {"C1: a5 UID FETCH " + u + " (RFC822.SIZE BODY.PEEK[])",
                                        "S1: * 1 FETCH (UID " + u + " RFC822.SIZE 5 BODY[] {5}\r\nhello)",
                                        "C1: a6 FETCH 1 BODY[]<1.3>", "S1: * 1 FETCH (BODY[]<1> {3}\r\nell)",
                                        "S1: a5 OK done", "S1: a6 OK done"}),
                  w.oracle),
            "");
}

TEST(CheckStore, Seq14NoopCheckpointMatchesTheSession) {
  World w;
  // Another session expunges message 2; NOOP must bring the EXPUNGE.
  w.oracle.run(2, "b1 LOGIN alice secret");
  w.oracle.run(2, "b2 SELECT INBOX");
  w.oracle.run(2, "b3 STORE 2 +FLAGS.SILENT (\\Deleted)");
  w.oracle.run(2, "b4 EXPUNGE");
  w.oracle.run(1, "a5 NOOP");
  ASSERT_EQ(w.oracle.model().session_view(*w.oracle.session_of(1)).size(), 2u);
  EXPECT_EQ(fired(plus(w.transcript(), {"C1: a5 NOOP", "S1: a5 OK NOOP completed"}), w.oracle), "SEQ-14");
  EXPECT_EQ(fired(plus(w.transcript(), {"C1: a5 NOOP", "S1: * 2 EXPUNGE", "S1: a5 OK NOOP completed"}), w.oracle),
            "");
  // A wrong UID at a checkpoint is caught too.
  auto wrong = w.transcript();
  wrong[11] = "S1: * 3 FETCH (UID " + std::to_string(w.uids[2] + 5) + ")";
  EXPECT_EQ(fired(plus(wrong, {"C1: a5 NOOP", "S1: * 2 EXPUNGE", "S1: a5 OK NOOP completed"}), w.oracle), "SEQ-14");
}

TEST(CheckStore, Ntf3NotifySetBehavesLikeNoop) {
  World w;
  w.oracle.run(2, "b1 LOGIN alice secret");
  w.oracle.run(2, "b2 SELECT INBOX");
  w.oracle.run(2, "b3 STORE 3 +FLAGS.SILENT (\\Deleted)");
  w.oracle.run(2, "b4 EXPUNGE");
  const std::string notify = "C1: a5 NOTIFY SET (personal (MessageNew MessageExpunge))";
  w.oracle.run(1, notify.substr(4));
  EXPECT_EQ(fired(plus(w.transcript(), {notify, "S1: a5 OK NOTIFY completed"}), w.oracle), "NTF-3");
  EXPECT_EQ(fired(plus(w.transcript(), {notify, "S1: * 3 EXPUNGE", "S1: a5 OK NOTIFY completed"}), w.oracle), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
