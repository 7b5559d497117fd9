// Token readers of RFC 3501 §9 shared by the command and response parsers. They work on one complete message,
// so they never wait for input: anything missing is a syntax error.
#include "proto/lexer.hpp"

#include <array>
#include <cstring>

#include "proto/limits.hpp"
#include "proto/writer.hpp"

namespace imaplab::proto::detail {
namespace {

enum CharClass : unsigned char { atom_bit = 1, astring_bit = 2, list_bit = 4, tag_bit = 8, word_bit = 16 };

constexpr std::array<unsigned char, 256> make_classes() {
  std::array<unsigned char, 256> t{};
  for (int c = 0x21; c < 0x7f; ++c) {
    const bool special = c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"' || c == '\\' ||
                         c == ']';
    unsigned char bits = 0;
    if (!special) bits |= atom_bit | astring_bit | list_bit | tag_bit;
    if (c == ']') bits |= astring_bit | list_bit | tag_bit;
    if (c == '%' || c == '*') bits |= list_bit;
    if (c == '+') bits &= static_cast<unsigned char>(~tag_bit);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (alnum || c == '.' || c == '-' || c == '_') bits |= word_bit;
    t[static_cast<std::size_t>(c)] = bits;
  }
  return t;
}
constexpr std::array<unsigned char, 256> char_classes = make_classes();

bool has(char c, unsigned char bit) { return (char_classes[static_cast<unsigned char>(c)] & bit) != 0; }
char upper_char(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::array<const char*, 12> month_names = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr int day_max = 31;
constexpr int year_digits = 4;
constexpr int hour_max = 23;
constexpr int minute_max = 59;
constexpr int second_max = 60;  // a leap second
constexpr int zone_hours_max = 23;
constexpr std::size_t number_digits_max = 20;

}  // namespace

bool is_atom_char(char c) { return has(c, atom_bit); }
bool is_astring_char(char c) { return has(c, astring_bit); }
bool is_tag_char(char c) { return has(c, tag_bit); }
bool is_list_char(char c) { return has(c, list_bit); }

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper_char(c);
  return out;
}

bool iequals(std::string_view s, std::string_view upper) {
  if (s.size() != upper.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (upper_char(s[i]) != upper[i]) return false;
  return true;
}

void Lexer::fail(std::string_view message) const {
  std::string text(message);
  text += " at offset ";
  text += std::to_string(pos_);
  throw SyntaxError{std::move(text)};
}

bool Lexer::try_char(char c) {
  if (peek() != c || at_end()) return false;
  ++pos_;
  return true;
}

void Lexer::expect(char c, const char* what) {
  if (!try_char(c)) fail(std::string("expected ") + what + " (RFC 3501 §9)");
}

void Lexer::end_of_message() {
  try_char('\r');
  if (!try_char('\n')) fail("expected CRLF (RFC 3501 §9)");
  if (!at_end()) fail("unexpected data after CRLF");
}

void Lexer::enter() {
  if (++depth_ > limits::nesting_depth_max) fail("nesting deeper than limits::nesting_depth_max");
}

std::string_view Lexer::atom() {
  const std::size_t start = pos_;
  while (pos_ < s_.size() && has(s_[pos_], atom_bit)) ++pos_;
  if (pos_ == start) fail("expected atom (RFC 3501 §9)");
  return s_.substr(start, pos_ - start);
}

std::string_view Lexer::astring_chars() {
  const std::size_t start = pos_;
  while (pos_ < s_.size() && has(s_[pos_], astring_bit)) ++pos_;
  if (pos_ == start) fail("expected astring (RFC 3501 §9)");
  return s_.substr(start, pos_ - start);
}

std::string_view Lexer::word() {
  const std::size_t start = pos_;
  while (pos_ < s_.size() && has(s_[pos_], word_bit)) ++pos_;
  if (pos_ == start) fail("expected a keyword (RFC 3501 §9)");
  return s_.substr(start, pos_ - start);
}

bool Lexer::try_keyword(std::string_view upper) {
  if (s_.size() - pos_ < upper.size()) return false;
  if (!iequals(s_.substr(pos_, upper.size()), upper)) return false;
  if (pos_ + upper.size() < s_.size() && has(s_[pos_ + upper.size()], atom_bit)) return false;
  pos_ += upper.size();
  return true;
}

void Lexer::keyword(std::string_view upper) {
  if (!try_keyword(upper)) fail("expected " + std::string(upper));
}

std::string Lexer::quoted() {
  expect('"', "DQUOTE");
  std::string out;
  for (;;) {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\\' && s_[pos_] != '\r' && s_[pos_] != '\n' &&
           s_[pos_] != '\0')
      ++pos_;
    out.append(s_.substr(start, pos_ - start));
    const char c = peek();
    if (at_end() || c == '\r' || c == '\n' || c == '\0') fail("unterminated quoted string (RFC 3501 §4.3)");
    ++pos_;
    if (c == '"') return out;
    const char escaped = peek();
    if (escaped != '"' && escaped != '\\') fail("bad escape in quoted string (RFC 3501 §9 quoted-specials)");
    out.push_back(escaped);
    ++pos_;
  }
}

std::string Lexer::literal() {
  expect('{', "literal");
  const std::uint64_t size = digits(limits::literal_bytes_max, "literal size");
  try_char('+');
  expect('}', "'}' of literal");
  try_char('\r');
  expect('\n', "CRLF after literal size (RFC 3501 §4.3)");
  if (s_.size() - pos_ < size) fail("literal data missing");
  std::string out(s_.substr(pos_, static_cast<std::size_t>(size)));
  pos_ += static_cast<std::size_t>(size);
  return out;
}

std::string Lexer::string() {
  if (peek() == '"') return quoted();
  if (peek() == '{') return literal();
  fail("expected string (RFC 3501 §9)");
}

std::string Lexer::astring() {
  if (peek() == '"' || peek() == '{') return string();
  return std::string(astring_chars());
}

bool Lexer::try_nil() { return try_keyword("NIL"); }

std::optional<std::string> Lexer::nstring() {
  if (try_nil()) return std::nullopt;
  return string();
}

std::string Lexer::list_mailbox() {
  if (peek() == '"' || peek() == '{') return string();
  const std::size_t start = pos_;
  while (pos_ < s_.size() && has(s_[pos_], list_bit)) ++pos_;
  if (pos_ == start) fail("expected list-mailbox (RFC 3501 §9)");
  return decode_name(std::string(s_.substr(start, pos_ - start)));
}

std::string Lexer::decode_name(std::string raw) {
  bool plain = true;
  for (char c : raw) plain = plain && c >= 0x20 && c <= 0x7e && c != '&';
  if (plain) return raw;
  auto decoded = decode_mailbox(raw);
  if (!decoded) fail("invalid modified UTF-7 mailbox name (RFC 3501 §5.1.3)");
  return std::move(*decoded);
}

std::string Lexer::mailbox() {
  std::string raw = astring();
  if (iequals(raw, "INBOX")) return "INBOX";
  return decode_name(std::move(raw));
}

std::uint64_t Lexer::digits(std::uint64_t max, const char* what) {
  const std::size_t start = pos_;
  std::uint64_t value = 0;
  while (pos_ < s_.size() && is_digit(s_[pos_])) {
    const auto digit = static_cast<std::uint64_t>(s_[pos_] - '0');
    if (pos_ - start >= number_digits_max || value > (max - digit) / 10) fail(std::string(what) + " too large");
    value = value * 10 + digit;
    ++pos_;
  }
  if (pos_ == start) fail(std::string("expected ") + what + " (RFC 3501 §9)");
  return value;
}

std::uint32_t Lexer::number() { return static_cast<std::uint32_t>(digits(UINT32_MAX, "number")); }

std::uint32_t Lexer::nz_number() {
  const std::uint32_t n = number();
  if (n == 0) fail("expected nz-number (RFC 3501 §9)");
  return n;
}

std::uint64_t Lexer::number64() { return digits(INT64_MAX, "number"); }

std::uint32_t Lexer::seq_number() {
  if (try_char('*')) return seq_star;
  return nz_number();
}

SeqRange Lexer::seq_range() {
  SeqRange range;
  range.first = seq_number();
  range.last = try_char(':') ? seq_number() : range.first;
  return range;
}

SequenceSet Lexer::sequence_set() {
  SequenceSet set;
  set.ranges.push_back(seq_range());
  while (try_char(',')) {
    if (set.ranges.size() >= limits::sequence_ranges_max) fail("more than limits::sequence_ranges_max ranges");
    set.ranges.push_back(seq_range());
  }
  return set;
}

std::string Lexer::flag(bool allow_star) {
  if (try_char('\\')) {
    if (allow_star && try_char('*')) return "\\*";
    std::string out = "\\";
    out.append(atom());
    return out;
  }
  return std::string(atom());
}

std::vector<std::string> Lexer::flag_list(bool allow_star) {
  expect('(', "'(' of flag-list");
  std::vector<std::string> flags;
  if (try_char(')')) return flags;
  for (;;) {
    if (flags.size() >= limits::list_items_max) fail("more than limits::list_items_max flags");
    flags.push_back(flag(allow_star));
    if (try_char(')')) return flags;
    sp();
  }
}

Date Lexer::date_text() {
  Date d;
  d.day = static_cast<int>(digits(99, "date-day"));
  if (d.day < 1 || d.day > day_max) fail("bad date-day (RFC 3501 §9)");
  expect('-', "'-' in date");
  if (s_.size() - pos_ < 3) fail("expected date-month (RFC 3501 §9)");
  const std::string month = to_upper(s_.substr(pos_, 3));
  d.month = 0;
  for (std::size_t i = 0; i < month_names.size(); ++i)
    if (month == month_names[i]) d.month = static_cast<int>(i) + 1;
  if (d.month == 0) fail("expected date-month (RFC 3501 §9)");
  pos_ += 3;
  expect('-', "'-' in date");
  const std::size_t start = pos_;
  d.year = static_cast<int>(digits(9999, "date-year"));
  if (pos_ - start != year_digits) fail("expected 4-digit date-year (RFC 3501 §9)");
  return d;
}

Date Lexer::date() {
  if (try_char('"')) {
    const Date d = date_text();
    expect('"', "DQUOTE after date");
    return d;
  }
  return date_text();
}

DateTime Lexer::date_time() {
  expect('"', "DQUOTE of date-time");
  try_char(' ');  // date-day-fixed = (SP DIGIT) / 2DIGIT
  DateTime t;
  t.date = date_text();
  sp();
  auto two = [this](int max, const char* what) {
    const std::size_t start = pos_;
    const int v = static_cast<int>(digits(99, what));
    if (pos_ - start != 2 || v > max) fail(std::string("bad ") + what + " in date-time (RFC 3501 §9)");
    return v;
  };
  t.hour = two(hour_max, "hour");
  expect(':', "':' in time");
  t.minute = two(minute_max, "minute");
  expect(':', "':' in time");
  t.second = two(second_max, "second");
  sp();
  const char sign = peek();
  if (sign != '+' && sign != '-') fail("expected zone (RFC 3501 §9)");
  ++pos_;
  const int hours = two(zone_hours_max, "zone");
  const int minutes = two(minute_max, "zone");
  t.zone_minutes = (sign == '-' ? -1 : 1) * (hours * 60 + minutes);
  expect('"', "DQUOTE after date-time");
  return t;
}

Section Lexer::section() {
  expect('[', "'[' of section");
  Section sec;
  if (try_char(']')) return sec;
  while (is_digit(peek())) {
    if (sec.part.size() >= limits::list_items_max) fail("section-part too long");
    sec.part.push_back(nz_number());
    if (peek() != '.') break;
    ++pos_;
    if (!is_digit(peek())) break;
  }
  if (sec.part.empty() || s_[pos_ - 1] == '.') {
    const std::string_view w = word();
    if (iequals(w, "HEADER")) {
      sec.text = Section::Text::Header;
    } else if (iequals(w, "HEADER.FIELDS")) {
      sec.text = Section::Text::HeaderFields;
    } else if (iequals(w, "HEADER.FIELDS.NOT")) {
      sec.text = Section::Text::HeaderFieldsNot;
    } else if (iequals(w, "TEXT")) {
      sec.text = Section::Text::Text;
    } else if (iequals(w, "MIME") && !sec.part.empty()) {
      sec.text = Section::Text::Mime;
    } else {
      fail("bad section-text (RFC 3501 §9 section-spec)");
    }
  }
  if (sec.text == Section::Text::HeaderFields || sec.text == Section::Text::HeaderFieldsNot) {
    sp();
    expect('(', "'(' of header-list");
    for (;;) {
      if (sec.fields.size() >= limits::list_items_max) fail("more than limits::list_items_max header fields");
      sec.fields.push_back(astring());
      if (try_char(')')) break;
      sp();
    }
  }
  expect(']', "']' of section");
  return sec;
}

std::string_view Lexer::text_to_line_end() {
  const std::size_t start = pos_;
  while (pos_ < s_.size() && s_[pos_] != '\r' && s_[pos_] != '\n') ++pos_;
  return s_.substr(start, pos_ - start);
}

std::optional<std::string> leading_tag(std::string_view message) {
  std::size_t i = 0;
  while (i < message.size() && i <= limits::tag_bytes_max && is_tag_char(message[i])) ++i;
  if (i == 0 || i > limits::tag_bytes_max || i >= message.size() || message[i] != ' ') return std::nullopt;
  return std::string(message.substr(0, i));
}

}  // namespace imaplab::proto::detail
