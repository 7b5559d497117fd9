// The probe's event loop (probe/runner.hpp). A tick every few milliseconds moves the run through its phases:
// learn the hierarchy delimiter, create the test mailboxes, generated load with checkpoints (or a replayed
// script), drain, LOGOUT, clean-up. Sessions are pumped whenever bytes arrive; everything they send and receive
// becomes an Event for the Checker, the Tracker, the BehaviourLog and the DelayMeter, in receive order.
#include "probe/runner.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <set>

#include "probe/behaviour.hpp"
#include "probe/connection.hpp"
#include "probe/delays.hpp"
#include "probe/names.hpp"
#include "probe/tracker.hpp"
#include "probe/trace_out.hpp"
#include "proto/response_parser.hpp"
#include "proto/writer.hpp"
#include "sim/agent.hpp"
#include "sim/checker.hpp"
#include "sim/setup.hpp"

namespace imaplab::probe {
namespace {

namespace asio = boost::asio;
using proto::Command;
using proto::CommandKind;

constexpr std::uint64_t tick_interval_ms = 5;
constexpr std::uint64_t progress_interval_us = 1'000'000;
constexpr std::uint64_t reconnect_delay_min_us = 100'000;
constexpr std::uint64_t reconnect_delay_max_us = 2'000'000;
constexpr std::uint64_t idle_min_us = 200'000;         // a generated IDLE lasts at least this long ...
constexpr std::uint64_t idle_past_bound_us = 1'000'000;  // ... and at most the notify bound plus this
constexpr std::uint64_t task_timeout_us = 30'000'000;  // one setup or clean-up stage
constexpr std::uint64_t logout_wait_us = 2'000'000;
constexpr std::uint64_t replay_tail_us = 10'000'000;   // a replay may run this long past its last command
constexpr std::uint64_t hard_slack_us = 30'000'000;
constexpr std::uint64_t checkpoint_after_restart_us = 1'000'000;
constexpr std::uint32_t pump_pieces_max = 16;          // pieces one session sends per pump (fairness)
constexpr std::uint32_t client_seed_multiplier = 1000003u;
const char* const workload_mailboxes[] = {"main", "work", "box"};

std::string command_label(const Command& c) {
  return std::string(c.uid ? "UID " : "") + proto::command_name(c.kind);
}

Command make_command(std::string tag, CommandKind kind, proto::CommandArgs args = proto::NoArgs{}) {
  Command c;
  c.tag = std::move(tag);
  c.kind = kind;
  c.args = std::move(args);
  return c;
}

std::uint64_t cpu_us() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct Session {
  ClientId id = 0;
  Account account;
  bool checked = false;      // its events go through the checkers (load and replay sessions)
  std::optional<sim::ClientAgent> agent;
  sim::Rng rng{1};
  std::shared_ptr<Connection> conn;
  enum class State { Down, Connecting, StartTls, Ready } state = State::Down;
  std::uint32_t generation = 0;  // connections made so far (new agent, new random stream each)
  std::string preamble;          // STARTTLS: bytes received before TLS
  std::optional<proto::Response> greeting;
  std::string close_reason;      // why the last connection ended
  std::uint64_t connect_started_us = 0;
  std::uint64_t reconnect_at_us = 0;
  std::uint32_t failures_in_row = 0;
  bool idle_armed = false;
  std::uint64_t idle_done_at_us = 0;
  // Setup / clean-up tasks: every response; done when the script finished or the connection ended.
  std::vector<proto::Response> responses;
  bool task_done = false;
  // Replay: the script and each command's earliest send offset.
  std::vector<Command> script;
  std::vector<std::uint64_t> times;
  std::uint64_t commands_sent = 0;
  std::uint64_t started_us = 0;
};

enum class Phase { Delimiter, Setup, Load, Drain, Logout, CleanupList, CleanupDelete, Done };

class Runner {
 public:
  Runner(const ProbeOptions& options, const ProgressFn& progress)
      : opt_(options), progress_(progress), tls_(asio::ssl::context::tls_client), tick_(io_),
        behaviour_(options.policy), delays_(options.notify_bound_ms * 1000) {
    // Test servers use self-signed certificates: the probe checks IMAP, not the certificate chain.
    tls_.set_verify_mode(asio::ssl::verify_none);
    const auto unix_s = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    prefix_ = opt_.prefix.empty() ? make_prefix(opt_.seed, unix_s) : opt_.prefix;
    summary_.server = opt_.host + ":" + std::to_string(opt_.port);
    summary_.prefix = prefix_;
    summary_.seed = opt_.seed;
    summary_.clients = opt_.clients;
    summary_.policy = opt_.policy ? opt_.policy->to_string() : "auto";
    checker_ = std::make_unique<sim::Checker>(checker_options());
  }

  // Replay mode: these scripts (agent names) and send offsets instead of generated load.
  void set_replay(std::vector<std::vector<Command>> scripts, std::vector<std::vector<std::uint64_t>> times) {
    replay_ = true;
    replay_scripts_ = std::move(scripts);
    replay_times_ = std::move(times);
  }

