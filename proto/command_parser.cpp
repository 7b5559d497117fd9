// The incremental command parser: the framer collects one command's lines and literals, then a
// recursive-descent reader turns the whole command into a Command (RFC 3501 §9 and the extensions of command.hpp).
#include "proto/command_parser.hpp"

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

struct NamedKind {
  std::string_view name;
  CommandKind kind;
};
// Ordered roughly by how often clients send them.
constexpr NamedKind command_names[] = {
    {"FETCH", CommandKind::Fetch}, {"STORE", CommandKind::Store},
    {"NOOP", CommandKind::Noop}, {"SEARCH", CommandKind::Search}, {"SELECT", CommandKind::Select},
    {"IDLE", CommandKind::Idle}, {"EXPUNGE", CommandKind::Expunge}, {"COPY", CommandKind::Copy},
    {"MOVE", CommandKind::Move}, {"STATUS", CommandKind::Status}, {"LIST", CommandKind::List},
    {"APPEND", CommandKind::Append}, {"EXAMINE", CommandKind::Examine}, {"CREATE", CommandKind::Create},
    {"DELETE", CommandKind::Delete}, {"RENAME", CommandKind::Rename}, {"NOTIFY", CommandKind::Notify},
    {"LOGIN", CommandKind::Login}, {"LOGOUT", CommandKind::Logout}, {"CAPABILITY", CommandKind::Capability},
    {"CHECK", CommandKind::Check}, {"CLOSE", CommandKind::Close}, {"UNSELECT", CommandKind::Unselect},
    {"SUBSCRIBE", CommandKind::Subscribe}, {"UNSUBSCRIBE", CommandKind::Unsubscribe},
    {"LSUB", CommandKind::Lsub}, {"NAMESPACE", CommandKind::Namespace}, {"ENABLE", CommandKind::Enable},
    {"STARTTLS", CommandKind::StartTls}, {"AUTHENTICATE", CommandKind::Authenticate},
    {"SETACL", CommandKind::SetAcl}, {"DELETEACL", CommandKind::DeleteAcl}, {"GETACL", CommandKind::GetAcl},
    {"LISTRIGHTS", CommandKind::ListRights}, {"MYRIGHTS", CommandKind::MyRights},
};

enum class KeyArg { None, AString, Date, Number, Key, TwoKeys, Header, Flag, Set, ModSeq };
struct NamedKey {
  std::string_view name;
  SearchKey::Kind kind;
  KeyArg arg;
};
using K = SearchKey::Kind;
constexpr NamedKey search_keys[] = {
    {"ALL", K::All, KeyArg::None}, {"ANSWERED", K::Answered, KeyArg::None}, {"BCC", K::Bcc, KeyArg::AString},
    {"BEFORE", K::Before, KeyArg::Date}, {"BODY", K::Body, KeyArg::AString}, {"CC", K::Cc, KeyArg::AString},
    {"DELETED", K::Deleted, KeyArg::None}, {"DRAFT", K::Draft, KeyArg::None},
    {"FLAGGED", K::Flagged, KeyArg::None}, {"FROM", K::From, KeyArg::AString},
    {"HEADER", K::Header, KeyArg::Header}, {"KEYWORD", K::Keyword, KeyArg::Flag},
    {"LARGER", K::Larger, KeyArg::Number}, {"NEW", K::New, KeyArg::None}, {"NOT", K::Not, KeyArg::Key},
    {"OLD", K::Old, KeyArg::None}, {"ON", K::On, KeyArg::Date}, {"OR", K::Or, KeyArg::TwoKeys},
    {"RECENT", K::Recent, KeyArg::None}, {"SEEN", K::Seen, KeyArg::None},
    {"SENTBEFORE", K::SentBefore, KeyArg::Date}, {"SENTON", K::SentOn, KeyArg::Date},
    {"SENTSINCE", K::SentSince, KeyArg::Date}, {"SINCE", K::Since, KeyArg::Date},
    {"SMALLER", K::Smaller, KeyArg::Number}, {"SUBJECT", K::Subject, KeyArg::AString},
    {"TEXT", K::Text, KeyArg::AString}, {"TO", K::To, KeyArg::AString}, {"UID", K::Uid, KeyArg::Set},
    {"UNANSWERED", K::Unanswered, KeyArg::None}, {"UNDELETED", K::Undeleted, KeyArg::None},
    {"UNDRAFT", K::Undraft, KeyArg::None}, {"UNFLAGGED", K::Unflagged, KeyArg::None},
    {"UNKEYWORD", K::Unkeyword, KeyArg::Flag}, {"UNSEEN", K::Unseen, KeyArg::None},
    {"MODSEQ", K::ModSeq, KeyArg::ModSeq},
};

