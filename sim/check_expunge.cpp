// [O] rules on what EXPUNGE, UID EXPUNGE and CLOSE removed (EXP-4) and what STORE (UNCHANGEDSINCE) refused
// (MOD-5), judged against the true store only when no other command could have added, removed or re-flagged
// messages between the command's send and its reply (RFC 2180: other sessions' changes in flight excuse all);
// and who must hear of a removal: NOTIFY watchers of that mailbox, as a STATUS (NTF-2, RFC 5465 §5.3).
#include <algorithm>
#include <cctype>
#include <iterator>

#include "model/store.hpp"

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

constexpr std::size_t expunge_probe_uids_max = 4096;  // messages an EXP-4 probe copies (per command)
constexpr std::size_t cond_store_uids_max = 256;      // messages a MOD-5 probe follows

bool is_expunge(CommandKind kind) {
  return kind == CommandKind::Expunge || kind == CommandKind::UidExpunge || kind == CommandKind::Close;
}

// Commands that may add or remove messages anywhere, or change \Deleted (any STORE): while one runs beside
// the probe, the store's change cannot be blamed on the probed command alone.
bool disturbs_expunge(const proto::Command& cmd) {
  switch (cmd.kind) {
    case CommandKind::Store:
    case CommandKind::Append:
    case CommandKind::Copy:
    case CommandKind::Move:
    case CommandKind::Expunge:
    case CommandKind::UidExpunge:
    case CommandKind::Close:
    case CommandKind::Rename:
    case CommandKind::Delete: return true;
    default: return false;
  }
}

// Commands that may change a message's mod-sequence (STORE; FETCH sets \Seen) or remove it.
bool disturbs_cond_store(const proto::Command& cmd) {
  return cmd.kind == CommandKind::Fetch ||
         (disturbs_expunge(cmd) && cmd.kind != CommandKind::Append && cmd.kind != CommandKind::Copy);
}

// Whether a command `pred` accepts was sent by anyone strictly between `from` and `to`.
template <class Pred>
bool sent_between(const Ctx& ctx, EventIndex from, EventIndex to, Pred pred) {
  for (EventIndex i = from + 1; i < to; ++i) {
    if (ctx.log[i].command && pred(*ctx.log[i].command)) return true;
  }
  return false;
}

// The client's selected mailbox and server session, when the oracle confirms the view is the store's.
bool view_confirmed(const Ctx& ctx, const ClientState& c) {
  if (c.bye || !c.view_usable() || c.view.uidvalidity == 0 || !c.inflight.empty() || c.idle) return false;
  if (!ctx.oracle->session_of(c.id)) return false;
  const auto head = ctx.oracle->model().mailbox_header(c.view.mailbox);
  return head && head->uidvalidity == c.view.uidvalidity;
}

std::string uid_list(const std::vector<std::uint32_t>& uids) {
  std::string out;
  for (std::size_t i = 0; i < uids.size() && i < 8; ++i) out += (i == 0 ? "" : ",") + std::to_string(uids[i]);
  if (uids.size() > 8) out += ",...";
  return out.empty() ? "none" : out;
}

// ---- EXP-4 ----

void start_expunge_probe(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (!view_confirmed(ctx, c) || any_in_flight(ctx, disturbs_expunge)) return;
  const auto info = oracle_mailbox(ctx, c, c.view.mailbox);
  if (!info || info->uidvalidity != c.view.uidvalidity || info->uids.size() > expunge_probe_uids_max) return;
  ExpungeProbe p;
  p.read_only = c.view.read_only;
  const bool removes_none = cmd.kind == CommandKind::Unselect || (cmd.kind == CommandKind::Close && p.read_only);
  if (!removes_none) {  // RFC 3501 §6.4.2: read-only CLOSE removes nothing; RFC 3691 §2: UNSELECT never does
    p.expected = ctx.oracle->model().uids_flagged(c.view.mailbox, "\\Deleted");
  }
  if (cmd.kind == CommandKind::UidExpunge) {
    // `*` is the largest UID of the session's view when the command runs; NOTIFY may grow it before then.
    if (c.notify.active) return;
    const auto* a = std::get_if<proto::SetArgs>(&cmd.args);
    if (a == nullptr) return;
    const auto view = ctx.oracle->model().session_view(*ctx.oracle->session_of(c.id));
    const std::uint32_t star = view.empty() ? 0 : *std::max_element(view.begin(), view.end());
    std::erase_if(p.expected, [&](std::uint32_t uid) { return !a->set.contains(uid, star); });
  }
  p.active = true;
  p.sent = index;
  p.mailbox = c.view.mailbox;
  p.uidvalidity = c.view.uidvalidity;
  p.before = info->uids;
  c.expunge_probe = std::move(p);
}

