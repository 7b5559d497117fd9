// The simulated world of sim/world.hpp: the server's environment on virtual time, the byte pipes, the
// clients, and the step loop in which the strategy chooses what runs next.
#include "sim/world.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "proto/command_parser.hpp"
#include "proto/writer.hpp"
#include "server/server.hpp"
#include "sim/agent.hpp"
#include "sim/checker.hpp"
#include "sim/setup.hpp"

namespace imaplab::sim {
namespace {

class World;

// IDLE patience: a generated client in IDLE that hears nothing sends DONE after a patience drawn in this range,
// as real clients re-issue IDLE (RFC 2177 §3: "clients ... re-issue it at least every 29 minutes"). Without
// it, once every client idles and nobody changes anything, a run stalls until the server's 30-minute
// autologout (RFC 3501 §5.4). The floor lies far above the NOTIFY bound (notify_bound_for), so a push that
// is owed is always judged (NTF-2, NTF-9) before the watcher gives up waiting for it.
constexpr server::TimeMs idle_patience_min_ms = 60'000;
constexpr server::TimeMs idle_patience_max_ms = 600'000;

// The NOTIFY bound at scale. A push reaches its watcher through a few scheduler hops (the watcher's server
// work, its delivery); under the random strategy each hop waits until its item is picked among all ready
// items, on average one step per ready item, and each client contributes at most four items (S, C, U, D).
// The checkers' base bound (CheckerOptions, 2 s) is calibrated for the hunts' 2-16 clients; each client
// beyond those adds the mean wait of `push_hops_max` hops for its items, times a tail factor.
#ifdef NDEBUG
constexpr bool verify_ready_always = false;
#else
constexpr bool verify_ready_always = true;  // debug builds: see World::verify_ready
#endif

constexpr std::uint32_t notify_bound_base_clients = 16;
constexpr std::uint64_t push_hops_max = 4;
constexpr std::uint64_t ready_items_per_client_max = 4;
constexpr std::uint64_t hop_wait_tail_factor = 8;

std::uint64_t notify_bound_for(const RunConfig& config, const RunOptions& options) {
  const std::uint64_t base_us = CheckerOptions{}.notify_bound_us;
  if (config.clients <= notify_bound_base_clients) return base_us;
  const std::uint64_t per_client_us = push_hops_max * ready_items_per_client_max * hop_wait_tail_factor * options.step_us;
  return base_us + per_client_us * (config.clients - notify_bound_base_clients);
}

// The built-in server keeps its SHOULDs (FLG-1, FLG-2, NTF-10, CPY-5 ...), so in the simulator an S rule is
// as fatal as a MUST: a server bug that only breaks a SHOULD is still a bug a hunt must report. (Against a real
// server, `imaplab probe` keeps them as warnings: RFC 2119 lets a server have reasons.)
constexpr bool should_is_fatal_in_simulation = true;

// The checkers' log reserves room for this many events per configured command (about 10 are logged per
// command on a 1,000-message mailbox: the command, its responses, deliveries), up to a cap (events).
constexpr std::size_t expected_events_per_command = 12;
constexpr std::size_t expected_events_max = 4'000'000;

std::size_t expected_events_for(const RunConfig& config) {
  return static_cast<std::size_t>(std::min<std::uint64_t>(config.commands * expected_events_per_command,
                                                          expected_events_max));
}

// One client's connection as the server sees it: writes land in the client's download pipe, up to the
// pipe's window (a slow reader makes the server wait for on_writable).
class SimTransport final : public server::Transport {
 public:
  SimTransport(World& world, ClientId client) : world_(world), client_(client) {}
  std::size_t write(std::string_view bytes) override;
  void pause_reading(bool paused) override;
  bool can_start_tls() const override { return false; }
  void start_tls() override {}
  void close() override;

