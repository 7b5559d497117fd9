// The checkers' shared state: what each client was told (its view, commands in flight, IDLE and NOTIFY
// state), what all clients together observed (monotone quantities with their real-time order), and the sink
// that turns a broken rule into a Violation. Private to sim/check_*.cpp and sim/checker.cpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "sim/check_session.hpp"
#include "sim/checker.hpp"

namespace imaplab::sim::detail {

using EventIndex = std::size_t;
inline constexpr EventIndex no_event = static_cast<EventIndex>(-1);

// Collects violations: fatal ones stop the checker, S-rule ones are warnings unless made fatal.
class Reporter {
 public:
  Reporter(const CheckerOptions& options, const std::vector<Event>& log) : options_(options), log_(log) {}
  // `why` says what is wrong in this transcript; the rule's RFC section and quote are appended.
  void report(const char* rule, std::vector<EventIndex> offending, std::vector<EventIndex> causes,
              std::string why);
  bool stopped() const { return fatal_.has_value(); }
  std::optional<Violation> take_new_fatal();
  const std::vector<Violation>& warnings() const { return warnings_; }
  // "C2: a FETCH 1:* FLAGS" / "S2: * 4 EXPUNGE": the first line of an event, for messages.
  std::string line(EventIndex index) const;

 private:
  const CheckerOptions& options_;
  const std::vector<Event>& log_;
  std::optional<Violation> fatal_;
  bool fatal_taken_ = false;
  std::vector<Violation> warnings_;
};

// One message in a client's view: its UID when the client learned it (0: not yet), the largest UID the
// client knew when an EXISTS announced it (SEQ-8), the event that taught either, and the latest FETCH with
// FLAGS about it (FLG-2; 0: none, as event 0 is never a response).
struct ViewEntry {
  std::uint32_t uid = 0;
  std::uint32_t floor = 0;
  std::uint32_t cause = 0;        // event index (truncated; logs stay far below 2^32 events)
  std::uint32_t flags_told = 0;   // event index, likewise
  std::uint32_t recent_told = 0;  // the FETCH FLAGS that first told \Recent in this selection (FLG-4); 0: none
};

// The selected mailbox as this client was told it (RFC 3501 §2.3.1.1, §2.3.1.2).
struct View {
  bool valid = false;  // the count is known; rules that need the view are skipped otherwise
  std::string mailbox;
  std::uint32_t uidvalidity = 0;  // 0: not told
  bool read_only = false;
  std::vector<ViewEntry> entries;  // MSN i is entries[i-1]
  std::uint32_t unknown = 0;       // entries whose UID is not known
  std::uint32_t max_uid = 0;       // largest UID told in this mailbox, expunged ones included
  EventIndex selected_at = no_event;

  std::uint32_t count() const { return static_cast<std::uint32_t>(entries.size()); }
  bool fully_known() const { return valid && unknown == 0; }
  void reset() { *this = View{}; }
};

// What SELECT/EXAMINE responses said while the command was in flight (RFC 3501 §6.3.1).
struct SelectProgress {
  std::optional<std::uint32_t> exists;
  std::uint32_t uidvalidity = 0;
  bool expunge_after_exists = false;
};

struct Inflight {
  std::string tag;
  EventIndex sent = 0;
  bool seq_sensitive = false;      // non-UID FETCH, STORE or SEARCH (RFC 3501 §7.4.1, SEQ-2)
  bool unauthenticated = false;    // sent while surely not authenticated (ACC-1)
  bool uid_set_misses_view = false;  // UID FETCH naming no UID of a fully known view (SEQ-11)
};

// The NOTIFY event set in force (RFC 5465 §3.1, §6).
struct NotifySet {
  bool active = false;
  // A NOTIFY succeeded once, NONE included: from then on IDLE sends exactly the NOTIFY set (RFC 5465 §4),
  // which after NOTIFY NONE (or NOTIFICATIONOVERFLOW, §5.8) is nothing.
  bool used = false;
  bool selected_new = false, selected_expunge = false, selected_flags = false;  // SELECTED
  bool delayed = false;               // the selected-mailbox group is SELECTED-DELAYED
  bool new_fetch_without_uid = false; // MessageNew asked for fetch attributes without UID (FETCH lacks it)
  bool other_message_events = false;  // some non-selected filter watches message events (STATUS)
  bool mailbox_events = false;        // MailboxName / SubscriptionChange and aliases (LIST)
  std::vector<proto::NotifyFilter> name_filters;  // non-selected filters watching MailboxName (NTF-9)
  std::vector<proto::NotifyFilter> status_filters;  // non-selected filters watching message events (NTF-8)
  EventIndex set_at = no_event;
  bool any_selected() const { return selected_new || selected_expunge || selected_flags; }
};

// RFC 2180 §4 policy probe (EXP-1, EXP-2, CPY-3; CPY-4 for MOVE; EXP-3 for SEARCH ALL): a FETCH, STORE,
// COPY, MOVE or SEARCH sent with nothing else in flight, and which of the messages it names the store had
// already expunged when it was sent.
// Messages still live when the reply arrives were live throughout, those dead at the send were dead
// throughout; any other is undecided and the probe then checks nothing.
struct PolicyProbe {
  bool active = false;
  bool clean = true;  // no other command was sent before the reply (the session view stayed as it was)
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  bool read_only = false;
  std::vector<std::uint32_t> named;  // UIDs the command names in the session's view, ascending
  std::vector<std::uint32_t> dead;   // of those, expunged from the store at the send, ascending
  // SEARCH ALL (EXP-3): the session's MSN -> UID at the send, and the UIDs the SEARCH returned.
  std::vector<std::uint32_t> session_view;
  std::vector<std::uint32_t> hits;
};

// RFC 2180 §3.1 probe (MBX-2 delete=fail, MBX-3 rename=fail): a DELETE/RENAME sent while no other command
// that changes mailbox names was in flight, with the UIDVALIDITY the name had at the send.
struct NameProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string name;
  std::uint32_t uidvalidity = 0;
  std::uint64_t names_sent = 0;  // CrossState::names_sent right after this command was sent
};

