// MessageContent: what IMAP computes from a message's bytes (RFC 3501 §6.4.5, §7.4.2). The MIME tree is
// built once at construction; ENVELOPE, BODYSTRUCTURE and sections are computed on demand from it.
//
// Case conventions (RFC 3501 leaves them open; these match the §7.4.2 example and common servers): body
// type and subtype, parameter names, the disposition type and the transfer encoding are upper-cased
// ("TEXT" "PLAIN" ("CHARSET" "utf-8") ... "QUOTED-PRINTABLE"); parameter values, ids, descriptions, languages,
// locations and every ENVELOPE string are as written. A text part without a charset parameter is reported
// with ("CHARSET" "US-ASCII"), the RFC 2046 §4.1.2 default. NUL bytes, which no IMAP string can carry
// (RFC 3501 §4.3), are dropped from ENVELOPE and BODYSTRUCTURE strings; sections return the raw bytes.
#include "model/message.hpp"

#include <algorithm>
#include <limits>

#include "model/mime.hpp"
#include "model/rfc2822.hpp"

namespace imaplab::model {
namespace {

using proto::SValue;

// MimePart offsets are 32-bit; bytes past this are kept and returned by BODY[] but not parsed as MIME.
constexpr std::size_t parsed_bytes_max = std::numeric_limits<std::uint32_t>::max();
// Content-Language tags reported; later ones are dropped (a list must stay inside
// proto::limits::list_items_max).
constexpr std::size_t languages_max = 64;

std::string clean(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '\0'), s.end());
  return s;
}
SValue text(const std::optional<std::string>& s) { return s ? SValue::str(clean(*s)) : SValue::nil(); }

SValue address(const Address& a) {
  return SValue::lst({text(a.name), text(a.adl), text(a.mailbox), text(a.host)});
}

// An address list, or NIL when the field is absent or holds no address (RFC 3501 §7.4.2).
SValue addresses(const std::optional<std::string>& field) {
  if (!field) return SValue::nil();
  const std::vector<Address> list = parse_address_list(*field);
  if (list.empty()) return SValue::nil();
  std::vector<SValue> out;
  out.reserve(list.size());
  for (const auto& a : list) out.push_back(address(a));
  return SValue::lst(std::move(out));
}

SValue envelope_of(std::string_view header) {
  const auto field = [&](std::string_view name) { return find_field(header, name); };
  SValue from = addresses(field("From"));
  SValue sender = addresses(field("Sender"));
  SValue reply_to = addresses(field("Reply-To"));
  // RFC 3501 §7.4.2: absent or empty Sender and Reply-To take the value of From.
  if (sender.kind == SValue::Kind::Nil) sender = from;
  if (reply_to.kind == SValue::Kind::Nil) reply_to = from;
  return SValue::lst({text(field("Date")), text(field("Subject")), std::move(from), std::move(sender),
                      std::move(reply_to), addresses(field("To")), addresses(field("Cc")), addresses(field("Bcc")),
                      text(field("In-Reply-To")), text(field("Message-ID"))});
}

// The MIME header fields BODYSTRUCTURE reports, first occurrence of each, unfolded.
struct MimeFields {
  std::optional<std::string> type, id, description, encoding, md5, disposition, language, location;
};

MimeFields mime_fields(std::string_view header) {
  MimeFields f;
  const std::pair<std::string_view, std::optional<std::string>*> wanted[] = {
      {"Content-Type", &f.type},         {"Content-ID", &f.id},
      {"Content-Description", &f.description}, {"Content-Transfer-Encoding", &f.encoding},
      {"Content-MD5", &f.md5},           {"Content-Disposition", &f.disposition},
      {"Content-Language", &f.language}, {"Content-Location", &f.location},
  };
  HeaderLines lines(header);
  HeaderLine line;
  while (lines.next(line)) {
    for (const auto& [name, slot] : wanted) {
      if (!*slot && iequals(line.name, name)) *slot = unfold(line.value);
    }
  }
  return f;
}

SValue params(const std::vector<MimeParam>& list) {
  if (list.empty()) return SValue::nil();
  std::vector<SValue> out;
  for (const auto& p : list) {
    out.push_back(SValue::str(clean(upper(p.name))));
    out.push_back(SValue::str(clean(p.value)));
  }
  return SValue::lst(std::move(out));
}

