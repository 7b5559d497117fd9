// RENAME (RFC 3501 §6.3.5): children move along, INBOX's messages move to the new name and INBOX stays,
// empty; RFC 2180 §3.1, §3.3 and §3.4 decide what happens to sessions that have the mailbox selected.
#include <algorithm>

#include "model/acl.hpp"
#include "model/commands.hpp"
#include "model/events.hpp"
#include "model/notify.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

// The mailbox and its descendants, parents first.
std::vector<MailboxId> subtree(const State& st, const MailboxKey& root) {
  std::vector<MailboxId> out;
  for (auto it = st.names.lower_bound(root); it != st.names.end(); ++it) {
    const MailboxKey& k = it->first;
    if (k.owner != root.owner) break;
    if (k.name != root.name && k.name.rfind(root.name + delimiter, 0) != 0) {
      if (k.name > root.name + delimiter) break;
      continue;  // e.g. "a-b" sorts between "a" and "a/": not a child
    }
    out.push_back(it->second);
  }
  return out;
}

std::vector<SessionId> other_holders(const Ctx& ctx, const std::vector<MailboxId>& boxes) {
  std::vector<SessionId> out;
  for (const auto& [sid, s] : ctx.st.sessions) {
    if (sid != ctx.sid && s.selected && std::find(boxes.begin(), boxes.end(), *s.selected) != boxes.end())
      out.push_back(sid);
  }
  return out;
}

// RFC 2180 §3.1 (fail), §3.3 (bye); §3.4 (inplace) needs nothing here. Returns false when refused.
bool apply_rename_policy(Ctx& ctx, const std::vector<SessionId>& others, const std::string& from) {
  if (others.empty()) return true;
  if (ctx.st.policy.rename == Policy::Rename::Fail)
    return ctx.no("Mailbox " + from + " is in use by another session (RFC 2180 section 3.1)", make_code("INUSE"));
  if (ctx.st.policy.rename == Policy::Rename::Bye) {
    for (SessionId sid : others) {
      Session& s = ctx.st.sessions.at(sid);
      s.bye = untagged_status(proto::Condition::Bye, std::nullopt,
                              "Mailbox " + from + " has been renamed (RFC 2180 section 3.3)");
      close_view(ctx.st, s);
      s.state = SessionState::Logout;
    }
  }
  return true;
}

// Bug zoo rename-leaves-children: children that another session has open cannot be locked and are
// skipped, so they stay under the old name (MBX-4).
void skip_held_children(const Ctx& ctx, std::vector<MailboxId>& boxes) {
  if (boxes.size() < 2) return;
  const MailboxId root = boxes.front();
  std::erase_if(boxes, [&](MailboxId id) { return id != root && held_by_other(ctx.st, id, ctx.sid); });
}

// Bug zoo rename-forgets-holders: under rename=inplace the other holders lose their selection, so their
// next commands fail with "no mailbox selected" (MBX-3, RFC 2180 §3.4).
void forget_holders(Ctx& ctx, const std::vector<SessionId>& others) {
  for (SessionId sid : others) close_view(ctx.st, ctx.st.sessions.at(sid));
}

void create_parents(Ctx& ctx, const MailboxKey& key) {
  std::vector<std::string> parents;
  for (std::string p = parent_of(key.name); !p.empty(); p = parent_of(p)) parents.push_back(p);
  for (auto it = parents.rbegin(); it != parents.rend(); ++it) {
    const MailboxKey parent{key.owner, *it};
    if (find_mailbox(ctx.st, parent) != nullptr || name_reserved_by_ghost(ctx.st, parent)) continue;
    const std::string owner = parent.owner.empty() ? shared_owner(ctx.st) : parent.owner;
    create_mailbox(ctx.st, parent, owner, initial_acl(ctx.st, parent, ctx.s.user));
    notify_mailbox_name(ctx.st, ctx.sid, NameChange::Created, parent, std::nullopt, {});
  }
}

// RFC 3501 §6.3.5: INBOX's messages go to a new mailbox (new UIDVALIDITY); INBOX is left empty, its
// holders are told the expunges, and its children stay where they are.
void rename_inbox(Ctx& ctx, Mailbox& inbox, const MailboxKey& to) {
  create_parents(ctx, to);
  Mailbox& target = create_mailbox(ctx.st, to, ctx.s.user, initial_acl(ctx.st, to, ctx.s.user));
  // Bug zoo rename-inbox-keeps-deleted: with INBOX open elsewhere, \Deleted messages are left for that
  // session's EXPUNGE instead of moving (MBX-5).
  const bool keep_deleted = bug_on(ctx.st, Bug::RenameInboxKeepsDeleted) && held_by_other(ctx.st, inbox.id, ctx.sid);
  std::vector<std::uint32_t> uids;
  for (const auto& [uid, m] : inbox.messages) {
    if (keep_deleted && inbox.deleted_flag.count(uid) != 0) continue;
    Message copy = m;
    add_message(target, std::move(copy));
    uids.push_back(uid);
  }
  expunge_uids(ctx.st, ctx.sid, inbox, uids);
  notify_mailbox_name(ctx.st, ctx.sid, NameChange::Renamed, to, inbox.key, {});
}

