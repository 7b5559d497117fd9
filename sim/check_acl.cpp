// ACC-2: a user never lists, selects, examines, STATUSes or hears NOTIFY events about a shared mailbox after
// a SETACL/DELETEACL took the rights for it away (RFC 4314 §2.1, §4; RFC 5465 §3.1, §5, §5.9). Cross-client
// and white-box: the rights come from the true store right after the ACL change completed.
//
// What counts as "after": a command sent once the ACL change's tagged OK had arrived ran after the change,
// and so did everything its session was sent after such a command's tagged reply (one connection's output
// keeps its order). A fact ends as soon as another command that could change that mailbox's ACL or name is
// sent. Not judged, deliberately:
//  - a session that had the mailbox selected when its 'r' went away keeps it: RFC 4314 §5.1.1 lets a server
//    cache the rights at SELECT ("commands specific to the selected state ... might not reflect the changed
//    rights until the mailbox is re-selected"), so its EXISTS/EXPUNGE/FETCH go on;
//  - LSUB lists the user's own subscriptions, which RFC 3501 §6.3.9 says the server must not prune, and
//    RFC 4314 §4 needs 'l' for LSUB only when SUBSCRIBE checks existence;
//  - a LIST with \NonExistent (RFC 5465 §5.4: losing 'l' is a deletion) or \NoAccess (RFC 5465 §5.9 SHOULD);
//  - SELECT/STATUS by a user who has 'r' but lost 'l' (RFC 4314 §4 asks only 'r' of them);
//  - personal mailboxes: another user's personal name is a different mailbox, and no user shares one here.
// Also ACC-3's 'a' half (SETACL, DELETEACL, GETACL, LISTRIGHTS without 'a' fail) and ACC-6 (SELECT's READ-ONLY
// or READ-WRITE follows the rights, RFC 4314 §5.2), both judged by the rights the shared mailbox's ACL entries
// give the user while no ACL or name change of it runs beside the command.
#include <algorithm>
#include <cctype>

#include "model/store.hpp"

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

constexpr std::size_t acl_probes_max = 64;  // ACL changes in flight followed at once; more are not judged
constexpr const char* acc3_rights = "ietws";  // rights ACC-3 judges commands by (check_access.cpp)

bool iequal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool changes_acl(CommandKind k) { return k == CommandKind::SetAcl || k == CommandKind::DeleteAcl; }

// The mailbox names a command may change the ACL or the identity of (RENAME moves the ACL along, RFC 4314 §4;
// DELETE drops it; CREATE makes a new one).
std::vector<std::string> names_touched(const proto::Command& cmd) {
  switch (cmd.kind) {
    case CommandKind::SetAcl: case CommandKind::DeleteAcl:
      if (const auto* a = std::get_if<proto::AclArgs>(&cmd.args)) return {a->mailbox};
      return {};
    case CommandKind::Create: case CommandKind::Delete:
      if (const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args)) return {a->mailbox};
      return {};
    case CommandKind::Rename:
      if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args)) return {r->from, r->to};
      return {};
    default: return {};
  }
}

// A change of `touched` may change what `name` is or who may see it: the name itself or an ancestor.
bool related(const std::string& touched, const std::string& name) {
  return touched == name ||
         (name.size() > touched.size() && name.compare(0, touched.size(), touched) == 0 &&
          name[touched.size()] == model::delimiter);
}

bool touches(const proto::Command& cmd, const std::string& name) {
  const auto touched = names_touched(cmd);
  return std::any_of(touched.begin(), touched.end(), [&](const std::string& t) { return related(t, name); });
}

bool in_flight_touching(const Ctx& ctx, const std::string& name) {
  for (const auto& [id, b] : ctx.clients) {
    for (const Inflight& f : b.inflight) {
      if (touches(*ctx.log[f.sent].command, name)) return true;
    }
  }
  return false;
}

