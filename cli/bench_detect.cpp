// `imaplab bench-detect`: how fast each strategy finds each bug of the zoo (sim/bench_detect.hpp). Prints a
// table, writes JSON and Markdown on request, and keeps each bug's shortest minimized detecting trace in --out.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include "cli/fuzz_engine.hpp"
#include "cli/output.hpp"
#include "cli/subcommands.hpp"
#include "sim/bench_detect.hpp"

namespace imaplab::cli {
namespace {

struct BenchArgs {
  std::string bugs = "all";
  std::string strategies = "random,pct";
  std::uint32_t seeds = 20;
  std::uint64_t base_seed = 1;
  double budget_seconds = 60;
  std::uint32_t jobs = 0;
  std::uint32_t minimize_runs = 600;
  std::uint64_t max_runs = 0;
  std::string fuzz_binary;  // empty: default_fuzz_binary()
  bool no_baseline = false;
  bool wall_clock = false;
  std::string json, markdown, out;
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> items;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = std::min(text.find(',', pos), text.size());
    if (comma > pos) items.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return items;
}

// The rows' bugs: "all" is the whole catalogue; the correct server comes last unless --no-baseline.
std::optional<std::vector<std::optional<model::Bug>>> parse_bug_rows(const BenchArgs& a) {
  std::vector<std::optional<model::Bug>> rows;
  if (a.bugs == "all") {
    for (const auto& info : model::bug_catalogue()) rows.push_back(info.bug);
  } else {
    for (const auto& name : split_commas(a.bugs)) {
      if (name == sim::no_bug_name) continue;
      const model::BugInfo* info = model::find_bug(name);
      if (!info) {
        std::fprintf(stderr, "imaplab bench-detect: --bugs: unknown bug '%s' (imaplab bugs lists them)\n", name.c_str());
        return std::nullopt;
      }
      rows.push_back(info->bug);
    }
  }
  if (!a.no_baseline) rows.push_back(std::nullopt);
  return rows;
}

std::optional<std::vector<std::string>> parse_strategies(const std::string& text, const sim::BenchOptions& o,
                                                         const std::string& fuzz_binary) {
  auto known = sim::bench_strategies(o);
  auto names = split_commas(text);
  for (const auto& name : names) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (name == "fuzz") {
      std::fprintf(stderr,
                   "imaplab bench-detect: --strategies fuzz needs the libFuzzer world target, and %s is not an "
                   "executable file: build it with `%s` (or scripts/fuzz.sh world), or give --fuzz-binary PATH\n",
                   fuzz_binary.c_str(), fuzz_build_command);
      return std::nullopt;
    }
    std::fprintf(stderr, "imaplab bench-detect: --strategies: no engine for '%s' in this build (have: %s)\n",
                 name.c_str(), fmt::format("{}", fmt::join(known, ", ")).c_str());
    return std::nullopt;
  }
  if (names.empty()) std::fprintf(stderr, "imaplab bench-detect: --strategies is empty\n");
  return names.empty() ? std::nullopt : std::optional(names);
}

std::string seconds_cell(const std::optional<double>& s) { return s ? fmt::format("{:.3f} s", *s) : "> budget"; }
std::string count_cell(const std::optional<double>& n) { return n ? fmt::format("{:.0f}", *n) : "-"; }

void print_table(const sim::BenchReport& r) {
  Style st = style_for(stdout);
  std::printf("%simaplab bench-detect:%s %u seeds x %.0f %s s per bug and strategy, %u jobs, %.0f s in all\n\n",
              st.bold(), st.reset(), r.seeds, r.budget_seconds, r.cpu_seconds ? "CPU" : "wall", r.jobs,
              r.wall_seconds);
  std::printf("%-34s %-7s %-8s %9s %11s %10s %10s  %s\n", "bug", "rule", "strategy", "detected", "median", "commands",
              "minimized", "any violation");
  std::uint32_t drift = 0;
  for (const auto& row : r.rows) {
    bool none = row.bug == sim::no_bug_name;
    drift += row.drift + (row.minimized_drift ? 1 : 0);
    std::string detected = fmt::format("{}/{}", row.detected, row.trials);
    if (row.drift) detected += fmt::format(" ({} drift)", row.drift);
    std::string minimized = row.minimized_commands ? std::to_string(*row.minimized_commands)
                            : row.minimized_drift  ? "drift"
                                                   : "-";
    std::string any = fmt::format("{}/{}", row.detected_any, row.trials);
    for (const auto& [rule, n] : row.rules) any += fmt::format(" {}x{}", rule, n);
    std::printf("%s%-34s %-7s %-8s %9s %11s %10s %10s  %s%s\n", none && row.violations ? st.red() : "",
                row.bug.c_str(), none ? "-" : row.rule.c_str(), row.strategy.c_str(),
                none ? "-" : detected.c_str(),
                none ? "-" : seconds_cell(row.median_seconds).c_str(),
                none ? "-" : count_cell(row.median_commands).c_str(),
                minimized.c_str(), any.c_str(),
                st.reset());
  }
  std::printf("\nfalse alarms (violations of the correct server): %llu\n",
              static_cast<unsigned long long>(r.false_alarms()));
  // Drift: a detecting run or minimized trace that fails the bug's rule with the bug switched off as well. It
  // is not counted as a detection; the checker or the server has a problem of its own there.
  if (drift)
    std::printf("%sdrift%s (a detection that fails with the bug off too, not counted): %u\n", st.red(), st.reset(),
                drift);
}

// Each bug's shortest minimized detecting trace over the strategies, as DIR/NAME.trace.
bool write_traces(const sim::BenchReport& r, const std::string& dir) {
  std::map<std::string, const sim::BenchRow*> best;
  for (const auto& row : r.rows) {
    if (row.bug == sim::no_bug_name || !row.minimized) continue;
    auto& b = best[row.bug];
    if (!b || *row.minimized_commands < *b->minimized_commands) b = &row;
  }
  std::filesystem::create_directories(dir);
  for (const auto& [bug, row] : best) {
    std::string path = dir + "/" + bug + ".trace";
    if (!write_file(path, row->minimized->write())) return false;
    std::fprintf(stderr, "bench-detect: %s (%s, %zu commands)\n", path.c_str(), row->strategy.c_str(),
                 *row->minimized_commands);
  }
  return true;
}

int run_bench(const BenchArgs& a) {
  sim::BenchOptions o;
  auto bugs = parse_bug_rows(a);
  if (!bugs) return 2;
  // `fuzz` is offered only when the libFuzzer world target exists (fuzz preset).
  const std::string fuzz_binary = a.fuzz_binary.empty() ? default_fuzz_binary() : a.fuzz_binary;
  if (auto fuzz = fuzz_engine_config(fuzz_binary)) o.engines["fuzz"] = make_fuzz_engine(*fuzz);
  auto strategies = parse_strategies(a.strategies, o, fuzz_binary);
  if (!strategies) return 2;
  if (a.budget_seconds <= 0) {
    std::fprintf(stderr, "imaplab bench-detect: --budget-seconds must be positive\n");
    return 2;
  }
  o.bugs = *bugs;
  o.strategies = *strategies;
  o.seeds = std::max<std::uint32_t>(a.seeds, 1);
  o.base_seed = a.base_seed;
  o.budget_seconds = a.budget_seconds;
  o.jobs = a.jobs ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
  o.minimize_runs = a.minimize_runs;
  o.max_runs = a.max_runs;
  o.cpu_seconds = !a.wall_clock;
  bool live = isatty(fileno(stderr));
  o.progress = [live](const std::string& line) {
    if (live) std::fprintf(stderr, "\r\033[Kbench-detect: %s", line.c_str());
    else std::fprintf(stderr, "bench-detect: %s\n", line.c_str());
  };
  std::fprintf(stderr, "bench-detect: %zu rows x %u seeds, up to %.0f s each, on %u cores: up to %.0f s of CPU\n",
               o.bugs.size() * o.strategies.size(), o.seeds, o.budget_seconds, o.jobs,
               static_cast<double>(o.bugs.size() * o.strategies.size() * o.seeds) * o.budget_seconds / o.jobs);
  sim::BenchReport report = sim::bench_detect(o);
  if (live) std::fprintf(stderr, "\n");
  print_table(report);
  if (!a.json.empty() && !write_file(a.json, sim::to_json(report))) return 2;
  if (!a.markdown.empty() && !write_file(a.markdown, sim::to_markdown(report))) return 2;
  if (!a.out.empty() && !write_traces(report, a.out)) return 2;
  return report.false_alarms() ? 1 : 0;
}

}  // namespace

