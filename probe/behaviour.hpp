// What the server does to the OTHER sessions of a mailbox that one session deletes or renames (RFC 2180 §3),
// named as observed: the listed policies (fail §3.1, ghost §3.2, bye §3.3, inplace §3.4) and what real
// servers do besides ("no-after": Dovecot answers the holders' next message command with NO; "disconnect": the
// connection closes without BYE). With a declared policy every observation must match it; with `--policy auto`
// every observation must match the first one of its kind (MBX-2, MBX-3). Sans-I/O.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/policy.hpp"
#include "probe/tracker.hpp"
#include "sim/event.hpp"

namespace imaplab::probe {

class BehaviourLog {
 public:
  explicit BehaviourLog(std::optional<model::Policy> declared) : declared_(declared) {}

  // After the tracker saw the event (its state is `tracker`, `done` the completion the event carried).
  // Returns the violations this event shows.
  std::vector<sim::Violation> observe(const sim::Event& event, std::size_t index, const Tracker& tracker,
                                      const std::optional<Completion>& done);
  // Forget sessions in flight (a new checker epoch starts with fresh connections); keeps what was learned.
  void reset_watches() { watches_.clear(); }

  // "delete" / "rename" -> behaviour -> times seen.
  const std::map<std::string, std::map<std::string, std::uint64_t>>& seen() const { return seen_; }
  // The inferred behaviour of a kind (the first seen), or nullopt.
  std::optional<std::string> inferred(const std::string& kind) const;

 private:
  struct Watch {
    ClientId holder = 0;
    std::string kind;         // "delete" or "rename"
    std::size_t cause_sent = 0, cause_done = 0;
    std::size_t after = 0;    // only the holder's commands sent after this index count
    std::uint32_t refusals = 0;  // NOs without a response code seen so far (see no_after_refusals)
  };
  void start_watches(const Completion& done, const Tracker& tracker);
  std::optional<std::string> outcome(Watch& w, const sim::Event& e, const std::optional<Completion>& done) const;
  std::optional<sim::Violation> record(const std::string& kind, const std::string& behaviour,
                                       std::vector<std::size_t> offending, std::vector<std::size_t> causes);
  std::optional<std::string> expected(const std::string& kind) const;

  std::optional<model::Policy> declared_;
  std::vector<Watch> watches_;
  std::map<std::string, std::map<std::string, std::uint64_t>> seen_;
  std::map<std::string, std::string> first_;                 // kind -> first behaviour seen
  std::map<std::string, bool> reported_;                     // "kind/behaviour" already reported
};

// RFC 2180 section of a named behaviour, for messages ("§3.2"); "not in RFC 2180" for the others.
std::string behaviour_section(const std::string& kind, const std::string& behaviour);

}  // namespace imaplab::probe
