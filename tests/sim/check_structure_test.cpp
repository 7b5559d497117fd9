// Canaries for SEQ-9's ENVELOPE and BODY/BODYSTRUCTURE half (sim/check_structure.cpp) and FLG-7 (BODY.PEEK sets
// no \Seen, sim/check_append.cpp): each bad FETCH response fires, the matching good one does not.
#include <gtest/gtest.h>

#include "model/model.hpp"
#include "proto/writer.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

model::BugSet bug(const char* name) {
  auto set = model::BugSet::parse(name);
  EXPECT_TRUE(set) << name;
  return set.value_or(model::BugSet{});
}

// The shapes sim/workload.cpp builds: a text/plain message and a multipart/mixed of two text parts.
const std::string text_message =
    "From: Client 3 <c3@example.org>\r\nTo: team@example.org\r\nSubject: race fetch 7\r\n"
    "Date: 4 Mar 2021 12:00:00 +0000\r\nMessage-ID: <c3.7.99@imaplab>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n\r\nrace fetch \r\nstore \r\n";
const std::string multipart_message =
    "From: Client 3 <c3@example.org>\r\nTo: team@example.org\r\nSubject: mixed 8\r\n"
    "Message-ID: <c3.8.1@imaplab>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b-imaplab\"\r\n\r\n--b-imaplab\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n\r\nrace fetch \r\nstore \r\n"
    "--b-imaplab\r\nContent-Type: text/plain; name=\"note.txt\"\r\n\r\nattached flag\r\n--b-imaplab--\r\n";

struct Scene : TwoClientScene {
  explicit Scene(model::BugSet bugs = {}) : TwoClientScene({.bugs = bugs}, "SCRATCH") {
    oracle.store("INBOX", uidvalidity, 1, text_message);
    oracle.store("INBOX", uidvalidity, 2, multipart_message);
  }
  // Client 1 fetches `items` of message `msn` and the server answers `answer` (the FETCH's items).
  std::string fetch(std::uint32_t msn, const std::string& items, const std::string& answer) {
    const std::string m = std::to_string(msn);
    step(1, "a5 FETCH " + m + " " + items, "", {"S1: * " + m + " FETCH (" + answer + ")", "S1: a5 OK done"});
    return fired();
  }
};

// A model response as a transcript line (no CRLF).
std::string proto_line(const proto::Response& r) {
  std::string line = proto::write_response(r);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

const std::string from = "((\"Client 3\" NIL \"c3\" \"example.org\"))";
std::string envelope(const std::string& reply_to) {
  return "ENVELOPE (\"4 Mar 2021 12:00:00 +0000\" \"race fetch 7\" " + from + " " + from + " " + reply_to +
         " ((NIL NIL \"team\" \"example.org\")) NIL NIL NIL \"<c3.7.99@imaplab>\")";
}

TEST(CheckStructure, EnvelopeReplyToDefaultsToFrom) {
  Scene bad;
  EXPECT_EQ(bad.fetch(1, "ENVELOPE", envelope("NIL")), "SEQ-9");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("Reply-To"), std::string::npos) << bad.first->message;
  EXPECT_NE(bad.first->message.find("RFC 3501 §7.4.2"), std::string::npos) << bad.first->message;

  Scene good;
  EXPECT_EQ(good.fetch(1, "ENVELOPE", envelope(from)), "");
}

TEST(CheckStructure, EnvelopeFieldsMatchTheHeader) {
  Scene subject;
  std::string e = envelope(from);
  e.replace(e.find("race fetch 7"), 12, "race fetch 8");
  EXPECT_EQ(subject.fetch(1, "ENVELOPE", e), "SEQ-9");

  Scene to;
  e = envelope(from);
  e.replace(e.find("\"team\""), 6, "\"crew\"");
  EXPECT_EQ(to.fetch(1, "ENVELOPE", e), "SEQ-9");

  Scene cc;  // the header has no Cc: the member is NIL
  e = envelope(from);
  e.replace(e.find(" NIL NIL NIL \"<"), 12, " " + from + " NIL NIL");
  EXPECT_EQ(cc.fetch(1, "ENVELOPE", e), "SEQ-9");

  // RFC 2180 §4.1.3's placeholder for an expunged message is not judged.
  Scene placeholder;
  EXPECT_EQ(placeholder.fetch(1, "ENVELOPE", "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"), "");
}

TEST(CheckStructure, BodyHasNoExtensionData) {
  const std::string text_body = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 21 2";
  Scene bad;
  EXPECT_EQ(bad.fetch(1, "BODY", "BODY " + text_body + " NIL NIL NIL NIL)"), "SEQ-9");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("without extension data"), std::string::npos) << bad.first->message;

  Scene good;
  EXPECT_EQ(good.fetch(1, "BODY", "BODY " + text_body + ")"), "");
  Scene structure;  // BODYSTRUCTURE may carry it
  EXPECT_EQ(structure.fetch(1, "BODYSTRUCTURE", "BODYSTRUCTURE " + text_body + " NIL NIL NIL NIL)"), "");
}

const std::string part1 = "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 19 ";
const std::string part2 = "(\"TEXT\" \"PLAIN\" (\"NAME\" \"note.txt\") NIL NIL \"7BIT\" 13 ";

