// The incremental response parser: the framer collects one response (literals read in place), then a
// recursive-descent reader turns it into a Response (RFC 3501 §7 and §9, and the extensions of response.hpp).
#include "proto/response_parser.hpp"

#include <iterator>
#include <utility>

#include "proto/lexer.hpp"
#include "proto/limits.hpp"

namespace imaplab::proto {
namespace {

using detail::iequals;
using detail::Lexer;
using detail::Nest;
using detail::paren_list;
using detail::status_item;
using detail::to_upper;

// Recursive descent over one complete response.
class ResponseReader {
 public:
  // `stack` and `atts` are scratch space kept by the parser across responses; whatever they hold is dropped.
  ResponseReader(std::string_view message, std::vector<SValue>& stack, std::vector<MsgAtt>& atts)
      : lx_(message), stack_(stack), atts_(atts) {
    stack_.clear();
    atts_.clear();
  }

  Response read() {
    Response r;
    if (lx_.try_char('+')) {
      // continue-req = "+" SP (resp-text / base64) CRLF; a bare "+" is accepted too.
      r.untagged = false;
      ContinuationData c;
      if (lx_.try_sp()) c.text = std::string(lx_.text_to_line_end());
      r.body = std::move(c);
    } else if (lx_.try_char('*')) {
      lx_.sp();
      r.body = untagged();
    } else {
      r.untagged = false;
      r.tag = lx_.tag("expected tag, '*' or '+' (RFC 3501 §9 response)");
      tag_ = r.tag;
      lx_.sp();
      const auto cond = condition(lx_.atom());
      if (!cond || *cond == Condition::Bye || *cond == Condition::Preauth)
        lx_.fail("expected OK, NO or BAD after a tag (RFC 3501 §7.1)");
      r.body = status_response(*cond);
    }
    lx_.end_of_message();
    return r;
  }

  const std::optional<std::string>& tag() const { return tag_; }

 private:

  static std::optional<Condition> condition(std::string_view w) {
    if (iequals(w, "OK")) return Condition::Ok;
    if (iequals(w, "NO")) return Condition::No;
    if (iequals(w, "BAD")) return Condition::Bad;
    if (iequals(w, "BYE")) return Condition::Bye;
    if (iequals(w, "PREAUTH")) return Condition::Preauth;
    return std::nullopt;
  }

  ResponseBody untagged() {
    const char c = lx_.peek();
    if (c >= '0' && c <= '9') return message_data();
    const std::string_view w = lx_.atom();
    if (auto cond = condition(w)) return status_response(*cond);
    if (iequals(w, "FLAGS")) {
      lx_.sp();
      return AtomsData{AtomsData::Kind::Flags, lx_.flag_list()};
    }
    if (iequals(w, "LIST")) return list_data(false);
    if (iequals(w, "LSUB")) return list_data(true);
    if (iequals(w, "STATUS")) return status_data();
    if (iequals(w, "SEARCH")) return search_data();
    if (iequals(w, "CAPABILITY")) return atoms(AtomsData::Kind::Capability, true);
    if (iequals(w, "ENABLED")) return atoms(AtomsData::Kind::Enabled, false);
    if (iequals(w, "VANISHED")) return vanished();
    if (iequals(w, "ACL")) return acl();
    if (iequals(w, "LISTRIGHTS")) return list_rights();
    if (iequals(w, "MYRIGHTS")) return my_rights();
    if (iequals(w, "NAMESPACE")) return namespace_data();
    lx_.fail("unknown untagged response (RFC 3501 §7)");
  }

  // resp-text = ["[" resp-text-code "]" SP] text (RFC 3501 §9); a missing text is accepted.
  StatusResponse status_response(Condition cond) {
    StatusResponse s;
    s.condition = cond;
    if (!lx_.try_sp()) return s;
    if (lx_.peek() == '[') {
      s.code = response_code();
      if (!lx_.try_sp()) return s;
    }
    s.text = std::string(lx_.text_to_line_end());
    return s;
  }

