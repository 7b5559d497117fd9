// The per-client tracker and the client-local [C] rules: follows what one client sent and was told (commands
// in flight, IDLE, the selected mailbox's view, NOTIFY set, CONDSTORE) and checks each response against it.
// It also feeds the cross-client [X] and white-box [O] rules with what the client learned.
#include <algorithm>
#include <cctype>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

// SEQ-6: how far to look for the nearest known UID on each side; beyond that the order is not checked.
constexpr std::size_t neighbour_scan_max = 64;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string n(std::uint64_t v) { return std::to_string(v); }

const proto::Command& command_at(const Ctx& ctx, EventIndex index) { return *ctx.log[index].command; }

// RFC 4551 §3: the commands that make a client CONDSTORE-aware.
bool search_uses_modseq(const std::vector<proto::SearchKey>& keys) {
  return std::any_of(keys.begin(), keys.end(), [](const proto::SearchKey& k) {
    return k.kind == proto::SearchKey::Kind::ModSeq || search_uses_modseq(k.children);
  });
}

bool enables_condstore(const proto::Command& cmd) {
  if (const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args)) return m->condstore;
  if (const auto* e = std::get_if<proto::EnableArgs>(&cmd.args)) {
    return std::any_of(e->capabilities.begin(), e->capabilities.end(),
                       [](const std::string& c) { return c == "CONDSTORE" || c == "QRESYNC"; });
  }
  if (const auto* f = std::get_if<proto::FetchArgs>(&cmd.args)) {
    return f->changed_since.has_value() ||
           std::any_of(f->atts.begin(), f->atts.end(),
                       [](const proto::FetchAtt& a) { return a.kind == proto::FetchAtt::Kind::ModSeq; });
  }
  if (const auto* s = std::get_if<proto::StoreArgs>(&cmd.args)) return s->unchanged_since.has_value();
  if (const auto* s = std::get_if<proto::SearchArgs>(&cmd.args)) return search_uses_modseq(s->keys);
  if (const auto* n = std::get_if<proto::NotifyArgs>(&cmd.args)) {
    for (const auto& g : n->groups) {
      if (!g.events) continue;
      for (const auto& e : *g.events) {
        if (std::any_of(e.fetch_atts.begin(), e.fetch_atts.end(),
                        [](const proto::FetchAtt& a) { return a.kind == proto::FetchAtt::Kind::ModSeq; })) {
          return true;
        }
      }
    }
  }
  if (const auto* s = std::get_if<proto::StatusArgs>(&cmd.args)) {
    return std::find(s->items.begin(), s->items.end(), proto::StatusItem::HighestModSeq) != s->items.end();
  }
  return false;
}

// Whether a UID set names some UID of a fully known view (sorted by SEQ-6). A range with `*` always does.
bool set_hits_view(const proto::SequenceSet& set, const View& view) {
  for (const auto& r : set.ranges) {
    if (r.first == proto::seq_star || r.last == proto::seq_star) return true;
    const std::uint32_t lo = std::min(r.first, r.last), hi = std::max(r.first, r.last);
    auto it = std::lower_bound(view.entries.begin(), view.entries.end(), lo,
                               [](const ViewEntry& e, std::uint32_t u) { return e.uid < u; });
    if (it != view.entries.end() && it->uid <= hi) return true;
  }
  return false;
}

bool allowed_unauthenticated(CommandKind k) {
  return k == CommandKind::Capability || k == CommandKind::Noop || k == CommandKind::Logout ||
         k == CommandKind::StartTls || k == CommandKind::Authenticate || k == CommandKind::Login;
}

// SEQ-12: commands whose result depends on an earlier pipelined STORE.
bool depends_on_store(CommandKind k) {
  return k == CommandKind::Expunge || k == CommandKind::UidExpunge || k == CommandKind::Close ||
         k == CommandKind::Move || k == CommandKind::Copy || k == CommandKind::Fetch ||
         k == CommandKind::Search || k == CommandKind::Store;
}

// The authentication identity of SASL PLAIN ("authzid NUL authcid NUL password", RFC 4616), base64.
std::string plain_user(const std::string& base64) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : base64) {
    const auto pos = alphabet.find(ch);
    if (pos == std::string_view::npos) break;  // '=' padding or junk ends the data
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  const auto first = bytes.find('\0');
  if (first == std::string::npos) return {};
  const auto second = bytes.find('\0', first + 1);
  return second == std::string::npos ? std::string() : bytes.substr(first + 1, second - first - 1);
}

void reset_session(ClientState& c) {
  c.session = {};
  c.authenticated = false;
  c.bye = false;
  c.inflight.clear();
  c.seq_sensitive = c.selects = c.notifies = c.auths = 0;
  c.idle = c.idle_done_sent = false;
  c.idle_since = no_event;
  c.view.reset();
  c.select_progress = {};
  c.condstore = false;
  c.condstore_told = false;
  c.notify = {};
  c.last_completed_sent = 0;
  c.probe = {};
  c.name_probe = {};
  c.delete_probe = {};
  c.lookup_probe = {};
  c.rename_probe = {};
  c.store_probe = {};
  c.snapshot = {};
  c.quiet = {};
  c.flags_due.clear();
  c.keywords = {};
  c.synced_sent = c.own_change_sent = no_event;
  ++c.watch_epoch;
}

// The lower bound of when the server produced a response: after it read the last command answered.
EventIndex produced_after(const ClientState& c) { return c.last_completed_sent; }

// ---- untagged responses -------------------------------------------------------------------------------

bool unsolicited_moment(const ClientState& c) { return (c.inflight.empty() || c.idling()) && c.notifies == 0; }

