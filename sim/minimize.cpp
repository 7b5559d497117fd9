// Delta debugging over a failing trace's clients, commands, choices and initial messages (sim/minimize.hpp).
#include "sim/minimize.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <variant>

#include "proto/command_parser.hpp"
#include "proto/writer.hpp"

#include "sim/setup.hpp"
#include "sim/world.hpp"

namespace imaplab::sim {

RunResult replay(const Trace& trace, bool record_trace) {
  RunOptions options;
  options.record_trace = record_trace;
  options.choices = trace.choices();
  options.scripts = trace.scripts();
  return run_simulation(trace.config, options);
}

namespace {

constexpr std::size_t no_command = static_cast<std::size_t>(-1);
// Argument simplification replays every variant of every command; past this many commands it waits until
// ddmin has removed more (a long trace would spend the replay budget on commands that go anyway).
constexpr std::size_t argument_pass_commands_max = 60;
// One round's ddmin over the choice list gets this share of the replays left (at least the minimum): the
// commands it frees are worth more, so the next round can take them before the budget is gone.
constexpr std::uint32_t choice_pass_share_divisor = 3;
constexpr std::uint32_t choice_pass_runs_min = 40;
constexpr std::uint32_t small_message_bytes = 200;  // message_bytes_max to try first (the header is ~150)
// APPEND's literal, when the message's content does not matter to the failure.
constexpr std::string_view minimal_message = "From: a@example.org\r\nSubject: m\r\n\r\nm\r\n";

// What a candidate is made of: the configuration, each client's script, and the scheduler choices to follow
// (past the list the replay runs in canonical order).
struct Candidate {
  RunConfig config;
  std::vector<std::vector<proto::Command>> scripts;
  std::vector<Choice> choices;

