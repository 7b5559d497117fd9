// SEQ-9 for message content beyond the whole message: BODY[section]<o.l>, RFC822.HEADER, RFC822.TEXT and
// INTERNALDATE are compared with a second, independent extraction from the stored bytes (never model/'s MIME
// code, so a mistake there is not mirrored). Judged only for message shapes this file surely understands.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::MsgAtt;
using Text = proto::Section::Text;

constexpr std::string_view crlf = "\r\n";
constexpr std::size_t multipart_parts_max = 64;  // parts of one multipart this extractor follows

std::string n(std::uint64_t v) { return std::to_string(v); }

char lower(char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower(x) == lower(y);
         });
}

// Every CR is followed by LF and every LF preceded by CR: the only line ends this extractor trusts.
bool clean_line_ends(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n')) return false;
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
  }
  return true;
}

// A message or body part cut at the blank line that ends its header (RFC 2822 §2.1): `header` includes that
// blank line (RFC 3501 §6.4.5 "including the blank line"), `body` is what follows it.
struct Split {
  std::string_view header, body;
};

std::optional<Split> split(std::string_view m) {
  std::size_t end = 0;
  if (m.starts_with(crlf)) {
    end = crlf.size();  // no header fields at all: the header is the blank line alone
  } else {
    const std::size_t blank = m.find("\r\n\r\n");
    if (blank == std::string_view::npos) return std::nullopt;  // no body and no blank line: not judged
    end = blank + 4;
  }
  if (!clean_line_ends(m.substr(0, end))) return std::nullopt;
  return Split{m.substr(0, end), m.substr(end)};
}

// One logical header field: its name (trailing blanks removed, RFC 2822 §4.5) and its lines as written,
// continuation lines (starting with SP or HTAB, RFC 2822 §2.2.3) and their CRLFs included.
struct Field {
  std::string_view name, raw;
};

// The fields of a header (the blank line excluded); nullopt for a line that is not a field.
std::optional<std::vector<Field>> fields_of(std::string_view header) {
  std::vector<Field> out;
  std::size_t at = 0;
  const std::size_t end = header.size() - crlf.size();  // the blank line
  while (at < end) {
    std::size_t stop = header.find(crlf, at);
    while (stop + 2 < end && (header[stop + 2] == ' ' || header[stop + 2] == '\t')) stop = header.find(crlf, stop + 2);
    const std::string_view raw = header.substr(at, stop + 2 - at);
    const std::size_t colon = raw.find(':');
    const std::size_t first_line_end = raw.find(crlf);
    if (colon == std::string_view::npos || colon > first_line_end || colon == 0) return std::nullopt;
    std::string_view name = raw.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
    out.push_back({name, raw});
    at = stop + 2;
  }
  return out;
}

// HEADER.FIELDS (list) / HEADER.FIELDS.NOT (list): the named fields as written (names compare case-
// insensitively, RFC 3501 §6.4.5 "field-name"), then the blank line that ends the header.
std::optional<std::string> header_fields(std::string_view header, const std::vector<std::string>& names,
                                         bool exclude) {
  const auto fields = fields_of(header);
  if (!fields) return std::nullopt;
  std::string out;
  for (const Field& f : *fields) {
    const bool named =
        std::any_of(names.begin(), names.end(), [&](const std::string& want) { return iequals(f.name, want); });
    if (named != exclude) out += f.raw;
  }
  out += crlf;
  return out;
}

// The value of a header field, unfolded (RFC 2822 §2.2.3); nullopt when absent.
std::optional<std::string> field_value(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& f : fields) {
    if (!iequals(f.name, name)) continue;
    std::string v(f.raw.substr(f.raw.find(':') + 1));
    std::erase(v, '\r');
    std::erase(v, '\n');
    return v;
  }
  return std::nullopt;
}

// The boundary of a "multipart/..." Content-Type (RFC 2046 §5.1.1); "" for any other type, nullopt when the
// value is multipart but its boundary cannot be read.
std::optional<std::string> multipart_boundary(const std::vector<Field>& fields) {
  const auto type = field_value(fields, "Content-Type");
  if (!type) return std::string();
  std::string v;
  for (const char ch : *type) v += lower(ch);
  const std::size_t start = v.find_first_not_of(" \t");
  if (start == std::string::npos || v.compare(start, 10, "multipart/") != 0) return std::string();
  const std::size_t key = v.find("boundary=");
  if (key == std::string::npos) return std::nullopt;
  std::size_t at = key + 9;
  std::string b;
  if (at < type->size() && (*type)[at] == '"') {
    const std::size_t close = type->find('"', at + 1);
    if (close == std::string::npos) return std::nullopt;
    b = type->substr(at + 1, close - at - 1);
  } else {
    const std::size_t stop = type->find_first_of("; \t", at);
    b = type->substr(at, stop == std::string::npos ? std::string::npos : stop - at);
  }
  if (b.empty()) return std::nullopt;
  return b;
}