// The user's rights on `mailbox` in the true store now: for a shared mailbox the union of its ACL entries for the
// user and "anyone"; otherwise asked as MYRIGHTS (RFC 4314 §3.5) in a copy of the store through a session of that
// user. nullopt when no session of the user is at hand or the answer says nothing.
struct TrueRights {
  bool lookup = true, read = true;
  bool known = false;  // `held` is the whole set (ACC-3)
  std::string held;
};
std::optional<TrueRights> true_rights(const Ctx& ctx, const std::string& user, const std::string& mailbox) {
  // A shared mailbox's rights come from its ACL entries (check_codes.cpp acl_rights), not from the model's own
  // MYRIGHTS, so a wrong rights evaluation in the model cannot vouch for itself (ACC-5 judges MYRIGHTS).
  if (const auto held = acl_rights(ctx, user, mailbox)) {
    return TrueRights{held->find('l') != std::string::npos, held->find('r') != std::string::npos, true, *held};
  }
  std::optional<model::SessionId> session;
  for (const auto& [id, b] : ctx.clients) {
    if (!b.connected || !b.authenticated || b.bye || b.user != user || b.auths > 0) continue;
    session = ctx.oracle->session_of(id);
    if (session) break;
  }
  if (!session) return std::nullopt;
  model::Model copy = ctx.oracle->model();
  proto::Command cmd;
  cmd.tag = "acc2";
  cmd.kind = CommandKind::MyRights;
  proto::MailboxArgs args;
  args.mailbox = mailbox;
  cmd.args = std::move(args);
  model::Outcome out = copy.execute(*session, cmd);
  const auto* last = out.responses.empty() ? nullptr : std::get_if<proto::StatusResponse>(&out.responses.back().body);
  if (last != nullptr && last->condition == proto::Condition::Bad) {
    copy.idle_done(*session, "acc2i");  // the session idles: end that first, in the copy only
    out = copy.execute(*session, cmd);
    last = out.responses.empty() ? nullptr : std::get_if<proto::StatusResponse>(&out.responses.back().body);
  }
  if (last == nullptr) return std::nullopt;
  if (last->condition == proto::Condition::Ok) {
    for (const auto& r : out.responses) {
      const auto* d = std::get_if<proto::AclData>(&r.body);
      if (d == nullptr || d->kind != proto::AclData::Kind::MyRights || d->rights.empty()) continue;
      const std::string& rights = d->rights.front();
      return TrueRights{rights.find('l') != std::string::npos, rights.find('r') != std::string::npos, true, rights};
    }
    return std::nullopt;
  }
  if (last->condition != proto::Condition::No || !last->code) return std::nullopt;
  // NOPERM: none of "lrikxa" (RFC 4314 §4, MYRIGHTS); NONEXISTENT: the existing mailbox is hidden, no 'l'.
  if (iequal(last->code->name, "NOPERM")) return TrueRights{false, false, true, ""};
  if (iequal(last->code->name, "NONEXISTENT")) return TrueRights{false, true};
  return std::nullopt;
}

// A clean ACL change completed: record, for every user with a session, what the store now denies them.
void establish(Ctx& ctx, const AclProbe& p, EventIndex index) {
  if (ctx.oracle == nullptr || !ctx.oracle->model().mailbox(p.mailbox)) return;
  std::vector<std::string> users;
  for (const auto& [id, b] : ctx.clients) {
    if (!b.user.empty() && std::find(users.begin(), users.end(), b.user) == users.end()) users.push_back(b.user);
  }
  for (const std::string& user : users) {
    const auto rights = true_rights(ctx, user, p.mailbox);
    const auto key = std::make_pair(user, p.mailbox);
    // Some right ACC-3 judges is missing: a character of acc3_rights that the held set lacks.
    const bool lacks_other = rights && rights->known &&
                             std::string(acc3_rights).find_first_not_of(rights->held) != std::string::npos;
    if (!rights || (rights->lookup && rights->read && !lacks_other)) {
      ctx.cross.acl.facts.erase(key);
      continue;
    }
    ctx.cross.acl.facts[key] = AclFact{!rights->lookup, !rights->read, index, p.sent, rights->known, rights->held};
  }
}

// Commands judged by the rights the ACL entries give their user when they ran: GETACL and LISTRIGHTS need 'a'
// (ACC-3), SELECT's READ-ONLY / READ-WRITE follows 'i', 'e' and the flag rights (ACC-6). They change no ACL.
bool judged_by_rights(CommandKind k) {
  return k == CommandKind::Select || k == CommandKind::GetAcl || k == CommandKind::ListRights;
}

