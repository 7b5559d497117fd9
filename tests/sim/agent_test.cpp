// Tests of the client agents (sim/agent.hpp, sim/workload.hpp): several agents drive a real model::Model
// through proto's parsers and writers for thousands of generated commands, with responses split at random
// byte offsets; the harness checks, independently of the agent's own code, that no command is answered BAD
// for its syntax, that pipelining obeys RFC 3501 §5.5 (SEQ-13) and NTF-6, that each agent's view equals the
// model's session view, and that the same seed gives the same bytes. Hand-made exchanges test the pieces.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "proto/command_parser.hpp"
#include "proto/writer.hpp"
#include "sim/agent.hpp"
#include "sim/workload.hpp"

namespace imaplab::sim {
namespace {

using proto::Command;
using proto::CommandKind;

constexpr std::size_t transcript_tail_lines = 80;   // lines shown with a failure
constexpr std::size_t chunk_bytes_max = 200;        // random segmentation of server output
constexpr std::size_t failures_shown_max = 3;

Command parse(const std::string& text) {
  auto r = proto::parse_command(text);
  if (auto* c = std::get_if<Command>(&r)) return *c;
  ADD_FAILURE() << "bad setup command: " << text << ": " << std::get<proto::ParseError>(r).message;
  return {};
}

std::string message(int n) {
  return "From: setup@example.org\r\nSubject: seed " + std::to_string(n) +
         "\r\nMessage-ID: <seed" + std::to_string(n) + "@imaplab>\r\n\r\nhello " + std::to_string(n) + "\r\n";
}

// ---- The harness's own reading of the client rules (deliberately not sim/workload.cpp's) ---------------

bool keys_have_numbers(const std::vector<proto::SearchKey>& keys) {
  for (const auto& k : keys) {
    if (k.kind == proto::SearchKey::Kind::SequenceSet || keys_have_numbers(k.children)) return true;
  }
  return false;
}

// RFC 3501 §5.5: a command "with message sequence numbers".
bool has_numbers(const Command& c) {
  switch (c.kind) {
    case CommandKind::Fetch: case CommandKind::Store: case CommandKind::Copy: case CommandKind::Move:
      return !c.uid;
    case CommandKind::Search:
      return !c.uid || keys_have_numbers(std::get<proto::SearchArgs>(c.args).keys);
    default:
      return false;
  }
}

// RFC 3501 §5.5: "FETCH, STORE, or SEARCH" (not their UID forms) may precede a sequence-number command.
bool expunge_free(const Command& c) {
  return !c.uid && (c.kind == CommandKind::Fetch || c.kind == CommandKind::Store ||
                    c.kind == CommandKind::Search);
}

bool asks_selected_expunge(const Command& c) {
  if (c.kind != CommandKind::Notify) return false;
  for (const auto& g : std::get<proto::NotifyArgs>(c.args).groups) {
    if (g.filter.kind != proto::NotifyFilter::Kind::Selected || !g.events) continue;
    for (const auto& e : *g.events) {
      if (e.kind == proto::NotifyEventKind::MessageExpunge) return true;
    }
  }
  return false;
}

bool set_past(const proto::SequenceSet& set, std::size_t count) {
  for (const auto& r : set.ranges) {
    if (r.first > count || r.last > count) return true;
    if ((r.first == proto::seq_star || r.last == proto::seq_star) && count == 0) return true;
  }
  return false;
}

bool keys_past(const std::vector<proto::SearchKey>& keys, std::size_t count) {
  for (const auto& k : keys) {
    if (k.kind == proto::SearchKey::Kind::SequenceSet && set_past(k.set, count)) return true;
    if (keys_past(k.children, count)) return true;
  }
  return false;
}

// A sequence set naming a number past the end of the client's view (RFC 3501 §9: the server answers BAD).
bool out_of_range(const Command& c, std::size_t count) {
  if (const auto* f = std::get_if<proto::FetchArgs>(&c.args)) return !c.uid && set_past(f->set, count);
  if (const auto* s = std::get_if<proto::StoreArgs>(&c.args)) return !c.uid && set_past(s->set, count);
  if (const auto* m = std::get_if<proto::CopyArgs>(&c.args)) return !c.uid && set_past(m->set, count);
  if (const auto* s = std::get_if<proto::SearchArgs>(&c.args)) return keys_past(s->keys, count);
  return false;
}

bool changes_selection(CommandKind k) {
  return k == CommandKind::Select || k == CommandKind::Examine || k == CommandKind::Close ||
         k == CommandKind::Unselect;
}

std::string trim_crlf(std::string s) {
  if (const auto eol = s.find("\r\n"); eol != std::string::npos && eol + 2 < s.size()) {
    s = s.substr(0, eol) + " ...";  // a literal follows: the first line says enough
  }
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  constexpr std::size_t line_chars_max = 240;
  if (s.size() > line_chars_max) s = s.substr(0, line_chars_max) + "...";
  return s;
}

// ---- The harness ----------------------------------------------------------------------------------------

struct Stats {
  std::uint64_t commands = 0, out_of_range_sent = 0, bad_out_of_range = 0, view_checks = 0, view_checks_known = 0, noop_checks = 0;
  std::map<std::string, std::uint64_t> kinds;  // "UID FETCH" -> count
};

class Harness {
 public:
  Harness(model::Policy policy, std::uint64_t seed, std::size_t agents)
      : model_(policy, {{"alice", "alice"}, {"bob", "bob"}}), rng_(seed) {
    populate();
    for (std::size_t i = 0; i < agents; ++i) {
      AgentConfig config;
      config.id = static_cast<ClientId>(i + 1);
      const bool bob = i % 4 == 3;
      config.user = bob ? "bob" : "alice";
      config.password = config.user;
      config.mailboxes = bob ? std::vector<std::string>{"INBOX", "projects"}
                             : std::vector<std::string>{"INBOX", "work", "archive"};
      config.mix.logout = 0;
      clients_.push_back(std::make_unique<Client>(std::move(config), seed * 1000 + i));
      Client& c = *clients_.back();
      c.session = model_.connect();
      write(c, {model_.greeting(c.session)}, false);
    }
  }