 private:
  World& world_;
  ClientId client_;
};

struct SimClient {
  explicit SimClient(AgentConfig config, std::uint64_t seed) : agent(std::move(config)), rng(seed) {}
  ClientAgent agent;
  Rng rng;
  std::unique_ptr<SimTransport> transport;
  server::ConnectionId connection = 0;
  std::deque<std::function<void()>>* tasks = nullptr;  // the server's work queue of `connection`
  std::string up;    // sent by the client, not yet delivered to the server
  std::string down;  // written by the server, not yet delivered to the client
  bool connected = false;
  bool server_closed = false;  // the server called close(); deliver what is in `down`, then disconnect
  bool reading_paused = false;
  bool blocked = false;        // the server's last write was cut short by the window
  server::TimerId patience_timer = 0;  // IDLE patience running (0: none)
  bool patience_spent = false;         // it ran out: DONE may be sent
  std::uint32_t idles = 0;             // IDLEs entered, for the patience draw
};

class World final : public server::Clock, public server::Random, public server::Executor, public server::Log,
                    public StoreOracle {
 public:
  World(const RunConfig& config, const RunOptions& options)
      : config_(config), options_(options), random_(config.seed ^ 0xB0661F1ull),
        checker_(CheckerOptions{.policy = config.policy,
                                .notify_bound_us = notify_bound_for(config, options),
                                .should_is_fatal = should_is_fatal_in_simulation,
                                .expected_events = expected_events_for(config)}) {
    if (options.choices) {
      strategy_ = make_replay_strategy(*options.choices);
    } else if (options.input) {
      strategy_ = make_byte_strategy(*options.input, options.input_faults);
    } else {
      strategy_ = make_strategy(config.strategy, config.seed, config.strategy_options);
      if (!strategy_) strategy_ = make_random_strategy(config.seed, config.strategy_options);
    }
    server::ServerConfig sc;
    sc.policy = config.policy;
    sc.users = setup_users(config);
    sc.model_options.bugs = config.bugs;
    sc.buggify = config.buggify;
    server_ = std::make_unique<server::Server>(server::Environment{*this, *this, *this, nullptr}, sc);
    setup_store(server_->model(), config);
    for (ClientId id = 1; id <= config.clients; ++id) {
      auto agent_config = agent_config_for(config, id);
      clients_.push_back(std::make_unique<SimClient>(agent_config, config.seed * 1000003u + id));
      if (options.input) clients_.back()->rng.attach(options.input);
      if (options.scripts && id <= options.scripts->size()) clients_.back()->agent.script((*options.scripts)[id - 1]);
    }
    dirty_flag_.assign(clients_.size(), false);
    result_.trace.config = config;
  }

  RunResult run() {
    for (ClientId id = 1; id <= clients_.size(); ++id) connect(id);
    while (!result_.violation && result_.stats.steps < options_.max_steps) {
      const std::vector<Choice>& ready = collect_ready();
      if (ready.empty()) {
        if (budget_spent() || timers_.empty()) {
          check_quiescent_liveness();
          break;
        }
        check_stall();
        if (result_.violation) break;
        now_us_ = std::max(now_us_, timers_.begin()->first.first * 1000);
        continue;
      }
      Choice choice = strategy_->pick(ready);
      release_ready();
      mark_dirty(choice.client);
      record_choice(choice);
      execute(choice);
      ++result_.stats.steps;
      now_us_ += options_.step_us;
      if (!result_.violation) check(checker_.tick(now_us_, this));
    }
    result_.stats.virtual_us = now_us_;
    result_.stats.events = checker_.events().size();
    result_.warnings = checker_.warnings();
    if (result_.violation) annotate_violation();
    return std::move(result_);
  }

  // server::Clock
  server::TimeMs now_ms() const override { return now_us_ / 1000; }
  server::TimerId schedule_at(server::TimeMs at_ms, std::function<void()> callback) override {
    server::TimerId id = next_timer_++;
    timers_.emplace(std::make_pair(at_ms, id), std::move(callback));
    timer_keys_.emplace(id, at_ms);
    return id;
  }
  void cancel(server::TimerId timer) override {
    auto it = timer_keys_.find(timer);
    if (it == timer_keys_.end()) return;
    timers_.erase({it->second, timer});
    timer_keys_.erase(it);
  }
  // server::Random
  std::uint64_t next_u64() override { return random_.next(); }
  // server::Executor: work runs in order per connection; the strategy interleaves connections.
  void post(server::AwaitPoint, server::ConnectionId connection, std::function<void()> work) override {
    tasks_[connection].push_back(std::move(work));
    auto owner = connection_clients_.find(connection);
    if (owner != connection_clients_.end()) mark_dirty(owner->second);  // on_accept's own posts: see connect()
  }
  // server::Log
  void line(std::string_view) override {}

  // StoreOracle
  const model::Model& model() const override { return server_->model(); }
  std::optional<model::SessionId> session_of(ClientId client) const override {
    if (client == 0 || client > clients_.size()) return std::nullopt;
    const auto* c = server_->connection(clients_[client - 1]->connection);
    if (!c) return std::nullopt;
    return c->session();
  }
  // Messages are looked up by (UIDVALIDITY, UID), which is unique store-wide, and remembered, so a message
  // expunged after its first lookup can still be compared (SEQ-9, SEQ-10).
  const std::string* content(const std::string&, std::uint32_t uidvalidity, std::uint32_t uid) const override {
    auto key = std::make_pair(uidvalidity, uid);
    auto it = contents_.find(key);
    if (it != contents_.end()) return &it->second;
    const std::string* bytes = server_->model().message_bytes(uidvalidity, uid);
    if (!bytes) return nullptr;
    return &contents_.emplace(key, *bytes).first->second;
  }

  // Transport callbacks.
  std::size_t transport_write(ClientId id, std::string_view bytes) {
    SimClient& c = client(id);
    if (!c.connected || c.server_closed) return bytes.size();  // the peer is gone: bytes vanish
    std::size_t room = config_.download_window_bytes > c.down.size() ? config_.download_window_bytes - c.down.size() : 0;
    std::size_t n = std::min(room, bytes.size());
    c.down.append(bytes.substr(0, n));
    if (n < bytes.size()) c.blocked = true;
    mark_dirty(id);
    return n;
  }
  void transport_pause(ClientId id, bool paused) {
    client(id).reading_paused = paused;
    mark_dirty(id);
  }
  void transport_close(ClientId id) {
    client(id).server_closed = true;
    mark_dirty(id);
  }

 private:
  SimClient& client(ClientId id) { return *clients_[id - 1]; }

  bool budget_spent() const { return result_.stats.commands >= config_.commands; }

  // The run ends with nothing ready. If no timer could still fire within the NTF-2 bound, nothing the server
  // has not yet written will ever reach a watcher: ask the liveness rules as if the bound had passed, so a
  // change committed but never pushed to an IDLE/NOTIFY watcher is reported (RFC 5465 §5.2, lab bound).
  void check_quiescent_liveness() {
    if (result_.violation) return;
    const std::uint64_t bound_us = checker_.notify_bound_us();
    if (!timers_.empty() && timers_.begin()->first.first * 1000 <= now_us_ + bound_us) return;
    check(checker_.quiescent(now_us_, this));
  }

  // Nothing is ready and virtual time is about to jump to a timer beyond the NOTIFY bound (an autologout, an
  // IDLE patience): a command that waits for the server now waits until then, as a client waiting for "+" that
  // never comes would (SES-2). Judged here too, not only at the end, so a stuck client is seen before a timer
  // logs it out, also in a replayed script that ends before the command budget.
  void check_stall() {
    if (result_.violation) return;
    if (timers_.begin()->first.first * 1000 <= now_us_ + checker_.notify_bound_us()) return;
    check(checker_.stalled(this));
  }

  void connect(ClientId id) {
    SimClient& c = client(id);
    c.transport = std::make_unique<SimTransport>(*this, id);
    c.connected = true;
    observe_event(Event{now_us_, id, Event::Dir::Connected, {}, {}, {}, {}});
    c.connection = server_->on_accept(*c.transport, "C" + std::to_string(id));
    c.tasks = &tasks_[c.connection];  // map nodes stay put: no lookup per step
    connection_clients_.emplace(c.connection, id);
    mark_dirty(id);
  }

  void disconnect(ClientId id) {
    SimClient& c = client(id);
    if (!c.connected) return;
    c.connected = false;
    c.up.clear();
    c.down.clear();
    stop_patience(id);
    mark_dirty(id);
    observe_event(Event{now_us_, id, Event::Dir::Disconnected, {}, {}, {}, {}});
  }

  // Every piece of work that could run now, in a canonical order (by client, then kind), the Timer last.
  // The per-client items are kept up to date incrementally (refresh_ready): a client's items change only
  // when its pipes, its server work queue, its agent or the command budget change, and every such change
  // marks the client dirty. A step with Drop items offered (rare) builds the list whole, as it always did.
  const std::vector<Choice>& collect_ready() {
    const bool drops = strategy_->offer_drop();
    refresh_ready();
    std::vector<Choice>* ready = &ready_;
    if (drops) {
      collect_ready_whole(scratch_, true);
      ready = &scratch_;
    } else {
      verify_ready();
    }
    if (!timers_.empty() && strategy_->wants_timer() && only_idle_clients_ready())
      now_us_ = std::max(now_us_, timers_.begin()->first.first * 1000);
    timer_due_ = !timers_.empty() && timers_.begin()->first.first * 1000 <= now_us_;
    if (timer_due_) ready->push_back({Choice::Kind::Timer, 0, 0});
    return *ready;
  }

  // Replay: nothing is ready but clients in IDLE that could send DONE. A script may end IDLE at any time, so
  // this is where the recorded run, whose clients waited, let virtual time jump to its next timer.
  bool only_idle_clients_ready() {
    return std::all_of(ready_.begin(), ready_.end(), [&](const Choice& c) {
      return c.kind == Choice::Kind::Client && client(c.client).agent.idling();
    });
  }

  // Takes the Timer item appended by collect_ready off again, so ready_ holds client items only.
  void release_ready() {
    if (timer_due_ && !ready_.empty() && ready_.back().kind == Choice::Kind::Timer) ready_.pop_back();
    timer_due_ = false;
  }

  // The old way, kept as the reference: every client's items, and Drop items when offered.
  void collect_ready_whole(std::vector<Choice>& ready, bool drops) {
    ready.clear();
    for (ClientId id = 1; id <= clients_.size(); ++id) {
      append_client_items(id, ready);
      const SimClient& c = client(id);
      if (drops && c.connected && !c.server_closed) ready.push_back({Choice::Kind::Drop, id, 0});
    }
  }

  // The items of one client, in canonical kind order (Server, Client, Upload, Download).
  void append_client_items(ClientId id, std::vector<Choice>& out) {
    SimClient& c = client(id);
    // Server work runs even after the client left: the server finishes what it started.
    if (c.tasks != nullptr && !c.tasks->empty()) out.push_back({Choice::Kind::Server, id, 0});
    if (!c.connected) return;
    // A literal the server asked for with "+" is the rest of a command already counted, so it goes out after
    // the budget is spent too: otherwise the server waits for it forever and owes no reply (SES-2, NTF-2).
    const bool may_send = !budget_spent() || c.agent.literal_granted();
    if (!c.server_closed && may_send && (c.agent.wants_to_send() || (c.patience_spent && c.agent.idling())))
      out.push_back({Choice::Kind::Client, id, 0});
    if (!c.up.empty() && !c.reading_paused && !c.server_closed)
      out.push_back({Choice::Kind::Upload, id, static_cast<std::uint32_t>(c.up.size())});
    if (!c.down.empty()) out.push_back({Choice::Kind::Download, id, static_cast<std::uint32_t>(c.down.size())});
  }

  void mark_dirty(ClientId id) {
    if (id == 0 || id > clients_.size() || dirty_flag_[id - 1]) return;
    dirty_flag_[id - 1] = true;
    dirty_.push_back(id);
  }

  // Replaces the items of each dirty client in ready_ (sorted by client) with its items now.
  void refresh_ready() {
    if (budget_spent() != budget_was_spent_) {
      budget_was_spent_ = budget_spent();  // every Client item goes at once, and with them any IDLE patience
      for (ClientId id = 1; id <= clients_.size(); ++id) {
        mark_dirty(id);
        stop_patience(id);
      }
    }
    for (ClientId id : dirty_) {
      dirty_flag_[id - 1] = false;
      fresh_.clear();
      append_client_items(id, fresh_);
      auto by_client = [](const Choice& c, ClientId k) { return c.client < k; };
      auto first = std::lower_bound(ready_.begin(), ready_.end(), id, by_client);
      auto last = first;
      while (last != ready_.end() && last->client == id) ++last;
      const auto old_count = static_cast<std::size_t>(last - first);
      const std::size_t shared = std::min(old_count, fresh_.size());
      first = std::copy(fresh_.begin(), fresh_.begin() + static_cast<std::ptrdiff_t>(shared), first);
      if (old_count > shared) {
        ready_.erase(first, last);
      } else {
        ready_.insert(first, fresh_.begin() + static_cast<std::ptrdiff_t>(shared), fresh_.end());
      }
    }
    dirty_.clear();
  }

  // Debug builds check the incremental list against the whole one at every step: a missed mark_dirty would
  // change a choice, and with it every transcript after it.
  void verify_ready() {
    if (!verify_ready_always && !options_.verify_ready_list) return;
    collect_ready_whole(scratch_, false);
    if (scratch_ != ready_)
      throw std::logic_error("sim/world: incremental ready list differs from the whole one at step " +
                             std::to_string(result_.stats.steps));
  }

  void execute(const Choice& choice) {
    switch (choice.kind) {
      case Choice::Kind::Server: run_server_task(choice.client); break;
      case Choice::Kind::Client: client_send(choice.client); break;
      case Choice::Kind::Upload: upload(choice.client, choice.bytes); break;
      case Choice::Kind::Download: download(choice.client, choice.bytes); break;
      case Choice::Kind::Timer: fire_timer(); break;
      case Choice::Kind::Drop: drop(choice.client); break;
    }
  }

  void run_server_task(ClientId id) {
    auto& queue = *client(id).tasks;
    auto work = std::move(queue.front());
    queue.pop_front();
    work();
  }

  void client_send(ClientId id) {
    SimClient& c = client(id);
    auto out = c.agent.next(c.rng);
    follow_idle(id);
    if (!out) return;
    c.up += out->bytes;
    if (out->command) ++result_.stats.commands;
    record_line(TraceLine::Kind::Client, id, out->bytes);
    observe_event(Event{now_us_, id, Event::Dir::Sent, std::move(out->bytes), std::move(out->command),
                        std::move(out->raw_line), {}});
  }

  // The first n bytes of a pipe, removed from it. Most deliveries take the whole pipe: moved, not copied.
  static std::string take_front(std::string& pipe, std::size_t n) {
    std::string front;
    if (n >= pipe.size()) {
      front.swap(pipe);
    } else {
      front.assign(pipe, 0, n);
      pipe.erase(0, n);
    }
    return front;
  }

  void upload(ClientId id, std::uint32_t n) {
    SimClient& c = client(id);
    const std::string bytes = take_front(c.up, n);
    server_->on_bytes(c.connection, bytes);
  }

  void download(ClientId id, std::uint32_t n) {
    SimClient& c = client(id);
    const std::string bytes = take_front(c.down, n);
    auto responses = c.agent.receive(bytes);
    follow_idle(id);
    for (auto& r : responses) {
      ++result_.stats.responses;
      // The wire form is for the trace; without one the checkers write it only to quote a violating line.
      std::string wire;
      if (options_.record_trace) wire = proto::write_response(*r);
      record_line(TraceLine::Kind::Server, id, wire);
      observe_event(Event{now_us_, id, Event::Dir::Received, std::move(wire), {}, {}, std::move(r)});
      if (result_.violation) return;
    }
    if (c.blocked) {
      c.blocked = false;
      server_->on_writable(c.connection);
    }
    if (c.down.empty() && c.server_closed) disconnect(id);
  }

  // Starts the IDLE patience when the client has just entered IDLE, and stops it when it has left. The draw
  // uses no Rng of the run (a hash of seed, client and IDLE count), so runs in which no patience runs out
  // choose exactly what they chose without it; a replay schedules the same timers at the same times.
  void follow_idle(ClientId id) {
    SimClient& c = client(id);
    if (!c.agent.idling()) {
      stop_patience(id);
      return;
    }
    if (c.patience_timer != 0 || c.patience_spent || budget_spent()) return;
    Rng draw(config_.seed ^ (0x9E3779B97F4A7C15ull * id) ^ (std::uint64_t{++c.idles} << 40));
    const server::TimeMs patience = idle_patience_min_ms + draw.below(idle_patience_max_ms - idle_patience_min_ms + 1);
    c.patience_timer = schedule_at(now_ms() + patience, [this, id] {
      SimClient& w = client(id);
      w.patience_timer = 0;
      w.patience_spent = true;
      mark_dirty(id);
    });
  }

  void stop_patience(ClientId id) {
    SimClient& c = client(id);
    if (c.patience_timer != 0) cancel(c.patience_timer);
    c.patience_timer = 0;
    c.patience_spent = false;
  }

  void fire_timer() {
    auto it = timers_.begin();
    auto callback = std::move(it->second);
    timer_keys_.erase(it->first.second);
    timers_.erase(it);
    callback();
  }

  void drop(ClientId id) {
    SimClient& c = client(id);
    record_comment("C" + std::to_string(id) + " drops its connection");
    disconnect(id);
    server_->on_peer_closed(c.connection);
  }

  void observe_event(Event event) {
    if (result_.violation) return;
    event_lines_.push_back(result_.trace.lines.empty() ? 0 : result_.trace.lines.size() - 1);
    check(checker_.observe(std::move(event), this));
  }

  void check(std::optional<Violation> violation) {
    if (violation && !result_.violation) result_.violation = std::move(violation);
  }

  void record_choice(const Choice& choice) {
    if (!options_.record_trace) return;
    TraceLine t;
    t.kind = TraceLine::Kind::Choice;
    t.choice = choice;
    result_.trace.lines.push_back(t);
  }
  void record_line(TraceLine::Kind kind, ClientId id, const std::string& bytes) {
    if (!options_.record_trace) return;
    result_.trace.lines.push_back({kind, {}, now_us_, id, bytes});
  }
  void record_comment(std::string text) {
    if (!options_.record_trace) return;
    result_.trace.lines.push_back({TraceLine::Kind::Comment, {}, 0, 0, std::move(text)});
  }

  // Puts the violation into the trace: the outcome header, and a comment after each offending line.
  void annotate_violation() {
    const Violation& v = *result_.violation;
    result_.trace.outcome = v.rule;
    result_.trace.outcome_detail = v.rule + " (" + v.rfc + "): " + v.message;
    if (!options_.record_trace) return;
    std::map<std::size_t, std::string> notes;  // trace line index -> note; ordered so inserts stay valid
    for (std::size_t i : v.offending)
      if (i < event_lines_.size()) notes[event_lines_[i]] = "^ " + v.rule + " violated here: " + v.message;
    for (std::size_t i : v.causes)
      if (i < event_lines_.size() && !notes.count(event_lines_[i])) notes[event_lines_[i]] = "^ cause of " + v.rule;
    for (auto it = notes.rbegin(); it != notes.rend(); ++it) {
      auto pos = result_.trace.lines.begin() + static_cast<std::ptrdiff_t>(it->first + 1);
      result_.trace.lines.insert(pos, {TraceLine::Kind::Comment, {}, 0, 0, it->second});
    }
  }

  RunConfig config_;
  RunOptions options_;
  Rng random_;
  Checker checker_;
  std::unique_ptr<Strategy> strategy_;
  std::unique_ptr<server::Server> server_;
  std::vector<std::unique_ptr<SimClient>> clients_;
  std::map<server::ConnectionId, std::deque<std::function<void()>>> tasks_;
  std::map<server::ConnectionId, ClientId> connection_clients_;
  // The ready list (sim/strategy.hpp) kept between steps: the client items of ready_, the clients whose
  // items may have changed since, and the budget's state when ready_ was last brought up to date.
  std::vector<Choice> ready_, fresh_, scratch_;
  std::vector<ClientId> dirty_;
  std::vector<bool> dirty_flag_;
  bool budget_was_spent_ = false;
  bool timer_due_ = false;
  std::map<std::pair<server::TimeMs, server::TimerId>, std::function<void()>> timers_;
  std::map<server::TimerId, server::TimeMs> timer_keys_;
  server::TimerId next_timer_ = 1;
  std::uint64_t now_us_ = 0;
  std::vector<std::size_t> event_lines_;  // event index -> index of its trace line
  mutable std::map<std::pair<std::uint32_t, std::uint32_t>, std::string> contents_;  // (UIDVALIDITY, UID)
  RunResult result_;
};

std::size_t SimTransport::write(std::string_view bytes) { return world_.transport_write(client_, bytes); }
void SimTransport::pause_reading(bool paused) { world_.transport_pause(client_, paused); }
void SimTransport::close() { world_.transport_close(client_); }

}  // namespace

RunResult run_simulation(const RunConfig& config, const RunOptions& options) {
  World world(config, options);
  return world.run();
}

}  // namespace imaplab::sim
