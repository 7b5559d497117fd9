// COPY and MOVE with their UID forms (RFC 3501 §6.4.7, RFC 4315 COPYUID, RFC 6851), and RFC 2180 §4.4's
// policy for messages another session expunged: fail (§4.4.1) or copy them as they were (§4.4.2).
#include <algorithm>

#include "model/acl.hpp"
#include "model/commands.hpp"
#include "model/events.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

struct Copied {
  std::vector<std::uint32_t> source, destination;
  bool failed = false;  // copy-fail-partial stopped part way
};

// Bug zoo copy-drops-expunged: COPY skips the messages another session expunged and says OK, as if the
// lock were released between choosing and copying (CPY-3 under either copy policy).
bool drops_expunged(const Ctx& ctx, bool move) { return !move && bug_on(ctx.st, Bug::CopyDropsExpunged); }
// Bug zoo copy-fail-partial: under copy=fail the expunged check runs inside the copy loop, so the
// messages before the first expunged one are already in the destination when COPY says NO (CPY-1).
bool fails_part_way(const Ctx& ctx, bool move) {
  return !move && ctx.st.policy.copy == Policy::Copy::Fail && bug_on(ctx.st, Bug::CopyFailPartial);
}

bool refused_by_others(const Ctx& ctx, const Mailbox& mb) {
  if (ctx.st.policy.fetch != Policy::Fetch::RefuseExpunge) return false;
  const auto h = holders(ctx.st, mb.id);
  return std::any_of(h.begin(), h.end(), [&](SessionId sid) { return sid != ctx.sid; });
}

// Checks before anything changes, so a failed COPY/MOVE leaves both mailboxes as they were (CPY-1, CPY-4).
bool may_copy(Ctx& ctx, const Mailbox& source, const std::vector<Target>& targets, bool move) {
  if (move) {
    if (ctx.s.read_only) return ctx.no("Mailbox is read-only (RFC 3501 section 6.3.2)");
    // RFC 6851 §3.3: MOVE needs 't' and 'e' on the source (STORE \Deleted, EXPUNGE; RFC 4314 §4). Bug zoo
    // move-ignores-expunge-right checks only 't' (ACC-3).
    const char* needed = bug_on(ctx.st, Bug::MoveIgnoresExpungeRight) ? "t" : "te";
    if (!has_rights(ctx.st, ctx.s.user, source, needed)) return ctx.no("Permission denied", make_code("NOPERM"));
    if (refused_by_others(ctx, source))
      return ctx.no("Mailbox is in use by another session (RFC 2180 section 4.1.4)", make_code("INUSE"));
  }
  const bool any_expunged = std::any_of(targets.begin(), targets.end(), [](const Target& t) { return t.expunged; });
  if (any_expunged && ctx.st.policy.copy == Policy::Copy::Fail && !drops_expunged(ctx, move) &&
      !fails_part_way(ctx, move))
    return ctx.no("COPY rejected: some messages were expunged (RFC 2180 section 4.4.1)", make_code("EXPUNGEISSUED"));
  return true;
}

Copied copy_messages(Ctx& ctx, Mailbox& destination, const std::vector<Target>& targets, bool move) {
  const std::string rights = rights_of(ctx.st, ctx.s.user, destination);
  const bool drop = drops_expunged(ctx, move), part_way = fails_part_way(ctx, move);
  Copied out;
  for (const Target& t : targets) {
    if (t.expunged && drop) continue;
    if (t.expunged && part_way) {
      out.failed = true;
      return out;
    }
    if (t.message == nullptr || !t.message->content) continue;
    Message m = *t.message;
    m.flags = permitted_flags(rights, m.flags);  // RFC 4314 §4: flags without the right are lost on COPY
    // Bug zoo copy-drops-flags / copy-resets-internal-date: the copy loses what RFC 3501 §6.4.7 preserves (CPY-5).
    if (bug_on(ctx.st, Bug::CopyDropsFlags)) m.flags.clear();
    if (bug_on(ctx.st, Bug::CopyResetsInternalDate)) m.internal_date = ctx.st.now;
    const std::uint32_t uid = add_message(destination, std::move(m));
    message_added(ctx.st, ctx.sid, destination, uid);
    out.source.push_back(t.uid);
    out.destination.push_back(uid);
  }
  return out;
}

proto::ResponseCode copyuid(const Mailbox& destination, const Copied& c) {
  proto::ResponseCode code = number_code("COPYUID", destination.uidvalidity);
  code.set1 = compress(c.source);
  code.set2 = compress(c.destination);
  return code;
}

void copy_or_move(Ctx& ctx, bool move) {
  const auto* a = ctx.args<proto::CopyArgs>();
  Mailbox* source = ctx.selected_mailbox();
  if (a == nullptr || source == nullptr) return (void)ctx.bad("COPY needs a selected mailbox and arguments");
  const auto targets = resolve_set(ctx.st, ctx.s, a->set, ctx.cmd.uid);
  if (!targets) return (void)ctx.no("No such message");
  // Bug zoo copy-ignores-insert-right: the destination's 'i' right (RFC 4314 §4) goes unchecked (ACC-3).
  const char* needed = bug_on(ctx.st, Bug::CopyIgnoresInsertRight) ? "" : "i";
  Mailbox* destination = lookup(ctx, a->mailbox, needed, Missing::TryCreate);
  if (destination == nullptr || !may_copy(ctx, *source, *targets, move)) return;
  if (targets->empty()) return (void)ctx.ok("No messages to copy");
  const Copied copied = copy_messages(ctx, *destination, *targets, move);
  if (copied.failed)
    return (void)ctx.no("COPY rejected: some messages were expunged (RFC 2180 section 4.4.1)", make_code("EXPUNGEISSUED"));
  if (copied.source.empty()) return (void)ctx.ok("No messages to copy");
  if (!move) return (void)ctx.ok("COPY completed", copyuid(*destination, copied));
  // RFC 6851 §4.3: COPYUID in an untagged OK, then the EXPUNGEs (sent by the caller's update flush).
  // Bug zoo move-without-copyuid: the COPYUID is left out (CPY-6).
  if (!bug_on(ctx.st, Bug::MoveWithoutCopyuid)) ctx.untagged_ok(copyuid(*destination, copied), "Moved");
  // Bug zoo move-duplicates: removal stops at the first message another session already expunged or moved,
  // so the messages after it stay in the source as well as the destination (CPY-4).
  const bool stop_at_expunged = bug_on(ctx.st, Bug::MoveDuplicates);
  std::vector<std::uint32_t> live;
  for (const Target& t : *targets) {
    if (t.expunged && stop_at_expunged) break;
    if (!t.expunged) live.push_back(t.uid);
  }
  expunge_uids(ctx.st, ctx.sid, *source, live);
  ctx.ok("MOVE completed");
}

}  // namespace

void cmd_copy(Ctx& ctx) { copy_or_move(ctx, false); }
void cmd_move(Ctx& ctx) { copy_or_move(ctx, true); }

}  // namespace imaplab::model