std::string mailbox_of(const proto::Command& cmd) {
  if (const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args)) return a->mailbox;
  if (const auto* a = std::get_if<proto::AclArgs>(&cmd.args)) return a->mailbox;
  return {};
}

// A probe like a SETACL's: `clean` says whether nothing that could change the mailbox's ACL or name was in flight
// at the send, and stays true while nothing such is sent before the reply.
void watch_rights(Ctx& ctx, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  AclState& acl = ctx.cross.acl;
  const std::string mailbox = mailbox_of(cmd);
  if (ctx.oracle == nullptr || c.user.empty() || !is_shared(mailbox) || acl.lost) return;
  if (acl.probes.size() >= acl_probes_max) return;
  acl.probes.push_back(AclProbe{c.id, cmd.tag, index, mailbox, !in_flight_touching(ctx, mailbox)});
}

// ACC-7: for SETACL with "+" or "-" rights (no obsolete 'c'/'d', whose mapping RFC 4314 §2.1.1 leaves open), the
// identifier's entry in the true store at the send; nullopt when not judged.
std::optional<std::string> acl_entry(const Ctx& ctx, const proto::Command& cmd, const std::string& mailbox) {
  const auto* a = std::get_if<proto::AclArgs>(&cmd.args);
  if (cmd.kind != CommandKind::SetAcl || a == nullptr || ctx.oracle == nullptr || a->rights.size() < 2) return std::nullopt;
  if (a->rights[0] != '+' && a->rights[0] != '-') return std::nullopt;
  if (a->rights.find_first_not_of(model::all_rights, 1) != std::string::npos) return std::nullopt;
  const auto acl = ctx.oracle->model().acl(mailbox);
  if (!acl) return std::nullopt;
  const auto it = acl->find(a->identifier);
  return it == acl->end() ? std::string() : it->second;
}

