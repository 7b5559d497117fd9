// The Checker: logs every event, routes it to the per-client tracker (which calls the [C], [X] and [O]
// rules), and hands back the first fatal violation. Also the shared helpers of sim/check_internal.hpp.
#include "sim/checker.hpp"

#include <algorithm>
#include <cstring>

#include "proto/writer.hpp"
#include "sim/check_internal.hpp"

namespace imaplab::sim {
namespace detail {

namespace {
constexpr std::size_t line_chars_max = 160;  // of one transcript line quoted in a message

// The part of an event's text that line() can quote: its first line, cut one character past the quoting limit
// (line() then elides the rest). A simulator run without a trace leaves out the received bytes; they are the
// response written out.
std::string quotable_text(const Event& e) {
  std::string text = e.bytes.empty() && e.response ? proto::write_response(*e.response) : e.bytes;
  // The first CR or LF, by two vectorized scans: find_first_of would call memchr once per character.
  std::size_t eol = std::min(text.find('\r'), text.size());
  if (const void* lf = std::memchr(text.data(), '\n', eol)) eol = static_cast<const char*>(lf) - text.data();
  text.resize(std::min(eol, line_chars_max + 1));
  return text;
}

}  // namespace

std::string Reporter::line(EventIndex index) const {
  if (index >= log_.size()) return "(no such event)";
  const Event& e = log_[index];
  std::string text = quotable_text(e);
  if (text.size() > line_chars_max) text = text.substr(0, line_chars_max) + "...";
  const char* who = e.dir == Event::Dir::Sent ? "C" : "S";
  if (e.dir == Event::Dir::Connected) text = "(connected)";
  if (e.dir == Event::Dir::Disconnected) text = "(disconnected)";
  return std::string(who) + std::to_string(e.client) + ": " + text;
}

void Reporter::report(const char* rule, std::vector<EventIndex> offending, std::vector<EventIndex> causes,
                      std::string why) {
  if (stopped()) return;
  const RuleInfo* info = find_rule(rule);
  Violation v;
  v.rule = rule;
  v.rfc = info != nullptr ? info->rfc : "";
  std::string message = std::move(why);
  for (EventIndex i : offending) message += "\n  offending: " + line(i);
  for (EventIndex i : causes) message += "\n  because:   " + line(i);
  if (info != nullptr) message += "\n  " + v.rfc + ": \"" + info->text + "\"";
  v.message = std::move(message);
  v.offending = std::move(offending);
  v.causes = std::move(causes);
  const bool should = info != nullptr && std::string_view(info->strength) == "S";
  if (should && !options_.should_is_fatal) {
    warnings_.push_back(std::move(v));
    return;
  }
  fatal_ = std::move(v);
}

std::optional<Violation> Reporter::take_new_fatal() {
  if (!fatal_ || fatal_taken_) return std::nullopt;
  fatal_taken_ = true;
  return fatal_;
}

void MonotoneFloor::add(EventIndex end, std::uint64_t value) {
  if (steps_.empty() || value > steps_.back().value) steps_.push_back({end, value});
}

const MonotoneFloor::Step* MonotoneFloor::before(EventIndex start) const {
  // Steps are in event order; find the last one that ended strictly before `start`.
  auto it = std::partition_point(steps_.begin(), steps_.end(), [&](const Step& s) { return s.end < start; });
  if (it == steps_.begin()) return nullptr;
  return &*(it - 1);
}

const Inflight* ClientState::find_inflight(proto::CommandKind kind, bool uid,
                                           const std::vector<Event>& log) const {
  for (const Inflight& f : inflight) {
    const auto& cmd = log[f.sent].command;
    if (cmd && cmd->kind == kind && cmd->uid == uid) return &f;
  }
  return nullptr;
}

bool changes_messages(proto::CommandKind k) {
  using K = proto::CommandKind;
  switch (k) {
    case K::Capability: case K::Noop: case K::Logout: case K::StartTls: case K::Authenticate: case K::Login:
    case K::List: case K::Lsub: case K::Status: case K::Search: case K::Check: case K::Idle: case K::Notify:
    case K::Subscribe: case K::Unsubscribe: case K::Enable:
      return false;
    default: return true;
  }
}

std::optional<std::vector<std::uint32_t>> resolve_in_view(const proto::SequenceSet& set, bool uid,
                                                          const std::vector<std::uint32_t>& view) {
  std::vector<std::uint32_t> out;
  const std::uint32_t star = uid ? (view.empty() ? 0 : view.back()) : static_cast<std::uint32_t>(view.size());
  for (const auto& r : set.ranges) {
    const std::uint32_t a = r.first == proto::seq_star ? star : r.first;
    const std::uint32_t b = r.last == proto::seq_star ? star : r.last;
    const std::uint32_t lo = std::min(a, b), hi = std::max(a, b);
    if (uid) {
      for (auto it = std::lower_bound(view.begin(), view.end(), lo); it != view.end() && *it <= hi; ++it) {
        out.push_back(*it);
      }
    } else {
      if (lo == 0 || hi > view.size()) return std::nullopt;
      out.insert(out.end(), view.begin() + (lo - 1), view.begin() + hi);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : bytes) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::optional<std::uint64_t> set_size(const proto::SequenceSet& set) {
  std::uint64_t n = 0;
  for (const auto& r : set.ranges) {
    if (r.first == proto::seq_star || r.last == proto::seq_star) return std::nullopt;
    n += (r.first > r.last ? r.first - r.last : r.last - r.first) + 1ull;
  }
  return n;
}

}  // namespace detail

struct Checker::Impl {
  explicit Impl(CheckerOptions o) : options(std::move(o)), rep(options, log) { log.reserve(options.expected_events); }
  CheckerOptions options;
  std::vector<Event> log;
  detail::Reporter rep;
  detail::CrossState cross;
  std::map<ClientId, detail::ClientState> clients;

  detail::Ctx ctx(const StoreOracle* oracle) { return detail::Ctx{rep, log, options, oracle, cross, clients}; }
};

Checker::Checker(CheckerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Checker::~Checker() = default;
Checker::Checker(Checker&&) noexcept = default;
Checker& Checker::operator=(Checker&&) noexcept = default;

std::optional<Violation> Checker::observe(const Event& event, const StoreOracle* oracle) {
  return observe(Event(event), oracle);
}

std::optional<Violation> Checker::observe(Event&& moved, const StoreOracle* oracle) {
  Impl& m = *impl_;
  m.log.push_back(std::move(moved));
  const Event& event = m.log.back();
  if (m.rep.stopped()) return std::nullopt;
  const detail::EventIndex index = m.log.size() - 1;
  detail::Ctx ctx = m.ctx(oracle);
  detail::check_deadlines(ctx, event.time_us);
  detail::ClientState& c = m.clients[event.client];
  c.id = event.client;
  detail::acl_observe(ctx, c, index);
  detail::access_observe(ctx, c, index);
  detail::list_observe(ctx, c, index);
  detail::names_observe(ctx, c, index);
  detail::append_observe(ctx, c, index);
  switch (event.dir) {
    case Event::Dir::Connected: detail::client_connected(ctx, c, index); break;
    case Event::Dir::Disconnected: detail::client_disconnected(ctx, c, index); break;
    case Event::Dir::Sent: detail::client_sent(ctx, c, index); break;
    case Event::Dir::Received: detail::client_received(ctx, c, index); break;
  }
  return m.rep.take_new_fatal();
}

std::optional<Violation> Checker::tick(std::uint64_t now_us, const StoreOracle* oracle) {
  Impl& m = *impl_;
  if (m.rep.stopped()) return std::nullopt;
  detail::Ctx ctx = m.ctx(oracle);
  detail::check_deadlines(ctx, now_us);
  return m.rep.take_new_fatal();
}

std::optional<Violation> Checker::quiescent(std::uint64_t now_us, const StoreOracle* oracle) {
  auto violation = tick(now_us + impl_->options.notify_bound_us + 1, oracle);
  if (violation || impl_->rep.stopped()) return violation;
  Impl& m = *impl_;
  detail::Ctx ctx = m.ctx(oracle);
  detail::check_unanswered(ctx);  // SES-2 (sim/check_liveness.cpp)
  return m.rep.take_new_fatal();
}

std::optional<Violation> Checker::stalled(const StoreOracle* oracle) {
  Impl& m = *impl_;
  if (m.rep.stopped()) return std::nullopt;
  detail::Ctx ctx = m.ctx(oracle);
  detail::check_unanswered(ctx);  // SES-2 (sim/check_liveness.cpp)
  if (!m.rep.stopped()) detail::check_owed_push(ctx);  // SES-5
  return m.rep.take_new_fatal();
}

std::uint64_t Checker::notify_bound_us() const { return impl_->options.notify_bound_us; }

const std::vector<Event>& Checker::events() const { return impl_->log; }
const std::vector<Violation>& Checker::warnings() const { return impl_->rep.warnings(); }

}  // namespace imaplab::sim
