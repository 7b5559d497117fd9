// The command handlers, one per IMAP command, grouped in files by family (commands_*.cpp), and the response
// builders several families share. Each handler appends its untagged responses and exactly one tagged
// completion to ctx.out (or a continuation request with Outcome::Next set).
#pragma once
#include <string_view>

#include "model/context.hpp"

namespace imaplab::model {

// Any state (RFC 3501 §6.1) and authentication (§6.2): commands_session.cpp
void cmd_capability(Ctx& ctx);
void cmd_noop(Ctx& ctx);
void cmd_logout(Ctx& ctx);
void cmd_starttls(Ctx& ctx);
void cmd_login(Ctx& ctx);
void cmd_authenticate(Ctx& ctx);
void finish_authenticate(Ctx& ctx, const std::string& line);
void cmd_enable(Ctx& ctx);
void cmd_namespace(Ctx& ctx);
void cmd_idle(Ctx& ctx);
std::vector<std::string> capabilities(const State& st, const Session& s);

// Mailboxes (§6.3): commands_mailbox.cpp, commands_rename.cpp, commands_list.cpp
void cmd_create(Ctx& ctx);
void cmd_delete(Ctx& ctx);
void cmd_rename(Ctx& ctx);
void cmd_subscribe(Ctx& ctx);
void cmd_unsubscribe(Ctx& ctx);
void cmd_list(Ctx& ctx);
void cmd_lsub(Ctx& ctx);
void cmd_status(Ctx& ctx);
void cmd_append(Ctx& ctx);

// Selection (§6.3.1, §6.3.2, §6.4.1-§6.4.3): commands_select.cpp
void cmd_select(Ctx& ctx);
void cmd_close(Ctx& ctx);
void cmd_unselect(Ctx& ctx);
void cmd_expunge(Ctx& ctx);

// Messages (§6.4.4-§6.4.8, RFC 6851): commands_fetch.cpp, commands_store.cpp, commands_copy.cpp,
// commands_search.cpp
void cmd_fetch(Ctx& ctx);
void cmd_store(Ctx& ctx);
void cmd_copy(Ctx& ctx);
void cmd_move(Ctx& ctx);
void cmd_search(Ctx& ctx);

// RFC 4314: commands_acl.cpp
void cmd_setacl(Ctx& ctx);
void cmd_deleteacl(Ctx& ctx);
void cmd_getacl(Ctx& ctx);
void cmd_listrights(Ctx& ctx);
void cmd_myrights(Ctx& ctx);

// Shared builders.
proto::StatusData status_data(const State& st, const Session& s, const Mailbox& mb,
                              const std::vector<proto::StatusItem>& items);
proto::Response status_response(const State& st, const Session& s, const Mailbox& mb,
                                const std::vector<proto::StatusItem>& items);
// A LIST entry for a name as the user sees it now: \NonExistent when gone or invisible (RFC 5258 §3).
proto::ListData list_data(const State& st, const std::string& user, const MailboxKey& key, bool subscribed_attr);
// `percent_takes_delimiter`: bug zoo list-percent-crosses-delimiter only.
bool pattern_matches(std::string_view pattern, std::string_view name, bool percent_takes_delimiter = false);
bool is_subscribed(const State& st, const std::string& user, const std::string& name);
// Flags a client may store or append: system flags normalized ("\\SEEN" -> "\\Seen"), keywords as atoms.
// nullopt for \Recent or an unknown system flag (BAD, RFC 3501 §6.4.6).
std::optional<std::vector<std::string>> normalize_flags(const std::vector<std::string>& flags);
// Drops the flags the user may not set here (RFC 4314 §4: s for \Seen, t for \Deleted, w for the rest).
std::vector<std::string> permitted_flags(const std::string& rights, const std::vector<std::string>& flags);
// Builds a sequence set of ranges from ascending numbers (COPYUID, APPENDUID, MODIFIED).
proto::SequenceSet compress(const std::vector<std::uint32_t>& ascending);

}  // namespace imaplab::model
