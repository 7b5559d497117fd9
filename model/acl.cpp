// RFC 4314 rights arithmetic and the effective rights of a user on a mailbox.
#include "model/acl.hpp"

#include <cstring>

namespace imaplab::model {

std::optional<std::string> parse_rights(std::string_view text) {
  std::string set;
  for (char c : text) {
    if (c == 'c') set += "kx";
    else if (c == 'd') set += "et";
    else if (std::strchr(all_rights, c) != nullptr && c != '\0') set += c;
    else return std::nullopt;
  }
  return union_rights("", set);
}

std::string union_rights(const std::string& a, const std::string& b) {
  std::string out;
  for (const char* r = all_rights; *r != '\0'; ++r) {
    if (a.find(*r) != std::string::npos || b.find(*r) != std::string::npos) out += *r;
  }
  return out;
}

std::string remove_rights(const std::string& from, const std::string& removed) {
  std::string out;
  for (char c : from) {
    if (removed.find(c) == std::string::npos) out += c;
  }
  return out;
}

std::string rights_for_display(const std::string& rights) {
  std::string out = rights;
  if (rights.find_first_of("kx") != std::string::npos) out += 'c';
  if (rights.find_first_of("et") != std::string::npos) out += 'd';
  return out;
}

std::string rights_of(const State& st, const std::string& user, const Mailbox& mb) {
  if (!mb.key.owner.empty() && mb.key.owner != user) return "";
  std::string out;
  if (const auto it = mb.acl.find(user); it != mb.acl.end()) out = it->second;
  // Bug zoo acl-anyone-replaced: the user's own entry replaces "anyone" instead of adding to it (ACC-5).
  const bool replaced = bug_on(st, Bug::AclAnyoneReplaced) && mb.acl.count(user) != 0;
  if (const auto it = mb.acl.find("anyone"); it != mb.acl.end() && !replaced) out = union_rights(out, it->second);
  return out;
}

bool has_rights(const State& st, const std::string& user, const Mailbox& mb, std::string_view rights) {
  const std::string mine = rights_of(st, user, mb);
  for (char r : rights) {
    if (mine.find(r) == std::string::npos) return false;
  }
  return true;
}

bool can_see(const State& st, const std::string& user, const Mailbox& mb) {
  return has_rights(st, user, mb, "l");
}

Acl initial_acl(const State& st, const MailboxKey& key, const std::string& creator) {
  Acl acl;
  if (key.owner.empty()) {
    // Shared hierarchy: inherit the nearest existing ancestor's ACL, so a grant on "shared" reaches new
    // children.
    for (std::string p = parent_of(key.name); !p.empty(); p = parent_of(p)) {
      if (const Mailbox* parent = find_mailbox(st, MailboxKey{"", p})) {
        acl = parent->acl;
        break;
      }
    }
  }
  acl[creator] = all_rights;
  return acl;
}

bool can_create_under(const State& st, const std::string& user, const MailboxKey& key) {
  for (std::string p = parent_of(key.name); !p.empty(); p = parent_of(p)) {
    if (const Mailbox* parent = find_mailbox(st, MailboxKey{key.owner, p})) {
      return has_rights(st, user, *parent, "k");
    }
  }
  // No existing ancestor: the personal root belongs to its owner; the shared root is made at startup, so
  // only its owner can make a new top-level shared name such as "shared" itself.
  return key.owner == user || (key.owner.empty() && user == shared_owner(st));
}

}  // namespace imaplab::model