struct NamedEvent {
  std::string_view name;
  NotifyEventKind kind;
};
constexpr NamedEvent notify_events[] = {
    {"MESSAGENEW", NotifyEventKind::MessageNew}, {"MESSAGEEXPUNGE", NotifyEventKind::MessageExpunge},
    {"FLAGCHANGE", NotifyEventKind::FlagChange}, {"ANNOTATIONCHANGE", NotifyEventKind::AnnotationChange},
    {"MAILBOXNAME", NotifyEventKind::MailboxName}, {"SUBSCRIPTIONCHANGE", NotifyEventKind::SubscriptionChange},
    {"MAILBOXMETADATACHANGE", NotifyEventKind::MailboxMetadataChange},
    {"SERVERMETADATACHANGE", NotifyEventKind::ServerMetadataChange},
    {"MAILBOXCREATE", NotifyEventKind::MailboxCreate}, {"MAILBOXDELETE", NotifyEventKind::MailboxDelete},
    {"MAILBOXRENAME", NotifyEventKind::MailboxRename}, {"QUOTAEXCEED", NotifyEventKind::QuotaExceed},
    {"QUOTAWITHIN", NotifyEventKind::QuotaWithin}, {"QUOTACHANGE", NotifyEventKind::QuotaChange},
};

// Room reserved up front for the items of a typical list (fetch-atts, search keys, events), so the vector is
// allocated once; a capacity only, never a limit.
constexpr std::size_t list_reserve_items = 8;
// Search keys are big: 4 of them still fit a small allocation.
constexpr std::size_t search_reserve_keys = 4;  // the keys of a search or of a parenthesized search-key list

// Recursive descent over one complete command.
class CommandReader {
 public:
  explicit CommandReader(std::string_view message) : lx_(message) {}

  Command read() {
    Command cmd;
    cmd.tag = lx_.tag("expected tag (RFC 3501 §9)");
    tag_ = cmd.tag;
    lx_.sp();
    const std::string_view name = lx_.atom();
    if (iequals(name, "UID")) {
      cmd.uid = true;
      lx_.sp();
      read_uid_command(cmd);
    } else {
      cmd.kind = kind_of(name);
      read_args(cmd);
    }
    lx_.end_of_message();
    return cmd;
  }

  const std::optional<std::string>& tag() const { return tag_; }

 private:

  CommandKind kind_of(std::string_view name) {
    for (const auto& entry : command_names)
      if (iequals(name, entry.name)) return entry.kind;
    lx_.fail("unknown command (RFC 3501 §6)");
  }

  void read_uid_command(Command& cmd) {
    const std::string_view name = lx_.atom();
    if (iequals(name, "EXPUNGE")) {
      // RFC 4315 §2.1: UID EXPUNGE sequence-set.
      cmd.kind = CommandKind::UidExpunge;
      lx_.sp();
      cmd.args = SetArgs{lx_.sequence_set()};
      return;
    }
    cmd.kind = kind_of(name);
    if (cmd.kind != CommandKind::Copy && cmd.kind != CommandKind::Move && cmd.kind != CommandKind::Fetch &&
        cmd.kind != CommandKind::Search && cmd.kind != CommandKind::Store)
      lx_.fail("UID takes COPY, MOVE, FETCH, SEARCH, STORE or EXPUNGE (RFC 3501 §6.4.8)");
    read_args(cmd);
  }

