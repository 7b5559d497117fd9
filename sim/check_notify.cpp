// NOTIFY (RFC 5465) and IDLE (RFC 2177) rules: what a NOTIFY SET asks for, which arguments a server must
// refuse (NTF-5), and whether untagged data that arrives between commands or during IDLE was asked for
// (SEQ-1, NTF-6..NTF-9, NTF-11, NTF-12), and what the initial STATUS of NOTIFY SET STATUS carries (NTF-4).
#include <algorithm>
#include <cctype>
#include <iterator>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::NotifyEventKind;
using proto::NotifyFilter;

bool is_message_event(NotifyEventKind k) {
  return k == NotifyEventKind::MessageNew || k == NotifyEventKind::MessageExpunge ||
         k == NotifyEventKind::FlagChange || k == NotifyEventKind::AnnotationChange;
}

bool is_mailbox_event(NotifyEventKind k) {
  return k == NotifyEventKind::MailboxName || k == NotifyEventKind::SubscriptionChange ||
         k == NotifyEventKind::MailboxCreate || k == NotifyEventKind::MailboxDelete ||
         k == NotifyEventKind::MailboxRename || k == NotifyEventKind::MailboxMetadataChange;
}

bool is_selected_filter(NotifyFilter::Kind k) {
  return k == NotifyFilter::Kind::Selected || k == NotifyFilter::Kind::SelectedDelayed;
}

bool has(const std::vector<proto::NotifyEvent>& events, NotifyEventKind k) {
  return std::any_of(events.begin(), events.end(), [&](const proto::NotifyEvent& e) { return e.kind == k; });
}

// The rule to name for untagged data that was not asked for.
const char* rule_for(bool idle, const char* otherwise) { return idle ? "NTF-12" : otherwise; }

}  // namespace

NotifySet notify_set_from(const proto::NotifyArgs& args, EventIndex at) {
  NotifySet s;
  s.active = args.mode != proto::NotifyArgs::Mode::None;
  s.used = true;
  s.set_at = at;
  for (const auto& g : args.groups) {
    if (!g.events) continue;
    const auto& ev = *g.events;
    if (is_selected_filter(g.filter.kind)) {
      s.selected_new |= has(ev, NotifyEventKind::MessageNew);
      s.selected_expunge |= has(ev, NotifyEventKind::MessageExpunge);
      s.selected_flags |= has(ev, NotifyEventKind::FlagChange) || has(ev, NotifyEventKind::AnnotationChange);
      s.delayed = g.filter.kind == NotifyFilter::Kind::SelectedDelayed;
      for (const auto& e : ev) {
        if (e.kind != NotifyEventKind::MessageNew) continue;
        s.new_fetch_without_uid =
            !e.fetch_atts.empty() && std::none_of(e.fetch_atts.begin(), e.fetch_atts.end(), [](const proto::FetchAtt& a) {
              return a.kind == proto::FetchAtt::Kind::Uid;
            });
      }
      continue;
    }
    for (const auto& e : ev) {
      if (is_message_event(e.kind)) s.other_message_events = true;
      if (is_mailbox_event(e.kind)) s.mailbox_events = true;
    }
    if (std::any_of(ev.begin(), ev.end(), [](const auto& e) { return is_message_event(e.kind); })) {
      s.status_filters.push_back(g.filter);
    }
    if (has(ev, NotifyEventKind::MailboxName)) s.name_filters.push_back(g.filter);
  }
  return s;
}

