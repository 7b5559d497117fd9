// Rules that close gaps planted bugs slipped through: MBX-2 under delete=ghost (no CREATE over a name whose
// ghost a session still works in, RFC 2180 §3.2), MBX-3 under rename=inplace (holders keep their selection,
// RFC 2180 §3.4), SEQ-15 (`*` stands for the client's last message, RFC 3501 §6.4.8, §9) and NTF-9 across
// clients (a MailboxName watcher hears of other clients' CREATE/DELETE/RENAME, RFC 5465 §5.4, §5.5).
#include <algorithm>
#include <cctype>
#include <deque>
#include <set>
#include <utility>

#include "model/store.hpp"

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using model::Policy;
using proto::CommandKind;

constexpr std::size_t names_due_max = 64;     // NTF-9 dues kept per client
constexpr std::size_t lists_seen_max = 256;   // NTF-9 recent LIST names kept per client

std::string n(std::uint64_t v) { return std::to_string(v); }

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool has_star(const proto::SequenceSet& set) {
  return std::any_of(set.ranges.begin(), set.ranges.end(),
                     [](const auto& r) { return r.first == proto::seq_star || r.last == proto::seq_star; });
}

// A command of `b` in flight that may end its selection (or move names) before the server judges others.
bool may_deselect(const Ctx& ctx, const ClientState& b) {
  for (const Inflight& f : b.inflight) {
    const CommandKind k = ctx.log[f.sent].command->kind;
    if (k == CommandKind::Select || k == CommandKind::Examine || k == CommandKind::Close ||
        k == CommandKind::Unselect || k == CommandKind::Logout || k == CommandKind::Create ||
        k == CommandKind::Delete || k == CommandKind::Rename) {
      return true;
    }
  }
  return false;
}

// Whether `b` surely still had the deleted instance `d` of its selected mailbox open at this moment: it
// selected it (same UIDVALIDITY) before the DELETE was sent and nothing since could have closed it. The deleting
// session does not count: in RFC 2180 §3.2's example the reference count "becomes 0" when client #2 closes,
// while client #1, which deleted FOO with FOO selected, has not closed it.
bool holds_ghost(const Ctx& ctx, const ClientState& b, const ClientState& author, const std::string& name,
                 const CrossState::Deleted& d) {
  if (b.id == author.id || b.id == d.by || !b.connected || b.bye || b.user != author.user || !b.view_usable()) return false;
  if (b.view.mailbox != name || d.uidvalidity == 0 || b.view.uidvalidity != d.uidvalidity) return false;
  if (b.view.selected_at >= d.sent || may_deselect(ctx, b)) return false;
  return ctx.oracle->session_of(b.id).has_value();  // the server did not end the session on its own
}

// MBX-2, delete=ghost (RFC 2180 §3.2): while a session still has the deleted mailbox selected, its name is
// not free; a CREATE of it must fail. Judged for a DELETE that ran with no other name change in flight.
void check_create_over_ghost(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const Inflight& f,
                             EventIndex index) {
  if (ctx.oracle == nullptr || !ctx.options.policy_known || ctx.options.policy.del != Policy::Delete::Ghost) return;
  const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args);
  if (a == nullptr) return;
  const auto it = ctx.cross.deleted.find(scoped(c, a->mailbox));
  if (it == ctx.cross.deleted.end()) return;
  const CrossState::Deleted& d = it->second;
  // While the ghost is held nothing may bring the name back, so other name changes since do not matter.
  if (d.done >= f.sent) return;
  for (const auto& [id, b] : ctx.clients) {
    if (!holds_ghost(ctx, b, c, a->mailbox, d)) continue;
    ctx.rep.report("MBX-2", {index}, {f.sent, d.done, b.view.selected_at},
                   "CREATE \"" + a->mailbox + "\" succeeded while client " + n(b.id) +
                       " still had the deleted mailbox of that name selected; under delete=ghost (RFC 2180 §3.2) "
                       "the name stays taken until the last session leaves it.");
    return;
  }
}

bool state_error(const proto::StatusResponse& st) {
  if (st.condition != proto::Condition::No && st.condition != proto::Condition::Bad) return false;
  const std::string text = lower(st.text);
  return text.find("no mailbox selected") != std::string::npos || text.find("not selected") != std::string::npos ||
         text.find("selected state") != std::string::npos;
}

