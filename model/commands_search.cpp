// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8; MODSEQ RFC 4551 §3.4). Messages expunged by another
// session and not yet told are left out (RFC 2180 §4.3).
#include <algorithm>
#include <cctype>

#include "model/commands.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

bool uses_modseq(const std::vector<proto::SearchKey>& keys) {
  return std::any_of(keys.begin(), keys.end(), [](const proto::SearchKey& k) {
    return k.kind == proto::SearchKey::Kind::ModSeq || uses_modseq(k.children);
  });
}

bool known_charset(std::string charset) {
  for (auto& c : charset) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return charset == "US-ASCII" || charset == "UTF-8";
}

}  // namespace

void cmd_search(Ctx& ctx) {
  const auto* a = ctx.args<proto::SearchArgs>();
  Mailbox* mb = ctx.selected_mailbox();
  if (a == nullptr || mb == nullptr) return (void)ctx.bad("SEARCH needs a selected mailbox and keys");
  if (a->charset && !known_charset(*a->charset)) {
    proto::ResponseCode code = make_code("BADCHARSET");
    code.list = {"US-ASCII", "UTF-8"};
    return (void)ctx.no("Unsupported charset (RFC 3501 section 6.4.4)", std::move(code));
  }
  const bool modseq = uses_modseq(a->keys);
  if (modseq) ctx.s.condstore = true;
  const View& v = ctx.s.view;
  proto::SearchData result;
  std::uint64_t highest = 0;
  std::uint32_t msn = 0;
  MessageCursor messages(*mb);
  const auto max_msn = static_cast<std::uint32_t>(v.uids.size());
  const std::uint32_t max_uid = v.uids.max();
  v.uids.for_each(0, v.uids.size(), [&](std::uint32_t uid) {
    ++msn;
    const Message* m = messages.find(uid);
    if (v.expunged.count(uid) != 0 || m == nullptr) return true;
    SearchSubject subject;
    subject.msn = msn;
    subject.uid = uid;
    subject.max_msn = max_msn;
    subject.max_uid = max_uid;
    subject.flags = &m->flags;
    subject.recent = is_recent(ctx.s, uid);
    subject.modseq = m->modseq;
    subject.internal_date = m->internal_date;
    subject.content = m->content.get();
    subject.since_exclusive = bug_on(ctx.st, Bug::SearchSinceExclusive);
    subject.new_ignores_seen = bug_on(ctx.st, Bug::SearchNewIgnoresSeen);
    subject.modseq_exclusive = bug_on(ctx.st, Bug::SearchModseqExclusive);
    subject.body_matches_header = bug_on(ctx.st, Bug::SearchBodyMatchesHeader);
    subject.sent_since_internal = bug_on(ctx.st, Bug::SentSinceInternalDate);
    subject.larger_inclusive = bug_on(ctx.st, Bug::SearchLargerInclusive);
    if (search_matches(a->keys, subject)) {
      result.numbers.push_back(ctx.cmd.uid && !bug_on(ctx.st, Bug::UidSearchReturnsMsns) ? uid : msn);
      highest = std::max(highest, m->modseq);
    }
    return true;
  });
  if (modseq && !result.numbers.empty()) result.modseq = highest;  // RFC 4551 §3.5
  // Bug zoo search-modseq-wrong-value: the mailbox's HIGHESTMODSEQ, not the returned messages' highest (MOD-8).
  if (result.modseq && bug_on(ctx.st, Bug::SearchModseqWrongValue)) result.modseq = mb->highestmodseq;
  ctx.untagged(std::move(result));
  ctx.ok("SEARCH completed");
}

}  // namespace imaplab::model