  Summary run() {
    start_us_ = wall_us();
    const std::uint64_t cpu_start = cpu_us();
    if (opt_.accounts.empty()) {
      summary_.errors.push_back("no account to log in with (--user/--pass or --users)");
      return summary_;
    }
    start_delimiter_task();
    schedule_tick();
    const std::uint64_t budget_us = opt_.connect_timeout_ms * 1000 + 3 * task_timeout_us + opt_.seconds * 1'000'000 +
                                    opt_.drain_timeout_ms * 1000 + logout_wait_us + opt_.cleanup_timeout_ms * 1000 +
                                    hard_slack_us;
    io_.run_for(std::chrono::microseconds(budget_us));
    if (phase_ != Phase::Done)
      summary_.errors.push_back("the probe stopped at its hard deadline (phase " + phase_name() + ")");
    close_everything();
    for (const auto& w : checker_->warnings()) ++summary_.warnings[w.rule];
    summary_.behaviours = behaviour_.seen();
    summary_.delays = delays_.stats();
    summary_.wall_seconds = static_cast<double>(now_us()) / 1e6;
    summary_.cpu_seconds = static_cast<double>(cpu_us() - cpu_start) / 1e6;
    return summary_;
  }

 private:
  // ---- time and phases -------------------------------------------------------------------------------

  static std::uint64_t wall_us() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }
  std::uint64_t now_us() const { return wall_us() - start_us_; }

  std::string phase_name() const {
    static const char* names[] = {"delimiter", "setup", "load", "drain", "logout", "clean-up list", "clean-up", "done"};
    return names[static_cast<int>(phase_)];
  }

  sim::CheckerOptions checker_options() const {
    sim::CheckerOptions o;
    if (opt_.policy) o.policy = *opt_.policy;
    o.policy_known = opt_.policy.has_value();
    o.notify_bound_us = opt_.notify_bound_ms * 1000;
    return o;
  }

