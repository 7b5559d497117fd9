// Scale of the model (issue 3, "Scale"): per-operation cost of SELECT, STORE of flags on one message and
// EXPUNGE of one message in mailboxes of 1k, 100k and 1M messages while a second session has the mailbox
// selected, and the memory per message. The cost must be flat (O(log n)) from 1k to 1M.
//
// Usage: bench_model_scale [--scale_sizes=1000,100000,1000000] [Google Benchmark flags]
// Each size is filled once (APPEND through Model::execute, outside the timed loops), its three benchmarks
// run, and the mailbox is dropped before the next size, so only one big mailbox is in memory at a time.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "model/policy.hpp"

namespace {

using imaplab::model::Model;
using imaplab::model::SessionId;
namespace proto = imaplab::proto;

constexpr const char* mailbox_name = "big";
// Filling stops (and the size is reported as too slow to build) when the projected time exceeds this.
constexpr double fill_budget_seconds = 300.0;
// Appends between two projections of the fill time.
constexpr std::size_t fill_check_every_messages = 10000;
// STOREs between two NOOPs of the second session, which drain the flag updates pending for it.
constexpr std::int64_t drain_every_iterations = 1000;

// Resident set size of this process from /proc/self/status (Linux), in bytes; 0 when unavailable.
std::uint64_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream in(line.substr(6));
      std::uint64_t kib = 0;
      in >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

proto::Command make(proto::CommandKind kind, proto::CommandArgs args, bool uid = false) {
  proto::Command c;
  c.tag = "b";
  c.kind = kind;
  c.uid = uid;
  c.args = std::move(args);
  return c;
}

proto::SequenceSet one(std::uint32_t n) { return proto::SequenceSet{{proto::SeqRange{n, n}}}; }

bool ok(const imaplab::model::Outcome& outcome) {
  if (outcome.responses.empty()) return false;
  const auto* s = std::get_if<proto::StatusResponse>(&outcome.responses.back().body);
  return s && s->condition == proto::Condition::Ok;
}

// The UID an APPEND was given, from its [APPENDUID v uid] code (RFC 4315 §3).
std::optional<std::uint32_t> appended_uid(const imaplab::model::Outcome& outcome) {
  if (outcome.responses.empty()) return std::nullopt;
  const auto* s = std::get_if<proto::StatusResponse>(&outcome.responses.back().body);
  if (!s || !s->code || s->code->name != "APPENDUID" || s->code->set1.ranges.empty()) return std::nullopt;
  return s->code->set1.ranges.front().first;
}

std::string small_message(std::size_t i) {
  return "From: bench@example.org\r\nSubject: message " + std::to_string(i) + "\r\n\r\nbody\r\n";
}

// One filled mailbox with two sessions: `actor` runs the timed commands, `watcher` has the mailbox selected.
struct Scale {
  std::unique_ptr<Model> model;
  SessionId actor = 0, watcher = 0;
  std::size_t messages = 0;
  double fill_seconds = 0;
  double bytes_per_message = 0;
  std::uint32_t next_expunge = 0;             // UID of the next message the EXPUNGE benchmark removes
  std::vector<std::uint32_t> expunge_queue;   // UIDs appended to replace expunged ones, taken in turn
  std::size_t queue_head = 0;
  bool complete = false;

  imaplab::model::Outcome run(SessionId s, const proto::Command& c) { return model->execute(s, c); }
  imaplab::model::Outcome append(std::size_t i) {
    return run(actor, make(proto::CommandKind::Append,
                           proto::AppendArgs{mailbox_name, std::nullopt, std::nullopt, small_message(i)}));
  }
};

SessionId login(Model& m, const char* user) {
  const SessionId s = m.connect();
  m.execute(s, make(proto::CommandKind::Login, proto::LoginArgs{user, user}));
  return s;
}

std::unique_ptr<Scale> build(std::size_t n) {
  auto scale = std::make_unique<Scale>();
  const std::uint64_t before = rss_bytes();
  scale->model = std::make_unique<Model>(imaplab::model::Policy{},
                                         std::vector<imaplab::model::User>{{"alice", "alice"}});
  scale->actor = login(*scale->model, "alice");
  scale->watcher = login(*scale->model, "alice");
  if (!ok(scale->run(scale->actor, make(proto::CommandKind::Create, proto::MailboxArgs{mailbox_name}))))
    std::fprintf(stderr, "CREATE %s failed\n", mailbox_name);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    if (!ok(scale->append(i))) {
      std::fprintf(stderr, "APPEND %zu failed\n", i);
      return scale;
    }
    if ((i + 1) % fill_check_every_messages == 0) {
      const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double projected = spent / static_cast<double>(i + 1) * static_cast<double>(n);
      if (projected > fill_budget_seconds) {
        std::fprintf(stderr,
                     "filling %zu messages through APPEND is too slow: %zu took %.1f s, %.0f s projected "
                     "(budget %.0f s); APPEND cost grows with the mailbox\n",
                     n, i + 1, spent, projected, fill_budget_seconds);
        return scale;
      }
    }
  }
  scale->fill_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  scale->messages = n;
  scale->bytes_per_message = static_cast<double>(rss_bytes() - before) / static_cast<double>(n);
  scale->run(scale->watcher, make(proto::CommandKind::Select, proto::MailboxArgs{mailbox_name}));
  scale->run(scale->actor, make(proto::CommandKind::Select, proto::MailboxArgs{mailbox_name}));
  scale->next_expunge = static_cast<std::uint32_t>(n / 2);
  scale->complete = true;
  std::fprintf(stderr, "filled %zu messages in %.2f s (%.2f us per APPEND), %.0f bytes of RSS per message\n", n,
               scale->fill_seconds, scale->fill_seconds * 1e6 / static_cast<double>(n), scale->bytes_per_message);
  return scale;
}

