// White-box [O] rules through the StoreOracle: message data matches the stored message (SEQ-9), at a
// checkpoint (NOOP/CHECK, NOTIFY SET) the client's view equals the server session's (SEQ-14, NTF-3), and what
// STORE, COPY/APPEND, RENAME and EXPUNGE did to the store (FLG-1..3, CPY-1, MBX-4, MBX-5, MOD-3).
#include <algorithm>
#include <cctype>
#include <iterator>

#include "model/store.hpp"

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

std::string n(std::uint64_t v) { return std::to_string(v); }

void report_content(Ctx& ctx, const ClientState& c, std::uint32_t uid, EventIndex index, const std::string& what) {
  ctx.rep.report("SEQ-9", {index}, {c.view.selected_at},
                 "the FETCH for UID " + n(uid) + " of \"" + c.view.mailbox + "\" returned " + what +
                     " that is not the stored message's.");
}

}  // namespace

void store_fetch(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& fetch,
                 EventIndex index) {
  if (ctx.oracle == nullptr) return;
  check_content(ctx, c, uid, fetch, index);  // sections, <o.l> lengths, INTERNALDATE (check_content.cpp)
  if (ctx.rep.stopped()) return;
  const std::string* stored = nullptr;
  bool looked = false;
  for (const auto& a : fetch.atts) {
    using K = proto::MsgAtt::Kind;
    const bool whole = a.kind == K::Rfc822 || (a.kind == K::BodySection && a.section == proto::Section{});
    // BODY[TEXT]<o.l> of the top-level message: the octets after the header's blank line (RFC 3501 §6.4.5).
    const bool text = a.kind == K::BodySection && a.origin && a.section.part.empty() &&
                      a.section.text == proto::Section::Text::Text;
    const bool body = whole || text;
    const bool size = a.kind == K::Rfc822Size && a.number != 0;  // 0 may be a NIL placeholder (§4.1.3)
    if (!(body && a.data && !a.data->empty()) && !size) continue;  // "" may be a placeholder
    if (!looked) {
      stored = ctx.oracle->content(c.view.mailbox, c.view.uidvalidity, uid);
      looked = true;
    }
    if (stored == nullptr) return;  // renamed away or never seen by the oracle: undecidable, skip
    if (size && a.number != stored->size()) {
      report_content(ctx, c, uid, index, "RFC822.SIZE " + n(a.number) + " (stored: " + n(stored->size()) + ")");
      return;
    }
    if (!body) continue;
    std::size_t origin = a.origin.value_or(0);
    if (text) {
      const std::size_t blank = stored->find("\r\n\r\n");
      if (blank == std::string::npos) continue;
      origin += blank + 4;
    }
    const bool matches = origin <= stored->size() && stored->compare(origin, a.data->size(), *a.data) == 0 &&
                         (a.origin.has_value() || a.data->size() == stored->size());
    if (!matches) {
      report_content(ctx, c, uid, index, "body data (" + n(a.data->size()) + " octets)");
      return;
    }
  }
}

void store_checkpoint(Ctx& ctx, const ClientState& c, const char* rule, EventIndex sent, EventIndex done) {
  // Sound only when nothing else can be on its way to the client: no other command in flight, and no NOTIFY
  // updates for the selected mailbox that the server may have produced after this reply.
  if (ctx.oracle == nullptr || !c.inflight.empty() || c.notifies > 0 || c.idle) return;
  if (c.notify.active && c.notify.any_selected()) return;
  if (!c.view_usable() || c.bye) return;
  const auto session = ctx.oracle->session_of(c.id);
  if (!session) return;
  const std::vector<std::uint32_t> truth = ctx.oracle->model().session_view(*session);
  const View& v = c.view;
  // An empty session view for a non-empty client view means the server deselected the session (delete=bye,
  // rename=bye: a BYE is on its way); and a mailbox of that name with another UIDVALIDITY is not this one.
  if (truth.empty() && v.count() > 0) return;
  if (const auto info = ctx.oracle->model().mailbox_header(v.mailbox);
      info && v.uidvalidity != 0 && info->uidvalidity != v.uidvalidity) {
    return;
  }
  if (truth.size() != v.count()) {
    ctx.rep.report(rule, {done}, {sent},
                   "after this command completed the client knows " + n(v.count()) + " messages in \"" +
                       v.mailbox + "\" but the server's session holds " + n(truth.size()) +
                       ": pending updates must be sent before the tagged reply.");
    return;
  }
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (v.entries[i].uid != 0 && v.entries[i].uid != truth[i]) {
      ctx.rep.report(rule, {done}, {sent, v.entries[i].cause},
                     "after this command completed message " + n(i + 1) + " is UID " + n(v.entries[i].uid) +
                         " for the client but UID " + n(truth[i]) + " in the server's session.");
      return;
    }
  }
}

}  // namespace imaplab::sim::detail

