// SRC-1, STA-1, STA-2: what SEARCH, STATUS (asked, or LIST RETURN (STATUS)) and SELECT/EXAMINE said about a
// mailbox, compared with the true store at a moment when nothing could have changed it between the server's
// answer and the check (RFC 2180: other sessions' changes in flight excuse any difference, so none may be).
#include <algorithm>
#include <cctype>

#include "sim/check_internal.hpp"
#include "sim/search_eval.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

// Each judgement walks the mailbox once (flags, dates); larger mailboxes are left unjudged.
constexpr std::size_t quiet_messages_max = 4096;
// SRC-2 is judged far more often (beside any other command), so on smaller views only.
constexpr std::size_t fixed_messages_max = 1024;

std::string n(std::uint64_t v) { return std::to_string(v); }

// Commands that may change a mailbox's messages, flags or names. SELECT/EXAMINE/UNSELECT only claim \Recent,
// which none of these rules judges.
bool may_change_store(CommandKind k) {
  return changes_messages(k) && k != CommandKind::Select && k != CommandKind::Examine && k != CommandKind::Unselect;
}

// SELECT claims the unclaimed \Recent messages; EXAMINE must not (RFC 3501 §6.3.2), but a bug that makes it is
// FLG-4's to find, so it counts too.
bool claims_recent(const proto::Command& cmd) {
  return cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine;
}

bool probed(CommandKind k) {
  return k == CommandKind::Search || k == CommandKind::Status || k == CommandKind::List ||
         k == CommandKind::Select || k == CommandKind::Examine;
}

bool change_in_flight(const Ctx& ctx) {
  for (const auto& [id, other] : ctx.clients) {
    for (const Inflight& f : other.inflight) {
      if (ctx.log[f.sent].command && may_change_store(ctx.log[f.sent].command->kind)) return true;
    }
    for (const EventIndex sent : other.orphans) {
      if (ctx.log[sent].command && may_change_store(ctx.log[sent].command->kind)) return true;
    }
  }
  return false;
}

// The probe still stands: it is the client's only command in flight and no change was sent since.
bool still_quiet(const Ctx& ctx, const ClientState& c) {
  return ctx.oracle != nullptr && c.quiet.active && c.inflight.size() == 1 && c.inflight.front().sent == c.quiet.sent &&
         c.quiet.changes_sent == ctx.cross.store_changes_sent && !c.idle && !c.notify.active && c.notifies == 0 &&
         !c.bye;
}

bool seen(const std::vector<std::string>& flags) {
  return std::any_of(flags.begin(), flags.end(), [](const std::string& f) {
    return f.size() == 5 && f[0] == '\\' && std::tolower(static_cast<unsigned char>(f[1])) == 's' &&
           std::tolower(static_cast<unsigned char>(f[2])) == 'e' && std::tolower(static_cast<unsigned char>(f[3])) == 'e' &&
           std::tolower(static_cast<unsigned char>(f[4])) == 'n';
  });
}

// ---- SRC-1 ----

// [C] part: a UID SEARCH answer names UIDs; a number at most the largest UID the client knows must be one of
// its view's (a fully known view is ascending in UID, RFC 3501 §2.3.1.1).
void check_uid_answer(Ctx& ctx, const ClientState& c, const proto::SearchData& s, EventIndex index) {
  const Inflight* search = c.find_inflight(CommandKind::Search, true, ctx.log);
  if (search == nullptr || c.find_inflight(CommandKind::Search, false, ctx.log) != nullptr) return;
  if (!c.view_usable() || !c.view.fully_known()) return;
  const auto& es = c.view.entries;
  for (const std::uint32_t uid : s.numbers) {
    if (uid > c.view.max_uid) continue;
    const auto it = std::lower_bound(es.begin(), es.end(), uid, [](const ViewEntry& e, std::uint32_t u) { return e.uid < u; });
    if (it != es.end() && it->uid == uid) continue;
    ctx.rep.report("SRC-1", {index}, {search->sent},
                   "UID SEARCH returned " + n(uid) + ", which is no UID of the client's view of \"" + c.view.mailbox +
                       "\" (" + n(c.view.count()) + " messages, largest UID told " + n(c.view.max_uid) +
                       "); for UID SEARCH the numbers are unique identifiers (RFC 3501 §7.2.5, §6.4.8).");
    return;
  }
}

