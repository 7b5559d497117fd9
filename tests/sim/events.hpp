// Test helper: builds checker Events from transcript lines in RFC 2180's notation, e.g. "C1: a FETCH 1:* FLAGS"
// (client 1 sent a command), "S1: * 3 EXPUNGE" (client 1 received a response), "C1: DONE" (a raw line: any single token),
// "C1: <connect>" / "C1: <disconnect>". A line may start with "@<microseconds> " to set its virtual time;
// otherwise each line is 10 us after the previous one.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "model/model.hpp"

#include "sim/checker.hpp"
#include "sim/event.hpp"

namespace imaplab::sim::testing {

// Throws std::invalid_argument when a line does not parse; tests then fail loudly.
std::vector<Event> events_from(const std::vector<std::string>& lines);

// Feeds every line to `checker`; returns the first fatal violation (nullopt: none).
std::optional<Violation> run_lines(Checker& checker, const std::vector<std::string>& lines,
                                   const StoreOracle* oracle = nullptr);

// A checker with default options (policy defaults, should-rules fatal so canaries of S rules fire too).
Checker make_checker(bool should_is_fatal = true);

// The white-box oracle of the canaries: a model the test drives command by command beside the transcript it
// feeds the checker, and message contents the test declares.
class ModelOracle : public StoreOracle {
 public:
  explicit ModelOracle(model::Policy policy = {},
                       std::vector<model::User> users = {{"alice", "secret"}, {"bob", "secret"}},
                       model::ModelOptions options = {});
  const model::Model& model() const override { return model_; }
  std::optional<model::SessionId> session_of(ClientId client) const override;
  const std::string* content(const std::string& mailbox, std::uint32_t uidvalidity,
                             std::uint32_t uid) const override;

  // Runs one command line on `client`'s session (connecting it first); a line that does not parse fails the test.
  model::Outcome run(ClientId client, const std::string& line);
  void store(const std::string& mailbox, std::uint32_t uidvalidity, std::uint32_t uid, std::string bytes);

 private:
  model::Model model_;
  std::map<ClientId, model::SessionId> sessions_;
  std::map<std::tuple<std::string, std::uint32_t, std::uint32_t>, std::string> contents_;
};

// The common scene of the canaries: clients 1 and 2 (both alice) have INBOX (three messages, UIDs 1..3, all
// fetched) selected, in the model and in the transcript fed to `checker`; `mailbox` is created empty first.
struct TwoClientScene {
  ModelOracle oracle;
  Checker checker = make_checker();
  std::optional<Violation> first;
  std::uint32_t uidvalidity = 0;  // INBOX's

  TwoClientScene(model::ModelOptions options, const std::string& mailbox);
  // Feeds transcript lines to the checker with the oracle; keeps the first violation.
  void feed(const std::vector<std::string>& lines);
  // Client `c` sends `command`; the model runs `executed` (nothing when empty); then the replies arrive.
  void step(ClientId c, const std::string& command, const std::string& executed,
            const std::vector<std::string>& replies);
  // The rule of the first violation, or "" when none fired.
  std::string fired() const { return first ? first->rule : std::string(); }
};

// The ACL canaries' scene: client 1 is alice, who administers shared/team (its "anyone" entry, inherited from
// "shared", removed); client 2 is bob, who has `bob_rights` there. Both are logged in, in the model and in the
// transcript fed to `checker`.
struct SharedTeamScene {
  ModelOracle oracle;
  Checker checker = make_checker();
  std::optional<Violation> first;

  explicit SharedTeamScene(const std::string& bob_rights = "lrswi", model::ModelOptions options = {});
  // Feeds transcript lines to the checker with the oracle; keeps the first violation.
  void feed(const std::vector<std::string>& lines);
  // Client `c` sends `command`; the model runs it too when `execute`; then the replies arrive.
  void step(ClientId c, const std::string& command, bool execute, const std::vector<std::string>& replies);
  // The rule of the first violation, or "" when none fired.
  std::string fired() const { return first ? first->rule : std::string(); }
};

}  // namespace imaplab::sim::testing
