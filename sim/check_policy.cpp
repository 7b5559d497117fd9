// The declared RFC 2180 policy, checked white-box: what FETCH (EXP-1), STORE (EXP-2), SEARCH ALL (EXP-3) and
// COPY/MOVE (CPY-3) answer when they name messages another session expunged but this client was not yet told
// about, MOVE's atomicity (CPY-4), and whether DELETE/RENAME of a mailbox another client has selected is
// refused under delete=fail / rename=fail (MBX-2, MBX-3). Which messages are expunged and which sessions exist
// only the store knows, so these rules need the oracle. MBX-1 (a deleted name stays gone until something may
// re-create it) and MBX-4 (so do the children of a renamed one) are black-box. Every rule judges a command only
// when its outcome is decided (see the *Probe structs).
#include <algorithm>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;
using model::Policy;

// Probing copies the session's view and the mailbox's UID list: bounded, so an event stays O(1).
constexpr std::size_t probe_view_max = 4096;  // messages

// SEARCH ALL (or UID SEARCH ALL): every message in the session's view matches (EXP-3).
bool search_all(const proto::Command& cmd) {
  const auto* s = std::get_if<proto::SearchArgs>(&cmd.args);
  return cmd.kind == CommandKind::Search && s != nullptr && s->keys.size() == 1 &&
         s->keys.front().kind == proto::SearchKey::Kind::All;
}

bool probed_kind(const proto::Command& cmd) {
  if (search_all(cmd)) return true;
  if (const auto* f = std::get_if<proto::FetchArgs>(&cmd.args)) {
    return cmd.kind == CommandKind::Fetch && !f->changed_since;  // CHANGEDSINCE drops expunged ones
  }
  if (const auto* s = std::get_if<proto::StoreArgs>(&cmd.args)) {
    return cmd.kind == CommandKind::Store && !s->unchanged_since;
  }
  return (cmd.kind == CommandKind::Copy || cmd.kind == CommandKind::Move) &&
         std::holds_alternative<proto::CopyArgs>(cmd.args);
}

const proto::SequenceSet& set_of(const proto::Command& cmd) {
  static const proto::SequenceSet everything{{proto::SeqRange{1, proto::seq_star}}};
  if (cmd.kind == CommandKind::Search) return everything;
  if (const auto* f = std::get_if<proto::FetchArgs>(&cmd.args)) return f->set;
  if (const auto* s = std::get_if<proto::StoreArgs>(&cmd.args)) return s->set;
  return std::get<proto::CopyArgs>(cmd.args).set;
}

// The live UIDs of the probed mailbox, or nullopt when it is gone, renamed or another instance.
std::optional<std::vector<std::uint32_t>> live_uids(const Ctx& ctx, const PolicyProbe& p) {
  const auto info = ctx.oracle->model().mailbox(p.mailbox);
  if (!info || info->uidvalidity != p.uidvalidity || info->uids.size() > probe_view_max) return std::nullopt;
  return info->uids;
}

