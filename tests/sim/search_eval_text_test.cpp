// The SRC-1 evaluator's text and sent-date keys (sim/search_eval.cpp, RFC 3501 §6.4.4) over stored bytes, and
// the messages it leaves open rather than guess; then the SRC-1 check firing on a BODY answer that matched the
// header (zoo bug search-body-matches-header) and on SENTSINCE read from INTERNALDATE (sent-since-internal-date).
#include <gtest/gtest.h>

#include "model/model.hpp"
#include "sim/search_eval.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

using K = proto::SearchKey::Kind;

proto::SearchKey text_key(K kind, const std::string& value, const std::string& field = "") {
  proto::SearchKey k;
  k.kind = kind;
  k.value = value;
  k.field = field;
  return k;
}

proto::SearchKey date_key(K kind, proto::Date d) {
  proto::SearchKey k;
  k.kind = kind;
  k.date = d;
  return k;
}

struct One {
  std::string bytes;
  std::vector<std::string> flags;
  SearchCandidate m;
  SearchStars stars{1, 1};
  explicit One(std::string b) : bytes(std::move(b)), m{1, 1, &flags, proto::Date{2030, 6, 1}, 0} {
    m.size = bytes.size();
    m.bytes = &bytes;
  }
  SearchMatch operator()(const proto::SearchKey& k) const { return search_match({k}, m, stars); }
};

const std::string plain =
    "From: Client 3 <c3@example.org>\r\nTo: team@example.org\r\nSubject: alpha\r\n bravo 7\r\n"
    "Date: Tue, 4 Mar 1997 12:00:00 +0000\r\nMessage-ID: <c3.7@imaplab>\r\n\r\ncharlie delta\r\n";

TEST(SearchEvalText, HeaderKeysAreSubstringsOfTheField) {
  const One one(plain);
  EXPECT_EQ(one(text_key(K::Subject, "ALPHA")), SearchMatch::Yes);  // case-insensitive
  EXPECT_EQ(one(text_key(K::Subject, "alpha bravo")), SearchMatch::Yes);  // unfolded (RFC 2822 §2.2.3)
  EXPECT_EQ(one(text_key(K::Subject, "charlie")), SearchMatch::No);
  EXPECT_EQ(one(text_key(K::From, "c3@EXAMPLE")), SearchMatch::Yes);
  EXPECT_EQ(one(text_key(K::To, "client")), SearchMatch::No);
  EXPECT_EQ(one(text_key(K::Cc, "x")), SearchMatch::No);
  EXPECT_EQ(one(text_key(K::Header, "c3.7", "message-id")), SearchMatch::Yes);
  EXPECT_EQ(one(text_key(K::Header, "", "Message-ID")), SearchMatch::Yes);  // "" matches any such field
  EXPECT_EQ(one(text_key(K::Header, "", "Reply-To")), SearchMatch::No);
  EXPECT_EQ(one(text_key(K::Subject, " alpha")), SearchMatch::Unknown);  // outer blanks: left open
}

TEST(SearchEvalText, BodyIsAfterTheHeaderAndTextIsBoth) {
  const One one(plain);
  EXPECT_EQ(one(text_key(K::Body, "DELTA")), SearchMatch::Yes);
  EXPECT_EQ(one(text_key(K::Body, "alpha")), SearchMatch::No);  // only in the header (zoo: search-body-matches-header)
  EXPECT_EQ(one(text_key(K::Text, "alpha")), SearchMatch::Yes);
  EXPECT_EQ(one(text_key(K::Text, "delta")), SearchMatch::Yes);
  EXPECT_EQ(one(text_key(K::Text, "echo")), SearchMatch::No);
}

