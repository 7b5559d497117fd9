// FETCH data items for one message (RFC 3501 §6.4.5, §7.4.2; RFC 4551 §3.3.2) and RFC 2180 §4.1.3's NIL
// placeholders.
#include "model/fetch.hpp"

#include <algorithm>

#include "model/mime.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

using Kind = proto::FetchAtt::Kind;
using AttKind = proto::MsgAtt::Kind;

proto::MsgAtt value_att(AttKind kind, proto::SValue value) {
  proto::MsgAtt a;
  a.kind = kind;
  a.value = std::move(value);
  return a;
}

proto::MsgAtt data_att(AttKind kind, std::optional<std::string> data) {
  proto::MsgAtt a;
  a.kind = kind;
  a.data = std::move(data);
  return a;
}

proto::Section text_section(proto::Section::Text text) {
  proto::Section s;
  s.text = text;
  return s;
}

// BODY[section]<origin.length>: a partial past the end is "" (RFC 3501 §6.4.5).
proto::MsgAtt section_att(const proto::FetchAtt& att, const std::string& data) {
  proto::MsgAtt a;
  a.kind = AttKind::BodySection;
  a.section = att.section;
  if (att.partial) {
    a.origin = att.partial->origin;
    a.data = att.partial->origin < data.size() ? data.substr(att.partial->origin, att.partial->length) : "";
  } else {
    a.data = data;
  }
  return a;
}

// RFC822.HEADER and RFC822.TEXT: BODY[HEADER] and BODY[TEXT] of the top-level message.
std::string text_of(const MessageContent& c, proto::Section::Text text) {
  return c.section(text_section(text)).value_or("");
}

// Fills `a`, a default MsgAtt already in its vector, so the attribute is never moved (a MsgAtt is ~250 bytes).
void fill_att(proto::MsgAtt& a, const Session& s, std::uint32_t uid, const Message& m, const proto::FetchAtt& att) {
  const MessageContent& c = *m.content;
  switch (att.kind) {
    case Kind::Envelope: a.kind = AttKind::Envelope; a.value = c.envelope(); return;
    case Kind::Flags: a.kind = AttKind::Flags; a.flags = visible_flags(s, uid, m); return;
    case Kind::InternalDate: a.kind = AttKind::InternalDate; a.date = m.internal_date; return;
    case Kind::Rfc822: a.kind = AttKind::Rfc822; a.data = c.bytes(); return;
    case Kind::Rfc822Header: a.kind = AttKind::Rfc822Header; a.data = text_of(c, proto::Section::Text::Header); return;
    case Kind::Rfc822Size: a.kind = AttKind::Rfc822Size; a.number = c.size(); return;
    case Kind::Rfc822Text: a.kind = AttKind::Rfc822Text; a.data = text_of(c, proto::Section::Text::Text); return;
    case Kind::Body: a.kind = AttKind::Body; a.value = c.body_structure(false); return;
    case Kind::BodyStructure: a.kind = AttKind::BodyStructure; a.value = c.body_structure(true); return;
    case Kind::Uid: a.kind = AttKind::Uid; a.number = uid; return;
    case Kind::BodySection: a = section_att(att, c.section(att.section).value_or("")); return;
    case Kind::ModSeq: a.kind = AttKind::ModSeq; a.number = m.modseq; return;
  }
}

proto::SValue nil_envelope() {
  return proto::SValue::lst(std::vector<proto::SValue>(10, proto::SValue::nil()));
}

proto::SValue nil_body() {
  using V = proto::SValue;
  return V::lst({V::str("TEXT"), V::str("PLAIN"), V::nil(), V::nil(), V::nil(), V::str("7BIT"), V::num(0),
                 V::num(0)});
}

proto::MsgAtt one_nil_att(std::uint32_t uid, const proto::FetchAtt& att) {
  switch (att.kind) {
    case Kind::Envelope: return value_att(AttKind::Envelope, nil_envelope());
    case Kind::Flags: return flags_att({});
    case Kind::InternalDate: {
      proto::MsgAtt a;  // RFC 2180 §4.1.3 writes "00-Jan-0000 00:00:00 +0000"
      a.kind = AttKind::InternalDate;
      a.date.date = proto::Date{0, 1, 0};
      return a;
    }
    case Kind::Rfc822: return data_att(AttKind::Rfc822, "");
    case Kind::Rfc822Header: return data_att(AttKind::Rfc822Header, "");
    case Kind::Rfc822Size: return number_att(AttKind::Rfc822Size, 0);
    case Kind::Rfc822Text: return data_att(AttKind::Rfc822Text, "");
    case Kind::Body: return value_att(AttKind::Body, nil_body());
    case Kind::BodyStructure: return value_att(AttKind::BodyStructure, nil_body());
    case Kind::Uid: return number_att(AttKind::Uid, uid);
    case Kind::BodySection: return section_att(att, "");
    case Kind::ModSeq: return number_att(AttKind::ModSeq, 1);
  }
  return flags_att({});
}

}  // namespace

std::vector<proto::FetchAtt> expand_macro(proto::FetchMacro macro) {
  auto att = [](Kind k) {
    proto::FetchAtt a;
    a.kind = k;
    return a;
  };
  std::vector<proto::FetchAtt> out;
  if (macro == proto::FetchMacro::None) return out;
  out = {att(Kind::Flags), att(Kind::InternalDate), att(Kind::Rfc822Size)};
  if (macro == proto::FetchMacro::All || macro == proto::FetchMacro::Full) out.push_back(att(Kind::Envelope));
  if (macro == proto::FetchMacro::Full) out.push_back(att(Kind::Body));
  return out;
}

