// The process-free parts of bench-detect's `fuzz` strategy (sim/bench_fuzz.hpp): planted runs of fuzz inputs,
// libFuzzer's arguments, its log, and crash files as detections.
#include "sim/bench_fuzz.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "sim/hunt.hpp"

namespace imaplab::sim {
namespace {

// Largest libFuzzer seed plus one: libFuzzer reads -seed as an unsigned 32-bit number.
constexpr std::uint64_t libfuzzer_seed_modulus = 0xFFFFFFFFull;

std::string trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(" \t\r");
  return std::string(s.substr(begin, end - begin + 1));
}

// The number after `key` on the last line that has it; 0 when none does.
std::uint64_t last_number_after(std::string_view log, std::string_view key) {
  std::uint64_t value = 0;
  for (auto pos = log.find(key); pos != std::string_view::npos; pos = log.find(key, pos + 1)) {
    unsigned long long n = 0;
    if (std::sscanf(std::string(log.substr(pos + key.size(), 24)).c_str(), "%llu", &n) == 1) value = n;
  }
  return value;
}

Detection detection_now(const TrialResult& r, const std::string& rule, std::uint32_t seed) {
  return Detection{rule, r.seconds, r.commands, r.runs, seed};
}

}  // namespace

RunResult run_fuzz_input_planted(FuzzTarget target, const std::uint8_t* data, std::size_t size,
                                 const model::BugSet& bugs, bool record_trace) {
  if (bugs.empty()) return run_fuzz_input(target, data, size, record_trace);
  FuzzCase fc = decode_fuzz_input(target, data, size);
  for (const auto& info : model::bug_catalogue())
    if (bugs.has(info.bug)) fc.config.bugs.add(info.bug);
  const std::vector<model::Policy> policies = policies_for_bugs(fc.config.bugs);
  fc.config.policy = policies[(size > 1 ? data[1] : 0) % policies.size()];
  // Every bug of the zoo needs two sessions interleaving over messages: runs that cannot show one are not made.
  fc.config.clients = std::max(fc.config.clients, planted_clients_min);
  fc.config.initial_messages = std::max(fc.config.initial_messages, planted_initial_messages_min);
  fc.config.commands = std::max<std::uint64_t>(fc.config.commands, planted_commands_min);
  return run_fuzz_case(target, fc, record_trace);
}

std::vector<std::string> options_file_arguments(std::string_view text) {
  std::vector<std::string> args;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || line[0] == '[' || eq == std::string::npos) continue;
    const std::string key = trim(std::string_view(line).substr(0, eq));
    const std::string value = trim(std::string_view(line).substr(eq + 1));
    if (key.empty() || value.empty() || key == "dict") continue;  // the dictionary's path is the caller's
    args.push_back("-" + key + "=" + value);
  }
  return args;
}

std::vector<std::string> libfuzzer_arguments(const LibFuzzerRun& run) {
  std::vector<std::string> args = {run.binary};
  for (auto& a : options_file_arguments(run.options_text)) args.push_back(std::move(a));
  if (!run.dict.empty()) args.push_back("-dict=" + run.dict);
  args.push_back("-seed=" + std::to_string(run.seed ? run.seed : 1));
  args.push_back("-max_total_time=" + std::to_string(run.max_seconds ? run.max_seconds : 1));
  if (run.max_runs) args.push_back("-runs=" + std::to_string(run.max_runs));
  args.push_back("-timeout=" + std::to_string(fuzz_input_timeout_seconds));
  // Inputs of the documented size bound from the start: a short input is a short, canonical run.
  args.push_back("-max_len=" + std::to_string(fuzz_max_len_bytes));
  args.push_back("-len_control=0");
  args.push_back("-artifact_prefix=" + run.work_dir + "/");
  args.push_back("-print_final_stats=1");  // the executions, also after a crash
  args.push_back("-close_fd_mask=1");      // the target writes nothing to stdout; keep libFuzzer's stderr
  args.push_back(run.work_dir + "/corpus");  // the first folder is the one libFuzzer writes to
  if (!run.seed_corpus.empty()) args.push_back(run.seed_corpus);
  return args;
}

std::uint32_t libfuzzer_seed(const TrialSpec& spec, std::uint32_t attempt) {
  const std::uint64_t n = spec.base_seed + spec.seed_index + std::uint64_t{attempt} * spec.seed_count;
  return static_cast<std::uint32_t>(1 + n % libfuzzer_seed_modulus);
}

LibFuzzerLog parse_libfuzzer_log(std::string_view log) {
  LibFuzzerLog out;
  constexpr std::string_view violation = "fuzzer: violation ";
  if (auto pos = log.find(violation); pos != std::string_view::npos) {
    auto rule = log.substr(pos + violation.size());
    rule = rule.substr(0, rule.find_first_of(" \n"));
    if (!rule.empty()) out.rule = std::string(rule);
  }
  out.executions = last_number_after(log, "stat::number_of_executed_units:");
  out.inputs = last_number_after(log, "fuzzer: work: ");
  out.commands = last_number_after(log, " inputs, ");
  return out;
}

bool add_fuzz_attempt(TrialResult& result, const TrialSpec& spec, const FuzzAttempt& attempt) {
  result.runs += attempt.log.executions;
  result.commands += attempt.log.commands;
  result.seconds += attempt.seconds;
  if (!attempt.crash) return false;
  model::BugSet bugs;
  if (spec.bug) bugs.add(*spec.bug);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(attempt.crash->data());
  RunResult again = run_fuzz_input_planted(FuzzTarget::World, bytes, attempt.crash->size(), bugs, true);
  std::string rule;
  if (again.violation) rule = again.violation->rule;
  else if (attempt.log.rule) rule = *attempt.log.rule;
  else rule = "FUZZ-" + (attempt.crash_kind.empty() ? std::string("CRASH") : attempt.crash_kind);
  for (auto& c : rule)
    if (rule.rfind("FUZZ-", 0) == 0 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  ++result.violations;
  ++result.rules[rule];
  const Detection d = detection_now(result, rule, attempt.seed);
  if (!result.any) result.any = d;
  const bool target = spec.bug && rule == model::bug_info(*spec.bug).rule;
  if (target) result.target = d;
  if ((target || (!spec.bug && !result.trace)) && again.violation) result.trace = std::move(again.trace);
  return target || (!again.violation && !attempt.log.rule);
}

}  // namespace imaplab::sim
