// The environment seam of the server (DESIGN.md, "one server, two worlds"): clock, randomness, executor, log
// and per-connection transports, passed in. Boost.Asio implements it in server/asio/, the simulator in sim/.
// Nothing under server/ outside server/asio/ reads a clock, draws a random number or touches a socket.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>

namespace imaplab::server {

using TimeMs = std::uint64_t;        // milliseconds of the world's monotonic time (virtual or real)
using TimerId = std::uint64_t;       // 0 is never a valid timer
using ConnectionId = std::uint64_t;  // never reused within one Server; 0 is never valid

// The places where a command's work waits, as a production server would (DESIGN.md: races live only where
// work can interleave). Every piece of work the server posts names its await point, so the simulator can add
// latency or reorder there, and a bug zoo can refer to one by name. Waiting for a slow reader is not a posted
// step: it is the transport's on_writable event.
enum class AwaitPoint {
  ReadInput,       // parse the next pipelined command of a connection (after the previous one completed)
  StoreAccess,     // a parsed command waits for the store before the model executes it
  OutputBatch,     // the next bounded batch of a command's responses is queued for output
  NotifyDelivery,  // unsolicited updates (IDLE, NOTIFY) are pulled from the model and queued
};
const char* await_point_name(AwaitPoint point);

// Monotonic time and timers. Timer callbacks run in the world's event loop, never re-entrantly from
// schedule() or cancel().
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs now_ms() const = 0;
  virtual TimerId schedule_at(TimeMs at_ms, std::function<void()> callback) = 0;
  // Cancelling a timer that already fired or was cancelled is a no-op.
  virtual void cancel(TimerId timer) = 0;
};

// The only source of randomness the server may use.
class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next_u64() = 0;
};

// Runs posted work later; the world decides which ready piece runs next (FIFO over TCP, a strategy in the
// simulator). Work is never run re-entrantly from post().
class Executor {
 public:
  virtual ~Executor() = default;
  virtual void post(AwaitPoint point, ConnectionId connection, std::function<void()> work) = 0;
};

// One line per event (connections, errors), for the operator. May be a no-op.
class Log {
 public:
  virtual ~Log() = default;
  virtual void line(std::string_view text) = 0;
};

// One connection's byte pipe, as the server sees it. Incoming bytes, the peer's close and writability are
// reported by the world calling Server::on_bytes / on_peer_closed / on_writable.
class Transport {
 public:
  virtual ~Transport() = default;
  // Accepts a prefix of `bytes` (possibly none) and returns its length; the rest must be offered again after
  // Server::on_writable. A transport never blocks.
  virtual std::size_t write(std::string_view bytes) = 0;
  // Stop (true) or resume (false) delivering incoming bytes; the server's own input buffer is bounded.
  virtual void pause_reading(bool paused) = 0;
  // Can this transport start TLS (STARTTLS, RFC 3501 §6.2.1)? False also when TLS is already active.
  virtual bool can_start_tls() const = 0;
  // Starts TLS after every byte accepted so far has been sent; later on_bytes carry decrypted data.
  virtual void start_tls() = 0;
  // Closes the connection once the bytes already accepted are sent (or a short grace period passed).
  // The server calls nothing on the transport afterwards; the world sends no more events for it.
  virtual void close() = 0;
};

}  // namespace imaplab::server