  std::size_t commands() const {
    std::size_t n = 0;
    for (const auto& s : scripts) n += s.size();
    return n;
  }
};

// One command of a script: client index (0-based) and position in its script.
struct CommandRef {
  std::size_t client = 0, index = 0;
};

// How the best candidate's run used its choices: for each entry of the choice list, the command its client
// sent at that step (or the command a DONE or literal continuation belongs to), so that removing commands
// can remove the choices that sent them and keep the rest of the schedule aligned.
struct ScheduleMap {
  std::vector<std::size_t> sender;     // per choice-list entry: a command index of its client, or no_command
  std::vector<std::size_t> sent;       // per client: commands of its script the run sent
  std::vector<CommandRef> send_order;  // every sent command, in the order the run sent them
};

// The first line of `command` when it has synchronizing literals (sent alone, then the client waits for "+"),
// or "" when it is sent whole.
std::string first_sync_part(const proto::Command& command) {
  std::vector<std::string> parts = proto::write_command_parts(command, proto::LiteralStyle::Synchronizing);
  return parts.size() > 1 ? std::move(parts.front()) : std::string();
}

// Walks a recorded run against the choice list it replayed: the replay strategy takes the first entry whose
// work is ready and skips the entries before it, so entry j was taken at the step whose recorded choice is
// the same work, and skipped entries sent nothing (sim/strategy.cpp, ReplayStrategy).
ScheduleMap map_schedule(const Candidate& c, const Trace& recorded) {
  ScheduleMap m;
  m.sender.assign(c.choices.size(), no_command);
  m.sent.assign(c.scripts.size(), 0);
  std::vector<bool> diverged(c.scripts.size(), false);
  std::size_t next = 0;                    // next entry of c.choices
  std::size_t open_entry = no_command;  // the entry taken by the last Client step, if any
  ClientId open_client = 0;              // the client of the last Client step; 0: none
  for (const TraceLine& line : recorded.lines) {
    if (line.kind == TraceLine::Kind::Choice) {
      open_entry = no_command;
      open_client = 0;
      std::size_t j = next;
      while (j < c.choices.size() && !c.choices[j].same_work(line.choice)) ++j;
      if (j < c.choices.size()) {
        next = j + 1;
        if (line.choice.kind == Choice::Kind::Client) open_entry = j;
      } else {
        next = c.choices.size();
      }
      if (line.choice.kind == Choice::Kind::Client) open_client = line.choice.client;
      continue;
    }
    if (line.kind != TraceLine::Kind::Client || open_client == 0 || line.client != open_client) continue;
    std::size_t k = line.client - 1;
    open_client = 0;
    if (k >= c.scripts.size()) continue;
    std::size_t owner = no_command;
    auto parsed = proto::parse_command(line.bytes);
    auto* command = std::get_if<proto::Command>(&parsed);
    std::optional<proto::Command> bad = command == nullptr ? bad_line_command(line.bytes) : std::nullopt;
    if (bad) command = &*bad;  // an unparseable tagged line is a script entry of its own (Trace::scripts)
    // A command with synchronizing literals goes out in parts, the next after each "+" (RFC 3501 §7.5): its
    // first line starts it. The other parts belong to it like DONE to its IDLE.
    const bool starts_next = command == nullptr && !diverged[k] && m.sent[k] < c.scripts[k].size() &&
                             first_sync_part(c.scripts[k][m.sent[k]]) == line.bytes;
    if (command != nullptr || starts_next) {
      std::size_t i = m.sent[k];
      if (i < c.scripts[k].size() && (starts_next || c.scripts[k][i] == *command) && !diverged[k]) {
        owner = i;
        m.sent[k]++;
        m.send_order.push_back({k, i});
      } else {
        diverged[k] = true;  // not the script's next command: leave this client's script as it is
      }
    } else if (m.sent[k] > 0) {
      owner = m.sent[k] - 1;  // DONE, a literal's continuation, an AUTHENTICATE response
    }
    if (open_entry != no_command) m.sender[open_entry] = owner;
    open_entry = no_command;
  }
  for (std::size_t k = 0; k < c.scripts.size(); ++k)
    if (diverged[k]) m.sent[k] = c.scripts[k].size();
  return m;
}

// The simpler forms of one command worth trying, simplest first: LOGIN for AUTHENTICATE (`login` holds the
// client's user and password), a sequence set cut to one number, one FETCH attribute, one flag, one STATUS
// item, one SEARCH key, no CONDSTORE extras, a tiny APPEND literal.
std::vector<proto::Command> simpler_forms(const proto::Command& c, const proto::LoginArgs& login) {
  using namespace proto;
  std::vector<Command> out;
  if (c.kind == CommandKind::Authenticate) {
    Command v = c;
    v.kind = CommandKind::Login;
    v.args = login;
    out.push_back(std::move(v));
  }
  auto with = [&](auto&& change) {
    Command v = c;
    change(v);
    if (!(v == c)) out.push_back(std::move(v));
  };
  auto set_forms = [](const SequenceSet& set) {
    std::vector<SequenceSet> forms;
    if (set.ranges.empty()) return forms;
    const SeqRange first = set.ranges.front(), last = set.ranges.back();
    forms.push_back(SequenceSet{{SeqRange{first.first, first.first}}});
    forms.push_back(SequenceSet{{SeqRange{last.last, last.last}}});
    forms.push_back(SequenceSet{{first}});
    forms.push_back(SequenceSet{{last}});
    return forms;
  };
  if (auto* a = std::get_if<FetchArgs>(&c.args)) {
    for (const auto& s : set_forms(a->set)) with([&](Command& v) { std::get<FetchArgs>(v.args).set = s; });
    if (a->atts.size() > 1)
      for (const auto& att : {a->atts.front(), a->atts.back()})
        with([&](Command& v) { std::get<FetchArgs>(v.args).atts = {att}; });
    if (a->macro != FetchMacro::None)
      with([&](Command& v) {
        auto& f = std::get<FetchArgs>(v.args);
        f.macro = FetchMacro::None;
        f.atts = {FetchAtt{}};  // FLAGS
        f.atts_parenthesized = false;
      });
    if (a->changed_since) with([&](Command& v) { std::get<FetchArgs>(v.args).changed_since.reset(); });
  } else if (auto* a = std::get_if<StoreArgs>(&c.args)) {
    for (const auto& s : set_forms(a->set)) with([&](Command& v) { std::get<StoreArgs>(v.args).set = s; });
    if (a->flags.size() > 1)
      for (const auto& flag : {a->flags.front(), a->flags.back()})
        with([&](Command& v) { std::get<StoreArgs>(v.args).flags = {flag}; });
    if (a->unchanged_since) with([&](Command& v) { std::get<StoreArgs>(v.args).unchanged_since.reset(); });
  } else if (auto* a = std::get_if<CopyArgs>(&c.args)) {
    for (const auto& s : set_forms(a->set)) with([&](Command& v) { std::get<CopyArgs>(v.args).set = s; });
  } else if (auto* a = std::get_if<SetArgs>(&c.args)) {
    for (const auto& s : set_forms(a->set)) with([&](Command& v) { std::get<SetArgs>(v.args).set = s; });
  } else if (auto* a = std::get_if<StatusArgs>(&c.args)) {
    if (a->items.size() > 1)
      for (const auto& item : {a->items.front(), a->items.back()})
        with([&](Command& v) { std::get<StatusArgs>(v.args).items = {item}; });
  } else if (auto* a = std::get_if<SearchArgs>(&c.args)) {
    if (a->keys.size() > 1)
      for (const auto& key : {a->keys.front(), a->keys.back()})
        with([&](Command& v) { std::get<SearchArgs>(v.args).keys = {key}; });
  } else if (auto* a = std::get_if<MailboxArgs>(&c.args)) {
    if (a->condstore) with([&](Command& v) { std::get<MailboxArgs>(v.args).condstore = false; });
  } else if (auto* a = std::get_if<AppendArgs>(&c.args)) {
    if (a->message.size() > minimal_message.size())
      with([&](Command& v) { std::get<AppendArgs>(v.args).message = std::string(minimal_message); });
    if (a->flags) with([&](Command& v) { std::get<AppendArgs>(v.args).flags.reset(); });
    if (a->date) with([&](Command& v) { std::get<AppendArgs>(v.args).date.reset(); });
  }
  // Duplicates (a one-number set offers itself twice) would only cost replays.
  std::vector<Command> unique;
  for (auto& v : out)
    if (std::find(unique.begin(), unique.end(), v) == unique.end()) unique.push_back(std::move(v));
  return unique;
}

class Minimizer {
 public:
  Minimizer(const Trace& failing, const MinimizeOptions& options)
      : rule_(failing.outcome.value_or("")), options_(options) {
    best_ = {failing.config, failing.scripts(), failing.choices()};
  }