// MBX-1: a STATUS/SELECT/EXAMINE of a name whose DELETE had succeeded, sent while no name changed since.
struct LookupProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string name;  // scoped()
};

// A STORE sent with nothing else of this client in flight, against the true store (FLG-1, FLG-2, FLG-3):
// the UIDs it names, their flags at the send, and whether other sessions could change flags meanwhile.
struct StoreProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> named;               // live UIDs it names at the send, ascending
  std::vector<std::vector<std::string>> before;   // their flags then (normalized), parallel to `named`
  std::vector<std::uint32_t> session_view;        // the session's MSN -> UID at the send
  std::vector<std::uint32_t> fetched;             // UIDs a FETCH with FLAGS reported during the STORE
  std::vector<std::vector<std::string>> fetched_flags;  // the FLAGS each reported (normalized), parallel
  bool renumbered = false;                        // an EXPUNGE/VANISHED arrived during it
  bool writers_quiet = false;                     // no other flag-changing command in flight at the send
  std::uint64_t writers_sent = 0;                 // CrossState::flag_writers_sent right after the send
  bool removers_quiet = false;                    // likewise for commands that remove flags
  std::uint64_t removers_sent = 0;
  std::uint64_t highestmodseq_before = 0;         // the mailbox's HIGHESTMODSEQ at the send (MOD-1)
};

// A flag change another session must be told about at its next NOOP/CHECK (FLG-2).
struct FlagDue {
  std::uint32_t uid = 0;
  std::vector<std::string> before;  // the flags before the change (normalized)
  EventIndex change_sent = 0, change_done = 0;
};

// The true state of one mailbox when a command that may change it was sent (CPY-1, MBX-4, MBX-5, MOD-3).
// SEQ-15: a non-UID FETCH whose set has `*`, sent with nothing else in flight: the message that was last in
// the client's view then (number `msn`, UID `uid`) must be answered unless it was expunged meanwhile.
struct StarProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  std::uint32_t msn = 0, uid = 0;
  bool answered = false;
  bool renumbered = false;  // an EXPUNGE/VANISHED arrived during it (SEQ-2 judges that)
};

// SEQ-16: the client's only FETCH, with the messages of the view (at the send) its set names.
struct SetProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  bool star = false;                 // the set uses "*"
  std::vector<std::uint32_t> uids;   // the view at the send: MSN i is uids[i-1]
  std::vector<bool> owed, answered;  // per MSN: named by the set; a FETCH response came
  bool renumbered = false;           // an EXPUNGE/VANISHED arrived during it
  bool spoiled = false;              // the client sent another command during it
};

// SRC-2: a SEARCH whose keys never change for a message (size, INTERNALDATE, UID, text), with the client's view
// at the send.
struct FixedSearchProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> uids;  // the view at the send: MSN i is uids[i-1]
  bool renumbered = false;          // an EXPUNGE/VANISHED arrived since the send
};

// SEQ-17: a FETCH whose set uses "*" owes a FETCH response for the last message of the view at its send.
struct LastProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  std::uint32_t count = 0;     // the view's count at the send: "*" is this message number
  std::uint32_t last_uid = 0;  // its UID
  bool answered = false;       // a FETCH response for message `count` (or above) came
  bool renumbered = false;     // an EXPUNGE/VANISHED arrived during it
  bool spoiled = false;        // the client sent a SELECT, EXAMINE, CLOSE or UNSELECT during it
};

// NTF-9: another client's CREATE/DELETE/RENAME of a name in this client's MailboxName filter, owed as a LIST.
struct NameDue {
  std::string name, other;  // the name (RENAME: old name) and, for RENAME, the new name
  EventIndex sent = 0, done = 0;
  EventIndex notify_set_at = 0;  // the NOTIFY set it was owed under
  std::uint64_t deadline_us = 0;
  // What makes `name` affected (RFC 5465 §5.4): the change of the name itself, the CREATE/DELETE of a child of it
  // (parent half), or a SETACL/DELETEACL that gave or took the watcher's 'l' right on it ('l' half).
  enum class Half : std::uint8_t { Name, Parent, Lookup } half = Half::Name;
};

// NTF-9's parent and 'l' halves: a CREATE/DELETE/SETACL/DELETEACL sent while no other such command (or RENAME)
// was in flight anywhere, with CrossState::quiet_names_sent right after its send and, for an ACL change, whether
// each user could look the mailbox up then.
struct QuietNameChange {
  EventIndex sent = 0;
  std::uint64_t sent_count = 0;
  std::vector<std::pair<std::string, bool>> visible;  // user -> 'l' at the send
};

