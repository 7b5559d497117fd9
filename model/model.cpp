// Model: the public face of the reference semantics (model/model.hpp). Construction of the initial store,
// sessions' lifetimes, and the white-box views; commands run in dispatch.cpp.
#include "model/model.hpp"

#include <algorithm>

#include "model/acl.hpp"
#include "model/commands.hpp"
#include "model/dispatch.hpp"
#include "model/notify.hpp"
#include "model/store.hpp"
#include "model/view.hpp"

namespace imaplab::model {

// The pimpl is the plain state value of store.hpp (a copy of the Model copies it).
struct Model::State : imaplab::model::State {};

namespace {

// Every user gets INBOX; the first user owns the shared root, which anyone may use but not delete or
// administer.
void build_initial_store(State& st) {
  for (const auto& u : st.users) {
    if (find_mailbox(st, MailboxKey{u.name, "INBOX"}) == nullptr)
      create_mailbox(st, MailboxKey{u.name, "INBOX"}, u.name, Acl{{u.name, all_rights}});
  }
  if (st.users.empty()) return;
  const std::string& owner = st.users.front().name;
  create_mailbox(st, MailboxKey{"", shared_root}, owner, Acl{{owner, all_rights}, {"anyone", "lrswipkxte"}});
}

Model::MailboxInfo info_of(const Mailbox& mb, bool with_uids = true) {
  Model::MailboxInfo info;
  info.name = mb.key.name;
  info.owner = mb.owner;
  info.uidvalidity = mb.uidvalidity;
  info.uidnext = mb.uidnext;
  info.highestmodseq = mb.highestmodseq;
  if (with_uids) info.uids = mb.live.to_vector();
  return info;
}

// A plain name as the first user sees it, else the first mailbox (in key order) with that name.
const Mailbox* find_by_plain_name(const State& st, const std::string& name) {
  if (!st.users.empty()) {
    if (const auto key = key_for(st.users.front().name, name)) {
      if (const Mailbox* mb = find_mailbox(st, *key)) return mb;
    }
  }
  const std::string normalized = normalize_name(name);
  for (const auto& [key, id] : st.names) {
    if (key.name == normalized) return mailbox_by_id(st, id);
  }
  return nullptr;
}

}  // namespace

Model::Model(Policy policy, std::vector<User> users, ModelOptions options) : state_(std::make_unique<State>()) {
  state_->policy = policy;
  state_->options = options;
  state_->users = std::move(users);
  state_->next_uidvalidity = std::max<std::uint32_t>(options.uidvalidity_base, 1);
  build_initial_store(*state_);
}

Model::~Model() = default;
Model::Model(const Model& other) : state_(std::make_unique<State>(*other.state_)) {}
Model& Model::operator=(const Model& other) {
  if (this != &other) state_ = std::make_unique<State>(*other.state_);
  return *this;
}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;

const Policy& Model::policy() const { return state_->policy; }
void Model::set_now(const proto::DateTime& now) { state_->now = now; }

SessionId Model::connect() {
  const SessionId id = state_->next_session++;
  Session s;
  s.tls = state_->options.tls_active;
  state_->sessions.emplace(id, std::move(s));
  return id;
}

proto::Response Model::greeting(SessionId session) const {
  Session fresh;
  fresh.tls = state_->options.tls_active;
  const auto it = state_->sessions.find(session);
  const Session& s = it == state_->sessions.end() ? fresh : it->second;
  proto::ResponseCode code = make_code("CAPABILITY");
  code.list = capabilities(*state_, s);
  return untagged_status(proto::Condition::Ok, std::move(code), "imaplab ready");
}

void Model::disconnect(SessionId session) {
  const auto it = state_->sessions.find(session);
  if (it == state_->sessions.end()) return;
  close_view(*state_, it->second);
  state_->sessions.erase(it);
}

Outcome Model::execute(SessionId session, const proto::Command& command) {
  return run_command(*state_, session, command);
}

Outcome Model::authenticate_data(SessionId session, const std::string& tag, const std::string& line) {
  return run_authenticate_data(*state_, session, tag, line);
}

Outcome Model::idle_done(SessionId session, const std::string& tag) { return run_idle_done(*state_, session, tag); }

std::vector<proto::Response> Model::unsolicited(SessionId session) { return take_unsolicited(*state_, session); }
bool Model::has_unsolicited(SessionId session) const { return unsolicited_pending(*state_, session); }

proto::Response Model::bye(SessionId session, const std::string& text) {
  if (const auto it = state_->sessions.find(session); it != state_->sessions.end()) {
    close_view(*state_, it->second);
    it->second.state = SessionState::Logout;
    it->second.bye.reset();
  }
  return untagged_status(proto::Condition::Bye, std::nullopt, text);
}

proto::Response Model::notification_overflow(SessionId session) {
  if (const auto it = state_->sessions.find(session); it != state_->sessions.end()) stop_notifications(it->second);
  return untagged_status(proto::Condition::Ok, make_code("NOTIFICATIONOVERFLOW"),
                         "Notifications stopped (RFC 5465 section 5.8)");
}

namespace {

std::vector<Model::MailboxInfo> infos_of(const State& state, bool with_uids) {
  std::vector<Model::MailboxInfo> out;
  for (const auto& [key, id] : state.names) {
    if (const Mailbox* mb = mailbox_by_id(state, id)) out.push_back(info_of(*mb, with_uids));
  }
  // In the order their UIDVALIDITYs were handed out (creation or rename order).
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.uidvalidity < b.uidvalidity; });
  return out;
}

}  // namespace

