// ClientAgent (sim/agent.hpp): a sans-I/O IMAP client. It reads responses through proto::ResponseParser,
// keeps its view of the selected mailbox from what it was told, decides what may be sent under RFC 3501 §5.5
// (SEQ-13) and RFC 5465 §5.3 (NTF-6), and writes commands through proto's writer. What to send comes from
// the Workload (generated mode) or from a script (replay mode); every random decision uses the caller's Rng.
#include "sim/agent.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "proto/response_parser.hpp"
#include "proto/writer.hpp"
#include "sim/workload.hpp"

namespace imaplab::sim {
namespace {

using proto::Command;
using proto::CommandKind;
using proto::Response;

constexpr std::uint32_t login_attempts_max = 3;   // failed LOGINs before the agent gives up with LOGOUT
constexpr std::size_t tag_digits_min = 3;         // "A001": the RFC examples' look
// IDLE in generated mode (RFC 2177): after "+" the agent wants to send DONE once it has seen the number of
// untagged responses drawn when IDLE was sent (index = count, weights below). next() sends DONE whenever it is
// called during IDLE, so a caller may also end an IDLE on a timer of its own; the same holds for scripts, which
// keeps a replayed trace (the same calls of next()) byte-identical to the run that recorded it.
constexpr std::array<std::uint32_t, 3> idle_wait_weights = {50, 35, 15};
constexpr double authenticate_chance = 0.3;       // AUTHENTICATE PLAIN instead of LOGIN, when offered
// Lines that end an IDLE without being DONE (AgentConfig::idle_bad_end_permille): a command sent by a client
// that forgot it was idling, with no tag as a confused client's writer might leave it, a SASL cancel, and a
// misspelt DONE. None parses as a tagged command, so a trace's scripts never take one for a command.
constexpr std::array<const char*, 3> idle_bad_end_lines = {"NOOP", "*", "DONE."};
constexpr std::uint32_t permille_scale = 1000;
// Tagged lines a careless client sends (AgentConfig::bad_command_permille): an unknown command, a command
// without its argument, an unbalanced parenthesis, LIST with one argument of two. Each has a tag the server can
// find, so each is owed a tagged BAD (RFC 3501 §7.1.3). None holds a literal or a sequence number.
constexpr std::array<std::string_view, 4> bad_line_bodies = {"FROBNICATE", "SELECT", "STATUS INBOX (MESSAGES",
                                                             "LIST \"\""};
// Salts of the per-IDLE and per-command decisions (XORed into the hash's start; 0 is idle_bad_end's).
constexpr std::uint64_t done_pipeline_salt = 0xD0E919E11Eull;
constexpr std::uint64_t bad_command_salt = 0xBADC0FFEEull;
constexpr std::uint64_t done_case_salt = 0xD0E0CA5Eull;
// DONE as a client may write it (AgentConfig::done_case_permille): RFC 3501 §9 makes the ABNF's strings
// case-insensitive, so a server must end IDLE on each (RFC 2177 §3).
constexpr std::array<const char*, 2> done_case_lines = {"done", "Done"};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'a' && x <= 'z' ? x - 32 : x) == (y >= 'a' && y <= 'z' ? y - 32 : y);
         });
}

std::string base64(std::string_view in) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i]) << 16 |
                                              static_cast<unsigned char>(in[i + 1]) << 8 |
                                              static_cast<unsigned char>(in[i + 2]));
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i]) << 16);
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(in[i]) << 16 |
                                              static_cast<unsigned char>(in[i + 1]) << 8);
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// Server capabilities the agent acts on (RFC 3501 §7.2.1 and the extensions' names).
struct Capabilities {
  bool known = false;
  bool condstore = false, idle = false, notify = false, move = false, uidplus = false, unselect = false,
       literal_plus = false, list_extended = false, list_status = false, sasl_ir = false, auth_plain = false,
       login_disabled = false;