// ---- STORE, COPY/APPEND, RENAME and EXPUNGE against the true store ---------------------------------------
// FLG-1, FLG-2, FLG-3 (a STORE's effect on the flags), CPY-1 (a failed COPY/APPEND), MBX-4 and MBX-5 (RENAME),
// MOD-3 (EXPUNGE/CLOSE). Each compares the store when the command was sent with the store at its reply, and
// judges only when no other command that could explain the difference ran meanwhile (the *_sent counters).

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

// Probes copy flag lists and UID lists; bounded, so an event stays cheap.
constexpr std::size_t store_probe_uids_max = 256;     // messages one STORE probe follows
constexpr std::size_t flags_due_max = 64;             // FLG-2 obligations per client
constexpr std::size_t required_flags_max = 256;       // FLG-3 requirements kept at once

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Flags compare case-insensitively (RFC 3501 §2.3.2); \Recent is per session and never stored.
std::vector<std::string> normalized(const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) {
    std::string l = lower(f);
    if (l != "\\recent") out.push_back(std::move(l));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool iequal(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

std::string flag_list(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& f : flags) out += (out.empty() ? "" : " ") + f;
  return "(" + out + ")";
}

bool writes_flags(const proto::Command& cmd) {
  return cmd.kind == CommandKind::Store || cmd.kind == CommandKind::Fetch;
}

bool removes_flags(const proto::Command& cmd) {
  const auto* a = std::get_if<proto::StoreArgs>(&cmd.args);
  return cmd.kind == CommandKind::Store && (a == nullptr || a->mode != proto::StoreMode::Add);
}

// The mailbox an APPEND, COPY or MOVE adds messages to, or RENAME brings under a name; empty for others.
std::string destination(const proto::Command& cmd) {
  if (const auto* a = std::get_if<proto::AppendArgs>(&cmd.args)) return a->mailbox;
  if (const auto* c = std::get_if<proto::CopyArgs>(&cmd.args)) return c->mailbox;
  if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args)) return r->to;
  return {};
}

// Whether `name` is `ancestor` + "/" + something.
bool is_under(const std::string& name, const std::string& ancestor) {
  return !ancestor.empty() && name.size() > ancestor.size() && name.compare(0, ancestor.size(), ancestor) == 0 &&
         name[ancestor.size()] == model::delimiter;
}

// Whether a command may create a mailbox under `parent` + "/": a CREATE of such a name, a RENAME onto one, or
// a RENAME onto `parent` or one of its ancestors, which brings the renamed mailbox's children along
// (RFC 3501 §6.3.5: "the inferior hierarchical names MUST also be renamed").
bool creates_under(const proto::Command& cmd, const std::string& parent) {
  if (const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args); m && cmd.kind == CommandKind::Create) {
    return is_under(m->mailbox, parent);
  }
  if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args); r && cmd.kind == CommandKind::Rename) {
    return r->to == parent || is_under(r->to, parent) || is_under(parent, r->to);
  }
  return false;
}

// The mailbox (UIDVALIDITY) a flag change by `c` goes to; 0 (every mailbox) when the oracle cannot confirm its
// view: a mailbox renamed under a holder, a selection in transition.
std::uint32_t flag_target(const Ctx& ctx, const ClientState& c) {
  if (!c.view_usable() || c.view.uidvalidity == 0) return 0;
  const auto info = users_mailbox(ctx, c.user, c.view.mailbox, false);
  return info && info->uidvalidity == c.view.uidvalidity ? c.view.uidvalidity : 0;
}

