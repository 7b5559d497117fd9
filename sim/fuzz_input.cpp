// The fuzz input decoder and runner of sim/fuzz_input.hpp, and the `session` target's differential against
// a fresh model. Byte meanings are listed in docs/fuzzing.md, "Input format"; keep the two in step.
#include "sim/fuzz_input.hpp"

#include <algorithm>
#include <array>
#include <variant>
#include <vector>

#include "proto/command_parser.hpp"
#include "proto/writer.hpp"
#include "sim/setup.hpp"

namespace imaplab::sim {
namespace {

// Header byte offsets (docs/fuzzing.md). Never renumber: stored corpora depend on them.
constexpr std::size_t clients_at = 0;
constexpr std::size_t policy_at = 1;
constexpr std::size_t messages_at = 2;
constexpr std::size_t commands_at = 3;
constexpr std::size_t pipeline_at = 4;
constexpr std::size_t flags_at = 5;
constexpr std::size_t window_at = 6;
constexpr std::size_t message_bytes_at = 7;
constexpr std::size_t mix_at = 8;  // 12 bytes: 24 weights of 4 bits, mix_order below

constexpr std::uint8_t flag_faults = 0x01;
constexpr std::uint8_t flag_two_users = 0x02;
constexpr std::uint8_t flag_small_window = 0x10;
constexpr std::uint8_t flag_buggify = 0x20;
constexpr std::uint32_t pipeline_max = 3;
constexpr std::uint32_t small_window_min_bytes = 256;
constexpr std::uint32_t small_window_step_bytes = 16;
constexpr std::uint32_t message_bytes_min = 64;
constexpr std::uint32_t shared_mailboxes_max = 2;

// The command mix in header order: one nibble each, low nibble first.
constexpr std::array<std::uint32_t CommandMix::*, 24> mix_order = {
    &CommandMix::select,  &CommandMix::examine, &CommandMix::fetch,     &CommandMix::uid_fetch,
    &CommandMix::store,   &CommandMix::uid_store, &CommandMix::search,  &CommandMix::copy,
    &CommandMix::move,    &CommandMix::append,  &CommandMix::expunge,   &CommandMix::uid_expunge,
    &CommandMix::close,   &CommandMix::create,  &CommandMix::del,       &CommandMix::rename,
    &CommandMix::subscribe, &CommandMix::list,  &CommandMix::status,    &CommandMix::noop,
    &CommandMix::check,   &CommandMix::idle,    &CommandMix::notify,    &CommandMix::logout,
};
static_assert(mix_at + mix_order.size() / 2 == fuzz_header_bytes);

// The floors a `notify` run puts under the decoded mix: watchers and the changes they watch.
struct MixFloor {
  std::uint32_t CommandMix::*field;
  std::uint32_t weight;
};
constexpr std::array<MixFloor, 10> notify_floors = {{
    {&CommandMix::notify, 8}, {&CommandMix::idle, 3}, {&CommandMix::select, 2}, {&CommandMix::create, 2},
    {&CommandMix::rename, 2}, {&CommandMix::del, 2},  {&CommandMix::append, 3}, {&CommandMix::expunge, 2},
    {&CommandMix::store, 2},  {&CommandMix::subscribe, 1},
}};

// The canary's floors: two or three clients selecting, fetching, flagging \Deleted and expunging, so the
// planted race (canary_bugs) is a few mutations away from any input.
constexpr std::array<MixFloor, 6> canary_floors = {{
    {&CommandMix::select, 3}, {&CommandMix::fetch, 8}, {&CommandMix::store, 6}, {&CommandMix::expunge, 6},
    {&CommandMix::append, 2}, {&CommandMix::noop, 2},
}};
constexpr std::uint32_t canary_initial_messages_min = 2;
constexpr std::uint64_t canary_commands_min = 16;  // room for LOGIN, SELECT, STORE \Deleted, EXPUNGE, FETCH

// FNV-1a over the header: the run's seed (message contents, the server's Random), stable across builds.
std::uint64_t header_seed(const std::array<std::uint8_t, fuzz_header_bytes>& header) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const std::uint8_t b : header) h = (h ^ b) * 0x100000001b3ull;
  return h;
}

