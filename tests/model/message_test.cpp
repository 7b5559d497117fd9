// MessageContent (model/message.hpp): ENVELOPE, BODY and BODYSTRUCTURE, BODY[section] and the RFC 2822
// address and date parsing behind them, on real-world-looking messages and the RFC 3501 §7.4.2 examples.
#include "model/message.hpp"

#include <gtest/gtest.h>

#include <string>

#include "model/mime.hpp"
#include "model/rfc2822.hpp"

namespace imaplab::model {
namespace {

using proto::SValue;

std::string crlf(std::string s) {
  std::string out;
  for (const char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// A readable rendering for comparisons: elements always separated by one space.
std::string show(const SValue& v) {
  switch (v.kind) {
    case SValue::Kind::Nil: return "NIL";
    case SValue::Kind::Number: return std::to_string(v.number);
    case SValue::Kind::String: {
      std::string out = "\"";
      for (const char c : v.string) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    case SValue::Kind::List: {
      std::string out = "(";
      for (std::size_t i = 0; i < v.list.size(); ++i) out += (i ? " " : "") + show(v.list[i]);
      return out + ")";
    }
  }
  return "?";
}

std::string envelope_of(const std::string& header) { return show(MessageContent(header + "\r\nbody\r\n").envelope()); }

proto::Section sec(std::vector<std::uint32_t> part, proto::Section::Text text = proto::Section::Text::None,
                   std::vector<std::string> fields = {}) {
  return proto::Section{std::move(part), text, std::move(fields)};
}
using Text = proto::Section::Text;

// --- ENVELOPE ---------------------------------------------------------------------------------------------

TEST(Envelope, Rfc3501Example) {
  const std::string m = crlf(
      "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\n"
      "From: Terry Gray <gray@cac.washington.edu>\n"
      "Subject: IMAP4rev1 WG mtg summary and minutes\n"
      "To: imap@cac.washington.edu\n"
      "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\n"
      "Message-Id: <B27397-0100000@cac.washington.edu>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n\nHello\n");
  EXPECT_EQ(show(MessageContent(m).envelope()),
            "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((NIL NIL \"imap\" \"cac.washington.edu\")) "
            "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) "
            "NIL NIL \"<B27397-0100000@cac.washington.edu>\")");
}

TEST(Envelope, AbsentFieldsAreNilAndSenderReplyToDefaultToFrom) {
  EXPECT_EQ(envelope_of("X-Other: 1\r\n"), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
  EXPECT_EQ(envelope_of("From: a@b\r\nSender:\r\nReply-To: r@s\r\n"),
            "(NIL NIL ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) ((NIL NIL \"r\" \"s\")) NIL NIL NIL NIL NIL)");
}

TEST(Envelope, ValuesAreUnfoldedButNotDecoded) {
  EXPECT_EQ(envelope_of("Subject: =?utf-8?q?caf=C3=A9?=\r\n  and more\r\nIn-Reply-To: <x@y>\r\n"),
            "(NIL \"=?utf-8?q?caf=C3=A9?=  and more\" NIL NIL NIL NIL NIL NIL \"<x@y>\" NIL)");
  EXPECT_EQ(envelope_of("Subject:\r\n"), "(NIL \"\" NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(Envelope, EmbeddedMessageHasItsOwnEnvelope) {
  const MessageContent c(crlf("Subject: outer\nContent-Type: message/rfc822\n\nSubject: inner\nFrom: i@j\n\nx\n"));
  const SValue bs = c.body_structure(false);
  ASSERT_EQ(bs.list.size(), 10u);
  EXPECT_EQ(show(bs.list[7]), "(NIL \"inner\" ((NIL NIL \"i\" \"j\")) ((NIL NIL \"i\" \"j\")) "
                              "((NIL NIL \"i\" \"j\")) NIL NIL NIL NIL NIL)");
}

// --- RFC 2822 addresses and dates ----------------------------------------------------------------------

std::string addrs(std::string_view s) {
  std::string out;
  for (const auto& a : parse_address_list(s)) {
    out += "(" + a.name.value_or("NIL") + " " + a.adl.value_or("NIL") + " " + a.mailbox.value_or("NIL") + " " +
           a.host.value_or("NIL") + ")";
  }
  return out;
}

TEST(Rfc2822Addresses, DisplayNamesQuotedAndPlain) {
  EXPECT_EQ(addrs(R"("Doe, John \"JD\"" <john.doe@example.com>)"),
            "(Doe, John \"JD\" NIL john.doe example.com)");
  EXPECT_EQ(addrs("John Q. Public <jqp@example.com>, plain@example.org"),
            "(John Q. Public NIL jqp example.com)(NIL NIL plain example.org)");
}

TEST(Rfc2822Addresses, CommentsAreDropped) {
  EXPECT_EQ(addrs("pete(his account)@silly.test(his host)"), "(NIL NIL pete silly.test)");
  EXPECT_EQ(addrs("a@b (Nested (comment) here), c@d"), "(NIL NIL a b)(NIL NIL c d)");
}

TEST(Rfc2822Addresses, GroupsBecomeMarkers) {
  EXPECT_EQ(addrs("undisclosed-recipients:;"), "(NIL NIL undisclosed-recipients NIL)(NIL NIL NIL NIL)");
  EXPECT_EQ(addrs("A Group:Chris Jones <c@a.test>,joe@where.test;, after@x.test"),
            "(NIL NIL A Group NIL)(Chris Jones NIL c a.test)(NIL NIL joe where.test)(NIL NIL NIL NIL)"
            "(NIL NIL after x.test)");
  EXPECT_EQ(addrs("Unclosed: a@b"), "(NIL NIL Unclosed NIL)(NIL NIL a b)(NIL NIL NIL NIL)");
}

TEST(Rfc2822Addresses, RouteQuotedLocalPartAndMissingPieces) {
  EXPECT_EQ(addrs("<@relay1.test,@relay2.test:user@host.test>"), "(NIL @relay1.test,@relay2.test user host.test)");
  EXPECT_EQ(addrs(R"("john doe"@example.com)"), "(NIL NIL \"john doe\" example.com)");
  EXPECT_EQ(addrs("root"), "(NIL NIL root )");
  EXPECT_EQ(addrs("Mailer <>"), "(Mailer NIL  )");
  EXPECT_EQ(addrs("[1.2.3.4]"), "(NIL NIL [1.2.3.4] )");
  EXPECT_EQ(addrs("x@[1.2.3.4]"), "(NIL NIL x [1.2.3.4])");
}

TEST(Rfc2822Addresses, GarbageNeverFailsOrLoops) {
  EXPECT_EQ(addrs(""), "");
  EXPECT_EQ(addrs(",,;;<<>>@@::, ok@x"), "(NIL NIL ok x)");
  EXPECT_EQ(addrs("\"unterminated <a@b>"), "(NIL NIL \"unterminated <a@b> )");
  EXPECT_EQ(addrs("(unterminated comment a@b"), "");
}

TEST(Rfc2822Addresses, ListLengthIsCappedAndGroupsStayClosed) {
  std::string many;
  for (std::size_t i = 0; i < address_list_entries_max + 10; ++i) many += "a@b, ";
  EXPECT_EQ(parse_address_list(many).size(), address_list_entries_max);
  const auto grouped = parse_address_list("G: " + many + ";");
  EXPECT_EQ(grouped.size(), address_list_entries_max + 1);
  EXPECT_EQ(grouped.back(), Address{});
}

TEST(Rfc2822Dates, Rfc2822DateTimes) {
  EXPECT_EQ(parse_date("Tue, 1 Jul 2003 10:52:37 +0200"), (proto::Date{2003, 7, 1}));
  EXPECT_EQ(parse_date("01 jul 2003 10:52 GMT"), (proto::Date{2003, 7, 1}));
  EXPECT_EQ(parse_date("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"), (proto::Date{1996, 7, 17}));
  EXPECT_EQ(parse_date("(comment) 29 Feb 2004"), (proto::Date{2004, 2, 29}));
  EXPECT_EQ(parse_date("1 Jan 49"), (proto::Date{2049, 1, 1}));  // RFC 2822 §4.3
  EXPECT_EQ(parse_date("1 Jan 50"), (proto::Date{1950, 1, 1}));
  EXPECT_EQ(parse_date("1 Jan 103"), (proto::Date{2003, 1, 1}));
}

TEST(Rfc2822Dates, InvalidDatesAreNotParsed) {
  EXPECT_EQ(parse_date(""), std::nullopt);
  EXPECT_EQ(parse_date("yesterday"), std::nullopt);
  EXPECT_EQ(parse_date("29 Feb 2003"), std::nullopt);
  EXPECT_EQ(parse_date("0 Jan 2003"), std::nullopt);
  EXPECT_EQ(parse_date("1 Foo 2003"), std::nullopt);
  EXPECT_EQ(parse_date("1 Jan 20031"), std::nullopt);
}

TEST(Rfc2822Dates, SentDateComesFromTheDateField) {
  EXPECT_EQ(MessageContent("Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\n").sent_date(), (proto::Date{1994, 2, 7}));
  EXPECT_EQ(MessageContent("Subject: none\r\n\r\n").sent_date(), std::nullopt);
}

// --- BODY and BODYSTRUCTURE ----------------------------------------------------------------------------

// The message behind the RFC 3501 §7.4.2 BODY example: two text parts of 1152 octets / 23 lines and
// 4554 octets / 73 lines.
std::string rfc3501_example() {
  std::string first;
  for (int i = 0; i < 22; ++i) first += std::string(50, 'a') + "\r\n";
  first += "abcdef\r\n";
  std::string second;
  for (int i = 0; i < 72; ++i) second += std::string(60, 'Q') + "\r\n";
  second += std::string(88, 'Q') + "\r\n";
  return crlf("From: a@b\nMIME-Version: 1.0\nContent-Type: MULTIPART/MIXED; BOUNDARY=\"b1\"\n\n--b1\n"
              "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n\n") +
         first +
         crlf("\n--b1\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=\"cc.diff\"\n"
              "Content-ID: <960723163407.20117h@cac.washington.edu>\n"
              "Content-Description: Compiler diff\nContent-Transfer-Encoding: BASE64\n\n") +
         second + crlf("\n--b1--\n");
}

TEST(BodyStructure, Rfc3501BodyExample) {
  const MessageContent c(rfc3501_example());
  EXPECT_EQ(show(c.body_structure(false)),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23) "
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
            "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\")");
  EXPECT_EQ(show(c.body_structure(true)),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23 NIL NIL NIL NIL) "
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
            "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73 NIL NIL NIL NIL) "
            "\"MIXED\" (\"BOUNDARY\" \"b1\") NIL NIL NIL)");
}

TEST(BodyStructure, PlainMessageDefaultsToTextPlainUsAscii) {
  const MessageContent c("Subject: x\r\n\r\nline one\r\nline two\r\n");
  EXPECT_EQ(show(c.body_structure(false)), "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 20 2)");
  EXPECT_EQ(show(c.body_structure(true)),
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 20 2 NIL NIL NIL NIL)");
}

TEST(BodyStructure, MalformedContentTypeDegradesToTextPlain) {
  const MessageContent c("Content-Type: garbage\r\nContent-Transfer-Encoding: 8bit\r\n\r\nx");
  EXPECT_EQ(show(c.body_structure(false)), "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"8BIT\" 1 1)");
  const MessageContent broken("Content-Type: multipart/mixed; boundary=zz\r\n\r\nno delimiters\r\n");
  EXPECT_EQ(show(broken.body_structure(false)),
            "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 15 1)");
}

TEST(BodyStructure, AttachmentWithExtensionData) {
  const MessageContent c(crlf(
      "Content-Type: multipart/mixed; boundary=\"=_sep\"\nContent-Language: en\n\n--=_sep\n"
      "Content-Type: text/plain; charset=utf-8; format=flowed\nContent-Transfer-Encoding: quoted-printable\n\n"
      "Hi=20there\n--=_sep\nContent-Type: application/pdf; name=\"report.pdf\"\n"
      "Content-Disposition: attachment;\n filename=\"report.pdf\"\nContent-Transfer-Encoding: base64\n"
      "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\nContent-Language: en, de\n"
      "Content-Location: http://example.com/report.pdf\n\nJVBERi0xLjQK\n--=_sep--\n"));
  EXPECT_EQ(show(c.body_structure(true)),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" 10 1 "
            "NIL NIL NIL NIL) "
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 12 "
            "\"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"report.pdf\")) (\"en\" \"de\") "
            "\"http://example.com/report.pdf\") "
            "\"MIXED\" (\"BOUNDARY\" \"=_sep\") NIL \"en\" NIL)");
  // BODY leaves out every extension field, and a non-text single part has no line count.
  EXPECT_EQ(show(c.body_structure(false)),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\" \"FORMAT\" \"flowed\") NIL NIL \"QUOTED-PRINTABLE\" 10 1) "
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 12) \"MIXED\")");
}

TEST(BodyStructure, LanguageListIsCapped) {
  std::string m = "Content-Language: ";
  for (int i = 0; i < 100; ++i) m += "en, ";
  const SValue bs = MessageContent(m + "\r\n\r\nx").body_structure(true);
  EXPECT_EQ(bs.list.at(10).list.size(), 64u);
}

std::string nested_message() {
  return crlf(
      "From: a@example.com\nSubject: outer\nContent-Type: multipart/mixed; boundary=outer\n\n"
      "--outer\nContent-Type: text/plain\n\nSee attached.\n"
      "--outer\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n"
      "From: \"Bob B.\" <bob@example.org>\nSubject: inner\nDate: Mon, 7 Feb 1994 21:52:25 -0800\n"
      "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
      "--alt\nContent-Type: text/plain; charset=utf-8\n\nhi\n"
      "--alt\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
      "<p>hi=20there</p>\n--alt--\n--outer--\n");
}

TEST(BodyStructure, NestedMessageRfc822) {
  const MessageContent c(nested_message());
  EXPECT_EQ(show(c.body_structure(false)),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 13 1) "
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 317 "
            "(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"inner\" ((\"Bob B.\" NIL \"bob\" \"example.org\")) "
            "((\"Bob B.\" NIL \"bob\" \"example.org\")) ((\"Bob B.\" NIL \"bob\" \"example.org\")) "
            "NIL NIL NIL NIL NIL) "
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 2 1) "
            "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 17 1) \"ALTERNATIVE\") 15) "
            "\"MIXED\")");
  const SValue ext = c.body_structure(true);
  // The message part's extension data follows its line count; its inner body is extensible too.
  const SValue& part2 = ext.list.at(1);
  ASSERT_EQ(part2.list.size(), 14u);
  EXPECT_EQ(show(part2.list[11]), "(\"ATTACHMENT\" NIL)");
  EXPECT_EQ(show(part2.list[8].list.back()), "NIL");  // the alternative's location
}

TEST(BodyStructure, MessagePartSizeIsTheWholeEncapsulatedMessage) {
  const MessageContent c(nested_message());
  const auto inner = c.section(sec({2}));
  ASSERT_TRUE(inner);
  EXPECT_EQ(c.body_structure(false).list.at(1).list.at(6).number, inner->size());
}

TEST(BodyStructure, DepthStaysWithinTheWireLimit) {
  std::string m;
  for (int i = 0; i < 200; ++i) m += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
                                     std::to_string(i) + "\r\n";
  const MessageContent c(m);
  std::size_t depth = 0;
  const SValue bs = c.body_structure(true);
  const SValue* v = &bs;
  while (v->kind == SValue::Kind::List && !v->list.empty() && v->list[0].kind == SValue::Kind::List) {
    v = &v->list[0];
    ++depth;
  }
  EXPECT_EQ(depth, mime_depth_max);
  EXPECT_EQ(show(v->list[0]), "\"APPLICATION\"");
}

// --- BODY[section] -------------------------------------------------------------------------------------

TEST(BodySection, WholeHeaderTextOfASimpleMessage) {
  const std::string m = crlf("Subject: hi\nFrom: a@b\nTo: c@d\n\nHello\n");
  const MessageContent c(m);
  EXPECT_EQ(c.section(sec({})), m);
  EXPECT_EQ(c.section(sec({}, Text::Header)), crlf("Subject: hi\nFrom: a@b\nTo: c@d\n\n"));
  EXPECT_EQ(c.section(sec({}, Text::Text)), crlf("Hello\n"));
  // A non-multipart message's part 1 is its body; its MIME header is the message header.
  EXPECT_EQ(c.section(sec({1})), crlf("Hello\n"));
  EXPECT_EQ(c.section(sec({1}, Text::Mime)), crlf("Subject: hi\nFrom: a@b\nTo: c@d\n\n"));
  EXPECT_EQ(c.section(sec({2})), std::nullopt);
  EXPECT_EQ(c.section(sec({1, 1})), std::nullopt);
  EXPECT_EQ(c.section(sec({0})), std::nullopt);
  EXPECT_EQ(c.section(sec({}, Text::Mime)), std::nullopt);
  EXPECT_EQ(c.section(sec({1}, Text::Header)), std::nullopt);
}

TEST(BodySection, HeaderFieldsKeepOrderFoldingAndEndWithBlankLine) {
  const MessageContent c(crlf("Subject: a\n b\nFrom: x@y\nX-Junk\nsubject: second\n\nbody"));
  EXPECT_EQ(c.section(sec({}, Text::HeaderFields, {"SUBJECT", "to"})), crlf("Subject: a\n b\nsubject: second\n\n"));
  EXPECT_EQ(c.section(sec({}, Text::HeaderFieldsNot, {"Subject"})), crlf("From: x@y\nX-Junk\n\n"));
  EXPECT_EQ(c.section(sec({}, Text::HeaderFields, {"Cc"})), "\r\n");
}

TEST(BodySection, MessageWithoutBodyAndBlankLineHasNoBlankLineInHeaderData) {
  // RFC 3501 §6.4.5: the blank line is always included "except in the case of a message which has no
  // body and no blank line".
  const MessageContent c("From: a@b\r\nSubject: only");
  EXPECT_EQ(c.section(sec({}, Text::HeaderFields, {"Subject"})), "Subject: only");
  EXPECT_EQ(c.section(sec({}, Text::HeaderFieldsNot, {"Subject"})), "From: a@b\r\n");
  EXPECT_EQ(c.section(sec({}, Text::Header)), "From: a@b\r\nSubject: only");
  EXPECT_EQ(c.section(sec({}, Text::Text)), "");
}

TEST(BodySection, PartsOfANestedMessage) {
  const MessageContent c(nested_message());
  EXPECT_EQ(c.section(sec({1})), "See attached.");
  EXPECT_EQ(c.section(sec({1}, Text::Mime)), crlf("Content-Type: text/plain\n\n"));
  EXPECT_EQ(c.section(sec({2}, Text::Mime)), crlf("Content-Type: message/rfc822\nContent-Disposition: attachment\n\n"));
  EXPECT_EQ(c.section(sec({2}, Text::HeaderFields, {"Subject"})), crlf("Subject: inner\n\n"));
  const auto header = c.section(sec({2}, Text::Header));
  const auto text = c.section(sec({2}, Text::Text));
  ASSERT_TRUE(header && text);
  EXPECT_EQ(c.section(sec({2})), *header + *text);
  EXPECT_EQ(c.section(sec({2, 1})), "hi");
  EXPECT_EQ(c.section(sec({2, 2})), "<p>hi=20there</p>");
  EXPECT_EQ(c.section(sec({2, 2}, Text::Mime)),
            crlf("Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"));
  EXPECT_EQ(c.section(sec({2, 3})), std::nullopt);
  EXPECT_EQ(c.section(sec({2, 1, 1})), std::nullopt);
  EXPECT_EQ(c.section(sec({3})), std::nullopt);
  EXPECT_EQ(c.section(sec({1}, Text::Text)), std::nullopt);  // part 1 is not message/rfc822
}

TEST(BodySection, EncapsulatedNonMultipartMessageHasPartOne) {
  const MessageContent c(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"
                              "Subject: in\n\ninner text\n--b--\n"));
  EXPECT_EQ(c.section(sec({1, 1})), "inner text");
  EXPECT_EQ(c.section(sec({1, 1}, Text::Mime)), crlf("Subject: in\n\n"));
  EXPECT_EQ(c.section(sec({1, 2})), std::nullopt);
  EXPECT_EQ(c.section(sec({1}, Text::Text)), "inner text");
}

TEST(BodySection, HeaderPlusTextIsTheWholeMessageEvenWhenMalformed) {
  for (const std::string& m : {std::string("no header at all"), std::string("A: b\n\n\n\nbody"),
                                std::string("\0\n\n\xff", 4),
                                std::string("Content-Type: multipart/mixed; boundary=x\n\n--x\n--x--")}) {
    const MessageContent c(m);
    EXPECT_EQ(*c.section(sec({}, Text::Header)) + *c.section(sec({}, Text::Text)), m);
  }
}

TEST(BodySection, PartialSlicesOctets) {
  EXPECT_EQ(partial_of("0123456789", {2, 3}), "234");
  EXPECT_EQ(partial_of("0123456789", {8, 100}), "89");
  EXPECT_EQ(partial_of("0123456789", {10, 1}), "");
  EXPECT_EQ(partial_of("0123456789", {0, 0}), "");
}

TEST(ContentHeader, FirstOccurrenceUnfolded) {
  const MessageContent c("Subject: one\r\n two\r\nSubject: again\r\n\r\n");
  EXPECT_EQ(c.header("subject"), "one two");
  EXPECT_EQ(c.header("From"), std::nullopt);
}

// --- Memory --------------------------------------------------------------------------------------------

TEST(ContentMemory, SmallMessageStructureIsCompact) {
  // A plain 200-byte message costs MessageContent itself, one MimePart on the heap and the bytes; no
  // header values are copied (see the final report for measured numbers).
  EXPECT_LE(sizeof(MimePart), 40u);
  EXPECT_LE(sizeof(MessageContent), 48u);
  std::string m = "From: a@example.com\r\nTo: b@example.com\r\nSubject: hello\r\n\r\n";
  m += std::string(200 - m.size() - 2, 'x') + "\r\n";
  const MessageContent c(m);
  EXPECT_EQ(c.size(), 200u);
  EXPECT_TRUE(c.mime_root().children.empty());
  EXPECT_EQ(c.mime_root().children.capacity(), 0u);
}

}  // namespace
}  // namespace imaplab::model
