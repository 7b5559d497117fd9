// CREATE, DELETE (RFC 3501 §6.3.3-§6.3.4 with RFC 2180 §3's policies for a mailbox others have selected),
// SUBSCRIBE, UNSUBSCRIBE, STATUS and APPEND (§6.3.6-§6.3.11, RFC 4315 APPENDUID).
#include <algorithm>

#include "model/acl.hpp"
#include "model/commands.hpp"
#include "model/events.hpp"
#include "model/notify.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

// A name with one trailing delimiter declares a future parent (RFC 3501 §6.3.3); the model stores it plain.
std::string strip_trailing_delimiter(std::string name) {
  if (name.size() > 1 && name.back() == delimiter) name.pop_back();
  return name;
}

std::vector<std::string> users_who_see(const State& st, const Mailbox& mb) {
  std::vector<std::string> out;
  for (const auto& u : st.users) {
    if (can_see(st, u.name, mb)) out.push_back(u.name);
  }
  return out;
}

// Creates `key` (turning a \Noselect placeholder into a real mailbox) and tells NOTIFY watchers.
void create_one(Ctx& ctx, const MailboxKey& key) {
  if (Mailbox* old = find_mailbox(ctx.st, key)) {
    if (!old->noselect) return;
    const MailboxId id = old->id;
    ctx.st.names.erase(key);
    ctx.st.boxes.erase(id);
  }
  const std::string owner = key.owner.empty() ? shared_owner(ctx.st) : key.owner;
  Mailbox& mb = create_mailbox(ctx.st, key, owner, initial_acl(ctx.st, key, ctx.s.user));
  if (bug_on(ctx.st, Bug::UidvalidityReuseOnRecreate)) reuse_uidvalidity(ctx.st, mb);
  notify_mailbox_name(ctx.st, ctx.sid, NameChange::Created, key, std::nullopt, {});
}

// Bug zoo uidvalidity-reuse-*: a mailbox deleted while another session had it open leaves its index header
// behind, and a later CREATE or RENAME onto the name picks its UIDVALIDITY up again (UID-3).
void remember_uidvalidity(Ctx& ctx, const Mailbox& mb) {
  const bool reuse = bug_on(ctx.st, Bug::UidvalidityReuseOnRecreate) || bug_on(ctx.st, Bug::RenameReusesUidvalidity);
  if (reuse && held_by_other(ctx.st, mb.id, ctx.sid)) ctx.st.reusable_uidvalidity[mb.key] = mb.uidvalidity;
}

// RFC 2180 §3.1-§3.3 for the sessions (other than this one) that have the mailbox selected. Returns false
// when the policy refuses.
bool apply_delete_policy(Ctx& ctx, const Mailbox& mb) {
  std::vector<SessionId> others;
  for (SessionId sid : holders(ctx.st, mb.id)) {
    if (sid != ctx.sid) others.push_back(sid);
  }
  if (others.empty()) return true;
  switch (ctx.st.policy.del) {
    case Policy::Delete::Fail:
      return ctx.no("Mailbox " + mb.key.name + " is in use by another session (RFC 2180 section 3.1)", make_code("INUSE"));
    case Policy::Delete::Bye:
      for (SessionId sid : others) {
        Session& s = ctx.st.sessions.at(sid);
        s.bye = untagged_status(proto::Condition::Bye, std::nullopt,
                                "Mailbox " + mb.key.name + " has been deleted (RFC 2180 section 3.3)");
        close_view(ctx.st, s);
        s.state = SessionState::Logout;
      }
      return true;
    case Policy::Delete::Ghost: return true;
  }
  return true;
}

