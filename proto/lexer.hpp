// Reading primitives shared by the command and response parsers (RFC 3501 §9 tokens), and the framer that
// cuts an incremental byte stream into whole messages (lines plus literal data) under the limits of limits.hpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/limits.hpp"
#include "proto/types.hpp"

namespace imaplab::proto::detail {

// Thrown inside a parse of one complete message; the parser entry points turn it into a ParseError.
struct SyntaxError {
  std::string message;
};

// Character classes of RFC 3501 §9.
bool is_atom_char(char c);     // ATOM-CHAR: any CHAR except atom-specials
bool is_astring_char(char c);  // ASTRING-CHAR: ATOM-CHAR or resp-specials ("]")
bool is_tag_char(char c);      // tag: ASTRING-CHAR except "+"
bool is_list_char(char c);     // list-char: ATOM-CHAR, list-wildcards, resp-specials

// ASCII upper-casing and comparison against an upper-case keyword. iequals is inline: the parsers call it
// for every keyword they look up, and the length check alone rejects most candidates.
inline char upper_ascii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
std::string to_upper(std::string_view s);
inline bool iequals(std::string_view s, std::string_view upper) {
  if (s.size() != upper.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (upper_ascii(s[i]) != upper[i]) return false;
  return true;
}

// Reads RFC 3501 tokens from one complete message held in memory (literal data inline after "{n}CRLF").
// Every failure throws SyntaxError; the message names the RFC rule that was expected.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  std::size_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  char peek_at(std::size_t ahead) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  bool at_line_end() const { return peek() == '\r' || peek() == '\n' || at_end(); }

  // Inline: the parsers call these for nearly every byte of punctuation.
  bool try_char(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c, const char* what) {
    if (!try_char(c)) fail_expected(what);
  }
  void sp() { expect(' ', "SP"); }
  bool try_sp() { return try_char(' '); }
  // CRLF (a bare LF is accepted), then the end of the message.
  void end_of_message();

  // 1*ATOM-CHAR and 1*ASTRING-CHAR, as views into the message.
  std::string_view atom();
  std::string_view astring_chars();
  // A tag (RFC 3501 §9: 1*<any ASTRING-CHAR except "+">, at most limits::tag_bytes_max); `missing` is the
  // error when there is none.
  std::string tag(const char* missing);
  // A run of letters, digits, '.', '-' and '_': keywords such as BODY.PEEK that may be followed by '['.
  std::string_view word();
  // Consumes `upper` (case-insensitively) when it is the whole next atom.
  bool try_keyword(std::string_view upper);
  void keyword(std::string_view upper);

  std::string quoted();
  std::string literal();
  std::string string();                  // quoted / literal
  std::string astring();                 // 1*ASTRING-CHAR / string
  std::optional<std::string> nstring();  // string / NIL
  bool try_nil();
  std::string list_mailbox();            // list-mailbox (RFC 3501 §9), not decoded
  // mailbox: astring decoded from modified UTF-7 (§5.1.3); "INBOX" in any case becomes "INBOX". Inside a
  // response code an unquoted name ends before "]" (resp-text-code, RFC 3501 §9).
  std::string mailbox(bool in_code = false);
  // Decodes a mailbox name read by other means (no INBOX normalization).
  std::string decode_name(std::string raw);

  std::uint32_t number();     // number (RFC 3501 §9), 32-bit
  std::uint32_t nz_number();
  std::uint64_t number64();   // mod-sequence-value (RFC 4551 §4) and other 63-bit numbers
  SequenceSet sequence_set();
  std::string flag(bool allow_star = false);  // flag, or flag-perm "\*" when allow_star
  std::vector<std::string> flag_list(bool allow_star = false);
  Date date();                // date-text or DQUOTE date-text DQUOTE
  DateTime date_time();       // DQUOTE date-time DQUOTE
  // "[" [section-spec] "]"
  Section section();
  // The rest of the line up to (not including) CRLF.
  std::string_view text_to_line_end();
  // Bytes up to the line end or the first of `stops`, possibly none.
  std::string_view until_any(std::string_view stops);

  // Parenthesized nesting and recursion (NOT/OR chains) share one depth limit.
  void enter();
  void leave() { --depth_; }

  [[noreturn]] void fail(std::string_view message) const;
  [[noreturn]] void fail_expected(const char* what) const;

 private:
  Date date_text(bool allow_zero_day = false);
  std::uint64_t digits(std::uint64_t max, const char* what);
  SeqRange seq_range();
  std::uint32_t seq_number();

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
};

// Keeps the depth counter balanced for one nesting level.
class Nest {
 public:
  explicit Nest(Lexer& lexer) : lexer_(lexer) { lexer_.enter(); }
  ~Nest() { lexer_.leave(); }
  Nest(const Nest&) = delete;
  Nest& operator=(const Nest&) = delete;

