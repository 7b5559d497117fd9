// Canaries for sim/check_session.cpp (SES-1: LOGOUT gets BYE then OK before the close, RFC 3501 §6.1.3; CPY-6:
// COPYUID for a COPY/MOVE that copied, RFC 4315 §3, RFC 6851 §4.3) and NTF-10's own-APPEND half (RFC 5465
// §5.2). Each bad transcript must fire its rule, a near-identical good one not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

const std::vector<std::string> logged_in = {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret",
                                            "S1: a1 OK done"};

std::string fired(std::vector<std::string> tail, const StoreOracle* oracle = nullptr) {
  std::vector<std::string> lines = logged_in;
  lines.insert(lines.end(), tail.begin(), tail.end());
  Checker checker = make_checker();
  const auto v = run_lines(checker, lines, oracle);
  return v ? v->rule : std::string();
}

TEST(CheckSession, Ses1LogoutOkNeedsByeFirst) {
  EXPECT_EQ(fired({"C1: a2 LOGOUT", "S1: a2 OK done"}), "SES-1");
  EXPECT_EQ(fired({"C1: a2 LOGOUT", "S1: * BYE logging out", "S1: a2 OK done", "C1: <disconnect>"}), "");
}

TEST(CheckSession, Ses1ServerClosesWithLogoutUnanswered) {
  // The oracle knows no session of client 1: the server closed the connection.
  const ModelOracle closed;
  EXPECT_EQ(fired({"C1: a2 LOGOUT", "C1: <disconnect>"}, &closed), "SES-1");
  // A BYE came (it may be for another reason, e.g. autologout): the missing OK is not judged.
  EXPECT_EQ(fired({"C1: a2 LOGOUT", "S1: * BYE autologout", "C1: <disconnect>"}, &closed), "");
  // The server still has the session: the client dropped the connection itself.
  ModelOracle open;
  open.run(1, "a1 LOGIN alice secret");
  EXPECT_EQ(fired({"C1: a2 LOGOUT", "C1: <disconnect>"}, &open), "");
  // No oracle (a probe of a real server): who closed is unknown.
  EXPECT_EQ(fired({"C1: a2 LOGOUT", "C1: <disconnect>"}), "");
}

// Client 1 copies (or moves) INBOX's UID 1 to FOO; the model runs it; the reply carries `code`.
std::string copy_reply(const std::string& verb, bool with_copyuid, bool other_append_in_flight = false) {
  TwoClientScene s({}, "FOO");
  const std::string foo_uv = std::to_string(s.oracle.model().mailbox("FOO")->uidvalidity);
  const std::string copyuid = "[COPYUID " + foo_uv + " 1 1] ";
  const std::string cmd = "a5 UID " + verb + " 1 FOO";
  s.feed({"C1: c1 CAPABILITY", "S1: * CAPABILITY IMAP4rev1 UIDPLUS MOVE", "S1: c1 OK done"});
  if (other_append_in_flight) s.feed({"C2: b1 APPEND FOO {5+}\r\nhello"});
  s.feed({"C1: " + cmd});
  s.oracle.run(1, cmd);
  if (verb == "MOVE") {
    std::vector<std::string> replies;
    if (with_copyuid) replies.push_back("S1: * OK " + copyuid + "moved");
    replies.push_back("S1: * 1 EXPUNGE");
    replies.push_back("S1: a5 OK done");
    s.feed(replies);
  } else {
    s.feed({"S1: a5 OK " + std::string(with_copyuid ? copyuid : "") + "done"});
  }
  return s.fired();
}

TEST(CheckSession, Cpy6CopyThatCopiedCarriesCopyuid) {
  EXPECT_EQ(copy_reply("COPY", false), "CPY-6");
  EXPECT_EQ(copy_reply("COPY", true), "");
  EXPECT_EQ(copy_reply("MOVE", false), "CPY-6");
  EXPECT_EQ(copy_reply("MOVE", true), "");
  // Another APPEND into FOO was in flight: it may be what raised FOO's UIDNEXT.
  EXPECT_EQ(copy_reply("COPY", false, true), "");
}

TEST(CheckSession, Cpy6NothingCopiedNeedsNoCopyuid) {
  TwoClientScene s({}, "FOO");
  s.feed({"C1: c1 CAPABILITY", "S1: * CAPABILITY IMAP4rev1 UIDPLUS MOVE", "S1: c1 OK done"});
  s.step(1, "a5 UID COPY 99 FOO", "a5 UID COPY 99 FOO", {"S1: a5 OK no messages"});
  EXPECT_EQ(s.fired(), "");
}

// Client 1 watches MessageNew (UID FLAGS) on its selected INBOX and APPENDs to it; UID 4 is the new message.
std::string own_append(bool push_own_fetch, bool own_fetch_in_flight = false) {
  TwoClientScene s({}, "FOO");
  const std::string notify = "n1 NOTIFY SET (selected (MessageNew (UID FLAGS) MessageExpunge))";
  s.step(1, notify, notify, {"S1: n1 OK done"});
  const std::string append = "a7 APPEND INBOX {5+}\r\nhello";
  s.feed({"C1: " + append});
  if (own_fetch_in_flight) s.feed({"C1: a8 FETCH 4 (UID FLAGS)"});  // pipelined behind the APPEND
  s.oracle.run(1, append);
  std::vector<std::string> replies = {"S1: * 4 EXISTS"};
  if (push_own_fetch) replies.push_back("S1: * 4 FETCH (UID 4 FLAGS (\\Recent))");
  replies.push_back("S1: a7 OK [APPENDUID " + std::to_string(s.uidvalidity) + " 4] done");
  if (own_fetch_in_flight) replies.push_back("S1: a8 OK done");
  s.feed(replies);
  return s.fired();
}

TEST(CheckSession, Ntf10NoMessageNewFetchForOwnAppend) {
  EXPECT_EQ(own_append(true), "NTF-10");
  EXPECT_EQ(own_append(false), "");
  // The client's own FETCH was in flight: FETCH responses were asked for.
  EXPECT_EQ(own_append(true, true), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
