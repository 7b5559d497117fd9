// Checkers: every rule of INVARIANTS.md that can be checked, fed one event at a time. Client-local rules [C]
// from each client's transcript, cross-client rules [X] from all transcripts in order, and white-box rules [O]
// against the true store through an oracle (the simulator has one; a probe of a real server does not).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "model/policy.hpp"
#include "sim/event.hpp"

namespace imaplab::sim {

// White-box access to the server's true state at the moment of the event being checked.
class StoreOracle {
 public:
  virtual ~StoreOracle() = default;
  virtual const model::Model& model() const = 0;
  // The model session serving a client, while it is connected.
  virtual std::optional<model::SessionId> session_of(ClientId client) const = 0;
  // The bytes of a message ever stored under (mailbox, UIDVALIDITY, UID), also after it was expunged.
  virtual const std::string* content(const std::string& mailbox, std::uint32_t uidvalidity,
                                     std::uint32_t uid) const = 0;
};

struct CheckerOptions {
  model::Policy policy;            // the declared RFC 2180 policy (checked: MBX-2/3, EXP-1/2, CPY-3)
  bool policy_known = true;        // false for `probe --policy auto`: infer and check consistency instead
  std::uint64_t notify_bound_us = 2'000'000;  // NTF-2: a committed change reaches subscribers within this
  bool should_is_fatal = false;    // S rules: warnings unless made fatal
  // The number of events the run is expected to log: the log reserves room for them, so it is not moved
  // as it grows (a hint; a longer run still works).
  std::size_t expected_events = 0;
};

class Checker {
 public:
  explicit Checker(CheckerOptions options);
  ~Checker();
  Checker(Checker&&) noexcept;
  Checker& operator=(Checker&&) noexcept;

  // Checks one event (appended to the log). Returns the first fatal violation, once; after that the checker
  // keeps returning nothing new. `oracle` may be null (no white-box rules then).
  std::optional<Violation> observe(const Event& event, const StoreOracle* oracle);
  // The same, taking the event over instead of copying it into the log (the simulator's fast path).
  std::optional<Violation> observe(Event&& event, const StoreOracle* oracle);
  // Called when virtual (or real) time advances with no event, so liveness rules (NTF-2) can fire.
  std::optional<Violation> tick(std::uint64_t now_us, const StoreOracle* oracle);
  // Called when a run ends with nothing left that could still reach a client within the NOTIFY bound (no
  // ready work, no timer due by then): the liveness rules (NTF-2, NTF-9) are asked as if the bound had passed.
  std::optional<Violation> quiescent(std::uint64_t now_us, const StoreOracle* oracle);
  // Called when nothing is ready and the next timer lies beyond the NOTIFY bound, and by quiescent(): the run
  // stands still, so a command still owed a "+" or its tagged reply will not get one (SES-2).
  std::optional<Violation> stalled(const StoreOracle* oracle);
  std::uint64_t notify_bound_us() const;

  const std::vector<Event>& events() const;
  const std::vector<Violation>& warnings() const;  // S-rule findings that were not fatal

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The rule catalogue: ID, strength, RFC section, and one line from the RFC; for reports and `imaplab rules`.
struct RuleInfo {
  const char* id;
  const char* strength;  // "M", "S", "P", "Q"
  const char* rfc;
  const char* text;
};
const std::vector<RuleInfo>& rules();
const RuleInfo* find_rule(const std::string& id);

}  // namespace imaplab::sim