// The body parts of a multipart body (RFC 2046 §5.1.1): what lies between delimiter lines "--boundary" (the
// CRLF before a delimiter belongs to it) up to the close delimiter "--boundary--". nullopt for anything less
// tidy (no close delimiter, a line that starts like a delimiter but is none): those are not judged.
std::optional<std::vector<std::string_view>> body_parts(std::string_view body, const std::string& boundary) {
  const std::string dash = "--" + boundary;
  std::vector<std::string_view> parts;
  std::optional<std::size_t> part_start;
  std::size_t line = 0;
  while (line < body.size()) {
    const std::size_t eol = body.find(crlf, line);
    const std::string_view text = body.substr(line, eol == std::string_view::npos ? std::string_view::npos : eol - line);
    if (text.starts_with(dash)) {
      const std::string_view rest = text.substr(dash.size());
      const bool close = rest == "--";
      if (!close && !rest.empty()) return std::nullopt;
      if (part_start) {
        const std::size_t end = line >= crlf.size() ? line - crlf.size() : line;
        if (end < *part_start) return std::nullopt;
        parts.push_back(body.substr(*part_start, end - *part_start));
        if (parts.size() > multipart_parts_max) return std::nullopt;
      }
      if (close) return parts;
      if (eol == std::string_view::npos) return std::nullopt;
      part_start = eol + crlf.size();
    }
    if (eol == std::string_view::npos) break;
    line = eol + crlf.size();
  }
  return std::nullopt;  // no close delimiter
}

// BODY[n] and BODY[n.MIME] of the top-level message (one part number only). A non-multipart message has only
// part 1, its body (RFC 3501 §6.4.5); its part 1 MIME header is left unjudged.
std::optional<std::string> part_section(const Split& top, const proto::Section& s) {
  if (s.part.size() != 1 || s.part[0] == 0) return std::nullopt;
  if (s.text != Text::None && s.text != Text::Mime) return std::nullopt;
  const auto fields = fields_of(top.header);
  if (!fields) return std::nullopt;
  const auto boundary = multipart_boundary(*fields);
  if (!boundary) return std::nullopt;
  if (boundary->empty()) {
    if (s.part[0] != 1 || s.text != Text::None) return std::nullopt;
    return std::string(top.body);
  }
  const auto parts = body_parts(top.body, *boundary);
  if (!parts || s.part[0] > parts->size()) return std::nullopt;
  const auto part = split((*parts)[s.part[0] - 1]);
  if (!part) return std::nullopt;
  return std::string(s.text == Text::Mime ? part->header : part->body);
}

// The full data (before any <o.l>) of a section of the top-level message; nullopt when not judged.
std::optional<std::string> section_data(std::string_view stored, const proto::Section& s) {
  if (s.part.empty() && s.text == Text::None) return std::string(stored);
  const auto top = split(stored);
  if (!top) return std::nullopt;
  if (!s.part.empty()) return part_section(*top, s);
  switch (s.text) {
    case Text::Header: return std::string(top->header);
    case Text::HeaderFields: return header_fields(top->header, s.fields, false);
    case Text::HeaderFieldsNot: return header_fields(top->header, s.fields, true);
    case Text::Text: return std::string(top->body);
    case Text::None:
    case Text::Mime: return std::nullopt;
  }
  return std::nullopt;
}

// The <o.l> length the client asked for BODY[section]<o>, when its in-flight FETCHes agree on one.
std::optional<std::uint32_t> asked_length(const Ctx& ctx, const ClientState& c, const MsgAtt& a) {
  if (c.notify.active) return std::nullopt;  // a NOTIFY MessageNew FETCH may carry its own <o.l> (RFC 5465 §5.2)
  std::optional<std::uint32_t> length;
  for (const Inflight& f : c.inflight) {
    const auto& cmd = ctx.log[f.sent].command;
    if (!cmd || cmd->kind != proto::CommandKind::Fetch) continue;
    const auto* args = std::get_if<proto::FetchArgs>(&cmd->args);
    if (args == nullptr) continue;
    for (const proto::FetchAtt& want : args->atts) {
      if (want.kind != proto::FetchAtt::Kind::BodySection || !want.partial || want.section != a.section ||
          want.partial->origin != *a.origin) {
        continue;
      }
      if (length && *length != want.partial->length) return std::nullopt;  // two FETCHes disagree
      length = want.partial->length;
    }
  }
  return length;
}

void report(Ctx& ctx, const ClientState& c, std::uint32_t uid, EventIndex index, const std::string& what) {
  ctx.rep.report("SEQ-9", {index}, {c.view.selected_at},
                 "the FETCH for UID " + n(uid) + " of \"" + c.view.mailbox + "\" returned " + what + ".");
}