// How many flag changes may have reached mailbox `uidvalidity` (its own and the unconfirmed ones).
std::uint64_t changes_to(const std::map<std::uint32_t, std::uint64_t>& sent, std::uint32_t uidvalidity) {
  const auto own = sent.find(uidvalidity), any = sent.find(0);
  return (own == sent.end() ? 0 : own->second) + (any == sent.end() ? 0 : any->second);
}

void count_sent(Ctx& ctx, const ClientState& c, const proto::Command& cmd) {
  if (const std::string to = destination(cmd); !to.empty()) ++ctx.cross.adders_sent[to];
  if (!writes_flags(cmd)) return;
  const std::uint32_t target = flag_target(ctx, c);
  ++ctx.cross.flag_writers_sent[target];
  if (removes_flags(cmd)) ++ctx.cross.flag_removers_sent[target];
}

// The flags of `uid` in the client's mailbox now, or nullopt when it (or that instance of the mailbox) is gone.

std::optional<std::vector<std::string>> flags_now(const Ctx& ctx, const std::string& user, const std::string& mailbox,
                                                  std::uint32_t uidvalidity, std::uint32_t uid) {
  const auto info = users_mailbox(ctx, user, mailbox, false);
  if (!info || info->uidvalidity != uidvalidity) return std::nullopt;
  auto flags = ctx.oracle->model().flags(mailbox, uid);
  if (!flags) return std::nullopt;
  return normalized(*flags);
}

// ---- STORE: FLG-1, FLG-2, FLG-3 ----

void start_store_probe(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* a = std::get_if<proto::StoreArgs>(&cmd.args);
  if (a == nullptr || a->unchanged_since || c.store_probe.active) return;
  // The session's view at the server's execution is the one read here only when nothing else of this client
  // is in flight and nothing is told to it between commands (no IDLE, no NOTIFY).
  if (!c.inflight.empty() || c.idle || c.notifies > 0 || c.notify.active || c.bye || !c.view_usable()) return;
  const auto session = ctx.oracle->session_of(c.id);
  const auto info = users_mailbox(ctx, c.user, c.view.mailbox, false);
  if (!session || !info || info->uidvalidity != c.view.uidvalidity || c.view.uidvalidity == 0) return;
  StoreProbe p;
  p.session_view = ctx.oracle->model().session_view(*session);
  if (p.session_view.size() > store_probe_uids_max * 16) return;
  auto named = resolve_in_view(a->set, cmd.uid, p.session_view);
  if (!named || named->empty() || named->size() > store_probe_uids_max) return;
  for (std::uint32_t u : *named) {
    auto flags = ctx.oracle->model().flags(c.view.mailbox, u);
    if (!flags) continue;  // expunged by another session: RFC 2180 §4.2 (EXP-2) judges those
    p.named.push_back(u);
    p.before.push_back(normalized(*flags));
  }
  if (p.named.empty()) return;
  p.active = true;
  p.sent = index;
  p.mailbox = c.view.mailbox;
  p.uidvalidity = c.view.uidvalidity;
  p.highestmodseq_before = info->highestmodseq;
  p.writers_quiet = !any_in_flight(ctx, writes_flags);
  p.writers_sent = changes_to(ctx.cross.flag_writers_sent, p.uidvalidity);
  p.removers_quiet = !any_in_flight(ctx, removes_flags);
  p.removers_sent = changes_to(ctx.cross.flag_removers_sent, p.uidvalidity);
  c.store_probe = std::move(p);
}

// FLG-3: every flag a +FLAGS set that no command since could have removed is still set.
void check_required_flags(Ctx& ctx, EventIndex index) {
  auto& reqs = ctx.cross.required_flags;
  for (auto it = reqs.begin(); it != reqs.end() && !ctx.rep.stopped();) {
    std::optional<std::vector<std::string>> now;
    if (it->removers_sent == changes_to(ctx.cross.flag_removers_sent, it->uidvalidity)) {
      now = flags_now(ctx, it->user, it->mailbox, it->uidvalidity, it->uid);
    }
    if (!now) {
      it = reqs.erase(it);  // a removal may have run, or the message is gone: nothing left to require
      continue;
    }
    if (!std::binary_search(now->begin(), now->end(), lower(it->flag))) {
      ctx.rep.report("FLG-3", {index}, {it->sent, it->done},
                     "UID " + std::to_string(it->uid) + " of \"" + it->mailbox + "\" lost " + it->flag +
                         ", which the +FLAGS below set, although no command that removes flags was sent since; "
                         "the STORE answered here must have written back a stale flag list instead of adding "
                         "its flags atomically (store now: " + flag_list(*now) + ").");
      reqs.erase(it);
      return;
    }
    ++it;
  }
}

