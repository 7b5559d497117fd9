// The model's state as plain values: mailboxes with their messages and ACLs, users' subscriptions, and every
// session with its view of the selected mailbox. Everything here is copyable (Model's copy is a deep copy;
// message bodies and view trees are immutable and shared).
//
// Conventions the model picks where the RFCs leave a choice:
// - Namespaces (RFC 2342): personal "" with '/' (each user's INBOX and "a/b"), and one shared hierarchy
//   "shared/" owned by the first user; its root grants "anyone" lrswipkxte and a new shared mailbox starts
//   with its parent's ACL plus every right for its creator. Another user's personal mailboxes cannot be
//   named. NAMESPACE says (("" "/")) NIL (("shared/" "/")).
// - CREATE a/b/c creates missing superiors as real mailboxes (RFC 3501 §6.3.3 SHOULD). DELETE of a mailbox
//   with children leaves a \Noselect placeholder (§6.3.4), which CREATE turns back into a mailbox.
// - \Recent (FLG-4): the first read-write session holding a mailbox when a message arrives, else the next
//   SELECT, owns it; EXAMINE never takes \Recent.
// - RENAME gives the renamed mailboxes a fresh UIDVALIDITY (the new name may have had other UIDs before,
//   UID-3); RENAME INBOX moves the messages to a new mailbox and expunges them from INBOX.
// - delete=ghost: the deleting session may keep its own selection of the ghost, but only other holders
//   keep the name from being re-created (RFC 2180 §3.2's example).
#pragma once
#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/message.hpp"
#include "model/model.hpp"
#include "model/uid_tree.hpp"
#include "proto/response.hpp"
#include "proto/types.hpp"