// SEQ-1 / SEQ-2 (MOD-4 for VANISHED): when may an expunge be reported?
void check_expunge_timing(Ctx& ctx, const ClientState& c, const proto::Response& r, EventIndex index,
                          bool vanished) {
  if (c.notifies > 0) return;  // the old and the new NOTIFY set may both apply
  if (c.inflight.empty() || c.idling()) {
    check_unsolicited(ctx, c, r, index);
    return;
  }
  if (c.seq_sensitive == 0 || (c.notify.active && c.notify.selected_expunge && !c.notify.delayed)) return;
  const auto it = std::find_if(c.inflight.begin(), c.inflight.end(), [](const Inflight& f) {
    return f.seq_sensitive;
  });
  ctx.rep.report(vanished ? "MOD-4" : "SEQ-2", {index}, {it->sent},
                 std::string(vanished ? "VANISHED" : "EXPUNGE") +
                     " arrived while a FETCH, STORE or SEARCH by message number was still unanswered; the "
                     "client cannot know whether that command's numbers were read before or after the "
                     "renumbering.");
}

void on_expunge(Ctx& ctx, ClientState& c, const proto::Response& r, std::uint32_t msn, EventIndex index) {
  check_expunge_timing(ctx, c, r, index, false);
  gaps_renumbered(c);
  sets_renumbered(c);
  if (c.selects > 0) {
    c.select_progress.expunge_after_exists = true;
    return;
  }
  if (!c.view.valid) {
    flags_told(c, 0, true);
    return;
  }
  View& v = c.view;
  flags_told(c, msn >= 1 && msn <= v.count() ? v.entries[msn - 1].uid : 0, true);
  if (msn == 0 || msn > v.count()) {
    ctx.rep.report("SEQ-3", {index}, {v.selected_at},
                   "EXPUNGE of message " + n(msn) + " but the client's view has " + n(v.count()) +
                       " messages: the number must lie between 1 and the current count.");
    return;
  }
  if (v.entries[msn - 1].uid == 0) --v.unknown;
  v.entries.erase(v.entries.begin() + (msn - 1));
}

void on_exists(Ctx& ctx, ClientState& c, const proto::Response& r, std::uint32_t count, EventIndex index) {
  c.last_exists = index;
  if (unsolicited_moment(c)) check_unsolicited(ctx, c, r, index);
  if (c.selects > 0) {
    c.select_progress.exists = count;
    c.select_progress.expunge_after_exists = false;
    return;
  }
  if (!c.view.valid) return;
  View& v = c.view;
  if (count < v.count()) {
    ctx.rep.report("SEQ-5", {index}, {v.selected_at},
                   "EXISTS " + n(count) + " lowers the count the client knows (" + n(v.count()) +
                       "); only EXPUNGE may do that.");
    return;
  }
  const std::uint32_t added = count - v.count();
  v.entries.resize(count, ViewEntry{0, v.max_uid, static_cast<std::uint32_t>(index)});
  v.unknown += added;
}

// SEQ-6/SEQ-8: a UID just learned for position `pos` must fit between its known neighbours.
void check_uid_order(Ctx& ctx, const View& v, std::size_t pos, std::uint32_t uid, EventIndex index) {
  const ViewEntry& e = v.entries[pos];
  if (uid <= e.floor) {
    ctx.rep.report("SEQ-8", {index}, {e.cause},
                   "message " + n(pos + 1) + " was announced by an EXISTS when the client already knew UID " +
                       n(e.floor) + ", yet its UID is " + n(uid) + ": a new message needs a higher UID.");
    return;
  }
  for (std::size_t k = 1; k <= neighbour_scan_max && k <= pos; ++k) {
    const ViewEntry& below = v.entries[pos - k];
    if (below.uid == 0) continue;
    if (below.uid >= uid) {
      ctx.rep.report("SEQ-6", {index}, {below.cause},
                     "message " + n(pos + 1) + " has UID " + n(uid) + " but the lower-numbered message " +
                         n(pos + 1 - k) + " has UID " + n(below.uid) + ": numbers must follow UID order.");
      return;
    }
    break;
  }
  for (std::size_t k = 1; k <= neighbour_scan_max && pos + k < v.entries.size(); ++k) {
    const ViewEntry& above = v.entries[pos + k];
    if (above.uid == 0) continue;
    if (above.uid <= uid) {
      ctx.rep.report("SEQ-6", {index}, {above.cause},
                     "message " + n(pos + 1) + " has UID " + n(uid) + " but the higher-numbered message " +
                         n(pos + 1 + k) + " has UID " + n(above.uid) + ": numbers must follow UID order.");
    }
    return;
  }
}

const proto::MsgAtt* find_att(const proto::FetchData& f, proto::MsgAtt::Kind kind) {
  const auto it = std::find_if(f.atts.begin(), f.atts.end(), [&](const proto::MsgAtt& a) { return a.kind == kind; });
  return it == f.atts.end() ? nullptr : &*it;
}

bool carries_content(const proto::FetchData& f) {
  return std::any_of(f.atts.begin(), f.atts.end(), [](const proto::MsgAtt& a) {
    using K = proto::MsgAtt::Kind;
    return a.kind != K::Flags && a.kind != K::Uid && a.kind != K::ModSeq;
  });
}

// The one FETCH / UID FETCH this client has in flight, or null when none or several.
const proto::FetchArgs* sole_fetch(const Ctx& ctx, const ClientState& c, EventIndex& sent) {
  const proto::FetchArgs* found = nullptr;
  for (const Inflight& f : c.inflight) {
    const proto::Command& cmd = command_at(ctx, f.sent);
    if (cmd.kind != CommandKind::Fetch) continue;
    if (found != nullptr) return nullptr;
    found = std::get_if<proto::FetchArgs>(&cmd.args);
    sent = f.sent;
  }
  return found;
}

