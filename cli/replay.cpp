// `imaplab replay FILE` and `imaplab minimize FILE -o OUT`: re-run a trace exactly and say whether it still
// shows its recorded outcome; shrink a failing trace while the same rule fails.
#include <fmt/format.h>

#include <cstdlib>

#include "cli/output.hpp"
#include "cli/subcommands.hpp"
#include "sim/bench_fuzz.hpp"
#include "sim/fuzz_input.hpp"
#include "sim/minimize.hpp"
#include "sim/world.hpp"

namespace imaplab::cli {
namespace {

std::optional<sim::Trace> load_trace(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  std::string error;
  auto trace = sim::Trace::parse(*text, &error);
  if (!trace) std::fprintf(stderr, "imaplab: %s: %s\n", path.c_str(), error.c_str());
  return trace;
}

// The first event line where two traces differ, or nullopt when their transcripts are identical.
std::optional<std::string> first_difference(const sim::Trace& recorded, const sim::Trace& now) {
  auto events = [](const sim::Trace& t) {
    std::vector<const sim::TraceLine*> v;
    for (const auto& l : t.lines)
      if (l.kind == sim::TraceLine::Kind::Client || l.kind == sim::TraceLine::Kind::Server) v.push_back(&l);
    return v;
  };
  auto a = events(recorded), b = events(now);
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i < a.size() && i < b.size() && *a[i] == *b[i]) continue;
    auto show = [](const sim::TraceLine* l) {
      return l ? fmt::format("{}{}: {}", l->kind == sim::TraceLine::Kind::Client ? 'C' : 'S', l->client,
                             sim::escape_bytes(l->bytes))
               : std::string("(end of transcript)");
    };
    return fmt::format("event {}: recorded '{}', now '{}'", i + 1, show(i < a.size() ? a[i] : nullptr),
                       show(i < b.size() ? b[i] : nullptr));
  }
  return std::nullopt;
}

// --without-bugs: the same trace with its planted bugs (header field "bugs") switched off. The correct server
// must pass the same schedule; the run may diverge from the recording where the bug changed the server's
// answers, so the outcome expected is "none" and the transcript may differ.
void switch_off_bugs(sim::Trace& trace) {
  if (!trace.config.bugs.empty())
    std::printf("replay: bugs %s switched off; expecting no violation\n", trace.config.bugs.to_string().c_str());
  trace.config.bugs = model::BugSet{};
  trace.outcome.reset();
}

int run_replay(const std::string& path, bool quiet, const std::string& out, bool without_bugs = false) {
  auto trace = load_trace(path);
  if (!trace) return 2;
  if (without_bugs) switch_off_bugs(*trace);
  auto result = sim::replay(*trace);
  if (!out.empty() && !write_file(out, result.trace.write())) return 2;
  Style st = style_for(stdout);
  if (!quiet) print_trace(stdout, result.trace, st);
  std::string expected = trace->outcome.value_or("none");
  std::string got = result.violation ? result.violation->rule : "none";
  if (result.violation)
    std::printf("\n%s%sviolation %s (%s)%s: %s\n", st.red(), st.bold(), result.violation->rule.c_str(),
                result.violation->rfc.c_str(), st.reset(), result.violation->message.c_str());
  bool has_transcript = trace->command_count() > 0;
  auto diff = has_transcript ? first_difference(*trace, result.trace) : std::nullopt;
  if (has_transcript) std::printf("transcript: %s\n", diff ? diff->c_str() : "identical to the recorded one, byte for byte");
  if (got != expected) {
    std::printf("replay: outcome %s, recorded %s: NOT reproduced\n", got.c_str(), expected.c_str());
    return 1;
  }
  std::printf("replay: outcome %s, as recorded: reproduced\n", got.c_str());
  return 0;
}

// --target NAME: the file is a libFuzzer input of that simulator target (sim/fuzz_input.hpp), not a trace.
// It is decoded and run recording its trace, shown with its violation; `-o` writes a trace that `imaplab
// replay` and `imaplab minimize` take like a hunt's (docs/fuzzing.md). Exit 0 when the input still fails.
int run_fuzz_crash(const std::string& path, const std::string& target_name, bool quiet, const std::string& out) {
  auto target = sim::parse_fuzz_target(target_name);
  if (!target) {
    std::fprintf(stderr, "imaplab replay: unknown --target '%s' (world, session, notify, canary)\n",
                 target_name.c_str());
    return 2;
  }
  auto bytes = read_file(path);
  if (!bytes) return 2;
  // A crash of a fuzzer run with planted bugs replays with the same bugs, from the same variable.
  model::BugSet bugs;
  if (const char* names = std::getenv(sim::fuzz_bugs_env); names != nullptr && *names != '\0') {
    std::string error;
    auto parsed = model::BugSet::parse(names, &error);
    if (!parsed) {
      std::fprintf(stderr, "imaplab replay: %s: %s\n", sim::fuzz_bugs_env, error.c_str());
      return 2;
    }
    bugs = *parsed;
  }
  auto result = sim::run_fuzz_input_planted(*target, reinterpret_cast<const std::uint8_t*>(bytes->data()),
                                            bytes->size(), bugs, /*record_trace=*/true);
  if (!out.empty() && !write_file(out, result.trace.write())) return 2;
  Style st = style_for(stdout);
  if (!quiet) print_trace(stdout, result.trace, st);
  if (!result.violation) {
    std::printf("replay: %s input %s runs without a violation with this build\n", target_name.c_str(), path.c_str());
    return 1;
  }
  std::printf("\n%s%sviolation %s (%s)%s: %s\n", st.red(), st.bold(), result.violation->rule.c_str(),
              result.violation->rfc.c_str(), st.reset(), result.violation->message.c_str());
  if (!out.empty()) std::printf("trace written to %s (imaplab replay / imaplab minimize take it)\n", out.c_str());
  return 0;
}