  void run(std::uint64_t commands_target, std::uint64_t steps_max) {
    for (std::uint64_t step = 0; step < steps_max && stats_.commands < commands_target; ++step) {
      Client& c = *clients_[rng_.below(clients_.size())];
      const bool has_output = c.delivered < c.out.size();
      const std::uint64_t r = rng_.below(100);
      if (has_output && r < 45) {
        deliver(c);
      } else if (!c.closed && c.agent.wants_to_send()) {
        send(c);
      } else if (!c.closed && r < 55) {
        send(c);  // a timer firing: ends an IDLE; otherwise next() has nothing and says so
      } else if (has_output) {
        deliver(c);
      }
    }
  }

  const Stats& stats() const { return stats_; }
  const std::vector<std::string>& failures() const { return failures_; }
  std::string sent(std::size_t i) const { return clients_[i]->sent; }
  std::uint64_t out_bytes() const { return out_bytes_; }

 private:
  struct Boundary {
    std::size_t offset = 0;
    std::vector<std::uint32_t> view;
    bool forced = false;
    bool noop_ok = false;
  };
  struct Sent {
    Command command;
    std::size_t view_size = 0;
  };
  struct Client {
    Client(AgentConfig config, std::uint64_t seed) : agent(std::move(config)), rng(seed) {}
    ClientAgent agent;
    Rng rng;
    model::SessionId session = 0;
    proto::CommandParser parser;
    std::string out;  // server bytes for this client; delivered up to `delivered`
    std::size_t delivered = 0;
    std::deque<Boundary> boundaries;
    enum class Line { None, Idle, Auth } line = Line::None;
    std::string line_tag;
    bool closed = false;
    std::map<std::string, Sent> in_flight;  // sent, tagged reply not yet delivered to the agent
    bool uid_only = false;                  // NTF-6 as this harness reads it
    std::optional<Command> last_command;    // generated command, compared with what the server parses
    std::string sent;                       // every byte the agent sent
  };

  // Mailboxes and messages the workload starts from.
  void populate() {
    const auto run = [&](model::SessionId s, const std::string& text) {
      const auto outcome = model_.execute(s, parse(text));
      const auto* st = std::get_if<proto::StatusResponse>(&outcome.responses.back().body);
      if (st == nullptr || st->condition != proto::Condition::Ok) ADD_FAILURE() << "setup failed: " << text;
    };
    const auto append = [&](model::SessionId s, const std::string& mailbox, int n) {
      const std::string m = message(n);
      run(s, "s APPEND " + mailbox + " {" + std::to_string(m.size()) + "+}\r\n" + m + "\r\n");
    };
    const model::SessionId a = model_.connect();
    run(a, "s LOGIN alice alice\r\n");
    run(a, "s CREATE work\r\n");
    run(a, "s CREATE archive\r\n");
    for (int n = 0; n < 6; ++n) append(a, "work", n);
    for (int n = 0; n < 3; ++n) append(a, "INBOX", 100 + n);
    model_.disconnect(a);
    const model::SessionId b = model_.connect();
    run(b, "s LOGIN bob bob\r\n");
    run(b, "s CREATE projects\r\n");
    for (int n = 0; n < 4; ++n) append(b, "projects", 200 + n);
    model_.disconnect(b);
  }

  std::size_t index(const Client& c) const {
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      if (clients_[i].get() == &c) return i + 1;
    }
    return 0;
  }

