// A session's view of its selected mailbox: sequence-set resolution against the numbers the client has, and
// the untagged updates that bring the client up to date (RFC 3501 §5.2, §5.3, §7.3.1, §7.4.1).
#include "model/view.hpp"

#include <algorithm>
#include <string_view>

#include "model/fetch.hpp"

namespace imaplab::model {
namespace {

using Interval = std::pair<std::size_t, std::size_t>;  // positions [first, last)

// A flag update's FETCH carries UID, FLAGS and MODSEQ at most.
constexpr std::size_t flag_fetch_atts_max = 3;
// Besides one response per expunge and flag change, a flush may add FLAGS, EXISTS, RECENT and the
// completion that add_updates puts back after it (a capacity, no limit).
constexpr std::size_t flush_extra_responses = 4;

std::vector<Interval> merge_intervals(std::vector<Interval> v) {
  std::sort(v.begin(), v.end());
  std::vector<Interval> out;
  for (const auto& iv : v) {
    if (iv.first >= iv.second) continue;
    if (!out.empty() && iv.first <= out.back().second) out.back().second = std::max(out.back().second, iv.second);
    else out.push_back(iv);
  }
  return out;
}

// `star` is what '*' stands for: the count the client knows (RFC 3501 §9, SEQ-15).
// Bug zoo reversed-range-empty (`reversed`): "4:2" is taken as written, an empty range (SEQ-16).
std::optional<std::vector<Interval>> msn_intervals(const UidTree& uids, const proto::SequenceSet& set,
                                                   std::size_t star, bool reversed) {
  const std::size_t n = uids.size();
  std::vector<Interval> v;
  for (const auto& r : set.ranges) {
    const std::size_t a = r.first == proto::seq_star ? star : r.first;
    const std::size_t b = r.last == proto::seq_star ? star : r.last;
    const std::size_t lo = reversed ? a : std::min(a, b), hi = reversed ? b : std::max(a, b);
    if (lo == 0 || hi > n) return std::nullopt;
    v.emplace_back(lo - 1, hi);
  }
  return merge_intervals(std::move(v));
}

// Bug zoo uid-star-past-max-empty (`past_max_empty`): "n:*" with n above the highest UID is taken as empty
// (SEQ-16).
std::vector<Interval> uid_intervals(const UidTree& uids, const proto::SequenceSet& set, bool past_max_empty) {
  const std::uint32_t star = uids.max();
  std::vector<Interval> v;
  for (const auto& r : set.ranges) {
    const std::uint32_t a = r.first == proto::seq_star ? star : r.first;
    const std::uint32_t b = r.last == proto::seq_star ? star : r.last;
    if (past_max_empty && r.last == proto::seq_star && r.first != proto::seq_star && a > star) continue;
    const std::uint32_t lo = std::min(a, b), hi = std::max(a, b);
    const std::size_t end = uids.count_less(hi) + (uids.contains(hi) ? 1 : 0);
    v.emplace_back(uids.count_less(lo), end);
  }
  return merge_intervals(std::move(v));
}

Mailbox* selected(State& st, const Session& s) { return s.selected ? mailbox_by_id(st, *s.selected) : nullptr; }
const Mailbox* selected(const State& st, const Session& s) {
  return s.selected ? mailbox_by_id(st, *s.selected) : nullptr;
}

void send_keywords(const Mailbox& mb, Session& s, std::vector<proto::Response>& out) {
  if (mb.keywords.size() == s.view.keywords_told) return;
  s.view.keywords_told = mb.keywords.size();
  out.push_back(flags_response(mb));
}

// Bug zoo expunge-past-count: the numbers of other sessions' expunges are all computed up front against the
// view as it was before the batch, so the later ones are not shifted down by the earlier EXPUNGEs (SEQ-3).
std::map<std::uint32_t, std::uint32_t> stale_expunge_numbers(const Session& s) {
  std::map<std::uint32_t, std::uint32_t> numbers;
  for (const auto& [uid, ghost] : s.view.expunged) {
    const auto index = s.view.uids.index_of(uid);
    if (index && s.view.own_expunged.count(uid) == 0) numbers[uid] = static_cast<std::uint32_t>(*index + 1);
  }
  return numbers;
}

bool send_expunges(Session& s, bool stale_numbers, std::vector<proto::Response>& out) {
  const auto stale = stale_numbers ? stale_expunge_numbers(s) : std::map<std::uint32_t, std::uint32_t>{};
  bool any = false;
  for (const auto& [uid, ghost] : s.view.expunged) {
    const auto index = s.view.uids.index_of(uid);
    if (!index) continue;
    const auto it = stale.find(uid);
    const std::uint32_t n = it != stale.end() ? it->second : static_cast<std::uint32_t>(*index + 1);
    out.push_back(number_response(proto::NumberData::Kind::Expunge, n));
    s.view.uids.erase(uid);
    s.view.flag_changes.erase(uid);
    s.view.own_new.erase(uid);
    any = true;
  }
  s.view.expunged.clear();
  s.view.own_expunged.clear();
  return any;
}

// Adds the live messages above what the client knows; returns their UIDs.
std::vector<std::uint32_t> add_new(const Mailbox& mb, Session& s) {
  std::vector<std::uint32_t> added;
  for (auto it = mb.messages.upper_bound(s.view.told_max_uid); it != mb.messages.end(); ++it) {
    s.view.uids.insert(it->first);
    added.push_back(it->first);
  }
  if (!added.empty()) s.view.told_max_uid = added.back();
  return added;
}

// `skip_own` false is the bug zoo's notify-own-append-fetch: the session's own new messages are fetched too (NTF-10).
void send_new_fetches(const Mailbox& mb, Session& s, const std::vector<std::uint32_t>& added,
                      const std::vector<proto::FetchAtt>& atts, bool skip_own, std::vector<proto::Response>& out) {
  for (std::uint32_t uid : added) {
    if (skip_own && s.view.own_new.count(uid) != 0) continue;  // RFC 5465 §5.2: not for the client's own APPEND/COPY
    const auto it = mb.messages.find(uid);
    const auto index = s.view.uids.index_of(uid);
    if (it == mb.messages.end() || !index) continue;
    out.push_back(fetch_response(static_cast<std::uint32_t>(*index + 1), message_atts(s, uid, it->second, atts)));
  }
}

void send_flags(const State& st, const Mailbox& mb, Session& s, bool with_uid, std::vector<proto::Response>& out) {
  MessageCursor messages(mb);
  for (std::uint32_t uid : s.view.flag_changes) {
    if (s.view.expunged.count(uid) != 0) continue;
    const Message* m = messages.find(uid);
    const auto index = s.view.uids.index_of(uid);
    if (m == nullptr || !index) continue;
    std::vector<proto::MsgAtt> atts;
    atts.reserve(flag_fetch_atts_max);
    if (with_uid) atts.push_back(number_att(proto::MsgAtt::Kind::Uid, uid));
    // Bug zoo flag-update-drops-recent: the stored flags without the session's \Recent (RFC 3501 §2.3.2; FLG-4).
    atts.push_back(flags_att(bug_on(st, Bug::FlagUpdateDropsRecent) ? m->flags : visible_flags(s, uid, *m)));
    if (s.condstore) atts.push_back(number_att(proto::MsgAtt::Kind::ModSeq, m->modseq));
    out.push_back(fetch_response(static_cast<std::uint32_t>(*index + 1), std::move(atts)));
    if (!s.view.stale_flags.empty()) s.view.stale_flags.erase(uid);  // flag-overwrite: now told
  }
  s.view.flag_changes.clear();
}

// What '*' stands for among `count` numbers. Bug zoo star-stale-max: the session's cached count follows its
// own changes and expunges but not the new messages of other sessions announced since SELECT (SEQ-15).
std::size_t star_number(const State& st, const Session& s, std::size_t count) {
  if (!bug_on(st, Bug::StarStaleMax) || count == 0) return count;
  return count - std::min<std::size_t>(count - 1, s.view.foreign_added);
}

void count_foreign(Session& s, const std::vector<std::uint32_t>& added) {
  for (std::uint32_t uid : added) {
    if (s.view.own_new.count(uid) == 0) ++s.view.foreign_added;
  }
}

}  // namespace

std::optional<std::vector<Target>> resolve_set(const State& st, const Session& s, const proto::SequenceSet& set,
                                               bool uid) {
  const Mailbox* mb = selected(st, s);
  if (mb == nullptr) return std::nullopt;
  // Bug zoo shared-msn: numbers are read against the mailbox's live numbering instead of the session's
  // view, so another session's untold EXPUNGE renumbers this session's messages (SEQ-9).
  const UidTree& numbering = !uid && bug_on(st, Bug::SharedMsn) ? mb->live : s.view.uids;
  std::vector<Interval> intervals;
  if (uid) {
    intervals = uid_intervals(s.view.uids, set, bug_on(st, Bug::UidStarPastMaxEmpty));
  } else {
    auto msn = msn_intervals(numbering, set, star_number(st, s, numbering.size()),
                             bug_on(st, Bug::ReversedRangeEmpty));
    if (!msn) return std::nullopt;
    intervals = std::move(*msn);
  }
  std::vector<Target> out;
  std::size_t count = 0;
  for (const auto& [first, last] : intervals) count += last - first;
  out.reserve(count);
  MessageCursor messages(*mb);
  for (const auto& [first, last] : intervals) {
    std::size_t position = first;
    numbering.for_each(first, last, [&](std::uint32_t u) {
      Target t;
      t.msn = static_cast<std::uint32_t>(++position);
      t.uid = u;
      const Message* live = messages.find(u);
      if (const auto e = s.view.expunged.find(u); e != s.view.expunged.end()) {
        t.expunged = true;
        t.message = &e->second;
      } else if (live != nullptr) {
        t.message = live;
      } else {
        t.expunged = true;  // not reachable while the invariants hold; treated as expunged, never a crash
      }
      out.push_back(t);
      return true;
    });
  }
  return out;
}

bool is_recent(const Session& s, std::uint32_t uid) {
  return std::any_of(s.view.recent.begin(), s.view.recent.end(),
                     [&](const auto& r) { return r.first <= uid && uid < r.second; });
}

std::vector<std::string> visible_flags(const Session& s, std::uint32_t uid, const Message& m) {
  if (!is_recent(s, uid)) return m.flags;
  // Built at its final size in one pass (a copy followed by an insert would allocate twice).
  constexpr std::string_view recent = "\\Recent";
  std::vector<std::string> flags;
  flags.reserve(m.flags.size() + 1);
  const auto at = std::upper_bound(m.flags.begin(), m.flags.end(), recent);
  flags.assign(m.flags.begin(), at);
  flags.emplace_back(recent);
  flags.insert(flags.end(), at, m.flags.end());
  return flags;
}

std::size_t recent_count(const Session& s) {
  std::size_t n = 0;
  for (const auto& [first, last] : s.view.recent) n += count_in_range(s.view.uids, first, last);
  return n;
}

void flush(State& st, Session& s, const FlushOptions& o, std::vector<proto::Response>& out) {
  Mailbox* mb = selected(st, s);
  if (mb == nullptr) return;
  // Room for what is known to be due, so the responses are not moved again as the vector grows.
  out.reserve(out.size() + s.view.expunged.size() + s.view.flag_changes.size() + flush_extra_responses);
  // Bug zoo new-keyword-no-flags: a keyword new to the mailbox is taken as told without the FLAGS (FLG-8).
  if (o.flags && bug_on(st, Bug::NewKeywordNoFlags)) s.view.keywords_told = mb->keywords.size();
  if (o.flags) send_keywords(*mb, s, out);
  const bool expunged = o.expunges && send_expunges(s, bug_on(st, Bug::ExpungePastCount), out);
  std::vector<std::uint32_t> added;
  if (o.news) added = add_new(*mb, s);
  if (!added.empty() && bug_on(st, Bug::StarStaleMax)) count_foreign(s, added);
  if (!added.empty() || (expunged && o.exists_after_expunge)) {
    out.push_back(number_response(proto::NumberData::Kind::Exists, static_cast<std::uint32_t>(s.view.uids.size())));
  }
  const std::size_t recent = recent_count(s);
  if (!added.empty() && recent != s.view.recent_told) {
    out.push_back(number_response(proto::NumberData::Kind::Recent, static_cast<std::uint32_t>(recent)));
  }
  s.view.recent_told = recent;
  if (o.new_message_atts != nullptr && !o.new_message_atts->empty()) {
    send_new_fetches(*mb, s, added, *o.new_message_atts, !bug_on(st, Bug::NotifyOwnAppendFetch), out);
  }
  for (std::uint32_t uid : added) s.view.own_new.erase(uid);
  if (o.flags) send_flags(st, *mb, s, o.uid_in_flag_fetch, out);
}

bool has_pending(const State& st, const Session& s, const FlushOptions& o) {
  const Mailbox* mb = selected(st, s);
  if (mb == nullptr) return false;
  if (o.flags && mb->keywords.size() != s.view.keywords_told) return true;
  if (o.expunges && !s.view.expunged.empty()) return true;
  if (o.news && mb->messages.upper_bound(s.view.told_max_uid) != mb->messages.end()) return true;
  return o.flags && std::any_of(s.view.flag_changes.begin(), s.view.flag_changes.end(),
                                [&](std::uint32_t uid) { return s.view.expunged.count(uid) == 0; });
}

void open_view(State& st, Session& s, Mailbox& mb, bool read_only) {
  s.selected = mb.id;
  s.read_only = read_only;
  s.state = SessionState::Selected;
  s.view = View{};
  s.view.uids = mb.live;
  s.view.told_max_uid = mb.uidnext - 1;
  s.view.keywords_told = mb.keywords.size();
  // Bug zoo examine-claims-recent: EXAMINE takes the \Recent messages too (FLG-4; RFC 3501 §6.3.2).
  const bool claims = !read_only || bug_on(st, Bug::ExamineClaimsRecent);
  if (claims && mb.recent_floor < mb.uidnext) {
    s.view.recent.emplace_back(mb.recent_floor, mb.uidnext);
    mb.recent_floor = mb.uidnext;
  }
  s.view.recent_told = recent_count(s);
  (void)st;
}

void close_view(State& st, Session& s) {
  const std::optional<MailboxId> was = s.selected;
  // Bug zoo ghost-refcount-off-by-one: leaving a deleted mailbox drops its holder count twice (MBX-2).
  if (was && bug_on(st, Bug::GhostRefcountOffByOne)) {
    if (Mailbox* mb = mailbox_by_id(st, *was); mb != nullptr && mb->deleted) ++mb->ghost_extra_releases;
  }
  s.selected.reset();
  s.view = View{};
  s.read_only = false;
  if (s.state == SessionState::Selected) s.state = SessionState::Authenticated;
  if (was) release_if_unheld(st, *was);
}

proto::Response number_response(proto::NumberData::Kind kind, std::uint32_t n) {
  proto::Response r;
  r.body = proto::NumberData{kind, n};
  return r;
}

std::vector<std::string> mailbox_flags(const Mailbox& mb) {
  std::vector<std::string> flags = {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"};
  flags.insert(flags.end(), mb.keywords.begin(), mb.keywords.end());
  return flags;
}

proto::Response flags_response(const Mailbox& mb) {
  proto::Response r;
  r.body = proto::AtomsData{proto::AtomsData::Kind::Flags, mailbox_flags(mb)};
  return r;
}

}  // namespace imaplab::model
