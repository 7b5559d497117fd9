// Serializers for both directions (RFC 3501 §9 grammar and extensions): Command -> client bytes and
// Response -> server bytes. Everything is appended to one reserved std::string; the server writes every
// response through here, so there are no streams and no formatting libraries on this path.
#include "proto/writer.hpp"

#include <charconv>
#include <cstdint>
#include <string_view>

namespace imaplab::proto {
namespace {

constexpr std::size_t command_reserve_bytes = 128;
constexpr std::size_t response_reserve_bytes = 128;
constexpr std::size_t number_chars_max = 24;

// RFC 3501 §9 character classes.
constexpr bool is_ctl(unsigned char c) { return c < 0x20 || c == 0x7f; }
constexpr bool is_atom_char(unsigned char c) {
  if (c == 0 || c >= 0x80 || is_ctl(c)) return false;
  switch (c) {
    case '(': case ')': case '{': case ' ': case '%': case '*': case '"': case '\\': case ']':
      return false;
    default:
      return true;
  }
}
// list-char: ATOM-CHAR / list-wildcards / resp-specials.
constexpr bool is_list_char(unsigned char c) { return is_atom_char(c) || c == '%' || c == '*' || c == ']'; }
constexpr bool is_quotable(unsigned char c) { return c >= 0x20 && c <= 0x7e; }

bool all_of(std::string_view s, bool (*pred)(unsigned char)) {
  for (const char c : s) {
    if (!pred(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Appends IMAP tokens to one buffer. Commands may record where a synchronizing literal ends a part.
class Out {
 public:
  Out(std::string& buf, LiteralStyle style, bool response) : buf_(buf), style_(style), response_(response) {}

  void raw(std::string_view s) { buf_.append(s); }
  void ch(char c) { buf_.push_back(c); }
  void sp() { buf_.push_back(' '); }
  void crlf() { buf_.append("\r\n"); }

  void number(std::uint64_t n) {
    char tmp[number_chars_max];
    const auto res = std::to_chars(tmp, tmp + sizeof tmp, n);
    buf_.append(tmp, res.ptr);
  }
  void two_digits(int n) {
    ch(static_cast<char>('0' + (n / 10) % 10));
    ch(static_cast<char>('0' + n % 10));
  }

  // string (RFC 3501 §9): quoted when printable 7-bit, else a literal.
  void string(std::string_view s) {
    if (all_of(s, is_quotable)) {
      quoted(s);
    } else {
      literal(s);
    }
  }
  // astring: an atom when the value is one, else a string.
  void astring(std::string_view s) {
    if (!s.empty() && all_of(s, is_atom_char)) {
      raw(s);
    } else {
      string(s);
    }
  }
  // nstring: NIL or a string, never an atom, so a value "NIL" stays a string.
  void nstring(const std::optional<std::string>& s) {
    if (s) {
      string(*s);
    } else {
      raw("NIL");
    }
  }
  // mailbox (RFC 3501 §5.1.3 and §9): modified UTF-7, written as an astring.
  void mailbox(std::string_view name) {
    if (name == "INBOX") {
      raw("INBOX");
    } else {
      astring(encode_mailbox(std::string(name)));
    }
  }
  // list-mailbox: the encoded name, as an atom of list-chars when possible.
  void list_mailbox(std::string_view name) {
    const std::string encoded = encode_mailbox(std::string(name));
    if (!encoded.empty() && all_of(encoded, is_list_char)) {
      raw(encoded);
    } else {
      string(encoded);
    }
  }
  void quoted(std::string_view s) {
    ch('"');
    for (const char c : s) {
      if (c == '"' || c == '\\') ch('\\');
      ch(c);
    }
    ch('"');
  }
  void literal(std::string_view s) {
    ch('{');
    number(s.size());
    if (!response_ && style_ == LiteralStyle::NonSynchronizing) ch('+');
    raw("}\r\n");
    if (!response_ && style_ == LiteralStyle::Synchronizing) split_points_.push_back(buf_.size());
    raw(s);
  }
  // A single character in quotes, as LIST and NAMESPACE delimiters (QUOTED-CHAR), or NIL.
  void delimiter(const std::optional<char>& d) {
    if (!d) {
      raw("NIL");
      return;
    }
    ch('"');
    if (*d == '"' || *d == '\\') ch('\\');
    ch(*d);
    ch('"');
  }

  void sequence_set(const SequenceSet& set) {
    bool first = true;
    for (const SeqRange& r : set.ranges) {
      if (!first) ch(',');
      first = false;
      seq_number(r.first);
      if (r.last != r.first) {
        ch(':');
        seq_number(r.last);
      }
    }
  }
  void seq_number(std::uint32_t n) {
    if (n == seq_star) {
      ch('*');
    } else {
      number(n);
    }
  }

  // A parenthesized list of atoms written as they are (flags, options).
  void atom_list(const std::vector<std::string>& atoms) {
    ch('(');
    atoms_spaced(atoms);
    ch(')');
  }
  void atoms_spaced(const std::vector<std::string>& atoms) {
    for (std::size_t i = 0; i < atoms.size(); ++i) {
      if (i > 0) sp();
      raw(atoms[i]);
    }
  }

  // date-text (RFC 3501 §9), as in "1-Feb-1994".
  void date(const Date& d) {
    number(static_cast<std::uint64_t>(d.day));
    ch('-');
    month(d.month);
    ch('-');
    year(d.year);
  }
  void year(int y) {  // date-year = 4DIGIT
    two_digits(y / 100);
    two_digits(y % 100);
  }
  // date-time (RFC 3501 §9): "dd-Mon-yyyy hh:mm:ss +zzzz" with a space-padded day.
  void date_time(const DateTime& t) {
    ch('"');
    if (t.date.day == 0) {
      two_digits(0);  // RFC 2180 §4.1.3's placeholder date "00-Jan-0000"
    } else if (t.date.day < 10) {
      ch(' ');
      ch(static_cast<char>('0' + t.date.day));
    } else {
      two_digits(t.date.day);
    }
    ch('-');
    month(t.date.month);
    ch('-');
    year(t.date.year);
    sp();
    two_digits(t.hour);
    ch(':');
    two_digits(t.minute);
    ch(':');
    two_digits(t.second);
    sp();
    const int zone = t.zone_minutes < 0 ? -t.zone_minutes : t.zone_minutes;
    ch(t.zone_minutes < 0 ? '-' : '+');
    two_digits(zone / 60);
    two_digits(zone % 60);
    ch('"');
  }
  void month(int m) { raw(m >= 1 && m <= 12 ? month_names[m - 1] : "Jan"); }

  // section-spec inside "[...]" (RFC 3501 §9).
  void section(const Section& s) {
    ch('[');
    for (std::size_t i = 0; i < s.part.size(); ++i) {
      if (i > 0) ch('.');
      number(s.part[i]);
    }
    if (s.text != Section::Text::None && !s.part.empty()) ch('.');
    switch (s.text) {
      case Section::Text::None: break;
      case Section::Text::Header: raw("HEADER"); break;
      case Section::Text::HeaderFields: raw("HEADER.FIELDS "); header_list(s.fields); break;
      case Section::Text::HeaderFieldsNot: raw("HEADER.FIELDS.NOT "); header_list(s.fields); break;
      case Section::Text::Text: raw("TEXT"); break;
      case Section::Text::Mime: raw("MIME"); break;
    }
    ch(']');
  }
  void header_list(const std::vector<std::string>& fields) {
    ch('(');
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) sp();
      astring(fields[i]);
    }
    ch(')');
  }

  const std::vector<std::size_t>& split_points() const { return split_points_; }

 private:
  std::string& buf_;
  LiteralStyle style_;
  bool response_;
  std::vector<std::size_t> split_points_;
};

// ---------------------------------------------------------------------------------------------------------
// Shared vocabulary

const char* status_item_name(StatusItem item) {
  switch (item) {
    case StatusItem::Messages: return "MESSAGES";
    case StatusItem::Recent: return "RECENT";
    case StatusItem::UidNext: return "UIDNEXT";
    case StatusItem::UidValidity: return "UIDVALIDITY";
    case StatusItem::Unseen: return "UNSEEN";
    case StatusItem::HighestModSeq: return "HIGHESTMODSEQ";
  }
  return "MESSAGES";
}

// fetch-att (RFC 3501 §9; MODSEQ RFC 4551 §3.3.2).
void write_fetch_att(Out& out, const FetchAtt& att) {
  using K = FetchAtt::Kind;
  switch (att.kind) {
    case K::Envelope: out.raw("ENVELOPE"); return;
    case K::Flags: out.raw("FLAGS"); return;
    case K::InternalDate: out.raw("INTERNALDATE"); return;
    case K::Rfc822: out.raw("RFC822"); return;
    case K::Rfc822Header: out.raw("RFC822.HEADER"); return;
    case K::Rfc822Size: out.raw("RFC822.SIZE"); return;
    case K::Rfc822Text: out.raw("RFC822.TEXT"); return;
    case K::Body: out.raw("BODY"); return;
    case K::BodyStructure: out.raw("BODYSTRUCTURE"); return;
    case K::Uid: out.raw("UID"); return;
    case K::ModSeq: out.raw("MODSEQ"); return;
    case K::BodySection:
      out.raw(att.peek ? "BODY.PEEK" : "BODY");
      out.section(att.section);
      if (att.partial) {
        out.ch('<');
        out.number(att.partial->origin);
        out.ch('.');
        out.number(att.partial->length);
        out.ch('>');
      }
      return;
  }
}

void write_fetch_att_list(Out& out, const std::vector<FetchAtt>& atts) {
  out.ch('(');
  for (std::size_t i = 0; i < atts.size(); ++i) {
    if (i > 0) out.sp();
    write_fetch_att(out, atts[i]);
  }
  out.ch(')');
}

// ---------------------------------------------------------------------------------------------------------
// Commands

const char* search_word(SearchKey::Kind kind) {
  using K = SearchKey::Kind;
  switch (kind) {
    case K::All: return "ALL";
    case K::Answered: return "ANSWERED";
    case K::Bcc: return "BCC";
    case K::Before: return "BEFORE";
    case K::Body: return "BODY";
    case K::Cc: return "CC";
    case K::Deleted: return "DELETED";
    case K::Draft: return "DRAFT";
    case K::Flagged: return "FLAGGED";
    case K::From: return "FROM";
    case K::Header: return "HEADER";
    case K::Keyword: return "KEYWORD";
    case K::Larger: return "LARGER";
    case K::New: return "NEW";
    case K::Not: return "NOT";
    case K::Old: return "OLD";
    case K::On: return "ON";
    case K::Or: return "OR";
    case K::Recent: return "RECENT";
    case K::Seen: return "SEEN";
    case K::SentBefore: return "SENTBEFORE";
    case K::SentOn: return "SENTON";
    case K::SentSince: return "SENTSINCE";
    case K::Since: return "SINCE";
    case K::Smaller: return "SMALLER";
    case K::Subject: return "SUBJECT";
    case K::Text: return "TEXT";
    case K::To: return "TO";
    case K::Uid: return "UID";
    case K::Unanswered: return "UNANSWERED";
    case K::Undeleted: return "UNDELETED";
    case K::Undraft: return "UNDRAFT";
    case K::Unflagged: return "UNFLAGGED";
    case K::Unkeyword: return "UNKEYWORD";
    case K::Unseen: return "UNSEEN";
    case K::ModSeq: return "MODSEQ";
    case K::SequenceSet: case K::And: return "";
  }
  return "ALL";
}

void write_search_keys(Out& out, const std::vector<SearchKey>& keys);

// search-key (RFC 3501 §9; MODSEQ RFC 4551 §3.4 without the optional entry name).
void write_search_key(Out& out, const SearchKey& key) {
  using K = SearchKey::Kind;
  switch (key.kind) {
    case K::SequenceSet: out.sequence_set(key.set); return;
    case K::And:
      out.ch('(');
      write_search_keys(out, key.children);
      out.ch(')');
      return;
    default: break;
  }
  out.raw(search_word(key.kind));
  switch (key.kind) {
    case K::Bcc: case K::Body: case K::Cc: case K::From: case K::Subject: case K::Text: case K::To:
      out.sp();
      out.astring(key.value);
      return;
    case K::Header:
      out.sp();
      out.astring(key.field);
      out.sp();
      out.astring(key.value);
      return;
    case K::Keyword: case K::Unkeyword:
      out.sp();
      out.raw(key.value);
      return;
    case K::Before: case K::On: case K::Since: case K::SentBefore: case K::SentOn: case K::SentSince:
      out.sp();
      out.date(key.date);
      return;
    case K::Larger: case K::Smaller: case K::ModSeq:
      out.sp();
      out.number(key.number);
      return;
    case K::Uid:
      out.sp();
      out.sequence_set(key.set);
      return;
    case K::Not: case K::Or:
      for (const SearchKey& child : key.children) {
        out.sp();
        write_search_key(out, child);
      }
      return;
    default: return;
  }
}

void write_search_keys(Out& out, const std::vector<SearchKey>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out.sp();
    write_search_key(out, keys[i]);
  }
}

const char* notify_event_name(NotifyEventKind kind) {
  using K = NotifyEventKind;
  switch (kind) {
    case K::MessageNew: return "MessageNew";
    case K::MessageExpunge: return "MessageExpunge";
    case K::FlagChange: return "FlagChange";
    case K::AnnotationChange: return "AnnotationChange";
    case K::MailboxName: return "MailboxName";
    case K::SubscriptionChange: return "SubscriptionChange";
    case K::MailboxMetadataChange: return "MailboxMetadataChange";
    case K::ServerMetadataChange: return "ServerMetadataChange";
    case K::MailboxCreate: return "MailboxCreate";
    case K::MailboxDelete: return "MailboxDelete";
    case K::MailboxRename: return "MailboxRename";
    case K::QuotaExceed: return "QuotaExceed";
    case K::QuotaWithin: return "QuotaWithin";
    case K::QuotaChange: return "QuotaChange";
    case K::Other: return "";
  }
  return "";
}

// filter-mailboxes (RFC 5465 §8); one mailbox is written bare, several in parentheses.
void write_notify_filter(Out& out, const NotifyFilter& filter) {
  using K = NotifyFilter::Kind;
  switch (filter.kind) {
    case K::Selected: out.raw("selected"); return;
    case K::SelectedDelayed: out.raw("selected-delayed"); return;
    case K::Inboxes: out.raw("inboxes"); return;
    case K::Personal: out.raw("personal"); return;
    case K::Subscribed: out.raw("subscribed"); return;
    case K::Subtree: out.raw("subtree "); break;
    case K::Mailboxes: out.raw("mailboxes "); break;
  }
  if (filter.mailboxes.size() == 1) {
    out.mailbox(filter.mailboxes.front());
    return;
  }
  out.ch('(');
  for (std::size_t i = 0; i < filter.mailboxes.size(); ++i) {
    if (i > 0) out.sp();
    out.mailbox(filter.mailboxes[i]);
  }
  out.ch(')');
}

// event-group: "(" filter-mailboxes SP events ")" (RFC 5465 §8).
void write_notify_group(Out& out, const NotifyEventGroup& group) {
  out.ch('(');
  write_notify_filter(out, group.filter);
  out.sp();
  if (!group.events) {
    out.raw("NONE");
  } else {
    out.ch('(');
    for (std::size_t i = 0; i < group.events->size(); ++i) {
      const NotifyEvent& event = (*group.events)[i];
      if (i > 0) out.sp();
      out.raw(event.kind == NotifyEventKind::Other ? event.name.c_str() : notify_event_name(event.kind));
      if (event.kind == NotifyEventKind::MessageNew && !event.fetch_atts.empty()) {
        out.sp();
        write_fetch_att_list(out, event.fetch_atts);
      }
    }
    out.ch(')');
  }
  out.ch(')');
}

struct CommandArgsWriter {
  Out& out;
  const Command& command;

  void operator()(const NoArgs&) const {}
  void operator()(const LoginArgs& a) const {
    out.sp();
    out.astring(a.user);
    out.sp();
    out.astring(a.password);
  }
  void operator()(const AuthenticateArgs& a) const {
    out.sp();
    out.raw(a.mechanism);
    if (a.initial_response) {
      out.sp();
      out.raw(*a.initial_response);
    }
  }
  void operator()(const MailboxArgs& a) const {
    out.sp();
    out.mailbox(a.mailbox);
    if (a.condstore) out.raw(" (CONDSTORE)");
  }
  void operator()(const RenameArgs& a) const {
    out.sp();
    out.mailbox(a.from);
    out.sp();
    out.mailbox(a.to);
  }
  void operator()(const ListArgs& a) const {
    if (!a.select_options.empty()) {
      out.sp();
      out.atom_list(a.select_options);
    }
    out.sp();
    out.astring(encode_mailbox(a.reference));  // reference is a mailbox: no wildcards unquoted
    out.sp();
    if (a.patterns_parenthesized) {
      out.ch('(');
      for (std::size_t i = 0; i < a.patterns.size(); ++i) {
        if (i > 0) out.sp();
        out.list_mailbox(a.patterns[i]);
      }
      out.ch(')');
    } else {
      out.list_mailbox(a.patterns.empty() ? std::string() : a.patterns.front());
    }
    if (!a.return_options.empty() || !a.return_status.empty()) write_return(a);
  }
  // RETURN (opts [STATUS (items)]) of RFC 5258 §3 and RFC 5819.
  void write_return(const ListArgs& a) const {
    out.raw(" RETURN (");
    out.atoms_spaced(a.return_options);
    if (!a.return_status.empty()) {
      if (!a.return_options.empty()) out.sp();
      out.raw("STATUS ");
      status_items(a.return_status);
    }
    out.ch(')');
  }
  void status_items(const std::vector<StatusItem>& items) const {
    out.ch('(');
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out.sp();
      out.raw(status_item_name(items[i]));
    }
    out.ch(')');
  }
  void operator()(const StatusArgs& a) const {
    out.sp();
    out.mailbox(a.mailbox);
    out.sp();
    status_items(a.items);
  }
  void operator()(const AppendArgs& a) const {
    out.sp();
    out.mailbox(a.mailbox);
    if (a.flags) {
      out.sp();
      out.atom_list(*a.flags);
    }
    if (a.date) {
      out.sp();
      out.date_time(*a.date);
    }
    out.sp();
    out.literal(a.message);  // append-data is always a literal (RFC 3501 §9)
  }
  void operator()(const SearchArgs& a) const {
    if (a.charset) {
      out.raw(" CHARSET ");
      out.astring(*a.charset);
    }
    for (const SearchKey& key : a.keys) {
      out.sp();
      write_search_key(out, key);
    }
  }
  void operator()(const FetchArgs& a) const {
    out.sp();
    out.sequence_set(a.set);
    out.sp();
    switch (a.macro) {
      case FetchMacro::All: out.raw("ALL"); break;
      case FetchMacro::Fast: out.raw("FAST"); break;
      case FetchMacro::Full: out.raw("FULL"); break;
      case FetchMacro::None:
        if (a.atts_parenthesized || a.atts.size() != 1) {
          write_fetch_att_list(out, a.atts);
        } else {
          write_fetch_att(out, a.atts.front());
        }
        break;
    }
    if (a.changed_since) {
      out.raw(" (CHANGEDSINCE ");
      out.number(*a.changed_since);
      out.ch(')');
    }
  }
  void operator()(const StoreArgs& a) const {
    out.sp();
    out.sequence_set(a.set);
    if (a.unchanged_since) {
      out.raw(" (UNCHANGEDSINCE ");
      out.number(*a.unchanged_since);
      out.ch(')');
    }
    out.sp();
    if (a.mode == StoreMode::Add) out.ch('+');
    if (a.mode == StoreMode::Remove) out.ch('-');
    out.raw(a.silent ? "FLAGS.SILENT " : "FLAGS ");
    if (a.flags_parenthesized || a.flags.empty()) {
      out.atom_list(a.flags);
    } else {
      out.atoms_spaced(a.flags);
    }
  }
  void operator()(const CopyArgs& a) const {
    out.sp();
    out.sequence_set(a.set);
    out.sp();
    out.mailbox(a.mailbox);
  }
  void operator()(const SetArgs& a) const {
    out.sp();
    out.sequence_set(a.set);
  }
  void operator()(const EnableArgs& a) const {
    for (const std::string& cap : a.capabilities) {
      out.sp();
      out.raw(cap);
    }
  }
  void operator()(const NotifyArgs& a) const {
    switch (a.mode) {
      case NotifyArgs::Mode::None: out.raw(" NONE"); return;
      case NotifyArgs::Mode::Set: out.raw(" SET"); break;
      case NotifyArgs::Mode::Add: out.raw(" ADD"); break;
    }
    if (a.status) out.raw(" STATUS");
    for (const NotifyEventGroup& group : a.groups) {
      out.sp();
      write_notify_group(out, group);
    }
  }
  void operator()(const AclArgs& a) const {
    out.sp();
    out.mailbox(a.mailbox);
    out.sp();
    out.astring(a.identifier);
    if (command.kind == CommandKind::SetAcl) {
      out.sp();
      out.astring(a.rights);
    }
  }
};

void write_command_into(Out& out, const Command& command) {
  out.raw(command.tag);
  out.sp();
  if (command.uid || command.kind == CommandKind::UidExpunge) out.raw("UID ");
  out.raw(command_name(command.kind));
  std::visit(CommandArgsWriter{out, command}, command.args);
  out.crlf();
}

// ---------------------------------------------------------------------------------------------------------
// Responses

const char* condition_name(Condition c) {
  switch (c) {
    case Condition::Ok: return "OK";
    case Condition::No: return "NO";
    case Condition::Bad: return "BAD";
    case Condition::Bye: return "BYE";
    case Condition::Preauth: return "PREAUTH";
  }
  return "OK";
}

// resp-text-code (RFC 3501 §9, RFC 4315 §4, RFC 4551 §4, RFC 5465 §8, RFC 2060 NEWNAME).
void write_response_code(Out& out, const ResponseCode& code) {
  const std::string_view name = code.name;
  out.raw(name);
  if (name == "UIDNEXT" || name == "UIDVALIDITY" || name == "UNSEEN" || name == "HIGHESTMODSEQ") {
    out.sp();
    out.number(code.number.value_or(0));
  } else if (name == "APPENDUID" || name == "COPYUID") {
    out.sp();
    out.number(code.number.value_or(0));
    out.sp();
    out.sequence_set(code.set1);
    if (name == "COPYUID") {
      out.sp();
      out.sequence_set(code.set2);
    }
  } else if (name == "PERMANENTFLAGS" || name == "BADEVENT") {
    out.sp();
    out.atom_list(code.list);
  } else if (name == "BADCHARSET") {
    if (!code.list.empty()) {
      out.sp();
      out.ch('(');
      for (std::size_t i = 0; i < code.list.size(); ++i) {
        if (i > 0) out.sp();
        out.astring(code.list[i]);
      }
      out.ch(')');
    }
  } else if (name == "CAPABILITY") {
    for (const std::string& cap : code.list) {
      out.sp();
      out.raw(cap);
    }
  } else if (name == "NEWNAME") {
    // Quoted, never atoms: an atom before "]" would absorb it, since "]" is an ASTRING-CHAR.
    for (const std::string& mailbox : code.list) {
      out.sp();
      out.quoted(mailbox == "INBOX" ? mailbox : encode_mailbox(mailbox));
    }
  } else if (name == "MODIFIED") {
    out.sp();
    out.sequence_set(code.set1);
  } else if (!code.text.empty()) {
    out.sp();
    out.raw(code.text);
  }
}

void write_status_response(Out& out, const StatusResponse& r) {
  out.raw(condition_name(r.condition));
  if (r.code) {
    out.raw(" [");
    write_response_code(out, *r.code);
    out.ch(']');
  }
  if (!r.text.empty()) {
    out.sp();
    out.raw(r.text);
  }
}

// mailbox-list (RFC 3501 §9) with RFC 5258 §9 mbox-list-extended.
void write_list(Out& out, const ListData& d) {
  out.raw(d.lsub ? "LSUB " : "LIST ");
  out.atom_list(d.attributes);
  out.sp();
  out.delimiter(d.delimiter);
  out.sp();
  out.mailbox(d.mailbox);
  if (d.child_info.empty() && !d.old_name) return;
  out.raw(" (");
  if (!d.child_info.empty()) {
    out.raw("\"CHILDINFO\" (");
    for (std::size_t i = 0; i < d.child_info.size(); ++i) {
      if (i > 0) out.sp();
      out.string(d.child_info[i]);
    }
    out.ch(')');
    if (d.old_name) out.sp();
  }
  if (d.old_name) {
    out.raw("\"OLDNAME\" (");
    out.mailbox(*d.old_name);
    out.ch(')');
  }
  out.ch(')');
}

void write_status_data(Out& out, const StatusData& d) {
  out.raw("STATUS ");
  out.mailbox(d.mailbox);
  out.raw(" (");
  for (std::size_t i = 0; i < d.items.size(); ++i) {
    if (i > 0) out.sp();
    out.raw(status_item_name(d.items[i].first));
    out.sp();
    out.number(d.items[i].second);
  }
  out.ch(')');
}

void write_search_data(Out& out, const SearchData& d) {
  out.raw("SEARCH");
  for (const std::uint32_t n : d.numbers) {
    out.sp();
    out.number(n);
  }
  if (d.modseq) {
    out.raw(" (MODSEQ ");
    out.number(*d.modseq);
    out.ch(')');
  }
}

// Generic parenthesized data of ENVELOPE, BODY and BODYSTRUCTURE: strings are always quoted or literal so
// that they never read back as NIL or a number.
void write_svalue(Out& out, const SValue& v) {
  switch (v.kind) {
    case SValue::Kind::Nil: out.raw("NIL"); return;
    case SValue::Kind::Number: out.number(v.number); return;
    case SValue::Kind::String: out.string(v.string); return;
    case SValue::Kind::List:
      out.ch('(');
      for (std::size_t i = 0; i < v.list.size(); ++i) {
        if (i > 0) out.sp();
        write_svalue(out, v.list[i]);
      }
      out.ch(')');
      return;
  }
}

// msg-att (RFC 3501 §9, RFC 4551 §3.3.2).
void write_msg_att(Out& out, const MsgAtt& a) {
  using K = MsgAtt::Kind;
  switch (a.kind) {
    case K::Flags: out.raw("FLAGS "); out.atom_list(a.flags); return;
    case K::Uid: out.raw("UID "); out.number(a.number); return;
    case K::InternalDate: out.raw("INTERNALDATE "); out.date_time(a.date); return;
    case K::Rfc822Size: out.raw("RFC822.SIZE "); out.number(a.number); return;
    case K::Envelope: out.raw("ENVELOPE "); write_svalue(out, a.value); return;
    case K::Body: out.raw("BODY "); write_svalue(out, a.value); return;
    case K::BodyStructure: out.raw("BODYSTRUCTURE "); write_svalue(out, a.value); return;
    case K::Rfc822: out.raw("RFC822 "); out.nstring(a.data); return;
    case K::Rfc822Header: out.raw("RFC822.HEADER "); out.nstring(a.data); return;
    case K::Rfc822Text: out.raw("RFC822.TEXT "); out.nstring(a.data); return;
    case K::ModSeq: out.raw("MODSEQ ("); out.number(a.number); out.ch(')'); return;
    case K::BodySection:
      out.raw("BODY");
      out.section(a.section);
      if (a.origin) {
        out.ch('<');
        out.number(*a.origin);
        out.ch('>');
      }
      out.sp();
      out.nstring(a.data);
      return;
  }
}

void write_fetch_data(Out& out, const FetchData& d) {
  out.number(d.number);
  out.raw(" FETCH (");
  for (std::size_t i = 0; i < d.atts.size(); ++i) {
    if (i > 0) out.sp();
    write_msg_att(out, d.atts[i]);
  }
  out.ch(')');
}

void write_number_data(Out& out, const NumberData& d) {
  out.number(d.number);
  switch (d.kind) {
    case NumberData::Kind::Exists: out.raw(" EXISTS"); return;
    case NumberData::Kind::Recent: out.raw(" RECENT"); return;
    case NumberData::Kind::Expunge: out.raw(" EXPUNGE"); return;
  }
}

void write_atoms_data(Out& out, const AtomsData& d) {
  switch (d.kind) {
    case AtomsData::Kind::Capability: out.raw("CAPABILITY"); break;
    case AtomsData::Kind::Enabled: out.raw("ENABLED"); break;
    case AtomsData::Kind::Flags:
      out.raw("FLAGS ");
      out.atom_list(d.atoms);
      return;
  }
  for (const std::string& atom : d.atoms) {
    out.sp();
    out.raw(atom);
  }
}

void write_vanished(Out& out, const VanishedData& d) {
  out.raw(d.earlier ? "VANISHED (EARLIER) " : "VANISHED ");
  out.sequence_set(d.uids);
}

// ACL, LISTRIGHTS and MYRIGHTS responses (RFC 4314 §3.6-3.8).
void write_acl(Out& out, const AclData& d) {
  switch (d.kind) {
    case AclData::Kind::Acl:
      out.raw("ACL ");
      out.mailbox(d.mailbox);
      for (const auto& [identifier, rights] : d.entries) {
        out.sp();
        out.astring(identifier);
        out.sp();
        out.astring(rights);
      }
      return;
    case AclData::Kind::ListRights:
      out.raw("LISTRIGHTS ");
      out.mailbox(d.mailbox);
      out.sp();
      out.astring(d.identifier);
      for (const std::string& rights : d.rights) {
        out.sp();
        out.astring(rights);
      }
      return;
    case AclData::Kind::MyRights:
      out.raw("MYRIGHTS ");
      out.mailbox(d.mailbox);
      out.sp();
      out.astring(d.rights.empty() ? std::string() : d.rights.front());
      return;
  }
}

// Namespace (RFC 2342 §5): NIL or "(" 1*( "(" string SP (<"> QUOTED_CHAR <"> / nil) ")" ) ")".
void write_namespace_list(Out& out, const std::optional<std::vector<NamespaceData::Entry>>& list) {
  if (!list) {
    out.raw("NIL");
    return;
  }
  out.ch('(');
  for (const NamespaceData::Entry& entry : *list) {
    out.ch('(');
    out.string(encode_mailbox(entry.prefix));
    out.sp();
    out.delimiter(entry.delimiter);
    out.ch(')');
  }
  out.ch(')');
}

void write_namespace(Out& out, const NamespaceData& d) {
  out.raw("NAMESPACE ");
  write_namespace_list(out, d.personal);
  out.sp();
  write_namespace_list(out, d.other);
  out.sp();
  write_namespace_list(out, d.shared);
}

struct ResponseBodyWriter {
  Out& out;
  void operator()(const StatusResponse& r) const { write_status_response(out, r); }
  void operator()(const ListData& d) const { write_list(out, d); }
  void operator()(const StatusData& d) const { write_status_data(out, d); }
  void operator()(const SearchData& d) const { write_search_data(out, d); }
  void operator()(const FetchData& d) const { write_fetch_data(out, d); }
  void operator()(const NumberData& d) const { write_number_data(out, d); }
  void operator()(const AtomsData& d) const { write_atoms_data(out, d); }
  void operator()(const VanishedData& d) const { write_vanished(out, d); }
  void operator()(const AclData& d) const { write_acl(out, d); }
  void operator()(const NamespaceData& d) const { write_namespace(out, d); }
  void operator()(const ContinuationData& d) const {
    out.raw(d.text);
  }
};

}  // namespace

std::string write_command(const Command& command, LiteralStyle style) {
  std::string buf;
  buf.reserve(command_reserve_bytes);
  Out out(buf, style, /*response=*/false);
  write_command_into(out, command);
  return buf;
}

std::vector<std::string> write_command_parts(const Command& command, LiteralStyle style) {
  std::string buf;
  buf.reserve(command_reserve_bytes);
  Out out(buf, style, /*response=*/false);
  write_command_into(out, command);
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (const std::size_t split : out.split_points()) {
    parts.emplace_back(buf, begin, split - begin);
    begin = split;
  }
  parts.emplace_back(buf, begin);
  return parts;
}

std::string write_response(const Response& response) {
  std::string buf;
  buf.reserve(response_reserve_bytes);
  append_response(buf, response);
  return buf;
}

void append_response(std::string& buf, const Response& response) {
  Out out(buf, LiteralStyle::Synchronizing, /*response=*/true);
  if (std::holds_alternative<ContinuationData>(response.body)) {
    out.raw("+ ");
  } else if (response.untagged) {
    out.raw("* ");
  } else {
    out.raw(response.tag);
    out.sp();
  }
  std::visit(ResponseBodyWriter{out}, response.body);
  out.crlf();
}

}  // namespace imaplab::proto
