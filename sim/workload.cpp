// Command generation for client agents (see workload.hpp): which command comes next, with which arguments,
// chosen with the caller's Rng from the run's CommandMix and what the agent was told about its session.
#include "sim/workload.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>

namespace imaplab::sim {
namespace {

using proto::Command;
using proto::CommandKind;
using proto::FetchAtt;
using proto::SearchKey;
using proto::SeqRange;
using proto::SequenceSet;

// Shape of generated arguments; probabilities are per generated command unless said otherwise.
constexpr double out_of_range_chance = 0.02;      // a sequence set past the end (the server answers BAD/NO)
constexpr double wide_set_chance = 0.25;          // "1:*" / "n:*" (cheap attributes only)
constexpr std::uint32_t range_span_max = 8;       // messages in one generated range
// A wide set ends at "*" and starts within this many messages of the end, as a syncing client's "UID FETCH n:*"
// of what is new does: on a small mailbox it is "1:*", on a 1,000-message one it does not answer a thousand
// messages for every such command (races need messages others touch, not more of them).
constexpr std::uint32_t wide_span_max = 64;
constexpr std::uint32_t out_of_range_slack = 5;   // how far past the end an out-of-range number lies
constexpr int search_depth_max = 2;               // nesting of NOT / OR / parenthesized keys
constexpr std::size_t appended_dates_max = 8;     // recent APPEND dates kept for SINCE/BEFORE/ON keys
constexpr double appended_date_chance = 0.8;      // a date key takes such a date (its boundary day)
constexpr std::size_t internal_date_kinds = 3;    // SINCE, BEFORE, ON: the first date keys, on INTERNALDATE
constexpr double top_date_key_chance = 0.25;      // a top-level SEARCH key is a date key (boundary days)
constexpr std::size_t appended_sizes_max = 8;     // recent APPEND sizes kept for LARGER/SMALLER keys
constexpr double appended_size_chance = 0.75;     // a size key takes such a size, or one off (its boundary)
constexpr double header_only_word_chance = 0.25;  // a text key searches a word only headers hold
constexpr std::uint32_t scratch_names_count = 3;  // this client's own mailboxes, "c<id>-tmp<k>"
constexpr std::size_t message_header_bytes = 320; // room the generated header takes, roughly
constexpr std::uint64_t partial_origin_max_octets = 600;  // BODY.PEEK[...]<o.l>: o below this
constexpr std::uint64_t partial_length_max_octets = 200;  // and l at most this
constexpr std::size_t message_line_chars = 72;    // body line length, below RFC 5322's 78
constexpr std::uint32_t empty_view_divisor = 8;   // sequence-number commands on an empty view: rarer
// ACC-4: CLOSE/UNSELECT with nothing selected now and then, which the server must refuse (RFC 3501 §6.4).
constexpr std::uint32_t unselected_close_divisor = 4;
// Races the checkers look for (FLG-3, MBX-4, MBX-5) need clients to meet on the same message or name.
constexpr double hot_store_chance = 0.25;         // STORE +FLAGS of one flag on the first message
constexpr double shared_child_chance = 0.15;      // a scratch name under a configured mailbox ("work/sub")
constexpr double sibling_chance = 0.3;            // a scratch name extending a configured one ("work2")
constexpr double rename_inbox_chance = 0.04;      // RENAME INBOX (RFC 3501 §6.3.5: moves its messages)
constexpr double child_select_chance = 0.08;      // SELECT/EXAMINE of such a child
// MOD-2: an explicit ENABLE CONDSTORE (RFC 5161) instead of a NOOP, while CONDSTORE is not on yet.
constexpr double enable_condstore_chance = 0.3;
// ACC-2 needs one user's rights on a shared mailbox to go away and come back while others work in it.
constexpr double acl_query_chance = 0.15;         // GETACL/MYRIGHTS/LISTRIGHTS even when peers are known
constexpr double acl_known_mailbox_chance = 0.7;  // the ACL op picks a mailbox whose peers it knows
constexpr double acl_watch_shared_chance = 0.5;   // NOTIFY SET in such runs adds SUBTREE of the shared root
constexpr std::size_t acl_peers_max = 8;          // identifiers remembered per mailbox
constexpr std::size_t acl_mailboxes_max = 16;     // mailboxes whose ACL peers are remembered
// ACC-3 needs a user to lack 'i' or 'e' and then COPY into / EXPUNGE in that mailbox. A user's rights are its
// own entry plus "anyone"'s (RFC 4314 §2), so a revocation of such a right from a named user is followed by
// the same for "anyone"; and now and then a client takes such a right from its own user and tries it.
constexpr double acl_self_revoke_chance = 0.15;      // a SETACL/DELETEACL op starts such a probe instead
constexpr std::uint32_t acl_followup_weight = 20;    // ACL weight while queued SETACLs wait (mix sums ~70)
constexpr std::uint32_t acl_probe_boost = 4;         // weight factor of the commands a probe tries
constexpr double acl_probe_target_chance = 0.6;      // such a COPY/MOVE or SELECT names the probed mailbox
constexpr std::uint32_t acl_probe_tries = 2;         // commands needing the right before it is given back
constexpr std::uint32_t acl_probe_patience_commands = 40;  // or this many commands of any kind
// ACC-6: a right probe of kind 'w' takes the shared flag rights and 'e' ("swte") and SELECTs with 'i' alone,
// which RFC 4314 §5.2 answers READ-WRITE.
constexpr const char* acl_probe_change_rights = "swte";
// ACC-3's 'a' half: a client whose ACL op finds no known peers (it may lack 'a' and so never read the ACL) now
// and then tries to change a shared mailbox's ACL anyway, for an identifier that is no user.
constexpr double acl_blind_change_chance = 0.3;
constexpr const char* acl_guest_identifier = "guest";
// LST-2 (RFC 5258 §4): a child of a shared mailbox that the other users may not look up, so a visible parent
// has an invisible child. CREATE "shared/boxN/sub", then take 'l' from "anyone" and every known peer.
constexpr double acl_hide_child_chance = 0.1;

constexpr std::array<const char*, 9> flag_vocabulary = {
    "\\Seen", "\\Flagged", "\\Answered", "\\Deleted", "\\Draft", "$Forwarded", "$Label1", "$Junk", "Work"};
constexpr std::array<std::uint32_t, 9> flag_weights = {20, 15, 8, 25, 4, 8, 8, 6, 6};
constexpr std::array<const char*, 12> words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                                               "golf", "hotel", "india", "juliet", "kilo", "lima"};

std::string number_string(std::uint64_t n) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, n);
  return std::string(buf, res.ptr);
}

SequenceSet single(std::uint32_t first, std::uint32_t last) {
  SequenceSet set;
  set.ranges.push_back(SeqRange{first, last});
  return set;
}

FetchAtt att(FetchAtt::Kind kind) {
  FetchAtt a;
  a.kind = kind;
  return a;
}

FetchAtt section_att(proto::Section::Text text, bool peek, std::vector<std::uint32_t> part = {}) {
  FetchAtt a;
  a.kind = FetchAtt::Kind::BodySection;
  a.peek = peek;
  a.section.text = text;
  a.section.part = std::move(part);
  return a;
}

SearchKey key(SearchKey::Kind kind) {
  SearchKey k;
  k.kind = kind;
  return k;
}