std::string sorted_set(std::string s) {
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

// ACC-7: a SETACL "+rights" / "-rights" answered OK with nothing beside it that could change the mailbox's ACL leaves
// the identifier's entry as it was with those rights added / removed (RFC 4314 §3.1).
void check_modify(Ctx& ctx, const proto::Command& cmd, const AclProbe& p, EventIndex index) {
  if (!p.entry) return;
  const auto& a = std::get<proto::AclArgs>(cmd.args);
  const auto acl = ctx.oracle->model().acl(p.mailbox);
  if (!acl) return;
  const auto it = acl->find(a.identifier);
  const std::string now = sorted_set(it == acl->end() ? std::string() : it->second);
  const std::string named = a.rights.substr(1);
  std::string expected;
  if (a.rights[0] == '+') {
    expected = sorted_set(*p.entry + named);
  } else {
    for (char r : *p.entry) {
      if (named.find(r) == std::string::npos) expected += r;
    }
    expected = sorted_set(expected);
  }
  if (now == expected) return;
  ctx.rep.report("ACC-7", {index}, {p.sent},
                 "SETACL \"" + p.mailbox + "\" " + a.identifier + " " + a.rights + " left the entry \"" + now +
                     "\" where it was \"" + sorted_set(*p.entry) + "\" at the send (no other ACL or name change "
                     "ran beside it): \"" + a.rights.substr(0, 1) + "\" " +
                     (a.rights[0] == '+' ? "adds the rights to" : "removes the rights from") +
                     " the identifier's existing rights, so \"" + expected + "\" was due (RFC 4314 §3.1).");
}

void acl_sent(Ctx& ctx, const ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (judged_by_rights(cmd.kind)) return watch_rights(ctx, c, cmd, index);
  const auto touched = names_touched(cmd);
  if (touched.empty()) return;
  AclState& acl = ctx.cross.acl;
  std::erase_if(acl.facts, [&](const auto& f) {
    return std::any_of(touched.begin(), touched.end(), [&](const std::string& t) { return related(t, f.first.second); });
  });
  for (AclProbe& p : acl.probes) {
    if (touches(cmd, p.mailbox)) p.clean = false;
  }
  // ACC-3's 'x' half: DELETE removes the ACL it ran under, so the rights are taken at the send, when nothing else
  // that could change them is in flight; one sent later before the reply makes the probe unclean.
  if (cmd.kind == CommandKind::Delete && is_shared(touched.front()) && !acl.lost && acl.probes.size() < acl_probes_max &&
      ctx.oracle != nullptr && !c.user.empty() && !in_flight_touching(ctx, touched.front())) {
    if (auto held = acl_rights(ctx, c.user, touched.front())) {
      acl.probes.push_back(AclProbe{c.id, cmd.tag, index, touched.front(), true, std::move(held)});
    }
    return;
  }
  if (!changes_acl(cmd.kind) || !is_shared(touched.front()) || acl.lost || acl.probes.size() >= acl_probes_max) return;
  AclProbe probe{c.id, cmd.tag, index, touched.front(), !in_flight_touching(ctx, touched.front())};
  probe.entry = acl_entry(ctx, cmd, touched.front());
  acl.probes.push_back(std::move(probe));
}

std::optional<AclFact> fact_for(const Ctx& ctx, const ClientState& c, const std::string& mailbox) {
  const auto it = ctx.cross.acl.facts.find(std::make_pair(c.user, mailbox));
  if (it == ctx.cross.acl.facts.end()) return std::nullopt;
  return it->second;
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

// SELECT, EXAMINE and STATUS need 'r' (RFC 4314 §4): judged for a command sent after the fact was known.
void check_read(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const Inflight& f, EventIndex index) {
  std::string mailbox;
  if (const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args)) mailbox = a->mailbox;
  if (const auto* a = std::get_if<proto::StatusArgs>(&cmd.args)) mailbox = a->mailbox;
  const auto fact = fact_for(ctx, c, mailbox);
  if (!fact || !fact->lacks_read || f.sent <= fact->since) return;
  ctx.rep.report("ACC-2", {index}, {f.sent, fact->cause, fact->since},
                 std::string(proto::command_name(cmd.kind)) + " " + quoted(mailbox) + " succeeded for " + c.user +
                     ", whose 'r' right on it was taken away before the command was sent; SELECT, EXAMINE and "
                     "STATUS need 'r' (RFC 4314 §4).");
}

// ACC-3's 'a' half: SETACL, DELETEACL, GETACL and LISTRIGHTS need 'a' on the mailbox (RFC 4314 §4). Judged for a
// command with nothing beside it that could change the mailbox's ACL or name, so the ACL entries now are the ones
// it ran under; a SETACL/DELETEACL of the user's own or "anyone"'s entry changed them itself and is not judged.
void check_admin(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const AclProbe& p, EventIndex index) {
  const auto* a = std::get_if<proto::AclArgs>(&cmd.args);
  if (changes_acl(cmd.kind) && (a == nullptr || a->identifier == c.user || a->identifier == "anyone")) return;
  const auto held = acl_rights(ctx, c.user, p.mailbox);
  if (!held || held->find('a') != std::string::npos) return;
  ctx.rep.report("ACC-3", {index}, {p.sent},
                 std::string(proto::command_name(cmd.kind)) + " " + quoted(p.mailbox) + " succeeded for " + c.user +
                     ", whose rights there are \"" + *held + "\" (its own and \"anyone\"'s ACL entries; no ACL or "
                     "name change ran beside it): SETACL/DELETEACL, GETACL and LISTRIGHTS need the \"a\" right on "
                     "the mailbox (RFC 4314 §4).");
}

// ACC-3's 'x' half: DELETE needs 'x' on the mailbox (RFC 4314 §4), judged by the ACL entries at its send.
void check_delete(Ctx& ctx, const ClientState& c, const AclProbe& p, EventIndex index) {
  if (!p.held || p.held->find('x') != std::string::npos) return;
  ctx.rep.report("ACC-3", {index}, {p.sent},
                 "DELETE " + quoted(p.mailbox) + " succeeded for " + c.user + ", whose rights there were \"" + *p.held +
                     "\" when it was sent (its own and \"anyone\"'s ACL entries; no ACL or name change ran beside "
                     "it): DELETE needs the \"x\" right on the mailbox (RFC 4314 §4).");
}

// ACC-6: SELECT's tagged OK says [READ-ONLY] exactly when none of "i", "e" and the shared flag rights ("s", "w",
// "t": every flag is shared here) is granted (RFC 4314 §5.2: MUST READ-ONLY, else SHOULD READ-WRITE). A reply
// without either code is left alone, as STA-2 leaves EXAMINE's.
void check_select_code(Ctx& ctx, const ClientState& c, const AclProbe& p, const proto::StatusResponse& st,
                       EventIndex index) {
  if (!st.code) return;
  const bool read_write = iequal(st.code->name, "READ-WRITE");
  if (!read_write && !iequal(st.code->name, "READ-ONLY")) return;
  const auto held = acl_rights(ctx, c.user, p.mailbox);
  if (!held) return;
  const bool may_change = held->find_first_of("iestw") != std::string::npos;
  if (may_change == read_write) return;
  ctx.rep.report("ACC-6", {index}, {p.sent},
                 "SELECT " + quoted(p.mailbox) + " answered [" + st.code->name + "] to " + c.user + ", whose rights "
                     "there are \"" + *held + "\" (no ACL or name change ran beside it): the server MUST send "
                     "READ-ONLY if none of \"i\", \"e\" and the shared flag rights (\"s\", \"w\", \"t\") is "
                     "granted, and SHOULD send READ-WRITE if one is (RFC 4314 §5.2).");
}

// The reply of a command acl_sent follows: a SETACL/DELETEACL establishes ACC-2's facts; each is judged by the
// rights it ran under (ACC-3, ACC-6).
void probe_completed(Ctx& ctx, const ClientState& c, const proto::Command& cmd, const AclProbe& p,
                     const proto::StatusResponse& st, EventIndex index) {
  if (!p.clean || st.condition != proto::Condition::Ok || ctx.cross.acl.lost) return;
  if (cmd.kind == CommandKind::Select) return check_select_code(ctx, c, p, st, index);
  if (cmd.kind == CommandKind::Delete) return check_delete(ctx, c, p, index);
  check_admin(ctx, c, cmd, p, index);
  if (cmd.kind == CommandKind::SetAcl && !ctx.rep.stopped()) check_modify(ctx, cmd, p, index);
  if (changes_acl(cmd.kind) && !ctx.rep.stopped()) establish(ctx, p, index);
}

void acl_completed(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  const auto it = std::find_if(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) { return f.tag == r.tag; });
  const auto* st = std::get_if<proto::StatusResponse>(&r.body);
  if (it == c.inflight.end() || st == nullptr) return;
  const proto::Command& cmd = *ctx.log[it->sent].command;
  AclState& acl = ctx.cross.acl;
  const auto probe = std::find_if(acl.probes.begin(), acl.probes.end(),
                                  [&](const AclProbe& p) { return p.client == c.id && p.sent == it->sent; });
  if (probe != acl.probes.end()) {
    const AclProbe p = *probe;
    acl.probes.erase(probe);
    probe_completed(ctx, c, cmd, p, *st, index);
    if (changes_acl(cmd.kind) || ctx.rep.stopped()) return;
  }
  const bool reads = cmd.kind == CommandKind::Select || cmd.kind == CommandKind::Examine ||
                     cmd.kind == CommandKind::Status;
  if (reads && st->condition == proto::Condition::Ok) check_read(ctx, c, cmd, *it, index);
}