  MinimizeResult run() {
    MinimizeResult result;
    result.commands_before = best_.commands();
    result.choices_before = best_.choices.size();
    result.clients_before = best_.config.clients;
    result.messages_before = best_.config.initial_messages;
    result.reproduced = reproduce_input(result);
    if (result.reproduced) {
      bool progress = true;
      while ((progress || choices_unfinished_) && !out_of_runs()) {
        progress = false;
        progress |= shrink_choices_tail();
        progress |= drop_clients();
        progress |= ddmin_commands();
        progress |= shrink_config();
        progress |= simplify_arguments();
        progress |= ddmin_choices();
      }
      result.trace = best_trace_;
    } else {
      result.trace = run_candidate(best_).trace;
    }
    result.runs = runs_;
    result.cause_checked = check_cause_;
    result.runs_without_bugs = runs_without_bugs_;
    result.refused_without_bugs = refused_without_bugs_;
    result.commands_after = best_.commands();
    result.choices_after = best_.choices.size();
    result.clients_after = best_.config.clients;
    result.messages_after = best_.config.initial_messages;
    return result;
  }

 private:
  // A candidate costs two replays when its planted bugs are checked as the cause: one is kept in reserve, so
  // that no candidate is adopted unchecked for want of budget.
  bool out_of_runs() const { return runs_ + (check_cause_ ? 1 : 0) >= options_.max_runs; }

  // The input must fail with its rule. With planted bugs it must also pass with them off; when it does not,
  // they are not its cause (a checker's mistake, or a bug of the server itself): it is then minimized by its
  // rule alone, like a finding without planted bugs, and the result says so.
  bool reproduce_input(MinimizeResult& result) {
    if (rule_.empty()) return false;
    check_cause_ = !best_.config.bugs.empty();
    if (adopt_if_fails(Candidate(best_))) return true;
    if (refused_without_bugs_ == 0) return false;
    result.input_fails_without_bugs = true;
    check_cause_ = false;
    tried_.clear();
    return adopt_if_fails(Candidate(best_));
  }

  // Records the trace too: the best run's record maps its choices to commands, and recording costs a few
  // percent of a replay (measured on 300-command hunts), less than re-running each adopted candidate.
  RunResult run_candidate(const Candidate& c, bool record_trace = true) {
    ++runs_;
    RunOptions options;
    options.record_trace = record_trace;
    options.choices = c.choices;
    options.scripts = c.scripts;
    return options_.run ? options_.run(c.config, options) : run_simulation(c.config, options);
  }

