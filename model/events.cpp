// Fan-out of store changes to the sessions that must eventually hear of them (RFC 3501 §5.2, §7.4.1;
// RFC 5465 §5). Sessions with the mailbox selected get pending view changes; NOTIFY watchers get notices.
#include "model/events.hpp"

#include "model/notify.hpp"

namespace imaplab::model {
namespace {

// The first read-write session holding the mailbox takes every unclaimed \Recent message (FLG-4: exactly
// one session sees a new message as recent).
void claim_recent(State& st, Mailbox& mb) {
  for (auto& [sid, s] : st.sessions) {
    if (s.selected != mb.id || s.read_only) continue;
    auto& ranges = s.view.recent;
    if (!ranges.empty() && ranges.back().second == mb.recent_floor) ranges.back().second = mb.uidnext;
    else ranges.emplace_back(mb.recent_floor, mb.uidnext);
    mb.recent_floor = mb.uidnext;
    return;
  }
}

}  // namespace

void message_added(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid) {
  claim_recent(st, mb);
  if (auto it = st.sessions.find(actor); it != st.sessions.end() && it->second.selected == mb.id) {
    it->second.view.own_new.insert(uid);
  }
  notify_message_event(st, actor, mb, proto::NotifyEventKind::MessageNew);
}

void message_expunged(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid, const Message& ghost) {
  for (auto& [sid, s] : st.sessions) {
    if (s.selected == mb.id && s.view.uids.contains(uid)) s.view.expunged.emplace(uid, ghost);
  }
  notify_message_event(st, actor, mb, proto::NotifyEventKind::MessageExpunge);
}

void flags_changed(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid) {
  for (auto& [sid, s] : st.sessions) {
    if (sid != actor && s.selected == mb.id && s.view.uids.contains(uid)) s.view.flag_changes.insert(uid);
  }
  notify_message_event(st, actor, mb, proto::NotifyEventKind::FlagChange);
}

std::vector<std::uint32_t> expunge_uids(State& st, SessionId actor, Mailbox& mb,
                                        const std::vector<std::uint32_t>& uids) {
  std::vector<std::uint32_t> removed;
  for (std::uint32_t uid : uids) {
    if (mb.messages.count(uid) == 0) continue;
    const Message ghost = remove_message(mb, uid);
    message_expunged(st, actor, mb, uid, ghost);
    removed.push_back(uid);
  }
  return removed;
}

}  // namespace imaplab::model
