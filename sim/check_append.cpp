// What APPEND and a \Seen-setting FETCH leave in the store: APP-1 (the appended message has the flags and
// internal date its APPEND gave), FLG-5 (a FETCH that set \Seen says so in FLAGS) and FLG-6 (a read-only session's
// FETCH sets no \Seen). Fed every event before the per-client tracker sees it, so a tagged reply still finds its
// command in flight; judged through the oracle only when no other command could explain what the store shows.
#include <algorithm>
#include <cctype>

#include "model/store.hpp"

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {

// APP-1: an APPEND with a flag list or a date-time, and whether flags could be removed before its reply.
struct AppendProbe {
  EventIndex sent = 0;
  std::string mailbox;                 // as the client named it
  std::vector<std::string> flags;      // the flag list, lower-cased
  std::optional<proto::DateTime> date;
  bool removers_quiet = false;         // no STORE that removes flags was in flight at the send
  std::uint64_t removers_sent = 0;     // AppendState::flag_removers_sent right after the send
};

// FLG-5, FLG-6: a FETCH that may set \Seen (non-PEEK BODY[...], RFC822, RFC822.TEXT) sent alone, with the messages
// it names that lacked \Seen in the store then, and the ones its FETCH responses reported with \Seen.
struct SeenProbe {
  EventIndex sent = 0;
  std::string mailbox;
  std::uint32_t uidvalidity = 0;
  bool read_only = false;                   // the client was told [READ-ONLY] for this selection
  std::vector<std::uint32_t> session_view;  // MSN -> UID at the send
  std::vector<std::uint32_t> unseen;        // named live UIDs without \Seen at the send, ascending
  std::vector<std::uint32_t> told_seen;     // UIDs a FETCH with FLAGS including \Seen reported during it
  bool renumbered = false;                  // an EXPUNGE/VANISHED arrived during it
  std::uint64_t writers_sent = 0;           // AppendState::flag_writers_sent right after the send
  bool peek = false;                        // FLG-7: no item of it sets \Seen (BODY.PEEK[...], RFC822.HEADER)
};

struct ClientAppend {
  std::optional<AppendProbe> append;
  std::optional<SeenProbe> seen;
};

struct AppendState {
  std::map<ClientId, ClientAppend> clients;
  std::uint64_t flag_writers_sent = 0;   // STORE and FETCH commands sent by anyone
  std::uint64_t flag_removers_sent = 0;  // STORE FLAGS / -FLAGS commands sent by anyone
};

namespace {

using proto::CommandKind;

constexpr std::size_t seen_probe_uids_max = 64;          // FETCH sets larger than this are not followed
constexpr std::size_t seen_probe_view_max = 64 * 1024;   // nor FETCHes in views larger than this (messages)

AppendState& state(Ctx& ctx) {
  if (!ctx.cross.append) ctx.cross.append = std::make_shared<AppendState>();
  return *ctx.cross.append;
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool has_flag(const std::vector<std::string>& flags, const std::string& lowered) {
  return std::any_of(flags.begin(), flags.end(), [&](const std::string& f) { return lower(f) == lowered; });
}

std::string n(std::uint64_t v) { return std::to_string(v); }

bool writes_flags(const proto::Command& cmd) { return cmd.kind == CommandKind::Store || cmd.kind == CommandKind::Fetch; }
bool removes_flags(const proto::Command& cmd) {
  const auto* a = std::get_if<proto::StoreArgs>(&cmd.args);
  return cmd.kind == CommandKind::Store && (a == nullptr || a->mode != proto::StoreMode::Add);
}

// RFC 3501 §6.4.5: BODY[section] without .PEEK, RFC822 and RFC822.TEXT set \Seen.
bool sets_seen(const proto::FetchAtt& att) {
  using K = proto::FetchAtt::Kind;
  return (att.kind == K::BodySection && !att.peek) || att.kind == K::Rfc822 || att.kind == K::Rfc822Text;
}

// RFC 3501 §6.4.5: BODY.PEEK[section] and RFC822.HEADER read content without setting \Seen.
bool peeks(const proto::FetchAtt& att) {
  using K = proto::FetchAtt::Kind;
  return (att.kind == K::BodySection && att.peek) || att.kind == K::Rfc822Header;
}

const proto::MsgAtt* find_att(const proto::FetchData& f, proto::MsgAtt::Kind kind) {
  for (const auto& a : f.atts)
    if (a.kind == kind) return &a;
  return nullptr;
}

// ---- APP-1 ----

void app1_sent(Ctx& ctx, ClientAppend& a, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* args = std::get_if<proto::AppendArgs>(&cmd.args);
  if (cmd.kind != CommandKind::Append || args == nullptr || ctx.oracle == nullptr || !c.authenticated || c.bye) return;
  if (!args->date && (!args->flags || args->flags->empty())) return;
  AppendProbe p;
  p.sent = index;
  p.mailbox = args->mailbox;
  for (const auto& f : args->flags.value_or(std::vector<std::string>{})) p.flags.push_back(lower(f));
  p.date = args->date;
  p.removers_quiet = !any_in_flight(ctx, removes_flags);
  p.removers_sent = state(ctx).flag_removers_sent;
  a.append = std::move(p);
}

void app1_completed(Ctx& ctx, ClientAppend& a, const ClientState& c, const proto::StatusResponse& st,
                    EventIndex index) {
  const AppendProbe p = std::move(*a.append);
  a.append.reset();
  if (st.condition != proto::Condition::Ok || !st.code || st.code->name != "APPENDUID" || !st.code->number) return;
  const auto& ranges = st.code->set1.ranges;
  if (ranges.size() != 1 || ranges[0].first != ranges[0].last || ranges[0].first == proto::seq_star) return;
  const std::uint32_t uid = ranges[0].first;
  const auto info = users_mailbox(ctx, c.user, p.mailbox, false);
  if (!info || info->uidvalidity != *st.code->number) return;
  const model::Model& store = ctx.oracle->model();
  // The internal date never changes after the APPEND, so no other command can explain a difference.
  if (p.date) {
    const auto date = store.internal_date(p.mailbox, uid);
    if (date && !(*date == *p.date)) {
      ctx.rep.report("APP-1", {index}, {p.sent},
                     "APPEND to \"" + p.mailbox + "\" made UID " + n(uid) + " with another INTERNALDATE than the "
                     "date-time it gave; if a date-time is specified, the internal date SHOULD be set in the "
                     "resulting message (RFC 3501 §6.3.11).");
      return;
    }
  }
  // A personal mailbox of the user holds every right, so no flag is lost to RFC 4314 §4's rights rule; a flag can
  // go only through a STORE that removes flags, and none could run.
  if (p.flags.empty() || is_shared(info->name) || !p.removers_quiet ||
      state(ctx).flag_removers_sent != p.removers_sent) {
    return;
  }
  const auto flags = store.flags(p.mailbox, uid);
  if (!flags) return;  // expunged meanwhile
  for (const auto& f : p.flags) {
    if (has_flag(*flags, f)) continue;
    ctx.rep.report("APP-1", {index}, {p.sent},
                   "APPEND to \"" + p.mailbox + "\" made UID " + n(uid) + " without the flag " + f + " of its flag "
                   "list (no STORE that removes flags was in flight); if a flag parenthesized list is present, the "
                   "flags SHOULD be set in the resulting message (RFC 3501 §6.3.11).");
    return;
  }
}

// ---- FLG-5, FLG-6 ----

void seen_sent(Ctx& ctx, ClientAppend& a, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* args = std::get_if<proto::FetchArgs>(&cmd.args);
  if (cmd.kind != CommandKind::Fetch || args == nullptr || ctx.oracle == nullptr || !c.authenticated) return;
  const bool sets = std::any_of(args->atts.begin(), args->atts.end(), sets_seen);
  if (!sets && std::none_of(args->atts.begin(), args->atts.end(), peeks)) return;
  // The session's view at the server's execution is the one read here only when nothing else of this client
  // is in flight and nothing is told to it between commands (no IDLE, no NOTIFY).
  if (!c.inflight.empty() || c.idle || c.notifies > 0 || c.notify.active || c.bye || !c.view_usable()) return;
  if (any_in_flight(ctx, writes_flags)) return;
  const auto session = ctx.oracle->session_of(c.id);
  const auto info = users_mailbox(ctx, c.user, c.view.mailbox, false);
  if (!session || !info || info->uidvalidity != c.view.uidvalidity || c.view.uidvalidity == 0) return;
  SeenProbe p;
  p.session_view = ctx.oracle->model().session_view(*session);
  if (p.session_view.size() > seen_probe_view_max) return;
  const auto named = resolve_in_view(args->set, cmd.uid, p.session_view);
  if (!named || named->empty() || named->size() > seen_probe_uids_max) return;
  for (std::uint32_t u : *named) {
    const auto flags = ctx.oracle->model().flags(c.view.mailbox, u);
    if (flags && !has_flag(*flags, "\\seen")) p.unseen.push_back(u);
  }
  if (p.unseen.empty()) return;
  p.sent = index;
  p.mailbox = c.view.mailbox;
  p.uidvalidity = c.view.uidvalidity;
  p.read_only = c.view.read_only;
  p.writers_sent = state(ctx).flag_writers_sent;
  p.peek = !sets;
  a.seen = std::move(p);
}

void seen_fetch(SeenProbe& p, const proto::FetchData& f) {
  const proto::MsgAtt* flags = find_att(f, proto::MsgAtt::Kind::Flags);
  if (flags == nullptr || !has_flag(flags->flags, "\\seen")) return;
  std::uint32_t uid = 0;
  if (const proto::MsgAtt* u = find_att(f, proto::MsgAtt::Kind::Uid)) uid = static_cast<std::uint32_t>(u->number);
  if (uid == 0 && !p.renumbered && f.number >= 1 && f.number <= p.session_view.size()) {
    uid = p.session_view[f.number - 1];
  }
  if (uid != 0) p.told_seen.push_back(uid);
}

void seen_completed(Ctx& ctx, ClientAppend& a, const ClientState& c, const proto::StatusResponse& st,
                    EventIndex index) {
  const SeenProbe p = std::move(*a.seen);
  a.seen.reset();
  if (st.condition != proto::Condition::Ok || state(ctx).flag_writers_sent != p.writers_sent) return;
  const auto info = users_mailbox(ctx, c.user, p.mailbox, false);
  if (!info || info->uidvalidity != p.uidvalidity) return;
  for (std::uint32_t uid : p.unseen) {
    // No other command could set flags meanwhile: \Seen in the store now is this FETCH's doing.
    const auto flags = ctx.oracle->model().flags(p.mailbox, uid);
    const bool told = std::find(p.told_seen.begin(), p.told_seen.end(), uid) != p.told_seen.end();
    if (p.peek && (told || (flags && has_flag(*flags, "\\seen")))) {
      ctx.rep.report("FLG-7", {index}, {p.sent},
                     "this FETCH of only BODY.PEEK[...] / RFC822.HEADER items " +
                         std::string(told ? "reported" : "left") + " \\Seen on UID " + n(uid) + " of \"" + p.mailbox +
                         "\", which lacked it at the send (no other flag change was in flight); BODY.PEEK is an "
                         "alternate form of BODY[<section>] that does not implicitly set the \\Seen flag (RFC 3501 "
                         "§6.4.5).");
      return;
    }
    if (!flags || !has_flag(*flags, "\\seen")) continue;
    if (p.read_only) {
      ctx.rep.report("FLG-6", {index}, {p.sent},
                     "this FETCH set \\Seen on UID " + n(uid) + " of \"" + p.mailbox + "\", which the client "
                     "selected read-only ([READ-ONLY]); no changes to the permanent state of the mailbox, including "
                     "per-user state, are permitted (RFC 3501 §6.3.2).");
      return;
    }
    if (told) continue;
    ctx.rep.report("FLG-5", {index}, {p.sent},
                   "this FETCH set \\Seen on UID " + n(uid) + " of \"" + p.mailbox + "\" (no other flag change was "
                   "in flight) but no FETCH response told FLAGS with \\Seen; when the \\Seen flag is implicitly set "
                   "by a FETCH, the changed flags SHOULD be included in the FETCH responses (RFC 3501 §6.4.5).");
    return;
  }
}

void append_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  AppendState& s = state(ctx);
  if (writes_flags(cmd)) ++s.flag_writers_sent;
  if (removes_flags(cmd)) ++s.flag_removers_sent;
  ClientAppend& a = s.clients[c.id];
  if (!a.append) app1_sent(ctx, a, c, cmd, index);
  if (!a.seen) seen_sent(ctx, a, c, cmd, index);
}

void append_untagged(ClientAppend& a, const proto::Response& r) {
  if (!a.seen) return;
  if (const auto* f = std::get_if<proto::FetchData>(&r.body)) seen_fetch(*a.seen, *f);
  const auto* d = std::get_if<proto::NumberData>(&r.body);
  if ((d != nullptr && d->kind == proto::NumberData::Kind::Expunge) || std::holds_alternative<proto::VanishedData>(r.body)) {
    a.seen->renumbered = true;
  }
}

void append_completed(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  const auto it = std::find_if(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) { return f.tag == r.tag; });
  const auto* st = std::get_if<proto::StatusResponse>(&r.body);
  if (it == c.inflight.end() || st == nullptr) return;
  ClientAppend& a = state(ctx).clients[c.id];
  if (a.append && a.append->sent == it->sent) app1_completed(ctx, a, c, *st, index);
  if (a.seen && a.seen->sent == it->sent && !ctx.rep.stopped()) seen_completed(ctx, a, c, *st, index);
}

}  // namespace

void append_observe(Ctx& ctx, ClientState& c, EventIndex index) {
  const Event& e = ctx.log[index];
  switch (e.dir) {
    case Event::Dir::Sent:
      if (e.command) append_sent(ctx, c, *e.command, index);
      break;
    case Event::Dir::Received:
      if (!e.response || std::holds_alternative<proto::ContinuationData>(e.response->body)) break;
      if (e.response->untagged) {
        if (const auto it = state(ctx).clients.find(c.id); it != state(ctx).clients.end()) {
          append_untagged(it->second, *e.response);
        }
      } else {
        append_completed(ctx, c, *e.response, index);
      }
      break;
    case Event::Dir::Disconnected:
      state(ctx).clients.erase(c.id);
      break;
    case Event::Dir::Connected:
      break;
  }
}

}  // namespace imaplab::sim::detail