  // resp-text-code (RFC 3501 §7.1, RFC 4315 §3, RFC 4551 §3.1.2/§3.2, RFC 5465 §5.9/§8, RFC 5530 §3).
  ResponseCode response_code() {
    lx_.expect('[', "'[' of resp-text-code");
    ResponseCode code;
    code.name = to_upper(lx_.atom());
    const std::string& n = code.name;
    if (n == "UIDNEXT" || n == "UIDVALIDITY" || n == "UNSEEN" || n == "HIGHESTMODSEQ") {
      lx_.sp();
      code.number = lx_.number64();
    } else if (n == "APPENDUID" || n == "COPYUID") {
      lx_.sp();
      code.number = lx_.number64();
      lx_.sp();
      code.set1 = lx_.sequence_set();
      if (n == "COPYUID") {
        lx_.sp();
        code.set2 = lx_.sequence_set();
      }
    } else if (n == "MODIFIED") {
      lx_.sp();
      code.set1 = lx_.sequence_set();
    } else if (n == "PERMANENTFLAGS") {
      lx_.sp();
      code.list = lx_.flag_list(true);
    } else if (n == "CAPABILITY") {
      while (lx_.try_sp()) push_item(code.list, std::string(lx_.atom()));
      if (code.list.empty()) lx_.fail("CAPABILITY needs at least one capability (RFC 3501 §9)");
    } else if (n == "BADCHARSET") {
      if (lx_.try_sp()) paren_list(lx_, false, [&] { code.list.push_back(lx_.astring()); });
    } else if (n == "NEWNAME") {
      lx_.sp();
      code.list.push_back(lx_.mailbox(true));
      lx_.sp();
      code.list.push_back(lx_.mailbox(true));
    } else if (n == "BADEVENT") {
      lx_.sp();
      paren_list(lx_, false, [&] { code.list.emplace_back(lx_.atom()); });
    } else if (lx_.try_sp()) {
      // ALERT, PARSE, TRYCREATE, the RFC 5530 atoms, and unknown codes: keep any text as written.
      code.text = std::string(lx_.until_any("]"));
    }
    lx_.expect(']', "']' of resp-text-code");
    return code;
  }

  void push_item(std::vector<std::string>& list, std::string item) {
    if (list.size() >= limits::list_items_max) lx_.fail("more than limits::list_items_max items in a list");
    list.push_back(std::move(item));
  }

  AtomsData atoms(AtomsData::Kind kind, bool at_least_one) {
    AtomsData a;
    a.kind = kind;
    while (lx_.try_sp()) {
      if (lx_.at_line_end()) break;  // a trailing space, as some servers send
      push_item(a.atoms, std::string(lx_.atom()));
    }
    if (at_least_one && a.atoms.empty()) lx_.fail("expected a capability (RFC 3501 §7.2.1)");
    return a;
  }

  // nz-number SP ("EXISTS" / "RECENT" / "EXPUNGE" / "FETCH" SP msg-att) (RFC 3501 §7.3, §7.4).
  ResponseBody message_data() {
    const std::uint32_t number = lx_.number();
    lx_.sp();
    const std::string_view w = lx_.atom();
    if (iequals(w, "EXISTS")) return NumberData{NumberData::Kind::Exists, number};
    if (iequals(w, "RECENT")) return NumberData{NumberData::Kind::Recent, number};
    if (number == 0) lx_.fail("message sequence number 0 (RFC 3501 §2.3.1.2)");
    if (iequals(w, "EXPUNGE")) return NumberData{NumberData::Kind::Expunge, number};
    if (!iequals(w, "FETCH")) lx_.fail("expected EXISTS, RECENT, EXPUNGE or FETCH (RFC 3501 §7.3-7.4)");
    FetchData f;
    f.number = number;
    lx_.sp();
    // The attributes collect in the reused scratch vector and then move to one allocation of their exact
    // count: a FETCH response is kept as long as the checkers' log, so its size is paid for all run long.
    paren_list(lx_, false, [&] { msg_att(atts_.emplace_back()); });
    f.atts.assign(std::make_move_iterator(atts_.begin()), std::make_move_iterator(atts_.end()));
    atts_.clear();
    return f;
  }