void finish_expunge_probe(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                          EventIndex index) {
  const ExpungeProbe p = std::move(c.expunge_probe);
  c.expunge_probe = {};
  if (st.condition != proto::Condition::Ok || sent_between(ctx, p.sent, index, disturbs_expunge)) return;
  const auto now = oracle_mailbox(ctx, c, p.mailbox);
  if (!now || now->uidvalidity != p.uidvalidity) return;
  std::vector<std::uint32_t> removed, extra, missed;
  std::set_difference(p.before.begin(), p.before.end(), now->uids.begin(), now->uids.end(),
                      std::back_inserter(removed));
  std::set_difference(removed.begin(), removed.end(), p.expected.begin(), p.expected.end(),
                      std::back_inserter(extra));
  // CLOSE may remove nothing without an error (no 'e' right, RFC 4314 §4; RFC 2180 §4.1.4 INUSE); EXPUNGE
  // answered OK must have removed every one.
  if (cmd.kind != CommandKind::Close) {
    std::set_difference(p.expected.begin(), p.expected.end(), removed.begin(), removed.end(),
                        std::back_inserter(missed));
  }
  if (extra.empty() && missed.empty()) return;
  const std::string name = proto::command_name(cmd.kind);
  std::string why = name + " on \"" + p.mailbox + "\" removed UIDs " + uid_list(removed) + " but should have removed " +
                    uid_list(p.expected) + " (no other command could add, remove or re-flag messages meanwhile): ";
  if (!extra.empty() && cmd.kind == CommandKind::Unselect) {
    why += "UNSELECT closes the mailbox \"without expunging\" any message (RFC 3691 §2).";
  } else if (!extra.empty() && cmd.kind == CommandKind::Close && p.read_only) {
    why += "no messages are removed if the mailbox is selected by EXAMINE or otherwise read-only (RFC 3501 §6.4.2).";
  } else if (!extra.empty() && cmd.kind == CommandKind::UidExpunge) {
    why += "UID " + std::to_string(extra.front()) + " lacked \\Deleted or is outside the UID set; UID EXPUNGE "
           "removes only messages that both have \\Deleted and are in the set (RFC 4315 §2.1).";
  } else if (!extra.empty()) {
    why += "UID " + std::to_string(extra.front()) + " did not have \\Deleted; only messages with the \\Deleted "
           "flag set are removed (RFC 3501 §6.4.3, §6.4.2).";
  } else {
    why += "UID " + std::to_string(missed.front()) + " had \\Deleted and stayed; EXPUNGE permanently removes all "
           "messages that have the \\Deleted flag set (RFC 3501 §6.4.3, RFC 4315 §2.1).";
  }
  ctx.rep.report("EXP-4", {index}, {p.sent}, why);
}

// ---- MOD-5 ----

void start_cond_store_probe(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* a = std::get_if<proto::StoreArgs>(&cmd.args);
  if (a == nullptr || !a->unchanged_since || c.notifies > 0 || c.notify.active || !view_confirmed(ctx, c)) return;
  if (any_in_flight(ctx, disturbs_cond_store)) return;
  const auto view = ctx.oracle->model().session_view(*ctx.oracle->session_of(c.id));
  const auto named = resolve_in_view(a->set, cmd.uid, view);
  if (!named || named->empty() || named->size() > cond_store_uids_max) return;
  CondStoreProbe p;
  snapshot_cond_store(ctx, c, *named, view, index, p);
  if (p.active) c.cond_store_probe = std::move(p);
}