bool selected_state_kind(CommandKind k) {
  switch (k) {
    case CommandKind::Fetch: case CommandKind::Store: case CommandKind::Search: case CommandKind::Copy:
    case CommandKind::Move: case CommandKind::Expunge: case CommandKind::UidExpunge: case CommandKind::Check:
    case CommandKind::Noop:
      return true;
    default: return false;
  }
}

// MBX-3, rename=inplace (RFC 2180 §3.4): another client renamed the mailbox this one has selected; the
// selection survives, so a selected-state command must not fail for want of a selected mailbox.
void check_holder_kept(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                       const Inflight& f, EventIndex index) {
  const Policy& p = ctx.options.policy;
  if (!ctx.options.policy_known || p.rename != Policy::Rename::Inplace) return;
  if (!selected_state_kind(cmd.kind) || !state_error(st) || c.bye || !c.view_usable()) return;
  if (c.view.selected_at >= f.sent) return;
  const auto it = ctx.cross.renamed.find(scoped(c, c.view.mailbox));
  if (it == ctx.cross.renamed.end()) return;
  const CrossState::Deleted& r = it->second;
  if (r.sent <= c.view.selected_at || r.uidvalidity == 0 || r.uidvalidity != c.view.uidvalidity) return;
  ctx.rep.report("MBX-3", {index}, {f.sent, r.done, c.view.selected_at},
                 std::string(proto::command_name(cmd.kind)) + " failed as if no mailbox were selected, after "
                     "another client renamed \"" + c.view.mailbox + "\", which this client had selected; under "
                     "rename=inplace (RFC 2180 §3.4) the other sessions keep the mailbox selected under its new "
                     "name, with the same numbers and UIDs.");
}

// SEQ-15: the probed FETCH's answer, judged when the last message was live at the send and still is.
void finish_star_probe(Ctx& ctx, ClientState& c, const proto::StatusResponse& st, const Inflight& f,
                       EventIndex index) {
  if (!c.star_probe.active || c.star_probe.sent != f.sent) return;
  const StarProbe p = std::move(c.star_probe);
  c.star_probe = {};
  if (st.condition != proto::Condition::Ok || p.answered || p.renumbered || c.bye || ctx.oracle == nullptr) return;
  const auto info = oracle_mailbox(ctx, c, p.mailbox);
  if (!info || info->uidvalidity != p.uidvalidity) return;
  if (!std::binary_search(info->uids.begin(), info->uids.end(), p.uid)) return;
  ctx.rep.report("SEQ-15", {index}, {f.sent},
                 "FETCH with \"*\" answered OK without message " + n(p.msn) + " (UID " + n(p.uid) +
                     "), the last message the client knew when it sent the command; \"*\" is the largest number "
                     "in use (RFC 3501 §6.4.8, §9), which the session's view reached before this command.");
}

}  // namespace

// NTF-9: whether a MailboxName filter covers `name` (RFC 5465 §6: personal, subtree, mailboxes). INBOXES and
// SUBSCRIBED depend on state the checker does not follow, so they cover nothing here.
bool filter_covers(const proto::NotifyFilter& f, const std::string& name) {
  using K = proto::NotifyFilter::Kind;
  const std::string root = model::shared_root;
  switch (f.kind) {
    case K::Personal: return name != root && name.rfind(root + model::delimiter, 0) != 0;
    case K::Mailboxes: return std::find(f.mailboxes.begin(), f.mailboxes.end(), name) != f.mailboxes.end();
    case K::Subtree:
      return std::any_of(f.mailboxes.begin(), f.mailboxes.end(), [&](const std::string& m) {
        return name == m || (name.size() > m.size() && name.compare(0, m.size(), m) == 0 &&
                             name[m.size()] == model::delimiter);
      });
    default: return false;
  }
}

