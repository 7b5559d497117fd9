// The command table (which state each command needs, whether a UID form exists), running a command, and
// attaching the updates due with its responses: RFC 3501 §7.4.1 forbids EXPUNGE while answering FETCH, STORE
// and SEARCH; NOOP and CHECK restate EXISTS after expunges as RFC 2180's examples show.
#include "model/dispatch.hpp"

#include <algorithm>

#include "model/commands.hpp"
#include "model/notify.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

using proto::CommandKind;

enum class Allowed { Any, NotAuthenticated, Authenticated, Selected };
enum class Updates { None, NoExpunge, Expunge, ExpungeExists };

struct Entry {
  CommandKind kind;
  Allowed allowed;
  bool uid_form;
  void (*handler)(Ctx&);
};

constexpr Entry command_table[] = {
    {CommandKind::Capability, Allowed::Any, false, cmd_capability},
    {CommandKind::Noop, Allowed::Any, false, cmd_noop},
    {CommandKind::Logout, Allowed::Any, false, cmd_logout},
    {CommandKind::StartTls, Allowed::NotAuthenticated, false, cmd_starttls},
    {CommandKind::Authenticate, Allowed::NotAuthenticated, false, cmd_authenticate},
    {CommandKind::Login, Allowed::NotAuthenticated, false, cmd_login},
    {CommandKind::Select, Allowed::Authenticated, false, cmd_select},
    {CommandKind::Examine, Allowed::Authenticated, false, cmd_select},
    {CommandKind::Create, Allowed::Authenticated, false, cmd_create},
    {CommandKind::Delete, Allowed::Authenticated, false, cmd_delete},
    {CommandKind::Rename, Allowed::Authenticated, false, cmd_rename},
    {CommandKind::Subscribe, Allowed::Authenticated, false, cmd_subscribe},
    {CommandKind::Unsubscribe, Allowed::Authenticated, false, cmd_unsubscribe},
    {CommandKind::List, Allowed::Authenticated, false, cmd_list},
    {CommandKind::Lsub, Allowed::Authenticated, false, cmd_lsub},
    {CommandKind::Status, Allowed::Authenticated, false, cmd_status},
    {CommandKind::Append, Allowed::Authenticated, false, cmd_append},
    {CommandKind::Namespace, Allowed::Authenticated, false, cmd_namespace},
    {CommandKind::Enable, Allowed::Authenticated, false, cmd_enable},
    {CommandKind::Idle, Allowed::Authenticated, false, cmd_idle},
    {CommandKind::Notify, Allowed::Authenticated, false, cmd_notify},
    {CommandKind::SetAcl, Allowed::Authenticated, false, cmd_setacl},
    {CommandKind::DeleteAcl, Allowed::Authenticated, false, cmd_deleteacl},
    {CommandKind::GetAcl, Allowed::Authenticated, false, cmd_getacl},
    {CommandKind::ListRights, Allowed::Authenticated, false, cmd_listrights},
    {CommandKind::MyRights, Allowed::Authenticated, false, cmd_myrights},
    {CommandKind::Check, Allowed::Selected, false, cmd_noop},
    {CommandKind::Close, Allowed::Selected, false, cmd_close},
    {CommandKind::Unselect, Allowed::Selected, false, cmd_unselect},
    {CommandKind::Expunge, Allowed::Selected, false, cmd_expunge},
    {CommandKind::Search, Allowed::Selected, true, cmd_search},
    {CommandKind::Fetch, Allowed::Selected, true, cmd_fetch},
    {CommandKind::Store, Allowed::Selected, true, cmd_store},
    {CommandKind::Copy, Allowed::Selected, true, cmd_copy},
    {CommandKind::Move, Allowed::Selected, true, cmd_move},
    {CommandKind::UidExpunge, Allowed::Selected, true, cmd_expunge},
};

const Entry* find_entry(CommandKind kind) {
  const auto it = std::find_if(std::begin(command_table), std::end(command_table),
                               [&](const Entry& e) { return e.kind == kind; });
  return it == std::end(command_table) ? nullptr : &*it;
}

Updates updates_for(const proto::Command& c) {
  switch (c.kind) {
    case CommandKind::Select: case CommandKind::Examine: case CommandKind::Close: case CommandKind::Unselect:
    case CommandKind::Logout: case CommandKind::Idle: case CommandKind::Authenticate: case CommandKind::Login:
    case CommandKind::StartTls:
      return Updates::None;
    case CommandKind::Noop: case CommandKind::Check: case CommandKind::Notify:
      return Updates::ExpungeExists;
    case CommandKind::Fetch: case CommandKind::Store: case CommandKind::Search:
      return c.uid ? Updates::Expunge : Updates::NoExpunge;  // RFC 3501 §7.4.1
    default:
      return Updates::Expunge;
  }
}

// Returns the BAD text when the command is not valid in the session's state (RFC 3501 §3; ACC-1).
const char* state_error(const Session& s, Allowed allowed) {
  switch (allowed) {
    case Allowed::Any: return nullptr;
    case Allowed::NotAuthenticated:
      return s.state == SessionState::NotAuthenticated ? nullptr : "Already authenticated (RFC 3501 section 6.2)";
    case Allowed::Authenticated:
      return s.state == SessionState::Authenticated || s.state == SessionState::Selected
                 ? nullptr : "Not authenticated (RFC 3501 section 3)";
    case Allowed::Selected:
      return s.state == SessionState::Selected ? nullptr : "No mailbox selected (RFC 3501 section 6.4)";
  }
  return nullptr;
}

