// SEQ-9's ENVELOPE and BODY/BODYSTRUCTURE half: a FETCH's ENVELOPE, BODY and BODYSTRUCTURE agree with the
// stored message, parsed here independently of model/'s parser (so a bug there is not mirrored). Judged only for
// the simple shapes the workload builds (plain addresses, text parts, one level of multipart); anything else is
// skipped. A message's bytes never change, so no race can explain a difference.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::SValue;

constexpr std::size_t envelope_fields = 10;     // RFC 3501 §9 envelope: date .. message-id
constexpr std::size_t basic_fields = 7;         // body-type-basic: type, subtype, params, id, desc, enc, octets
constexpr std::size_t text_fields = 8;          // body-type-text: basic plus body-fld-lines
constexpr std::size_t octets_field = 6;         // index of body-fld-octets in a single part
constexpr std::size_t lines_field = 7;          // index of body-fld-lines in a text part
constexpr std::size_t parts_max = 64;           // multipart children judged; more and the message is skipped

std::string n(std::uint64_t v) { return std::to_string(v); }

char lower_char(char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); }

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower_char(x) == lower_char(y); });
}

bool is_wsp(char ch) { return ch == ' ' || ch == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_wsp(s.front()) || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// ---- RFC 2822 §2.2 header fields, unfolded ----

struct Field {
  std::string name, value;  // value unfolded (CRLF before WSP removed) and trimmed
};

// The header's fields in order; nullopt when a line is neither a field nor a continuation (not judged then).
std::optional<std::vector<Field>> parse_header(std::string_view header) {
  std::vector<Field> out;
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t eol = header.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = header.size();
    const std::string_view line = header.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) break;
    if (is_wsp(line.front())) {
      if (out.empty()) return std::nullopt;
      out.back().value += line;
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    out.push_back({std::string(trim(line.substr(0, colon))), std::string(line.substr(colon + 1))});
  }
  for (Field& f : out) f.value = std::string(trim(f.value));
  return out;
}

// RFC 3501 §7.4.2 and common practice: the first field of that name.
const Field* field(const std::vector<Field>& fields, std::string_view name) {
  const auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return iequal(f.name, name); });
  return it == fields.end() ? nullptr : &*it;
}

// Messages judged here use CRLF line ends only and hold no NUL (model/ and other servers may treat a bare CR or LF
// as a line end and drop NULs from ENVELOPE strings, RFC 3501 §4.3).
bool plain_lines(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char ch = bytes[i];
    if (ch == '\0') return false;
    if (ch == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n')) return false;
    if (ch == '\n' && (i == 0 || bytes[i - 1] != '\r')) return false;
  }
  return true;
}

// The header and body of a message or part: split at the first empty line (RFC 2822 §2.1).
struct Split {
  std::string_view header, body;
};

std::optional<Split> split(std::string_view bytes) {
  if (bytes.substr(0, 2) == "\r\n") return Split{{}, bytes.substr(2)};
  const std::size_t blank = bytes.find("\r\n\r\n");
  if (blank == std::string_view::npos) return std::nullopt;
  return Split{bytes.substr(0, blank + 2), bytes.substr(blank + 4)};
}

// ---- ENVELOPE (RFC 3501 §7.4.2) ----

struct Address {
  std::optional<std::string> name;
  std::string mailbox, host;
};

// "Name <local@host>", "\"Name\" <local@host>" or "local@host", nothing fancier (no groups, comments, routes).
std::optional<Address> simple_address(std::string_view s) {
  s = trim(s);
  Address a;
  std::string_view spec = s;
  if (const std::size_t lt = s.find('<'); lt != std::string_view::npos) {
    if (s.back() != '>') return std::nullopt;
    std::string_view name = trim(s.substr(0, lt));
    spec = s.substr(lt + 1, s.size() - lt - 2);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (name.find_first_of("\"\\<>()@,;:") != std::string_view::npos) return std::nullopt;
    if (name.empty()) return std::nullopt;  // "<local@host>" alone: a name of "" or NIL, not judged
    a.name = std::string(name);
  }
  const std::size_t at = spec.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == spec.size() || spec.find('@', at + 1) != spec.npos) {
    return std::nullopt;
  }
  if (spec.find_first_of(" \t\"\\<>()[],;:") != std::string_view::npos) return std::nullopt;
  a.mailbox = std::string(spec.substr(0, at));
  a.host = std::string(spec.substr(at + 1));
  return a;
}