// A +FLAGS that ran with no flag removal anywhere: its flags are set now (FLG-3), and stay set (requirements).
void check_added_flags(Ctx& ctx, ClientState& c, const proto::StoreArgs& a, const StoreProbe& p,
                       const std::vector<std::optional<std::vector<std::string>>>& after, EventIndex index) {
  if (a.mode != proto::StoreMode::Add || !p.removers_quiet ||
      changes_to(ctx.cross.flag_removers_sent, p.uidvalidity) != p.removers_sent) {
    return;
  }
  for (std::size_t i = 0; i < p.named.size() && !ctx.rep.stopped(); ++i) {
    if (!after[i]) continue;
    for (const auto& flag : a.flags) {
      if (iequal(flag, "\\Recent")) continue;
      if (!std::binary_search(after[i]->begin(), after[i]->end(), lower(flag))) {
        ctx.rep.report("FLG-3", {index}, {p.sent},
                       "STORE +FLAGS " + flag + " answered OK, yet UID " + std::to_string(p.named[i]) + " of \"" +
                           p.mailbox + "\" does not have it (store: " + flag_list(*after[i]) + "); no command "
                           "that removes flags ran meanwhile, so a concurrent STORE overwrote the flag list.");
        return;
      }
      if (ctx.cross.required_flags.size() >= required_flags_max) ctx.cross.required_flags.pop_front();
      ctx.cross.required_flags.push_back({p.mailbox, c.user, p.uidvalidity, p.named[i], flag, p.sent, index,
                                          p.removers_sent});
    }
  }
}

// FLG-1: without .SILENT, each message whose flags this STORE changed gets a FETCH with FLAGS.
void check_store_fetches(Ctx& ctx, const proto::StoreArgs& a, const StoreProbe& p, const std::vector<bool>& changed,
                         EventIndex index) {
  if (a.silent || p.renumbered) return;
  for (std::size_t i = 0; i < p.named.size(); ++i) {
    if (!changed[i] || std::find(p.fetched.begin(), p.fetched.end(), p.named[i]) != p.fetched.end()) continue;
    ctx.rep.report("FLG-1", {index}, {p.sent},
                   "this STORE changed the flags of UID " + std::to_string(p.named[i]) + " (from " +
                       flag_list(p.before[i]) + ") but sent no FETCH with its FLAGS; without .SILENT the server "
                       "returns the updated value (RFC 3501 §6.4.6).");
    return;
  }
}

// SEQ-9 (right flags): the last FETCH FLAGS of each message during the STORE (RFC 3501 §6.4.6 "the server
// SHOULD return an untagged FETCH response with the updated value") equals the store after it; only called
// when no other flag writer ran, so the store's flags at the reply are the ones the STORE left.
void check_store_fetch_flags(Ctx& ctx, const StoreProbe& p,
                             const std::vector<std::optional<std::vector<std::string>>>& after, EventIndex index) {
  if (p.renumbered) return;
  for (std::size_t i = 0; i < p.named.size(); ++i) {
    if (!after[i]) continue;
    const auto last = std::find(p.fetched.rbegin(), p.fetched.rend(), p.named[i]);
    if (last == p.fetched.rend()) continue;
    const auto& told = p.fetched_flags[static_cast<std::size_t>(p.fetched.rend() - last) - 1];
    if (told == *after[i]) continue;
    ctx.rep.report("SEQ-9", {index}, {p.sent},
                   "the last FETCH FLAGS for UID " + std::to_string(p.named[i]) + " during this STORE said " +
                       flag_list(told) + " but the store holds " + flag_list(*after[i]) + " after it (no other "
                       "command changed flags meanwhile); the FETCH returns the updated value (RFC 3501 §6.4.6).");
    return;
  }
}