  void read_args(Command& cmd) {
    switch (cmd.kind) {
      case CommandKind::Capability: case CommandKind::Noop: case CommandKind::Logout:
      case CommandKind::StartTls: case CommandKind::Check: case CommandKind::Close:
      case CommandKind::Unselect: case CommandKind::Expunge: case CommandKind::Namespace:
      case CommandKind::Idle:
        cmd.args = NoArgs{};
        return;
      case CommandKind::Authenticate: cmd.args = authenticate(); return;
      case CommandKind::Login: cmd.args = login(); return;
      case CommandKind::Select: case CommandKind::Examine: cmd.args = select(); return;
      case CommandKind::Create: case CommandKind::Delete: case CommandKind::Subscribe:
      case CommandKind::Unsubscribe: case CommandKind::GetAcl: case CommandKind::MyRights:
        lx_.sp();
        cmd.args = MailboxArgs{lx_.mailbox()};
        return;
      case CommandKind::Rename: cmd.args = rename(); return;
      case CommandKind::List: cmd.args = list(); return;
      case CommandKind::Lsub: cmd.args = lsub(); return;
      case CommandKind::Status: cmd.args = status(); return;
      case CommandKind::Append: cmd.args = append(); return;
      case CommandKind::Enable: cmd.args = enable(); return;
      case CommandKind::Notify: cmd.args = notify(); return;
      case CommandKind::SetAcl: case CommandKind::DeleteAcl: case CommandKind::ListRights:
        cmd.args = acl(cmd.kind == CommandKind::SetAcl);
        return;
      case CommandKind::Search: cmd.args = search(); return;
      case CommandKind::Fetch: cmd.args = fetch(); return;
      case CommandKind::Store: cmd.args = store(); return;
      case CommandKind::Copy: case CommandKind::Move: cmd.args = copy(); return;
      case CommandKind::UidExpunge: lx_.fail("EXPUNGE with a set needs UID (RFC 4315 §2.1)");
    }
  }

  // RFC 3501 §6.2.2, RFC 4959 SASL-IR.
  AuthenticateArgs authenticate() {
    AuthenticateArgs a;
    lx_.sp();
    a.mechanism = to_upper(lx_.atom());
    if (lx_.try_sp()) a.initial_response = std::string(lx_.atom());
    return a;
  }

  LoginArgs login() {
    LoginArgs a;
    lx_.sp();
    a.user = lx_.astring();
    lx_.sp();
    a.password = lx_.astring();
    return a;
  }

  // SELECT/EXAMINE mailbox [SP "(" select-param ")"] (RFC 4466 §2.1, CONDSTORE RFC 4551 §3.1).
  MailboxArgs select() {
    MailboxArgs a;
    lx_.sp();
    a.mailbox = lx_.mailbox();
    if (lx_.try_sp()) {
      paren_list(lx_, false, [&] {
        if (!lx_.try_keyword("CONDSTORE")) lx_.fail("unknown select-param (RFC 4466 §2.1)");
        a.condstore = true;
      });
    }
    return a;
  }

  RenameArgs rename() {
    RenameArgs a;
    lx_.sp();
    a.from = lx_.mailbox();
    lx_.sp();
    a.to = lx_.mailbox();
    return a;
  }

  // A list-select-option or return-option atom (RFC 5258 §6): upper-cased.
  std::string option_atom() { return to_upper(lx_.atom()); }

  // LIST [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts] (RFC 5258 §6, RFC 5819).
  ListArgs list() {
    ListArgs a;
    lx_.sp();
    if (lx_.peek() == '(') {
      paren_list(lx_, true, [&] { a.select_options.push_back(option_atom()); });
      lx_.sp();
    }
    a.reference = lx_.decode_name(lx_.astring());
    lx_.sp();
    if (lx_.peek() == '(') {
      a.patterns_parenthesized = true;
      paren_list(lx_, false, [&] { a.patterns.push_back(lx_.list_mailbox()); });
    } else {
      a.patterns.push_back(lx_.list_mailbox());
    }
    if (lx_.try_sp()) {
      lx_.keyword("RETURN");
      lx_.sp();
      paren_list(lx_, true, [&] { list_return_option(a); });
    }
    return a;
  }

  void list_return_option(ListArgs& a) {
    std::string option = option_atom();
    if (option != "STATUS") {
      a.return_options.push_back(std::move(option));
      return;
    }
    // RFC 5819 §3: STATUS SP "(" status-att *(SP status-att) ")".
    lx_.sp();
    paren_list(lx_, false, [&] { a.return_status.push_back(status_att()); });
  }

