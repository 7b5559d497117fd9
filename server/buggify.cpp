// The BUGGIFY fault sites' names and their per-server switch draw (server/buggify.hpp).
#include "server/buggify.hpp"

namespace imaplab::server {

const char* fault_site_name(FaultSite site) {
  switch (site) {
    case FaultSite::ShortOutputBatch: return "short-output-batch";
    case FaultSite::YieldBeforeParse: return "yield-before-parse";
    case FaultSite::DelayedDelivery: return "delayed-delivery";
    case FaultSite::YieldDelivery: return "yield-delivery";
    case FaultSite::SplitWrite: return "split-write";
    case FaultSite::ExtraUntaggedOk: return "extra-untagged-ok";
    case FaultSite::RepeatFlags: return "repeat-flags";
  }
  return "?";
}

Buggify::Buggify(Random& random) : random_(&random) {
  for (std::size_t i = 0; i < fault_site_count; ++i) {
    if (random.next_u64() % 1000 < buggify_defaults::site_enabled_permille) enabled_ |= std::uint32_t{1} << i;
  }
}

Buggify::Buggify(Random& random, std::uint32_t mask)
    : random_(&random), enabled_(mask & ((std::uint32_t{1} << fault_site_count) - 1)), always_(true) {}

std::string Buggify::describe() const {
  std::string out;
  for (std::size_t i = 0; i < fault_site_count; ++i) {
    const auto site = static_cast<FaultSite>(i);
    if (!enabled(site)) continue;
    if (!out.empty()) out += ',';
    out += fault_site_name(site);
  }
  return out.empty() ? "none" : out;
}

}  // namespace imaplab::server
