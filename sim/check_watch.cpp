// What a NOTIFY watcher may be told about and what subscriptions LSUB must show: NTF-8 (a pushed STATUS must
// be for a mailbox some filter watching message events covers, RFC 5465 §5.2, §6) and MBX-6 (LSUB and
// LIST (SUBSCRIBED) show exactly the names the user subscribed, RFC 3501 §6.3.6, §6.3.7, §6.3.9).
#include <algorithm>
#include <cctype>

#include "model/store.hpp"

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

// INBOX is case-insensitive (RFC 3501 §5.1); other names, children of INBOX included, are not.
std::string canonical_name(std::string name) {
  if (name.size() != 5) return name;
  std::string upper = name;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return upper == "INBOX" ? upper : name;
}

bool changes_subscriptions(CommandKind k) { return k == CommandKind::Subscribe || k == CommandKind::Unsubscribe; }

bool has_attribute(const proto::ListData& list, const std::string& attribute) {
  return std::any_of(list.attributes.begin(), list.attributes.end(), [&](const std::string& a) {
    return a.size() == attribute.size() && std::equal(a.begin(), a.end(), attribute.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  });
}

bool asks_subscribed(const proto::Command& cmd) {
  const auto* a = std::get_if<proto::ListArgs>(&cmd.args);
  if (a == nullptr) return false;
  const auto named = [](const std::vector<std::string>& options) {
    return std::any_of(options.begin(), options.end(), [](const std::string& o) { return o == "SUBSCRIBED"; });
  };
  return named(a->select_options) || named(a->return_options);
}

// The one LSUB or LIST (SUBSCRIBED) in flight that this response answers; nullptr when there is none or the
// response could belong to another command (two listings pipelined).
const Inflight* listing(const Ctx& ctx, const ClientState& c, const proto::ListData& list) {
  const Inflight* found = nullptr;
  for (const Inflight& f : c.inflight) {
    const CommandKind k = ctx.log[f.sent].command->kind;
    if (k != CommandKind::List && k != CommandKind::Lsub) continue;
    if (found != nullptr) return nullptr;
    found = &f;
  }
  if (found == nullptr) return nullptr;
  const proto::Command& cmd = *ctx.log[found->sent].command;
  if (list.lsub) return cmd.kind == CommandKind::Lsub ? found : nullptr;
  // A NOTIFY watcher may be sent a LIST made before the listing ran (RFC 5465 §5.4, §5.5): not judged.
  if (cmd.kind != CommandKind::List || !asks_subscribed(cmd) || c.notify.active || c.notifies > 0) return nullptr;
  return found;
}

// Whether the user's subscription list is known and stood still from before `sent` until now.
const Subscriptions* quiet_subscriptions(const Ctx& ctx, const ClientState& c, EventIndex sent) {
  const auto it = ctx.cross.subscriptions.find(c.user);
  static const Subscriptions none;
  const Subscriptions* subs = it == ctx.cross.subscriptions.end() ? &none : &it->second;
  if (subs->unknown || subs->last_done > sent) return nullptr;
  for (const auto& [id, b] : ctx.clients) {
    if (b.user != c.user) continue;
    for (const Inflight& f : b.inflight) {
      if (changes_subscriptions(ctx.log[f.sent].command->kind)) return nullptr;
    }
  }
  return subs;
}

bool under_subscribed(const Subscriptions& subs, const std::string& name) {
  const std::string prefix = name + model::delimiter;
  const auto it = subs.names.lower_bound(prefix);
  return it != subs.names.end() && it->compare(0, prefix.size(), prefix) == 0;
}

// Pushed LISTs (MBX-6): remember which names a name or rights change touched and when each client's first
// successful NOTIFY of its connection was sent.
void note_touched(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                  const Inflight& f, EventIndex index) {
  if (cmd.kind == CommandKind::Notify && st.condition == proto::Condition::Ok) {
    auto [it, fresh] = ctx.cross.first_notify.try_emplace(c.id, c.connection, f.sent);
    if (!fresh && it->second.first != c.connection) it->second = {c.connection, f.sent};
  }
  if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args)) {
    ctx.cross.names_touched[canonical_name(r->from)] = index;
    ctx.cross.names_touched[canonical_name(r->to)] = index;
  } else if (const auto* a = std::get_if<proto::AclArgs>(&cmd.args)) {
    ctx.cross.names_touched[canonical_name(a->mailbox)] = index;
  } else if (const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args);
             m != nullptr && (cmd.kind == CommandKind::Create || cmd.kind == CommandKind::Delete)) {
    ctx.cross.names_touched[canonical_name(m->mailbox)] = index;
  }
}