std::optional<std::vector<Address>> simple_address_list(std::string_view value) {
  if (value.find_first_of("(:;") != std::string_view::npos) return std::nullopt;
  std::vector<Address> out;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    const std::string_view one = value.substr(pos, comma - pos);
    // A comma inside a quoted name would split it: such lists are not judged.
    if (std::count(one.begin(), one.end(), '"') % 2 != 0) return std::nullopt;
    if (!trim(one).empty()) {
      auto a = simple_address(one);
      if (!a) return std::nullopt;
      out.push_back(std::move(*a));
    }
    pos = comma + 1;
  }
  return out;
}

bool is_string(const SValue& v, std::string_view s) { return v.kind == SValue::Kind::String && trim(v.string) == s; }

// A display name with each run of white space as one space (RFC 2822 §3.2.3 folding white space in a phrase).
std::string collapsed(std::string_view s) {
  std::string out;
  for (char ch : trim(s)) {
    if (is_wsp(ch) && !out.empty() && out.back() == ' ') continue;
    out += is_wsp(ch) ? ' ' : ch;
  }
  return out;
}

bool address_matches(const SValue& v, const Address& a) {
  if (v.kind != SValue::Kind::List || v.list.size() != 4) return false;
  const bool name = a.name ? v.list[0].kind == SValue::Kind::String && collapsed(v.list[0].string) == collapsed(*a.name)
                           : v.list[0].kind == SValue::Kind::Nil;
  return name && v.list[1].kind == SValue::Kind::Nil && is_string(v.list[2], a.mailbox) &&
         v.list[3].kind == SValue::Kind::String && iequal(v.list[3].string, a.host);
}

// The reason an envelope string member differs from the header field, or "" when it agrees.
std::string string_member(const SValue& v, const Field* f, const char* what) {
  if (f == nullptr) {
    return v.kind == SValue::Kind::Nil ? "" : std::string(what) + " is not NIL though the header has no " + what;
  }
  if (f->value.empty() && v.kind == SValue::Kind::Nil) return "";  // an empty field: "" or NIL
  return is_string(v, f->value) ? "" : std::string(what) + " is not the header's \"" + f->value + "\"";
}

// Likewise for an address list member; a field this parser does not understand is not judged.
std::string address_member(const SValue& v, const Field* f, const char* what) {
  if (f == nullptr) {
    return v.kind == SValue::Kind::Nil ? "" : std::string(what) + " is not NIL though the header has no " + what;
  }
  const auto list = simple_address_list(f->value);
  if (!list) return "";
  if (list->empty()) return v.kind == SValue::Kind::Nil ? "" : std::string(what) + " is not NIL for an empty field";
  const bool same = v.kind == SValue::Kind::List && v.list.size() == list->size() &&
                    std::equal(v.list.begin(), v.list.end(), list->begin(), address_matches);
  return same ? "" : std::string(what) + " does not hold the addresses of the header's \"" + f->value + "\"";
}

bool all_nil(const SValue& v) {
  return std::all_of(v.list.begin(), v.list.end(), [](const SValue& m) { return m.kind == SValue::Kind::Nil; });
}

// The first disagreement of an ENVELOPE with the stored header, or "".
std::string envelope_error(const SValue& env, const std::vector<Field>& h) {
  if (env.kind != SValue::Kind::List || env.list.size() != envelope_fields) return "an ENVELOPE without 10 members";
  // RFC 2180 §4.1.3's placeholder for a message expunged meanwhile.
  if (all_nil(env)) return "";
  const auto& m = env.list;
  std::string why = string_member(m[0], field(h, "Date"), "date");
  if (why.empty()) why = string_member(m[1], field(h, "Subject"), "subject");
  if (why.empty()) why = address_member(m[2], field(h, "From"), "from");
  // RFC 3501 §7.4.2: absent or empty Sender and Reply-To take the value of the from member.
  for (const auto& [index, name] : {std::pair<std::size_t, const char*>{3, "Sender"}, {4, "Reply-To"}}) {
    if (!why.empty()) break;
    const Field* f = field(h, name);
    if (f != nullptr && !f->value.empty()) {
      why = address_member(m[index], f, name);
    } else if (!(m[index] == m[2])) {
      why = std::string(name) + " is absent or empty in the header, yet the envelope's member is not the from member";
    }
  }
  if (why.empty()) why = address_member(m[5], field(h, "To"), "to");
  if (why.empty()) why = address_member(m[6], field(h, "Cc"), "cc");
  if (why.empty()) why = address_member(m[7], field(h, "Bcc"), "bcc");
  if (why.empty()) why = string_member(m[8], field(h, "In-Reply-To"), "in-reply-to");
  if (why.empty()) why = string_member(m[9], field(h, "Message-ID"), "message-id");
  return why;
}

