// The mail store's primitive operations: naming, creating and releasing mailboxes, adding, re-flagging and
// removing messages while keeping the per-mailbox indexes (live UID tree, unseen and deleted sets) in step.
#include "model/store.hpp"

#include <algorithm>
#include <cctype>

namespace imaplab::model {
namespace {

bool iequals(const std::string& a, const char* b) {
  std::size_t i = 0;
  for (; i < a.size() && b[i] != '\0'; ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return i == a.size() && b[i] == '\0';
}

bool has_flag(const std::vector<std::string>& flags, const char* flag) {
  return std::binary_search(flags.begin(), flags.end(), std::string(flag));
}

void index_flags(Mailbox& mb, std::uint32_t uid, const std::vector<std::string>& flags) {
  if (has_flag(flags, "\\Seen")) mb.unseen.erase(uid);
  else mb.unseen.insert(uid);
  if (has_flag(flags, "\\Deleted")) mb.deleted_flag.insert(uid);
  else mb.deleted_flag.erase(uid);
  for (const auto& f : flags) {
    if (!f.empty() && f[0] != '\\') mb.keywords.insert(f);
  }
}

}  // namespace

std::string normalize_name(const std::string& name) {
  return iequals(name, "INBOX") ? std::string("INBOX") : name;
}

std::optional<MailboxKey> key_for(const std::string& user, const std::string& raw) {
  std::string name = normalize_name(raw);
  if (name.empty() || name.front() == delimiter || name.back() == delimiter) return std::nullopt;
  if (name.find("//") != std::string::npos) return std::nullopt;
  if (name.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) return std::nullopt;
  const std::string_view root = shared_root;
  const bool shared =
      name.compare(0, root.size(), root) == 0 && (name.size() == root.size() || name[root.size()] == delimiter);
  if (shared) return MailboxKey{"", std::move(name)};
  return MailboxKey{user, std::move(name)};
}

std::string parent_of(const std::string& name) {
  const auto pos = name.rfind(delimiter);
  return pos == std::string::npos ? std::string() : name.substr(0, pos);
}

const std::string& shared_owner(const State& st) {
  static const std::string none;
  return st.users.empty() ? none : st.users.front().name;
}

Mailbox* find_mailbox(State& st, const MailboxKey& key) {
  const auto it = st.names.find(key);
  return it == st.names.end() ? nullptr : mailbox_by_id(st, it->second);
}

const Mailbox* find_mailbox(const State& st, const MailboxKey& key) {
  const auto it = st.names.find(key);
  return it == st.names.end() ? nullptr : mailbox_by_id(st, it->second);
}

Mailbox* mailbox_by_id(State& st, MailboxId id) {
  const auto it = st.boxes.find(id);
  return it == st.boxes.end() ? nullptr : &it->second;
}

const Mailbox* mailbox_by_id(const State& st, MailboxId id) {
  const auto it = st.boxes.find(id);
  return it == st.boxes.end() ? nullptr : &it->second;
}

Mailbox& create_mailbox(State& st, const MailboxKey& key, const std::string& owner, Acl acl) {
  const MailboxId id = st.next_mailbox++;
  Mailbox mb;
  mb.id = id;
  mb.key = key;
  mb.owner = owner;
  mb.uidvalidity = st.next_uidvalidity++;
  mb.acl = std::move(acl);
  st.names[key] = id;
  return st.boxes.emplace(id, std::move(mb)).first->second;
}

bool has_children(const State& st, const MailboxKey& key) {
  const std::string prefix = key.name + delimiter;
  const auto it = st.names.lower_bound(MailboxKey{key.owner, prefix});
  return it != st.names.end() && it->first.owner == key.owner && it->first.name.rfind(prefix, 0) == 0;
}

std::vector<SessionId> holders(const State& st, MailboxId id) {
  std::vector<SessionId> out;
  for (const auto& [sid, s] : st.sessions) {
    if (s.selected == id) out.push_back(sid);
  }
  return out;
}

void release_if_unheld(State& st, MailboxId id) {
  const Mailbox* mb = mailbox_by_id(st, id);
  if (mb != nullptr && mb->deleted && holders(st, id).empty()) st.boxes.erase(id);
}

bool name_reserved_by_ghost(const State& st, const MailboxKey& key) {
  return std::any_of(st.boxes.begin(), st.boxes.end(), [&](const auto& kv) {
    const Mailbox& mb = kv.second;
    if (!mb.deleted || mb.key != key) return false;
    const auto h = holders(st, mb.id);
    const auto others = std::count_if(h.begin(), h.end(), [&](SessionId sid) { return sid != mb.deleted_by; });
    // ghost_extra_releases is 0 unless ghost-refcount-off-by-one counted a CLOSE twice.
    return static_cast<std::size_t>(others) > mb.ghost_extra_releases;
  });
}

void reuse_uidvalidity(State& st, Mailbox& mb) {
  const auto it = st.reusable_uidvalidity.find(mb.key);
  if (it == st.reusable_uidvalidity.end()) return;
  mb.uidvalidity = it->second;
  st.reusable_uidvalidity.erase(it);
}

bool held_by_other(const State& st, MailboxId id, SessionId actor) {
  return std::any_of(st.sessions.begin(), st.sessions.end(),
                     [&](const auto& kv) { return kv.first != actor && kv.second.selected == id; });
}

std::uint32_t add_message(Mailbox& mb, Message message) {
  const std::uint32_t uid = mb.uidnext++;
  message.modseq = ++mb.highestmodseq;
  index_flags(mb, uid, message.flags);
  mb.messages.emplace(uid, std::move(message));
  mb.live.insert(uid);
  return uid;
}

bool set_flags(Mailbox& mb, std::uint32_t uid, std::vector<std::string> flags) {
  const auto it = mb.messages.find(uid);
  if (it == mb.messages.end() || it->second.flags == flags) return false;
  it->second.flags = std::move(flags);
  it->second.modseq = ++mb.highestmodseq;
  index_flags(mb, uid, it->second.flags);
  return true;
}

Message remove_message(Mailbox& mb, std::uint32_t uid) {
  const auto it = mb.messages.find(uid);
  if (it == mb.messages.end()) return Message{};
  Message out = std::move(it->second);
  mb.messages.erase(it);
  mb.live.erase(uid);
  mb.unseen.erase(uid);
  mb.deleted_flag.erase(uid);
  ++mb.highestmodseq;  // RFC 4551 §3.6 / INVARIANTS MOD-3: an expunge is a change of the mailbox
  return out;
}

std::size_t count_in_range(const UidTree& tree, std::uint32_t first, std::uint32_t last) {
  if (first >= last) return 0;
  return tree.count_less(last) - tree.count_less(first);
}

std::size_t unclaimed_recent(const Mailbox& mb) {
  return count_in_range(mb.live, mb.recent_floor, mb.uidnext);
}

}  // namespace imaplab::model