  // The recorded run of a failing candidate, replayed with its planted bugs off, shows a violation too (of
  // any rule: the correct server must pass the schedule). It replays the record, the trace that would be
  // kept, exactly as `imaplab replay --without-bugs` does. Candidates that differ only in choices the run
  // skipped record the same run, so the answers are memoized by the record.
  bool fails_without_bugs(const Trace& recorded) {
    Candidate off{recorded.config, recorded.scripts(), recorded.choices()};
    off.config.bugs = model::BugSet{};
    const std::uint64_t key = fingerprint(off);
    auto known = without_bugs_.find(key);
    bool fails = known != without_bugs_.end() ? known->second : false;
    if (known == without_bugs_.end()) {
      ++runs_without_bugs_;
      fails = run_candidate(off, /*record_trace=*/false).violation.has_value();
      without_bugs_.emplace(key, fails);
    }
    if (fails) ++refused_without_bugs_;
    return fails;
  }

  // Runs the candidate; when it fails with the same rule (and, with planted bugs, passes with them off) it
  // becomes the new best, its scripts cut to the commands the run sent (the run stops at the violation). The
  // candidate's own choices are kept (not the run's full record): past its list the replay follows the
  // canonical order, which adapts to later removals. The check with the bugs off runs only for candidates
  // that fail, and a refused candidate is remembered like one that passed.
  bool adopt_if_fails(Candidate c) {
    if (out_of_runs()) return false;
    const std::uint64_t key = fingerprint(c);
    if (tried_.count(key)) return false;
    RunResult r = run_candidate(c);
    if (!r.violation || r.violation->rule != rule_ || (check_cause_ && fails_without_bugs(r.trace))) {
      tried_.insert(key);
      return false;
    }
    map_ = map_schedule(c, r.trace);
    for (std::size_t k = 0; k < c.scripts.size(); ++k)
      if (map_.sent[k] < c.scripts[k].size()) c.scripts[k].resize(map_.sent[k]);
    best_ = std::move(c);
    best_trace_ = std::move(r.trace);
    return true;
  }

  // FNV-1a over everything a replay depends on: a candidate that passed once passes again (runs are
  // deterministic), so a later round skips it without a replay.
  static std::uint64_t fingerprint(const Candidate& c) {
    std::uint64_t h = 14695981039346656037ull;
    auto mix = [&](std::string_view text) {
      for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
      h = (h ^ 0xff) * 1099511628211ull;  // a separator, so that "ab","c" and "a","bc" differ
    };
    for (const auto& [key, value] : c.config.fields()) {
      mix(key);
      mix(value);
    }
    for (const auto& script : c.scripts) {
      mix("script");
      for (const auto& command : script) mix(proto::write_command(command));
    }
    for (const Choice& ch : c.choices) mix(ch.label());
    return h;
  }

  void say(const std::string& what) {
    if (options_.progress)
      options_.progress(what + ": " + std::to_string(best_.config.clients) + " clients, " +
                        std::to_string(best_.commands()) + " commands, " + std::to_string(best_.choices.size()) +
                        " choices");
  }

  // The best candidate without the marked commands, and without the choice entries that sent them.
  Candidate without(const std::vector<std::vector<bool>>& drop) const {
    Candidate c = best_;
    for (std::size_t k = 0; k < c.scripts.size(); ++k) {
      std::vector<proto::Command> kept;
      for (std::size_t i = 0; i < best_.scripts[k].size(); ++i)
        if (!drop[k][i]) kept.push_back(best_.scripts[k][i]);
      c.scripts[k] = std::move(kept);
    }
    c.choices.clear();
    for (std::size_t j = 0; j < best_.choices.size(); ++j) {
      const Choice& ch = best_.choices[j];
      std::size_t k = ch.client - 1;
      bool dropped = ch.kind == Choice::Kind::Client && map_.sender[j] != no_command && k < drop.size() &&
                     map_.sender[j] < drop[k].size() && drop[k][map_.sender[j]];
      if (!dropped) c.choices.push_back(ch);
    }
    return c;
  }

  // Removes a whole client: its script and its choices, renumbering the clients after it.
  bool drop_clients() {
    bool any = false;
    for (std::uint32_t k = best_.config.clients; k >= 1 && best_.config.clients > 1 && !out_of_runs(); --k) {
      if (k > best_.config.clients) continue;
      Candidate c = best_;
      c.config.clients -= 1;
      c.scripts.erase(c.scripts.begin() + (k - 1));
      std::vector<Choice> choices;
      for (Choice ch : c.choices) {
        if (ch.client == k) continue;
        if (ch.client > k) --ch.client;
        choices.push_back(ch);
      }
      c.choices = std::move(choices);
      if (adopt_if_fails(std::move(c))) {
        any = true;
        say("dropped client " + std::to_string(k));
      }
    }
    return any;
  }

