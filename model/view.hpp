// A session's view of its selected mailbox: resolving sequence sets against what the client was told, and
// telling it what changed (EXPUNGE, EXISTS, RECENT, FETCH FLAGS) when RFC 3501 §5.2/§7.4.1 allow.
#pragma once
#include <optional>
#include <vector>

#include "model/store.hpp"

namespace imaplab::model {

// One message a command addresses, numbered as the client knows it.
struct Target {
  std::uint32_t msn = 0;
  std::uint32_t uid = 0;
  const Message* message = nullptr;  // live message, or the copy kept when it was expunged
  bool expunged = false;             // expunged by another session, not yet told (RFC 2180 §4)
};

// Looks up live messages by ascending UID: each lookup starts after the message the last one found, so a walk
// over a view costs a step per message, and a search of the map only where the view and the mailbox part.
class MessageCursor {
 public:
  explicit MessageCursor(const Mailbox& mb) : messages_(mb.messages), next_(messages_.begin()) {}
  // The live message with this UID, or null.
  const Message* find(std::uint32_t uid) {
    if (next_ == messages_.end() || next_->first != uid) next_ = messages_.lower_bound(uid);
    if (next_ == messages_.end() || next_->first != uid) return nullptr;
    return &(next_++)->second;
  }

 private:
  const std::map<std::uint32_t, Message>& messages_;
  std::map<std::uint32_t, Message>::const_iterator next_;
};

// The messages a set addresses, ascending and without duplicates. For MSNs, nullopt when a number is beyond
// the client's count (or the view is empty); UIDs that do not exist are ignored (RFC 3501 §6.4.8).
std::optional<std::vector<Target>> resolve_set(const State& st, const Session& s, const proto::SequenceSet& set,
                                               bool uid);

// Whether the session (which owns the UID range) sees the message as \Recent (RFC 3501 §2.3.2).
bool is_recent(const Session& s, std::uint32_t uid);
// Flags as FETCH reports them: the stored ones plus \Recent where this session owns it.
std::vector<std::string> visible_flags(const Session& s, std::uint32_t uid, const Message& m);
std::size_t recent_count(const Session& s);

struct FlushOptions {
  bool expunges = true;             // false while answering FETCH, STORE, SEARCH (RFC 3501 §7.4.1)
  bool exists_after_expunge = false;  // NOOP/CHECK restate the count after expunges (RFC 2180 §4.1 examples)
  bool news = true;
  bool flags = true;
  bool uid_in_flag_fetch = false;   // UID commands and NOTIFY FlagChange put UID in FETCH (RFC 5465 §5.1)
  const std::vector<proto::FetchAtt>* new_message_atts = nullptr;  // NOTIFY MessageNew fetch attributes
};

// Appends the updates the session is due, per the options, and marks them told.
void flush(State& st, Session& s, const FlushOptions& options, std::vector<proto::Response>& out);
// Whether flush with these options would say anything.
bool has_pending(const State& st, const Session& s, const FlushOptions& options);

// SELECT/EXAMINE: the view starts as the mailbox's current UID tree (O(1)); a read-write session claims the
// unclaimed \Recent messages (FLG-4).
void open_view(State& st, Session& s, Mailbox& mb, bool read_only);
// Leaves the selected state; a deleted mailbox nobody holds any more is released.
void close_view(State& st, Session& s);

proto::Response number_response(proto::NumberData::Kind kind, std::uint32_t n);
proto::Response flags_response(const Mailbox& mb);
std::vector<std::string> mailbox_flags(const Mailbox& mb);  // system flags then keywords

}  // namespace imaplab::model