// The sizes before and after, one per line, and how the planted bugs were held to be the cause.
void print_minimized(const std::string& path, const std::string& out, const sim::Trace& input,
                     const sim::MinimizeResult& m) {
  std::printf("minimized %s -> %s (rule %s) with %u replays\n", path.c_str(), out.c_str(),
              input.outcome.value_or("?").c_str(), m.runs);
  std::printf("  %-18s %8s %8s\n", "", "before", "after");
  std::printf("  %-18s %8u %8u\n", "clients", m.clients_before, m.clients_after);
  std::printf("  %-18s %8zu %8zu\n", "commands", m.commands_before, m.commands_after);
  std::printf("  %-18s %8zu %8zu\n", "scheduler choices", m.choices_before, m.choices_after);
  std::printf("  %-18s %8u %8u\n", "initial messages", m.messages_before, m.messages_after);
  const std::string bugs = input.config.bugs.to_string();
  if (m.cause_checked)
    std::printf("  planted bugs %s: every step kept also passes with them off (%u of the replays with them off; "
                "%u candidates refused that failed without them too)\n",
                bugs.c_str(), m.runs_without_bugs, m.refused_without_bugs);
  else if (m.input_fails_without_bugs)
    std::fprintf(stderr,
                 "imaplab minimize: warning: %s fails with its planted bugs (%s) off too, so they are not its cause "
                 "(a checker mistake or a bug of the server itself?); minimized by its rule alone\n",
                 path.c_str(), bugs.c_str());
}

int run_minimize(const std::string& path, const std::string& out, std::uint32_t max_runs) {
  auto trace = load_trace(path);
  if (!trace) return 2;
  if (!trace->outcome) {
    std::fprintf(stderr, "imaplab minimize: %s records no violation; nothing to minimize\n", path.c_str());
    return 2;
  }
  sim::MinimizeOptions options;
  options.max_runs = max_runs;
  options.progress = [](const std::string& line) { std::fprintf(stderr, "minimize: %s\n", line.c_str()); };
  auto m = sim::minimize(*trace, options);
  if (!m.reproduced) {
    std::fprintf(stderr, "imaplab minimize: the trace does not fail with %s when replayed\n", trace->outcome->c_str());
    return 1;
  }
  if (!write_file(out, m.trace.write())) return 2;
  print_minimized(path, out, *trace, m);
  return 0;
}

}  // namespace

void register_replay(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("replay", "Re-run a trace and check it shows its recorded outcome (exit 0 if so)");
  cmd->add_option("trace", *path, "Trace file")->required();
  cmd->add_flag("-q,--quiet", *quiet, "Only the verdict, not the transcript");
  cmd->add_option("-o,--out", *out, "Also write the replayed run as a trace (re-recorded with this build)");
  auto without_bugs = std::make_shared<bool>(false);
  cmd->add_flag("--without-bugs", *without_bugs, "Switch the trace's planted bugs off: the run must pass");
  auto target = std::make_shared<std::string>();
  cmd->add_option("--target", *target,
                  "The file is a crash input of this fuzz target (world, session, notify, canary); the bugs planted "
                  "in the fuzzer ($IMAPLAB_FUZZ_BUGS) are planted again");
  cmd->callback([=] {
    set_exit_code(target->empty() ? run_replay(*path, *quiet, *out, *without_bugs)
                                  : run_fuzz_crash(*path, *target, *quiet, *out));
  });
}

void register_minimize(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto runs = std::make_shared<std::uint32_t>(2000);
  auto* cmd = app.add_subcommand("minimize", "Shrink a failing trace while the same rule still fails (with planted "
                                 "bugs: and passes with them off)");
  cmd->add_option("trace", *path, "Failing trace file")->required();
  cmd->add_option("-o,--out", *out, "Where to write the minimized trace")->required();
  cmd->add_option("--max-runs", *runs, "Replays tried at most")->capture_default_str();
  cmd->callback([=] { set_exit_code(run_minimize(*path, *out, *runs)); });
}

}  // namespace imaplab::cli
