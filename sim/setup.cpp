// Building the starting state of a simulated run (sim/setup.hpp).
#include "sim/setup.hpp"

#include <stdexcept>
#include <variant>

#include "proto/command_parser.hpp"
#include "proto/writer.hpp"

namespace imaplab::sim {
namespace {

std::string user_name(std::uint32_t i) { return "user" + std::to_string(i); }
std::string password(std::uint32_t i) { return "pass" + std::to_string(i); }

// Runs one setup command; setup must succeed, so anything but OK is a bug in imaplab itself.
void run(model::Model& model, model::SessionId session, const proto::Command& command) {
  auto outcome = model.execute(session, command);
  const auto& last = outcome.responses.back();
  const auto* status = std::get_if<proto::StatusResponse>(&last.body);
  if (!status || status->condition != proto::Condition::Ok || last.untagged)
    throw std::logic_error("simulation setup failed: " + proto::write_command(command) + " -> " +
                           proto::write_response(last));
}

void run(model::Model& model, model::SessionId session, const std::string& line) {
  auto parsed = proto::parse_command(line + "\r\n");
  if (!std::holds_alternative<proto::Command>(parsed))
    throw std::logic_error("simulation setup: bad command " + line);
  run(model, session, std::get<proto::Command>(parsed));
}

void append(model::Model& model, model::SessionId session, const std::string& mailbox, std::string message) {
  proto::Command c;
  c.tag = "s";
  c.kind = proto::CommandKind::Append;
  proto::AppendArgs args;
  args.mailbox = mailbox;
  args.message = std::move(message);
  c.args = std::move(args);
  run(model, session, c);
}

}  // namespace

std::vector<model::User> setup_users(const RunConfig& config) {
  std::vector<model::User> users;
  for (std::uint32_t i = 1; i <= config.users; ++i) users.push_back({user_name(i), password(i)});
  return users;
}

std::string make_message(Rng& rng, std::uint32_t n, std::uint32_t bytes_max) {
  static const char* words[] = {"race", "expunge", "fetch", "store", "notify", "rename", "mailbox", "flag"};
  std::string subject = std::string(words[rng.below(8)]) + " " + std::to_string(n);
  std::string m = "From: Sim Sender <sender" + std::to_string(rng.below(10)) + "@example.org>\r\n"
                  "To: user@example.org\r\n"
                  "Subject: " + subject + "\r\n"
                  "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
                  "Message-ID: <" + std::to_string(rng.next()) + "@imaplab>\r\n"
                  "\r\n";
  std::uint32_t body = static_cast<std::uint32_t>(rng.below(bytes_max > m.size() ? bytes_max - m.size() : 1));
  while (body > 0) {
    std::string w = words[rng.below(8)];
    if (w.size() + 1 > body) break;
    m += w;
    m += (rng.below(8) == 0) ? "\r\n" : " ";
    body -= static_cast<std::uint32_t>(w.size() + 1);
  }
  m += "\r\n";
  return m;
}

void setup_store(model::Model& model, const RunConfig& config) {
  Rng rng(config.seed ^ 0x5E7u);
  std::uint32_t n = 0;
  for (std::uint32_t u = 1; u <= config.users; ++u) {
    auto session = model.connect();
    run(model, session, "s LOGIN " + user_name(u) + " " + password(u));
    run(model, session, "s CREATE work");
    for (const char* box : {"INBOX", "work"})
      for (std::uint32_t i = 0; i < config.initial_messages; ++i)
        append(model, session, box, make_message(rng, ++n, config.message_bytes_max));
    if (u == 1) {
      for (std::uint32_t s = 1; s <= config.shared_mailboxes; ++s) {
        std::string box = "shared/box" + std::to_string(s);
        run(model, session, "s CREATE " + box);
        for (std::uint32_t other = 2; other <= config.users; ++other)
          run(model, session, "s SETACL " + box + " " + user_name(other) + " lrswipkxte");
        for (std::uint32_t i = 0; i < config.initial_messages; ++i)
          append(model, session, box, make_message(rng, ++n, config.message_bytes_max));
      }
    }
    run(model, session, "s LOGOUT");
    model.disconnect(session);
  }
}

AgentConfig agent_config_for(const RunConfig& config, ClientId client) {
  AgentConfig a;
  a.id = client;
  std::uint32_t u = (client - 1) % config.users + 1;
  a.user = user_name(u);
  a.password = password(u);
  a.mailboxes = config.mailboxes();
  a.mix = config.mix;
  a.max_pipeline = config.max_pipeline;
  a.message_bytes_max = config.message_bytes_max;
  // Which clients ignore LITERAL+: a hash of seed and client (no Rng of the run), so a replay agrees.
  Rng pick(config.seed ^ (0xC0DE5EEDull * client));
  a.synchronizing_literals = pick.below(1000) < config.literal_sync_permille;
  a.idle_bad_end_permille = config.idle_bad_end_permille;
  a.done_pipeline_permille = config.done_pipeline_permille;
  a.done_case_permille = config.done_case_permille;
  a.bad_command_permille = config.bad_command_permille;
  a.decision_seed = config.seed;
  return a;
}

}  // namespace imaplab::sim
