// Hostile input for both parsers: every limit of limits.hpp must give a clean ParseError with bounded memory,
// and the parser must be back in sync for the next command or response.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/command_parser.hpp"
#include "proto/limits.hpp"
#include "proto/response_parser.hpp"

namespace imaplab::proto {
namespace {

constexpr std::size_t chunk_bytes = 64 * 1024;

// Feeds all of `input` and returns the non-NeedMore events, checking the consumed counts.
template <typename Parser>
auto feed_all(Parser& parser, std::string_view input) {
  std::vector<decltype(parser.feed(input).event)> events;
  while (!input.empty()) {
    auto r = parser.feed(input);
    EXPECT_LE(r.consumed, input.size());
    input.remove_prefix(r.consumed);
    if (std::holds_alternative<NeedMore>(r.event)) {
      EXPECT_TRUE(input.empty());
      break;
    }
    events.push_back(std::move(r.event));
  }
  return events;
}

// Feeds `count` bytes of `fill` in 64 KiB chunks, expecting only NeedMore and bounded buffering.
template <typename Parser>
void feed_filler(Parser& parser, std::uint64_t count, char fill, std::size_t buffered_max) {
  const std::string chunk(chunk_bytes, fill);
  while (count > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(count, chunk.size()));
    const auto r = parser.feed(std::string_view(chunk).substr(0, n));
    ASSERT_EQ(r.consumed, n);
    ASSERT_TRUE(std::holds_alternative<NeedMore>(r.event));
    ASSERT_LE(parser.buffered_bytes(), buffered_max);
    count -= n;
  }
}

template <typename Event>
void expect_error(const Event& event, std::optional<std::string> tag) {
  ASSERT_TRUE(std::holds_alternative<ParseError>(event));
  EXPECT_EQ(std::get<ParseError>(event).tag, tag);
  EXPECT_FALSE(std::get<ParseError>(event).message.empty());
}

void expect_noop(CommandParser& parser, const std::string& tag) {
  const auto events = feed_all(parser, tag + " NOOP\r\n");
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<Command>(events[0]));
  EXPECT_EQ(std::get<Command>(events[0]).tag, tag);
}

TEST(ParserBadInput, EmptyFeedNeedsMore) {
  CommandParser parser;
  const auto r = parser.feed("");
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_TRUE(std::holds_alternative<NeedMore>(r.event));
  ResponseParser responses;
  EXPECT_TRUE(std::holds_alternative<NeedMore>(responses.feed("").event));
}

TEST(ParserBadInput, GarbageAndBinaryBytes) {
  CommandParser parser;
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) % 256));
  garbage += "\r\n";
  for (const auto& event : feed_all(parser, garbage)) EXPECT_TRUE(std::holds_alternative<ParseError>(event));
  expect_noop(parser, "after");
  const auto nul = feed_all(parser, std::string("a LOGIN \"x\0y\" z\r\n", 17));
  ASSERT_EQ(nul.size(), 1u);
  expect_error(nul[0], "a");
  expect_noop(parser, "b");
}

TEST(ParserBadInput, HugeSynchronizingLiteralIsRefusedBeforeAnyData) {
  CommandParser parser;
  const auto r = parser.feed("a APPEND x {4294967295}\r\nb NOOP\r\n");
  EXPECT_EQ(r.consumed, 25u);  // through the announcing line only
  expect_error(r.event, "a");
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  // The client waits for a "+" that never comes, so the next line is a new command.
  expect_noop(parser, "b");
  const auto overflow = feed_all(parser, "c APPEND x {99999999999999999999999999}\r\n");
  ASSERT_EQ(overflow.size(), 1u);
  expect_error(overflow[0], "c");
  expect_noop(parser, "d");
}

TEST(ParserBadInput, RefusedNonSynchronizingLiteralIsSkippedUnbuffered) {
  CommandParser parser;
  const std::uint64_t size = limits::literal_bytes_max + 1;
  const auto r = parser.feed("a APPEND x {" + std::to_string(size) + "+}\r\n");
  expect_error(r.event, "a");
  feed_filler(parser, size, '{', 0);
  // The rest of the refused command's line, which may itself announce another literal.
  const auto rest = feed_all(parser, " {3+}\r\nabc\r\nb NOOP\r\n");
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(std::get<Command>(rest[0]).tag, "b");
}

