// Speed of the whole simulator (issue 5): client commands per second per core end to end with every checker
// on (8 clients on 1,000-message mailboxes; 1 to 1,000 clients), complete short runs per second, and the
// memory of one idle logged-in client. Rates are per CPU second of this thread, so they are per core.
//
// Usage: bench_sim [Google Benchmark flags]   (docs/performance.md has the numbers and how they were taken)
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "sim/config.hpp"
#include "sim/world.hpp"

namespace {

namespace sim = imaplab::sim;
namespace proto = imaplab::proto;

constexpr std::uint32_t throughput_clients = 8;
constexpr std::uint32_t throughput_messages = 1000;    // in each workload mailbox (INBOX and work)
constexpr std::uint64_t throughput_commands = 20'000;  // a long run: setup is a small part, and subtracted
constexpr std::uint64_t clients_commands = 20'000;     // per BM_Clients run, over all clients
constexpr std::uint64_t short_run_commands = 50;
constexpr std::uint32_t short_run_clients = 3;
constexpr std::uint64_t short_run_seeds = 64;          // short runs cycle through seeds 1..64
constexpr int setup_samples = 3;                       // setup-only runs whose fastest is subtracted
constexpr std::uint32_t memory_clients_low = 100, memory_clients_high = 1000;

// CPU time of this thread in seconds: the rates are per core, whatever else the machine runs.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A counting operator new for the memory benchmark only. The counters are process-wide because operator new
// is; counting is off except while BM_IdleClientMemory measures, so the other benchmarks pay one branch.
struct AllocationCount {
  std::atomic<bool> on{false};
  std::int64_t live_bytes = 0;
  std::int64_t peak_bytes = 0;
};
AllocationCount& allocation_count() {
  static AllocationCount count;
  return count;
}

sim::RunOptions hunt_options() {
  sim::RunOptions o;
  o.record_trace = false;  // as hunts run: the trace is rebuilt by replay only when a run fails
  return o;
}

sim::RunConfig throughput_config(std::uint64_t commands) {
  sim::RunConfig c;
  c.seed = 42;
  c.clients = throughput_clients;
  c.users = 1;
  c.shared_mailboxes = 0;
  c.initial_messages = throughput_messages;
  c.commands = commands;
  return c;  // default policy and command mix (IDLE included), random strategy, every checker on
}

// Runs one simulation and fails the benchmark if a checker reported a violation (the speed of a broken
// run means nothing).
bool run_checked(benchmark::State& state, const sim::RunConfig& config, sim::RunStats* stats) {
  sim::RunResult r = sim::run_simulation(config, hunt_options());
  if (r.violation) {
    state.SkipWithError(("violation " + r.violation->rule + " in seed " + std::to_string(config.seed)).c_str());
    return false;
  }
  *stats = r.stats;
  return true;
}

// The fastest of a few runs of `config` with no client commands: the setup (initial APPENDs through the
// model), connecting and greeting, and tearing the world down.
double setup_cpu_seconds(const sim::RunConfig& config) {
  sim::RunConfig c = config;
  c.commands = 0;
  double best = 1e9;
  for (int i = 0; i < setup_samples; ++i) {
    const double t0 = thread_cpu_seconds();
    benchmark::DoNotOptimize(sim::run_simulation(c, hunt_options()));
    best = std::min(best, thread_cpu_seconds() - t0);
  }
  return best;
}

// Client commands per CPU second of the run itself: each iteration's time is its CPU time minus the setup's
// (measured separately as "setup_ms"), so `commands` is the steady-state rate.
void BM_Throughput8x1000(benchmark::State& state) {
  const sim::RunConfig config = throughput_config(throughput_commands);
  const double setup = setup_cpu_seconds(config);
  std::uint64_t commands = 0, responses = 0, events = 0;
  for (auto _ : state) {
    const double t0 = thread_cpu_seconds();
    sim::RunStats stats;
    if (!run_checked(state, config, &stats)) return;
    state.SetIterationTime(std::max(thread_cpu_seconds() - t0 - setup, 1e-9));
    commands += stats.commands;
    responses += stats.responses;
    events += stats.events;
  }
  state.counters["commands"] = benchmark::Counter(static_cast<double>(commands), benchmark::Counter::kIsRate);
  state.counters["responses"] = benchmark::Counter(static_cast<double>(responses), benchmark::Counter::kIsRate);
  state.counters["events"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["setup_ms"] = setup * 1000;
}
BENCHMARK(BM_Throughput8x1000)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Complete swarm-like runs of about 50 commands by 3 clients, setup and teardown included: what a hunt does
// between two seeds. The configuration is drawn from the seed as in `imaplab hunt`.
void BM_ShortRuns(benchmark::State& state) {
  std::uint64_t seed = 0, runs = 0, commands = 0;
  for (auto _ : state) {
    seed = seed % short_run_seeds + 1;
    const sim::RunConfig config = sim::RunConfig::swarm(
        seed, {{"clients", std::to_string(short_run_clients)}, {"commands", std::to_string(short_run_commands)}});
    sim::RunStats stats;
    if (!run_checked(state, config, &stats)) return;
    ++runs;
    commands += stats.commands;
  }
  state.counters["runs"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
  state.counters["commands"] = benchmark::Counter(static_cast<double>(commands), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ShortRuns)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// How throughput changes with the number of clients (one user, the default 5 messages per mailbox, setup
// included: it is small here), with the default command mix, NOTIFY included at every size. (NOTIFY was once
// left out: at 1,000 clients NTF-9 reported a MailboxName LIST never sent, which the watcher had received but
// the checker had forgotten under a flood of later LISTs; sim/check_gaps.cpp, remembers_since.)
void BM_Clients(benchmark::State& state) {
  sim::RunConfig config;
  config.seed = 7;
  config.clients = static_cast<std::uint32_t>(state.range(0));
  config.commands = clients_commands;
  std::uint64_t commands = 0;
  for (auto _ : state) {
    sim::RunStats stats;
    if (!run_checked(state, config, &stats)) return;
    commands += stats.commands;
  }
  state.counters["commands"] = benchmark::Counter(static_cast<double>(commands), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Clients)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Peak heap bytes of a run in which `clients` clients log in and then stay idle (each sends one LOGIN).
std::int64_t peak_bytes_with_idle_clients(std::uint32_t clients) {
  sim::RunConfig config;
  config.seed = 3;
  config.clients = clients;
  config.commands = clients;  // the LOGINs, then no client may send
  sim::RunOptions options = hunt_options();
  proto::Command login;
  login.kind = proto::CommandKind::Login;
  login.args = proto::LoginArgs{"user1", "pass1"};
  options.scripts.emplace(clients, std::vector<proto::Command>{login});
  AllocationCount& count = allocation_count();
  count.live_bytes = 0;
  count.peak_bytes = 0;
  count.on = true;
  sim::RunResult r = sim::run_simulation(config, options);
  count.on = false;
  benchmark::DoNotOptimize(r);
  return count.peak_bytes;
}

// Heap bytes one more logged-in idle client costs: the difference of the peaks of runs with 1,000 and 100
// such clients, divided by 900. It covers the client agent, the server's connection and session, the
// model's session, the checkers' per-client state, and the checkers' log of its login (about 5 events).
void BM_IdleClientMemory(benchmark::State& state) {
  double per_client = 0;
  for (auto _ : state) {
    const std::int64_t low = peak_bytes_with_idle_clients(memory_clients_low);
    const std::int64_t high = peak_bytes_with_idle_clients(memory_clients_high);
    per_client = static_cast<double>(high - low) / (memory_clients_high - memory_clients_low);
  }
  state.counters["bytes_per_idle_client"] = per_client;
}
BENCHMARK(BM_IdleClientMemory)->Unit(benchmark::kMillisecond)->Iterations(1);

void count_allocation(void* p) {
  AllocationCount& count = allocation_count();
  if (p == nullptr || !count.on.load(std::memory_order_relaxed)) return;
  count.live_bytes += static_cast<std::int64_t>(malloc_usable_size(p));
  count.peak_bytes = std::max(count.peak_bytes, count.live_bytes);
}
void count_free(void* p) {
  AllocationCount& count = allocation_count();
  if (p == nullptr || !count.on.load(std::memory_order_relaxed)) return;
  count.live_bytes -= static_cast<std::int64_t>(malloc_usable_size(p));
}

}  // namespace

// Replacing the global allocation functions is the one way to see every allocation of the simulator
// without changing it; the replacements forward to malloc/free (which GCC mistakes for a mismatch when it
// inlines them into a delete-expression).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  count_allocation(p);
  return p;
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept {
  count_free(p);
  std::free(p);
}
void operator delete[](void* p) noexcept { ::operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { ::operator delete(p); }

BENCHMARK_MAIN();
