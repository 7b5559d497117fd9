// STORE and UID STORE (RFC 3501 §6.4.6; UNCHANGEDSINCE RFC 4551 §3.2) with RFC 2180 §4.2's rules for
// messages another session expunged, and RFC 4314 §4's per-flag rights.
#include <algorithm>
#include <optional>

#include "model/acl.hpp"
#include "model/commands.hpp"
#include "model/events.hpp"
#include "model/fetch.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

char right_for_flag(const std::string& flag) {
  if (flag == "\\Seen") return 's';
  if (flag == "\\Deleted") return 't';
  return 'w';
}

bool allowed(const std::string& rights, const std::string& flag) {
  return rights.find(right_for_flag(flag)) != std::string::npos;
}

// The new flag list; flags the user may not change keep their old state.
std::vector<std::string> new_flags(const std::vector<std::string>& old, const proto::StoreArgs& a,
                                   const std::vector<std::string>& flags, const std::string& rights) {
  std::set<std::string> out;
  for (const auto& f : old) {
    if (a.mode != proto::StoreMode::Replace || !allowed(rights, f)) out.insert(f);
  }
  for (const auto& f : flags) {
    if (!allowed(rights, f)) continue;
    if (a.mode == proto::StoreMode::Remove) out.erase(f);
    else out.insert(f);
  }
  return std::vector<std::string>(out.begin(), out.end());
}

// Bug zoo flag-overwrite: +FLAGS/-FLAGS start from the session's stale copy from before another session's
// change, so writing the whole list back loses that change (FLG-3). True when there was one.
bool take_stale_flags(Ctx& ctx, std::uint32_t uid, std::vector<std::string>& stale) {
  const auto it = ctx.s.view.stale_flags.find(uid);
  if (it == ctx.s.view.stale_flags.end()) return false;
  stale = std::move(it->second);
  ctx.s.view.stale_flags.erase(it);
  return true;
}

struct StoreRun {
  std::vector<std::uint32_t> modified;  // UNCHANGEDSINCE failures, as MSNs or UIDs
};

void store_one(Ctx& ctx, Mailbox& mb, const Target& t, const proto::StoreArgs& a,
               const std::vector<std::string>& flags, const std::string& rights, StoreRun& run) {
  const bool inclusive = bug_on(ctx.st, Bug::UnchangedSinceInclusive);  // bug zoo: RFC 4551 §3.2 says "greater"
  if (a.unchanged_since &&
      (t.message->modseq > *a.unchanged_since || (inclusive && t.message->modseq == *a.unchanged_since))) {
    run.modified.push_back(ctx.cmd.uid ? t.uid : t.msn);
    return;
  }
  flags_changing(ctx.st, ctx.sid, mb, t.uid, t.message->flags);
  std::vector<std::string> stale;
  const bool from_stale = bug_on(ctx.st, Bug::FlagOverwrite) && take_stale_flags(ctx, t.uid, stale);
  // Bug zoo: undelete-still-expunged keeps the deleted index entry; store-fetch-stale-flags answers old flags.
  const bool keep_deleted_mark = bug_on(ctx.st, Bug::UndeleteStillExpunged) && mb.deleted_flag.count(t.uid) != 0;
  std::optional<Message> stale_answer;
  if (bug_on(ctx.st, Bug::StoreFetchStaleFlags)) stale_answer = *t.message;
  // Bug zoo silent-silences-others: .SILENT is taken to mean "tell nobody", so the other sessions' views never
  // learn of the change (FLG-2); RFC 3501 §6.4.6 lets .SILENT suppress only this command's own FETCH.
  const bool tell_nobody = a.silent && bug_on(ctx.st, Bug::SilentSilencesOthers);
  // Bug zoo store-keeps-message-modseq: HIGHESTMODSEQ moves but the message keeps its old mod-sequence (MOD-1).
  const std::uint64_t old_modseq = t.message->modseq;
  const bool changed = set_flags(mb, t.uid, new_flags(from_stale ? stale : t.message->flags, a, flags, rights));
  if (changed && bug_on(ctx.st, Bug::StoreKeepsMessageModseq)) mb.messages.at(t.uid).modseq = old_modseq;
  if (changed && !tell_nobody) flags_changed(ctx.st, ctx.sid, mb, t.uid);
  if (keep_deleted_mark) mb.deleted_flag.insert(t.uid);
  // RFC 4551 §3.2: for a message that passed the UNCHANGEDSINCE test "An untagged FETCH response MUST be sent,
  // even if the .SILENT suffix is specified, and the response MUST include the MODSEQ message data item" (it
  // updates the client's cache of mod-sequences). Bug zoo silent-condstore-no-fetch sends none.
  const bool owes_modseq = a.unchanged_since && !bug_on(ctx.st, Bug::SilentCondstoreNoFetch);
  if (a.silent && !owes_modseq) return;
  std::vector<proto::MsgAtt> atts;
  // Bug zoo uid-store-fetch-without-uid: the FETCH of UID STORE lacks UID (RFC 3501 §6.4.8, SEQ-11).
  if (ctx.cmd.uid && !bug_on(ctx.st, Bug::UidStoreFetchWithoutUid)) atts.push_back(number_att(proto::MsgAtt::Kind::Uid, t.uid));
  if (!a.silent) atts.push_back(flags_att(visible_flags(ctx.s, t.uid, stale_answer ? *stale_answer : *t.message)));
  if (ctx.s.condstore) atts.push_back(number_att(proto::MsgAtt::Kind::ModSeq, t.message->modseq));
  ctx.untagged(proto::FetchData{t.msn, std::move(atts)});
}

}  // namespace