void finish_cond_store_probe(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                             EventIndex index) {
  const CondStoreProbe p = std::move(c.cond_store_probe);
  c.cond_store_probe = {};
  if (st.condition != proto::Condition::Ok || sent_between(ctx, p.sent, index, disturbs_cond_store)) return;
  const auto head = ctx.oracle->model().mailbox_header(p.mailbox);
  if (!head || head->uidvalidity != p.uidvalidity) return;
  const std::uint64_t limit = *std::get<proto::StoreArgs>(cmd.args).unchanged_since;
  const bool has_modified = st.code && st.code->name == "MODIFIED";
  for (std::size_t i = 0; i < p.uids.size(); ++i) {
    const std::uint32_t number = cmd.uid ? p.uids[i] : p.msns[i];
    const bool listed = has_modified && st.code->set1.contains(number, 0);
    const bool must_fail = p.modseqs[i] > limit;
    if (must_fail == listed) continue;
    const std::string which = (cmd.uid ? "UID " : "message ") + std::to_string(number);
    ctx.rep.report("MOD-5", {index}, {p.sent},
                   must_fail ? which + " had mod-sequence " + std::to_string(p.modseqs[i]) + " > UNCHANGEDSINCE " +
                                   std::to_string(limit) + " but is not in [MODIFIED]; the server MUST return "
                                   "every message that failed the UNCHANGEDSINCE test there (RFC 4551 §3.2)."
                             : which + " had mod-sequence " + std::to_string(p.modseqs[i]) + " <= UNCHANGEDSINCE " +
                                   std::to_string(limit) + " yet is listed in [MODIFIED]; a message whose "
                                   "mod-sequence is equal or less than the value is stored (RFC 4551 §3.2).");
    return;
  }
}

// ---- NTF-2 for expunges ----
//
// RFC 5465 §5.3: "If the expunged message or messages are in another mailbox, the server sends an unsolicited
// STATUS (UIDNEXT MESSAGES) response for the relevant mailbox." A removal is owed only when the oracle shows
// one client's command removed messages while no other command could remove any, and only to a watcher whose
// NOTIFY set, selection and rights surely stood still: the watcher's own removals are not told to it (RFC 5465
// §5), a watcher with the mailbox selected hears EXPUNGE instead (or nothing), and one without the 'l' and 'r'
// rights hears nothing (§5.9, ACC-2). A STATUS of the mailbox with MESSAGES that arrives after the change was
// sent tells it; so does a new NOTIFY set, a selection change, a disconnect, or a RENAME or DELETE anywhere
// (the STATUS would carry another name, or none).

constexpr std::size_t removal_probe_uids_max = 4096;  // messages a removal probe copies (per command)
constexpr std::size_t statuses_seen_max = 1024;       // mailbox names whose latest STATUS one client keeps

bool removes_from_selected(CommandKind kind) { return is_expunge(kind) || kind == CommandKind::Move; }

// Commands that may remove messages from some mailbox (RENAME INBOX moves them; DELETE takes them along).
bool removes_messages(const proto::Command& cmd) {
  return removes_from_selected(cmd.kind) || cmd.kind == CommandKind::Rename || cmd.kind == CommandKind::Delete;
}

// Commands after which the server may have the session select another mailbox, or none.
bool may_deselect(CommandKind kind) {
  return kind == CommandKind::Select || kind == CommandKind::Examine || kind == CommandKind::Close ||
         kind == CommandKind::Unselect || kind == CommandKind::Logout;
}

bool deselect_in_flight(const Ctx& ctx, const ClientState& c) {
  return std::any_of(c.inflight.begin(), c.inflight.end(),
                     [&](const Inflight& f) { return may_deselect(ctx.log[f.sent].command->kind); });
}

// INBOX is case-insensitive (RFC 3501 §5.1); other names are not.
std::string canonical_mailbox(const std::string& name) {
  std::string upper = name;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return upper == "INBOX" ? upper : name;
}

