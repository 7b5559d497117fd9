// The starting state of a simulated run: users, their mailboxes, shared mailboxes and initial messages, all
// derived from the run's configuration, and each client agent's configuration.
#pragma once
#include <string>
#include <vector>

#include "model/model.hpp"
#include "sim/agent.hpp"
#include "sim/config.hpp"

namespace imaplab::sim {

std::vector<model::User> setup_users(const RunConfig& config);
// Creates the workload mailboxes and APPENDs the initial messages through the model's own commands.
void setup_store(model::Model& model, const RunConfig& config);
AgentConfig agent_config_for(const RunConfig& config, ClientId client);
// A small RFC 822 message, different for each (seed, n), of at most `bytes_max` bytes.
std::string make_message(Rng& rng, std::uint32_t n, std::uint32_t bytes_max);

}  // namespace imaplab::sim
