// The scheduling strategies of sim/strategy.hpp.
#include "sim/strategy.hpp"

#include <algorithm>
#include <charconv>

namespace imaplab::sim {

std::string Choice::label() const {
  std::string s(1, static_cast<char>(kind));
  if (kind == Kind::Timer) return s;
  s += std::to_string(client);
  if (kind == Kind::Upload || kind == Kind::Download) s += ":" + std::to_string(bytes);
  return s;
}

std::optional<Choice> Choice::parse(std::string_view label) {
  if (label.empty()) return std::nullopt;
  Choice c;
  switch (label[0]) {
    case 'S': c.kind = Kind::Server; break;
    case 'C': c.kind = Kind::Client; break;
    case 'U': c.kind = Kind::Upload; break;
    case 'D': c.kind = Kind::Download; break;
    case 'T': c.kind = Kind::Timer; return label.size() == 1 ? std::optional<Choice>(c) : std::nullopt;
    case 'X': c.kind = Kind::Drop; break;
    default: return std::nullopt;
  }
  const char* p = label.data() + 1;
  const char* end = label.data() + label.size();
  auto r = std::from_chars(p, end, c.client);
  if (r.ec != std::errc() || c.client == 0) return std::nullopt;
  p = r.ptr;
  if (c.kind == Kind::Upload || c.kind == Kind::Download) {
    if (p == end || *p != ':') return std::nullopt;
    r = std::from_chars(p + 1, end, c.bytes);
    if (r.ec != std::errc() || c.bytes == 0) return std::nullopt;
    p = r.ptr;
  }
  return p == end ? std::optional<Choice>(c) : std::nullopt;
}

namespace {

// Decides how many of the available bytes a delivery moves: all, or (segmentation) a random prefix.
Choice with_segment(Choice c, Rng& rng, double segment_chance) {
  if ((c.kind == Choice::Kind::Upload || c.kind == Choice::Kind::Download) && c.bytes > 1 &&
      rng.chance(segment_chance)) {
    c.bytes = 1 + static_cast<std::uint32_t>(rng.below(c.bytes - 1));
  }
  return c;
}

class RandomStrategy final : public Strategy {
 public:
  RandomStrategy(std::uint64_t seed, StrategyOptions options) : rng_(seed), options_(options) {}
  std::string name() const override { return "random"; }
  Choice pick(const std::vector<Choice>& ready) override {
    return with_segment(ready[rng_.below(ready.size())], rng_, options_.segment_chance);
  }
  bool offer_drop() override { return options_.drop_chance > 0 && rng_.chance(options_.drop_chance); }

 private:
  Rng rng_;
  StrategyOptions options_;
};

// PCT: each client (with its connection's server work and deliveries) is a thread with a random priority;
// the highest-priority ready thread runs; at d-1 random steps the running thread drops to the lowest
// priorities. Timers are a thread of their own with the lowest priority, so time only jumps when all else
// waits.
class PctStrategy final : public Strategy {
 public:
  PctStrategy(std::uint64_t seed, StrategyOptions options) : rng_(seed), options_(options) {
    for (std::uint32_t i = 1; i < options_.pct_depth; ++i) change_points_.push_back(rng_.below(options_.pct_steps));
    std::sort(change_points_.begin(), change_points_.end());
  }
  std::string name() const override { return "pct"; }

  Choice pick(const std::vector<Choice>& ready) override {
    const Choice* best = nullptr;
    std::uint64_t best_priority = 0;
    for (const Choice& c : ready) {
      std::uint64_t p = priority(c.client);
      if (!best || p > best_priority) {
        best = &c;
        best_priority = p;
      }
    }
    ++step_;
    while (next_change_ < change_points_.size() && change_points_[next_change_] <= step_) {
      // Lower the running thread below every initial priority; later change points go lower still.
      priorities_[best->client] = options_.pct_depth - next_change_;  // >= 2: never "not drawn"
      ++next_change_;
    }
    return with_segment(*best, rng_, options_.segment_chance);
  }
  bool offer_drop() override { return options_.drop_chance > 0 && rng_.chance(options_.drop_chance); }