// body-fld-dsp: ("ATTACHMENT" ("FILENAME" "x")) or NIL (RFC 3501 §9, RFC 2183).
SValue disposition(const std::optional<std::string>& field) {
  const auto v = field ? parse_token_with_params(*field) : std::nullopt;
  if (!v) return SValue::nil();
  return SValue::lst({SValue::str(clean(upper(v->type))), params(v->params)});
}

// body-fld-lang: one tag as a string, several as a list (RFC 3066 tags separated by commas).
SValue language(const std::optional<std::string>& field) {
  if (!field) return SValue::nil();
  std::vector<SValue> tags;
  std::size_t i = 0;
  const std::string& s = *field;
  while (i < s.size() && tags.size() < languages_max) {
    const std::size_t end = std::min(s.find(',', i), s.size());
    const std::string tag = unfold(std::string_view(s).substr(i, end - i));
    if (!tag.empty()) tags.push_back(SValue::str(clean(tag)));
    i = end + 1;
  }
  if (tags.empty()) return SValue::nil();
  if (tags.size() == 1) return std::move(tags[0]);
  return SValue::lst(std::move(tags));
}

struct MediaType {
  std::string type, subtype;
  std::vector<MimeParam> params;
};

// The type BODYSTRUCTURE reports for a single part: the declared one, or the default the parser chose.
MediaType media_type(const MimePart& p, const std::optional<std::string>& field) {
  auto declared = field ? parse_content_type(*field) : std::nullopt;
  MediaType m{"TEXT", "PLAIN", {}};
  if (p.kind == PartKind::Opaque) {
    m = {"APPLICATION", "OCTET-STREAM", {}};
  } else if (p.kind == PartKind::Message) {
    m = {"MESSAGE", "RFC822", declared ? std::move(declared->params) : std::vector<MimeParam>{}};
  } else if (p.kind == PartKind::Leaf && declared) {
    m = {upper(declared->type), upper(declared->subtype), std::move(declared->params)};
  }
  if (m.type == "TEXT" && find_param(m.params, "charset") == nullptr) m.params.push_back({"CHARSET", "US-ASCII"});
  return m;
}

SValue structure(std::string_view bytes, const MimePart& p, bool extensible);

// body-type-1part (RFC 3501 §9): type, subtype, fields, then per type envelope/body/lines, then extension.
SValue single_part(std::string_view bytes, const MimePart& p, bool extensible) {
  const MimeFields f = mime_fields(p.header(bytes));
  MediaType m = media_type(p, f.type);
  const std::string_view body = p.body(bytes);
  std::vector<SValue> out = {
      SValue::str(clean(m.type)), SValue::str(clean(m.subtype)), params(m.params), text(f.id), text(f.description),
      SValue::str(clean(f.encoding ? upper(*f.encoding) : "7BIT")), SValue::num(body.size())};
  if (p.kind == PartKind::Message) {
    const MimePart& inner = p.children.front();
    out.push_back(envelope_of(inner.header(bytes)));
    out.push_back(structure(bytes, inner, extensible));
  }
  if (m.type == "TEXT" || p.kind == PartKind::Message) out.push_back(SValue::num(count_lines(body)));
  if (extensible) {
    out.push_back(text(f.md5));
    out.push_back(disposition(f.disposition));
    out.push_back(language(f.language));
    out.push_back(text(f.location));
  }
  return SValue::lst(std::move(out));
}

// body-type-mpart: the parts, the subtype, then params, disposition, language and location.
SValue multipart(std::string_view bytes, const MimePart& p, bool extensible) {
  std::vector<SValue> out;
  out.reserve(p.children.size() + 5);
  for (const auto& child : p.children) out.push_back(structure(bytes, child, extensible));
  const MimeFields f = mime_fields(p.header(bytes));
  auto declared = f.type ? parse_content_type(*f.type) : std::nullopt;
  out.push_back(SValue::str(declared ? clean(upper(declared->subtype)) : "MIXED"));
  if (extensible) {
    out.push_back(params(declared ? declared->params : std::vector<MimeParam>{}));
    out.push_back(disposition(f.disposition));
    out.push_back(language(f.language));
    out.push_back(text(f.location));
  }
  return SValue::lst(std::move(out));
}

SValue structure(std::string_view bytes, const MimePart& p, bool extensible) {
  return p.kind == PartKind::Multipart ? multipart(bytes, p, extensible) : single_part(bytes, p, extensible);
}

bool ends_with_blank_line(std::string_view header) {
  return header == "\n" || header == "\r\n" || header.ends_with("\n\n") || header.ends_with("\n\r\n");
}