std::string notify_argument_error(const proto::NotifyArgs& args) {
  int selected_groups = 0;
  for (const auto& g : args.groups) {
    if (is_selected_filter(g.filter.kind)) ++selected_groups;
    if (!g.events) continue;
    const auto& ev = *g.events;
    const bool added = has(ev, NotifyEventKind::MessageNew), removed = has(ev, NotifyEventKind::MessageExpunge);
    if (added != removed) return "MessageNew and MessageExpunge must be given together (RFC 5465 §5)";
    if ((has(ev, NotifyEventKind::FlagChange) || has(ev, NotifyEventKind::AnnotationChange)) && !added) {
      return "FlagChange requires MessageNew and MessageExpunge (RFC 5465 §5)";
    }
    if (has(ev, NotifyEventKind::Other)) return "an unknown event was named (RFC 5465 §3.1: NO [BADEVENT])";
    if (is_selected_filter(g.filter.kind) &&
        std::any_of(ev.begin(), ev.end(), [](const proto::NotifyEvent& e) { return !is_message_event(e.kind); })) {
      return "a mailbox event was given for SELECTED/SELECTED-DELAYED (RFC 5465 §6.1: an error)";
    }
  }
  if (selected_groups > 1) return "more than one SELECTED/SELECTED-DELAYED group was given (RFC 5465 §6.1)";
  return {};
}

namespace {

// NTF-13: the items a pushed STATUS of another mailbox must carry. RFC 5465 §5.2 (MessageNew) and §5.3
// (MessageExpunge) both send "an unsolicited STATUS (UIDNEXT MESSAGES)"; §5.1 (FlagChange, CONDSTORE) sends
// STATUS (HIGHESTMODSEQ UIDVALIDITY), which has neither. A server may merge several events into one STATUS,
// which then has both or neither of UIDNEXT and MESSAGES, never one without the other. Returns "" when the
// items fit some event.
std::string pushed_status_items_problem(const proto::StatusData& s) {
  bool messages = false, uidnext = false, hms = false;
  for (const auto& [item, value] : s.items) {
    messages |= item == proto::StatusItem::Messages;
    uidnext |= item == proto::StatusItem::UidNext;
    hms |= item == proto::StatusItem::HighestModSeq;
  }
  if (messages == uidnext && (messages || hms)) return {};
  const std::string what = messages ? "MESSAGES without UIDNEXT"
                           : uidnext ? "UIDNEXT without MESSAGES"
                                     : "neither UIDNEXT and MESSAGES nor HIGHESTMODSEQ";
  return "a pushed STATUS for \"" + s.mailbox + "\" carries " + what + ": a new or expunged message in another "
         "mailbox is told by \"an unsolicited STATUS (UIDNEXT MESSAGES)\" (RFC 5465 §5.2, §5.3), a flag change "
         "by STATUS (HIGHESTMODSEQ UIDVALIDITY) (§5.1)";
}

}  // namespace

