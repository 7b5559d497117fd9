// The server: connection bookkeeping, safe dispatch of posted work and timers, and NOTIFY/IDLE fan-out after
// each model change.
#include "server/server.hpp"

#include <utility>

namespace imaplab::server {
namespace {

model::ModelOptions model_options(const ServerConfig& config, Random& random) {
  model::ModelOptions options = config.model_options;
  if (config.random_uidvalidity) {
    // Below 2^31, leaving room for every mailbox created in a long run to get a higher one.
    constexpr std::uint64_t uidvalidity_random_range = 1ull << 30;
    options.uidvalidity_base = static_cast<std::uint32_t>(1 + random.next_u64() % uidvalidity_random_range);
  }
  return options;
}

// BUGGIFY's sites are drawn after the model's UIDVALIDITY, so switching buggify on does not change it.
Buggify make_buggify(const ServerConfig& config, Random& random) {
  if (!config.buggify) return Buggify();
  if (config.buggify_sites_forced != 0) return Buggify(random, config.buggify_sites_forced);
  return Buggify(random);
}

}  // namespace

const char* await_point_name(AwaitPoint point) {
  switch (point) {
    case AwaitPoint::ReadInput: return "read-input";
    case AwaitPoint::StoreAccess: return "store-access";
    case AwaitPoint::OutputBatch: return "output-batch";
    case AwaitPoint::NotifyDelivery: return "notify-delivery";
  }
  return "?";
}

Server::Server(Environment env, ServerConfig config)
    : env_(env),
      config_(std::move(config)),
      model_(config_.policy, config_.users, model_options(config_, env.random)),
      buggify_(make_buggify(config_, env.random)),
      self_(std::make_shared<Server*>(this)) {
  if (config_.buggify) log("buggify: fault sites " + buggify_.describe());
  if (!config_.model_options.bugs.empty()) log("bug zoo: planted " + config_.model_options.bugs.to_string());
}

Server::~Server() { *self_ = nullptr; }

ConnectionId Server::on_accept(Transport& transport, std::string_view peer, bool tls_active) {
  const ConnectionId id = next_id_++;
  auto connection = std::make_unique<Connection>(static_cast<ConnectionHost&>(*this), id, transport, tls_active, std::string(peer));
  const bool full = connections_.size() >= config_.limits.connections_max;
  connections_.emplace(id, std::move(connection));
  dispatch(id, [full](Connection& conn) {
    conn.start(full ? std::optional<std::string>("Too many connections; try again later") : std::nullopt);
  });
  return id;
}

void Server::on_bytes(ConnectionId id, std::string_view bytes) {
  dispatch(id, [bytes](Connection& c) { c.on_bytes(bytes); });
}

void Server::on_writable(ConnectionId id) {
  dispatch(id, [](Connection& c) { c.on_writable(); });
}

void Server::on_peer_closed(ConnectionId id) {
  dispatch(id, [](Connection& c) { c.on_peer_closed(); });
}

void Server::shutdown(std::string_view reason) {
  std::vector<ConnectionId> ids;
  for (const auto& [id, c] : connections_) ids.push_back(id);
  for (ConnectionId id : ids) dispatch(id, [reason](Connection& c) { c.shutdown(reason); });
}

const Connection* Server::connection(ConnectionId id) const {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second.get();
}

void Server::dispatch(ConnectionId id, const std::function<void(Connection&)>& work) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  work(*it->second);
  // Work may have closed this connection (and, through model changes, no other one: closing is always
  // the connection's own decision), so look it up again before forgetting it.
  it = connections_.find(id);
  if (it != connections_.end() && it->second->closed()) {
    listeners_.erase(id);
    connections_.erase(it);
  }
}

TimeMs Server::now_ms() const { return env_.clock.now_ms(); }

void Server::post(AwaitPoint point, ConnectionId id, std::function<void(Connection&)> work) {
  env_.executor.post(point, id, [self = self_, id, work = std::move(work)] {
    if (Server* server = *self) server->dispatch(id, work);
  });
}

TimerId Server::schedule_at(ConnectionId id, TimeMs at_ms, std::function<void(Connection&)> work) {
  return env_.clock.schedule_at(at_ms, [self = self_, id, work = std::move(work)] {
    if (Server* server = *self) server->dispatch(id, work);
  });
}

void Server::cancel_timer(TimerId timer) { env_.clock.cancel(timer); }

// After any change, every connection that may take updates between commands is offered them. Only
// listeners (idling or NOTIFY-active) can have any, so the fan-out does not touch the others.
void Server::model_changed() {
  for (ConnectionId id : listeners_) {
    auto it = connections_.find(id);
    if (it != connections_.end()) it->second->request_delivery();
  }
}

void Server::set_listening(ConnectionId id, bool listening) {
  if (listening) listeners_.insert(id);
  else listeners_.erase(id);
}

void Server::log(std::string_view line) {
  if (env_.log != nullptr) env_.log->line(line);
}

}  // namespace imaplab::server
