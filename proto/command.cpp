// Names of IMAP commands as they are written on the wire (RFC 3501 §6 and the extensions in command.hpp).
#include "proto/command.hpp"

namespace imaplab::proto {

const char* command_name(CommandKind kind) {
  switch (kind) {
    case CommandKind::Capability: return "CAPABILITY";
    case CommandKind::Noop: return "NOOP";
    case CommandKind::Logout: return "LOGOUT";
    case CommandKind::StartTls: return "STARTTLS";
    case CommandKind::Authenticate: return "AUTHENTICATE";
    case CommandKind::Login: return "LOGIN";
    case CommandKind::Select: return "SELECT";
    case CommandKind::Examine: return "EXAMINE";
    case CommandKind::Create: return "CREATE";
    case CommandKind::Delete: return "DELETE";
    case CommandKind::Rename: return "RENAME";
    case CommandKind::Subscribe: return "SUBSCRIBE";
    case CommandKind::Unsubscribe: return "UNSUBSCRIBE";
    case CommandKind::List: return "LIST";
    case CommandKind::Lsub: return "LSUB";
    case CommandKind::Status: return "STATUS";
    case CommandKind::Append: return "APPEND";
    case CommandKind::Namespace: return "NAMESPACE";
    case CommandKind::Enable: return "ENABLE";
    case CommandKind::Idle: return "IDLE";
    case CommandKind::Notify: return "NOTIFY";
    case CommandKind::SetAcl: return "SETACL";
    case CommandKind::DeleteAcl: return "DELETEACL";
    case CommandKind::GetAcl: return "GETACL";
    case CommandKind::ListRights: return "LISTRIGHTS";
    case CommandKind::MyRights: return "MYRIGHTS";
    case CommandKind::Check: return "CHECK";
    case CommandKind::Close: return "CLOSE";
    case CommandKind::Unselect: return "UNSELECT";
    case CommandKind::Expunge: return "EXPUNGE";
    case CommandKind::Search: return "SEARCH";
    case CommandKind::Fetch: return "FETCH";
    case CommandKind::Store: return "STORE";
    case CommandKind::Copy: return "COPY";
    case CommandKind::Move: return "MOVE";
    case CommandKind::UidExpunge: return "EXPUNGE";  // always written after "UID " (RFC 4315 §2.1)
  }
  return "NOOP";
}

}  // namespace imaplab::proto
