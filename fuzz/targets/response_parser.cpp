// libFuzzer target for the response parser: the input is fed whole and again in pieces whose sizes come from
// its first byte; both runs must give the same events (split invariance), and every step must respect the
// feed() contract. Any difference or broken contract aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "proto/response_parser.hpp"
#include "proto/limits.hpp"

namespace {

using imaplab::proto::ResponseEvent;
using imaplab::proto::ResponseParser;
using imaplab::proto::NeedMore;

constexpr std::size_t piece_sizes_count = 8;
constexpr std::size_t piece_bytes_max = 23;

void check(bool ok) {
  if (!ok) std::abort();
}

// Feeds `input` in pieces of the given sizes, cycling through them; 0 in `sizes` means "all the rest".
std::vector<ResponseEvent> run(std::string_view input, const std::vector<std::size_t>& sizes) {
  ResponseParser parser;
  std::vector<ResponseEvent> events;
  for (std::size_t i = 0; !input.empty(); ++i) {
    const std::size_t want = sizes[i % sizes.size()];
    std::string_view piece = input.substr(0, want == 0 ? input.size() : want);
    input.remove_prefix(piece.size());
    while (!piece.empty()) {
      const auto r = parser.feed(piece);
      check(r.consumed <= piece.size());
      piece.remove_prefix(r.consumed);
      check(parser.buffered_bytes() <= imaplab::proto::limits::message_bytes_max);
      if (std::holds_alternative<NeedMore>(r.event)) {
        check(piece.empty());
        break;
      }
      check(r.consumed > 0);
      events.push_back(r.event);
    }
  }
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto whole = run(input, {0});
  std::vector<std::size_t> sizes;
  const unsigned seed = size > 0 ? data[0] : 0;
  for (std::size_t i = 0; i < piece_sizes_count; ++i) sizes.push_back(1 + (seed * (i + 3) + i) % piece_bytes_max);
  check(run(input, sizes) == whole);
  check(run(input, {1}) == whole);
  return 0;
}
