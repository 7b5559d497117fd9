// The SRC-1 reference evaluator for SEARCH keys (RFC 3501 §6.4.4), written from the RFC text alone.
#include "sim/search_eval.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>
#include <utility>

namespace imaplab::sim {
namespace {

using Kind = proto::SearchKey::Kind;
using Match = SearchMatch;

constexpr std::size_t date_field_chars_max = 200;  // a Date: value longer than this is not read

bool same_flag(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 3501 §2.3.2: flag names compare case-insensitively.
bool has_flag(const SearchCandidate& m, const std::string& flag) {
  if (m.flags == nullptr) return false;
  return std::any_of(m.flags->begin(), m.flags->end(), [&](const std::string& f) { return same_flag(f, flag); });
}

// RFC 3501 §9: a range a:b is the same as b:a, and `*` is the largest value in use.
bool in_set(const proto::SequenceSet& set, std::uint32_t value, std::uint32_t star) {
  for (const auto& r : set.ranges) {
    const std::uint32_t a = r.first == proto::seq_star ? star : r.first;
    const std::uint32_t b = r.last == proto::seq_star ? star : r.last;
    if (value >= std::min(a, b) && value <= std::max(a, b)) return true;
  }
  return false;
}

// Flag keys (RFC 3501 §6.4.4: ANSWERED, DELETED, ... and their UN- forms); false when `key` is not one.
bool flag_key(const proto::SearchKey& key, const SearchCandidate& m, bool& out) {
  switch (key.kind) {
    case Kind::All: out = true; return true;
    case Kind::Answered: out = has_flag(m, "\\Answered"); return true;
    case Kind::Unanswered: out = !has_flag(m, "\\Answered"); return true;
    case Kind::Deleted: out = has_flag(m, "\\Deleted"); return true;
    case Kind::Undeleted: out = !has_flag(m, "\\Deleted"); return true;
    case Kind::Draft: out = has_flag(m, "\\Draft"); return true;
    case Kind::Undraft: out = !has_flag(m, "\\Draft"); return true;
    case Kind::Flagged: out = has_flag(m, "\\Flagged"); return true;
    case Kind::Unflagged: out = !has_flag(m, "\\Flagged"); return true;
    case Kind::Seen: out = has_flag(m, "\\Seen"); return true;
    case Kind::Unseen: out = !has_flag(m, "\\Seen"); return true;
    case Kind::Keyword: out = has_flag(m, key.value); return true;
    case Kind::Unkeyword: out = !has_flag(m, key.value); return true;
    // "RECENT: Messages that have the \Recent flag set", "NEW: ... equivalent to "(RECENT UNSEEN)"", "OLD: ...
    // functionally equivalent to "NOT RECENT""; \Recent is per session, so the caller gives it.
    case Kind::Recent: out = m.recent; return true;
    case Kind::New: out = m.recent && !has_flag(m, "\\Seen"); return true;
    case Kind::Old: out = !m.recent; return true;
    default: return false;
  }
}

// ---- the message text, read independently of model/ (RFC 2822 §2.2, §3.3) ----

bool ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return ch != '\0' && static_cast<unsigned char>(ch) < 0x80; });
}

char lower(char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); }

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 3501 §6.4.4: "In all search keys that use strings, a message matches the key if the string is a
// substring of the field. The matching is case-insensitive."
bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  const auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                              [](char x, char y) { return lower(x) == lower(y); });
  return it != hay.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct Field {
  std::string_view name;
  std::string value;  // unfolded: the CRLF before each continuation line removed (RFC 2822 §2.2.3)
};

// A message as the text keys see it. `header_plain`: the header is 7-bit with no MIME encoded words (RFC 2047),
// so a substring of it is a substring of what it means. `body_plain`: also a single 7-bit, identity-encoded,
// non-multipart body, so BODY and TEXT have one reading.
struct MessageText {
  bool header_plain = false, body_plain = false;
  std::string_view header, body;
  std::vector<Field> fields;
  std::optional<proto::Date> sent;  // the one Date: field's day, when there is exactly one and it parses
};