namespace {

// NTF-9: whether a ring of recent LIST names still holds every LIST received after event `since`. The ring
// drops its oldest entry when full, so it does unless it is full and its oldest entry came after `since`.
// At hundreds of clients a watcher of its personal namespace can receive more LISTs than the ring holds while
// one CREATE is in flight (1,000 clients, seed 7: 311 LISTs in the 307 ms of virtual time between a CREATE and
// its OK, the owed one among the first); the checker then cannot know whether the LIST came, so owes nothing.
bool remembers_since(const std::deque<std::pair<EventIndex, std::string>>& seen, EventIndex since) {
  return seen.size() < lists_seen_max || seen.front().first < since;
}

bool watches_name(const ClientState& w, const std::string& name) {
  if (name.empty() || lower(name) == "inbox") return false;  // INBOX is case-insensitive and special
  return std::any_of(w.notify.name_filters.begin(), w.notify.name_filters.end(),
                     [&](const proto::NotifyFilter& f) { return filter_covers(f, name); });
}

// NTF-9: another client's name change that succeeded is owed, as a LIST, to every MailboxName watcher of the
// same user whose NOTIFY set was in force (and not being replaced) since before the change was sent. Owed
// within the NOTIFY bound (NTF-2's), not by the watcher's next reply: a server may hold notifications about
// other mailboxes while the watcher's commands run (RFC 5465 §5).
void names_changed(Ctx& ctx, const ClientState& author, const proto::Command& cmd, const Inflight& f,
                   EventIndex index) {
  std::string name, other;
  if (const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args)) name = a->mailbox;
  if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args)) {
    name = r->from;
    other = r->to;
  }
  // RENAME INBOX moves INBOX's messages to a new mailbox and keeps INBOX (RFC 3501 §6.3.5): the event is the
  // new name's, and "no MailboxName event is sent for INBOX" (RFC 5465 §5.4). A LIST for the new name is owed,
  // with or without OLDNAME.
  if (lower(name) == "inbox" && !other.empty()) name = std::exchange(other, std::string());
  if (name.empty() || name.back() == model::delimiter || lower(name) == "inbox") return;
  const std::uint64_t deadline = ctx.log[index].time_us + ctx.options.notify_bound_us;
  for (auto& [id, w] : ctx.clients) {
    if (id == author.id || !w.connected || w.bye || w.user != author.user || w.user.empty()) continue;
    if (!w.notify.active || w.notifies > 0 || w.notify.set_at >= f.sent) continue;
    if (!watches_name(w, name) && (other.empty() || !watches_name(w, other))) continue;
    // The LIST may come before the author's OK: the server notifies as it commits. A RENAME's LIST carries
    // OLDNAME (RFC 5465 §5.4), which the reply to the watcher's own LIST never does: only that LIST tells it.
    const auto& seen_list = other.empty() ? w.lists_seen : w.renames_seen;
    const bool told = std::any_of(seen_list.begin(), seen_list.end(), [&](const auto& seen) {
      return seen.first > f.sent && seen.second == name;
    });
    if (told || !remembers_since(seen_list, f.sent)) continue;
    if (w.names_due.size() >= names_due_max) continue;
    w.names_due.push_back(NameDue{name, other, f.sent, index, w.notify.set_at, deadline});
    ctx.cross.names_due_any = true;
  }
}

// A due whose NOTIFY set is no longer the client's: NOTIFY NONE, a new NOTIFY, NOTIFICATIONOVERFLOW.
bool due_void(const ClientState& w, const NameDue& d) {
  return !w.connected || w.bye || !w.notify.active || w.notifies > 0 || w.notify.set_at != d.notify_set_at;
}

void report_name_due(Ctx& ctx, const ClientState& w, const NameDue& d, const std::string& when,
                     std::vector<EventIndex> offending) {
  const proto::Command& cmd = *ctx.log[d.sent].command;
  const std::string command = std::string(proto::command_name(cmd.kind));
  std::string what = "another client's " + command + " of it";
  if (d.half == NameDue::Half::Parent) {
    what = "another client's " + command + " of its child \"" + d.other + "\" (RFC 5465 §5.4: \"If a mailbox is "
           "created or deleted, the mailbox itself and its direct parent ... are considered to be affected\"; "
           "the parent exists)";
  } else if (d.half == NameDue::Half::Lookup) {
    what = "another client's " + command + ", which " + d.other + " the 'l' right of user \"" + w.user + "\" on "
           "it (RFC 5465 §5.4: \"granting or revocation of the 'l' right to the current user on the affected "
           "mailbox MUST be considered mailbox creation or deletion\")";
  }
  ctx.rep.report("NTF-9", std::move(offending), {d.sent, d.done, d.notify_set_at},
                 "client " + n(w.id) + " asked for MailboxName events on \"" + d.name + "\" (NOTIFY below), but " +
                     "was sent no LIST for " + what + " " + when + " (RFC 5465 §5.4, §5.5).");
}

// ---- NTF-9's parent and 'l' halves ----
//
// Judged only for a change sent while no other CREATE/DELETE/RENAME/SETACL/DELETEACL was in flight anywhere and
// none was sent before its OK: then the true store at the OK shows the names and rights the change left, and
// (ACL) the rights recorded at the send are the ones it started from.

constexpr std::size_t quiet_names_max = 16;  // records kept per client (a lost connection leaves some behind)

