// Asio I/O of probe/connection.hpp. Every completion handler holds the connection alive and does nothing once
// it was closed, so a server that vanishes mid-write never calls back into a session that has gone.
#include "probe/connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace imaplab::probe {

namespace asio = boost::asio;
using boost::system::error_code;

Connection::Connection(asio::io_context& io, asio::ssl::context& tls) : resolver_(io), stream_(io, tls) {}

void Connection::open(const std::string& host, std::uint16_t port, bool implicit_tls, Handlers handlers) {
  handlers_ = std::move(handlers);
  open_ = true;
  auto self = shared_from_this();
  resolver_.async_resolve(host, std::to_string(port), [this, self, implicit_tls, host](error_code ec, auto results) {
    if (!open_) return;
    if (ec) return fail("cannot resolve " + host + ": " + ec.message());
    asio::async_connect(stream_.next_layer(), results, [this, self, implicit_tls, host](error_code ec2, const auto&) {
      if (!open_) return;
      if (ec2) return fail("cannot connect: " + ec2.message());
      stream_.next_layer().set_option(asio::ip::tcp::no_delay(true));
      if (!implicit_tls) {
        handlers_.connected();
        return read_some();
      }
      SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str());
      stream_.async_handshake(asio::ssl::stream_base::client, [this, self](error_code ec3) {
        if (!open_) return;
        if (ec3) return fail("TLS handshake failed: " + ec3.message());
        tls_ = true;
        handlers_.connected();
        read_some();
      });
    });
  });
}

void Connection::read_some() {
  auto self = shared_from_this();
  auto done = [this, self](error_code ec, std::size_t n) {
    if (!open_) return;
    if (n > 0) handlers_.bytes(std::string_view(buffer_.data(), n));
    if (!open_) return;
    if (ec) return fail(ec == asio::error::eof ? "server closed the connection" : "read failed: " + ec.message());
    if (tls_done_) return begin_handshake();
    read_some();
  };
  if (tls_) stream_.async_read_some(asio::buffer(buffer_), done);
  else stream_.next_layer().async_read_some(asio::buffer(buffer_), done);
}

void Connection::write(std::string bytes) {
  if (!open_) return;
  queue_.push_back(std::move(bytes));
  if (!writing_ && !handshaking_) write_next();
}

void Connection::write_next() {
  if (queue_.empty() || !open_) return;
  writing_ = true;
  auto self = shared_from_this();
  auto done = [this, self](error_code ec, std::size_t) {
    writing_ = false;
    if (!open_) return;
    if (ec) return fail("write failed: " + ec.message());
    queue_.pop_front();
    write_next();
  };
  if (tls_) asio::async_write(stream_, asio::buffer(queue_.front()), done);
  else asio::async_write(stream_.next_layer(), asio::buffer(queue_.front()), done);
}

void Connection::start_tls(std::function<void(bool)> done) {
  // Called from the bytes handler (the STARTTLS OK just arrived): the handshake starts when that read
  // completes, so no plain read is outstanding while TLS takes over the socket.
  tls_done_ = std::move(done);
  handshaking_ = true;
}

void Connection::begin_handshake() {
  auto done = std::move(tls_done_);
  tls_done_ = nullptr;
  auto self = shared_from_this();
  stream_.async_handshake(asio::ssl::stream_base::client, [this, self, done = std::move(done)](error_code ec) {
    handshaking_ = false;
    if (!open_) return;
    if (ec) {
      done(false);
      return fail("TLS handshake after STARTTLS failed: " + ec.message());
    }
    tls_ = true;
    done(true);
    read_some();
    write_next();
  });
}

void Connection::close() {
  if (!open_) return;
  open_ = false;
  error_code ignored;
  resolver_.cancel();
  stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.next_layer().close(ignored);
}

void Connection::fail(const std::string& why) {
  if (!open_) return;
  close();
  if (handlers_.closed) handlers_.closed(why);
}

}  // namespace imaplab::probe