  void schedule_tick() {
    tick_.expires_after(std::chrono::milliseconds(tick_interval_ms));
    tick_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || phase_ == Phase::Done) return;
      tick();
      if (phase_ == Phase::Done) {
        io_.stop();
        return;
      }
      schedule_tick();
    });
  }

  void tick() {
    const std::uint64_t now = now_us();
    switch (phase_) {
      case Phase::Delimiter: tick_delimiter(now); break;
      case Phase::Setup: tick_setup(now); break;
      case Phase::Load: tick_load(now); break;
      case Phase::Drain: tick_drain(now); break;
      case Phase::Logout: tick_logout(now); break;
      case Phase::CleanupList: tick_cleanup_list(now); break;
      case Phase::CleanupDelete: tick_cleanup_delete(now); break;
      case Phase::Done: break;
    }
  }

  void enter(Phase p) {
    phase_ = p;
    phase_started_us_ = now_us();
  }

  // ---- setup and clean-up tasks ----------------------------------------------------------------------

  std::vector<Account> distinct_accounts() const {
    std::vector<Account> out;
    for (std::uint32_t k = 0; k < std::min<std::size_t>(opt_.clients, opt_.accounts.size()); ++k)
      if (std::find(out.begin(), out.end(), opt_.accounts[k]) == out.end()) out.push_back(opt_.accounts[k]);
    return out;
  }

  Session& start_task(const Account& account, std::vector<Command> script) {
    auto s = std::make_unique<Session>();
    s->id = 1000 + static_cast<ClientId>(tasks_.size());
    s->account = account;
    sim::AgentConfig config;
    config.id = s->id;
    config.user = account.user;
    config.password = account.password;
    s->agent.emplace(config);
    s->agent->script(std::move(script));
    tasks_.push_back(std::move(s));
    connect(*tasks_.back());
    return *tasks_.back();
  }

  static Command login(const Account& a) {
    return make_command("S1", CommandKind::Login, proto::LoginArgs{a.user, a.password});
  }

  static const proto::StatusResponse* tagged(const Session& s, const std::string& tag) {
    for (const auto& r : s.responses)
      if (!r.untagged && r.tag == tag) return std::get_if<proto::StatusResponse>(&r.body);
    return nullptr;
  }
  static bool tagged_ok(const Session& s, const std::string& tag) {
    const auto* st = tagged(s, tag);
    return st && st->condition == proto::Condition::Ok;
  }

  bool tasks_done(std::uint64_t now, const char* what) {
    bool all = std::all_of(active_tasks_.begin(), active_tasks_.end(), [](const Session* s) { return s->task_done; });
    if (!all && now - phase_started_us_ > task_timeout_us) {
      summary_.errors.push_back(std::string(what) + " did not finish within " +
                                std::to_string(task_timeout_us / 1'000'000) + " s");
      for (Session* s : active_tasks_) close_session(*s, "task timeout", false);
      return true;
    }
    return all;
  }

  void start_delimiter_task() {
    enter(Phase::Delimiter);
    proto::ListArgs list;
    list.patterns = {""};
    active_tasks_ = {&start_task(opt_.accounts.front(), {login(opt_.accounts.front()),
                                                         make_command("S2", CommandKind::List, list),
                                                         make_command("S3", CommandKind::Logout)})};
  }

  void tick_delimiter(std::uint64_t now) {
    if (!tasks_done(now, "learning the hierarchy delimiter")) return;
    const Session& s = *active_tasks_.front();
    if (!tagged_ok(s, "S1")) {
      summary_.errors.push_back("LOGIN as " + s.account.user + " failed" + task_detail(s, "S1"));
      return enter(Phase::Done);
    }
    char delimiter = '/';
    for (const auto& r : s.responses)
      if (const auto* l = std::get_if<proto::ListData>(&r.body); l && l->delimiter) delimiter = *l->delimiter;
    names_.emplace(prefix_, delimiter);
    start_setup();
  }

  std::string task_detail(const Session& s, const std::string& tag) const {
    if (const auto* st = tagged(s, tag)) return ": " + proto::write_response(proto::Response{tag, false, *st});
    return s.close_reason.empty() ? ": no answer" : ": " + s.close_reason;
  }

  void start_setup() {
    enter(Phase::Setup);
    active_tasks_.clear();
    sim::Rng rng(opt_.seed ^ 0x5E7u);
    std::uint32_t n = 0;
    for (const Account& a : distinct_accounts()) {
      std::vector<Command> script{login(a)};
      int tag = 2;
      for (const char* box : workload_mailboxes) {
        script.push_back(make_command("S" + std::to_string(tag++), CommandKind::Create,
                                      proto::MailboxArgs{names_->to_wire(box)}));
        for (std::uint32_t i = 0; i < opt_.initial_messages; ++i) {
          proto::AppendArgs append;
          append.mailbox = names_->to_wire(box);
          append.message = sim::make_message(rng, ++n, opt_.message_bytes_max);
          script.push_back(make_command("S" + std::to_string(tag++), CommandKind::Append, std::move(append)));
        }
      }
      script.push_back(make_command("S" + std::to_string(tag), CommandKind::Logout));
      active_tasks_.push_back(&start_task(a, std::move(script)));
    }
  }

  void tick_setup(std::uint64_t now) {
    if (!tasks_done(now, "creating the test mailboxes")) return;
    for (const Session* s : active_tasks_) {
      const int last = 1 + static_cast<int>(std::size(workload_mailboxes)) * (1 + static_cast<int>(opt_.initial_messages));
      for (int tag = 1; tag <= last; ++tag) {
        if (tagged_ok(*s, "S" + std::to_string(tag))) continue;
        summary_.errors.push_back("setup as " + s->account.user + " failed" + task_detail(*s, "S" + std::to_string(tag)));
        return start_cleanup();
      }
    }
    start_load();
  }

  void start_cleanup() {
    enter(Phase::CleanupList);
    active_tasks_.clear();
    proto::ListArgs list;
    list.patterns = {prefix_ + names_->delimiter() + "*"};
    for (const Account& a : distinct_accounts())
      active_tasks_.push_back(&start_task(a, {login(a), make_command("S2", CommandKind::List, list),
                                              make_command("S3", CommandKind::Logout)}));
  }

  void tick_cleanup_list(std::uint64_t now) {
    if (!tasks_done(now, "listing the test mailboxes")) return;
    std::vector<std::pair<Account, std::vector<std::string>>> work;
    for (const Session* s : active_tasks_) {
      std::vector<std::string> names;
      for (const auto& r : s->responses)
        if (const auto* l = std::get_if<proto::ListData>(&r.body); l && names_->from_wire(l->mailbox)) names.push_back(l->mailbox);
      // Children first (deepest names first), so every DELETE can succeed (RFC 3501 §6.3.4).
      const char d = names_->delimiter();
      std::sort(names.begin(), names.end(), [d](const std::string& a, const std::string& b) {
        const auto da = std::count(a.begin(), a.end(), d), db = std::count(b.begin(), b.end(), d);
        return da != db ? da > db : a > b;
      });
      names.erase(std::unique(names.begin(), names.end()), names.end());
      work.emplace_back(s->account, std::move(names));
    }
    enter(Phase::CleanupDelete);
    active_tasks_.clear();
    cleanup_names_.clear();
    for (auto& [account, names] : work) {
      std::vector<Command> script{login(account)};
      int tag = 2;
      for (const auto& n : names) {
        cleanup_names_.push_back(n);
        script.push_back(make_command("S" + std::to_string(tag++), CommandKind::Delete, proto::MailboxArgs{n}));
      }
      script.push_back(make_command("S" + std::to_string(tag++), CommandKind::Delete, proto::MailboxArgs{prefix_}));
      script.push_back(make_command("S" + std::to_string(tag), CommandKind::Logout));
      active_tasks_.push_back(&start_task(account, std::move(script)));
    }
  }

  void tick_cleanup_delete(std::uint64_t now) {
    if (!tasks_done(now, "deleting the test mailboxes")) return;
    summary_.cleanup_ok = std::all_of(active_tasks_.begin(), active_tasks_.end(), [](const Session* s) {
      return tagged_ok(*s, "S1") && s->agent && s->agent->finished();
    });
    enter(Phase::Done);
  }

  // ---- load -------------------------------------------------------------------------------------------

  void start_load() {
    enter(Phase::Load);
    load_start_us_ = now_us();
    next_checkpoint_us_ = load_start_us_ + opt_.checkpoint_interval_ms * 1000;
    next_progress_us_ = load_start_us_ + progress_interval_us;
    const std::uint32_t count = replay_ ? static_cast<std::uint32_t>(replay_scripts_.size()) : opt_.clients;
    for (ClientId id = 1; id <= count; ++id) {
      if (replay_ && replay_scripts_[id - 1].empty()) continue;
      auto s = std::make_unique<Session>();
      s->id = id;
      s->account = opt_.accounts[(id - 1) % opt_.accounts.size()];
      s->checked = true;
      if (replay_) {
        s->script = replay_scripts_[id - 1];
        s->times = id - 1 < replay_times_.size() ? replay_times_[id - 1] : std::vector<std::uint64_t>{};
        for (Command& c : s->script) c = replay_login(std::move(c), s->account);
      }
      sessions_.push_back(std::move(s));
    }
    for (auto& s : sessions_) open_session(*s);
  }

  // A recorded LOGIN/AUTHENTICATE logs in with this probe's account (traces mask passwords).
  static Command replay_login(Command c, const Account& a) {
    if (c.kind != CommandKind::Login && c.kind != CommandKind::Authenticate) return c;
    c.kind = CommandKind::Login;
    c.args = proto::LoginArgs{a.user, a.password};
    return c;
  }

  void open_session(Session& s) {
    sim::AgentConfig config;
    config.id = s.id;
    config.user = s.account.user;
    config.password = s.account.password;
    config.mailboxes.assign(std::begin(workload_mailboxes), std::end(workload_mailboxes));
    config.mix = opt_.mix;
    config.max_pipeline = opt_.max_pipeline;
    config.message_bytes_max = opt_.message_bytes_max;
    config.use_notify = opt_.notify;
    s.agent.emplace(config);
    if (replay_) s.agent->script(s.script);
    s.rng = sim::Rng(opt_.seed * client_seed_multiplier + s.id + 7919ull * s.generation);
    ++s.generation;
    s.commands_sent = 0;
    s.idle_armed = false;
    tracker_.set_user(s.id, s.account.user);
    connect(s);
  }

  void tick_load(std::uint64_t now) {
    if (restart_pending_) restart_epoch(now);
    watch_sessions(now);
    if (auto v = checker_->tick(now, nullptr)) found(*v, true);
    delays_.tick(now, tracker_);
    if (!replay_) checkpoint(now);
    for (auto& s : sessions_) pump(*s);
    if (progress_ && now >= next_progress_us_) {
      next_progress_us_ = now + progress_interval_us;
      progress_(progress_now(now));
    }
    const bool over = replay_ ? replay_over(now) : now >= load_start_us_ + opt_.seconds * 1'000'000;
    if (over) {
      summary_.load_seconds = static_cast<double>(now - load_start_us_) / 1e6;
      enter(Phase::Drain);
      pausing_ = true;
      checkpoint_state_ = Checkpoint::None;
    }
  }

  bool replay_over(std::uint64_t now) const {
    std::uint64_t last = 0;
    for (const auto& t : replay_times_)
      if (!t.empty()) last = std::max(last, t.back());
    if (now > load_start_us_ + last + opt_.command_timeout_ms * 1000 + replay_tail_us) return true;
    return std::all_of(sessions_.begin(), sessions_.end(), [](const auto& s) {
      return s->state == Session::State::Down || (s->agent && s->agent->finished());
    });
  }

  Progress progress_now(std::uint64_t now) const {
    Progress p;
    p.elapsed_seconds = static_cast<double>(now - load_start_us_) / 1e6;
    p.commands = summary_.commands_total;
    p.violations = summary_.violations_total();
    p.checkpoints = summary_.checkpoints;
    for (const auto& s : sessions_) p.connected += s->state == Session::State::Ready ? 1 : 0;
    return p;
  }

  // Timeouts, IDLE ends and reconnects.
  void watch_sessions(std::uint64_t now) {
    for (auto& sp : sessions_) {
      Session& s = *sp;
      if (s.state == Session::State::Connecting || s.state == Session::State::StartTls) {
        if (now - s.connect_started_us > opt_.connect_timeout_ms * 1000) {
          ++summary_.timeouts;
          close_session(s, "connect timeout (" + std::to_string(opt_.connect_timeout_ms) + " ms)", false);
        }
        continue;
      }
      if (s.state == Session::State::Down) {
        if (phase_ == Phase::Load && !replay_ && now >= s.reconnect_at_us) open_session(s);
        continue;
      }
      const ClientView* v = tracker_.client(s.id);
      if (v == nullptr) continue;
      for (const auto& [tag, p] : v->outstanding) {
        if (p.command.kind == CommandKind::Idle && v->idling) continue;
        if (now - p.sent_us > opt_.command_timeout_ms * 1000) {
          ++summary_.timeouts;
          const std::string why = "no tagged reply to " + command_label(p.command) + " within " +
                                  std::to_string(opt_.command_timeout_ms) + " ms";
          ++summary_.close_reasons["probe closed: " + why];
          record_stall(s.id, p, why);
          close_session(s, why, false);
          break;
        }
      }
    }
  }

  void restart_epoch(std::uint64_t now) {
    restart_pending_ = false;
    for (const auto& w : checker_->warnings()) ++summary_.warnings[w.rule];
    for (auto& s : sessions_) {
      if (s->conn) s->conn->close();
      s->state = Session::State::Down;
      s->reconnect_at_us = now + reconnect_delay_min_us;
    }
    checker_ = std::make_unique<sim::Checker>(checker_options());
    tracker_.reset();
    behaviour_.reset_watches();
    delays_.reset_watches();
    checkpoint_state_ = Checkpoint::None;
    pausing_ = false;
    // Keep the checkpoint schedule (frequent epochs must not starve checkpoints), but give the fresh sessions
    // time to log in first.
    next_checkpoint_us_ = std::max(next_checkpoint_us_, now + checkpoint_after_restart_us);
    ++summary_.epochs;
  }

  // ---- checkpoints: all sessions pause, NOOP, and their views of each mailbox must agree ------------

  enum class Checkpoint { None, Quiesce, Noop };

  bool quiet(const Session& s) const {
    const ClientView* v = tracker_.client(s.id);
    return v == nullptr || (v->outstanding.empty() && !v->idling);
  }

  void checkpoint(std::uint64_t now) {
    switch (checkpoint_state_) {
      case Checkpoint::None:
        if (now < next_checkpoint_us_) return;
        checkpoint_state_ = Checkpoint::Quiesce;
        checkpoint_started_us_ = now;
        pausing_ = true;
        return;
      case Checkpoint::Quiesce: {
        if (now - checkpoint_started_us_ > opt_.command_timeout_ms * 1000) {
          ++summary_.checkpoints_abandoned;
          note_unsettled(now);
          return end_checkpoint(now);
        }
        for (const auto& s : sessions_)
          if (s->state == Session::State::Ready && !quiet(*s)) return;
        checkpoint_tags_.clear();
        checkpoint_replies_.clear();
        for (auto& s : sessions_) {
          if (s->state != Session::State::Ready || (s->agent && s->agent->finished())) continue;
          const std::string tag = "P" + std::to_string(++checkpoint_counter_);
          checkpoint_tags_[s->id] = tag;
          inject(*s, make_command(tag, CommandKind::Noop));
        }
        checkpoint_state_ = Checkpoint::Noop;
        return;
      }
      case Checkpoint::Noop: {
        if (now - checkpoint_started_us_ > 2 * opt_.command_timeout_ms * 1000) {
          ++summary_.checkpoints_abandoned;
          return end_checkpoint(now);
        }
        for (const auto& [id, tag] : checkpoint_tags_) {
          const ClientView* v = tracker_.client(id);
          if (v && v->connected && v->outstanding.count(tag)) return;
        }
        compare_views();
        ++summary_.checkpoints;
        return end_checkpoint(now);
      }
    }
  }

  // Why a checkpoint could not settle: the sessions still busy, and with what (for the summary).
  void note_unsettled(std::uint64_t now) {
    for (const auto& s : sessions_) {
      const ClientView* v = tracker_.client(s->id);
      if (s->state != Session::State::Ready || v == nullptr || quiet(*s)) continue;
      std::string what = v->idling ? "IDLE not ended" : "";
      for (const auto& [tag, p] : v->outstanding)
        what += (what.empty() ? "" : ", ") + command_label(p.command) + " unanswered for " +
                std::to_string((now - p.sent_us) / 1000) + " ms";
      ++summary_.close_reasons["checkpoint abandoned: " + what];
    }
  }

  void end_checkpoint(std::uint64_t now) {
    checkpoint_state_ = Checkpoint::None;
    pausing_ = false;
    next_checkpoint_us_ = now + opt_.checkpoint_interval_ms * 1000;
  }

  void compare_views() {
    // (user, mailbox, UIDVALIDITY) -> sessions whose checkpoint NOOP succeeded with it selected.
    std::map<std::tuple<std::string, std::string, std::uint32_t>, std::vector<ClientId>> groups;
    for (const auto& [id, reply] : checkpoint_replies_) {
      const ClientView* v = tracker_.client(id);
      if (!reply.ok || !v || !v->connected || v->bye || !v->selected) continue;
      groups[{v->user, *v->selected, v->uidvalidity}].push_back(id);
    }
    for (const auto& [key, ids] : groups) {
      for (std::size_t i = 1; i < ids.size(); ++i) {
        ++summary_.checkpoints_compared;
        const auto& a = session(ids[0]).agent->view();
        const auto& b = session(ids[i]).agent->view();
        if (views_agree(a, b)) continue;
        sim::Violation v;
        v.rule = "SEQ-14";
        v.rfc = "RFC 3501 §6.1.2, §7.4.1 (probe checkpoint)";
        v.message = "all sessions paused and their NOOPs completed, yet C" + std::to_string(ids[0]) + " and C" +
                    std::to_string(ids[i]) + " disagree about \"" + std::get<1>(key) + "\" (UIDVALIDITY " +
                    std::to_string(std::get<2>(key)) + "): C" + std::to_string(ids[0]) + " has " + uid_list(a) +
                    ", C" + std::to_string(ids[i]) + " has " + uid_list(b);
        v.offending = {checkpoint_replies_[ids[0]].index, checkpoint_replies_[ids[i]].index};
        found(v, false);
      }
    }
  }

  static bool views_agree(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != 0 && b[i] != 0 && a[i] != b[i]) return false;  // 0: UID not told yet
    return true;
  }

  static std::string uid_list(const std::vector<std::uint32_t>& uids) {
    constexpr std::size_t shown_max = 20;
    std::string out = std::to_string(uids.size()) + " messages (UIDs";
    for (std::size_t i = 0; i < uids.size() && i < shown_max; ++i) out += " " + std::to_string(uids[i]);
    if (uids.size() > shown_max) out += " ...";
    return out + ")";
  }

  Session& session(ClientId id) {
    for (auto& s : sessions_)
      if (s->id == id) return *s;
    return *sessions_.front();
  }

  // ---- drain, logout ----------------------------------------------------------------------------------

  void tick_drain(std::uint64_t now) {
    watch_sessions(now);
    if (auto v = checker_->tick(now, nullptr)) found(*v, false);
    delays_.tick(now, tracker_);
    for (auto& s : sessions_) pump(*s);
    const bool all_quiet = std::all_of(sessions_.begin(), sessions_.end(), [this](const auto& s) {
      return s->state != Session::State::Ready || quiet(*s);
    });
    if (!all_quiet && now - phase_started_us_ < opt_.drain_timeout_ms * 1000) return;
    for (auto& s : sessions_)
      if (s->state == Session::State::Ready && !(s->agent && s->agent->finished()))
        inject(*s, make_command("Z" + std::to_string(s->id), CommandKind::Logout));
    enter(Phase::Logout);
  }

  void tick_logout(std::uint64_t now) {
    const bool all_down = std::all_of(sessions_.begin(), sessions_.end(),
                                      [](const auto& s) { return s->state == Session::State::Down; });
    if (!all_down && now - phase_started_us_ < logout_wait_us) return;
    for (auto& s : sessions_)
      if (s->state != Session::State::Down) close_session(*s, "closed by the probe after LOGOUT", false);
    start_cleanup();
  }

  // ---- connections ------------------------------------------------------------------------------------

  void connect(Session& s) {
    s.conn = std::make_shared<Connection>(io_, tls_);
    s.state = Session::State::Connecting;
    s.connect_started_us = now_us();
    s.preamble.clear();
    s.greeting.reset();
    s.close_reason.clear();
    if (s.checked) ++summary_.connections;
    Connection::Handlers h;
    h.connected = [this, &s] { on_connected(s); };
    h.bytes = [this, &s](std::string_view bytes) { on_bytes(s, bytes); };
    h.closed = [this, &s](const std::string& why) { on_closed(s, why); };
    s.conn->open(opt_.host, opt_.port, opt_.security == Security::Tls, std::move(h));
  }

  void on_connected(Session& s) {
    s.state = opt_.security == Security::StartTls ? Session::State::StartTls : Session::State::Ready;
    s.started_us = now_us();
    if (s.checked) emit(sim::Event{now_us(), s.id, sim::Event::Dir::Connected, {}, {}, {}, {}});
  }

  void on_bytes(Session& s, std::string_view bytes) {
    if (s.state == Session::State::StartTls) return starttls_bytes(s, bytes);
    if (!s.agent) return;
    for (std::unique_ptr<proto::Response>& r : s.agent->receive(bytes)) {
      if (s.checked) {
        std::string wire = proto::write_response(*r);
        note_capabilities(*r);
        emit(sim::Event{now_us(), s.id, sim::Event::Dir::Received, std::move(wire), {}, {}, std::move(r)});
      } else {
        s.responses.push_back(std::move(*r));
      }
    }
    if (!s.checked && s.agent->finished()) {
      s.task_done = true;
      close_session(s, "", false);
      return;
    }
    if (s.checked) arm_idle(s);
    pump(s);
  }

  // STARTTLS (RFC 3501 §6.2.1) before the agent starts: greeting, "T1 STARTTLS", OK, TLS handshake; then the
  // agent gets the greeting without its pre-TLS capabilities and asks for them again itself.
  void starttls_bytes(Session& s, std::string_view bytes) {
    s.preamble += bytes;
    std::size_t eol;
    while ((eol = s.preamble.find("\r\n")) != std::string::npos) {
      const std::string line = s.preamble.substr(0, eol + 2);
      s.preamble.erase(0, eol + 2);
      auto parsed = proto::parse_response(line);
      auto* r = std::get_if<proto::Response>(&parsed);
      if (r == nullptr) return close_session(s, "unparsable line before STARTTLS", true);
      if (s.checked) emit(sim::Event{now_us(), s.id, sim::Event::Dir::Received, line, {}, {}, *r});
      const auto* st = std::get_if<proto::StatusResponse>(&r->body);
      if (!s.greeting) {
        s.greeting = *r;
        Command c = make_command("T1", CommandKind::StartTls);
        const std::string out = proto::write_command(c);
        s.conn->write(out);
        if (s.checked) emit(sim::Event{now_us(), s.id, sim::Event::Dir::Sent, out, c, {}, {}});
      } else if (!r->untagged && r->tag == "T1") {
        if (!st || st->condition != proto::Condition::Ok) return close_session(s, "STARTTLS refused", true);
        s.conn->start_tls([this, &s](bool ok) {
          if (!ok) return;
          s.state = Session::State::Ready;
          proto::Response greeting = *s.greeting;
          if (auto* g = std::get_if<proto::StatusResponse>(&greeting.body)) g->code.reset();
          s.agent->receive(proto::write_response(greeting));
          pump(s);
        });
        return;
      }
    }
  }

  void on_closed(Session& s, const std::string& why) {
    const ClientView* v = tracker_.client(s.id);
    const std::string reason = (s.checked && v && v->bye ? "after BYE: " : "") + why;
    if (s.checked && phase_ == Phase::Load) {
      ++summary_.server_closes;
      ++summary_.close_reasons[reason];
    }
    close_session(s, reason, true);
  }

  // Ends the session's connection; `by_server`: the server (or the network) ended it, not the probe.
  void close_session(Session& s, const std::string& reason, bool by_server) {
    if (s.conn) s.conn->close();
    if (s.close_reason.empty()) s.close_reason = reason;
    const bool was_up = s.state != Session::State::Down;
    s.state = Session::State::Down;
    if (!s.checked) {
      s.task_done = true;
      return;
    }
    if (!was_up) return;
    if (!by_server) behaviour_.reset_watches();
    emit(sim::Event{now_us(), s.id, sim::Event::Dir::Disconnected, {}, {}, {}, {}});
    s.failures_in_row = s.commands_sent == 0 ? s.failures_in_row + 1 : 0;
    const std::uint64_t backoff = std::min(reconnect_delay_max_us, reconnect_delay_min_us << std::min(s.failures_in_row, 5u));
    s.reconnect_at_us = now_us() + backoff;
  }

  void close_everything() {
    for (auto& s : sessions_)
      if (s->conn) s->conn->close();
    for (auto& s : tasks_)
      if (s->conn) s->conn->close();
  }

  // ---- sending ------------------------------------------------------------------------------------------

  bool may_send(const Session& s) const {
    if (!s.checked) return s.agent->wants_to_send();
    const ClientView* v = tracker_.client(s.id);
    const bool plus = v && v->plus_pending;
    if (pausing_ || phase_ != Phase::Load) return plus;  // only finish what was started: literal, DONE
    if (v && v->idling) return s.agent->wants_to_send() || now_us() >= s.idle_done_at_us;
    if (!s.agent->wants_to_send()) return false;
    if (replay_ && !plus && s.commands_sent < s.times.size())
      return now_us() >= s.started_us + s.times[s.commands_sent];
    return true;
  }

  void pump(Session& s) {
    for (std::uint32_t i = 0; i < pump_pieces_max; ++i) {
      if (s.state != Session::State::Ready || !s.agent || !may_send(s)) return;
      auto out = s.agent->next(s.rng);
      if (!out) return;
      send(s, std::move(*out));
    }
  }

  void send(Session& s, sim::ClientAgent::Outgoing out) {
    std::string bytes = std::move(out.bytes);
    std::optional<Command> command = std::move(out.command);
    if (command && s.checked) {
      Command wire = names_->to_wire(*command);
      auto first = renamed_first_part(bytes, *command, wire);
      if (!first) {
        summary_.errors.push_back("cannot move a command under the test prefix: " + bytes);
        return close_session(s, "probe error", false);
      }
      bytes = std::move(*first);
      command = std::move(wire);
    }
    if (command) {
      ++s.commands_sent;
      if (s.checked) {
        ++summary_.commands[command_label(*command)].sent;
        ++summary_.commands_total;
      }
    }
    s.conn->write(bytes);
    if (s.checked) emit(sim::Event{now_us(), s.id, sim::Event::Dir::Sent, std::move(bytes), std::move(command),
                                   std::move(out.raw_line), {}});
  }

  // A command of the probe's own (checkpoint NOOP, final LOGOUT): the agent ignores its tagged reply.
  void inject(Session& s, Command c) {
    const std::string bytes = proto::write_command(c);
    s.conn->write(bytes);
    emit(sim::Event{now_us(), s.id, sim::Event::Dir::Sent, bytes, std::move(c), {}, {}});
  }

  void arm_idle(Session& s) {
    const ClientView* v = tracker_.client(s.id);
    if (v == nullptr || !v->idling) {
      s.idle_armed = false;
      return;
    }
    if (s.idle_armed) return;
    s.idle_armed = true;
    const std::uint64_t span = opt_.notify_bound_ms * 1000 + idle_past_bound_us - idle_min_us;
    s.idle_done_at_us = now_us() + idle_min_us + s.rng.below(span);
  }

  void note_capabilities(const proto::Response& r) {
    const auto* a = std::get_if<proto::AtomsData>(&r.body);
    if (!a || a->kind != proto::AtomsData::Kind::Capability) return;
    std::string text;
    for (const auto& atom : a->atoms) text += (text.empty() ? "" : " ") + atom;
    if (text.size() >= summary_.capabilities.size()) summary_.capabilities = text;
  }

  // ---- events and violations ---------------------------------------------------------------------------

  void emit(sim::Event e) {
    const std::size_t index = checker_->events().size();
    auto violation = checker_->observe(e, nullptr);
    auto done = tracker_.observe(e, index);
    if (e.dir == sim::Event::Dir::Received) ++summary_.responses_total;
    if (done) completed(*done);
    for (auto& v : behaviour_.observe(e, index, tracker_, done)) found(v, false);
    delays_.observe(e, tracker_, done);
    if (violation) found(*violation, true);
  }

  void completed(const Completion& done) {
    const auto& cmd = done.pending.command;
    if (auto it = checkpoint_tags_.find(done.client); it != checkpoint_tags_.end() && it->second == cmd.tag)
      checkpoint_replies_[done.client] = CheckpointReply{done.status.condition == proto::Condition::Ok, done.index};
    if (cmd.tag.size() > 1 && (cmd.tag[0] == 'P' || cmd.tag[0] == 'Z' || cmd.tag[0] == 'T') &&
        (cmd.kind == CommandKind::Noop || cmd.kind == CommandKind::Logout || cmd.kind == CommandKind::StartTls))
      return;  // the probe's own commands are not load
    auto& count = summary_.commands[command_label(cmd)];
    switch (done.status.condition) {
      case proto::Condition::Ok: ++count.ok; break;
      case proto::Condition::No: ++count.no; break;
      default: ++count.bad; break;
    }
  }

  // A violation: counted, written at once as a trace, remembered for replays. A Checker violation ends the
  // epoch (the Checker stops at its first); sessions then start over on fresh connections.
  void found(const sim::Violation& v, bool from_checker) {
    if (from_checker) {
      if (auto why = dismissal(v)) {
        ++summary_.dismissed[v.rule + ": " + *why];
        if (phase_ == Phase::Load && !replay_) restart_pending_ = true;  // the Checker has stopped all the same
        return;
      }
    }
    ++summary_.violations[v.rule];
    found_rules_.insert(v.rule);
    if (from_checker && phase_ == Phase::Load && !replay_) restart_pending_ = true;
    write_trace(v);
  }

  // The violation's trace in --out, at once (at most traces_per_rule_max per rule).
  void write_trace(const sim::Violation& v) {
    if (opt_.out_dir.empty() || written_[v.rule] >= opt_.traces_per_rule_max) return;
    ++written_[v.rule];
    ProbeTraceInfo info;
    info.config = trace_config();
    info.server = summary_.server;
    info.prefix = prefix_;
    info.delimiter = names_ ? names_->delimiter() : '/';
    info.policy_auto = !opt_.policy.has_value();
    const sim::Trace trace = violation_trace(checker_->events(), v, info);
    const std::string name = v.rule + "-probe-seed" + std::to_string(opt_.seed) + "-" +
                             std::to_string(++traces_written_) + ".trace";
    std::string error;
    if (auto path = write_file_now(opt_.out_dir, name, trace.write(), &error)) summary_.trace_files.push_back(*path);
    else summary_.errors.push_back(error);
  }

  // A command the server never answered: not an INVARIANTS rule (liveness of a real server), but its
  // transcript is written like a violation's, under the probe-only name STALL.
  void record_stall(ClientId client, const PendingCommand& p, const std::string& why) {
    sim::Violation v;
    v.rule = "STALL";
    v.rfc = "RFC 3501 §5.5 (every command gets a tagged reply)";
    v.message = "C" + std::to_string(client) + ": " + why;
    v.offending = {p.sent_index};
    write_trace(v);
  }

  // Checker findings that are not violations for a real server. SEQ-12 (RFC 3501 §5.5) asks for in-order
  // execution only where a later command's result depends on an earlier one; a COPY/MOVE/APPEND refused with
  // [TRYCREATE] or [NONEXISTENT] failed on its destination's name, whatever the earlier STORE did, and a server
  // may send that NO first (Dovecot 2.3 does).
  std::optional<std::string> dismissal(const sim::Violation& v) const {
    if (v.rule != "SEQ-12" || v.offending.empty()) return std::nullopt;
    const auto& log = checker_->events();
    const std::size_t i = v.offending.front();
    if (i >= log.size() || !log[i].response) return std::nullopt;
    const auto* st = std::get_if<proto::StatusResponse>(&log[i].response->body);
    if (st && st->condition == proto::Condition::Bad)
      return std::string("a later command rejected with BAD (its arguments, not the STORE's effect) answered first");
    if (!st || st->condition != proto::Condition::No || !st->code) return std::nullopt;
    if (st->code->name != "TRYCREATE" && st->code->name != "NONEXISTENT") return std::nullopt;
    return "a later command refused for its destination ([" + st->code->name + "]) answered first";
  }

  sim::RunConfig trace_config() const {
    sim::RunConfig c;
    c.seed = opt_.seed;
    c.clients = std::max<std::uint32_t>(1, replay_ ? static_cast<std::uint32_t>(replay_scripts_.size()) : opt_.clients);
    c.users = static_cast<std::uint32_t>(std::max<std::size_t>(1, distinct_accounts().size()));
    c.shared_mailboxes = 0;
    c.initial_messages = opt_.initial_messages;
    c.message_bytes_max = opt_.message_bytes_max;
    c.max_pipeline = opt_.max_pipeline;
    c.mix = opt_.mix;
    if (opt_.policy) c.policy = *opt_.policy;
    return c;
  }

 public:
  const std::set<std::string>& found_rules() const { return found_rules_; }

 private:
  struct CheckpointReply {
    bool ok = false;
    std::size_t index = 0;
  };

  ProbeOptions opt_;
  ProgressFn progress_;
  asio::io_context io_;
  asio::ssl::context tls_;
  asio::steady_timer tick_;
  std::uint64_t start_us_ = 0;
  std::string prefix_;
  std::optional<NameMap> names_;
  Phase phase_ = Phase::Delimiter;
  std::uint64_t phase_started_us_ = 0;
  std::vector<std::unique_ptr<Session>> sessions_;  // checked sessions, client k at index k-1 (load)
  std::vector<std::unique_ptr<Session>> tasks_;     // setup / clean-up connections, kept until the end
  std::vector<Session*> active_tasks_;
  std::vector<std::string> cleanup_names_;

  std::unique_ptr<sim::Checker> checker_;
  Tracker tracker_;
  BehaviourLog behaviour_;
  DelayMeter delays_;
  bool restart_pending_ = false;
  bool pausing_ = false;

  Checkpoint checkpoint_state_ = Checkpoint::None;
  std::uint64_t next_checkpoint_us_ = 0, checkpoint_started_us_ = 0;
  std::uint64_t checkpoint_counter_ = 0;
  std::map<ClientId, std::string> checkpoint_tags_;
  std::map<ClientId, CheckpointReply> checkpoint_replies_;

  std::uint64_t load_start_us_ = 0, next_progress_us_ = 0;
  bool replay_ = false;
  std::vector<std::vector<Command>> replay_scripts_;
  std::vector<std::vector<std::uint64_t>> replay_times_;

  Summary summary_;
  std::map<std::string, std::uint32_t> written_;
  std::uint64_t traces_written_ = 0;
  std::set<std::string> found_rules_;
};

}  // namespace