  // Fills `a`, a default MsgAtt, in place.
  void msg_att(MsgAtt& a) {
    using MK = MsgAtt::Kind;
    const std::string_view w = lx_.word();
    if (iequals(w, "BODY") && lx_.peek() == '[') {
      a.kind = MK::BodySection;
      a.section = lx_.section();
      if (lx_.try_char('<')) {
        a.origin = lx_.number();
        lx_.expect('>', "'>' of origin");
      }
      lx_.sp();
      a.data = lx_.nstring();
      return;
    }
    lx_.sp();
    if (iequals(w, "FLAGS")) {
      a.kind = MK::Flags;
      a.flags = lx_.flag_list();
    } else if (iequals(w, "UID")) {
      a.kind = MK::Uid;
      a.number = lx_.nz_number();
    } else if (iequals(w, "MODSEQ")) {
      a.kind = MK::ModSeq;
      lx_.expect('(', "'(' of MODSEQ (RFC 4551 §3.3.2)");
      a.number = lx_.number64();
      lx_.expect(')', "')' of MODSEQ (RFC 4551 §3.3.2)");
    } else if (iequals(w, "INTERNALDATE")) {
      a.kind = MK::InternalDate;
      a.date = lx_.date_time();
    } else if (iequals(w, "RFC822.SIZE")) {
      a.kind = MK::Rfc822Size;
      a.number = lx_.number64();
    } else if (iequals(w, "ENVELOPE") || iequals(w, "BODY") || iequals(w, "BODYSTRUCTURE")) {
      a.kind = iequals(w, "ENVELOPE") ? MK::Envelope : iequals(w, "BODY") ? MK::Body : MK::BodyStructure;
      if (lx_.peek() != '(') lx_.fail("expected '(' of ENVELOPE or body (RFC 3501 §9)");
      a.value = svalue();
    } else if (iequals(w, "RFC822") || iequals(w, "RFC822.HEADER") || iequals(w, "RFC822.TEXT")) {
      a.kind = iequals(w, "RFC822") ? MK::Rfc822 : iequals(w, "RFC822.HEADER") ? MK::Rfc822Header : MK::Rfc822Text;
      a.data = lx_.nstring();
    } else {
      lx_.fail("unknown msg-att (RFC 3501 §7.4.2)");
    }
  }

  // A generic value: NIL, number, string or parenthesized list. Lists in BODYSTRUCTURE may follow each
  // other without SP (body-type-mpart = 1*body SP media-subtype), so the separator is optional before "(".
  SValue svalue() {
    const char c = lx_.peek();
    if (c == '(') {
      Nest nest(lx_);
      lx_.expect('(', "'('");
      // Items collect on the shared stack_ (nested lists above them), so each list is allocated once at its
      // final size instead of growing item by item.
      const std::size_t base = stack_.size();
      while (!lx_.try_char(')')) {
        const std::size_t items = stack_.size() - base;
        if (items != 0 && !lx_.try_sp() && lx_.peek() != '(') lx_.fail("expected SP in list");
        if (items >= limits::list_items_max) lx_.fail("more than limits::list_items_max list items");
        if (lx_.peek() == '(') {
          SValue item = svalue();
          stack_.push_back(std::move(item));
        } else {
          scalar(stack_.emplace_back());  // filled in place; no nested list can touch stack_ meanwhile
        }
      }
      SValue v;
      v.kind = SValue::Kind::List;
      v.list.assign(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(base)),
                    std::make_move_iterator(stack_.end()));
      stack_.resize(base);
      return v;
    }
    SValue v;
    scalar(v);
    return v;
  }

  // NIL, number or string into `v`, which is a default (NIL) SValue.
  void scalar(SValue& v) {
    const char c = lx_.peek();
    if (c == '"' || c == '{') {
      v.kind = SValue::Kind::String;
      v.string = lx_.string();
      return;
    }
    if (c >= '0' && c <= '9') {
      v.kind = SValue::Kind::Number;
      v.number = lx_.number64();
      return;
    }
    if (lx_.try_nil()) return;
    lx_.fail("expected NIL, number, string or list (RFC 3501 §9 body)");
  }

  // Reads and drops a tagged-ext-val of an unknown LIST extended item (RFC 5258 §9).
  void skip_value() {
    if (lx_.peek() == '(') {
      paren_list(lx_, true, [&] { skip_value(); });
    } else if (lx_.peek() == '"' || lx_.peek() == '{') {
      lx_.string();
    } else if (lx_.until_any(" ()").empty()) {
      lx_.fail("expected tagged-ext-val (RFC 5258 §9)");
    }
  }

