// A runner for transcripts written in the RFC examples' own notation ("C1: A001 SELECT FOO", "S2: * 4 EXPUNGE")
// against a model::Model with several sessions, so the conformance tests can state RFC 2180 and RFC 5465
// examples line for line. Black box: it uses only the public contract of model/model.hpp and proto/.
//
// Script rules (one line each; lines starting with anything but "C" or "S" and a colon are comments):
//   "Cn: <command>"  client n sends the command (parsed with proto::parse_command, run on its session). A line
//                    ending in a literal "{k}" or "{k+}" continues on the next Cn lines (joined with CRLF) until
//                    k bytes are taken. "Cn: DONE" ends client n's IDLE.
//   "Sn: <response>" the next response queued for client n must match. A response ending in a literal "{k}"
//                    continues on the next Sn lines in the same way. "C:" and "S:" mean client 1.
//   "Sn: ~<response>" the response may come in any place among client n's untagged responses before its next
//                    tagged one (for sets whose order no RFC fixes, e.g. NOTIFY's STATUS responses).
//   "Sn: [...]"      elision, as RFC 5465 writes it: responses for client n are skipped until one matches the
//                    next Sn line (or all of them, when client n's next line is a command or the script ends).
// Matching ("may differ" as in the RFC examples):
//   - a status response (OK/NO/BAD/BYE/PREAUTH) must agree on tag, status word and response code when the
//     expected line has a code; the text after the code (or after the status word when there is none) may
//     differ;
//   - "..." in an expected response stands for any text (the RFC examples' ". . ."), CRLFs included;
//   - otherwise the written form must be equal, or both must parse and agree as values: STATUS carries at
//     least the expected items with their values, FETCH carries the same items in any order, LIST carries
//     the expected attributes and no other of \NonExistent, \Noselect, \NoAccess, \Subscribed.
// After every command the updates each connected session may be sent between commands
// (Model::unsolicited) are collected into that client's queue, as a server delivering them at once would.
// When a client's next command is sent (and at the end of the script) its queue must be empty.
#pragma once
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"
#include "model/policy.hpp"

namespace imaplab::testing {

// alice/alice, bob/bob and carol/carol.
std::vector<model::User> default_users();

// A small RFC 822 message with the given Subject (and From/To), CRLF line ends.
std::string small_message(const std::string& subject);

// True when the written response `actual` (with or without CRLF) matches the expected script text; `why`
// says how it differs.
bool response_matches(std::string_view expected, std::string_view actual, std::string* why = nullptr);

class Transcript {
 public:
  explicit Transcript(model::Policy policy, std::vector<model::User> users = default_users());

  model::Model& model() { return model_; }
  const model::Model& model() const { return model_; }

  // Client n connects; the greeting is queued (so a script can show it and the LOGIN).
  void connect(int client);
  // Client n (1-based, as in "C1:") connects and logs in as `user` (password from the users list). The
  // greeting and the LOGIN reply are not queued.
  void login(int client, const std::string& user);
  model::SessionId session(int client) const;
  bool connected(int client) const;

  // Sends one command line (without CRLF) as client n and returns the written responses of that command
  // (not queued); other clients' unsolicited updates are queued as in run(). Literals: "{k+}" inline after
  // the line is not supported here; use append() for messages.
  std::vector<std::string> exec(int client, const std::string& line);
  // Like exec() but the tagged completion must be OK (adds a test failure otherwise): builds the state an
  // example assumes.
  std::vector<std::string> setup(int client, const std::string& line);
  // APPENDs `message` to `mailbox` as client n (must succeed); flags as an IMAP flag list, e.g. "(\\Deleted)".
  void append(int client, const std::string& mailbox, const std::string& message,
              const std::string& flags = "");

  // Collects every session's unsolicited updates into the queues (done after each command anyway).
  void poll();
  // Drops what is queued for client n (or every client).
  void clear(int client);
  void clear_all();
  const std::vector<std::string>& queued(int client) const;

  // Runs a script against the current state. On failure the message names the script line, the RFC-style
  // expectation, and shows every line exchanged so far.
  ::testing::AssertionResult run(std::string_view script);

 private:
  struct Client {
    model::SessionId session = 0;
    bool connected = false;
    std::optional<std::string> idle_tag;  // set while IDLE is in progress
    std::vector<std::string> queue;       // written responses not yet matched
    bool eliding = false;                 // an "[...]" is in effect
  };
  Client& client(int n);
  const Client& client(int n) const;
  std::vector<std::string> send(int n, const std::string& bytes, std::string* error);
  void take(int n, const model::Outcome& outcome, std::vector<std::string>& out);
  void after_response(int n, const proto::Response& response);
  bool expect(int n, const std::string& expected, std::string* error);
  bool flush_elision(int n, std::string* error);

  std::vector<model::User> users_;
  model::Model model_;
  std::map<int, Client> clients_;
  std::vector<std::string> log_;  // every line exchanged, for failure messages
};

}  // namespace imaplab::testing
