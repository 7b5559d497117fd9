// Naming and checking DELETE / RENAME effects on other sessions (probe/behaviour.hpp).
#include "probe/behaviour.hpp"

#include <algorithm>

namespace imaplab::probe {
namespace {

using proto::CommandKind;

// Commands that touch the selected mailbox's messages: their answer shows whether it is still usable.
bool touches_messages(CommandKind k) {
  switch (k) {
    case CommandKind::Fetch: case CommandKind::Store: case CommandKind::Search: case CommandKind::Copy:
    case CommandKind::Move: case CommandKind::Expunge: case CommandKind::UidExpunge:
      return true;
    default:
      return false;
  }
}

// A NO that only a missing mailbox explains: FETCH and SEARCH, without [EXPUNGEISSUED] (RFC 5530 §3: the
// RFC 2180 §4.1 answer about expunged messages). STORE may be refused on a read-only mailbox, COPY and MOVE on
// their destination, so their NO says nothing about the selected mailbox.
bool fails_only_without_mailbox(const Completion& done) {
  const CommandKind k = done.pending.command.kind;
  if (k != CommandKind::Fetch && k != CommandKind::Search) return false;
  return !(done.status.code && done.status.code->name == "EXPUNGEISSUED");
}

// A single NO without a response code is ambiguous (e.g. "NO No such message" for a number the holder lacks
// after a race); the mailbox counts as gone for the holder ("no-after") only when this many come in a row
// with no OK between them.
constexpr std::uint32_t no_after_refusals = 2;

// Commands after which the holder no longer has the mailbox selected: the watch ends without an outcome.
bool leaves_mailbox(CommandKind k) {
  return k == CommandKind::Select || k == CommandKind::Examine || k == CommandKind::Close ||
         k == CommandKind::Unselect || k == CommandKind::Logout;
}

const char* policy_name(model::Policy::Delete d) {
  switch (d) {
    case model::Policy::Delete::Fail: return "fail";
    case model::Policy::Delete::Ghost: return "ghost";
    case model::Policy::Delete::Bye: return "bye";
  }
  return "?";
}

const char* policy_name(model::Policy::Rename r) {
  switch (r) {
    case model::Policy::Rename::Fail: return "fail";
    case model::Policy::Rename::Bye: return "bye";
    case model::Policy::Rename::Inplace: return "inplace";
  }
  return "?";
}

}  // namespace

std::string behaviour_section(const std::string& kind, const std::string& behaviour) {
  if (behaviour == "fail") return "RFC 2180 §3.1";
  if (behaviour == "bye" || behaviour == "disconnect") return "RFC 2180 §3.3";
  if (kind == "delete" && behaviour == "ghost") return "RFC 2180 §3.2";
  if (kind == "rename" && behaviour == "inplace") return "RFC 2180 §3.4";
  return "not one of RFC 2180 §3's behaviours";
}

// The mailbox a DELETE or RENAME names (RENAME: its old name).
static std::string source_name(const proto::Command& cmd) {
  if (const auto* r = std::get_if<proto::RenameArgs>(&cmd.args)) return r->from;
  if (const auto* m = std::get_if<proto::MailboxArgs>(&cmd.args)) return m->mailbox;
  return {};
}

// Another session of the same user has the mailbox of this DELETE/RENAME selected.
static bool held_by_others(const Completion& done, const Tracker& tracker) {
  const std::string name = source_name(done.pending.command);
  const ClientView* author = tracker.client(done.client);
  for (const auto& [id, c] : tracker.clients()) {
    if (id == done.client || !c.connected || c.bye || !c.selected || *c.selected != name) continue;
    if (author == nullptr || c.user == author->user) return true;
  }
  return false;
}

std::optional<std::string> BehaviourLog::inferred(const std::string& kind) const {
  auto it = first_.find(kind);
  if (it == first_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> BehaviourLog::expected(const std::string& kind) const {
  if (declared_) return kind == "delete" ? policy_name(declared_->del) : policy_name(declared_->rename);
  return inferred(kind);
}

std::vector<sim::Violation> BehaviourLog::observe(const sim::Event& e, std::size_t index, const Tracker& tracker,
                                                  const std::optional<Completion>& done) {
  std::vector<sim::Violation> out;
  // A DELETE/RENAME refused while others hold the mailbox, with [INUSE] (RFC 5530 §3): delete/rename=fail.
  if (done && (done->pending.command.kind == CommandKind::Delete || done->pending.command.kind == CommandKind::Rename) &&
      done->status.condition == proto::Condition::No && done->status.code && done->status.code->name == "INUSE") {
    const std::string kind = done->pending.command.kind == CommandKind::Delete ? "delete" : "rename";
    // Only when another session holds the mailbox: [INUSE] may also mean the new name is a ghost (§3.2).
    if (held_by_others(*done, tracker))
      if (auto v = record(kind, "fail", {index}, {done->pending.sent_index})) out.push_back(std::move(*v));
  }
  for (std::size_t i = 0; i < watches_.size();) {
    Watch& w = watches_[i];
    if (w.holder != e.client) {
      ++i;
      continue;
    }
    if (e.dir == sim::Event::Dir::Sent && e.command && leaves_mailbox(e.command->kind)) {
      watches_.erase(watches_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    if (auto behaviour = outcome(w, e, done)) {
      if (auto v = record(w.kind, *behaviour, {index}, {w.cause_sent, w.cause_done})) out.push_back(std::move(*v));
      watches_.erase(watches_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
  if (done && done->status.condition == proto::Condition::Ok) start_watches(*done, tracker);
  return out;
}

void BehaviourLog::start_watches(const Completion& done, const Tracker& tracker) {
  const proto::Command& cmd = done.pending.command;
  // The tracker has already moved holders of a renamed mailbox to the new name.
  std::string name, kind;
  if (cmd.kind == CommandKind::Delete) {
    name = std::get<proto::MailboxArgs>(cmd.args).mailbox;
    kind = "delete";
  } else if (cmd.kind == CommandKind::Rename) {
    name = std::get<proto::RenameArgs>(cmd.args).to;
    kind = "rename";
  } else {
    return;
  }
  const ClientView* author = tracker.client(done.client);
  for (const auto& [id, c] : tracker.clients()) {
    if (id == done.client || !c.connected || c.bye || !c.selected || *c.selected != name) continue;
    if (author && c.user != author->user) continue;
    if (c.selected_at >= done.pending.sent_index) continue;  // selected while the change ran: ambiguous
    watches_.push_back(Watch{id, kind, done.pending.sent_index, done.index, done.index});
  }
}

std::optional<std::string> BehaviourLog::outcome(Watch& w, const sim::Event& e,
                                                 const std::optional<Completion>& done) const {
  if (e.dir == sim::Event::Dir::Disconnected) return std::string("disconnect");
  if (e.dir == sim::Event::Dir::Received && e.response && e.response->untagged) {
    const auto* s = std::get_if<proto::StatusResponse>(&e.response->body);
    if (s && s->condition == proto::Condition::Bye) return std::string("bye");
  }
  if (!done || done->pending.sent_index <= w.after || !touches_messages(done->pending.command.kind))
    return std::nullopt;
  if (done->status.condition == proto::Condition::Ok) return std::string(w.kind == "delete" ? "ghost" : "inplace");
  if (done->status.condition == proto::Condition::No && fails_only_without_mailbox(*done) &&
      ++w.refusals >= no_after_refusals)
    return std::string("no-after");
  return std::nullopt;
}

std::optional<sim::Violation> BehaviourLog::record(const std::string& kind, const std::string& behaviour,
                                                   std::vector<std::size_t> offending, std::vector<std::size_t> causes) {
  ++seen_[kind][behaviour];
  const std::optional<std::string> want = expected(kind);
  if (!first_.count(kind)) first_[kind] = behaviour;
  if (!want) return std::nullopt;
  const bool matches = *want == behaviour || (*want == "bye" && behaviour == "disconnect");
  if (matches || reported_[kind + "/" + behaviour]) return std::nullopt;
  reported_[kind + "/" + behaviour] = true;
  sim::Violation v;
  v.rule = kind == "delete" ? "MBX-2" : "MBX-3";
  v.rfc = behaviour_section(kind, behaviour);
  const std::string verb = kind == "delete" ? "DELETE" : "RENAME";
  v.message = "after another session's " + verb + " of its selected mailbox, this session saw \"" + behaviour +
              "\" (" + behaviour_section(kind, behaviour) + "), but " +
              (declared_ ? "the declared policy is " + kind + "=" + *want
                         : "earlier in this probe the server showed \"" + *want + "\" (" +
                               behaviour_section(kind, *want) + "): the server is not consistent with itself");
  v.offending = std::move(offending);
  v.causes = std::move(causes);
  return v;
}

}  // namespace imaplab::probe
