// Fan-out of store changes to sessions: what every session that has the mailbox selected is now due to be
// told (pending expunges, new messages, flag changes), \Recent ownership, and NOTIFY notices for sessions
// watching the mailbox from elsewhere (RFC 5465 §5).
#pragma once
#include "model/store.hpp"

namespace imaplab::model {

// A message was added (APPEND, COPY, MOVE). The actor is the session that caused it.
void message_added(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid);
// A message was expunged; `ghost` is its state just before, kept for sessions not yet told (RFC 2180 §4.1.1).
void message_expunged(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid, const Message& ghost);
// A message's flags changed.
void flags_changed(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid);
// A message's flags are about to change from `before` (bug zoo flag-overwrite keeps them as other holders'
// stale copy; a no-op otherwise).
void flags_changing(State& st, SessionId actor, const Mailbox& mb, std::uint32_t uid,
                    const std::vector<std::string>& before);

// Expunges the messages (ascending UIDs) and fans the change out. Returns the UIDs removed.
std::vector<std::uint32_t> expunge_uids(State& st, SessionId actor, Mailbox& mb,
                                        const std::vector<std::uint32_t>& uids);

}  // namespace imaplab::model
