// The `fuzz` trial engine of cli/fuzz_engine.hpp: spawns libFuzzer's world target in a scratch folder, waits
// for it with its resource usage, and hands the crash file to sim::add_fuzz_attempt.
#include "cli/fuzz_engine.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sim/bench_fuzz.hpp"

extern char** environ;

namespace imaplab::cli {
namespace {

namespace fs = std::filesystem;

// A child that outlives its -max_total_time by this much is killed (libFuzzer stops itself normally).
constexpr double fuzz_kill_grace_seconds = 30;
// How often the parent looks whether the child ended.
constexpr auto fuzz_poll_interval = std::chrono::milliseconds(20);
// With a CPU budget, -max_total_time is this many times the budget in wall seconds (a backstop only).
constexpr double fuzz_cpu_wall_backstop = 10;
// -max_total_time of a trial without a time budget (bounded by its runs instead).
constexpr std::uint32_t fuzz_unbounded_seconds = 24 * 3600;
// The sanitizers' settings for the child unless the caller's environment has its own: symbolizing the stack
// of every planted-bug crash would cost about a second of the measured time.
constexpr const char* fuzz_asan_options = "symbolize=0";

struct ChildResult {
  double wall_seconds = 0, cpu_seconds = 0;
  int status = 0;
  bool interrupted = false;  // at the end of its CPU budget
  bool killed = false;
};

std::optional<std::string> slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The parent's environment with `set` (NAME=value) replacing the variables of the same names.
std::vector<std::string> child_environment(const std::vector<std::string>& set) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    bool replaced = false;
    for (const auto& s : set) replaced |= entry.compare(0, s.find('=') + 1, s, 0, s.find('=') + 1) == 0;
    if (!replaced) env.push_back(std::move(entry));
  }
  env.insert(env.end(), set.begin(), set.end());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

double seconds_of(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

// CPU seconds (user + system) a running child has used so far, from /proc/PID/stat; 0 when unreadable.
double child_cpu_seconds(pid_t pid) {
  auto stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return 0;
  const auto paren = stat->rfind(')');  // the command name may hold spaces; the fields follow its ')'
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat->substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15 (1-based) are utime and stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Runs argv with stdout and stderr to `log`, stdin from /dev/null. After `cpu_limit` CPU seconds (0: none) it
// is interrupted (libFuzzer then prints its final stats and exits); after `kill_after` wall seconds, killed.
std::optional<ChildResult> run_child(std::vector<std::string> argv, std::vector<std::string> env,
                                     const fs::path& log, double cpu_limit, double kill_after) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid = 0;
  const auto start = std::chrono::steady_clock::now();
  const int err = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    std::fprintf(stderr, "bench-detect: fuzz: cannot run %s: %s\n", args[0], std::strerror(err));
    return std::nullopt;
  }
  ChildResult r;
  rusage usage{};
  for (;;) {
    const pid_t done = wait4(pid, &r.status, WNOHANG, &usage);
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (done == pid || done < 0) break;
    if (cpu_limit > 0 && !r.interrupted && child_cpu_seconds(pid) >= cpu_limit) {
      kill(pid, SIGINT);
      r.interrupted = true;
    }
    if (r.wall_seconds > kill_after && !r.killed) {
      kill(pid, SIGKILL);
      r.killed = true;
    }
    std::this_thread::sleep_for(fuzz_poll_interval);
  }
  r.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  return r;
}

// The file libFuzzer wrote for a finding ("crash-<sha1>", "timeout-...", "oom-...", "leak-..."), if any.
std::optional<fs::path> artifact_in(const fs::path& dir, std::string* kind) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    for (const char* k : {"crash", "timeout", "oom", "leak"})
      if (entry.is_regular_file() && name.rfind(std::string(k) + "-", 0) == 0) {
        *kind = k;
        return entry.path();
      }
  }
  return std::nullopt;
}

std::optional<fs::path> make_work_dir() {
  std::string pattern = (fs::temp_directory_path() / "imaplab-fuzz-XXXXXX").string();
  if (!mkdtemp(pattern.data())) return std::nullopt;
  fs::create_directories(fs::path(pattern) / "corpus");
  return fs::path(pattern);
}

class FuzzEngine {
 public:
  explicit FuzzEngine(FuzzEngineConfig config) : config_(std::move(config)) {
    if (config_.source_dir.empty()) return;
    const fs::path src = config_.source_dir;
    if (fs::is_directory(src / "corpus/world")) seed_corpus_ = (src / "corpus/world").string();
    if (fs::is_regular_file(src / "fuzz/world.dict")) dict_ = (src / "fuzz/world.dict").string();
    options_text_ = slurp(src / "fuzz/world.options").value_or("");
  }

