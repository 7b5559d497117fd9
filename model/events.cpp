// Fan-out of store changes to the sessions that must eventually hear of them (RFC 3501 §5.2, §7.4.1;
// RFC 5465 §5). Sessions with the mailbox selected get pending view changes; NOTIFY watchers get notices.
#include "model/events.hpp"

#include <algorithm>

#include "model/notify.hpp"

namespace imaplab::model {
namespace {

// The first read-write session holding the mailbox takes every unclaimed \Recent message (FLG-4: exactly
// one session sees a new message as recent).
// Bug zoo recent-twice: every read-write holder takes them, so several sessions see one message as \Recent.
void claim_recent(State& st, Mailbox& mb) {
  const bool every_holder = bug_on(st, Bug::RecentTwice);
  bool claimed = false;
  for (auto& [sid, s] : st.sessions) {
    if (s.selected != mb.id || s.read_only) continue;
    auto& ranges = s.view.recent;
    if (!ranges.empty() && ranges.back().second == mb.recent_floor) ranges.back().second = mb.uidnext;
    else ranges.emplace_back(mb.recent_floor, mb.uidnext);
    claimed = true;
    if (!every_holder) break;
  }
  if (claimed) mb.recent_floor = mb.uidnext;
}

// Bug zoo uid-reuse-after-expunge: an EXPUNGE while another session has the mailbox open rebuilds the index
// and takes UIDNEXT from the highest UID left, so the newest message's UID is handed out again (UID-2).
void recompute_uidnext(Mailbox& mb) {
  mb.uidnext = mb.messages.empty() ? 1 : mb.messages.rbegin()->first + 1;
  mb.recent_floor = std::min(mb.recent_floor, mb.uidnext);
}

// Bug zoo notify-own-change: the session skipped is the mailbox's previous writer (notify.cpp records it
// after the fan-out), so a session that changes flags right after another one is told of its own change.
SessionId previous_writer(const State& st, SessionId actor, MailboxId box) {
  const auto it = st.notify_last_actor.find(box);
  return it == st.notify_last_actor.end() || it->second == 0 ? actor : it->second;
}

}  // namespace

void message_added(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid) {
  if (bug_on(st, Bug::NeverRecent)) mb.recent_floor = mb.uidnext;  // bug zoo never-recent (FLG-4)
  claim_recent(st, mb);
  if (auto it = st.sessions.find(actor); it != st.sessions.end() && it->second.selected == mb.id) {
    it->second.view.own_new.insert(uid);
  }
  notify_message_event(st, actor, mb, proto::NotifyEventKind::MessageNew);
}

void message_expunged(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid, const Message& ghost) {
  const bool mark_own = bug_on(st, Bug::ExpungePastCount);
  for (auto& [sid, s] : st.sessions) {
    if (s.selected != mb.id || !s.view.uids.contains(uid)) continue;
    s.view.expunged.emplace(uid, ghost);
    if (mark_own && sid == actor) s.view.own_expunged.insert(uid);
  }
  notify_message_event(st, actor, mb, proto::NotifyEventKind::MessageExpunge);
}

void flags_changed(State& st, SessionId actor, Mailbox& mb, std::uint32_t uid) {
  // Bug zoo flag-updates-dropped: other holders are never told (FLG-2).
  if (!bug_on(st, Bug::FlagUpdatesDropped)) {
    const SessionId skip = bug_on(st, Bug::NotifyOwnChange) ? previous_writer(st, actor, mb.id) : actor;
    for (auto& [sid, s] : st.sessions) {
      if (sid != skip && s.selected == mb.id && s.view.uids.contains(uid)) s.view.flag_changes.insert(uid);
    }
  }
  notify_message_event(st, actor, mb, proto::NotifyEventKind::FlagChange);
}

void flags_changing(State& st, SessionId actor, const Mailbox& mb, std::uint32_t uid,
                    const std::vector<std::string>& before) {
  if (!bug_on(st, Bug::FlagOverwrite)) return;
  for (auto& [sid, s] : st.sessions) {
    if (sid != actor && s.selected == mb.id && s.view.uids.contains(uid)) s.view.stale_flags.emplace(uid, before);
  }
}

std::vector<std::uint32_t> expunge_uids(State& st, SessionId actor, Mailbox& mb,
                                        const std::vector<std::uint32_t>& uids) {
  const std::uint64_t modseq_before = mb.highestmodseq;
  std::vector<std::uint32_t> removed;
  for (std::uint32_t uid : uids) {
    if (mb.messages.count(uid) == 0) continue;
    const Message ghost = remove_message(mb, uid);
    message_expunged(st, actor, mb, uid, ghost);
    removed.push_back(uid);
  }
  const bool reuse = bug_on(st, Bug::UidReuseAfterExpunge), keep_modseq = bug_on(st, Bug::ModseqNotBumpedOnExpunge);
  // Both bugs take the path a server uses when another session has the mailbox open.
  if (!(reuse || keep_modseq) || removed.empty() || !held_by_other(st, mb.id, actor)) return removed;
  if (reuse) recompute_uidnext(mb);
  // Bug zoo modseq-not-bumped-on-expunge: the expunge is written without a new mod-sequence (MOD-3).
  if (keep_modseq) mb.highestmodseq = modseq_before;
  return removed;
}

}  // namespace imaplab::model
