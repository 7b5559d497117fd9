// The configuration of one simulated run. One 64-bit seed decides everything, including the configuration
// itself when not given (swarm testing: each run draws its own number of clients, command mix, mailbox and
// message sizes, segmentation, faults and policy), so a seed alone reproduces a run.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/bugs.hpp"
#include "model/policy.hpp"
#include "sim/agent.hpp"
#include "sim/strategy.hpp"

namespace imaplab::sim {

struct RunConfig {
  std::uint64_t seed = 1;
  std::string strategy = "random";  // "random" or "pct"
  model::Policy policy;
  std::uint32_t clients = 3;            // 1..1000 (the swarm draws 2-16)
  std::uint32_t users = 1;              // clients log in as user1..userN, round-robin
  std::uint32_t shared_mailboxes = 1;   // shared/box1.. visible to every user
  std::uint32_t initial_messages = 5;   // APPENDed to each workload mailbox before the run
  std::uint32_t message_bytes_max = 600;
  std::uint64_t commands = 200;         // client commands in the run, over all clients
  std::uint32_t max_pipeline = 3;
  std::uint32_t download_window_bytes = 1 << 20;  // server->client pipe capacity (small: a slow reader)
  CommandMix mix;
  StrategyOptions strategy_options;
  model::BugSet bugs;     // bug zoo: planted bugs switched on in the server (header field "bugs", when any)
  bool buggify = false;   // BUGGIFY fault sites in the server (header field "buggify", when on)
  // Per-mille of the clients that ignore LITERAL+ and send synchronizing literals, waiting for "+" (RFC 3501
  // §7.5); which clients, sim/setup.cpp decides from the seed. Header field "literal_sync", when not 0.
  std::uint32_t literal_sync_permille = 0;
  // Per-mille of IDLEs a client ends with a line other than DONE (RFC 2177 §3: the server answers BAD). Header
  // field "idle_bad_end", when not 0.
  std::uint32_t idle_bad_end_permille = 0;
  // Per-mille of IDLEs ended with DONE and the client's next command written right behind it, before IDLE's
  // tagged OK (RFC 3501 §5.5; RFC 2177 §3). Header field "done_pipeline", when not 0.
  std::uint32_t done_pipeline_permille = 0;
  // Per-mille of IDLEs ended by DONE written in another case, "done" or "Done" (RFC 3501 §9; RFC 2177 §3).
  // Header field "done_case", when not 0.
  std::uint32_t done_case_permille = 0;
  // Per-mille of a client's commands replaced by a tagged line the server cannot parse (unknown command, missing
  // argument, unbalanced parenthesis), answered by a tagged BAD (RFC 3501 §7.1.3). Header field "bad_commands",
  // when not 0.
  std::uint32_t bad_command_permille = 0;

  // The whole configuration drawn from `seed` (swarm testing), then `fixed` fields override the draw.
  static RunConfig swarm(std::uint64_t seed, const std::map<std::string, std::string>& fixed = {});
  // key=value fields for trace headers, and back. Unknown keys are an error.
  std::map<std::string, std::string> fields() const;
  static std::optional<RunConfig> from_fields(const std::map<std::string, std::string>& fields,
                                              std::string* error = nullptr);
  // The workload mailboxes every client works on.
  std::vector<std::string> mailboxes() const;
};

}  // namespace imaplab::sim
