// LST-3, MBX-7, APP-2: what the true names must be after a name-level command, judged through the oracle only
// while nothing that changes names or 'l' rights (CREATE, DELETE, RENAME, SETACL, DELETEACL) ran beside it.
// LST-3 [C,O]: a LIST names every mailbox the user may see that its reference and patterns match (RFC 3501
// §6.3.8), with sim's own matcher (check_list.cpp), not the model's LIST code. MBX-7 [C,O]: CREATE / RENAME of
// a hierarchical name leaves every superior name existing (RFC 3501 §6.3.3, §6.3.5). APP-2 [C,O]: APPEND to a
// name the store keeps only as a \Noselect placeholder fails and adds no message (RFC 3501 §6.3.4, §6.3.11).
#include <algorithm>
#include <cctype>
#include <set>

#include "model/store.hpp"
#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {

namespace {

using proto::CommandKind;

// Matching costs O(pattern * name) per stored name; longer patterns or names are not judged.
constexpr std::size_t list_chars_max = 1024;
// Each LST-3 judgement walks the store's names once; larger stores are left unjudged.
constexpr std::size_t list_names_max = 4096;

// LST-3: the client's only command, a LIST, sent while no name/ACL change was in flight anywhere.
struct ListProbe {
  bool active = false;
  EventIndex sent = 0;
  std::string tag;
  std::uint64_t changes_sent = 0;  // NamesState::changes_sent right after the send
  std::set<std::string> named;     // the names its LIST replies gave (INBOX in capitals)
};

// MBX-7: a CREATE or RENAME sent while no DELETE or RENAME was in flight anywhere; `name` is the new name.
// APP-2: an APPEND to a \Noselect placeholder sent while no name/ACL change was in flight anywhere.
struct NameProbe7 {
  bool active = false;
  EventIndex sent = 0;
  std::string tag;
  std::string name;
  std::uint64_t counter = 0;  // NamesState::removers_sent (MBX-7) or ::changes_sent (APP-2) after the send
};

struct ClientNames {
  ListProbe list;
  NameProbe7 superiors;  // MBX-7
  NameProbe7 append;     // APP-2
};

}  // namespace

struct NamesState {
  std::map<ClientId, ClientNames> clients;
  std::uint64_t changes_sent = 0;   // CREATE, DELETE, RENAME, SETACL, DELETEACL sent by anyone
  std::uint64_t removers_sent = 0;  // DELETE, RENAME sent by anyone
  std::set<std::string> deleted;    // every name a DELETE was sent for: under delete=ghost it may stay reserved
};

namespace {

NamesState& state(Ctx& ctx) {
  if (!ctx.cross.names) ctx.cross.names = std::make_shared<NamesState>();
  return *ctx.cross.names;
}

bool changes_names_or_lookup(CommandKind k) {
  return k == CommandKind::Create || k == CommandKind::Delete || k == CommandKind::Rename ||
         k == CommandKind::SetAcl || k == CommandKind::DeleteAcl;
}

bool removes_names(CommandKind k) { return k == CommandKind::Delete || k == CommandKind::Rename; }

// "INBOX" in any case is INBOX (RFC 3501 §5.1).
std::string canonical(const std::string& name) {
  if (name.size() != 5) return name;
  std::string up = name;
  for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return up == "INBOX" ? up : name;
}

// The superior hierarchical names of `name` ("a/b/c": "a", "a/b"); one trailing delimiter declares a future
// parent and is dropped first (RFC 3501 §6.3.3).
std::vector<std::string> superiors(std::string name) {
  if (name.size() > 1 && name.back() == model::delimiter) name.pop_back();
  std::vector<std::string> out;
  for (std::size_t pos = name.find(model::delimiter); pos != std::string::npos;
       pos = name.find(model::delimiter, pos + 1)) {
    if (pos > 0) out.push_back(name.substr(0, pos));
  }
  return out;
}

bool plain_list(const proto::Command& cmd) {
  if (cmd.kind != CommandKind::List) return false;
  const auto* a = std::get_if<proto::ListArgs>(&cmd.args);
  if (a == nullptr || a->patterns.empty()) return false;
  for (const std::string& o : a->select_options) {
    if (o != "REMOTE") return false;  // SUBSCRIBED selects subscriptions (MBX-6's business)
  }
  for (const std::string& p : a->patterns) {
    if (p.empty() || a->reference.size() + p.size() > list_chars_max) return false;  // §6.3.8's root query
  }
  return true;
}

bool alone(const ClientState& c) {
  return c.authenticated && !c.user.empty() && c.inflight.empty() && !c.idle && !c.notify.active &&
         c.notifies == 0 && !c.bye;
}

void sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  NamesState& s = state(ctx);
  ClientNames& cn = s.clients[c.id];
  cn.list = {};  // another command of this client: LIST replies could be anyone's now
  // Is a change already in flight (any client, or lost with a disconnect)? Asked before this one counts.
  const bool changes_running =
      any_in_flight(ctx, [](const proto::Command& x) { return changes_names_or_lookup(x.kind); });
  const bool removers_running = any_in_flight(ctx, [](const proto::Command& x) { return removes_names(x.kind); });
  if (changes_names_or_lookup(cmd.kind)) ++s.changes_sent;
  if (removes_names(cmd.kind)) ++s.removers_sent;
  if (cmd.kind == CommandKind::Delete) {
    if (const auto* a = std::get_if<proto::MailboxArgs>(&cmd.args)) s.deleted.insert(a->mailbox);
  }
  if (ctx.oracle == nullptr || !c.authenticated || c.user.empty()) return;
  if (plain_list(cmd) && alone(c) && !changes_running) {
    cn.list = ListProbe{true, index, cmd.tag, s.changes_sent, {}};
  }
  if ((cmd.kind == CommandKind::Create || cmd.kind == CommandKind::Rename) && !removers_running) {
    const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args);
    const auto* r = std::get_if<proto::RenameArgs>(&cmd.args);
    const std::string name = m != nullptr ? m->mailbox : r != nullptr ? r->to : std::string();
    if (!name.empty() && !superiors(name).empty()) {
      cn.superiors = NameProbe7{true, index, cmd.tag, name, s.removers_sent};
    }
  }
  if (cmd.kind == CommandKind::Append && !changes_running) {
    const auto* a = std::get_if<proto::AppendArgs>(&cmd.args);
    if (a != nullptr) {
      const auto truth = ctx.oracle->model().name_info(c.user, a->mailbox);
      if (truth.exists && truth.noselect) cn.append = NameProbe7{true, index, cmd.tag, a->mailbox, s.changes_sent};
    }
  }
}