const ViewEntry* view_entry(const View& v, std::uint32_t uid) {
  const auto it = std::find_if(v.entries.begin(), v.entries.end(), [&](const ViewEntry& e) { return e.uid == uid; });
  return it == v.entries.end() ? nullptr : &*it;
}

// FLG-2: every other session that has the mailbox selected is now due a FETCH for each changed message.
void add_flags_due(Ctx& ctx, const ClientState& author, const StoreProbe& p, const std::vector<bool>& changed,
                   EventIndex index) {
  for (auto& [id, b] : ctx.clients) {
    if (id == author.id || !b.connected || b.bye || !b.view_usable() || b.notify.used || b.notifies > 0) continue;
    if (b.view.mailbox != p.mailbox || b.view.uidvalidity != p.uidvalidity || b.view.selected_at >= p.sent) continue;
    for (std::size_t i = 0; i < p.named.size(); ++i) {
      if (!changed[i] || b.flags_due.size() >= flags_due_max) continue;
      const ViewEntry* known = view_entry(b.view, p.named[i]);
      // Told already: the change may have been reported before this STORE's reply arrived.
      if (known == nullptr || known->flags_told > p.sent) continue;
      b.flags_due.push_back(FlagDue{p.named[i], p.before[i], p.sent, index});
      // A plain IDLE is told at once, not at its next command (RFC 2177 §3): NTF-2 within the bound.
      if (b.idling() && b.idle_since < p.sent) idle_flags_owed(ctx, b, p.uidvalidity, p.named[i], p.sent, index);
    }
  }
}

// MOD-1: a message whose flags changed since the STORE's send (by it or by anyone) has a mod-sequence above the
// mailbox's HIGHESTMODSEQ then (RFC 4551 §3.1.1: each STORE gets a new, larger mod-sequence; §3.2: "the server
// MUST update the mod-sequence attribute of the message"). Mod-sequences never go down, so no race excuses it.
void check_changed_modseq(Ctx& ctx, const StoreProbe& p, const std::vector<bool>& changed, EventIndex index) {
  for (std::size_t i = 0; i < p.named.size(); ++i) {
    if (!changed[i]) continue;
    const auto modseq = ctx.oracle->model().modseq(p.mailbox, p.named[i]);
    if (!modseq || *modseq > p.highestmodseq_before) continue;
    ctx.rep.report("MOD-1", {index}, {p.sent},
                   "the flags of UID " + std::to_string(p.named[i]) + " of \"" + p.mailbox + "\" changed (from " +
                       flag_list(p.before[i]) + ") since this STORE was sent, yet its mod-sequence is " +
                       std::to_string(*modseq) + ", not above the HIGHESTMODSEQ " +
                       std::to_string(p.highestmodseq_before) + " of the send; every flag change gets a new, "
                       "larger mod-sequence (RFC 4551 §3.1.1, §3.2).");
    return;
  }
}

void finish_store_probe(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                        const Inflight& f, EventIndex index) {
  if (!c.store_probe.active || c.store_probe.sent != f.sent) return;
  const StoreProbe p = std::move(c.store_probe);
  c.store_probe = {};
  if (st.condition != proto::Condition::Ok || st.code || c.bye) return;  // [MODIFIED] etc.: partial by design
  const auto& a = std::get<proto::StoreArgs>(cmd.args);
  std::vector<std::optional<std::vector<std::string>>> after;
  std::vector<bool> changed;
  for (std::size_t i = 0; i < p.named.size(); ++i) {
    after.push_back(flags_now(ctx, c.user, p.mailbox, p.uidvalidity, p.named[i]));
    changed.push_back(after.back() && *after.back() != p.before[i]);
  }
  check_added_flags(ctx, c, a, p, after, index);
  if (!ctx.rep.stopped()) check_changed_modseq(ctx, p, changed, index);
  // Only when no other session could change flags meanwhile is a difference this STORE's doing.
  if (!p.writers_quiet || changes_to(ctx.cross.flag_writers_sent, p.uidvalidity) != p.writers_sent ||
      ctx.rep.stopped()) {
    return;
  }
  check_store_fetches(ctx, a, p, changed, index);
  if (!ctx.rep.stopped()) check_store_fetch_flags(ctx, p, after, index);
  add_flags_due(ctx, c, p, changed, index);
}