bool contains(const std::vector<std::uint32_t>& sorted, std::uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

std::string n(std::uint64_t v) { return std::to_string(v); }

std::string uid_list(const std::vector<std::uint32_t>& uids) {
  std::string out;
  for (std::uint32_t u : uids) out += (out.empty() ? "" : ",") + n(u);
  return out;
}

struct Split {
  std::size_t dead = 0, live = 0;
};

void check_fetch(Ctx& ctx, const PolicyProbe& p, const Split& s, bool ok, EventIndex index) {
  const Policy::Fetch policy = ctx.options.policy.fetch;
  const std::string which =
      "UID(s) " + uid_list(p.dead) + " were expunged by another session before this FETCH was sent";
  if (policy == Policy::Fetch::Ghost && !ok) {
    ctx.rep.report("EXP-1", {index}, {p.sent},
                   which + ", and the client was not told yet; under fetch=ghost (RFC 2180 §4.1.1) their original "
                           "data is returned with OK until the EXPUNGE is sent, not a tagged NO.");
  } else if (policy == Policy::Fetch::No && ok) {
    ctx.rep.report("EXP-1", {index}, {p.sent},
                   which + "; under fetch=no (RFC 2180 §4.1.2) the FETCH must end with a tagged NO.");
  } else if (policy == Policy::Fetch::Nil && s.live == 0 && ok) {
    ctx.rep.report("EXP-1", {index}, {p.sent},
                   which + " and it named no live message; under fetch=nil (RFC 2180 §4.1.3) that is a tagged NO.");
  } else if (policy == Policy::Fetch::Nil && s.live > 0 && !ok) {
    ctx.rep.report("EXP-1", {index}, {p.sent},
                   which + " but it also named live ones; under fetch=nil (RFC 2180 §4.1.3) the expunged ones get "
                           "NIL placeholders and the FETCH ends OK.");
  }
}

void check_store(Ctx& ctx, const proto::Command& cmd, const PolicyProbe& p, const proto::StatusResponse& st,
                 EventIndex index) {
  const bool silent = std::get<proto::StoreArgs>(cmd.args).silent;
  const bool ok = st.condition == proto::Condition::Ok;
  const std::string which =
      "UID(s) " + uid_list(p.dead) + " were expunged by another session before this STORE was sent";
  if (!silent && ok) {
    ctx.rep.report("EXP-2", {index}, {p.sent},
                   which + "; a STORE without .SILENT that names expunged messages ends with a tagged NO (RFC 2180 "
                           "§4.2.2, §4.2.3, §4.2.4).");
    return;
  }
  // .SILENT: the live ones are set and the reply is OK (§4.2.1). A NO for another reason (read-only, rights:
  // NOPERM or any other code) is not this rule's business.
  const bool other_reason = p.read_only || (st.code && st.code->name != "EXPUNGEISSUED");
  if (silent && st.condition == proto::Condition::No && !other_reason) {
    ctx.rep.report("EXP-2", {index}, {p.sent},
                   which + "; STORE .SILENT sets the flags of the live messages and answers OK (RFC 2180 §4.2.1).");
  }
}

void check_copy(Ctx& ctx, ClientState& c, const proto::Command& cmd, const PolicyProbe& p, bool ok,
                EventIndex index) {
  const std::string verb = cmd.kind == CommandKind::Move ? "MOVE" : "COPY";
  const std::string which = "UID(s) " + uid_list(p.dead) + " were expunged by another session before this " + verb +
                            " was sent";
  if (ctx.options.policy.copy == Policy::Copy::Fail && ok) {
    ctx.rep.report("CPY-3", {index}, {p.sent},
                   which + "; under copy=fail (RFC 2180 §4.4.1) the command is refused with a tagged NO and "
                           "nothing is copied.");
    return;
  }
  // Both policies: the pending EXPUNGEs are returned during the COPY (RFC 2180 §4.4.1, §4.4.2 examples;
  // RFC 3501 §7.4.1 allows them). The session's view must no longer hold the dead UIDs.
  const auto session = ctx.oracle->session_of(c.id);
  if (!session) return;
  const std::vector<std::uint32_t> view = ctx.oracle->model().session_view(*session);
  if (view.size() > probe_view_max) return;
  std::vector<std::uint32_t> sorted = view;
  std::sort(sorted.begin(), sorted.end());
  for (std::uint32_t u : p.dead) {
    if (contains(sorted, u)) {
      ctx.rep.report("CPY-3", {index}, {p.sent},
                     "UID " + n(u) + " was expunged by another session before this " + verb +
                         " was sent, yet the " + verb + " completed without reporting that EXPUNGE; pending "
                         "EXPUNGEs are returned during COPY (RFC 2180 §4.4).");
      return;
    }
  }
}

// EXP-3 (RFC 2180 §4.3): SEARCH ALL returns every message live throughout, may leave out those another session
// expunged (the client was not told yet), and returns nothing outside the session's view.
void check_search(Ctx& ctx, const proto::Command& cmd, const PolicyProbe& p, const std::vector<std::uint32_t>& live,
                  EventIndex index) {
  std::vector<std::uint32_t> hits = p.hits;
  if (!cmd.uid) {
    for (std::uint32_t& h : hits) h = h >= 1 && h <= p.session_view.size() ? p.session_view[h - 1] : 0;
  }
  std::sort(hits.begin(), hits.end());
  for (std::uint32_t h : hits) {
    if (h != 0 && contains(p.named, h)) continue;
    ctx.rep.report("EXP-3", {index}, {p.sent},
                   "SEARCH ALL returned a message that is not in the session's view (" +
                       std::string(cmd.uid ? "UID " : "number ") + (h == 0 ? std::string("out of range") : n(h)) +
                       "); it may leave out expunged messages, never add others (RFC 2180 §4.3).");
    return;
  }
  for (std::uint32_t u : p.named) {
    if (!contains(live, u) || contains(hits, u)) continue;
    ctx.rep.report("EXP-3", {index}, {p.sent},
                   "SEARCH ALL left out UID " + n(u) + ", which was live throughout; only messages another session "
                   "expunged may be left out (RFC 2180 §4.3).");
    return;
  }
}

bool changes_names(CommandKind k) {
  return k == CommandKind::Create || k == CommandKind::Delete || k == CommandKind::Rename;
}

// The mailbox a DELETE or RENAME names, when the declared policy refuses it while others hold the mailbox.
std::optional<std::string> refusable_name(const Ctx& ctx, const proto::Command& cmd) {
  const Policy& p = ctx.options.policy;
  if (cmd.kind == CommandKind::Delete && p.del == Policy::Delete::Fail) {
    if (const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args)) return a->mailbox;
  }
  if (cmd.kind == CommandKind::Rename && p.rename == Policy::Rename::Fail) {
    const auto* a = std::get_if<proto::RenameArgs>(&cmd.args);
    if (a != nullptr && a->from != "INBOX") return a->from;  // RENAME INBOX moves messages (§6.3.5)
  }
  return std::nullopt;
}