  void set(const std::vector<std::string>& atoms) {
    *this = Capabilities{};
    known = true;
    for (const std::string& a : atoms) {
      condstore |= iequals(a, "CONDSTORE") || iequals(a, "QRESYNC");
      idle |= iequals(a, "IDLE");
      notify |= iequals(a, "NOTIFY");
      move |= iequals(a, "MOVE");
      uidplus |= iequals(a, "UIDPLUS");
      unselect |= iequals(a, "UNSELECT");
      literal_plus |= iequals(a, "LITERAL+");
      list_extended |= iequals(a, "LIST-EXTENDED");
      list_status |= iequals(a, "LIST-STATUS");
      sasl_ir |= iequals(a, "SASL-IR");
      auth_plain |= iequals(a, "AUTH=PLAIN");
      login_disabled |= iequals(a, "LOGINDISABLED");
    }
  }
};

// A command sent whose tagged reply has not arrived.
struct InFlight {
  std::string tag;
  CommandKind kind = CommandKind::Noop;
  PipelineClass pipeline = PipelineClass::Free;
  bool forbids_expunge = false;
  bool auto_uid_fetch = false;     // the agent's own "UID FETCH n:* (UID FLAGS)"
  bool uid_only_before = false;    // NOTIFY: NTF-6 state to restore if the command fails
  std::optional<Command> detail;   // SELECT/EXAMINE/CREATE/DELETE/RENAME/NOTIFY: needed at completion
};

}  // namespace