// Whether a SETACL/DELETEACL named `name` or an ancestor (whose ACL a mailbox created below it inherits).
bool acl_may_differ(const ExpungeNotices& en, const std::string& name) {
  if (en.acl_touched.empty()) return false;
  for (auto pos = name.find(model::delimiter);; pos = name.find(model::delimiter, pos + 1)) {
    if (en.acl_touched.count(name.substr(0, pos)) != 0) return true;
    if (pos == std::string::npos) return false;
  }
}

bool acl_touched_below(const ExpungeNotices& en, const std::string& name) {
  const std::string prefix = name + model::delimiter;
  const auto it = en.acl_touched.lower_bound(prefix);
  return it != en.acl_touched.end() && it->compare(0, prefix.size(), prefix) == 0;
}

// Name and ACL changes, by anyone, authenticated or not (a refused one only makes the rule more careful).
void follow_command(ExpungeNotices& en, const proto::Command& cmd) {
  if (cmd.kind == CommandKind::SetAcl || cmd.kind == CommandKind::DeleteAcl) {
    if (const auto* a = std::get_if<proto::AclArgs>(&cmd.args)) en.acl_touched.insert(canonical_mailbox(a->mailbox));
  }
  if (cmd.kind == CommandKind::Rename || cmd.kind == CommandKind::Delete) ++en.name_changes;
  // RENAME keeps a mailbox's ACL (and its children's): the new names are as uncertain as the old ones.
  if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args)) {
    const std::string from = canonical_mailbox(r->from);
    if (acl_may_differ(en, from) || acl_touched_below(en, from)) en.acl_touched.insert(canonical_mailbox(r->to));
  }
}

void follow_status(Ctx& ctx, ClientId client, const proto::Response& r, EventIndex index) {
  const auto* s = std::get_if<proto::StatusData>(&r.body);
  if (s == nullptr) return;
  const bool messages = std::any_of(s->items.begin(), s->items.end(),
                                    [](const auto& item) { return item.first == proto::StatusItem::Messages; });
  const auto it = ctx.clients.find(client);
  if (!messages || it == ctx.clients.end()) return;
  auto& seen = it->second.statuses_seen;
  const std::string name = canonical_mailbox(s->mailbox);
  if (seen.size() < statuses_seen_max || seen.count(name) != 0) seen[name] = index;
}

void start_removal_probe(Ctx& ctx, ClientState& c, EventIndex index) {
  const RemovalProbe& old = c.removal_probe;
  if (old.active && std::any_of(c.inflight.begin(), c.inflight.end(),
                                [&](const Inflight& f) { return f.sent == old.sent; })) {
    return;
  }
  c.removal_probe = {};
  if (c.bye || c.selects > 0 || c.view.mailbox.empty() || c.view.uidvalidity == 0 || c.view.read_only) return;
  // Most runs have no watcher of other mailboxes: copy no UIDs for them.
  const bool watched = std::any_of(ctx.clients.begin(), ctx.clients.end(), [&](const auto& entry) {
    return entry.first != c.id && entry.second.notify.active && !entry.second.notify.status_filters.empty();
  });
  if (!watched) return;
  if (deselect_in_flight(ctx, c) || any_in_flight(ctx, removes_messages)) return;
  auto info = oracle_mailbox(ctx, c, c.view.mailbox);
  if (!info || info->uidvalidity != c.view.uidvalidity || info->uids.empty()) return;
  if (info->uids.size() > removal_probe_uids_max) return;
  c.removal_probe = RemovalProbe{true, index, c.view.mailbox, c.view.uidvalidity, std::move(info->uids)};
}

// Clients that connected, left, or sent a command that may change their selection or NOTIFY set between the
// removal's send and its reply; nullopt when another command that may remove messages was sent meanwhile.
std::optional<std::vector<ClientId>> unsettled_during(const Ctx& ctx, EventIndex from, EventIndex to) {
  std::vector<ClientId> out;
  for (EventIndex i = from + 1; i < to; ++i) {
    const Event& e = ctx.log[i];
    if (e.command && removes_messages(*e.command)) return std::nullopt;
    const bool changes = e.dir == Event::Dir::Connected || e.dir == Event::Dir::Disconnected ||
                         (e.command && (may_deselect(e.command->kind) || e.command->kind == CommandKind::Notify));
    if (changes) out.push_back(e.client);
  }
  return out;
}