 private:
  // A thread's priority is drawn when the thread is first seen ready, in the order of the ready list.
  std::uint64_t priority(std::uint32_t thread) {
    if (thread == 0) return 0;  // timers
    if (thread >= priorities_.size()) priorities_.resize(thread + 1, not_drawn);
    std::uint64_t& p = priorities_[thread];
    // Initial priorities lie above every change-point priority (which are 1..d).
    if (p == not_drawn) p = options_.pct_depth + 1 + rng_.below(1u << 30);
    return p;
  }

  Rng rng_;
  StrategyOptions options_;
  // By client id (a vector: pick() asks once per ready item, and runs have up to 1,000 clients).
  static constexpr std::uint64_t not_drawn = 0;
  std::vector<std::uint64_t> priorities_;
  std::vector<std::uint64_t> change_points_;
  std::size_t next_change_ = 0;
  std::uint64_t step_ = 0;
};

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<Choice> choices) : choices_(std::move(choices)) {}
  std::string name() const override { return "replay"; }

  Choice pick(const std::vector<Choice>& ready) override {
    while (next_ < choices_.size()) {
      const Choice& want = choices_[next_++];
      for (const Choice& c : ready) {
        if (!c.same_work(want)) continue;
        Choice chosen = c;
        if (want.bytes != 0) chosen.bytes = std::min(c.bytes, want.bytes);
        return chosen;
      }
    }
    return ready.front();
  }
  bool offer_drop() override {
    return next_ < choices_.size() && choices_[next_].kind == Choice::Kind::Drop;
  }
  bool wants_timer() const override {
    return next_ < choices_.size() && choices_[next_].kind == Choice::Kind::Timer;
  }

 private:
  std::vector<Choice> choices_;
  std::size_t next_ = 0;
};

// The fuzzing strategy of make_byte_strategy.
class ByteStrategy final : public Strategy {
 public:
  ByteStrategy(ByteSource& input, bool faults, std::uint32_t drops_max)
      : input_(input), drops_left_(faults ? drops_max : 0) {}
  std::string name() const override { return "bytes"; }

  Choice pick(const std::vector<Choice>& ready) override {
    if (input_.exhausted()) return ready.front();
    if (drop_offered_) {
      drop_offered_ = false;
      input_.byte();  // the 0xff that offered the drop
      std::vector<const Choice*> drops;
      for (const Choice& c : ready)
        if (c.kind == Choice::Kind::Drop) drops.push_back(&c);
      if (!drops.empty()) {
        --drops_left_;
        return *drops[input_.byte() % drops.size()];
      }
    }
    std::vector<const Choice*> work;
    for (const Choice& c : ready)
      if (c.kind != Choice::Kind::Drop) work.push_back(&c);
    if (work.empty()) return ready.front();
    if (work.size() == 1 && !splittable(*work.front())) return *work.front();
    const std::uint8_t b = input_.byte();
    Choice chosen = *work[(b & 0x7fu) % work.size()];
    if ((b & 0x80u) != 0 && splittable(chosen)) chosen.bytes = 1 + input_.byte() % (chosen.bytes - 1);
    return chosen;
  }
  bool offer_drop() override {
    drop_offered_ = drops_left_ > 0 && input_.peek() == std::uint8_t{0xff};
    return drop_offered_;
  }

 private:
  static bool splittable(const Choice& c) {
    return (c.kind == Choice::Kind::Upload || c.kind == Choice::Kind::Download) && c.bytes > 1;
  }
  ByteSource& input_;
  std::uint32_t drops_left_;
  bool drop_offered_ = false;
};

}  // namespace

std::unique_ptr<Strategy> make_byte_strategy(ByteSource& input, bool faults, std::uint32_t drops_max) {
  return std::make_unique<ByteStrategy>(input, faults, drops_max);
}
std::unique_ptr<Strategy> make_random_strategy(std::uint64_t seed, StrategyOptions options) {
  return std::make_unique<RandomStrategy>(seed, options);
}
std::unique_ptr<Strategy> make_pct_strategy(std::uint64_t seed, StrategyOptions options) {
  return std::make_unique<PctStrategy>(seed, options);
}
std::unique_ptr<Strategy> make_replay_strategy(std::vector<Choice> choices) {
  return std::make_unique<ReplayStrategy>(std::move(choices));
}
std::unique_ptr<Strategy> make_strategy(std::string_view name, std::uint64_t seed, StrategyOptions options) {
  if (name == "random") return make_random_strategy(seed, options);
  if (name == "pct") return make_pct_strategy(seed, options);
  return nullptr;
}

}  // namespace imaplab::sim