bool check_unsolicited(Ctx& ctx, const ClientState& c, const proto::Response& r, EventIndex index) {
  const bool idle = c.idling();
  const NotifySet& ns = c.notify;
  const auto* number = std::get_if<proto::NumberData>(&r.body);
  const bool exists = number != nullptr && number->kind == proto::NumberData::Kind::Exists;
  const bool expunge = (number != nullptr && number->kind == proto::NumberData::Kind::Expunge) ||
                       std::holds_alternative<proto::VanishedData>(r.body);
  const auto* fetch = std::get_if<proto::FetchData>(&r.body);
  const bool status = std::holds_alternative<proto::StatusData>(r.body);
  const bool list = std::holds_alternative<proto::ListData>(r.body);
  const char* rule = nullptr;
  std::string why;
  const std::vector<EventIndex> causes = idle ? std::vector<EventIndex>{c.idle_since}
                                        : ns.active ? std::vector<EventIndex>{ns.set_at}
                                                    : std::vector<EventIndex>{};
  if (!ns.active) {
    if (idle && (status || list)) {
      rule = "NTF-11", why = "during IDLE without NOTIFY only updates of the selected mailbox may be sent";
    } else if (!idle && expunge) {
      rule = "SEQ-1", why = "an expunge was reported while no command of this client was in progress";
    } else if (!idle && (exists || fetch != nullptr || status || list)) {
      rule = "NTF-11", why = "untagged data arrived between commands, but the client never asked for NOTIFY";
    }
  } else if (exists && !ns.selected_new) {
    rule = rule_for(idle, "NTF-6"), why = "EXISTS arrived unsolicited but NOTIFY did not ask for MessageNew on SELECTED";
  } else if (expunge && !ns.selected_expunge) {
    rule = rule_for(idle, "SEQ-1"), why = "an expunge arrived unsolicited but NOTIFY did not ask for MessageExpunge on SELECTED";
  } else if (expunge && ns.delayed && !idle) {
    rule = "NTF-7", why = "SELECTED-DELAYED holds expunges until a command that allows them, yet one came between commands";
  } else if (fetch != nullptr && !ns.selected_flags && !ns.selected_new) {
    rule = rule_for(idle, "NTF-6"), why = "FETCH arrived unsolicited but NOTIFY asked for no message events on SELECTED";
  } else if (fetch != nullptr && ns.selected_flags && !ns.new_fetch_without_uid &&
             std::none_of(fetch->atts.begin(), fetch->atts.end(),
                          [](const proto::MsgAtt& a) { return a.kind == proto::MsgAtt::Kind::Uid; })) {
    rule = "NTF-6", why = "a NOTIFY FlagChange FETCH must carry UID and FLAGS";
  } else if (status && !ns.other_message_events) {
    rule = rule_for(idle, "NTF-8"), why = "STATUS arrived unsolicited but NOTIFY asked for no message events on other mailboxes";
  } else if (status && !status_covered(ctx, ns, std::get<proto::StatusData>(r.body).mailbox)) {
    rule = "NTF-8", why = "STATUS arrived unsolicited for \"" +
        std::get<proto::StatusData>(r.body).mailbox + "\", which no filter watching message events covers "
        "(RFC 5465 §5.2, §6: personal is the user's own namespace, a subtree is the name and the names below it)";
  } else if (list && !ns.mailbox_events) {
    rule = rule_for(idle, "NTF-9"), why = "LIST arrived unsolicited but NOTIFY asked for no mailbox events";
  } else if (status) {
    why = pushed_status_items_problem(std::get<proto::StatusData>(r.body));
    if (!why.empty()) rule = "NTF-13";
  }
  if (rule == nullptr) return true;
  ctx.rep.report(rule, {index}, causes, why + ".");
  return false;
}