  ListArgs lsub() {
    ListArgs a;
    lx_.sp();
    a.reference = lx_.decode_name(lx_.astring());
    lx_.sp();
    a.patterns.push_back(lx_.list_mailbox());
    return a;
  }

  StatusItem status_att() {
    const auto item = status_item(lx_.atom());
    if (!item) lx_.fail("unknown status-att (RFC 3501 §6.3.10)");
    return *item;
  }

  StatusArgs status() {
    StatusArgs a;
    lx_.sp();
    a.mailbox = lx_.mailbox();
    lx_.sp();
    paren_list(lx_, false, [&] { a.items.push_back(status_att()); });
    return a;
  }

  // APPEND mailbox [SP flag-list] [SP date-time] SP literal (RFC 3501 §6.3.11).
  AppendArgs append() {
    AppendArgs a;
    lx_.sp();
    a.mailbox = lx_.mailbox();
    lx_.sp();
    if (lx_.peek() == '(') {
      a.flags = lx_.flag_list();
      lx_.sp();
    }
    if (lx_.peek() == '"') {
      a.date = lx_.date_time();
      lx_.sp();
    }
    if (lx_.peek() != '{') lx_.fail("APPEND message must be a literal (RFC 3501 §6.3.11)");
    a.message = lx_.literal();
    return a;
  }

  EnableArgs enable() {
    EnableArgs a;
    // RFC 5161 §4: "ENABLE" 1*(SP capability).
    do {
      lx_.sp();
      if (a.capabilities.size() >= limits::list_items_max) lx_.fail("more than limits::list_items_max items");
      a.capabilities.push_back(to_upper(lx_.atom()));
    } while (lx_.peek() == ' ');
    return a;
  }

  AclArgs acl(bool with_rights) {
    AclArgs a;
    lx_.sp();
    a.mailbox = lx_.mailbox();
    lx_.sp();
    a.identifier = lx_.astring();
    if (with_rights) {
      lx_.sp();
      a.rights = lx_.astring();
    }
    return a;
  }

  // SEARCH [SP "CHARSET" SP astring] 1*(SP search-key) (RFC 3501 §6.4.4).
  SearchArgs search() {
    SearchArgs a;
    lx_.sp();
    if (lx_.try_keyword("CHARSET")) {
      lx_.sp();
      a.charset = lx_.astring();
      lx_.sp();
    }
    a.keys.reserve(search_reserve_keys);
    search_key(a.keys.emplace_back());
    while (lx_.try_sp()) {
      if (a.keys.size() >= limits::list_items_max) lx_.fail("more than limits::list_items_max search keys");
      search_key(a.keys.emplace_back());
    }
    return a;
  }

  // Fills `key`, a default SearchKey, in place. Children go into key.children, never into the vector that
  // holds `key`, so the reference stays valid.
  void search_key(SearchKey& key) {
    const char c = lx_.peek();
    if (c == '(') {
      key.kind = K::And;
      key.children.reserve(search_reserve_keys);
      paren_list(lx_, false, [&] { search_key(key.children.emplace_back()); });
      return;
    }
    if (c == '*' || (c >= '0' && c <= '9')) {
      key.kind = K::SequenceSet;
      key.set = lx_.sequence_set();
      return;
    }
    const std::string_view name = lx_.atom();
    for (const auto& entry : search_keys) {
      if (!iequals(name, entry.name)) continue;
      key.kind = entry.kind;
      search_key_arg(key, entry.arg);
      return;
    }
    lx_.fail("unknown search-key (RFC 3501 §6.4.4)");
  }