namespace imaplab::model {

using MailboxId = std::uint64_t;

// The hierarchy delimiter of every namespace (RFC 3501 §5.1.1).
inline constexpr char delimiter = '/';
// The shared namespace: "shared" and everything under "shared/" is one global tree owned by the first user,
// visible to others through its ACL (RFC 2342, RFC 4314). Every other name is in the user's personal namespace.
inline constexpr const char* shared_root = "shared";
// Rights, in the canonical order RFC 4314 §2.1 lists them.
inline constexpr const char* all_rights = "lrswipkxtea";
// Notifications waiting for one session before the model reports NOTIFICATIONOVERFLOW (RFC 5465 §5.8).
inline constexpr std::size_t notify_queue_entries_max = 10000;

struct Message {
  std::vector<std::string> flags;  // sorted; system flags written "\\Seen" etc. Never "\\Recent".
  std::uint64_t modseq = 1;
  proto::DateTime internal_date;
  std::shared_ptr<const MessageContent> content;
};

// A mailbox name inside the model: owner "" for the shared namespace, else the personal owner.
struct MailboxKey {
  std::string owner;
  std::string name;  // as the owner (or anyone, for shared) names it: "INBOX", "a/b", "shared/team"
  auto operator<=>(const MailboxKey&) const = default;
  bool operator==(const MailboxKey&) const = default;
};

using Acl = std::map<std::string, std::string>;  // identifier ("anyone" or a user) -> rights (canonical order)

struct Mailbox {
  MailboxId id = 0;
  MailboxKey key;
  std::string owner;       // the user who owns it (shared: the first user)
  bool noselect = false;   // a placeholder kept for its children (RFC 3501 §6.3.4)
  bool deleted = false;    // ghost of RFC 2180 §3.2: out of the namespace, alive while sessions hold it
  SessionId deleted_by = 0;  // the deleting session may keep it open but does not hold its name (§3.2 example)
  std::uint32_t uidvalidity = 0;
  std::uint32_t uidnext = 1;
  std::uint64_t highestmodseq = 1;
  std::map<std::uint32_t, Message> messages;  // live messages by UID
  UidTree live;                               // the same UIDs, as a persistent order-statistic tree
  std::set<std::uint32_t> unseen;             // UIDs without \Seen (SELECT's [UNSEEN], STATUS UNSEEN)
  std::set<std::uint32_t> deleted_flag;       // UIDs with \Deleted (EXPUNGE without a scan)
  std::set<std::string> keywords;             // keywords ever used here (FLAGS, PERMANENTFLAGS)
  std::uint32_t recent_floor = 1;             // UIDs >= this are \Recent and not yet claimed by a session
  Acl acl;
  std::uint32_t ghost_extra_releases = 0;     // bug zoo ghost-refcount-off-by-one: second drop per CLOSE
};

enum class SessionState { NotAuthenticated, Authenticated, Selected, Logout };

// What one session has been told about its selected mailbox (RFC 3501 §5.2, §7.4.1).
struct View {
  UidTree uids;                                 // MSN i is uids.at(i-1); includes expunged-not-yet-told
  std::uint32_t told_max_uid = 0;               // every live UID above this is new to the session
  std::map<std::uint32_t, Message> expunged;    // expunged but not yet told, with the data as it was
  std::set<std::uint32_t> flag_changes;         // flags changed by others, not yet told
  std::set<std::uint32_t> own_new;              // added by this session itself (no NOTIFY FETCH, RFC 5465 §5.2)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> recent;  // [first, last) UID ranges this session owns
  std::size_t recent_told = 0;
  std::size_t keywords_told = 0;
  // Bug zoo bookkeeping (model/bugs.hpp); each stays empty or zero unless its bug is switched on.
  std::uint32_t foreign_added = 0;        // star-stale-max: messages of other sessions announced since SELECT
  std::set<std::uint32_t> own_expunged;   // expunge-past-count: pending expunges this session made itself
  std::map<std::uint32_t, std::vector<std::string>> stale_flags;  // flag-overwrite: flags before others' change
};

// A queued notification about a mailbox other than the selected one (RFC 5465 §5).
struct Notice {
  enum class Kind { Status, Ready };
  Kind kind = Kind::Status;
  MailboxId box = 0;                       // Status: the values are read when it is delivered
  std::vector<proto::StatusItem> items;    // Status
  proto::Response response;                // Ready: sent as is (LIST, OK [NOTIFICATIONOVERFLOW])
};

struct NotifyState {
  bool used = false;                              // a NOTIFY succeeded once (RFC 5465 §3)
  std::vector<proto::NotifyEventGroup> groups;    // the active event groups
  std::vector<Notice> queue;
};

struct Session {
  SessionState state = SessionState::NotAuthenticated;
  std::string user;
  bool tls = false;
  std::optional<MailboxId> selected;
  bool read_only = false;
  View view;
  bool condstore = false;              // RFC 4551 §3.1 enabled (explicitly or implicitly)
  NotifyState notify;
  std::optional<proto::Response> bye;  // a BYE due (RFC 2180 §3.3); then the session is over
  bool idle = false;
  std::string idle_tag;
  std::optional<std::string> auth_tag;  // AUTHENTICATE waiting for its data line
  std::map<std::string, std::string> renamed;  // rename=inplace: old name -> new name seen while holding it
};

struct State {
  Policy policy;
  ModelOptions options;
  std::vector<User> users;
  std::map<MailboxKey, MailboxId> names;
  std::map<MailboxId, Mailbox> boxes;
  std::map<std::string, std::set<std::string>> subscriptions;  // user -> subscribed names
  std::map<SessionId, Session> sessions;
  SessionId next_session = 1;
  MailboxId next_mailbox = 1;
  std::uint32_t next_uidvalidity = 1;
  proto::DateTime now;
  // Bug zoo bookkeeping (model/bugs.hpp); empty unless the bug is switched on.
  std::map<MailboxKey, std::uint32_t> reusable_uidvalidity;  // uidvalidity-reuse-*: names deleted while held
  std::map<MailboxId, SessionId> notify_last_actor;           // notify-own-change: the stale "last writer"
};

// Whether a bug of the zoo is switched on for this model (the one bit test a switched-off bug costs).
inline bool bug_on(const State& st, Bug bug) { return st.options.bugs.has(bug); }

// --- Store helpers (store.cpp) ---

// The model key of a name a user gives, or nullopt for a name that can never exist (empty, "a//b", ...).
std::optional<MailboxKey> key_for(const std::string& user, const std::string& name);
// INBOX in any case is INBOX (RFC 3501 §5.1).
std::string normalize_name(const std::string& name);
std::string parent_of(const std::string& name);  // "" for top level
const std::string& shared_owner(const State& st);

Mailbox* find_mailbox(State& st, const MailboxKey& key);
const Mailbox* find_mailbox(const State& st, const MailboxKey& key);
Mailbox* mailbox_by_id(State& st, MailboxId id);
const Mailbox* mailbox_by_id(const State& st, MailboxId id);
// Creates a mailbox (fresh UIDVALIDITY, strictly above any handed out before) and returns it.
Mailbox& create_mailbox(State& st, const MailboxKey& key, const std::string& owner, Acl acl);
bool has_children(const State& st, const MailboxKey& key);
// Sessions that have the mailbox selected, in id order.
std::vector<SessionId> holders(const State& st, MailboxId id);
// A ghost mailbox (deleted) nobody holds any more is gone for good (RFC 2180 §3.2).
void release_if_unheld(State& st, MailboxId id);
// A deleted mailbox still held under this name by a session other than the one that deleted it blocks
// re-creating it (RFC 2180 §3.2: the example's reference count leaves the deleting client out).
bool name_reserved_by_ghost(const State& st, const MailboxKey& key);
// Bug zoo uidvalidity-reuse-*: gives the mailbox the UIDVALIDITY remembered for its name, if any.
void reuse_uidvalidity(State& st, Mailbox& mb);
// Whether a session other than `actor` has the mailbox selected.
bool held_by_other(const State& st, MailboxId id, SessionId actor);

// Messages: adds one (assigning the next UID and a new mod-sequence) and keeps the flag indexes right.
std::uint32_t add_message(Mailbox& mb, Message message);
// Replaces a message's flags (sorted), bumping its mod-sequence. Returns false when nothing changed.
bool set_flags(Mailbox& mb, std::uint32_t uid, std::vector<std::string> flags);
// Removes a message; returns its last state.
Message remove_message(Mailbox& mb, std::uint32_t uid);
std::size_t count_in_range(const UidTree& tree, std::uint32_t first, std::uint32_t last);
// Messages with UID >= recent_floor are unclaimed \Recent (STATUS RECENT).
std::size_t unclaimed_recent(const Mailbox& mb);

}  // namespace imaplab::model
