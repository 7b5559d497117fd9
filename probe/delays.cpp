// Delivery delay measurement (probe/delays.hpp).
#include "probe/delays.hpp"

#include <algorithm>

namespace imaplab::probe {

using proto::CommandKind;

std::uint64_t DelayStats::percentile_us(double p) const {
  if (delays_us.empty()) return 0;
  std::vector<std::uint64_t> sorted = delays_us;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

std::optional<std::string> push_type(const proto::Response& r) {
  if (!r.untagged) return std::nullopt;
  if (const auto* n = std::get_if<proto::NumberData>(&r.body)) {
    if (n->kind == proto::NumberData::Kind::Exists) return std::string("new");
    if (n->kind == proto::NumberData::Kind::Expunge) return std::string("expunge");
  }
  if (const auto* v = std::get_if<proto::VanishedData>(&r.body); v && !v->earlier) return std::string("expunge");
  if (std::holds_alternative<proto::FetchData>(r.body)) return std::string("flags");
  return std::nullopt;
}

void DelayMeter::observe(const sim::Event& e, const Tracker& tracker, const std::optional<Completion>& done) {
  if (e.dir == sim::Event::Dir::Sent || e.dir == sim::Event::Dir::Disconnected) {
    // The watcher is no longer quiet: what it hears from now on answers its own command.
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->watcher != e.client) {
        ++it;
        continue;
      }
      ++stats_[it->type].abandoned;
      it = pending_.erase(it);
    }
    return;
  }
  if (e.dir != sim::Event::Dir::Received || !e.response) return;
  if (auto type = push_type(*e.response)) pushed(e.client, *type, e.time_us);
  if (!done || done->status.condition != proto::Condition::Ok) return;
  const proto::Command& cmd = done->pending.command;
  const ClientView* author = tracker.client(done->client);
  // APPENDUID / COPYUID name the destination's UIDVALIDITY (RFC 4315 §3).
  const std::uint32_t destination_uidvalidity =
      done->status.code && done->status.code->number ? static_cast<std::uint32_t>(*done->status.code->number) : 0;
  const std::uint32_t selected_uidvalidity = author ? author->uidvalidity : 0;
  switch (cmd.kind) {
    case CommandKind::Append:
      change(*done, std::get<proto::AppendArgs>(cmd.args).mailbox, destination_uidvalidity, "new", e.time_us, tracker);
      break;
    case CommandKind::Copy:
    case CommandKind::Move:
      change(*done, std::get<proto::CopyArgs>(cmd.args).mailbox, destination_uidvalidity, "new", e.time_us, tracker);
      if (cmd.kind == CommandKind::Move && author && author->selected && done->pending.expunges_seen > 0)
        change(*done, *author->selected, selected_uidvalidity, "expunge", e.time_us, tracker);
      break;
    case CommandKind::Expunge:
    case CommandKind::UidExpunge:
      if (author && author->selected && done->pending.expunges_seen > 0)
        change(*done, *author->selected, selected_uidvalidity, "expunge", e.time_us, tracker);
      break;
    case CommandKind::Store:
      if (author && author->selected && done->pending.fetches_seen > 0)
        change(*done, *author->selected, selected_uidvalidity, "flags", e.time_us, tracker);
      break;
    default:
      break;
  }
}

void DelayMeter::change(const Completion& done, const std::string& mailbox, std::uint32_t uidvalidity,
                        const std::string& type, std::uint64_t now_us, const Tracker& tracker) {
  const ClientView* author = tracker.client(done.client);
  for (const auto& [id, w] : tracker.clients()) {
    if (id == done.client || !w.connected || w.bye || !w.selected || *w.selected != mailbox) continue;
    if (uidvalidity != 0 && w.uidvalidity != 0 && w.uidvalidity != uidvalidity) continue;
    if (author && w.user != author->user) continue;
    const bool idle_watch = w.idling && w.idle_since_us <= done.pending.sent_us;
    const bool notify_watch = w.notify_selected && w.outstanding.empty() && w.last_sent_us <= done.pending.sent_us;
    if (!idle_watch && !notify_watch) continue;
    // The push may come before the author's OK: then it is already here (delay 0).
    auto last = last_push_us_.find({id, type});
    if (last != last_push_us_.end() && last->second >= done.pending.sent_us) {
      stats_[type].delays_us.push_back(0);
      continue;
    }
    pending_.push_back(Pending{id, type, now_us, done.index});
  }
}

void DelayMeter::pushed(ClientId watcher, const std::string& type, std::uint64_t now_us) {
  last_push_us_[{watcher, type}] = now_us;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->watcher != watcher || it->type != type) {
      ++it;
      continue;
    }
    stats_[type].delays_us.push_back(now_us >= it->done_us ? now_us - it->done_us : 0);
    it = pending_.erase(it);
  }
}

std::vector<MissedPush> DelayMeter::tick(std::uint64_t now_us, const Tracker&) {
  std::vector<MissedPush> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now_us < it->done_us + bound_us_) {
      ++it;
      continue;
    }
    if (it->type != "flags") {
      ++stats_[it->type].missed;
      out.push_back(MissedPush{it->watcher, it->type, it->done_index});
    }
    it = pending_.erase(it);
  }
  return out;
}

}  // namespace imaplab::probe
