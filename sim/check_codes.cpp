// Response codes and the untagged data a command owes or must not send: EXAMINE's [READ-ONLY] (STA-2), the UID of
// UID STORE's FETCHes (SEQ-11), no EXPUNGE during CLOSE (EXP-5), [TRYCREATE] for a missing target (CPY-7), the
// FETCH (MODSEQ) of a conditional .SILENT STORE (MOD-7), STATUS RECENT of the selected mailbox (STA-1), MYRIGHTS
// against the ACL entries (ACC-5), the tagged BAD an unparseable tagged line is owed (SES-3; SES-2 at a stall) and
// the updates pending when IDLE starts (NTF-2). Fed every event before the per-client tracker sees it, so a tagged
// reply still finds its command in flight.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "model/store.hpp"

#include "sim/agent.hpp"
#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {

using proto::CommandKind;

namespace {

constexpr std::size_t silent_store_uids_max = 256;  // messages a MOD-7 probe follows
constexpr std::uint32_t idle_owed_uids_max = 256;    // new UIDs an IDLE-start obligation may name (NTF-2)

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string n(std::uint64_t v) { return std::to_string(v); }

const proto::Command& command_at(const Ctx& ctx, EventIndex index) { return *ctx.log[index].command; }

// MOD-7: a STORE (UNCHANGEDSINCE n) .SILENT sent while nothing else could change the messages it names.
struct SilentStoreProbe : CondStoreProbe {
  std::set<std::uint32_t> told;  // MSNs a FETCH with MODSEQ reported during it
  std::uint64_t disturbers_sent = 0;
};

// CPY-7: an APPEND, COPY or MOVE whose target surely did not exist at the send.
struct TryCreateProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint64_t names_sent = 0;
};

// STA-1 for the selected mailbox: a STATUS with RECENT of it, sent alone while nothing could change it.
struct RecentProbe {
  bool active = false;
  EventIndex sent = 0;
  std::uint64_t changes_sent = 0;
};

// ACC-5: a MYRIGHTS of a shared mailbox sent while no ACL or name change was in flight.
struct RightsProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string mailbox;
  std::uint64_t acl_changes_sent = 0;
  std::optional<std::string> told;
};

// SES-2, SES-3: an unparseable tagged line of the agent (sim/agent.hpp bad_line_command), sent while no IDLE or
// AUTHENTICATE waited for a line of the client, and not yet answered with its tag.
struct BadLine {
  std::string tag;
  EventIndex sent = 0;
  EventIndex untagged_bad = no_event;  // an untagged BAD that came after it while it was unanswered
};

struct ClientCodes {
  SilentStoreProbe silent;
  TryCreateProbe trycreate;
  RecentProbe recent;
  RightsProbe rights;
  std::vector<BadLine> bad_lines;
};

}  // namespace

struct CodesState {
  std::map<ClientId, ClientCodes> clients;
  std::uint64_t names_sent = 0;        // CREATE, DELETE, RENAME sent by anyone (CPY-7)
  std::uint64_t changes_sent = 0;      // commands that may change messages, flags or names (STA-1)
  std::uint64_t disturbers_sent = 0;   // commands that may change a mod-sequence or remove a message (MOD-7)
  std::uint64_t acl_changes_sent = 0;  // SETACL, DELETEACL, CREATE, DELETE, RENAME (ACC-5)
};