  std::optional<char> delimiter() {
    if (lx_.try_nil()) return std::nullopt;
    const std::string d = lx_.quoted();
    if (d.size() != 1) lx_.fail("hierarchy delimiter must be one QUOTED-CHAR (RFC 3501 §9)");
    return d[0];
  }

  // "LIST" SP mailbox-list (RFC 3501 §7.2.2) [SP "(" mbox-list-extended ")"] (RFC 5258 §9).
  ListData list_data(bool lsub) {
    ListData d;
    d.lsub = lsub;
    lx_.sp();
    paren_list(lx_, true, [&] { d.attributes.push_back(lx_.flag()); });
    lx_.sp();
    d.delimiter = delimiter();
    lx_.sp();
    d.mailbox = lx_.mailbox();
    if (lx_.try_sp()) paren_list(lx_, true, [&] { list_extended_item(d); });
    return d;
  }

  void list_extended_item(ListData& d) {
    const std::string tag = lx_.astring();
    lx_.sp();
    if (iequals(tag, "OLDNAME")) {
      // RFC 5465 §5.4: OLDNAME SP "(" mailbox ")"
      paren_list(lx_, false, [&] { d.old_name = lx_.mailbox(); });
    } else if (iequals(tag, "CHILDINFO")) {
      paren_list(lx_, false, [&] { d.child_info.push_back(lx_.astring()); });
    } else {
      skip_value();
    }
  }

  // "STATUS" SP mailbox SP "(" [status-att SP number *(SP status-att SP number)] ")" (RFC 3501 §7.2.4).
  StatusData status_data() {
    StatusData d;
    lx_.sp();
    d.mailbox = lx_.mailbox();
    lx_.sp();
    paren_list(lx_, true, [&] {
      const auto item = status_item(lx_.atom());
      if (!item) lx_.fail("unknown status-att (RFC 3501 §7.2.4)");
      lx_.sp();
      d.items.emplace_back(*item, lx_.number64());
    });
    return d;
  }

  // "SEARCH" *(SP nz-number) [SP "(" "MODSEQ" SP mod-sequence-value ")"] (RFC 3501 §7.2.5, RFC 4551 §3.5).
  SearchData search_data() {
    SearchData d;
    while (lx_.try_sp()) {
      if (lx_.at_line_end()) break;  // a trailing space, as some servers send
      if (lx_.peek() == '(') {
        lx_.expect('(', "'('");
        lx_.keyword("MODSEQ");
        lx_.sp();
        d.modseq = lx_.number64();
        lx_.expect(')', "')' of MODSEQ (RFC 4551 §3.5)");
        break;
      }
      d.numbers.push_back(lx_.nz_number());
    }
    return d;
  }

  // "VANISHED" [SP "(EARLIER)"] SP known-uids (RFC 5162 §3.6).
  VanishedData vanished() {
    VanishedData v;
    lx_.sp();
    if (lx_.try_char('(')) {
      lx_.keyword("EARLIER");
      lx_.expect(')', "')' of (EARLIER)");
      lx_.sp();
      v.earlier = true;
    }
    v.uids = lx_.sequence_set();
    return v;
  }

  // "ACL" SP mailbox *(SP identifier SP rights) (RFC 4314 §3.6).
  AclData acl() {
    AclData d;
    d.kind = AclData::Kind::Acl;
    lx_.sp();
    d.mailbox = lx_.mailbox();
    while (lx_.try_sp()) {
      if (d.entries.size() >= limits::list_items_max) lx_.fail("more than limits::list_items_max ACL entries");
      std::string identifier = lx_.astring();
      lx_.sp();
      d.entries.emplace_back(std::move(identifier), lx_.astring());
    }
    return d;
  }

  // "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights) (RFC 4314 §3.7).
  AclData list_rights() {
    AclData d;
    d.kind = AclData::Kind::ListRights;
    lx_.sp();
    d.mailbox = lx_.mailbox();
    lx_.sp();
    d.identifier = lx_.astring();
    lx_.sp();
    d.rights.push_back(lx_.astring());
    while (lx_.try_sp()) push_item(d.rights, lx_.astring());
    return d;
  }

