// The bug zoo's catalogue and the name <-> switch conversions.
#include "model/bugs.hpp"

namespace imaplab::model {

const std::vector<BugInfo>& bug_catalogue() {
  static const std::vector<BugInfo> catalogue{
      {Bug::ExpungeDuringFetch, "expunge-during-fetch", "model", "SEQ-2",
       "pending EXPUNGEs of other sessions are sent while answering FETCH, STORE or SEARCH (RFC 3501 section 7.4.1 forbids it)"},
      {Bug::ExpungePastCount, "expunge-past-count", "model", "SEQ-3",
       "EXPUNGE numbers are computed against the mailbox's live numbering, not the session's view, so they can exceed the count the client knows"},
      {Bug::FetchBeforeExists, "fetch-before-exists", "model", "SEQ-4",
       "FETCH answers include a message another session appended before this session was sent the EXISTS for it"},
      {Bug::SharedMsn, "shared-msn", "model", "SEQ-9",
       "sequence numbers resolve against the mailbox's live state, so another session's EXPUNGE renumbers this session's messages before it is told"},
      {Bug::StarStaleMax, "star-stale-max", "model", "SEQ-15",
       "'*' and 'n:*' resolve against the message count at SELECT time instead of the session's current view"},
      {Bug::UidReuseAfterExpunge, "uid-reuse-after-expunge", "model", "UID-2",
       "UIDNEXT is recomputed as highest existing UID + 1, so expunging the newest message lets its UID be handed out again"},
      {Bug::UidvalidityReuseOnRecreate, "uidvalidity-reuse-on-recreate", "model", "UID-3",
       "DELETE then CREATE of the same name restarts UIDs at 1 under the old UIDVALIDITY"},
      {Bug::RenameReusesUidvalidity, "rename-reuses-uidvalidity", "model", "UID-3",
       "RENAME onto a name that was deleted gives the mailbox that name's old UIDVALIDITY, while UIDs restart"},
      {Bug::RecentTwice, "recent-twice", "model", "FLG-4",
       "a new message is \\Recent in every session that selects the mailbox, not just one"},
      {Bug::FlagOverwrite, "flag-overwrite", "model", "FLG-3",
       "+FLAGS/-FLAGS write back the whole flag list computed from the session's stale view, so a concurrent change from another session is lost"},
      {Bug::FlagUpdatesDropped, "flag-updates-dropped", "model", "FLG-2",
       "flag changes made by other sessions are never reported to a session that has the mailbox selected"},
      {Bug::ModseqNotBumpedOnExpunge, "modseq-not-bumped-on-expunge", "model", "MOD-3",
       "EXPUNGE and CLOSE remove messages without raising HIGHESTMODSEQ"},
      {Bug::CopyDropsExpunged, "copy-drops-expunged", "model", "CPY-3",
       "COPY of a set with messages another session expunged copies the rest and says OK, as if the lock were released between choosing and copying"},
      {Bug::CopyFailPartial, "copy-fail-partial", "model", "CPY-1",
       "a COPY that fails part way leaves the messages copied before the failure in the destination"},
      {Bug::MoveDuplicates, "move-duplicates", "model", "CPY-4",
       "MOVE of a message another session already expunged or moved still adds it to the destination"},
      {Bug::GhostRefcountOffByOne, "ghost-refcount-off-by-one", "model", "MBX-2",
       "a deleted mailbox's holder count drops twice on CLOSE, so its name can be re-created while a session still works in it"},
      {Bug::RenameForgetsHolders, "rename-forgets-holders", "model", "MBX-3",
       "RENAME in place drops the sessions that have the mailbox selected: their next commands fail"},
      {Bug::RenameLeavesChildren, "rename-leaves-children", "model", "MBX-4",
       "RENAME moves the mailbox but not its children"},
      {Bug::RenameInboxKeepsDeleted, "rename-inbox-keeps-deleted", "model", "MBX-5",
       "RENAME INBOX moves only messages without \\Deleted and leaves the rest in INBOX"},
      {Bug::NotifyCreateDeleteLost, "notify-create-delete-lost", "model", "NTF-9",
       "a mailbox created and deleted between two deliveries to a NOTIFY watcher yields no MailboxName events at all"},
      {Bug::NotifyStatusMissingUidvalidity, "notify-status-missing-uidvalidity", "model", "NTF-4",
       "NOTIFY SET STATUS omits UIDVALIDITY from the initial STATUS responses"},
      {Bug::NotifyOwnChange, "notify-own-change", "model", "NTF-10",
       "a NOTIFY client is notified about flag changes and new messages it caused itself"},
      {Bug::PipelineReorder, "pipeline-reorder", "server", "SEQ-12",
       "a pipelined command starts before the previous command's output is queued, so STORE \\Deleted then EXPUNGE can run out of order"},
      {Bug::PushDelayed, "push-delayed", "server", "NTF-2",
       "a change committed while an IDLE/NOTIFY connection is writing is not pushed until some later event"},
      {Bug::ExpungeBetweenFetchBatches, "expunge-between-fetch-batches", "server", "SEQ-2",
       "a pending NOTIFY/IDLE delivery is written between the output batches of a long FETCH, putting EXPUNGE inside its answer"},
      {Bug::IdleDoneDropsUpdates, "idle-done-drops-updates", "server", "NTF-1",
       "on DONE the updates queued during IDLE are discarded instead of sent before the tagged OK"},
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
