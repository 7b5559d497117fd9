// The weighted choice of the simulator's deterministic random source (sim/agent.hpp, class Rng). Written
// by hand instead of std::discrete_distribution so every standard library draws the same index.
#include <cassert>
#include <cstdint>
#include <vector>

#include "sim/agent.hpp"

namespace imaplab::sim {

// Index i with probability weights[i] / sum. All-zero weights (a swarm mix may switch everything off) give a
// uniform choice, so a caller never indexes past the end; an empty list is a caller's bug.
std::size_t Rng::weighted(const std::vector<std::uint32_t>& weights) {
  assert(!weights.empty());
  std::uint64_t sum = 0;
  for (const std::uint32_t w : weights) sum += w;
  if (sum == 0) return static_cast<std::size_t>(below(weights.size()));
  std::uint64_t r = below(sum);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return weights.size() - 1;  // unreachable: r < sum
}

}  // namespace imaplab::sim