Summary run_probe(const ProbeOptions& options, const ProgressFn& progress) {
  Runner runner(options, progress);
  return runner.run();
}

ReplayOutcome replay_probe(const ProbeOptions& options, const sim::Trace& trace, std::uint32_t attempts) {
  ReplayOutcome out;
  out.rule = trace.outcome.value_or("none");
  const auto info = probe_info(trace);
  auto scripts = replay_scripts(trace);
  const auto times = replay_times(trace);
  // Names under the recorded prefix go back to the agents' names; the runner puts them under a fresh one.
  if (info) {
    const NameMap recorded(info->prefix, info->delimiter);
    for (auto& script : scripts)
      for (auto& c : script) c = recorded.from_wire(std::move(c));
  }
  for (auto& script : scripts)
    std::erase_if(script, [](const Command& c) { return c.kind == CommandKind::StartTls; });
  for (std::uint32_t k = 0; k < attempts; ++k) {
    ProbeOptions o = options;
    o.seed = options.seed + k;
    o.prefix.clear();
    if (!options.prefix.empty()) o.prefix = options.prefix + "-r" + std::to_string(k + 1);
    Runner runner(o, {});
    runner.set_replay(scripts, times);
    Summary s = runner.run();
    ++out.attempts;
    if (runner.found_rules().count(out.rule)) ++out.recurred;
    out.summaries.push_back(std::move(s));
  }
  return out;
}

}  // namespace imaplab::probe
