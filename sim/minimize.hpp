// Minimization of a failing trace by delta debugging (Zeller and Hildebrandt, TSE 2002): fewer clients,
// fewer commands (ddmin over all clients' commands, removing the choices that sent them too), smaller set-up
// (initial messages, message size, mailboxes, users, pipelining, BUGGIFY), simpler arguments (one number,
// one FETCH item, one flag) and fewer scheduler deviations, to a fixpoint, while the same rule still fails
// with the same planted bugs. With planted bugs (trace header `bugs:`) a step is kept only when the planted
// bugs are still its cause: the candidate fails the rule with them on and passes with them off; without the
// check a run drifts to a failure of the same rule that has another cause (a checker's mistake, say).
// Deterministic: the same trace and budget give the same result.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "sim/trace.hpp"

namespace imaplab::sim {

struct RunConfig;
struct RunOptions;
struct RunResult;

struct MinimizeOptions {
  std::uint32_t max_runs = 2000;         // replays tried at most (those with the bugs off included)
  std::function<void(const std::string&)> progress;  // one line per accepted reduction; may be empty
  // Runs one candidate; empty: run_simulation. Tests inject a stand-in (a checker that misfires, say).
  std::function<RunResult(const RunConfig&, const RunOptions&)> run;
};

struct MinimizeResult {
  Trace trace;                 // the smallest failing trace found (re-recorded by a final replay)
  bool reproduced = false;     // the input trace failed with its own rule at all
  std::uint32_t runs = 0;
  std::size_t commands_before = 0, commands_after = 0;
  std::size_t choices_before = 0, choices_after = 0;
  std::uint32_t clients_before = 0, clients_after = 0;
  std::uint32_t messages_before = 0, messages_after = 0;  // initial messages per mailbox
  // The input has planted bugs, and every step kept was checked to pass with them off.
  bool cause_checked = false;
  // The input fails with its planted bugs off too: they are not its cause, so it was minimized by its rule
  // alone, like a finding without planted bugs (cause_checked is then false).
  bool input_fails_without_bugs = false;
  std::uint32_t runs_without_bugs = 0;     // replays with the planted bugs off (counted in runs)
  std::uint32_t refused_without_bugs = 0;  // candidates that failed the rule, but with the bugs off as well
};

MinimizeResult minimize(const Trace& failing, const MinimizeOptions& options = {});

// Replays a trace: its configuration, its clients' commands and its scheduler choices.
RunResult replay(const Trace& trace, bool record_trace = true);

}  // namespace imaplab::sim