TEST(ParserBadInput, TooManyLiterals) {
  CommandParser parser;
  std::string input = "a SEARCH";
  for (std::size_t i = 0; i <= limits::literals_count_max; ++i) input += " TEXT {0+}\r\n";
  input += "\r\n";
  const auto events = feed_all(parser, input);
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], "a");
  expect_noop(parser, "b");
}

TEST(ParserBadInput, MessageLargerThanLimit) {
  CommandParser parser;
  const std::uint64_t first = limits::literal_bytes_max;
  ASSERT_TRUE(std::holds_alternative<NeedMore>(
      parser.feed("a LOGIN {" + std::to_string(first) + "+}\r\n").event));
  feed_filler(parser, first, 'x', limits::message_bytes_max);
  const std::uint64_t second = limits::message_bytes_max - first;  // one too many with the line bytes
  const auto events = feed_all(parser, " {" + std::to_string(second) + "}\r\n");
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], "a");
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  expect_noop(parser, "b");
}

TEST(ParserBadInput, HundredMegabyteLineInChunks) {
  CommandParser parser;
  ASSERT_TRUE(std::holds_alternative<NeedMore>(parser.feed("a1 SEARCH TEXT ").event));
  const std::string chunk(chunk_bytes, 'a');
  constexpr std::uint64_t line_bytes = 100ull * 1024 * 1024;
  std::size_t errors = 0;
  for (std::uint64_t sent = 0; sent < line_bytes; sent += chunk.size()) {
    const auto r = parser.feed(chunk);
    ASSERT_EQ(r.consumed, chunk.size());
    if (const auto* e = std::get_if<ParseError>(&r.event)) {
      ++errors;
      EXPECT_EQ(e->tag, "a1");
    }
    ASSERT_LE(parser.buffered_bytes(), limits::line_bytes_max);
  }
  EXPECT_EQ(errors, 1u);  // reported once, as soon as the limit was passed
  const auto events = feed_all(parser, "\r\nb NOOP\r\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Command>(events[0]).tag, "b");
}

TEST(ParserBadInput, LongLineEndingInLiteralAnnouncement) {
  CommandParser parser;
  const std::string line = "a LOGIN " + std::string(limits::line_bytes_max, 'u') + " {4+}\r\n";
  const auto events = feed_all(parser, line + "pass\r\nb NOOP\r\n");
  ASSERT_EQ(events.size(), 2u);
  expect_error(events[0], "a");
  EXPECT_EQ(std::get<Command>(events[1]).tag, "b");
}

TEST(ParserBadInput, DeepNesting) {
  CommandParser parser;
  const std::string parens = "a SEARCH " + std::string(10000, '(') + "ALL" + std::string(10000, ')') + "\r\n";
  auto events = feed_all(parser, parens);
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], "a");
  std::string nots = "b SEARCH";
  for (int i = 0; i < 10000; ++i) nots += " NOT";
  events = feed_all(parser, nots + " ALL\r\n");
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], "b");
  std::string ors = "c SEARCH";
  for (int i = 0; i < 5000; ++i) ors += " OR ALL";
  events = feed_all(parser, ors + " ALL\r\n");
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], "c");
  // Within the limit nesting is fine.
  const std::size_t ok_depth = limits::nesting_depth_max - 1;
  events = feed_all(parser, "d SEARCH " + std::string(ok_depth, '(') + "ALL" + std::string(ok_depth, ')') + "\r\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Command>(events[0]));
}

TEST(ParserBadInput, UnterminatedQuotedString) {
  CommandParser parser;
  auto events = feed_all(parser, "a LOGIN \"bob pw\r\nb NOOP\r\n");
  ASSERT_EQ(events.size(), 2u);
  expect_error(events[0], "a");
  EXPECT_NE(std::get<ParseError>(events[0]).message.find("quoted"), std::string::npos);
  EXPECT_EQ(std::get<Command>(events[1]).tag, "b");
  events = feed_all(parser, "c LOGIN \"bob\\x\" pw\r\n");  // only \" and \\ are escapes
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], "c");
}