  void log(const Client& c, char who, const std::string& bytes) {
    transcript_.push_back(std::string(1, who) + std::to_string(index(c)) + ": " + trim_crlf(bytes));
    if (transcript_.size() > transcript_tail_lines) transcript_.pop_front();
  }

  void fail(const std::string& what) {
    std::string text = what + "\n--- transcript tail ---\n";
    for (const auto& line : transcript_) text += line + "\n";
    failures_.push_back(std::move(text));
  }

  // Appends one batch of responses to a client's output and remembers the model's view at its end.
  void write(Client& c, const std::vector<proto::Response>& responses, bool noop) {
    if (responses.empty()) return;
    for (const auto& r : responses) {
      std::string bytes = proto::write_response(r);
      out_bytes_ += bytes.size();
      c.out += bytes;
    }
    // A BYE ends the session (LOGOUT, or RFC 2180 §3.3 delete=bye / rename=bye): the model forgets its view.
    const bool bye = std::any_of(responses.begin(), responses.end(), [](const proto::Response& r) {
      const auto* st = std::get_if<proto::StatusResponse>(&r.body);
      return r.untagged && st != nullptr && st->condition == proto::Condition::Bye;
    });
    if (bye) {
      close(c);
      return;
    }
    bool noop_ok = false;
    if (noop) {
      const auto* st = std::get_if<proto::StatusResponse>(&responses.back().body);
      noop_ok = !responses.back().untagged && st != nullptr && st->condition == proto::Condition::Ok;
    }
    c.boundaries.push_back(
        Boundary{c.out.size(), model_.session_view(c.session), noop_ok || rng_.chance(0.5), noop_ok});
  }

  void close(Client& c) {
    if (c.closed) return;
    c.closed = true;
    c.boundaries.clear();
    model_.disconnect(c.session);
  }

  void pump_unsolicited() {
    for (auto& other : clients_) {
      if (!other->closed && model_.has_unsolicited(other->session)) {
        write(*other, model_.unsolicited(other->session), false);
      }
    }
  }

  void apply(Client& c, const model::Outcome& outcome, const Command* command) {
    write(c, outcome.responses, command != nullptr && command->kind == CommandKind::Noop);
    switch (outcome.next) {
      case model::Outcome::Next::Idle:
        c.line = Client::Line::Idle;
        c.line_tag = command != nullptr ? command->tag : c.line_tag;
        c.parser.expect_line();
        break;
      case model::Outcome::Next::AuthContinue:
        c.line = Client::Line::Auth;
        c.line_tag = command != nullptr ? command->tag : c.line_tag;
        c.parser.expect_line();
        break;
      case model::Outcome::Next::Close:
        close(c);
        break;
      default:
        c.line = Client::Line::None;
        break;
    }
    pump_unsolicited();
  }

  void check_rules(Client& c, const Command& cmd) {
    if (has_numbers(cmd)) {
      for (const auto& [tag, s] : c.in_flight) {
        if (!expunge_free(s.command)) {
          fail("SEQ-13 (RFC 3501 §5.5): " + cmd.tag + " uses sequence numbers while " + tag + " " +
               proto::command_name(s.command.kind) + (s.command.uid ? " (UID)" : "") + " is in flight");
        }
      }
      if (c.uid_only) fail("NTF-6 (RFC 5465 §5.3): " + cmd.tag + " uses sequence numbers after NOTIFY asked "
                           "for MessageExpunge on SELECTED");
    }
    if (cmd.kind == CommandKind::Notify) c.uid_only = c.uid_only || asks_selected_expunge(cmd);
  }

  void send(Client& c) {
    auto out = c.agent.next(c.rng);
    if (!out) return;
    c.sent += out->bytes;
    log(c, 'C', out->bytes);
    if (out->command) {
      ++stats_.commands;
      ++stats_.kinds[std::string(out->command->uid ? "UID " : "") + proto::command_name(out->command->kind)];
      check_rules(c, *out->command);
      if (out_of_range(*out->command, c.agent.view().size())) ++stats_.out_of_range_sent;
      c.in_flight[out->command->tag] = Sent{*out->command, c.agent.view().size()};
      c.last_command = *out->command;
    }
    std::string_view bytes = out->bytes;
    while (!bytes.empty() && !c.closed) {
      auto r = c.parser.feed(bytes);
      bytes.remove_prefix(r.consumed);
      if (std::holds_alternative<proto::NeedMore>(r.event)) break;
      if (auto* cmd = std::get_if<Command>(&r.event)) {
        if (c.last_command && !(*c.last_command == *cmd)) {
          fail("round trip: the server parsed " + cmd->tag + " differently from what the agent generated");
        }
        apply(c, model_.execute(c.session, *cmd), cmd);
      } else if (std::holds_alternative<proto::NeedContinuation>(r.event)) {
        proto::Response plus;
        plus.untagged = false;
        plus.body = proto::ContinuationData{"go ahead"};
        write(c, {plus}, false);
      } else if (auto* line = std::get_if<proto::RawLine>(&r.event)) {
        const auto mode = c.line;
        c.line = Client::Line::None;
        if (mode == Client::Line::Idle) {
          apply(c, model_.idle_done(c.session, c.line_tag), nullptr);
        } else {
          apply(c, model_.authenticate_data(c.session, c.line_tag, line->text), nullptr);
        }
      } else if (auto* err = std::get_if<proto::ParseError>(&r.event)) {
        fail("the agent sent bytes the command parser refuses: " + err->message);
      }
    }
  }

