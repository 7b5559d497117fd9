// The MIME structure parser and its header tools (model/mime.hpp): part boundaries, degradation of broken
// structure, limits, header folding, Content-Type parameters and transfer decoding.
#include "model/mime.hpp"

#include <gtest/gtest.h>

#include <string>

namespace imaplab::model {
namespace {

std::string crlf(std::string s) {
  std::string out;
  for (const char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST(MimeParse, PlainMessageIsOneLeafWithHeaderAndBody) {
  const std::string m = crlf("Subject: hi\nFrom: a@b\n\nHello\n");
  const MimePart p = parse_message(m);
  EXPECT_EQ(p.kind, PartKind::Leaf);
  EXPECT_TRUE(p.children.empty());
  EXPECT_EQ(p.header(m), crlf("Subject: hi\nFrom: a@b\n\n"));
  EXPECT_EQ(p.body(m), crlf("Hello\n"));
}

TEST(MimeParse, BareLineFeedsAreAccepted) {
  const std::string m = "Subject: hi\n\nbody\n";
  const MimePart p = parse_message(m);
  EXPECT_EQ(p.header(m), "Subject: hi\n\n");
  EXPECT_EQ(p.body(m), "body\n");
}

TEST(MimeParse, MessageWithoutSeparatorIsAllHeader) {
  const std::string m = "Subject: hi\r\nFrom: a@b";
  const MimePart p = parse_message(m);
  EXPECT_EQ(p.header(m), m);
  EXPECT_TRUE(p.body(m).empty());
}

TEST(MimeParse, MessageStartingWithBlankLineHasEmptyHeaderFields) {
  const std::string m = "\r\nbody";
  const MimePart p = parse_message(m);
  EXPECT_EQ(p.header(m), "\r\n");
  EXPECT_EQ(p.body(m), "body");
}

TEST(MimeParse, MultipartSplitsAtDelimitersAndDropsPreambleAndEpilogue) {
  const std::string m = crlf(
      "Content-Type: multipart/mixed; boundary=\"xyz\"\n\npreamble\n--xyz\nContent-Type: text/plain\n\none\n"
      "--xyz  \n\ntwo\n\n--xyz--\nepilogue\n");
  const MimePart p = parse_message(m);
  ASSERT_EQ(p.kind, PartKind::Multipart);
  ASSERT_EQ(p.children.size(), 2u);
  // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter.
  EXPECT_EQ(p.children[0].whole(m), crlf("Content-Type: text/plain\n\none"));
  EXPECT_EQ(p.children[0].body(m), "one");
  EXPECT_EQ(p.children[1].header(m), "\r\n");  // a part without header fields starts with the blank line
  EXPECT_EQ(p.children[1].body(m), "two\r\n");
}

TEST(MimeParse, MissingCloseDelimiterRunsLastPartToTheEnd) {
  const std::string m = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nonly\n";
  const MimePart p = parse_message(m);
  ASSERT_EQ(p.children.size(), 1u);
  EXPECT_EQ(p.children[0].body(m), "only\n");
}

TEST(MimeParse, DelimiterMustBeAloneOnItsLine) {
  const std::string m = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx is text\n--b--\n";
  const MimePart p = parse_message(m);
  ASSERT_EQ(p.children.size(), 1u);
  EXPECT_EQ(p.children[0].body(m), "--bx is text");
}

TEST(MimeParse, MultipartWithoutBoundaryOrDelimitersDegradesToPlainText) {
  EXPECT_EQ(parse_message("Content-Type: multipart/mixed\n\n--b\n").kind, PartKind::PlainText);
  EXPECT_EQ(parse_message("Content-Type: multipart/mixed; boundary=b\n\nno parts\n").kind, PartKind::PlainText);
  EXPECT_EQ(parse_message("Content-Type: multipart/mixed; boundary=\"\"\n\n--\n").kind, PartKind::PlainText);
}

TEST(MimeParse, NestedMessageHasOneChildSpanningItsBody) {
  const std::string m = "Content-Type: message/rfc822\n\nSubject: inner\n\ninner body\n";
  const MimePart p = parse_message(m);
  ASSERT_EQ(p.kind, PartKind::Message);
  ASSERT_EQ(p.children.size(), 1u);
  EXPECT_EQ(p.children[0].header(m), "Subject: inner\n\n");
  EXPECT_EQ(p.children[0].body(m), "inner body\n");
  EXPECT_EQ(p.children[0].whole(m), p.body(m));
}

TEST(MimeParse, DigestPartsDefaultToMessageRfc822) {
  const std::string m =
      "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\n1\n"
      "--d\nContent-Type: text/plain\n\n2\n--d--\n";
  const MimePart p = parse_message(m);
  ASSERT_EQ(p.children.size(), 2u);
  EXPECT_EQ(p.children[0].kind, PartKind::Message);
  EXPECT_EQ(p.children[0].children.at(0).header(m), "Subject: one\n\n");
  EXPECT_EQ(p.children[1].kind, PartKind::Leaf);
}

TEST(MimeParse, NestingDeeperThanTheLimitBecomesOpaque) {
  std::string m;
  for (std::size_t i = 0; i < mime_depth_max + 10; ++i) m += "Content-Type: message/rfc822\n\n";
  m += "body\n";
  const MimePart root = parse_message(m);
  const MimePart* p = &root;
  std::size_t depth = 0;
  while (p->kind == PartKind::Message) {
    p = &p->children.at(0);
    ++depth;
  }
  EXPECT_EQ(depth, mime_depth_max);
  EXPECT_EQ(p->kind, PartKind::Opaque);
}

TEST(MimeParse, PartCountIsCapped) {
  std::string m = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (std::size_t i = 0; i < mime_parts_max + 50; ++i) m += "--b\n\nx\n";
  const MimePart p = parse_message(m);
  EXPECT_EQ(p.children.size(), mime_parts_max - 1);  // the root counts as a part
}

TEST(HeaderLines, FoldedFieldIsOneLogicalLine) {
  const std::string h = "Subject: a\r\n  b\r\nX-Junk\r\nTo : c\r\n\r\nbody";
  HeaderLines lines(h);
  HeaderLine l;
  ASSERT_TRUE(lines.next(l));
  EXPECT_EQ(l.name, "Subject");
  EXPECT_EQ(l.raw, "Subject: a\r\n  b\r\n");
  EXPECT_EQ(unfold(l.value), "a  b");
  ASSERT_TRUE(lines.next(l));
  EXPECT_EQ(l.name, "");  // not a field: no colon
  EXPECT_EQ(l.raw, "X-Junk\r\n");
  ASSERT_TRUE(lines.next(l));
  EXPECT_EQ(l.name, "To");  // RFC 2822 §4.5 obsolete whitespace before the colon
  EXPECT_FALSE(lines.next(l));
}

TEST(HeaderLines, FindFieldIsCaseInsensitiveAndTakesTheFirst) {
  const std::string h = "subject: first\nSUBJECT: second\n\n";
  EXPECT_EQ(find_field(h, "Subject"), "first");
  EXPECT_EQ(find_field(h, "From"), std::nullopt);
  EXPECT_EQ(find_field("Subject:\n\n", "Subject"), "");
}

TEST(HeaderLines, MboxFromLineIsNotAField) {
  EXPECT_EQ(find_field("From a@b Mon Jan  1 10:00:00 2024\nX: y\n\n", "From a@b Mon Jan  1 10"), std::nullopt);
}

TEST(ContentType, ParsesParametersQuotedAndWithComments) {
  const auto t = parse_content_type(R"(Text/Plain (a comment); charset="utf-8" ; Name="a \"b\";c"; format=flowed)");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->type, "Text");
  EXPECT_EQ(t->subtype, "Plain");
  ASSERT_EQ(t->params.size(), 3u);
  EXPECT_EQ(*find_param(t->params, "CHARSET"), "utf-8");
  EXPECT_EQ(*find_param(t->params, "name"), "a \"b\";c");
  EXPECT_EQ(*find_param(t->params, "format"), "flowed");
}

TEST(ContentType, MalformedValuesAreRejected) {
  EXPECT_FALSE(parse_content_type("text"));
  EXPECT_FALSE(parse_content_type("text/"));
  EXPECT_FALSE(parse_content_type("/plain"));
  EXPECT_FALSE(parse_content_type(""));
}

TEST(ContentType, UnterminatedCommentEndingInBackslashIsSafe) {
  // Found by fuzz/targets/mime.cpp: a quoted pair at the very end stepped past the value.
  const auto t = parse_content_type("text/plain; a=b (comment \\");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->params.size(), 1u);
  EXPECT_FALSE(parse_content_type("(\\"));
}

TEST(ContentType, JunkBetweenParametersIsSkipped) {
  const auto t = parse_content_type("text/plain; junk; name=a/b.txt garbage; charset=us-ascii");
  ASSERT_TRUE(t);
  EXPECT_EQ(*find_param(t->params, "name"), "a/b.txt");
  EXPECT_EQ(*find_param(t->params, "charset"), "us-ascii");
}

TEST(ContentType, ParameterCountIsCapped) {
  std::string value = "text/plain";
  for (std::size_t i = 0; i < mime_params_max + 5; ++i) value += "; p" + std::to_string(i) + "=v";
  const auto t = parse_content_type(value);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->params.size(), mime_params_max);
  EXPECT_EQ(t->params.back().name, "p" + std::to_string(mime_params_max - 1));
}

TEST(Disposition, TokenWithParameters) {
  const auto d = parse_token_with_params("attachment; filename=\"report.pdf\"; size=10");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->type, "attachment");
  EXPECT_EQ(*find_param(d->params, "filename"), "report.pdf");
}

TEST(TransferDecoding, QuotedPrintable) {
  EXPECT_EQ(decode_quoted_printable("caf=C3=A9 soft=\r\nbreak =3d lone= =zz"), "caf\xc3\xa9 softbreak = lone= =zz");
  EXPECT_EQ(decode_quoted_printable("end="), "end=");
}

TEST(TransferDecoding, Base64IgnoresLineBreaksAndStopsAtPadding) {
  EXPECT_EQ(decode_base64("SGVsbG8s\r\nIHdvcmxk\r\nIQ==trailing"), "Hello, world!");
  EXPECT_EQ(decode_base64("!!"), "");
}

TEST(BodyLines, CountsLineFeedsAndALastPartialLine) {
  EXPECT_EQ(count_lines(""), 0u);
  EXPECT_EQ(count_lines("a\r\nb\r\n"), 2u);
  EXPECT_EQ(count_lines("a\nb"), 2u);
}

TEST(CaseInsensitive, SubstringAndEquality) {
  EXPECT_TRUE(icontains("Hello World", "o wOR"));
  EXPECT_TRUE(icontains("", ""));
  EXPECT_FALSE(icontains("abc", "abcd"));
  EXPECT_TRUE(iequals("Content-TYPE", "content-type"));
  EXPECT_FALSE(iequals("\xc3\xa9", "\xc3\x89"));  // only ASCII folds
  EXPECT_EQ(upper("multipart/Mixed"), "MULTIPART/MIXED");
}

}  // namespace
}  // namespace imaplab::model