// NTF-10 through the oracle: a command of this client (the sync) sent while its session was owed nothing and
// no other client could change anything, then its own change (a STORE in its selected mailbox, or an
// APPEND/COPY/MOVE to another one). Until another client sends a change, a push that arrives after the sync's
// reply was made after the sync ran, when only this client changed anything: it is about its own change.
struct OwnChange {
  enum class Kind { None, Flags, Status };
  bool synced = false;
  EventIndex sync_sent = 0;
  Kind kind = Kind::None;
  EventIndex sent = 0;
  EventIndex notify_set_at = no_event, selected_at = no_event;  // the NOTIFY set and selection it ran under
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> uids;                 // Flags: the messages the STORE names
  std::vector<std::vector<std::string>> before;    // Flags: their flags at the send (normalized)
  std::uint32_t uidnext_before = 0;                // Status: the mailbox's UIDNEXT at the send
};

// EXP-4 (check_expunge.cpp): an EXPUNGE, UID EXPUNGE or CLOSE sent while nothing else could add, remove or
// re-flag messages: the mailbox's UIDs then, and which of them it may remove (\Deleted, in the UID set).
struct ExpungeProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  bool read_only = false;
  std::vector<std::uint32_t> before;    // the mailbox's UIDs at the send, ascending
  std::vector<std::uint32_t> expected;  // of those, the ones it removes: \Deleted (and in the set), ascending
};

// MOD-5 (check_expunge.cpp): a STORE (UNCHANGEDSINCE n) sent while nothing else could change the messages it
// names: their UIDs, message numbers and mod-sequences at the send.
struct CondStoreProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> uids, msns;
  std::vector<std::uint64_t> modseqs;
};
// Fills `p` with the UIDs `named` still in the store, their numbers in `view` and their mod-sequences now, and
// makes it active when any is left (sim/check_expunge.cpp; MOD-5 and MOD-7 start their probes with it).
void snapshot_cond_store(const Ctx& ctx, const ClientState& c, const std::vector<std::uint32_t>& named,
                         const std::vector<std::uint32_t>& view, EventIndex index, CondStoreProbe& p);

// NTF-2 for expunges (check_expunge.cpp): an EXPUNGE, UID EXPUNGE, CLOSE or MOVE sent while no other command
// could remove messages anywhere: the mailbox it works on and the mailbox's UIDs then.
struct RemovalProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;  // as the client named it
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> before;  // ascending
};

// NTF-2: another client removed messages from `mailbox`, which this NOTIFY watcher watches with MessageExpunge
// and does not have selected; it is owed an unsolicited STATUS of that mailbox (RFC 5465 §5.3).
struct ExpungeStatusDue {
  ClientId watcher = 0;
  std::uint32_t connection = 0;       // the watcher's connection then
  std::string mailbox;                // canonical (INBOX in capitals)
  std::uint32_t uidvalidity = 0;
  EventIndex change_sent = 0, change_done = 0;
  EventIndex notify_set_at = 0;       // the NOTIFY set it is owed under
  EventIndex selected_at = no_event;  // the watcher's selection then (no_event: none)
  std::uint64_t name_changes = 0;     // ExpungeNotices::name_changes then
  std::uint64_t deadline_us = 0;
};

// What the expunge dues depend on, followed through the whole log (check_expunge.cpp).
struct ExpungeNotices {
  std::deque<ExpungeStatusDue> dues;   // in deadline order
  std::set<std::string> acl_touched;   // names a SETACL/DELETEACL was sent for, and names RENAME carried them to
  std::uint64_t name_changes = 0;      // RENAME and DELETE commands sent so far
  EventIndex followed = 0;             // events before this index were looked at
};

struct SnapshotProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  model::Model::MailboxInfo before;
  bool adders_quiet = false;       // no other command that adds messages to it was in flight at the send
  std::uint64_t adders_sent = 0;   // CrossState::adders_sent for it right after the send
  bool names_quiet = false;        // RENAME: no CREATE/RENAME of a name under the old one was in flight
};

// SRC-1, STA-1, STA-2 (check_search.cpp): a SEARCH, STATUS, LIST or SELECT/EXAMINE sent alone (nothing else of
// this client in flight, no IDLE or NOTIFY) while no command that may change the store was in flight anywhere.
// While CrossState::store_changes_sent stays as it was right after the send, the store now is the store the
// server answered from.
struct QuietProbe {
  bool active = false;
  EventIndex sent = 0;
  std::uint64_t changes_sent = 0;
  bool selects_quiet = false;  // no SELECT (which claims \Recent) was in flight anywhere at the send (STA-1)
  std::optional<std::uint32_t> unseen, uidnext;  // SELECT/EXAMINE: [UNSEEN n], [UIDNEXT n] as told
};

// FLG-8: the latest untagged FLAGS list of this selection, and a keyword a FETCH named that the list lacked.
struct KeywordProbe {
  bool known = false;  // an untagged FLAGS arrived since the last SELECT/EXAMINE was sent
  std::vector<std::string> flags;
  std::string missing;  // empty: nothing due
  EventIndex fetch = no_event;  // the FETCH that named `missing`
};

