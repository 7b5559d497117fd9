// Rights, states, copies and mailbox children: ACC-3 (COPY/APPEND without 'i', EXPUNGE without 'e' fail), ACC-4 (selected-state commands are refused when nothing is
// selected), CPY-5 (COPY keeps flags and INTERNALDATE), MBX-1's second half (DELETE keeps the inferior names)
// and FLG-4's "at least one" half (a new message is \Recent in the next read-write SELECT when no session had
// the mailbox selected read-write meanwhile). Fed every event before the per-client tracker sees it, so a
// tagged reply still finds its command in flight.
#include <algorithm>
#include <cctype>

#include "model/store.hpp"

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {

// A COPY sent with nothing else of its client in flight (CPY-5): the source messages it names, with their flags
// and INTERNALDATE at the send, and whether flags could change anywhere before its reply.
struct CopyProbe {
  EventIndex sent = 0;
  std::vector<std::uint32_t> uids;  // ascending
  std::vector<std::vector<std::string>> flags;  // parallel to uids, as the store had them (sorted)
  std::vector<proto::DateTime> dates;
  bool writers_quiet = false;
  std::uint64_t writers_sent = 0;
};

// A DELETE sent while no other name change was in flight (MBX-1): the inferior names then.
struct DeleteProbe {
  EventIndex sent = 0;
  std::string user, name;  // who deleted which name (it must stay, \Noselect)
  std::vector<std::pair<std::string, std::uint32_t>> children;  // name, UIDVALIDITY
  std::uint64_t names_sent = 0;
};

// FLG-4: messages that arrived in a mailbox while no session could hold it read-write, so the next read-write
// SELECT must see them as \Recent (RFC 3501 §2.3.2, §6.3.1).
struct Unclaimed {
  std::uint32_t uidvalidity = 0, uid = 0;
  std::uint64_t names_sent = 0;  // CrossState::names_sent at the add: a later name change makes it unsure
  EventIndex done = 0;           // the APPEND/COPY's tagged OK
};
struct AddProbe {  // an APPEND/COPY to a mailbox nobody could hold read-write at its send
  EventIndex sent = 0;
  std::string box;  // scoped name
  std::uint64_t selects_sent = 0;
  std::uint64_t names_sent = 0;
};
struct RecentProbe {  // a read-write SELECT sent while nothing else could claim \Recent messages
  EventIndex sent = 0;
  std::string box;
  std::uint64_t selects_sent = 0;
  std::optional<std::uint32_t> recent;  // "* n RECENT"
};

// FLG-4: a client whose connection dropped while it held mailboxes read-write or had a SELECT in flight. Its
// server session lives on until the server has run what it had already received (server/connection.cpp,
// on_peer_closed), and while it does it takes \Recent for new messages there (RFC 3501 §2.3.2: "the first
// session to have been notified"), though the transcript no longer shows it (hunt seed 10111).
struct Lingering {
  std::string user;
  std::vector<std::string> names;  // as the client named them: its read-write view, its SELECTs in flight
};

// ACC-3's STORE half: a STORE sent in a shared mailbox the user had selected after an ACL fact said it lacks the
// right for some flag it names (RFC 4314 §4), with no flag writer in flight: those flags as the store had them.
struct StoreRightsProbe {
  EventIndex sent = 0;
  EventIndex fact_since = 0;
  std::string mailbox, missing;  // the selected name; the rights of "stw" the user lacked
  std::vector<std::uint32_t> uids;
  std::vector<std::vector<std::string>> flags;  // parallel to uids
  std::uint64_t writers_sent = 0;
};

struct ClientAccess {
  EventIndex select_sent = no_event;  // the latest SELECT/EXAMINE (ACC-3: the rights it may have cached)
  EventIndex copyuid = 0;  // the latest untagged OK [COPYUID] (ACC-3: a MOVE that moved something, RFC 6851 §4.3)
  bool unselected = false;  // authenticated with surely nothing selected (ACC-4)
  std::vector<EventIndex> sent_unselected;  // selected-state commands sent then
  std::optional<CopyProbe> copy;
  std::optional<StoreRightsProbe> store;
  std::optional<DeleteProbe> del;
  std::optional<AddProbe> add;
  std::optional<RecentProbe> select;
};

struct AccessState {
  std::map<ClientId, ClientAccess> clients;
  std::uint64_t flag_writers_sent = 0;  // STORE and FETCH commands sent by anyone (CPY-5)
  std::map<std::string, std::uint64_t> selects_sent;  // read-write SELECTs sent, by scoped name (FLG-4)
  std::map<std::string, std::vector<Unclaimed>> unclaimed;  // by scoped name
  std::map<ClientId, Lingering> lingering;  // dropped clients whose server session may still run (FLG-4)
};

namespace {

using proto::CommandKind;

constexpr std::size_t copy_probe_uids_max = 64;    // COPY sets larger than this are not followed (CPY-5)
constexpr std::size_t unclaimed_per_box_max = 256;  // unclaimed \Recent messages followed per mailbox (FLG-4)

AccessState& state(Ctx& ctx) {
  if (!ctx.cross.access) ctx.cross.access = std::make_shared<AccessState>();
  return *ctx.cross.access;
}

std::string n(std::uint64_t v) { return std::to_string(v); }

bool selected_state_only(CommandKind k) {
  switch (k) {
    case CommandKind::Check: case CommandKind::Close: case CommandKind::Expunge: case CommandKind::UidExpunge:
    case CommandKind::Search: case CommandKind::Fetch: case CommandKind::Store: case CommandKind::Copy:
    case CommandKind::Move: case CommandKind::Unselect:
      return true;
    default: return false;
  }
}

bool in_flight(const Ctx& ctx, const ClientState& c, CommandKind kind) {
  return std::any_of(c.inflight.begin(), c.inflight.end(),
                     [&](const Inflight& f) { return ctx.log[f.sent].command->kind == kind; });
}

bool writes_flags(const proto::Command& cmd) { return cmd.kind == CommandKind::Store || cmd.kind == CommandKind::Fetch; }
bool changes_names(const proto::Command& cmd) {
  return cmd.kind == CommandKind::Create || cmd.kind == CommandKind::Delete || cmd.kind == CommandKind::Rename;
}

// ---- ACC-4: selected-state commands in the Authenticated state ----

void acc4_sent(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine) a.unselected = false;
  if (!selected_state_only(cmd.kind) || !a.unselected || !c.authenticated || c.auths > 0) return;
  if (in_flight(ctx, c, CommandKind::Select) || in_flight(ctx, c, CommandKind::Examine)) return;
  a.sent_unselected.push_back(index);
}

void acc4_completed(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd,
                    const proto::StatusResponse& st, const Inflight& f, EventIndex index) {
  const bool ok = st.condition == proto::Condition::Ok;
  const bool others_selecting = std::count_if(c.inflight.begin(), c.inflight.end(), [&](const Inflight& g) {
    const auto k = ctx.log[g.sent].command->kind;
    return k == CommandKind::Select || k == CommandKind::Examine;
  }) > (cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine ? 1 : 0);
  const bool login = cmd.kind == CommandKind::Login || cmd.kind == CommandKind::Authenticate;
  const bool leaves = cmd.kind == CommandKind::Close || cmd.kind == CommandKind::Unselect;
  const bool select_failed = (cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine) && !ok;
  // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected.
  if (((login || leaves) && ok) || select_failed) a.unselected = !others_selecting;
  const auto it = std::find(a.sent_unselected.begin(), a.sent_unselected.end(), f.sent);
  if (it == a.sent_unselected.end()) return;
  a.sent_unselected.erase(it);
  if (!ok) return;
  ctx.rep.report("ACC-4", {index}, {f.sent},
                 std::string(proto::command_name(cmd.kind)) + " was answered OK though no mailbox was selected when "
                 "it was sent (nothing selected since the last CLOSE/UNSELECT, failed SELECT or login); it is valid "
                 "only in the Selected state (RFC 3501 §3.2, §6.4) and must be refused with BAD.");
}

// ---- ACC-3: commands refused without their RFC 4314 §4 right ----

// The right `cmd` needs on `mailbox` that a fact says the user lacked from before its send until now, or 0.
// EXPUNGE is judged only when the SELECT was sent after the fact too: RFC 4314 §5.1.1 lets a server keep the
// rights it had at SELECT.
char missing_right(const Ctx& ctx, const ClientAccess& a, const ClientState& c, const proto::Command& cmd,
                   const Inflight& f, std::string* mailbox) {
  char needed = 0;
  if (const auto* args = std::get_if<proto::CopyArgs>(&cmd.args)) *mailbox = args->mailbox, needed = 'i';
  if (const auto* args = std::get_if<proto::AppendArgs>(&cmd.args)) *mailbox = args->mailbox, needed = 'i';
  if (cmd.kind == CommandKind::Expunge || cmd.kind == CommandKind::UidExpunge) {
    if (!c.view.valid || c.view.read_only) return 0;
    *mailbox = c.view.mailbox, needed = 'e';
  }
  if (needed == 0 || c.user.empty()) return 0;
  const AclFact* fact = acl_fact(ctx, c.user, *mailbox);
  const bool judged = fact != nullptr && fact->rights_known && f.sent > fact->since;
  if (judged && needed == 'e' && (a.select_sent == no_event || a.select_sent <= fact->since)) return 0;
  if (judged && fact->rights.find(needed) == std::string::npos) return needed;
  // MOVE also needs 'e' and 't' on the source, what STORE \Deleted and EXPUNGE need (RFC 6851 §3.3, RFC 4314
  // §4); judged like EXPUNGE, for a SELECT sent after the fact (RFC 4314 §5.1.1).
  // Only a MOVE that moved something (its untagged OK [COPYUID], RFC 6851 §4.3): one that found no message may
  // have answered OK before looking at the rights.
  if (cmd.kind != CommandKind::Move || !c.view.valid || c.view.read_only || a.copyuid <= f.sent) return 0;
  const AclFact* source = acl_fact(ctx, c.user, c.view.mailbox);
  if (source == nullptr || !source->rights_known || f.sent <= source->since) return 0;
  if (a.select_sent == no_event || a.select_sent <= source->since) return 0;
  for (char r : {'e', 't'}) {
    if (source->rights.find(r) == std::string::npos) return *mailbox = c.view.mailbox, r;
  }
  return 0;
}

void acc3_completed(Ctx& ctx, const ClientAccess& a, const ClientState& c, const proto::Command& cmd,
                    const proto::StatusResponse& st, const Inflight& f, EventIndex index) {
  if (st.condition != proto::Condition::Ok) return;
  std::string mailbox;
  const char right = missing_right(ctx, a, c, cmd, f, &mailbox);
  if (right == 0) return;
  const AclFact& fact = *acl_fact(ctx, c.user, mailbox);
  ctx.rep.report("ACC-3", {index}, {fact.cause, fact.since},
                 std::string(proto::command_name(cmd.kind)) + " succeeded on \"" + mailbox + "\" for " + c.user +
                     ", who had no '" + std::string(1, right) + "' right on it from before the command was sent "
                     "until its reply (no ACL or name change in flight); " +
                     (right == 'i'   ? "COPY/APPEND need 'i' on the target, else \"the operation fails\" (RFC 4314 §4)"
                      : cmd.kind == CommandKind::Move
                          ? "MOVE needs 'e' and 't' on the source, as STORE \\Deleted and EXPUNGE do (RFC 6851 §3.3, "
                            "RFC 4314 §4)"
                          : "EXPUNGE needs 'e' on the selected mailbox (RFC 4314 §4)") + ".");
}

// ---- ACC-3's STORE half: flags the user may not change stay as they were ----

char right_for_flag(const std::string& flag) {
  auto is = [&](const char* name) {
    return std::equal(flag.begin(), flag.end(), name, name + std::char_traits<char>::length(name),
                      [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
  };
  if (is("\\Seen")) return 's';
  if (is("\\Deleted")) return 't';
  return 'w';
}

void store_sent(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* args = std::get_if<proto::StoreArgs>(&cmd.args);
  if (cmd.kind != CommandKind::Store || args == nullptr || ctx.oracle == nullptr || c.user.empty()) return;
  if (!c.view_usable() || c.view.read_only || any_in_flight(ctx, writes_flags)) return;
  const AclFact* fact = acl_fact(ctx, c.user, c.view.mailbox);
  if (fact == nullptr || !fact->rights_known || a.select_sent == no_event || a.select_sent <= fact->since) return;
  std::string missing;
  for (char r : {'s', 't', 'w'}) {
    if (fact->rights.find(r) == std::string::npos) missing += r;
  }
  const bool names_one = std::any_of(args->flags.begin(), args->flags.end(), [&](const std::string& f) {
    return missing.find(right_for_flag(f)) != std::string::npos;
  });
  if (missing.empty() || (!names_one && args->mode != proto::StoreMode::Replace)) return;
  const auto session = ctx.oracle->session_of(c.id);
  if (!session) return;
  const auto named = resolve_in_view(args->set, cmd.uid, ctx.oracle->model().session_view(*session));
  if (!named || named->empty() || named->size() > copy_probe_uids_max) return;
  StoreRightsProbe p;
  p.sent = index;
  p.fact_since = fact->since;
  p.mailbox = c.view.mailbox;
  p.missing = missing;
  for (std::uint32_t u : *named) {
    auto flags = ctx.oracle->model().flags(c.view.mailbox, u);
    if (!flags) continue;
    p.uids.push_back(u);
    p.flags.push_back(std::move(*flags));
  }
  p.writers_sent = state(ctx).flag_writers_sent;  // already counts this STORE (access_sent)
  if (!p.uids.empty()) a.store = std::move(p);
}

bool has_flag(const std::vector<std::string>& flags, const std::string& f) {
  return std::find(flags.begin(), flags.end(), f) != flags.end();
}

void store_completed(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  const StoreRightsProbe p = std::move(*a.store);
  a.store.reset();
  const AclFact* fact = acl_fact(ctx, c.user, p.mailbox);
  if (fact == nullptr || fact->since != p.fact_since || state(ctx).flag_writers_sent != p.writers_sent) return;
  const auto& args = std::get<proto::StoreArgs>(cmd.args);
  for (std::size_t i = 0; i < p.uids.size(); ++i) {
    const auto now = ctx.oracle->model().flags(p.mailbox, p.uids[i]);
    if (!now) continue;  // expunged meanwhile
    std::vector<std::string> touched = args.mode == proto::StoreMode::Replace ? p.flags[i] : std::vector<std::string>{};
    touched.insert(touched.end(), args.flags.begin(), args.flags.end());
    touched.insert(touched.end(), now->begin(), now->end());
    for (const std::string& f : touched) {
      const char right = right_for_flag(f);
      if (p.missing.find(right) == std::string::npos || has_flag(p.flags[i], f) == has_flag(*now, f)) continue;
      ctx.rep.report("ACC-3", {index}, {fact->cause, fact->since, p.sent},
                     "STORE " + std::string(has_flag(*now, f) ? "set " : "cleared ") + f + " on UID " + n(p.uids[i]) +
                         " of \"" + p.mailbox + "\" for " + c.user + ", who had no '" + std::string(1, right) +
                         "' right there since before its SELECT (no ACL, name or other flag change in flight); STORE "
                         "MUST check \"t\" for \\Deleted, \"s\" for \\Seen and \"w\" for the other flags (RFC 4314 §4).");
      return;
    }
  }
}

// ---- CPY-5: COPY keeps flags and INTERNALDATE ----

void cpy5_sent(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* args = std::get_if<proto::CopyArgs>(&cmd.args);
  if (cmd.kind != CommandKind::Copy || args == nullptr || ctx.oracle == nullptr) return;
  if (!c.inflight.empty() || c.idle || c.notifies > 0 || c.notify.active || c.bye || !c.view_usable()) return;
  const auto session = ctx.oracle->session_of(c.id);
  const auto info = users_mailbox(ctx, c.user, c.view.mailbox, false);
  if (!session || !info || info->uidvalidity != c.view.uidvalidity || c.view.uidvalidity == 0) return;
  const auto view = ctx.oracle->model().session_view(*session);
  const auto named = resolve_in_view(args->set, cmd.uid, view);
  if (!named || named->empty() || named->size() > copy_probe_uids_max) return;
  CopyProbe p;
  p.sent = index;
  for (std::uint32_t u : *named) {
    auto flags = ctx.oracle->model().flags(c.view.mailbox, u);
    auto date = ctx.oracle->model().internal_date(c.view.mailbox, u);
    if (!flags || !date) continue;
    p.uids.push_back(u);
    p.flags.push_back(std::move(*flags));
    p.dates.push_back(*date);
  }
  p.writers_quiet = !any_in_flight(ctx, writes_flags);
  p.writers_sent = state(ctx).flag_writers_sent;
  if (!p.uids.empty()) a.copy = std::move(p);
}

std::vector<std::uint32_t> expand(const proto::SequenceSet& set) {
  std::vector<std::uint32_t> out;
  for (const auto& r : set.ranges) {
    const std::uint32_t lo = std::min(r.first, r.last), hi = std::max(r.first, r.last);
    if (hi - lo >= copy_probe_uids_max) return {};
    for (std::uint32_t u = lo; u <= hi; ++u) out.push_back(u);
  }
  return out;
}

std::string joined(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& f : flags) out += (out.empty() ? "" : " ") + f;
  return "(" + out + ")";
}

void cpy5_completed(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd,
                    const proto::StatusResponse& st, EventIndex index) {
  const CopyProbe p = std::move(*a.copy);
  a.copy.reset();
  if (st.condition != proto::Condition::Ok || !st.code || st.code->name != "COPYUID" || !st.code->number) return;
  const auto& args = std::get<proto::CopyArgs>(cmd.args);
  // A personal destination of the user holds every right, so no flag is lost to RFC 4314 §4's rights rule.
  const auto dest = users_mailbox(ctx, c.user, args.mailbox, false);
  if (!dest || is_shared(dest->name) || dest->uidvalidity != *st.code->number) return;
  const auto from = expand(st.code->set1), to = expand(st.code->set2);
  if (from.empty() || from.size() != to.size()) return;
  const bool flags_judged = p.writers_quiet && state(ctx).flag_writers_sent == p.writers_sent;
  for (std::size_t i = 0; i < from.size(); ++i) {
    const auto at = std::lower_bound(p.uids.begin(), p.uids.end(), from[i]);
    if (at == p.uids.end() || *at != from[i]) continue;
    const std::size_t k = static_cast<std::size_t>(at - p.uids.begin());
    const auto flags = ctx.oracle->model().flags(args.mailbox, to[i]);
    const auto date = ctx.oracle->model().internal_date(args.mailbox, to[i]);
    std::string what;
    if (flags_judged && flags && *flags != p.flags[k]) {
      what = "flags " + joined(*flags) + " where the source had " + joined(p.flags[k]);
    } else if (date && !(*date == p.dates[k])) {
      what = "another INTERNALDATE than the source's";
    }
    if (what.empty()) continue;
    ctx.rep.report("CPY-5", {index}, {p.sent},
                   "COPY made UID " + n(to[i]) + " of \"" + args.mailbox + "\" from UID " + n(from[i]) +
                       " with " + what + " (no flag change was in flight); the flags and internal date of the "
                       "copies SHOULD be preserved (RFC 3501 §6.4.7).");
    return;
  }
}

// ---- MBX-1: DELETE keeps the inferior names ----

void mbx1_sent(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* args = std::get_if<proto::MailboxArgs>(&cmd.args);
  if (cmd.kind != CommandKind::Delete || args == nullptr || ctx.oracle == nullptr || c.user.empty()) return;
  if (any_in_flight(ctx, changes_names)) return;
  DeleteProbe p;
  p.sent = index;
  p.user = c.user;
  p.name = args->mailbox;
  p.names_sent = ctx.cross.names_sent + 1;  // check_policy counts this DELETE after this hook
  const std::string prefix = args->mailbox + model::delimiter;
  for (const auto& info : ctx.oracle->model().mailbox_headers()) {
    if (info.name.rfind(prefix, 0) != 0 || (!is_shared(info.name) && info.owner != c.user)) continue;
    p.children.emplace_back(info.name, info.uidvalidity);
  }
  if (!p.children.empty()) a.del = std::move(p);
}

void mbx1_completed(Ctx& ctx, ClientAccess& a, const proto::StatusResponse& st, EventIndex index) {
  const DeleteProbe p = std::move(*a.del);
  a.del.reset();
  if (st.condition != proto::Condition::Ok || ctx.cross.names_sent != p.names_sent) return;
  // Looked up by UIDVALIDITY: a plain name resolves as the model's first user sees it, not as this user does.
  std::vector<std::uint32_t> live;
  for (const auto& info : ctx.oracle->model().mailbox_headers()) live.push_back(info.uidvalidity);
  std::sort(live.begin(), live.end());
  for (const auto& [name, uidvalidity] : p.children) {
    if (std::binary_search(live.begin(), live.end(), uidvalidity)) continue;
    ctx.rep.report("MBX-1", {index}, {p.sent},
                   "DELETE of a mailbox also removed its inferior \"" + name + "\", and no other command that "
                   "changes names was in flight; DELETE \"does not remove inferior hierarchical names\" "
                   "(RFC 3501 §6.3.4).");
    return;
  }
  // The name itself stays, as the placeholder of its inferiors.
  const auto name = ctx.oracle->model().name_info(p.user, p.name);
  if (name.exists && name.noselect) return;
  ctx.rep.report("MBX-1", {index}, {p.sent},
                 "DELETE of \"" + p.name + "\", which had inferior names, " +
                     (name.exists ? "left it a selectable mailbox" : "removed the name itself") +
                     ", and no other command that changes names was in flight; such a name \"will acquire the "
                     "\\Noselect name attribute\" and stays (RFC 3501 §6.3.4).");
}

// ---- FLG-4: a new message is \Recent in the next read-write SELECT ----

// A dropped client's server session that still runs (the oracle still knows its connection) and held `name`
// read-write or had a SELECT of it in flight at the drop.
bool lingers(const Ctx& ctx, const std::string& user, const std::string& name) {
  if (!ctx.cross.access || ctx.oracle == nullptr) return false;
  return std::any_of(ctx.cross.access->lingering.begin(), ctx.cross.access->lingering.end(), [&](const auto& kv) {
    const Lingering& l = kv.second;
    return l.user == user && std::find(l.names.begin(), l.names.end(), name) != l.names.end() &&
           ctx.oracle->session_of(kv.first).has_value();
  });
}

// Some session of `user` may hold `name` read-write or be about to: selected there and not yet told the
// CLOSE/SELECT that ended it, or with a SELECT/EXAMINE in flight, or a dropped client's session that lingers.
bool may_be_held(const Ctx& ctx, const std::string& user, const std::string& name) {
  if (lingers(ctx, user, name)) return true;
  return std::any_of(ctx.clients.begin(), ctx.clients.end(), [&](const auto& kv) {
    const ClientState& b = kv.second;
    if (b.user != user) return false;
    if (b.selects > 0 || b.auths > 0 || (b.view.mailbox == name && !b.view.read_only)) return true;
    // A read-write view whose mailbox no longer goes by its name (rename=inplace) may be this one.
    if (b.view.mailbox.empty() || b.view.read_only) return false;
    const auto info = users_mailbox(ctx, b.user, b.view.mailbox, false);
    return !info || info->uidvalidity != b.view.uidvalidity;
  });
}

std::string add_destination(const proto::Command& cmd) {
  if (cmd.kind == CommandKind::Append) {
    if (const auto* a = std::get_if<proto::AppendArgs>(&cmd.args)) return a->mailbox;
  }
  if (cmd.kind == CommandKind::Copy) {
    if (const auto* a = std::get_if<proto::CopyArgs>(&cmd.args)) return a->mailbox;
  }
  return {};
}

void flg4_sent(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  // rename=inplace lets a session hold a mailbox under a name the transcript no longer ties to it (hunt seed
  // 745039 still misjudged with the view check of may_be_held): not judged there.
  if (ctx.oracle == nullptr || c.user.empty() || ctx.options.policy.rename == model::Policy::Rename::Inplace) return;
  AccessState& s = state(ctx);
  if (cmd.kind == CommandKind::Select) {
    const auto* args = std::get_if<proto::MailboxArgs>(&cmd.args);
    if (args == nullptr) return;
    const std::string box = scoped(c, args->mailbox);
    const bool quiet = c.inflight.empty() && !may_be_held(ctx, c.user, args->mailbox) && !is_shared(args->mailbox);
    const std::uint64_t sent = ++s.selects_sent[box];
    if (quiet) a.select = RecentProbe{index, box, sent, std::nullopt};
    // A SELECT that is not judged may still be the one that claims them (hunt seed 751853).
    else s.unclaimed.erase(box);
    return;
  }
  const std::string to = add_destination(cmd);
  if (to.empty() || is_shared(to) || a.add || may_be_held(ctx, c.user, to)) return;
  const std::string box = scoped(c, to);
  a.add = AddProbe{index, box, s.selects_sent[box], ctx.cross.names_sent};
}

void flg4_add_completed(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd,
                        const proto::StatusResponse& st, EventIndex index) {
  const AddProbe p = std::move(*a.add);
  a.add.reset();
  AccessState& s = state(ctx);
  if (st.condition != proto::Condition::Ok || !st.code || !st.code->number || s.selects_sent[p.box] != p.selects_sent) return;
  if (ctx.cross.names_sent != p.names_sent || may_be_held(ctx, c.user, add_destination(cmd))) return;
  const proto::SequenceSet& uids = st.code->name == "APPENDUID" ? st.code->set1 : st.code->set2;
  if (st.code->name != "APPENDUID" && st.code->name != "COPYUID") return;
  auto& list = s.unclaimed[p.box];
  for (std::uint32_t u : expand(uids)) {
    if (list.size() >= unclaimed_per_box_max) break;
    list.push_back(Unclaimed{static_cast<std::uint32_t>(*st.code->number), u, ctx.cross.names_sent, index});
  }
}

void flg4_select_completed(Ctx& ctx, ClientAccess& a, const ClientState& c, const proto::Command& cmd,
                           const proto::StatusResponse& st, EventIndex index) {
  const RecentProbe p = std::move(*a.select);
  a.select.reset();
  AccessState& s = state(ctx);
  const auto it = s.unclaimed.find(p.box);
  if (st.condition != proto::Condition::Ok || it == s.unclaimed.end()) return;
  const std::vector<Unclaimed> list = std::move(it->second);
  s.unclaimed.erase(it);  // this SELECT claimed them, whatever it said
  const bool read_only = st.code && st.code->name == "READ-ONLY";
  if (read_only || s.selects_sent[p.box] != p.selects_sent || !p.recent) return;
  const std::string& name = std::get<proto::MailboxArgs>(cmd.args).mailbox;
  const auto info = users_mailbox(ctx, c.user, name, false);
  if (!info) return;
  std::uint32_t owed = 0;
  EventIndex cause = 0;
  for (const Unclaimed& u : list) {
    if (u.uidvalidity != info->uidvalidity || u.names_sent != ctx.cross.names_sent) continue;
    if (!ctx.oracle->model().flags(name, u.uid)) continue;  // expunged: live now means live at the SELECT
    ++owed;
    cause = u.done;
  }
  if (*p.recent >= owed) return;
  ctx.rep.report("FLG-4", {index}, {cause, p.sent},
                 "SELECT of \"" + name + "\" said " + n(*p.recent) + " RECENT, but " + n(owed) + " messages that "
                 "arrived while no session had it selected read-write (and no SELECT of it was sent since) are "
                 "still there; each is \\Recent in exactly one session, the first to be told of it "
                 "(RFC 3501 §2.3.2), and EXAMINE does not take it (RFC 3501 §6.3.2).");
}

// The drop of a client that held mailboxes read-write or was selecting one: its server session may still take
// \Recent (see Lingering), and a SELECT it had in flight may still claim the unclaimed messages.
void flg4_disconnected(Ctx& ctx, const ClientState& c) {
  if (ctx.oracle == nullptr || !ctx.oracle->session_of(c.id)) return;  // the server has closed it already
  AccessState& s = state(ctx);
  Lingering l{c.user.empty() ? c.pending_user : c.user, {}};
  if (!c.view.mailbox.empty() && !c.view.read_only) l.names.push_back(c.view.mailbox);
  for (const Inflight& f : c.inflight) {
    const proto::Command& cmd = *ctx.log[f.sent].command;
    const auto* args = std::get_if<proto::MailboxArgs>(&cmd.args);
    if (cmd.kind != CommandKind::Select || args == nullptr) continue;
    l.names.push_back(args->mailbox);
    s.unclaimed.erase(l.user.empty() ? scoped(c, args->mailbox) : l.user + '\x1f' + args->mailbox);
  }
  if (!l.names.empty() && !l.user.empty()) s.lingering[c.id] = std::move(l);
}

void flg4_untagged(ClientAccess& a, const proto::Response& r) {
  const auto* d = std::get_if<proto::NumberData>(&r.body);
  if (a.select && d != nullptr && d->kind == proto::NumberData::Kind::Recent) a.select->recent = d->number;
}

void access_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  AccessState& s = state(ctx);
  ClientAccess& a = s.clients[c.id];
  if (writes_flags(cmd)) ++s.flag_writers_sent;
  if (cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine) a.select_sent = index;
  acc4_sent(ctx, a, c, cmd, index);
  if (!a.copy) cpy5_sent(ctx, a, c, cmd, index);
  if (!a.store) store_sent(ctx, a, c, cmd, index);
  if (!a.del) mbx1_sent(ctx, a, c, cmd, index);
  flg4_sent(ctx, a, c, cmd, index);
}

void access_completed(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  const auto it = std::find_if(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) { return f.tag == r.tag; });
  const auto* st = std::get_if<proto::StatusResponse>(&r.body);
  if (it == c.inflight.end() || st == nullptr) return;
  const proto::Command& cmd = *ctx.log[it->sent].command;
  ClientAccess& a = state(ctx).clients[c.id];
  acc4_completed(ctx, a, c, cmd, *st, *it, index);
  acc3_completed(ctx, a, c, cmd, *st, *it, index);
  if (a.copy && a.copy->sent == it->sent) cpy5_completed(ctx, a, c, cmd, *st, index);
  if (a.store && a.store->sent == it->sent) store_completed(ctx, a, c, cmd, index);
  if (a.del && a.del->sent == it->sent) mbx1_completed(ctx, a, *st, index);
  if (a.add && a.add->sent == it->sent) flg4_add_completed(ctx, a, c, cmd, *st, index);
  if (a.select && a.select->sent == it->sent) flg4_select_completed(ctx, a, c, cmd, *st, index);
}

}  // namespace

void access_observe(Ctx& ctx, ClientState& c, EventIndex index) {
  const Event& e = ctx.log[index];
  switch (e.dir) {
    case Event::Dir::Sent:
      if (e.command) access_sent(ctx, c, *e.command, index);
      break;
    case Event::Dir::Received:
      if (!e.response || std::holds_alternative<proto::ContinuationData>(e.response->body)) break;
      if (e.response->untagged) {
        ClientAccess& a = state(ctx).clients[c.id];
        flg4_untagged(a, *e.response);
        const auto* st = std::get_if<proto::StatusResponse>(&e.response->body);
        if (st != nullptr && st->code && st->code->name == "COPYUID") a.copyuid = index;
      }
      else access_completed(ctx, c, *e.response, index);
      break;
    case Event::Dir::Disconnected:
      flg4_disconnected(ctx, c);
      state(ctx).clients.erase(c.id);
      break;
    case Event::Dir::Connected:
      break;
  }
}

}  // namespace imaplab::sim::detail
