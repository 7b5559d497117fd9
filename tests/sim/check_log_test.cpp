// The checkers' event log: an old response compacted to its quotable line is quoted exactly as the whole
// response was (violation messages must not change with the log's age), and no longer holds the response.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/check_internal.hpp"

namespace imaplab::sim::testing {
namespace {

proto::MsgAtt att(proto::MsgAtt::Kind kind) {
  proto::MsgAtt a;
  a.kind = kind;
  return a;
}

Event received(proto::ResponseBody body, std::string tag = "") {
  Event e;
  e.time_us = 7;
  e.client = 2;
  e.dir = Event::Dir::Received;
  proto::Response r;
  r.untagged = tag.empty();
  r.tag = std::move(tag);
  r.body = std::move(body);
  e.response = std::move(r);
  return e;
}

proto::FetchData fetch_with(std::vector<proto::MsgAtt> atts) {
  proto::FetchData f;
  f.number = 4;
  f.atts = std::move(atts);
  return f;
}

// Responses whose first line is short, exactly at and past the quoting limit, or ends at a literal.
std::vector<Event> samples() {
  std::vector<Event> out;
  auto flags = att(proto::MsgAtt::Kind::Flags);
  flags.flags = {"\\Seen", "$Forwarded"};
  auto uid = att(proto::MsgAtt::Kind::Uid);
  uid.number = 17;
  out.push_back(received(fetch_with({flags, uid})));
  for (std::size_t length : {100u, 131u, 132u, 133u, 134u, 135u, 400u}) {  // line: 28 + length
    auto quoted = att(proto::MsgAtt::Kind::Rfc822);
    quoted.data = std::string(length, 'q');  // printable: written as a quoted string on the first line
    out.push_back(received(fetch_with({uid, quoted})));
  }
  auto literal = att(proto::MsgAtt::Kind::BodySection);
  literal.data = "Subject: hi\r\n\r\nbody\r\n";  // CRLF: written as a literal, the line ends at "{N}"
  out.push_back(received(fetch_with({uid, literal, flags})));
  proto::StatusResponse ok;
  ok.condition = proto::Condition::Ok;
  ok.text = "FETCH completed";
  out.push_back(received(ok, "a12"));
  return out;
}

TEST(CheckLog, CompactResponseQuotesTheSameLine) {
  const std::vector<Event> whole = samples();
  std::vector<Event> compact = samples();
  for (Event& e : compact) detail::compact_response(e);
  const CheckerOptions options;
  const detail::Reporter before(options, whole), after(options, compact);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(after.line(i), before.line(i)) << i;
    EXPECT_FALSE(compact[i].response.has_value()) << i;
    EXPECT_EQ(compact[i].time_us, whole[i].time_us);
  }
  EXPECT_NE(before.line(7).find("..."), std::string::npos);  // the 400-octet one is elided
  EXPECT_EQ(before.line(1).find("..."), std::string::npos);  // the 100-octet one is not
}

TEST(CheckLog, CompactLeavesCommandsAlone) {
  Event sent;
  sent.dir = Event::Dir::Sent;
  sent.bytes = "a1 NOOP\r\n";
  proto::Command noop;
  noop.tag = "a1";
  noop.kind = proto::CommandKind::Noop;
  sent.command = noop;
  detail::compact_response(sent);
  ASSERT_TRUE(sent.command.has_value());
  EXPECT_EQ(sent.command->tag, "a1");
  EXPECT_EQ(sent.bytes, "a1 NOOP\r\n");
}

}  // namespace
}  // namespace imaplab::sim::testing
