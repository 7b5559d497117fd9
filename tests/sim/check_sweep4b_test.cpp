// Canaries for the fourth mutation sweep's name survivors (sim/check_names.cpp): LST-3 (a LIST names every
// visible mailbox its pattern matches; M1, M28), MBX-7 (CREATE/RENAME leave every superior name; M9, M17) and
// APP-2 (APPEND to a \Noselect placeholder fails; M29). Each bad transcript fires and a near-identical good one
// does not; each zoo bug's model fires its rule and the correct model does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "model/bugs.hpp"
#include "proto/writer.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

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

model::ModelOptions with_bug(std::optional<model::Bug> bug) {
  model::ModelOptions options;
  if (bug) options.bugs.add(*bug);
  return options;
}

// Alice on clients 1 and 2, in the model and the transcript; the model answers what the transcript shows unless
// a test edits the lines.
struct Scene {
  ModelOracle oracle;
  Checker checker = make_checker();
  std::optional<Violation> first;

  explicit Scene(std::optional<model::Bug> bug, model::Policy policy = {})
      : oracle(policy, {{"alice", "secret"}, {"bob", "secret"}}, with_bug(bug)) {
    for (ClientId c : {1, 2}) {
      oracle.run(c, "l" + std::to_string(c) + " LOGIN alice secret");
      feed(login(static_cast<int>(c), "alice"));
    }
  }
  void feed(const std::vector<std::string>& lines) {
    for (const Event& e : events_from(lines)) {
      auto v = checker.observe(e, &oracle);
      if (v && !first) first = std::move(v);
    }
  }
  // The model's replies to `command` on client `c`, as transcript lines.
  std::vector<std::string> run(ClientId c, const std::string& command) {
    std::vector<std::string> out;
    for (const auto& r : oracle.run(c, command).responses) out.push_back("S" + std::to_string(c) + ": " + proto_line(r));
    return out;
  }
  // Client 1 sends `command`; the model's replies arrive, passed through `edit` first.
  void step(const std::string& command,
            const std::function<void(std::vector<std::string>&)>& edit = [](std::vector<std::string>&) {}) {
    feed({"C1: " + command});
    auto replies = run(1, command);
    edit(replies);
    feed(replies);
  }
  std::string fired() const { return first ? first->rule : std::string(); }
};

void drop_line(std::vector<std::string>& lines, const std::string& needle) {
  const auto it = std::find_if(lines.begin(), lines.end(),
                               [&](const std::string& l) { return l.ends_with(needle); });
  ASSERT_NE(it, lines.end()) << needle;
  lines.erase(it);
}

TEST(CheckSweep4b, Lst3ListNamesEveryMatch) {
  for (bool drop : {false, true}) {
    SCOPED_TRACE(drop);
    Scene s(std::nullopt);
    s.step("a1 CREATE work/sub");
    s.step("a2 LIST \"\" w*", [&](auto& lines) {
      if (drop) drop_line(lines, "work/sub");
    });
    EXPECT_EQ(s.fired(), drop ? "LST-3" : "");
  }
  // '%' does not reach work/sub (RFC 3501 §6.3.8): its absence is right; work's is not.
  for (const char* dropped : {"", "\"/\" work"}) {
    SCOPED_TRACE(dropped);
    Scene s(std::nullopt);
    s.step("a1 CREATE work/sub");
    s.step("a2 LIST \"\" %", [&](auto& lines) {
      EXPECT_TRUE(std::none_of(lines.begin(), lines.end(), [](const auto& l) { return l.find("work/sub") != l.npos; }));
      if (*dropped) drop_line(lines, dropped);
    });
    EXPECT_EQ(s.fired(), *dropped ? "LST-3" : "");
  }
  // A \Noselect placeholder is a name the store holds: owed too.
  {
    Scene s(std::nullopt);
    s.step("a1 CREATE work/sub");
    s.step("a2 DELETE work");
    s.step("a3 LIST \"\" w*", [](auto& lines) { drop_line(lines, "\"/\" work"); });
    EXPECT_EQ(s.fired(), "LST-3");
  }
}

TEST(CheckSweep4b, Lst3NotJudgedWhileNamesChange) {
  // Client 2's CREATE runs beside the LIST: either answer may be right.
  Scene s(std::nullopt);
  s.feed({"C1: a2 LIST \"\" *", "C2: b1 CREATE other"});
  auto list = s.run(1, "a2 LIST \"\" *");
  s.feed(s.run(2, "b1 CREATE other"));
  s.feed(list);
  EXPECT_EQ(s.fired(), "");
  // The same with the CREATE done before the LIST is sent: judged.
  Scene t(std::nullopt);
  t.feed({"C2: b1 CREATE other"});
  t.feed(t.run(2, "b1 CREATE other"));
  t.step("a2 LIST \"\" o*", [](auto& lines) { drop_line(lines, "other"); });
  EXPECT_EQ(t.fired(), "LST-3");
}