CommandMix decode_mix(const std::array<std::uint8_t, fuzz_header_bytes>& header, FuzzTarget target) {
  CommandMix mix;
  bool any = false;
  for (std::size_t i = 0; i < mix_order.size(); ++i) {
    const std::uint8_t b = header[mix_at + i / 2];
    mix.*mix_order[i] = (i % 2 == 0) ? (b & 0x0fu) : (b >> 4);
    any = any || mix.*mix_order[i] != 0;
  }
  // An all-zero mix (a short input) would leave the agents nothing to generate: use the default mix.
  if (!any) mix = CommandMix{};
  // LOGOUT ends a client for the rest of the run; keep it rare so short inputs still race.
  mix.logout /= 4;
  if (target == FuzzTarget::Notify)
    for (const MixFloor& f : notify_floors) mix.*f.field = std::max(mix.*f.field, f.weight);
  if (target == FuzzTarget::Canary)
    for (const MixFloor& f : canary_floors) mix.*f.field = std::max(mix.*f.field, f.weight);
  return mix;
}

std::uint32_t decode_clients(std::uint8_t b, FuzzTarget target) {
  switch (target) {
    case FuzzTarget::Session: return 1;
    case FuzzTarget::Notify: return 2 + b % (fuzz_clients_max - 1);
    case FuzzTarget::Canary: return 2 + b % 2;
    case FuzzTarget::World: break;
  }
  return 1 + b % fuzz_clients_max;
}

// The continuation request "+ ..." is transport detail the model does not produce.
bool is_continuation(const proto::Response& r) { return std::holds_alternative<proto::ContinuationData>(r.body); }

std::string strip_crlf(std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// The reference side of the differential: replays client 1's lines against a fresh model.
class SessionReference {
 public:
  explicit SessionReference(const RunConfig& config)
      : model_(config.policy, setup_users(config), model::ModelOptions{.bugs = config.bugs}) {
    setup_store(model_, config);
    session_ = model_.connect();
    add(model_.greeting(session_));
  }

  // One line the client sent: a command, or the raw line IDLE or AUTHENTICATE waits for. False once the
  // reference cannot follow (an unparseable line: the lab's clients send none).
  bool feed(const std::string& bytes) {
    if (closed_) return true;
    model::Outcome outcome;
    if (waiting_ == Waiting::Auth) {
      outcome = model_.authenticate_data(session_, tag_, strip_crlf(bytes));
    } else if (waiting_ == Waiting::Idle) {
      outcome = model_.idle_done(session_, tag_);
    } else {
      auto parsed = proto::parse_command(bytes);
      const auto* command = std::get_if<proto::Command>(&parsed);
      if (!command) return false;
      tag_ = command->tag;
      outcome = model_.execute(session_, *command);
    }
    waiting_ = outcome.next == model::Outcome::Next::Idle           ? Waiting::Idle
               : outcome.next == model::Outcome::Next::AuthContinue ? Waiting::Auth
                                                                    : Waiting::None;
    closed_ = outcome.next == model::Outcome::Next::Close;
    for (const auto& r : outcome.responses) add(r);
    return true;
  }
  const std::vector<std::string>& expected() const { return expected_; }

 private:
  enum class Waiting { None, Idle, Auth };
  void add(const proto::Response& r) {
    if (!is_continuation(r)) expected_.push_back(proto::write_response(r));
  }
  model::Model model_;
  model::SessionId session_ = 0;
  Waiting waiting_ = Waiting::None;
  std::string tag_;
  bool closed_ = false;
  std::vector<std::string> expected_;
};

Violation diff_violation(std::size_t index, const std::string& server, const std::string& model) {
  Violation v;
  v.rule = session_diff_rule;
  v.rfc = "RFC 3501 §7";
  v.message = "reply " + std::to_string(index + 1) + " differs from the reference model's: server '" +
              escape_bytes(server) + "', model '" + escape_bytes(model) + "'";
  return v;
}

bool is_untagged_bye(const std::string& wire) { return wire.rfind("* BYE", 0) == 0; }

}  // namespace

std::optional<FuzzTarget> parse_fuzz_target(std::string_view name) {
  if (name == "world") return FuzzTarget::World;
  if (name == "session") return FuzzTarget::Session;
  if (name == "notify") return FuzzTarget::Notify;
  if (name == "canary") return FuzzTarget::Canary;
  return std::nullopt;
}

const char* fuzz_target_name(FuzzTarget target) {
  switch (target) {
    case FuzzTarget::World: return "world";
    case FuzzTarget::Session: return "session";
    case FuzzTarget::Notify: return "notify";
    case FuzzTarget::Canary: return "canary";
  }
  return "world";
}

model::BugSet canary_bugs() {
  model::BugSet bugs;
  bugs.add(model::Bug::ExpungeDuringFetch);
  return bugs;
}