struct ClientState {
  ClientId id = 0;
  std::uint32_t connection = 0;  // counts connections, so FLG-4 tells sessions apart
  bool connected = false;
  bool authenticated = false;
  std::string user;
  std::string pending_user;  // from LOGIN or AUTHENTICATE PLAIN, until its tagged OK
  bool bye = false;
  std::deque<Inflight> inflight;
  // Commands in flight when a connection dropped: the server may still run what it had received, and no answer
  // will ever say when, so they count as in flight for the rest of the run (any_in_flight).
  std::vector<EventIndex> orphans;
  std::uint32_t seq_sensitive = 0;   // such commands in flight
  std::uint32_t selects = 0;         // SELECT/EXAMINE in flight: the view is in transition
  std::uint32_t notifies = 0;        // NOTIFY in flight: the old and the new set may both apply
  std::uint32_t auths = 0;           // LOGIN/AUTHENTICATE in flight
  bool idle = false;                 // "+" of IDLE received, tagged reply not yet
  bool idle_done_sent = false;
  EventIndex idle_since = no_event;
  std::uint64_t watch_epoch = 0;     // bumped whenever selection, IDLE or NOTIFY changes (NTF-2)
  View view;
  SelectProgress select_progress;
  bool condstore = false;
  bool condstore_told = false;         // "* ENABLED CONDSTORE" (or QRESYNC) received on this connection (MOD-2)
  NotifySet notify;
  EventIndex last_completed_sent = 0;  // send index of the latest command whose tagged reply came
  EventIndex last_exists = no_event;   // latest EXISTS received (NTF-2 discharge)
  PolicyProbe probe;                   // EXP-1, EXP-2, CPY-3, CPY-4
  NameProbe name_probe;                // MBX-2, MBX-3
  NameProbe delete_probe;              // MBX-1: this client's DELETE, while no other name change runs
  LookupProbe lookup_probe;            // MBX-1, MBX-4
  NameProbe rename_probe;              // MBX-4: this client's RENAME, while no other name change runs
  StoreProbe store_probe;              // FLG-1, FLG-2, FLG-3
  SnapshotProbe snapshot;              // CPY-1, MBX-4, MBX-5, MOD-3
  StarProbe star_probe;                // SEQ-15
  SetProbe set_probe;                  // SEQ-16
  LastProbe last_probe;                // SEQ-17
  FixedSearchProbe fixed_search;       // SRC-2
  ExpungeProbe expunge_probe;          // EXP-4
  CondStoreProbe cond_store_probe;     // MOD-5
  QuietProbe quiet;                    // SRC-1, STA-1, STA-2
  RemovalProbe removal_probe;          // NTF-2 for expunges
  std::map<std::string, EventIndex> statuses_seen;  // NTF-2: canonical name -> latest STATUS with MESSAGES
  std::vector<NameDue> names_due;      // NTF-9
  std::vector<QuietNameChange> quiet_names;  // NTF-9 parent and 'l' halves, this client's
  std::deque<std::pair<EventIndex, std::string>> lists_seen;  // NTF-9: recent LIST names (and OLDNAMEs)
  std::deque<std::pair<EventIndex, std::string>> renames_seen;  // NTF-9: OLDNAMEs of recent LIST notifications
  std::vector<FlagDue> flags_due;      // FLG-2: other sessions' flag changes not yet reported
  // NTF-10: the send index of the latest NOOP/CHECK that completed (every change committed before it has
  // been reported by its OK), and of this client's first change-making command after it.
  EventIndex synced_sent = no_event;
  EventIndex own_change_sent = no_event;
  EventIndex last_change_done = 0;     // the reply of this client's latest change-making command
  OwnChange own_change;                // NTF-10 through the oracle
  bool change_lost = false;            // it disconnected with one in flight: the server may still run it
  SessionProbe session;                // SES-1, CPY-6, NTF-10 own APPEND (check_session.hpp)
  KeywordProbe keywords;               // FLG-8

  bool view_usable() const { return view.valid && selects == 0; }
  // Idling for the rules: after DONE the IDLE command is completing and may bring the queued updates
  // (RFC 2177), like any command.
  bool idling() const { return idle && !idle_done_sent; }
  const Inflight* find_inflight(proto::CommandKind kind, bool uid, const std::vector<Event>& log) const;
};

// Mailbox names are per user (each user has an INBOX), so cross-client state keys a mailbox by the user who
// named it: "user\x1fname". Shared mailboxes reached by two users are then compared within each user only,
// which misses nothing within a user and never confuses two users' mailboxes.
inline std::string scoped(const ClientState& c, const std::string& mailbox) {
  return (c.user.empty() ? "#client" + std::to_string(c.id) : c.user) + '\x1f' + mailbox;
}

// A monotone quantity observed by many clients. Each observation read the server's state somewhere between
// its command's send and the response's reception, so only an observation that ENDED before another one
// STARTED orders them (real-time order). Keeps the record-breaking observations: O(log n) queries.
class MonotoneFloor {
 public:
  struct Step {
    EventIndex end = 0;
    std::uint64_t value = 0;
  };
  void add(EventIndex end, std::uint64_t value);
  // The largest value observed by an observation that ended before `start`.
  const Step* before(EventIndex start) const;

 private:
  std::vector<Step> steps_;
};

using MailboxKey = std::pair<std::string, std::uint32_t>;  // (scoped name, UIDVALIDITY)
using MessageKey = std::tuple<std::string, std::uint32_t, std::uint32_t>;  // (scoped name, UIDVALIDITY, UID)

// A change that watchers must hear about within the NOTIFY bound (NTF-2).
struct Obligation {
  ClientId watcher = 0;
  std::uint64_t watch_epoch = 0;
  EventIndex change_sent = 0;   // the changing command
  EventIndex change_done = 0;   // its tagged OK
  std::uint64_t deadline_us = 0;
  std::uint32_t uidvalidity = 0;               // where the new messages were committed
  std::uint32_t uid_low = 0, uid_high = 0;     // their UIDs (APPENDUID / COPYUID); 0: not known
  std::uint32_t flag_uid = 0;  // a flag change of this UID owed to a plain IDLE (check_watch.cpp); 0: new messages
};