// Whether watcher `w` is owed a STATUS of `name` for the removal `p` by `author` (see above).
bool owes_status(const Ctx& ctx, const ClientState& w, const ClientState& author, const RemovalProbe& p,
                 const std::string& name, const std::vector<ClientId>& unsettled) {
  if (w.id == author.id || !w.connected || w.bye || !w.authenticated || w.user.empty()) return false;
  if (w.user != author.user && !is_shared(name)) return false;  // another user's personal mailbox
  if (!w.notify.active || w.notifies > 0 || w.notify.set_at >= p.sent) return false;
  if (w.selects > 0 || deselect_in_flight(ctx, w)) return false;
  if (std::find(unsettled.begin(), unsettled.end(), w.id) != unsettled.end()) return false;
  // A watcher with a mailbox selected is judged only while no RENAME or DELETE was ever sent: a RENAME under
  // it (RFC 2180 §3.4) may give its selected mailbox the expunged one's name and another UIDVALIDITY.
  if (!w.view.mailbox.empty() && ctx.cross.expunge_notices.name_changes != 0) return false;
  if (!w.view.mailbox.empty() && (w.view.uidvalidity == 0 || w.view.uidvalidity == p.uidvalidity)) return false;
  const auto& filters = w.notify.status_filters;
  if (std::none_of(filters.begin(), filters.end(), [&](const auto& f) { return filter_covers(f, name); })) {
    return false;
  }
  const auto seen = w.statuses_seen.find(name);
  if (seen != w.statuses_seen.end() && seen->second > p.sent) return false;  // told already
  return w.statuses_seen.size() < statuses_seen_max;
}

void finish_removal_probe(Ctx& ctx, ClientState& c, const proto::StatusResponse& st, EventIndex index) {
  const RemovalProbe p = std::move(c.removal_probe);
  c.removal_probe = {};
  if (st.condition != proto::Condition::Ok) return;
  const auto now = oracle_mailbox(ctx, c, p.mailbox);
  if (!now || now->uidvalidity != p.uidvalidity) return;
  if (std::includes(now->uids.begin(), now->uids.end(), p.before.begin(), p.before.end())) return;  // none removed
  const auto unsettled = unsettled_during(ctx, p.sent, index);
  ExpungeNotices& en = ctx.cross.expunge_notices;
  const std::string name = canonical_mailbox(p.mailbox);
  if (!unsettled || acl_may_differ(en, name)) return;
  const std::uint64_t deadline = ctx.log[index].time_us + ctx.options.notify_bound_us;
  for (const auto& [id, w] : ctx.clients) {
    if (!owes_status(ctx, w, c, p, name, *unsettled)) continue;
    en.dues.push_back(ExpungeStatusDue{id, w.connection, name, p.uidvalidity, p.sent, index, w.notify.set_at,
                                       w.view.selected_at, en.name_changes, deadline});
  }
}

// Whether the due still stands at its deadline: the watcher's NOTIFY set, selection and connection are the
// ones it was owed under, no name or ACL change since, no STATUS of the mailbox since the change was sent.
bool still_owed(const Ctx& ctx, const ClientState& w, const ExpungeStatusDue& d) {
  const ExpungeNotices& en = ctx.cross.expunge_notices;
  if (!w.connected || w.bye || w.connection != d.connection) return false;
  if (!w.notify.active || w.notifies > 0 || w.notify.set_at != d.notify_set_at) return false;
  if (w.selects > 0 || w.view.selected_at != d.selected_at) return false;
  if (en.name_changes != d.name_changes || acl_may_differ(en, d.mailbox)) return false;
  const auto seen = w.statuses_seen.find(d.mailbox);
  if (seen != w.statuses_seen.end() && seen->second > d.change_sent) return false;
  if (w.statuses_seen.size() >= statuses_seen_max) return false;
  const auto info = oracle_mailbox(ctx, w, d.mailbox);
  return info && info->uidvalidity == d.uidvalidity;
}

}  // namespace

