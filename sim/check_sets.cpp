// SEQ-16: a FETCH answers every message its sequence set names (RFC 3501 §9 seq-range: "all values between
// these two regardless of order"; "3291:* includes the UID of the last message in the mailbox, even if that
// value is less than 3291"). Judged through the oracle for the client's only command, with nothing told between.
#include <algorithm>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

// Larger views are left unjudged: the probe keeps two bits and a UID per message.
constexpr std::size_t set_probe_messages_max = 4096;

std::string n(std::uint64_t v) { return std::to_string(v); }

bool has_star(const proto::SequenceSet& set) {
  return std::any_of(set.ranges.begin(), set.ranges.end(),
                     [](const auto& r) { return r.first == proto::seq_star || r.last == proto::seq_star; });
}

// The message numbers a sequence set names among `count` (RFC 3501 §9: "*" is the last, a:b = b:a); false
// when it names a number above the count (the server should answer BAD then, and anything goes).
bool owed_by_msn(const proto::SequenceSet& set, std::uint32_t count, std::vector<bool>& owed) {
  for (const auto& r : set.ranges) {
    const std::uint32_t a = r.first == proto::seq_star ? count : r.first;
    const std::uint32_t b = r.last == proto::seq_star ? count : r.last;
    const std::uint32_t lo = std::min(a, b), hi = std::max(a, b);
    if (lo == 0 || hi > count) return false;
    for (std::uint32_t m = lo; m <= hi; ++m) owed[m - 1] = true;
  }
  return true;
}

// The positions of the view's UIDs a UID set names ("*" is the last UID; a:b = b:a; §6.4.8: UIDs not in the
// view are ignored).
void owed_by_uid(const proto::SequenceSet& set, const std::vector<std::uint32_t>& uids, std::vector<bool>& owed) {
  const std::uint32_t star = uids.back();
  for (const auto& r : set.ranges) {
    const std::uint32_t a = r.first == proto::seq_star ? star : r.first;
    const std::uint32_t b = r.last == proto::seq_star ? star : r.last;
    const auto first = std::lower_bound(uids.begin(), uids.end(), std::min(a, b));
    const auto last = std::upper_bound(uids.begin(), uids.end(), std::max(a, b));
    for (auto it = first; it < last; ++it) owed[static_cast<std::size_t>(it - uids.begin())] = true;
  }
}

// The client's view at the send, when the oracle's session has the same numbers (nothing told in between).
std::optional<std::vector<std::uint32_t>> probed_view(const Ctx& ctx, const ClientState& c) {
  if (!c.inflight.empty() || c.idle || c.notifies > 0 || c.notify.active || c.bye) return std::nullopt;
  if (!c.view_usable() || c.view.count() == 0 || c.view.uidvalidity == 0) return std::nullopt;
  if (c.view.count() > set_probe_messages_max) return std::nullopt;
  const auto session = ctx.oracle->session_of(c.id);
  if (!session) return std::nullopt;
  std::vector<std::uint32_t> view = ctx.oracle->model().session_view(*session);
  if (view.size() != c.view.count()) return std::nullopt;
  const auto info = oracle_mailbox(ctx, c, c.view.mailbox);
  if (!info || info->uidvalidity != c.view.uidvalidity) return std::nullopt;
  return view;
}

void report_missing(Ctx& ctx, const SetProbe& p, bool uid, std::size_t i, EventIndex index) {
  ctx.rep.report("SEQ-16", {index}, {p.sent},
                 std::string(uid ? "UID FETCH" : "FETCH") + " answered OK without message " + n(i + 1) + " (UID " +
                     n(p.uids[i]) + "), which its set names in the client's view of \"" + p.mailbox + "\" (" +
                     n(p.uids.size()) + " messages, still in the store); a range covers all values between its "
                     "ends regardless of order, and \"n:*\" includes the last message even when n is larger "
                     "(RFC 3501 §9, §6.4.8).");
}

// ---- SEQ-17 ----

bool reselects(CommandKind k) {
  return k == CommandKind::Select || k == CommandKind::Examine || k == CommandKind::Close ||
         k == CommandKind::Unselect || k == CommandKind::Logout;
}

// Starts the probe of a FETCH / UID FETCH whose set uses "*" (not CHANGEDSINCE, which answers only changed
// messages, RFC 4551 §3.3.1), sent while the client knows a non-empty view and no command that changes the
// selection is in flight. Other commands, IDLE before it and NOTIFY (with or without SELECTED) may be beside it:
// what they could do to "*" shows as an EXISTS, EXPUNGE or VANISHED between the send and the OK, which leaves
// the FETCH unjudged; and a FETCH response they cause can only make it pass.
void last_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::FetchArgs& a, EventIndex index) {
  if (c.last_probe.active) return;  // one at a time: the first such FETCH is judged
  if (a.changed_since || !has_star(a.set) || c.bye || !c.view_usable() || c.view.count() == 0) return;
  if (c.view.uidvalidity == 0) return;
  for (const Inflight& f : c.inflight) {
    if (ctx.log[f.sent].command && reselects(ctx.log[f.sent].command->kind)) return;
  }
  std::uint32_t last_uid = c.view.entries.back().uid;
  if (last_uid == 0 && ctx.oracle != nullptr) {  // not told: the oracle's session, when it has the same count
    const auto session = ctx.oracle->session_of(c.id);
    if (session) {
      const auto view = ctx.oracle->model().session_view(*session);
      if (view.size() == c.view.count()) last_uid = view.back();
    }
  }
  if (last_uid == 0) return;
  (void)cmd;
  LastProbe p;
  p.active = true;
  p.sent = index;
  p.mailbox = c.view.mailbox;
  p.uidvalidity = c.view.uidvalidity;
  p.count = static_cast<std::uint32_t>(c.view.count());
  p.last_uid = last_uid;
  c.last_probe = std::move(p);
}