// Bug zoo delete-takes-children: removes every inferior name of `parent` as if each were DELETEd too, the
// opposite of RFC 3501 §6.3.4 ("does not remove inferior hierarchical names").
void delete_inferiors(Ctx& ctx, const MailboxKey& parent) {
  const std::string prefix = parent.name + delimiter;
  auto it = ctx.st.names.lower_bound(MailboxKey{parent.owner, prefix});
  while (it != ctx.st.names.end() && it->first.owner == parent.owner && it->first.name.rfind(prefix, 0) == 0) {
    const MailboxId id = it->second;
    if (Mailbox* child = mailbox_by_id(ctx.st, id)) {
      child->deleted = true;
      child->deleted_by = ctx.sid;
    }
    it = ctx.st.names.erase(it);
    release_if_unheld(ctx.st, id);
  }
}

}  // namespace

void cmd_create(Ctx& ctx) {
  const auto* a = ctx.args<proto::MailboxArgs>();
  if (a == nullptr) return (void)ctx.bad("CREATE needs a mailbox name");
  const std::string name = strip_trailing_delimiter(a->mailbox);
  const auto key = key_for(ctx.s.user, name);
  if (!key || name.find_first_of("%*") != std::string::npos)
    return (void)ctx.no("Invalid mailbox name", make_code("CANNOT"));
  const Mailbox* existing = find_mailbox(ctx.st, *key);
  if (key->name == "INBOX" || (existing != nullptr && !existing->noselect))
    return (void)ctx.no("Mailbox already exists", make_code("ALREADYEXISTS"));
  if (name_reserved_by_ghost(ctx.st, *key))
    return (void)ctx.no("Mailbox " + key->name + " is still in use. Try again later (RFC 2180 section 3.2)",
                        make_code("INUSE"));
  if (!can_create_under(ctx.st, ctx.s.user, *key)) return (void)ctx.no("Permission denied", make_code("NOPERM"));
  // RFC 3501 §6.3.3: superior names are created as needed.
  std::vector<std::string> parents;
  for (std::string p = parent_of(key->name); !p.empty(); p = parent_of(p)) parents.push_back(p);
  // Bug zoo create-skips-parents: only the name itself is created (MBX-7).
  if (bug_on(ctx.st, Bug::CreateSkipsParents)) parents.clear();
  for (auto it = parents.rbegin(); it != parents.rend(); ++it) {
    const MailboxKey parent{key->owner, *it};
    if (find_mailbox(ctx.st, parent) == nullptr && !name_reserved_by_ghost(ctx.st, parent)) create_one(ctx, parent);
  }
  create_one(ctx, *key);
  ctx.ok("CREATE completed");
}

void cmd_delete(Ctx& ctx) {
  const auto* a = ctx.args<proto::MailboxArgs>();
  if (a == nullptr) return (void)ctx.bad("DELETE needs a mailbox name");
  const auto key = key_for(ctx.s.user, a->mailbox);
  if (key && (key->name == "INBOX" || key->name == shared_root))
    return (void)ctx.no("INBOX and namespace roots cannot be deleted (RFC 3501 section 6.3.4)", make_code("CANNOT"));
  // Bug zoo delete-ignores-delete-right: 'l' instead of RFC 4314 §4's 'x' (ACC-3).
  Mailbox* mb = lookup(ctx, a->mailbox, bug_on(ctx.st, Bug::DeleteIgnoresDeleteRight) ? "l" : "x", Missing::Nonexistent, false);
  if (mb == nullptr) return;
  const bool children = has_children(ctx.st, mb->key);
  if (mb->noselect && children)
    return (void)ctx.no("Mailbox has children and is \\Noselect (RFC 3501 section 6.3.4)", make_code("CANNOT"));
  remember_uidvalidity(ctx, *mb);
  if (!apply_delete_policy(ctx, *mb)) return;
  const MailboxKey deleted_key = mb->key;
  const std::vector<std::string> saw = users_who_see(ctx.st, *mb);
  ctx.st.names.erase(deleted_key);
  // Bug zoo delete-takes-children: the inferior names go too, and no \Noselect placeholder stays (MBX-1).
  const bool take_children = children && bug_on(ctx.st, Bug::DeleteTakesChildren);
  if (take_children) delete_inferiors(ctx, deleted_key);
  mb->deleted = true;
  mb->deleted_by = ctx.sid;
  release_if_unheld(ctx.st, mb->id);  // a ghost (RFC 2180 §3.2) stays while held; mb is not used after
  // Bug zoo delete-drops-placeholder: the name goes although inferiors stay (MBX-1).
  if (children && !take_children && !bug_on(ctx.st, Bug::DeleteDropsPlaceholder)) {
    const std::string owner = deleted_key.owner.empty() ? shared_owner(ctx.st) : deleted_key.owner;
    Mailbox& placeholder =
        create_mailbox(ctx.st, deleted_key, owner, initial_acl(ctx.st, deleted_key, ctx.s.user));
    placeholder.noselect = true;
  }
  notify_mailbox_name(ctx.st, ctx.sid, NameChange::Deleted, deleted_key, std::nullopt, saw);
  ctx.ok("DELETE completed");
}