  sim::TrialResult operator()(const sim::TrialSpec& spec) const {
    sim::TrialResult result;
    for (std::uint32_t attempt = 0; attempt < sim::fuzz_attempts_max; ++attempt) {
      const double remaining = spec.budget_seconds - result.seconds;
      if (spec.budget_seconds > 0 && remaining <= 0) break;
      if (spec.max_runs && result.runs >= spec.max_runs) break;
      auto a = run_attempt(spec, attempt, remaining, spec.max_runs ? spec.max_runs - result.runs : 0);
      if (!a) break;
      if (sim::add_fuzz_attempt(result, spec, *a) || !a->crash) break;
    }
    return result;
  }

 private:
  std::optional<sim::FuzzAttempt> run_attempt(const sim::TrialSpec& spec, std::uint32_t attempt, double remaining,
                                              std::uint64_t runs_left) const {
    auto dir = make_work_dir();
    if (!dir) {
      std::fprintf(stderr, "bench-detect: fuzz: cannot create a folder in %s\n", fs::temp_directory_path().c_str());
      return std::nullopt;
    }
    sim::LibFuzzerRun run{config_.binary, dir->string(), seed_corpus_, dict_, options_text_,
                          sim::libfuzzer_seed(spec, attempt), fuzz_unbounded_seconds, runs_left};
    // A wall budget is libFuzzer's own -max_total_time; a CPU budget is watched here (run_child), with
    // -max_total_time only as a backstop for a machine so loaded that the child hardly runs.
    const double cpu_limit = spec.budget_seconds > 0 && spec.cpu_seconds ? remaining : 0;
    if (spec.budget_seconds > 0)
      run.max_seconds = static_cast<std::uint32_t>(std::max(1.0, std::ceil(remaining * (spec.cpu_seconds ? fuzz_cpu_wall_backstop : 1))));
    std::vector<std::string> set = {std::string(sim::fuzz_bugs_env) + "=" +
                                    (spec.bug ? model::bug_info(*spec.bug).name : "")};
    if (!std::getenv("ASAN_OPTIONS")) set.push_back(std::string("ASAN_OPTIONS=") + fuzz_asan_options);
    const fs::path log = *dir / "fuzz.log";
    auto child = run_child(sim::libfuzzer_arguments(run), child_environment(set), log, cpu_limit,
                           run.max_seconds + fuzz_kill_grace_seconds);
    if (!child) {
      fs::remove_all(*dir);
      return std::nullopt;
    }
    sim::FuzzAttempt a;
    a.seconds = spec.cpu_seconds ? child->cpu_seconds : child->wall_seconds;
    a.seed = run.seed;
    const std::string text = slurp(log).value_or("");
    a.log = sim::parse_libfuzzer_log(text);
    if (auto file = artifact_in(*dir, &a.crash_kind)) a.crash = slurp(*file);
    keep_or_remove(*dir, a, *child);
    return a;
  }

  // A crash that names a rule, or a clean end, leaves nothing to look at; anything else keeps its folder.
  static void keep_or_remove(const fs::path& dir, const sim::FuzzAttempt& a, const ChildResult& child) {
    const bool clean = a.crash ? a.log.rule.has_value()
                               : child.interrupted || (WIFEXITED(child.status) && WEXITSTATUS(child.status) == 0);
    if (clean && !child.killed) {
      fs::remove_all(dir);
      return;
    }
    std::fprintf(stderr, "bench-detect: fuzz: world_fuzzer ended %s without a rule violation; kept %s\n",
                 child.killed ? "killed" : a.crash ? ("with a " + a.crash_kind + " file").c_str() : "with an error",
                 dir.c_str());
  }

  FuzzEngineConfig config_;
  std::string seed_corpus_, dict_, options_text_;
};

// The source folder of the build that holds `binary` (BUILD/fuzz/world_fuzzer -> BUILD/CMakeCache.txt).
std::string source_dir_of(const fs::path& binary) {
  auto cache = slurp(binary.parent_path().parent_path() / "CMakeCache.txt");
  if (!cache) return {};
  constexpr std::string_view key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
  auto pos = cache->find(key);
  if (pos == std::string::npos) return {};
  auto end = cache->find('\n', pos);
  return cache->substr(pos + key.size(), end == std::string::npos ? std::string::npos : end - pos - key.size());
}

}  // namespace

std::string default_fuzz_binary() {
  if (const char* build = std::getenv("IMAPLAB_FUZZ_BUILD"); build && *build)
    return (fs::path(build) / "fuzz/world_fuzzer").string();
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "build/fuzz/fuzz/world_fuzzer";
  return (self.parent_path().parent_path().parent_path() / "fuzz/fuzz/world_fuzzer").lexically_normal().string();
}

std::optional<FuzzEngineConfig> fuzz_engine_config(const std::string& binary) {
  if (binary.empty() || !fs::is_regular_file(binary) || access(binary.c_str(), X_OK) != 0) return std::nullopt;
  return FuzzEngineConfig{fs::absolute(binary).string(), source_dir_of(fs::absolute(binary))};
}

sim::TrialEngine make_fuzz_engine(FuzzEngineConfig config) {
  auto engine = std::make_shared<FuzzEngine>(std::move(config));
  return [engine](const sim::TrialSpec& spec) { return (*engine)(spec); };
}

}  // namespace imaplab::cli
