// The text harness of tests/model/harness.hpp, built on proto::parse_command and proto::write_response.
#include <variant>

#include "proto/command_parser.hpp"
#include "proto/writer.hpp"
#include "tests/model/harness.hpp"

namespace imaplab::model::testing {

std::vector<User> default_users() { return {{"alice", "pw"}, {"bob", "pw"}, {"carol", "pw"}}; }

Harness harness_with_bug(Bug bug, bool on, Policy policy) {
  ModelOptions options;
  if (on) options.bugs.add(bug);
  return Harness(policy, default_users(), options);
}

Harness::Harness(Policy policy, std::vector<User> users, ModelOptions options)
    : model_(policy, std::move(users), options) {}

SessionId Harness::connect() { return model_.connect(); }

SessionId Harness::login(const std::string& user) {
  const SessionId s = connect();
  send(s, "L0 LOGIN " + user + " pw");
  return s;
}

std::vector<std::string> Harness::send(SessionId session, const std::string& line) {
  auto parsed = proto::parse_command(line + "\r\n");
  if (const auto* error = std::get_if<proto::ParseError>(&parsed)) return {"PARSE ERROR: " + error->message};
  const auto& command = std::get<proto::Command>(parsed);
  Outcome out = model_.execute(session, command);
  if (out.next == Outcome::Next::Idle || out.next == Outcome::Next::AuthContinue) pending_tag_[session] = command.tag;
  return lines(out.responses);
}

std::string Harness::run(SessionId session, const std::string& line) { return join(send(session, line)); }

std::vector<std::string> Harness::append(SessionId session, const std::string& mailbox, const std::string& message,
                                         const std::string& flags) {
  const std::string flag_part = flags.empty() ? "" : " (" + flags + ")";
  return send(session, "AP APPEND " + mailbox + flag_part + " {" + std::to_string(message.size()) + "+}\r\n" +
                           message);
}

void Harness::fill(const std::string& user, const std::string& mailbox, int count) {
  const SessionId s = login(user);
  for (int i = 1; i <= count; ++i) append(s, mailbox, "Subject: m" + std::to_string(i) + "\r\n\r\nbody\r\n");
  send(s, "LO LOGOUT");
  model_.disconnect(s);
}

std::vector<std::string> Harness::done(SessionId session) {
  const std::string tag = pending_tag_[session];
  pending_tag_.erase(session);
  return lines(model_.idle_done(session, tag).responses);
}

std::vector<std::string> Harness::auth_data(SessionId session, const std::string& line) {
  const std::string tag = pending_tag_[session];
  pending_tag_.erase(session);
  return lines(model_.authenticate_data(session, tag, line).responses);
}

std::vector<std::string> Harness::unsolicited(SessionId session) { return lines(model_.unsolicited(session)); }

std::vector<std::string> Harness::lines(const std::vector<proto::Response>& responses) {
  std::vector<std::string> out;
  for (const auto& r : responses) {
    std::string text = proto::write_response(r);
    if (text.size() >= 2 && text.compare(text.size() - 2, 2, "\r\n") == 0) text.resize(text.size() - 2);
    out.push_back(std::move(text));
  }
  return out;
}

std::string Harness::join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const auto& l : lines) {
    if (l.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string last(const std::vector<std::string>& lines) { return lines.empty() ? std::string() : lines.back(); }

}  // namespace imaplab::model::testing
