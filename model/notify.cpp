// NOTIFY (RFC 5465; NOTIFY ADD from draft-ietf-lemonade-imap-notify-00): argument rules, filter matching,
// notices for watched mailboxes and the selected-mailbox updates allowed between commands.
#include "model/notify.hpp"

#include <algorithm>

#include "model/acl.hpp"
#include "model/commands.hpp"

namespace imaplab::model {
namespace {

using EK = proto::NotifyEventKind;
using FK = proto::NotifyFilter::Kind;
using proto::StatusItem;

bool is_message_event(EK k) {
  return k == EK::MessageNew || k == EK::MessageExpunge || k == EK::FlagChange || k == EK::AnnotationChange;
}
bool is_supported(EK k) {
  return k == EK::MessageNew || k == EK::MessageExpunge || k == EK::FlagChange || k == EK::MailboxName ||
         k == EK::MailboxCreate || k == EK::MailboxDelete || k == EK::MailboxRename || k == EK::SubscriptionChange;
}
// The seed draft's MailboxCreate/MailboxDelete/MailboxRename are names of RFC 5465's MailboxName (NTF-9).
EK canonical(EK k) {
  return (k == EK::MailboxCreate || k == EK::MailboxDelete || k == EK::MailboxRename) ? EK::MailboxName : k;
}
bool is_selected_filter(FK k) { return k == FK::Selected || k == FK::SelectedDelayed; }

bool group_has(const proto::NotifyEventGroup& g, EK kind) {
  if (!g.events) return false;
  return std::any_of(g.events->begin(), g.events->end(), [&](const auto& e) { return canonical(e.kind) == kind; });
}

bool in_subtree(const State& st, const MailboxKey& key, const MailboxKey& root) {
  const bool prefix_only = bug_on(st, Bug::NotifySubtreePrefix);
  return key.owner == root.owner &&
         (key.name == root.name || key.name.rfind(prefix_only ? root.name : root.name + delimiter, 0) == 0);
}

bool filter_matches(const State& st, const std::string& user, const proto::NotifyFilter& f, const MailboxKey& key,
                    bool subscription_event) {
  switch (f.kind) {
    case FK::Selected:
    case FK::SelectedDelayed: return false;
    case FK::Inboxes:  // RFC 5465 §6.3: treated as "personal"
    case FK::Personal: return key.owner == user || (bug_on(st, Bug::NotifyPersonalShared) && key.owner.empty());
    case FK::Subscribed:
      return (key.owner == user || key.owner.empty()) && (subscription_event || is_subscribed(st, user, key.name));
    case FK::Subtree:
    case FK::Mailboxes:
      for (const auto& name : f.mailboxes) {
        const auto k = key_for(user, name);
        if (!k) continue;
        if (f.kind == FK::Mailboxes ? *k == key : in_subtree(st, key, *k)) return true;
      }
      return false;
  }
  return false;
}

// Whether some non-selected group of the session covers this event on this mailbox name.
bool watches(const State& st, const Session& s, const MailboxKey& key, EK kind) {
  if (!s.notify.used || s.state == SessionState::Logout || s.state == SessionState::NotAuthenticated) return false;
  return std::any_of(s.notify.groups.begin(), s.notify.groups.end(), [&](const auto& g) {
    return group_has(g, kind) && filter_matches(st, s.user, g.filter, key, kind == EK::SubscriptionChange);
  });
}

void enqueue(Session& s, Notice notice) {
  if (s.notify.queue.size() >= notify_queue_entries_max) {
    stop_notifications(s);
    Notice overflow;
    overflow.kind = Notice::Kind::Ready;
    overflow.response = untagged_status(proto::Condition::Ok, make_code("NOTIFICATIONOVERFLOW"),
                                        "Too many notifications (RFC 5465 section 5.8)");
    s.notify.queue.push_back(std::move(overflow));
    return;
  }
  s.notify.queue.push_back(std::move(notice));
}

void enqueue_status(Session& s, MailboxId box, const std::vector<StatusItem>& items) {
  for (auto& n : s.notify.queue) {
    if (n.kind != Notice::Kind::Status || n.box != box) continue;
    for (auto item : items) {
      if (std::find(n.items.begin(), n.items.end(), item) == n.items.end()) n.items.push_back(item);
    }
    return;
  }
  Notice n;
  n.box = box;
  n.items = items;
  enqueue(s, std::move(n));
}

void enqueue_ready(Session& s, proto::ResponseBody body) {
  Notice n;
  n.kind = Notice::Kind::Ready;
  n.response.body = std::move(body);
  enqueue(s, std::move(n));
}

// Bug zoo notify-create-delete-lost: a deletion whose creation is still queued cancels both, so the
// watcher hears nothing of a mailbox that existed between two deliveries (NTF-9). True when it did.
bool drop_creation(Session& s, const MailboxKey& key) {
  const auto is_creation = [&](const Notice& n) {
    const auto* l = n.kind == Notice::Kind::Ready ? std::get_if<proto::ListData>(&n.response.body) : nullptr;
    return l != nullptr && l->mailbox == key.name && !l->old_name;
  };
  return std::erase_if(s.notify.queue, is_creation) > 0;
}

const proto::NotifyEventGroup* selected_group(const Session& s) {
  for (const auto& g : s.notify.groups) {
    if (is_selected_filter(g.filter.kind)) return &g;
  }
  return nullptr;
}

// --- The NOTIFY command ---

// RFC 5465 §5, §6.1 argument rules; returns the BAD text, or "" when the groups are acceptable.
std::string argument_error(const std::vector<proto::NotifyEventGroup>& groups) {
  int selected_filters = 0;
  for (const auto& g : groups) {
    if (is_selected_filter(g.filter.kind) && ++selected_filters > 1)
      return "Only one of SELECTED and SELECTED-DELAYED may be given (RFC 5465 section 6.1)";
    if (!g.events) continue;
    const bool is_new = group_has(g, EK::MessageNew), expunge = group_has(g, EK::MessageExpunge);
    if (is_new != expunge) return "MessageNew and MessageExpunge go together (RFC 5465 section 5)";
    if ((group_has(g, EK::FlagChange) || group_has(g, EK::AnnotationChange)) && !is_new)
      return "FlagChange needs MessageNew and MessageExpunge (RFC 5465 section 5)";
    if (!is_selected_filter(g.filter.kind)) {
      for (const auto& e : *g.events) {
        if (!e.fetch_atts.empty()) return "MessageNew fetch attributes apply only to SELECTED (RFC 5465 section 8)";
      }
    } else {
      for (const auto& e : *g.events) {
        if (!is_message_event(e.kind) && e.kind != EK::Other)
          return "Only message events apply to SELECTED (RFC 5465 section 6.1)";
      }
    }
  }
  return "";
}

std::vector<std::string> unsupported_events(const std::vector<proto::NotifyEventGroup>& groups) {
  std::vector<std::string> out;
  for (const auto& g : groups) {
    if (!g.events) continue;
    for (const auto& e : *g.events) {
      if (!is_supported(e.kind)) out.push_back(e.name);
    }
  }
  return out;
}

std::vector<StatusItem> status_items_for(const proto::NotifyEventGroup& g) {
  std::vector<StatusItem> items;
  const bool is_new = group_has(g, EK::MessageNew), expunge = group_has(g, EK::MessageExpunge);
  if (is_new || expunge) items.push_back(StatusItem::Messages);
  if (is_new) {
    items.push_back(StatusItem::UidNext);
    items.push_back(StatusItem::UidValidity);
  }
  if (group_has(g, EK::FlagChange)) {
    if (!is_new) items.push_back(StatusItem::UidValidity);
    items.push_back(StatusItem::HighestModSeq);
  }
  return items;
}

// NOTIFY ... STATUS: one STATUS per watched mailbox other than the selected one (RFC 5465 §3, NTF-4); a
// mailbox the user can list but not read gets LIST (\NoAccess) instead.
void send_initial_status(Ctx& ctx, const std::vector<proto::NotifyEventGroup>& groups) {
  for (const auto& [key, id] : ctx.st.names) {
    const Mailbox* mb = mailbox_by_id(ctx.st, id);
    if (mb == nullptr || mb->noselect || ctx.s.selected == id || !can_see(ctx.st, ctx.s.user, *mb)) continue;
    std::vector<StatusItem> items;
    for (const auto& g : groups) {
      if (!filter_matches(ctx.st, ctx.s.user, g.filter, key, false)) continue;
      for (auto item : status_items_for(g)) {
        if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
      }
    }
    if (items.empty()) continue;
    // Bug zoo notify-status-missing-uidvalidity: a mailbox open in another session is answered from its
    // status cache, which has no UIDVALIDITY (NTF-4).
    if (bug_on(ctx.st, Bug::NotifyStatusMissingUidvalidity) && held_by_other(ctx.st, id, ctx.sid))
      std::erase(items, StatusItem::UidValidity);
    if (!has_rights(ctx.st, ctx.s.user, *mb, "r")) {
      proto::ListData l = list_data(ctx.st, ctx.s.user, key, false);
      l.attributes.push_back("\\NoAccess");
      ctx.untagged(std::move(l));
      continue;
    }
    ctx.untagged(status_data(ctx.st, ctx.s, *mb, items));
  }
}

}  // namespace

void cmd_notify(Ctx& ctx) {
  const auto* a = ctx.args<proto::NotifyArgs>();
  if (a == nullptr) return (void)ctx.bad("NOTIFY arguments expected");
  if (a->mode == proto::NotifyArgs::Mode::None) {
    stop_notifications(ctx.s);
    return (void)ctx.ok("NOTIFY NONE done");
  }
  if (a->groups.empty()) return (void)ctx.bad("NOTIFY needs event groups (RFC 5465 section 8)");
  if (const std::string error = argument_error(a->groups); !error.empty()) return (void)ctx.bad(error);
  if (const auto bad = unsupported_events(a->groups); !bad.empty()) {
    proto::ResponseCode code = make_code("BADEVENT");
    code.list = {"MessageNew", "MessageExpunge", "FlagChange", "MailboxName", "SubscriptionChange"};
    return (void)ctx.no("Unsupported event: " + bad.front() + " (RFC 5465 section 3)", std::move(code));
  }
  std::vector<proto::NotifyEventGroup> groups = a->groups;
  if (a->mode == proto::NotifyArgs::Mode::Add) {
    // The draft's ADD prepends; a SELECTED group it brings replaces the one in effect (RFC 5465 §6.1).
    const bool adds_selected = std::any_of(groups.begin(), groups.end(),
                                           [](const auto& g) { return is_selected_filter(g.filter.kind); });
    for (const auto& g : ctx.s.notify.groups) {
      if (!(adds_selected && is_selected_filter(g.filter.kind))) groups.push_back(g);
    }
  }
  if (a->status) send_initial_status(ctx, a->groups);
  ctx.s.notify.used = true;
  ctx.s.notify.groups = std::move(groups);
  ctx.ok("NOTIFY done");
}

namespace {

// The session a message event is not told to. Bug zoo notify-own-change: the server remembers the
// mailbox's last writer and updates it only after the fan-out, so when two sessions change a mailbox in
// turn the second is told about its own change (NTF-10).
SessionId not_told(State& st, SessionId actor, MailboxId box) {
  if (!bug_on(st, Bug::NotifyOwnChange)) return actor;
  SessionId& last = st.notify_last_actor[box];
  const SessionId skip = last == 0 ? actor : last;
  last = actor;
  return skip;
}

}  // namespace

void notify_message_event(State& st, SessionId actor, const Mailbox& mb, EK kind) {
  if (mb.deleted || mb.noselect) return;
  // Bug zoo notify-expunge-status-missing: only additions are announced to watchers of other mailboxes, so an
  // expunge there never yields the STATUS (UIDNEXT MESSAGES) RFC 5465 §5.3 asks for (NTF-2).
  if (kind == EK::MessageExpunge && bug_on(st, Bug::NotifyExpungeStatusMissing)) return;
  const SessionId skip = not_told(st, actor, mb.id);
  for (auto& [sid, s] : st.sessions) {
    if (sid == skip || s.selected == mb.id || !watches(st, s, mb.key, kind)) continue;
    // RFC 5465 §5.9: lost rights stop monitoring. Bug zoo notify-after-revoke: the rights were checked when
    // NOTIFY SET chose the mailboxes and are not checked again, so a revoke (SETACL) goes unnoticed (ACC-2).
    if (!has_rights(st, s.user, mb, "lr") && !bug_on(st, Bug::NotifyAfterRevoke)) continue;
    if (kind == EK::FlagChange) {
      // §5.1: without CONDSTORE there is nothing to tell about another mailbox's flags.
      if (s.condstore) enqueue_status(s, mb.id, {StatusItem::HighestModSeq, StatusItem::UidValidity});
      continue;
    }
    std::vector<StatusItem> items = {StatusItem::UidNext, StatusItem::Messages};
    // Bug zoo notify-status-missing-uidnext: the event is told with MESSAGES alone (NTF-13).
    if (bug_on(st, Bug::NotifyStatusMissingUidnext)) std::erase(items, StatusItem::UidNext);
    if (s.condstore) items.push_back(StatusItem::HighestModSeq);
    enqueue_status(s, mb.id, items);
  }
}

void notify_mailbox_name(State& st, SessionId actor, NameChange change, const MailboxKey& key,
                         const std::optional<MailboxKey>& old_key, const std::vector<std::string>& visible_before) {
  for (auto& [sid, s] : st.sessions) {
    if (sid == actor) continue;
    const bool watched = watches(st, s, key, EK::MailboxName) ||
                         (old_key && watches(st, s, *old_key, EK::MailboxName));
    if (!watched) continue;
    const Mailbox* now = find_mailbox(st, key);
    const bool visible_now = now != nullptr && can_see(st, s.user, *now);
    const bool was_visible = std::find(visible_before.begin(), visible_before.end(), s.user) != visible_before.end();
    if (change == NameChange::Deleted ? !was_visible : !visible_now) continue;
    if (change == NameChange::Deleted && bug_on(st, Bug::NotifyCreateDeleteLost) && drop_creation(s, key)) continue;
    proto::ListData l = list_data(st, s.user, key, true);
    if (change == NameChange::Renamed && old_key) l.old_name = old_key->name;
    enqueue_ready(s, std::move(l));
    // §5.4: the direct parent of a created or deleted mailbox is affected too.
    const std::string parent = parent_of(key.name);
    const Mailbox* p = parent.empty() ? nullptr : find_mailbox(st, MailboxKey{key.owner, parent});
    // Bug zoo notify-parent-list-missing: the parent is never told (NTF-9).
    if (change != NameChange::Renamed && p != nullptr && can_see(st, s.user, *p) &&
        watches(st, s, p->key, EK::MailboxName) && !bug_on(st, Bug::NotifyParentListMissing)) {
      enqueue_ready(s, list_data(st, s.user, p->key, true));
    }
  }
}

void notify_lookup_right(State& st, SessionId actor, const std::string& user, const MailboxKey& key, bool granted) {
  (void)granted;  // list_data shows \NonExistent exactly when the right is gone
  if (bug_on(st, Bug::NotifyLRightSilent)) return;  // bug zoo notify-l-right-silent: not told (NTF-9)
  for (auto& [sid, s] : st.sessions) {
    if (sid == actor || s.user != user || !watches(st, s, key, EK::MailboxName)) continue;
    enqueue_ready(s, list_data(st, s.user, key, true));
  }
}

void notify_subscription(State& st, SessionId actor, const std::string& user, const std::string& name) {
  const auto key = key_for(user, name);
  if (!key) return;
  for (auto& [sid, s] : st.sessions) {
    // Bug zoo subscription-notify-others: other users' sessions are told too (MBX-6).
    const bool other_user = s.user != user && !bug_on(st, Bug::SubscriptionNotifyOthers);
    if (sid == actor || other_user || !watches(st, s, *key, EK::SubscriptionChange)) continue;
    enqueue_ready(s, list_data(st, s.user, *key, true));
  }
}

std::optional<MailboxId> held_back_expunges(const Session& s) {
  if (!s.selected || s.view.expunged.empty()) return std::nullopt;
  return s.selected;
}

void notify_left_mailbox(State& st, Session& s, std::optional<MailboxId> left) {
  if (!left || s.selected == left || bug_on(st, Bug::NotifyExpungeStatusMissing)) return;
  const Mailbox* mb = mailbox_by_id(st, *left);
  if (mb == nullptr || mb->deleted || mb->noselect || !watches(st, s, mb->key, EK::MessageExpunge)) return;
  if (!has_rights(st, s.user, *mb, "lr") && !bug_on(st, Bug::NotifyAfterRevoke)) return;  // §5.9, as above
  std::vector<StatusItem> items = {StatusItem::UidNext, StatusItem::Messages};
  if (s.condstore) items.push_back(StatusItem::HighestModSeq);
  enqueue_status(s, mb->id, items);
}

std::optional<FlushOptions> between_commands(const State& st, const Session& s) {
  if (s.state != SessionState::Selected) return std::nullopt;
  if (!s.notify.used) {
    if (!s.idle) return std::nullopt;
    FlushOptions plain;
    plain.flags = !bug_on(st, Bug::IdleFlagsAtDone);
    return plain;
  }
  const proto::NotifyEventGroup* g = selected_group(s);
  if (g == nullptr || !g->events) return std::nullopt;
  FlushOptions o;
  o.news = group_has(*g, EK::MessageNew);
  // SELECTED-DELAYED holds expunges until a command that allows them; IDLE is one (RFC 5465 §6.1.2).
  o.expunges = group_has(*g, EK::MessageExpunge) && (g->filter.kind == FK::Selected || s.idle);
  o.flags = group_has(*g, EK::FlagChange);
  o.uid_in_flag_fetch = true;
  o.new_message_atts = selected_new_atts(s);
  if (!o.news && !o.expunges && !o.flags) return std::nullopt;
  return o;
}

const std::vector<proto::FetchAtt>* selected_new_atts(const Session& s) {
  if (!s.notify.used) return nullptr;
  const proto::NotifyEventGroup* g = selected_group(s);
  if (g == nullptr || !g->events) return nullptr;
  for (const auto& e : *g->events) {
    if (e.kind == EK::MessageNew) return &e.fetch_atts;
  }
  return nullptr;
}

bool notify_flag_changes_selected(const Session& s) {
  const proto::NotifyEventGroup* g = s.notify.used ? selected_group(s) : nullptr;
  return g != nullptr && group_has(*g, EK::FlagChange);
}

std::vector<proto::Response> drain_notices(State& st, Session& s) {
  std::vector<proto::Response> out;
  for (auto& n : s.notify.queue) {
    if (n.kind == Notice::Kind::Ready) {
      out.push_back(std::move(n.response));
      continue;
    }
    const Mailbox* mb = mailbox_by_id(st, n.box);
    if (mb == nullptr || mb->deleted) continue;
    if (!has_rights(st, s.user, *mb, "lr") && !bug_on(st, Bug::NotifyAfterRevoke)) continue;  // as above
    out.push_back(status_response(st, s, *mb, n.items));
  }
  s.notify.queue.clear();
  return out;
}

void stop_notifications(Session& s) {
  s.notify.used = true;
  s.notify.groups.clear();
  s.notify.queue.clear();
}

}  // namespace imaplab::model
