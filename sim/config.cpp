// Swarm configuration of a run and its key=value form in trace headers.
#include "sim/config.hpp"

#include <charconv>
#include <iterator>

namespace imaplab::sim {
namespace {

// An explicit `clients` (hunt --clients, trace headers) may go well past the swarm's draw of 2-16: the client
// scaling benchmark runs 1,000 (docs/performance.md).
constexpr std::uint32_t clients_max = 1000;

// The command mix as an ordered list of (name, field) so it prints and parses in one fixed order.
struct MixField {
  const char* name;
  std::uint32_t CommandMix::*field;
};
constexpr MixField mix_fields[] = {
    {"select", &CommandMix::select},   {"examine", &CommandMix::examine},
    {"fetch", &CommandMix::fetch},     {"uid_fetch", &CommandMix::uid_fetch},
    {"store", &CommandMix::store},     {"uid_store", &CommandMix::uid_store},
    {"search", &CommandMix::search},   {"copy", &CommandMix::copy},
    {"move", &CommandMix::move},       {"append", &CommandMix::append},
    {"expunge", &CommandMix::expunge}, {"uid_expunge", &CommandMix::uid_expunge},
    {"close", &CommandMix::close},     {"create", &CommandMix::create},
    {"delete", &CommandMix::del},      {"rename", &CommandMix::rename},
    {"subscribe", &CommandMix::subscribe}, {"list", &CommandMix::list},
    {"status", &CommandMix::status},   {"noop", &CommandMix::noop},
    {"check", &CommandMix::check},     {"idle", &CommandMix::idle},
    {"notify", &CommandMix::notify},   {"logout", &CommandMix::logout},
    {"acl", &CommandMix::acl},
};

template <typename T>
bool parse_number(const std::string& text, T& out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

bool parse_double(const std::string& text, double& out) {
  // Probabilities are written as per-mille integers to keep traces free of locale and rounding issues.
  std::uint32_t permille = 0;
  if (!parse_number(text, permille) || permille > 1000) return false;
  out = permille / 1000.0;
  return true;
}
std::string permille(double p) { return std::to_string(static_cast<std::uint32_t>(p * 1000 + 0.5)); }

std::string mix_text(const CommandMix& mix) {
  std::string s;
  for (const auto& f : mix_fields) {
    if (!s.empty()) s += ',';
    s += f.name;
    s += ':';
    s += std::to_string(mix.*f.field);
  }
  return s;
}

bool parse_mix(const std::string& text, CommandMix& mix) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(pos, comma - pos);
    std::size_t colon = item.find(':');
    if (colon == std::string::npos) return false;
    std::string name = item.substr(0, colon);
    bool found = false;
    for (const auto& f : mix_fields) {
      if (name == f.name) {
        found = parse_number(item.substr(colon + 1), mix.*f.field);
        break;
      }
    }
    if (!found) return false;
    pos = comma + 1;
  }
  return true;
}

// A swarm draw of the command mix: each command is left out with some chance, and weights vary widely, so
// different runs stress different interleavings (Groce et al., "Swarm Testing", ISSTA 2012).
CommandMix swarm_mix(Rng& rng) {
  CommandMix mix;
  for (const auto& f : mix_fields) {
    std::uint32_t base = mix.*f.field;
    if (base == 0) continue;
    mix.*f.field = rng.chance(0.2) ? 0 : static_cast<std::uint32_t>(1 + rng.below(base * 2));
  }
  return mix;
}

// The weight of ACL commands (RFC 4314), drawn from its own stream so that adding it changed no other field of
// any seed's draw. Only runs with another user to take rights from and a shared mailbox to take them on get
// it (ACC-2); elsewhere it stays 0, which leaves the commands of those runs as they were.
std::uint32_t swarm_acl_weight(std::uint64_t seed, const RunConfig& c) {
  constexpr std::uint32_t acl_weight_max = 3;  // of a mix whose weights sum to about 70: rare, as DELETE is
  if (c.users < 2 || c.shared_mailboxes == 0) return 0;
  Rng rng(seed ^ 0xAC1AC1AC1ull);
  return rng.chance(0.25) ? 0 : 1 + static_cast<std::uint32_t>(rng.below(acl_weight_max));
}

// The weight of LOGOUT, from its own stream as the ACL weight is. A client that logs out is gone for the rest of
// the run (the world does not reconnect), so only a quarter of the runs get it, with the smallest weight: enough
// for the session rule SES-1 (BYE before the tagged OK, RFC 3501 §6.1.3) to be exercised by hunts.
std::uint32_t swarm_logout_weight(std::uint64_t seed) {
  constexpr double logout_runs_share = 0.25;
  Rng rng(seed ^ 0x106007ull);
  return rng.chance(logout_runs_share) ? 1 : 0;
}

// The share of clients that send synchronizing literals, and of IDLEs ended by a line other than DONE, each
// from its own stream as the ACL weight is, so no other field of any seed's draw changed. A quarter of the runs
// get each: without them no client ever waits for "+" (the server advertises LITERAL+, RFC 7888) or sends
// anything but DONE in IDLE, and a server that forgets either (SES-2, NTF-1) goes unseen.
std::uint32_t swarm_literal_sync_permille(std::uint64_t seed) {
  constexpr double literal_sync_runs_share = 0.25;
  constexpr std::uint32_t shares_permille[] = {250, 500, 1000};
  Rng rng(seed ^ 0x5E9C117E2A1ull);
  if (!rng.chance(literal_sync_runs_share)) return 0;
  return shares_permille[rng.below(std::size(shares_permille))];
}

std::uint32_t swarm_idle_bad_end_permille(std::uint64_t seed) {
  constexpr double idle_bad_end_runs_share = 0.25;
  constexpr std::uint32_t idle_bad_end_permille = 200;  // of the IDLEs of such a run
  Rng rng(seed ^ 0x1D1EBADD0E5ull);
  return rng.chance(idle_bad_end_runs_share) ? idle_bad_end_permille : 0;
}

// Commands pipelined behind DONE, and unparseable tagged lines, each in a quarter of the runs from its own
// stream: without them a server that stops reading after DONE, or that answers a parse error untagged, goes
// unseen (SES-2).
std::uint32_t swarm_done_pipeline_permille(std::uint64_t seed) {
  constexpr double done_pipeline_runs_share = 0.25;
  constexpr std::uint32_t done_pipeline_permille = 300;  // of the IDLEs ended by DONE in such a run
  Rng rng(seed ^ 0xD0E919E11Eull);
  return rng.chance(done_pipeline_runs_share) ? done_pipeline_permille : 0;
}

// DONE in lower or mixed case, in a quarter of the runs from its own stream: without it every IDLE ends with
// "DONE" and a server that matches it case-sensitively goes unseen (RFC 3501 §9; SES-2 sees the IDLE hang).
std::uint32_t swarm_done_case_permille(std::uint64_t seed) {
  constexpr double done_case_runs_share = 0.25;
  constexpr std::uint32_t done_case_permille = 300;  // of the IDLEs ended by DONE in such a run
  Rng rng(seed ^ 0xD0E0CA5Eull);
  return rng.chance(done_case_runs_share) ? done_case_permille : 0;
}

std::uint32_t swarm_bad_command_permille(std::uint64_t seed) {
  constexpr double bad_commands_runs_share = 0.25;
  constexpr std::uint32_t bad_command_permille = 20;  // of the commands of such a run
  Rng rng(seed ^ 0xBADC0FFEEull);
  return rng.chance(bad_commands_runs_share) ? bad_command_permille : 0;
}

}  // namespace

