// What one probe of a real IMAP server is told: where the server is, how to log in, how long and how hard to
// drive it, which RFC 2180 policy to expect, and where failing traces go.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/policy.hpp"
#include "sim/agent.hpp"

namespace imaplab::probe {

enum class Security { Plain, Tls, StartTls };

struct Account {
  std::string user, password;
  bool operator==(const Account&) const = default;
};

struct ProbeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 143;
  Security security = Security::Plain;
  std::vector<Account> accounts;       // clients log in round-robin: client k uses accounts[(k-1) % n]
  std::uint32_t clients = 3;
  std::uint64_t seconds = 10;          // generated load stops after this, then drain and clean-up
  std::uint64_t seed = 1;
  sim::CommandMix mix;
  bool notify = false;                 // NOTIFY (RFC 5465) when the server advertises it
  std::optional<model::Policy> policy; // nullopt: `--policy auto`, infer and check consistency
  std::string out_dir;                 // violation traces, written the moment they are found; empty: none
  std::string prefix;                  // test mailboxes live under it; empty: one made from seed and time
  std::uint64_t notify_bound_ms = 5000;       // a push later than this after the change's OK is "missed"
  std::uint64_t checkpoint_interval_ms = 10000;  // all sessions pause, NOOP, and compare views
  std::uint64_t command_timeout_ms = 30000;   // a command without its tagged reply this long: connection lost
  std::uint64_t connect_timeout_ms = 10000;   // TCP connect + TLS handshake + greeting
  std::uint64_t drain_timeout_ms = 5000;      // after --seconds: waiting for commands in flight
  std::uint64_t cleanup_timeout_ms = 20000;   // deleting the test mailboxes at the end
  std::uint32_t max_pipeline = 3;
  std::uint32_t message_bytes_max = 2048;
  std::uint32_t initial_messages = 5;         // APPENDed to each test mailbox before the run
  std::uint32_t traces_per_rule_max = 5;      // later violations of a rule are counted, not written
  bool quiet = false;                         // no live progress
};

}  // namespace imaplab::probe