  void deliver(Client& c) {
    std::size_t end = std::min(c.out.size(), c.delivered + 1 + rng_.below(chunk_bytes_max));
    for (const auto& b : c.boundaries) {
      if (b.offset > c.delivered && b.forced) {
        end = std::min(end, b.offset);
        break;
      }
    }
    const std::string chunk = c.out.substr(c.delivered, end - c.delivered);
    c.delivered = end;
    for (const auto& response : c.agent.receive(chunk)) {
      const proto::Response& r = *response;
      log(c, 'S', proto::write_response(r));
      if (!r.untagged) completed(c, r);
      if (const auto* st = std::get_if<proto::StatusResponse>(&r.body);
          st != nullptr && st->code && st->code->name == "NOTIFICATIONOVERFLOW") {
        c.uid_only = false;
      }
    }
    while (!c.boundaries.empty() && c.boundaries.front().offset <= c.delivered) {
      if (c.boundaries.front().offset == c.delivered) compare_view(c, c.boundaries.front());
      c.boundaries.pop_front();
    }
    if (c.delivered == c.out.size()) {
      c.out.clear();
      c.delivered = 0;
    }
  }

  void completed(Client& c, const proto::Response& r) {
    const auto it = c.in_flight.find(r.tag);
    if (it == c.in_flight.end()) return;
    const Sent sent = std::move(it->second);
    c.in_flight.erase(it);
    const auto* st = std::get_if<proto::StatusResponse>(&r.body);
    if (st == nullptr) return;
    if (sent.command.kind == CommandKind::Notify) {
      if (st->condition == proto::Condition::Ok) c.uid_only = asks_selected_expunge(sent.command);
    }
    if (st->condition != proto::Condition::Bad) return;
    // ACC-4: the workload sends CLOSE/UNSELECT with nothing selected now and then, on purpose.
    const bool unselected_close = sent.command.kind == CommandKind::Close || sent.command.kind == CommandKind::Unselect;
    if (unselected_close && st->text.find("No mailbox selected") != std::string::npos) return;
    if (out_of_range(sent.command, sent.view_size)) {
      ++stats_.bad_out_of_range;
    } else {
      fail("C" + std::to_string(index(c)) + ": BAD for a command the agent meant to be valid: " + r.tag + " " +
           st->text);
    }
  }

  void compare_view(Client& c, const Boundary& b) {
    for (const auto& [tag, s] : c.in_flight) {
      if (changes_selection(s.command.kind)) return;  // the agent has already let go of the old view
    }
    const auto& view = c.agent.view();
    ++stats_.view_checks;
    if (b.noop_ok) ++stats_.noop_checks;
    bool same = view.size() == b.view.size();
    bool known = true;
    for (std::size_t i = 0; same && i < view.size(); ++i) {
      known = known && view[i] != 0;
      same = view[i] == 0 || view[i] == b.view[i];
    }
    if (same && known) ++stats_.view_checks_known;
    if (!same) {
      std::string a, m;
      for (auto u : view) a += std::to_string(u) + " ";
      for (auto u : b.view) m += std::to_string(u) + " ";
      fail("C" + std::to_string(index(c)) + ": view differs from Model::session_view" + std::string(b.noop_ok ? " after NOOP's OK" : "") +
           ": agent [" + a + "] model [" + m + "]");
    }
  }