// ACC-2 (check_acl.cpp): what a user may not do on a shared mailbox, as the true store said right after a
// SETACL/DELETEACL completed with no other change of that mailbox's ACL or name possibly running beside it.
// The fact holds until a command that could change that mailbox's ACL or name is sent.
struct AclFact {
  bool lacks_lookup = false;  // no 'l' (RFC 4314 §2.1): LIST must not show it
  bool lacks_read = false;    // no 'r': SELECT, EXAMINE and STATUS must fail
  EventIndex since = 0;       // the tagged OK that established it
  EventIndex cause = 0;       // the SETACL/DELETEACL itself
  bool rights_known = false;  // `rights` is the user's whole set then (MYRIGHTS; ACC-3)
  std::string rights;
};
struct AclProbe {
  ClientId client = 0;
  std::string tag;
  EventIndex sent = 0;
  std::string mailbox;
  bool clean = true;  // nothing that could change the mailbox's ACL or name ran beside it so far
  std::optional<std::string> held;  // DELETE: the user's rights from the ACL entries at the send (ACC-3 'x')
  std::optional<std::string> entry;  // SETACL +/-: the identifier's ACL entry at the send, "" for none (ACC-7)
};
struct AclState {
  std::map<std::pair<std::string, std::string>, AclFact> facts;  // (user, shared mailbox name) -> fact
  std::vector<AclProbe> probes;                                  // SETACL/DELETEACL commands in flight
  bool lost = false;  // a client left with such a change in flight: it may run at any time, so no more facts
};

struct AccessState;  // check_access.cpp (ACC-4, CPY-5, MBX-1 children, FLG-4 "at least one")
struct AppendState;  // check_append.cpp (APP-1, FLG-5, FLG-6)
struct CodesState;   // check_codes.cpp (STA-2 EXAMINE, SEQ-11 UID STORE, EXP-5, CPY-7, MOD-7, STA-1 RECENT, ACC-5)
struct NamesState;   // check_names.cpp (LST-3, MBX-7, APP-2)

// MBX-6 (check_watch.cpp): one user's subscription list as its (UN)SUBSCRIBE replies built it (RFC 3501 §6.3.6,
// §6.3.7); subscriptions are per user, shared by all the user's sessions.
struct Subscriptions {
  std::set<std::string> names;
  EventIndex last_done = 0;  // the latest (UN)SUBSCRIBE reply: an LSUB sent before it may have run earlier
  bool unknown = false;      // a client left with one in flight: the server may run it at any time
  std::set<std::string> uncertain;  // names two overlapping (UN)SUBSCRIBEs changed: their order is unknown
  std::map<std::string, EventIndex> touched;  // name -> the latest (UN)SUBSCRIBE reply for it (pushed LISTs)
};

struct CrossState {
  AclState acl;  // ACC-2
  std::map<std::string, Subscriptions> subscriptions;  // MBX-6, by user
  std::set<std::string> renamed_to;  // NTF-8: names a RENAME was sent to (a queued STATUS may carry the new name)
  // MBX-6 for pushed LISTs (check_watch.cpp): the latest reply of a CREATE/DELETE/RENAME/SETACL/DELETEACL naming
  // each name, and each client's first NOTIFY of its connection (connection, the NOTIFY's send).
  std::map<std::string, EventIndex> names_touched;
  std::map<ClientId, std::pair<std::uint32_t, EventIndex>> first_notify;
  std::shared_ptr<AccessState> access;  // made on first use by check_access.cpp
  std::shared_ptr<AppendState> append;  // made on first use by check_append.cpp
  std::shared_ptr<CodesState> codes;    // made on first use by check_codes.cpp
  std::shared_ptr<NamesState> names;    // made on first use by check_names.cpp
  std::uint64_t store_changes_sent = 0;  // commands sent that may change messages, flags or names (SRC-1, STA-1/2)
  bool names_due_any = false;  // some client may owe NTF-9 names: check_names_due scans the clients only then
  std::uint64_t quiet_names_sent = 0;  // CREATE/DELETE/RENAME/SETACL/DELETEACL sent so far (NTF-9 halves)
  std::map<MailboxKey, MonotoneFloor> uidnext, highestmodseq;
  std::map<std::string, MonotoneFloor> uidvalidity;
  std::map<std::string, bool> name_reused;  // DELETE or RENAME away succeeded for this name (UID-3)
  struct RecentSeen {
    ClientId client = 0;
    std::uint32_t connection = 0;
    EventIndex at = 0;
  };
  std::map<MessageKey, RecentSeen> recent;  // FLG-4
  struct ContentSeen {
    std::optional<std::uint64_t> size;
    std::optional<std::uint64_t> hash;
    EventIndex size_at = 0, hash_at = 0;
  };
  std::map<MessageKey, ContentSeen> content;  // SEQ-10
  std::deque<Obligation> obligations;         // NTF-2, in deadline order
  std::uint64_t names_sent = 0;               // CREATE/DELETE/RENAME commands sent so far (MBX-1..3)
  struct Deleted {
    EventIndex done = 0;           // the DELETE's tagged OK
    std::uint64_t names_sent = 0;  // names_sent then: unchanged since means the name was not re-created
    EventIndex sent = 0;           // the DELETE/RENAME itself (MBX-2 ghost, MBX-3 inplace)
    std::uint32_t uidvalidity = 0; // of the mailbox under that name at the send (0: unknown)
    ClientId by = 0;               // the client that sent it
  };
  std::map<std::string, Deleted> deleted;     // scoped name -> its latest clean DELETE (MBX-1)
  std::map<std::string, Deleted> renamed;     // scoped name -> its latest clean RENAME away (MBX-4)
  std::map<std::string, bool> parent_renamed;  // a RENAME of an ancestor of this scoped name succeeded (MBX-4)
  // Commands sent so far, by all clients, that may add messages (APPEND, COPY, MOVE: CPY-1, MBX-5), change
  // flags (STORE, FETCH: FLG-1, FLG-2) or remove flags (STORE -FLAGS / FLAGS: FLG-3). Flag changes count per
  // mailbox (by UIDVALIDITY, unique in the store); those whose mailbox the oracle cannot confirm count for all.
  std::map<std::string, std::uint64_t> adders_sent;  // by destination name as the client wrote it
  std::map<std::uint32_t, std::uint64_t> flag_writers_sent, flag_removers_sent;
  // FLG-3: flags a +FLAGS set that no later command may have removed, so the store must still hold them.
  struct FlagRequirement {
    std::string mailbox;  // as the client named it (resolved through the oracle)
    std::string user;
    std::uint32_t uidvalidity = 0, uid = 0;
    std::string flag;
    EventIndex sent = 0, done = 0;
    std::uint64_t removers_sent = 0;
  };
  std::deque<FlagRequirement> required_flags;
  ExpungeNotices expunge_notices;  // NTF-2 for expunges in mailboxes a NOTIFY watcher does not have selected
};

