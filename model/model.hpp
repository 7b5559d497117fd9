// The reference IMAP semantics as one value: users, mailboxes, messages and every session's view. Given a
// session and a command it computes the new state, the responses for that session, and what every other
// session is now due to be told. Pure: no I/O, no clock, no threads, no randomness (DESIGN.md, "Layers").
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/bugs.hpp"
#include "model/policy.hpp"
#include "proto/command.hpp"
#include "proto/response.hpp"

namespace imaplab::model {

using SessionId = std::uint32_t;

struct User {
  std::string name;
  std::string password;
  bool operator==(const User&) const = default;
};

// Users loaded from a file of lines "name password" ('#' starts a comment).
std::optional<std::vector<User>> parse_users(std::string_view text, std::string* error = nullptr);

// What executing one command produced for the session that sent it.
struct Outcome {
  // Untagged responses in order, then (unless `continuation` is set) the tagged completion last.
  std::vector<proto::Response> responses;
  enum class Next {
    Continue,       // read the next command
    Close,          // LOGOUT done, or BYE sent: close the connection after writing
    StartTls,       // STARTTLS answered OK: the transport starts TLS before reading on
    Idle,           // IDLE answered "+ idling": read one line (DONE) with unsolicited updates flowing
    AuthContinue,   // AUTHENTICATE answered "+": read one raw line and pass it to authenticate_data()
  };
  Next next = Next::Continue;
};

// Configuration the model needs that is not policy.
struct ModelOptions {
  bool tls_active = false;           // LOGINDISABLED is advertised when plaintext login is not allowed
  bool allow_plaintext = true;
  std::uint32_t uidvalidity_base = 1;  // first UIDVALIDITY handed out; each new mailbox gets a higher one
  bool starttls_available = false;     // STARTTLS is advertised and accepted while TLS is not active
  BugSet bugs;                         // bug zoo: planted race bugs switched on (model/bugs.hpp); none by default
};

class Model {
 public:
  Model(Policy policy, std::vector<User> users, ModelOptions options = {});
  ~Model();
  Model(const Model&);  // deep copy: the model is a value (for differential checks and shrinking)
  Model& operator=(const Model&);
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;

  const Policy& policy() const;
  // The time APPEND uses when the client gives no date (the model reads no clock; the server sets it).
  void set_now(const proto::DateTime& now);

  // A new connection in the not-authenticated state, and its greeting ("* OK [CAPABILITY ...] ...").
  SessionId connect();
  proto::Response greeting(SessionId session) const;
  // The connection went away (LOGOUT or dropped): the session's holds on mailboxes are released.
  void disconnect(SessionId session);

  Outcome execute(SessionId session, const proto::Command& command);
  // The raw line after AUTHENTICATE's "+" (RFC 3501 §6.2.2).
  Outcome authenticate_data(SessionId session, const std::string& tag, const std::string& line);
  // DONE during IDLE (RFC 2177): the pending updates, then the IDLE command's tagged OK.
  Outcome idle_done(SessionId session, const std::string& tag);

  // Updates the session may be sent now, between commands: during IDLE, or when NOTIFY asked for them
  // (RFC 5465 §5; before any NOTIFY, nothing is sent between commands, RFC 3501 §5.2). Marks them told.
  // A BYE due to the session (delete=bye or rename=bye, RFC 2180 §3.3) is returned here at any time; after
  // it the session is over and the caller closes the connection.
  std::vector<proto::Response> unsolicited(SessionId session);
  bool has_unsolicited(SessionId session) const;

  // Server-initiated end of a session (autologout, overflow): the BYE line; the caller then disconnects.
  proto::Response bye(SessionId session, const std::string& text);
  // NOTIFICATIONOVERFLOW (RFC 5465 §5.8): "* OK [NOTIFICATIONOVERFLOW]" and the session behaves as after
  // NOTIFY NONE.
  proto::Response notification_overflow(SessionId session);

  // White-box views for checkers and tests.
  struct MailboxInfo {
    std::string name;  // full name, e.g. "INBOX", "shared/team"
    std::string owner;
    std::uint32_t uidvalidity = 0, uidnext = 0;
    std::uint64_t highestmodseq = 0;
    std::vector<std::uint32_t> uids;  // ascending
  };
  std::vector<MailboxInfo> mailboxes() const;
  // The same without `uids`: for checks that need only names, owners and UIDVALIDITYs.
  std::vector<MailboxInfo> mailbox_headers() const;
  std::optional<MailboxInfo> mailbox(const std::string& name) const;
  // The same without `uids` (left empty): what the checkers ask on most commands, in O(log n).
  std::optional<MailboxInfo> mailbox_header(const std::string& name) const;
  // A name as `user` sees it, read from the names themselves rather than LIST's code (LST-2, MBX-1):
  // whether it exists (placeholders too, visible or not), whether `user` may look it up ('l'), whether it is a
  // \Noselect placeholder, and whether a name below it exists that `user` may look up.
  struct NameInfo {
    bool exists = false, visible = false, noselect = false, visible_children = false;
  };
  NameInfo name_info(const std::string& user, const std::string& name) const;
  // The flags of one message (sorted), or nullopt when the mailbox or UID does not exist.
  std::optional<std::vector<std::string>> flags(const std::string& mailbox, std::uint32_t uid) const;
  // The INTERNALDATE of one message, or nullopt when the mailbox or UID does not exist (SEARCH checks, SRC-1).
  std::optional<proto::DateTime> internal_date(const std::string& mailbox, std::uint32_t uid) const;
  // The mod-sequence of one message (RFC 4551 §3.1), or nullopt as above (MOD-5).
  std::optional<std::uint64_t> modseq(const std::string& mailbox, std::uint32_t uid) const;
  // The UIDs (ascending) whose stored flags include `flag` (exact spelling, e.g. "\\Deleted"), read from the
  // messages themselves rather than any index (EXP-4); empty when the mailbox does not exist.
  std::vector<std::uint32_t> uids_flagged(const std::string& mailbox, const std::string& flag) const;
  // The bytes of the live message (UIDVALIDITY, UID) in any mailbox, or null. UIDVALIDITYs are unique across
  // the store, so the pair names one message whatever the user calls its mailbox.
  const std::string* message_bytes(std::uint32_t uidvalidity, std::uint32_t uid) const;
  // The session's view: the UIDs it knows, in MSN order (MSN i is element i-1).
  std::vector<std::uint32_t> session_view(SessionId session) const;
  // The UID ranges [first, last) whose \Recent this session owns (SEARCH RECENT/NEW/OLD, SRC-1); read from the
  // session itself, not through the search code.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> session_recent(SessionId session) const;
  // UIDs >= this in the mailbox are \Recent and not yet claimed by any session (STATUS RECENT of a mailbox the
  // asker has not selected, STA-1); read from the mailbox, not through the STATUS code. nullopt: no mailbox.
  std::optional<std::uint32_t> unclaimed_recent_floor(const std::string& mailbox) const;
  // The mailbox's ACL as stored, identifier ("anyone" or a user) -> rights, or nullopt when no mailbox: the raw
  // entries, so a checker can compute a user's rights itself (RFC 4314 §2, ACC-5) rather than ask MYRIGHTS.
  std::optional<std::map<std::string, std::string>> acl(const std::string& mailbox) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace imaplab::model