  model::Model model_;
  Rng rng_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::deque<std::string> transcript_;
  std::vector<std::string> failures_;
  Stats stats_;
  std::uint64_t out_bytes_ = 0;
};

std::string first_failures(const std::vector<std::string>& failures) {
  std::string text;
  for (std::size_t i = 0; i < std::min(failures.size(), failures_shown_max); ++i) text += failures[i] + "\n";
  return text;
}

// ---- Against the model ----------------------------------------------------------------------------------

TEST(AgentAgainstModel, ThousandsOfCommandsFollowTheClientRules) {
  const auto policies = model::Policy::all();
  constexpr std::uint64_t commands_per_run = 3000;
  constexpr std::uint64_t steps_per_run = 200000;
  Stats total;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const model::Policy policy = policies[(seed * 37) % policies.size()];
    Harness h(policy, seed, 5);
    h.run(commands_per_run, steps_per_run);
    ASSERT_TRUE(h.failures().empty()) << "seed " << seed << " policy " << policy.to_string() << ": "
                                      << h.failures().size() << " failures\n" << first_failures(h.failures());
    EXPECT_GE(h.stats().commands, commands_per_run) << "the agents stalled, seed " << seed;
    total.commands += h.stats().commands;
    total.bad_out_of_range += h.stats().bad_out_of_range;
    total.out_of_range_sent += h.stats().out_of_range_sent;
    total.view_checks += h.stats().view_checks;
    total.view_checks_known += h.stats().view_checks_known;
    total.noop_checks += h.stats().noop_checks;
    for (const auto& [k, n] : h.stats().kinds) total.kinds[k] += n;
  }
  // The generator covers the command vocabulary of issue 5.
  for (const char* kind : {"SELECT", "EXAMINE", "FETCH", "UID FETCH", "STORE", "UID STORE", "SEARCH",
                           "UID SEARCH", "COPY", "MOVE", "APPEND", "EXPUNGE", "UID EXPUNGE", "CREATE", "DELETE",
                           "RENAME", "LIST", "STATUS", "NOOP", "IDLE", "NOTIFY", "LOGIN"}) {
    EXPECT_GT(total.kinds[kind], 0u) << kind << " never generated";
  }
  EXPECT_GT(total.noop_checks, 50u);
  EXPECT_GT(total.out_of_range_sent, 0u) << "sequence sets are never out of range";
  // The view is mostly known: UIDs of new messages are fetched soon after EXISTS.
  EXPECT_GT(total.view_checks_known * 2, total.view_checks);
  std::string kinds;
  for (const auto& [k, n] : total.kinds) kinds += k + "=" + std::to_string(n) + " ";
  std::printf("agents: %llu commands, %llu with out-of-range sets (%llu answered BAD), %llu view checks (%llu fully known, "
              "%llu after NOOP)\n%s\n",
              static_cast<unsigned long long>(total.commands),
              static_cast<unsigned long long>(total.out_of_range_sent),
              static_cast<unsigned long long>(total.bad_out_of_range),
              static_cast<unsigned long long>(total.view_checks),
              static_cast<unsigned long long>(total.view_checks_known),
              static_cast<unsigned long long>(total.noop_checks), kinds.c_str());
}

TEST(AgentAgainstModel, SameSeedSameBytes) {
  const model::Policy policy;
  Harness a(policy, 99, 3), b(policy, 99, 3), c(policy, 100, 3);
  a.run(800, 100000);
  b.run(800, 100000);
  c.run(800, 100000);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(a.sent(i).empty());
    EXPECT_EQ(a.sent(i), b.sent(i)) << "client " << i + 1;
  }
  EXPECT_NE(a.sent(0) + a.sent(1) + a.sent(2), c.sent(0) + c.sent(1) + c.sent(2));
}

// ---- Hand-made exchanges --------------------------------------------------------------------------------

AgentConfig config_for(std::string user) {
  AgentConfig c;
  c.user = user;
  c.password = "secret";
  c.mailboxes = {"INBOX", "work"};
  return c;
}

std::optional<ClientAgent::Outgoing> next(ClientAgent& a, Rng& rng) {
  EXPECT_TRUE(a.wants_to_send());
  return a.next(rng);
}

TEST(Agent, ReadsGreetingThenLogsInWithConfiguredUser) {
  ClientAgent a(config_for("alice"));
  Rng rng(1);
  EXPECT_FALSE(a.wants_to_send());
  a.receive("* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] ready\r\n");
  auto out = next(a, rng);
  ASSERT_TRUE(out && out->command);
  EXPECT_EQ(out->command->kind, CommandKind::Login);
  EXPECT_EQ(out->bytes, out->command->tag + " LOGIN alice secret\r\n");
  EXPECT_FALSE(a.wants_to_send());  // LOGIN is answered before anything follows
  a.receive(out->command->tag + " OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] in\r\n");
  EXPECT_TRUE(a.wants_to_send());
}

TEST(Agent, AuthenticatePlainWhenLoginIsDisabled) {
  ClientAgent a(config_for("bob"));
  Rng rng(2);
  a.receive("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED] ready\r\n");
  auto out = next(a, rng);
  ASSERT_TRUE(out && out->command);
  EXPECT_EQ(out->command->kind, CommandKind::Authenticate);
  const auto& args = std::get<proto::AuthenticateArgs>(out->command->args);
  EXPECT_EQ(args.mechanism, "PLAIN");
  EXPECT_FALSE(args.initial_response);  // no SASL-IR advertised
  EXPECT_FALSE(a.wants_to_send());
  a.receive("+ \r\n");
  out = next(a, rng);
  ASSERT_TRUE(out && out->raw_line);
  EXPECT_EQ(*out->raw_line, "AGJvYgBzZWNyZXQ=");  // base64("\0bob\0secret")
  EXPECT_EQ(out->bytes, "AGJvYgBzZWNyZXQ=\r\n");
}