  // ddmin (Zeller and Hildebrandt) over all clients' commands in the order they were sent: complements of n
  // chunks are tested, n doubles when none can go and shrinks after a removal, down to single commands.
  bool ddmin_commands() {
    bool any = false;
    std::size_t n = 2;
    while (!out_of_runs()) {
      std::vector<CommandRef> items = map_.send_order;
      if (items.empty()) break;
      n = std::min(n, items.size());
      std::size_t chunk = (items.size() + n - 1) / n;
      bool removed = false;
      for (std::size_t start = 0; start < items.size() && !out_of_runs(); start += chunk) {
        std::vector<std::vector<bool>> drop;
        for (const auto& s : best_.scripts) drop.emplace_back(s.size(), false);
        for (std::size_t i = start; i < std::min(start + chunk, items.size()); ++i)
          drop[items[i].client][items[i].index] = true;
        if (adopt_if_fails(without(drop))) {
          removed = any = true;
          say("removed " + std::to_string(std::min(chunk, items.size() - start)) + " command(s)");
          break;
        }
      }
      if (removed) {
        n = std::max<std::size_t>(n - 1, 2);
        continue;
      }
      if (chunk == 1) break;
      n = std::min(n * 2, items.size());
    }
    return any;
  }

  // Tries each value (smallest first) for one configuration field; keeps the first that still fails.
  template <typename T>
  bool try_values(const char* name, T RunConfig::*field, std::vector<T> values) {
    for (T v : values) {
      if (out_of_runs()) return false;
      if (!(v < best_.config.*field)) continue;
      Candidate c = best_;
      c.config.*field = v;
      if (adopt_if_fails(std::move(c))) {
        say(std::string(name) + " " + std::to_string(v));
        return true;
      }
    }
    return false;
  }

  template <typename T>
  static std::vector<T> ascending_below(T current, T from, std::size_t count_max) {
    std::vector<T> out;
    for (T v = from; v < current && out.size() < count_max; ++v) out.push_back(v);
    if (current > 1 && current / 2 >= from + count_max) out.push_back(current / 2);
    return out;
  }

  // Smaller sizes for what the run set up: messages, mailboxes, users, pipelining; then switches that make
  // the run less unusual: BUGGIFY off, a wide download window.
  bool shrink_config() {
    bool any = false;
    const RunConfig& k = best_.config;
    any |= try_values("initial messages", &RunConfig::initial_messages,
                      ascending_below<std::uint32_t>(k.initial_messages, 0, 3));
    if (k.message_bytes_max > small_message_bytes)  // below it messages are all header (sim/workload.cpp)
      any |= try_values("message bytes", &RunConfig::message_bytes_max,
                        std::vector<std::uint32_t>{small_message_bytes,
                                                   std::max(small_message_bytes, k.message_bytes_max / 2)});
    any |= try_values("shared mailboxes", &RunConfig::shared_mailboxes,
                      ascending_below<std::uint32_t>(k.shared_mailboxes, 0, 2));
    any |= try_values("users", &RunConfig::users, ascending_below<std::uint32_t>(k.users, 1, 2));
    any |= try_values("pipeline", &RunConfig::max_pipeline, ascending_below<std::uint32_t>(k.max_pipeline, 1, 2));
    if (best_.config.buggify && !out_of_runs()) {
      Candidate c = best_;
      c.config.buggify = false;
      if (adopt_if_fails(std::move(c))) {
        any = true;
        say("buggify off");
      }
    }
    if (best_.config.download_window_bytes < RunConfig{}.download_window_bytes && !out_of_runs()) {
      Candidate c = best_;
      c.config.download_window_bytes = RunConfig{}.download_window_bytes;
      if (adopt_if_fails(std::move(c))) {
        any = true;
        say("default download window");
      }
    }
    return any;
  }

  // The best candidate with command i of client k replaced; the choices that sent the old command's later
  // lines (an AUTHENTICATE response, DONE) go, since the new form may not have them.
  Candidate replaced(std::size_t k, std::size_t i, proto::Command form) const {
    Candidate c = best_;
    c.scripts[k][i] = std::move(form);
    c.choices.clear();
    bool first = true;
    for (std::size_t j = 0; j < best_.choices.size(); ++j) {
      const Choice& ch = best_.choices[j];
      if (ch.kind == Choice::Kind::Client && ch.client == k + 1 && map_.sender[j] == i) {
        if (!first) continue;
        first = false;
      }
      c.choices.push_back(ch);
    }
    return c;
  }

