// `imaplab probe`: the simulator's clients and checkers against a real IMAP server over TCP (probe/runner.hpp):
// live progress on a terminal, a summary (text or --json), violation traces in --out as soon as they are found;
// `--replay TRACE [--attempts K]` re-sends a trace's commands and says how often its violation recurs.
// Exit status: 0 clean, 1 violations (or the replayed violation recurred), 2 the probe could not do its job.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "cli/subcommands.hpp"
#include "probe/runner.hpp"
#include "sim/config.hpp"

namespace imaplab::cli {
namespace {

struct ProbeArgs {
  std::string host = "127.0.0.1";
  std::uint16_t port = 143;
  bool tls = false, starttls = false;
  std::string user, password, users_file;
  std::uint32_t clients = 3;
  double seconds = 10;
  std::uint64_t seed = 1;
  std::string mix;
  bool notify = false;
  std::string policy = "auto";
  std::string out;
  bool json = false;
  bool quiet = false;
  double notify_bound = 5;
  double checkpoint = 10;
  double command_timeout = 30;
  std::string prefix;
  std::string replay;
  std::uint32_t attempts = 5;
};

constexpr int exit_clean = 0, exit_violations = 1, exit_unusable = 2;

// --users FILE: one "user password" (or "user:password") per line; # comments and blank lines skipped.
std::optional<std::vector<probe::Account>> read_users(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::vector<probe::Account> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::size_t sep = line.find_first_of(" \t:");
    if (sep == std::string::npos) continue;
    std::size_t pass = line.find_first_not_of(" \t:", sep);
    out.push_back({line.substr(0, sep), pass == std::string::npos ? "" : line.substr(pass)});
  }
  return out;
}

std::optional<probe::ProbeOptions> to_options(const ProbeArgs& a) {
  probe::ProbeOptions o;
  o.host = a.host;
  o.port = a.port;
  o.security = a.tls ? probe::Security::Tls : a.starttls ? probe::Security::StartTls : probe::Security::Plain;
  if (!a.users_file.empty()) {
    auto accounts = read_users(a.users_file);
    if (!accounts || accounts->empty()) {
      std::fprintf(stderr, "imaplab probe: --users %s: no \"user password\" lines\n", a.users_file.c_str());
      return std::nullopt;
    }
    o.accounts = *accounts;
  } else if (!a.user.empty()) {
    o.accounts.push_back({a.user, a.password});
  } else {
    std::fprintf(stderr, "imaplab probe: give --user and --pass, or --users FILE\n");
    return std::nullopt;
  }
  o.clients = a.clients;
  o.seconds = static_cast<std::uint64_t>(a.seconds + 0.5);
  o.seed = a.seed;
  if (!a.mix.empty()) {
    std::string error;
    auto c = sim::RunConfig::from_fields({{"mix", a.mix}}, &error);
    if (!c) {
      std::fprintf(stderr, "imaplab probe: --mix: expected name:weight,... (%s)\n", error.c_str());
      return std::nullopt;
    }
    o.mix = c->mix;
  }
  if (!a.notify) o.mix.notify = 0;
  o.notify = a.notify;
  if (a.policy != "auto") {
    std::string error;
    auto p = model::Policy::parse(a.policy, &error);
    if (!p) {
      std::fprintf(stderr, "imaplab probe: --policy: %s\n", error.c_str());
      return std::nullopt;
    }
    o.policy = *p;
  }
  o.out_dir = a.out;
  o.prefix = a.prefix;
  o.notify_bound_ms = static_cast<std::uint64_t>(a.notify_bound * 1000);
  o.checkpoint_interval_ms = static_cast<std::uint64_t>(a.checkpoint * 1000);
  o.command_timeout_ms = static_cast<std::uint64_t>(a.command_timeout * 1000);
  o.quiet = a.quiet;
  return o;
}

nlohmann::json to_json(const probe::Summary& s) {
  nlohmann::json j;
  j["server"] = s.server;
  j["prefix"] = s.prefix;
  j["seed"] = s.seed;
  j["clients"] = s.clients;
  j["policy"] = s.policy;
  j["capabilities"] = s.capabilities;
  j["load_seconds"] = s.load_seconds;
  j["wall_seconds"] = s.wall_seconds;
  j["cpu_seconds"] = s.cpu_seconds;
  j["commands_total"] = s.commands_total;
  j["commands_per_second"] = s.commands_per_second();
  j["responses_total"] = s.responses_total;
  for (const auto& [name, c] : s.commands)
    j["commands"][name] = {{"sent", c.sent}, {"ok", c.ok}, {"no", c.no}, {"bad", c.bad}};
  j["violations_total"] = s.violations_total();
  j["violations"] = s.violations;
  j["warnings"] = s.warnings;
  j["dismissed"] = s.dismissed;
  j["trace_files"] = s.trace_files;
  j["behaviours"] = s.behaviours;
  for (const auto& [type, d] : s.delays)
    j["delays"][type] = {{"measured", d.delays_us.size()},  {"median_ms", d.percentile_us(50) / 1000.0},
                         {"p90_ms", d.percentile_us(90) / 1000.0}, {"max_ms", d.percentile_us(100) / 1000.0},
                         {"missed", d.missed},  {"abandoned", d.abandoned}};
  j["connections"] = s.connections;
  j["server_closes"] = s.server_closes;
  j["close_reasons"] = s.close_reasons;
  j["timeouts"] = s.timeouts;
  j["epochs"] = s.epochs;
  j["checkpoints"] = s.checkpoints;
  j["checkpoints_compared"] = s.checkpoints_compared;
  j["checkpoints_abandoned"] = s.checkpoints_abandoned;
  j["cleanup_ok"] = s.cleanup_ok;
  j["errors"] = s.errors;
  return j;
}

int run_load(const probe::ProbeOptions& o, bool json) {
  const bool live = !o.quiet && isatty(fileno(stderr));
  probe::ProgressFn progress;
  if (live) {
    progress = [&o](const probe::Progress& p) {
      std::fprintf(stderr, "\r\033[Kprobe: %.0f/%llu s | %u connected | %llu commands (%.0f/s) | %llu violations | %llu checkpoints",
                   p.elapsed_seconds, static_cast<unsigned long long>(o.seconds), p.connected,
                   static_cast<unsigned long long>(p.commands),
                   p.elapsed_seconds > 0 ? static_cast<double>(p.commands) / p.elapsed_seconds : 0.0,
                   static_cast<unsigned long long>(p.violations), static_cast<unsigned long long>(p.checkpoints));
    };
  }
  const probe::Summary s = probe::run_probe(o, progress);
  if (live) std::fprintf(stderr, "\r\033[K");
  if (json) std::printf("%s\n", to_json(s).dump(2).c_str());
  else std::fputs(probe::format_summary(s).c_str(), stdout);
  if (!s.errors.empty() && s.commands_total == 0) return exit_unusable;
  return s.violations_total() > 0 ? exit_violations : exit_clean;
}

int run_replay(const probe::ProbeOptions& o, const std::string& path, std::uint32_t attempts, bool json) {
  auto text = read_file(path);
  if (!text) return exit_unusable;
  std::string error;
  auto trace = sim::Trace::parse(*text, &error);
  if (!trace) {
    std::fprintf(stderr, "imaplab probe --replay: %s: %s\n", path.c_str(), error.c_str());
    return exit_unusable;
  }
  const probe::ReplayOutcome r = probe::replay_probe(o, *trace, attempts);
  if (json) {
    nlohmann::json j;
    j["trace"] = path;
    j["rule"] = r.rule;
    j["attempts"] = r.attempts;
    j["recurred"] = r.recurred;
    for (const auto& s : r.summaries) j["attempt_summaries"].push_back(to_json(s));
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    for (std::size_t k = 0; k < r.summaries.size(); ++k) {
      const auto& s = r.summaries[k];
      std::printf("attempt %zu: %llu commands, violations:", k + 1, static_cast<unsigned long long>(s.commands_total));
      if (s.violations.empty()) std::printf(" none");
      for (const auto& [rule, n] : s.violations) std::printf(" %s x%llu", rule.c_str(), static_cast<unsigned long long>(n));
      for (const auto& e : s.errors) std::printf(" [error: %s]", e.c_str());
      std::printf("\n");
    }
    std::printf("%s recurred in %u of %u attempts against %s:%u\n", r.rule.c_str(), r.recurred, r.attempts,
                o.host.c_str(), o.port);
  }
  return r.recurred > 0 ? exit_violations : exit_clean;
}

}  // namespace