namespace {

CodesState& state(Ctx& ctx) {
  if (!ctx.cross.codes) ctx.cross.codes = std::make_shared<CodesState>();
  return *ctx.cross.codes;
}

bool changes_names(CommandKind k) {
  return k == CommandKind::Create || k == CommandKind::Delete || k == CommandKind::Rename;
}

bool changes_acl_or_name(CommandKind k) {
  return changes_names(k) || k == CommandKind::SetAcl || k == CommandKind::DeleteAcl;
}

// Commands that may change a message's mod-sequence (STORE; FETCH sets \Seen) or remove it.
bool disturbs_modseq(CommandKind k) {
  switch (k) {
    case CommandKind::Store: case CommandKind::Fetch: case CommandKind::Move: case CommandKind::Expunge:
    case CommandKind::UidExpunge: case CommandKind::Close: case CommandKind::Rename: case CommandKind::Delete:
      return true;
    default: return false;
  }
}

const proto::MsgAtt* find_att(const proto::FetchData& f, proto::MsgAtt::Kind kind) {
  const auto it = std::find_if(f.atts.begin(), f.atts.end(), [&](const proto::MsgAtt& a) { return a.kind == kind; });
  return it == f.atts.end() ? nullptr : &*it;
}

// The client has exactly one command in flight, of this kind, and nothing may push on its own.
const proto::Command* sole_command(const Ctx& ctx, const ClientState& c) {
  if (c.inflight.size() != 1 || c.idle || c.notify.active || c.notifies > 0) return nullptr;
  return &command_at(ctx, c.inflight.front().sent);
}

// The client's selected mailbox is the store's (same UIDVALIDITY) and its server session is known.
bool view_confirmed(const Ctx& ctx, const ClientState& c) {
  if (ctx.oracle == nullptr || c.bye || !c.view_usable() || c.view.uidvalidity == 0 || !c.inflight.empty() || c.idle) {
    return false;
  }
  if (!ctx.oracle->session_of(c.id)) return false;
  const auto head = ctx.oracle->model().mailbox_header(c.view.mailbox);
  return head && head->uidvalidity == c.view.uidvalidity;
}

// ---- MOD-7: STORE (UNCHANGEDSINCE) .SILENT still owes FETCH (MODSEQ) (RFC 4551 §3.2) ----

void start_silent_store(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* a = std::get_if<proto::StoreArgs>(&cmd.args);
  if (a == nullptr || !a->unchanged_since || !a->silent || c.notifies > 0 || c.notify.active) return;
  if (!view_confirmed(ctx, c) || any_in_flight(ctx, [](const proto::Command& x) { return disturbs_modseq(x.kind); })) {
    return;
  }
  const auto view = ctx.oracle->model().session_view(*ctx.oracle->session_of(c.id));
  const auto named = resolve_in_view(a->set, cmd.uid, view);
  if (!named || named->empty() || named->size() > silent_store_uids_max) return;
  SilentStoreProbe p;
  snapshot_cond_store(ctx, c, *named, view, index, p);
  if (!p.active) return;
  p.disturbers_sent = state(ctx).disturbers_sent;  // this STORE already counted (codes_sent)
  state(ctx).clients[c.id].silent = std::move(p);
}

void finish_silent_store(Ctx& ctx, ClientCodes& cc, const proto::Command& cmd, const proto::StatusResponse& st,
                         EventIndex index) {
  const SilentStoreProbe p = std::move(cc.silent);
  cc.silent = {};
  if (st.condition != proto::Condition::Ok || p.disturbers_sent != state(ctx).disturbers_sent) return;
  const auto head = ctx.oracle->model().mailbox_header(p.mailbox);
  if (!head || head->uidvalidity != p.uidvalidity) return;
  for (std::size_t i = 0; i < p.uids.size(); ++i) {
    const auto now = ctx.oracle->model().modseq(p.mailbox, p.uids[i]);
    if (!now || *now == p.modseqs[i] || p.told.count(p.msns[i]) != 0) continue;
    const std::string which = cmd.uid ? "UID " + n(p.uids[i]) : "message " + n(p.msns[i]);
    ctx.rep.report("MOD-7", {index}, {p.sent},
                   "the conditional STORE .SILENT changed " + which + " (mod-sequence " + n(p.modseqs[i]) + " -> " +
                       n(*now) + ", no other command could change it) but sent no untagged FETCH with MODSEQ for it; "
                       "\"An untagged FETCH response MUST be sent, even if the .SILENT suffix is specified, and the "
                       "response MUST include the MODSEQ message data item\" (RFC 4551 §3.2).");
    return;
  }
}

// ---- STA-2: EXAMINE's OK carries [READ-ONLY] (RFC 3501 §6.3.2) ----

void check_examine_code(Ctx& ctx, const proto::Command& cmd, const proto::StatusResponse& st, EventIndex sent,
                        EventIndex index) {
  if (cmd.kind != CommandKind::Examine || st.condition != proto::Condition::Ok) return;
  // A missing code is left alone (hand-written transcripts often omit it); [READ-WRITE] contradicts the MUST.
  if (!st.code || !iequal(st.code->name, "READ-WRITE")) return;
  ctx.rep.report("STA-2", {index}, {sent},
                 "EXAMINE's tagged OK carries [READ-WRITE]; \"The text of the tagged OK response to the EXAMINE command MUST begin with the [READ-ONLY] "
                     "response code\" (RFC 3501 §6.3.2).");
}

// ---- SEQ-11: a FETCH that UID STORE causes carries UID (RFC 3501 §6.4.8) ----

void check_uid_store_fetch(Ctx& ctx, const ClientState& c, const proto::FetchData& f, EventIndex index) {
  const proto::Command* cmd = sole_command(ctx, c);
  if (cmd == nullptr || cmd->kind != CommandKind::Store || !cmd->uid) return;
  const auto* a = std::get_if<proto::StoreArgs>(&cmd->args);
  if (a == nullptr || a->silent || find_att(f, proto::MsgAtt::Kind::Uid) != nullptr) return;
  if (!c.view_usable() || f.number == 0 || f.number > c.view.count()) return;
  const std::uint32_t uid = c.view.entries[f.number - 1].uid;
  if (uid == 0 || !a->set.contains(uid, c.view.max_uid)) return;
  // Another session's flag change in flight may be told here too, as an update not caused by this command.
  const ClientId self = c.id;
  for (const auto& [id, other] : ctx.clients) {
    if (id == self) continue;
    for (const Inflight& g : other.inflight) {
      const CommandKind k = command_at(ctx, g.sent).kind;
      if (k == CommandKind::Store || k == CommandKind::Fetch) return;
    }
  }
  ctx.rep.report("SEQ-11", {index}, {c.inflight.front().sent},
                 "the FETCH for message " + n(f.number) + " (UID " + n(uid) + ", named by the UID STORE in flight) "
                     "lacks the UID item; \"the UID data item MUST be included in any FETCH response caused by a "
                     "UID command, regardless of whether a UID was specified as a message data item\" (RFC 3501 "
                     "§6.4.8; its note: \"applies to the UID FETCH and UID STORE\").");
}

// ---- EXP-5: no untagged EXPUNGE while CLOSE is answered (RFC 3501 §6.4.2) ----

void check_close_expunge(Ctx& ctx, const ClientState& c, EventIndex index) {
  const proto::Command* cmd = sole_command(ctx, c);
  if (cmd == nullptr || cmd->kind != CommandKind::Close) return;
  ctx.rep.report("EXP-5", {index}, {c.inflight.front().sent},
                 "an untagged EXPUNGE arrived while CLOSE was the client's only command in flight (no IDLE, no "
                 "NOTIFY); CLOSE removes the \\Deleted messages silently: \"No untagged EXPUNGE responses are "
                 "sent\" (RFC 3501 §6.4.2).");
}

// ---- CPY-7: NO [TRYCREATE] for a target that does not exist (RFC 3501 §6.3.11, §6.4.7) ----

std::optional<std::string> add_target(const proto::Command& cmd) {
  if (cmd.kind == CommandKind::Append) {
    if (const auto* a = std::get_if<proto::AppendArgs>(&cmd.args)) return a->mailbox;
  }
  if (cmd.kind == CommandKind::Copy || cmd.kind == CommandKind::Move) {
    if (const auto* a = std::get_if<proto::CopyArgs>(&cmd.args)) return a->mailbox;
  }
  return std::nullopt;
}

// A name in the user's personal namespace that no mailbox (nor \Noselect placeholder) has: the user may create
// it (RFC 3501 §6.3.3), so the server cannot be certain it can not be created.
bool surely_creatable_missing(const Ctx& ctx, const ClientState& c, const std::string& name) {
  if (ctx.oracle == nullptr || c.user.empty() || name.empty() || is_shared(name) || iequal(name, "INBOX")) return false;
  if (name.front() == model::delimiter || name.back() == model::delimiter || name.find('*') != std::string::npos ||
      name.find('%') != std::string::npos) {
    return false;
  }
  return !ctx.oracle->model().name_info(c.user, name).exists;
}

void start_trycreate(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto target = add_target(cmd);
  if (!target || !surely_creatable_missing(ctx, c, *target)) return;
  if (any_in_flight(ctx, [](const proto::Command& x) { return changes_names(x.kind); })) return;
  state(ctx).clients[c.id].trycreate = TryCreateProbe{true, index, *target, state(ctx).names_sent};
}

void finish_trycreate(Ctx& ctx, ClientState& c, ClientCodes& cc, const proto::Command& cmd,
                      const proto::StatusResponse& st, EventIndex index) {
  const TryCreateProbe p = std::move(cc.trycreate);
  cc.trycreate = {};
  if (st.condition != proto::Condition::No || p.names_sent != state(ctx).names_sent) return;
  // Only a NO that says why is judged: [NONEXISTENT] names the missing mailbox, while a NO without a code may have
  // another reason (a bad message set is checked first, RFC 3501 §6.4.7) and TRYCREATE, NEWNAME... are fine.
  if (!st.code || !iequal(st.code->name, "NONEXISTENT")) return;
  if (!surely_creatable_missing(ctx, c, p.mailbox)) return;
  ctx.rep.report("CPY-7", {index}, {p.sent},
                 std::string(proto::command_name(cmd.kind)) + " to \"" + p.mailbox + "\", which did not exist " +
                     "while the command ran (no CREATE, DELETE or RENAME anywhere) and which " + c.user +
                     " may create, failed without [TRYCREATE]; \"Unless it is certain that the destination mailbox "
                     "can not be created, the server MUST send the response code \"[TRYCREATE]\"\" (RFC 3501 "
                     "§6.3.11, §6.4.7).");
}

// ---- STA-1 for the selected mailbox: STATUS RECENT is the session's \Recent count (RFC 3501 §6.3.10) ----

bool asks_recent(const proto::StatusArgs& a) {
  return std::find(a.items.begin(), a.items.end(), proto::StatusItem::Recent) != a.items.end();
}

// True when the client's server session has been told of every message the store holds in `mailbox`.
bool session_sees_whole_mailbox(const Ctx& ctx, const ClientState& c, const std::string& mailbox) {
  const auto session = ctx.oracle ? ctx.oracle->session_of(c.id) : std::nullopt;
  const auto box = users_mailbox(ctx, c.user, mailbox);
  return session && box && ctx.oracle->model().session_view(*session) == box->uids;
}

void start_recent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* a = std::get_if<proto::StatusArgs>(&cmd.args);
  // A read-only (EXAMINE) session claims no \Recent (RFC 3501 §6.3.2); only a read-write one is judged.
  if (a == nullptr || !asks_recent(*a) || a->mailbox != c.view.mailbox || c.view.read_only) return;
  if (c.notify.active || c.notifies > 0) return;
  if (!view_confirmed(ctx, c) || any_in_flight(ctx, [](const proto::Command& x) { return changes_messages(x.kind); })) {
    return;
  }
  // New messages not yet told to the session are told at the end of this very STATUS, after its data was
  // computed, and the session claims their \Recent then: judged only when nothing is pending at the send.
  if (!session_sees_whole_mailbox(ctx, c, a->mailbox)) return;
  state(ctx).clients[c.id].recent = RecentProbe{true, index, state(ctx).changes_sent};
}