RunConfig RunConfig::swarm(std::uint64_t seed, const std::map<std::string, std::string>& fixed) {
  Rng rng(seed ^ 0x5157A2C0FFEEull);
  RunConfig c;
  c.seed = seed;
  c.strategy = rng.chance(0.5) ? "random" : "pct";
  auto policies = model::Policy::all();
  c.policy = policies[rng.below(policies.size())];
  c.clients = 2 + static_cast<std::uint32_t>(rng.below(rng.chance(0.7) ? 4 : 15));
  if (c.clients > 16) c.clients = 16;
  c.users = 1 + static_cast<std::uint32_t>(rng.below(2));
  c.shared_mailboxes = static_cast<std::uint32_t>(rng.below(3));
  c.initial_messages = static_cast<std::uint32_t>(rng.below(rng.chance(0.8) ? 12 : 200));
  c.message_bytes_max = 200 + static_cast<std::uint32_t>(rng.below(2000));
  c.commands = 50 + rng.below(400);
  c.max_pipeline = 1 + static_cast<std::uint32_t>(rng.below(4));
  c.download_window_bytes = rng.chance(0.2) ? 256 + static_cast<std::uint32_t>(rng.below(4096)) : 1u << 20;
  c.mix = swarm_mix(rng);
  c.strategy_options.segment_chance = rng.chance(0.5) ? 0.0 : 0.05 * static_cast<double>(1 + rng.below(10));
  c.strategy_options.drop_chance = rng.chance(0.8) ? 0.0 : 0.0005;
  c.strategy_options.pct_depth = 2 + static_cast<std::uint32_t>(rng.below(4));
  c.strategy_options.pct_steps = c.commands * 40;
  c.buggify = rng.chance(0.25);
  if (!fixed.empty()) {
    auto f = c.fields();
    for (const auto& [k, v] : fixed) f[k] = v;
    if (auto parsed = from_fields(f)) c = *parsed;
  }
  if (fixed.count("mix") == 0) {
    c.mix.acl = swarm_acl_weight(seed, c);
    c.mix.logout = swarm_logout_weight(seed);
  }
  if (fixed.count("literal_sync") == 0) c.literal_sync_permille = swarm_literal_sync_permille(seed);
  if (fixed.count("idle_bad_end") == 0) c.idle_bad_end_permille = swarm_idle_bad_end_permille(seed);
  if (fixed.count("done_pipeline") == 0) c.done_pipeline_permille = swarm_done_pipeline_permille(seed);
  if (fixed.count("bad_commands") == 0) c.bad_command_permille = swarm_bad_command_permille(seed);
  if (fixed.count("done_case") == 0) c.done_case_permille = swarm_done_case_permille(seed);
  return c;
}

