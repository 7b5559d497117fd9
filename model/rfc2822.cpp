// RFC 2822 address lists and dates: a tokenizer that drops comments and whitespace, and small parsers over
// its tokens. Every loop consumes at least one token, so any input terminates.
#include "model/rfc2822.hpp"

#include <array>
#include <cstddef>

#include "model/mime.hpp"

namespace imaplab::model {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

struct Token {
  enum class Kind { Word, Quoted, Literal, Special };
  Kind kind = Kind::Word;
  std::string_view raw;       // as written; Quoted and Literal include their delimiters
  bool space_before = false;  // whitespace or a comment separated it from the previous token
  bool is(char c) const { return kind == Kind::Special && raw.size() == 1 && raw[0] == c; }
  bool word_like() const { return kind != Kind::Special || is('.'); }
};

// The end of a delimited run starting at `i` (a quoted string or domain literal): just past `close`, or
// the end of `s` when unterminated. Quoted pairs are skipped.
std::size_t delimited_end(std::string_view s, std::size_t i, char close) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == close) {
      return i + 1;
    }
  }
  return s.size();
}

// RFC 2822 §3.2.3 comments nest and hold quoted pairs; returns the offset just past the comment.
std::size_t comment_end(std::string_view s, std::size_t i) {
  std::size_t level = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '(') {
      ++level;
    } else if (s[i] == ')' && --level == 0) {
      return i + 1;
    }
  }
  return s.size();
}

constexpr std::string_view specials = "()<>[]:;@\\,.\"";

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  bool space = false;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_space(c) || c == '(') {
      i = c == '(' ? comment_end(s, i) : i + 1;
      space = true;
      continue;
    }
    Token t;
    t.space_before = space;
    space = false;
    std::size_t end = i + 1;
    if (c == '"') {
      t.kind = Token::Kind::Quoted;
      end = delimited_end(s, i, '"');
    } else if (c == '[') {
      t.kind = Token::Kind::Literal;
      end = delimited_end(s, i, ']');
    } else if (specials.find(c) != std::string_view::npos) {
      t.kind = Token::Kind::Special;
    } else {
      while (end < s.size() && !is_space(s[end]) && specials.find(s[end]) == std::string_view::npos) ++end;
    }
    t.raw = s.substr(i, end - i);
    tokens.push_back(t);
    i = end;
  }
  return tokens;
}

// The contents of a quoted string without its quotes and with quoted pairs resolved.
std::string unquote(std::string_view raw) {
  std::string out;
  const std::size_t end = raw.size() >= 2 && raw.back() == '"' ? raw.size() - 1 : raw.size();
  for (std::size_t i = 1; i < end; ++i) {
    if (raw[i] == '\\' && i + 1 < end) ++i;
    out += raw[i];
  }
  return out;
}

class AddressParser {
 public:
  explicit AddressParser(std::string_view s) : t_(tokenize(s)) {}

  std::vector<Address> list() {
    while (!end() && !full()) {
      if (at(',')) {
        ++i_;
      } else {
        item(false);
      }
    }
    return std::move(out_);
  }

 private:
  bool end() const { return i_ >= t_.size(); }
  bool full() const { return out_.size() >= address_list_entries_max; }
  bool at(char c) const { return !end() && t_[i_].is(c); }

  // One mailbox or group. Whatever follows it up to the next separator is junk and skipped.
  void item(bool in_group) {
    const std::size_t first = i_;
    while (!end() && t_[i_].word_like()) ++i_;
    const std::size_t last = i_;
    if (at('<')) {
      ++i_;
      angle_addr(phrase(first, last));
    } else if (at(':') && !in_group) {
      ++i_;
      group(phrase(first, last));
      return;
    } else if (at('@')) {
      ++i_;
      std::string local = joined(first, last);
      out_.push_back({std::nullopt, std::nullopt, std::move(local), domain()});
    } else if (last > first) {
      out_.push_back({std::nullopt, std::nullopt, joined(first, last), std::string()});
    } else if (!end()) {
      ++i_;  // a stray special
    }
    while (!end() && !at(',') && !(in_group && at(';'))) ++i_;
  }

