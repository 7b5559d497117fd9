// The environment seam implemented with Boost.Asio: a steady_timer Clock, a random_device-seeded Random, an
// Executor that posts to the io_context, and a stderr Log. Everything runs on the io_context's one thread.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <random>
#include <unordered_map>

#include "server/env.hpp"

namespace imaplab::server::asio_front {

class AsioClock final : public Clock {
 public:
  explicit AsioClock(boost::asio::io_context& io);
  TimeMs now_ms() const override;
  TimerId schedule_at(TimeMs at_ms, std::function<void()> callback) override;
  void cancel(TimerId timer) override;

 private:
  boost::asio::io_context& io_;
  std::chrono::steady_clock::time_point start_;
  TimerId next_id_ = 1;
  // Looked up by id only, never iterated.
  std::unordered_map<TimerId, std::unique_ptr<boost::asio::steady_timer>> timers_;
};

class AsioRandom final : public Random {
 public:
  AsioRandom();
  std::uint64_t next_u64() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// Runs server work in batches: one io_context handler runs every ready step (up to drain_steps_max), so the
// steps of many pipelined commands run back to back and the transports' deferred flushes, posted meanwhile,
// then write each connection's output with one system call instead of one per command.
class AsioExecutor final : public Executor {
 public:
  explicit AsioExecutor(boost::asio::io_context& io) : io_(io) {}
  void post(AwaitPoint point, ConnectionId connection, std::function<void()> work) override;

 private:
  // Steps per batch before I/O gets its turn again (fairness between computing and reading/writing).
  static constexpr std::size_t drain_steps_max = 4096;
  void schedule();
  void drain();

  boost::asio::io_context& io_;
  std::deque<std::function<void()>> ready_;
  bool scheduled_ = false;
};

class StderrLog final : public Log {
 public:
  void line(std::string_view text) override;
};

}  // namespace imaplab::server::asio_front
