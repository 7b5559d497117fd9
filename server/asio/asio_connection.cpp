// One TCP (or TLS) connection as a server Transport. All of it runs on the io_context thread.
#include "server/asio/asio_connection.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace imaplab::server::asio_front {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
std::string describe(const asio::ip::tcp::socket& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown peer";
  const auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}
}  // namespace

AsioConnection::AsioConnection(asio::ip::tcp::socket socket, asio::ssl::context& tls, Server& server, Log& log,
                               const ConnectionSettings& settings, ConnectionRegistry& registry)
    : stream_(std::move(socket), tls),
      timer_(stream_.get_executor()),
      server_(server),
      log_(log),
      settings_(settings),
      registry_(registry),
      peer_(describe(stream_.next_layer())) {}

void AsioConnection::start(bool implicit_tls) {
  self_ = shared_from_this();
  registry_.emplace(this, self_);
  error_code ec;
  // Responses are small and latency-bound (pipelined request/response); Nagle would add delays.
  stream_.next_layer().set_option(asio::ip::tcp::no_delay(true), ec);
  if (implicit_tls) {
    handshake(true);
  } else {
    accept_into_server(false);
  }
}

void AsioConnection::accept_into_server(bool tls_active) {
  id_ = server_.on_accept(*this, peer_, tls_active);
  read_some();
}

void AsioConnection::abandon() {
  close_requested_ = true;
  finish_close();
}

// ---- Reading ----

void AsioConnection::read_some() {
  if (reading_ || paused_ || peer_closed_ || close_requested_ || tls_pending_ || handshaking_ || finished_) return;
  reading_ = true;
  auto handler = [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); };
  if (tls_) {
    stream_.async_read_some(asio::buffer(read_buffer_), std::move(handler));
  } else {
    stream_.next_layer().async_read_some(asio::buffer(read_buffer_), std::move(handler));
  }
}

void AsioConnection::on_read(const error_code& ec, std::size_t bytes) {
  reading_ = false;
  if (close_requested_ || finished_) return;
  if (tls_pending_) {
    // Bytes that arrived after STARTTLS but before the handshake are plaintext: never passed on as if they had
    // come over TLS (RFC 3501 §6.2.1; CVE-2011-0411).
    maybe_begin_tls();
    return;
  }
  if (bytes > 0) server_.on_bytes(id_, std::string_view(read_buffer_.data(), bytes));
  if (close_requested_) return;
  if (ec) {
    peer_gone();
    return;
  }
  read_some();
}

void AsioConnection::pause_reading(bool paused) {
  paused_ = paused;
  if (!paused) read_some();
}

void AsioConnection::peer_gone() {
  if (peer_closed_ || close_requested_) return;
  peer_closed_ = true;
  server_.on_peer_closed(id_);
}

// ---- Writing ----

std::size_t AsioConnection::write(std::string_view bytes) {
  if (broken_ || close_requested_) return bytes.size();  // nobody will read it; the server will close soon
  const std::size_t used = out_pending_.size() + out_inflight_.size();
  const std::size_t room = used >= settings_.send_window_bytes ? 0 : settings_.send_window_bytes - used;
  const std::size_t taken = std::min(room, bytes.size());
  out_pending_.append(bytes.substr(0, taken));
  if (taken < bytes.size()) want_writable_ = true;
  write_soon();
  return taken;
}

// The socket write waits until the server's ready work ran (see AsioExecutor), so the answers to many
// pipelined commands leave in one system call.
void AsioConnection::write_soon() {
  if (flush_posted_ || writing_) return;
  flush_posted_ = true;
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->write_some();
  });
}

void AsioConnection::write_some() {
  if (writing_ || out_pending_.empty() || handshaking_ || finished_) return;
  out_inflight_.swap(out_pending_);
  out_pending_.clear();
  writing_ = true;
  auto handler = [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_written(ec); };
  if (tls_) {
    asio::async_write(stream_, asio::buffer(out_inflight_), std::move(handler));
  } else {
    asio::async_write(stream_.next_layer(), asio::buffer(out_inflight_), std::move(handler));
  }
}

void AsioConnection::on_written(const error_code& ec) {
  writing_ = false;
  out_inflight_.clear();
  if (finished_) return;
  if (ec) {
    broken_ = true;
    out_pending_.clear();
    if (close_requested_) {
      finish_close();
    } else {
      peer_gone();
      if (want_writable_ && !close_requested_) {
        want_writable_ = false;
        server_.on_writable(id_);  // lets the server flush into the (discarding) transport and finish
      }
    }
    return;
  }
  if (close_requested_ && out_pending_.empty()) {
    finish_close();
    return;
  }
  if (tls_pending_ && out_pending_.empty()) {
    maybe_begin_tls();
    return;
  }
  write_some();
  if (want_writable_ && !close_requested_ && out_pending_.size() + out_inflight_.size() < settings_.send_window_bytes) {
    want_writable_ = false;
    server_.on_writable(id_);
  }
}

// ---- TLS ----

bool AsioConnection::can_start_tls() const { return settings_.tls_available && !tls_ && !tls_pending_; }

void AsioConnection::start_tls() {
  tls_pending_ = true;
  maybe_begin_tls();
}

// The handshake starts once the STARTTLS OK has left and no plaintext read is outstanding.
void AsioConnection::maybe_begin_tls() {
  if (!tls_pending_ || writing_ || !out_pending_.empty() || close_requested_) return;
  if (reading_) {
    error_code ec;
    stream_.next_layer().cancel(ec);  // on_read comes back here
    return;
  }
  tls_pending_ = false;
  handshake(false);
}

void AsioConnection::handshake(bool implicit_tls) {
  handshaking_ = true;
  arm_timer(settings_.tls_handshake_timeout_ms, &AsioConnection::on_handshake_timeout);
  stream_.async_handshake(asio::ssl::stream_base::server,
                          [self = shared_from_this(), implicit_tls](const error_code& ec) {
                            self->handshaking_ = false;
                            self->timer_.cancel();
                            if (self->finished_ || self->close_requested_) return;
                            if (ec) {
                              self->log_.line("tls handshake failed with " + self->peer_ + ": " + ec.message());
                              if (implicit_tls) {
                                self->abandon();
                              } else {
                                self->peer_gone();
                              }
                              return;
                            }
                            self->tls_ = true;
                            if (implicit_tls) {
                              self->accept_into_server(true);
                            } else {
                              self->write_some();
                              self->read_some();
                            }
                          });
}

void AsioConnection::on_handshake_timeout() {
  if (!handshaking_) return;
  error_code ec;
  stream_.next_layer().cancel(ec);
}

// ---- Closing ----

void AsioConnection::close() {
  if (close_requested_) return;
  close_requested_ = true;
  if (!writing_ && out_pending_.empty()) {
    finish_close();
    return;
  }
  write_some();
  arm_timer(settings_.close_grace_ms, &AsioConnection::finish_close);
}

void AsioConnection::arm_timer(std::uint64_t ms, void (AsioConnection::*on_expiry)()) {
  timer_.expires_after(std::chrono::milliseconds(ms));
  timer_.async_wait([self = shared_from_this(), on_expiry](const error_code& ec) {
    if (!ec) ((*self).*on_expiry)();
  });
}

void AsioConnection::finish_close() {
  if (finished_) return;
  finished_ = true;
  error_code ec;
  timer_.cancel();
  auto& socket = stream_.next_layer();
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
  registry_.erase(this);
  self_.reset();  // outstanding handlers hold the last references and see finished_
}

}  // namespace imaplab::server::asio_front