void counters(benchmark::State& state, const Scale& scale) {
  state.counters["messages"] = static_cast<double>(scale.messages);
  state.counters["rss_bytes_per_msg"] = scale.bytes_per_message;
}

// SELECT of the big mailbox by a session that already has it selected (RFC 3501 §6.3.1: the reselect ends
// the old selection and reports EXISTS, RECENT, UIDVALIDITY, UIDNEXT, FLAGS, UNSEEN ...).
void select_bench(benchmark::State& state, Scale& scale) {
  const auto select = make(proto::CommandKind::Select, proto::MailboxArgs{mailbox_name});
  for (auto _ : state) {
    auto outcome = scale.run(scale.actor, select);
    benchmark::DoNotOptimize(outcome);
  }
  counters(state, scale);
}

// STORE +FLAGS / -FLAGS (\Flagged) on the middle message, alternating; the watcher drains its pending flag
// updates with NOOP outside the timing.
void store_bench(benchmark::State& state, Scale& scale) {
  const auto middle = static_cast<std::uint32_t>(scale.messages / 2);
  proto::StoreArgs add{one(middle), std::nullopt, proto::StoreMode::Add, true, {"\\Flagged"}};
  proto::StoreArgs remove = add;
  remove.mode = proto::StoreMode::Remove;
  const auto set_flag = make(proto::CommandKind::Store, add);
  const auto clear_flag = make(proto::CommandKind::Store, remove);
  const auto noop = make(proto::CommandKind::Noop, proto::NoArgs{});
  std::int64_t i = 0;
  for (auto _ : state) {
    auto outcome = scale.run(scale.actor, (i & 1) ? clear_flag : set_flag);
    benchmark::DoNotOptimize(outcome);
    if (++i % drain_every_iterations == 0) {
      state.PauseTiming();
      scale.run(scale.watcher, noop);
      state.ResumeTiming();
    }
  }
  counters(state, scale);
}

// UID STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE of one message from the middle (RFC 4315 §2.1). Outside
// the timing, a new message replaces it (so the size stays n) and the watcher is told with NOOP.
void expunge_bench(benchmark::State& state, Scale& scale) {
  const auto noop = make(proto::CommandKind::Noop, proto::NoArgs{});
  for (auto _ : state) {
    std::uint32_t uid = scale.next_expunge;
    if (uid > scale.messages && scale.queue_head < scale.expunge_queue.size())
      uid = scale.expunge_queue[scale.queue_head++];
    ++scale.next_expunge;
    proto::StoreArgs mark{one(uid), std::nullopt, proto::StoreMode::Add, true, {"\\Deleted"}};
    auto stored = scale.run(scale.actor, make(proto::CommandKind::Store, mark, true));
    auto expunged = scale.run(scale.actor, make(proto::CommandKind::UidExpunge, proto::SetArgs{one(uid)}, true));
    benchmark::DoNotOptimize(stored);
    benchmark::DoNotOptimize(expunged);
    state.PauseTiming();
    if (const auto fresh = appended_uid(scale.append(0))) scale.expunge_queue.push_back(*fresh);
    scale.run(scale.watcher, noop);
    state.ResumeTiming();
  }
  counters(state, scale);
}

std::vector<std::size_t> parse_sizes(int& argc, char** argv) {
  std::vector<std::size_t> sizes{1000, 100000, 1000000};
  const std::string flag = "--scale_sizes=";
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(flag, 0) != 0) {
      argv[kept++] = argv[i];
      continue;
    }
    sizes.clear();
    std::istringstream in(arg.substr(flag.size()));
    for (std::string item; std::getline(in, item, ',');) sizes.push_back(std::stoull(item));
  }
  argc = kept;
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  const auto sizes = parse_sizes(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // One reporter for every size: Google Benchmark 1.7's default display reporter does not survive a second
  // RunSpecifiedBenchmarks call.
  benchmark::ConsoleReporter reporter(benchmark::ConsoleReporter::OO_Tabular);
  for (std::size_t n : sizes) {
    auto scale = build(n);
    if (!scale->complete) continue;
    const std::string suffix = "/" + std::to_string(n);
    Scale& s = *scale;
    benchmark::RegisterBenchmark(("Select" + suffix).c_str(), [&s](benchmark::State& st) { select_bench(st, s); });
    benchmark::RegisterBenchmark(("StoreFlags" + suffix).c_str(), [&s](benchmark::State& st) { store_bench(st, s); });
    benchmark::RegisterBenchmark(("ExpungeOne" + suffix).c_str(),
                                 [&s](benchmark::State& st) { expunge_bench(st, s); });
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
