// The split-invariance helper of the two parser test files: feed an input whole, split at every offset and
// byte by byte, and require the same events each time (the parsers are incremental, RFC 3501 §2.2).
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/command_parser.hpp"  // NeedMore

namespace imaplab::proto::testing {

// Feeds `input` in pieces of the given sizes (the rest in a last piece) and returns every event but NeedMore.
// `after_event(parser, event)` runs after each event, as the parser's owner would (e.g. expect_line()).
template <typename Parser, typename Event, typename AfterEvent>
std::vector<Event> feed_pieces(std::string_view input, const std::vector<std::size_t>& sizes, AfterEvent after_event,
                               bool require_drained) {
  Parser parser;
  std::vector<Event> events;
  std::size_t at = 0;
  for (std::size_t i = 0; i <= sizes.size() && at <= input.size(); ++i) {
    const std::size_t size = i < sizes.size() ? std::min(sizes[i], input.size() - at) : input.size() - at;
    std::string_view piece = input.substr(at, size);
    at += size;
    while (!piece.empty()) {
      const auto r = parser.feed(piece);
      EXPECT_LE(r.consumed, piece.size());
      piece.remove_prefix(r.consumed);
      if (std::holds_alternative<NeedMore>(r.event)) {
        EXPECT_TRUE(piece.empty());
        break;
      }
      EXPECT_GT(r.consumed, 0u);
      after_event(parser, r.event);
      events.push_back(r.event);
    }
  }
  if (require_drained) {
    EXPECT_EQ(parser.buffered_bytes(), 0u) << "input ends inside a message: " << input;
  }
  return events;
}

// The events of `input` fed whole, after checking that every split gives the same events.
template <typename Parser, typename Event, typename AfterEvent>
std::vector<Event> events_of(std::string_view input, AfterEvent after_event, bool require_drained) {
  const auto feed = [&](const std::vector<std::size_t>& sizes) {
    return feed_pieces<Parser, Event>(input, sizes, after_event, require_drained);
  };
  const auto whole = feed({});
  for (std::size_t k = 0; k <= input.size(); ++k) EXPECT_EQ(feed({k}), whole) << "split at " << k << " of: " << input;
  EXPECT_EQ(feed(std::vector<std::size_t>(input.size(), 1)), whole) << "byte by byte: " << input;
  return whole;
}

}  // namespace imaplab::proto::testing