// Whether the client was told exactly `uids` (unknown UIDs aside). The server may update its session before it
// writes the EXISTS that tells the client (after the SEARCH data), so the session alone does not say which view
// the answer was computed over.
bool view_is(const View& v, const std::vector<std::uint32_t>& uids) {
  if (v.count() != uids.size()) return false;
  for (std::size_t i = 0; i < uids.size(); ++i) {
    if (v.entries[i].uid != 0 && v.entries[i].uid != uids[i]) return false;
  }
  return true;
}

// The store's messages in the session's view, when that view is the whole mailbox and the client's view is the
// same; empty when not judgeable.
std::vector<SearchCandidate> candidates(const Ctx& ctx, const ClientState& c,
                                        std::vector<std::vector<std::string>>& flags_out) {
  const auto session = ctx.oracle->session_of(c.id);
  if (!session || !c.view_usable() || c.view.uidvalidity == 0) return {};
  const auto info = oracle_mailbox(ctx, c, c.view.mailbox);
  if (!info || info->uidvalidity != c.view.uidvalidity || info->uids.size() > quiet_messages_max) return {};
  if (ctx.oracle->model().session_view(*session) != info->uids || !view_is(c.view, info->uids)) return {};
  // The session's \Recent UID ranges, read from the session (not through the model's search code).
  const auto recent = ctx.oracle->model().session_recent(*session);
  std::vector<SearchCandidate> out;
  flags_out.reserve(info->uids.size());
  for (std::size_t i = 0; i < info->uids.size(); ++i) {
    const std::uint32_t uid = info->uids[i];
    auto flags = ctx.oracle->model().flags(info->name, uid);
    const auto date = ctx.oracle->model().internal_date(info->name, uid);
    const std::string* bytes = ctx.oracle->model().message_bytes(info->uidvalidity, uid);
    const auto modseq = ctx.oracle->model().modseq(info->name, uid);
    if (!flags || !date || bytes == nullptr || !modseq) return {};
    flags_out.push_back(std::move(*flags));
    const bool is_recent = std::any_of(recent.begin(), recent.end(), [&](const auto& r) {
      return uid >= r.first && uid < r.second;
    });
    out.push_back(SearchCandidate{static_cast<std::uint32_t>(i + 1), uid, nullptr, date->date, bytes->size(),
                                  is_recent, *modseq, bytes});
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].flags = &flags_out[i];
  return out;
}

// Strings in SEARCH are read in the CHARSET given, US-ASCII by default (RFC 3501 §6.4.4); the evaluator
// compares ASCII only, which every ASCII-compatible charset named here agrees on.
bool ascii_charset(const proto::SearchArgs& args) {
  if (!args.charset) return true;
  std::string cs = *args.charset;
  for (char& ch : cs) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return cs == "US-ASCII" || cs == "UTF-8";
}

// [O] part: the answer is exactly the matching messages of the store, which nothing changed meanwhile. A
// message the evaluator cannot judge (search_eval.hpp: SearchMatch::Unknown) may be in the answer or not.
void check_search_answer(Ctx& ctx, const ClientState& c, const proto::SearchData& s, EventIndex index) {
  if (!still_quiet(ctx, c)) return;
  const proto::Command* cmd = ctx.log[c.quiet.sent].command ? &*ctx.log[c.quiet.sent].command : nullptr;
  const auto* args = cmd ? std::get_if<proto::SearchArgs>(&cmd->args) : nullptr;
  if (args == nullptr || cmd->kind != CommandKind::Search || !search_evaluable(args->keys)) return;
  if (!ascii_charset(*args)) return;
  std::vector<std::vector<std::string>> flags;
  const std::vector<SearchCandidate> all = candidates(ctx, c, flags);
  if (all.empty()) return;
  const SearchStars stars{static_cast<std::uint32_t>(all.size()), all.back().uid};
  std::vector<std::uint32_t> expected, open;
  for (const auto& m : all) {
    const SearchMatch r = search_match(args->keys, m, stars);
    if (r != SearchMatch::No) (r == SearchMatch::Yes ? expected : open).push_back(cmd->uid ? m.uid : m.msn);
  }
  std::vector<std::uint32_t> got = s.numbers;
  std::sort(got.begin(), got.end());
  got.erase(std::unique(got.begin(), got.end()), got.end());
  std::erase_if(got, [&](std::uint32_t x) { return std::binary_search(open.begin(), open.end(), x); });
  if (got == expected) return;
  std::vector<std::uint32_t> extra, missing;
  std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(), std::back_inserter(extra));
  std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(), std::back_inserter(missing));
  const std::string what = cmd->uid ? "UID " : "message ";
  const std::string detail = !extra.empty() ? "returned " + what + n(extra.front()) + ", which does not match"
                                            : "left out " + what + n(missing.front()) + ", which matches";
  ctx.rep.report("SRC-1", {index}, {c.quiet.sent},
                 std::string(cmd->uid ? "UID SEARCH" : "SEARCH") + " " + detail + " the criteria in the store of \"" +
                     c.view.mailbox + "\" (" + n(got.size()) + " returned, " + n(expected.size()) +
                     " match), and no command that changes messages or flags was in flight; the answer lists the "
                     "messages that match (RFC 3501 §6.4.4, §7.2.5).");
}

