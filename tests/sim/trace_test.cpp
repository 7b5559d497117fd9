// The trace format's event text: bytes that end in a space (an empty continuation request, "+ ") survive
// writing, parsing, and tools that strip trailing whitespace, so a replay compares equal bytes.
#include <gtest/gtest.h>

#include <string>

#include "sim/trace.hpp"

namespace imaplab::sim {
namespace {

Trace continuation_trace() {
  Trace t;
  t.config = RunConfig::swarm(7);
  t.lines.push_back({TraceLine::Kind::Client, {}, 100, 1, "A001 APPEND INBOX {3}\r\n"});
  t.lines.push_back({TraceLine::Kind::Server, {}, 120, 1, "+ \r\n"});
  return t;
}

TEST(TraceText, EmptyContinuationKeepsItsSpace) {
  EXPECT_EQ(escape_bytes("+ \r\n"), "+\\x20");
  EXPECT_EQ(unescape_bytes(escape_bytes("+ \r\n")), "+ \r\n");
  EXPECT_EQ(escape_bytes("+ Ready\r\n"), "+ Ready");  // only a final space is escaped
}

TEST(TraceText, EmptyContinuationRoundTripsThroughWriteAndParse) {
  const Trace t = continuation_trace();
  const std::string text = t.write();
  EXPECT_NE(text.find("S1: +\\x20\n"), std::string::npos) << text;
  std::string error;
  auto back = Trace::parse(text, &error);
  ASSERT_TRUE(back) << error;
  ASSERT_EQ(back->lines.size(), 2u);
  EXPECT_EQ(back->lines[1].bytes, "+ \r\n");
  EXPECT_EQ(back->lines, t.lines);
}

// Traces written before the escape carry "S1: + " with the space itself: it is part of the bytes.
TEST(TraceText, OldTracesWithALiteralTrailingSpaceParseToTheSameBytes) {
  std::string text = continuation_trace().write();
  const std::string escaped = "S1: +\\x20\n";
  text.replace(text.find(escaped), escaped.size(), "S1: + \r\n");
  std::string error;
  auto back = Trace::parse(text, &error);
  ASSERT_TRUE(back) << error;
  ASSERT_EQ(back->lines.size(), 2u);
  EXPECT_EQ(back->lines[1].bytes, "+ \r\n");
}

}  // namespace
}  // namespace imaplab::sim
