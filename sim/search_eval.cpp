// The SRC-1 reference evaluator for SEARCH keys (RFC 3501 §6.4.4), written from the RFC text alone.
#include "sim/search_eval.hpp"

#include <algorithm>
#include <cctype>

namespace imaplab::sim {
namespace {

using Kind = proto::SearchKey::Kind;

bool same_flag(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 3501 §2.3.2: flag names compare case-insensitively.
bool has_flag(const SearchCandidate& m, const std::string& flag) {
  if (m.flags == nullptr) return false;
  return std::any_of(m.flags->begin(), m.flags->end(), [&](const std::string& f) { return same_flag(f, flag); });
}

// RFC 3501 §9: a range a:b is the same as b:a, and `*` is the largest value in use.
bool in_set(const proto::SequenceSet& set, std::uint32_t value, std::uint32_t star) {
  for (const auto& r : set.ranges) {
    const std::uint32_t a = r.first == proto::seq_star ? star : r.first;
    const std::uint32_t b = r.last == proto::seq_star ? star : r.last;
    if (value >= std::min(a, b) && value <= std::max(a, b)) return true;
  }
  return false;
}

// Flag keys (RFC 3501 §6.4.4: ANSWERED, DELETED, ... and their UN- forms); false when `key` is not one.
bool flag_key(const proto::SearchKey& key, const SearchCandidate& m, bool& out) {
  switch (key.kind) {
    case Kind::All: out = true; return true;
    case Kind::Answered: out = has_flag(m, "\\Answered"); return true;
    case Kind::Unanswered: out = !has_flag(m, "\\Answered"); return true;
    case Kind::Deleted: out = has_flag(m, "\\Deleted"); return true;
    case Kind::Undeleted: out = !has_flag(m, "\\Deleted"); return true;
    case Kind::Draft: out = has_flag(m, "\\Draft"); return true;
    case Kind::Undraft: out = !has_flag(m, "\\Draft"); return true;
    case Kind::Flagged: out = has_flag(m, "\\Flagged"); return true;
    case Kind::Unflagged: out = !has_flag(m, "\\Flagged"); return true;
    case Kind::Seen: out = has_flag(m, "\\Seen"); return true;
    case Kind::Unseen: out = !has_flag(m, "\\Seen"); return true;
    case Kind::Keyword: out = has_flag(m, key.value); return true;
    case Kind::Unkeyword: out = !has_flag(m, key.value); return true;
    // "RECENT: Messages that have the \Recent flag set", "NEW: ... equivalent to "(RECENT UNSEEN)"", "OLD: ...
    // functionally equivalent to "NOT RECENT""; \Recent is per session, so the caller gives it.
    case Kind::Recent: out = m.recent; return true;
    case Kind::New: out = m.recent && !has_flag(m, "\\Seen"); return true;
    case Kind::Old: out = !m.recent; return true;
    default: return false;
  }
}

bool eval(const proto::SearchKey& key, const SearchCandidate& m, const SearchStars& stars) {
  bool out = false;
  if (flag_key(key, m, out)) return out;
  switch (key.kind) {
    // "disregarding time and timezone": only the day of the internal date counts.
    case Kind::Before: return m.internal_day < key.date;
    case Kind::On: return m.internal_day == key.date;
    case Kind::Since: return m.internal_day >= key.date;  // "within or later than the specified date"
    case Kind::Larger: return m.size > key.number;
    case Kind::Smaller: return m.size < key.number;
    case Kind::Uid: return in_set(key.set, m.uid, stars.uid);
    case Kind::SequenceSet: return in_set(key.set, m.msn, stars.msn);
    // RFC 4551 §3.4: "Messages that have modification values that are equal to or greater than" the value.
    case Kind::ModSeq: return m.modseq >= key.number;
    case Kind::Not: return key.children.size() == 1 && !eval(key.children[0], m, stars);
    case Kind::Or:
      return key.children.size() == 2 && (eval(key.children[0], m, stars) || eval(key.children[1], m, stars));
    case Kind::And: return search_eval(key.children, m, stars);
    default: return false;  // not evaluable: search_evaluable keeps callers away
  }
}

bool evaluable(const proto::SearchKey& key) {
  switch (key.kind) {
    case Kind::All: case Kind::Answered: case Kind::Unanswered: case Kind::Deleted: case Kind::Undeleted:
    case Kind::Draft: case Kind::Undraft: case Kind::Flagged: case Kind::Unflagged: case Kind::Seen:
    case Kind::Unseen: case Kind::Keyword: case Kind::Unkeyword: case Kind::Before: case Kind::On:
    case Kind::Since: case Kind::Larger: case Kind::Smaller: case Kind::Uid: case Kind::SequenceSet:
    case Kind::Recent: case Kind::New: case Kind::Old: case Kind::ModSeq:
      return true;
    case Kind::Not: return key.children.size() == 1 && evaluable(key.children[0]);
    case Kind::Or: return key.children.size() == 2 && search_evaluable(key.children);
    case Kind::And: return !key.children.empty() && search_evaluable(key.children);
    default: return false;
  }
}

}  // namespace

bool search_evaluable(const std::vector<proto::SearchKey>& keys) {
  return std::all_of(keys.begin(), keys.end(), [](const proto::SearchKey& k) { return evaluable(k); });
}

bool search_eval(const std::vector<proto::SearchKey>& keys, const SearchCandidate& m, const SearchStars& stars) {
  return std::all_of(keys.begin(), keys.end(), [&](const proto::SearchKey& k) { return eval(k, m, stars); });
}

}  // namespace imaplab::sim
