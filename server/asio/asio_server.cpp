// The TCP front: acceptors, the TLS context, the environment and the Server, all on one io_context thread.
// One thread serves every connection; nothing blocks on a peer.
#include "server/asio/asio_server.hpp"

#include <sys/resource.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <stdexcept>
#include <vector>

#include "server/asio/asio_connection.hpp"
#include "server/asio/asio_env.hpp"

namespace imaplab::server::asio_front {

namespace asio = boost::asio;
using boost::system::error_code;
using asio::ip::tcp;

std::optional<Endpoint> parse_endpoint(const std::string& text) {
  Endpoint endpoint;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    endpoint.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    endpoint.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (endpoint.host.empty() || port.empty() || port.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + unsigned(c - '0');
  }
  if (value > 65535) return std::nullopt;
  endpoint.port = static_cast<std::uint16_t>(value);
  return endpoint;
}

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

namespace {

// Lets one process hold the 1,000+ sockets a busy server needs: the soft descriptor limit goes up to the hard.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

class NullLog final : public Log {
 public:
  void line(std::string_view) override {}
};

}  // namespace

struct AsioServer::Impl {
  struct Listener {
    tcp::acceptor acceptor;
    bool implicit_tls;
    asio::steady_timer retry;
  };

  // The model advertises STARTTLS exactly when a certificate is configured (RFC 3501 §6.2.1).
  static AsioOptions prepared(AsioOptions opts) {
    opts.config.model_options.starttls_available = !opts.tls_cert_file.empty() && !opts.tls_key_file.empty();
    return opts;
  }

  explicit Impl(AsioOptions opts)
      : options(prepared(std::move(opts))),
        clock(io),
        executor(io),
        tls(asio::ssl::context::tls_server),
        server(Environment{clock, random, executor, options.log_to_stderr ? static_cast<Log*>(&stderr_log)
                                                                            : static_cast<Log*>(&null_log)},
               options.config),
        shutdown_timer(io),
        signals(io) {
    raise_descriptor_limit();
    settings.send_window_bytes = options.send_window_bytes;
    settings.tls_handshake_timeout_ms = defaults::tls_handshake_timeout_ms;
    settings.close_grace_ms = defaults::close_grace_ms;
    load_tls();
    if (options.listen) bind(*options.listen, false);
    if (options.listen_tls) {
      if (!settings.tls_available) throw std::runtime_error("--listen-tls needs --tls-cert and --tls-key");
      bind(*options.listen_tls, true);
    }
    if (listeners.empty()) throw std::runtime_error("nothing to listen on");
  }

  ~Impl() {
    // Release every connection still holding itself alive; handlers left in the io_context die with it.
    std::vector<std::shared_ptr<AsioConnection>> live;
    for (auto& [address, weak] : registry) {
      if (auto connection = weak.lock()) live.push_back(connection);
    }
    for (auto& connection : live) connection->abandon();
  }

  Log& log() { return options.log_to_stderr ? static_cast<Log&>(stderr_log) : static_cast<Log&>(null_log); }

  void load_tls() {
    if (options.tls_cert_file.empty() && options.tls_key_file.empty()) return;
    if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
      throw std::runtime_error("--tls-cert and --tls-key go together");
    }
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    error_code ec;
    tls.use_certificate_chain_file(options.tls_cert_file, ec);
    if (ec) throw std::runtime_error("cannot load certificate " + options.tls_cert_file + ": " + ec.message());
    tls.use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load private key " + options.tls_key_file + ": " + ec.message());
    settings.tls_available = true;
  }