std::vector<Model::MailboxInfo> Model::mailboxes() const { return infos_of(*state_, true); }

std::vector<Model::MailboxInfo> Model::mailbox_headers() const { return infos_of(*state_, false); }

std::optional<Model::MailboxInfo> Model::mailbox(const std::string& name) const {
  const Mailbox* mb = find_by_plain_name(*state_, name);
  if (mb == nullptr) return std::nullopt;
  return info_of(*mb);
}

std::optional<Model::MailboxInfo> Model::mailbox_header(const std::string& name) const {
  const Mailbox* mb = find_by_plain_name(*state_, name);
  if (mb == nullptr) return std::nullopt;
  return info_of(*mb, false);
}

Model::NameInfo Model::name_info(const std::string& user, const std::string& name) const {
  NameInfo out;
  const auto key = key_for(user, name);
  if (!key) return out;
  const State& st = *state_;
  if (const Mailbox* mb = find_mailbox(st, *key)) {
    out.exists = true;
    out.visible = can_see(st, user, *mb);
    out.noselect = mb->noselect;
  }
  const std::string below = key->name + delimiter;
  for (auto it = st.names.upper_bound(*key); it != st.names.end() && it->first.owner == key->owner; ++it) {
    if (it->first.name.compare(0, below.size(), below) != 0) {
      if (it->first.name > below) break;
      continue;
    }
    const Mailbox* child = mailbox_by_id(st, it->second);
    if (child != nullptr && can_see(st, user, *child)) {
      out.visible_children = true;
      break;
    }
  }
  return out;
}

std::optional<std::vector<std::string>> Model::flags(const std::string& mailbox, std::uint32_t uid) const {
  const Mailbox* mb = find_by_plain_name(*state_, mailbox);
  if (mb == nullptr) return std::nullopt;
  const auto it = mb->messages.find(uid);
  if (it == mb->messages.end()) return std::nullopt;
  return it->second.flags;
}

std::optional<proto::DateTime> Model::internal_date(const std::string& mailbox, std::uint32_t uid) const {
  const Mailbox* mb = find_by_plain_name(*state_, mailbox);
  if (mb == nullptr) return std::nullopt;
  const auto it = mb->messages.find(uid);
  if (it == mb->messages.end()) return std::nullopt;
  return it->second.internal_date;
}

std::optional<std::uint64_t> Model::modseq(const std::string& mailbox, std::uint32_t uid) const {
  const Mailbox* mb = find_by_plain_name(*state_, mailbox);
  if (mb == nullptr) return std::nullopt;
  const auto it = mb->messages.find(uid);
  if (it == mb->messages.end()) return std::nullopt;
  return it->second.modseq;
}

std::vector<std::uint32_t> Model::uids_flagged(const std::string& mailbox, const std::string& flag) const {
  std::vector<std::uint32_t> out;
  const Mailbox* mb = find_by_plain_name(*state_, mailbox);
  if (mb == nullptr) return out;
  for (const auto& [uid, m] : mb->messages) {
    if (std::binary_search(m.flags.begin(), m.flags.end(), flag)) out.push_back(uid);
  }
  return out;
}

const std::string* Model::message_bytes(std::uint32_t uidvalidity, std::uint32_t uid) const {
  for (const auto& [id, mb] : state_->boxes) {
    if (mb.uidvalidity != uidvalidity) continue;
    const auto it = mb.messages.find(uid);
    return it == mb.messages.end() ? nullptr : &it->second.content->bytes();
  }
  return nullptr;
}

std::vector<std::uint32_t> Model::session_view(SessionId session) const {
  const auto it = state_->sessions.find(session);
  if (it == state_->sessions.end()) return {};
  return it->second.view.uids.to_vector();
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> Model::session_recent(SessionId session) const {
  const auto it = state_->sessions.find(session);
  if (it == state_->sessions.end()) return {};
  return it->second.view.recent;
}

std::optional<std::uint32_t> Model::unclaimed_recent_floor(const std::string& mailbox) const {
  const Mailbox* mb = find_by_plain_name(*state_, mailbox);
  if (mb == nullptr) return std::nullopt;
  return mb->recent_floor;
}

std::optional<std::map<std::string, std::string>> Model::acl(const std::string& mailbox) const {
  const Mailbox* mb = find_by_plain_name(*state_, mailbox);
  if (mb == nullptr) return std::nullopt;
  return mb->acl;
}

}  // namespace imaplab::model