std::vector<Field> header_fields(std::string_view header) {
  std::vector<Field> out;
  while (!header.empty()) {
    const std::size_t end = header.find("\r\n");
    const std::string_view line = header.substr(0, end);
    header.remove_prefix(end == std::string_view::npos ? header.size() : end + 2);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (!out.empty()) out.back().value.append(line);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    out.push_back(Field{trim(line.substr(0, colon)), std::string(line.substr(colon + 1))});
  }
  return out;
}

std::optional<int> month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> months = {"jan", "feb", "mar", "apr", "may", "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (iequal(name, months[i])) return static_cast<int>(i + 1);
  }
  return std::nullopt;
}

std::optional<int> digits(std::string_view s, std::size_t min, std::size_t max) {
  if (s.size() < min || s.size() > max) return std::nullopt;
  int v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

// RFC 2822 §3.3: date-time = [ day-of-week "," ] date FWS time [CFWS]; date = day month year. Only the day is
// read (SENT* disregard time and zone); an obsolete two-digit year or anything unusual gives nothing.
std::optional<proto::Date> sent_day(std::string_view v) {
  v = trim(v);
  if (v.size() > date_field_chars_max) return std::nullopt;
  if (const std::size_t comma = v.find(','); comma != std::string_view::npos) v = trim(v.substr(comma + 1));
  std::array<std::string_view, 3> parts;
  for (auto& part : parts) {
    const std::size_t sp = v.find_first_of(" \t");
    if (sp == std::string_view::npos) return std::nullopt;  // the time must follow
    part = v.substr(0, sp);
    v = trim(v.substr(sp));
  }
  const auto day = digits(parts[0], 1, 2);
  const auto month = month_number(parts[1]);
  const auto year = digits(parts[2], 4, 4);
  if (!day || !month || !year || *day < 1 || *day > 31) return std::nullopt;
  return proto::Date{*year, *month, *day};
}

bool identity_encoded(std::string_view cte) {
  cte = trim(cte);
  return iequal(cte, "7bit") || iequal(cte, "8bit") || iequal(cte, "binary");
}

MessageText read_message(const std::string& bytes) {
  MessageText t;
  const std::size_t blank = bytes.find("\r\n\r\n");
  if (blank == std::string::npos) return t;
  const std::string_view all(bytes);
  t.header = all.substr(0, blank + 2);
  t.body = all.substr(blank + 4);
  t.fields = header_fields(t.header);
  t.header_plain = ascii(t.header) && t.header.find("=?") == std::string_view::npos;
  t.body_plain = t.header_plain && ascii(t.body);
  int dates = 0;
  for (const Field& f : t.fields) {
    if (iequal(f.name, "Date") && ++dates == 1) t.sent = sent_day(f.value);
    const std::string_view v = trim(f.value);
    if (iequal(f.name, "Content-Type") && (icontains(v.substr(0, 9), "multipart") || icontains(v.substr(0, 7), "message"))) {
      t.body_plain = false;
    }
    if (iequal(f.name, "Content-Transfer-Encoding") && !identity_encoded(v)) t.body_plain = false;
  }
  if (dates != 1) t.sent.reset();
  return t;
}

Match known(bool b) { return b ? Match::Yes : Match::No; }

// SUBJECT/FROM/TO/CC/BCC and HEADER: some occurrence of the field contains the string in its text. HEADER with
// an empty string matches every message with the field; for the envelope keys a missing field is left open.
Match field_key(const MessageText& t, std::string_view field, std::string_view value, bool header_key) {
  // A string with outer blanks depends on whether "the text of the header" keeps the blank after the colon.
  if (!t.header_plain || !ascii(value) || trim(value) != value) return Match::Unknown;
  bool present = false;
  for (const Field& f : t.fields) {
    if (!iequal(f.name, field)) continue;
    present = true;
    if (icontains(f.value, value)) return Match::Yes;
  }
  if (!present && value.empty() && !header_key) return Match::Unknown;
  return Match::No;
}

// BODY: the string in the body; TEXT: in the header or the body (RFC 3501 §6.4.4). A TEXT string found only
// across the blank line is left open.
Match body_key(const MessageText& t, std::string_view value, bool text) {
  if (!t.body_plain || !ascii(value)) return Match::Unknown;
  if (icontains(t.body, value)) return Match::Yes;
  if (!text) return Match::No;
  if (icontains(t.header, value)) return Match::Yes;
  return value.find('\n') != std::string_view::npos ? Match::Unknown : Match::No;
}

// SENTBEFORE/SENTON/SENTSINCE: "[RFC-2822] Date: header (disregarding time and timezone)".
Match sent_key(const MessageText& t, const proto::SearchKey& key) {
  if (!t.sent) return Match::Unknown;
  switch (key.kind) {
    case Kind::SentBefore: return known(*t.sent < key.date);
    case Kind::SentOn: return known(*t.sent == key.date);
    default: return known(*t.sent >= key.date);  // SENTSINCE: "within or later than the specified date"
  }
}

bool text_kind(Kind k) {
  switch (k) {
    case Kind::Subject: case Kind::From: case Kind::To: case Kind::Cc: case Kind::Bcc: case Kind::Header:
    case Kind::Body: case Kind::Text: case Kind::SentBefore: case Kind::SentOn: case Kind::SentSince:
      return true;
    default: return false;
  }
}

bool uses_text(const std::vector<proto::SearchKey>& keys) {
  return std::any_of(keys.begin(), keys.end(), [](const proto::SearchKey& k) {
    return text_kind(k.kind) || uses_text(k.children);
  });
}

Match text_eval(const proto::SearchKey& key, const MessageText* t) {
  if (t == nullptr) return Match::Unknown;
  switch (key.kind) {
    case Kind::Subject: return field_key(*t, "Subject", key.value, false);
    case Kind::From: return field_key(*t, "From", key.value, false);
    case Kind::To: return field_key(*t, "To", key.value, false);
    case Kind::Cc: return field_key(*t, "Cc", key.value, false);
    case Kind::Bcc: return field_key(*t, "Bcc", key.value, false);
    case Kind::Header: return field_key(*t, key.field, key.value, true);
    case Kind::Body: return body_key(*t, key.value, false);
    case Kind::Text: return body_key(*t, key.value, true);
    default: return sent_key(*t, key);
  }
}

struct EvalInput {
  const SearchCandidate& m;
  const SearchStars& stars;
  const MessageText* text;  // null when the message's bytes are not given
};

Match all_of(const std::vector<proto::SearchKey>& keys, const EvalInput& in);

// Three-valued: NOT Unknown is Unknown; OR is Yes if either is, AND No if either is.
Match eval(const proto::SearchKey& key, const EvalInput& in) {
  const SearchCandidate& m = in.m;
  bool out = false;
  if (flag_key(key, m, out)) return known(out);
  if (text_kind(key.kind)) return text_eval(key, in.text);
  switch (key.kind) {
    // "disregarding time and timezone": only the day of the internal date counts.
    case Kind::Before: return known(m.internal_day < key.date);
    case Kind::On: return known(m.internal_day == key.date);
    case Kind::Since: return known(m.internal_day >= key.date);  // "within or later than the specified date"
    case Kind::Larger: return known(m.size > key.number);
    case Kind::Smaller: return known(m.size < key.number);
    case Kind::Uid: return known(in_set(key.set, m.uid, in.stars.uid));
    case Kind::SequenceSet: return known(in_set(key.set, m.msn, in.stars.msn));
    // RFC 4551 §3.4: "Messages that have modification values that are equal to or greater than" the value.
    case Kind::ModSeq: return known(m.modseq >= key.number);
    case Kind::Not: {
      if (key.children.size() != 1) return Match::No;
      const Match c = eval(key.children[0], in);
      return c == Match::Unknown ? c : known(c == Match::No);
    }
    case Kind::Or: {
      if (key.children.size() != 2) return Match::No;
      const Match a = eval(key.children[0], in), b = eval(key.children[1], in);
      if (a == Match::Yes || b == Match::Yes) return Match::Yes;
      return a == Match::Unknown || b == Match::Unknown ? Match::Unknown : Match::No;
    }
    case Kind::And: return all_of(key.children, in);
    default: return Match::No;  // not evaluable: search_evaluable keeps callers away
  }
}

Match all_of(const std::vector<proto::SearchKey>& keys, const EvalInput& in) {
  Match out = Match::Yes;
  for (const proto::SearchKey& k : keys) {
    const Match r = eval(k, in);
    if (r == Match::No) return r;
    if (r == Match::Unknown) out = r;
  }
  return out;
}

bool evaluable(const proto::SearchKey& key) {
  switch (key.kind) {
    case Kind::All: case Kind::Answered: case Kind::Unanswered: case Kind::Deleted: case Kind::Undeleted:
    case Kind::Draft: case Kind::Undraft: case Kind::Flagged: case Kind::Unflagged: case Kind::Seen:
    case Kind::Unseen: case Kind::Keyword: case Kind::Unkeyword: case Kind::Before: case Kind::On:
    case Kind::Since: case Kind::Larger: case Kind::Smaller: case Kind::Uid: case Kind::SequenceSet:
    case Kind::Recent: case Kind::New: case Kind::Old: case Kind::ModSeq:
      return true;
    case Kind::Subject: case Kind::From: case Kind::To: case Kind::Cc: case Kind::Bcc: case Kind::Body:
    case Kind::Text: case Kind::SentBefore: case Kind::SentOn: case Kind::SentSince:
      return true;
    case Kind::Header: return !key.field.empty();
    case Kind::Not: return key.children.size() == 1 && evaluable(key.children[0]);
    case Kind::Or: return key.children.size() == 2 && search_evaluable(key.children);
    case Kind::And: return !key.children.empty() && search_evaluable(key.children);
    default: return false;
  }
}

}  // namespace