void register_bench_detect(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench-detect", "Measure how fast each strategy finds each bug of the zoo");
  cmd->add_option("--bugs", a->bugs, "all, or NAME,NAME (see `imaplab bugs`)")->capture_default_str();
  cmd->add_option("--strategies", a->strategies,
                  "Comma list of strategies: random, pct, and fuzz (libFuzzer's world target; see --fuzz-binary)")
      ->capture_default_str();
  cmd->add_option("--fuzz-binary", a->fuzz_binary,
                  "The fuzz preset's world_fuzzer for --strategies fuzz (default: $IMAPLAB_FUZZ_BUILD/fuzz/"
                  "world_fuzzer, else build/fuzz/fuzz/world_fuzzer beside this program's build)");
  cmd->add_option("--max-runs", a->max_runs,
                  "Also end each trial after this many runs (fuzz: libFuzzer executions); 0: no limit")
      ->capture_default_str();
  cmd->add_option("--seeds", a->seeds, "Trials (disjoint seed sequences) per bug and strategy")->capture_default_str();
  cmd->add_option("--base-seed", a->base_seed, "Base seed of every trial")->capture_default_str();
  cmd->add_option("--budget-seconds", a->budget_seconds, "CPU seconds of one core per trial")->capture_default_str();
  cmd->add_option("--jobs", a->jobs, "Trials at once, one core each (default: all cores)");
  cmd->add_option("--minimize-runs", a->minimize_runs, "Replays for minimizing each row's first detection")
      ->capture_default_str();
  cmd->add_flag("--wall-clock", a->wall_clock, "Budgets and times in wall seconds instead of the trial's CPU seconds");
  cmd->add_flag("--no-baseline", a->no_baseline, "Leave out the correct server's rows (false alarms)");
  cmd->add_option("--json", a->json, "Write the report as JSON to this file");
  cmd->add_option("--markdown", a->markdown, "Write the table as Markdown to this file");
  cmd->add_option("--out", a->out, "Folder for each bug's minimized detecting trace (NAME.trace)");
  cmd->callback([a] { set_exit_code(run_bench(*a)); });
}

}  // namespace imaplab::cli