void judge_recent(Ctx& ctx, const ClientState& c, const RecentProbe& p, const proto::StatusData& s,
                  EventIndex index) {
  if (p.changes_sent != state(ctx).changes_sent || s.mailbox != c.view.mailbox || !c.view_usable()) return;
  const auto told = std::find_if(s.items.begin(), s.items.end(),
                                 [](const auto& item) { return item.first == proto::StatusItem::Recent; });
  const auto session = ctx.oracle->session_of(c.id);
  const auto box = users_mailbox(ctx, c.user, s.mailbox);
  if (told == s.items.end() || !session || !box || box->uidvalidity != c.view.uidvalidity) return;
  // Only when the session's view is the whole mailbox (no expunge it was not yet told) is the count unambiguous.
  const auto view = ctx.oracle->model().session_view(*session);
  if (view != box->uids) return;
  std::uint64_t recent = 0;
  for (const auto& [first, last] : ctx.oracle->model().session_recent(*session)) {
    recent += static_cast<std::uint64_t>(std::lower_bound(view.begin(), view.end(), last) -
                                         std::lower_bound(view.begin(), view.end(), first));
  }
  if (told->second == recent) return;
  ctx.rep.report("STA-1", {index}, {p.sent},
                 "STATUS RECENT of the selected mailbox \"" + s.mailbox + "\" answered " + n(told->second) +
                     " but this session holds \\Recent on " + n(recent) + " of its messages (nothing could change "
                     "them meanwhile); RECENT is \"The number of messages with the \\Recent flag set\" (RFC 3501 "
                     "§6.3.10), and \\Recent stays with the session that claimed it (§2.3.2).");
}

