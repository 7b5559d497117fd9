// What every command handler works with: the state, the session that sent the command, the command, and the
// outcome being built (untagged responses in order, then one tagged completion).
#pragma once
#include <optional>
#include <string>

#include "model/store.hpp"

namespace imaplab::model {

proto::ResponseCode make_code(std::string name);
proto::ResponseCode number_code(std::string name, std::uint64_t number);
proto::Response untagged_status(proto::Condition condition, std::optional<proto::ResponseCode> code,
                                std::string text);

struct Ctx {
  State& st;
  SessionId sid;
  Session& s;
  const proto::Command& cmd;
  Outcome out;

  void untagged(proto::ResponseBody body);
  void untagged_ok(std::optional<proto::ResponseCode> code, std::string text);
  // The tagged completion. Each returns false so handlers can `return ctx.no(...)` from bool helpers.
  bool ok(std::string text, std::optional<proto::ResponseCode> code = std::nullopt);
  bool no(std::string text, std::optional<proto::ResponseCode> code = std::nullopt);
  bool bad(std::string text, std::optional<proto::ResponseCode> code = std::nullopt);
  void tagged(proto::Condition condition, std::optional<proto::ResponseCode> code, std::string text);

  template <class T>
  const T* args() const { return std::get_if<T>(&cmd.args); }
  Mailbox* selected_mailbox() { return s.selected ? mailbox_by_id(st, *s.selected) : nullptr; }
};

// Which code a command gets for a missing mailbox: APPEND, COPY and MOVE say TRYCREATE (RFC 3501 §6.3.11,
// §6.4.7), the rest NONEXISTENT (RFC 5530 §3).
enum class Missing { Nonexistent, TryCreate };

// Resolves a mailbox name for the session's user, checking the rights needed (RFC 4314 §4). On failure it
// answers the command (NO with NONEXISTENT/TRYCREATE/NEWNAME/NOPERM) and returns nullptr. A mailbox the user
// cannot look up ('l') is reported exactly like a missing one, so its existence is never disclosed.
Mailbox* lookup(Ctx& ctx, const std::string& name, std::string_view rights, Missing missing,
                bool need_selectable = true);

}  // namespace imaplab::model
