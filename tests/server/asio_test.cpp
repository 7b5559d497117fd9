// The Boost.Asio front on a loopback socket, with hostile peers: random bytes, half-closed connections, a
// literal header whose data never comes, a client that never reads. A well-behaved client on another
// connection must be served throughout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <random>
#include <string>
#include <thread>

#include "server/asio/asio_server.hpp"

namespace imaplab::server::asio_front {
namespace {

using ::testing::HasSubstr;

// Liveness bound for one answer; generous so that a loaded CI machine never fails a correct server.
constexpr int answer_timeout_ms = 20000;

class TestSocket {
 public:
  explicit TestSocket(std::uint16_t port, int receive_buffer_bytes = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer_bytes > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~TestSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(std::size_t(n));
    }
  }
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
  // Reads until `needle` arrived (returns everything up to and including its line), EOF or the timeout.
  std::string read_until(std::string_view needle, int timeout_ms = answer_timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (buffer_.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(int(left.count()))) break;
    }
    const auto at = buffer_.find(needle);
    if (at == std::string::npos) return std::exchange(buffer_, {});
    const auto end = buffer_.find("\r\n", at);
    const std::size_t cut = end == std::string::npos ? buffer_.size() : end + 2;
    std::string out = buffer_.substr(0, cut);
    buffer_.erase(0, cut);
    return out;
  }
  // True when the server closed the connection within the timeout (buffered data is drained and dropped).
  bool closed_by_peer(int timeout_ms = answer_timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!eof_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(int(left.count()))) break;
      buffer_.clear();
    }
    return eof_;
  }

 private:
  bool read_some(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, std::size_t(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

class AsioFront : public ::testing::Test {
 protected:
  void SetUp() override {
    AsioOptions options;
    options.listen = Endpoint{"127.0.0.1", 0};
    options.log_to_stderr = false;
    options.config.users = {{"alice", "wonderland"}, {"bob", "builder"}};
    options.config.limits.write_stall_ms = 1500;
    options.config.limits.login_timeout_ms = 60 * 1000;
    server_ = std::make_unique<AsioServer>(options);
    port_ = server_->port();
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  // Asks the event-loop thread; the server itself is not thread-safe.
  std::size_t live_connections() {
    std::promise<std::size_t> count;
    server_->post([&] { count.set_value(server_->server().connection_count()); });
    return count.get_future().get();
  }
  // Waits until the server holds `expected` connections (or the liveness bound passes).
  bool wait_for_connections(std::size_t expected) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(answer_timeout_ms);
    while (live_connections() != expected) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(poll_interval_ms));
    }
    return true;
  }

  static constexpr int poll_interval_ms = 20;
  std::unique_ptr<AsioServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

std::string literal_append(const std::string& tag, const std::string& body) {
  return tag + " APPEND INBOX {" + std::to_string(body.size()) + "+}\r\n" + body + "\r\n";
}

// One round of a well-behaved client: it must be answered.
void serve_round(TestSocket& good, int round) {
  const std::string tag = "r" + std::to_string(round);
  good.send(tag + " NOOP\r\n");
  EXPECT_THAT(good.read_until(tag + " "), HasSubstr(tag + " OK")) << "round " << round;
}

TEST_F(AsioFront, GreetsAndServesAPlainSession) {
  TestSocket c(port_);
  ASSERT_TRUE(c.connected());
  EXPECT_THAT(c.read_until("\r\n"), HasSubstr("* OK [CAPABILITY IMAP4rev1"));
  c.send("l LOGIN alice wonderland\r\n");
  EXPECT_THAT(c.read_until("l "), HasSubstr("l OK"));
  c.send(literal_append("a", "Subject: hi\r\n\r\nhello\r\n"));
  EXPECT_THAT(c.read_until("a "), HasSubstr("a OK"));
  c.send("s SELECT INBOX\r\nf FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\no LOGOUT\r\n");
  const std::string out = c.read_until("o OK");
  EXPECT_THAT(out, HasSubstr("Subject: hi"));
  EXPECT_THAT(out, HasSubstr("o OK"));
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(AsioFront, HostilePeersDoNotStopAWellBehavedClient) {
  TestSocket good(port_);
  good.read_until("\r\n");
  good.send("l LOGIN bob builder\r\n");
  ASSERT_THAT(good.read_until("l "), HasSubstr("l OK"));
  int round = 0;

  // A client that never reads, asking for far more output than the socket buffers hold.
  TestSocket deaf(port_, 4096);
  deaf.read_until("\r\n");
  deaf.send("l LOGIN alice wonderland\r\n");
  deaf.read_until("l ");
  const std::string big = "Subject: big\r\n\r\n" + std::string(512 * 1024, 'x') + "\r\n";
  deaf.send(literal_append("a", big));
  deaf.read_until("a ");
  deaf.send("s SELECT INBOX\r\n");
  deaf.read_until("s ");
  std::string flood;
  for (int i = 0; i < 64; ++i) flood += "f" + std::to_string(i) + " FETCH 1 BODY.PEEK[]\r\n";
  deaf.send(flood);
  serve_round(good, round++);

  // Random bytes, seeded: the same run every time.
  std::mt19937 random(20240611);
  for (int peer = 0; peer < 5; ++peer) {
    TestSocket noise(port_);
    std::string bytes(16 * 1024, '\0');
    for (char& b : bytes) b = char(random());
    noise.send(bytes);
    noise.shutdown_write();
    serve_round(good, round++);
  }

  // Half-closed: commands then EOF; the answers still come, then the server closes.
  {
    TestSocket half(port_);
    half.read_until("\r\n");
    half.send("a NOOP\r\nb CAPABILITY\r\n");
    half.shutdown_write();
    EXPECT_THAT(half.read_until("b "), HasSubstr("b OK"));
    EXPECT_TRUE(half.closed_by_peer());
  }
  serve_round(good, round++);

  // A literal header whose data never comes.
  TestSocket stuck(port_);
  stuck.read_until("\r\n");
  stuck.send("a LOGIN {10}\r\n");
  EXPECT_THAT(stuck.read_until("+ "), HasSubstr("+ "));
  serve_round(good, round++);

  // Connections opened and dropped at once.
  for (int i = 0; i < 20; ++i) TestSocket drop(port_);
  serve_round(good, round++);

  // The deaf client is cut off once it has not read for write_stall_ms (without reading, or it would not be
  // deaf): only the good and the stuck connection remain. The good one is still served.
  EXPECT_TRUE(wait_for_connections(2)) << live_connections();
  EXPECT_TRUE(deaf.closed_by_peer());
  serve_round(good, round++);
  good.send("z LOGOUT\r\n");
  EXPECT_THAT(good.read_until("z "), HasSubstr("z OK"));
}

TEST_F(AsioFront, ManyConnectionsOnOneThread) {
  constexpr int connections = 1000;
  std::vector<std::unique_ptr<TestSocket>> sockets;
  for (int i = 0; i < connections; ++i) {
    sockets.push_back(std::make_unique<TestSocket>(port_));
    ASSERT_TRUE(sockets.back()->connected()) << i;
  }
  for (auto& s : sockets) s->send("n NOOP\r\n");
  int answered = 0;
  for (auto& s : sockets) answered += s->read_until("n ").find("n OK") != std::string::npos;
  EXPECT_EQ(answered, connections);
}

}  // namespace
}  // namespace imaplab::server::asio_front
