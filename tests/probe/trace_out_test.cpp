// Probe traces: only the clients a violation involves, passwords masked, the probe's facts kept, and the
// scripts replay reads back (synchronizing literals joined again) with their send offsets.
#include <gtest/gtest.h>

#include "probe/trace_out.hpp"
#include "tests/probe/events.hpp"

namespace imaplab::probe {
namespace {

using test::connected;
using test::received;
using test::sent;

std::vector<sim::Event> transcript() {
  return {connected(0, 1),
          connected(0, 2),
          received(1000, 1, "* OK ready"),
          sent(2000, 1, "A001 LOGIN user1 secret"),
          sent(2100, 2, "A001 LOGIN user2 other"),
          received(3000, 1, "A001 OK logged in"),
          sent(4000, 1, "A002 APPEND p/main {5}"),
          received(4500, 1, "+ go"),
          sent(4600, 1, "hello"),
          received(5000, 1, "A002 OK [APPENDUID 3 7] done"),
          sent(6000, 1, "A003 SELECT p/main")};
}

sim::Violation violation_on_client1() {
  sim::Violation v;
  v.rule = "SEQ-4";
  v.rfc = "RFC 3501 §7.4.2";
  v.message = "test";
  v.offending = {9};
  v.causes = {6};
  return v;
}

ProbeTraceInfo info() {
  ProbeTraceInfo i;
  i.config.clients = 2;
  i.server = "127.0.0.1:143";
  i.prefix = "p";
  i.delimiter = '/';
  return i;
}

TEST(ViolationTrace, KeepsInvolvedClientsAndMasksPasswords) {
  const sim::Trace t = violation_trace(transcript(), violation_on_client1(), info());
  const std::string text = t.write();
  EXPECT_EQ(text.find("secret"), std::string::npos);
  EXPECT_NE(text.find("(password)"), std::string::npos);
  EXPECT_EQ(text.find("C2:"), std::string::npos);           // client 2 is not involved
  EXPECT_EQ(text.find("A003 SELECT"), std::string::npos);   // after the offending line
  EXPECT_NE(text.find("^ SEQ-4 violated here"), std::string::npos);
  EXPECT_NE(text.find("outcome: SEQ-4"), std::string::npos);
}

TEST(ViolationTrace, ParsesBackWithItsProbeFactsAndScripts) {
  const std::string text = violation_trace(transcript(), violation_on_client1(), info()).write();
  std::string error;
  auto parsed = sim::Trace::parse(text, &error);
  ASSERT_TRUE(parsed) << error;
  const auto facts = probe_info(*parsed);
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->prefix, "p");
  EXPECT_EQ(facts->delimiter, '/');
  EXPECT_EQ(facts->server, "127.0.0.1:143");
  const auto scripts = replay_scripts(*parsed);
  ASSERT_EQ(scripts.size(), 2u);
  ASSERT_EQ(scripts[0].size(), 2u);
  EXPECT_EQ(scripts[0][0].kind, proto::CommandKind::Login);
  EXPECT_EQ(std::get<proto::AppendArgs>(scripts[0][1].args).message, "hello");
  EXPECT_TRUE(scripts[1].empty());
  const auto times = replay_times(*parsed);
  EXPECT_EQ(times[0], (std::vector<std::uint64_t>{1000, 3000}));  // relative to the first line (1000 us)
}

TEST(WriteFileNow, WritesAndReportsThePath) {
  const std::string dir = ::testing::TempDir() + "/probe-trace-out";
  std::string error;
  auto path = write_file_now(dir, "x.trace", "hello\n", &error);
  ASSERT_TRUE(path) << error;
  EXPECT_EQ(*path, dir + "/x.trace");
  EXPECT_FALSE(write_file_now("/proc/no/such/dir", "x", "y", &error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace imaplab::probe