bool name_change_in_flight(const Ctx& ctx) {
  for (const auto& [id, other] : ctx.clients) {
    for (const Inflight& f : other.inflight) {
      if (changes_names(ctx.log[f.sent].command->kind)) return true;
    }
  }
  return false;
}

// MBX-4: the clean RENAME of an ancestor of a scoped name, when no name changed since (the child is gone).
const CrossState::Deleted* renamed_parent(const Ctx& ctx, const std::string& name) {
  for (auto pos = name.rfind('/'); pos != std::string::npos && pos > 0; pos = name.rfind('/', pos - 1)) {
    const auto it = ctx.cross.renamed.find(name.substr(0, pos));
    if (it != ctx.cross.renamed.end() && it->second.names_sent == ctx.cross.names_sent) return &it->second;
  }
  return nullptr;
}

// MBX-1: a lookup of a name deleted since with no name change after, by a client that does not hold it.
void lookup_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  std::string name;
  if (const auto* s = std::get_if<proto::StatusArgs>(&cmd.args); s != nullptr && cmd.kind == CommandKind::Status) {
    name = s->mailbox;
  }
  const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args);
  if (m != nullptr && (cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine)) name = m->mailbox;
  if (name.empty() || c.lookup_probe.active || !c.authenticated || c.selects > 0) return;
  if (c.view.valid && c.view.mailbox == name) return;  // a holder may keep the ghost (RFC 2180 §3.2)
  const std::string key = scoped(c, name);
  if (const auto it = ctx.cross.deleted.find(key);
      it != ctx.cross.deleted.end() && it->second.names_sent == ctx.cross.names_sent) {
    c.lookup_probe = LookupProbe{true, index, key};
    return;
  }
  if (renamed_parent(ctx, key) != nullptr) c.lookup_probe = LookupProbe{true, index, key};
}

void lookup_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, bool ok, const Inflight& f,
                      EventIndex index) {
  if (!c.lookup_probe.active || c.lookup_probe.sent != f.sent) return;
  const LookupProbe p = std::move(c.lookup_probe);
  c.lookup_probe = {};
  if (!ok) return;
  if (const CrossState::Deleted* r = renamed_parent(ctx, p.name)) {
    ctx.rep.report("MBX-4", {index}, {f.sent, r->done},
                   std::string(proto::command_name(cmd.kind)) + " of a mailbox succeeded under a name whose parent "
                   "was renamed away, and no command since could have re-created it; RENAME moves the inferior "
                   "hierarchical names too (RFC 3501 §6.3.5).");
    return;
  }
  const auto it = ctx.cross.deleted.find(p.name);
  if (it == ctx.cross.deleted.end() || it->second.names_sent != ctx.cross.names_sent) return;
  ctx.rep.report("MBX-1", {index}, {f.sent, it->second.done},
                 std::string(proto::command_name(cmd.kind)) + " of a mailbox succeeded after its DELETE succeeded, "
                 "and no command since could have re-created the name; a deleted mailbox is gone for every session "
                 "that did not have it open (RFC 3501 §6.3.4, RFC 2180 §3).");
}