// MOD-6: FETCH (CHANGEDSINCE n) answers only messages whose mod-sequence is above n (RFC 4551 §3.3.1: "only
// returned for messages that have mod-sequence bigger than"). Only a FETCH carrying message data beyond FLAGS,
// UID and MODSEQ is surely the command's answer (flag updates and NOTIFY events may come meanwhile).
void check_changed_since(Ctx& ctx, const ClientState& c, const proto::FetchData& f, EventIndex index) {
  const proto::MsgAtt* modseq = find_att(f, proto::MsgAtt::Kind::ModSeq);
  if (modseq == nullptr || !carries_content(f) || c.notify.active || c.notifies > 0) return;
  EventIndex sent = 0;
  const proto::FetchArgs* fetch = sole_fetch(ctx, c, sent);
  if (fetch == nullptr || !fetch->changed_since || modseq->number > *fetch->changed_since) return;
  ctx.rep.report("MOD-6", {index}, {sent},
                 "FETCH (CHANGEDSINCE " + n(*fetch->changed_since) + ") answered message " + n(f.number) +
                     " with MODSEQ " + n(modseq->number) + "; only messages whose mod-sequence is bigger than " +
                     n(*fetch->changed_since) + " are returned (RFC 4551 §3.3.1).");
}

// MOD-6 (MODSEQ half): CHANGEDSINCE "implicitly adds MODSEQ FETCH message data item" (RFC 4551 §3.3.1), so a
// FETCH carrying message data beyond FLAGS, UID and MODSEQ (surely the command's answer, as above) has MODSEQ.
void check_changed_since_modseq(Ctx& ctx, const ClientState& c, const proto::FetchData& f, EventIndex index) {
  if (find_att(f, proto::MsgAtt::Kind::ModSeq) != nullptr || !carries_content(f) || c.notify.active ||
      c.notifies > 0) {
    return;
  }
  EventIndex sent = 0;
  const proto::FetchArgs* fetch = sole_fetch(ctx, c, sent);
  if (fetch == nullptr || !fetch->changed_since) return;
  ctx.rep.report("MOD-6", {index}, {sent},
                 "FETCH (CHANGEDSINCE " + n(*fetch->changed_since) + ") answered message " + n(f.number) +
                     " without MODSEQ; the CHANGEDSINCE modifier implicitly adds the MODSEQ message data item "
                     "(RFC 4551 §3.3.1).");
}

// MOD-2 (other half): once the server said ENABLED CONDSTORE or answered OK to another CONDSTORE enabling
// command (on_tagged), a FETCH with FLAGS that is not the answer to this
// client's own FETCH carries MODSEQ (RFC 4551 §3.1: "The server MUST include mod-sequence data in all subsequent
// untagged FETCH responses ... whether they were caused by a regular STORE ... or an external agent"). NOTIFY
// MessageNew FETCHes carry the attributes the client asked for, so a NOTIFY client is not judged.
void check_modseq_included(Ctx& ctx, const ClientState& c, const proto::FetchData& f, EventIndex index) {
  if (!c.condstore_told || c.notify.active || c.notifies > 0) return;
  if (find_att(f, proto::MsgAtt::Kind::Flags) == nullptr || find_att(f, proto::MsgAtt::Kind::ModSeq) != nullptr) return;
  if (c.find_inflight(CommandKind::Fetch, false, ctx.log) != nullptr ||
      c.find_inflight(CommandKind::Fetch, true, ctx.log) != nullptr) {
    return;
  }
  ctx.rep.report("MOD-2", {index}, {},
                 "a FETCH with FLAGS for message " + n(f.number) + " lacks MODSEQ although CONDSTORE was enabled "
                 "on this connection (ENABLED CONDSTORE, or the OK of a CONDSTORE enabling command: FETCH MODSEQ "
                 "or CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ, SELECT/EXAMINE (CONDSTORE)); after that "
                 "the server MUST include mod-sequence data in all untagged FETCH responses (RFC 4551 §3, §3.1, "
                 "RFC 5161 §3.1).");
}

void check_fetch_items(Ctx& ctx, const ClientState& c, const proto::FetchData& f, EventIndex index) {
  if (!c.condstore && find_att(f, proto::MsgAtt::Kind::ModSeq) != nullptr) {
    ctx.rep.report("MOD-2", {index}, {},
                   "the FETCH carries MODSEQ but this client never enabled CONDSTORE (no ENABLE, SELECT "
                   "(CONDSTORE) or other CONDSTORE-enabling command).");
  }
  const Inflight* uid_fetch = c.find_inflight(CommandKind::Fetch, true, ctx.log);
  if (uid_fetch != nullptr && !c.notify.active && c.notifies == 0 &&
      c.find_inflight(CommandKind::Fetch, false, ctx.log) == nullptr &&
      find_att(f, proto::MsgAtt::Kind::Uid) == nullptr && carries_content(f)) {
    ctx.rep.report("SEQ-11", {index}, {uid_fetch->sent},
                   "a FETCH response with message data during UID FETCH lacks the UID item.");
  }
  if (!ctx.rep.stopped()) check_changed_since(ctx, c, f, index);
  if (!ctx.rep.stopped()) check_changed_since_modseq(ctx, c, f, index);
  if (!ctx.rep.stopped()) check_modseq_included(ctx, c, f, index);
}

// FLG-4: \Recent lasts for the session's life (RFC 3501 §2.3.2), so once told for a message in this selection,
// every later FLAGS of it carries \Recent.
void check_recent_kept(Ctx& ctx, ViewEntry& e, const proto::MsgAtt& flags, EventIndex index) {
  const bool recent = std::any_of(flags.flags.begin(), flags.flags.end(),
                                  [](const std::string& x) { return iequals(x, "\\Recent"); });
  if (recent) {
    if (e.recent_told == 0) e.recent_told = static_cast<std::uint32_t>(index);
    return;
  }
  // An empty list may be RFC 2180 §4.1.3's NIL placeholder for a message expunged meanwhile: not judged.
  if (e.recent_told == 0 || flags.flags.empty()) return;
  ctx.rep.report("FLG-4", {index}, {e.recent_told},
                 "the FLAGS of this message lack \\Recent, which an earlier FETCH of this selection told; a message "
                 "is \\Recent for the whole session that was first notified of it (RFC 3501 §2.3.2).");
}

