// Canaries for FLG-4's "at least one" half (sim/check_access.cpp) around dropped connections: the server session
// of a client that dropped lives on until it has run what it had received, and while it does it may take
// \Recent (RFC 3501 §2.3.2), so a later SELECT that says 0 RECENT is right; once the server has closed it, the
// rule is judged again.
#include <set>

#include <gtest/gtest.h>

#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// The test's model, whose sessions the test may declare closed by the server (session_of then says none), as
// the world's oracle does once the server has torn a dropped connection down.
class ClosingOracle : public StoreOracle {
 public:
  ModelOracle inner;
  std::set<ClientId> closed;

  const model::Model& model() const override { return inner.model(); }
  std::optional<model::SessionId> session_of(ClientId client) const override {
    return closed.count(client) ? std::nullopt : inner.session_of(client);
  }
  const std::string* content(const std::string& mailbox, std::uint32_t uidvalidity,
                             std::uint32_t uid) const override {
    return inner.content(mailbox, uidvalidity, uid);
  }
};

// FLG-4's "at least one" half is not judged under rename=inplace: use rename=fail. Clients 1 and 2 are both
// alice; INBOX holds one message whose \Recent a session already took and gave up.
struct DropScene {
  ClosingOracle oracle;
  Checker checker{[] {
    CheckerOptions options;
    options.policy.rename = model::Policy::Rename::Fail;
    options.should_is_fatal = true;
    return options;
  }()};
  std::optional<Violation> first;

  DropScene() {
    run(1, "a1 LOGIN alice secret");
    run(1, "a2 APPEND INBOX {5+}\r\nmsg-0");
    run(1, "a3 SELECT INBOX");
    run(1, "a4 CLOSE");
    run(2, "b1 LOGIN alice secret");
    feed({"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret", "S1: a1 OK done",
          "C2: <connect>", "S2: * OK ready", "C2: b1 LOGIN alice secret", "S2: b1 OK done"});
  }
  void run(ClientId c, const std::string& line) { oracle.inner.run(c, line); }
  std::string uv() const { return std::to_string(oracle.model().mailbox("INBOX")->uidvalidity); }
  void feed(const std::vector<std::string>& lines) {
    for (const Event& e : events_from(lines)) {
      auto v = checker.observe(e, &oracle);
      if (v && !first) first = std::move(v);
    }
  }
  void append_by_client1() {
    feed({"C1: a5 APPEND INBOX {5+}\r\nmsg-1"});
    run(1, "a5 APPEND INBOX {5+}\r\nmsg-1");
    feed({"S1: a5 OK [APPENDUID " + uv() + " 2] done"});
  }
  // Client 1 selects INBOX; the model says how many \Recent it got, or `recent` overrides it.
  void select_by_client1(std::optional<int> recent = std::nullopt) {
    run(1, "a6 SELECT INBOX");
    const int told = recent.value_or(owned_by_client1());
    feed({"C1: a6 SELECT INBOX", "S1: * 2 EXISTS", "S1: * " + std::to_string(told) + " RECENT",
          "S1: * OK [UIDVALIDITY " + uv() + "] ok", "S1: a6 OK [READ-WRITE] done"});
  }
  // How many messages' \Recent client 1's session owns in the model.
  int owned_by_client1() const {
    int n = 0;
    for (const auto& [from, to] : oracle.model().session_recent(*oracle.session_of(1))) n += static_cast<int>(to - from);
    return n;
  }
  std::string fired() const { return first ? first->rule : std::string(); }
};

TEST(CheckAccessDrop, DroppedHolderStillRunningTakesRecent) {
  // Client 2 had INBOX selected read-write and dropped; the server still runs its session (hunt seed 10111),
  // which takes the new message's \Recent, so client 1's SELECT rightly says 0 RECENT.
  DropScene s;
  s.run(2, "b2 SELECT INBOX");
  s.feed({"C2: b2 SELECT INBOX", "S2: * 1 EXISTS", "S2: * 0 RECENT", "S2: * OK [UIDVALIDITY " + s.uv() + "] ok",
          "S2: b2 OK [READ-WRITE] done", "C2: b3 NOOP", "C2: <disconnect>"});
  s.append_by_client1();
  s.select_by_client1();
  EXPECT_EQ(s.owned_by_client1(), 0);  // the model agrees: client 2's session took it
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAccessDrop, DroppedSelectInFlightMayClaimRecent) {
  // The message arrived while nobody held INBOX; client 2 then sent SELECT and dropped before its answer. The
  // server still ran that SELECT, which took the \Recent, so client 1's SELECT rightly says 0 RECENT.
  DropScene s;
  s.append_by_client1();
  s.feed({"C2: b2 SELECT INBOX", "C2: <disconnect>"});
  s.run(2, "b2 SELECT INBOX");
  s.select_by_client1();
  EXPECT_EQ(s.fired(), "");
}

TEST(CheckAccessDrop, ClosedDroppedSessionOwesRecentAgain) {
  // The same drop, but the server closed client 2's session (releasing INBOX) before the APPEND: nobody else
  // could take the \Recent, so 0 RECENT is a violation and 1 is right.
  for (int recent : {0, 1}) {
    SCOPED_TRACE(recent);
    DropScene s;
    s.run(2, "b2 SELECT INBOX");
    s.feed({"C2: b2 SELECT INBOX", "S2: * 1 EXISTS", "S2: * 0 RECENT", "S2: * OK [UIDVALIDITY " + s.uv() + "] ok",
            "S2: b2 OK [READ-WRITE] done", "C2: <disconnect>"});
    s.run(2, "b3 CLOSE");  // what closing the connection does to the session's hold
    s.oracle.closed.insert(2);
    s.append_by_client1();
    s.select_by_client1(recent);
    EXPECT_EQ(s.fired(), recent == 0 ? "FLG-4" : "");
  }
}

TEST(CheckAccessDrop, DropOfAnotherMailboxHolderStillJudged) {
  // Client 2 dropped while it held "work", not INBOX: its lingering session cannot take INBOX's \Recent.
  DropScene s;
  s.run(1, "a0 CREATE work");
  s.run(2, "b2 SELECT work");
  s.feed({"C1: a0 CREATE work", "S1: a0 OK done", "C2: b2 SELECT work", "S2: * 0 EXISTS", "S2: * 0 RECENT",
          "S2: b2 OK [READ-WRITE] done", "C2: <disconnect>"});
  s.append_by_client1();
  s.select_by_client1(0);
  EXPECT_EQ(s.fired(), "FLG-4");
}

}  // namespace
}  // namespace imaplab::sim::testing
