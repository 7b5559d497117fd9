// [O] rules on what EXPUNGE, UID EXPUNGE and CLOSE removed (EXP-4) and what STORE (UNCHANGEDSINCE) refused
// (MOD-5), judged against the true store only when no other command could have added, removed or re-flagged
// messages between the command's send and its reply (RFC 2180: other sessions' changes in flight excuse all).
#include <algorithm>
#include <iterator>

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
  if (!(cmd.kind == CommandKind::Close && p.read_only)) {  // RFC 3501 §6.4.2: read-only CLOSE removes nothing
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
  if (!extra.empty() && cmd.kind == CommandKind::Close && p.read_only) {
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
  for (const std::uint32_t uid : *named) {
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
  c.cond_store_probe = std::move(p);
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

}  // namespace

void expunge_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (ctx.oracle == nullptr || !c.authenticated) return;
  if (is_expunge(cmd.kind) && !c.expunge_probe.active) start_expunge_probe(ctx, c, cmd, index);
  if (cmd.kind == CommandKind::Store && !c.cond_store_probe.active) start_cond_store_probe(ctx, c, cmd, index);
}

void expunge_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                       const Inflight& f, EventIndex index) {
  if (ctx.oracle == nullptr) return;
  if (c.expunge_probe.active && c.expunge_probe.sent == f.sent) finish_expunge_probe(ctx, c, cmd, st, index);
  if (c.cond_store_probe.active && c.cond_store_probe.sent == f.sent) finish_cond_store_probe(ctx, c, cmd, st, index);
}

}  // namespace imaplab::sim::detail
