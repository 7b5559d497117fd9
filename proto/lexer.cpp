// Token readers of RFC 3501 §9 shared by the command and response parsers. They work on one complete message,
// so they never wait for input: anything missing is a syntax error.
#include "proto/lexer.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "proto/limits.hpp"
#include "proto/writer.hpp"

namespace imaplab::proto::detail {
namespace {

// quoted_stop_bit: a byte that ends the plain run of a quoted string (its closing quote, an escape, or a byte a
// quoted string may not hold).
enum CharClass : unsigned char {
  atom_bit = 1, astring_bit = 2, list_bit = 4, tag_bit = 8, word_bit = 16, quoted_stop_bit = 32
};

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
  for (const char c : {'"', '\\', '\r', '\n', '\0'})
    t[static_cast<unsigned char>(c)] |= quoted_stop_bit;
  return t;
}
constexpr std::array<unsigned char, 256> char_classes = make_classes();

bool has(char c, unsigned char bit) { return (char_classes[static_cast<unsigned char>(c)] & bit) != 0; }
char upper_char(char c) { return upper_ascii(c); }
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
// Capacities reserved up front so typical lists are allocated once; never limits.
constexpr std::size_t small_list_reserve_items = 4;
constexpr std::size_t header_fields_reserve_items = 8;

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

void Lexer::fail(std::string_view message) const {
  std::string text(message);
  text += " at offset ";
  text += std::to_string(pos_);
  throw SyntaxError{std::move(text)};
}

void Lexer::fail_expected(const char* what) const { fail(std::string("expected ") + what + " (RFC 3501 §9)"); }

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

std::string Lexer::tag(const char* missing) {
  std::size_t n = 0;
  while (is_tag_char(peek_at(n))) ++n;
  if (n == 0) fail(missing);
  if (n > limits::tag_bytes_max) fail("tag longer than limits::tag_bytes_max");
  return std::string(astring_chars());
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
  // Most quoted strings hold no escape: build them in one step from the message.
  {
    std::size_t end = pos_;
    while (end < s_.size() && !has(s_[end], quoted_stop_bit)) ++end;
    if (end < s_.size() && s_[end] == '"') {
      std::string out(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
      return out;
    }
  }
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
  if (peek() == '"' || peek() == '{') return decode_name(string());
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

std::string Lexer::mailbox(bool in_code) {
  std::string raw = in_code && peek() != '"' && peek() != '{' ? std::string(atom()) : astring();
  if (iequals(raw, "INBOX")) return "INBOX";
  return decode_name(std::move(raw));
}

std::uint64_t Lexer::digits(std::uint64_t max, const char* what) {
  const std::size_t start = pos_;
  std::uint64_t value = 0;
  while (pos_ < s_.size() && is_digit(s_[pos_])) {
    const auto digit = static_cast<std::uint64_t>(s_[pos_] - '0');
    // value * 10 + digit > max, computed exactly without a division per digit.
    std::uint64_t next = 0;
    if (pos_ - start >= number_digits_max || __builtin_mul_overflow(value, 10, &next) ||
        __builtin_add_overflow(next, digit, &next) || next > max)
      fail(std::string(what) + " too large");
    value = next;
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
  set.ranges.reserve(small_list_reserve_items);
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
  flags.reserve(small_list_reserve_items);
  for (;;) {
    if (flags.size() >= limits::list_items_max) fail("more than limits::list_items_max flags");
    flags.push_back(flag(allow_star));
    if (try_char(')')) return flags;
    sp();
  }
}

Date Lexer::date_text(bool allow_zero_day) {
  Date d;
  d.day = static_cast<int>(digits(99, "date-day"));
  if (d.day < (allow_zero_day ? 0 : 1) || d.day > day_max) fail("bad date-day (RFC 3501 §9)");
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
  // Day 0 only for RFC 2180 §4.1.3's placeholder "00-Jan-0000 00:00:00 +0000" of an expunged message.
  t.date = date_text(true);
  sp();
  auto two = [this](int max, const char* what) {
    if (!is_digit(peek()) || !is_digit(peek_at(1))) fail(std::string("expected 2DIGIT ") + what + " (RFC 3501 §9)");
    const int v = (peek() - '0') * 10 + (peek_at(1) - '0');
    if (v > max) fail(std::string("bad ") + what + " in date-time (RFC 3501 §9)");
    pos_ += 2;
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
    sec.fields.reserve(header_fields_reserve_items);
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

std::string_view Lexer::until_any(std::string_view stops) {
  const std::size_t start = pos_;
  while (pos_ < s_.size() && s_[pos_] != '\r' && s_[pos_] != '\n' && stops.find(s_[pos_]) == std::string_view::npos)
    ++pos_;
  return s_.substr(start, pos_ - start);
}

std::optional<std::string> leading_tag(std::string_view message) {
  std::size_t i = 0;
  while (i < message.size() && i <= limits::tag_bytes_max && is_tag_char(message[i])) ++i;
  if (i == 0 || i > limits::tag_bytes_max || i >= message.size() || message[i] != ' ') return std::nullopt;
  return std::string(message.substr(0, i));
}


// ---------------------------------------------------------------------------------------------------------
// Framer: the incremental half. It only finds line ends and literal announcements; the grammar is parsed once
// the whole message is in (the Dovecot design, with the continuation request returned as an event).

namespace {
// The longest "{n+}\r\n" tail worth looking at: 20 digits plus "{+}\r\n".
constexpr std::size_t literal_tail_bytes_max = 26;
// A buffer grown past this by one big message is released once that message is done.
constexpr std::size_t buffer_keep_bytes_max = 256 * 1024;
constexpr std::size_t buffer_initial_bytes = 4096;
// A line may carry its CRLF beyond limits::line_bytes_max. One threshold for complete and partial lines keeps
// the events independent of how the input was split.
constexpr std::size_t line_with_crlf_bytes_max = limits::line_bytes_max + 2;
// How much of a message's start is enough to find its tag and the word after it.
constexpr std::size_t head_bytes = limits::tag_bytes_max + 16;
}  // namespace

Framer::Framer(Peer peer) : peer_(peer) { buf_.reserve(buffer_initial_bytes); }

void Framer::start_message() {
  if (buf_.capacity() > buffer_keep_bytes_max) {
    std::string fresh;
    fresh.reserve(buffer_initial_bytes);
    buf_.swap(fresh);
  }
  buf_.clear();
  line_bytes_ = 0;
  lines_ = 0;
  literals_ = 0;
  clear_on_feed_ = false;
}

Frame Framer::feed(std::string_view input) {
  if (clear_on_feed_) start_message();
  bool done = false;
  const std::size_t pos = skip(input, 0, done);
  if (!done) return Frame{input.size()};
  return accumulate(input, pos);
}

// Discards refused input: the data of a literal the peer sends without waiting, and the rest of the refused
// command's line. Sets `done` when the framer is back at the start of a new command.
std::size_t Framer::skip(std::string_view input, std::size_t pos, bool& done) {
  for (;;) {
    if (mode_ == Mode::SkipLiteral) {
      const std::uint64_t n = std::min<std::uint64_t>(literal_left_, input.size() - pos);
      pos += static_cast<std::size_t>(n);
      literal_left_ -= n;
      if (literal_left_ > 0) return pos;
      mode_ = Mode::DiscardLine;
      tail_.clear();
      continue;
    }
    if (mode_ != Mode::DiscardLine) {
      done = true;
      return pos;
    }
    const void* lf = std::memchr(input.data() + pos, '\n', input.size() - pos);
    const std::size_t end = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - input.data()) + 1
                               : input.size();
    const std::size_t keep = std::min(end - pos, literal_tail_bytes_max);
    tail_.append(input.substr(end - keep, keep));
    if (tail_.size() > literal_tail_bytes_max) tail_.erase(0, tail_.size() - literal_tail_bytes_max);
    pos = end;
    if (!lf) return pos;
    // The discarded line may announce one more literal that the peer sends without waiting.
    const Literal lit = literal_at_end(tail_);
    tail_.clear();
    if (lit.found && (peer_ == Peer::Server || !lit.synchronizing)) {
      mode_ = Mode::SkipLiteral;
      literal_left_ = lit.bytes;
    } else {
      mode_ = Mode::Line;
    }
  }
}

Frame Framer::accumulate(std::string_view input, std::size_t start) {
  std::size_t scan = start;
  for (;;) {
    if (mode_ == Mode::Literal) {
      const std::uint64_t n = std::min<std::uint64_t>(literal_left_, input.size() - scan);
      scan += static_cast<std::size_t>(n);
      literal_left_ -= n;
      if (literal_left_ > 0) return need_more(input, start);
      mode_ = Mode::Line;
      line_bytes_ = 0;
      continue;
    }
    const void* lf = std::memchr(input.data() + scan, '\n', input.size() - scan);
    if (!lf) {
      line_bytes_ += input.size() - scan;
      if (line_bytes_ > line_with_crlf_bytes_max) {
        Frame f = refuse(input, start, input.size(), "line longer than limits::line_bytes_max", {});
        mode_ = Mode::DiscardLine;
        const std::size_t keep = std::min(input.size(), literal_tail_bytes_max);
        tail_.assign(input.substr(input.size() - keep));
        return f;
      }
      return need_more(input, start);
    }
    const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(lf) - input.data()) + 1;
    line_bytes_ += end - scan;
    scan = end;
    if (line_bytes_ > line_with_crlf_bytes_max)
      return refuse(input, start, scan, "line longer than limits::line_bytes_max",
                    line_literal(input, start, scan));
    if (lines_ == 0 && raw_line_) {
      raw_line_ = false;
      std::string_view line = message(input, start, scan);
      line.remove_suffix(1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      clear_on_feed_ = true;
      return Frame{scan, FrameKind::RawLine, line};
    }
    const bool literals_possible = !(lines_ == 0 && peer_ == Peer::Server &&
                                     first_line_has_no_literals(input, start, scan));
    ++lines_;
    const Literal lit = literals_possible ? line_literal(input, start, scan) : Literal{};
    if (!lit.found) {
      clear_on_feed_ = true;
      return Frame{scan, FrameKind::Message, message(input, start, scan)};
    }
    if (lit.bytes > limits::literal_bytes_max)
      return refuse(input, start, scan, "literal larger than limits::literal_bytes_max (RFC 3501 §4.3)", lit);
    if (++literals_ > limits::literals_count_max)
      return refuse(input, start, scan, "more than limits::literals_count_max literals", lit);
    if (buf_.size() + (scan - start) + lit.bytes > limits::message_bytes_max)
      return refuse(input, start, scan, "message larger than limits::message_bytes_max", lit);
    mode_ = Mode::Literal;
    literal_left_ = lit.bytes;
    line_bytes_ = 0;
    if (peer_ == Peer::Client && lit.synchronizing) {
      buf_.append(input.substr(start, scan - start));
      Frame f{scan, FrameKind::Continuation};
      f.literal_bytes = lit.bytes;
      return f;
    }
  }
}

Frame Framer::need_more(std::string_view input, std::size_t start) {
  buf_.append(input.substr(start));
  return Frame{input.size()};
}

Frame Framer::refuse(std::string_view input, std::size_t start, std::size_t consumed, std::string message,
                     Literal pending) {
  Frame f{consumed, FrameKind::Error};
  f.error = std::move(message);
  if (!(lines_ == 0 && raw_line_)) {
    std::string head = buf_.substr(0, head_bytes);
    head.append(input.substr(start, std::min(consumed - start, head_bytes)));
    f.tag = leading_tag(head);
  }
  raw_line_ = false;
  start_message();
  // A literal the peer sends without waiting for "+" arrives anyway: skip it unbuffered. For {n} the client
  // waits for a "+" that never comes, so the next line is a new command.
  if (pending.found && (peer_ == Peer::Server || !pending.synchronizing)) {
    mode_ = Mode::SkipLiteral;
    literal_left_ = pending.bytes;
  } else {
    mode_ = Mode::Line;
  }
  return f;
}

std::string_view Framer::message(std::string_view input, std::size_t start, std::size_t end) {
  if (buf_.empty()) return input.substr(start, end - start);
  buf_.append(input.substr(start, end - start));
  return buf_;
}

// Byte i counted from the end of the message so far: buf_ followed by input[start, end).
char Framer::back(std::string_view input, std::size_t start, std::size_t end, std::size_t i) const {
  const std::size_t fresh = end - start;
  if (i < fresh) return input[end - 1 - i];
  return buf_[buf_.size() - 1 - (i - fresh)];
}

// A literal announcement "{n}" or "{n+}" (RFC 3501 §4.3, RFC 7888) ending `line`, which ends in LF.
Framer::Literal Framer::literal_at_end(std::string_view line) {
  Literal lit;
  std::size_t i = line.size();
  auto before = [&]() { return i > 0 ? line[i - 1] : '\0'; };
  if (before() != '\n') return lit;
  --i;
  if (before() == '\r') --i;
  if (before() != '}') return lit;
  --i;
  lit.synchronizing = before() != '+';
  if (!lit.synchronizing) --i;
  const std::size_t digits_end = i;
  while (is_digit(before())) --i;
  if (i == digits_end || before() != '{') return lit;
  lit.found = true;
  constexpr std::size_t exact_digits_max = 19;  // below 2^64
  if (digits_end - i > exact_digits_max) {
    lit.bytes = UINT64_MAX;
    return lit;
  }
  for (std::size_t k = i; k < digits_end; ++k) lit.bytes = lit.bytes * 10 + static_cast<std::uint64_t>(line[k] - '0');
  return lit;
}

// The same for the current line, which may begin in buf_ and end in input[start, end).
Framer::Literal Framer::line_literal(std::string_view input, std::size_t start, std::size_t end) const {
  const std::size_t n = std::min({line_bytes_, buf_.size() + (end - start), literal_tail_bytes_max});
  // Usually the whole tail is in the fresh input: look at it in place.
  if (n <= end - start) return literal_at_end(input.substr(end - n, n));
  std::array<char, literal_tail_bytes_max> tail{};
  for (std::size_t k = 0; k < n; ++k) tail[n - 1 - k] = back(input, start, end, k);
  return literal_at_end(std::string_view(tail.data(), n));
}

// Server status responses and continuation requests end in free text (resp-text), never in a literal.
bool Framer::first_line_has_no_literals(std::string_view input, std::size_t start, std::size_t end) const {
  // The same bytes as buf_.substr(0, head_bytes) + input.substr(start, head_bytes), without allocating.
  std::array<char, 2 * head_bytes> head_bytes_copy{};
  const std::size_t from_buf = std::min(buf_.size(), head_bytes);
  const std::size_t from_input = std::min(end - start, head_bytes);
  std::memcpy(head_bytes_copy.data(), buf_.data(), from_buf);
  std::memcpy(head_bytes_copy.data() + from_buf, input.data() + start, from_input);
  const std::string_view head(head_bytes_copy.data(), from_buf + from_input);
  if (!head.empty() && head[0] == '+') return true;
  const std::size_t space = head.find(' ');
  if (space == std::string::npos) return false;
  std::size_t stop = space + 1;
  while (stop < head.size() && has(head[stop], word_bit)) ++stop;
  const std::string_view word = head.substr(space + 1, stop - space - 1);
  return iequals(word, "OK") || iequals(word, "NO") || iequals(word, "BAD") || iequals(word, "BYE") ||
         iequals(word, "PREAUTH");
}

std::optional<StatusItem> status_item(std::string_view name) {
  if (iequals(name, "MESSAGES")) return StatusItem::Messages;
  if (iequals(name, "RECENT")) return StatusItem::Recent;
  if (iequals(name, "UIDNEXT")) return StatusItem::UidNext;
  if (iequals(name, "UIDVALIDITY")) return StatusItem::UidValidity;
  if (iequals(name, "UNSEEN")) return StatusItem::Unseen;
  if (iequals(name, "HIGHESTMODSEQ")) return StatusItem::HighestModSeq;
  return std::nullopt;
}

}  // namespace imaplab::proto::detail
