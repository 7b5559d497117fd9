// IDLE / NOTIFY delivery delay (RFC 2177, RFC 5465 §5): for each change one session commits to a mailbox
// (new message, expunge, flag change), the time from the change's tagged OK to the push on every other
// session that watches the mailbox (IDLE, or NOTIFY SELECTED MessageNew) and sends nothing meanwhile. A watched
// new message or expunge with no push within the bound is "missed" (flag changes are not judged: a STORE may
// change nothing). Sans-I/O.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "probe/tracker.hpp"
#include "sim/event.hpp"

namespace imaplab::probe {

struct DelayStats {
  std::vector<std::uint64_t> delays_us;  // measured, in order of arrival
  std::uint64_t missed = 0;              // no push within the bound while the watcher stayed quiet
  std::uint64_t abandoned = 0;           // the watcher spoke before the push and before the bound
  // Percentile p (0..100) of the measured delays; 0 when none.
  std::uint64_t percentile_us(double p) const;
};

struct MissedPush {
  ClientId watcher = 0;
  std::string type;
  std::size_t change_done = 0;  // event index of the change's tagged OK
};

class DelayMeter {
 public:
  explicit DelayMeter(std::uint64_t bound_us) : bound_us_(bound_us) {}
  // After the tracker saw the event.
  void observe(const sim::Event& event, const Tracker& tracker, const std::optional<Completion>& done);
  // Time passes: returns the pushes that became missed.
  std::vector<MissedPush> tick(std::uint64_t now_us, const Tracker& tracker);
  void reset_watches() { pending_.clear(); }

  // "new", "expunge", "flags" -> stats.
  const std::map<std::string, DelayStats>& stats() const { return stats_; }

 private:
  struct Pending {
    ClientId watcher = 0;
    std::string type;
    std::uint64_t done_us = 0;
    std::size_t done_index = 0;
  };
  // `uidvalidity` 0: not known (no UIDPLUS); otherwise watchers of another mailbox under the same name (renamed
  // away, re-created) are not counted.
  void change(const Completion& done, const std::string& mailbox, std::uint32_t uidvalidity, const std::string& type,
              std::uint64_t now_us, const Tracker& tracker);
  void pushed(ClientId watcher, const std::string& type, std::uint64_t now_us);

  std::uint64_t bound_us_;
  std::vector<Pending> pending_;
  std::map<std::pair<ClientId, std::string>, std::uint64_t> last_push_us_;
  std::map<std::string, DelayStats> stats_;
};

// The change type a push reports ("new" for EXISTS, "expunge" for EXPUNGE/VANISHED, "flags" for FETCH).
std::optional<std::string> push_type(const proto::Response& response);

}  // namespace imaplab::probe