// ---- MOD-8 ----

bool uses_modseq(const std::vector<proto::SearchKey>& keys) {
  return std::any_of(keys.begin(), keys.end(), [](const proto::SearchKey& k) {
    return k.kind == proto::SearchKey::Kind::ModSeq || uses_modseq(k.children);
  });
}

// The client's only SEARCH in flight (none when two are: which one answered is unknown).
const Inflight* only_search(const Ctx& ctx, const ClientState& c) {
  const Inflight* found = nullptr;
  for (const Inflight& f : c.inflight) {
    const auto& cmd = ctx.log[f.sent].command;
    if (!cmd || cmd->kind != CommandKind::Search) continue;
    if (found != nullptr) return nullptr;
    found = &f;
  }
  return found;
}

void modseq_mismatch(Ctx& ctx, EventIndex sent, const proto::Command& cmd, const std::string& what, EventIndex index) {
  ctx.rep.report("MOD-8", {index}, {sent},
                 std::string(cmd.uid ? "UID SEARCH" : "SEARCH") + " with a MODSEQ criterion " + what +
                     "; a non-empty result MUST end with the highest mod-sequence of the messages returned, and "
                     "it is omitted when nothing matches (RFC 4551 §3.4, §3.5).");
}

// [C] half: "(MODSEQ n)" is there exactly when the answer names a message. [O] half: n is the highest
// mod-sequence in the store of the messages it names, judged under SRC-1's quiet condition (nothing that may
// change messages or flags, a \Seen-setting FETCH included, was in flight anywhere from the send to the answer).
void check_search_modseq(Ctx& ctx, const ClientState& c, const proto::SearchData& s, EventIndex index) {
  const Inflight* f = only_search(ctx, c);
  if (f == nullptr) return;
  const proto::Command& cmd = *ctx.log[f->sent].command;
  const auto* args = std::get_if<proto::SearchArgs>(&cmd.args);
  if (args == nullptr || !uses_modseq(args->keys)) return;
  if (s.numbers.empty() && s.modseq) {
    return modseq_mismatch(ctx, f->sent, cmd, "found nothing but still said (MODSEQ " + n(*s.modseq) + ")", index);
  }
  if (!s.numbers.empty() && !s.modseq) {
    return modseq_mismatch(ctx, f->sent, cmd, "returned " + n(s.numbers.size()) + " messages without (MODSEQ n)",
                           index);
  }
  if (!s.modseq || !still_quiet(ctx, c) || c.quiet.sent != f->sent) return;
  std::vector<std::vector<std::string>> flags;
  const std::vector<SearchCandidate> all = candidates(ctx, c, flags);
  if (all.empty()) return;
  std::uint64_t highest = 0;
  // Candidates come in message-number order, so both their numbers and their UIDs ascend.
  const auto key = [&](const SearchCandidate& m) { return cmd.uid ? m.uid : m.msn; };
  for (const std::uint32_t x : s.numbers) {
    const auto it = std::lower_bound(all.begin(), all.end(), x,
                                     [&](const SearchCandidate& m, std::uint32_t v) { return key(m) < v; });
    if (it == all.end() || key(*it) != x) return;  // not a message of the view: SRC-1's to judge
    highest = std::max(highest, it->modseq);
  }
  if (highest == *s.modseq) return;
  modseq_mismatch(ctx, f->sent, cmd, "said (MODSEQ " + n(*s.modseq) + ") but the highest mod-sequence of the " +
                                         n(s.numbers.size()) + " messages it returned is " + n(highest) +
                                         " in the store of \"" + c.view.mailbox + "\", and no command that "
                                         "changes messages or flags was in flight", index);
}

// ---- SRC-2 ----

bool reselects(CommandKind k) {
  return k == CommandKind::Select || k == CommandKind::Examine || k == CommandKind::Close ||
         k == CommandKind::Unselect || k == CommandKind::Logout;
}

