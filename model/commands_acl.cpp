// SETACL, DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS (RFC 4314 §3). Giving or taking the 'l' right is a
// mailbox appearing or vanishing for that user, which NOTIFY MailboxName watchers hear of (RFC 5465 §5.4).
#include <algorithm>

#include "model/acl.hpp"
#include "model/commands.hpp"
#include "model/notify.hpp"

namespace imaplab::model {
namespace {

// Users whose 'l' right may change when `identifier`'s entry changes.
std::vector<std::string> affected_users(const State& st, const std::string& identifier) {
  std::vector<std::string> out;
  for (const auto& u : st.users) {
    if (identifier == "anyone" || u.name == identifier) out.push_back(u.name);
  }
  return out;
}

void change_acl(Ctx& ctx, Mailbox& mb, const std::string& identifier, const std::optional<std::string>& rights) {
  const std::vector<std::string> users = affected_users(ctx.st, identifier);
  std::vector<bool> saw;
  for (const auto& u : users) saw.push_back(can_see(ctx.st, u, mb));
  if (rights && !rights->empty()) mb.acl[identifier] = *rights;
  else mb.acl.erase(identifier);
  for (std::size_t i = 0; i < users.size(); ++i) {
    const bool sees = can_see(ctx.st, users[i], mb);
    if (sees != saw[i]) notify_lookup_right(ctx.st, ctx.sid, users[i], mb.key, sees);
  }
}

// SETACL and DELETEACL need 'a' (RFC 4314 §4). Bug zoo setacl-needs-lookup: they check 'l', so a user who may
// only see the mailbox changes its ACL (ACC-3).
const char* admin_right(const Ctx& ctx) { return bug_on(ctx.st, Bug::SetaclNeedsLookup) ? "l" : "a"; }

bool valid_identifier(Ctx& ctx, const std::string& identifier) {
  if (identifier.empty()) return ctx.bad("Empty identifier");
  if (identifier[0] == '-')
    return ctx.no("Negative rights are not supported (RFC 4314 section 2)", make_code("CANNOT"));
  return true;
}

}  // namespace

void cmd_setacl(Ctx& ctx) {
  const auto* a = ctx.args<proto::AclArgs>();
  if (a == nullptr) return (void)ctx.bad("SETACL needs a mailbox, an identifier and rights");
  Mailbox* mb = lookup(ctx, a->mailbox, admin_right(ctx), Missing::Nonexistent, false);
  if (mb == nullptr || !valid_identifier(ctx, a->identifier)) return;
  std::string_view text = a->rights;
  const char mode = !text.empty() && (text[0] == '+' || text[0] == '-') ? text[0] : '=';
  if (mode != '=') text.remove_prefix(1);
  const auto rights = parse_rights(text);
  if (!rights) return (void)ctx.bad("Unknown right in " + a->rights + " (RFC 4314 section 3.1)");
  const auto it = mb->acl.find(a->identifier);
  const std::string current = it == mb->acl.end() ? "" : it->second;
  std::string result = *rights;
  // RFC 4314 §3.1: "+" adds to the identifier's rights. Bug zoo setacl-plus-replaces: it replaces them (ACC-7).
  if (mode == '+' && !bug_on(ctx.st, Bug::SetaclPlusReplaces)) result = union_rights(current, *rights);
  if (mode == '-') result = remove_rights(current, *rights);
  change_acl(ctx, *mb, a->identifier, result);
  ctx.ok("SETACL completed");
}

void cmd_deleteacl(Ctx& ctx) {
  const auto* a = ctx.args<proto::AclArgs>();
  if (a == nullptr) return (void)ctx.bad("DELETEACL needs a mailbox and an identifier");
  Mailbox* mb = lookup(ctx, a->mailbox, admin_right(ctx), Missing::Nonexistent, false);
  if (mb == nullptr || !valid_identifier(ctx, a->identifier)) return;
  change_acl(ctx, *mb, a->identifier, std::nullopt);
  ctx.ok("DELETEACL completed");
}

void cmd_getacl(Ctx& ctx) {
  const auto* a = ctx.args<proto::MailboxArgs>();
  if (a == nullptr) return (void)ctx.bad("GETACL needs a mailbox");
  const Mailbox* mb = lookup(ctx, a->mailbox, "a", Missing::Nonexistent, false);
  if (mb == nullptr) return;
  proto::AclData d;
  d.kind = proto::AclData::Kind::Acl;
  d.mailbox = mb->key.name;
  for (const auto& [id, rights] : mb->acl) d.entries.emplace_back(id, rights_for_display(rights));
  ctx.untagged(std::move(d));
  ctx.ok("GETACL completed");
}

void cmd_listrights(Ctx& ctx) {
  const auto* a = ctx.args<proto::AclArgs>();
  if (a == nullptr) return (void)ctx.bad("LISTRIGHTS needs a mailbox and an identifier");
  const Mailbox* mb = lookup(ctx, a->mailbox, "a", Missing::Nonexistent, false);
  if (mb == nullptr) return;
  proto::AclData d;
  d.kind = proto::AclData::Kind::ListRights;
  d.mailbox = mb->key.name;
  d.identifier = a->identifier;
  // Nothing is always granted; each right can be given on its own (RFC 4314 §3.7).
  d.rights.push_back("");
  for (const char* r = all_rights; *r != '\0'; ++r) d.rights.emplace_back(1, *r);
  d.rights.push_back("c");
  d.rights.push_back("d");
  ctx.untagged(std::move(d));
  ctx.ok("LISTRIGHTS completed");
}

void cmd_myrights(Ctx& ctx) {
  const auto* a = ctx.args<proto::MailboxArgs>();
  if (a == nullptr) return (void)ctx.bad("MYRIGHTS needs a mailbox");
  const Mailbox* mb = lookup(ctx, a->mailbox, "", Missing::Nonexistent, false);
  if (mb == nullptr) return;
  const std::string rights = rights_of(ctx.st, ctx.s.user, *mb);
  if (rights.find_first_of("lrikxa") == std::string::npos)  // RFC 4314 §4
    return (void)ctx.no("Permission denied", make_code("NOPERM"));
  proto::AclData d;
  d.kind = proto::AclData::Kind::MyRights;
  d.mailbox = mb->key.name;
  d.rights.push_back(rights_for_display(rights));
  ctx.untagged(std::move(d));
  ctx.ok("MYRIGHTS completed");
}

}  // namespace imaplab::model
