// Builds checker Events from transcript lines (see events.hpp), through the real proto parsers.
#include <stdexcept>

#include <gtest/gtest.h>

#include "proto/command_parser.hpp"
#include "proto/response_parser.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

constexpr std::uint64_t line_step_us = 10;  // virtual time between lines without "@time"

Event parse_line(const std::string& line, std::uint64_t time_us) {
  if (line.size() < 4 || (line[0] != 'C' && line[0] != 'S')) throw std::invalid_argument("bad line: " + line);
  const auto colon = line.find(": ");
  if (colon == std::string::npos) throw std::invalid_argument("no ': ' in line: " + line);
  Event e;
  e.time_us = time_us;
  e.client = static_cast<ClientId>(std::stoul(line.substr(1, colon - 1)));
  const std::string text = line.substr(colon + 2);
  if (text == "<connect>" || text == "<disconnect>") {
    e.dir = text == "<connect>" ? Event::Dir::Connected : Event::Dir::Disconnected;
    return e;
  }
  e.bytes = text + "\r\n";
  if (line[0] == 'C') {
    e.dir = Event::Dir::Sent;
    if (text.find(' ') == std::string::npos) {  // DONE, AUTHENTICATE data: one token, never a command
      e.raw_line = text;
      return e;
    }
    auto parsed = proto::parse_command(e.bytes);
    if (auto* err = std::get_if<proto::ParseError>(&parsed)) {
      throw std::invalid_argument("command does not parse (" + err->message + "): " + text);
    }
    e.command = std::get<proto::Command>(std::move(parsed));
    return e;
  }
  e.dir = Event::Dir::Received;
  auto parsed = proto::parse_response(e.bytes);
  if (auto* err = std::get_if<proto::ParseError>(&parsed)) {
    throw std::invalid_argument("response does not parse (" + err->message + "): " + text);
  }
  e.response = std::get<proto::Response>(std::move(parsed));
  return e;
}

}  // namespace

std::vector<Event> events_from(const std::vector<std::string>& lines) {
  std::vector<Event> out;
  std::uint64_t now = 0;
  for (std::string line : lines) {
    if (!line.empty() && line[0] == '@') {
      const auto space = line.find(' ');
      now = std::stoull(line.substr(1, space - 1));
      line = line.substr(space + 1);
    } else {
      now += line_step_us;
    }
    out.push_back(parse_line(line, now));
  }
  return out;
}

std::optional<Violation> run_lines(Checker& checker, const std::vector<std::string>& lines,
                                   const StoreOracle* oracle) {
  std::optional<Violation> first;
  for (const Event& e : events_from(lines)) {
    auto v = checker.observe(e, oracle);
    if (v && !first) first = std::move(v);
  }
  return first;
}

Checker make_checker(bool should_is_fatal) {
  CheckerOptions options;
  options.should_is_fatal = should_is_fatal;
  return Checker(options);
}

ModelOracle::ModelOracle(model::Policy policy, std::vector<model::User> users, model::ModelOptions options)
    : model_(std::move(policy), std::move(users), std::move(options)) {}

std::optional<model::SessionId> ModelOracle::session_of(ClientId client) const {
  const auto it = sessions_.find(client);
  return it == sessions_.end() ? std::nullopt : std::optional<model::SessionId>(it->second);
}

const std::string* ModelOracle::content(const std::string& mailbox, std::uint32_t uidvalidity,
                                        std::uint32_t uid) const {
  const auto it = contents_.find({mailbox, uidvalidity, uid});
  return it == contents_.end() ? nullptr : &it->second;
}

model::Outcome ModelOracle::run(ClientId client, const std::string& line) {
  if (!sessions_.count(client)) sessions_[client] = model_.connect();
  auto parsed = proto::parse_command(line + "\r\n");
  EXPECT_TRUE(std::holds_alternative<proto::Command>(parsed)) << line;
  if (!std::holds_alternative<proto::Command>(parsed)) return {};
  return model_.execute(sessions_[client], std::get<proto::Command>(parsed));
}

void ModelOracle::store(const std::string& mailbox, std::uint32_t uidvalidity, std::uint32_t uid, std::string bytes) {
  contents_[{mailbox, uidvalidity, uid}] = std::move(bytes);
}

TwoClientScene::TwoClientScene(model::ModelOptions options, const std::string& mailbox)
    : oracle({}, {{"alice", "secret"}, {"bob", "secret"}}, std::move(options)) {
  oracle.run(1, "a1 LOGIN alice secret");
  oracle.run(1, "a0 CREATE " + mailbox);
  for (int i = 0; i < 3; ++i) oracle.run(1, "a2 APPEND INBOX {5+}\r\nmsg-" + std::to_string(i));
  uidvalidity = oracle.model().mailbox("INBOX")->uidvalidity;
  for (ClientId c : {1u, 2u}) {
    const std::string C = "C" + std::to_string(c) + ": ", S = "S" + std::to_string(c) + ": ";
    if (c == 2) oracle.run(2, "a1 LOGIN alice secret");
    oracle.run(c, "a3 SELECT INBOX");
    oracle.run(c, "a4 FETCH 1:* UID");
    feed({C + "<connect>", S + "* OK ready", C + "a1 LOGIN alice secret", S + "a1 OK done", C + "a3 SELECT INBOX",
          S + "* 3 EXISTS", S + "* OK [UIDVALIDITY " + std::to_string(uidvalidity) + "] ok",
          S + "a3 OK [READ-WRITE] done", C + "a4 FETCH 1:* UID", S + "* 1 FETCH (UID 1)", S + "* 2 FETCH (UID 2)",
          S + "* 3 FETCH (UID 3)", S + "a4 OK done"});
  }
}

void TwoClientScene::feed(const std::vector<std::string>& lines) {
  for (const Event& e : events_from(lines)) {
    auto v = checker.observe(e, &oracle);
    if (v && !first) first = std::move(v);
  }
}

void TwoClientScene::step(ClientId c, const std::string& command, const std::string& executed,
                          const std::vector<std::string>& replies) {
  feed({"C" + std::to_string(c) + ": " + command});
  if (!executed.empty()) oracle.run(c, executed);
  feed(replies);
}

SharedTeamScene::SharedTeamScene(const std::string& bob_rights, model::ModelOptions options)
    : oracle({}, {{"alice", "secret"}, {"bob", "secret"}}, std::move(options)) {
  oracle.run(1, "a1 LOGIN alice secret");
  oracle.run(1, "a2 CREATE shared/team");
  oracle.run(1, "a3 DELETEACL shared/team anyone");
  oracle.run(1, "a4 SETACL shared/team bob " + bob_rights);
  oracle.run(2, "b1 LOGIN bob secret");
  feed({"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done", "C2: <connect>",
        "S2: * OK ready", "C2: b1 LOGIN bob secret", "S2: b1 OK done"});
}

void SharedTeamScene::feed(const std::vector<std::string>& lines) {
  for (const Event& e : events_from(lines)) {
    auto v = checker.observe(e, &oracle);
    if (v && !first) first = std::move(v);
  }
}

void SharedTeamScene::step(ClientId c, const std::string& command, bool execute,
                           const std::vector<std::string>& replies) {
  feed({"C" + std::to_string(c) + ": " + command});
  if (execute) oracle.run(c, command);
  feed(replies);
}

}  // namespace imaplab::sim::testing