// ---- COPY/APPEND, RENAME, EXPUNGE: CPY-1, MBX-4, MBX-5, MOD-3 ----

// The mailbox a command may change, as the client names it; empty when the command is not probed.
std::string snapshot_target(const ClientState& c, const proto::Command& cmd) {
  switch (cmd.kind) {
    case CommandKind::Append:
    case CommandKind::Copy:
    case CommandKind::Move: return destination(cmd);
    case CommandKind::Rename: {
      const auto* r = std::get_if<proto::RenameArgs>(&cmd.args);
      return r != nullptr ? r->from : "";
    }
    case CommandKind::Expunge:
    case CommandKind::UidExpunge:
    case CommandKind::Close: return c.view_usable() && c.view.uidvalidity != 0 ? c.view.mailbox : "";
    default: return "";
  }
}

void start_snapshot(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (c.snapshot.active || c.bye) return;
  const std::string target = snapshot_target(c, cmd);
  if (target.empty()) return;
  const auto info = oracle_mailbox(ctx, c, target);
  if (!info || info->uids.size() > store_probe_uids_max * 16) return;
  const bool expunge =
      cmd.kind == CommandKind::Expunge || cmd.kind == CommandKind::UidExpunge || cmd.kind == CommandKind::Close;
  if (expunge && info->uidvalidity != c.view.uidvalidity) return;
  SnapshotProbe p;
  p.active = true;
  p.sent = index;
  p.mailbox = target;
  p.before = *info;
  p.adders_quiet = !any_in_flight(ctx, [&](const proto::Command& other) { return destination(other) == target; });
  p.adders_sent = ctx.cross.adders_sent[target];
  p.names_quiet = cmd.kind != CommandKind::Rename ||
                  !any_in_flight(ctx, [&](const proto::Command& other) { return creates_under(other, target); });
  c.snapshot = std::move(p);
}

bool adders_quiet(Ctx& ctx, const SnapshotProbe& p) {
  return p.adders_quiet && ctx.cross.adders_sent[p.mailbox] == p.adders_sent;
}

// CPY-1: a COPY/APPEND that failed added nothing to the destination (no other command could add meanwhile).
void check_failed_copy(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const SnapshotProbe& p,
                       const model::Model::MailboxInfo& now, EventIndex index) {
  if (!adders_quiet(ctx, p) || now.uidvalidity != p.before.uidvalidity) return;
  std::vector<std::uint32_t> added;
  std::set_difference(now.uids.begin(), now.uids.end(), p.before.uids.begin(), p.before.uids.end(),
                      std::back_inserter(added));
  if (added.empty() && now.uidnext == p.before.uidnext) return;
  ctx.rep.report("CPY-1", {index}, {p.sent},
                 std::string(proto::command_name(cmd.kind)) + " failed, yet \"" + p.mailbox + "\" changed: " +
                     std::to_string(added.size()) + " new message(s), UIDNEXT " + std::to_string(p.before.uidnext) +
                     " -> " + std::to_string(now.uidnext) + "; a failed " + proto::command_name(cmd.kind) +
                     " must leave the destination as it was (client " + std::to_string(c.id) + ").");
}

// MBX-5: after RENAME INBOX, INBOX is empty (nothing could add to it meanwhile).
void check_inbox_renamed(Ctx& ctx, const SnapshotProbe& p, const model::Model::MailboxInfo& now, EventIndex index) {
  if (!adders_quiet(ctx, p) || now.uids.empty()) return;
  ctx.rep.report("MBX-5", {index}, {p.sent},
                 "RENAME INBOX succeeded but INBOX still holds " + std::to_string(now.uids.size()) + " of its " +
                     std::to_string(p.before.uids.size()) + " messages (first UID " + std::to_string(now.uids.front()) +
                     "); renaming INBOX moves all its messages and leaves INBOX empty.");
}

