// Cross-client [X] rules, over all transcripts in event order: UIDNEXT, HIGHESTMODSEQ and UIDVALIDITY
// never go back in real-time order (UID-1..UID-4, MOD-1), one session sees a message as \Recent (FLG-4), one
// (mailbox, UIDVALIDITY, UID) is one message (SEQ-10), committed changes reach watchers in time (NTF-2), a name
// under a renamed parent never brings old UIDs back (MBX-4), and nobody is notified of its own change (NTF-10).
#include <algorithm>
#include <cctype>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

std::string n(std::uint64_t v) { return std::to_string(v); }

// "user1:INBOX" for a scoped() name.
std::string shown(std::string mailbox) {
  std::replace(mailbox.begin(), mailbox.end(), '\x1f', ':');
  return mailbox;
}

std::string where(const std::string& mailbox, std::uint32_t uidvalidity) {
  return "\"" + shown(mailbox) + "\" (UIDVALIDITY " + n(uidvalidity) + ")";
}

bool is_recent(const std::string& flag) {
  static constexpr std::string_view recent = "\\recent";
  return flag.size() == recent.size() &&
         std::equal(flag.begin(), flag.end(), recent.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

bool reused(const Ctx& ctx, const std::string& mailbox) {
  const auto it = ctx.cross.name_reused.find(mailbox);
  return it != ctx.cross.name_reused.end() && it->second;
}

// The rule a UID/UIDVALIDITY going back breaks: the name was reused (UID-3), a parent was renamed away so
// this name may have been re-created (MBX-4), or the mailbox simply kept its name (`plain`).
const char* reuse_rule(const Ctx& ctx, const std::string& mailbox, const char* plain) {
  if (reused(ctx, mailbox)) return "UID-3";
  return ancestor_renamed(ctx, mailbox) ? "MBX-4" : plain;
}

void check_recent(Ctx& ctx, const ClientState& c, const MessageKey& key, const proto::FetchData& f,
                  EventIndex index) {
  if (c.view.read_only) return;  // RFC 3501 §6.3.2: EXAMINE does not claim \Recent
  for (const auto& a : f.atts) {
    if (a.kind != proto::MsgAtt::Kind::Flags || std::none_of(a.flags.begin(), a.flags.end(), is_recent)) continue;
    const auto [it, inserted] = ctx.cross.recent.try_emplace(key, CrossState::RecentSeen{c.id, c.connection, index});
    if (!inserted && (it->second.client != c.id || it->second.connection != c.connection)) {
      ctx.rep.report("FLG-4", {index}, {it->second.at},
                     "UID " + n(std::get<2>(key)) + " in " + where(std::get<0>(key), std::get<1>(key)) +
                         " is \\Recent for a second read-write session; only the first session told about a "
                         "message sees it as \\Recent.");
    }
    return;
  }
}

// A FETCH item that says what the message is: its size, or its whole text.
void check_same_content(Ctx& ctx, const MessageKey& key, const proto::FetchData& f, EventIndex index) {
  std::optional<std::uint64_t> size, hash;
  for (const auto& a : f.atts) {
    using K = proto::MsgAtt::Kind;
    if (a.kind == K::Rfc822Size && a.number != 0) size = a.number;  // 0 may be a NIL placeholder (§4.1.3)
    const bool whole = a.kind == K::Rfc822 || (a.kind == K::BodySection && a.section == proto::Section{} &&
                                                !a.origin.has_value());
    if (whole && a.data && !a.data->empty()) {
      hash = fnv1a(*a.data);
      size = a.data->size();
    }
  }
  if (!size && !hash) return;
  auto& seen = ctx.cross.content[key];
  // Written only for a report: most FETCH responses agree with what was seen.
  const auto what = [&] { return "UID " + n(std::get<2>(key)) + " in " + where(std::get<0>(key), std::get<1>(key)); };
  if (size && seen.size && *seen.size != *size) {
    ctx.rep.report("SEQ-10", {index}, {seen.size_at},
                   what() + " is " + n(*size) + " octets here but was " + n(*seen.size) + " octets before: the "
                   "same mailbox, UIDVALIDITY and UID must always name the same message.");
    return;
  }
  if (hash && seen.hash && *seen.hash != *hash) {
    ctx.rep.report("SEQ-10", {index}, {seen.hash_at},
                   what() + " has different content here than before: the same mailbox, UIDVALIDITY and UID "
                   "must always name the same message.");
    return;
  }
  if (size && !seen.size) seen.size = size, seen.size_at = index;
  if (hash && !seen.hash) seen.hash = hash, seen.hash_at = index;
}

}  // namespace

void observe_uidnext(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity, std::uint64_t value,
                     EventIndex start, EventIndex end) {
  MonotoneFloor& floor = ctx.cross.uidnext[{mailbox, uidvalidity}];
  if (const auto* s = floor.before(start); s != nullptr && value < s->value) {
    ctx.rep.report("UID-1", {end}, {s->end},
                   "UIDNEXT of " + where(mailbox, uidvalidity) + " is reported as " + n(value) +
                       ", but an earlier response (complete before this command was sent) showed it is at "
                       "least " + n(s->value) + "; UIDNEXT never decreases.");
  }
  floor.add(end, value);
}

void observe_highestmodseq(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity,
                           std::uint64_t value, EventIndex start, EventIndex end) {
  MonotoneFloor& floor = ctx.cross.highestmodseq[{mailbox, uidvalidity}];
  if (const auto* s = floor.before(start); s != nullptr && value < s->value) {
    ctx.rep.report("MOD-1", {end}, {s->end},
                   "HIGHESTMODSEQ of " + where(mailbox, uidvalidity) + " is reported as " + n(value) +
                       ", lower than " + n(s->value) + " reported before this command was sent.");
  }
  floor.add(end, value);
}

void observe_uidvalidity(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity, EventIndex start,
                         EventIndex end) {
  MonotoneFloor& floor = ctx.cross.uidvalidity[mailbox];
  if (const auto* s = floor.before(start); s != nullptr && uidvalidity < s->value) {
    ctx.rep.report(reuse_rule(ctx, mailbox, "UID-4"), {end}, {s->end},
                   "UIDVALIDITY of \"" + shown(mailbox) + "\" is reported as " + n(uidvalidity) + ", lower than " +
                       n(s->value) + " seen before this command was sent; when UIDs are not kept the UIDVALIDITY "
                       "must increase.");
  }
  floor.add(end, uidvalidity);
}

void observe_assigned_uids(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity,
                           std::uint32_t lowest, std::uint32_t highest, EventIndex start, EventIndex end) {
  MonotoneFloor& floor = ctx.cross.uidnext[{mailbox, uidvalidity}];
  if (const auto* s = floor.before(start); s != nullptr && lowest < s->value) {
    ctx.rep.report(reuse_rule(ctx, mailbox, "UID-2"), {end}, {s->end},
                   "the server assigned UID " + n(lowest) + " in " + where(mailbox, uidvalidity) +
                       ", but before this command was sent UIDNEXT was already " + n(s->value) +
                       " (or that UID was in use): UIDs are assigned ascending and never reused.");
  }
  floor.add(end, static_cast<std::uint64_t>(highest) + 1);
}

void observe_existing_uid(Ctx& ctx, const std::string& mailbox, std::uint32_t uidvalidity,
                          std::uint32_t uid, EventIndex end) {
  ctx.cross.uidnext[{mailbox, uidvalidity}].add(end, static_cast<std::uint64_t>(uid) + 1);
}

void mark_name_reused(Ctx& ctx, const std::string& name) { ctx.cross.name_reused[name] = true; }

void cross_fetch(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& f,
                 EventIndex index) {
  // Most FETCH responses carry only FLAGS/UID without \Recent: build no key for them (per-event cost).
  const bool relevant = std::any_of(f.atts.begin(), f.atts.end(), [](const proto::MsgAtt& a) {
    using K = proto::MsgAtt::Kind;
    return a.kind == K::Rfc822Size || a.kind == K::Rfc822 || a.kind == K::BodySection ||
           (a.kind == K::Flags && std::any_of(a.flags.begin(), a.flags.end(), is_recent));
  });
  if (!relevant) return;
  const MessageKey key{scoped(c, c.view.mailbox), c.view.uidvalidity, uid};
  check_recent(ctx, c, key, f, index);
  check_same_content(ctx, key, f, index);
}

namespace {

// At most this many UIDs of one change are looked up in the store when its NTF-2 deadline passes (count).
constexpr std::uint32_t discharge_lookup_max_count = 256;

// Whether none of the messages a change added is live any more (expunged, moved away, or carried off by a
// RENAME of INBOX) — checked through the oracle when the deadline passes. Then there is nothing left to
// announce: an EXISTS counts the messages present (RFC 3501 §7.3.1), and an EXPUNGE may only name a message
// the client was told of (RFC 3501 §7.4.1), so a server that coalesces "added, then removed" into nothing
// meets RFC 5465 §5.2. Without an oracle (a probe of a real server), or when the UIDs are not known, the
// obligation stands.
bool change_gone(const Ctx& ctx, const Obligation& ob) {
  if (ctx.oracle == nullptr || ob.uid_low == 0 || ob.uid_high < ob.uid_low) return false;
  if (ob.uid_high - ob.uid_low >= discharge_lookup_max_count) return false;
  for (std::uint32_t uid = ob.uid_low;; ++uid) {
    if (ctx.oracle->model().message_bytes(ob.uidvalidity, uid) != nullptr) return false;
    if (uid == ob.uid_high) return true;
  }
}

}  // namespace

void change_committed(Ctx& ctx, const ClientState& author, const std::string& mailbox,
                      std::uint32_t uidvalidity, const proto::SequenceSet& uids, EventIndex sent, EventIndex done) {
  if (uidvalidity == 0) return;
  const std::uint64_t deadline = ctx.log[done].time_us + ctx.options.notify_bound_us;
  std::uint32_t low = UINT32_MAX, high = 0;
  for (const auto& range : uids.ranges) {
    low = std::min({low, range.first, range.last});
    high = std::max({high, range.first, range.last});
  }
  if (low == proto::seq_star || uids.ranges.empty()) low = high = 0;  // '*' or nothing: UIDs not known
  for (const auto& [id, w] : ctx.clients) {
    if (id == author.id || !w.connected || w.bye || !w.view_usable() || w.notifies > 0) continue;
    if (scoped(w, w.view.mailbox) != scoped(author, mailbox) || w.view.uidvalidity != uidvalidity || w.view.selected_at >= sent) continue;
    const bool immediate_new = w.notify.selected_new && !w.notify.delayed;
    const bool idle_watch = w.idling() && w.idle_since < sent && (!w.notify.used || immediate_new);
    const bool notify_watch = w.notify.active && immediate_new && w.notify.set_at < sent;
    if (!idle_watch && !notify_watch) continue;
    ctx.cross.obligations.push_back(Obligation{id, w.watch_epoch, sent, done, deadline, uidvalidity, low, high});
  }
}

void check_deadlines(Ctx& ctx, std::uint64_t now_us) {
  follow_expunge_notices(ctx);
  check_names_due(ctx, now_us);
  auto& obs = ctx.cross.obligations;
  while (!obs.empty() && obs.front().deadline_us < now_us && !ctx.rep.stopped()) {
    const Obligation ob = obs.front();
    obs.pop_front();
    const auto it = ctx.clients.find(ob.watcher);
    if (it == ctx.clients.end()) continue;
    const ClientState& w = it->second;
    if (w.watch_epoch != ob.watch_epoch) continue;  // it stopped watching; pending updates follow its command
    if (ob.flag_uid != 0) {
      if (!idle_flags_still_owed(ctx, w, ob)) continue;
      ctx.rep.report("NTF-2", {ob.change_done}, {ob.change_sent, w.idle_since},
                     "client " + n(w.id) + " idles in \"" + w.view.mailbox + "\" (plain IDLE) but was not sent "
                     "the FETCH FLAGS for UID " + n(ob.flag_uid) + ", whose flags another session changed here, "
                     "within " + n(ctx.options.notify_bound_us) + " us of virtual time (RFC 2177 §3: the "
                     "client is told of mailbox updates while idling; RFC 3501 §7.4.2).");
      continue;
    }
    if (w.last_exists != no_event && w.last_exists > ob.change_sent) continue;
    if (change_gone(ctx, ob)) continue;  // the new messages left before the push: nothing is owed
    const EventIndex since = w.idle ? w.idle_since : w.notify.set_at;
    ctx.rep.report("NTF-2", {ob.change_done}, {ob.change_sent, since},
                   "client " + n(w.id) + " watches \"" + w.view.mailbox + "\" (IDLE or NOTIFY MessageNew) but "
                   "was not told of the new message committed here within " +
                   n(ctx.options.notify_bound_us) + " us of virtual time.");
  }
  check_expunge_dues(ctx, now_us);
}

}  // namespace imaplab::sim::detail