// FLG-8: FLAGS lists "the flags ... that are applicable for this mailbox" (RFC 3501 §7.2.6), so a keyword in
// a FETCH FLAGS that the selection's latest FLAGS list lacks is owed a new FLAGS. Noted here (not while a
// SELECT/EXAMINE or NOTIFY may mix two mailboxes or event sets); judged at the OK of a NOOP/CHECK sent after
// it, which reports every pending update (RFC 3501 §6.1.2, §6.4.1). \-flags (\Recent) need no listing.
void keyword_fetch(ClientState& c, const proto::FetchData& f, EventIndex index) {
  KeywordProbe& k = c.keywords;
  const proto::MsgAtt* flags = find_att(f, proto::MsgAtt::Kind::Flags);
  if (flags == nullptr || !k.known || !k.missing.empty() || c.selects > 0 || c.notify.active || c.notifies > 0) {
    return;
  }
  for (const std::string& flag : flags->flags) {
    if (flag.empty() || flag[0] == '\\') continue;
    if (std::none_of(k.flags.begin(), k.flags.end(), [&](const std::string& x) { return iequals(x, flag); })) {
      k.missing = flag;
      k.fetch = index;
      return;
    }
  }
}

void keyword_flags(ClientState& c, const std::vector<std::string>& flags) {
  KeywordProbe& k = c.keywords;
  k.known = true;
  k.flags = flags;
  if (std::any_of(flags.begin(), flags.end(), [&](const std::string& x) { return iequals(x, k.missing); })) {
    k.missing.clear();
  }
}

void keyword_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const Inflight& f, EventIndex index) {
  KeywordProbe& k = c.keywords;
  if (cmd.kind != CommandKind::Noop && cmd.kind != CommandKind::Check) return;
  if (k.missing.empty() || f.sent < k.fetch || c.selects > 0 || c.notify.active || c.notifies > 0) return;
  ctx.rep.report("FLG-8", {index}, {k.fetch},
                 "a FETCH named the keyword " + k.missing + ", which the latest FLAGS list of this selection lacks, "
                 "and no FLAGS naming it came by the end of a NOOP/CHECK sent after it; FLAGS lists the flags "
                 "applicable for the mailbox (RFC 3501 §7.2.6).");
  k.missing.clear();
}

// SES-4: "The capability listing MUST include the atom \"IMAP4rev1\"" (RFC 3501 §7.2.1), in the CAPABILITY
// response and the CAPABILITY response code alike (§7.1).
void check_capability(Ctx& ctx, const proto::Response& r, EventIndex index) {
  const std::vector<std::string>* atoms = nullptr;
  if (const auto* d = std::get_if<proto::AtomsData>(&r.body); d && d->kind == proto::AtomsData::Kind::Capability) {
    atoms = &d->atoms;
  } else if (const auto* st = std::get_if<proto::StatusResponse>(&r.body);
             st && st->code && iequals(st->code->name, "CAPABILITY")) {
    atoms = &st->code->list;
  }
  if (atoms == nullptr ||
      std::any_of(atoms->begin(), atoms->end(), [](const std::string& a) { return iequals(a, "IMAP4rev1"); })) {
    return;
  }
  ctx.rep.report("SES-4", {index}, {},
                 "the capability listing lacks IMAP4rev1; it MUST include the atom \"IMAP4rev1\" (RFC 3501 "
                 "§7.2.1).");
}

void on_fetch(Ctx& ctx, ClientState& c, const proto::Response& r, const proto::FetchData& f, EventIndex index) {
  keyword_fetch(c, f, index);
  own_change_fetch(ctx, c, f, index);
  own_new_fetch(ctx, c, f, index);
  if (unsolicited_moment(c) && check_unsolicited(ctx, c, r, index) && c.notify.active) {
    check_own_change(ctx, c, index);
  }
  check_fetch_items(ctx, c, f, index);
  store_probe_fetch(c, f.number, f);
  gaps_fetch(c, f.number);
  sets_fetch(c, f.number);
  if (!c.view_usable()) return;
  View& v = c.view;
  if (f.number == 0) {
    ctx.rep.report("SEQ-15", {index}, {}, "FETCH response for message number 0; numbers start at 1.");
    return;
  }
  if (f.number > v.count()) {
    ctx.rep.report("SEQ-4", {index}, {v.selected_at},
                   "FETCH response for message " + n(f.number) + " but the client knows only " + n(v.count()) +
                       " messages; an EXISTS must announce a message before data about it.");
    return;
  }
  ViewEntry& e = v.entries[f.number - 1];
  std::uint32_t uid = e.uid;
  if (const proto::MsgAtt* u = find_att(f, proto::MsgAtt::Kind::Uid)) {
    const auto told = static_cast<std::uint32_t>(u->number);
    if (e.uid != 0 && e.uid != told) {
      ctx.rep.report("SEQ-7", {index}, {e.cause},
                     "message " + n(f.number) + " is reported with UID " + n(told) + " but the client was told UID " +
                         n(e.uid) + " for it and no EXPUNGE renumbered it since.");
      return;
    }
    if (e.uid == 0) {
      check_uid_order(ctx, v, f.number - 1, told, index);
      e.uid = told;
      e.cause = static_cast<std::uint32_t>(index);
      --v.unknown;
      uid = told;
      if (told > v.max_uid) {
        v.max_uid = told;
        if (v.uidvalidity != 0) observe_existing_uid(ctx, scoped(c, v.mailbox), v.uidvalidity, told, index);
      }
    }
  }
  if (uid != 0 && find_att(f, proto::MsgAtt::Kind::Flags) != nullptr) {
    e.flags_told = static_cast<std::uint32_t>(index);
    flags_told(c, uid, false);
  }
  if (const proto::MsgAtt* flags = find_att(f, proto::MsgAtt::Kind::Flags)) check_recent_kept(ctx, e, *flags, index);
  if (uid != 0 && v.uidvalidity != 0) {
    cross_fetch(ctx, c, uid, f, index);
    store_fetch(ctx, c, uid, f, index);
    structure_fetch(ctx, c, uid, f, index);
  }
}