TEST(ParserBadInput, NumbersAndListsPastTheirLimits) {
  CommandParser parser;
  const std::pair<std::string, std::string> cases[] = {
      {"a FETCH 4294967296 FLAGS\r\n", "a"},
      {"b FETCH 1 FLAGS (CHANGEDSINCE 99999999999999999999999)\r\n", "b"},
      {"c FETCH 0 FLAGS\r\n", "c"},
      {"d SEARCH 1:0\r\n", "d"},
      {"e FETCH 1 BODY[]<4294967296.1>\r\n", "e"},
  };
  for (const auto& [input, tag] : cases) {
    const auto events = feed_all(parser, input);
    ASSERT_EQ(events.size(), 1u) << input;
    expect_error(events[0], tag);
  }
  std::string flags = "f STORE 1 FLAGS (";
  for (std::size_t i = 0; i < limits::list_items_max; ++i) flags += "x ";
  flags += "x)\r\n";
  const auto events = feed_all(parser, flags);
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], "f");
}

TEST(ParserBadInput, TagTooLong) {
  CommandParser parser;
  const auto events = feed_all(parser, std::string(limits::tag_bytes_max + 1, 't') + " NOOP\r\n");
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], std::nullopt);
}

TEST(ParserBadInput, RawLineTooLongHasNoTag) {
  CommandParser parser;
  parser.expect_line();
  const auto events = feed_all(parser, std::string(limits::line_bytes_max + 10, 'Q') + "\r\na NOOP\r\n");
  ASSERT_EQ(events.size(), 2u);
  expect_error(events[0], std::nullopt);
  EXPECT_TRUE(std::holds_alternative<Command>(events[1]));
}

TEST(ParserBadInput, ResponseLimits) {
  ResponseParser parser;
  // A server sends literal data without waiting, so a refused literal is skipped.
  const auto r = parser.feed("* 1 FETCH (BODY[] {4294967295}\r\n");
  expect_error(r.event, std::nullopt);
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  ResponseParser skipping;
  const std::uint64_t size = limits::literal_bytes_max + 1;
  expect_error(skipping.feed("* 1 FETCH (BODY[] {" + std::to_string(size) + "}\r\n").event, std::nullopt);
  feed_filler(skipping, size, '(', 0);
  auto events = feed_all(skipping, ")\r\nA1 OK done\r\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Response>(events[0]).tag, "A1");

  const std::string nested =
      "* 1 FETCH (BODYSTRUCTURE " + std::string(10000, '(') + "NIL" + std::string(10000, ')') + ")\r\n";
  events = feed_all(skipping, nested);
  ASSERT_EQ(events.size(), 1u);
  expect_error(events[0], std::nullopt);

  ASSERT_TRUE(std::holds_alternative<NeedMore>(skipping.feed("A2 OK ").event));
  const std::string chunk(chunk_bytes, 'z');
  std::size_t errors = 0;
  for (int i = 0; i < 1600; ++i) {
    const auto step = skipping.feed(chunk);
    if (std::holds_alternative<ParseError>(step.event)) {
      ++errors;
      EXPECT_EQ(std::get<ParseError>(step.event).tag, "A2");
    }
    ASSERT_LE(skipping.buffered_bytes(), limits::line_bytes_max);
  }
  EXPECT_EQ(errors, 1u);
  events = feed_all(skipping, "\r\n* 2 EXISTS\r\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Response>(events[0]));

  events = feed_all(skipping, "* OK [UIDNEXT 99999999999999999999999] x\r\n* 1 FETCH (FLAGS (\\Seen)\r\n");
  ASSERT_EQ(events.size(), 2u);
  expect_error(events[0], std::nullopt);
  expect_error(events[1], std::nullopt);
}

}  // namespace
}  // namespace imaplab::proto