// MBX-4: after RENAME a b, no mailbox is left under "a/" (no other command could create one meanwhile).
void check_children_moved(Ctx& ctx, const ClientState& c, const proto::RenameArgs& a, const SnapshotProbe& p,
                          EventIndex index) {
  if (!p.names_quiet) return;
  for (EventIndex i = p.sent + 1; i < index; ++i) {
    if (ctx.log[i].command && creates_under(*ctx.log[i].command, a.from)) return;
  }
  const std::string prefix = a.from + model::delimiter;
  for (const auto& info : ctx.oracle->model().mailbox_headers()) {
    if (info.name.rfind(prefix, 0) != 0 || (!is_shared(a.from) && info.owner != c.user)) continue;
    ctx.rep.report("MBX-4", {index}, {p.sent},
                   "RENAME \"" + a.from + "\" succeeded but its child \"" + info.name + "\" is still under the old "
                   "name; the inferior hierarchical names must be renamed too.");
    return;
  }
}

// MOD-3: when messages left the mailbox during this EXPUNGE/CLOSE, HIGHESTMODSEQ went up.
void check_expunge_modseq(Ctx& ctx, const proto::Command& cmd, const SnapshotProbe& p,
                          const model::Model::MailboxInfo& now, EventIndex index) {
  if (now.uidvalidity != p.before.uidvalidity) return;
  std::vector<std::uint32_t> removed;
  std::set_difference(p.before.uids.begin(), p.before.uids.end(), now.uids.begin(), now.uids.end(),
                      std::back_inserter(removed));
  if (removed.empty() || now.highestmodseq > p.before.highestmodseq) return;
  ctx.rep.report("MOD-3", {index}, {p.sent},
                 std::string(proto::command_name(cmd.kind)) + " removed UID " + std::to_string(removed.front()) +
                     (removed.size() > 1 ? " and " + std::to_string(removed.size() - 1) + " more" : std::string()) +
                     " from \"" + p.mailbox + "\" but HIGHESTMODSEQ stayed " + std::to_string(now.highestmodseq) +
                     "; an expunge is a change and needs a new mod-sequence (RFC 4551 §3.1.2, RFC 5162 §3.5).");
}

void finish_snapshot(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                     const Inflight& f, EventIndex index) {
  if (!c.snapshot.active || c.snapshot.sent != f.sent) return;
  const SnapshotProbe p = std::move(c.snapshot);
  c.snapshot = {};
  const bool ok = st.condition == proto::Condition::Ok;
  // The mailbox's UIDs are copied out of the store only where a check reads them (a copy per command is
  // what this probe costs most).
  const auto now = [&] { return oracle_mailbox(ctx, c, p.mailbox); };
  switch (cmd.kind) {
    case CommandKind::Append:
    case CommandKind::Copy:
    case CommandKind::Move:
      if (!ok) {
        if (const auto after = now()) check_failed_copy(ctx, c, cmd, p, *after, index);
      }
      break;
    case CommandKind::Rename: {
      const auto& a = std::get<proto::RenameArgs>(cmd.args);
      if (ok && iequal(a.from, "INBOX")) {
        if (const auto after = now()) check_inbox_renamed(ctx, p, *after, index);
      }
      if (ok && !iequal(a.from, "INBOX")) check_children_moved(ctx, c, a, p, index);
      break;
    }
    default: {
      if (!ok) break;
      // MOD-3 can only fail when HIGHESTMODSEQ did not rise in the same mailbox: the header says so cheaply.
      const auto head = users_mailbox(ctx, c.user, p.mailbox, false);
      if (!head || head->uidvalidity != p.before.uidvalidity || head->highestmodseq > p.before.highestmodseq) break;
      if (const auto after = now()) check_expunge_modseq(ctx, cmd, p, *after, index);
      break;
    }
  }
}

}  // namespace

bool is_shared(const std::string& name) {
  const std::string root = model::shared_root;
  return name == root || name.rfind(root + model::delimiter, 0) == 0;
}