// Moves the names; each renamed mailbox gets a fresh UIDVALIDITY, because its new name may have carried
// other UIDs before (UID-3). Holders keep their numbers and UIDs (RFC 2180 §3.4).
void rename_tree(Ctx& ctx, const std::vector<MailboxId>& boxes, const MailboxKey& from, const MailboxKey& to,
                 const std::vector<SessionId>& holders_before) {
  create_parents(ctx, to);
  for (MailboxId id : boxes) {
    Mailbox& mb = ctx.st.boxes.at(id);
    const MailboxKey old_key = mb.key;
    MailboxKey new_key{to.owner, to.name + old_key.name.substr(from.name.size())};
    ctx.st.names.erase(old_key);
    ctx.st.names[new_key] = id;
    mb.key = new_key;
    if (!new_key.owner.empty()) mb.owner = new_key.owner;
    mb.uidvalidity = ctx.st.next_uidvalidity++;
    if (bug_on(ctx.st, Bug::RenameReusesUidvalidity)) reuse_uidvalidity(ctx.st, mb);
    for (SessionId sid : holders_before) {
      Session& s = ctx.st.sessions.at(sid);
      if (s.selected == id) s.renamed[old_key.name] = new_key.name;
    }
  }
  if (!bug_on(ctx.st, Bug::RenameNoNameList)) notify_mailbox_name(ctx.st, ctx.sid, NameChange::Renamed, to, from, {});
}

}  // namespace

void cmd_rename(Ctx& ctx) {
  const auto* a = ctx.args<proto::RenameArgs>();
  if (a == nullptr) return (void)ctx.bad("RENAME needs two mailbox names");
  std::string to_name = a->to;
  if (to_name.size() > 1 && to_name.back() == delimiter) to_name.pop_back();
  const auto to = key_for(ctx.s.user, to_name);
  if (!to || to_name.find_first_of("%*") != std::string::npos)
    return (void)ctx.no("Invalid mailbox name", make_code("CANNOT"));
  Mailbox* source = lookup(ctx, a->from, "x", Missing::Nonexistent, false);
  if (source == nullptr) return;
  const MailboxKey from = source->key;
  if (from.name == shared_root) return (void)ctx.no("Namespace roots cannot be renamed", make_code("CANNOT"));
  if (to->name == "INBOX" || find_mailbox(ctx.st, *to) != nullptr)
    return (void)ctx.no("Mailbox already exists", make_code("ALREADYEXISTS"));
  if (name_reserved_by_ghost(ctx.st, *to))
    return (void)ctx.no("Mailbox " + to->name + " is still in use (RFC 2180 section 3.2)", make_code("INUSE"));
  if (to->owner == from.owner && to->name.rfind(from.name + delimiter, 0) == 0)
    return (void)ctx.no("Cannot rename a mailbox into itself", make_code("CANNOT"));
  if (!can_create_under(ctx.st, ctx.s.user, *to)) return (void)ctx.no("Permission denied", make_code("NOPERM"));
  if (from.name == "INBOX" && from.owner == ctx.s.user) {
    rename_inbox(ctx, *source, *to);
    return (void)ctx.ok("RENAME completed");
  }
  std::vector<MailboxId> boxes = subtree(ctx.st, from);
  if (bug_on(ctx.st, Bug::RenameLeavesChildren)) skip_held_children(ctx, boxes);
  const std::vector<SessionId> others = other_holders(ctx, boxes);
  if (!apply_rename_policy(ctx, others, from.name)) return;
  if (bug_on(ctx.st, Bug::RenameForgetsHolders) && ctx.st.policy.rename == Policy::Rename::Inplace)
    forget_holders(ctx, others);
  std::vector<SessionId> holders_now = other_holders(ctx, boxes);
  if (ctx.s.selected && std::find(boxes.begin(), boxes.end(), *ctx.s.selected) != boxes.end())
    holders_now.push_back(ctx.sid);
  rename_tree(ctx, boxes, from, *to, holders_now);
  ctx.ok("RENAME completed");
}

}  // namespace imaplab::model
