// SELECT and EXAMINE (RFC 3501 §6.3.1-§6.3.2, CONDSTORE RFC 4551 §3.1), CLOSE (§6.4.2), UNSELECT (RFC 3691),
// EXPUNGE and UID EXPUNGE (§6.4.3, RFC 4315 §2.1) with RFC 2180 §4.1.4's refuse-expunge policy.
#include "model/acl.hpp"
#include "model/commands.hpp"
#include "model/events.hpp"
#include "model/notify.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

// PERMANENTFLAGS lists what this user may change here (RFC 4314 §4).
std::vector<std::string> permanent_flags(const State& st, const Session& s, const Mailbox& mb) {
  if (s.read_only) return {};
  const std::string rights = rights_of(st, s.user, mb);
  std::vector<std::string> flags = permitted_flags(rights, mailbox_flags(mb));
  if (rights.find('w') != std::string::npos) flags.push_back("\\*");
  return flags;
}

void select_responses(Ctx& ctx, const Mailbox& mb) {
  const View& v = ctx.s.view;
  ctx.untagged(proto::NumberData{proto::NumberData::Kind::Exists, static_cast<std::uint32_t>(v.uids.size())});
  ctx.untagged(proto::NumberData{proto::NumberData::Kind::Recent, static_cast<std::uint32_t>(v.recent_told)});
  if (!mb.unseen.empty()) {
    const auto first = static_cast<std::uint32_t>(v.uids.count_less(*mb.unseen.begin()) +
                                                  (bug_on(ctx.st, Bug::SelectUnseenOffByOne) ? 0 : 1));
    ctx.untagged_ok(number_code("UNSEEN", first), "First unseen");
  }
  ctx.untagged_ok(number_code("UIDVALIDITY", mb.uidvalidity), "UIDs valid");
  ctx.untagged_ok(number_code("UIDNEXT", mb.uidnext), "Predicted next UID");
  ctx.out.responses.push_back(flags_response(mb));
  proto::ResponseCode permanent = make_code("PERMANENTFLAGS");
  permanent.list = permanent_flags(ctx.st, ctx.s, mb);
  ctx.untagged_ok(std::move(permanent), "Flags permitted");
  ctx.untagged_ok(number_code("HIGHESTMODSEQ", mb.highestmodseq), "Highest mod-sequence (RFC 4551 section 3.1.1)");
}

// RFC 2180 §4.1.4: under refuse-expunge nothing is expunged while another session has the mailbox selected.
bool expunge_refused(const Ctx& ctx, const Mailbox& mb) {
  if (ctx.st.policy.fetch != Policy::Fetch::RefuseExpunge) return false;
  for (SessionId sid : holders(ctx.st, mb.id)) {
    if (sid != ctx.sid) return true;
  }
  return false;
}

std::vector<std::uint32_t> deleted_uids(const Mailbox& mb) {
  return std::vector<std::uint32_t>(mb.deleted_flag.begin(), mb.deleted_flag.end());
}

// RFC 4314 §5.2: SELECT is READ-ONLY when none of "i", "e" and the shared flag rights ("s", "w", "t": every
// flag here is shared) is granted, and SHOULD be READ-WRITE when one is. A read-write session with only some
// of them still does only what those allow (RFC 4314 §4): STORE drops the flags it lacks the right for, FETCH
// sets \Seen only with "s", EXPUNGE needs "e". Bug zoo insert-right-selects-read-only: "i" is left out (ACC-6).
bool may_change(const Ctx& ctx, const Mailbox& mb) {
  const std::string rights = rights_of(ctx.st, ctx.s.user, mb);
  const char* enough = bug_on(ctx.st, Bug::InsertRightSelectsReadOnly) ? "swte" : "swtei";
  return rights.find_first_of(enough) != std::string::npos;
}