TEST(CheckSweep4b, Lst3MissingSuperiorLevelForPercent) {
  // The store holds a/b but not a (the CREATE ran on a model that skips superiors, unseen by the checker):
  // LIST "" % owes "a" as a level of hierarchy (RFC 3501 §6.3.8); LIST "" * does not.
  for (bool added : {false, true}) {
    SCOPED_TRACE(added);
    Scene s(model::Bug::CreateSkipsParents);
    s.oracle.run(2, "b1 CREATE a/b");
    s.step("a2 LIST \"\" %", [&](auto& lines) {
      if (added) lines.insert(lines.end() - 1, "S1: * LIST (\\Noselect \\HasChildren) \"/\" a");
    });
    EXPECT_EQ(s.fired(), added ? "" : "LST-3");
  }
  Scene s(model::Bug::CreateSkipsParents);
  s.oracle.run(2, "b1 CREATE a/b");
  s.step("a2 LIST \"\" *");
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckSweep4b, Lst3BuggedModelDropsLastMatch) {
  for (bool bug : {false, true}) {
    SCOPED_TRACE(bug);
    Scene s(bug ? std::optional(model::Bug::ListDropsLastMatch) : std::nullopt);
    s.step("a1 CREATE work");
    s.step("a2 LIST \"\" %");
    EXPECT_EQ(s.fired(), bug ? "LST-3" : "");
  }
}

TEST(CheckSweep4b, Mbx7CreateLeavesSuperiors) {
  for (bool bug : {false, true}) {
    SCOPED_TRACE(bug);
    Scene s(bug ? std::optional(model::Bug::CreateSkipsParents) : std::nullopt);
    s.step("a1 CREATE top/mid/leaf");
    EXPECT_EQ(s.fired(), bug ? "MBX-7" : "");
  }
  // A flat name has no superior; a DELETE beside the CREATE may have removed the superior: not judged.
  {
    Scene s(model::Bug::CreateSkipsParents);
    s.step("a1 CREATE flat");
    EXPECT_EQ(s.fired(), "");
  }
  {
    Scene s(model::Bug::CreateSkipsParents);
    s.feed({"C2: b1 DELETE top", "C1: a1 CREATE top/leaf"});
    auto created = s.run(1, "a1 CREATE top/leaf");
    s.feed(s.run(2, "b1 DELETE top"));
    s.feed(created);
    EXPECT_EQ(s.fired(), "");
  }
}

TEST(CheckSweep4b, Mbx7RenameLeavesSuperiors) {
  // The correct model creates the superiors of RENAME's new name; a transcript OK over a store without them
  // (the RENAME ran on the bugged CREATE path, unseen) fires.
  Scene s(std::nullopt);
  s.step("a1 CREATE box");
  s.step("a2 RENAME box new/box");
  EXPECT_EQ(s.fired(), "");
  Scene t(model::Bug::CreateSkipsParents);
  t.step("a1 CREATE box");
  t.feed({"C1: a2 RENAME box2 new/box", "S1: a2 OK done"});  // the model never ran it: new does not exist
  EXPECT_EQ(t.fired(), "MBX-7");
}

TEST(CheckSweep4b, App2AppendIntoPlaceholder) {
  for (bool bug : {false, true}) {
    SCOPED_TRACE(bug);
    Scene s(bug ? std::optional(model::Bug::AppendIntoNoselect) : std::nullopt);
    s.step("a1 CREATE work/sub");
    s.step("a2 DELETE work");
    s.step("a3 APPEND work {5+}\r\nhello");
    EXPECT_EQ(s.fired(), bug ? "APP-2" : "");
  }
  // A transcript OK while the store keeps the placeholder empty fires as well; APPEND to a mailbox does not.
  Scene s(std::nullopt);
  s.step("a1 CREATE work/sub");
  s.step("a2 APPEND work {5+}\r\nhello");
  EXPECT_EQ(s.fired(), "");
  s.step("a3 DELETE work");
  s.feed({"C1: a4 APPEND work {5+}\r\nhello", "S1: a4 OK done"});
  EXPECT_EQ(s.fired(), "APP-2");
}

}  // namespace
}  // namespace imaplab::sim::testing