// Logs an agent in on a server with the given capabilities and selects `work` by script.
ClientAgent logged_in(const std::string& caps, std::vector<Command> script) {
  ClientAgent a(config_for("alice"));
  a.script(std::move(script));
  a.receive("* OK [CAPABILITY " + caps + "] ready\r\n");
  return a;
}

TEST(Agent, ScriptSendsExactCommandsAndWaitsAfterSelect) {
  ClientAgent a = logged_in("IMAP4rev1", {parse("a1 LOGIN alice secret\r\n"), parse("a2 SELECT work\r\n"),
                                          parse("a3 FETCH 1:2 (FLAGS)\r\n"), parse("a4 FETCH 3 UID\r\n")});
  Rng rng(3);
  EXPECT_EQ(next(a, rng)->bytes, "a1 LOGIN alice secret\r\n");
  EXPECT_FALSE(a.wants_to_send());
  a.receive("a1 OK done\r\n");
  EXPECT_EQ(next(a, rng)->bytes, "a2 SELECT work\r\n");
  EXPECT_FALSE(a.wants_to_send());  // SELECT: nothing follows until its tagged reply
  a.receive("* FLAGS (\\Seen \\Deleted)\r\n* 3 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 12] x\r\n");
  EXPECT_FALSE(a.wants_to_send());
  a.receive("a2 OK [READ-WRITE] selected\r\n");
  EXPECT_EQ(a.view(), (std::vector<std::uint32_t>{0, 0, 0}));
  EXPECT_EQ(next(a, rng)->bytes, "a3 FETCH 1:2 (FLAGS)\r\n");
  // FETCH forbids EXPUNGE, so a second sequence-number command may follow it at once (RFC 3501 §5.5).
  EXPECT_EQ(next(a, rng)->bytes, "a4 FETCH 3 UID\r\n");
  a.receive("* 3 FETCH (UID 11)\r\na3 OK\r\na4 OK\r\n");
  EXPECT_EQ(a.view(), (std::vector<std::uint32_t>{0, 0, 11}));
  EXPECT_TRUE(a.finished());
  EXPECT_EQ(a.commands_sent(), 4u);
}

TEST(Agent, ScriptHoldsSequenceNumbersBehindUidCommands) {
  ClientAgent a = logged_in("IMAP4rev1", {parse("a1 LOGIN alice secret\r\n"), parse("a2 SELECT work\r\n"),
                                          parse("a3 UID FETCH 1:* FLAGS\r\n"), parse("a4 STORE 1 +FLAGS (x)\r\n")});
  Rng rng(4);
  next(a, rng);
  a.receive("a1 OK\r\n");
  next(a, rng);
  a.receive("* 2 EXISTS\r\na2 OK\r\n");
  EXPECT_EQ(next(a, rng)->bytes, "a3 UID FETCH 1:* FLAGS\r\n");
  // UID FETCH allows EXPUNGE: the STORE by number waits for its completion (RFC 3501 §5.5 note).
  EXPECT_FALSE(a.wants_to_send());
  EXPECT_FALSE(a.next(rng));
  a.receive("* 1 EXPUNGE\r\n* 1 FETCH (UID 9 FLAGS ())\r\na3 OK\r\n");
  EXPECT_EQ(a.view(), (std::vector<std::uint32_t>{9}));
  EXPECT_EQ(next(a, rng)->bytes, "a4 STORE 1 +FLAGS (x)\r\n");
}

TEST(Agent, SynchronizingLiteralWaitsForContinuation) {
  ClientAgent a = logged_in("IMAP4rev1", {parse("a1 LOGIN alice secret\r\n"),
                                          parse("a2 APPEND work {5+}\r\nhello\r\n"), parse("a3 NOOP\r\n")});
  Rng rng(5);
  next(a, rng);
  a.receive("a1 OK\r\n");
  auto first = next(a, rng);
  ASSERT_TRUE(first->command);
  EXPECT_EQ(first->bytes, "a2 APPEND work {5}\r\n");  // no LITERAL+ advertised
  EXPECT_FALSE(a.wants_to_send());
  a.receive("+ go ahead\r\n");
  auto rest = next(a, rng);
  EXPECT_FALSE(rest->command);
  EXPECT_EQ(rest->bytes, "hello\r\n");
  EXPECT_EQ(next(a, rng)->bytes, "a3 NOOP\r\n");  // APPEND is no barrier
}