TEST(CheckStructure, MultipartBodyStopsAtTheSubtype) {
  Scene bad;
  EXPECT_EQ(bad.fetch(2, "BODY", "BODY (" + part1 + "2)" + part2 + "1) \"MIXED\" (\"BOUNDARY\" \"b-imaplab\") NIL NIL NIL)"),
            "SEQ-9");
  Scene good;
  EXPECT_EQ(good.fetch(2, "BODY", "BODY (" + part1 + "2)" + part2 + "1) \"MIXED\")"), "");
  Scene structure;
  EXPECT_EQ(structure.fetch(2, "BODYSTRUCTURE",
                            "BODYSTRUCTURE (" + part1 + "2 NIL NIL NIL NIL)" + part2 +
                                "1 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b-imaplab\") NIL NIL NIL)"),
            "");
}

TEST(CheckStructure, PartSizesMatchTheStoredBytes) {
  // Part 1 is "race fetch \r\nstore " (the CRLF before the delimiter belongs to the delimiter, RFC 2046 §5.1.1):
  // 19 octets, and 1 or 2 lines (its last line has no CRLF, which RFC 3501 leaves open); 3 is wrong.
  Scene lines;
  EXPECT_EQ(lines.fetch(2, "BODYSTRUCTURE", "BODYSTRUCTURE (" + part1 + "3)" + part2 + "1) \"MIXED\")"), "SEQ-9");
  ASSERT_TRUE(lines.first);
  EXPECT_NE(lines.first->message.find("body-fld-lines"), std::string::npos) << lines.first->message;

  Scene octets;
  EXPECT_EQ(octets.fetch(1, "BODY", "BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 20 2)"), "SEQ-9");
  Scene one_line_more;  // a body that ends in CRLF has exactly that many lines
  EXPECT_EQ(one_line_more.fetch(1, "BODY", "BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 21 3)"), "SEQ-9");

  Scene good;
  EXPECT_EQ(good.fetch(2, "BODYSTRUCTURE", "BODYSTRUCTURE (" + part1 + "1)" + part2 + "0) \"MIXED\")"), "");
}

// The model answers a FETCH of `message` (appended as UID 4) with `bugs` planted; the rule that fired, or "".
std::string model_fetch_fires(const char* bugs, const std::string& message) {
  TwoClientScene s({.bugs = bug(bugs)}, "SCRATCH");
  s.oracle.run(1, "a9 APPEND INBOX {" + std::to_string(message.size()) + "+}\r\n" + message);
  s.oracle.store("INBOX", s.uidvalidity, 4, message);
  const auto out = s.oracle.run(1, "a5 UID FETCH 4 (UID ENVELOPE BODY BODYSTRUCTURE)");
  EXPECT_FALSE(out.responses.empty()) << bugs;
  s.feed({"C1: a5 UID FETCH 4 (UID ENVELOPE BODY BODYSTRUCTURE)", "S1: * 4 EXISTS"});
  for (const auto& r : out.responses) s.feed({"S1: " + proto_line(r)});
  return s.fired();
}

TEST(CheckStructure, ZooBugsAreCaught) {
  for (const std::string& message : {text_message, multipart_message}) {
    for (const char* name : {"envelope-reply-to-nil", "body-extension-data", "body-lines-off-by-one"}) {
      EXPECT_EQ(model_fetch_fires(name, message), "SEQ-9") << name;
    }
    EXPECT_EQ(model_fetch_fires("", message), "");  // the correct model agrees with the independent parse
  }
}

// The scene's messages are "msg-0".."msg-2" (no declared contents, so SEQ-9 compares no body).
struct PeekScene : TwoClientScene {
  explicit PeekScene(model::BugSet bugs = {}) : TwoClientScene({.bugs = bugs}, "SCRATCH") {}
};

TEST(CheckStructure, Flg7PeekSetsNoSeen) {
  PeekScene bad(bug("peek-sets-seen"));
  bad.step(1, "a5 FETCH 1 (BODY.PEEK[])", "a5 FETCH 1 (BODY.PEEK[])",
           {"S1: * 1 FETCH (BODY[] {5}\r\nmsg-0 FLAGS (\\Seen))", "S1: a5 OK done"});
  EXPECT_EQ(bad.fired(), "FLG-7");
  ASSERT_TRUE(bad.first);
  EXPECT_NE(bad.first->message.find("RFC 3501 §6.4.5"), std::string::npos) << bad.first->message;

  // The store got \Seen though the answer did not say so: still FLG-7.
  PeekScene silent(bug("peek-sets-seen"));
  silent.step(1, "a5 FETCH 1 (BODY.PEEK[HEADER])", "a5 FETCH 1 (BODY.PEEK[HEADER])",
              {"S1: * 1 FETCH (BODY[HEADER] {0}\r\n)", "S1: a5 OK done"});
  EXPECT_EQ(silent.fired(), "FLG-7");

  PeekScene good;
  good.step(1, "a5 FETCH 1 (BODY.PEEK[])", "a5 FETCH 1 (BODY.PEEK[])",
            {"S1: * 1 FETCH (BODY[] {5}\r\nmsg-0)", "S1: a5 OK done"});
  EXPECT_EQ(good.fired(), "");

  // Another client's STORE in flight may have set \Seen: not judged.
  PeekScene raced(bug("peek-sets-seen"));
  raced.feed({"C2: b1 STORE 1 +FLAGS.SILENT (\\Seen)"});
  raced.step(1, "a5 FETCH 1 (BODY.PEEK[])", "a5 FETCH 1 (BODY.PEEK[])",
             {"S1: * 1 FETCH (BODY[] {5}\r\nmsg-0 FLAGS (\\Seen))", "S1: a5 OK done"});
  EXPECT_EQ(raced.fired(), "");
}

}  // namespace
}  // namespace imaplab::sim::testing