  void search_key_arg(SearchKey& key, KeyArg arg) {
    if (arg == KeyArg::None) return;
    lx_.sp();
    switch (arg) {
      case KeyArg::None: return;
      case KeyArg::AString: key.value = lx_.astring(); return;
      case KeyArg::Date: key.date = lx_.date(); return;
      case KeyArg::Number: key.number = lx_.number(); return;
      case KeyArg::Flag: key.value = std::string(lx_.atom()); return;
      case KeyArg::Set: key.set = lx_.sequence_set(); return;
      case KeyArg::Header:
        key.field = lx_.astring();
        lx_.sp();
        key.value = lx_.astring();
        return;
      case KeyArg::Key: {
        Nest nest(lx_);
        search_key(key.children.emplace_back());
        return;
      }
      case KeyArg::TwoKeys: {
        Nest nest(lx_);
        key.children.reserve(2);
        search_key(key.children.emplace_back());
        lx_.sp();
        search_key(key.children.emplace_back());
        return;
      }
      case KeyArg::ModSeq: modseq_key(key); return;
    }
  }

  // "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer (RFC 4551 §4); the entry is not kept.
  void modseq_key(SearchKey& key) {
    if (lx_.peek() == '"') {
      lx_.quoted();
      lx_.sp();
      const std::string_view type = lx_.atom();
      if (!iequals(type, "PRIV") && !iequals(type, "SHARED") && !iequals(type, "ALL"))
        lx_.fail("bad entry-type-req (RFC 4551 §4)");
      lx_.sp();
    }
    key.number = lx_.number64();
  }

  // FETCH sequence-set SP (macro / fetch-att / "(" fetch-att *(SP fetch-att) ")") [SP fetch-modifiers].
  FetchArgs fetch() {
    FetchArgs a;
    lx_.sp();
    a.set = lx_.sequence_set();
    lx_.sp();
    if (lx_.peek() == '(') {
      a.atts_parenthesized = true;
      a.atts.reserve(list_reserve_items);
      paren_list(lx_, false, [&] { fetch_att(a.atts.emplace_back()); });
    } else if (lx_.try_keyword("ALL")) {
      a.macro = FetchMacro::All;
    } else if (lx_.try_keyword("FAST")) {
      a.macro = FetchMacro::Fast;
    } else if (lx_.try_keyword("FULL")) {
      a.macro = FetchMacro::Full;
    } else {
      fetch_att(a.atts.emplace_back());
    }
    if (lx_.try_sp()) {
      // RFC 4551 §3.3.1: fetch-modifier "CHANGEDSINCE" SP mod-sequence-value.
      paren_list(lx_, false, [&] {
        lx_.keyword("CHANGEDSINCE");
        lx_.sp();
        a.changed_since = lx_.number64();
      });
    }
    return a;
  }

  // Fills `att`, a default FetchAtt, in place.
  void fetch_att(FetchAtt& att) {
    using FK = FetchAtt::Kind;
    const std::string_view w = lx_.word();
    if (iequals(w, "FLAGS")) att.kind = FK::Flags;
    else if (iequals(w, "UID")) att.kind = FK::Uid;
    else if (iequals(w, "BODY.PEEK") || (iequals(w, "BODY") && lx_.peek() == '[')) body_section(att, w.size() > 4);
    else if (iequals(w, "BODY")) att.kind = FK::Body;
    else if (iequals(w, "ENVELOPE")) att.kind = FK::Envelope;
    else if (iequals(w, "INTERNALDATE")) att.kind = FK::InternalDate;
    else if (iequals(w, "RFC822.SIZE")) att.kind = FK::Rfc822Size;
    else if (iequals(w, "BODYSTRUCTURE")) att.kind = FK::BodyStructure;
    else if (iequals(w, "MODSEQ")) att.kind = FK::ModSeq;
    else if (iequals(w, "RFC822")) att.kind = FK::Rfc822;
    else if (iequals(w, "RFC822.HEADER")) att.kind = FK::Rfc822Header;
    else if (iequals(w, "RFC822.TEXT")) att.kind = FK::Rfc822Text;
    else lx_.fail("unknown fetch-att (RFC 3501 §6.4.5)");
  }

  // BODY[section]<origin.length> and BODY.PEEK[...] (RFC 3501 §6.4.5).
  void body_section(FetchAtt& att, bool peek) {
    att.kind = FetchAtt::Kind::BodySection;
    att.peek = peek;
    att.section = lx_.section();
    if (lx_.try_char('<')) {
      Partial p;
      p.origin = lx_.number();
      lx_.expect('.', "'.' in partial");
      p.length = lx_.nz_number();
      lx_.expect('>', "'>' of partial");
      att.partial = p;
    }
  }

