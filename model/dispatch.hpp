// Running one command: the state check (RFC 3501 §3, §6), the handler, and the updates the client is due
// with this command's responses (RFC 3501 §5.2, §7.4.1; RFC 5465 §3).
#pragma once
#include "model/store.hpp"

namespace imaplab::model {

Outcome run_command(State& st, SessionId sid, const proto::Command& command);
Outcome run_authenticate_data(State& st, SessionId sid, const std::string& tag, const std::string& line);
Outcome run_idle_done(State& st, SessionId sid, const std::string& tag);
// What may be sent between commands (IDLE, NOTIFY, a due BYE); marks it told.
std::vector<proto::Response> take_unsolicited(State& st, SessionId sid);
bool unsolicited_pending(const State& st, SessionId sid);

}  // namespace imaplab::model
