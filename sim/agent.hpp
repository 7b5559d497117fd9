// Client agents: sans-I/O IMAP clients that generate workloads, speak real IMAP bytes through proto/, keep
// their own view of the mailbox from what they were told, and obey the client rules (RFC 3501 §5.5 / SEQ-13;
// UID commands only after asking NOTIFY for MessageExpunge). The simulator and the probe of a real server both
// drive them: bytes in, bytes out, decisions from a caller-provided random source.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/command.hpp"
#include "proto/response.hpp"
#include "sim/event.hpp"

namespace imaplab::sim {

// Deterministic random source (the simulator's, seeded; the probe's, seeded from --seed). Never <random>'s
// distributions: their output differs between standard libraries.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  // A weighted choice: index i with probability weights[i] / sum.
  std::size_t weighted(const std::vector<std::uint32_t>& weights);

 private:
  std::uint64_t state_;
};

// Relative weights of the commands an agent generates (swarm testing draws one mix per run).
struct CommandMix {
  std::uint32_t select = 4, examine = 1, fetch = 10, uid_fetch = 6, store = 8, uid_store = 4, search = 3,
                copy = 3, move = 2, append = 6, expunge = 4, uid_expunge = 2, close = 1, create = 1, del = 1,
                rename = 1, subscribe = 1, list = 1, status = 2, noop = 4, check = 1, idle = 2, notify = 2,
                logout = 0;
};

struct AgentConfig {
  ClientId id = 1;
  std::string user, password;
  std::vector<std::string> mailboxes;  // names the workload works on (shared ones included)
  CommandMix mix;
  std::uint32_t max_pipeline = 3;      // commands in flight at once where RFC 3501 §5.5 allows it
  std::uint32_t message_bytes_max = 2048;  // size of generated APPEND messages
  bool use_notify = true;              // NOTIFY when the server advertises it
};

class ClientAgent {
 public:
  explicit ClientAgent(AgentConfig config);
  ~ClientAgent();
  ClientAgent(ClientAgent&&) noexcept;
  ClientAgent& operator=(ClientAgent&&) noexcept;

  const AgentConfig& config() const;

  // Bytes from the server (any segmentation). Returns the complete responses parsed so far, in order.
  std::vector<proto::Response> receive(std::string_view bytes);

  // True when the agent would send something now (a new command, a literal after "+", DONE to end IDLE).
  bool wants_to_send() const;
  // The next piece to send, generated with `rng`: one command (or the part of it up to a synchronizing
  // literal), a literal continuation, or a raw line (DONE). The parsed form is given for the event stream.
  struct Outgoing {
    std::string bytes;
    std::optional<proto::Command> command;  // set when `bytes` starts a command
    std::optional<std::string> raw_line;    // DONE / AUTHENTICATE data
  };
  std::optional<Outgoing> next(Rng& rng);

  // Replay: instead of generating, send exactly these commands (in order) when allowed to send.
  void script(std::vector<proto::Command> commands);

  bool finished() const;       // logged out or done with its script
  std::uint64_t commands_sent() const;

  // The agent's view: UIDs in MSN order of its selected mailbox (empty when none).
  const std::vector<std::uint32_t>& view() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imaplab::sim