// The store's mailbox `name` as `user` names it, when the oracle surely resolves it to that mailbox.
std::optional<model::Model::MailboxInfo> users_mailbox(const Ctx& ctx, const std::string& user,
                                                       const std::string& name, bool with_uids) {
  if (ctx.oracle == nullptr || user.empty()) return std::nullopt;
  auto info = with_uids ? ctx.oracle->model().mailbox(name) : ctx.oracle->model().mailbox_header(name);
  // The model resolves a plain name as its first user sees it: a personal mailbox must be this user's.
  if (!info || (!is_shared(info->name) && info->owner != user)) return std::nullopt;
  return info;
}

std::optional<model::Model::MailboxInfo> oracle_mailbox(const Ctx& ctx, const ClientState& c,
                                                        const std::string& name) {
  return users_mailbox(ctx, c.user, name);
}

void oracle_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  count_sent(ctx, c, cmd);
  if (ctx.oracle == nullptr || !c.authenticated) return;
  if (cmd.kind == CommandKind::Store) start_store_probe(ctx, c, cmd, index);
  start_snapshot(ctx, c, cmd, index);
  expunge_sent(ctx, c, cmd, index);  // EXP-4, MOD-5 (check_expunge.cpp)
}

void oracle_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                      const Inflight& f, EventIndex index) {
  if (ctx.oracle == nullptr) return;
  if (cmd.kind == CommandKind::Store) {
    finish_store_probe(ctx, c, cmd, st, f, index);
    if (!ctx.rep.stopped()) check_required_flags(ctx, index);
  }
  if (!ctx.rep.stopped()) finish_snapshot(ctx, c, cmd, st, f, index);
  if (!ctx.rep.stopped()) expunge_completed(ctx, c, cmd, st, f, index);  // EXP-4, MOD-5 (check_expunge.cpp)
}

void store_probe_fetch(ClientState& c, std::uint32_t msn, const proto::FetchData& fetch) {
  StoreProbe& p = c.store_probe;
  if (!p.active) return;
  std::uint32_t uid = 0;
  const proto::MsgAtt* flags = nullptr;
  for (const auto& a : fetch.atts) {
    if (a.kind == proto::MsgAtt::Kind::Uid) uid = static_cast<std::uint32_t>(a.number);
    if (a.kind == proto::MsgAtt::Kind::Flags) flags = &a;
  }
  if (flags == nullptr) return;
  if (uid == 0 && !p.renumbered && msn >= 1 && msn <= p.session_view.size()) uid = p.session_view[msn - 1];
  if (uid == 0) return;
  p.fetched.push_back(uid);
  p.fetched_flags.push_back(normalized(flags->flags));
}

void flags_told(ClientState& c, std::uint32_t uid, bool expunged) {
  if (expunged) c.store_probe.renumbered = true;
  if (uid == 0) {
    if (expunged) c.flags_due.clear();  // which message went away is unknown: drop what cannot be judged
    return;
  }
  std::erase_if(c.flags_due, [&](const FlagDue& d) { return d.uid == uid; });
}

void check_flags_due(Ctx& ctx, ClientState& c, const Inflight& f, EventIndex index) {
  if (ctx.oracle == nullptr || c.flags_due.empty()) return;
  const auto session = ctx.oracle->session_of(c.id);
  std::vector<FlagDue> keep;
  for (const FlagDue& d : c.flags_due) {
    if (d.change_done >= f.sent) {
      keep.push_back(d);  // the change may have committed after this NOOP ran
      continue;
    }
    if (ctx.rep.stopped() || !session || !c.view_usable()) continue;
    const auto now = flags_now(ctx, c.user, c.view.mailbox, c.view.uidvalidity, d.uid);
    const auto view = ctx.oracle->model().session_view(*session);
    if (!now || *now == d.before || std::find(view.begin(), view.end(), d.uid) == view.end()) continue;
    ctx.rep.report("FLG-2", {index}, {d.change_sent, d.change_done},
                   "another session changed the flags of UID " + std::to_string(d.uid) + " in \"" + c.view.mailbox +
                       "\" (from " + flag_list(d.before) + " to " + flag_list(*now) + ") before this NOOP/CHECK, "
                       "which completed without a FETCH telling this session; status updates are sent as "
                       "untagged data (RFC 3501 §5.2, §6.1.2).");
  }
  c.flags_due = std::move(keep);
}

}  // namespace imaplab::sim::detail
