// NOTIFY (RFC 5465 and the seed draft-ietf-lemonade-imap-notify-00): the command, the matching of event
// groups against mailboxes, the queue of notices for mailboxes other than the selected one, and what may be
// sent between commands.
#pragma once
#include <optional>

#include "model/context.hpp"
#include "model/view.hpp"

namespace imaplab::model {

void cmd_notify(Ctx& ctx);

// Message events on a mailbox, for sessions watching it other than as their selected mailbox (RFC 5465
// §5.1-§5.3). The actor is never notified (NTF-10).
void notify_message_event(State& st, SessionId actor, const Mailbox& mb, proto::NotifyEventKind kind);

// MailboxName (RFC 5465 §5.4). `old_key` is set for a rename; `visible_before` says which sessions'
// users could see the mailbox before a delete (a deletion is only told to those who could see it).
enum class NameChange { Created, Deleted, Renamed };
void notify_mailbox_name(State& st, SessionId actor, NameChange change, const MailboxKey& key,
                         const std::optional<MailboxKey>& old_key, const std::vector<std::string>& visible_before);
// The 'l' right given to / taken from a user is a creation / deletion for that user (RFC 5465 §5.4).
void notify_lookup_right(State& st, SessionId actor, const std::string& user, const MailboxKey& key, bool granted);
// SubscriptionChange (§5.5): the user's other sessions get LIST with \Subscribed exactly when subscribed.
void notify_subscription(State& st, SessionId actor, const std::string& user, const std::string& name);
// RFC 5465 §6.1.2 with §5.3: expunges SELECTED-DELAYED held back are never sent once the session leaves the
// mailbox (RFC 3501 §6.3.1: a SELECT or EXAMINE, even a failed one, deselects it). When the session watches
// that mailbox by another filter, it is told by STATUS instead, as if the expunge came after it left (NTF-2).
// `left` is the mailbox selected before the command, if it had such expunges (held_back_expunges).
std::optional<MailboxId> held_back_expunges(const Session& s);
void notify_left_mailbox(State& st, Session& s, std::optional<MailboxId> left);

// The selected-mailbox updates the session may get between commands (or during IDLE), per its NOTIFY
// SELECTED / SELECTED-DELAYED group (RFC 5465 §6.1; before any NOTIFY only during IDLE, RFC 2177).
std::optional<FlushOptions> between_commands(const State& st, const Session& s);
// The NOTIFY MessageNew fetch attributes for the selected mailbox, if the client asked for them.
const std::vector<proto::FetchAtt>* selected_new_atts(const Session& s);
bool notify_flag_changes_selected(const Session& s);

// Turns the queued notices into responses (STATUS values as they are now) and clears the queue.
std::vector<proto::Response> drain_notices(State& st, Session& s);
// RFC 5465 §5.8: notifications stop as after NOTIFY NONE.
void stop_notifications(Session& s);

}  // namespace imaplab::model