// ---- ACC-5: MYRIGHTS of a shared mailbox is the union of the user's and "anyone"'s entries ----

std::string without_virtual(const std::string& rights) {
  std::string out;
  for (char r : rights) {
    if (r != 'c' && r != 'd' && out.find(r) == std::string::npos) out += r;
  }
  std::sort(out.begin(), out.end());
  return out;
}

void start_rights(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args);
  if (cmd.kind != CommandKind::MyRights || a == nullptr || !is_shared(a->mailbox) || ctx.oracle == nullptr) return;
  if (any_in_flight(ctx, [](const proto::Command& x) { return changes_acl_or_name(x.kind); })) return;
  RightsProbe p;
  p.active = true;
  p.sent = index;
  p.mailbox = a->mailbox;
  p.acl_changes_sent = state(ctx).acl_changes_sent;
  state(ctx).clients[c.id].rights = std::move(p);
}

void finish_rights(Ctx& ctx, const ClientState& c, ClientCodes& cc, const proto::StatusResponse& st,
                   EventIndex index) {
  const RightsProbe p = std::move(cc.rights);
  cc.rights = {};
  if (st.condition != proto::Condition::Ok || !p.told || p.acl_changes_sent != state(ctx).acl_changes_sent) return;
  const auto held = acl_rights(ctx, c.user, p.mailbox);
  if (!held || without_virtual(*held) == without_virtual(*p.told)) return;
  ctx.rep.report("ACC-5", {index}, {p.sent},
                 "MYRIGHTS \"" + p.mailbox + "\" told " + c.user + " \"" + *p.told + "\" but the mailbox's ACL "
                     "entries for " + c.user + " and \"anyone\" add up to \"" + *held + "\" (no ACL or name change "
                     "ran meanwhile); the built-in server declares the union of the applicable identifiers' rights "
                     "(RFC 4314 §2 lets a server choose it), and MYRIGHTS \"returns the set of rights that the user "
                     "has\" (§3.5).");
}