TEST(SearchEvalText, SentKeysReadTheDateHeaderDay) {
  const One one(plain);  // INTERNALDATE day 1-Jun-2030, Date: 4-Mar-1997
  EXPECT_EQ(one(date_key(K::SentOn, {1997, 3, 4})), SearchMatch::Yes);
  EXPECT_EQ(one(date_key(K::SentSince, {1997, 3, 4})), SearchMatch::Yes);
  EXPECT_EQ(one(date_key(K::SentSince, {1997, 3, 5})), SearchMatch::No);
  EXPECT_EQ(one(date_key(K::SentBefore, {1997, 3, 4})), SearchMatch::No);
  EXPECT_EQ(one(date_key(K::SentSince, {2030, 1, 1})), SearchMatch::No);  // not INTERNALDATE (sent-since-internal-date)
  const One undated("Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(undated(date_key(K::SentSince, {1990, 1, 1})), SearchMatch::Unknown);
  const One two_year("Date: 4 Mar 97 12:00:00 +0000\r\n\r\nbody\r\n");  // obsolete year: left open
  EXPECT_EQ(two_year(date_key(K::SentOn, {1997, 3, 4})), SearchMatch::Unknown);
}

TEST(SearchEvalText, MessagesNotPlainAreLeftOpen) {
  const One encoded("Subject: =?utf-8?q?alpha?=\r\n\r\nbody\r\n");
  EXPECT_EQ(encoded(text_key(K::Subject, "alpha")), SearchMatch::Unknown);
  const One multipart("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\r\nalpha\r\n--b--\r\n");
  EXPECT_EQ(multipart(text_key(K::Body, "alpha")), SearchMatch::Unknown);
  EXPECT_EQ(multipart(text_key(K::Subject, "alpha")), SearchMatch::No);  // its header is still plain
  const One qp("Content-Transfer-Encoding: quoted-printable\r\n\r\nal=\r\npha\r\n");
  EXPECT_EQ(qp(text_key(K::Body, "alpha")), SearchMatch::Unknown);
  const One eight("Subject: caf\xc3\xa9\r\n\r\nbody\r\n");
  EXPECT_EQ(eight(text_key(K::Subject, "caf")), SearchMatch::Unknown);
  // Three-valued: an open key ORed with a match matches; NOT of an open key stays open.
  proto::SearchKey either = text_key(K::Or, "");
  either.children = {text_key(K::Body, "alpha"), text_key(K::Subject, "zzz")};
  EXPECT_EQ(multipart(either), SearchMatch::Unknown);
  either.children[1] = text_key(K::Header, "multipart", "Content-Type");
  EXPECT_EQ(multipart(either), SearchMatch::Yes);
  proto::SearchKey negated = text_key(K::Not, "");
  negated.children = {text_key(K::Body, "alpha")};
  EXPECT_EQ(multipart(negated), SearchMatch::Unknown);
}

// Client 1 alone with INBOX (UIDs 1..3: "Subject: alpha" / "charlie" bodies, Date: 1997) selected.
struct SearchScene {
  ModelOracle oracle{{}, {{"alice", "secret"}}, {}};
  Checker checker = make_checker();
  std::optional<Violation> first;
  SearchScene() {
    oracle.run(1, "a1 LOGIN alice secret");
    const std::string m = "Subject: alpha\r\nDate: 4 Mar 1997 12:00:00 +0000\r\n\r\ncharlie\r\n";
    for (int i = 0; i < 3; ++i) {
      oracle.run(1, "a2 APPEND INBOX {" + std::to_string(m.size()) + "+}\r\n" + m);
    }
    oracle.run(1, "a3 SELECT INBOX");
    oracle.run(1, "a4 FETCH 1:* UID");
    const std::string uv = std::to_string(oracle.model().mailbox("INBOX")->uidvalidity);
    feed({"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done", "C1: a3 SELECT INBOX",
          "S1: * 3 EXISTS", "S1: * OK [UIDVALIDITY " + uv + "] ok", "S1: a3 OK [READ-WRITE] done",
          "C1: a4 FETCH 1:* UID", "S1: * 1 FETCH (UID 1)", "S1: * 2 FETCH (UID 2)", "S1: * 3 FETCH (UID 3)",
          "S1: a4 OK done"});
  }
  void feed(const std::vector<std::string>& lines) {
    for (const Event& e : events_from(lines)) {
      auto v = checker.observe(e, &oracle);
      if (v && !first) first = std::move(v);
    }
  }
  std::string fired(const std::string& command, const std::string& answer) {
    feed({"C1: " + command, "S1: " + answer, "S1: a9 OK done"});
    return first ? first->rule : std::string();
  }
};

TEST(SearchEvalText, Src1JudgesTextAndSentKeys) {
  EXPECT_EQ(SearchScene().fired("a9 SEARCH BODY alpha", "* SEARCH 1 2 3"), "SRC-1");  // alpha is in the header
  EXPECT_EQ(SearchScene().fired("a9 SEARCH BODY alpha", "* SEARCH"), "");
  EXPECT_EQ(SearchScene().fired("a9 SEARCH TEXT alpha", "* SEARCH 1 2 3"), "");
  EXPECT_EQ(SearchScene().fired("a9 SEARCH SENTSINCE 1-Jan-2000", "* SEARCH 1 2 3"), "SRC-1");  // INTERNALDATE's
  EXPECT_EQ(SearchScene().fired("a9 SEARCH SENTSINCE 1-Jan-2000", "* SEARCH"), "");
  EXPECT_EQ(SearchScene().fired("a9 UID SEARCH SENTON 4-Mar-1997", "* SEARCH 1 3"), "SRC-1");
}

}  // namespace
}  // namespace imaplab::sim::testing