// Everything a rule needs while one event is checked.
struct Ctx {
  Reporter& rep;
  const std::vector<Event>& log;
  const CheckerOptions& options;
  const StoreOracle* oracle;
  CrossState& cross;
  std::map<ClientId, ClientState>& clients;
};

// check_client.cpp: the per-client tracker and [C] rules.
void client_connected(Ctx& ctx, ClientState& c, EventIndex index);
void client_disconnected(Ctx& ctx, ClientState& c, EventIndex index);
void client_sent(Ctx& ctx, ClientState& c, EventIndex index);
void client_received(Ctx& ctx, ClientState& c, EventIndex index);

// check_cross.cpp: [X] rules, in event order over all clients. Mailbox names here are scoped().
// A UIDNEXT / HIGHESTMODSEQ / UIDVALIDITY / assigned UID read between `start` and `end` (UID-1..4, MOD-1).
void observe_uidnext(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity, std::uint64_t value,
                     EventIndex start, EventIndex end);
void observe_highestmodseq(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity,
                           std::uint64_t value, EventIndex start, EventIndex end);
void observe_uidvalidity(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity, EventIndex start,
                         EventIndex end);
// UIDs the server just assigned in a command (APPENDUID, COPYUID): UID-2.
void observe_assigned_uids(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity,
                           std::uint32_t lowest, std::uint32_t highest, EventIndex start, EventIndex end);
// A UID that exists in a mailbox (FETCH UID): UIDNEXT is above it from now on.
void observe_existing_uid(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity,
                          std::uint32_t uid, EventIndex end);
void mark_name_reused(Ctx& ctx, const std::string& name);
// FLG-4 and SEQ-10 for one FETCH response of a known message.
void cross_fetch(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& fetch,
                 EventIndex index);
// NTF-2: new messages `uids` in (mailbox, UIDVALIDITY) committed by `author`; and the periodic deadline check.
void change_committed(Ctx& ctx, const ClientState& author, const std::string& mailbox,
                      std::uint32_t uidvalidity, const proto::SequenceSet& uids, EventIndex sent, EventIndex done);
void check_deadlines(Ctx& ctx, std::uint64_t now_us);

// check_store.cpp: [O] rules through the oracle.
void store_fetch(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& fetch,
                 EventIndex index);
// check_content.cpp, SEQ-9 for sections, <o.l> lengths and INTERNALDATE against an independent extraction from
// the stored bytes (called by store_fetch).
void check_content(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& fetch,
                   EventIndex index);
// check_structure.cpp: SEQ-9 for ENVELOPE, BODY and BODYSTRUCTURE against the stored message (RFC 3501 §7.4.2).
void structure_fetch(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& fetch,
                     EventIndex index);
// SEQ-14 (NOOP/CHECK) and NTF-3 (NOTIFY SET): the client's view equals the session's at completion.
void store_checkpoint(Ctx& ctx, const ClientState& c, const char* rule, EventIndex sent, EventIndex done);

// check_policy.cpp: the declared RFC 2180 policy (EXP-1, EXP-2, CPY-3, MBX-2, MBX-3) through the oracle. Called for
// every command sent (before it joins `inflight`) and for every tagged reply.
void policy_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index);
void policy_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                      const Inflight& f, EventIndex index);
// EXP-3: the numbers or UIDs a SEARCH returned, while a SEARCH ALL probe is active.
void policy_search_hits(ClientState& c, const proto::SearchData& s);

// check_notify.cpp: the NOTIFY set and the NTF rules about what may arrive when.
NotifySet notify_set_from(const proto::NotifyArgs& args, EventIndex at);
// NTF-5: the argument errors a server must refuse; empty when the arguments are acceptable.
std::string notify_argument_error(const proto::NotifyArgs& args);
// Untagged data arriving with nothing in flight or during IDLE: allowed by the NOTIFY set / RFC 3501?
// Reports SEQ-1, NTF-6, NTF-7, NTF-8, NTF-9, NTF-11 or NTF-12 and returns false when not.
bool check_unsolicited(Ctx& ctx, const ClientState& c, const proto::Response& response, EventIndex index);