void cmd_subscribe(Ctx& ctx) {
  const auto* a = ctx.args<proto::MailboxArgs>();
  if (a == nullptr) return (void)ctx.bad("SUBSCRIBE needs a mailbox name");
  if (lookup(ctx, a->mailbox, "", Missing::Nonexistent, false) == nullptr) return;
  const std::string name = normalize_name(a->mailbox);
  ctx.st.subscriptions[ctx.s.user].insert(name);
  notify_subscription(ctx.st, ctx.sid, ctx.s.user, name);
  ctx.ok("SUBSCRIBE completed");
}

void cmd_unsubscribe(Ctx& ctx) {
  const auto* a = ctx.args<proto::MailboxArgs>();
  if (a == nullptr) return (void)ctx.bad("UNSUBSCRIBE needs a mailbox name");
  const std::string name = normalize_name(a->mailbox);
  auto& subs = ctx.st.subscriptions[ctx.s.user];
  const std::size_t removed = bug_on(ctx.st, Bug::UnsubscribeKept) ? subs.count(name) : subs.erase(name);
  if (removed == 0) return (void)ctx.no("Not subscribed", make_code("NONEXISTENT"));
  notify_subscription(ctx.st, ctx.sid, ctx.s.user, name);
  ctx.ok("UNSUBSCRIBE completed");
}

void cmd_status(Ctx& ctx) {
  const auto* a = ctx.args<proto::StatusArgs>();
  if (a == nullptr || a->items.empty()) return (void)ctx.bad("STATUS needs a mailbox and items");
  const Mailbox* mb = lookup(ctx, a->mailbox, "r", Missing::Nonexistent);
  if (mb == nullptr) return;
  if (std::find(a->items.begin(), a->items.end(), proto::StatusItem::HighestModSeq) != a->items.end())
    ctx.s.condstore = true;  // RFC 4551 §3.1
  ctx.untagged(status_data(ctx.st, ctx.s, *mb, a->items));
  ctx.ok("STATUS completed");
}

void cmd_append(Ctx& ctx) {
  const auto* a = ctx.args<proto::AppendArgs>();
  if (a == nullptr) return (void)ctx.bad("APPEND needs a mailbox and a message");
  const auto flags = normalize_flags(a->flags.value_or(std::vector<std::string>{}));
  if (!flags) return (void)ctx.bad("Invalid flag (RFC 3501 section 6.3.11)");
  // Bug zoo append-without-trycreate: a missing target answers [NONEXISTENT], not [TRYCREATE] (CPY-7).
  const Missing missing = bug_on(ctx.st, Bug::AppendWithoutTrycreate) ? Missing::Nonexistent : Missing::TryCreate;
  // Bug zoo append-into-noselect: a \Noselect placeholder is taken as the destination (APP-2).
  Mailbox* mb = lookup(ctx, a->mailbox, "i", missing, !bug_on(ctx.st, Bug::AppendIntoNoselect));
  if (mb == nullptr) return;
  Message m;
  m.flags = permitted_flags(rights_of(ctx.st, ctx.s.user, *mb), *flags);
  m.internal_date = a->date.value_or(ctx.st.now);
  // Bug zoo append-drops-flags / append-ignores-date: the new message loses what RFC 3501 §6.3.11 sets (APP-1).
  if (bug_on(ctx.st, Bug::AppendDropsFlags)) m.flags.clear();
  if (bug_on(ctx.st, Bug::AppendIgnoresDate)) m.internal_date = ctx.st.now;
  m.content = std::make_shared<const MessageContent>(a->message);
  const std::uint32_t uid = add_message(*mb, std::move(m));
  message_added(ctx.st, ctx.sid, *mb, uid);
  proto::ResponseCode code = number_code("APPENDUID", mb->uidvalidity);
  code.set1 = compress({uid});
  ctx.ok("APPEND completed", std::move(code));
}