void fixed_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (c.fixed_search.active && (reselects(cmd.kind) || cmd.kind == CommandKind::Search)) c.fixed_search = {};
  const auto* args = std::get_if<proto::SearchArgs>(&cmd.args);
  if (ctx.oracle == nullptr || cmd.kind != CommandKind::Search || args == nullptr || c.bye) return;
  if (!c.view_usable() || !c.view.fully_known() || c.view.count() == 0 || c.view.uidvalidity == 0) return;
  if (c.view.count() > fixed_messages_max || !search_fixed(args->keys) || !ascii_charset(*args)) return;
  for (const Inflight& f : c.inflight) {
    const auto& other = ctx.log[f.sent].command;
    if (other && (reselects(other->kind) || other->kind == CommandKind::Search)) return;
  }
  FixedSearchProbe p;
  p.active = true;
  p.sent = index;
  p.mailbox = c.view.mailbox;
  p.uidvalidity = c.view.uidvalidity;
  p.uids.reserve(c.view.count());
  for (const ViewEntry& e : c.view.entries) p.uids.push_back(e.uid);
  c.fixed_search = std::move(p);
}

// The store's fixed data of a message (nullopt once it is expunged).
std::optional<SearchCandidate> fixed_candidate(const Ctx& ctx, const model::Model::MailboxInfo& info,
                                               std::uint32_t uid, const std::vector<std::string>& no_flags) {
  if (!std::binary_search(info.uids.begin(), info.uids.end(), uid)) return std::nullopt;
  const auto date = ctx.oracle->model().internal_date(info.name, uid);
  const std::string* bytes = ctx.oracle->model().message_bytes(info.uidvalidity, uid);
  if (!date || bytes == nullptr) return std::nullopt;
  return SearchCandidate{0, uid, &no_flags, date->date, bytes->size(), false, 0, bytes};
}

// [C,O]: a SEARCH whose keys are all fixed for a message (sizes, INTERNALDATE days, UIDs, text, sent dates)
// is judged whatever else ran beside it, message by message against the store: every message it returns that
// the store still holds matches, and every message of the client's view at the send that the store still
// holds at the answer (so it was there when the SEARCH ran, and the session had it: it leaves a view only
// with an EXPUNGE) and matches is returned (RFC 3501 §6.4.4, §7.2.5). A message expunged meanwhile may be in
// the answer or not (RFC 2180 §4.3). For SEARCH (numbers), only with no EXPUNGE/VANISHED since the send, and
// numbers above the view's count (messages not yet told) are left out.
void check_fixed_answer(Ctx& ctx, ClientState& c, const proto::SearchData& s, EventIndex index) {
  if (!c.fixed_search.active) return;
  const FixedSearchProbe p = std::move(c.fixed_search);
  c.fixed_search = {};
  const Inflight* f = only_search(ctx, c);
  if (f == nullptr || f->sent != p.sent || c.bye) return;
  const proto::Command& cmd = *ctx.log[p.sent].command;
  const auto& args = std::get<proto::SearchArgs>(cmd.args);
  if (!cmd.uid && (p.renumbered || !c.view_usable() || c.view.count() < p.uids.size())) return;
  const auto info = oracle_mailbox(ctx, c, p.mailbox);
  if (!info || info->uidvalidity != p.uidvalidity || info->uids.size() > quiet_messages_max) return;
  const std::vector<std::string> no_flags;
  const SearchStars stars{static_cast<std::uint32_t>(p.uids.size()), p.uids.back()};
  std::vector<std::uint32_t> returned;  // as UIDs
  for (const std::uint32_t x : s.numbers) {
    if (cmd.uid) {
      returned.push_back(x);
    } else if (x >= 1 && x <= p.uids.size()) {
      returned.push_back(p.uids[x - 1]);
    }
  }
  std::sort(returned.begin(), returned.end());
  const std::string what = cmd.uid ? "UID SEARCH" : "SEARCH";
  auto report = [&](std::uint32_t uid, const std::string& how) {
    std::string number = "UID " + n(uid);
    if (!cmd.uid) {
      const auto it = std::find(p.uids.begin(), p.uids.end(), uid);
      number = "message " + n(static_cast<std::uint64_t>(it - p.uids.begin()) + 1) + " (" + number + ")";
    }
    ctx.rep.report("SRC-2", {index}, {p.sent},
                   what + " " + how + " " + number + " of \"" + p.mailbox + "\", by keys that never change for a "
                       "message (size, INTERNALDATE, UID, text) and the message is still in the store; the answer "
                       "lists the messages that match (RFC 3501 §6.4.4, §7.2.5).");
  };
  for (const std::uint32_t uid : returned) {
    const auto m = fixed_candidate(ctx, *info, uid, no_flags);
    if (m && search_match(args.keys, *m, stars) == SearchMatch::No) return report(uid, "returned");
  }
  // A message of the view expunged meanwhile: what else an answer leaves out is EXP-3's (RFC 2180 §4.3).
  if (std::any_of(p.uids.begin(), p.uids.end(), [&](std::uint32_t uid) {
        return !std::binary_search(info->uids.begin(), info->uids.end(), uid);
      })) {
    return;
  }
  for (const std::uint32_t uid : p.uids) {
    if (std::binary_search(returned.begin(), returned.end(), uid)) continue;
    const auto m = fixed_candidate(ctx, *info, uid, no_flags);
    if (m && search_match(args.keys, *m, stars) == SearchMatch::Yes) return report(uid, "left out");
  }
}