// ---- dispatch ----

void codes_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  CodesState& s = state(ctx);
  if (changes_names(cmd.kind)) ++s.names_sent;
  if (changes_messages(cmd.kind)) ++s.changes_sent;
  if (disturbs_modseq(cmd.kind)) ++s.disturbers_sent;
  if (changes_acl_or_name(cmd.kind)) ++s.acl_changes_sent;
  ClientCodes& cc = s.clients[c.id];
  cc.recent = {};  // a STATUS probe holds only while it is the client's sole command
  if (!c.inflight.empty()) cc.silent = {};
  if (cmd.kind == CommandKind::Store) start_silent_store(ctx, c, cmd, index);
  if (add_target(cmd)) start_trycreate(ctx, c, cmd, index);
  if (cmd.kind == CommandKind::Status && c.inflight.empty() && !c.idle) start_recent(ctx, c, cmd, index);
  if (cmd.kind == CommandKind::MyRights) start_rights(ctx, c, cmd, index);
}

// ---- SES-3: unparseable tagged lines ----

void bad_line_sent(Ctx& ctx, const ClientState& c, const Event& e, EventIndex index) {
  if (c.idle || c.auths > 0) return;  // DONE or SASL data, or a line ending IDLE (NTF-1)
  const bool waits_for_line = std::any_of(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) {
    const CommandKind k = command_at(ctx, f.sent).kind;
    return k == CommandKind::Idle || k == CommandKind::Authenticate;
  });
  if (waits_for_line) return;
  const auto bad = bad_line_command(e.bytes);
  if (bad) state(ctx).clients[c.id].bad_lines.push_back(BadLine{bad->tag, index, no_event});
}

