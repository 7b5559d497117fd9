// Definitions of the rapidcheck generators of generators.hpp. Each generator stays within what the grammar
// (RFC 3501 §9 and the extensions) and the parsers' documented normalizations can represent.
#include "tests/proto/generators.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

namespace imaplab::proto::gen {
namespace {

constexpr int list_items_small_max = 4;
constexpr int svalue_depth_max = 3;
constexpr int search_depth_max = 3;
constexpr std::uint32_t small_number_max = 100;
constexpr std::uint64_t mod_sequence_max = (1ull << 63) - 1;

constexpr std::string_view atom_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&'+,-./:;<=>?@^_`|~[";
constexpr std::string_view tag_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_";
constexpr std::string_view upper_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-=";
// Printable characters that force quoting somewhere (atom-specials and friends).
constexpr std::string_view special_chars = " ()\"\\%*]{&";
// Characters of free text (resp-text, continuation text). No '{': a line ending in "{n}" announces a
// literal (RFC 3501 §4.3), so a server never ends text that way.
constexpr std::string_view text_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&'+,-./:;<=>?@^_`|~[] ()\"\\%*";

rc::Gen<char> char_of(std::string_view chars) {
  return rc::gen::map(rc::gen::inRange<std::size_t>(0, chars.size()), [chars](std::size_t i) { return chars[i]; });
}

rc::Gen<std::string> string_of(std::string_view chars, int min, int max) {
  return rc::gen::exec([chars, min, max] {
    const int n = *rc::gen::inRange(min, max + 1);
    return *rc::gen::container<std::string>(static_cast<std::size_t>(n), char_of(chars));
  });
}

int small_count(int min = 0) { return *rc::gen::inRange(min, list_items_small_max + 1); }

template <typename T>
std::vector<T> list_of(const rc::Gen<T>& g, int min = 0) {
  return *rc::gen::container<std::vector<T>>(static_cast<std::size_t>(small_count(min)), g);
}

template <typename T>
std::optional<T> maybe(const rc::Gen<T>& g) {
  if (*rc::gen::arbitrary<bool>()) return *g;
  return std::nullopt;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A code point for mailbox names: mostly printable ASCII, sometimes control characters (shifted on the
// wire), Latin, CJK or astral characters.
rc::Gen<std::uint32_t> mailbox_code_point() {
  return rc::gen::weightedOneOf<std::uint32_t>({
      {12, rc::gen::inRange<std::uint32_t>(0x20, 0x7f)},
      {1, rc::gen::element<std::uint32_t>(0x01, 0x09, 0x1f, 0x7f)},
      {2, rc::gen::inRange<std::uint32_t>(0xA0, 0x800)},
      {2, rc::gen::inRange<std::uint32_t>(0x800, 0xD800)},
      {1, rc::gen::inRange<std::uint32_t>(0xE000, 0x10000)},
      {1, rc::gen::inRange<std::uint32_t>(0x10000, 0x110000)},
  });
}

bool iequals_inbox(std::string_view s) {
  if (s.size() != 5) return false;
  for (std::size_t i = 0; i < 5; ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != "INBOX"[i]) return false;
  }
  return true;
}

// Any bytes but NUL: CR, LF and 8-bit bytes force a literal.
rc::Gen<std::string> binary_string(int max) {
  return rc::gen::exec([max] {
    const int n = *rc::gen::inRange(0, max + 1);
    return *rc::gen::container<std::string>(
        static_cast<std::size_t>(n), rc::gen::map(rc::gen::inRange(1, 256), [](int c) { return static_cast<char>(c); }));
  });
}

template <typename E>
rc::Gen<E> enum_in(E first, E last) {
  return rc::gen::map(rc::gen::inRange(static_cast<int>(first), static_cast<int>(last) + 1),
                      [](int v) { return static_cast<E>(v); });
}

}  // namespace

// ---- tokens --------------------------------------------------------------------------------------------

rc::Gen<std::string> tag() { return string_of(tag_chars, 1, 8); }

rc::Gen<std::string> atom() { return string_of(atom_chars, 1, 10); }

rc::Gen<std::string> upper_atom() { return string_of(upper_chars, 1, 10); }

rc::Gen<std::string> astring_value() {
  return rc::gen::weightedOneOf<std::string>({
      {4, atom()},
      {2, string_of(std::string(atom_chars) + std::string(special_chars), 0, 12)},
      {1, rc::gen::element<std::string>("", "NIL", "nil", "{3}", "a\r\nb", "\xC3\xA4")},
      {1, binary_string(12)},
  });
}

rc::Gen<std::string> text() {
  return rc::gen::exec([] {
    std::string s = *string_of(text_chars, 0, 20);
    while (!s.empty() && (s.front() == '[' || s.front() == ' ')) s.erase(s.begin());
    return s;
  });
}

rc::Gen<std::string> mailbox_name() {
  return rc::gen::exec([] {
    if (*rc::gen::inRange(0, 8) == 0) return std::string("INBOX");
    const int n = *rc::gen::inRange(0, 10);
    std::string name;
    for (int i = 0; i < n; ++i) append_utf8(name, *mailbox_code_point());
    if (iequals_inbox(name)) name += "x";  // other spellings of INBOX read back as "INBOX"
    return name;
  });
}

rc::Gen<std::string> flag() {
  return rc::gen::weightedOneOf<std::string>({
      {3, rc::gen::element<std::string>("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "$Forwarded",
                                        "$Junk", "NonJunk", "\\seen")},
      {1, atom()},
      {1, rc::gen::map(atom(), [](std::string a) { return "\\" + a; })},
  });
}

rc::Gen<std::vector<std::string>> flags() {
  return rc::gen::exec([] { return list_of(flag()); });
}

rc::Gen<std::uint32_t> nz_number() {
  return rc::gen::weightedOneOf<std::uint32_t>({
      {4, rc::gen::inRange<std::uint32_t>(1, small_number_max)},
      {1, rc::gen::inRange<std::uint32_t>(1, UINT32_MAX)},
      {1, rc::gen::just(std::uint32_t{UINT32_MAX})},
  });
}

rc::Gen<std::uint64_t> mod_sequence() {
  return rc::gen::weightedOneOf<std::uint64_t>({
      {3, rc::gen::inRange<std::uint64_t>(1, 100000)},
      {1, rc::gen::inRange<std::uint64_t>(1, mod_sequence_max)},
      {1, rc::gen::just(std::uint64_t{mod_sequence_max})},
  });
}

rc::Gen<SequenceSet> sequence_set(bool allow_star) {
  return rc::gen::exec([allow_star] {
    auto seq_number = [allow_star]() -> std::uint32_t {
      if (allow_star && *rc::gen::inRange(0, 5) == 0) return seq_star;
      return *nz_number();
    };
    SequenceSet set;
    const int n = small_count(1);
    for (int i = 0; i < n; ++i) {
      const std::uint32_t first = seq_number();
      const std::uint32_t last = *rc::gen::arbitrary<bool>() ? first : seq_number();
      set.ranges.push_back({first, last});
    }
    return set;
  });
}

rc::Gen<Date> date() {
  return rc::gen::exec([] {
    Date d;
    d.year = *rc::gen::inRange(1900, 2100);
    d.month = *rc::gen::inRange(1, 13);
    d.day = *rc::gen::inRange(1, 29);
    return d;
  });
}

rc::Gen<DateTime> date_time() {
  return rc::gen::exec([] {
    DateTime t;
    t.date = *date();
    t.hour = *rc::gen::inRange(0, 24);
    t.minute = *rc::gen::inRange(0, 60);
    t.second = *rc::gen::inRange(0, 60);
    t.zone_minutes = *rc::gen::inRange(-12 * 60, 14 * 60 + 1);
    return t;
  });
}

rc::Gen<Section> section() {
  return rc::gen::exec([] {
    Section s;
    const int parts = *rc::gen::inRange(0, 4);
    for (int i = 0; i < parts; ++i) s.part.push_back(*rc::gen::inRange<std::uint32_t>(1, 30));
    s.text = *enum_in(Section::Text::None, Section::Text::Mime);
    if (s.text == Section::Text::Mime && s.part.empty()) s.text = Section::Text::Text;  // MIME needs a part
    if (s.text == Section::Text::HeaderFields || s.text == Section::Text::HeaderFieldsNot) {
      s.fields = list_of(astring_value(), 1);
    }
    return s;
  });
}

rc::Gen<FetchAtt> fetch_att() {
  return rc::gen::exec([] {
    FetchAtt a;
    a.kind = *enum_in(FetchAtt::Kind::Envelope, FetchAtt::Kind::ModSeq);
    if (a.kind == FetchAtt::Kind::BodySection) {
      a.peek = *rc::gen::arbitrary<bool>();
      a.section = *section();
      if (*rc::gen::arbitrary<bool>()) a.partial = Partial{*rc::gen::arbitrary<std::uint32_t>(), *nz_number()};
    }
    return a;
  });
}

rc::Gen<SearchKey> search_key(int depth) {
  return rc::gen::exec([depth] {
    using K = SearchKey::Kind;
    SearchKey k;
    k.kind = *enum_in(K::All, K::ModSeq);
    const bool nested = k.kind == K::Not || k.kind == K::Or || k.kind == K::And;
    if (nested && depth >= search_depth_max) k.kind = K::Seen;
    switch (k.kind) {
      case K::Bcc: case K::Body: case K::Cc: case K::From: case K::Subject: case K::Text: case K::To:
        k.value = *astring_value();
        break;
      case K::Header:
        k.field = *astring_value();
        k.value = *astring_value();
        break;
      case K::Keyword: case K::Unkeyword: k.value = *atom(); break;
      case K::Before: case K::On: case K::Since: case K::SentBefore: case K::SentOn: case K::SentSince:
        k.date = *date();
        break;
      case K::Larger: case K::Smaller: k.number = *rc::gen::arbitrary<std::uint32_t>(); break;
      case K::ModSeq: k.number = *mod_sequence(); break;
      case K::Uid: case K::SequenceSet: k.set = *sequence_set(); break;
      case K::Not: k.children = {*search_key(depth + 1)}; break;
      case K::Or: k.children = {*search_key(depth + 1), *search_key(depth + 1)}; break;
      case K::And: k.children = list_of(search_key(depth + 1), 1); break;
      default: break;
    }
    return k;
  });
}

rc::Gen<NotifyEventGroup> notify_group() {
  return rc::gen::exec([] {
    using FK = NotifyFilter::Kind;
    NotifyEventGroup g;
    g.filter.kind = *enum_in(FK::Selected, FK::Mailboxes);
    if (g.filter.kind == FK::Subtree || g.filter.kind == FK::Mailboxes) g.filter.mailboxes = list_of(mailbox_name(), 1);
    if (*rc::gen::inRange(0, 5) == 0) return g;  // NONE
    g.events.emplace();
    const int n = small_count(1);
    for (int i = 0; i < n; ++i) {
      NotifyEvent e;
      e.kind = *enum_in(NotifyEventKind::MessageNew, NotifyEventKind::Other);
      if (e.kind == NotifyEventKind::Other) e.name = "X-" + *upper_atom();
      if (e.kind == NotifyEventKind::MessageNew) e.fetch_atts = list_of(fetch_att());
      g.events->push_back(std::move(e));
    }
    return g;
  });
}

// ---- commands ------------------------------------------------------------------------------------------

namespace {

ListArgs list_args(bool lsub) {
  ListArgs a;
  a.reference = *mailbox_name();
  if (a.reference == "INBOX") a.reference = "";  // a reference is not normalized; keep INBOX out of it
  if (lsub) {
    a.patterns = {*mailbox_name()};
    return a;
  }
  a.select_options = list_of(upper_atom());
  a.patterns_parenthesized = *rc::gen::arbitrary<bool>();
  a.patterns = a.patterns_parenthesized ? list_of(mailbox_name(), 1) : std::vector<std::string>{*mailbox_name()};
  a.return_options = list_of(rc::gen::suchThat(upper_atom(), [](const std::string& s) { return s != "STATUS"; }));
  a.return_status = list_of(enum_in(StatusItem::Messages, StatusItem::HighestModSeq));
  return a;
}

FetchArgs fetch_args() {
  FetchArgs a;
  a.set = *sequence_set();
  if (*rc::gen::inRange(0, 5) == 0) {
    a.macro = *enum_in(FetchMacro::All, FetchMacro::Full);
  } else {
    a.atts_parenthesized = *rc::gen::arbitrary<bool>();
    a.atts = a.atts_parenthesized ? list_of(fetch_att(), 1) : std::vector<FetchAtt>{*fetch_att()};
  }
  if (*rc::gen::arbitrary<bool>()) a.changed_since = *mod_sequence();
  return a;
}

StoreArgs store_args() {
  StoreArgs a;
  a.set = *sequence_set();
  if (*rc::gen::arbitrary<bool>()) a.unchanged_since = *rc::gen::inRange<std::uint64_t>(0, mod_sequence_max);
  a.mode = *enum_in(StoreMode::Replace, StoreMode::Remove);
  a.silent = *rc::gen::arbitrary<bool>();
  a.flags_parenthesized = *rc::gen::arbitrary<bool>();
  a.flags = list_of(flag(), a.flags_parenthesized ? 0 : 1);
  return a;
}

NotifyArgs notify_args() {
  NotifyArgs a;
  a.mode = *enum_in(NotifyArgs::Mode::Set, NotifyArgs::Mode::Add);
  if (a.mode == NotifyArgs::Mode::None) return a;
  a.status = *rc::gen::arbitrary<bool>();
  a.groups = list_of(notify_group(), 1);
  return a;
}

AppendArgs append_args() {
  AppendArgs a;
  a.mailbox = *mailbox_name();
  a.flags = maybe(flags());
  a.date = maybe(date_time());
  a.message = *binary_string(64);
  return a;
}

AuthenticateArgs authenticate_args() {
  AuthenticateArgs a;
  a.mechanism = *upper_atom();
  if (*rc::gen::arbitrary<bool>()) {
    a.initial_response = *string_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 1, 16);
    if (*rc::gen::arbitrary<bool>()) *a.initial_response += "=";
  }
  return a;
}

}  // namespace

rc::Gen<CommandArgs> command_args(CommandKind kind) {
  return rc::gen::exec([kind]() -> CommandArgs {
    using CK = CommandKind;
    switch (kind) {
      case CK::Capability: case CK::Noop: case CK::Logout: case CK::StartTls: case CK::Namespace:
      case CK::Idle: case CK::Check: case CK::Close: case CK::Unselect: case CK::Expunge:
        return NoArgs{};
      case CK::Authenticate: return authenticate_args();
      case CK::Login: return LoginArgs{*astring_value(), *astring_value()};
      case CK::Select: case CK::Examine:
        return MailboxArgs{*mailbox_name(), *rc::gen::arbitrary<bool>()};
      case CK::Create: case CK::Delete: case CK::Subscribe: case CK::Unsubscribe: case CK::GetAcl:
      case CK::MyRights:
        return MailboxArgs{*mailbox_name(), false};
      case CK::Rename: return RenameArgs{*mailbox_name(), *mailbox_name()};
      case CK::List: return list_args(false);
      case CK::Lsub: return list_args(true);
      case CK::Status:
        return StatusArgs{*mailbox_name(), list_of(enum_in(StatusItem::Messages, StatusItem::HighestModSeq), 1)};
      case CK::Append: return append_args();
      case CK::Enable: return EnableArgs{list_of(upper_atom(), 1)};
      case CK::Notify: return notify_args();
      case CK::SetAcl: return AclArgs{*mailbox_name(), *astring_value(), *astring_value()};
      case CK::DeleteAcl: case CK::ListRights: return AclArgs{*mailbox_name(), *astring_value(), ""};
      case CK::Search: {
        SearchArgs a;
        a.charset = maybe(astring_value());
        a.keys = list_of(search_key(0), 1);
        return a;
      }
      case CK::Fetch: return fetch_args();
      case CK::Store: return store_args();
      case CK::Copy: case CK::Move: return CopyArgs{*sequence_set(), *mailbox_name()};
      case CK::UidExpunge: return SetArgs{*sequence_set()};
    }
    return NoArgs{};
  });
}

rc::Gen<Command> command_of(CommandKind kind) {
  return rc::gen::exec([kind] {
    Command c;
    c.tag = *tag();
    c.kind = kind;
    const bool uid_allowed = kind == CommandKind::Copy || kind == CommandKind::Move || kind == CommandKind::Fetch ||
                             kind == CommandKind::Store || kind == CommandKind::Search;
    c.uid = kind == CommandKind::UidExpunge || (uid_allowed && *rc::gen::arbitrary<bool>());
    c.args = *command_args(kind);
    return c;
  });
}

rc::Gen<Command> command() {
  return rc::gen::exec([] {
    const CommandKind kind = *rc::gen::elementOf(std::vector<CommandKind>(std::begin(all_command_kinds),
                                                                           std::end(all_command_kinds)));
    return *command_of(kind);
  });
}

// ---- responses -----------------------------------------------------------------------------------------

rc::Gen<SValue> svalue(int depth) {
  return rc::gen::exec([depth] {
    const int choice = *rc::gen::inRange(0, depth >= svalue_depth_max ? 3 : 5);
    switch (choice) {
      case 0: return SValue::nil();
      case 1: return SValue::num(*rc::gen::arbitrary<std::uint32_t>());
      case 2: return SValue::str(*astring_value());
      default: return SValue::lst(list_of(svalue(depth + 1)));
    }
  });
}

namespace {

// Codes without arguments (RFC 3501 §7.1, RFC 4315, RFC 4551, RFC 5465, RFC 5530).
constexpr const char* bare_codes[] = {
    "ALERT", "PARSE", "READ-ONLY", "READ-WRITE", "TRYCREATE", "UIDNOTSTICKY", "NOMODSEQ", "CLOSED",
    "NOTIFICATIONOVERFLOW", "UNAVAILABLE", "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED",
    "PRIVACYREQUIRED", "CONTACTADMIN", "NOPERM", "INUSE", "EXPUNGEISSUED", "CORRUPTION", "SERVERBUG",
    "CLIENTBUG", "CANNOT", "LIMIT", "OVERQUOTA", "ALREADYEXISTS", "NONEXISTENT",
};

rc::Gen<std::string> code_text() {
  return rc::gen::exec([] {
    std::string s = *string_of(std::string(atom_chars) + " ()\"", 1, 16);
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    if (s.empty()) s = "x";
    return s;
  });
}

}  // namespace

rc::Gen<ResponseCode> response_code() {
  return rc::gen::exec([] {
    ResponseCode c;
    switch (*rc::gen::inRange(0, 11)) {
      case 0:
        c.name = *rc::gen::elementOf(std::vector<std::string>(std::begin(bare_codes), std::end(bare_codes)));
        break;
      case 1:
        c.name = *rc::gen::element<std::string>("UIDNEXT", "UIDVALIDITY", "UNSEEN");
        c.number = *nz_number();
        break;
      case 2: c.name = "HIGHESTMODSEQ"; c.number = *mod_sequence(); break;
      case 3: c.name = "APPENDUID"; c.number = *nz_number(); c.set1 = *sequence_set(false); break;
      case 4:
        c.name = "COPYUID";
        c.number = *nz_number();
        c.set1 = *sequence_set(false);
        c.set2 = *sequence_set(false);
        break;
      case 5: c.name = "PERMANENTFLAGS"; c.list = *flags(); if (*rc::gen::arbitrary<bool>()) c.list.push_back("\\*"); break;
      case 6:  // status response lines carry no literals, so charsets are quotable
        c.name = "BADCHARSET";
        c.list = list_of(string_of(std::string(atom_chars) + " \"\\", 0, 8));
        break;
      case 7: c.name = "CAPABILITY"; c.list = list_of(atom(), 1); break;
      case 8: c.name = "NEWNAME"; c.list = {*mailbox_name(), *mailbox_name()}; break;
      case 9: c.name = "MODIFIED"; c.set1 = *sequence_set(false); break;
      default:
        c.name = "X-" + *upper_atom();
        if (*rc::gen::arbitrary<bool>()) c.text = *code_text();
        break;
    }
    if (c.name == "BADEVENT" || *rc::gen::inRange(0, 12) == 0) {
      c = ResponseCode{};
      c.name = "BADEVENT";
      c.list = list_of(rc::gen::element<std::string>("MessageNew", "MessageExpunge", "FlagChange", "MailboxName"), 1);
    }
    return c;
  });
}

namespace {

StatusResponse status_response(bool tagged) {
  StatusResponse r;
  r.condition = tagged ? *enum_in(Condition::Ok, Condition::Bad) : *enum_in(Condition::Ok, Condition::Preauth);
  if (*rc::gen::arbitrary<bool>()) r.code = *response_code();
  r.text = *text();
  return r;
}

ListData list_data() {
  ListData d;
  d.lsub = *rc::gen::arbitrary<bool>();
  d.attributes = list_of(rc::gen::element<std::string>("\\Noselect", "\\HasChildren", "\\HasNoChildren", "\\Marked",
                                                       "\\NonExistent", "\\Subscribed", "\\Unmarked", "\\NoInferiors"));
  if (*rc::gen::inRange(0, 4) != 0) d.delimiter = *rc::gen::element('/', '.', '\\', '"');
  d.mailbox = *mailbox_name();
  if (*rc::gen::arbitrary<bool>()) d.old_name = *mailbox_name();
  if (*rc::gen::arbitrary<bool>()) d.child_info = list_of(rc::gen::element<std::string>("SUBSCRIBED", "X-FOO"), 1);
  return d;
}

StatusData status_data() {
  StatusData d;
  d.mailbox = *mailbox_name();
  const int n = small_count(1);
  for (int i = 0; i < n; ++i) {
    const StatusItem item = *enum_in(StatusItem::Messages, StatusItem::HighestModSeq);
    const std::uint64_t value =
        item == StatusItem::HighestModSeq ? *mod_sequence() : *rc::gen::arbitrary<std::uint32_t>();
    d.items.emplace_back(item, value);
  }
  return d;
}

std::optional<std::string> message_data() {
  if (*rc::gen::inRange(0, 5) == 0) return std::nullopt;
  return *rc::gen::weightedOneOf<std::string>({{2, astring_value()}, {1, binary_string(200)}});
}

MsgAtt msg_att() {
  using K = MsgAtt::Kind;
  MsgAtt a;
  a.kind = *enum_in(K::Flags, K::ModSeq);
  switch (a.kind) {
    case K::Flags: a.flags = *flags(); break;
    case K::Uid: a.number = *nz_number(); break;
    case K::Rfc822Size: a.number = *rc::gen::arbitrary<std::uint32_t>(); break;
    case K::ModSeq: a.number = *mod_sequence(); break;
    case K::InternalDate: a.date = *date_time(); break;
    case K::Envelope: case K::Body: case K::BodyStructure: a.value = SValue::lst(list_of(svalue(1), 1)); break;
    case K::BodySection:
      a.section = *section();
      if (*rc::gen::arbitrary<bool>()) a.origin = *rc::gen::arbitrary<std::uint32_t>();
      a.data = message_data();
      break;
    case K::Rfc822: case K::Rfc822Header: case K::Rfc822Text: a.data = message_data(); break;
  }
  return a;
}

AclData acl_data() {
  AclData d;
  d.kind = *enum_in(AclData::Kind::Acl, AclData::Kind::MyRights);
  d.mailbox = *mailbox_name();
  switch (d.kind) {
    case AclData::Kind::Acl: {
      const int n = small_count();
      for (int i = 0; i < n; ++i) d.entries.emplace_back(*astring_value(), *astring_value());
      break;
    }
    case AclData::Kind::ListRights:
      d.identifier = *astring_value();
      d.rights = list_of(astring_value(), 1);
      break;
    case AclData::Kind::MyRights: d.rights = {*astring_value()}; break;
  }
  return d;
}

std::optional<std::vector<NamespaceData::Entry>> namespace_list() {
  if (*rc::gen::inRange(0, 3) == 0) return std::nullopt;
  std::vector<NamespaceData::Entry> entries;
  const int n = small_count(1);
  for (int i = 0; i < n; ++i) {
    NamespaceData::Entry e;
    e.prefix = *mailbox_name();
    if (*rc::gen::inRange(0, 4) != 0) e.delimiter = *rc::gen::element('/', '.', '\\');
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace

rc::Gen<ResponseBody> response_body(std::size_t index) {
  return rc::gen::exec([index]() -> ResponseBody {
    switch (index) {
      case 0: return status_response(false);
      case 1: return list_data();
      case 2: return status_data();
      case 3: {
        SearchData d;
        d.numbers = list_of(nz_number());
        if (*rc::gen::arbitrary<bool>()) d.modseq = *mod_sequence();
        return d;
      }
      case 4: {
        FetchData d;
        d.number = *nz_number();
        const int n = small_count(1);
        for (int i = 0; i < n; ++i) d.atts.push_back(msg_att());
        return d;
      }
      case 5: {
        NumberData d;
        d.kind = *enum_in(NumberData::Kind::Exists, NumberData::Kind::Expunge);
        d.number = d.kind == NumberData::Kind::Expunge ? *nz_number() : *rc::gen::arbitrary<std::uint32_t>();
        return d;
      }
      case 6: {
        AtomsData d;
        d.kind = *enum_in(AtomsData::Kind::Capability, AtomsData::Kind::Flags);
        d.atoms = d.kind == AtomsData::Kind::Flags ? *flags() : list_of(atom(), d.kind == AtomsData::Kind::Capability);
        return d;
      }
      case 7: return VanishedData{*rc::gen::arbitrary<bool>(), *sequence_set(false)};
      case 8: return acl_data();
      case 9: return NamespaceData{namespace_list(), namespace_list(), namespace_list()};
      default: return ContinuationData{*text()};
    }
  });
}

rc::Gen<Response> response_of(std::size_t index) {
  return rc::gen::exec([index] {
    Response r;
    if (index == 0 && *rc::gen::arbitrary<bool>()) {
      r.untagged = false;
      r.tag = *tag();
      r.body = status_response(true);
      return r;
    }
    r.body = *response_body(index);
    r.untagged = index != response_body_kinds - 1;  // a continuation request is neither
    return r;
  });
}

rc::Gen<Response> response() {
  return rc::gen::exec([] { return *response_of(*rc::gen::inRange<std::size_t>(0, response_body_kinds)); });
}

}  // namespace imaplab::proto::gen

namespace imaplab::proto {

void showValue(const Command& command, std::ostream& os) { os << write_command(command); }
void showValue(const Response& response, std::ostream& os) { os << write_response(response); }
void showValue(LiteralStyle style, std::ostream& os) {
  os << (style == LiteralStyle::Synchronizing ? "Synchronizing" : "NonSynchronizing");
}

}  // namespace imaplab::proto
