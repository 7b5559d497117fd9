// SEARCH matching (model/message.hpp search_matches, RFC 3501 §6.4.4 and RFC 4551 §3.4): every key kind
// against one message and its state.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/message.hpp"

namespace imaplab::model {
namespace {

using proto::SearchKey;
using Kind = SearchKey::Kind;

SearchKey key(Kind kind) {
  SearchKey k;
  k.kind = kind;
  return k;
}
SearchKey str(Kind kind, std::string value) {
  SearchKey k = key(kind);
  k.value = std::move(value);
  return k;
}
SearchKey header(std::string field, std::string value) {
  SearchKey k = str(Kind::Header, std::move(value));
  k.field = std::move(field);
  return k;
}
SearchKey date(Kind kind, int y, int m, int d) {
  SearchKey k = key(kind);
  k.date = {y, m, d};
  return k;
}
SearchKey num(Kind kind, std::uint64_t n) {
  SearchKey k = key(kind);
  k.number = n;
  return k;
}
SearchKey set(Kind kind, std::vector<proto::SeqRange> ranges) {
  SearchKey k = key(kind);
  k.set.ranges = std::move(ranges);
  return k;
}
SearchKey op(Kind kind, std::vector<SearchKey> children) {
  SearchKey k = key(kind);
  k.children = std::move(children);
  return k;
}

const std::string message =
    "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
    "From: Fred Foobar <foobar@Blurdybloop.example>\r\n"
    "Subject: afternoon meeting\r\n"
    "To: mooch@owatagu.siam.edu.example\r\n"
    "Cc: Team:\r\n alice@example.com, bob@example.com;\r\n"
    "Message-Id: <B27397-0100000@Blurdybloop.example>\r\n"
    "X-Empty:\r\n"
    "Content-Type: multipart/mixed; boundary=sep\r\n"
    "\r\n"
    "--sep\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n"
    "--sep\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Caf=C3=A9 au lait, soft=\r\nbreak\r\n"
    "--sep\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "U2VjcmV0IHBhc3N3b3JkOiBzd29yZGZpc2g=\r\n"
    "--sep--\r\n";

class SearchMatch : public ::testing::Test {
 protected:
  SearchMatch() : content(message) {
    subject.msn = 3;
    subject.uid = 30;
    subject.max_msn = 5;
    subject.max_uid = 50;
    subject.flags = &flags;
    subject.recent = true;
    subject.modseq = 100;
    subject.internal_date = proto::DateTime{{1994, 2, 8}, 5, 52, 25, 0};
    subject.content = &content;
  }
  bool matches(const SearchKey& k) const { return search_matches(k, subject); }