void on_vanished(Ctx& ctx, ClientState& c, const proto::Response& r, const proto::VanishedData& d,
                 EventIndex index) {
  if (d.earlier) return;
  check_expunge_timing(ctx, c, r, index, true);
  gaps_renumbered(c);
  sets_renumbered(c);
  flags_told(c, 0, true);
  if (!c.view_usable()) return;
  if (!c.view.fully_known()) {
    c.view.valid = false;  // which numbers went away is unknowable without the UIDs
    return;
  }
  auto& es = c.view.entries;
  es.erase(std::remove_if(es.begin(), es.end(),
                          [&](const ViewEntry& e) { return d.uids.contains(e.uid, c.view.max_uid); }),
           es.end());
}

void on_search(Ctx& ctx, ClientState& c, const proto::SearchData& s, EventIndex index) {
  policy_search_hits(c, s);
  search_data(ctx, c, s, index);
  const Inflight* search = c.find_inflight(CommandKind::Search, false, ctx.log);
  if (search == nullptr || c.find_inflight(CommandKind::Search, true, ctx.log) != nullptr) return;
  if (!c.view_usable()) return;
  for (std::uint32_t msn : s.numbers) {
    if (msn == 0 || msn > c.view.count()) {
      ctx.rep.report("SEQ-15", {index}, {search->sent},
                     "SEARCH returned message number " + n(msn) + " but the client's view has " +
                         n(c.view.count()) + " messages.");
      return;
    }
  }
}

void on_status_data(Ctx& ctx, ClientState& c, const proto::Response& r, const proto::StatusData& s,
                    EventIndex index) {
  if (c.notifies > 0) check_notify_status(ctx, c, s, index);
  own_change_status(ctx, c, s, index);
  search_status_data(ctx, c, s, index);
  if (unsolicited_moment(c)) {
    check_unsolicited(ctx, c, r, index);
  } else if (!c.notify.active && c.notifies == 0 && c.find_inflight(CommandKind::Status, false, ctx.log) == nullptr &&
             c.find_inflight(CommandKind::List, false, ctx.log) == nullptr) {
    ctx.rep.report("NTF-11", {index}, {c.inflight.front().sent},
                   "a STATUS response arrived during a command that does not produce one, and the client never "
                   "asked for NOTIFY: without NOTIFY only selected-mailbox updates are sent.");
  }
  std::optional<std::uint64_t> uv, uidnext, hms;
  for (const auto& [item, value] : s.items) {
    if (item == proto::StatusItem::UidValidity) uv = value;
    if (item == proto::StatusItem::UidNext) uidnext = value;
    if (item == proto::StatusItem::HighestModSeq) hms = value;
  }
  if (!uv) return;
  // A STATUS answering this client's own STATUS command was read after that command was sent; with NOTIFY
  // it may be an older unsolicited one.
  EventIndex start = produced_after(c);
  if (!c.notify.active && c.notifies == 0) {
    for (const Inflight& f : c.inflight) {
      const auto* args = std::get_if<proto::StatusArgs>(&command_at(ctx, f.sent).args);
      if (args != nullptr && args->mailbox == s.mailbox) {
        start = f.sent;
        break;
      }
    }
  }
  const auto uv32 = static_cast<std::uint32_t>(*uv);
  observe_uidvalidity(ctx, scoped(c, s.mailbox), uv32, start, index);
  if (uidnext) observe_uidnext(ctx, scoped(c, s.mailbox), uv32, *uidnext, start, index);
  if (hms) observe_highestmodseq(ctx, scoped(c, s.mailbox), uv32, *hms, start, index);
}

void on_list(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  gaps_listed(c, std::get<proto::ListData>(r.body), index);
  watch_listed(ctx, c, std::get<proto::ListData>(r.body), index);
  if (unsolicited_moment(c)) {
    check_unsolicited(ctx, c, r, index);
  } else if (!c.notify.active && c.notifies == 0 && c.find_inflight(CommandKind::List, false, ctx.log) == nullptr &&
             c.find_inflight(CommandKind::Lsub, false, ctx.log) == nullptr) {
    ctx.rep.report("NTF-11", {index}, {c.inflight.front().sent},
                   "a LIST response arrived during a command that does not produce one, and the client never "
                   "asked for NOTIFY: without NOTIFY only selected-mailbox updates are sent.");
  }
}

// CPY-2 and UID-2 for APPENDUID / COPYUID.
void on_uidplus_code(Ctx& ctx, const ClientState& c, const proto::ResponseCode& code, const Inflight& f,
                     EventIndex index) {
  const proto::Command& cmd = command_at(ctx, f.sent);
  std::string dest;
  if (const auto* a = std::get_if<proto::AppendArgs>(&cmd.args)) dest = a->mailbox;
  if (const auto* a = std::get_if<proto::CopyArgs>(&cmd.args)) dest = a->mailbox;
  const bool copy = code.name == "COPYUID";
  const proto::SequenceSet& assigned = copy ? code.set2 : code.set1;
  const auto assigned_count = set_size(assigned);
  const auto source_count = copy ? set_size(code.set1) : std::optional<std::uint64_t>(1);
  if (!assigned_count || !source_count || *assigned_count != *source_count || *assigned_count == 0) {
    ctx.rep.report("CPY-2", {index}, {f.sent},
                   code.name + " names " + (source_count ? n(*source_count) : std::string("'*'")) +
                       " source message(s) but " + (assigned_count ? n(*assigned_count) : std::string("'*'")) +
                       " assigned UID(s); the sets must be equal in length.");
    return;
  }
  if (!code.number || dest.empty()) return;
  std::uint32_t lo = UINT32_MAX, hi = 0;
  for (const auto& range : assigned.ranges) {
    lo = std::min({lo, range.first, range.last});
    hi = std::max({hi, range.first, range.last});
  }
  const auto uv = static_cast<std::uint32_t>(*code.number);
  observe_uidvalidity(ctx, scoped(c, dest), uv, f.sent, index);
  observe_assigned_uids(ctx, scoped(c, dest), uv, lo, hi, f.sent, index);
}