namespace imaplab::sim::detail {

bool ancestor_renamed(const Ctx& ctx, const std::string& name) {
  for (auto pos = name.find('/'); pos != std::string::npos; pos = name.find('/', pos + 1)) {
    const auto it = ctx.cross.parent_renamed.find(name.substr(0, pos));
    if (it != ctx.cross.parent_renamed.end() && it->second) return true;
  }
  return false;
}

void mark_renamed_away(Ctx& ctx, const std::string& name) { ctx.cross.parent_renamed[name] = true; }

// NTF-10 (RFC 5465 §5.2, §5.3): an unsolicited FETCH after the client's last NOOP/CHECK, while it changed the
// mailbox itself and no other client could have changed anything since before that NOOP ran.
void check_own_change(Ctx& ctx, const ClientState& c, EventIndex index) {
  if (c.synced_sent == no_event || c.own_change_sent == no_event || c.own_change_sent > index) return;
  for (const auto& [id, d] : ctx.clients) {
    if (id == c.id) continue;
    if (d.change_lost || d.last_change_done > c.synced_sent) return;
    for (const Inflight& f : d.inflight) {
      if (changes_messages(ctx.log[f.sent].command->kind)) return;
    }
  }
  ctx.rep.report("NTF-10", {index}, {c.own_change_sent, c.synced_sent},
                 "client " + n(c.id) + " was notified with an unsolicited FETCH although only its own command "
                 "changed anything since its NOOP/CHECK reported the earlier changes; a client is not notified "
                 "about changes it caused itself.");
}

}  // namespace imaplab::sim::detail
