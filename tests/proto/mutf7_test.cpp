// Modified UTF-7 mailbox names (RFC 3501 §5.1.3): the RFC's examples, canonical encoding, and rejection of
// every non-canonical or malformed spelling.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "proto/types.hpp"
#include "proto/writer.hpp"

namespace imaplab::proto {
namespace {

TEST(Mutf7, AsciiStaysAsIs) {
  EXPECT_EQ(encode_mailbox("INBOX"), "INBOX");
  EXPECT_EQ(encode_mailbox("a b/c.d~"), "a b/c.d~");
  EXPECT_EQ(encode_mailbox(""), "");
  EXPECT_EQ(decode_mailbox("INBOX"), "INBOX");
  EXPECT_EQ(decode_mailbox(""), "");
}

TEST(Mutf7, AmpersandIsAmpersandDash) {
  EXPECT_EQ(encode_mailbox("&"), "&-");
  EXPECT_EQ(encode_mailbox("Tom & Jerry"), "Tom &- Jerry");
  EXPECT_EQ(decode_mailbox("Tom &- Jerry"), "Tom & Jerry");
  EXPECT_EQ(decode_mailbox("&-&-"), "&&");
}

// The example of RFC 3501 §5.1.3: "~peter/mail/台北/日本語".
TEST(Mutf7, Rfc3501Example) {
  const std::string utf8 = "~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E";
  EXPECT_EQ(encode_mailbox(utf8), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(decode_mailbox("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), utf8);
}

TEST(Mutf7, CommaReplacesSlashAndNoPadding) {
  // U+00E4 (ä) is 0x00E4: sextets 000000 001110 0100(00) -> "AOQ".
  EXPECT_EQ(encode_mailbox("\xC3\xA4"), "&AOQ-");
  EXPECT_EQ(encode_mailbox("\xC3\xA4\xC3\xA4"), "&AOQA5A-");
  // U+FFFF encodes with '/' in standard base64; modified base64 uses ','.
  EXPECT_EQ(encode_mailbox("\xEF\xBF\xBF"), "&,,8-");
  EXPECT_EQ(decode_mailbox("&,,8-"), "\xEF\xBF\xBF");
}

TEST(Mutf7, ControlCharactersAreShifted) {
  EXPECT_EQ(encode_mailbox("a\tb"), "a&AAk-b");
  EXPECT_EQ(decode_mailbox("a&AAk-b"), "a\tb");
}

TEST(Mutf7, SupplementaryPlaneUsesSurrogatePairs) {
  const std::string grinning = "\xF0\x9F\x98\x80";  // U+1F600 = D83D DE00
  EXPECT_EQ(encode_mailbox(grinning), "&2D3eAA-");
  EXPECT_EQ(decode_mailbox("&2D3eAA-"), grinning);
}

TEST(Mutf7, InvalidUtf8EncodesAsReplacementCharacter) {
  EXPECT_EQ(decode_mailbox(encode_mailbox("a\xFF")), "a\xEF\xBF\xBD");
  EXPECT_EQ(decode_mailbox(encode_mailbox("\xE5\x8F")), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(decode_mailbox(encode_mailbox("\xC0\x80")), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong NUL
}

TEST(Mutf7, RejectsUnterminatedShift) {
  EXPECT_EQ(decode_mailbox("&"), std::nullopt);
  EXPECT_EQ(decode_mailbox("&AOQ"), std::nullopt);
  EXPECT_EQ(decode_mailbox("abc&U,BTFw"), std::nullopt);
}

TEST(Mutf7, RejectsBadBase64) {
  EXPECT_EQ(decode_mailbox("&AO/-"), std::nullopt);  // '/' is not modified base64
  EXPECT_EQ(decode_mailbox("&AO=-"), std::nullopt);
  EXPECT_EQ(decode_mailbox("&A Q-"), std::nullopt);
}

TEST(Mutf7, RejectsNonCanonicalPadding) {
  EXPECT_EQ(decode_mailbox("&AOR-"), std::nullopt);    // leftover bits not zero
  EXPECT_EQ(decode_mailbox("&AOQA-"), std::nullopt);   // a whole extra sextet
  EXPECT_EQ(decode_mailbox("&A-"), std::nullopt);      // six bits, no code unit
}

TEST(Mutf7, RejectsAdjacentShifts) {
  EXPECT_EQ(decode_mailbox("&AOQ-&AOQ-"), std::nullopt);  // canonical is "&AOQA5A-"
  EXPECT_EQ(decode_mailbox("&AOQ-&-"), "\xC3\xA4&");      // "&-" is not a shift
}

TEST(Mutf7, RejectsShiftedPrintableAscii) {
  EXPECT_EQ(decode_mailbox("&AGE-"), std::nullopt);  // 'a'
  EXPECT_EQ(decode_mailbox("&ACY-"), std::nullopt);  // '&' must be "&-"
  EXPECT_EQ(decode_mailbox("&AOQAYQ-"), std::nullopt);  // ä then 'a'
}

TEST(Mutf7, RejectsBadSurrogates) {
  EXPECT_EQ(decode_mailbox("&2D0-"), std::nullopt);      // lone high surrogate (D83D)
  EXPECT_EQ(decode_mailbox("&3gA-"), std::nullopt);      // lone low surrogate (DE00)
  EXPECT_EQ(decode_mailbox("&2D0A5A-"), std::nullopt);  // high surrogate then U+00E4
}

TEST(Mutf7, RejectsRawNonPrintableBytes) {
  EXPECT_EQ(decode_mailbox("a\xC3\xA4"), std::nullopt);
  EXPECT_EQ(decode_mailbox("a\tb"), std::nullopt);
}

// Canonical UTF-8 strings survive encode then decode, and the encoding is 7-bit printable.
RC_GTEST_PROP(Mutf7Property, RoundTripsValidUtf8, ()) {
  const auto code_points = *rc::gen::container<std::vector<std::uint32_t>>(rc::gen::oneOf(
      rc::gen::inRange<std::uint32_t>(0x1, 0x80), rc::gen::inRange<std::uint32_t>(0x80, 0xD800),
      rc::gen::inRange<std::uint32_t>(0xE000, 0x110000)));
  std::string utf8;
  for (const std::uint32_t cp : code_points) {
    if (cp < 0x80) {
      utf8 += static_cast<char>(cp);
    } else if (cp < 0x800) {
      utf8 += static_cast<char>(0xC0 | (cp >> 6));
      utf8 += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      utf8 += static_cast<char>(0xE0 | (cp >> 12));
      utf8 += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      utf8 += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      utf8 += static_cast<char>(0xF0 | (cp >> 18));
      utf8 += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      utf8 += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      utf8 += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  const std::string encoded = encode_mailbox(utf8);
  for (const char c : encoded) RC_ASSERT(c >= 0x20 && c <= 0x7e);
  RC_ASSERT(decode_mailbox(encoded) == std::optional<std::string>(utf8));
}

// Whatever decodes is canonical: encoding the result gives back the same bytes.
RC_GTEST_PROP(Mutf7Property, DecodeAcceptsOnlyCanonical, ()) {
  const auto input = *rc::gen::container<std::string>(rc::gen::element('&', '-', 'A', 'O', 'Q', '5', ',', '+',
                                                                        'a', '2', 'D', '3', 'e', 'x', ' '));
  const auto decoded = decode_mailbox(input);
  if (decoded) RC_ASSERT(encode_mailbox(*decoded) == input);
}

TEST(SequenceSet, ContainsNumbersRangesAndStar) {
  SequenceSet set{{{2, 2}, {4, 6}, {10, seq_star}}};
  EXPECT_FALSE(set.contains(1, 20));
  EXPECT_TRUE(set.contains(2, 20));
  EXPECT_FALSE(set.contains(3, 20));
  EXPECT_TRUE(set.contains(5, 20));
  EXPECT_TRUE(set.contains(15, 20));
  EXPECT_TRUE(set.contains(20, 20));
  EXPECT_FALSE(set.contains(21, 20));
  // "10:*" with * = 7 is "7:10".
  EXPECT_TRUE(set.contains(8, 7));
}

TEST(SequenceSet, ReversedRangeAndLoneStar) {
  SequenceSet reversed{{{9, 3}}};
  EXPECT_TRUE(reversed.contains(3, 100));
  EXPECT_TRUE(reversed.contains(9, 100));
  EXPECT_FALSE(reversed.contains(10, 100));
  SequenceSet star{{{seq_star, seq_star}}};
  EXPECT_TRUE(star.contains(42, 42));
  EXPECT_FALSE(star.contains(41, 42));
  EXPECT_FALSE(SequenceSet{}.contains(1, 1));
}

}  // namespace
}  // namespace imaplab::proto