// One name is the other, or above or below it in the hierarchy.
bool related(const std::string& a, const std::string& b) {
  const auto under = [](const std::string& x, const std::string& top) {
    return x.size() > top.size() && x.compare(0, top.size(), top) == 0 && x[top.size()] == model::delimiter;
  };
  return a == b || under(a, b) || under(b, a);
}

bool touches_name(const proto::Command& cmd, const std::string& name, const std::string& user_of_sender,
                  const std::string& user) {
  if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args)) {
    return related(canonical_name(r->from), name) || related(canonical_name(r->to), name);
  }
  if (const auto* a = std::get_if<proto::AclArgs>(&cmd.args)) return related(canonical_name(a->mailbox), name);
  const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args);
  if (m == nullptr || !related(canonical_name(m->mailbox), name)) return false;
  if (cmd.kind == CommandKind::Create || cmd.kind == CommandKind::Delete) return true;
  return changes_subscriptions(cmd.kind) && user_of_sender == user;
}

// Some command that could cause a pushed LIST of `name` to `c` is in flight, or left with its connection, or
// was answered after `since` (RFC 5465 §5.4: name and rights changes; §5.5: the user's own subscriptions).
bool list_explained(const Ctx& ctx, const ClientState& c, const std::string& name, EventIndex since) {
  for (const auto& [id, other] : ctx.clients) {
    for (const Inflight& f : other.inflight) {
      if (ctx.log[f.sent].command && touches_name(*ctx.log[f.sent].command, name, other.user, c.user)) return true;
    }
    for (const EventIndex sent : other.orphans) {
      // A connection that left may have been any user's by now: count its subscription changes for everyone.
      if (ctx.log[sent].command && touches_name(*ctx.log[sent].command, name, c.user, c.user)) return true;
    }
  }
  const auto recent = [&](const std::map<std::string, EventIndex>& touched) {
    return std::any_of(touched.begin(), touched.end(),
                       [&](const auto& kv) { return kv.second > since && related(kv.first, name); });
  };
  if (recent(ctx.cross.names_touched)) return true;
  const auto subs = ctx.cross.subscriptions.find(c.user);
  return subs != ctx.cross.subscriptions.end() && (subs->second.unknown || recent(subs->second.touched));
}

// Another user (UN)SUBSCRIBEd `name` since `since` or is doing so: the LIST may be that user's
// SubscriptionChange, wrongly sent here. Only then is an unexplained pushed LIST judged.
bool other_user_subscribed(const Ctx& ctx, const ClientState& c, const std::string& name, EventIndex since) {
  for (const auto& [id, other] : ctx.clients) {
    if (other.user == c.user) continue;
    for (const Inflight& f : other.inflight) {
      const proto::Command& cmd = *ctx.log[f.sent].command;
      const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args);
      if (changes_subscriptions(cmd.kind) && m != nullptr && canonical_name(m->mailbox) == name) return true;
    }
  }
  for (const auto& [user, subs] : ctx.cross.subscriptions) {
    if (user == c.user) continue;
    const auto it = subs.touched.find(name);
    if (it != subs.touched.end() && it->second > since) return true;
  }
  return false;
}