// At the OK: with no EXISTS, EXPUNGE or VANISHED between the send and the OK, "*" was the client's last message
// when the FETCH ran; if that message is still in the store (so no RFC 2180 §4.1 expunge story applies: a
// message expunged by another session may be answered NO, with NIL data, or not at all), it is owed a FETCH.
void last_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                    const Inflight& f, EventIndex index) {
  if (!c.last_probe.active || c.last_probe.sent != f.sent) return;
  const LastProbe p = std::move(c.last_probe);
  c.last_probe = {};
  if (st.condition != proto::Condition::Ok || p.answered || p.renumbered || p.spoiled || c.bye) return;
  if (!c.view_usable() || c.view.count() != p.count || c.view.mailbox != p.mailbox ||
      c.view.uidvalidity != p.uidvalidity) {
    return;
  }
  if (ctx.oracle == nullptr) return;
  const auto info = oracle_mailbox(ctx, c, p.mailbox);
  if (!info || info->uidvalidity != p.uidvalidity) return;
  if (!std::binary_search(info->uids.begin(), info->uids.end(), p.last_uid)) return;
  ctx.rep.report("SEQ-17", {index}, {p.sent},
                 std::string(cmd.uid ? "UID FETCH" : "FETCH") + " with \"*\" in its set answered OK without a "
                     "FETCH response for message " + n(p.count) + " (UID " + n(p.last_uid) + "), the last of the "
                     "client's view of \"" + p.mailbox + "\" (still in the store), and no EXISTS, EXPUNGE or "
                     "VANISHED came between; \"*\" is the largest number in use and \"n:*\" includes the last "
                     "message even when n is larger (RFC 3501 §9, §6.4.8).");
}

}  // namespace

void sets_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (c.set_probe.active) c.set_probe.spoiled = true;  // another command: the view may change under it
  if (c.last_probe.active && reselects(cmd.kind)) c.last_probe.spoiled = true;
  const auto* a = std::get_if<proto::FetchArgs>(&cmd.args);
  if (cmd.kind == CommandKind::Fetch && a != nullptr) last_sent(ctx, c, cmd, *a, index);
  if (ctx.oracle == nullptr || cmd.kind != CommandKind::Fetch || a == nullptr) return;
  if (a->changed_since) return;  // CHANGEDSINCE answers only the messages changed since (RFC 4551 §3.3.1)
  const auto view = probed_view(ctx, c);
  if (!view) return;
  std::vector<bool> owed(view->size(), false);
  if (cmd.uid) {
    owed_by_uid(a->set, *view, owed);
  } else if (!owed_by_msn(a->set, c.view.count(), owed)) {
    return;
  }
  if (std::none_of(owed.begin(), owed.end(), [](bool b) { return b; })) return;
  SetProbe p;
  p.active = true;
  p.sent = index;
  p.mailbox = c.view.mailbox;
  p.uidvalidity = c.view.uidvalidity;
  p.star = has_star(a->set);
  p.uids = std::move(*view);
  p.owed = std::move(owed);
  p.answered.assign(p.uids.size(), false);
  c.set_probe = std::move(p);
}

void sets_fetch(ClientState& c, std::uint32_t msn) {
  // A number above the count can only be a message the client was not told of (under a NOTIFY set without
  // SELECTED no EXISTS comes): the server took it as "*"; that answers too.
  if (c.last_probe.active && msn >= c.last_probe.count) c.last_probe.answered = true;
  if (c.set_probe.active && msn >= 1 && msn <= c.set_probe.answered.size()) c.set_probe.answered[msn - 1] = true;
}

void sets_renumbered(ClientState& c) {
  c.set_probe.renumbered = true;
  c.last_probe.renumbered = true;
  c.fixed_search.renumbered = true;  // SRC-2 (sim/check_search.cpp)
}

namespace {

void set_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                   const Inflight& f, EventIndex index) {
  if (!c.set_probe.active || c.set_probe.sent != f.sent) return;
  const SetProbe p = std::move(c.set_probe);
  c.set_probe = {};
  if (st.condition != proto::Condition::Ok || p.renumbered || p.spoiled || c.bye) return;
  // New messages told during the command move "*" (a single "*" then names only the new last message).
  if (p.star && (!c.view_usable() || c.view.count() != p.uids.size())) return;
  const auto info = oracle_mailbox(ctx, c, p.mailbox);
  if (!info || info->uidvalidity != p.uidvalidity) return;
  for (std::size_t i = 0; i < p.uids.size(); ++i) {
    if (!p.owed[i] || p.answered[i]) continue;
    // A message expunged meanwhile by another session may go unanswered (RFC 2180 §4.1).
    if (!std::binary_search(info->uids.begin(), info->uids.end(), p.uids[i])) continue;
    return report_missing(ctx, p, cmd.uid, i, index);
  }
}

}  // namespace

// SEQ-16 first: where both apply it names the message.
void sets_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                    const Inflight& f, EventIndex index) {
  set_completed(ctx, c, cmd, st, f, index);
  if (!ctx.rep.stopped()) last_completed(ctx, c, cmd, st, f, index);
}

}  // namespace imaplab::sim::detail