// ---- STA-1 ----

void status_mismatch(Ctx& ctx, const ClientState& c, const proto::StatusData& s, const char* item, std::uint64_t told,
                     std::uint64_t truth, EventIndex index) {
  ctx.rep.report("STA-1", {index}, {c.quiet.sent},
                 std::string("STATUS \"") + s.mailbox + "\" said " + item + " " + n(told) + " but the store has " +
                     n(truth) + ", and no command that changes messages, flags or names was in flight (RFC 3501 "
                     "§6.3.10).");
}

std::optional<std::uint64_t> unseen_count(const Ctx& ctx, const model::Model::MailboxInfo& info) {
  std::uint64_t count = 0;
  for (const std::uint32_t uid : info.uids) {
    const auto flags = ctx.oracle->model().flags(info.name, uid);
    if (!flags) return std::nullopt;
    if (!seen(*flags)) ++count;
  }
  return count;
}

// STA-1 RECENT of a mailbox the client has not selected: the messages no session has claimed (RFC 3501 §6.3.10
// "The number of messages with the \Recent flag set"; §2.3.2: a read-write SELECT claims them). Judged only
// when no SELECT or EXAMINE, which may move the claim floor, ran anywhere from the send to the answer.
std::optional<std::uint64_t> unclaimed_recent(const Ctx& ctx, const ClientState& c,
                                              const model::Model::MailboxInfo& info, EventIndex index) {
  // A RENAME (rename=inplace) can make the selection this very mailbox under a name the client never used, so
  // only a session with nothing selected (in the client's view and in the oracle's session) is judged.
  const auto session = ctx.oracle->session_of(c.id);
  if (!c.view.mailbox.empty() || !session || !ctx.oracle->model().session_view(*session).empty()) return {};
  if (!c.quiet.selects_quiet || any_in_flight(ctx, claims_recent)) return {};
  for (EventIndex i = c.quiet.sent + 1; i < index; ++i) {
    if (ctx.log[i].command && claims_recent(*ctx.log[i].command)) return {};
  }
  const auto floor = ctx.oracle->model().unclaimed_recent_floor(info.name);
  if (!floor) return {};
  return static_cast<std::uint64_t>(info.uids.end() - std::lower_bound(info.uids.begin(), info.uids.end(), *floor));
}

// ---- STA-2 ----

void select_mismatch(Ctx& ctx, const ClientState& c, const std::string& what, EventIndex index) {
  ctx.rep.report("STA-2", {index}, {c.quiet.sent},
                 "SELECT/EXAMINE \"" + c.view.mailbox + "\" " + what + ", and no command that changes messages, "
                 "flags or names was in flight (RFC 3501 §6.3.1, §7.1).");
}