proto::Date random_date(Rng& rng) {
  return proto::Date{static_cast<int>(1995 + rng.below(40)), static_cast<int>(1 + rng.below(12)),
                     static_cast<int>(1 + rng.below(28))};
}

proto::DateTime random_date_time(Rng& rng) {
  static constexpr std::array<int, 5> zones = {0, 60, -480, 330, -300};
  proto::DateTime dt;
  dt.date = random_date(rng);
  dt.hour = static_cast<int>(rng.below(24));
  dt.minute = static_cast<int>(rng.below(60));
  dt.second = static_cast<int>(rng.below(60));
  dt.zone_minutes = zones[rng.below(zones.size())];
  return dt;
}

const char* word(Rng& rng) { return words[rng.below(words.size())]; }

Command command(CommandKind kind, proto::CommandArgs args = proto::NoArgs{}, bool uid = false) {
  Command c;
  c.kind = kind;
  c.uid = uid;
  c.args = std::move(args);
  return c;
}

bool search_keys_use_numbers(const std::vector<SearchKey>& keys) {
  return std::any_of(keys.begin(), keys.end(), [](const SearchKey& k) {
    return k.kind == SearchKey::Kind::SequenceSet || search_keys_use_numbers(k.children);
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Classification (RFC 3501 §5.5)

PipelineClass pipeline_class(const Command& c) {
  switch (c.kind) {
    case CommandKind::Select: case CommandKind::Examine: case CommandKind::Close: case CommandKind::Unselect:
    case CommandKind::Idle: case CommandKind::Notify: case CommandKind::Logout: case CommandKind::Login:
    case CommandKind::Authenticate: case CommandKind::Enable: case CommandKind::StartTls:
      return PipelineClass::Exclusive;
    case CommandKind::Expunge: case CommandKind::UidExpunge: case CommandKind::Copy: case CommandKind::Move:
    case CommandKind::Create: case CommandKind::Delete: case CommandKind::Rename: case CommandKind::SetAcl:
    case CommandKind::DeleteAcl:
      return PipelineClass::Barrier;
    default:
      return PipelineClass::Free;
  }
}

bool uses_sequence_numbers(const Command& c) {
  switch (c.kind) {
    case CommandKind::Fetch: case CommandKind::Store: case CommandKind::Copy: case CommandKind::Move:
      return !c.uid;
    case CommandKind::Search: {
      if (!c.uid) return true;
      const auto* args = std::get_if<proto::SearchArgs>(&c.args);
      return args != nullptr && search_keys_use_numbers(args->keys);
    }
    default:
      return false;
  }
}

bool forbids_expunge(const Command& c) {
  return !c.uid && (c.kind == CommandKind::Fetch || c.kind == CommandKind::Store ||
                    c.kind == CommandKind::Search);
}

bool notify_expunges_selected(const Command& c) {
  const auto* args = std::get_if<proto::NotifyArgs>(&c.args);
  if (c.kind != CommandKind::Notify || args == nullptr || args->mode == proto::NotifyArgs::Mode::None) {
    return false;
  }
  for (const proto::NotifyEventGroup& g : args->groups) {
    if (g.filter.kind != proto::NotifyFilter::Kind::Selected || !g.events) continue;
    for (const proto::NotifyEvent& e : *g.events) {
      if (e.kind == proto::NotifyEventKind::MessageExpunge) return true;
    }
  }
  return false;
}

std::uint32_t flag_bit(std::string_view flag) {
  static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 6> system = {{
      {"\\Seen", flag_bits::seen}, {"\\Answered", flag_bits::answered}, {"\\Flagged", flag_bits::flagged},
      {"\\Deleted", flag_bits::deleted}, {"\\Draft", flag_bits::draft}, {"\\Recent", flag_bits::recent}}};
  for (const auto& [name, bit] : system) {
    if (flag.size() == name.size() &&
        std::equal(flag.begin(), flag.end(), name.begin(), [](char a, char b) {
          return (a | 0x20) == (b | 0x20);
        })) {
      return bit;
    }
  }
  for (std::size_t i = 5; i < flag_vocabulary.size(); ++i) {
    if (flag == flag_vocabulary[i]) return 1u << (i + 1);
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Choosing the operation

Workload::Workload(const AgentConfig& config)
    : id_(config.id), user_(config.user), mix_(config.mix), message_bytes_max_(config.message_bytes_max),
      mailboxes_(config.mailboxes) {
  if (mailboxes_.empty()) mailboxes_.push_back("INBOX");
  for (std::uint32_t k = 0; k < scratch_names_count; ++k) {
    scratch_.push_back("c" + number_string(id_) + "-tmp" + number_string(k));
  }
  weights_.reserve(OpCount);
}

void Workload::fill_weights(const WorkloadView& v, SendWindow w, Weights& out) const {
  out.fill(0);
  const bool selected = v.phase == WorkloadView::Phase::Selected;
  const bool empty = v.uids == nullptr || v.uids->empty();
  const auto numbered = [&](std::uint32_t weight) {
    if (!w.sequence_numbers) return 0u;
    return empty ? weight / empty_view_divisor : weight;
  };
  if (w.exclusive) {
    out[Select] = mix_.select;
    out[Examine] = mix_.examine;
    out[Logout] = mix_.logout;
    out[Idle] = v.cap_idle ? mix_.idle : 0;
    out[Notify] = v.cap_notify ? mix_.notify : 0;
    if (selected) out[Close] = mix_.close;
    else if (mix_.close > 0) out[Close] = std::max(mix_.close / unselected_close_divisor, 1u);
  }
  out[Append] = mix_.append;
  out[Create] = mix_.create;
  out[Delete] = mix_.del;
  out[Rename] = mix_.rename;
  out[Subscribe] = mix_.subscribe;
  out[List] = mix_.list;
  out[Status] = mix_.status;
  out[Noop] = mix_.noop;
  out[Acl] = acl_followups_.empty() ? mix_.acl : std::max(mix_.acl, acl_followup_weight);
  if (!selected) return;
  // NTF-6: after asking for immediate expunges the sequence-number forms become their UID forms.
  out[Fetch] = v.uid_only ? 0 : numbered(mix_.fetch);
  out[UidFetch] = mix_.uid_fetch + (v.uid_only ? mix_.fetch : 0);
  out[Store] = v.uid_only ? 0 : numbered(mix_.store);
  out[UidStore] = mix_.uid_store + (v.uid_only ? mix_.store : 0);
  out[Search] = mix_.search;
  out[Copy] = empty ? mix_.copy / empty_view_divisor : mix_.copy;
  out[Move] = v.cap_move ? (empty ? mix_.move / empty_view_divisor : mix_.move) : 0;
  out[Expunge] = mix_.expunge;
  out[UidExpunge] = v.cap_uidplus ? mix_.uid_expunge : 0;
  out[Check] = mix_.check;
}

bool Workload::can_generate(const WorkloadView& view, SendWindow window) const {
  Weights weights;
  fill_weights(view, window, weights);
  return std::any_of(weights.begin(), weights.end(), [](std::uint32_t x) { return x > 0; });
}

std::optional<Command> Workload::generate(const WorkloadView& view, SendWindow window, Rng& rng) {
  Weights weights;
  fill_weights(view, window, weights);
  if (std::none_of(weights.begin(), weights.end(), [](std::uint32_t x) { return x > 0; })) {
    return std::nullopt;
  }
  if (right_probe_ && right_probe_->armed) boost_right_probe(view, window, weights);  // only multiplies
  weights_.assign(weights.begin(), weights.end());
  Command c = build(static_cast<Op>(rng.weighted(weights_)), view, window, rng);
  if (right_probe_) track_right_probe(c, view);
  return c;
}

Command Workload::fetch_new_uids(std::uint32_t first_uid) {
  proto::FetchArgs a;
  a.set = single(std::max<std::uint32_t>(first_uid, 1), proto::seq_star);
  a.atts = {att(FetchAtt::Kind::Uid), att(FetchAtt::Kind::Flags)};
  a.atts_parenthesized = true;
  return command(CommandKind::Fetch, std::move(a), /*uid=*/true);
}

Command Workload::build(Op op, const WorkloadView& v, SendWindow w, Rng& rng) {
  // COPY, MOVE and SEARCH carry no separate UID weight: the window and NTF-6 decide the form.
  const bool may_number = w.sequence_numbers && !v.uid_only;
  switch (op) {
    case Select:
    case Examine: {
      proto::MailboxArgs a;
      a.mailbox = rng.chance(0.85) ? current_name(mailboxes_[rng.below(mailboxes_.size())]) : pick_mailbox(rng);
      // Holding a child while another client renames its parent (MBX-4).
      if (delimiter_ && rng.chance(child_select_chance)) a.mailbox = child_of_configured(rng).value_or(a.mailbox);
      // ACC-3: a fresh SELECT of the mailbox whose 'e' this client took away (RFC 4314 §5.1.1 lets a server
      // keep the rights of an earlier SELECT); ACC-6: of the mailbox where it kept only 'i'.
      if (op == Select && right_probe_ && right_probe_->armed &&
          (right_probe_->right == 'e' || right_probe_->right == 'w') && rng.chance(acl_probe_target_chance)) {
        a.mailbox = right_probe_->mailbox;
      }
      a.condstore = v.cap_condstore && rng.chance(0.4);
      return command(op == Select ? CommandKind::Select : CommandKind::Examine, std::move(a));
    }
    case Fetch: return make_fetch(v, false, rng);
    case UidFetch: return make_fetch(v, true, rng);
    case Store: return make_store(v, false, rng);
    case UidStore: return make_store(v, true, rng);
    case Search: return make_search(v, !may_number || rng.chance(0.5), may_number, rng);
    case Copy: return make_copy(v, !may_number || rng.chance(0.5), false, rng);
    case Move: return make_copy(v, !may_number || rng.chance(0.5), true, rng);
    case Append: return make_append(v, rng);
    case Expunge: return command(CommandKind::Expunge);
    case UidExpunge: {
      proto::SetArgs a{rng.chance(0.6) ? deleted_uids(v) : SequenceSet{}};
      if (a.set.ranges.empty()) a.set = uid_set(v, false, rng);
      return command(CommandKind::UidExpunge, std::move(a), /*uid=*/true);
    }
    case Close:
      return command(v.cap_unselect && rng.chance(0.4) ? CommandKind::Unselect : CommandKind::Close);
    case Create: {
      proto::MailboxArgs a;
      a.mailbox = rng.chance(0.7) ? pick_scratch(rng) : current_name(mailboxes_[rng.below(mailboxes_.size())]);
      return command(CommandKind::Create, std::move(a));
    }
    case Delete: {
      // Never the selected mailbox itself: RFC 3501 §6.3.4 leaves open whether the deleting session stays
      // selected, so the agent could not know its own state. Other sessions deleting it is the case RFC 2180
      // §3 is about, and other agents do that.
      proto::MailboxArgs a;
      a.mailbox = pick_deletable(rng);
      if (v.phase == WorkloadView::Phase::Selected && a.mailbox == v.selected) a.mailbox = pick_scratch(rng);
      return command(CommandKind::Delete, std::move(a));
    }
    case Rename: return make_rename(rng);
    case Subscribe: {
      proto::MailboxArgs a;
      a.mailbox = pick_mailbox(rng);
      return command(rng.chance(0.6) ? CommandKind::Subscribe : CommandKind::Unsubscribe, std::move(a));
    }
    case List: return make_list(v, rng);
    case Status: return make_status(v, rng);
    case Noop:
      // ENABLE is exclusive (pipeline_class): only where a SELECT could go too.
      if (w.exclusive && v.cap_condstore && !v.condstore_enabled && rng.chance(enable_condstore_chance)) {
        return command(CommandKind::Enable, proto::EnableArgs{{"CONDSTORE"}});
      }
      return command(CommandKind::Noop);
    case Check: return command(CommandKind::Check);
    case Idle: return command(CommandKind::Idle);
    case Notify: return make_notify(v, rng);
    case Logout: return command(CommandKind::Logout);
    case Acl: return make_acl(rng);
    case OpCount: break;
  }
  return command(CommandKind::Noop);
}

// ---------------------------------------------------------------------------------------------------------
// Sequence sets

SequenceSet Workload::msn_set(std::size_t count, bool wide, Rng& rng) const {
  const auto n = static_cast<std::uint32_t>(count);
  if (n == 0 || rng.chance(out_of_range_chance)) {
    // Past the end: "*" or numbers above the count in an empty view, count+1.. otherwise.
    if (n == 0 && rng.chance(0.3)) return single(proto::seq_star, proto::seq_star);
    const std::uint32_t past = n + 1 + static_cast<std::uint32_t>(rng.below(out_of_range_slack));
    return rng.chance(0.5) ? single(past, past) : single(std::max<std::uint32_t>(n, 1), past);
  }
  if (wide) {
    const std::uint32_t floor = n > wide_span_max ? n - wide_span_max : 0;
    return rng.chance(0.5) ? single(floor + 1, proto::seq_star)
                           : single(floor + 1 + static_cast<std::uint32_t>(rng.below(n - floor)), proto::seq_star);
  }
  SequenceSet set;
  const std::uint64_t elements = rng.chance(0.7) ? 1 : 2 + rng.below(2);
  for (std::uint64_t i = 0; i < elements; ++i) {
    const std::uint32_t a = 1 + static_cast<std::uint32_t>(rng.below(n));
    if (rng.chance(0.12)) {
      set.ranges.push_back(SeqRange{proto::seq_star, proto::seq_star});
    } else if (rng.chance(0.5)) {
      set.ranges.push_back(SeqRange{a, a});
    } else {
      const std::uint32_t b = std::min(n, a + static_cast<std::uint32_t>(rng.below(range_span_max)));
      set.ranges.push_back(rng.chance(0.2) ? SeqRange{b, a} : SeqRange{a, b});
    }
  }
  return set;
}

SequenceSet Workload::uid_set(const WorkloadView& v, bool wide, Rng& rng) const {
  const std::vector<std::uint32_t>& uids = *v.uids;
  if (wide || uids.empty()) {
    const std::size_t floor = uids.size() > wide_span_max ? uids.size() - wide_span_max : 0;
    const std::uint32_t first = std::max<std::uint32_t>(floor > 0 ? uids[floor] : 1, 1);  // 0: UID not known
    if (uids.empty() || uids.back() == 0 || rng.chance(0.5)) return single(first, proto::seq_star);
    return single(std::max<std::uint32_t>(uids[floor + rng.below(uids.size() - floor)], 1), proto::seq_star);
  }
  SequenceSet set;
  const std::uint64_t elements = rng.chance(0.7) ? 1 : 2 + rng.below(2);
  for (std::uint64_t i = 0; i < elements; ++i) {
    const std::size_t at = rng.below(uids.size());
    std::uint32_t a = uids[at];
    if (a == 0 || rng.chance(0.1)) {
      // An unknown or made-up UID: RFC 3501 §6.4.8 says non-existent UIDs are ignored (SEQ-11).
      a = 1 + static_cast<std::uint32_t>(rng.below(std::max<std::uint32_t>(v.uidnext, 1) + 2));
    }
    if (rng.chance(0.5)) {
      set.ranges.push_back(SeqRange{a, a});
      continue;
    }
    const std::size_t to = std::min(uids.size() - 1, at + rng.below(range_span_max));
    const std::uint32_t b = std::max(a, uids[to]);
    set.ranges.push_back(rng.chance(0.1) ? SeqRange{a, proto::seq_star} : SeqRange{a, b});
  }
  return set;
}

// The known UIDs of messages the agent was told carry \Deleted (RFC 4315 §2.1: what UID EXPUNGE is for).
SequenceSet Workload::deleted_uids(const WorkloadView& v) {
  constexpr std::size_t uids_max = 5;
  SequenceSet set;
  for (std::size_t i = 0; i < v.uids->size() && set.ranges.size() < uids_max; ++i) {
    const std::uint32_t uid = (*v.uids)[i];
    if (uid != 0 && ((*v.flags)[i] & flag_bits::deleted) != 0) set.ranges.push_back(SeqRange{uid, uid});
  }
  return set;
}

// ---------------------------------------------------------------------------------------------------------
// FETCH, STORE, SEARCH, COPY/MOVE

std::vector<FetchAtt> Workload::fetch_atts(const WorkloadView& v, bool cheap, Rng& rng) const {
  using K = FetchAtt::Kind;
  using T = proto::Section::Text;
  std::vector<FetchAtt> atts;
  const std::uint64_t count = 1 + rng.below(4);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t pick = rng.below(cheap ? 5 : 17);
    switch (pick) {
      case 0: atts.push_back(att(K::Flags)); break;
      case 1: atts.push_back(att(K::Uid)); break;
      case 2: atts.push_back(att(K::Rfc822Size)); break;
      case 3: atts.push_back(att(K::InternalDate)); break;
      case 4: {
        // FETCH MODSEQ is itself a CONDSTORE enabling command (RFC 4551 §3), so it is sent now and then before
        // any other enabling (MOD-2).
        const bool modseq = v.condstore_enabled || (v.cap_condstore && rng.chance(0.3));
        atts.push_back(att(modseq ? K::ModSeq : K::Flags));
        break;
      }
      case 5: atts.push_back(att(K::Envelope)); break;
      case 6: atts.push_back(att(K::BodyStructure)); break;
      case 7: atts.push_back(att(K::Body)); break;
      case 8: {
        FetchAtt a = section_att(T::HeaderFields, true);
        a.section.fields = {"FROM", "SUBJECT", "DATE", "MESSAGE-ID"};
        if (rng.chance(0.3)) a.section.fields.resize(1 + rng.below(3));
        atts.push_back(std::move(a));
        break;
      }
      case 9: atts.push_back(section_att(T::None, rng.chance(0.7))); break;  // BODY[] sets \Seen unless PEEK
      case 10: {
        // Mostly <0.100> of the text; sometimes a partial of the whole message or the text from a random
        // origin, so "<partial>" is checked as the substring from octet o (RFC 3501 §6.4.5, SEQ-9).
        const bool random_origin = rng.chance(0.3);
        FetchAtt a = section_att(random_origin && rng.chance(0.5) ? T::None : T::Text, true);
        a.partial = random_origin ? proto::Partial{static_cast<std::uint32_t>(rng.below(partial_origin_max_octets)),
                                                   static_cast<std::uint32_t>(1 + rng.below(partial_length_max_octets))}
                                  : proto::Partial{0, 100};
        atts.push_back(std::move(a));
        break;
      }
      case 11: atts.push_back(section_att(T::Header, true)); break;
      case 12: atts.push_back(att(K::Rfc822Header)); break;
      case 13: atts.push_back(section_att(T::None, true, {1})); break;
      case 14: atts.push_back(section_att(T::Mime, true, {1})); break;
      case 15: {
        FetchAtt a = section_att(T::HeaderFieldsNot, true);
        a.section.fields = {"RECEIVED"};
        atts.push_back(std::move(a));
        break;
      }
      default: atts.push_back(att(rng.chance(0.5) ? K::Rfc822Text : K::Rfc822)); break;
    }
    // Asking twice for one item is legal but says nothing new.
    if (std::find(atts.begin(), atts.end() - 1, atts.back()) != atts.end() - 1) atts.pop_back();
  }
  return atts;
}

Command Workload::make_fetch(const WorkloadView& v, bool uid, Rng& rng) {
  proto::FetchArgs a;
  const bool wide = rng.chance(wide_set_chance);
  a.set = uid ? uid_set(v, wide, rng) : msn_set(v.uids->size(), wide, rng);
  if (!wide && rng.chance(0.08)) {
    static constexpr std::array<proto::FetchMacro, 3> macros = {proto::FetchMacro::All, proto::FetchMacro::Fast,
                                                                proto::FetchMacro::Full};
    a.macro = macros[rng.below(macros.size())];
  } else {
    a.atts = fetch_atts(v, wide, rng);
    a.atts_parenthesized = a.atts.size() != 1 || rng.chance(0.5);
  }
  if (v.condstore_enabled && rng.chance(0.1)) {
    a.changed_since = v.highest_modseq > 2 ? v.highest_modseq - 1 - rng.below(2) : 1;
  }
  return command(CommandKind::Fetch, std::move(a), uid);
}

std::vector<std::string> Workload::some_flags(Rng& rng) const {
  static const std::vector<std::uint32_t> weights(flag_weights.begin(), flag_weights.end());
  std::vector<std::string> flags;
  const std::uint64_t count = rng.chance(0.75) ? 1 : 2;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string f = flag_vocabulary[rng.weighted(weights)];
    if (std::find(flags.begin(), flags.end(), f) == flags.end()) flags.push_back(std::move(f));
  }
  return flags;
}

Command Workload::make_store(const WorkloadView& v, bool uid, Rng& rng) {
  proto::StoreArgs a;
  // Several clients adding different flags to the same message: flag updates must be atomic (FLG-3).
  if (!v.uids->empty() && (!uid || v.uids->front() != 0) && rng.chance(hot_store_chance)) {
    a.set = uid ? single(v.uids->front(), v.uids->front()) : single(1, 1);
    a.mode = proto::StoreMode::Add;
    a.silent = rng.chance(0.5);
    a.flags = {flag_vocabulary[rng.below(flag_vocabulary.size())]};
    a.flags_parenthesized = true;
    return command(CommandKind::Store, std::move(a), uid);
  }
  a.set = uid ? uid_set(v, rng.chance(0.1), rng) : msn_set(v.uids->size(), rng.chance(0.1), rng);
  const std::uint64_t mode = rng.below(20);
  a.mode = mode < 10 ? proto::StoreMode::Add : mode < 17 ? proto::StoreMode::Remove : proto::StoreMode::Replace;
  a.silent = rng.chance(0.3);
  if (!(a.mode == proto::StoreMode::Replace && rng.chance(0.1))) a.flags = some_flags(rng);
  a.flags_parenthesized = a.flags.empty() || rng.chance(0.85);
  if (v.condstore_enabled && rng.chance(0.2)) {
    a.unchanged_since = v.highest_modseq > 1 ? v.highest_modseq - rng.below(2) : 1;
  }
  return command(CommandKind::Store, std::move(a), uid);
}

SearchKey Workload::search_key(const WorkloadView& v, bool uid, bool sequence_numbers, int depth,
                               Rng& rng) const {
  using K = SearchKey::Kind;
  static constexpr std::array<K, 13> simple = {K::All, K::Seen, K::Unseen, K::Deleted, K::Undeleted,
                                               K::Flagged, K::Unflagged, K::Answered, K::New, K::Old,
                                               K::Recent, K::Draft, K::Undraft};
  // 16 (a second chance of a date key) only at the top level, where a boundary date is not negated away.
  const std::uint64_t pick = depth == 0 && !appended_dates_.empty() && rng.chance(top_date_key_chance) ? 16
                             : rng.below(depth < search_depth_max ? 16 : 13);
  switch (pick) {
    case 0: case 1: case 2: case 3: return key(simple[rng.below(simple.size())]);
    case 4: {
      SearchKey k = key(rng.chance(0.7) ? K::Keyword : K::Unkeyword);
      k.value = rng.chance(0.5) ? "$Label1" : "Work";
      return k;
    }
    case 5: {
      SearchKey k = key(rng.chance(0.5) ? K::Larger : K::Smaller);
      // RFC 3501 §6.4.4: LARGER/SMALLER are strict; a known size, or one off, hits the boundary.
      if (!appended_sizes_.empty() && rng.chance(appended_size_chance)) {
        // The size itself two times in three (LARGER n / SMALLER n must leave out a message of exactly n),
        // else one above or one below.
        const std::uint64_t pick = rng.below(6);
        k.number = appended_sizes_[rng.below(appended_sizes_.size())];
        if (pick == 4) ++k.number;
        if (pick == 5) --k.number;
      } else {
        k.number = rng.below(message_bytes_max_ + 1);
      }
      return k;
    }
    case 6: {
      static constexpr std::array<K, 5> texts = {K::Subject, K::From, K::Body, K::Text, K::To};
      SearchKey k = key(texts[rng.below(texts.size())]);
      // "example" is in every generated From:/To: and in no body: BODY must not match it (RFC 3501 §6.4.4).
      k.value = rng.chance(header_only_word_chance) ? "example" : word(rng);
      return k;
    }
    case 7: {
      SearchKey k = key(K::Header);
      k.field = "Message-ID";
      k.value = "c" + number_string(1 + rng.below(4));
      return k;
    }
    case 8: case 16: {
      static constexpr std::array<K, 6> dates = {K::Since, K::Before, K::On, K::SentSince, K::SentBefore,
                                                 K::SentOn};
      // The day of a message this agent appended hits SINCE/BEFORE/ON's boundary (RFC 3501 §6.4.4).
      const bool boundary = !appended_dates_.empty() && rng.chance(appended_date_chance);
      SearchKey k = key(dates[rng.below(boundary ? internal_date_kinds : dates.size())]);
      k.date = boundary ? appended_dates_[rng.below(appended_dates_.size())] : random_date(rng);
      return k;
    }
    case 9: case 10: {
      if (sequence_numbers && rng.chance(0.5)) {
        SearchKey k = key(K::SequenceSet);
        k.set = msn_set(v.uids->size(), rng.chance(0.2), rng);
        return k;
      }
      SearchKey k = key(K::Uid);
      k.set = uid_set(v, rng.chance(0.2), rng);
      return k;
    }
    case 11:
      if (v.condstore_enabled) {
        SearchKey k = key(K::ModSeq);
        k.number = 1 + rng.below(v.highest_modseq + 1);
        return k;
      }
      return key(K::Undeleted);
    case 12: return key(uid ? K::All : K::Unseen);
    case 13: {
      SearchKey k = key(K::Not);
      k.children.push_back(search_key(v, uid, sequence_numbers, depth + 1, rng));
      return k;
    }
    case 14: {
      SearchKey k = key(K::Or);
      k.children.push_back(search_key(v, uid, sequence_numbers, depth + 1, rng));
      k.children.push_back(search_key(v, uid, sequence_numbers, depth + 1, rng));
      return k;
    }
    default: {
      SearchKey k = key(K::And);
      const std::uint64_t n = 1 + rng.below(2);
      for (std::uint64_t i = 0; i < n; ++i) {
        k.children.push_back(search_key(v, uid, sequence_numbers, depth + 1, rng));
      }
      return k;
    }
  }
}

Command Workload::make_search(const WorkloadView& v, bool uid, bool sequence_numbers, Rng& rng) {
  proto::SearchArgs a;
  const std::uint64_t n = 1 + rng.below(3);
  for (std::uint64_t i = 0; i < n; ++i) a.keys.push_back(search_key(v, uid, sequence_numbers, 0, rng));
  return command(CommandKind::Search, std::move(a), uid);
}

Command Workload::make_copy(const WorkloadView& v, bool uid, bool move, Rng& rng) {
  proto::CopyArgs a;
  a.set = uid ? uid_set(v, rng.chance(0.05), rng) : msn_set(v.uids->size(), rng.chance(0.05), rng);
  a.mailbox = pick_mailbox(rng);
  // ACC-3: into the mailbox whose 'i' this client took away.
  if (right_probe_ && right_probe_->armed && right_probe_->right == 'i' && rng.chance(acl_probe_target_chance)) {
    a.mailbox = right_probe_->mailbox;
  }
  return command(move ? CommandKind::Move : CommandKind::Copy, std::move(a), uid);
}

// ---------------------------------------------------------------------------------------------------------
// APPEND

std::string Workload::make_message(Rng& rng) {
  ++messages_made_;
  const std::string id = number_string(id_);
  std::string m;
  const std::size_t max = std::max<std::size_t>(message_bytes_max_, message_header_bytes + 2);
  // Mostly small messages, sometimes up to the configured maximum.
  const std::size_t body_max = max - message_header_bytes;
  const std::size_t body = rng.chance(0.8) ? rng.below(std::min<std::size_t>(body_max, 400) + 1)
                                            : rng.below(body_max + 1);
  m.reserve(message_header_bytes + body + 2);
  m += "From: Client ";
  m += id;
  m += " <c";
  m += id;
  m += "@example.org>\r\nTo: team@example.org\r\nSubject: ";
  m += word(rng);
  m += ' ';
  m += word(rng);
  m += ' ';
  m += number_string(messages_made_);
  m += "\r\nDate: ";
  static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const proto::Date d = random_date(rng);
  m += number_string(static_cast<std::uint64_t>(d.day));
  m += ' ';
  m += months[static_cast<std::size_t>(d.month - 1)];
  m += ' ';
  m += number_string(static_cast<std::uint64_t>(d.year));
  m += " 12:00:00 +0000\r\nMessage-ID: <c";
  m += id;
  m += '.';
  m += number_string(messages_made_);
  m += '.';
  m += number_string(rng.next() & 0xffffffffu);
  m += "@imaplab>\r\nMIME-Version: 1.0\r\n";
  const bool multipart = rng.chance(0.2);
  if (multipart) {
    m += "Content-Type: multipart/mixed; boundary=\"b-imaplab\"\r\n\r\n--b-imaplab\r\n"
         "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  } else {
    m += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  }
  std::size_t written = 0;
  std::size_t line = 0;
  while (written < body) {
    const char* w = word(rng);
    const std::size_t len = std::char_traits<char>::length(w);
    if (line + len + 1 > message_line_chars) {
      m += "\r\n";
      written += 2;
      line = 0;
    }
    m += w;
    m += ' ';
    line += len + 1;
    written += len + 1;
  }
  m += "\r\n";
  if (multipart) {
    m += "--b-imaplab\r\nContent-Type: text/plain; name=\"note.txt\"\r\n\r\nattached ";
    m += word(rng);
    m += "\r\n--b-imaplab--\r\n";
  }
  if (m.size() > max) {
    // Cut back to a line end, so the message stays well formed within message_bytes_max.
    const std::size_t cut = m.rfind("\r\n", max - 2);
    m.resize(cut == std::string::npos ? max : cut + 2);
  }
  return m;
}

Command Workload::make_append(const WorkloadView& v, Rng& rng) {
  proto::AppendArgs a;
  const bool to_selected = v.phase == WorkloadView::Phase::Selected && rng.chance(0.5);
  a.mailbox = to_selected ? std::string(v.selected) : pick_mailbox(rng);
  if (rng.chance(0.3)) a.flags = some_flags(rng);
  if (rng.chance(0.3)) {
    a.date = random_date_time(rng);
    if (appended_dates_.size() >= appended_dates_max) appended_dates_.erase(appended_dates_.begin());
    appended_dates_.push_back(a.date->date);
  }
  a.message = make_message(rng);
  if (appended_sizes_.size() >= appended_sizes_max) appended_sizes_.erase(appended_sizes_.begin());
  appended_sizes_.push_back(a.message.size());
  return command(CommandKind::Append, std::move(a));
}

// ---------------------------------------------------------------------------------------------------------
// Mailboxes: names, RENAME, LIST, STATUS

std::string Workload::current_name(const std::string& original) const {
  for (const auto& [from, to] : renamed_) {
    if (from == original) return to;
  }
  return original;
}

std::optional<std::string> Workload::child_of_configured(Rng& rng) const {
  const std::string& m = mailboxes_[rng.below(mailboxes_.size())];
  if (m == "INBOX" || !delimiter_) return std::nullopt;
  return current_name(m) + *delimiter_ + "sub";
}

std::string Workload::pick_scratch(Rng& rng) const {
  // A child of a configured mailbox, shared by every client of the user: RENAME of the parent must move it
  // while others use it (MBX-4).
  if (delimiter_ && rng.chance(shared_child_chance)) {
    if (auto child = child_of_configured(rng)) return *child;
  }
  // A sibling whose name merely starts with a configured one ("work2" beside "work"): a NOTIFY SUBTREE of
  // "work" must not cover it (RFC 5465 §6.5, NTF-8). Only runs that use NOTIFY draw it; others draw as before.
  if (mix_.notify > 0 && rng.chance(sibling_chance)) {
    const std::string& m = mailboxes_[rng.below(mailboxes_.size())];
    if (m != "INBOX") return current_name(m) + "2";
  }
  std::string name = scratch_[rng.below(scratch_.size())];
  if (delimiter_ && rng.chance(0.2)) {
    name += *delimiter_;
    name += "sub";
  }
  return name;
}

std::string Workload::pick_mailbox(Rng& rng) const {
  const std::uint64_t r = rng.below(100);
  if (r < 65) return current_name(mailboxes_[rng.below(mailboxes_.size())]);
  if (r < 95) return pick_scratch(rng);
  return "c" + number_string(id_) + "-nosuch";
}

std::string Workload::pick_deletable(Rng& rng) const {
  if (rng.chance(0.3)) {
    const std::string& m = mailboxes_[rng.below(mailboxes_.size())];
    if (m != "INBOX") return current_name(m);
  }
  return pick_scratch(rng);
}

// A configured mailbox other than INBOX that this client has not renamed away, or null.
const std::string* Workload::renamable(Rng& rng) const {
  const std::string& m = mailboxes_[rng.below(mailboxes_.size())];
  if (m == "INBOX" || current_name(m) != m) return nullptr;
  return &m;
}

Command Workload::make_rename(Rng& rng) {
  proto::RenameArgs a;
  if (rng.chance(rename_inbox_chance)) {
    a.from = "INBOX";  // moves INBOX's messages to a new mailbox and leaves INBOX empty (MBX-5)
    a.to = scratch_[rng.below(scratch_.size())];
  } else if (!renamed_.empty() && rng.chance(0.6)) {
    const auto& [original, now] = renamed_[rng.below(renamed_.size())];
    a.from = now;
    a.to = original;
  } else if (const std::string* from = renamable(rng); from != nullptr && rng.chance(0.5)) {
    a.from = *from;
    a.to = a.from + "-c" + number_string(id_);
  } else {
    const std::uint64_t i = rng.below(scratch_.size());
    const std::uint64_t j = (i + 1 + rng.below(scratch_.size() - 1)) % scratch_.size();
    a.from = scratch_[i];
    a.to = scratch_[j];
  }
  return command(CommandKind::Rename, std::move(a));
}

void Workload::completed(const Command& c, proto::Condition condition) {
  if (c.kind == CommandKind::Rename) {
    const auto& a = std::get<proto::RenameArgs>(c.args);
    const auto back = std::find_if(renamed_.begin(), renamed_.end(), [&](const auto& e) {
      return e.second == a.from && e.first == a.to;
    });
    if (back != renamed_.end()) {
      renamed_.erase(back);  // renamed back, or give up on it after a failure
      return;
    }
    // RENAME INBOX leaves INBOX in place (RFC 3501 §6.3.5): nothing to remember.
    const bool configured =
        a.from != "INBOX" && std::find(mailboxes_.begin(), mailboxes_.end(), a.from) != mailboxes_.end();
    if (condition == proto::Condition::Ok && configured) renamed_.emplace_back(a.from, a.to);
  } else if (c.kind == CommandKind::Delete && condition == proto::Condition::Ok) {
    const auto& name = std::get<proto::MailboxArgs>(c.args).mailbox;
    std::erase_if(renamed_, [&](const auto& e) { return e.second == name; });
  }
}

Command Workload::make_list(const WorkloadView& v, Rng& rng) {
  proto::ListArgs a;
  const std::uint64_t form = rng.below(10);
  if (form < 4) {
    a.patterns = {"*"};
  } else if (form < 6) {
    a.patterns = {"%"};
  } else if (form < 8) {
    a.patterns = {pick_mailbox(rng)};
  } else {
    a.patterns = {"c" + number_string(id_) + "*"};
  }
  if (v.cap_list_extended && rng.chance(0.3)) {
    if (rng.chance(0.5)) a.select_options = {"SUBSCRIBED"};
    a.return_options = {"SUBSCRIBED", "CHILDREN"};
    if (v.cap_list_status && rng.chance(0.5)) {
      a.return_status = {proto::StatusItem::Messages, proto::StatusItem::UidNext};
    }
  }
  const bool lsub = !v.cap_list_extended && rng.chance(0.15);
  return command(lsub ? CommandKind::Lsub : CommandKind::List, std::move(a));
}

Command Workload::make_status(const WorkloadView& v, Rng& rng) {
  using S = proto::StatusItem;
  proto::StatusArgs a;
  a.mailbox = pick_mailbox(rng);
  static constexpr std::array<S, 6> all = {S::Messages, S::Recent, S::UidNext, S::UidValidity, S::Unseen,
                                           S::HighestModSeq};
  const std::size_t available = v.cap_condstore ? all.size() : all.size() - 1;
  for (std::size_t i = 0; i < available; ++i) {
    if (rng.chance(0.5)) a.items.push_back(all[i]);
  }
  if (a.items.empty()) a.items.push_back(S::Messages);
  return command(CommandKind::Status, std::move(a));
}

Command Workload::make_notify(const WorkloadView&, Rng& rng) {
  using EK = proto::NotifyEventKind;
  using FK = proto::NotifyFilter::Kind;
  proto::NotifyArgs a;
  if (rng.chance(0.2)) {
    a.mode = proto::NotifyArgs::Mode::None;
    return command(CommandKind::Notify, std::move(a));
  }
  a.mode = proto::NotifyArgs::Mode::Set;
  a.status = rng.chance(0.3);
  const auto event = [](EK kind) {
    proto::NotifyEvent e;
    e.kind = kind;
    return e;
  };
  // RFC 5465 §8: MessageNew and MessageExpunge always together; FlagChange needs both; only message events
  // under SELECTED / SELECTED-DELAYED, and the fetch-att list only there.
  const auto message_events = [&](bool selected) {
    std::vector<proto::NotifyEvent> events;
    proto::NotifyEvent added = event(EK::MessageNew);
    if (selected && rng.chance(0.85)) {
      added.fetch_atts = {att(FetchAtt::Kind::Uid), att(FetchAtt::Kind::Flags)};
      if (rng.chance(0.2)) added.fetch_atts.erase(added.fetch_atts.begin());
    }
    events.push_back(std::move(added));
    events.push_back(event(EK::MessageExpunge));
    if (rng.chance(0.5)) events.push_back(event(EK::FlagChange));
    return events;
  };
  if (rng.chance(0.7)) {
    proto::NotifyEventGroup g;
    g.filter.kind = rng.chance(0.6) ? FK::Selected : FK::SelectedDelayed;
    if (!rng.chance(0.1)) g.events = message_events(true);
    a.groups.push_back(std::move(g));
  }
  static constexpr std::array<FK, 5> others = {FK::Personal, FK::Inboxes, FK::Subscribed, FK::Subtree,
                                               FK::Mailboxes};
  const std::uint64_t extra = rng.below(3);
  std::uint32_t used = 0;  // bit per filter of `others`: each at most once
  for (std::uint64_t i = 0; i < extra; ++i) {
    const std::size_t f = rng.below(others.size());
    if (used & (1u << f)) continue;
    used |= 1u << f;
    proto::NotifyEventGroup g;
    g.filter.kind = others[f];
    if (g.filter.kind == FK::Subtree || g.filter.kind == FK::Mailboxes) {
      g.filter.mailboxes.push_back(pick_mailbox(rng));
      if (rng.chance(0.3)) g.filter.mailboxes.push_back(pick_mailbox(rng));
    }
    if (!rng.chance(0.15)) {
      std::vector<proto::NotifyEvent> events;
      if (rng.chance(0.6)) events = message_events(false);
      if (rng.chance(0.5)) events.push_back(event(EK::MailboxName));
      if (rng.chance(0.3)) events.push_back(event(EK::SubscriptionChange));
      if (events.empty()) events.push_back(event(EK::MailboxName));
      g.events = std::move(events);
    }
    a.groups.push_back(std::move(g));
  }
  // ACC-2: in runs that change ACLs (and only there, so other runs draw as before), often watch the shared
  // hierarchy, whose rights other users take away and give back (RFC 5465 §5.9).
  const auto shared = std::find_if(mailboxes_.begin(), mailboxes_.end(),
                                   [](const std::string& m) { return m.find('/') != std::string::npos; });
  if (mix_.acl > 0 && shared != mailboxes_.end() && (used & (1u << 3)) == 0 && rng.chance(acl_watch_shared_chance)) {
    proto::NotifyEventGroup g;
    g.filter.kind = FK::Subtree;
    g.filter.mailboxes.push_back(shared->substr(0, shared->find('/')));
    g.events = message_events(false);
    // RFC 5465 §5.4: giving or taking 'l' is a creation or deletion to MailboxName watchers (NTF-9's 'l' half).
    g.events->push_back(event(EK::MailboxName));
    a.groups.push_back(std::move(g));
  }
  if (a.groups.empty()) {
    proto::NotifyEventGroup g;
    g.filter.kind = FK::Personal;
    g.events = std::vector<proto::NotifyEvent>{event(EK::MailboxName)};
    a.groups.push_back(std::move(g));
  }
  return command(CommandKind::Notify, std::move(a));
}

// ---------------------------------------------------------------------------------------------------------
// Access control (RFC 4314 §3): learn who else is in a mailbox's ACL, then take rights from them and give
// them back, so that other sessions of that user meet the change mid-work (ACC-2).

namespace {

// Of the names make_acl picks (configured ones and the names they were renamed to), the shared ones are the
// only ones with a hierarchy level ("shared/box1", sim/config.cpp).
bool is_shared_name(const std::string& name) { return name.find('/') != std::string::npos; }

// The rights a right probe takes and gives back: 'w' stands for all the rights that make SELECT read-write
// but 'i' (ACC-6).
std::string probe_rights(char right) { return right == 'w' ? acl_probe_change_rights : std::string(1, right); }

// ACC-3's 'a' half: SETACL or DELETEACL of an identifier that is no user, so even a server that wrongly lets it
// through changes nobody's rights; without 'a' it must fail (RFC 4314 §4).
Command blind_acl_change(const std::string& mailbox, Rng& rng) {
  proto::AclArgs a;
  a.mailbox = mailbox;
  a.identifier = acl_guest_identifier;
  if (rng.chance(0.3)) return command(CommandKind::DeleteAcl, std::move(a));
  a.rights = rng.chance(0.5) ? "+lr" : "lrs";
  return command(CommandKind::SetAcl, std::move(a));
}

}  // namespace

void Workload::learn_acl(const proto::AclData& acl) {
  if (acl.kind != proto::AclData::Kind::Acl || acl.mailbox.empty()) return;
  const bool known = acl_peers_.count(acl.mailbox) != 0;
  if (!known && acl_peers_.size() >= acl_mailboxes_max) return;
  // Peers are only ever added: after DELETEACL the peer is missing from the ACL but must still get its
  // rights back.
  std::vector<std::string>& peers = acl_peers_[acl.mailbox];
  for (const auto& [identifier, rights] : acl.entries) {
    // "anyone" too: a shared mailbox's ACL inherits "anyone" from the shared root, and only when that entry
    // loses a right too does a user without an own grant lose it (RFC 4314 §2: the rights add up).
    if (identifier == user_ || identifier.empty() || identifier[0] == '-' || identifier == acl_guest_identifier) continue;
    if (peers.size() >= acl_peers_max || std::find(peers.begin(), peers.end(), identifier) != peers.end()) continue;
    peers.push_back(identifier);
  }
  if (peers.empty()) acl_peers_.erase(acl.mailbox);
}

Command Workload::make_acl(Rng& rng) {
  if (!acl_followups_.empty()) return next_acl_followup();
  std::string mailbox = current_name(mailboxes_[rng.below(mailboxes_.size())]);
  if (!acl_peers_.empty() && rng.chance(acl_known_mailbox_chance)) {
    auto it = acl_peers_.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng.below(acl_peers_.size())));
    mailbox = it->first;
  }
  const auto known = acl_peers_.find(mailbox);
  if (known == acl_peers_.end() || rng.chance(acl_query_chance)) {
    if (known == acl_peers_.end() && is_shared_name(mailbox) && rng.chance(acl_blind_change_chance)) {
      return blind_acl_change(mailbox, rng);
    }
    // GETACL and LISTRIGHTS need the 'a' right, MYRIGHTS any right (RFC 4314 §4): a NO is a fine answer.
    const std::uint64_t form = rng.below(10);
    if (form < 8) {
      proto::MailboxArgs a;
      a.mailbox = mailbox;
      return command(form < 6 ? CommandKind::GetAcl : CommandKind::MyRights, std::move(a));
    }
    proto::AclArgs a;
    a.mailbox = mailbox;
    a.identifier = known == acl_peers_.end() ? user_ : known->second.front();
    return command(CommandKind::ListRights, std::move(a));
  }
  if (!right_probe_ && rng.chance(acl_self_revoke_chance)) return start_right_probe(mailbox, known->second, rng);
  if (!right_probe_ && delimiter_ && is_shared_name(mailbox) && rng.chance(acl_hide_child_chance)) {
    const std::string child = mailbox + *delimiter_ + "sub";
    acl_followups_.push_back(proto::AclArgs{child, "anyone", "-l"});
    for (const std::string& peer : known->second) {
      if (peer != "anyone") acl_followups_.push_back(proto::AclArgs{child, peer, "-l"});
    }
    proto::MailboxArgs a;
    a.mailbox = child;
    return command(CommandKind::Create, std::move(a));  // a NO (it exists already) is fine
  }
  // ACC-2 (-l, -r) and ACC-3 (-i, -e, MOVE's source -e; -twsx for STORE, COPY's flags and DELETE's 'x').
  static constexpr std::array<const char*, 6> revocations = {"-lr", "-r", "-l", "-i", "-e", "-twsx"};
  constexpr std::size_t acc3_revocations_from = 3;  // revocations[3..]: rights ACC-3 judges
  proto::AclArgs a;
  a.mailbox = mailbox;
  a.identifier = known->second[rng.below(known->second.size())];
  const std::uint64_t form = rng.below(10);
  if (form == 0) return command(CommandKind::DeleteAcl, std::move(a));
  const bool revoke = form < 5;
  if (a.identifier == "anyone") {
    // An administrator closing a shared mailbox to all but its named users: "anyone" loses rights and gets
    // back only the ones that reveal nothing, so the named users' own entries decide who sees it.
    a.rights = revoke ? revocations[rng.below(revocations.size())] : "+swipkxte";
    return command(CommandKind::SetAcl, std::move(a));
  }
  // Giving back what the simulation's setup grants (sim/setup.cpp), so the peer's other races resume.
  const std::size_t which = revoke ? rng.below(revocations.size()) : 0;
  a.rights = revoke ? revocations[which] : "+lrswipkxte";
  const auto& peers = known->second;
  if (revoke && which >= acc3_revocations_from && std::find(peers.begin(), peers.end(), "anyone") != peers.end()) {
    // The peer lacks the right only once "anyone" does too (RFC 4314 §2): take it from both (ACC-3).
    proto::AclArgs both = a;
    both.identifier = "anyone";
    acl_followups_.push_back(std::move(both));
  }
  return command(CommandKind::SetAcl, std::move(a));
}

// The next queued SETACL. The last revocation of a right probe arms it: commands sent after its tagged reply
// run without the right (the SETACL is a barrier, RFC 3501 §5.5).
Command Workload::next_acl_followup() {
  proto::AclArgs a = std::move(acl_followups_.front());
  acl_followups_.erase(acl_followups_.begin());
  if (acl_followups_.empty() && right_probe_ && !right_probe_->armed) right_probe_->armed = true;
  return command(CommandKind::SetAcl, std::move(a));
}

// ACC-3: this client takes 'i' or 'e' on a shared mailbox from its own user (and from "anyone", whose rights
// add to the user's own, RFC 4314 §2), then tries COPY/MOVE into it or EXPUNGE in it, which must fail
// (RFC 4314 §4), and gives the right back. ACC-6: or it takes "swte" and SELECTs the mailbox, which keeps 'i'
// and so must be READ-WRITE (RFC 4314 §5.2).
Command Workload::start_right_probe(const std::string& mailbox, const std::vector<std::string>& peers, Rng& rng) {
  RightProbe p;
  p.mailbox = mailbox;
  static constexpr std::array<char, 8> kinds = {'i', 'i', 'i', 'e', 'e', 'e', 'w', 'w'};
  p.right = kinds[rng.below(kinds.size())];
  p.anyone = std::find(peers.begin(), peers.end(), "anyone") != peers.end();
  const std::string revoked = "-" + probe_rights(p.right);
  if (p.anyone) acl_followups_.push_back(proto::AclArgs{mailbox, "anyone", revoked});
  p.armed = acl_followups_.empty();
  right_probe_ = std::move(p);
  proto::AclArgs a{mailbox, user_, revoked};
  return command(CommandKind::SetAcl, std::move(a));
}

// While a probe is armed, the commands that need its right come more often (only weights already drawn).
void Workload::boost_right_probe(const WorkloadView& v, SendWindow w, Weights& out) const {
  const RightProbe& p = *right_probe_;
  const bool selected = v.phase == WorkloadView::Phase::Selected;
  if (p.right == 'i') {
    out[Copy] *= acl_probe_boost;
    out[Move] *= acl_probe_boost;
    return;
  }
  const bool ready = selected && !v.read_only && p.reselected && v.selected == p.mailbox;
  if (p.right == 'w') {  // ACC-6: the SELECT is the try
    if (w.exclusive) out[Select] *= acl_probe_boost;
    return;
  }
  if (!ready && w.exclusive) out[Select] *= acl_probe_boost;
  if (ready) {
    out[Expunge] *= acl_probe_boost;
    out[UidExpunge] *= acl_probe_boost;
  }
}

// Counts what an armed probe did; after a few tries (or when it cannot get to them) the rights go back.
void Workload::track_right_probe(const Command& c, const WorkloadView& v) {
  RightProbe& p = *right_probe_;
  if (!p.armed) return;
  ++p.commands;
  const auto* copy = std::get_if<proto::CopyArgs>(&c.args);
  const auto* select = std::get_if<proto::MailboxArgs>(&c.args);
  if (p.right == 'i' && copy != nullptr && copy->mailbox == p.mailbox) ++p.tries;
  if (p.right == 'e' && c.kind == CommandKind::Select && select != nullptr) p.reselected = select->mailbox == p.mailbox;
  if (p.right == 'w' && c.kind == CommandKind::Select && select != nullptr && select->mailbox == p.mailbox) ++p.tries;
  const bool expunge = c.kind == CommandKind::Expunge || c.kind == CommandKind::UidExpunge;
  if (p.right == 'e' && expunge && p.reselected && v.selected == p.mailbox) ++p.tries;
  if (p.tries < acl_probe_tries && p.commands < acl_probe_patience_commands) return;
  const std::string given = "+" + probe_rights(p.right);
  acl_followups_.push_back(proto::AclArgs{p.mailbox, user_, given});
  if (p.anyone) acl_followups_.push_back(proto::AclArgs{p.mailbox, "anyone", given});
  right_probe_.reset();
}

}  // namespace imaplab::sim