void snapshot_cond_store(const Ctx& ctx, const ClientState& c, const std::vector<std::uint32_t>& named,
                         const std::vector<std::uint32_t>& view, EventIndex index, CondStoreProbe& p) {
  for (const std::uint32_t uid : named) {
    const auto modseq = ctx.oracle->model().modseq(c.view.mailbox, uid);
    if (!modseq) continue;  // expunged by another session: RFC 2180 §4.2 (EXP-2) judges those
    const auto at = std::find(view.begin(), view.end(), uid);
    p.uids.push_back(uid);
    p.msns.push_back(static_cast<std::uint32_t>(at - view.begin()) + 1);
    p.modseqs.push_back(*modseq);
  }
  if (p.uids.empty()) return;
  p.active = true;
  p.sent = index;
  p.mailbox = c.view.mailbox;
  p.uidvalidity = c.view.uidvalidity;
}

void expunge_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (ctx.oracle == nullptr || !c.authenticated) return;
  const bool probed = is_expunge(cmd.kind) || cmd.kind == CommandKind::Unselect;  // RFC 3691 §2: UNSELECT removes none
  if (probed && !c.expunge_probe.active) start_expunge_probe(ctx, c, cmd, index);
  if (cmd.kind == CommandKind::Store && !c.cond_store_probe.active) start_cond_store_probe(ctx, c, cmd, index);
  if (removes_from_selected(cmd.kind)) start_removal_probe(ctx, c, index);
}

void expunge_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                       const Inflight& f, EventIndex index) {
  if (ctx.oracle == nullptr) return;
  if (c.expunge_probe.active && c.expunge_probe.sent == f.sent) finish_expunge_probe(ctx, c, cmd, st, index);
  if (c.cond_store_probe.active && c.cond_store_probe.sent == f.sent) finish_cond_store_probe(ctx, c, cmd, st, index);
  if (c.removal_probe.active && c.removal_probe.sent == f.sent) finish_removal_probe(ctx, c, st, index);
}

void follow_expunge_notices(Ctx& ctx) {
  ExpungeNotices& en = ctx.cross.expunge_notices;
  if (ctx.oracle == nullptr) {  // a real server: no dues, and its STATUS names are not bounded by a workload
    en.followed = ctx.log.size();
    return;
  }
  for (; en.followed < ctx.log.size(); ++en.followed) {
    const Event& e = ctx.log[en.followed];
    if (e.command) follow_command(en, *e.command);
    if (e.dir == Event::Dir::Received && e.response) follow_status(ctx, e.client, *e.response, en.followed);
  }
}

void check_expunge_dues(Ctx& ctx, std::uint64_t now_us) {
  auto& dues = ctx.cross.expunge_notices.dues;
  while (!dues.empty() && dues.front().deadline_us < now_us && !ctx.rep.stopped()) {
    const ExpungeStatusDue d = std::move(dues.front());
    dues.pop_front();
    const auto it = ctx.clients.find(d.watcher);
    if (it == ctx.clients.end() || !still_owed(ctx, it->second, d)) continue;
    ctx.rep.report("NTF-2", {d.change_done}, {d.change_sent, d.notify_set_at},
                   "client " + std::to_string(d.watcher) + " watches \"" + d.mailbox + "\" with NOTIFY "
                   "MessageExpunge and does not have it selected, but was sent no STATUS for it within " +
                   std::to_string(ctx.options.notify_bound_us) + " us of virtual time after another client's " +
                   proto::command_name(ctx.log[d.change_sent].command->kind) + " removed messages there (RFC "
                   "5465 §5.3: if the expunged messages are in another mailbox, the server sends an unsolicited "
                   "STATUS (UIDNEXT MESSAGES) for it).");
  }
}

}  // namespace imaplab::sim::detail