// ---- BODY and BODYSTRUCTURE sizes (RFC 3501 §7.4.2, §9) ----

struct MediaType {
  std::string type, subtype, boundary;
};

// "type/subtype; name=value; name=\"value\"", or text/plain when absent (RFC 2045 §5.2).
std::optional<MediaType> media_type(const Field* f) {
  if (f == nullptr) return MediaType{"text", "plain", ""};
  std::string_view v = f->value;
  const std::size_t semi = std::min(v.find(';'), v.size());
  const std::string_view ts = trim(v.substr(0, semi));
  const std::size_t slash = ts.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  MediaType m{std::string(trim(ts.substr(0, slash))), std::string(trim(ts.substr(slash + 1))), ""};
  for (char& ch : m.type) ch = lower_char(ch);
  std::size_t pos = semi;
  while (pos < v.size()) {
    const std::size_t next = std::min(v.find(';', pos + 1), v.size());
    const std::string_view param = trim(v.substr(pos + 1, next - pos - 1));
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && iequal(trim(param.substr(0, eq)), "boundary")) {
      std::string_view b = trim(param.substr(eq + 1));
      if (b.size() >= 2 && b.front() == '"' && b.back() == '"') b = b.substr(1, b.size() - 2);
      m.boundary = std::string(b);
    }
    pos = next;
  }
  return m;
}

// A text leaf: its body's size in octets and its line count; a body whose last line lacks its line break may be
// counted either way (RFC 3501 leaves it open), so `lines_alt` is then one more.
struct Leaf {
  std::uint64_t octets = 0, lines = 0, lines_alt = 0;
};

Leaf leaf_of(std::string_view body) {
  Leaf l;
  l.octets = body.size();
  l.lines = static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n'));
  l.lines_alt = l.lines + (!body.empty() && body.back() != '\n' ? 1 : 0);
  return l;
}

// The shapes judged: a text message (one leaf, `multipart` false) or a multipart whose children are all text.
struct Shape {
  bool multipart = false;
  std::vector<Leaf> leaves;
};

// Parts of a multipart body by RFC 2046 §5.1.1: each delimiter "--boundary" begins the body or follows a CRLF
// (which belongs to the delimiter); the close delimiter "--boundary--" must be there.
std::optional<std::vector<std::string_view>> multipart_parts(std::string_view body, const std::string& boundary) {
  if (boundary.empty()) return std::nullopt;
  const std::string dash = "--" + boundary;
  std::vector<std::string_view> parts;
  std::optional<std::size_t> start;
  std::size_t pos = 0;
  while (true) {
    const std::size_t p = body.find(dash, pos);
    if (p == std::string_view::npos) return std::nullopt;  // no close delimiter: cut short, not judged
    pos = p + dash.size();
    if (p != 0 && (p < 2 || body.substr(p - 2, 2) != "\r\n")) continue;
    const std::string_view after = body.substr(pos, 2);
    if (after != "--" && after != "\r\n") continue;
    if (start) {
      if (p < *start + 2 && p != *start) return std::nullopt;
      parts.push_back(p == *start ? std::string_view{} : body.substr(*start, p - 2 - *start));
      if (parts.size() > parts_max) return std::nullopt;
    }
    if (after == "--") return parts;
    start = pos + 2;
  }
}

std::optional<Shape> shape_of(std::string_view bytes) {
  const auto top = split(bytes);
  if (!top) return std::nullopt;
  const auto fields = parse_header(top->header);
  if (!fields) return std::nullopt;
  const auto type = media_type(field(*fields, "Content-Type"));
  if (!type) return std::nullopt;
  Shape s;
  if (type->type == "text") {
    s.leaves.push_back(leaf_of(top->body));
    return s;
  }
  if (type->type != "multipart" || iequal(type->subtype, "digest")) return std::nullopt;
  const auto parts = multipart_parts(top->body, type->boundary);
  if (!parts || parts->empty()) return std::nullopt;
  s.multipart = true;
  for (std::string_view part : *parts) {
    const auto p = split(part);
    const auto pf = p ? parse_header(p->header) : std::nullopt;
    const auto pt = pf ? media_type(field(*pf, "Content-Type")) : std::nullopt;
    if (!pt || pt->type != "text") return std::nullopt;
    s.leaves.push_back(leaf_of(p->body));
  }
  return s;
}

