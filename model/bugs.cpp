// The bug zoo's catalogue and the name <-> switch conversions.
#include "model/bugs.hpp"

namespace imaplab::model {

const std::vector<BugInfo>& bug_catalogue() {
  static const std::vector<BugInfo> catalogue{
      {Bug::ExpungeDuringFetch, "expunge-during-fetch", "model", "SEQ-2",
       "pending EXPUNGEs of other sessions are sent while answering FETCH, STORE or SEARCH (RFC 3501 section 7.4.1 forbids it)"},
      {Bug::ExpungePastCount, "expunge-past-count", "model", "SEQ-3",
       "the numbers of other sessions' pending EXPUNGEs are all computed before the first is sent, so later ones are not shifted down and can exceed the count the client knows"},
      {Bug::FetchBeforeExists, "fetch-before-exists", "model", "SEQ-4",
       "FETCH with '*' also answers the messages another session appended, numbered above the client's count, before this session was sent the EXISTS for them"},
      {Bug::SharedMsn, "shared-msn", "model", "SEQ-9",
       "sequence numbers resolve against the mailbox's live state, so another session's EXPUNGE renumbers this session's messages before it is told"},
      {Bug::StarStaleMax, "star-stale-max", "model", "SEQ-15",
       "'*' and 'n:*' resolve against a cached count that follows the session's own changes but misses the new messages of other sessions announced since SELECT"},
      {Bug::UidReuseAfterExpunge, "uid-reuse-after-expunge", "model", "UID-2",
       "an EXPUNGE while another session has the mailbox open recomputes UIDNEXT as highest existing UID + 1, so the newest message's UID is handed out again"},
      {Bug::UidvalidityReuseOnRecreate, "uidvalidity-reuse-on-recreate", "model", "UID-3",
       "DELETE of a mailbox another session has open, then CREATE of the same name, restarts UIDs at 1 under the old UIDVALIDITY"},
      {Bug::RenameReusesUidvalidity, "rename-reuses-uidvalidity", "model", "UID-3",
       "RENAME onto a name that was deleted while another session had it open gives the mailbox that name's old UIDVALIDITY with other UIDs"},
      {Bug::RecentTwice, "recent-twice", "model", "FLG-4",
       "a new message arriving while several read-write sessions have the mailbox selected is \\Recent in all of them"},
      {Bug::FlagOverwrite, "flag-overwrite", "model", "FLG-3",
       "+FLAGS/-FLAGS write back the whole flag list computed from the session's stale copy (from before another session's untold change), so that change is lost"},
      {Bug::FlagUpdatesDropped, "flag-updates-dropped", "model", "FLG-2",
       "flag changes made by other sessions are never reported to a session that has the mailbox selected"},
      {Bug::ModseqNotBumpedOnExpunge, "modseq-not-bumped-on-expunge", "model", "MOD-3",
       "EXPUNGE and CLOSE remove messages without raising HIGHESTMODSEQ when another session has the mailbox selected"},
      {Bug::CopyDropsExpunged, "copy-drops-expunged", "model", "CPY-3",
       "COPY of a set with messages another session expunged copies the rest and says OK, as if the lock were released between choosing and copying"},
      {Bug::CopyFailPartial, "copy-fail-partial", "model", "CPY-1",
       "under copy=fail, a COPY that meets a message another session expunged stops there with NO, leaving the messages copied before it in the destination",
       "copy=fail"},
      {Bug::MoveDuplicates, "move-duplicates", "model", "CPY-4",
       "MOVE of a set with a message another session already expunged or moved stops removing at that message, so later ones stay in the source as well as the destination"},
      {Bug::GhostRefcountOffByOne, "ghost-refcount-off-by-one", "model", "MBX-2",
       "leaving a deleted mailbox (CLOSE, another SELECT, logout) drops its holder count twice, so its name can be re-created while a session still works in it",
       "delete=ghost"},  // only a ghost (RFC 2180 §3.2) is left while held; fail and bye leave none
      {Bug::RenameForgetsHolders, "rename-forgets-holders", "model", "MBX-3",
       "under rename=inplace, RENAME drops the other sessions that have the mailbox selected: their next commands fail",
       "rename=inplace"},
      {Bug::RenameLeavesChildren, "rename-leaves-children", "model", "MBX-4",
       "RENAME skips the children that another session has selected, leaving them under the old name"},
      {Bug::RenameInboxKeepsDeleted, "rename-inbox-keeps-deleted", "model", "MBX-5",
       "RENAME INBOX while another session has INBOX selected moves only messages without \\Deleted and leaves the rest in INBOX"},
      {Bug::NotifyCreateDeleteLost, "notify-create-delete-lost", "model", "NTF-9",
       "a mailbox created and deleted between two deliveries to a NOTIFY watcher yields no MailboxName events at all"},
      {Bug::NotifyStatusMissingUidvalidity, "notify-status-missing-uidvalidity", "model", "NTF-4",
       "NOTIFY SET STATUS omits UIDVALIDITY from the initial STATUS of mailboxes another session has selected"},
      {Bug::NotifyOwnChange, "notify-own-change", "model", "NTF-10",
       "message events skip the mailbox's previous writer instead of the current one, so when two sessions change a mailbox in turn the second is notified of its own change"},
      {Bug::PipelineReorder, "pipeline-reorder", "server", "SEQ-12",
       "a pipelined command starts before the previous command's output is queued, so STORE \\Deleted then EXPUNGE can run out of order"},
      {Bug::PushDelayed, "push-delayed", "server", "NTF-2",
       "a change committed while an IDLE/NOTIFY connection is writing is not pushed until some later event"},
      {Bug::ExpungeBetweenFetchBatches, "expunge-between-fetch-batches", "server", "SEQ-2",
       "a pending NOTIFY/IDLE delivery is written between the output batches of a long FETCH, putting EXPUNGE inside its answer"},
      {Bug::IdleDoneDropsUpdates, "idle-done-drops-updates", "server", "NTF-1",
       "on DONE the updates queued during IDLE are discarded instead of sent before the tagged OK"},
      {Bug::NotifyAfterRevoke, "notify-after-revoke", "model", "ACC-2",
       "NOTIFY checks the 'l' and 'r' rights only when NOTIFY SET runs, so a user whose rights another session revoked keeps getting STATUS events for the mailbox"},
  };
  return catalogue;
}

const BugInfo* find_bug(std::string_view name) {
  for (const auto& info : bug_catalogue())
    if (name == info.name) return &info;
  return nullptr;
}

const BugInfo& bug_info(Bug bug) {
  for (const auto& info : bug_catalogue())
    if (info.bug == bug) return info;
  return bug_catalogue().front();  // unreachable: every Bug has a catalogue entry
}

std::string BugSet::to_string() const {
  std::string out;
  for (const auto& info : bug_catalogue()) {
    if (!has(info.bug)) continue;
    if (!out.empty()) out += ',';
    out += info.name;
  }
  return out;
}

std::optional<BugSet> BugSet::parse(std::string_view names, std::string* error) {
  BugSet set;
  while (!names.empty()) {
    auto comma = names.find(',');
    auto name = names.substr(0, comma);
    names = comma == std::string_view::npos ? std::string_view{} : names.substr(comma + 1);
    if (name.empty()) continue;
    const BugInfo* info = find_bug(name);
    if (!info) {
      if (error) *error = "unknown bug '" + std::string(name) + "' (imaplab bugs lists them)";
      return std::nullopt;
    }
    set.add(info->bug);
  }
  return set;
}

}  // namespace imaplab::model
