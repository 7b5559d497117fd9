// BUGGIFY (FoundationDB's flow/Buggify.h, without its globals): named fault sites where the server takes a
// rare but legal path, so simulated hunts exercise the paths a production server takes only under load.
// Each site is switched on or off once per server from Random; an enabled site then fires at random.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/env.hpp"

namespace imaplab::server {

// Every site keeps the server within RFC 3501 / RFC 5465: it only changes timing, segmentation, or adds a
// response a client must accept anyway.
enum class FaultSite : std::uint8_t {
  ShortOutputBatch,   // one response per output batch instead of output_batch_bytes' worth
  YieldBeforeParse,   // received bytes are parsed in a posted ReadInput step instead of at once
  DelayedDelivery,    // an IDLE/NOTIFY delivery waits a little virtual time (well within NTF-2's bound)
  YieldDelivery,      // a NotifyDelivery step re-posts itself once, so a command arriving meanwhile goes first
  SplitWrite,         // a write offers the transport only a small piece; the rest follows in a posted step
  ExtraUntaggedOk,    // an informational "* OK" before a command's tagged completion (RFC 3501 §7.1.1)
  RepeatFlags,        // an untagged FLAGS response is sent twice (RFC 3501 §7.2.6: the client records the last)
};
inline constexpr std::size_t fault_site_count = 7;
const char* fault_site_name(FaultSite site);

namespace buggify_defaults {
// FoundationDB's choices: a site is enabled in a quarter of the servers, and an enabled site fires on a
// quarter of the passes, in per-mille so that no floating point reaches the random draw.
inline constexpr std::uint64_t site_enabled_permille = 250;
inline constexpr std::uint64_t site_fires_permille = 250;
// DelayedDelivery waits 1..this many ms; the lab's NTF-2 bound is 2000 ms of virtual time.
inline constexpr TimeMs delivery_delay_max_ms = 200;
// SplitWrite offers the transport 1..this many bytes at a time.
inline constexpr std::size_t split_write_piece_bytes_max = 16;
}  // namespace buggify_defaults

class Buggify {
 public:
  // Off: no site is enabled, and fires() is one test of a zero word; no Random is ever drawn.
  Buggify() = default;
  // On: each site is enabled with site_enabled_permille, drawn now from `random` (which outlives this).
  explicit Buggify(Random& random);
  // On with exactly the sites in `mask` enabled (bit i = FaultSite i), each firing on every pass: for tests
  // that must see a site fire.
  Buggify(Random& random, std::uint32_t mask);

  bool enabled(FaultSite site) const { return (enabled_ >> static_cast<unsigned>(site)) & 1u; }
  bool any_enabled() const { return enabled_ != 0; }
  // True when `site` is enabled and its draw fires this time.
  bool fires(FaultSite site) {
    if (!enabled(site)) return false;
    if (!always_ && random_->next_u64() % 1000 >= buggify_defaults::site_fires_permille) return false;
    ++fired_[static_cast<std::size_t>(site)];
    return true;
  }
  // Uniform in [1, n] for n >= 1: the size of a fired fault (a delay, a piece). Only called after fires().
  std::uint64_t one_to(std::uint64_t n) { return 1 + random_->next_u64() % n; }
  // How often `site` fired so far (tests, the log).
  std::uint64_t fired(FaultSite site) const { return fired_[static_cast<std::size_t>(site)]; }
  // "short-output-batch,split-write": the enabled sites in enum order; "none" when off.
  std::string describe() const;

 private:
  Random* random_ = nullptr;
  std::uint32_t enabled_ = 0;
  bool always_ = false;
  std::array<std::uint64_t, fault_site_count> fired_{};
};

inline constexpr std::uint32_t fault_site_bit(FaultSite site) {
  return std::uint32_t{1} << static_cast<unsigned>(site);
}

}  // namespace imaplab::server