// check_store.cpp, more [O] rules: a STORE's effect on the flags (FLG-1, FLG-2, FLG-3), a failed COPY or
// APPEND (CPY-1), RENAME INBOX (MBX-5) and of a parent (MBX-4), EXPUNGE's mod-sequence (MOD-3). Called for
// every command sent (before it joins `inflight`), for every tagged reply, and for FETCH/EXPUNGE responses.
void oracle_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index);
void oracle_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                      const Inflight& f, EventIndex index);
void store_probe_fetch(ClientState& c, std::uint32_t msn, const proto::FetchData& fetch);
// FLG-2: a FETCH with FLAGS, or an expunge, told the client about `uid` (0: some UID it cannot name). The
// caller notes a FETCH in the message's ViewEntry::flags_told.
void flags_told(ClientState& c, std::uint32_t uid, bool expunged);
// FLG-2 at the completion of the client's NOOP/CHECK.
void check_flags_due(Ctx& ctx, ClientState& c, const Inflight& f, EventIndex index);
// The store's mailbox `name` as client `c` names it, when the oracle surely resolves it to that mailbox.
std::optional<model::Model::MailboxInfo> oracle_mailbox(const Ctx& ctx, const ClientState& c,
                                                        const std::string& name);
// The store's mailbox `name` as `user` names it, when the oracle surely resolves it to that mailbox; without
// `with_uids` its `uids` stay empty.
std::optional<model::Model::MailboxInfo> users_mailbox(const Ctx& ctx, const std::string& user,
                                                       const std::string& name, bool with_uids = true);
// True for the shared namespace: the shared root and the names below it.
bool is_shared(const std::string& name);

// check_cross.cpp, NTF-10: an unsolicited FETCH about the selected mailbox, checked against who changed what.
void check_own_change(Ctx& ctx, const ClientState& c, EventIndex index);
// NTF-4 (check_notify.cpp): a STATUS that arrived while a NOTIFY SET STATUS was in flight.
void check_notify_status(Ctx& ctx, const ClientState& c, const proto::StatusData& s, EventIndex index);
// NTF-10 through the oracle (check_notify.cpp): every command sent (before it joins `inflight`) starts or ends
// own-change records; every FETCH and STATUS response is checked against the client's record.
void own_change_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index);
void own_change_fetch(Ctx& ctx, ClientState& c, const proto::FetchData& fetch, EventIndex index);
void own_change_status(Ctx& ctx, ClientState& c, const proto::StatusData& status, EventIndex index);
// MBX-4 (check_cross.cpp): whether a RENAME of an ancestor of this scoped name succeeded.
bool ancestor_renamed(const Ctx& ctx, const std::string& name);
void mark_renamed_away(Ctx& ctx, const std::string& name);

// check_expunge.cpp: EXP-4 (which messages EXPUNGE / UID EXPUNGE / CLOSE removed) and MOD-5 (STORE
// UNCHANGEDSINCE), through the oracle. Called from oracle_sent / oracle_completed.
void expunge_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index);
void expunge_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                       const Inflight& f, EventIndex index);

// check_expunge.cpp, NTF-2 for expunges (RFC 5465 §5.3): follows every new event of the log for what the dues
// depend on (STATUS responses, name and ACL changes), and judges the dues whose deadline passed. Called from
// check_deadlines.
void follow_expunge_notices(Ctx& ctx);
void check_expunge_dues(Ctx& ctx, std::uint64_t now_us);

// check_gaps.cpp: MBX-2 under delete=ghost (CREATE over a held ghost), MBX-3 under rename=inplace (holders keep
// working), NTF-1 at DONE (via store_checkpoint), SEQ-15 (`*` answers the client's last message).
void gaps_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index);
void gaps_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                    const Inflight& f, EventIndex index);
// SEQ-15: a FETCH response (message number `msn`) or an expunge arrived.
void gaps_fetch(ClientState& c, std::uint32_t msn);
void gaps_renumbered(ClientState& c);
// check_sets.cpp, SEQ-16: a FETCH answers every message of its set (RFC 3501 §9); hooks as for SEQ-15.
void sets_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index);
void sets_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                    const Inflight& f, EventIndex index);
void sets_fetch(ClientState& c, std::uint32_t msn);
void sets_renumbered(ClientState& c);
// NTF-9: a LIST arrived (discharges owed name changes); the periodic deadline check over all clients.
void gaps_listed(ClientState& c, const proto::ListData& list, EventIndex index);
void check_names_due(Ctx& ctx, std::uint64_t now_us);
// NTF-8: whether a non-selected NOTIFY filter surely covers `name` (personal, subtree, mailboxes).
bool filter_covers(const proto::NotifyFilter& f, const std::string& name);

// check_watch.cpp: NTF-8 (which mailboxes a NOTIFY set may send STATUS for) and MBX-6 (subscriptions).
// Whether some non-selected filter watching message events may cover `mailbox` (SUBSCRIBED always may).
bool status_covered(const Ctx& ctx, const NotifySet& ns, const std::string& mailbox);
// MBX-6: a (UN)SUBSCRIBE completed; an LSUB or LIST response arrived; a client left (before its in-flight
// commands are forgotten).
void watch_sent(Ctx& ctx, const proto::Command& cmd);
void watch_completed(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                     const Inflight& f, EventIndex index);
void watch_listed(Ctx& ctx, const ClientState& c, const proto::ListData& list, EventIndex index);
void watch_disconnected(Ctx& ctx, const ClientState& c);
// NTF-2 for flags: a STORE (sent at `sent`, OK at `done`) changed `uid`, which plain IDLE watcher `w` must be
// told with a FETCH (RFC 2177 §3, RFC 3501 §7.4.2); and at the deadline, whether it still is owed.
void idle_flags_owed(Ctx& ctx, const ClientState& w, std::uint32_t uidvalidity, std::uint32_t uid, EventIndex sent,
                     EventIndex done);