void select_mailbox(Ctx& ctx) {
  const auto* a = ctx.args<proto::MailboxArgs>();
  if (a == nullptr) return (void)ctx.bad("SELECT needs a mailbox name");
  close_view(ctx.st, ctx.s);  // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected
  Mailbox* mb = lookup(ctx, a->mailbox, "r", Missing::Nonexistent);
  if (mb == nullptr) return;
  if (a->condstore) ctx.s.condstore = true;
  const bool examine = ctx.cmd.kind == proto::CommandKind::Examine;
  open_view(ctx.st, ctx.s, *mb, examine || !may_change(ctx, *mb));
  select_responses(ctx, *mb);
  // Bug zoo examine-says-read-write: EXAMINE's OK says [READ-WRITE] though the session is read-only (STA-2).
  const bool says_read_write = examine && bug_on(ctx.st, Bug::ExamineSaysReadWrite);
  if (ctx.s.read_only && !says_read_write) ctx.ok(examine ? "EXAMINE completed" : "SELECT completed", make_code("READ-ONLY"));
  else ctx.ok("SELECT completed", make_code("READ-WRITE"));
}

}  // namespace

void cmd_select(Ctx& ctx) {
  const std::optional<MailboxId> left = held_back_expunges(ctx.s);
  select_mailbox(ctx);
  notify_left_mailbox(ctx.st, ctx.s, left);  // RFC 5465 §6.1.2: the held-back expunges become a STATUS
}

// RFC 3501 §6.4.2: a silent expunge, skipped when read-only or without the 'e' right (RFC 4314 §4).
void cmd_close(Ctx& ctx) {
  const std::optional<MailboxId> left = held_back_expunges(ctx.s);  // before CLOSE's own silent expunge
  Mailbox* mb = ctx.selected_mailbox();
  const bool writable = !ctx.s.read_only || bug_on(ctx.st, Bug::CloseExpungesReadOnly);
  if (mb != nullptr && writable && has_rights(ctx.st, ctx.s.user, *mb, "e") && !expunge_refused(ctx, *mb)) {
    expunge_uids(ctx.st, ctx.sid, *mb, deleted_uids(*mb));
    if (bug_on(ctx.st, Bug::CloseSendsExpunge)) {  // bug zoo: reports its expunges like EXPUNGE (EXP-5)
      FlushOptions o;
      o.news = o.flags = false;
      flush(ctx.st, ctx.s, o, ctx.out.responses);
    }
  }
  close_view(ctx.st, ctx.s);
  notify_left_mailbox(ctx.st, ctx.s, left);
  ctx.ok("CLOSE completed");
}

void cmd_unselect(Ctx& ctx) {
  const std::optional<MailboxId> left = held_back_expunges(ctx.s);
  // Bug zoo unselect-expunges: UNSELECT expunges like CLOSE, though RFC 3691 §2 closes "without expunging" (EXP-4).
  if (Mailbox* mb = ctx.selected_mailbox(); mb != nullptr && !ctx.s.read_only && bug_on(ctx.st, Bug::UnselectExpunges))
    expunge_uids(ctx.st, ctx.sid, *mb, deleted_uids(*mb));
  close_view(ctx.st, ctx.s);
  notify_left_mailbox(ctx.st, ctx.s, left);
  ctx.ok("UNSELECT completed");
}

void cmd_expunge(Ctx& ctx) {
  Mailbox* mb = ctx.selected_mailbox();
  if (mb == nullptr) return (void)ctx.bad("No mailbox selected");
  if (ctx.s.read_only) return (void)ctx.no("Mailbox is read-only (RFC 3501 section 6.3.2)");
  // Bug zoo expunge-ignores-expunge-right: the 'e' right (RFC 4314 §4) goes unchecked (ACC-3).
  const bool may = bug_on(ctx.st, Bug::ExpungeIgnoresExpungeRight) || has_rights(ctx.st, ctx.s.user, *mb, "e");
  if (!may) return (void)ctx.no("Permission denied", make_code("NOPERM"));
  if (expunge_refused(ctx, *mb))
    return (void)ctx.no("Mailbox is in use by another session (RFC 2180 section 4.1.4)", make_code("INUSE"));
  std::vector<std::uint32_t> uids = deleted_uids(*mb);
  if (ctx.cmd.kind == proto::CommandKind::UidExpunge && !bug_on(ctx.st, Bug::UidExpungeIgnoresSet)) {
    const auto* a = ctx.args<proto::SetArgs>();
    if (a == nullptr) return (void)ctx.bad("UID EXPUNGE needs a UID set");
    const std::uint32_t star = ctx.s.view.uids.max();
    std::erase_if(uids, [&](std::uint32_t uid) { return !a->set.contains(uid, star); });
  }
  expunge_uids(ctx.st, ctx.sid, *mb, uids);
  ctx.ok("EXPUNGE completed");
}

}  // namespace imaplab::model