// A script has no drawn wait to follow, so DONE is offered as soon as IDLE is acknowledged; a replay's recorded
// choices decide when it is sent (RFC 2177 allows DONE at any time after "+").
TEST(Agent, ScriptIdleOffersDoneOnceAcknowledged) {
  ClientAgent a = logged_in("IMAP4rev1 IDLE", {parse("a1 LOGIN alice secret\r\n"), parse("a2 SELECT work\r\n"),
                                               parse("a3 IDLE\r\n")});
  Rng rng(6);
  next(a, rng);
  a.receive("a1 OK\r\n");
  next(a, rng);
  a.receive("* 1 EXISTS\r\na2 OK\r\n");
  EXPECT_EQ(next(a, rng)->bytes, "a3 IDLE\r\n");
  EXPECT_FALSE(a.wants_to_send());
  a.receive("+ idling\r\n");
  EXPECT_TRUE(a.wants_to_send());  // also after the script's last command
  a.receive("* 2 EXISTS\r\n");
  auto done = next(a, rng);
  ASSERT_TRUE(done->raw_line);
  EXPECT_EQ(done->bytes, "DONE\r\n");
  EXPECT_FALSE(a.finished());
  a.receive("a3 OK idle done\r\n");
  EXPECT_TRUE(a.finished());
  EXPECT_EQ(a.view(), (std::vector<std::uint32_t>{0, 0}));
}

TEST(Agent, ViewFollowsExpungeVanishedAndExists) {
  ClientAgent a = logged_in("IMAP4rev1", {parse("a1 LOGIN alice secret\r\n"), parse("a2 SELECT work\r\n"),
                                          parse("a3 NOOP\r\n")});
  Rng rng(7);
  next(a, rng);
  a.receive("a1 OK\r\n");
  next(a, rng);
  a.receive("* 4 EXISTS\r\n* 1 FETCH (UID 3)\r\n* 2 FETCH (UID 5)\r\n* 3 FETCH (UID 8)\r\n* 4 FETCH (UID 9)\r\n"
            "a2 OK\r\n");
  EXPECT_EQ(a.view(), (std::vector<std::uint32_t>{3, 5, 8, 9}));
  next(a, rng);
  a.receive("* 2 EXPUNGE\r\n* VANISHED 9\r\n* 9 EXPUNGE\r\n* 4 EXISTS\r\n* 4 FETCH (UID 12)\r\na3 OK\r\n");
  EXPECT_EQ(a.view(), (std::vector<std::uint32_t>{3, 8, 0, 12}));
}

TEST(Agent, GeneratedCommandsAfterNotifyExpungeUseUids) {
  AgentConfig config = config_for("alice");
  config.mix = CommandMix{};
  config.mix.idle = 0;
  ClientAgent a(config);
  a.receive("* OK [CAPABILITY IMAP4rev1 NOTIFY LITERAL+] ready\r\n");
  Rng rng(8);
  auto login = next(a, rng);
  a.receive(login->command->tag + " OK [CAPABILITY IMAP4rev1 NOTIFY LITERAL+] in\r\n");
  bool notified = false;
  int checked_after_notify = 0;
  for (int i = 0; i < 3000; ++i) {
    if (!a.wants_to_send()) {
      ADD_FAILURE() << "stalled";
      break;
    }
    auto out = a.next(rng);
    ASSERT_TRUE(out && out->command);
    const Command& c = *out->command;
    if (notified) {
      EXPECT_FALSE(has_numbers(c)) << out->bytes;
      ++checked_after_notify;
    }
    std::string reply;
    if (c.kind == CommandKind::Select || c.kind == CommandKind::Examine) reply = "* 5 EXISTS\r\n";
    if (c.kind == CommandKind::Fetch && c.uid) {
      for (int n = 1; n <= 5; ++n) reply += "* " + std::to_string(n) + " FETCH (UID " + std::to_string(n * 2) + ")\r\n";
    }
    if (c.kind == CommandKind::Notify) notified = asks_selected_expunge(c);
    a.receive(reply + c.tag + " OK done\r\n");
  }
  EXPECT_GT(checked_after_notify, 100);
}

