// The IMAP server on the environment seam: owns the reference model and the connections, and is driven by
// the world's events (accept, bytes, writable, peer closed). The same object runs over Boost.Asio
// (server/asio/) and inside the deterministic simulator.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "model/model.hpp"
#include "server/buggify.hpp"
#include "server/config.hpp"
#include "server/connection.hpp"
#include "server/env.hpp"

namespace imaplab::server {

class Server final : private ConnectionHost {
 public:
  Server(Environment env, ServerConfig config);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A new connection on `transport`, which stays valid until the server calls its close(). `peer` names it
  // in log lines; `tls_active` is true for implicit TLS (RFC 8314). The greeting is written at once.
  ConnectionId on_accept(Transport& transport, std::string_view peer, bool tls_active = false);
  void on_bytes(ConnectionId id, std::string_view bytes);
  void on_writable(ConnectionId id);
  // The peer will send nothing more (EOF or a broken connection). Buffered commands are still answered.
  void on_peer_closed(ConnectionId id);
  // BYE to every connection, then close them all (SIGTERM).
  void shutdown(std::string_view reason);

  // The model, for setup (demo data) and white-box checks. Changing it from outside counts as a model change.
  model::Model& model() override { return model_; }
  void notify_model_changed() { model_changed(); }
  const Limits& limits() const override { return config_.limits; }
  const model::BugSet& bugs() const override { return config_.model_options.bugs; }
  // The BUGGIFY fault sites of this server (all off unless ServerConfig::buggify), with their fire counts.
  const Buggify& buggify_sites() const { return buggify_; }
  std::size_t connection_count() const { return connections_.size(); }
  // The connection, or null once it closed.
  const Connection* connection(ConnectionId id) const;

 private:
  // ConnectionHost
  TimeMs now_ms() const override;
  void post(AwaitPoint point, ConnectionId id, std::function<void(Connection&)> work) override;
  TimerId schedule_at(ConnectionId id, TimeMs at_ms, std::function<void(Connection&)> work) override;
  void cancel_timer(TimerId timer) override;
  void model_changed() override;
  void set_listening(ConnectionId id, bool listening) override;
  void log(std::string_view line) override;
  Buggify& buggify() override { return buggify_; }

  // Runs `work` on the connection if it still exists, and forgets it if the work closed it.
  void dispatch(ConnectionId id, const std::function<void(Connection&)>& work);

  Environment env_;
  ServerConfig config_;
  model::Model model_;
  Buggify buggify_;
  ConnectionId next_id_ = 1;
  // Ordered containers: the order of delivery to connections must not depend on addresses or hashing.
  std::map<ConnectionId, std::unique_ptr<Connection>> connections_;
  std::set<ConnectionId> listeners_;  // idling or NOTIFY-active connections
  // Shared with posted work and timers so that work outliving the server does nothing.
  std::shared_ptr<Server*> self_;
};

}  // namespace imaplab::server
