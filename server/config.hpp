// What a Server is configured with: the model's policy, users and options, and the server's own limits
// (output bounds, timeouts, abuse limits). Every limit is named with its unit last and is configurable.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/model.hpp"
#include "model/policy.hpp"
#include "server/env.hpp"

namespace imaplab::server {

namespace defaults {
// Above this many queued output bytes a connection starts no new command and a command's remaining output
// batches wait for the peer to read: the natural backpressure of pipelining (RFC 3501 §5.5).
inline constexpr std::size_t output_soft_bytes = 256 * 1024;
// Above this many queued output bytes the peer is disconnected with BYE. Larger than one maximal literal, so
// a single FETCH of a large message never trips it; only a peer that does not read can.
inline constexpr std::size_t output_hard_bytes = 96 * 1024 * 1024;
// A NOTIFY client with more than this queued and further events due gets NOTIFICATIONOVERFLOW (RFC 5465 §5.8).
inline constexpr std::size_t notify_backlog_bytes = 1024 * 1024;
// Serialized responses per output batch step (a long FETCH proceeds in batches of about this size).
inline constexpr std::size_t output_batch_bytes = 64 * 1024;
// Unparsed input above this pauses reading from the transport until the connection catches up.
inline constexpr std::size_t input_pause_bytes = 256 * 1024;
// Consecutive unparseable lines before the peer gets BYE (one bad line only gets BAD).
inline constexpr std::uint32_t parse_errors_max = 20;
// Connections at once; the next one gets "* BYE" instead of a greeting.
inline constexpr std::size_t connections_max = 20000;
// No byte of queued output accepted by the transport for this long: BYE and disconnect.
inline constexpr TimeMs write_stall_ms = 2 * 60 * 1000;
// Inactivity before login (shorter than after login, as RFC 3501 §5.4 permits).
inline constexpr TimeMs login_timeout_ms = 60 * 1000;
// Inactivity after login: RFC 3501 §5.4 requires at least 30 minutes.
inline constexpr TimeMs autologout_ms = 30 * 60 * 1000;
// An IDLE without any input: RFC 2177 §3 tells clients to re-issue IDLE at least every 29 minutes.
inline constexpr TimeMs idle_timeout_ms = 31 * 60 * 1000;
}  // namespace defaults

struct Limits {
  std::size_t output_soft_bytes = defaults::output_soft_bytes;
  std::size_t output_hard_bytes = defaults::output_hard_bytes;
  std::size_t notify_backlog_bytes = defaults::notify_backlog_bytes;
  std::size_t output_batch_bytes = defaults::output_batch_bytes;
  std::size_t input_pause_bytes = defaults::input_pause_bytes;
  std::uint32_t parse_errors_max = defaults::parse_errors_max;
  std::size_t connections_max = defaults::connections_max;
  TimeMs write_stall_ms = defaults::write_stall_ms;
  TimeMs login_timeout_ms = defaults::login_timeout_ms;
  TimeMs autologout_ms = defaults::autologout_ms;
  TimeMs idle_timeout_ms = defaults::idle_timeout_ms;
};

struct ServerConfig {
  model::Policy policy;
  std::vector<model::User> users;
  model::ModelOptions model_options;
  Limits limits;
  // Draw the first UIDVALIDITY from Random, so a restarted server (whose store starts empty) never hands
  // out a UIDVALIDITY a client cached from an earlier run with different UIDs (RFC 3501 §2.3.1.1).
  bool random_uidvalidity = false;
  // BUGGIFY (FoundationDB's idea): named fault sites in the server take rare but legal paths (short output
  // batches, delayed pushes, yields between pipelined commands ...). Off on a real server; the simulator
  // switches it on per run. Each site is enabled or not per server from Random, then fires at random.
  bool buggify = false;
  // Tests only: when buggify is on and this is nonzero, exactly these sites are enabled (bit i = FaultSite i,
  // server/buggify.hpp) and fire on every pass, instead of the random draw.
  std::uint32_t buggify_sites_forced = 0;
};

// The world a Server runs in. The referenced objects outlive the Server; `log` may be null.
struct Environment {
  Clock& clock;
  Random& random;
  Executor& executor;
  Log* log = nullptr;
};

}  // namespace imaplab::server