const Inflight* inflight_of_kind(const ClientState& c, const Ctx& ctx, CommandKind kind) {
  for (const Inflight& f : c.inflight) {
    if (command_at(ctx, f.sent).kind == kind) return &f;
  }
  return nullptr;
}

void on_untagged_status(Ctx& ctx, ClientState& c, const proto::StatusResponse& s, EventIndex index) {
  if (s.condition == proto::Condition::Bye) c.bye = true;
  if (s.condition == proto::Condition::Preauth) {
    c.authenticated = true;
    for (Inflight& f : c.inflight) f.unauthenticated = false;  // sent before the greeting arrived
  }
  if (!s.code) return;
  const proto::ResponseCode& code = *s.code;
  if (c.selects > 0) search_select_code(c, code);
  if (code.name == "UIDVALIDITY" && c.selects > 0 && code.number) {
    c.select_progress.uidvalidity = static_cast<std::uint32_t>(*code.number);
  } else if (code.name == "NOTIFICATIONOVERFLOW") {
    c.notify = {};
    c.notify.used = true;
    ++c.watch_epoch;
  } else if (code.name == "COPYUID") {
    if (const Inflight* f = inflight_of_kind(c, ctx, CommandKind::Move)) on_uidplus_code(ctx, c, code, *f, index);
  }
}

void on_untagged(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  if (const auto* nd = std::get_if<proto::NumberData>(&r.body)) {
    if (nd->kind == proto::NumberData::Kind::Expunge) on_expunge(ctx, c, r, nd->number, index);
    if (nd->kind == proto::NumberData::Kind::Exists) on_exists(ctx, c, r, nd->number, index);
  } else if (const auto* f = std::get_if<proto::FetchData>(&r.body)) {
    on_fetch(ctx, c, r, *f, index);
  } else if (const auto* v = std::get_if<proto::VanishedData>(&r.body)) {
    on_vanished(ctx, c, r, *v, index);
  } else if (const auto* s = std::get_if<proto::SearchData>(&r.body)) {
    on_search(ctx, c, *s, index);
  } else if (const auto* sd = std::get_if<proto::StatusData>(&r.body)) {
    on_status_data(ctx, c, r, *sd, index);
  } else if (std::holds_alternative<proto::ListData>(r.body)) {
    on_list(ctx, c, r, index);
  } else if (const auto* st = std::get_if<proto::StatusResponse>(&r.body)) {
    on_untagged_status(ctx, c, *st, index);
  } else if (const auto* a = std::get_if<proto::AtomsData>(&r.body)) {
    if (a->kind == proto::AtomsData::Kind::Flags) keyword_flags(c, a->atoms);
    if (a->kind == proto::AtomsData::Kind::Enabled &&
        std::any_of(a->atoms.begin(), a->atoms.end(),
                    [](const std::string& x) { return iequals(x, "CONDSTORE") || iequals(x, "QRESYNC"); })) {
      c.condstore = true;
      c.condstore_told = true;
    }
  }
}

// ---- tagged completions -------------------------------------------------------------------------------

void finish_select(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                   const Inflight& f, EventIndex index) {
  const SelectProgress progress = c.select_progress;
  c.select_progress = {};
  c.view.reset();
  c.flags_due.clear();
  ++c.watch_epoch;
  if (st.condition != proto::Condition::Ok) return;  // RFC 3501 §6.3.1: a failed SELECT leaves none selected
  const auto& args = std::get<proto::MailboxArgs>(cmd.args);
  View& v = c.view;
  v.mailbox = args.mailbox;
  v.uidvalidity = progress.uidvalidity;
  v.read_only = cmd.kind == CommandKind::Examine || (st.code && st.code->name == "READ-ONLY");
  v.selected_at = index;
  if (progress.exists && !progress.expunge_after_exists) {
    v.valid = true;
    v.entries.assign(*progress.exists, ViewEntry{0, 0, static_cast<std::uint32_t>(index)});
    v.unknown = *progress.exists;
  }
  if (v.uidvalidity != 0) observe_uidvalidity(ctx, scoped(c, v.mailbox), v.uidvalidity, f.sent, index);
}

// RFC 3501 §6.3.5: the client's own RENAME of its selected mailbox (or a parent) renames its view.
void follow_rename(Ctx& ctx, ClientState& c, const proto::RenameArgs& a) {
  mark_name_reused(ctx, scoped(c, a.from));
  if (a.from == "INBOX") return;
  mark_renamed_away(ctx, scoped(c, a.from));  // RENAME INBOX moves the messages; INBOX stays
  std::string& name = c.view.mailbox;
  if (name == a.from) {
    name = a.to;
  } else if (name.size() > a.from.size() && name.compare(0, a.from.size(), a.from) == 0 &&
             (name[a.from.size()] == '/' || name[a.from.size()] == '.')) {
    name = a.to + name.substr(a.from.size());
  }
}

void check_pipeline_order(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const Inflight& f,
                          EventIndex index) {
  if (!depends_on_store(cmd.kind)) return;
  for (const Inflight& g : c.inflight) {
    if (g.sent >= f.sent) break;
    if (command_at(ctx, g.sent).kind == CommandKind::Store) {
      ctx.rep.report("SEQ-12", {index}, {g.sent, f.sent},
                     "this command completed before the STORE pipelined ahead of it; its result depends on "
                     "that STORE, so the server must execute them in the order given.");
      return;
    }
  }
}

