// Minimization of a failing trace by delta debugging (Zeller and Hildebrandt, TSE 2002): fewer clients,
// fewer commands (ddmin over all clients' commands, removing the choices that sent them too), smaller set-up
// (initial messages, message size, mailboxes, users, pipelining, BUGGIFY), simpler arguments (one number,
// one FETCH item, one flag) and fewer scheduler deviations, to a fixpoint, while the same rule still fails
// with the same planted bugs. Deterministic: the same trace and budget give the same result.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "sim/trace.hpp"

namespace imaplab::sim {

struct MinimizeOptions {
  std::uint32_t max_runs = 2000;         // replays tried at most
  std::function<void(const std::string&)> progress;  // one line per accepted reduction; may be empty
};

struct MinimizeResult {
  Trace trace;                 // the smallest failing trace found (re-recorded by a final replay)
  bool reproduced = false;     // the input trace failed with its own rule at all
  std::uint32_t runs = 0;
  std::size_t commands_before = 0, commands_after = 0;
  std::size_t choices_before = 0, choices_after = 0;
  std::uint32_t clients_before = 0, clients_after = 0;
  std::uint32_t messages_before = 0, messages_after = 0;  // initial messages per mailbox
};

MinimizeResult minimize(const Trace& failing, const MinimizeOptions& options = {});

// Replays a trace: its configuration, its clients' commands and its scheduler choices.
struct RunResult;
RunResult replay(const Trace& trace, bool record_trace = true);

}  // namespace imaplab::sim