// LST-3: every name of the store the user may see that a pattern matches is among the LIST's replies.
void judge_list(Ctx& ctx, const ClientState& c, const ListProbe& p, EventIndex index) {
  const proto::Command& cmd = *ctx.log[p.sent].command;
  const auto& a = std::get<proto::ListArgs>(cmd.args);
  std::vector<std::string> patterns;
  for (const std::string& q : a.patterns) patterns.push_back(a.reference + q);
  const model::Model& m = ctx.oracle->model();
  const auto headers = m.mailbox_headers();
  if (headers.size() > list_names_max) return;
  // Only exact-case matches are owed: whether "inbox*" names INBOX is left open (RFC 3501 §5.1, §6.3.8).
  const auto matched = [&](const std::string& name, bool percent_last_only) -> const std::string* {
    if (name.size() > list_chars_max) return nullptr;
    for (const std::string& pattern : patterns) {
      if (percent_last_only && pattern.back() != '%') continue;
      if (list_pattern_matches(pattern, name, model::delimiter, false)) return &pattern;
    }
    return nullptr;
  };
  const auto missing = [&](const std::string& name, const std::string& pattern, const char* why) {
    ctx.rep.report("LST-3", {index}, {p.sent},
                   "LIST \"" + a.reference + "\" completed without naming \"" + name + "\", which " + why +
                       " and which the pattern \"" + pattern + "\" matches ('*' matches anything, '%' anything "
                       "but the delimiter '" + std::string(1, model::delimiter) + "'; RFC 3501 §6.3.8); no "
                       "CREATE, DELETE, RENAME, SETACL or DELETEACL was in flight from the LIST's send to its OK.");
  };
  const bool ghosts = m.policy().del == model::Policy::Delete::Ghost;
  const NamesState& s = *ctx.cross.names;
  std::set<std::string> parents_done;
  for (const auto& info : headers) {
    if (!is_shared(info.name) && info.owner != c.user) continue;  // another user's personal name
    const auto truth = m.name_info(c.user, info.name);
    if (!truth.exists || !truth.visible) continue;
    if (p.named.count(canonical(info.name)) == 0) {
      if (const std::string* pattern = matched(info.name, false)) {
        return missing(info.name, *pattern, "the store holds and the user may look up ('l', RFC 4314 §2.1)");
      }
    }
    // RFC 3501 §6.3.8: with '%' last, "matching levels of hierarchy are also returned", as \Noselect when they
    // are no mailboxes. Under delete=ghost a superior that some DELETE named may be missing while its ghost
    // holds the name (RFC 2180 §3.2): not judged.
    for (const std::string& up : superiors(info.name)) {
      if (!parents_done.insert(up).second || p.named.count(canonical(up)) != 0) continue;
      if (m.name_info(c.user, up).exists) continue;  // judged as a name of its own above
      if (ghosts && s.deleted.count(up) != 0) continue;
      if (const std::string* pattern = matched(up, true)) {
        return missing(up, *pattern, ("is a level of hierarchy above \"" + info.name + "\"").c_str());
      }
    }
  }
}