void complete_notify(Ctx& ctx, ClientState& c, const proto::Command& cmd, bool ok, const Inflight& f,
                     EventIndex index) {
  --c.notifies;
  const auto& args = std::get<proto::NotifyArgs>(cmd.args);
  if (args.mode != proto::NotifyArgs::Mode::None) {
    const std::string error = notify_argument_error(args);
    if (ok && !error.empty()) {
      ctx.rep.report("NTF-5", {index}, {f.sent}, "NOTIFY was answered OK although " + error + ".");
      return;
    }
  }
  if (!ok) return;
  ++c.watch_epoch;
  if (args.mode == proto::NotifyArgs::Mode::None) {
    c.notify = {};
    c.notify.used = true;
    return;
  }
  NotifySet next = notify_set_from(args, index);
  if (args.mode == proto::NotifyArgs::Mode::Add && c.notify.active) {
    next.selected_new |= c.notify.selected_new;
    next.selected_expunge |= c.notify.selected_expunge;
    next.selected_flags |= c.notify.selected_flags;
    next.new_fetch_without_uid |= c.notify.new_fetch_without_uid;
    next.other_message_events |= c.notify.other_message_events;
    next.mailbox_events |= c.notify.mailbox_events;
    next.name_filters.insert(next.name_filters.begin(), c.notify.name_filters.begin(), c.notify.name_filters.end());
  }
  c.notify = next;
  store_checkpoint(ctx, c, "NTF-3", f.sent, index);
}

// NTF-10: a NOOP/CHECK's OK reported every change committed before it ran; the client's own changes sent
// after it are the ones it may not be notified about.
void synced(const Ctx& ctx, ClientState& c, const Inflight& f) {
  c.synced_sent = f.sent;
  c.own_change_sent = no_event;
  for (const Inflight& g : c.inflight) {
    if (g.sent > f.sent && changes_messages(command_at(ctx, g.sent).kind)) {
      c.own_change_sent = g.sent;
      break;
    }
  }
}

void complete_kind(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                   const Inflight& f, EventIndex index) {
  const bool ok = st.condition == proto::Condition::Ok;
  switch (cmd.kind) {
    case CommandKind::Login:
    case CommandKind::Authenticate:
      --c.auths;
      if (ok) {
        c.authenticated = true;
        c.user = c.pending_user;
      }
      break;
    case CommandKind::Select:
    case CommandKind::Examine:
      --c.selects;
      finish_select(ctx, c, cmd, st, f, index);
      break;
    case CommandKind::Close:
    case CommandKind::Unselect:
      if (ok) {
        c.view.reset();
        c.flags_due.clear();
              ++c.watch_epoch;
      }
      break;
    case CommandKind::Notify: complete_notify(ctx, c, cmd, ok, f, index); break;
    case CommandKind::Idle: {
      if (ok && c.idle && !c.idle_done_sent) {
        ctx.rep.report("NTF-1", {index}, {f.sent}, "IDLE ended with a tagged OK before the client sent DONE.");
      }
      const bool done = c.idle && c.idle_done_sent;
      c.idle = false;
      ++c.watch_epoch;
      // RFC 2177 §3: the updates queued during IDLE go out before DONE's tagged OK, so the view is current.
      if (ok && done) store_checkpoint(ctx, c, "NTF-1", f.sent, index);
      break;
    }
    case CommandKind::Noop:
    case CommandKind::Check:
      if (ok) store_checkpoint(ctx, c, "SEQ-14", f.sent, index);
      if (ok) check_flags_due(ctx, c, f, index);
      if (ok) synced(ctx, c, f);
      break;
    case CommandKind::Fetch:
      // The view at the send can lag the server's: an EXISTS already on its way when the command left tells
      // the server's session of UIDs the client had not yet heard of. So only a NO with no EXISTS received
      // while the command was in flight is judged.
      if (st.condition == proto::Condition::No && f.uid_set_misses_view &&
          (c.last_exists == no_event || c.last_exists < f.sent)) {
        ctx.rep.report("SEQ-11", {index}, {f.sent},
                       "UID FETCH named only UIDs that are not in the mailbox, yet was answered NO; non-existent "
                       "UIDs are ignored and the command still succeeds.");
      }
      break;
    case CommandKind::Delete:
      if (ok) mark_name_reused(ctx, scoped(c, std::get<proto::MailboxArgs>(cmd.args).mailbox));
      break;
    case CommandKind::Rename:
      if (ok) follow_rename(ctx, c, std::get<proto::RenameArgs>(cmd.args));
      break;
    default: break;
  }
}

void complete_uidplus(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                      const Inflight& f, EventIndex index) {
  if (st.condition != proto::Condition::Ok || !st.code) return;
  const proto::ResponseCode& code = *st.code;
  const bool append = cmd.kind == CommandKind::Append && code.name == "APPENDUID";
  const bool copy = (cmd.kind == CommandKind::Copy || cmd.kind == CommandKind::Move) && code.name == "COPYUID";
  if (!append && !copy) return;
  const std::size_t before = ctx.rep.warnings().size();
  on_uidplus_code(ctx, c, code, f, index);
  if (ctx.rep.stopped() || before != ctx.rep.warnings().size() || !code.number) return;
  const std::string& dest = append ? std::get<proto::AppendArgs>(cmd.args).mailbox
                                   : std::get<proto::CopyArgs>(cmd.args).mailbox;
  change_committed(ctx, c, dest, static_cast<std::uint32_t>(*code.number), append ? code.set1 : code.set2, f.sent,
                   index);
}