namespace {

bool fixed(const proto::SearchKey& k) {
  using K = proto::SearchKey::Kind;
  switch (k.kind) {
    case K::All: case K::Larger: case K::Smaller: case K::Since: case K::Before: case K::On: case K::Subject:
    case K::From: case K::To: case K::Cc: case K::Bcc: case K::Header: case K::Body: case K::Text:
    case K::SentBefore: case K::SentOn: case K::SentSince:
      return true;
    case K::Uid:
      return std::none_of(k.set.ranges.begin(), k.set.ranges.end(), [](const auto& r) {
        return r.first == proto::seq_star || r.last == proto::seq_star;
      });
    case K::Not: case K::Or: case K::And:
      return std::all_of(k.children.begin(), k.children.end(), fixed);
    default:
      return false;
  }
}

}  // namespace

bool search_fixed(const std::vector<proto::SearchKey>& keys) {
  return search_evaluable(keys) && std::all_of(keys.begin(), keys.end(), fixed);
}

bool search_evaluable(const std::vector<proto::SearchKey>& keys) {
  return std::all_of(keys.begin(), keys.end(), [](const proto::SearchKey& k) { return evaluable(k); });
}

SearchMatch search_match(const std::vector<proto::SearchKey>& keys, const SearchCandidate& m,
                         const SearchStars& stars) {
  std::optional<MessageText> text;
  if (m.bytes != nullptr && uses_text(keys)) text = read_message(*m.bytes);
  return all_of(keys, EvalInput{m, stars, text ? &*text : nullptr});
}

bool search_eval(const std::vector<proto::SearchKey>& keys, const SearchCandidate& m, const SearchStars& stars) {
  return search_match(keys, m, stars) == SearchMatch::Yes;
}

}  // namespace imaplab::sim