void name_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (!changes_names(cmd.kind)) return;
  ++ctx.cross.names_sent;
  // Another name change still on its way could move the mailbox away from this name before this one runs.
  const bool others = name_change_in_flight(ctx);
  const auto* del = std::get_if<proto::MailboxArgs>(&cmd.args);
  if (cmd.kind == CommandKind::Delete && del != nullptr && !others) {
    const auto info = oracle_mailbox(ctx, c, del->mailbox);
    c.delete_probe = NameProbe{true, index, del->mailbox, info ? info->uidvalidity : 0, ctx.cross.names_sent};
  }
  const auto* ren = std::get_if<proto::RenameArgs>(&cmd.args);
  if (cmd.kind == CommandKind::Rename && ren != nullptr && !others && ren->from != "INBOX" &&
      ren->to.rfind(ren->from + "/", 0) != 0) {
    const auto info = oracle_mailbox(ctx, c, ren->from);
    c.rename_probe = NameProbe{true, index, ren->from, info ? info->uidvalidity : 0, ctx.cross.names_sent};
  }
  const auto name = refusable_name(ctx, cmd);
  if (!name || ctx.oracle == nullptr || !ctx.options.policy_known || others) return;
  const auto info = ctx.oracle->model().mailbox_header(*name);
  if (!info) return;
  c.name_probe = NameProbe{true, index, *name, info->uidvalidity, ctx.cross.names_sent};
}

// A client that surely had the probed mailbox selected from before the DELETE/RENAME was sent until now: its
// SELECT succeeded before, nothing that could deselect it is in flight, and its server session still exists
// with the same messages in view (a closed session has none).
bool surely_holds(const Ctx& ctx, const ClientState& b, const ClientState& a, const NameProbe& p) {
  if (b.id == a.id || !b.connected || b.bye || b.user != a.user || !b.view_usable()) return false;
  if (b.view.mailbox != p.name || b.view.uidvalidity != p.uidvalidity || b.view.selected_at >= p.sent) return false;
  for (const Inflight& f : b.inflight) {
    const CommandKind k = ctx.log[f.sent].command->kind;
    if (k == CommandKind::Select || k == CommandKind::Examine || k == CommandKind::Close ||
        k == CommandKind::Unselect || k == CommandKind::Logout || changes_names(k)) {
      return false;
    }
  }
  const auto session = ctx.oracle->session_of(b.id);
  return session && !ctx.oracle->model().session_view(*session).empty();
}

void name_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, bool ok, const Inflight& f,
                    EventIndex index) {
  if (c.delete_probe.active && c.delete_probe.sent == f.sent) {
    const NameProbe d = std::move(c.delete_probe);
    c.delete_probe = {};
    if (ok && d.names_sent == ctx.cross.names_sent) {
      ctx.cross.deleted[scoped(c, d.name)] = {index, d.names_sent, d.sent, d.uidvalidity, c.id};
    }
  }
  if (c.rename_probe.active && c.rename_probe.sent == f.sent) {
    const NameProbe r = std::move(c.rename_probe);
    c.rename_probe = {};
    if (ok && r.names_sent == ctx.cross.names_sent) {
      ctx.cross.renamed[scoped(c, r.name)] = {index, r.names_sent, r.sent, r.uidvalidity};
    }
  }
  lookup_completed(ctx, c, cmd, ok, f, index);
  if (!c.name_probe.active || c.name_probe.sent != f.sent) return;
  const NameProbe p = std::move(c.name_probe);
  c.name_probe = {};
  if (!ok || ctx.oracle == nullptr || ctx.cross.names_sent != p.names_sent) return;
  for (const auto& [id, b] : ctx.clients) {
    if (!surely_holds(ctx, b, c, p)) continue;
    const bool del = cmd.kind == CommandKind::Delete;
    ctx.rep.report(del ? "MBX-2" : "MBX-3", {index}, {f.sent, b.view.selected_at},
                   std::string(del ? "DELETE" : "RENAME") + " of \"" + p.name + "\" succeeded while client " +
                       n(b.id) + " had it selected; under " + (del ? "delete=fail" : "rename=fail") +
                       " (RFC 2180 §3.1) the server refuses it with NO, ideally [INUSE] (RFC 5530 §3).");
    return;
  }
}