void on_tagged(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  const auto it = std::find_if(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) { return f.tag == r.tag; });
  const auto* st = std::get_if<proto::StatusResponse>(&r.body);
  if (it == c.inflight.end() || st == nullptr) return;
  const Inflight f = *it;
  c.inflight.erase(it);
  if (f.seq_sensitive) --c.seq_sensitive;
  c.last_completed_sent = std::max(c.last_completed_sent, f.sent);
  const proto::Command& cmd = command_at(ctx, f.sent);
  check_pipeline_order(ctx, c, cmd, f, index);
  if (st->condition == proto::Condition::Ok && f.unauthenticated && !allowed_unauthenticated(cmd.kind)) {
    ctx.rep.report("ACC-1", {index}, {f.sent},
                   std::string(proto::command_name(cmd.kind)) +
                       " succeeded before the client authenticated; only CAPABILITY, NOOP, LOGOUT, STARTTLS, "
                       "AUTHENTICATE and LOGIN are valid then.");
  }
  // MOD-2 (other half): the tagged OK of a CONDSTORE enabling command (RFC 4551 §3: FETCH MODSEQ or
  // CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ, SELECT/EXAMINE (CONDSTORE)) starts it like ENABLED does;
  // ENABLE itself counts only when its ENABLED response names CONDSTORE (RFC 5161 §3.1).
  if (st->condition == proto::Condition::Ok && enables_condstore(cmd) && cmd.kind != CommandKind::Enable &&
      cmd.kind != CommandKind::Notify) {
    c.condstore_told = true;
  }
  complete_kind(ctx, c, cmd, *st, f, index);
  complete_uidplus(ctx, c, cmd, *st, f, index);
  if (!ctx.rep.stopped()) session_completed(ctx, c, cmd, *st, f, index);
  policy_completed(ctx, c, cmd, *st, f, index);
  oracle_completed(ctx, c, cmd, *st, f, index);
  if (!ctx.rep.stopped()) search_completed(ctx, c, cmd, *st, f, index);
  if (!ctx.rep.stopped()) gaps_completed(ctx, c, cmd, *st, f, index);
  if (!ctx.rep.stopped()) sets_completed(ctx, c, cmd, *st, f, index);
  if (!ctx.rep.stopped()) watch_completed(ctx, c, cmd, *st, f, index);
  if (!ctx.rep.stopped()) keyword_completed(ctx, c, cmd, f, index);
  if (changes_messages(cmd.kind)) c.last_change_done = index;
}

void on_continuation(ClientState& c, const Ctx& ctx, EventIndex index) {
  if (c.inflight.empty() || command_at(ctx, c.inflight.back().sent).kind != CommandKind::Idle) return;
  c.idle = true;
  c.idle_done_sent = false;
  c.idle_since = index;
  ++c.watch_epoch;
}

}  // namespace

void client_connected(Ctx&, ClientState& c, EventIndex) {
  reset_session(c);
  c.connected = true;
  ++c.connection;
}

void client_disconnected(Ctx& ctx, ClientState& c, EventIndex index) {
  // The server finishes what it started even after the client left: NTF-10 cannot tell who changed what.
  if (std::any_of(c.inflight.begin(), c.inflight.end(),
                  [&](const Inflight& f) { return changes_messages(command_at(ctx, f.sent).kind); })) {
    c.change_lost = true;
  }
  watch_disconnected(ctx, c);
  session_disconnected(ctx, c, index);
  for (const Inflight& f : c.inflight) c.orphans.push_back(f.sent);
  reset_session(c);
  c.connected = false;
}

void client_sent(Ctx& ctx, ClientState& c, EventIndex index) {
  const Event& e = ctx.log[index];
  if (e.raw_line) {
    // Any line ends IDLE (RFC 2177 §3: the server answers DONE with OK, another line with BAD), and the updates
    // queued meanwhile may precede that answer; NTF-1 judges an OK to a line other than DONE (check_session.cpp).
    if (c.idle) c.idle_done_sent = true;
    if (c.auths > 0 && !c.idle) c.pending_user = plain_user(*e.raw_line);
    return;
  }
  if (!e.command) return;
  const proto::Command& cmd = *e.command;
  policy_sent(ctx, c, cmd, index);
  oracle_sent(ctx, c, cmd, index);
  search_sent(ctx, c, cmd, index);
  gaps_sent(ctx, c, cmd, index);
  sets_sent(ctx, c, cmd, index);
  watch_sent(ctx, cmd);
  own_change_sent(ctx, c, cmd, index);
  session_sent(ctx, c, cmd, index);
  if (changes_messages(cmd.kind) && c.synced_sent != no_event && c.own_change_sent == no_event) {
    c.own_change_sent = index;
  }
  Inflight f;
  f.tag = cmd.tag;
  f.sent = index;
  f.seq_sensitive = !cmd.uid && (cmd.kind == CommandKind::Fetch || cmd.kind == CommandKind::Store ||
                                 cmd.kind == CommandKind::Search);
  f.unauthenticated = !c.authenticated && c.auths == 0;
  if (cmd.kind == CommandKind::Fetch && cmd.uid && c.view.fully_known() && c.selects == 0) {
    f.uid_set_misses_view = !set_hits_view(std::get<proto::FetchArgs>(cmd.args).set, c.view);
  }
  if (cmd.kind == CommandKind::Login || cmd.kind == CommandKind::Authenticate) {
    ++c.auths;
    c.pending_user.clear();
    if (const auto* l = std::get_if<proto::LoginArgs>(&cmd.args)) c.pending_user = l->user;
    const auto* a = std::get_if<proto::AuthenticateArgs>(&cmd.args);
    if (a != nullptr && a->mechanism == "PLAIN" && a->initial_response) c.pending_user = plain_user(*a->initial_response);
  }
  if (cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine) {
    if (c.selects++ == 0) c.select_progress = {};
    c.keywords = {};  // FLG-8: the new selection's FLAGS list comes with it
  }
  if (cmd.kind == CommandKind::Close || cmd.kind == CommandKind::Unselect) c.keywords = {};  // FLG-8: none selected
  if (cmd.kind == CommandKind::Notify) ++c.notifies;
  if (enables_condstore(cmd)) c.condstore = true;
  if (f.seq_sensitive) ++c.seq_sensitive;
  c.inflight.push_back(std::move(f));
}

void client_received(Ctx& ctx, ClientState& c, EventIndex index) {
  const Event& e = ctx.log[index];
  if (!e.response) return;
  const proto::Response& r = *e.response;
  session_received(c, r);
  check_capability(ctx, r, index);
  if (std::holds_alternative<proto::ContinuationData>(r.body)) {
    on_continuation(c, ctx, index);
  } else if (!r.untagged) {
    on_tagged(ctx, c, r, index);
  } else {
    on_untagged(ctx, c, r, index);
  }
}

}  // namespace imaplab::sim::detail