void register_probe(CLI::App& app) {
  auto args = std::make_shared<ProbeArgs>();
  CLI::App* cmd = app.add_subcommand("probe", "Run imaplab's clients and checkers against a real IMAP server");
  cmd->add_option("--host", args->host, "Server host")->capture_default_str();
  cmd->add_option("--port", args->port, "Server port")->capture_default_str();
  cmd->add_flag("--tls", args->tls, "Implicit TLS (imaps)");
  cmd->add_flag("--starttls", args->starttls, "STARTTLS before logging in (RFC 3501 §6.2.1)")->excludes("--tls");
  cmd->add_option("--user", args->user, "User name");
  cmd->add_option("--pass", args->password, "Password");
  cmd->add_option("--users", args->users_file, "File of 'user password' lines; clients use them round-robin");
  cmd->add_option("--clients", args->clients, "Concurrent sessions")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--seconds", args->seconds, "Seconds of generated load")->check(CLI::Range(0.0, 86400.0))->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the generated workload")->capture_default_str();
  cmd->add_option("--mix", args->mix, "Command weights, name:weight,... (e.g. fetch:20,rename:0)");
  cmd->add_flag("--notify", args->notify, "Use NOTIFY (RFC 5465) when the server advertises it");
  cmd->add_option("--policy", args->policy, "'auto' (infer, check consistency) or an RFC 2180 policy line")->capture_default_str();
  cmd->add_option("--out", args->out, "Folder for violation traces (written as soon as found)");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->add_flag("--quiet", args->quiet, "No live progress");
  cmd->add_option("--notify-bound", args->notify_bound, "Seconds within which an IDLE/NOTIFY push must arrive")->capture_default_str();
  cmd->add_option("--checkpoint", args->checkpoint, "Seconds between checkpoints")->check(CLI::Range(0.5, 3600.0))->capture_default_str();
  cmd->add_option("--command-timeout", args->command_timeout, "Seconds a command may wait for its tagged reply")
      ->check(CLI::Range(0.1, 3600.0))->capture_default_str();
  cmd->add_option("--prefix", args->prefix, "Mailbox prefix for the test mailboxes (default: imaplab-SEED-TIME)");
  cmd->add_option("--replay", args->replay, "Re-send this trace's commands and report how often its violation recurs");
  cmd->add_option("--attempts", args->attempts, "Replay attempts")->check(CLI::Range(1, 1000))->capture_default_str();
  cmd->callback([args] {
    auto options = to_options(*args);
    if (!options) return set_exit_code(exit_unusable);
    if (!args->replay.empty()) return set_exit_code(run_replay(*options, args->replay, args->attempts, args->json));
    set_exit_code(run_load(*options, args->json));
  });
}

}  // namespace imaplab::cli