// The first disagreement of one reported text part with its stored leaf, or "".
std::string part_error(const SValue& part, const Leaf& leaf, bool extensible, const std::string& which) {
  if (part.kind != SValue::Kind::List || part.list.size() < text_fields) return "";
  const auto& m = part.list;
  if (m[0].kind != SValue::Kind::String || !iequal(m[0].string, "TEXT")) return "";
  if (m[octets_field].kind != SValue::Kind::Number || m[lines_field].kind != SValue::Kind::Number) return "";
  if (m[octets_field].number != leaf.octets) {
    return which + " has body-fld-octets " + n(m[octets_field].number) + " but the stored body has " +
           n(leaf.octets) + " octets";
  }
  const std::uint64_t lines = m[lines_field].number;
  if (lines != leaf.lines && lines != leaf.lines_alt) {
    return which + " has body-fld-lines " + n(lines) + " but the stored body has " + n(leaf.lines_alt) + " lines";
  }
  if (!extensible && m.size() != text_fields) {
    return which + " has " + n(m.size()) + " fields; BODY is BODYSTRUCTURE without extension data (" +
           n(text_fields) + " for a text part)";
  }
  return "";
}

bool placeholder(const SValue& v) {
  return v.kind == SValue::Kind::List && v.list.size() > basic_fields && v.list[octets_field].kind == SValue::Kind::Number &&
         v.list[octets_field].number == 0 && v.list[lines_field].kind == SValue::Kind::Number &&
         v.list[lines_field].number == 0;
}

std::string structure_error(const SValue& v, const Shape& s, bool extensible) {
  const char* what = extensible ? "BODYSTRUCTURE" : "BODY";
  if (v.kind != SValue::Kind::List || v.list.empty()) return "";
  const bool reported_multi = v.list.front().kind == SValue::Kind::List;
  if (reported_multi != s.multipart) return "";  // a type disagreement is not this rule's to judge
  if (!s.multipart) {
    if (placeholder(v) && s.leaves[0].octets != 0) return "";  // RFC 2180 §4.1.3 placeholder
    return part_error(v, s.leaves[0], extensible, what);
  }
  std::size_t children = 0;
  while (children < v.list.size() && v.list[children].kind == SValue::Kind::List) ++children;
  if (children != s.leaves.size()) return "";
  for (std::size_t i = 0; i < children; ++i) {
    std::string why = part_error(v.list[i], s.leaves[i], extensible, std::string(what) + " part " + n(i + 1));
    if (!why.empty()) return why;
  }
  // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]: BODY stops at the subtype.
  if (!extensible && v.list.size() != children + 1) {
    return "the multipart of BODY has " + n(v.list.size() - children - 1) + " values after its subtype; BODY is "
           "BODYSTRUCTURE without extension data (body-ext-mpart)";
  }
  return "";
}

void report_structure(Ctx& ctx, const ClientState& c, std::uint32_t uid, EventIndex index, const std::string& why) {
  ctx.rep.report("SEQ-9", {index}, {c.view.selected_at},
                 "the FETCH for UID " + n(uid) + " of \"" + c.view.mailbox + "\": " + why +
                     " (RFC 3501 §7.4.2 ENVELOPE, BODY, BODYSTRUCTURE).");
}

}  // namespace

void structure_fetch(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& fetch,
                     EventIndex index) {
  if (ctx.oracle == nullptr) return;
  using K = proto::MsgAtt::Kind;
  const bool wanted = std::any_of(fetch.atts.begin(), fetch.atts.end(), [](const proto::MsgAtt& a) {
    return a.kind == K::Envelope || a.kind == K::Body || a.kind == K::BodyStructure;
  });
  if (!wanted) return;
  const std::string* stored = ctx.oracle->content(c.view.mailbox, c.view.uidvalidity, uid);
  if (stored == nullptr) return;  // renamed away or never seen by the oracle: undecidable
  if (!plain_lines(*stored)) return;
  std::optional<Shape> shape;
  bool shaped = false;
  for (const auto& a : fetch.atts) {
    std::string why;
    if (a.kind == K::Envelope) {
      const auto top = split(*stored);
      const auto fields = top ? parse_header(top->header) : std::nullopt;
      if (fields) why = envelope_error(a.value, *fields);
    } else if (a.kind == K::Body || a.kind == K::BodyStructure) {
      if (!shaped) {
        shape = shape_of(*stored);
        shaped = true;
      }
      if (shape) why = structure_error(a.value, *shape, a.kind == K::BodyStructure);
    }
    if (!why.empty()) return report_structure(ctx, c, uid, index, why);
  }
}

}  // namespace imaplab::sim::detail