// The tagged reply of a bad line: BAD, never OK or NO (RFC 3501 §7.1.3, §7.1.1, §7.1.2). True when `r` was one.
bool bad_line_answered(Ctx& ctx, ClientCodes& cc, const proto::Response& r, const proto::StatusResponse& st,
                       EventIndex index) {
  const auto it = std::find_if(cc.bad_lines.begin(), cc.bad_lines.end(), [&](const BadLine& b) { return b.tag == r.tag; });
  if (it == cc.bad_lines.end()) return false;
  const BadLine line = *it;
  cc.bad_lines.erase(it);
  if (st.condition == proto::Condition::Bad) return true;
  ctx.rep.report("SES-3", {index}, {line.sent},
                 "a line the server cannot parse as a command (" + ctx.rep.line(line.sent) + ") was answered " +
                     (st.condition == proto::Condition::Ok ? "OK" : "NO") + ", not BAD (RFC 3501 §7.1.3: BAD reports "
                     "a protocol-level error in the client's command; the tag indicates the command that caused the "
                     "error; OK and NO are results of a command that was run, §7.1.1, §7.1.2).");
  return true;
}

// ---- NTF-2: what is pending when IDLE starts ----

// The store's mailbox with this UIDVALIDITY (unique across the store), with its UIDs; nullopt when none or two.
std::optional<model::Model::MailboxInfo> mailbox_by_uidvalidity(const Ctx& ctx, std::uint32_t uidvalidity) {
  std::optional<std::string> name;
  for (const auto& h : ctx.oracle->model().mailbox_headers()) {
    if (h.uidvalidity != uidvalidity) continue;
    if (name) return std::nullopt;
    name = h.name;
  }
  if (!name) return std::nullopt;
  return ctx.oracle->model().mailbox(*name);
}

// IDLE's "+" arrived (the tracker has not seen it yet): the messages the store holds in the client's mailbox
// above every UID it was told are owed within the NOTIFY bound, wherever they were committed before the IDLE
// started or while it ran (RFC 2177 §3: once "+" is sent the server is free to send EXISTS at any time; RFC
// 3501 §5.2; the lab's NTF-2 bound). Only for a plain IDLE (or a NOTIFY set with immediate SELECTED MessageNew,
// RFC 5465 §5.2), a view whose UIDs are all known, and no SELECT or NOTIFY in flight.
void idle_started(Ctx& ctx, const ClientState& c, EventIndex index) {
  if (ctx.oracle == nullptr || c.idle || c.inflight.empty() || !c.connected || c.bye) return;
  if (command_at(ctx, c.inflight.back().sent).kind != CommandKind::Idle) return;
  const bool immediate_new = c.notify.selected_new && !c.notify.delayed;
  if (!c.view_usable() || !c.view.fully_known() || c.notifies > 0 || (c.notify.used && !immediate_new)) return;
  const auto info = mailbox_by_uidvalidity(ctx, c.view.uidvalidity);
  if (!info) return;
  const auto first = std::upper_bound(info->uids.begin(), info->uids.end(), c.view.max_uid);
  if (first == info->uids.end() || info->uids.back() - *first >= idle_owed_uids_max) return;
  // The tracker bumps the watch epoch at this "+" (on_continuation): the obligation belongs to the new one.
  Obligation ob{c.id, c.watch_epoch + 1, index, index, ctx.log[index].time_us + ctx.options.notify_bound_us,
                c.view.uidvalidity, *first, info->uids.back()};
  ctx.cross.obligations.push_back(ob);
}

void codes_untagged(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  ClientCodes& cc = state(ctx).clients[c.id];
  if (const auto* st = std::get_if<proto::StatusResponse>(&r.body); st != nullptr && st->condition == proto::Condition::Bad) {
    for (BadLine& b : cc.bad_lines) {
      if (b.untagged_bad == no_event) {
        b.untagged_bad = index;
        break;
      }
    }
  }
  if (const auto* f = std::get_if<proto::FetchData>(&r.body)) {
    if (cc.silent.active && find_att(*f, proto::MsgAtt::Kind::ModSeq) != nullptr) cc.silent.told.insert(f->number);
    check_uid_store_fetch(ctx, c, *f, index);
  } else if (const auto* nd = std::get_if<proto::NumberData>(&r.body)) {
    if (nd->kind == proto::NumberData::Kind::Expunge) check_close_expunge(ctx, c, index);
    if (nd->kind == proto::NumberData::Kind::Expunge) cc.silent = {};  // renumbered: the probe's MSNs are stale
  } else if (std::holds_alternative<proto::VanishedData>(r.body)) {
    check_close_expunge(ctx, c, index);
  } else if (const auto* sd = std::get_if<proto::StatusData>(&r.body)) {
    if (cc.recent.active) judge_recent(ctx, c, cc.recent, *sd, index);
  } else if (const auto* a = std::get_if<proto::AclData>(&r.body)) {
    if (cc.rights.active && a->kind == proto::AclData::Kind::MyRights && a->mailbox == cc.rights.mailbox &&
        !a->rights.empty()) {
      cc.rights.told = a->rights.front();
    }
  }
}