void check_select(Ctx& ctx, const ClientState& c, EventIndex index) {
  const View& v = c.view;
  const auto info = oracle_mailbox(ctx, c, v.mailbox);
  const auto session = ctx.oracle->session_of(c.id);
  if (!info || !session || info->uids.size() > quiet_messages_max) return;
  // The session's and the client's views are the whole mailbox right after SELECT; when they are not, the store
  // is not the one the server answered from (a canary's oracle may be ahead of its transcript). So EXISTS and
  // UIDVALIDITY are left to SEQ-14 and UID-3; this judges [UIDNEXT] and [UNSEEN].
  if (ctx.oracle->model().session_view(*session) != info->uids || !v.valid || v.count() != info->uids.size() ||
      v.uidvalidity != info->uidvalidity) {
    return;
  }
  if (c.quiet.uidnext && *c.quiet.uidnext != info->uidnext) {
    return select_mismatch(ctx, c, "said [UIDNEXT " + n(*c.quiet.uidnext) + "] but the store's is " +
                                       n(info->uidnext), index);
  }
  if (!c.quiet.unseen) return;
  for (std::size_t i = 0; i < info->uids.size(); ++i) {
    const auto flags = ctx.oracle->model().flags(info->name, info->uids[i]);
    if (!flags) return;
    if (seen(*flags)) continue;
    if (*c.quiet.unseen != i + 1) {
      select_mismatch(ctx, c, "said [UNSEEN " + n(*c.quiet.unseen) + "] but the first message without \\Seen is " +
                                  n(i + 1) + " (UID " + n(info->uids[i]) + ")", index);
    }
    return;
  }
  select_mismatch(ctx, c, "said [UNSEEN " + n(*c.quiet.unseen) + "] but every message has \\Seen", index);
}

}  // namespace

void search_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  c.quiet = {};  // another command of this client: the probe no longer stands alone
  fixed_sent(ctx, c, cmd, index);
  if (may_change_store(cmd.kind)) ++ctx.cross.store_changes_sent;
  if (ctx.oracle == nullptr || !probed(cmd.kind) || !c.authenticated || !c.inflight.empty() || c.idle ||
      c.notify.active || c.notifies > 0 || c.bye || change_in_flight(ctx)) {
    return;
  }
  c.quiet.active = true;
  c.quiet.sent = index;
  c.quiet.changes_sent = ctx.cross.store_changes_sent;
  c.quiet.selects_quiet = !any_in_flight(ctx, claims_recent);
}

void search_data(Ctx& ctx, ClientState& c, const proto::SearchData& s, EventIndex index) {
  check_uid_answer(ctx, c, s, index);
  if (!ctx.rep.stopped()) check_search_answer(ctx, c, s, index);
  if (!ctx.rep.stopped()) check_search_modseq(ctx, c, s, index);
  if (!ctx.rep.stopped()) check_fixed_answer(ctx, c, s, index);
}

void search_status_data(Ctx& ctx, ClientState& c, const proto::StatusData& s, EventIndex index) {
  if (!still_quiet(ctx, c)) return;
  const proto::Command* cmd = ctx.log[c.quiet.sent].command ? &*ctx.log[c.quiet.sent].command : nullptr;
  if (cmd == nullptr || (cmd->kind != CommandKind::Status && cmd->kind != CommandKind::List)) return;
  const auto info = oracle_mailbox(ctx, c, s.mailbox);
  if (!info || info->uids.size() > quiet_messages_max) return;
  for (const auto& [item, value] : s.items) {
    using I = proto::StatusItem;
    std::optional<std::uint64_t> truth;
    const char* name = "";
    switch (item) {
      case I::Messages: truth = info->uids.size(); name = "MESSAGES"; break;
      case I::UidNext: truth = info->uidnext; name = "UIDNEXT"; break;
      case I::UidValidity: truth = info->uidvalidity; name = "UIDVALIDITY"; break;
      case I::Unseen: truth = unseen_count(ctx, *info); name = "UNSEEN"; break;
      case I::Recent: truth = unclaimed_recent(ctx, c, *info, index); name = "RECENT"; break;
      default: break;  // HIGHESTMODSEQ is MOD-1's
    }
    if (truth && *truth != value) return status_mismatch(ctx, c, s, name, value, *truth, index);
  }
}

void search_select_code(ClientState& c, const proto::ResponseCode& code) {
  if (!c.quiet.active || !code.number) return;
  if (code.name == "UNSEEN") c.quiet.unseen = static_cast<std::uint32_t>(*code.number);
  if (code.name == "UIDNEXT") c.quiet.uidnext = static_cast<std::uint32_t>(*code.number);
}

void search_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                      const Inflight& f, EventIndex index) {
  if (c.fixed_search.active && c.fixed_search.sent == f.sent) c.fixed_search = {};
  if (!c.quiet.active || c.quiet.sent != f.sent) return;
  const bool judge = (cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine) &&
                     st.condition == proto::Condition::Ok && ctx.oracle != nullptr && c.inflight.empty() &&
                     c.quiet.changes_sent == ctx.cross.store_changes_sent && !c.bye && c.view.valid;
  if (judge) check_select(ctx, c, index);
  c.quiet = {};
}

}  // namespace imaplab::sim::detail