FuzzCase decode_fuzz_input(FuzzTarget target, const std::uint8_t* data, std::size_t size) {
  std::array<std::uint8_t, fuzz_header_bytes> h{};
  const std::size_t header_size = std::min(size, fuzz_header_bytes);
  std::copy(data, data + header_size, h.begin());

  FuzzCase fc;
  RunConfig& c = fc.config;
  c.seed = header_seed(h);
  c.strategy = "random";  // the header needs one of its names; the byte strategy's picks are the choices
  const auto policies = model::Policy::all();
  c.policy = policies[h[policy_at] % policies.size()];
  c.clients = decode_clients(h[clients_at], target);
  c.users = (h[flags_at] & flag_two_users) && c.clients > 1 ? 2 : 1;
  c.shared_mailboxes = static_cast<std::uint32_t>((h[flags_at] >> 2) % (shared_mailboxes_max + 1));
  if (target == FuzzTarget::Notify) c.shared_mailboxes = std::max<std::uint32_t>(c.shared_mailboxes, 1);
  c.initial_messages = h[messages_at] % (fuzz_initial_messages_max + 1);
  c.message_bytes_max = message_bytes_min + h[message_bytes_at] % (fuzz_message_bytes_max - message_bytes_min + 1);
  c.commands = fuzz_commands_min + h[commands_at] % (fuzz_commands_max - fuzz_commands_min + 1);
  c.max_pipeline = 1 + h[pipeline_at] % pipeline_max;
  const bool small_window = (h[flags_at] & flag_small_window) && target != FuzzTarget::Session;
  c.download_window_bytes = small_window ? small_window_min_bytes + h[window_at] * small_window_step_bytes : 1u << 20;
  c.mix = decode_mix(h, target);
  c.strategy_options.segment_chance = 0;
  c.strategy_options.drop_chance = 0;
  c.buggify = (h[flags_at] & flag_buggify) != 0;
  if (target == FuzzTarget::Canary) {
    c.bugs = canary_bugs();
    c.initial_messages = std::max(c.initial_messages, canary_initial_messages_min);
    c.commands = std::max(c.commands, canary_commands_min);
    c.users = 1;  // one user and no shared mailboxes: the clients meet in INBOX or work
    c.shared_mailboxes = 0;
  }
  // The session differential compares with a model that has no faults and no BUGGIFY.
  fc.faults = (h[flags_at] & flag_faults) && target != FuzzTarget::Session;
  if (target == FuzzTarget::Session) c.buggify = false;

  fc.stream = data + header_size;
  fc.stream_size = size - header_size;
  return fc;
}

RunResult run_fuzz_input(FuzzTarget target, const std::uint8_t* data, std::size_t size, bool record_trace) {
  return run_fuzz_case(target, decode_fuzz_input(target, data, size), record_trace);
}

RunResult run_fuzz_case(FuzzTarget target, const FuzzCase& fc, bool record_trace) {
  ByteSource input(fc.stream, fc.stream_size);
  RunOptions options;
  options.input = &input;
  options.input_faults = fc.faults;
  options.max_steps = fuzz_steps_max;
  // The differential reads the transcript from the trace.
  options.record_trace = record_trace || target == FuzzTarget::Session;
  RunResult result = run_simulation(fc.config, options);
  if (target == FuzzTarget::Session && !result.violation) {
    if (auto v = session_differential(result.trace, result.stats.steps < fuzz_steps_max)) {
      result.trace.outcome = v->rule;
      result.trace.outcome_detail = v->rule + " (" + v->rfc + "): " + v->message;
      result.violation = std::move(v);
    }
  }
  return result;
}

std::optional<Violation> session_differential(const Trace& trace, bool complete) {
  SessionReference reference(trace.config);
  std::vector<std::string> received;
  for (const TraceLine& line : trace.lines) {
    if (line.client != 1) continue;
    if (line.kind == TraceLine::Kind::Client && !reference.feed(line.bytes)) return std::nullopt;
    if (line.kind == TraceLine::Kind::Server && line.bytes.rfind("+", 0) != 0) received.push_back(line.bytes);
  }
  const auto& expected = reference.expected();
  for (std::size_t i = 0; i < received.size(); ++i) {
    const std::string& want = i < expected.size() ? expected[i] : std::string("(nothing)");
    if (received[i] == want) continue;
    // A server-initiated end (autologout after a long virtual wait, RFC 3501 §5.4) is the server's own; the
    // model, which has no clock, cannot predict it. Nothing after it is compared.
    if (is_untagged_bye(received[i]) && !is_untagged_bye(want)) return std::nullopt;
    return diff_violation(i, received[i], want);
  }
  if (complete && received.size() < expected.size())
    return diff_violation(received.size(), "(nothing)", expected[received.size()]);
  return std::nullopt;
}

}  // namespace imaplab::sim