  MessageContent content;
  std::vector<std::string> flags = {"$Forwarded", "\\Flagged", "\\Seen"};
  SearchSubject subject;
};

TEST_F(SearchMatch, SystemFlagsAndKeywords) {
  EXPECT_TRUE(matches(key(Kind::All)));
  EXPECT_TRUE(matches(key(Kind::Seen)));
  EXPECT_TRUE(matches(key(Kind::Flagged)));
  EXPECT_FALSE(matches(key(Kind::Answered)));
  EXPECT_FALSE(matches(key(Kind::Deleted)));
  EXPECT_FALSE(matches(key(Kind::Draft)));
  EXPECT_TRUE(matches(key(Kind::Unanswered)));
  EXPECT_TRUE(matches(key(Kind::Undeleted)));
  EXPECT_TRUE(matches(key(Kind::Undraft)));
  EXPECT_FALSE(matches(key(Kind::Unflagged)));
  EXPECT_FALSE(matches(key(Kind::Unseen)));
  EXPECT_TRUE(matches(str(Kind::Keyword, "$forwarded")));  // flag names compare case-insensitively
  EXPECT_FALSE(matches(str(Kind::Keyword, "$Junk")));
  EXPECT_FALSE(matches(str(Kind::Unkeyword, "$Forwarded")));
  EXPECT_TRUE(matches(str(Kind::Unkeyword, "$Junk")));
}

TEST_F(SearchMatch, NewOldRecent) {
  EXPECT_TRUE(matches(key(Kind::Recent)));
  EXPECT_FALSE(matches(key(Kind::Old)));
  EXPECT_FALSE(matches(key(Kind::New)));  // recent but seen
  flags = {};
  EXPECT_TRUE(matches(key(Kind::New)));
  subject.recent = false;
  EXPECT_FALSE(matches(key(Kind::New)));
  EXPECT_TRUE(matches(key(Kind::Old)));
  EXPECT_FALSE(matches(key(Kind::Recent)));
  subject.flags = nullptr;  // no flag list at all: like an empty one
  EXPECT_TRUE(matches(key(Kind::Unseen)));
}

TEST_F(SearchMatch, InternalDateKeysUseTheDateOnly) {
  EXPECT_TRUE(matches(date(Kind::On, 1994, 2, 8)));
  EXPECT_FALSE(matches(date(Kind::On, 1994, 2, 7)));
  EXPECT_TRUE(matches(date(Kind::Before, 1994, 2, 9)));
  EXPECT_FALSE(matches(date(Kind::Before, 1994, 2, 8)));
  EXPECT_TRUE(matches(date(Kind::Since, 1994, 2, 8)));
  EXPECT_FALSE(matches(date(Kind::Since, 1994, 2, 9)));
}

TEST_F(SearchMatch, SentKeysUseTheDateFieldDisregardingTime) {
  // Date: is 7 Feb in its own zone although 8 Feb in UTC.
  EXPECT_TRUE(matches(date(Kind::SentOn, 1994, 2, 7)));
  EXPECT_TRUE(matches(date(Kind::SentBefore, 1994, 2, 8)));
  EXPECT_FALSE(matches(date(Kind::SentBefore, 1994, 2, 7)));
  EXPECT_TRUE(matches(date(Kind::SentSince, 1994, 2, 7)));
  EXPECT_FALSE(matches(date(Kind::SentSince, 1994, 2, 8)));
}

TEST_F(SearchMatch, SentKeysNeverMatchWithoutAParseableDate) {
  const MessageContent undated("Date: sometime\r\nSubject: x\r\n\r\n");
  subject.content = &undated;
  EXPECT_FALSE(matches(date(Kind::SentBefore, 2100, 1, 1)));
  EXPECT_FALSE(matches(date(Kind::SentSince, 1900, 1, 1)));
  EXPECT_FALSE(matches(date(Kind::SentOn, 1994, 2, 7)));
}

TEST_F(SearchMatch, Sizes) {
  const auto size = static_cast<std::uint64_t>(message.size());
  EXPECT_TRUE(matches(num(Kind::Larger, size - 1)));
  EXPECT_FALSE(matches(num(Kind::Larger, size)));
  EXPECT_TRUE(matches(num(Kind::Smaller, size + 1)));
  EXPECT_FALSE(matches(num(Kind::Smaller, size)));
}

TEST_F(SearchMatch, AddressAndSubjectKeysAreCaseInsensitiveSubstrings) {
  EXPECT_TRUE(matches(str(Kind::From, "FOOBAR@blurdy")));
  EXPECT_TRUE(matches(str(Kind::From, "Fred Foo")));
  EXPECT_FALSE(matches(str(Kind::From, "mooch")));
  EXPECT_TRUE(matches(str(Kind::To, "owatagu")));
  EXPECT_TRUE(matches(str(Kind::Cc, "alice@example.com, bob")));  // unfolded
  EXPECT_FALSE(matches(str(Kind::Bcc, "")));                        // no Bcc field
  EXPECT_TRUE(matches(str(Kind::Subject, "NOON MEET")));
  EXPECT_FALSE(matches(str(Kind::Subject, "morning")));
}

TEST_F(SearchMatch, HeaderKeyWithEmptyValueMatchesPresence) {
  EXPECT_TRUE(matches(header("x-empty", "")));
  EXPECT_TRUE(matches(header("Message-ID", "")));
  EXPECT_FALSE(matches(header("X-Missing", "")));
  EXPECT_TRUE(matches(header("message-id", "b27397")));
  EXPECT_FALSE(matches(header("Message-ID", "nope")));
}

TEST_F(SearchMatch, BodyMatchesRawAndDecodedText) {
  EXPECT_TRUE(matches(str(Kind::Body, "hello joe")));
  EXPECT_TRUE(matches(str(Kind::Body, "Caf\xc3\xa9 au lait")));  // quoted-printable decoded
  EXPECT_TRUE(matches(str(Kind::Body, "softbreak")));
  EXPECT_TRUE(matches(str(Kind::Body, "password: SWORDFISH")));  // base64 decoded
  EXPECT_FALSE(matches(str(Kind::Body, "afternoon")));            // only in the header
  EXPECT_FALSE(matches(str(Kind::Body, "lunch")));
}

TEST_F(SearchMatch, TextMatchesHeaderAndBody) {
  EXPECT_TRUE(matches(str(Kind::Text, "afternoon")));
  EXPECT_TRUE(matches(str(Kind::Text, "3:30 TOMORROW")));
  EXPECT_TRUE(matches(str(Kind::Text, "swordfish")));
  EXPECT_FALSE(matches(str(Kind::Text, "lunch")));
}

TEST_F(SearchMatch, UidAndSequenceSetsWithStar) {
  EXPECT_TRUE(matches(set(Kind::Uid, {{30, 30}})));
  EXPECT_TRUE(matches(set(Kind::Uid, {{1, 2}, {40, 20}})));
  EXPECT_FALSE(matches(set(Kind::Uid, {{31, proto::seq_star}})));
  EXPECT_FALSE(matches(set(Kind::Uid, {{3, 3}})));  // 3 is the MSN, not the UID
  EXPECT_TRUE(matches(set(Kind::SequenceSet, {{3, 3}})));
  EXPECT_TRUE(matches(set(Kind::SequenceSet, {{proto::seq_star, 2}})));
  EXPECT_FALSE(matches(set(Kind::SequenceSet, {{proto::seq_star, proto::seq_star}})));
  subject.max_msn = 3;
  EXPECT_TRUE(matches(set(Kind::SequenceSet, {{proto::seq_star, proto::seq_star}})));
}

TEST_F(SearchMatch, ModSeqIsEqualOrGreater) {
  EXPECT_TRUE(matches(num(Kind::ModSeq, 100)));
  EXPECT_TRUE(matches(num(Kind::ModSeq, 1)));
  EXPECT_FALSE(matches(num(Kind::ModSeq, 101)));
}

TEST_F(SearchMatch, NotOrAndCombine) {
  const SearchKey seen = key(Kind::Seen);
  const SearchKey answered = key(Kind::Answered);
  EXPECT_FALSE(matches(op(Kind::Not, {seen})));
  EXPECT_TRUE(matches(op(Kind::Not, {answered})));
  EXPECT_TRUE(matches(op(Kind::Or, {answered, seen})));
  EXPECT_FALSE(matches(op(Kind::Or, {answered, answered})));
  EXPECT_TRUE(matches(op(Kind::And, {seen, key(Kind::Flagged)})));
  EXPECT_FALSE(matches(op(Kind::And, {seen, answered})));
  EXPECT_TRUE(search_matches(std::vector<SearchKey>{seen, str(Kind::Subject, "meeting")}, subject));
  EXPECT_FALSE(search_matches(std::vector<SearchKey>{seen, answered}, subject));
  EXPECT_TRUE(search_matches(std::vector<SearchKey>{}, subject));
  // Malformed trees (which the parser never produces) do not crash and do not match.
  EXPECT_FALSE(matches(op(Kind::Not, {})));
  EXPECT_FALSE(matches(op(Kind::Or, {seen})));
}

TEST_F(SearchMatch, WithoutContentOnlyStateKeysMatch) {
  subject.content = nullptr;
  EXPECT_TRUE(matches(key(Kind::Seen)));
  EXPECT_FALSE(matches(str(Kind::Body, "")));
  EXPECT_FALSE(matches(header("From", "")));
  EXPECT_TRUE(matches(num(Kind::Smaller, 1)));
}

TEST(DateOf, IsTheDateInTheDateTimesOwnZone) {
  EXPECT_EQ(date_of(proto::DateTime{{2024, 3, 1}, 23, 30, 0, -480}), (proto::Date{2024, 3, 1}));
}

}  // namespace
}  // namespace imaplab::model
