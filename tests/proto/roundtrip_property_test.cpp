// Round-trip properties of the wire layer: parse(write(x)) == x for generated commands (every kind, both
// literal styles) and responses (every body kind), whole and fed in pieces split at random offsets.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/command_parser.hpp"
#include "proto/response_parser.hpp"
#include "proto/writer.hpp"
#include "tests/proto/generators.hpp"

namespace imaplab::proto {
namespace {

// Cuts bytes at the given offsets (any order, duplicates allowed) into consecutive chunks.
std::vector<std::string> split_at(const std::string& bytes, std::vector<std::size_t> offsets) {
  for (auto& o : offsets) o = std::min(o, bytes.size());
  std::sort(offsets.begin(), offsets.end());
  std::vector<std::string> chunks;
  std::size_t begin = 0;
  for (const std::size_t o : offsets) {
    chunks.push_back(bytes.substr(begin, o - begin));
    begin = o;
  }
  chunks.push_back(bytes.substr(begin));
  return chunks;
}

std::vector<std::size_t> random_offsets(const std::string& bytes) {
  return *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, bytes.size() + 1));
}

// Feeds chunks to an incremental parser the way a connection would: leftover bytes are fed again, and
// continuation requests are answered by simply feeding on. Returns every final event, in order.
template <typename Parser, typename Event>
std::vector<Event> feed_chunks(const std::vector<std::string>& chunks) {
  Parser parser;
  std::vector<Event> events;
  std::string pending;
  for (const std::string& chunk : chunks) {
    pending += chunk;
    while (!pending.empty()) {
      auto result = parser.feed(pending);
      pending.erase(0, result.consumed);
      if (std::holds_alternative<NeedMore>(result.event)) break;
      if constexpr (std::is_same_v<Event, CommandEvent>) {
        if (std::holds_alternative<NeedContinuation>(result.event)) continue;
      }
      events.push_back(std::move(result.event));
    }
  }
  return events;
}

void check_command(const Command& command, LiteralStyle style) {
  const std::string bytes = write_command(command, style);
  RC_LOG() << bytes;
  const auto parsed = parse_command(bytes);
  if (const auto* error = std::get_if<ParseError>(&parsed)) RC_LOG() << "parse error: " << error->message << "\n";
  RC_ASSERT(std::holds_alternative<Command>(parsed));
  RC_ASSERT(std::get<Command>(parsed) == command);

  const auto events = feed_chunks<CommandParser, CommandEvent>(split_at(bytes, random_offsets(bytes)));
  RC_ASSERT(events.size() == 1u);
  RC_ASSERT(std::holds_alternative<Command>(events.front()));
  RC_ASSERT(std::get<Command>(events.front()) == command);

  // The parts of a synchronizing command concatenate to the same bytes.
  std::string joined;
  for (const std::string& part : write_command_parts(command, style)) joined += part;
  RC_ASSERT(joined == bytes);
}

void check_response(const Response& response) {
  const std::string bytes = write_response(response);
  RC_LOG() << bytes;
  const auto parsed = parse_response(bytes);
  if (const auto* error = std::get_if<ParseError>(&parsed)) RC_LOG() << "parse error: " << error->message << "\n";
  RC_ASSERT(std::holds_alternative<Response>(parsed));
  RC_ASSERT(std::get<Response>(parsed) == response);

  const auto events = feed_chunks<ResponseParser, ResponseEvent>(split_at(bytes, random_offsets(bytes)));
  RC_ASSERT(events.size() == 1u);
  RC_ASSERT(std::holds_alternative<Response>(events.front()));
  RC_ASSERT(std::get<Response>(events.front()) == response);
}

RC_GTEST_PROP(RoundTrip, CommandsWithNonSynchronizingLiterals, (const Command& command)) {
  check_command(command, LiteralStyle::NonSynchronizing);
}

RC_GTEST_PROP(RoundTrip, CommandsWithSynchronizingLiterals, (const Command& command)) {
  check_command(command, LiteralStyle::Synchronizing);
}

RC_GTEST_PROP(RoundTrip, Responses, (const Response& response)) { check_response(response); }

// Every command kind and every response body kind gets its own run, so none is left to chance.
TEST(RoundTrip, EveryCommandKind) {
  for (const CommandKind kind : gen::all_command_kinds) {
    const bool ok = rc::check(std::string("round trip of ") + command_name(kind), [kind] {
      const Command command = *gen::command_of(kind);
      check_command(command, *rc::gen::element(LiteralStyle::Synchronizing, LiteralStyle::NonSynchronizing));
    });
    EXPECT_TRUE(ok) << command_name(kind);
  }
}

TEST(RoundTrip, EveryResponseBodyKind) {
  for (std::size_t index = 0; index < gen::response_body_kinds; ++index) {
    const bool ok = rc::check("round trip of response body " + std::to_string(index),
                              [index] { check_response(*gen::response_of(index)); });
    EXPECT_TRUE(ok) << "response body alternative " << index;
  }
}

}  // namespace
}  // namespace imaplab::proto
