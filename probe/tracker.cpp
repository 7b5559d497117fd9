// Session state from the event stream (probe/tracker.hpp).
#include "probe/tracker.hpp"

#include <algorithm>

namespace imaplab::probe {
namespace {

using proto::CommandKind;

// RFC 5465 §5.1: a SELECTED (not SELECTED-DELAYED) filter with MessageNew sends EXISTS as soon as it happens.
bool watches_selected_new(const proto::NotifyArgs& a) {
  if (a.mode == proto::NotifyArgs::Mode::None) return false;
  return std::any_of(a.groups.begin(), a.groups.end(), [](const proto::NotifyEventGroup& g) {
    if (g.filter.kind != proto::NotifyFilter::Kind::Selected || !g.events) return false;
    return std::any_of(g.events->begin(), g.events->end(),
                       [](const proto::NotifyEvent& e) { return e.kind == proto::NotifyEventKind::MessageNew; });
  });
}

}  // namespace

const ClientView* Tracker::client(ClientId id) const {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : &it->second;
}

std::optional<Completion> Tracker::observe(const sim::Event& e, std::size_t index) {
  ClientView& c = clients_[e.client];
  switch (e.dir) {
    case sim::Event::Dir::Connected: {
      std::string user = std::move(c.user);
      c = ClientView{};
      c.user = std::move(user);
      c.connected = true;
      return std::nullopt;
    }
    case sim::Event::Dir::Disconnected:
      c.connected = false;
      c.outstanding.clear();
      c.selected.reset();
      c.idling = false;
      return std::nullopt;
    case sim::Event::Dir::Sent:
      sent(c, e, index);
      return std::nullopt;
    case sim::Event::Dir::Received:
      return received(c, e, index);
  }
  return std::nullopt;
}

void Tracker::sent(ClientView& c, const sim::Event& e, std::size_t index) {
  c.plus_pending = false;
  c.last_sent_us = e.time_us;
  c.last_sent_index = index;
  if (e.raw_line && (*e.raw_line == "DONE" || *e.raw_line == "done")) c.idling = false;
  if (!e.command) return;
  c.outstanding[e.command->tag] = PendingCommand{*e.command, index, e.time_us, 0, 0};
  const CommandKind k = e.command->kind;
  if (k == CommandKind::Select || k == CommandKind::Examine) {
    c.selected.reset();  // RFC 3501 §6.3.1: SELECT first deselects the current mailbox
    c.select_uidvalidity = 0;
  }
}

std::optional<Completion> Tracker::received(ClientView& c, const sim::Event& e, std::size_t index) {
  if (!e.response) return std::nullopt;
  const proto::Response& r = *e.response;
  if (std::holds_alternative<proto::ContinuationData>(r.body)) {
    c.plus_pending = true;
    const bool idle_sent = std::any_of(c.outstanding.begin(), c.outstanding.end(),
                                       [](const auto& p) { return p.second.command.kind == CommandKind::Idle; });
    if (idle_sent && !c.idling) {
      c.idling = true;
      c.idle_since_us = e.time_us;
    }
    return std::nullopt;
  }
  const auto* status = std::get_if<proto::StatusResponse>(&r.body);
  if (r.untagged) {
    if (status && status->condition == proto::Condition::Bye) c.bye = true;
    if (status && status->code && status->code->name == "UIDVALIDITY" && status->code->number)
      c.select_uidvalidity = static_cast<std::uint32_t>(*status->code->number);
    const auto* n = std::get_if<proto::NumberData>(&r.body);
    const bool expunge = (n && n->kind == proto::NumberData::Kind::Expunge) ||
                         (std::holds_alternative<proto::VanishedData>(r.body) &&
                          !std::get<proto::VanishedData>(r.body).earlier);
    const bool fetch = std::holds_alternative<proto::FetchData>(r.body);
    for (auto& [tag, p] : c.outstanding) {
      p.expunges_seen += expunge ? 1 : 0;
      p.fetches_seen += fetch ? 1 : 0;
    }
    return std::nullopt;
  }
  auto it = c.outstanding.find(r.tag);
  if (it == c.outstanding.end() || status == nullptr) return std::nullopt;
  Completion done{e.client, std::move(it->second), *status, index};
  c.outstanding.erase(it);
  completed(c, done);
  if (done.pending.command.kind == CommandKind::Rename && status->condition == proto::Condition::Ok)
    renamed_under_others(e.client, std::get<proto::RenameArgs>(done.pending.command.args));
  return done;
}

// Another session's RENAME moves the mailbox these sessions hold (RFC 2180 §3.4; with §3.3 they are
// disconnected anyway): their selection now has the new name.
void Tracker::renamed_under_others(ClientId author, const proto::RenameArgs& rename) {
  const std::string user = clients_[author].user;
  for (auto& [id, c] : clients_)
    if (id != author && c.user == user && c.selected && *c.selected == rename.from) c.selected = rename.to;
}

void Tracker::completed(ClientView& c, const Completion& done) {
  const proto::Command& cmd = done.pending.command;
  const bool ok = done.status.condition == proto::Condition::Ok;
  switch (cmd.kind) {
    case CommandKind::Select:
    case CommandKind::Examine:
      if (ok) {
        c.selected = std::get<proto::MailboxArgs>(cmd.args).mailbox;
        c.uidvalidity = c.select_uidvalidity;
        c.selected_at = done.index;
      }
      break;
    case CommandKind::Close:
    case CommandKind::Unselect:
      if (ok) c.selected.reset();
      break;
    case CommandKind::Rename:
      if (ok && c.selected && *c.selected == std::get<proto::RenameArgs>(cmd.args).from)
        c.selected = std::get<proto::RenameArgs>(cmd.args).to;
      break;
    case CommandKind::Idle:
      c.idling = false;
      break;
    case CommandKind::Notify:
      if (ok) c.notify_selected = watches_selected_new(std::get<proto::NotifyArgs>(cmd.args));
      break;
    case CommandKind::Logout:
      c.selected.reset();
      break;
    default:
      break;
  }
}

}  // namespace imaplab::probe