std::optional<proto::Command> bad_line_command(std::string_view bytes) {
  if (!bytes.ends_with("\r\n")) return std::nullopt;
  const std::string_view line = bytes.substr(0, bytes.size() - 2);
  if (line.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos || space < 2 || line[0] != 'A') return std::nullopt;
  const std::string_view tag = line.substr(0, space);
  if (!std::all_of(tag.begin() + 1, tag.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return std::nullopt;
  const std::string_view body = line.substr(space + 1);
  if (std::find(bad_line_bodies.begin(), bad_line_bodies.end(), body) == bad_line_bodies.end()) return std::nullopt;
  Command c;
  c.tag = std::string(tag);
  c.kind = CommandKind::Noop;
  c.args = proto::MailboxArgs{std::string(line), false};
  return c;
}

const std::string* bad_line_text(const proto::Command& command) {
  const auto* a = std::get_if<proto::MailboxArgs>(&command.args);
  return command.kind == CommandKind::Noop && a != nullptr ? &a->mailbox : nullptr;
}

struct ClientAgent::Impl {
  enum class Phase { Greeting, NotAuthenticated, Authenticated, Selected, LoggedOut };
  // What a "+" continuation request is awaited for (RFC 3501 §7.5).
  enum class Plus { None, Literal, Authenticate, Idle };
  enum class Idle { None, WaitingPlus, Idling, DoneSent };

  AgentConfig config;
  Workload workload;
  proto::ResponseParser parser;
  Capabilities caps;
  Phase phase = Phase::Greeting;
  bool bye = false;
  bool need_capability = false;
  bool capabilities_told = false;  // the tagged reply being handled carried [CAPABILITY ...]
  std::uint32_t login_failures = 0;

  std::vector<InFlight> in_flight;
  std::uint32_t burst_limit = 1;  // in-flight depth of the current burst, drawn when the pipe was empty

  Plus awaiting = Plus::None;
  std::string awaiting_tag;  // the command the awaited "+" belongs to
  bool plus_received = false;
  std::vector<std::string> pending_parts;  // the rest of a command split at synchronizing literals
  std::size_t next_part = 0;
  Idle idle = Idle::None;
  std::uint32_t idle_wait = 0, idle_seen = 0;
  std::string idle_tag;  // the IDLE in progress
  bool pipeline_after_done = false;  // DONE went out and commands may follow before IDLE's OK (done_pipeline)
  bool last_was_bad_line = false;    // the latest line sent was a bad line: the next one is a real command

  // The view of the selected mailbox, as told.
  std::string selected;
  bool read_only = false;
  bool selecting = false;           // SELECT/EXAMINE in flight
  bool select_exists_seen = false;  // its EXISTS (or FLAGS) arrived: later untagged data is the new mailbox's
  std::vector<std::uint32_t> uids;  // MSN order; 0 = announced by EXISTS, UID not yet told
  std::vector<std::uint32_t> flags; // flag_bits, parallel to uids
  std::uint32_t uidvalidity = 0, uidnext = 0;
  std::uint64_t highest_modseq = 0;
  bool condstore_enabled = false;
  bool uid_only = false;            // NTF-6
  bool need_uid_fetch = false;      // EXISTS announced messages whose UIDs are unknown
  bool uid_fetch_in_flight = false;

  bool choosing_auto_fetch = false;  // set by choose() for send()
  std::uint64_t tag_counter = 0;
  std::uint64_t commands_sent = 0;

  bool scripted = false;
  std::vector<Command> script;
  std::size_t script_next = 0;

  explicit Impl(AgentConfig c) : config(std::move(c)), workload(config) {}

  // ---- receiving -------------------------------------------------------------------------------------

  void handle(const Response& r) {
    if (std::holds_alternative<proto::ContinuationData>(r.body)) {
      on_plus();
    } else if (r.untagged) {
      on_untagged(r);
      if (idle == Idle::Idling) ++idle_seen;
    } else {
      on_tagged(r);
    }
  }

  void on_plus() {
    if (awaiting == Plus::Idle) {
      awaiting = Plus::None;
      idle = Idle::Idling;
      idle_seen = 0;
    } else if (awaiting != Plus::None) {
      plus_received = true;
    }
  }

  void on_code(const proto::ResponseCode& code) {
    const std::string& n = code.name;
    if (n == "CAPABILITY") {
      caps.set(code.list);
    } else if (n == "UIDVALIDITY" && code.number) {
      uidvalidity = static_cast<std::uint32_t>(*code.number);
    } else if (n == "UIDNEXT" && code.number) {
      uidnext = static_cast<std::uint32_t>(*code.number);
    } else if (n == "HIGHESTMODSEQ" && code.number) {
      highest_modseq = std::max(highest_modseq, *code.number);
    } else if (n == "READ-ONLY") {
      read_only = true;
    } else if (n == "READ-WRITE") {
      read_only = false;
    } else if (n == "NOTIFICATIONOVERFLOW") {
      uid_only = false;  // RFC 5465 §5.8: the server now behaves as after NOTIFY NONE
    }
  }

  bool mailbox_data_applies() const {
    return selecting ? select_exists_seen : phase == Phase::Selected;
  }

  void on_untagged(const Response& r) {
    if (const auto* s = std::get_if<proto::StatusResponse>(&r.body)) {
      if (s->code) on_code(*s->code);
      if (phase == Phase::Greeting) {
        phase = s->condition == proto::Condition::Preauth ? Phase::Authenticated : Phase::NotAuthenticated;
        if (phase == Phase::Authenticated && !caps.known) need_capability = true;
      }
      if (s->condition == proto::Condition::Bye) bye = true;
    } else if (const auto* a = std::get_if<proto::AtomsData>(&r.body)) {
      on_atoms(*a);
    } else if (const auto* n = std::get_if<proto::NumberData>(&r.body)) {
      on_number(*n);
    } else if (const auto* f = std::get_if<proto::FetchData>(&r.body)) {
      if (mailbox_data_applies()) on_fetch(*f);
    } else if (const auto* v = std::get_if<proto::VanishedData>(&r.body)) {
      if (!v->earlier && mailbox_data_applies()) on_vanished(*v);
    } else if (const auto* l = std::get_if<proto::ListData>(&r.body)) {
      if (l->delimiter) workload.learn_delimiter(*l->delimiter);
    } else if (const auto* acl = std::get_if<proto::AclData>(&r.body)) {
      workload.learn_acl(*acl);
    }
  }

  void on_atoms(const proto::AtomsData& a) {
    switch (a.kind) {
      case proto::AtomsData::Kind::Capability:
        caps.set(a.atoms);
        break;
      case proto::AtomsData::Kind::Enabled:
        for (const std::string& atom : a.atoms) {
          condstore_enabled |= iequals(atom, "CONDSTORE") || iequals(atom, "QRESYNC");
        }
        break;
      case proto::AtomsData::Kind::Flags:
        if (selecting && !select_exists_seen) {
          uids.clear();
          flags.clear();
          select_exists_seen = true;
        }
        break;
    }
  }

  void on_number(const proto::NumberData& n) {
    switch (n.kind) {
      case proto::NumberData::Kind::Exists:
        if (selecting) {
          // SELECT's EXISTS is the whole count of the newly selected mailbox (RFC 3501 §6.3.1).
          uids.assign(n.number, 0);
          flags.assign(n.number, 0);
          select_exists_seen = true;
          need_uid_fetch = n.number > 0;
        } else if (phase == Phase::Selected) {
          if (n.number > uids.size()) need_uid_fetch = true;
          uids.resize(n.number, 0);  // a lower EXISTS breaks SEQ-5; the agent still believes it
          flags.resize(n.number, 0);
        }
        break;
      case proto::NumberData::Kind::Expunge:
        if (mailbox_data_applies() && n.number >= 1 && n.number <= uids.size()) {
          uids.erase(uids.begin() + (n.number - 1));
          flags.erase(flags.begin() + (n.number - 1));
        }
        break;
      case proto::NumberData::Kind::Recent:
        break;
    }
  }

  void on_fetch(const proto::FetchData& f) {
    if (f.number < 1 || f.number > uids.size()) return;  // SEQ-4 is the checkers' business
    const std::size_t i = f.number - 1;
    for (const proto::MsgAtt& a : f.atts) {
      switch (a.kind) {
        case proto::MsgAtt::Kind::Uid:
          uids[i] = static_cast<std::uint32_t>(a.number);
          break;
        case proto::MsgAtt::Kind::Flags: {
          std::uint32_t bits = 0;
          for (const std::string& flag : a.flags) bits |= flag_bit(flag);
          flags[i] = bits;
          break;
        }
        case proto::MsgAtt::Kind::ModSeq:
          highest_modseq = std::max(highest_modseq, a.number);
          break;
        default:
          break;
      }
    }
  }

  void on_vanished(const proto::VanishedData& v) {
    std::uint32_t star = 0;
    for (const std::uint32_t u : uids) star = std::max(star, u);
    for (std::size_t i = uids.size(); i-- > 0;) {
      if (uids[i] != 0 && v.uids.contains(uids[i], star)) {
        uids.erase(uids.begin() + static_cast<std::ptrdiff_t>(i));
        flags.erase(flags.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
  }

  void deselect() {
    phase = Phase::Authenticated;
    selected.clear();
    uids.clear();
    flags.clear();
    need_uid_fetch = false;
  }

  void on_tagged(const Response& r) {
    const auto it = std::find_if(in_flight.begin(), in_flight.end(),
                                 [&](const InFlight& f) { return f.tag == r.tag; });
    if (it == in_flight.end()) return;
    InFlight done = std::move(*it);
    in_flight.erase(it);
    const auto* s = std::get_if<proto::StatusResponse>(&r.body);
    const proto::Condition cond = s != nullptr ? s->condition : proto::Condition::Bad;
    const bool ok = cond == proto::Condition::Ok;
    if (s != nullptr && s->code) on_code(*s->code);
    capabilities_told = s != nullptr && s->code && s->code->name == "CAPABILITY";
    if (awaiting != Plus::None && done.tag == awaiting_tag) {
      // The command ended before its continuation: drop what was still to be sent (RFC 3501 §7.5).
      awaiting = Plus::None;
      plus_received = false;
      pending_parts.clear();
      next_part = 0;
    }
    complete(done, cond, ok);
  }

  void complete(const InFlight& done, proto::Condition cond, bool ok) {
    switch (done.kind) {
      case CommandKind::Login:
      case CommandKind::Authenticate:
        if (ok) {
          phase = Phase::Authenticated;
          // Capabilities may change after login (RFC 3501 §6.2.3); ask unless the OK told them.
          need_capability = !capabilities_told;
        } else {
          ++login_failures;
        }
        break;
      case CommandKind::Capability:
        need_capability = false;
        caps.known = true;  // even if the server sent no CAPABILITY data: do not ask forever
        break;
      case CommandKind::Select:
      case CommandKind::Examine: {
        selecting = false;
        const auto& a = std::get<proto::MailboxArgs>(done.detail->args);
        if (ok) {
          phase = Phase::Selected;
          selected = a.mailbox;
          if (done.kind == CommandKind::Examine) read_only = true;
          condstore_enabled |= a.condstore;
        } else if (cond == proto::Condition::No) {
          deselect();  // a failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1)
        }
        break;
      }
      case CommandKind::Close:
      case CommandKind::Unselect:
        if (ok) deselect();
        break;
      case CommandKind::Logout:
        phase = Phase::LoggedOut;
        break;
      case CommandKind::Idle:
        idle = Idle::None;
        pipeline_after_done = false;
        break;
      case CommandKind::Notify:
        if (!ok) uid_only = done.uid_only_before;
        else uid_only = notify_expunges_selected(*done.detail);
        break;
      case CommandKind::Fetch:
        if (done.auto_uid_fetch) uid_fetch_in_flight = false;
        break;
      case CommandKind::Rename:
        if (ok) {
          const auto& a = std::get<proto::RenameArgs>(done.detail->args);
          if (phase == Phase::Selected && selected == a.from) selected = a.to;
        }
        workload.completed(*done.detail, cond);
        break;
      case CommandKind::Delete:
      case CommandKind::Create:
        workload.completed(*done.detail, cond);
        break;
      default:
        break;
    }
  }

  // ---- sending ---------------------------------------------------------------------------------------

  bool live() const { return !bye && phase != Phase::Greeting && phase != Phase::LoggedOut; }

  // Room for one more command: no continuation pending, the pipe not full, nothing in flight that others
  // must not follow (RFC 3501 §5.5).
  // After DONE with pipeline_after_done the IDLE still in flight neither counts nor bars: it only withholds
  // sequence numbers (numbers_allowed), as any command that is not FETCH/STORE/SEARCH does.
  bool pipe_open() const {
    if (!live() || awaiting != Plus::None) return false;
    const bool behind_done = idle == Idle::DoneSent && pipeline_after_done;
    if (idle != Idle::None && !behind_done) return false;
    const std::uint32_t depth = scripted ? config.max_pipeline : burst_limit;
    const std::size_t counted = in_flight.size() - (behind_done ? 1 : 0);
    if (counted > 0 && counted >= std::max<std::uint32_t>(depth, 1)) return false;
    return std::all_of(in_flight.begin(), in_flight.end(), [](const InFlight& f) {
      return f.pipeline == PipelineClass::Free || f.kind == CommandKind::Idle;
    });
  }

  // SEQ-13: a sequence-number command only while every command in flight forbids EXPUNGE.
  bool numbers_allowed() const {
    return !selecting && std::all_of(in_flight.begin(), in_flight.end(),
                                     [](const InFlight& f) { return f.forbids_expunge; });
  }

  bool admits(const Command& c) const {
    if (!pipe_open()) return false;
    if (pipeline_class(c) == PipelineClass::Exclusive && !in_flight.empty()) return false;
    return !uses_sequence_numbers(c) || numbers_allowed();
  }

  SendWindow window() const {
    return SendWindow{numbers_allowed() && !uid_only, in_flight.empty()};
  }

  WorkloadView workload_view() const {
    WorkloadView v;
    v.phase = phase == Phase::Selected ? WorkloadView::Phase::Selected : WorkloadView::Phase::Authenticated;
    v.read_only = read_only;
    v.selected = selected;
    v.uids = &uids;
    v.flags = &flags;
    v.uidnext = uidnext;
    v.highest_modseq = highest_modseq;
    v.condstore_enabled = condstore_enabled;
    v.uid_only = uid_only;
    v.cap_condstore = caps.condstore;
    v.cap_idle = caps.idle;
    v.cap_notify = caps.notify && config.use_notify;
    v.cap_move = caps.move;
    v.cap_uidplus = caps.uidplus;
    v.cap_unselect = caps.unselect;
    v.cap_list_extended = caps.list_extended;
    v.cap_list_status = caps.list_status;
    return v;
  }

  bool wants_auto_uid_fetch() const {
    return phase == Phase::Selected && !selecting && need_uid_fetch && !uid_fetch_in_flight &&
           std::find(uids.begin(), uids.end(), 0u) != uids.end();
  }

  bool wants_setup() const {
    return phase == Phase::NotAuthenticated || (need_capability && phase != Phase::LoggedOut);
  }

  bool wants_to_send() const {
    if (!live()) return false;
    if (awaiting == Plus::Literal || awaiting == Plus::Authenticate) return plus_received;
    if (idle == Idle::Idling) {
      // Generated: see idle_wait_weights. Scripts have no draw to follow, so they may send DONE at any time:
      // a replay then offers DONE whenever the recorded run did (the recorded choices decide when it goes).
      return scripted || idle_seen >= idle_wait;
    }
    if (!pipe_open()) return false;
    if (scripted) return script_next < script.size() && admits(script[script_next]);
    if (wants_setup()) return in_flight.empty();
    if (wants_auto_uid_fetch()) return true;
    return workload.can_generate(workload_view(), window());
  }

  std::string next_tag() {
    std::string tag = peek_tag();
    ++tag_counter;
    return tag;
  }

  // The tag next_tag() gives next.
  std::string peek_tag() const {
    char digits[24];
    const auto res = std::to_chars(digits, digits + sizeof digits, tag_counter + 1);
    const auto len = static_cast<std::size_t>(res.ptr - digits);
    std::string tag = "A";
    if (len < tag_digits_min) tag.append(tag_digits_min - len, '0');
    tag.append(digits, len);
    return tag;
  }

  std::optional<Outgoing> next(Rng& rng) {
    if (!live()) return std::nullopt;
    if (awaiting == Plus::Literal && plus_received) return send_part();
    if (awaiting == Plus::Authenticate && plus_received) {
      awaiting = Plus::None;
      plus_received = false;
      return raw(plain_response());
    }
    if (idle == Idle::Idling) {
      idle = Idle::DoneSent;  // the caller decides when: see idle_wait_weights
      std::string line = idle_end_line();
      pipeline_after_done = iequals(line, "DONE") && pipelines_after_done();
      return raw(std::move(line));
    }
    if (!pipe_open()) return std::nullopt;
    if (bad_line_due()) {
      Command c;
      c.tag = next_tag();
      c.kind = CommandKind::Noop;
      c.args = proto::MailboxArgs{c.tag + " " + std::string(bad_line_bodies[decision_hash(bad_command_salt, c.tag) /
                                                                             permille_scale % bad_line_bodies.size()]),
                                  false};
      return send_bad_line(c);
    }
    std::optional<Command> c = choose(rng);
    if (!c) return std::nullopt;
    return send(std::move(*c), rng);
  }

  std::optional<Command> choose(Rng& rng) {
    if (scripted) {
      if (script_next >= script.size() || !admits(script[script_next])) return std::nullopt;
      return std::move(script[script_next++]);
    }
    if (wants_setup()) {
      if (!in_flight.empty()) return std::nullopt;
      return setup_command(rng);
    }
    if (wants_auto_uid_fetch()) {
      std::uint32_t known_max = 0;
      for (const std::uint32_t u : uids) known_max = std::max(known_max, u);
      need_uid_fetch = false;
      uid_fetch_in_flight = true;
      choosing_auto_fetch = true;
      return Workload::fetch_new_uids(known_max + 1);
    }
    return workload.generate(workload_view(), window(), rng);
  }

  Command setup_command(Rng& rng) {
    Command c;
    if (!caps.known || phase != Phase::NotAuthenticated) {
      c.kind = CommandKind::Capability;
    } else if (login_failures >= login_attempts_max) {
      c.kind = CommandKind::Logout;
    } else if (caps.auth_plain && (caps.login_disabled || rng.chance(authenticate_chance))) {
      c.kind = CommandKind::Authenticate;
      proto::AuthenticateArgs a;
      a.mechanism = "PLAIN";
      if (caps.sasl_ir && rng.chance(0.5)) a.initial_response = plain_response();
      c.args = std::move(a);
    } else {
      c.kind = CommandKind::Login;
      c.args = proto::LoginArgs{config.user, config.password};
    }
    return c;
  }

  // A decision that draws no Rng: a hash of the run's seed, the client, `salt` and a tag (FNV-1a, then
  // splitmix64's finalizer). A replayed script (same tags) makes the same decisions.
  std::uint64_t decision_hash(std::uint64_t salt, std::string_view tag) const {
    std::uint64_t h = 0xcbf29ce484222325ull ^ config.decision_seed ^ (std::uint64_t{config.id} << 32) ^ salt;
    for (const char ch : tag) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ull;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
  }

  // DONE, or for the share AgentConfig::idle_bad_end_permille of the IDLEs another line, by the IDLE's tag.
  std::string idle_end_line() const {
    if (config.idle_bad_end_permille == 0) return done_line();
    const std::uint64_t h = decision_hash(0, idle_tag);
    if (h % permille_scale >= config.idle_bad_end_permille) return done_line();
    return idle_bad_end_lines[(h / permille_scale) % idle_bad_end_lines.size()];
  }

  // "DONE", or for the share AgentConfig::done_case_permille of the IDLEs "done" or "Done", by the IDLE's tag.
  std::string done_line() const {
    if (config.done_case_permille == 0) return "DONE";
    const std::uint64_t h = decision_hash(done_case_salt, idle_tag);
    if (h % permille_scale >= config.done_case_permille) return "DONE";
    return done_case_lines[(h / permille_scale) % done_case_lines.size()];
  }

  // Whether commands may follow this DONE before IDLE's tagged OK: a script may (it repeats what the recorded
  // run sent), a generated client for the share AgentConfig::done_pipeline_permille of its IDLEs.
  bool pipelines_after_done() const {
    if (config.done_pipeline_permille == 0) return false;
    return scripted || decision_hash(done_pipeline_salt, idle_tag) % permille_scale < config.done_pipeline_permille;
  }

  // A generated client replaces the command it would send now by a bad line for the share
  // AgentConfig::bad_command_permille of its tags, never twice in a row (a server may end the connection after
  // many unparseable lines), and only where a command of the workload could go (not behind DONE).
  bool bad_line_due() const {
    if (scripted || config.bad_command_permille == 0 || last_was_bad_line || idle != Idle::None) return false;
    if (phase != Phase::Authenticated && phase != Phase::Selected) return false;
    if (wants_setup() || wants_auto_uid_fetch() || !workload.can_generate(workload_view(), window())) return false;
    return decision_hash(bad_command_salt, peek_tag()) % permille_scale < config.bad_command_permille;
  }

  // An unparseable tagged line (bad_line_text): in flight like a command that bars nothing but sequence numbers,
  // answered by a tagged BAD that changes nothing the agent keeps. The event carries it as a raw line.
  Outgoing send_bad_line(const Command& c) {
    InFlight f;
    f.tag = c.tag;
    f.kind = CommandKind::Noop;
    f.pipeline = PipelineClass::Free;
    in_flight.push_back(std::move(f));
    last_was_bad_line = true;
    return raw(*bad_line_text(c));
  }

  // SASL PLAIN (RFC 4616): authzid NUL authcid NUL password, base64-encoded.
  std::string plain_response() const {
    std::string s;
    s += '\0';
    s += config.user;
    s += '\0';
    s += config.password;
    return base64(s);
  }

  Outgoing raw(std::string line) {
    Outgoing out;
    out.bytes = line + "\r\n";
    out.raw_line = std::move(line);
    return out;
  }

  Outgoing send_part() {
    Outgoing out;
    out.bytes = std::move(pending_parts[next_part++]);
    plus_received = false;
    if (next_part == pending_parts.size()) {
      awaiting = Plus::None;
      pending_parts.clear();
      next_part = 0;
    }
    return out;
  }

  Outgoing send(Command c, Rng& rng) {
    if (bad_line_text(c) != nullptr) return send_bad_line(c);  // a script's bad line
    last_was_bad_line = false;
    if (c.tag.empty()) c.tag = next_tag();
    if (in_flight.empty() && !scripted) {
      burst_limit = 1 + static_cast<std::uint32_t>(rng.below(std::max<std::uint32_t>(config.max_pipeline, 1)));
    }
    InFlight f;
    f.tag = c.tag;
    f.kind = c.kind;
    f.pipeline = pipeline_class(c);
    f.forbids_expunge = forbids_expunge(c);
    f.auto_uid_fetch = std::exchange(choosing_auto_fetch, false);
    switch (c.kind) {
      case CommandKind::Select:
      case CommandKind::Examine:
        selecting = true;
        select_exists_seen = false;
        read_only = false;
        uids.clear();  // RFC 3501 §6.3.1: the current mailbox is deselected first
        flags.clear();
        need_uid_fetch = false;
        f.detail = c;
        break;
      case CommandKind::Create:
      case CommandKind::Delete:
      case CommandKind::Rename:
        f.detail = c;
        break;
      case CommandKind::Notify:
        // Expunges may come as soon as the server has processed it: UID-only from now on (NTF-6).
        f.uid_only_before = uid_only;
        uid_only = uid_only || notify_expunges_selected(c);
        f.detail = c;
        break;
      case CommandKind::Idle:
        idle = Idle::WaitingPlus;
        awaiting = Plus::Idle;
        awaiting_tag = c.tag;
        idle_tag = c.tag;
        idle_seen = 0;
        if (!scripted) {
          static const std::vector<std::uint32_t> weights(idle_wait_weights.begin(), idle_wait_weights.end());
          idle_wait = static_cast<std::uint32_t>(rng.weighted(weights));
        }
        break;
      case CommandKind::Authenticate: {
        const auto* a = std::get_if<proto::AuthenticateArgs>(&c.args);
        if (a == nullptr || !a->initial_response) {
          awaiting = Plus::Authenticate;
          awaiting_tag = c.tag;
          plus_received = false;
        }
        break;
      }
      default:
        break;
    }
    const proto::LiteralStyle style = caps.literal_plus && !config.synchronizing_literals
                                          ? proto::LiteralStyle::NonSynchronizing
                                          : proto::LiteralStyle::Synchronizing;
    std::vector<std::string> parts = proto::write_command_parts(c, style);
    Outgoing out;
    out.bytes = std::move(parts.front());
    if (parts.size() > 1) {
      pending_parts.assign(std::make_move_iterator(parts.begin() + 1), std::make_move_iterator(parts.end()));
      next_part = 0;
      awaiting = Plus::Literal;
      awaiting_tag = c.tag;
      plus_received = false;
    }
    in_flight.push_back(std::move(f));
    ++commands_sent;
    out.command = std::move(c);
    return out;
  }

  bool finished() const {
    if (phase == Phase::LoggedOut) return true;
    const bool logging_out = std::any_of(in_flight.begin(), in_flight.end(),
                                         [](const InFlight& f) { return f.kind == CommandKind::Logout; });
    if (bye && !logging_out) return true;
    return scripted && script_next >= script.size() && in_flight.empty() && awaiting == Plus::None &&
           idle == Idle::None;
  }
};

ClientAgent::ClientAgent(AgentConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
ClientAgent::~ClientAgent() = default;
ClientAgent::ClientAgent(ClientAgent&&) noexcept = default;
ClientAgent& ClientAgent::operator=(ClientAgent&&) noexcept = default;

const AgentConfig& ClientAgent::config() const { return impl_->config; }

std::vector<std::unique_ptr<proto::Response>> ClientAgent::receive(std::string_view bytes) {
  std::vector<std::unique_ptr<proto::Response>> out;
  while (!bytes.empty()) {
    proto::ResponseFeedResult r = impl_->parser.feed(bytes);
    bytes.remove_prefix(std::min(r.consumed, bytes.size()));
    if (auto* response = std::get_if<proto::Response>(&r.event)) {
      impl_->handle(*response);
      out.push_back(std::make_unique<proto::Response>(std::move(*response)));
    } else if (std::holds_alternative<proto::NeedMore>(r.event) || r.consumed == 0) {
      break;  // a ParseError has skipped its line; NeedMore took everything
    }
  }
  return out;
}

bool ClientAgent::wants_to_send() const { return impl_->wants_to_send(); }

std::optional<ClientAgent::Outgoing> ClientAgent::next(Rng& rng) { return impl_->next(rng); }

void ClientAgent::script(std::vector<proto::Command> commands) {
  impl_->scripted = true;
  impl_->script = std::move(commands);
  impl_->script_next = 0;
}

bool ClientAgent::idling() const { return impl_->live() && impl_->idle == Impl::Idle::Idling; }

bool ClientAgent::literal_granted() const {
  return impl_->live() && impl_->awaiting == Impl::Plus::Literal && impl_->plus_received;
}

bool ClientAgent::finished() const { return impl_->finished(); }

std::uint64_t ClientAgent::commands_sent() const { return impl_->commands_sent; }

const std::vector<std::uint32_t>& ClientAgent::view() const { return impl_->uids; }

}  // namespace imaplab::sim