namespace {

using proto::StatusItem;

bool same_name(const std::string& a, const std::string& b) {
  const auto upper = [](std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  };
  return a == b || (upper(a) == "INBOX" && upper(b) == "INBOX");
}

// Whether a non-selected filter may watch `mailbox`; false only when it surely does not.
bool may_watch(const NotifyFilter& f, const std::string& mailbox) {
  if (f.kind != NotifyFilter::Kind::Mailboxes && f.kind != NotifyFilter::Kind::Subtree) return true;
  return std::any_of(f.mailboxes.begin(), f.mailboxes.end(), [&](const std::string& name) {
    return same_name(name, mailbox) ||
           (f.kind == NotifyFilter::Kind::Subtree && mailbox.size() > name.size() &&
            mailbox.compare(0, name.size(), name) == 0 && (mailbox[name.size()] == '/' || mailbox[name.size()] == '.'));
  });
}

// RFC 5465 §3.1 / INVARIANTS NTF-4: the STATUS items a group's events need.
std::vector<StatusItem> needed_items(const std::vector<proto::NotifyEvent>& ev, bool condstore) {
  std::vector<StatusItem> items;
  if (has(ev, NotifyEventKind::MessageNew)) {
    items = {StatusItem::Messages, StatusItem::UidNext, StatusItem::UidValidity};
  }
  if (has(ev, NotifyEventKind::MessageExpunge)) items.push_back(StatusItem::Messages);
  if (has(ev, NotifyEventKind::FlagChange) && condstore) {
    items.push_back(StatusItem::UidValidity);
    items.push_back(StatusItem::HighestModSeq);
  }
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

const char* item_name(StatusItem item) {
  switch (item) {
    case StatusItem::Messages: return "MESSAGES";
    case StatusItem::UidNext: return "UIDNEXT";
    case StatusItem::UidValidity: return "UIDVALIDITY";
    case StatusItem::HighestModSeq: return "HIGHESTMODSEQ";
    default: return "?";
  }
}

}  // namespace

void check_notify_status(Ctx& ctx, const ClientState& c, const proto::StatusData& s, EventIndex index) {
  // Only the initial STATUS of a NOTIFY SET STATUS can arrive now: no earlier set sends STATUS updates, and a
  // STATUS command of this client is not in flight.
  if (c.notifies != 1 || (c.notify.active && c.notify.other_message_events)) return;
  const Inflight* notify = nullptr;
  for (const Inflight& f : c.inflight) {
    const auto kind = ctx.log[f.sent].command->kind;
    if (kind == proto::CommandKind::Status || kind == proto::CommandKind::List) return;
    if (kind == proto::CommandKind::Notify) notify = &f;
  }
  if (notify == nullptr) return;
  const auto& args = std::get<proto::NotifyArgs>(ctx.log[notify->sent].command->args);
  if (args.mode != proto::NotifyArgs::Mode::Set || !args.status || !notify_argument_error(args).empty()) return;
  // The STATUS answers some group that watches the mailbox; it needs at least what every candidate needs.
  std::optional<std::vector<StatusItem>> needed;
  for (const auto& g : args.groups) {
    if (is_selected_filter(g.filter.kind) || !g.events || !may_watch(g.filter, s.mailbox)) continue;
    const auto& ev = *g.events;
    if (std::none_of(ev.begin(), ev.end(), [](const auto& e) { return is_message_event(e.kind); })) continue;
    auto items = needed_items(*g.events, c.condstore);
    if (!needed) {
      needed = std::move(items);
      continue;
    }
    std::vector<StatusItem> both;
    std::set_intersection(needed->begin(), needed->end(), items.begin(), items.end(), std::back_inserter(both));
    needed = std::move(both);
  }
  if (!needed) return;
  for (StatusItem item : *needed) {
    if (std::any_of(s.items.begin(), s.items.end(), [&](const auto& kv) { return kv.first == item; })) continue;
    ctx.rep.report("NTF-4", {index}, {notify->sent},
                   "the initial STATUS for \"" + s.mailbox + "\" lacks " + item_name(item) + ", which the events "
                   "NOTIFY SET STATUS asked for need (MessageNew: MESSAGES UIDNEXT UIDVALIDITY; MessageExpunge: "
                   "MESSAGES; FlagChange with CONDSTORE: UIDVALIDITY HIGHESTMODSEQ).");
    return;
  }
}

// ---- NTF-10 through the oracle ----
//
// RFC 5465 §5: "The server SHOULD omit notifying the client if the event is caused by this client." The
// black-box check (check_own_change) needs a NOOP between another client's change and the client's own. Here
// the oracle says when the server owed the client nothing: a command sent then (the sync), with no other
// client's change in flight, is answered after everything made before it ran, since one connection's output
// keeps its order. From its reply on, as long as no other client sends a change, every push was made after
// the sync ran, when only this client changed anything: a push showing the effect of the client's own STORE
// (new flags) or APPEND/COPY/MOVE (a higher UIDNEXT) is about its own change.

namespace {

using proto::CommandKind;

std::string n(std::uint64_t v) { return std::to_string(v); }

// Messages one STORE record follows (count); a larger STORE is not judged.
constexpr std::size_t own_change_uids_max = 64;

// Flags compare case-insensitively (RFC 3501 §2.3.2); \Recent is per session and never a change.
std::vector<std::string> normalized_flags(const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) {
    std::string l = f;
    for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (l != "\\recent") out.push_back(std::move(l));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Commands of another client that may change messages, flags or mailboxes (SELECT/EXAMINE only claim
// \Recent, which is per session).
bool changes_for_others(CommandKind k) {
  return changes_messages(k) && k != CommandKind::Select && k != CommandKind::Examine;
}

// Whether some other client has such a command in flight, or left with one the server may still run.
bool others_busy(const Ctx& ctx, const ClientState& c) {
  for (const auto& [id, d] : ctx.clients) {
    if (id == c.id) continue;
    if (d.change_lost) return true;
    for (const Inflight& f : d.inflight) {
      if (changes_for_others(ctx.log[f.sent].command->kind)) return true;
    }
  }
  return false;
}

// A STORE in the selected mailbox, watched with FlagChange on SELECTED (RFC 5465 §5.1).
bool own_flags(const Ctx& ctx, const ClientState& c, const proto::Command& cmd, model::SessionId session,
               OwnChange& own) {
  const auto* a = std::get_if<proto::StoreArgs>(&cmd.args);
  if (a == nullptr || a->unchanged_since || !c.notify.selected_flags || !c.view_usable()) return false;
  const auto info = oracle_mailbox(ctx, c, c.view.mailbox);
  if (!info || c.view.uidvalidity == 0 || info->uidvalidity != c.view.uidvalidity) return false;
  const auto named = resolve_in_view(a->set, cmd.uid, ctx.oracle->model().session_view(session));
  if (!named || named->empty() || named->size() > own_change_uids_max) return false;
  for (std::uint32_t uid : *named) {
    const auto flags = ctx.oracle->model().flags(c.view.mailbox, uid);
    if (!flags) continue;
    own.uids.push_back(uid);
    own.before.push_back(normalized_flags(*flags));
  }
  own.kind = OwnChange::Kind::Flags;
  own.mailbox = c.view.mailbox;
  own.uidvalidity = c.view.uidvalidity;
  return !own.uids.empty();
}

// An APPEND/COPY/MOVE to a mailbox other than the selected one, which NOTIFY reports with STATUS (RFC 5465
// §5.2).
bool own_status(const Ctx& ctx, const ClientState& c, const proto::Command& cmd, OwnChange& own) {
  std::string to;
  if (const auto* a = std::get_if<proto::AppendArgs>(&cmd.args)) to = a->mailbox;
  if (const auto* a = std::get_if<proto::CopyArgs>(&cmd.args)) to = a->mailbox;
  if (to.empty() || !c.notify.other_message_events) return false;
  if (c.view.valid && same_name(to, c.view.mailbox)) return false;
  const auto info = oracle_mailbox(ctx, c, to);
  if (!info) return false;
  own.kind = OwnChange::Kind::Status;
  own.mailbox = to;
  own.uidvalidity = info->uidvalidity;
  own.uidnext_before = info->uidnext;
  return true;
}

// Whether the record still describes the client's session: same NOTIFY set, same selection.
bool own_change_current(const ClientState& c) {
  const OwnChange& own = c.own_change;
  return own.synced && c.connected && !c.bye && c.notify.active && c.notifies == 0 && c.selects == 0 &&
         c.notify.set_at == own.notify_set_at && c.view.selected_at == own.selected_at;
}

// Whether a push arriving now is judged: the client's own change was recorded, and the sync's reply came.
bool own_change_judged(const ClientState& c, OwnChange::Kind kind) {
  if (c.own_change.kind != kind || !own_change_current(c)) return false;
  return std::none_of(c.inflight.begin(), c.inflight.end(),
                      [&](const Inflight& f) { return f.sent == c.own_change.sync_sent; });
}

// The sync: nothing of this client in flight, nothing owed to it, no other client's change in flight.
void start_sync(const Ctx& ctx, ClientState& c, EventIndex index) {
  c.own_change = {};
  if (ctx.oracle == nullptr || !c.connected || c.bye || !c.notify.active || c.notifies > 0 || c.idle) return;
  if (!c.inflight.empty() || c.selects > 0 || others_busy(ctx, c)) return;
  const auto session = ctx.oracle->session_of(c.id);
  if (!session || ctx.oracle->model().has_unsolicited(*session)) return;
  c.own_change.synced = true;
  c.own_change.sync_sent = index;
  c.own_change.notify_set_at = c.notify.set_at;
  c.own_change.selected_at = c.view.selected_at;
}

void report_own_change(Ctx& ctx, const ClientState& c, EventIndex index, const std::string& what) {
  const OwnChange& own = c.own_change;
  const auto named = [&](EventIndex i) {
    const proto::Command& cmd = *ctx.log[i].command;
    return std::string(proto::command_name(cmd.kind)) + " " + cmd.tag;
  };
  ctx.rep.report("NTF-10", {index}, {own.sent, own.sync_sent},
                 "client " + n(c.id) + " was notified " + what + ": its session was owed nothing when it sent " +
                     named(own.sync_sent) + ", whose reply came before this push, and no other client sent a "
                     "change since, so the push is about its own " + named(own.sent) + " (RFC 5465 §5: the "
                     "server SHOULD omit notifying the client if the event is caused by this client).");
}

}  // namespace

void own_change_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (changes_for_others(cmd.kind)) {
    for (auto& [id, other] : ctx.clients) {
      if (id != c.id) other.own_change = {};
    }
  }
  if (!own_change_current(c)) {
    start_sync(ctx, c, index);  // this command is the sync; pushes before its reply may be older
    return;
  }
  const bool change = cmd.kind == CommandKind::Store || cmd.kind == CommandKind::Append ||
                      cmd.kind == CommandKind::Copy || cmd.kind == CommandKind::Move;
  if (c.own_change.kind != OwnChange::Kind::None || !change || ctx.oracle == nullptr) return;
  const auto session = ctx.oracle->session_of(c.id);
  if (!session) return;
  OwnChange own = c.own_change;
  const bool started = cmd.kind == CommandKind::Store ? own_flags(ctx, c, cmd, *session, own)
                                                     : own_status(ctx, c, cmd, own);
  if (!started) return;
  own.sent = index;
  c.own_change = std::move(own);
}

void own_change_fetch(Ctx& ctx, ClientState& c, const proto::FetchData& fetch, EventIndex index) {
  if (!own_change_judged(c, OwnChange::Kind::Flags)) return;
  // A FETCH or a STORE without .SILENT of the client's own asks for FETCH responses.
  for (const Inflight& f : c.inflight) {
    const proto::Command& cmd = *ctx.log[f.sent].command;
    const auto* a = std::get_if<proto::StoreArgs>(&cmd.args);
    if (cmd.kind == CommandKind::Fetch || (a != nullptr && !a->silent)) return;
  }
  std::uint32_t uid = 0;
  const std::vector<std::string>* flags = nullptr;
  for (const auto& att : fetch.atts) {
    if (att.kind == proto::MsgAtt::Kind::Uid) uid = static_cast<std::uint32_t>(att.number);
    if (att.kind == proto::MsgAtt::Kind::Flags) flags = &att.flags;
  }
  if (uid == 0 && fetch.number >= 1 && fetch.number <= c.view.count()) uid = c.view.entries[fetch.number - 1].uid;
  const OwnChange& own = c.own_change;
  const auto it = std::find(own.uids.begin(), own.uids.end(), uid);
  if (flags == nullptr || uid == 0 || it == own.uids.end()) return;
  // The flags the client had when it sent its STORE: a push showing them may be a repeat, not a change.
  if (normalized_flags(*flags) == own.before[static_cast<std::size_t>(it - own.uids.begin())]) return;
  report_own_change(ctx, c, index, "with a FETCH of the flags of UID " + n(uid) + " in \"" + own.mailbox + "\"");
}

void own_change_status(Ctx& ctx, ClientState& c, const proto::StatusData& status, EventIndex index) {
  if (!own_change_judged(c, OwnChange::Kind::Status)) return;
  for (const Inflight& f : c.inflight) {
    const auto kind = ctx.log[f.sent].command->kind;
    if (kind == CommandKind::Status || kind == CommandKind::List) return;  // asked for
  }
  const OwnChange& own = c.own_change;
  if (!same_name(status.mailbox, own.mailbox)) return;
  for (const auto& [item, value] : status.items) {
    if (item == proto::StatusItem::UidValidity && value != own.uidvalidity) return;
  }
  for (const auto& [item, value] : status.items) {
    if (item != proto::StatusItem::UidNext || value <= own.uidnext_before) continue;
    report_own_change(ctx, c, index, "with a STATUS of \"" + own.mailbox + "\" whose UIDNEXT counts its own new "
                      "message");
    return;
  }
}

// ---- NTF-10, own APPEND/COPY: RFC 5465 §5.2, the MessageNew FETCH "SHOULD NOT be generated for a new message
// created by the client on this particular connection". The UID of a message this client's command creates
// does not exist before the command runs, and the command's reply is written whole before any push, so a
// FETCH of that UID arriving before the reply, with no FETCH/STORE of this client in flight, is that push.
namespace {

const std::string* destination_of(const proto::Command& cmd) {
  if (const auto* a = std::get_if<proto::AppendArgs>(&cmd.args)) return &a->mailbox;
  if (cmd.kind == CommandKind::Copy) return &std::get<proto::CopyArgs>(cmd.args).mailbox;
  return nullptr;  // MOVE names its UIDs in an untagged OK, and into the selected mailbox it is rare
}

bool adds_to_selected(const Ctx& ctx, const ClientState& c, const Inflight& f) {
  const std::string* to = destination_of(*ctx.log[f.sent].command);
  return to != nullptr && same_name(*to, c.view.mailbox);
}

bool set_has(const proto::SequenceSet& set, std::uint32_t uid) {
  return std::any_of(set.ranges.begin(), set.ranges.end(), [&](const auto& r) {
    return std::min(r.first, r.last) <= uid && uid <= std::max(r.first, r.last);
  });
}

}  // namespace

void own_new_fetch(Ctx& ctx, ClientState& c, const proto::FetchData& fetch, EventIndex index) {
  if (!c.notify.active || !c.notify.selected_new || c.notifies > 0 || !c.view_usable()) return;
  bool adding = false;
  for (const Inflight& f : c.inflight) {
    const auto kind = ctx.log[f.sent].command->kind;
    if (kind == CommandKind::Fetch || kind == CommandKind::Store) return;  // asked for FETCH responses
    adding |= adds_to_selected(ctx, c, f);
  }
  if (!adding) return;
  for (const auto& att : fetch.atts) {
    if (att.kind == proto::MsgAtt::Kind::Uid) c.session.new_fetches.emplace_back(static_cast<std::uint32_t>(att.number), index);
  }
}

void own_new_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                       const Inflight& f, EventIndex index) {
  auto& fetches = c.session.new_fetches;
  if (fetches.empty() || destination_of(cmd) == nullptr) return;
  const bool append = cmd.kind == CommandKind::Append;
  const proto::ResponseCode* code = st.code ? &*st.code : nullptr;
  const bool assigned = st.condition == proto::Condition::Ok && code != nullptr && code->number &&
                        code->name == (append ? "APPENDUID" : "COPYUID") && c.view.valid &&
                        *code->number == c.view.uidvalidity && same_name(*destination_of(cmd), c.view.mailbox);
  if (assigned) {
    const proto::SequenceSet& uids = append ? code->set1 : code->set2;
    for (const auto& [uid, at] : fetches) {
      if (at < f.sent || !set_has(uids, uid)) continue;
      ctx.rep.report("NTF-10", {at}, {f.sent, index},
                     "client " + n(c.id) + " was sent a NOTIFY MessageNew FETCH for UID " + n(uid) + ", the message "
                     "its own " + std::string(proto::command_name(cmd.kind)) + " " + cmd.tag + " created in its "
                     "selected mailbox (RFC 5465 §5.2: it \"SHOULD NOT be generated for a new message created by "
                     "the client on this particular connection\").");
      return;
    }
  }
  const bool more = std::any_of(c.inflight.begin(), c.inflight.end(),
                                [&](const Inflight& g) { return destination_of(*ctx.log[g.sent].command) != nullptr; });
  if (!more) fetches.clear();
}

}  // namespace imaplab::sim::detail
