// The body shared by the two parser fuzz targets: the input is fed whole and again in pieces whose sizes come
// from its first byte; all runs must give the same events (split invariance), and every step must respect the
// feed() contract. Any difference or broken contract aborts.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/command_parser.hpp"  // NeedMore
#include "proto/limits.hpp"

namespace imaplab::fuzz {

constexpr std::size_t piece_sizes_count = 8;
constexpr std::size_t piece_bytes_max = 23;

inline void check(bool ok) {
  if (!ok) std::abort();
}

// Feeds `input` in pieces of the given sizes, cycling through them; 0 in `sizes` means "all the rest".
// `after_event(parser, event)` runs after each event, as the parser's owner would (e.g. expect_line()).
template <typename Parser, typename Event, typename AfterEvent>
std::vector<Event> feed_in_pieces(std::string_view input, const std::vector<std::size_t>& sizes,
                                  AfterEvent after_event) {
  Parser parser;
  std::vector<Event> events;
  for (std::size_t i = 0; !input.empty(); ++i) {
    const std::size_t want = sizes[i % sizes.size()];
    std::string_view piece = input.substr(0, want == 0 ? input.size() : want);
    input.remove_prefix(piece.size());
    while (!piece.empty()) {
      const auto r = parser.feed(piece);
      check(r.consumed <= piece.size());
      piece.remove_prefix(r.consumed);
      check(parser.buffered_bytes() <= proto::limits::message_bytes_max);
      if (std::holds_alternative<proto::NeedMore>(r.event)) {
        check(piece.empty());
        break;
      }
      check(r.consumed > 0);
      after_event(parser, r.event);
      events.push_back(r.event);
    }
  }
  return events;
}

// The whole input, its pieces of sizes drawn from the first byte, and byte by byte must give the same events.
template <typename Parser, typename Event, typename AfterEvent>
void check_split_invariance(const std::uint8_t* data, std::size_t size, AfterEvent after_event) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto run = [&](const std::vector<std::size_t>& sizes) {
    return feed_in_pieces<Parser, Event>(input, sizes, after_event);
  };
  const auto whole = run({0});
  std::vector<std::size_t> sizes;
  const unsigned seed = size > 0 ? data[0] : 0;
  for (std::size_t i = 0; i < piece_sizes_count; ++i) sizes.push_back(1 + (seed * (i + 3) + i) % piece_bytes_max);
  check(run(sizes) == whole);
  check(run({1}) == whole);
}

}  // namespace imaplab::fuzz