// Whether untagged data arriving now was surely produced after event `since` (the fact's tagged OK): every
// command of this client in flight was sent after it, and either one sent after it has completed (output
// keeps its order) or nothing but those commands can be answering (no NOTIFY set that pushes on its own).
bool produced_after(const ClientState& c, EventIndex since) {
  if (std::any_of(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) { return f.sent <= since; })) {
    return false;
  }
  if (c.last_completed_sent > since) return true;
  return !c.inflight.empty() && !c.notify.active && c.notifies == 0;
}

bool has_attribute(const proto::ListData& l, const char* attribute) {
  return std::any_of(l.attributes.begin(), l.attributes.end(), [&](const std::string& a) { return iequal(a, attribute); });
}

void check_list(Ctx& ctx, const ClientState& c, const proto::ListData& l, EventIndex index) {
  if (l.lsub || has_attribute(l, "\\NonExistent") || has_attribute(l, "\\NoAccess")) return;
  const auto fact = fact_for(ctx, c, l.mailbox);
  if (!fact || !fact->lacks_lookup || !produced_after(c, fact->since)) return;
  ctx.rep.report("ACC-2", {index}, {fact->cause, fact->since},
                 "a LIST showed " + quoted(l.mailbox) + " to " + c.user + " after its 'l' right was taken away; "
                     "without 'l' the mailbox is invisible to LIST (RFC 4314 §2.1, §4) and its loss is a deletion "
                     "for NOTIFY (RFC 5465 §5.4: LIST with \\NonExistent).");
}