std::string section_name(const MsgAtt& a) {
  if (a.kind == MsgAtt::Kind::Rfc822Header) return "RFC822.HEADER";
  if (a.kind == MsgAtt::Kind::Rfc822Text) return "RFC822.TEXT";
  std::string s = "BODY[";
  for (std::size_t i = 0; i < a.section.part.size(); ++i) s += (i ? "." : "") + n(a.section.part[i]);
  static constexpr const char* names[] = {"", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME"};
  const char* t = names[static_cast<std::size_t>(a.section.text)];
  if (*t != '\0') s += (a.section.part.empty() ? "" : ".") + std::string(t);
  for (std::size_t i = 0; i < a.section.fields.size(); ++i) s += (i ? " " : " (") + a.section.fields[i];
  s += a.section.fields.empty() ? "]" : ")]";
  if (a.origin) s += "<" + n(*a.origin) + ">";
  return s;
}

// One data item against the independent extraction (RFC 3501 §6.4.5). `origin` data is exactly
// min(l, size - o) octets from octet o when the asked l is known, else a prefix of the data from o.
void check_data(Ctx& ctx, const ClientState& c, std::uint32_t uid, const MsgAtt& a, const std::string& stored,
                EventIndex index) {
  proto::Section s = a.section;
  if (a.kind == MsgAtt::Kind::Rfc822Header) s = proto::Section{{}, Text::Header, {}};
  if (a.kind == MsgAtt::Kind::Rfc822Text) s = proto::Section{{}, Text::Text, {}};
  const auto full = section_data(stored, s);
  if (!full) return;
  const std::string& data = *a.data;
  std::string want = *full;
  bool exact = true;
  if (a.origin) {
    if (*a.origin >= full->size()) return;  // "" past the end; anything else there is SEQ-9's prefix check's
    const auto length = asked_length(ctx, c, a);
    want = full->substr(*a.origin, length.value_or(static_cast<std::uint32_t>(full->size())));
    exact = length.has_value();
  }
  const bool ok = exact ? data == want : want.starts_with(data);
  if (ok) return;
  std::string what = section_name(a) + " of " + n(data.size()) + " octets";
  what += exact ? ", but the stored message gives " + n(want.size()) + " octets" : " that the stored message does not start with";
  if (exact && data.size() == want.size()) what += " with other content";
  if (a.origin && exact && data.size() != want.size())
    what += " (RFC 3501 §6.4.5: <o.l> returns at most l octets from octet o)";
  report(ctx, c, uid, index, what);
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The instant a date-time names, in seconds since the epoch: local time minus its zone (RFC 3501 §9 zone).
std::int64_t instant_of(const proto::DateTime& t) {
  const std::int64_t days = days_from_civil(t.date.year, static_cast<unsigned>(t.date.month),
                                            static_cast<unsigned>(t.date.day));
  return ((days * 24 + t.hour) * 60 + t.minute - t.zone_minutes) * 60 + t.second;
}

std::string date_text(const proto::DateTime& t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d %+05d", t.date.year, t.date.month, t.date.day, t.hour,
                t.minute, t.second, t.zone_minutes / 60 * 100 + t.zone_minutes % 60);
  return buf;
}

// INTERNALDATE is the message's internal date: the same instant as the store's (RFC 3501 §2.3.3, §7.4.2).
void check_internal_date(Ctx& ctx, const ClientState& c, std::uint32_t uid, const MsgAtt& a, EventIndex index) {
  if (a.date.date.day == 0 || a.date.date.month < 1 || a.date.date.month > 12) return;  // RFC 2180 §4.1.3 NIL
  const auto info = users_mailbox(ctx, c.user, c.view.mailbox, false);
  if (!info || info->uidvalidity != c.view.uidvalidity) return;  // another mailbox under that name now
  const auto stored = ctx.oracle->model().internal_date(info->name, uid);
  if (!stored || instant_of(*stored) == instant_of(a.date)) return;
  report(ctx, c, uid, index,
         "INTERNALDATE " + date_text(a.date) + " but the message's internal date is " + date_text(*stored) +
             ", another instant (RFC 3501 §2.3.3)");
}

}  // namespace

void check_content(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& fetch,
                   EventIndex index) {
  if (ctx.oracle == nullptr) return;
  const std::string* stored = nullptr;
  bool looked = false;
  for (const MsgAtt& a : fetch.atts) {
    if (a.kind == MsgAtt::Kind::InternalDate) {
      check_internal_date(ctx, c, uid, a, index);
      if (ctx.rep.stopped()) return;
      continue;
    }
    const bool section = a.kind == MsgAtt::Kind::BodySection || a.kind == MsgAtt::Kind::Rfc822Header ||
                         a.kind == MsgAtt::Kind::Rfc822Text;
    if (!section || !a.data || a.data->empty()) continue;  // "" may be an RFC 2180 §4.1.3 placeholder
    if (!looked) {
      stored = ctx.oracle->content(c.view.mailbox, c.view.uidvalidity, uid);
      looked = true;
    }
    if (stored == nullptr) return;  // renamed away or never seen by the oracle: undecidable
    check_data(ctx, c, uid, a, *stored, index);
    if (ctx.rep.stopped()) return;
  }
}

}  // namespace imaplab::sim::detail
