// Canaries for sim/check_list.cpp (LST-1: LIST/LSUB names match the reference and pattern; LST-2: \Noselect and
// \HasChildren/\HasNoChildren against the true names), MBX-1's placeholder half (sim/check_access.cpp) and MBX-6
// for pushed LISTs (sim/check_watch.cpp). Each bad transcript fires and a near-identical good one does not.
#include <gtest/gtest.h>

#include "model/bugs.hpp"
#include "proto/writer.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

std::string rule_of(const std::optional<Violation>& v) { return v ? v->rule : std::string(); }

// A model response as a transcript line (no CRLF).
std::string proto_line(const proto::Response& r) {
  std::string line = proto::write_response(r);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

std::vector<std::string> login(int client, const std::string& user) {
  const std::string c = std::to_string(client);
  return {"C" + c + ": <connect>", "S" + c + ": * OK ready", "C" + c + ": l" + c + " LOGIN " + user + " secret",
          "S" + c + ": l" + c + " OK done"};
}

std::optional<Violation> listed(const std::string& command, const std::vector<std::string>& replies) {
  Checker checker = make_checker();
  std::vector<std::string> lines = login(1, "alice");
  lines.insert(lines.end(), {"C1: a1 SUBSCRIBE work/sub", "S1: a1 OK done"});  // so MBX-6 accepts LSUB work/sub
  lines.push_back("C1: " + command);
  lines.insert(lines.end(), replies.begin(), replies.end());
  return run_lines(checker, lines);
}

TEST(CheckList, PercentDoesNotCrossTheDelimiter) {
  // RFC 3501 §6.3.8: '%' does not match a hierarchy delimiter, so "work/%" names no grandchild.
  EXPECT_EQ(rule_of(listed("a2 LIST \"\" work/%", {"S1: * LIST (\\HasNoChildren) \"/\" work/sub/deep",
                                                    "S1: a2 OK done"})),
            "LST-1");
  EXPECT_EQ(rule_of(listed("a2 LIST \"\" work/%", {"S1: * LIST (\\HasChildren) \"/\" work/sub", "S1: a2 OK done"})),
            "");
  EXPECT_EQ(rule_of(listed("a2 LIST \"\" work/*", {"S1: * LIST () \"/\" work/sub/deep", "S1: a2 OK done"})), "");
  EXPECT_EQ(rule_of(listed("a2 LSUB work/ %", {"S1: * LSUB () \"/\" work/sub/deep", "S1: a2 OK done"})), "LST-1");
  EXPECT_EQ(rule_of(listed("a2 LSUB work/ %", {"S1: * LSUB () \"/\" work/sub", "S1: a2 OK done"})), "");
}

TEST(CheckList, LiteralsAndInboxCase) {
  EXPECT_EQ(rule_of(listed("a2 LIST \"\" w%k", {"S1: * LIST () \"/\" wonk", "S1: a2 OK done"})), "");
  EXPECT_EQ(rule_of(listed("a2 LIST \"\" w%k", {"S1: * LIST () \"/\" walk/x", "S1: a2 OK done"})), "LST-1");
  // INBOX is case-insensitive (RFC 3501 §5.1); no other name is.
  EXPECT_EQ(rule_of(listed("a2 LIST \"\" inbox", {"S1: * LIST () \"/\" INBOX", "S1: a2 OK done"})), "");
  EXPECT_EQ(rule_of(listed("a2 LIST \"\" Work", {"S1: * LIST () \"/\" work", "S1: a2 OK done"})), "LST-1");
  // The empty pattern asks for the delimiter (RFC 3501 §6.3.8): not judged.
  EXPECT_EQ(rule_of(listed("a2 LIST \"\" \"\"", {"S1: * LIST (\\Noselect) \"/\" \"\"", "S1: a2 OK done"})), "");
}

model::ModelOptions with_bug(std::optional<model::Bug> bug) {
  model::ModelOptions options;
  if (bug) options.bugs.add(*bug);
  return options;
}

// Alice (client 1) has "work" and "work/sub" in the model and the transcript.
struct Scene {
  ModelOracle oracle;
  Checker checker = make_checker();
  std::optional<Violation> first;

  explicit Scene(std::optional<model::Bug> bug) : oracle({}, {{"alice", "secret"}, {"bob", "secret"}}, with_bug(bug)) {
    oracle.run(1, "l1 LOGIN alice secret");
    feed(login(1, "alice"));
    step("a2 CREATE work", {"S1: a2 OK done"});
    step("a3 CREATE work/sub", {"S1: a3 OK done"});
  }
  void feed(const std::vector<std::string>& lines) {
    for (const Event& e : events_from(lines)) {
      auto v = checker.observe(e, &oracle);
      if (v && !first) first = std::move(v);
    }
  }
  void step(const std::string& command, const std::vector<std::string>& replies) {
    feed({"C1: " + command});
    oracle.run(1, command);
    feed(replies);
  }
  std::string fired() const { return first ? first->rule : std::string(); }
};

TEST(CheckList, DeletedParentIsNoselect) {
  // RFC 3501 §6.3.4: the deleted name with inferiors "will acquire the \Noselect name attribute".
  for (bool noselect : {true, false}) {
    SCOPED_TRACE(noselect);
    Scene s(std::nullopt);
    s.step("a4 DELETE work", {"S1: a4 OK done"});
    s.step("a5 LIST \"\" work", {noselect ? "S1: * LIST (\\Noselect \\HasChildren) \"/\" work"
                                          : "S1: * LIST (\\HasChildren) \"/\" work",
                                 "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), noselect ? "" : "LST-2");
  }
}

TEST(CheckList, ChildrenAttributes) {
  for (const char* attrs : {"\\HasChildren", "\\HasNoChildren", "\\Noselect \\HasChildren"}) {
    SCOPED_TRACE(attrs);
    Scene s(std::nullopt);
    s.step("a5 LIST \"\" work", {"S1: * LIST (" + std::string(attrs) + ") \"/\" work", "S1: a5 OK done"});
    EXPECT_EQ(s.fired(), std::string(attrs) == "\\HasChildren" ? "" : "LST-2");
  }
}

TEST(CheckList, NoJudgementWhileANameChangeRuns) {
  // Client 2 deletes work/sub beside the LIST: either answer may be right.
  Scene s(std::nullopt);
  s.oracle.run(2, "b1 LOGIN alice secret");
  s.feed(login(2, "alice"));
  s.feed({"C1: a5 LIST \"\" work", "C2: b2 DELETE work/sub"});
  s.oracle.run(2, "b2 DELETE work/sub");
  s.feed({"S2: b2 OK done", "S1: * LIST (\\HasChildren) \"/\" work", "S1: a5 OK done"});
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckList, DeleteKeepsTheNameAsNoselect) {
  for (bool bug : {true, false}) {
    SCOPED_TRACE(bug);
    Scene s(bug ? std::optional(model::Bug::DeleteDropsPlaceholder) : std::nullopt);
    s.step("a4 DELETE work", {"S1: a4 OK done"});
    EXPECT_EQ(s.fired(), bug ? "MBX-1" : "");
  }
}

TEST(CheckList, ListNoselectBugFires) {
  for (bool bug : {true, false}) {
    SCOPED_TRACE(bug);
    Scene s(bug ? std::optional(model::Bug::ListNoselectMissing) : std::nullopt);
    s.step("a4 DELETE work", {"S1: a4 OK done"});
    s.feed({"C1: a5 LIST \"\" *"});
    for (const auto& r : s.oracle.run(1, "a5 LIST \"\" *").responses) s.feed({"S1: " + proto_line(r)});
    EXPECT_EQ(s.fired(), bug ? "LST-2" : "");
  }
}

// MBX-6 for NOTIFY (RFC 5465 §5.5): client 1 (alice) watches SubscriptionChange; client 2 subscribes.
std::optional<Violation> pushed_after(const std::string& user2, const std::string& command2) {
  Checker checker = make_checker();
  std::vector<std::string> lines = login(1, "alice");
  const auto more = login(2, user2);
  lines.insert(lines.end(), more.begin(), more.end());
  lines.insert(lines.end(), {"C1: a2 NOTIFY SET (personal (SubscriptionChange MailboxName))", "S1: a2 OK done",
                             "C2: b2 " + command2, "S2: b2 OK done", "S1: * LIST () \"/\" work"});
  return run_lines(checker, lines);
}

TEST(CheckList, SubscriptionChangeOnlyForTheSameUser) {
  EXPECT_EQ(rule_of(pushed_after("bob", "SUBSCRIBE work")), "MBX-6");
  EXPECT_EQ(rule_of(pushed_after("alice", "SUBSCRIBE work")), "");
  EXPECT_EQ(rule_of(pushed_after("bob", "CREATE work/x")), "");  // a name change below it (RFC 5465 §5.4)
  EXPECT_EQ(rule_of(pushed_after("bob", "UNSUBSCRIBE work")), "MBX-6");
  // Judged only when another user's (UN)SUBSCRIBE of the name shows where the LIST came from.
  EXPECT_EQ(rule_of(pushed_after("bob", "SUBSCRIBE other")), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