bool sets_seen(const proto::FetchAtt& att) {
  return (att.kind == Kind::BodySection && !att.peek) || att.kind == Kind::Rfc822 || att.kind == Kind::Rfc822Text;
}

std::vector<proto::MsgAtt> message_atts(const Session& s, std::uint32_t uid, const Message& m,
                                        const std::vector<proto::FetchAtt>& atts) {
  std::vector<proto::MsgAtt> out;
  out.reserve(atts.size());
  if (!m.content) return nil_atts(uid, atts);
  for (const auto& att : atts) fill_att(out.emplace_back(), s, uid, m, att);
  return out;
}

std::vector<proto::MsgAtt> nil_atts(std::uint32_t uid, const std::vector<proto::FetchAtt>& atts) {
  std::vector<proto::MsgAtt> out;
  out.reserve(atts.size());
  for (const auto& att : atts) out.push_back(one_nil_att(uid, att));
  return out;
}

proto::MsgAtt flags_att(std::vector<std::string> flags) {
  proto::MsgAtt a;
  a.kind = AttKind::Flags;
  a.flags = std::move(flags);
  return a;
}

proto::MsgAtt number_att(AttKind kind, std::uint64_t n) {
  proto::MsgAtt a;
  a.kind = kind;
  a.number = n;
  return a;
}

proto::Response fetch_response(std::uint32_t msn, std::vector<proto::MsgAtt> atts) {
  proto::Response r;
  r.body = proto::FetchData{msn, std::move(atts)};
  return r;
}

// ---- Bug zoo: wrong message content (SEQ-9), applied to a finished answer ------------------------------------
namespace {

// The section data as a faulty extractor computes it, or nullopt when the bugs planted do not touch `att`.
std::optional<std::string> planted_section(const BugSet& bugs, const MessageContent& c, const proto::FetchAtt& att) {
  using Text = proto::Section::Text;
  const proto::Section& s = att.section;
  if (att.kind != Kind::BodySection) return std::nullopt;
  // part-with-mime-header: BODY[n] is the part's MIME header and body (BODY[n.MIME] + BODY[n]).
  if (bugs.has(Bug::PartWithMimeHeader) && !s.part.empty() && s.text == Text::None) {
    proto::Section mime = s;
    mime.text = Text::Mime;
    return c.section(mime).value_or("") + c.section(s).value_or("");
  }
  // header-fields-case-sensitive: field names compared as written.
  const bool fields = s.text == Text::HeaderFields || s.text == Text::HeaderFieldsNot;
  if (bugs.has(Bug::HeaderFieldsCaseSensitive) && s.part.empty() && fields) {
    const std::string_view header = c.mime_root().header(c.bytes());
    std::string out;
    HeaderLines lines(header);
    HeaderLine line;
    while (lines.next(line)) {
      const bool named = std::find(s.fields.begin(), s.fields.end(), line.name) != s.fields.end();
      if (named != (s.text == Text::HeaderFieldsNot)) out += line.raw;
    }
    if (header.ends_with("\r\n\r\n") || header == "\r\n") out += "\r\n";
    return out;
  }
  if (bugs.has(Bug::HeaderWithoutBlankLine) && s.part.empty() && s.text == Text::Header) {
    std::string h = c.section(s).value_or("");
    if (h.ends_with("\r\n\r\n")) h.resize(h.size() - 2);
    return h;
  }
  return std::nullopt;
}

}  // namespace

void plant_content_bugs(const BugSet& bugs, const Message& m, const std::vector<proto::FetchAtt>& atts,
                        std::vector<proto::MsgAtt>& answer) {
  if (!m.content || answer.size() != atts.size()) return;
  const MessageContent& c = *m.content;
  for (std::size_t i = 0; i < atts.size(); ++i) {
    const proto::FetchAtt& att = atts[i];
    proto::MsgAtt& a = answer[i];
    if (att.kind == Kind::InternalDate && bugs.has(Bug::InternalDateDropsZone)) a.date.zone_minutes = 0;
    if (att.kind == Kind::Rfc822Text && bugs.has(Bug::Rfc822TextWhole)) a.data = c.bytes();
    if (att.kind == Kind::Rfc822Header && bugs.has(Bug::HeaderWithoutBlankLine) && a.data &&
        a.data->ends_with("\r\n\r\n")) {
      a.data->resize(a.data->size() - 2);
    }
    if (att.kind != Kind::BodySection) continue;
    auto data = planted_section(bugs, c, att);
    const bool whole_tail = att.partial && bugs.has(Bug::PartialIgnoresLength);
    if (!data && !whole_tail) continue;
    if (!data) data = c.section(att.section).value_or("");
    if (!att.partial) {
      a.data = std::move(*data);
    } else if (att.partial->origin >= data->size()) {
      a.data = "";
    } else {
      // partial-ignores-length: everything from octet o to the end.
      a.data = whole_tail ? data->substr(att.partial->origin) : data->substr(att.partial->origin, att.partial->length);
    }
  }
}

}  // namespace imaplab::model
