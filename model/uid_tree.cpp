// The persistent treap behind UidTree. Priorities are a fixed hash of the UID, so the shape (and thus every
// run) is deterministic and the expected depth is O(log n) for any UID sequence.
#include "model/uid_tree.hpp"

namespace imaplab::model {
namespace {

// Room for the walk's stack of to_vector: a treap of a million UIDs is about 50 deep (a capacity, no limit).
constexpr std::size_t walk_stack_reserve_nodes = 64;

// splitmix64 finalizer: a fixed, well-mixed priority per UID (no randomness source, DESIGN.md rule 3).
std::uint32_t priority_of(std::uint32_t uid) {
  std::uint64_t z = uid + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 32);
}

}  // namespace

UidTree::Ptr UidTree::make(std::uint32_t uid, std::uint32_t priority, Ptr left, Ptr right) {
  const std::size_t size = 1 + size_of(left) + size_of(right);
  return Ptr(new Node{uid, priority, size, std::move(left), std::move(right)});
}

// Splits t into UIDs < uid and UIDs >= uid, copying only the nodes on the search path.
void UidTree::split(const Ptr& t, std::uint32_t uid, Ptr& less, Ptr& rest) {
  if (!t) {
    less = rest = nullptr;
    return;
  }
  if (t->uid < uid) {
    Ptr l, r;
    split(t->right, uid, l, r);
    less = make(t->uid, t->priority, t->left, std::move(l));
    rest = std::move(r);
  } else {
    Ptr l, r;
    split(t->left, uid, l, r);
    less = std::move(l);
    rest = make(t->uid, t->priority, std::move(r), t->right);
  }
}

// Joins two treaps where every UID of a is below every UID of b.
UidTree::Ptr UidTree::merge(const Ptr& a, const Ptr& b) {
  if (!a) return b;
  if (!b) return a;
  if (a->priority >= b->priority) return make(a->uid, a->priority, a->left, merge(a->right, b));
  return make(b->uid, b->priority, merge(a, b->left), b->right);
}

std::uint32_t UidTree::at(std::size_t index) const {
  const Node* n = root_.get();
  while (n != nullptr) {
    const std::size_t left_size = size_of(n->left);
    if (index < left_size) {
      n = n->left.get();
    } else if (index == left_size) {
      return n->uid;
    } else {
      index -= left_size + 1;
      n = n->right.get();
    }
  }
  return 0;  // out of range: callers check size() first
}

std::size_t UidTree::count_less(std::uint32_t uid) const {
  std::size_t count = 0;
  const Node* n = root_.get();
  while (n != nullptr) {
    if (n->uid < uid) {
      count += size_of(n->left) + 1;
      n = n->right.get();
    } else {
      n = n->left.get();
    }
  }
  return count;
}

bool UidTree::contains(std::uint32_t uid) const {
  const Node* n = root_.get();
  while (n != nullptr) {
    if (n->uid == uid) return true;
    n = uid < n->uid ? n->left.get() : n->right.get();
  }
  return false;
}

// One descent: count what lies below on the way to `uid`.
std::optional<std::size_t> UidTree::index_of(std::uint32_t uid) const {
  std::size_t count = 0;
  const Node* n = root_.get();
  while (n != nullptr) {
    if (n->uid < uid) {
      count += size_of(n->left) + 1;
      n = n->right.get();
    } else if (n->uid == uid) {
      return count + size_of(n->left);
    } else {
      n = n->left.get();
    }
  }
  return std::nullopt;
}

std::uint32_t UidTree::max() const {
  const Node* n = root_.get();
  if (n == nullptr) return 0;
  while (n->right) n = n->right.get();
  return n->uid;
}

// The classic one-pass treap insert: copy the path down to where the new node's priority puts it, and split
// the subtree found there around it. The shape is the same as split-then-merge would give (a treap's shape
// is a function of its keys and priorities) with about half the new nodes.
UidTree::Ptr UidTree::insert_into(const Ptr& t, std::uint32_t uid, std::uint32_t priority) {
  // Ties go as merge() breaks them: the smaller UID above.
  if (!t || priority > t->priority || (priority == t->priority && uid < t->uid)) {
    Ptr less, rest;
    split(t, uid, less, rest);
    return make(uid, priority, std::move(less), std::move(rest));
  }
  if (uid < t->uid) return make(t->uid, t->priority, insert_into(t->left, uid, priority), t->right);
  return make(t->uid, t->priority, t->left, insert_into(t->right, uid, priority));
}

void UidTree::insert(std::uint32_t uid) {
  if (contains(uid)) return;
  root_ = insert_into(root_, uid, priority_of(uid));
}

// Copies the path down to `uid` and replaces its node by the merge of its children.
UidTree::Ptr UidTree::erase_from(const Ptr& t, std::uint32_t uid) {
  if (t->uid == uid) return merge(t->left, t->right);
  if (uid < t->uid) return make(t->uid, t->priority, erase_from(t->left, uid), t->right);
  return make(t->uid, t->priority, t->left, erase_from(t->right, uid));
}

void UidTree::erase(std::uint32_t uid) {
  if (!contains(uid)) return;
  root_ = erase_from(root_, uid);
}

// An in-order walk with an explicit stack: no position bookkeeping, as the whole tree is wanted.
std::vector<std::uint32_t> UidTree::to_vector() const {
  std::vector<std::uint32_t> out;
  out.reserve(size());
  std::vector<const Node*> stack;
  stack.reserve(walk_stack_reserve_nodes);
  const Node* n = root_.get();
  while (n != nullptr || !stack.empty()) {
    for (; n != nullptr; n = n->left.get()) stack.push_back(n);
    n = stack.back();
    stack.pop_back();
    out.push_back(n->uid);
    n = n->right.get();
  }
  return out;
}

bool UidTree::operator==(const UidTree& other) const {
  if (root_ == other.root_) return true;
  return size() == other.size() && to_vector() == other.to_vector();
}

}  // namespace imaplab::model