  // STORE sequence-set [SP "(" "UNCHANGEDSINCE" SP n ")"] SP store-att-flags (RFC 3501 §6.4.6, 4551 §3.2).
  StoreArgs store() {
    StoreArgs a;
    lx_.sp();
    a.set = lx_.sequence_set();
    lx_.sp();
    if (lx_.peek() == '(') {
      paren_list(lx_, false, [&] {
        lx_.keyword("UNCHANGEDSINCE");
        lx_.sp();
        a.unchanged_since = lx_.number64();
      });
      lx_.sp();
    }
    if (lx_.try_char('+')) a.mode = StoreMode::Add;
    else if (lx_.try_char('-')) a.mode = StoreMode::Remove;
    const std::string_view item = lx_.word();
    if (iequals(item, "FLAGS.SILENT")) a.silent = true;
    else if (!iequals(item, "FLAGS")) lx_.fail("expected FLAGS or FLAGS.SILENT (RFC 3501 §6.4.6)");
    lx_.sp();
    if (lx_.peek() == '(') {
      a.flags = lx_.flag_list();
      return a;
    }
    a.flags_parenthesized = false;
    a.flags.push_back(lx_.flag());
    while (lx_.try_sp()) {
      if (a.flags.size() >= limits::list_items_max) lx_.fail("more than limits::list_items_max flags");
      a.flags.push_back(lx_.flag());
    }
    return a;
  }

  CopyArgs copy() {
    CopyArgs a;
    lx_.sp();
    a.set = lx_.sequence_set();
    lx_.sp();
    a.mailbox = lx_.mailbox();
    return a;
  }

  // NOTIFY (SET [SP STATUS] / ADD [SP STATUS] / NONE) (RFC 5465 §8; ADD from the seed draft §7).
  NotifyArgs notify() {
    NotifyArgs a;
    lx_.sp();
    if (lx_.try_keyword("NONE")) return a;
    if (lx_.try_keyword("SET")) a.mode = NotifyArgs::Mode::Set;
    else if (lx_.try_keyword("ADD")) a.mode = NotifyArgs::Mode::Add;
    else lx_.fail("expected SET, ADD or NONE (RFC 5465 §8)");
    lx_.sp();
    if (lx_.try_keyword("STATUS")) {
      a.status = true;
      lx_.sp();
    }
    a.groups.push_back(event_group());
    while (lx_.try_sp()) {
      if (a.groups.size() >= limits::list_items_max) lx_.fail("more than limits::list_items_max event groups");
      a.groups.push_back(event_group());
    }
    return a;
  }

  // "(" filter-mailboxes SP events ")"
  NotifyEventGroup event_group() {
    NotifyEventGroup g;
    Nest nest(lx_);
    lx_.expect('(', "'(' of event-group (RFC 5465 §8)");
    g.filter = notify_filter();
    lx_.sp();
    if (lx_.peek() == '(') {
      g.events.emplace().reserve(list_reserve_items);
      paren_list(lx_, false, [&] { notify_event(g.events->emplace_back()); });
    } else if (!lx_.try_keyword("NONE")) {
      // The seed draft's examples (§3, §6) list the events without their parentheses.
      g.events.emplace().reserve(list_reserve_items);
      notify_event(g.events->emplace_back());
      while (lx_.try_sp()) {
        if (g.events->size() >= limits::list_items_max) lx_.fail("more than limits::list_items_max events");
        notify_event(g.events->emplace_back());
      }
    }
    lx_.expect(')', "')' of event-group (RFC 5465 §8)");
    return g;
  }