// MBX-6 for NOTIFY: a LIST pushed outside any LIST/LSUB/NOTIFY command must have a cause the client may be told
// of: a name or rights change of a related name, or a (UN)SUBSCRIBE by the same user (RFC 5465 §5.5: the
// SubscriptionChange event is about "the user's subscription list", not another user's).
void watch_pushed(Ctx& ctx, const ClientState& c, const proto::ListData& list, EventIndex index) {
  if (list.lsub || !c.notify.active || c.notifies > 0 || list.mailbox.empty()) return;
  for (const Inflight& f : c.inflight) {
    const CommandKind k = ctx.log[f.sent].command->kind;
    if (k == CommandKind::List || k == CommandKind::Lsub || k == CommandKind::Notify) return;
  }
  const auto first = ctx.cross.first_notify.find(c.id);
  if (first == ctx.cross.first_notify.end() || first->second.first != c.connection) return;
  const EventIndex since = first->second.second;
  if (list_explained(ctx, c, canonical_name(list.mailbox), since)) return;
  if (list.old_name && list_explained(ctx, c, canonical_name(*list.old_name), since)) return;
  if (!other_user_subscribed(ctx, c, canonical_name(list.mailbox), since)) return;  // no sign of the cause
  ctx.rep.report("MBX-6", {index}, {since},
                 "a LIST of \"" + list.mailbox + "\" was pushed to a NOTIFY client although, since its NOTIFY was "
                 "sent, no CREATE, DELETE, RENAME, SETACL or DELETEACL of that name (or one above or below it) and no "
                 "SUBSCRIBE or UNSUBSCRIBE of it by the same user ran: a SubscriptionChange is owed only to the user "
                 "whose subscription list changed (RFC 5465 §5.5; §5.4 for name changes).");
}

proto::NotifyFilter canonical_filter(const proto::NotifyFilter& f) {
  proto::NotifyFilter out = f;
  for (std::string& m : out.mailboxes) m = canonical_name(m);
  return out;
}

}  // namespace

bool status_covered(const Ctx& ctx, const NotifySet& ns, const std::string& mailbox) {
  using K = proto::NotifyFilter::Kind;
  const std::string name = canonical_name(mailbox);
  // A STATUS made before a RENAME may be sent after it under the new name: not judged.
  for (auto pos = name.find(model::delimiter);; pos = name.find(model::delimiter, pos + 1)) {
    if (ctx.cross.renamed_to.count(name.substr(0, pos)) != 0) return true;
    if (pos == std::string::npos) break;
  }
  return std::any_of(ns.status_filters.begin(), ns.status_filters.end(), [&](const proto::NotifyFilter& f) {
    // SUBSCRIBED follows the subscription list, which may name shared mailboxes (RFC 5465 §6.4); INBOXES is a
    // part of the personal namespace (§6.3), so it covers no more than PERSONAL does.
    if (f.kind == K::Subscribed) return true;
    if (f.kind == K::Inboxes) return filter_covers(proto::NotifyFilter{K::Personal, {}}, name);
    return filter_covers(canonical_filter(f), name);
  });
}

void watch_sent(Ctx& ctx, const proto::Command& cmd) {
  if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args)) ctx.cross.renamed_to.insert(canonical_name(r->to));
}

void watch_completed(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                     const Inflight& f, EventIndex index) {
  note_touched(ctx, c, cmd, st, f, index);
  if (!changes_subscriptions(cmd.kind) || c.user.empty()) return;
  Subscriptions& subs = ctx.cross.subscriptions[c.user];
  if (const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args)) subs.touched[canonical_name(m->mailbox)] = index;
  // Another (UN)SUBSCRIBE of the user beside this one may have run before or after it.
  bool overlapped = subs.last_done > f.sent;
  for (const auto& [id, b] : ctx.clients) {
    if (b.user != c.user) continue;
    for (const Inflight& g : b.inflight) overlapped |= changes_subscriptions(ctx.log[g.sent].command->kind);
  }
  subs.last_done = index;
  const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args);
  if (st.condition != proto::Condition::Ok || a == nullptr) return;
  const std::string name = canonical_name(a->mailbox);
  if (overlapped) {
    subs.uncertain.insert(name);
  } else {
    subs.uncertain.erase(name);
  }
  if (cmd.kind == CommandKind::Subscribe) {
    subs.names.insert(name);
  } else {
    subs.names.erase(name);
  }
}

void watch_disconnected(Ctx& ctx, const ClientState& c) {
  if (c.user.empty()) return;
  for (const Inflight& f : c.inflight) {
    if (changes_subscriptions(ctx.log[f.sent].command->kind)) ctx.cross.subscriptions[c.user].unknown = true;
  }
}

