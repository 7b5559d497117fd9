// One accepted TCP connection as a server Transport: async reads feed Server::on_bytes, writes go out from a
// bounded window, and TLS (implicit or after STARTTLS) runs through asio::ssl over the same socket.
#pragma once
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <unordered_map>

#include "server/env.hpp"
#include "server/server.hpp"

namespace imaplab::server::asio_front {

struct ConnectionSettings {
  std::size_t send_window_bytes = 0;
  std::uint64_t tls_handshake_timeout_ms = 0;
  std::uint64_t close_grace_ms = 0;
  bool tls_available = false;  // a certificate is loaded in the ssl::context
};

class AsioConnection;
// The live connections, so that the event loop's owner can release them all at exit. Keyed by address and
// never iterated where order could matter (only to abandon everything).
using ConnectionRegistry = std::unordered_map<AsioConnection*, std::weak_ptr<AsioConnection>>;

class AsioConnection final : public Transport, public std::enable_shared_from_this<AsioConnection> {
 public:
  AsioConnection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls, Server& server,
                 Log& log, const ConnectionSettings& settings, ConnectionRegistry& registry);
  // Starts serving: for implicit TLS after the handshake, otherwise at once.
  void start(bool implicit_tls);
  // The event loop is going away: drop the self-reference without calling the server again.
  void abandon();

  // Transport
  std::size_t write(std::string_view bytes) override;
  void pause_reading(bool paused) override;
  bool can_start_tls() const override;
  void start_tls() override;
  void close() override;

 private:
  void accept_into_server(bool tls_active);
  void read_some();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void write_some();
  void write_soon();
  void on_written(const boost::system::error_code& ec);
  void maybe_begin_tls();
  void handshake(bool implicit_tls);
  void peer_gone();
  void finish_close();
  void arm_timer(std::uint64_t ms, void (AsioConnection::*on_expiry)());
  void on_handshake_timeout();

  using Stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;
  Stream stream_;
  boost::asio::steady_timer timer_;  // TLS handshake deadline, then the close grace period
  Server& server_;
  Log& log_;
  const ConnectionSettings& settings_;
  ConnectionRegistry& registry_;
  std::string peer_;
  ConnectionId id_ = 0;  // 0 until the server accepted it
  std::shared_ptr<AsioConnection> self_;  // alive until the server closed it and the socket is closed

  std::array<char, 16 * 1024> read_buffer_{};
  std::string out_pending_;   // accepted from the server, not yet handed to the socket
  std::string out_inflight_;  // being written by async_write
  bool writing_ = false;
  bool flush_posted_ = false;  // a write is scheduled after the current batch of server work
  bool reading_ = false;
  bool paused_ = false;
  bool want_writable_ = false;
  bool tls_ = false;
  bool tls_pending_ = false;     // STARTTLS: waiting for writes to finish and the read to stop
  bool handshaking_ = false;
  bool peer_closed_ = false;     // told the server on_peer_closed
  bool broken_ = false;          // a write failed: further output is discarded
  bool close_requested_ = false; // the server called close(): it must not be called again
  bool finished_ = false;
};

}  // namespace imaplab::server::asio_front
