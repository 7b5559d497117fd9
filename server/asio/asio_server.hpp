// The TCP front of the IMAP server: one Boost.Asio io_context thread runs the environment (sockets,
// steady_timer clock, random_device-seeded Random, an executor posting to the io_context) around one Server.
// Asio stays out of this header so that users (cli/serve.cpp, tests) do not compile it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/config.hpp"
#include "server/server.hpp"

namespace imaplab::server::asio_front {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: an ephemeral port (see AsioServer::port())
};
// "host:port" or "[v6]:port"; nullopt when malformed.
std::optional<Endpoint> parse_endpoint(const std::string& text);
// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

namespace defaults {
// Bytes a connection's transport takes before it tells the server to wait (the server queues the rest).
inline constexpr std::size_t send_window_bytes = 256 * 1024;
// A TLS handshake (implicit TLS or after STARTTLS) must finish within this time.
inline constexpr std::uint64_t tls_handshake_timeout_ms = 15 * 1000;
// After the server closes a connection, queued bytes get this long to leave before the socket is closed.
inline constexpr std::uint64_t close_grace_ms = 5 * 1000;
// After shutdown() the io_context is stopped at the latest after this long.
inline constexpr std::uint64_t shutdown_grace_ms = 3 * 1000;
// After an accept error (e.g. out of file descriptors) accepting resumes after this pause.
inline constexpr std::uint64_t accept_retry_ms = 100;
}  // namespace defaults

struct AsioOptions {
  std::optional<Endpoint> listen;      // plaintext, with STARTTLS when a certificate is configured
  std::optional<Endpoint> listen_tls;  // implicit TLS (RFC 8314)
  std::string tls_cert_file, tls_key_file;  // PEM; both empty: no TLS
  ServerConfig config;
  std::size_t send_window_bytes = defaults::send_window_bytes;
  bool log_to_stderr = true;
  bool stop_on_signals = false;  // SIGINT/SIGTERM call stop()
};

class AsioServer {
 public:
  // Binds the listeners (throws std::runtime_error with a readable message when it cannot).
  explicit AsioServer(AsioOptions options);
  ~AsioServer();
  AsioServer(const AsioServer&) = delete;
  AsioServer& operator=(const AsioServer&) = delete;

  // The bound ports (0 when that listener is not configured).
  std::uint16_t port() const;
  std::uint16_t tls_port() const;
  // The server, for setup before run() (demo data). Not thread-safe: use only before run() or via post().
  Server& server();
  // Runs the event loop on the calling thread until stop() finished.
  void run();
  // Thread-safe and signal-safe-to-call-from-a-signal-thread: stops accepting, sends BYE to every connection,
  // and ends run() once they closed (or after a short grace period).
  void stop();
  // Runs `work` on the event-loop thread.
  void post(std::function<void()> work);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imaplab::server::asio_front
