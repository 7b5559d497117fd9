// Canaries for SEQ-9's content half (sim/check_content.cpp): BODY[section]<o.l>, RFC822.HEADER/TEXT and
// INTERNALDATE against an independent extraction from the stored bytes. Each bad answer is what one of the zoo
// bugs (part-with-mime-header ... internaldate-drops-zone) sends; the right answer beside it must pass.
#include <gtest/gtest.h>

#include <cstdio>

#include "model/model.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

const std::string header =
    "From: Ann <ann@example.org>\r\nSubject: hi\r\n  there\r\n"
    "Content-Type: multipart/mixed; boundary=\"bb\"\r\n\r\n";
const std::string body =
    "--bb\r\nContent-Type: text/plain\r\n\r\nhello\r\n--bb\r\nContent-Type: text/plain\r\n\r\nworld\r\n--bb--\r\n";
const std::string message = header + body;

std::string lit(const std::string& s) { return "{" + std::to_string(s.size()) + "}\r\n" + s; }

struct Scene : TwoClientScene {
  Scene() : TwoClientScene({}, "SCRATCH") { oracle.store("INBOX", uidvalidity, 1, message); }
  // Client 1 sends `fetch` and receives `answer` as the FETCH data of message 1.
  std::string answer(const std::string& fetch, const std::string& data) {
    step(1, "a5 " + fetch, "", {"S1: * 1 FETCH (" + data + ")", "S1: a5 OK done"});
    return fired();
  }
};

std::string answer(const std::string& fetch, const std::string& data) { return Scene().answer(fetch, data); }

TEST(CheckContent, PartIsTheBodyWithoutItsMimeHeader) {
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[1])", "BODY[1] " + lit("Content-Type: text/plain\r\n\r\nhello")), "SEQ-9");
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[1])", "BODY[1] " + lit("hello")), "");
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[2])", "BODY[2] " + lit("world")), "");
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[1.MIME])", "BODY[1.MIME] " + lit("Content-Type: text/plain\r\n\r\n")), "");
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[1.MIME])", "BODY[1.MIME] " + lit("Content-Type: text/html\r\n\r\n")), "SEQ-9");
}

TEST(CheckContent, NonMultipartPartOneIsTheText) {
  Scene bad;
  bad.oracle.store("INBOX", bad.uidvalidity, 1, "Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(bad.answer("FETCH 1 (BODY.PEEK[1])", "BODY[1] " + lit("Subject: x\r\n\r\nbody\r\n")), "SEQ-9");
  Scene good;
  good.oracle.store("INBOX", good.uidvalidity, 1, "Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(good.answer("FETCH 1 (BODY.PEEK[1])", "BODY[1] " + lit("body\r\n")), "");
}

TEST(CheckContent, HeaderEndsWithTheBlankLine) {
  const std::string short_header = header.substr(0, header.size() - 2);
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[HEADER])", "BODY[HEADER] " + lit(short_header)), "SEQ-9");
  EXPECT_EQ(answer("FETCH 1 (RFC822.HEADER)", "RFC822.HEADER " + lit(short_header)), "SEQ-9");
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[HEADER])", "BODY[HEADER] " + lit(header)), "");
  EXPECT_EQ(answer("FETCH 1 (RFC822.HEADER)", "RFC822.HEADER " + lit(header)), "");
}

TEST(CheckContent, HeaderFieldNamesAreCaseInsensitive) {
  const std::string fetch = "FETCH 1 (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])";
  EXPECT_EQ(answer(fetch, "BODY[HEADER.FIELDS (FROM SUBJECT)] " + lit("\r\n")), "SEQ-9");
  // The folded Subject comes whole, continuation line included.
  EXPECT_EQ(answer(fetch, "BODY[HEADER.FIELDS (FROM SUBJECT)] " +
                              lit("From: Ann <ann@example.org>\r\nSubject: hi\r\n  there\r\n\r\n")),
            "");
  const std::string not_fetch = "FETCH 1 (BODY.PEEK[HEADER.FIELDS.NOT (subject content-type)])";
  EXPECT_EQ(answer(not_fetch, "BODY[HEADER.FIELDS.NOT (subject content-type)] " +
                                  lit("From: Ann <ann@example.org>\r\n\r\n")),
            "");
  EXPECT_EQ(answer(not_fetch, "BODY[HEADER.FIELDS.NOT (subject content-type)] " + lit(header)), "SEQ-9");
}

TEST(CheckContent, Rfc822TextIsTheTextOnly) {
  EXPECT_EQ(answer("FETCH 1 (RFC822.TEXT)", "RFC822.TEXT " + lit(message)), "SEQ-9");
  EXPECT_EQ(answer("FETCH 1 (RFC822.TEXT)", "RFC822.TEXT " + lit(body)), "");
}

TEST(CheckContent, PartialIsAtMostItsLength) {
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[TEXT]<2.4>)", "BODY[TEXT]<2> " + lit(body.substr(2))), "SEQ-9");
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[TEXT]<2.4>)", "BODY[TEXT]<2> " + lit(body.substr(2, 4))), "");
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[]<5.3>)", "BODY[]<5> " + lit(message.substr(5))), "SEQ-9");
  EXPECT_EQ(answer("FETCH 1 (BODY.PEEK[]<5.3>)", "BODY[]<5> " + lit(message.substr(5, 3))), "");
  // l beyond the end: the rest of the data, min(l, size - o) octets.
  const std::string tail_fetch = "FETCH 1 (BODY.PEEK[1]<3.1000>)";
  EXPECT_EQ(answer(tail_fetch, "BODY[1]<3> " + lit("lo")), "");
  EXPECT_EQ(answer(tail_fetch, "BODY[1]<3> " + lit("l")), "SEQ-9");
}

TEST(CheckContent, UntidyMultipartIsNotJudged) {
  Scene s;  // no close delimiter: the structure is the server's guess, so BODY[1] is not judged
  s.oracle.store("INBOX", s.uidvalidity, 1, header + "--bb\r\n\r\nhello\r\n");
  EXPECT_EQ(s.answer("FETCH 1 (BODY.PEEK[1])", "BODY[1] " + lit("anything")), "");
}

std::string imap_date(const proto::DateTime& t) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int zone = t.zone_minutes < 0 ? -t.zone_minutes : t.zone_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%02d-%s-%04d %02d:%02d:%02d %c%02d%02d\"", t.date.day, months[t.date.month - 1],
                t.date.year, t.hour, t.minute, t.second, t.zone_minutes < 0 ? '-' : '+', zone / 60, zone % 60);
  return buf;
}

TEST(CheckContent, InternalDateIsTheSameInstant) {
  Scene s;
  const auto stored = s.oracle.model().internal_date("INBOX", 1);
  ASSERT_TRUE(stored);
  proto::DateTime other_zone = *stored;  // the local time kept, the zone changed: another instant
  other_zone.zone_minutes += 60;
  EXPECT_EQ(Scene().answer("FETCH 1 (INTERNALDATE)", "INTERNALDATE " + imap_date(other_zone)), "SEQ-9");
  EXPECT_EQ(Scene().answer("FETCH 1 (INTERNALDATE)", "INTERNALDATE " + imap_date(*stored)), "");
  if (stored->hour < 23) {  // the same instant written in a zone an hour east
    proto::DateTime same = *stored;
    same.hour += 1;
    same.zone_minutes += 60;
    EXPECT_EQ(Scene().answer("FETCH 1 (INTERNALDATE)", "INTERNALDATE " + imap_date(same)), "");
  }
}

}  // namespace
}  // namespace imaplab::sim::testing
