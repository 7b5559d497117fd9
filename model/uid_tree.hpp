// A persistent (path-copying) order-statistic set of UIDs: a treap whose nodes are immutable and shared.
// A mailbox keeps its live UIDs in one; SELECT copies the root in O(1) and each session's view then diverges
// by path copying, O(log n) per insert or erase, as it is told of new and expunged messages.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <memory>
#include <optional>
#include <vector>

namespace imaplab::model {

class UidTree {
 public:
  UidTree() = default;

  std::size_t size() const { return size_of(root_); }
  bool empty() const { return root_ == nullptr; }
  // The UID at 0-based position `index` (MSN index+1). Requires index < size().
  std::uint32_t at(std::size_t index) const;
  // How many UIDs are below `uid`; equals the 0-based position of `uid` when it is present.
  std::size_t count_less(std::uint32_t uid) const;
  bool contains(std::uint32_t uid) const;
  // 0-based position of `uid`, or nullopt when absent.
  std::optional<std::size_t> index_of(std::uint32_t uid) const;
  // The largest UID, or 0 when empty.
  std::uint32_t max() const;

  // Insert and erase are no-ops when the UID is already present / absent. O(log n) new nodes.
  void insert(std::uint32_t uid);
  void erase(std::uint32_t uid);

  // Calls f(uid) for the UIDs at positions [first, last) in ascending order; stops early when f returns false.
  template <class F>
  void for_each(std::size_t first, std::size_t last, F&& f) const {
    if (first < last) visit(root_.get(), first, last, 0, f);
  }
  std::vector<std::uint32_t> to_vector() const;

  // Same set of UIDs (a treap's shape is a function of its keys, so shared roots compare in O(1)).
  bool operator==(const UidTree& other) const;

 private:
  struct Node;
  // A counted reference to an immutable node. The count is not atomic: a tree and every copy that shares its
  // nodes belong to one model, which one thread uses at a time (each hunt job runs its own world), and
  // std::shared_ptr's atomic counts cost about a tenth of a simulation's time in path copying.
  class Ptr {
   public:
    Ptr() = default;
    Ptr(std::nullptr_t) {}
    explicit Ptr(const Node* n) : n_(n) { retain(); }
    Ptr(const Ptr& o) : n_(o.n_) { retain(); }
    Ptr(Ptr&& o) noexcept : n_(o.n_) { o.n_ = nullptr; }
    Ptr& operator=(Ptr o) noexcept {
      std::swap(n_, o.n_);
      return *this;
    }
    ~Ptr() { release(); }
    const Node* get() const { return n_; }
    const Node* operator->() const { return n_; }
    explicit operator bool() const { return n_ != nullptr; }
    bool operator==(const Ptr& o) const { return n_ == o.n_; }

   private:
    void retain() const;
    void release();
    const Node* n_ = nullptr;
  };
  struct Node {
    std::uint32_t uid;
    std::uint32_t priority;
    std::size_t size;
    Ptr left, right;
    mutable std::uint32_t refs = 0;
  };

  static std::size_t size_of(const Ptr& p) { return p ? p->size : 0; }
  static Ptr make(std::uint32_t uid, std::uint32_t priority, Ptr left, Ptr right);
  static void split(const Ptr& t, std::uint32_t uid, Ptr& less, Ptr& rest);
  static Ptr merge(const Ptr& a, const Ptr& b);
  static Ptr erase_from(const Ptr& t, std::uint32_t uid);
  static Ptr insert_into(const Ptr& t, std::uint32_t uid, std::uint32_t priority);

  template <class F>
  static bool visit(const Node* n, std::size_t first, std::size_t last, std::size_t base, F& f) {
    if (n == nullptr) return true;
    const std::size_t left_size = n->left ? n->left->size : 0;
    const std::size_t here = base + left_size;
    if (first < here && !visit(n->left.get(), first, last, base, f)) return false;
    if (first <= here && here < last && !f(n->uid)) return false;
    if (here + 1 < last) return visit(n->right.get(), first, last, here + 1, f);
    return true;
  }

  Ptr root_;
};

inline void UidTree::Ptr::retain() const {
  if (n_ != nullptr) ++n_->refs;
}

inline void UidTree::Ptr::release() {
  if (n_ != nullptr && --n_->refs == 0) delete n_;
  n_ = nullptr;
}

}  // namespace imaplab::model