std::map<std::string, std::string> RunConfig::fields() const {
  std::map<std::string, std::string> f{
      {"seed", std::to_string(seed)},
      {"strategy", strategy},
      {"policy", policy.to_string()},
      {"clients", std::to_string(clients)},
      {"users", std::to_string(users)},
      {"shared", std::to_string(shared_mailboxes)},
      {"messages", std::to_string(initial_messages)},
      {"message_bytes", std::to_string(message_bytes_max)},
      {"commands", std::to_string(commands)},
      {"pipeline", std::to_string(max_pipeline)},
      {"window", std::to_string(download_window_bytes)},
      {"mix", mix_text(mix)},
      {"segment_permille", permille(strategy_options.segment_chance)},
      {"drop_permille", permille(strategy_options.drop_chance * 1000)},  // per-mille of a per-mille
      {"pct_depth", std::to_string(strategy_options.pct_depth)},
      {"pct_steps", std::to_string(strategy_options.pct_steps)},
  };
  // Written only when set, so traces recorded before these fields existed keep their meaning.
  if (!bugs.empty()) f["bugs"] = bugs.to_string();
  if (buggify) f["buggify"] = "1";
  if (literal_sync_permille != 0) f["literal_sync"] = std::to_string(literal_sync_permille);
  if (idle_bad_end_permille != 0) f["idle_bad_end"] = std::to_string(idle_bad_end_permille);
  if (done_pipeline_permille != 0) f["done_pipeline"] = std::to_string(done_pipeline_permille);
  if (bad_command_permille != 0) f["bad_commands"] = std::to_string(bad_command_permille);
  if (done_case_permille != 0) f["done_case"] = std::to_string(done_case_permille);
  return f;
}