void add_updates(Ctx& ctx, Updates updates) {
  if (updates == Updates::None) return;
  std::optional<proto::Response> completion;
  if (!ctx.out.responses.empty() && !ctx.out.responses.back().untagged && !ctx.out.responses.back().tag.empty()) {
    completion = std::move(ctx.out.responses.back());
    ctx.out.responses.pop_back();
  }
  FlushOptions o;
  // Bug zoo expunge-during-fetch: pending EXPUNGEs go out with FETCH, STORE and SEARCH too (SEQ-2).
  o.expunges = updates != Updates::NoExpunge || bug_on(ctx.st, Bug::ExpungeDuringFetch);
  o.exists_after_expunge = updates == Updates::ExpungeExists;
  o.uid_in_flag_fetch = ctx.cmd.uid || notify_flag_changes_selected(ctx.s);
  o.new_message_atts = selected_new_atts(ctx.s);
  flush(ctx.st, ctx.s, o, ctx.out.responses);
  for (auto& n : drain_notices(ctx.st, ctx.s)) ctx.out.responses.push_back(std::move(n));
  if (completion) ctx.out.responses.push_back(std::move(*completion));
}

Outcome closing(proto::Response bye) {
  Outcome out;
  out.responses.push_back(std::move(bye));
  out.next = Outcome::Next::Close;
  return out;
}

Outcome tagged_bad(const std::string& tag, const std::string& text) {
  Outcome out;
  proto::Response r;
  r.tag = tag;
  r.untagged = false;
  r.body = proto::StatusResponse{proto::Condition::Bad, std::nullopt, text};
  out.responses.push_back(std::move(r));
  return out;
}

}  // namespace

Outcome run_command(State& st, SessionId sid, const proto::Command& command) {
  const auto it = st.sessions.find(sid);
  if (it == st.sessions.end()) return closing(untagged_status(proto::Condition::Bye, std::nullopt, "No such session"));
  Session& s = it->second;
  if (s.bye) {
    proto::Response bye = std::move(*s.bye);
    s.bye.reset();
    return closing(std::move(bye));
  }
  if (s.state == SessionState::Logout) return closing(untagged_status(proto::Condition::Bye, std::nullopt, "Logged out"));
  if (s.idle || s.auth_tag) return tagged_bad(command.tag, "A command is still in progress");
  const Entry* entry = find_entry(command.kind);
  if (entry == nullptr) return tagged_bad(command.tag, "Unknown command");
  if (command.uid != entry->uid_form && (command.uid || command.kind == CommandKind::UidExpunge))
    return tagged_bad(command.tag, "No UID form of this command (RFC 3501 section 6.4.8)");
  // Bug zoo close-unselected: CLOSE passes the state check in the Authenticated state (ACC-4).
  const bool lax = command.kind == CommandKind::Close && s.state == SessionState::Authenticated &&
                   bug_on(st, Bug::CloseUnselected);
  if (const char* error = lax ? nullptr : state_error(s, entry->allowed)) return tagged_bad(command.tag, error);
  Ctx ctx{st, sid, s, command, {}};
  entry->handler(ctx);
  if (ctx.out.next == Outcome::Next::Continue) add_updates(ctx, updates_for(command));
  return std::move(ctx.out);
}

Outcome run_authenticate_data(State& st, SessionId sid, const std::string& tag, const std::string& line) {
  const auto it = st.sessions.find(sid);
  if (it == st.sessions.end() || !it->second.auth_tag) return tagged_bad(tag, "No AUTHENTICATE in progress");
  proto::Command command;
  command.tag = tag;
  command.kind = CommandKind::Authenticate;
  Ctx ctx{st, sid, it->second, command, {}};
  finish_authenticate(ctx, line);
  return std::move(ctx.out);
}

Outcome run_idle_done(State& st, SessionId sid, const std::string& tag) {
  const auto it = st.sessions.find(sid);
  if (it == st.sessions.end() || !it->second.idle) return tagged_bad(tag, "No IDLE in progress");
  it->second.idle = false;
  proto::Command command;
  command.tag = tag;
  command.kind = CommandKind::Idle;
  Ctx ctx{st, sid, it->second, command, {}};
  ctx.ok("IDLE terminated");
  add_updates(ctx, Updates::Expunge);
  return std::move(ctx.out);
}

std::vector<proto::Response> take_unsolicited(State& st, SessionId sid) {
  const auto it = st.sessions.find(sid);
  if (it == st.sessions.end()) return {};
  Session& s = it->second;
  if (s.bye) {
    std::vector<proto::Response> out{std::move(*s.bye)};
    s.bye.reset();
    s.state = SessionState::Logout;
    return out;
  }
  std::vector<proto::Response> out;
  if (const auto options = between_commands(st, s)) flush(st, s, *options, out);
  for (auto& n : drain_notices(st, s)) out.push_back(std::move(n));
  return out;
}

bool unsolicited_pending(const State& st, SessionId sid) {
  const auto it = st.sessions.find(sid);
  if (it == st.sessions.end()) return false;
  const Session& s = it->second;
  if (s.bye || !s.notify.queue.empty()) return true;
  const auto options = between_commands(st, s);
  return options && has_pending(st, s, *options);
}

}  // namespace imaplab::model
