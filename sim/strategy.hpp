// Scheduling strategies: which ready piece of work the simulated world runs next. `random` picks uniformly,
// `pct` is probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010: random thread priorities with
// d-1 priority change points), `replay` follows a recorded list of choices. Every strategy is deterministic
// given its seed, so one seed or one recorded list reproduces a whole run.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/agent.hpp"  // Rng

namespace imaplab::sim {

// One ready piece of work. Labels are stable across runs and edits, so a recorded list stays meaningful
// after minimization removes commands: "S2" (server work of connection 2), "C1" (client 1 sends),
// "U1:37" (37 bytes travel from client 1 to the server), "D2:300" (300 bytes from the server to client 2),
// "T" (the earliest due timer fires), "X3" (client 3's connection drops: a fault).
struct Choice {
  enum class Kind : char { Server = 'S', Client = 'C', Upload = 'U', Download = 'D', Timer = 'T', Drop = 'X' };
  Kind kind = Kind::Server;
  std::uint32_t client = 0;  // 1-based; 0 for Timer
  std::uint32_t bytes = 0;   // Upload/Download: bytes moved (ready items carry the bytes available)
  bool operator==(const Choice&) const = default;

  std::string label() const;
  static std::optional<Choice> parse(std::string_view label);
  // Same work, ignoring the byte count.
  bool same_work(const Choice& other) const { return kind == other.kind && client == other.client; }
};

struct StrategyOptions {
  double segment_chance = 0.2;   // a delivery moves only part of the bytes available
  double drop_chance = 0.0;      // a Drop item is offered (per step, per connected client)
  std::uint32_t pct_depth = 3;   // d: bug depth for PCT (d-1 change points)
  std::uint64_t pct_steps = 20000;  // k: expected steps of a run, where change points are placed
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string name() const = 0;
  // `ready` is non-empty and sorted canonically; returns the chosen item with its byte count decided.
  virtual Choice pick(const std::vector<Choice>& ready) = 0;
  // Whether Drop items may be offered to this strategy at this step.
  virtual bool offer_drop() { return false; }
  // Replay: the next recorded choice is "T", so the world lets virtual time jump to the earliest timer even
  // though a scripted client could still act (a script may end IDLE at any time; the recorded run waited).
  virtual bool wants_timer() const { return false; }
};

std::unique_ptr<Strategy> make_random_strategy(std::uint64_t seed, StrategyOptions options);
std::unique_ptr<Strategy> make_pct_strategy(std::uint64_t seed, StrategyOptions options);
// Follows `choices`; a recorded choice that is not ready is skipped; after the list, the canonical first item.
std::unique_ptr<Strategy> make_replay_strategy(std::vector<Choice> choices);
// Fuzzing: every pick reads the input (docs/fuzzing.md, "Scheduler bytes"). One byte b picks ready item
// (b & 0x7f) % n, and with b's high bit set a delivery moves only part of its bytes (one more byte says how
// many). With `faults`, a byte 0xff offers Drop items and the next byte picks the client whose connection
// drops, at most `drops_max` times. A single ready item that cannot be split reads nothing; an exhausted
// input picks the canonical first item, whole.
std::unique_ptr<Strategy> make_byte_strategy(ByteSource& input, bool faults, std::uint32_t drops_max = 1);
// By name: "random" or "pct".
std::unique_ptr<Strategy> make_strategy(std::string_view name, std::uint64_t seed, StrategyOptions options);

}  // namespace imaplab::sim