  // RFC 2822 §3.4 angle-addr, after "<": [obs-route] addr-spec ">".
  void angle_addr(std::optional<std::string> name) {
    Address a;
    a.name = std::move(name);
    if (at('@')) a.adl = route();
    const std::size_t first = i_;
    while (!end() && t_[i_].word_like()) ++i_;
    a.mailbox = joined(first, i_);
    if (at('@')) {
      ++i_;
      a.host = domain();
    } else {
      a.host = std::string();
    }
    while (!end() && !at('>') && !at(',')) ++i_;
    if (at('>')) ++i_;
    out_.push_back(std::move(a));
  }

  // RFC 2822 §4.4 obs-route: "@a,@b:" becomes the adl "@a,@b". Without the colon it was not a route.
  std::optional<std::string> route() {
    const std::size_t first = i_;
    std::string adl;
    while (!end() && !at(':') && !at('>')) adl += t_[i_++].raw;
    if (at(':')) {
      ++i_;
      return adl;
    }
    i_ = first;
    return std::nullopt;
  }

  // RFC 2822 §3.4 group: display-name ":" [mailbox-list] ";", reported as RFC 3501 §7.4.2 markers.
  void group(std::optional<std::string> name) {
    out_.push_back({std::nullopt, std::nullopt, name.value_or(std::string()), std::nullopt});
    while (!end() && !at(';') && !full()) {
      if (at(',')) {
        ++i_;
      } else {
        item(true);
      }
    }
    if (at(';')) ++i_;
    out_.push_back({});  // even when full: a group is always closed
  }

  std::string domain() {
    const std::size_t first = i_;
    while (!end() && t_[i_].word_like()) ++i_;
    return joined(first, i_);
  }

  // A local part or domain: tokens concatenated as written, without the whitespace between them.
  std::string joined(std::size_t first, std::size_t last) const {
    std::string out;
    for (std::size_t k = first; k < last; ++k) out += t_[k].raw;
    return out;
  }

  // A display name: words with quoted strings unquoted, separated by one space where the message had
  // whitespace or a comment.
  std::optional<std::string> phrase(std::size_t first, std::size_t last) const {
    if (first == last) return std::nullopt;
    std::string out;
    for (std::size_t k = first; k < last; ++k) {
      if (k > first && t_[k].space_before) out += ' ';
      out += t_[k].kind == Token::Kind::Quoted ? unquote(t_[k].raw) : std::string(t_[k].raw);
    }
    return out;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  std::vector<Address> out_;
};

std::optional<int> number(std::string_view s, std::size_t digits_min, std::size_t digits_max) {
  if (s.size() < digits_min || s.size() > digits_max) return std::nullopt;
  int n = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::optional<int> month_of(std::string_view s) {
  static constexpr std::array<std::string_view, 12> names = {"jan", "feb", "mar", "apr", "may", "jun",
                                                             "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() < 3) return std::nullopt;
  for (std::size_t m = 0; m < names.size(); ++m) {
    if (iequals(s.substr(0, 3), names[m])) return static_cast<int>(m + 1);
  }
  return std::nullopt;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[static_cast<std::size_t>(month - 1)];
}

// The words of a date-time: runs of characters between whitespace, commas and comments.
std::vector<std::string_view> date_words(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size() && words.size() < 4) {
    if (s[i] == '(') {
      i = comment_end(s, i);
    } else if (is_space(s[i]) || s[i] == ',') {
      ++i;
    } else {
      const std::size_t start = i;
      while (i < s.size() && !is_space(s[i]) && s[i] != ',' && s[i] != '(') ++i;
      words.push_back(s.substr(start, i - start));
    }
  }
  return words;
}

}  // namespace

std::vector<Address> parse_address_list(std::string_view unfolded) { return AddressParser(unfolded).list(); }

std::optional<proto::Date> parse_date(std::string_view unfolded) {
  std::vector<std::string_view> w = date_words(unfolded);
  std::size_t k = 0;
  if (!w.empty() && !w[0].empty() && (w[0][0] < '0' || w[0][0] > '9')) k = 1;  // day-of-week
  if (w.size() < k + 3) return std::nullopt;
  const auto day = number(w[k], 1, 2);
  const auto month = month_of(w[k + 1]);
  auto year = number(w[k + 2], 2, 4);
  if (!day || !month || !year) return std::nullopt;
  if (w[k + 2].size() == 2) *year += *year < 50 ? 2000 : 1900;  // RFC 2822 §4.3
  if (w[k + 2].size() == 3) *year += 1900;
  if (*day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  return proto::Date{*year, *month, *day};
}

}  // namespace imaplab::model