  NotifyFilter notify_filter() {
    using FK = NotifyFilter::Kind;
    NotifyFilter f;
    const std::string_view w = lx_.word();
    if (iequals(w, "SELECTED")) f.kind = FK::Selected;
    else if (iequals(w, "SELECTED-DELAYED")) f.kind = FK::SelectedDelayed;
    else if (iequals(w, "INBOXES")) f.kind = FK::Inboxes;
    else if (iequals(w, "PERSONAL")) f.kind = FK::Personal;
    else if (iequals(w, "SUBSCRIBED")) f.kind = FK::Subscribed;
    else if (iequals(w, "SUBTREE")) f.kind = FK::Subtree;
    else if (iequals(w, "MAILBOXES")) f.kind = FK::Mailboxes;
    else lx_.fail("unknown filter-mailboxes (RFC 5465 §8)");
    if (f.kind == FK::Subtree || f.kind == FK::Mailboxes) {
      lx_.sp();
      // one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")"
      if (lx_.peek() == '(') paren_list(lx_, false, [&] { f.mailboxes.push_back(lx_.mailbox()); });
      else f.mailboxes.push_back(lx_.mailbox());
    }
    return f;
  }

  // Fills `e`, a default NotifyEvent, in place.
  void notify_event(NotifyEvent& e) {
    const std::string_view name = lx_.atom();
    e.kind = NotifyEventKind::Other;
    for (const auto& entry : notify_events) {
      if (!iequals(name, entry.name)) continue;
      e.kind = entry.kind;  // the names are distinct: the first match is the only one
      break;
    }
    if (e.kind == NotifyEventKind::Other) e.name = std::string(name);
    if (e.kind == NotifyEventKind::MessageNew && at_list()) {
      lx_.sp();
      paren_list(lx_, false, [&] { fetch_att(e.fetch_atts.emplace_back()); });
    }
    // The seed draft's message-match-criteria "(" search-key ")" after MessageNew, FlagChange and
    // AnnotationChange; the model has no use for it, so it is read and dropped.
    const bool criteria = e.kind == NotifyEventKind::MessageNew || e.kind == NotifyEventKind::FlagChange ||
                          e.kind == NotifyEventKind::AnnotationChange;
    if (criteria && at_list()) {
      lx_.sp();
      paren_list(lx_, false, [&] {
        SearchKey dropped;
        search_key(dropped);
      });
    }
  }

  bool at_list() const { return lx_.peek() == ' ' && lx_.peek_at(1) == '('; }

  Lexer lx_;
  std::optional<std::string> tag_;
};

}  // namespace

struct CommandParser::Impl {
  detail::Framer framer{detail::Framer::Peer::Client};
};

CommandParser::CommandParser() : impl_(std::make_unique<Impl>()) {}
CommandParser::~CommandParser() = default;
CommandParser::CommandParser(CommandParser&&) noexcept = default;
CommandParser& CommandParser::operator=(CommandParser&&) noexcept = default;

CommandFeedResult CommandParser::feed(std::string_view bytes) {
  detail::Frame frame = impl_->framer.feed(bytes);
  switch (frame.kind) {
    case detail::FrameKind::NeedMore: return {frame.consumed, NeedMore{}};
    case detail::FrameKind::Continuation: return {frame.consumed, NeedContinuation{frame.literal_bytes}};
    case detail::FrameKind::RawLine: return {frame.consumed, RawLine{std::string(frame.bytes)}};
    case detail::FrameKind::Error:
      return {frame.consumed, ParseError{std::move(frame.tag), std::move(frame.error)}};
    case detail::FrameKind::Message: break;
  }
  CommandReader reader(frame.bytes);
  try {
    return {frame.consumed, reader.read()};
  } catch (const detail::SyntaxError& e) {
    return {frame.consumed, ParseError{reader.tag(), e.message}};
  }
}

void CommandParser::expect_line() { impl_->framer.expect_line(); }

std::size_t CommandParser::buffered_bytes() const { return impl_->framer.buffered_bytes(); }

std::variant<Command, ParseError> parse_command(std::string_view bytes) {
  const std::string_view whole = bytes;
  CommandParser parser;
  for (;;) {
    CommandFeedResult r = parser.feed(bytes);
    bytes.remove_prefix(r.consumed);
    if (std::holds_alternative<NeedContinuation>(r.event)) continue;
    if (auto* error = std::get_if<ParseError>(&r.event)) return std::move(*error);
    if (auto* cmd = std::get_if<Command>(&r.event)) {
      if (!bytes.empty()) return ParseError{cmd->tag, "data after the command's CRLF"};
      return std::move(*cmd);
    }
    return ParseError{detail::leading_tag(whole), "incomplete command: no CRLF"};
  }
}

}  // namespace imaplab::proto