void cmd_store(Ctx& ctx) {
  const auto* a = ctx.args<proto::StoreArgs>();
  Mailbox* mb = ctx.selected_mailbox();
  if (a == nullptr || mb == nullptr) return (void)ctx.bad("STORE needs a selected mailbox and arguments");
  if (ctx.s.read_only) return (void)ctx.no("Mailbox is read-only (RFC 3501 section 6.3.2)");
  const auto flags = normalize_flags(a->flags);
  if (!flags) return (void)ctx.bad("Invalid flag (RFC 3501 section 6.4.6)");
  // Bug zoo store-ignores-flag-rights: every flag may change whatever the rights (RFC 4314 §4, ACC-3).
  const std::string rights =
      bug_on(ctx.st, Bug::StoreIgnoresFlagRights) ? std::string(all_rights) : rights_of(ctx.st, ctx.s.user, *mb);
  if (!flags->empty() && permitted_flags(rights, *flags).empty())
    return (void)ctx.no("Permission denied (RFC 4314 section 4)", make_code("NOPERM"));
  if (a->unchanged_since) ctx.s.condstore = true;
  const auto targets = resolve_set(ctx.st, ctx.s, a->set, ctx.cmd.uid);
  if (!targets) return (void)ctx.no("No such message");
  const auto expunged = std::count_if(targets->begin(), targets->end(), [](const Target& t) { return t.expunged; });
  const bool mixed = expunged > 0;
  if (mixed && !a->silent && expunged == static_cast<long>(targets->size()))
    return (void)ctx.no("Messages have been expunged (RFC 2180 section 4.2.2)", make_code("EXPUNGEISSUED"));
  if (mixed && !a->silent && ctx.st.policy.store == Policy::Store::None)
    return (void)ctx.no("Some of the messages no longer exist (RFC 2180 section 4.2.4)", make_code("EXPUNGEISSUED"));
  StoreRun run;
  for (const Target& t : *targets) {
    if (!t.expunged) store_one(ctx, *mb, t, *a, *flags, rights, run);
  }
  if (mixed && !a->silent)
    return (void)ctx.no("Some of the messages no longer exist (RFC 2180 section 4.2.3)", make_code("EXPUNGEISSUED"));
  if (!run.modified.empty()) {
    proto::ResponseCode code = make_code("MODIFIED");
    std::sort(run.modified.begin(), run.modified.end());
    code.set1 = compress(run.modified);
    return (void)ctx.ok("Conditional STORE failed for some messages (RFC 4551 section 3.2)", std::move(code));
  }
  ctx.ok("STORE completed");
}

}  // namespace imaplab::model
