// The IMAP command as a value (RFC 3501 §6 and the extensions imaplab speaks): what the command parser
// produces, what the command writer serializes, and what the model executes.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/types.hpp"

namespace imaplab::proto {

enum class CommandKind {
  // Any state (RFC 3501 §6.1)
  Capability, Noop, Logout,
  // Not authenticated (§6.2)
  StartTls, Authenticate, Login,
  // Authenticated (§6.3)
  Select, Examine, Create, Delete, Rename, Subscribe, Unsubscribe, List, Lsub, Status, Append,
  Namespace,                                   // RFC 2342
  Enable,                                      // RFC 5161
  Idle,                                        // RFC 2177
  Notify,                                      // RFC 5465
  SetAcl, DeleteAcl, GetAcl, ListRights, MyRights,  // RFC 4314
  // Selected (§6.4)
  Check, Close, Unselect, Expunge, Search, Fetch, Store, Copy, Move,  // Unselect RFC 3691, Move RFC 6851
  UidExpunge,                                  // RFC 4315: only as "UID EXPUNGE"
};

struct NoArgs {
  bool operator==(const NoArgs&) const = default;
};
struct LoginArgs {
  std::string user, password;
  bool operator==(const LoginArgs&) const = default;
};
struct AuthenticateArgs {
  std::string mechanism;                       // upper-cased, e.g. "PLAIN"
  std::optional<std::string> initial_response; // RFC 4959 SASL-IR, base64 as sent ("=" for empty)
  bool operator==(const AuthenticateArgs&) const = default;
};
// SELECT, EXAMINE, CREATE, DELETE, SUBSCRIBE, UNSUBSCRIBE, GETACL, MYRIGHTS.
struct MailboxArgs {
  std::string mailbox;     // decoded from modified UTF-7 (§5.1.3); "INBOX" in any case becomes "INBOX"
  bool condstore = false;  // SELECT/EXAMINE (CONDSTORE) parameter, RFC 4551 §3.1
  bool operator==(const MailboxArgs&) const = default;
};
struct RenameArgs {
  std::string from, to;
  bool operator==(const RenameArgs&) const = default;
};
// LIST and LSUB, with RFC 5258 LIST-EXTENDED selection and return options (upper-cased atoms).
struct ListArgs {
  std::vector<std::string> select_options;     // e.g. "SUBSCRIBED", "RECURSIVEMATCH"
  std::string reference;
  std::vector<std::string> patterns;           // one unless the extended form "(p1 p2)" was used
  bool patterns_parenthesized = false;
  std::vector<std::string> return_options;     // e.g. "SUBSCRIBED", "CHILDREN"
  std::vector<StatusItem> return_status;       // RETURN (STATUS (...)), RFC 5819
  bool operator==(const ListArgs&) const = default;
};
struct StatusArgs {
  std::string mailbox;
  std::vector<StatusItem> items;
  bool operator==(const StatusArgs&) const = default;
};
struct AppendArgs {
  std::string mailbox;
  std::optional<std::vector<std::string>> flags;  // nullopt: no flag list given
  std::optional<DateTime> date;
  std::string message;                            // the literal's bytes
  bool operator==(const AppendArgs&) const = default;
};
struct SearchArgs {
  std::optional<std::string> charset;
  std::vector<SearchKey> keys;  // the top-level keys, ANDed
  bool operator==(const SearchArgs&) const = default;
};
struct FetchArgs {
  SequenceSet set;
  FetchMacro macro = FetchMacro::None;  // when not None, `atts` is empty
  std::vector<FetchAtt> atts;
  bool atts_parenthesized = false;      // "(FLAGS)" versus "FLAGS"
  std::optional<std::uint64_t> changed_since;  // RFC 4551 §3.3.1
  bool operator==(const FetchArgs&) const = default;
};
enum class StoreMode { Replace, Add, Remove };
struct StoreArgs {
  SequenceSet set;
  std::optional<std::uint64_t> unchanged_since;  // RFC 4551 §3.2
  StoreMode mode = StoreMode::Replace;
  bool silent = false;
  std::vector<std::string> flags;
  bool flags_parenthesized = true;
  bool operator==(const StoreArgs&) const = default;
};
// COPY and MOVE.
struct CopyArgs {
  SequenceSet set;
  std::string mailbox;
  bool operator==(const CopyArgs&) const = default;
};
// UID EXPUNGE.
struct SetArgs {
  SequenceSet set;
  bool operator==(const SetArgs&) const = default;
};
struct EnableArgs {
  std::vector<std::string> capabilities;  // upper-cased
  bool operator==(const EnableArgs&) const = default;
};
struct NotifyArgs {
  enum class Mode { Set, None, Add /* seed draft */ };
  Mode mode = Mode::None;
  bool status = false;
  std::vector<NotifyEventGroup> groups;
  bool operator==(const NotifyArgs&) const = default;
};
// SETACL (mailbox identifier rights), DELETEACL (mailbox identifier), LISTRIGHTS (mailbox identifier).
struct AclArgs {
  std::string mailbox;
  std::string identifier;
  std::string rights;  // SETACL only; may start with '+' or '-'
  bool operator==(const AclArgs&) const = default;
};

using CommandArgs = std::variant<NoArgs, LoginArgs, AuthenticateArgs, MailboxArgs, RenameArgs, ListArgs,
                                 StatusArgs, AppendArgs, SearchArgs, FetchArgs, StoreArgs, CopyArgs, SetArgs,
                                 EnableArgs, NotifyArgs, AclArgs>;

struct Command {
  std::string tag;
  CommandKind kind = CommandKind::Noop;
  bool uid = false;  // the "UID" prefix (RFC 3501 §6.4.8): COPY, MOVE, FETCH, STORE, SEARCH, EXPUNGE
  CommandArgs args;
  bool operator==(const Command&) const = default;
};

// The command's name as IMAP spells it ("UID FETCH" is "FETCH" with uid set).
const char* command_name(CommandKind kind);

}  // namespace imaplab::proto
