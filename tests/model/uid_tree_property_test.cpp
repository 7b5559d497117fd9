// Properties of the persistent UID tree against std::set: any sequence of inserts and erases leaves the same
// UIDs, positions and counts, and a copy taken along the way never changes afterwards.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <iterator>
#include <optional>
#include <set>
#include <vector>

#include "model/uid_tree.hpp"

namespace imaplab::model {
namespace {

// UIDs from a small range, so inserts of present UIDs and erases of present ones happen often.
constexpr std::uint32_t uid_range_max = 200;

struct Op {
  bool insert = true;
  std::uint32_t uid = 1;
};

void expect_same(const UidTree& tree, const std::set<std::uint32_t>& expected) {
  const std::vector<std::uint32_t> want(expected.begin(), expected.end());
  RC_ASSERT(tree.to_vector() == want);
  RC_ASSERT(tree.size() == want.size());
  RC_ASSERT(tree.max() == (want.empty() ? 0u : want.back()));
  for (std::size_t i = 0; i < want.size(); ++i) {
    RC_ASSERT(tree.at(i) == want[i]);
    RC_ASSERT(tree.index_of(want[i]) == std::optional<std::size_t>(i));
  }
  for (std::uint32_t u = 0; u <= uid_range_max + 1; ++u) {
    const auto below = static_cast<std::size_t>(std::distance(expected.begin(), expected.lower_bound(u)));
    RC_ASSERT(tree.count_less(u) == below);
    RC_ASSERT(tree.contains(u) == (expected.count(u) != 0));
  }
}

RC_GTEST_PROP(UidTreeProperty, MatchesSetAndSnapshotsStayPut, ()) {
  const auto ops = *rc::gen::container<std::vector<Op>>(rc::gen::build<Op>(
      rc::gen::set(&Op::insert, rc::gen::weightedElement<bool>({{3, true}, {1, false}})),
      rc::gen::set(&Op::uid, rc::gen::inRange<std::uint32_t>(1, uid_range_max + 1))));
  UidTree tree;
  std::set<std::uint32_t> expected;
  std::vector<std::pair<UidTree, std::set<std::uint32_t>>> snapshots;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].insert) {
      tree.insert(ops[i].uid);
      expected.insert(ops[i].uid);
    } else {
      tree.erase(ops[i].uid);
      expected.erase(ops[i].uid);
    }
    if (i % 7 == 0) snapshots.emplace_back(tree, expected);
  }
  expect_same(tree, expected);
  for (const auto& [snapshot, then] : snapshots) {
    expect_same(snapshot, then);
    RC_ASSERT((snapshot == tree) == (then == expected));
  }
}

}  // namespace
}  // namespace imaplab::model