// --- Shared builders ---

proto::StatusData status_data(const State& st, const Session& s, const Mailbox& mb,
                              const std::vector<proto::StatusItem>& items) {
  (void)st;
  proto::StatusData d;
  d.mailbox = mb.key.name;
  for (auto item : items) {
    std::uint64_t v = 0;
    switch (item) {
      case proto::StatusItem::Messages:
        v = mb.messages.size() - (bug_on(st, Bug::StatusMessagesSkipDeleted) ? mb.deleted_flag.size() : 0);
        break;
      case proto::StatusItem::Recent:  // bug zoo status-recent-zero: 0 for a mailbox not selected (STA-1)
        // Bug zoo status-recent-selected-unclaimed: the selected mailbox too answers the unclaimed count (STA-1).
        v = s.selected == mb.id && !bug_on(st, Bug::StatusRecentSelectedUnclaimed) ? recent_count(s)
            : bug_on(st, Bug::StatusRecentZero)                                       ? 0
                                                                                      : unclaimed_recent(mb);
        break;
      case proto::StatusItem::UidNext: v = mb.uidnext; break;
      case proto::StatusItem::UidValidity: v = mb.uidvalidity; break;
      case proto::StatusItem::Unseen: v = mb.unseen.size(); break;
      case proto::StatusItem::HighestModSeq: v = mb.highestmodseq; break;
    }
    d.items.emplace_back(item, v);
  }
  return d;
}

proto::Response status_response(const State& st, const Session& s, const Mailbox& mb,
                                const std::vector<proto::StatusItem>& items) {
  proto::Response r;
  r.body = status_data(st, s, mb, items);
  return r;
}

bool is_subscribed(const State& st, const std::string& user, const std::string& name) {
  const auto it = st.subscriptions.find(user);
  return it != st.subscriptions.end() && it->second.count(name) != 0;
}

std::optional<std::vector<std::string>> normalize_flags(const std::vector<std::string>& flags) {
  static constexpr const char* system[] = {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"};
  std::set<std::string> out;
  for (const auto& f : flags) {
    if (f.empty()) return std::nullopt;
    if (f[0] != '\\') {
      if (f.find_first_of("(){ %*\"\\]") != std::string::npos) return std::nullopt;
      out.insert(f);
      continue;
    }
    const auto it = std::find_if(std::begin(system), std::end(system), [&](const char* s) {
      return std::equal(f.begin(), f.end(), s, s + std::char_traits<char>::length(s),
                        [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) ==
                                                    std::tolower(static_cast<unsigned char>(y)); });
    });
    if (it == std::end(system)) return std::nullopt;  // \Recent or an unknown system flag
    out.insert(*it);
  }
  return std::vector<std::string>(out.begin(), out.end());
}

std::vector<std::string> permitted_flags(const std::string& rights, const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) {
    const char needed = f == "\\Seen" ? 's' : f == "\\Deleted" ? 't' : 'w';
    if (rights.find(needed) != std::string::npos) out.push_back(f);
  }
  return out;
}

proto::SequenceSet compress(const std::vector<std::uint32_t>& ascending) {
  proto::SequenceSet set;
  for (std::uint32_t n : ascending) {
    if (!set.ranges.empty() && set.ranges.back().last + 1 == n) set.ranges.back().last = n;
    else set.ranges.push_back({n, n});
  }
  return set;
}

}  // namespace imaplab::model
