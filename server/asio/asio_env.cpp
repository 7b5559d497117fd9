// Boost.Asio implementations of Clock, Random, Executor and Log for the TCP front.
#include "server/asio/asio_env.hpp"

#include <boost/asio/post.hpp>
#include <cstdio>
#include <ctime>
#include <string>

namespace imaplab::server::asio_front {

AsioClock::AsioClock(boost::asio::io_context& io) : io_(io), start_(std::chrono::steady_clock::now()) {}

TimeMs AsioClock::now_ms() const {
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  return static_cast<TimeMs>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
}

TimerId AsioClock::schedule_at(TimeMs at_ms, std::function<void()> callback) {
  const TimerId id = next_id_++;
  auto timer = std::make_unique<boost::asio::steady_timer>(io_, start_ + std::chrono::milliseconds(at_ms));
  timer->async_wait([this, id, callback = std::move(callback)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the timer object is already gone
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    timers_.erase(it);
    callback();
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void AsioClock::cancel(TimerId timer) { timers_.erase(timer); }

AsioRandom::AsioRandom() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device()};
  engine_.seed(seed);
}

void AsioExecutor::post(AwaitPoint, ConnectionId, std::function<void()> work) {
  ready_.push_back(std::move(work));
  schedule();
}

void AsioExecutor::schedule() {
  if (scheduled_) return;
  scheduled_ = true;
  boost::asio::post(io_, [this] { drain(); });
}

void AsioExecutor::drain() {
  scheduled_ = false;
  for (std::size_t steps = 0; steps < drain_steps_max && !ready_.empty(); ++steps) {
    std::function<void()> work = std::move(ready_.front());
    ready_.pop_front();
    work();
  }
  if (!ready_.empty()) schedule();
}

void StderrLog::line(std::string_view text) {
  // One write per line, so lines from a crash handler or another thread never interleave mid-line.
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string out = std::string(stamp) + " imaplab: " + std::string(text) + "\n";
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace imaplab::server::asio_front