 private:
  Lexer& lexer_;
};

// Reads "(" item *(SP item) ")" with the list_items_max limit; `read` consumes one item. Both parsers use it.
template <typename Read>
void paren_list(Lexer& lx, bool allow_empty, Read read) {
  Nest nest(lx);
  lx.expect('(', "'('");
  if (allow_empty && lx.try_char(')')) return;
  for (std::size_t n = 1;; ++n) {
    if (n > limits::list_items_max) lx.fail("more than limits::list_items_max items in a list");
    read();
    if (lx.try_char(')')) return;
    lx.sp();
  }
}

// A STATUS item name (RFC 3501 §6.3.10, RFC 4551 §3.6), any case; nullopt for an unknown one.
std::optional<StatusItem> status_item(std::string_view name);

// The tag at the start of a message, when one can be read (1..tag_bytes_max tag chars followed by SP).
std::optional<std::string> leading_tag(std::string_view message);

// One step of the framer.
enum class FrameKind { NeedMore, Message, Continuation, RawLine, Error };
struct Frame {
  std::size_t consumed = 0;
  FrameKind kind = FrameKind::NeedMore;
  std::string_view bytes;           // Message: whole message with CRLF; RawLine: the line without CRLF
  std::uint64_t literal_bytes = 0;  // Continuation
  std::optional<std::string> tag;   // Error
  std::string error;                // Error
};

// Cuts a stream into messages: lines, and after a line ending in {n} or {n+} the n literal bytes (RFC 3501
// §4.3). Every limit is enforced as bytes arrive, so memory stays bounded whatever the peer sends; after a
// refused line or literal the framer discards input up to the end of the offending command by itself.
class Framer {
 public:
  enum class Peer { Client, Server };
  explicit Framer(Peer peer);

  // The returned views stay valid until the next call.
  Frame feed(std::string_view input);
  void expect_line() { raw_line_ = true; }
  // A finished message stays in buf_ until the next feed() (the caller holds views into it) but is not pending.
  std::size_t buffered_bytes() const { return clear_on_feed_ ? 0 : buf_.size(); }

 private:
  enum class Mode { Line, Literal, SkipLiteral, DiscardLine };
  struct Literal {
    bool found = false;
    bool synchronizing = false;
    std::uint64_t bytes = 0;
  };

  std::size_t skip(std::string_view input, std::size_t pos, bool& done);
  Frame accumulate(std::string_view input, std::size_t start);
  Frame refuse(std::string_view input, std::size_t start, std::size_t consumed, std::string message,
               Literal pending);
  Frame need_more(std::string_view input, std::size_t start);
  std::string_view message(std::string_view input, std::size_t start, std::size_t end);
  char back(std::string_view input, std::size_t start, std::size_t end, std::size_t i) const;
  static Literal literal_at_end(std::string_view line);
  Literal line_literal(std::string_view input, std::size_t start, std::size_t end) const;
  bool first_line_has_no_literals(std::string_view input, std::size_t start, std::size_t end) const;
  void start_message();

  Peer peer_;
  Mode mode_ = Mode::Line;
  std::string buf_;
  std::string tail_;  // DiscardLine: the last bytes of the discarded line, to spot a {n+} at its end
  std::uint64_t literal_left_ = 0;
  std::size_t line_bytes_ = 0;
  std::size_t lines_ = 0;
  std::size_t literals_ = 0;
  bool raw_line_ = false;
  bool raw_pending_ = false;  // the current line is a raw line requested by expect_line()
  bool clear_on_feed_ = false;
};

}  // namespace imaplab::proto::detail