// MBX-6: LSUB shows the subscribed names (RFC 3501 §6.3.9; with '%' also an unsubscribed parent of one, as
// \Noselect), and LIST (SUBSCRIBED) marks \Subscribed exactly the subscribed names (RFC 5258 §3.1), judged
// when no SUBSCRIBE or UNSUBSCRIBE of the user ran beside the listing.
void watch_listed(Ctx& ctx, const ClientState& c, const proto::ListData& list, EventIndex index) {
  if (c.user.empty() || ctx.rep.stopped()) return;
  watch_pushed(ctx, c, list, index);
  if (ctx.rep.stopped()) return;
  const Inflight* f = listing(ctx, c, list);
  if (f == nullptr || !list.child_info.empty()) return;
  const Subscriptions* subs = quiet_subscriptions(ctx, c, f->sent);
  if (subs == nullptr) return;
  const std::string name = canonical_name(list.mailbox);
  if (subs->uncertain.count(name) != 0) return;
  const bool subscribed = subs->names.count(name) != 0;
  std::string why;
  if (list.lsub && !subscribed && !(has_attribute(list, "\\Noselect") && under_subscribed(*subs, name))) {
    why = "LSUB showed \"" + list.mailbox + "\", which the user's SUBSCRIBE/UNSUBSCRIBE replies leave "
          "unsubscribed (RFC 3501 §6.3.9: LSUB returns the names the user has declared as \"active\" or "
          "\"subscribed\"; §6.3.7: UNSUBSCRIBE removes the name from that list)";
  } else if (!list.lsub && has_attribute(list, "\\Subscribed") != subscribed) {
    why = "LIST (SUBSCRIBED) " + std::string(subscribed ? "did not mark" : "marked") + " \"" + list.mailbox +
          "\" \\Subscribed, but the user's SUBSCRIBE/UNSUBSCRIBE replies leave it " +
          (subscribed ? "subscribed" : "unsubscribed") + " (RFC 5258 §3.1; RFC 3501 §6.3.6, §6.3.7)";
  }
  if (why.empty()) return;
  std::vector<EventIndex> causes{f->sent};
  if (subs->last_done != 0) causes.push_back(subs->last_done);
  ctx.rep.report("MBX-6", {index}, std::move(causes), why + "; no SUBSCRIBE or UNSUBSCRIBE of the user "
                 "was in flight since the listing was sent.");
}

void idle_flags_owed(Ctx& ctx, const ClientState& w, std::uint32_t uidvalidity, std::uint32_t uid, EventIndex sent,
                     EventIndex done) {
  const std::uint64_t deadline = ctx.log[done].time_us + ctx.options.notify_bound_us;
  Obligation ob{w.id, w.watch_epoch, sent, done, deadline, uidvalidity, 0, 0};
  ob.flag_uid = uid;
  ctx.cross.obligations.push_back(ob);
}

// Still owed: the FLG-2 due the STORE left is there (a FETCH of the UID or an expunge clears it), and the store
// still has the message with flags other than those the watcher knew.
bool idle_flags_still_owed(const Ctx& ctx, const ClientState& w, const Obligation& ob) {
  if (ctx.oracle == nullptr || !w.idling() || !w.view_usable()) return false;
  const auto due = std::find_if(w.flags_due.begin(), w.flags_due.end(), [&](const FlagDue& d) {
    return d.uid == ob.flag_uid && d.change_sent == ob.change_sent;
  });
  if (due == w.flags_due.end()) return false;
  const auto info = oracle_mailbox(ctx, w, w.view.mailbox);
  if (!info || info->uidvalidity != ob.uidvalidity) return false;
  const auto flags = ctx.oracle->model().flags(w.view.mailbox, ob.flag_uid);
  if (!flags) return false;
  std::vector<std::string> now;
  for (const std::string& f : *flags) {
    std::string l = f;
    for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (l != "\\recent") now.push_back(std::move(l));
  }
  std::sort(now.begin(), now.end());
  now.erase(std::unique(now.begin(), now.end()), now.end());
  return now != due->before;
}

}  // namespace imaplab::sim::detail