  void bind(const Endpoint& endpoint, bool implicit_tls) {
    error_code ec;
    tcp::resolver resolver(io);
    auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      throw std::runtime_error("cannot resolve " + endpoint.host + ": " + ec.message());
    }
    const tcp::endpoint address = results.begin()->endpoint();
    auto listener = std::make_unique<Listener>(Listener{tcp::acceptor(io), implicit_tls, asio::steady_timer(io)});
    tcp::acceptor& acceptor = listener->acceptor;
    acceptor.open(address.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(address, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on " + endpoint.host + ":" + std::to_string(endpoint.port) + ": " +
                               ec.message());
    }
    listeners.push_back(std::move(listener));
  }

  void accept(Listener& listener) {
    listener.acceptor.async_accept([this, &listener](const error_code& ec, tcp::socket socket) {
      if (stopping) return;
      if (ec) {
        // Out of descriptors or a transient network error: pause instead of spinning.
        log().line("accept error: " + ec.message());
        listener.retry.expires_after(std::chrono::milliseconds(defaults::accept_retry_ms));
        listener.retry.async_wait([this, &listener](const error_code& wait_ec) {
          if (!wait_ec && !stopping) accept(listener);
        });
        return;
      }
      auto connection = std::make_shared<AsioConnection>(std::move(socket), tls, server, log(), settings, registry);
      connection->start(listener.implicit_tls);
      accept(listener);
    });
  }

  std::uint16_t bound_port(bool implicit_tls) const {
    for (const auto& listener : listeners) {
      if (listener->implicit_tls != implicit_tls) continue;
      error_code ec;
      const auto endpoint = listener->acceptor.local_endpoint(ec);
      if (!ec) return endpoint.port();
    }
    return 0;
  }

  void begin_shutdown() {
    if (stopping) return;
    stopping = true;
    for (auto& listener : listeners) {
      error_code ec;
      listener->acceptor.close(ec);
      listener->retry.cancel();
    }
    error_code ignored;
    signals.cancel(ignored);
    server.shutdown("Server shutting down");
    shutdown_timer.expires_after(std::chrono::milliseconds(defaults::shutdown_grace_ms));
    shutdown_timer.async_wait([this](const error_code& ec) {
      if (!ec) io.stop();
    });
    wait_for_connections();
  }

  // Ends run() as soon as every connection has closed; the shutdown timer bounds the wait.
  void wait_for_connections() {
    if (registry.empty()) {
      shutdown_timer.cancel();
      io.stop();
      return;
    }
    asio::post(io, [this] { poll_timer_wait(); });
  }
  void poll_timer_wait() {
    auto poll = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(poll_interval_ms));
    poll->async_wait([this, poll](const error_code& ec) {
      if (!ec) wait_for_connections();
    });
  }

  static constexpr std::uint64_t poll_interval_ms = 20;

  AsioOptions options;
  asio::io_context io{1};  // one thread runs everything: the model is one value, never shared across threads
  AsioClock clock;
  AsioRandom random;
  AsioExecutor executor;
  StderrLog stderr_log;
  NullLog null_log;
  asio::ssl::context tls;
  ConnectionSettings settings;
  ConnectionRegistry registry;
  Server server;
  std::vector<std::unique_ptr<Listener>> listeners;
  asio::steady_timer shutdown_timer;
  asio::signal_set signals;
  bool stopping = false;
};

AsioServer::AsioServer(AsioOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
AsioServer::~AsioServer() = default;

std::uint16_t AsioServer::port() const { return impl_->bound_port(false); }
std::uint16_t AsioServer::tls_port() const { return impl_->bound_port(true); }
Server& AsioServer::server() { return impl_->server; }

void AsioServer::run() {
  for (auto& listener : impl_->listeners) impl_->accept(*listener);
  if (impl_->options.stop_on_signals) {
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.async_wait([impl = impl_.get()](const error_code& ec, int signal) {
      if (ec) return;
      impl->log().line(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
      impl->begin_shutdown();
    });
  }
  // Keeps run() going while the listeners are the only work (an acceptor's pending accept counts anyway).
  auto guard = asio::make_work_guard(impl_->io);
  impl_->io.run();
}

void AsioServer::stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->begin_shutdown(); });
}

void AsioServer::post(std::function<void()> work) { asio::post(impl_->io, std::move(work)); }

}  // namespace imaplab::server::asio_front