TEST(Agent, GeneratedIdleEndsAfterAFewUpdatesOrWhenAsked) {
  AgentConfig config = config_for("alice");
  config.mix = CommandMix{};
  config.mix.idle = 50;  // mostly IDLE
  ClientAgent a(config);
  a.receive("* OK [CAPABILITY IMAP4rev1 IDLE LITERAL+] ready\r\n");
  Rng rng(10);
  auto login = next(a, rng);
  a.receive(login->command->tag + " OK [CAPABILITY IMAP4rev1 IDLE LITERAL+] in\r\n");
  int idles = 0, waited = 0;
  for (int i = 0; i < 400 && idles < 40; ++i) {
    auto out = next(a, rng);
    ASSERT_TRUE(out && out->command);
    if (out->command->kind != CommandKind::Idle) {
      a.receive(out->command->tag + " OK done\r\n");
      continue;
    }
    ++idles;
    EXPECT_FALSE(a.wants_to_send());  // nothing until "+" (RFC 2177)
    EXPECT_FALSE(a.next(rng));
    a.receive("+ idling\r\n");
    if (idles % 2 == 0) {
      // Updates arrive: the agent asks to end the IDLE after at most a few of them.
      int updates = 0;
      while (!a.wants_to_send() && updates < 5) {
        a.receive("* " + std::to_string(++updates) + " RECENT\r\n");
      }
      EXPECT_LE(updates, 2);
      waited += updates;
    }
    // Asked (its own wish or the caller's timer), the agent ends the IDLE.
    auto done = a.next(rng);
    ASSERT_TRUE(done && done->raw_line);
    EXPECT_EQ(done->bytes, "DONE\r\n");
    EXPECT_FALSE(a.wants_to_send());
    a.receive(out->command->tag + " OK IDLE terminated\r\n");
  }
  EXPECT_EQ(idles, 40);
  EXPECT_GT(waited, 0);  // some IDLEs wait for updates
}

// ---- Classification and Rng -----------------------------------------------------------------------------

TEST(Workload, ClassifiesTheExamplesOfRfc3501Section5_5) {
  const Command fetch = parse("a FETCH 1 FLAGS\r\n"), noop = parse("a NOOP\r\n"),
                store = parse("a STORE 1 +FLAGS (x)\r\n"), copy = parse("a COPY 1 x\r\n"),
                check = parse("a CHECK\r\n"), uid_search = parse("a UID SEARCH ALL\r\n"),
                uid_search_numbers = parse("a UID SEARCH 1:3\r\n"), select = parse("a SELECT x\r\n"),
                expunge = parse("a EXPUNGE\r\n");
  EXPECT_TRUE(forbids_expunge(fetch));
  EXPECT_FALSE(forbids_expunge(noop));  // FETCH + NOOP + STORE is invalid
  EXPECT_FALSE(forbids_expunge(copy));  // COPY + COPY is invalid
  EXPECT_FALSE(forbids_expunge(check));
  EXPECT_FALSE(forbids_expunge(parse("a UID FETCH 1 FLAGS\r\n")));
  EXPECT_TRUE(uses_sequence_numbers(store));
  EXPECT_TRUE(uses_sequence_numbers(copy));
  EXPECT_FALSE(uses_sequence_numbers(uid_search));
  EXPECT_TRUE(uses_sequence_numbers(uid_search_numbers));
  EXPECT_FALSE(uses_sequence_numbers(expunge));  // STORE + COPY + EXPUNGE is valid
  EXPECT_EQ(pipeline_class(select), PipelineClass::Exclusive);
  EXPECT_EQ(pipeline_class(copy), PipelineClass::Barrier);
  EXPECT_EQ(pipeline_class(fetch), PipelineClass::Free);
  EXPECT_TRUE(notify_expunges_selected(parse("a NOTIFY SET (selected (MessageNew MessageExpunge))\r\n")));
  EXPECT_FALSE(notify_expunges_selected(parse("a NOTIFY SET (selected-delayed (MessageNew MessageExpunge))\r\n")));
  EXPECT_FALSE(notify_expunges_selected(parse("a NOTIFY NONE\r\n")));
}

TEST(Rng, WeightedFollowsTheWeights) {
  Rng rng(42);
  const std::vector<std::uint32_t> weights = {1, 0, 3};
  std::array<int, 3> counts{};
  constexpr int draws = 40000;
  for (int i = 0; i < draws; ++i) ++counts[rng.weighted(weights)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0], draws / 4, draws / 40);
  EXPECT_NEAR(counts[2], draws * 3 / 4, draws / 40);
  const std::vector<std::uint32_t> zeros = {0, 0};
  for (int i = 0; i < 100; ++i) EXPECT_LT(rng.weighted(zeros), 2u);
}

TEST(Workload, MessagesAreBoundedAndUnique) {
  AgentConfig config = config_for("alice");
  config.message_bytes_max = 700;
  Workload w(config);
  Rng rng(9);
  std::set<std::string> ids;
  for (int i = 0; i < 500; ++i) {
    const std::string m = w.make_message(rng);
    EXPECT_LE(m.size(), 700u);
    const auto at = m.find("Message-ID: ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_TRUE(ids.insert(m.substr(at, m.find("\r\n", at) - at)).second);
  }
}

}  // namespace
}  // namespace imaplab::sim