  // Simpler arguments, command by command: each simpler form that keeps the failure replaces the command.
  bool simplify_arguments() {
    if (best_.commands() > argument_pass_commands_max) return false;
    bool any = false;
    for (std::size_t k = 0; k < best_.scripts.size(); ++k) {
      const AgentConfig agent = agent_config_for(best_.config, static_cast<ClientId>(k + 1));
      const proto::LoginArgs login{agent.user, agent.password};
      for (std::size_t i = 0; i < best_.scripts[k].size() && !out_of_runs(); ++i) {
        bool changed = true;
        while (changed && !out_of_runs() && k < best_.scripts.size() && i < best_.scripts[k].size()) {
          changed = false;
          for (auto& form : simpler_forms(best_.scripts[k][i], login)) {
            if (adopt_if_fails(replaced(k, i, std::move(form)))) {
              changed = any = true;
              say("simpler arguments for C" + std::to_string(k + 1));
              break;
            }
          }
        }
      }
    }
    return any;
  }

  // The shortest prefix of choices that still fails (after it, the canonical order runs).
  bool shrink_choices_tail() {
    std::size_t lo = 0, hi = best_.choices.size();
    bool any = false;
    while (lo < hi && !out_of_runs()) {
      std::size_t mid = lo + (hi - lo) / 2;
      Candidate c = best_;
      c.choices.resize(mid);
      if (adopt_if_fails(std::move(c))) {
        any = true;
        hi = std::min(mid, best_.choices.size());
      } else {
        lo = mid + 1;
      }
    }
    if (any) say("cut scheduler choices");
    return any;
  }

  // ddmin over the choice list: deviations from the canonical order that the failure does not need go. It
  // stops at its share of the budget and resumes at the same granularity in the next round.
  bool ddmin_choices() {
    bool any = false;
    std::size_t& n = choice_granularity_;
    const std::uint32_t stop_at =
        runs_ + std::max(choice_pass_runs_min, (options_.max_runs - runs_) / choice_pass_share_divisor);
    choices_unfinished_ = true;
    while (!out_of_runs() && !best_.choices.empty()) {
      if (runs_ >= stop_at) return any;
      std::size_t size = best_.choices.size();
      n = std::min(n, size);
      std::size_t chunk = (size + n - 1) / n;
      bool removed = false;
      for (std::size_t start = 0; start < size && !out_of_runs(); start += chunk) {
        if (runs_ >= stop_at) return any;  // resumes with this n; the chunks tried are in tried_
        Candidate c = best_;
        c.choices.erase(c.choices.begin() + static_cast<std::ptrdiff_t>(start),
                        c.choices.begin() + static_cast<std::ptrdiff_t>(std::min(start + chunk, size)));
        if (adopt_if_fails(std::move(c))) {
          removed = any = true;
          say("removed scheduler choices");
          break;
        }
      }
      if (removed) {
        n = std::max<std::size_t>(n - 1, 2);
        continue;
      }
      if (chunk == 1) break;
      n = std::min(n * 2, size);
    }
    choices_unfinished_ = false;
    n = 2;
    return any;
  }

  std::string rule_;
  MinimizeOptions options_;
  Candidate best_;
  Trace best_trace_;  // the best candidate's recorded run
  ScheduleMap map_;   // how that run used best_'s choices
  std::uint32_t runs_ = 0;
  std::set<std::uint64_t> tried_;       // fingerprints of candidates not kept (passed, or failed without bugs)
  bool check_cause_ = false;            // planted bugs: a kept candidate must pass with them off
  std::map<std::uint64_t, bool> without_bugs_;  // fingerprint of a record with the bugs off -> it failed
  std::uint32_t runs_without_bugs_ = 0, refused_without_bugs_ = 0;
  std::size_t choice_granularity_ = 2;  // ddmin_choices' n, kept across rounds
  bool choices_unfinished_ = false;     // ddmin_choices stopped at its share of the budget
};

}  // namespace

MinimizeResult minimize(const Trace& failing, const MinimizeOptions& options) {
  return Minimizer(failing, options).run();
}

}  // namespace imaplab::sim