bool changes_names_or_lookup(CommandKind k) {
  return k == CommandKind::Create || k == CommandKind::Delete || k == CommandKind::Rename ||
         k == CommandKind::SetAcl || k == CommandKind::DeleteAcl;
}

bool names_or_lookup_in_flight(const Ctx& ctx) {
  return any_in_flight(ctx, [](const proto::Command& cmd) { return changes_names_or_lookup(cmd.kind); });
}

// Watchers owed a LIST of `name` for `author`'s change: `same_user` for CREATE/DELETE (a personal name means
// the same mailbox only to the same user), else the users whose 'l' changed are chosen by the caller.
template <class Pred>
void owe_list(Ctx& ctx, const ClientState& author, const Inflight& f, EventIndex index, const std::string& name,
              const std::string& other, NameDue::Half half, Pred owed) {
  const std::uint64_t deadline = ctx.log[index].time_us + ctx.options.notify_bound_us;
  for (auto& [id, w] : ctx.clients) {
    if (id == author.id || !w.connected || w.bye || w.user.empty() || !owed(w)) continue;
    if (!w.notify.active || w.notifies > 0 || w.notify.set_at >= f.sent || !watches_name(w, name)) continue;
    const bool told = std::any_of(w.lists_seen.begin(), w.lists_seen.end(), [&](const auto& seen) {
      return seen.first > f.sent && seen.second == name;
    });
    if (told || !remembers_since(w.lists_seen, f.sent) || w.names_due.size() >= names_due_max) continue;
    NameDue due{name, other, f.sent, index, w.notify.set_at, deadline};
    due.half = half;
    w.names_due.push_back(std::move(due));
    ctx.cross.names_due_any = true;
  }
}

void quiet_change_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (!changes_names_or_lookup(cmd.kind)) return;
  const bool others = names_or_lookup_in_flight(ctx);  // this command is not in flight yet
  const std::uint64_t count = ++ctx.cross.quiet_names_sent;
  if (others || ctx.oracle == nullptr || c.user.empty()) return;
  QuietNameChange q{index, count, {}};
  if (const auto* a = std::get_if<proto::AclArgs>(&cmd.args)) {
    if (!is_shared(a->mailbox)) return;
    std::set<std::string> users;
    for (const auto& [id, w] : ctx.clients) {
      if (!w.user.empty() && w.notify.active && users.insert(w.user).second) {
        q.visible.emplace_back(w.user, ctx.oracle->model().name_info(w.user, a->mailbox).visible);
      }
    }
  } else if (cmd.kind == CommandKind::Rename) {
    return;
  }
  if (c.quiet_names.size() >= quiet_names_max) c.quiet_names.erase(c.quiet_names.begin());
  c.quiet_names.push_back(std::move(q));
}

void quiet_change_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                            const Inflight& f, EventIndex index) {
  const auto it = std::find_if(c.quiet_names.begin(), c.quiet_names.end(),
                               [&](const QuietNameChange& q) { return q.sent == f.sent; });
  if (it == c.quiet_names.end()) return;
  const QuietNameChange q = std::move(*it);
  c.quiet_names.erase(it);
  if (st.condition != proto::Condition::Ok || q.sent_count != ctx.cross.quiet_names_sent) return;
  if (names_or_lookup_in_flight(ctx)) return;
  const model::Model& truth = ctx.oracle->model();
  if (const auto* a = std::get_if<proto::AclArgs>(&cmd.args)) {
    for (const auto& [user, before] : q.visible) {
      const bool now = truth.name_info(user, a->mailbox).visible;
      if (now == before) continue;
      owe_list(ctx, c, f, index, a->mailbox, now ? "gave" : "took", NameDue::Half::Lookup,
               [&](const ClientState& w) { return w.user == user; });
    }
    return;
  }
  const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args);
  if (m == nullptr || is_shared(m->mailbox) || lower(m->mailbox) == "inbox") return;
  std::string name = m->mailbox;
  while (name.size() > 1 && name.back() == model::delimiter) name.pop_back();
  const std::string parent = model::parent_of(name);
  if (parent.empty() || lower(parent) == "inbox") return;
  const auto info = truth.name_info(c.user, parent);
  if (!info.exists || !info.visible) return;
  // The built-in server tells a parent only to a watcher of the child's name too (the one RFC 5465 §5.4 event
  // is the child's); a watcher of the parent alone is not judged.
  owe_list(ctx, c, f, index, parent, name, NameDue::Half::Parent,
           [&](const ClientState& w) { return w.user == c.user && watches_name(w, name); });
}

}  // namespace