  // "MYRIGHTS" SP mailbox SP rights (RFC 4314 §3.8).
  AclData my_rights() {
    AclData d;
    d.kind = AclData::Kind::MyRights;
    lx_.sp();
    d.mailbox = lx_.mailbox();
    lx_.sp();
    d.rights.push_back(lx_.astring());
    return d;
  }

  // "NAMESPACE" SP Namespace SP Namespace SP Namespace (RFC 2342 §5).
  NamespaceData namespace_data() {
    NamespaceData d;
    lx_.sp();
    d.personal = namespace_list();
    lx_.sp();
    d.other = namespace_list();
    lx_.sp();
    d.shared = namespace_list();
    return d;
  }

  std::optional<std::vector<NamespaceData::Entry>> namespace_list() {
    if (lx_.try_nil()) return std::nullopt;
    std::vector<NamespaceData::Entry> entries;
    Nest nest(lx_);
    lx_.expect('(', "'(' of Namespace (RFC 2342 §5)");
    do {
      if (entries.size() >= limits::list_items_max) lx_.fail("more than limits::list_items_max namespaces");
      entries.push_back(namespace_entry());
      lx_.try_sp();
    } while (!lx_.try_char(')'));
    return entries;
  }

  NamespaceData::Entry namespace_entry() {
    NamespaceData::Entry e;
    Nest nest(lx_);
    lx_.expect('(', "'(' of a namespace (RFC 2342 §5)");
    e.prefix = lx_.decode_name(lx_.string());
    lx_.sp();
    e.delimiter = delimiter();
    // Namespace_Response_Extension = SP string SP "(" string *(SP string) ")": read and dropped.
    while (lx_.try_sp()) {
      lx_.string();
      lx_.sp();
      paren_list(lx_, false, [&] { lx_.string(); });
    }
    lx_.expect(')', "')' of a namespace (RFC 2342 §5)");
    return e;
  }

  Lexer lx_;
  std::optional<std::string> tag_;
  // Items of the lists svalue() is reading, innermost last. Left partly filled when a SyntaxError unwinds;
  // the next reader clears it.
  std::vector<SValue>& stack_;
  std::vector<MsgAtt>& atts_;  // the msg-atts of the FETCH response being read
};

}  // namespace

struct ResponseParser::Impl {
  detail::Framer framer{detail::Framer::Peer::Server};
  std::vector<SValue> svalue_stack;  // reused by every ResponseReader, so its allocation is kept
  std::vector<MsgAtt> fetch_atts;    // likewise
};

ResponseParser::ResponseParser() : impl_(std::make_unique<Impl>()) {}
ResponseParser::~ResponseParser() = default;
ResponseParser::ResponseParser(ResponseParser&&) noexcept = default;
ResponseParser& ResponseParser::operator=(ResponseParser&&) noexcept = default;

ResponseFeedResult ResponseParser::feed(std::string_view bytes) {
  detail::Frame frame = impl_->framer.feed(bytes);
  switch (frame.kind) {
    case detail::FrameKind::NeedMore:
    case detail::FrameKind::Continuation:  // never for a server peer: literals are read in place
    case detail::FrameKind::RawLine:
      return {frame.consumed, NeedMore{}};
    case detail::FrameKind::Error:
      return {frame.consumed, ParseError{std::move(frame.tag), std::move(frame.error)}};
    case detail::FrameKind::Message: break;
  }
  ResponseReader reader(frame.bytes, impl_->svalue_stack, impl_->fetch_atts);
  try {
    return {frame.consumed, reader.read()};
  } catch (const detail::SyntaxError& e) {
    return {frame.consumed, ParseError{reader.tag(), e.message}};
  }
}

std::size_t ResponseParser::buffered_bytes() const { return impl_->framer.buffered_bytes(); }

std::variant<Response, ParseError> parse_response(std::string_view bytes) {
  const std::string_view whole = bytes;
  ResponseParser parser;
  ResponseFeedResult r = parser.feed(bytes);
  bytes.remove_prefix(r.consumed);
  if (auto* error = std::get_if<ParseError>(&r.event)) return std::move(*error);
  if (auto* response = std::get_if<Response>(&r.event)) {
    if (!bytes.empty()) return ParseError{std::nullopt, "data after the response's CRLF"};
    return std::move(*response);
  }
  return ParseError{detail::leading_tag(whole), "incomplete response: no CRLF"};
}

}  // namespace imaplab::proto
