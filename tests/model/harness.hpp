// A tiny test harness: drive a Model with command lines as text and read the responses as text lines, the
// way the RFC examples are written ("a1 SELECT INBOX" in, "* 3 EXISTS" ... "a1 OK ..." out).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace imaplab::model::testing {

// alice (owner of the "shared" hierarchy), bob and carol; every password is "pw".
std::vector<User> default_users();

class Harness;
// A model of the default users under `policy`, with zoo bug `bug` planted when `on`.
Harness harness_with_bug(Bug bug, bool on, Policy policy = {});

class Harness {
 public:
  explicit Harness(Policy policy = {}, std::vector<User> users = default_users(), ModelOptions options = {});

  Model& model() { return model_; }
  // A new connection; its greeting is discarded.
  SessionId connect();
  // connect() and LOGIN with password "pw".
  SessionId login(const std::string& user);
  // Sends one command line (no CRLF; a literal may be written inline as "{5+}\r\nhello"). Returns the
  // response lines without their final CRLF. A line that does not parse returns {"PARSE ERROR: ..."}.
  std::vector<std::string> send(SessionId session, const std::string& line);
  // The same, joined with '\n' (handy for EXPECT_EQ against a transcript).
  std::string run(SessionId session, const std::string& line);
  // APPEND of a small message, returning the response lines.
  std::vector<std::string> append(SessionId session, const std::string& mailbox, const std::string& message,
                                  const std::string& flags = "");
  // Appends `count` messages "Subject: m<i>" to the mailbox through a throwaway session of `user`.
  void fill(const std::string& user, const std::string& mailbox, int count);
  // IDLE's DONE, AUTHENTICATE's data line, and what the session may be sent between commands.
  std::vector<std::string> done(SessionId session);
  std::vector<std::string> auth_data(SessionId session, const std::string& line);
  std::vector<std::string> unsolicited(SessionId session);
  bool has_unsolicited(SessionId session) const { return model_.has_unsolicited(session); }

  static std::vector<std::string> lines(const std::vector<proto::Response>& responses);
  static std::string join(const std::vector<std::string>& lines);

 private:
  Model model_;
  std::map<SessionId, std::string> pending_tag_;  // IDLE or AUTHENTICATE waiting for a raw line
};

// True when some line starts with `prefix`.
bool has_line(const std::vector<std::string>& lines, const std::string& prefix);
// The last line (the tagged completion of a command).
std::string last(const std::vector<std::string>& lines);

}  // namespace imaplab::model::testing
