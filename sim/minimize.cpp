// Delta debugging over a failing trace's clients, commands, choices and initial messages (sim/minimize.hpp).
#include "sim/minimize.hpp"

#include <algorithm>

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

// What a candidate is made of: the configuration, each client's script, and the choices.
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
    result.reproduced = !rule_.empty() && adopt_if_fails(best_);
    if (result.reproduced) {
      bool progress = true;
      while (progress && runs_ < options_.max_runs) {
        progress = false;
        progress |= drop_clients();
        progress |= shrink_choices_tail();
        progress |= shrink_messages();
        for (std::size_t c = 0; c < best_.scripts.size(); ++c) progress |= ddmin_script(c);
        progress |= ddmin_choices();
      }
    }
    RunResult final_run = run_candidate(best_);
    result.trace = final_run.trace;
    result.runs = runs_;
    result.commands_after = best_.commands();
    result.choices_after = best_.choices.size();
    result.clients_after = best_.config.clients;
    return result;
  }

 private:
  RunResult run_candidate(const Candidate& c) {
    ++runs_;
    RunOptions options;
    options.choices = c.choices;
    options.scripts = c.scripts;
    return run_simulation(c.config, options);
  }

  // Runs the candidate; when it fails with the same rule, it becomes the new best. The candidate's own
  // choices are kept (not the run's full record): past its list the replay follows the canonical order,
  // which is deterministic, so the short list reproduces the same run.
  bool adopt_if_fails(const Candidate& c) {
    if (runs_ >= options_.max_runs) return false;
    RunResult r = run_candidate(c);
    if (!r.violation || r.violation->rule != rule_) return false;
    if (&c != &best_) best_ = c;
    return true;
  }

  void say(const std::string& what) {
    if (options_.progress)
      options_.progress(what + ": " + std::to_string(best_.config.clients) + " clients, " +
                        std::to_string(best_.commands()) + " commands, " + std::to_string(best_.choices.size()) +
                        " choices");
  }

  // Removes a whole client: its script and its choices, renumbering the clients after it.
  bool drop_clients() {
    bool any = false;
    for (std::uint32_t k = best_.config.clients; k >= 1 && best_.config.clients > 1; --k) {
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
      if (adopt_if_fails(c)) {
        any = true;
        say("dropped client " + std::to_string(k));
      }
    }
    return any;
  }

  // The shortest prefix of choices that still fails (after it, the canonical order runs).
  bool shrink_choices_tail() {
    std::size_t lo = 0, hi = best_.choices.size();
    bool any = false;
    while (lo < hi && runs_ < options_.max_runs) {
      std::size_t mid = lo + (hi - lo) / 2;
      Candidate c = best_;
      c.choices.resize(mid);
      if (adopt_if_fails(c)) {
        any = true;
        hi = std::min(mid, best_.choices.size());
      } else {
        lo = mid + 1;
      }
    }
    if (any) say("cut scheduler choices");
    return any;
  }

  bool shrink_messages() {
    bool any = false;
    for (std::uint32_t m : {0u, 1u, 2u, best_.config.initial_messages / 2}) {
      if (m >= best_.config.initial_messages) continue;
      Candidate c = best_;
      c.config.initial_messages = m;
      if (adopt_if_fails(c)) {
        any = true;
        say("initial messages " + std::to_string(m));
      }
    }
    for (std::uint32_t s = 0; s < best_.config.shared_mailboxes; ++s) {
      Candidate c = best_;
      c.config.shared_mailboxes = s;
      if (adopt_if_fails(c)) {
        any = true;
        say("shared mailboxes " + std::to_string(s));
        break;
      }
    }
    return any;
  }

  // ddmin over a list inside the candidate: removes chunks, halving the chunk size when nothing goes.
  template <typename T>
  bool ddmin(std::size_t index, const std::string& what, std::vector<T>& (*select)(Candidate&, std::size_t)) {
    bool any = false;
    std::size_t n = 2;
    while (runs_ < options_.max_runs) {
      std::vector<T>& items = select(best_, index);
      if (items.size() < 1) break;
      std::size_t chunk = std::max<std::size_t>(1, items.size() / n);
      bool removed = false;
      for (std::size_t start = 0; start < select(best_, index).size() && runs_ < options_.max_runs;
           start += chunk) {
        Candidate c = best_;
        auto& v = select(c, index);
        if (start >= v.size()) break;
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(start),
                v.begin() + static_cast<std::ptrdiff_t>(std::min(start + chunk, v.size())));
        if (adopt_if_fails(c)) {
          removed = any = true;
          say(what);
          break;
        }
      }
      if (removed) {
        n = std::max<std::size_t>(n - 1, 2);
        continue;
      }
      if (chunk == 1) break;
      n = std::min(n * 2, select(best_, index).size());
    }
    return any;
  }

  static std::vector<proto::Command>& script_of(Candidate& c, std::size_t i) { return c.scripts[i]; }
  static std::vector<Choice>& choices_of(Candidate& c, std::size_t) { return c.choices; }

  bool ddmin_script(std::size_t client) {
    if (client >= best_.scripts.size()) return false;
    return ddmin<proto::Command>(client, "removed commands of C" + std::to_string(client + 1), &script_of);
  }
  bool ddmin_choices() { return ddmin<Choice>(0, "removed scheduler choices", &choices_of); }

  std::string rule_;
  MinimizeOptions options_;
  Candidate best_;
  std::uint32_t runs_ = 0;
};

}  // namespace

MinimizeResult minimize(const Trace& failing, const MinimizeOptions& options) {
  return Minimizer(failing, options).run();
}

}  // namespace imaplab::sim
