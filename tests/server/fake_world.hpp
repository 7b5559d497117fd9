// A fake in-memory environment for server tests: a manual clock, a FIFO executor, transports that record
// bytes (and can refuse them, to play a slow reader), and a World that wires one Server to them.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "server/server.hpp"

namespace imaplab::server::testing {

class ManualClock final : public Clock {
 public:
  TimeMs now_ms() const override { return now_; }
  TimerId schedule_at(TimeMs at_ms, std::function<void()> callback) override {
    const TimerId id = next_++;
    timers_.emplace(std::make_pair(std::max(at_ms, now_), id), std::move(callback));
    return id;
  }
  void cancel(TimerId timer) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == timer) {
        timers_.erase(it);
        return;
      }
    }
  }
  // Fires due timers one at a time, in time order, running `between` after each.
  void advance_to(TimeMs t, const std::function<void()>& between) {
    while (!timers_.empty() && timers_.begin()->first.first <= t) {
      auto node = timers_.extract(timers_.begin());
      now_ = node.key().first;
      node.mapped()();
      between();
    }
    now_ = std::max(now_, t);
  }
  std::size_t pending() const { return timers_.size(); }

 private:
  TimeMs now_ = 1000;
  TimerId next_ = 1;
  std::map<std::pair<TimeMs, TimerId>, std::function<void()>> timers_;
};

class FifoExecutor final : public Executor {
 public:
  void post(AwaitPoint point, ConnectionId connection, std::function<void()> work) override {
    points.push_back(point);
    queue_.emplace_back(connection, std::move(work));
  }
  // Runs posted work (including work posted meanwhile) until none is left but that of held connections.
  void run() {
    constexpr std::size_t steps_max = 1'000'000;  // a livelock fails the test instead of hanging it
    for (std::size_t steps = 0;; ++steps) {
      if (steps == steps_max) throw std::runtime_error("executor did not settle");
      auto it = std::find_if(queue_.begin(), queue_.end(), [this](const auto& w) { return !held_.count(w.first); });
      if (it == queue_.end()) return;
      auto work = std::move(it->second);
      queue_.erase(it);
      work();
    }
  }
  // A held connection's work waits (in order) until release(): a slow connection, as the simulator's
  // strategy can make one, so that other connections' steps run in between.
  void hold(ConnectionId connection) { held_.insert(connection); }
  void release(ConnectionId connection) { held_.erase(connection); }
  std::vector<AwaitPoint> points;  // every await point posted, in order

 private:
  std::deque<std::pair<ConnectionId, std::function<void()>>> queue_;
  std::set<ConnectionId> held_;
};

class CountingRandom final : public Random {
 public:
  explicit CountingRandom(std::uint64_t start = 0) : state_(start) {}
  std::uint64_t next_u64() override { return ++state_ * 0x9E3779B97F4A7C15ull; }

 private:
  std::uint64_t state_ = 0;
};

class MemoryLog final : public Log {
 public:
  void line(std::string_view text) override { lines.emplace_back(text); }
  std::vector<std::string> lines;
};

class FakeTransport final : public Transport {
 public:
  std::size_t write(std::string_view bytes) override {
    if (closed) throw std::logic_error("write after close");
    const std::size_t taken = std::min(bytes.size(), window);
    window -= taken;
    received.append(bytes.substr(0, taken));
    total += taken;
    ++writes;
    return taken;
  }
  void pause_reading(bool paused_now) override { paused = paused_now; }
  bool can_start_tls() const override { return tls_available && !tls; }
  void start_tls() override { tls = true; }
  void close() override {
    if (closed) throw std::logic_error("closed twice");
    closed = true;
  }

  std::string received;  // what the server wrote and the peer has not taken yet
  std::size_t total = 0;
  std::size_t writes = 0;  // write() calls
  std::size_t window = std::numeric_limits<std::size_t>::max();  // bytes it will still accept
  bool paused = false;
  bool tls_available = false;
  bool tls = false;
  bool closed = false;
};

struct Client {
  ConnectionId id = 0;
  FakeTransport transport;
  std::string take() { return std::exchange(transport.received, {}); }
};

inline ServerConfig test_config() {
  ServerConfig config;
  config.users = {{"alice", "wonderland"}, {"bob", "builder"}};
  return config;
}

class World {
 public:
  // `random_start` varies the server's random stream (BUGGIFY's site draws among others).
  explicit World(ServerConfig config = test_config(), std::uint64_t random_start = 0)
      : random(random_start), server(Environment{clock, random, executor, &log}, std::move(config)) {}

  Client& connect(bool tls_available = false) {
    clients_.push_back(std::make_unique<Client>());
    Client& client = *clients_.back();
    client.transport.tls_available = tls_available;
    client.id = server.on_accept(client.transport, "test-peer");
    executor.run();
    return client;
  }
  // Sends bytes and lets the server settle; returns what the client received meanwhile.
  std::string send(Client& client, std::string_view bytes) {
    server.on_bytes(client.id, bytes);
    executor.run();
    return client.take();
  }
  void set_window(Client& client, std::size_t window) {
    client.transport.window = window;
    server.on_writable(client.id);
    executor.run();
  }
  void advance(TimeMs ms) {
    clock.advance_to(clock.now_ms() + ms, [this] { executor.run(); });
    executor.run();
  }

  ManualClock clock;
  FifoExecutor executor;
  CountingRandom random;
  MemoryLog log;
  Server server;

 private:
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace imaplab::server::testing