bool idle_flags_still_owed(const Ctx& ctx, const ClientState& w, const Obligation& ob);

// check_list.cpp: LST-1 (LIST/LSUB names match the reference and pattern) and LST-2 (LIST's \Noselect and
// \HasChildren/\HasNoChildren against the true names). Fed every event before the per-client tracker sees it.
void list_observe(Ctx& ctx, ClientState& c, EventIndex index);
// LST-1's matcher (RFC 3501 §6.3.8), sim's own: with `inbox_fold`, an INBOX-led name's first five characters
// compare case-insensitively.
bool list_pattern_matches(const std::string& pattern, const std::string& name, char delimiter, bool inbox_fold);
// check_names.cpp: LST-3 (LIST names every visible matching name), MBX-7 (CREATE/RENAME leave superiors) and
// APP-2 (APPEND to a \Noselect placeholder fails) through the oracle, fed like list_observe.
void names_observe(Ctx& ctx, ClientState& c, EventIndex index);

// check_acl.cpp: ACC-2, fed every event before the per-client tracker sees it (so a tagged reply still finds
// its command in flight).
void acl_observe(Ctx& ctx, ClientState& c, EventIndex index);
// ACC-3: the fact about `user`'s rights on shared `mailbox` that holds now, or null.
const AclFact* acl_fact(const Ctx& ctx, const std::string& user, const std::string& mailbox);
// check_access.cpp: ACC-4, CPY-5, MBX-1 (inferiors kept), FLG-4 (at least one), fed like acl_observe.
void access_observe(Ctx& ctx, ClientState& c, EventIndex index);
// check_append.cpp: APP-1 (APPEND sets its flags and date), FLG-5 (a FETCH that sets \Seen tells FLAGS), FLG-6 (a
// read-only session's FETCH sets no \Seen), fed like access_observe.
void append_observe(Ctx& ctx, ClientState& c, EventIndex index);

// check_codes.cpp: response codes and owed or forbidden untagged data (STA-2 EXAMINE [READ-ONLY], SEQ-11 for UID
// STORE, EXP-5 CLOSE, CPY-7 [TRYCREATE], MOD-7, STA-1 RECENT of the selected mailbox, ACC-5), fed like acl_observe.
void codes_observe(Ctx& ctx, ClientState& c, EventIndex index);
// SES-2 for the unparseable tagged lines check_codes.cpp follows: called by check_unanswered when the run stands
// still, after the commands in flight.
void check_unanswered_lines(Ctx& ctx);
// SES-5 (sim/check_liveness.cpp): called by Checker::stalled, before virtual time jumps beyond the NOTIFY bound
// (not by quiescent(): a canary's oracle is a model that never delivers what it queues).
void check_owed_push(Ctx& ctx);
// A user's rights on a shared mailbox computed from the ACL entries the store holds, as the union of the user's
// and "anyone"'s (RFC 4314 §2; sorted, no virtual 'c'/'d'); nullopt for another mailbox or none.
std::optional<std::string> acl_rights(const Ctx& ctx, const std::string& user, const std::string& mailbox);

// check_search.cpp: SRC-1 (SEARCH answers), STA-1 (STATUS values), STA-2 (SELECT/EXAMINE data) against the store
// while nothing could change it. Called for every command sent (before it joins `inflight`), for SEARCH and
// STATUS data, for untagged OK codes during SELECT/EXAMINE, and for every tagged reply (after its command left
// `inflight`).
void search_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index);
void search_data(Ctx& ctx, ClientState& c, const proto::SearchData& s, EventIndex index);
void search_status_data(Ctx& ctx, ClientState& c, const proto::StatusData& s, EventIndex index);
void search_select_code(ClientState& c, const proto::ResponseCode& code);
void search_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                      const Inflight& f, EventIndex index);

// Small shared helpers.
// Commands that may change a mailbox's messages or flags (anything but pure reads and session commands).
bool changes_messages(proto::CommandKind kind);
// The UIDs a set names in a session's view, as the server resolves it (RFC 3501 §6.4.8, §9: `*` is the
// largest number or UID in use); nullopt when a message number lies outside the view.
std::optional<std::vector<std::uint32_t>> resolve_in_view(const proto::SequenceSet& set, bool uid,
                                                          const std::vector<std::uint32_t>& view);
std::uint64_t fnv1a(const std::string& bytes);
// Whether any client has a command `pred` accepts in flight, or had one when its connection dropped (orphans:
// such a command may still run).
template <class Pred>
bool any_in_flight(const Ctx& ctx, Pred pred) {
  for (const auto& [id, other] : ctx.clients) {
    for (const Inflight& f : other.inflight) {
      if (ctx.log[f.sent].command && pred(*ctx.log[f.sent].command)) return true;
    }
    for (const EventIndex sent : other.orphans) {
      if (ctx.log[sent].command && pred(*ctx.log[sent].command)) return true;
    }
  }
  return false;
}
// Number of values a set names, with `*` not allowed (COPYUID/APPENDUID); nullopt when it has a `*`.
std::optional<std::uint64_t> set_size(const proto::SequenceSet& set);

}  // namespace imaplab::sim::detail
