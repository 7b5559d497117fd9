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

// The bytes of a fuzz input, read front to back by everything that draws from it (the agents' Rng, the byte
// strategy). Reading past the end gives zeros, so every decision falls back to
// its canonical first option (docs/fuzzing.md).
class ByteSource {
 public:
  ByteSource() = default;
  ByteSource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool exhausted() const { return pos_ >= size_; }
  std::size_t remaining() const { return size_ - pos_; }
  std::size_t consumed() const { return pos_; }
  // The next byte, or 0 when exhausted.
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : std::uint8_t{0}; }
  // The next byte without consuming it; nullopt when exhausted.
  std::optional<std::uint8_t> peek() const {
    return pos_ < size_ ? std::optional<std::uint8_t>(data_[pos_]) : std::nullopt;
  }
  // Little-endian, `bytes` of them (1..8), missing ones read as zero.
  std::uint64_t number(unsigned bytes) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i) v |= std::uint64_t{byte()} << (8 * i);
    return v;
  }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t pos_ = 0;
};

// Deterministic random source (the simulator's, seeded; the probe's, seeded from --seed). Never <random>'s
// distributions: their output differs between standard libraries. Attached to a ByteSource (fuzzing), every
// draw reads input bytes instead, as few as the draw needs, so a fuzzer's mutation of one byte changes one
// decision; an exhausted source draws 0 and `chance` is false (the canonical first option).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  Rng(std::uint64_t seed, ByteSource* input) : state_(seed), input_(input) {}
  void attach(ByteSource* input) { input_ = input; }

  std::uint64_t next() {  // splitmix64
    if (input_) return input_->number(8);
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0. From input: no byte for n == 1, one byte up to 256, and so on.
  std::uint64_t below(std::uint64_t n) {
    if (!input_) return next() % n;
    return n <= 1 ? 0 : input_->number(bytes_for(n)) % n;
  }
  // From input: one byte b, true when b < p * 256.
  bool chance(double p) {
    if (!input_) return static_cast<double>(next() >> 11) * 0x1.0p-53 < p;
    if (input_->exhausted()) return false;
    return static_cast<double>(input_->byte()) < p * 256.0;
  }
  // A weighted choice: index i with probability weights[i] / sum.
  std::size_t weighted(const std::vector<std::uint32_t>& weights);

 private:
  static unsigned bytes_for(std::uint64_t n) {
    unsigned b = 1;
    while (b < 8 && n > (std::uint64_t{1} << (8 * b))) ++b;
    return b;
  }
  std::uint64_t state_;
  ByteSource* input_ = nullptr;
};

// Relative weights of the commands an agent generates (swarm testing draws one mix per run).
struct CommandMix {
  std::uint32_t select = 4, examine = 1, fetch = 10, uid_fetch = 6, store = 8, uid_store = 4, search = 3,
                copy = 3, move = 2, append = 6, expunge = 4, uid_expunge = 2, close = 1, create = 1, del = 1,
                rename = 1, subscribe = 1, list = 1, status = 2, noop = 4, check = 1, idle = 2, notify = 2,
                logout = 0,
                // GETACL/MYRIGHTS/LISTRIGHTS, and SETACL/DELETEACL taking rights and giving them back (ACC-2).
                // Off unless the swarm draws it for a run with several users and shared mailboxes.
                acl = 0;
};

struct AgentConfig {
  ClientId id = 1;
  std::string user, password;
  std::vector<std::string> mailboxes;  // names the workload works on (shared ones included)
  CommandMix mix;
  std::uint32_t max_pipeline = 3;      // commands in flight at once where RFC 3501 §5.5 allows it
  std::uint32_t message_bytes_max = 2048;  // size of generated APPEND messages
  bool use_notify = true;              // NOTIFY when the server advertises it
  // Ignore LITERAL+ (RFC 7888): send every literal synchronizing and wait for "+" (RFC 3501 §7.5).
  bool synchronizing_literals = false;
  // Per-mille of IDLEs ended by a line other than DONE (RFC 2177 §3), as a client that forgot it was idling
  // would. Each IDLE's choice hashes `decision_seed`, the client and the IDLE's tag and draws from no Rng, so
  // a replayed script (same tags) makes the same choice and runs with it off draw as before.
  std::uint32_t idle_bad_end_permille = 0;
  // Per-mille of IDLEs ended with DONE after which the client sends its next command at once, without waiting
  // for IDLE's tagged OK (RFC 3501 §5.5 allows it; no sequence numbers, SEQ-13). Chosen like idle_bad_end. Not 0
  // also lets a script send behind DONE, so a replay can repeat it.
  std::uint32_t done_pipeline_permille = 0;
  // Per-mille of IDLEs ended by DONE that write it as "done" or "Done" (RFC 3501 §9: the ABNF's strings are
  // case-insensitive; RFC 2177 §3). Chosen like idle_bad_end.
  std::uint32_t done_case_permille = 0;
  // Per-mille of commands replaced by a tagged line the server cannot parse (bad_line_bodies in agent.cpp),
  // chosen by a hash of decision_seed, the client and the tag (no Rng). The agent expects a tagged BAD and
  // changes none of its state.
  std::uint32_t bad_command_permille = 0;
  std::uint64_t decision_seed = 0;
};

// An unparseable tagged line in a script: a Command no parser produces (NOOP with a mailbox argument; RFC 3501
// §6.1.2: NOOP takes none) that carries the line. bad_line_command() recognizes one of the agent's bad lines
// in a trace's client line (the bytes, CRLF included); bad_line_text() gives the line of such a Command.
std::optional<proto::Command> bad_line_command(std::string_view bytes);
const std::string* bad_line_text(const proto::Command& command);

class ClientAgent {
 public:
  explicit ClientAgent(AgentConfig config);
  ~ClientAgent();
  ClientAgent(ClientAgent&&) noexcept;
  ClientAgent& operator=(ClientAgent&&) noexcept;

  const AgentConfig& config() const;

  // Bytes from the server (any segmentation). Returns the complete responses parsed so far, in order, each on
  // the heap already: the checkers' log keeps them there without moving a Response again.
  std::vector<std::unique_ptr<proto::Response>> receive(std::string_view bytes);

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

  // In IDLE (RFC 2177): the "+" came and DONE is not sent yet. next() then sends DONE whenever called, so a
  // caller may end the IDLE on a timer of its own (the simulator's IDLE patience, sim/world.cpp).
  bool idling() const;
  // A synchronizing literal's "+" came and the literal is not sent yet (RFC 3501 §7.5).
  bool literal_granted() const;
  bool finished() const;       // logged out or done with its script
  std::uint64_t commands_sent() const;

  // The agent's view: UIDs in MSN order of its selected mailbox (empty when none).
  const std::vector<std::uint32_t>& view() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imaplab::sim
