// Behaviour of the shared value types of proto/types.hpp.
#include "proto/types.hpp"

#include <algorithm>

namespace imaplab::proto {

// RFC 3501 §9 seq-range: "*" stands for the largest number in use, and a range's ends may come in either
// order ("4:2" is "2:4").
bool SequenceSet::contains(std::uint32_t n, std::uint32_t star) const {
  return std::any_of(ranges.begin(), ranges.end(), [&](const SeqRange& r) {
    const std::uint32_t a = r.first == seq_star ? star : r.first;
    const std::uint32_t b = r.last == seq_star ? star : r.last;
    return std::min(a, b) <= n && n <= std::max(a, b);
  });
}

}  // namespace imaplab::proto