// A STATUS command of this client naming `mailbox` is in flight, or a LIST ... RETURN (STATUS ...) (RFC 5819),
// whose STATUS answers are asked for like the STATUS command's (a subscribed mailbox listed \NonExistent may
// come with one).
bool asked_status(const Ctx& ctx, const ClientState& c, const std::string& mailbox) {
  return std::any_of(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) {
    const proto::Command& cmd = *ctx.log[f.sent].command;
    if (const auto* l = std::get_if<proto::ListArgs>(&cmd.args)) return !l->return_status.empty();
    const auto* a = std::get_if<proto::StatusArgs>(&cmd.args);
    return a != nullptr && a->mailbox == mailbox;
  });
}

void check_status(Ctx& ctx, const ClientState& c, const proto::StatusData& s, EventIndex index) {
  const auto fact = fact_for(ctx, c, s.mailbox);
  if (!fact || !(fact->lacks_lookup || fact->lacks_read) || !produced_after(c, fact->since)) return;
  if (c.view.valid && c.view.mailbox == s.mailbox) return;  // held since before: RFC 4314 §5.1.1
  // The STATUS command itself needs only 'r' (RFC 4314 §4); a NOTIFY event needs 'l' too (RFC 5465 §5).
  if (!fact->lacks_read && asked_status(ctx, c, s.mailbox)) return;
  ctx.rep.report("ACC-2", {index}, {fact->cause, fact->since},
                 "a STATUS about " + quoted(s.mailbox) + " reached " + c.user + " after its '" +
                     std::string(fact->lacks_lookup ? "l" : "r") + "' right was taken away; STATUS needs 'r' "
                     "(RFC 4314 §4), every NOTIFY event needs 'l' and 'r' on the mailbox (RFC 5465 §5), and "
                     "monitoring stops when access is lost (RFC 5465 §5.9).");
}

void acl_untagged(Ctx& ctx, const ClientState& c, const proto::Response& r, EventIndex index) {
  if (c.user.empty() || ctx.cross.acl.facts.empty()) return;
  if (const auto* l = std::get_if<proto::ListData>(&r.body)) check_list(ctx, c, *l, index);
  if (const auto* s = std::get_if<proto::StatusData>(&r.body)) check_status(ctx, c, *s, index);
}

// A client that leaves with an ACL or name change in flight: the server may still run it, at a moment the
// transcript cannot place, so from here on nothing is known for sure.
void acl_disconnected(Ctx& ctx, const ClientState& c) {
  AclState& acl = ctx.cross.acl;
  std::erase_if(acl.probes, [&](const AclProbe& p) { return p.client == c.id; });
  const bool lost = std::any_of(c.inflight.begin(), c.inflight.end(),
                                [&](const Inflight& f) { return !names_touched(*ctx.log[f.sent].command).empty(); });
  if (!lost) return;
  acl.lost = true;
  acl.facts.clear();
  acl.probes.clear();
}

}  // namespace

const AclFact* acl_fact(const Ctx& ctx, const std::string& user, const std::string& mailbox) {
  const auto it = ctx.cross.acl.facts.find(std::make_pair(user, mailbox));
  return it == ctx.cross.acl.facts.end() ? nullptr : &it->second;
}

void acl_observe(Ctx& ctx, ClientState& c, EventIndex index) {
  codes_observe(ctx, c, index);  // check_codes.cpp, fed at the same moment (its command still in flight)
  const Event& e = ctx.log[index];
  switch (e.dir) {
    case Event::Dir::Sent:
      if (e.command) acl_sent(ctx, c, *e.command, index);
      break;
    case Event::Dir::Received:
      if (!e.response || std::holds_alternative<proto::ContinuationData>(e.response->body)) break;
      if (e.response->untagged) acl_untagged(ctx, c, *e.response, index);
      else acl_completed(ctx, c, *e.response, index);
      break;
    case Event::Dir::Disconnected:
      acl_disconnected(ctx, c);
      break;
    case Event::Dir::Connected:
      break;
  }
}

}  // namespace imaplab::sim::detail
