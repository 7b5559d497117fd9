// One client connection to the server under test over Boost.Asio: TCP, implicit TLS, or TLS started later
// (after STARTTLS). Only I/O: bytes in through a callback, bytes out through a queue, one close report.
#pragma once
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace imaplab::probe {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  struct Handlers {
    std::function<void()> connected;                  // TCP up (and TLS up for implicit TLS)
    std::function<void(std::string_view)> bytes;      // received bytes, any segmentation
    std::function<void(const std::string&)> closed;   // once: why the connection ended
  };
  Connection(boost::asio::io_context& io, boost::asio::ssl::context& tls);

  void open(const std::string& host, std::uint16_t port, bool implicit_tls, Handlers handlers);
  void write(std::string bytes);
  // STARTTLS accepted: hand-shake, then `done` (reading continues over TLS).
  void start_tls(std::function<void(bool ok)> done);
  // Ends the connection without calling `closed` (the owner initiated it).
  void close();
  bool is_open() const { return open_; }

 private:
  void read_some();
  void begin_handshake();
  void write_next();
  void fail(const std::string& why);

  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  Handlers handlers_;
  bool open_ = false;
  bool tls_ = false;
  bool handshaking_ = false;
  std::function<void(bool)> tls_done_;  // STARTTLS accepted: hand-shake after the current read
  bool writing_ = false;
  std::deque<std::string> queue_;
  std::array<char, 16384> buffer_{};
};

}  // namespace imaplab::probe