void gaps_listed(ClientState& c, const proto::ListData& list, EventIndex index) {
  for (const std::string* x : {&list.mailbox, list.old_name ? &*list.old_name : nullptr}) {
    if (x == nullptr) continue;
    if (c.lists_seen.size() >= lists_seen_max) c.lists_seen.pop_front();
    c.lists_seen.emplace_back(index, *x);
  }
  if (list.old_name) {
    if (c.renames_seen.size() >= lists_seen_max) c.renames_seen.pop_front();
    c.renames_seen.emplace_back(index, *list.old_name);
  }
  // A CREATE or DELETE is told by any LIST of the name (one in the reply to the watcher's own LIST may be the
  // notification). A RENAME only by the LIST with OLDNAME (RFC 5465 §5.4): a solicited LIST of the new name
  // does not tell the watcher that the old one is gone.
  std::erase_if(c.names_due, [&](const NameDue& d) {
    if (d.half == NameDue::Half::Name && !d.other.empty()) return list.old_name == d.name;
    return list.mailbox == d.name || list.old_name == d.name;
  });
}

void check_names_due(Ctx& ctx, std::uint64_t now_us) {
  if (!ctx.cross.names_due_any) return;  // a scan of every client per event is what large runs cannot afford
  ctx.cross.names_due_any = false;
  for (auto& [id, w] : ctx.clients) {
    if (w.names_due.empty()) continue;
    std::erase_if(w.names_due, [&](const NameDue& d) { return due_void(w, d); });
    ctx.cross.names_due_any |= !w.names_due.empty();
    for (const NameDue& d : w.names_due) {
      if (d.deadline_us >= now_us || ctx.rep.stopped()) continue;
      report_name_due(ctx, w, d, "within " + n(ctx.options.notify_bound_us) + " us of virtual time", {d.done});
      ctx.cross.names_due_any = true;  // the clients after this one were not looked at
      return;
    }
  }
}

void gaps_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  quiet_change_sent(ctx, c, cmd, index);
  const auto* a = std::get_if<proto::FetchArgs>(&cmd.args);
  if (ctx.oracle == nullptr || cmd.kind != CommandKind::Fetch || cmd.uid || a == nullptr || !has_star(a->set)) return;
  if (a->changed_since) return;  // CHANGEDSINCE answers only the messages changed since (RFC 4551 §3.3.1)
  // With nothing else in flight and nothing told between commands, the session's view at execution is the
  // one read here (as for the RFC 2180 §4 probes).
  if (!c.inflight.empty() || c.idle || c.notifies > 0 || c.notify.active || c.bye) return;
  if (!c.view_usable() || c.view.count() == 0 || c.view.uidvalidity == 0 || c.star_probe.active) return;
  const auto session = ctx.oracle->session_of(c.id);
  if (!session) return;
  const std::vector<std::uint32_t> view = ctx.oracle->model().session_view(*session);
  if (view.size() != c.view.count()) return;
  const auto info = oracle_mailbox(ctx, c, c.view.mailbox);
  if (!info || info->uidvalidity != c.view.uidvalidity) return;
  if (!std::binary_search(info->uids.begin(), info->uids.end(), view.back())) return;
  c.star_probe = StarProbe{true, index, c.view.mailbox, c.view.uidvalidity, c.view.count(), view.back()};
}

void gaps_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                    const Inflight& f, EventIndex index) {
  finish_star_probe(ctx, c, st, f, index);
  if (ctx.rep.stopped()) return;
  if (cmd.kind == CommandKind::Create && st.condition == proto::Condition::Ok) {
    check_create_over_ghost(ctx, c, cmd, f, index);
  }
  if (!ctx.rep.stopped()) check_holder_kept(ctx, c, cmd, st, f, index);
  const bool renames = cmd.kind == CommandKind::Create || cmd.kind == CommandKind::Delete ||
                       cmd.kind == CommandKind::Rename;
  if (!ctx.rep.stopped() && renames && st.condition == proto::Condition::Ok) names_changed(ctx, c, cmd, f, index);
  if (!ctx.rep.stopped()) quiet_change_completed(ctx, c, cmd, st, f, index);
}

void gaps_fetch(ClientState& c, std::uint32_t msn) {
  if (c.star_probe.active && msn == c.star_probe.msn) c.star_probe.answered = true;
}

void gaps_renumbered(ClientState& c) { c.star_probe.renumbered = true; }

}  // namespace imaplab::sim::detail