// CPY-4 (RFC 6851 §3.3): after MOVE answered OK no message it named is left in the source. (Messages are
// never re-added under the same UIDVALIDITY and UID, so one still live at the reply was never moved.)
void check_move(Ctx& ctx, const PolicyProbe& p, const std::vector<std::uint32_t>& live, EventIndex index) {
  for (std::uint32_t u : p.named) {
    if (!contains(live, u)) continue;
    ctx.rep.report("CPY-4", {index}, {p.sent},
                   "MOVE answered OK but UID " + n(u) + ", which it named, is still in \"" + p.mailbox +
                       "\": a moved message must leave the source (RFC 6851 §3.3).");
    return;
  }
}

}  // namespace

void policy_search_hits(ClientState& c, const proto::SearchData& s) {
  if (c.probe.active && !c.probe.session_view.empty()) {
    c.probe.hits.insert(c.probe.hits.end(), s.numbers.begin(), s.numbers.end());
  }
}

void policy_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (c.probe.active) c.probe.clean = false;
  name_sent(ctx, c, cmd, index);
  lookup_sent(ctx, c, cmd, index);
  if (ctx.oracle == nullptr || !ctx.options.policy_known || !probed_kind(cmd)) return;
  // Only then is the session's view at the server's execution the one read here: nothing else in flight,
  // and nothing may be told to the session between commands (no IDLE, no NOTIFY, RFC 5465 §5).
  if (!c.inflight.empty() || c.idle || c.notifies > 0 || c.notify.active || c.bye) return;
  if (!c.view_usable() || c.view.uidvalidity == 0) return;
  const auto session = ctx.oracle->session_of(c.id);
  if (!session) return;
  const std::vector<std::uint32_t> view = ctx.oracle->model().session_view(*session);
  if (view.size() > probe_view_max || !std::is_sorted(view.begin(), view.end())) return;
  PolicyProbe p;
  p.active = true;
  p.sent = index;
  if (search_all(cmd)) p.session_view = view;
  p.mailbox = c.view.mailbox;
  p.uidvalidity = c.view.uidvalidity;
  p.read_only = c.view.read_only;
  const auto live = live_uids(ctx, p);
  if (!live) return;
  auto named = resolve_in_view(set_of(cmd), cmd.uid, view);
  if (!named || named->empty()) return;
  p.named = std::move(*named);
  for (std::uint32_t u : p.named) {
    if (!contains(*live, u)) p.dead.push_back(u);
  }
  // Nothing expunged at the send: only MOVE's atomicity (CPY-4) is left to check.
  if (p.dead.empty() && cmd.kind != CommandKind::Move) return;
  c.probe = std::move(p);
}

void policy_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                      const Inflight& f, EventIndex index) {
  name_completed(ctx, c, cmd, st.condition == proto::Condition::Ok, f, index);
  if (!c.probe.active || c.probe.sent != f.sent) return;
  const PolicyProbe p = std::move(c.probe);
  c.probe = {};
  if (!p.clean || c.bye || ctx.oracle == nullptr || st.condition == proto::Condition::Bad) return;
  const auto live = live_uids(ctx, p);
  if (!live) return;
  if (cmd.kind == CommandKind::Move && st.condition == proto::Condition::Ok) check_move(ctx, p, *live, index);
  if (p.dead.empty()) return;
  Split s;
  for (std::uint32_t u : p.named) {
    if (contains(p.dead, u)) {
      ++s.dead;
    } else if (contains(*live, u)) {
      ++s.live;
    } else {
      return;  // expunged while the command was on its way: which state the server saw is unknown
    }
  }
  const bool ok = st.condition == proto::Condition::Ok;
  switch (cmd.kind) {
    case CommandKind::Search:
      if (ok) check_search(ctx, cmd, p, *live, index);
      break;
    case CommandKind::Fetch: check_fetch(ctx, p, s, ok, index); break;
    case CommandKind::Store: check_store(ctx, cmd, p, st, index); break;
    case CommandKind::Copy:
    case CommandKind::Move: check_copy(ctx, c, cmd, p, ok, index); break;
    default: break;
  }
}

}  // namespace imaplab::sim::detail