// MBX-7: after CREATE / RENAME OK, every superior of the new name exists (a mailbox or a \Noselect placeholder).
void judge_superiors(Ctx& ctx, const ClientState& c, const NameProbe7& p, const proto::Command& cmd,
                     EventIndex index) {
  const model::Model& m = ctx.oracle->model();
  const bool ghosts = m.policy().del == model::Policy::Delete::Ghost;
  const NamesState& s = *ctx.cross.names;
  for (const std::string& up : superiors(p.name)) {
    if (m.name_info(c.user, up).exists) continue;
    if (ghosts && s.deleted.count(up) != 0) continue;  // RFC 2180 §3.2: a ghost may still hold the name
    const bool create = cmd.kind == CommandKind::Create;
    ctx.rep.report("MBX-7", {index}, {p.sent},
                   std::string(create ? "CREATE" : "RENAME") + " of \"" + p.name + "\" completed OK, but its "
                   "superior hierarchical name \"" + up + "\" does not exist in the store (RFC 3501 " +
                   (create ? "§6.3.3" : "§6.3.5") + ": \"the server SHOULD create any superior hierarchical "
                   "names that are needed\"); no DELETE or RENAME was in flight from its send to its OK.");
    return;
  }
}

// APP-2: APPEND to a \Noselect placeholder fails and the placeholder holds no message.
void judge_append(Ctx& ctx, const ClientState& c, const NameProbe7& p, const proto::StatusResponse& st,
                  EventIndex index) {
  const model::Model& m = ctx.oracle->model();
  const auto truth = m.name_info(c.user, p.name);
  std::string why;
  if (st.condition == proto::Condition::Ok) {
    why = "APPEND to \"" + p.name + "\" was answered OK, but the store keeps that name only as a \\Noselect "
          "placeholder of its inferiors (RFC 3501 §6.3.4), which cannot hold messages (§6.3.11: \"If the "
          "destination mailbox does not exist, a server MUST return an error\")";
  } else if (truth.exists && truth.noselect) {
    const auto info = users_mailbox(ctx, c.user, p.name);
    if (info && !info->uids.empty()) {
      why = "APPEND to the \\Noselect placeholder \"" + p.name + "\" failed but left a message in it (RFC 3501 "
            "§6.3.4, §6.3.11)";
    }
  }
  if (why.empty()) return;
  ctx.rep.report("APP-2", {index}, {p.sent},
                 why + "; no CREATE, DELETE, RENAME, SETACL or DELETEACL was in flight from its send to its reply.");
}

void received(Ctx& ctx, ClientState& c, const proto::Response& r, EventIndex index) {
  NamesState& s = state(ctx);
  const auto it = s.clients.find(c.id);
  if (it == s.clients.end()) return;
  ClientNames& cn = it->second;
  if (const auto* list = std::get_if<proto::ListData>(&r.body)) {
    if (cn.list.active && !list->lsub) cn.list.named.insert(canonical(list->mailbox));
    return;
  }
  const auto* st = std::get_if<proto::StatusResponse>(&r.body);
  if (st == nullptr || r.untagged || r.tag.empty()) return;
  if (cn.list.active && r.tag == cn.list.tag) {
    const ListProbe p = std::move(cn.list);
    cn.list = {};
    if (st->condition == proto::Condition::Ok && p.changes_sent == s.changes_sent && ctx.oracle != nullptr &&
        !c.idle && !c.notify.active && c.notifies == 0 && !c.bye) {
      judge_list(ctx, c, p, index);
    }
  }
  if (cn.superiors.active && r.tag == cn.superiors.tag) {
    const NameProbe7 p = std::move(cn.superiors);
    cn.superiors = {};
    const proto::Command& cmd = *ctx.log[p.sent].command;
    if (st->condition == proto::Condition::Ok && p.counter == s.removers_sent && ctx.oracle != nullptr) {
      judge_superiors(ctx, c, p, cmd, index);
    }
  }
  if (cn.append.active && r.tag == cn.append.tag) {
    const NameProbe7 p = std::move(cn.append);
    cn.append = {};
    if (p.counter == s.changes_sent && ctx.oracle != nullptr && !c.bye) judge_append(ctx, c, p, *st, index);
  }
}

}  // namespace

void names_observe(Ctx& ctx, ClientState& c, EventIndex index) {
  const Event& e = ctx.log[index];
  if (ctx.rep.stopped()) return;
  switch (e.dir) {
    case Event::Dir::Connected:
    case Event::Dir::Disconnected:
      if (ctx.cross.names) ctx.cross.names->clients.erase(c.id);
      break;
    case Event::Dir::Sent:
      if (e.command) {
        sent(ctx, c, *e.command, index);
      } else if (ctx.cross.names) {
        if (const auto it = ctx.cross.names->clients.find(c.id); it != ctx.cross.names->clients.end()) {
          it->second.list = {};  // a raw line (DONE, an unparseable command): the LIST no longer stands alone
        }
      }
      break;
    case Event::Dir::Received:
      if (e.response) received(ctx, c, *e.response, index);
      break;
  }
}

}  // namespace imaplab::sim::detail