std::optional<RunConfig> RunConfig::from_fields(const std::map<std::string, std::string>& fields,
                                                std::string* error) {
  RunConfig c;
  for (const auto& [key, value] : fields) {
    bool ok = true;
    if (key == "seed") ok = parse_number(value, c.seed);
    else if (key == "strategy") { c.strategy = value; ok = value == "random" || value == "pct"; }
    else if (key == "policy") {
      auto p = model::Policy::parse(value, error);
      ok = p.has_value();
      if (ok) c.policy = *p;
    }
    else if (key == "clients") ok = parse_number(value, c.clients) && c.clients >= 1 && c.clients <= clients_max;
    else if (key == "users") ok = parse_number(value, c.users) && c.users >= 1;
    else if (key == "shared") ok = parse_number(value, c.shared_mailboxes);
    else if (key == "messages") ok = parse_number(value, c.initial_messages);
    else if (key == "message_bytes") ok = parse_number(value, c.message_bytes_max) && c.message_bytes_max >= 64;
    else if (key == "commands") ok = parse_number(value, c.commands);
    else if (key == "pipeline") ok = parse_number(value, c.max_pipeline) && c.max_pipeline >= 1;
    else if (key == "window") ok = parse_number(value, c.download_window_bytes) && c.download_window_bytes >= 1;
    else if (key == "mix") ok = parse_mix(value, c.mix);
    else if (key == "segment_permille") ok = parse_double(value, c.strategy_options.segment_chance);
    else if (key == "drop_permille") {
      ok = parse_double(value, c.strategy_options.drop_chance);
      c.strategy_options.drop_chance /= 1000;
    }
    else if (key == "pct_depth") ok = parse_number(value, c.strategy_options.pct_depth) && c.strategy_options.pct_depth >= 1;
    else if (key == "pct_steps") ok = parse_number(value, c.strategy_options.pct_steps) && c.strategy_options.pct_steps >= 1;
    else if (key == "bugs") {
      auto set = model::BugSet::parse(value, error);
      ok = set.has_value();
      if (ok) c.bugs = *set;
    }
    else if (key == "buggify") { ok = value == "0" || value == "1"; c.buggify = value == "1"; }
    else if (key == "literal_sync") ok = parse_number(value, c.literal_sync_permille) && c.literal_sync_permille <= 1000;
    else if (key == "idle_bad_end") ok = parse_number(value, c.idle_bad_end_permille) && c.idle_bad_end_permille <= 1000;
    else if (key == "done_pipeline") ok = parse_number(value, c.done_pipeline_permille) && c.done_pipeline_permille <= 1000;
    else if (key == "bad_commands") ok = parse_number(value, c.bad_command_permille) && c.bad_command_permille <= 1000;
    else if (key == "done_case") ok = parse_number(value, c.done_case_permille) && c.done_case_permille <= 1000;
    else {
      if (error) *error = "unknown configuration key '" + key + "'";
      return std::nullopt;
    }
    if (!ok) {
      if (error && error->empty()) *error = "bad value for " + key + ": '" + value + "'";
      return std::nullopt;
    }
  }
  return c;
}

std::vector<std::string> RunConfig::mailboxes() const {
  std::vector<std::string> names{"INBOX", "work"};
  for (std::uint32_t i = 1; i <= shared_mailboxes; ++i) names.push_back("shared/box" + std::to_string(i));
  return names;
}

}  // namespace imaplab::sim