void codes_completed(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  const auto it = std::find_if(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) { return f.tag == r.tag; });
  const auto* st = std::get_if<proto::StatusResponse>(&r.body);
  if (st == nullptr) return;
  ClientCodes& cc = state(ctx).clients[c.id];
  if (it == c.inflight.end()) {
    bad_line_answered(ctx, cc, r, *st, index);
    return;
  }
  const proto::Command& cmd = command_at(ctx, it->sent);
  check_examine_code(ctx, cmd, *st, it->sent, index);
  if (cc.silent.active && cc.silent.sent == it->sent) finish_silent_store(ctx, cc, cmd, *st, index);
  if (cc.trycreate.active && cc.trycreate.sent == it->sent) finish_trycreate(ctx, c, cc, cmd, *st, index);
  if (cc.recent.active && cc.recent.sent == it->sent) cc.recent = {};
  if (cc.rights.active && cc.rights.sent == it->sent) finish_rights(ctx, c, cc, *st, index);
}

}  // namespace

std::optional<std::string> acl_rights(const Ctx& ctx, const std::string& user, const std::string& mailbox) {
  if (ctx.oracle == nullptr || !is_shared(mailbox)) return std::nullopt;
  const auto acl = ctx.oracle->model().acl(mailbox);
  if (!acl) return std::nullopt;
  std::string held;
  for (const char* id : {user.c_str(), "anyone"}) {
    const auto it = acl->find(id);
    if (it == acl->end()) continue;
    for (char r : it->second) {
      if (held.find(r) == std::string::npos) held += r;
    }
  }
  std::sort(held.begin(), held.end());
  return held;
}

void codes_observe(Ctx& ctx, ClientState& c, EventIndex index) {
  const Event& e = ctx.log[index];
  switch (e.dir) {
    case Event::Dir::Sent:
      if (e.command) codes_sent(ctx, c, *e.command, index);
      else if (e.raw_line) bad_line_sent(ctx, c, e, index);
      break;
    case Event::Dir::Received:
      if (e.response && std::holds_alternative<proto::ContinuationData>(e.response->body)) idle_started(ctx, c, index);
      if (!e.response || std::holds_alternative<proto::ContinuationData>(e.response->body)) break;
      if (e.response->untagged) codes_untagged(ctx, c, *e.response, index);
      else codes_completed(ctx, c, *e.response, index);
      break;
    case Event::Dir::Connected:
    case Event::Dir::Disconnected:
      if (ctx.cross.codes) ctx.cross.codes->clients.erase(c.id);
      break;
  }
}

void check_unanswered_lines(Ctx& ctx) {
  if (!ctx.cross.codes) return;
  for (const auto& [id, cc] : ctx.cross.codes->clients) {
    const auto c = ctx.clients.find(id);
    if (cc.bad_lines.empty() || c == ctx.clients.end() || !c->second.connected || c->second.bye) continue;
    const BadLine& b = cc.bad_lines.front();
    std::vector<EventIndex> offending{b.sent};
    std::string why = "the line " + ctx.rep.line(b.sent) + ", which the server cannot parse as a command, got no "
                      "tagged reply (RFC 3501 §2.2.2; §7.1.3: when tagged, BAD reports a protocol-level error in the "
                      "client's command and the tag indicates the command that caused the error)";
    if (b.untagged_bad != no_event) {
      offending.push_back(b.untagged_bad);
      why += "; an untagged BAD came instead, though the line's tag could be found";
    }
    ctx.rep.report("SES-2", offending, {b.sent},
                   "the run stands still (no work ready, no timer due within the NOTIFY bound), yet " + why + ".");
    return;
  }
}

}  // namespace imaplab::sim::detail