// HEADER.FIELDS and HEADER.FIELDS.NOT: the chosen lines as written, then the blank line, which RFC 3501
// §6.4.5 always includes "except in the case of a message which has no body and no blank line".
std::string header_fields(std::string_view header, const std::vector<std::string>& fields, bool exclude) {
  std::string out;
  HeaderLines lines(header);
  HeaderLine line;
  while (lines.next(line)) {
    const bool named = std::any_of(fields.begin(), fields.end(),
                                   [&](const std::string& f) { return !line.name.empty() && iequals(line.name, f); });
    if (named != exclude) out += line.raw;
  }
  if (ends_with_blank_line(header)) out += "\r\n";
  return out;
}

// A section-text applied to a message (the top level, or the message inside a message/rfc822 part).
std::optional<std::string> message_text(std::string_view bytes, const MimePart& m, const proto::Section& s) {
  using Text = proto::Section::Text;
  switch (s.text) {
    case Text::None: return std::string(m.whole(bytes));
    case Text::Header: return std::string(m.header(bytes));
    case Text::HeaderFields: return header_fields(m.header(bytes), s.fields, false);
    case Text::HeaderFieldsNot: return header_fields(m.header(bytes), s.fields, true);
    case Text::Text: return std::string(m.body(bytes));
    case Text::Mime: return std::nullopt;  // MIME needs a part number (RFC 3501 §6.4.5)
  }
  return std::nullopt;
}

// One step along a part number (RFC 3501 §6.4.5). `in_message` says `node` is a message (top level or
// encapsulated) rather than a body part: a multipart message's part n is its n-th part, a non-multipart
// message's only part is 1, and numbers below a message/rfc822 part refer to the encapsulated message.
bool step(const MimePart*& node, bool& in_message, std::uint32_t n) {
  if (n == 0) return false;
  if (node->kind == PartKind::Multipart) {
    if (n > node->children.size()) return false;
    node = &node->children[n - 1];
    in_message = false;
    return true;
  }
  if (in_message) {
    in_message = false;
    return n == 1;
  }
  if (node->kind != PartKind::Message) return false;
  node = &node->children.front();
  in_message = true;
  return step(node, in_message, n);  // at most one more level: node is now a message
}

}  // namespace

struct MessageContent::Computed {
  std::optional<proto::SValue> envelope, body, body_structure;
};

MessageContent::MessageContent(std::string bytes)
    : bytes_(std::move(bytes)),
      root_(std::make_unique<MimePart>(parse_message(std::string_view(bytes_).substr(0, parsed_bytes_max)))) {}

MessageContent::~MessageContent() = default;

const proto::SValue& MessageContent::envelope() const {
  if (!computed_) computed_ = std::make_unique<Computed>();
  if (!computed_->envelope) computed_->envelope = envelope_of(root_->header(bytes_));
  return *computed_->envelope;
}

const proto::SValue& MessageContent::body_structure(bool extensible) const {
  if (!computed_) computed_ = std::make_unique<Computed>();
  std::optional<proto::SValue>& kept = extensible ? computed_->body_structure : computed_->body;
  if (!kept) kept = structure(bytes_, *root_, extensible);
  return *kept;
}

std::optional<std::string> MessageContent::section(const proto::Section& s) const {
  const MimePart* node = root_.get();
  bool in_message = true;
  for (const std::uint32_t n : s.part) {
    if (!step(node, in_message, n)) return std::nullopt;
  }
  if (s.part.empty()) return message_text(bytes_, *node, s);
  switch (s.text) {
    case proto::Section::Text::None: return std::string(node->body(bytes_));
    case proto::Section::Text::Mime: return std::string(node->header(bytes_));
    default:
      // HEADER, HEADER.FIELDS (NOT) and TEXT after a part number need a message/rfc822 part.
      if (node->kind != PartKind::Message) return std::nullopt;
      return message_text(bytes_, node->children.front(), s);
  }
}

std::optional<std::string> MessageContent::header(std::string_view field) const {
  return find_field(root_->header(bytes_), field);
}

std::optional<proto::Date> MessageContent::sent_date() const {
  const auto date = header("Date");
  return date ? parse_date(*date) : std::nullopt;
}

const MimePart& MessageContent::mime_root() const { return *root_; }

std::string_view partial_of(std::string_view data, const proto::Partial& partial) {
  if (partial.origin >= data.size()) return {};
  return data.substr(partial.origin, partial.length);
}

}  // namespace imaplab::model
