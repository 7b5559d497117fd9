// `imaplab hunt`: many simulated runs over the policy matrix and strategies, live progress, a summary table,
// minimized failing traces in --out, exit 1 when anything failed.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/output.hpp"
#include "cli/subcommands.hpp"
#include "sim/hunt.hpp"

namespace imaplab::cli {
namespace {

struct HuntArgs {
  double seconds = 60;
  std::uint64_t seed = 1;
  std::uint64_t runs = 0;
  std::uint32_t clients = 0;
  std::uint64_t commands = 0;
  std::string policy = "all";
  std::string strategy = "all";
  std::uint32_t jobs = 0;
  std::string shard = "1/1";
  std::string out = "imaplab-hunt";
  bool json = false;
  std::vector<std::string> bugs;  // --bug, repeatable, each maybe a comma list
};

// The planted bugs of --bug NAME (repeated or comma-separated); nullopt after a message for an unknown name.
std::optional<model::BugSet> parse_bugs(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ",") + n;
  std::string error;
  auto bugs = model::BugSet::parse(joined, &error);
  if (!bugs) std::fprintf(stderr, "imaplab hunt: --bug: %s\n", error.c_str());
  return bugs;
}

// Totals per value of each policy axis ("delete=ghost": runs, commands, violations), from the full matrix.
std::map<std::string, sim::HuntRow> by_axis(const sim::HuntSummary& s) {
  std::map<std::string, sim::HuntRow> axes;
  for (const auto& [policy, row] : s.by_policy) {
    std::size_t pos = 0;
    while (pos < policy.size()) {
      std::size_t sp = policy.find(' ', pos);
      if (sp == std::string::npos) sp = policy.size();
      auto& a = axes[policy.substr(pos, sp - pos)];
      a.runs += row.runs;
      a.commands += row.commands;
      a.violations += row.violations;
      pos = sp + 1;
    }
  }
  return axes;
}

std::string human(double n) {
  if (n >= 1e6) return fmt::format("{:.1f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.0f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

void print_progress(const sim::HuntSummary& s, double budget) {
  std::fprintf(stderr, "\r\033[Khunt: %s runs | %s commands (%s/s) | %.1f s virtual | %llu violations | %.0f/%.0f s",
               human(static_cast<double>(s.runs)).c_str(), human(static_cast<double>(s.commands)).c_str(),
               human(s.wall_seconds > 0 ? static_cast<double>(s.commands) / s.wall_seconds : 0).c_str(),
               static_cast<double>(s.virtual_us) / 1e6, static_cast<unsigned long long>(s.violations),
               s.wall_seconds, budget);
}

void print_summary(const sim::HuntSummary& s, const std::vector<std::string>& files) {
  Style st = style_for(stdout);
  std::printf("%simaplab hunt:%s %llu runs, %llu commands (%s/s), %.1f s of virtual time in %.1f s, %s%llu violations%s\n",
              st.bold(), st.reset(), static_cast<unsigned long long>(s.runs),
              static_cast<unsigned long long>(s.commands),
              human(s.wall_seconds > 0 ? static_cast<double>(s.commands) / s.wall_seconds : 0).c_str(),
              static_cast<double>(s.virtual_us) / 1e6, s.wall_seconds, s.violations ? st.red() : "",
              static_cast<unsigned long long>(s.violations), st.reset());
  std::printf("\n%-28s %8s %12s %11s\n", "policy", "runs", "commands", "violations");
  for (const auto& [axis, row] : by_axis(s))
    std::printf("%-28s %8llu %12llu %11llu\n", axis.c_str(), static_cast<unsigned long long>(row.runs),
                static_cast<unsigned long long>(row.commands), static_cast<unsigned long long>(row.violations));
  for (const auto& [strategy, runs] : s.by_strategy_runs)
    std::printf("%-28s %8llu\n", ("strategy=" + strategy).c_str(), static_cast<unsigned long long>(runs));
  if (!s.by_rule.empty()) {
    std::printf("\n%-8s %-66s %10s\n", "rule", "policy", "violations");
    for (const auto& [key, n] : s.by_rule)
      std::printf("%s%-8s%s %-66s %10llu\n", st.red(), key.second.c_str(), st.reset(), key.first.c_str(),
                  static_cast<unsigned long long>(n));
  }
  if (!files.empty()) {
    std::printf("\nfailing traces (replay with `imaplab replay FILE`):\n");
    for (const auto& f : files) std::printf("  %s\n", f.c_str());
  }
}

nlohmann::json to_json(const sim::HuntSummary& s, const std::vector<std::string>& files) {
  nlohmann::json j;
  j["runs"] = s.runs;
  j["commands"] = s.commands;
  j["steps"] = s.steps;
  j["virtual_seconds"] = static_cast<double>(s.virtual_us) / 1e6;
  j["wall_seconds"] = s.wall_seconds;
  j["violations"] = s.violations;
  for (const auto& [policy, row] : s.by_policy)
    j["policies"].push_back({{"policy", policy}, {"runs", row.runs}, {"commands", row.commands},
                             {"violations", row.violations}});
  j["rules"] = nlohmann::json::array();
  for (const auto& [key, n] : s.by_rule) j["rules"].push_back({{"policy", key.first}, {"rule", key.second}, {"violations", n}});
  j["traces"] = files;
  return j;
}

int run_hunt(const HuntArgs& a) {
  sim::HuntOptions o;
  o.seconds = a.seconds;
  o.seed = a.seed;
  o.runs = a.runs;
  if (a.clients) o.clients = a.clients;
  if (a.commands) o.commands = a.commands;
  if (a.policy != "all") {
    std::string error;
    auto p = model::Policy::parse(a.policy, &error);
    if (!p) {
      std::fprintf(stderr, "imaplab hunt: bad --policy: %s\n", error.c_str());
      return 2;
    }
    o.policies = {*p};
  }
  if (a.strategy == "all") o.strategies = {"random", "pct"};
  else if (a.strategy == "random" || a.strategy == "pct") o.strategies = {a.strategy};
  else {
    std::fprintf(stderr, "imaplab hunt: --strategy must be random, pct or all\n");
    return 2;
  }
  unsigned k = 0, n = 0;
  if (std::sscanf(a.shard.c_str(), "%u/%u", &k, &n) != 2 || n == 0 || k == 0 || k > n) {
    std::fprintf(stderr, "imaplab hunt: --shard must be K/N with 1 <= K <= N\n");
    return 2;
  }
  o.shard_index = k - 1;
  o.shard_count = n;
  o.jobs = a.jobs ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
  auto bugs = parse_bugs(a.bugs);
  if (!bugs) return 2;
  o.bugs = *bugs;
  if (!bugs->empty() && !a.json)
    std::fprintf(stderr, "imaplab hunt: planted bugs: %s (their SHOULD rules are fatal)\n", bugs->to_string().c_str());
  // A bug that sits on one policy's code path is hunted under that policy only (model::BugInfo::needs).
  const std::size_t swept = sim::policies_for_bugs(*bugs).size();
  if (swept < model::Policy::all().size() && a.policy == "all" && !a.json)
    std::fprintf(stderr, "imaplab hunt: sweeping only the %zu policies with %s, which the planted bugs need "
                 "(--policy overrides)\n", swept, sim::needs_of(*bugs).c_str());
  if (a.seconds <= 0 && a.runs == 0) o.seconds = 60;

  bool live = isatty(fileno(stderr)) && !a.json;
  auto summary = sim::hunt(o, live ? sim::HuntProgress([&](const sim::HuntSummary& s) { print_progress(s, o.seconds); })
                                   : sim::HuntProgress());
  if (live) std::fprintf(stderr, "\n");

  std::vector<std::string> files;
  if (!summary.findings.empty()) {
    std::filesystem::create_directories(a.out);
    for (const auto& f : summary.findings) {
      std::string path = fmt::format("{}/{}-seed{}{}.trace", a.out, f.rule, f.seed, f.minimized ? "-min" : "");
      if (write_file(path, f.trace.write()))
        files.push_back(f.minimized ? fmt::format("{} (minimized {} -> {} commands)", path, f.commands_before, f.commands_after)
                                    : path);
    }
  }
  if (a.json) std::printf("%s\n", to_json(summary, files).dump(2).c_str());
  else print_summary(summary, files);
  return summary.violations ? 1 : 0;
}

}  // namespace

void register_hunt(CLI::App& app) {
  auto args = std::make_shared<HuntArgs>();
  auto* cmd = app.add_subcommand("hunt", "Hunt for race bugs: many simulated runs of the built-in server");
  cmd->add_option("--seconds", args->seconds, "Wall-clock budget")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Base seed")->capture_default_str();
  cmd->add_option("--runs", args->runs, "Stop after this many runs (0: until --seconds)");
  cmd->add_option("--clients", args->clients, "Clients per run (default: drawn per run, 2-16)");
  cmd->add_option("--commands", args->commands, "Client commands per run (default: drawn per run)");
  cmd->add_option("--policy", args->policy, "RFC 2180 policy line, or 'all' to sweep the matrix")->capture_default_str();
  cmd->add_option("--strategy", args->strategy, "random, pct or all")->capture_default_str();
  cmd->add_option("--jobs", args->jobs, "Worker threads (default: all cores)");
  cmd->add_option("--shard", args->shard, "Run the K-th of N disjoint slices of the seed space")->capture_default_str();
  cmd->add_option("--out", args->out, "Folder for failing traces")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->add_option("--bug", args->bugs, "Plant a bug of the zoo in the server (repeatable or NAME,NAME; see `imaplab bugs`)");
  cmd->callback([args] { set_exit_code(run_hunt(*args)); });
}

}  // namespace imaplab::cli
