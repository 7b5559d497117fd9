// RFC 4314 access control: rights strings, a user's effective rights on a mailbox, and the default ACLs of
// new mailboxes.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "model/store.hpp"

namespace imaplab::model {

// Canonical rights (order of all_rights) from a SETACL rights string without its +/- prefix. The obsolete
// "c" expands to "kx" and "d" to "et" (RFC 4314 §2.1.1). nullopt when a character is not a right (BAD).
std::optional<std::string> parse_rights(std::string_view text);
// Rights as returned by ACL and MYRIGHTS: canonical, plus "c"/"d" when a member right is present (§2.1.1).
std::string rights_for_display(const std::string& rights);
std::string union_rights(const std::string& a, const std::string& b);
std::string remove_rights(const std::string& from, const std::string& removed);

// The user's effective rights: the user's entry plus "anyone" (RFC 4314 §2). Another user's personal
// mailbox grants nothing (there is no "Other Users" namespace to name it in).
std::string rights_of(const State& st, const std::string& user, const Mailbox& mb);
bool has_rights(const State& st, const std::string& user, const Mailbox& mb, std::string_view rights);
bool can_see(const State& st, const std::string& user, const Mailbox& mb);  // the 'l' right

// The ACL of a new mailbox: the parent's (shared hierarchy) plus full rights for its creator.
Acl initial_acl(const State& st, const MailboxKey& key, const std::string& creator);
// May the user create children under `name` (the 'k' right on the nearest existing ancestor, or the
// personal root)?
bool can_create_under(const State& st, const std::string& user, const MailboxKey& key);

}  // namespace imaplab::model
