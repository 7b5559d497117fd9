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
      {Bug::UidExpungeIgnoresSet, "uid-expunge-ignores-set", "model", "EXP-4",
       "UID EXPUNGE ignores its UID set and removes every message with \\Deleted, as a plain EXPUNGE would (RFC 4315 section 2.1)"},
      {Bug::CloseExpungesReadOnly, "close-expunges-read-only", "model", "EXP-4",
       "CLOSE expunges the \\Deleted messages even when the mailbox was selected by EXAMINE (RFC 3501 section 6.4.2)"},
      {Bug::UndeleteStillExpunged, "undelete-still-expunged", "model", "EXP-4",
       "STORE -FLAGS \\Deleted leaves the message in the deleted index, so the next EXPUNGE removes it anyway"},
      {Bug::UnchangedSinceInclusive, "unchangedsince-inclusive", "model", "MOD-5",
       "STORE (UNCHANGEDSINCE n) refuses messages whose mod-sequence equals n, not only those above it (RFC 4551 section 3.2)"},
      {Bug::StoreFetchStaleFlags, "store-fetch-stale-flags", "model", "SEQ-9",
       "the FETCH that STORE returns shows the message's flags from before the STORE (RFC 3501 section 6.4.6)"},
      {Bug::PartialOffByOne, "partial-off-by-one", "model", "SEQ-9",
       "BODY[section]<o.l> returns the data starting at octet o+1 instead of o (RFC 3501 section 6.4.5)"},
      {Bug::RenameNoNameList, "rename-no-name-list", "model", "NTF-9",
       "RENAME of a mailbox other than INBOX sends no MailboxName LIST to the NOTIFY watchers of the old or new name"},
      {Bug::NotifySubtreePrefix, "notify-subtree-prefix", "model", "NTF-8",
       "a NOTIFY SUBTREE filter matches every name that starts with the root, so \"work2\" is watched as if under \"work\""},
      {Bug::NotifyPersonalShared, "notify-personal-shared", "model", "NTF-8",
       "the NOTIFY \"personal\" filter also matches the shared mailboxes, which belong to no user's personal namespace"},
      {Bug::UnsubscribeKept, "unsubscribe-kept", "model", "MBX-6",
       "UNSUBSCRIBE answers OK but leaves the name in the subscription list, so LSUB still shows it"},
      {Bug::IdleFlagsAtDone, "idle-flags-at-done", "model", "NTF-2",
       "a plain IDLE (no NOTIFY) is sent other sessions' flag changes only when it ends with DONE, not while it idles"},
      {Bug::CopyIgnoresInsertRight, "copy-ignores-insert-right", "model", "ACC-3",
       "COPY and MOVE do not check the 'i' right on the destination, so a user whose 'i' was revoked still adds messages (RFC 4314 section 4)"},
      {Bug::ExpungeIgnoresExpungeRight, "expunge-ignores-expunge-right", "model", "ACC-3",
       "EXPUNGE does not check the 'e' right, so a user whose 'e' was revoked still expunges (RFC 4314 section 4)"},
      {Bug::CloseUnselected, "close-unselected", "model", "ACC-4",
       "CLOSE is accepted in the Authenticated state and answered OK, though it is valid only in the Selected state (RFC 3501 section 6.4.2)"},
      {Bug::DeleteTakesChildren, "delete-takes-children", "model", "MBX-1",
       "DELETE of a mailbox with inferior names also deletes the inferiors instead of leaving a \\Noselect placeholder (RFC 3501 section 6.3.4)"},
      {Bug::CopyDropsFlags, "copy-drops-flags", "model", "CPY-5",
       "COPY and MOVE give the new messages no flags instead of the source's (RFC 3501 section 6.4.7 SHOULD preserve them)"},
      {Bug::CopyResetsInternalDate, "copy-resets-internal-date", "model", "CPY-5",
       "COPY and MOVE give the new messages the current time as INTERNALDATE instead of the source's (RFC 3501 section 6.4.7)"},
      {Bug::ExamineClaimsRecent, "examine-claims-recent", "model", "FLG-4",
       "EXAMINE takes the unclaimed \\Recent messages like SELECT, so the next read-write SELECT never sees them as \\Recent (RFC 3501 section 6.3.2)"},
      {Bug::NeverRecent, "never-recent", "model", "FLG-4",
       "a new message is marked claimed the moment it arrives, so no session, not even one with the mailbox selected read-write, ever sees it as \\Recent"},
      {Bug::UidSearchReturnsMsns, "uid-search-returns-msns", "model", "SRC-1",
       "UID SEARCH answers message sequence numbers instead of UIDs (RFC 3501 section 6.4.8)"},
      {Bug::SearchSinceExclusive, "search-since-exclusive", "model", "SRC-1",
       "SEARCH SINCE leaves out the messages whose internal date is the given day (RFC 3501 section 6.4.4: \"within or later than\")"},
      {Bug::StatusMessagesSkipDeleted, "status-messages-skip-deleted", "model", "STA-1",
       "STATUS MESSAGES leaves out the messages with \\Deleted (RFC 3501 section 6.3.10: the number of messages in the mailbox)"},
      {Bug::SelectUnseenOffByOne, "select-unseen-off-by-one", "model", "STA-2",
       "SELECT's [UNSEEN n] gives the first unseen message's number minus one (RFC 3501 section 7.1)"},
      {Bug::NotifyExpungeStatusMissing, "notify-expunge-status-missing", "model", "NTF-2",
       "an expunge in a mailbox other than the selected one sends no STATUS to the NOTIFY watchers of that mailbox, although they asked for MessageExpunge (RFC 5465 section 5.3)"},
      {Bug::SilentSilencesOthers, "silent-silences-others", "model", "FLG-2",
       "STORE .SILENT also silences the other sessions: their views are not told of the flag change (RFC 3501 section 6.4.6: .SILENT suppresses only this command's FETCH)"},
      {Bug::AppendIgnoresDate, "append-ignores-date", "model", "APP-1",
       "APPEND gives the new message the current time as INTERNALDATE, ignoring its date-time argument (RFC 3501 section 6.3.11: the internal date SHOULD be set)"},
      {Bug::AppendDropsFlags, "append-drops-flags", "model", "APP-1",
       "APPEND stores the new message without the flags of its flag list (RFC 3501 section 6.3.11: the flags SHOULD be set)"},
      {Bug::SeenFetchWithoutFlags, "seen-fetch-without-flags", "model", "FLG-5",
       "a BODY[]/RFC822 FETCH sets \\Seen but does not add FLAGS to its FETCH response (RFC 3501 section 6.4.5: the changed flags SHOULD be included)"},
      {Bug::ExamineSetsSeen, "examine-sets-seen", "model", "FLG-6",
       "a BODY[]/RFC822 FETCH sets \\Seen also in a mailbox selected by EXAMINE (RFC 3501 section 6.3.2: no change to the permanent state is permitted)"},
      {Bug::FlagUpdateDropsRecent, "flag-update-drops-recent", "model", "FLG-4",
       "the FETCH FLAGS telling a session of a flag change leave out \\Recent, which the session still holds (RFC 3501 section 2.3.2)"},
      {Bug::UnselectExpunges, "unselect-expunges", "model", "EXP-4",
       "UNSELECT removes the \\Deleted messages like CLOSE (RFC 3691 section 2: UNSELECT closes the mailbox without expunging)"},
      {Bug::ListPercentCrossesDelimiter, "list-percent-crosses-delimiter", "model", "LST-1",
       "LIST and LSUB let '%' match the hierarchy delimiter, so \"a/%\" also lists \"a/b/c\" (RFC 3501 section 6.3.8: '%' does not match a level of hierarchy)"},
      {Bug::ListNoselectMissing, "list-noselect-missing", "model", "LST-2",
       "LIST leaves \\Noselect off a deleted name kept for its inferiors (RFC 3501 section 6.3.4: it \"will acquire the \\Noselect name attribute\")"},
      {Bug::DeleteDropsPlaceholder, "delete-drops-placeholder", "model", "MBX-1",
       "DELETE of a name with inferiors removes the name itself instead of keeping it as \\Noselect (RFC 3501 section 6.3.4)"},
      {Bug::SubscriptionNotifyOthers, "subscription-notify-others", "model", "MBX-6",
       "a SUBSCRIBE/UNSUBSCRIBE pushes the SubscriptionChange LIST to other users' NOTIFY sessions too (RFC 5465 section 5.5: the user's own subscription list)"},
      {Bug::StoreKeepsMessageModseq, "store-keeps-message-modseq", "model", "MOD-1",
       "STORE raises HIGHESTMODSEQ but leaves the changed message's own mod-sequence as it was (RFC 4551 sections 3.1.1, 3.2: a successful STORE MUST update the message's mod-sequence)"},
      {Bug::ChangedSinceInclusive, "changedsince-inclusive", "model", "MOD-6",
       "FETCH (CHANGEDSINCE n) also returns the messages whose mod-sequence equals n, not only those above it (RFC 4551 section 3.3.1: \"bigger than\")"},
      {Bug::EnableCondstoreIgnored, "enable-condstore-ignored", "model", "MOD-2",
       "ENABLE CONDSTORE answers ENABLED CONDSTORE but does not enable it, so later untagged FETCH FLAGS lack MODSEQ (RFC 4551 section 3.1; RFC 5161 section 3.1)"},
      {Bug::SearchNewIgnoresSeen, "search-new-ignores-seen", "model", "SRC-1",
       "SEARCH NEW matches every \\Recent message, also those with \\Seen (RFC 3501 section 6.4.4: NEW is RECENT UNSEEN)"},
      {Bug::SearchModseqExclusive, "search-modseq-exclusive", "model", "SRC-1",
       "SEARCH MODSEQ n leaves out the messages whose mod-sequence equals n (RFC 4551 section 3.4: \"equal to or greater than\")"},
      {Bug::StatusRecentZero, "status-recent-zero", "model", "STA-1",
       "STATUS RECENT of a mailbox the session has not selected answers 0 instead of the number of \\Recent messages no session has claimed (RFC 3501 section 6.3.10)"},
      {Bug::LogoutWithoutBye, "logout-without-bye", "model", "SES-1",
       "LOGOUT is answered with the tagged OK only, without the untagged BYE (RFC 3501 section 6.1.3: the server MUST send a BYE untagged response before the (tagged) OK response)"},
      {Bug::LogoutClosesEarly, "logout-closes-early", "server", "SES-1",
       "after LOGOUT the connection is closed at once instead of when its output is flushed, so BYE and the tagged OK still queued for a slow reader are lost (RFC 3501 section 6.1.3)"},
      {Bug::MoveWithoutCopyuid, "move-without-copyuid", "model", "CPY-6",
       "MOVE moves the messages but sends no COPYUID (RFC 6851 section 4.3: servers supporting UIDPLUS SHOULD send COPYUID in response to a UID MOVE)"},
      {Bug::NotifyOwnAppendFetch, "notify-own-append-fetch", "model", "NTF-10",
       "a NOTIFY SELECTED MessageNew session is sent the FETCH for the message its own APPEND or COPY added to the selected mailbox (RFC 5465 section 5.2: SHOULD NOT be generated for a new message created by the client on this connection)"},
      {Bug::LiteralNoContinuation, "literal-no-continuation", "server", "SES-2",
       "a synchronizing literal gets no \"+\" continuation request, so a client without LITERAL+ waits for it forever (RFC 3501 section 7.5; section 2.2.1: the server sends a command continuation request response if it is ready for the octets)"},
      {Bug::IdleEndsOnAnyLine, "idle-ends-on-any-line", "server", "NTF-1",
       "any line ends IDLE with a tagged OK, not only DONE, so a client that sent a command while idling is told it completed (RFC 2177 section 3: the IDLE command is terminated by the receipt of a \"DONE\" continuation)"},
      {Bug::SilentCondstoreNoFetch, "silent-condstore-no-fetch", "model", "MOD-7",
       "STORE (UNCHANGEDSINCE n) +FLAGS.SILENT sends no untagged FETCH with MODSEQ for the messages it changed (RFC 4551 section 3.2: an untagged FETCH response MUST be sent, even if the .SILENT suffix is specified)"},
      {Bug::ExamineSaysReadWrite, "examine-says-read-write", "model", "STA-2",
       "EXAMINE's tagged OK carries [READ-WRITE] although the session is read-only (RFC 3501 section 6.3.2: the text of the tagged OK response to EXAMINE MUST begin with the [READ-ONLY] response code)"},
      {Bug::UidStoreFetchWithoutUid, "uid-store-fetch-without-uid", "model", "SEQ-11",
       "the FETCH responses of UID STORE lack the UID item (RFC 3501 section 6.4.8: the UID data item MUST be included in any FETCH response caused by a UID command)"},
      {Bug::CloseSendsExpunge, "close-sends-expunge", "model", "EXP-5",
       "CLOSE sends untagged EXPUNGE responses for the \\Deleted messages it removes (RFC 3501 section 6.4.2: no untagged EXPUNGE responses are sent)"},
      {Bug::AppendWithoutTrycreate, "append-without-trycreate", "model", "CPY-7",
       "APPEND to a mailbox that does not exist fails with NO [NONEXISTENT] instead of NO [TRYCREATE] (RFC 3501 section 6.3.11: unless it is certain the mailbox can not be created, the server MUST send [TRYCREATE])"},
      {Bug::StatusRecentSelectedUnclaimed, "status-recent-selected-unclaimed", "model", "STA-1",
       "STATUS RECENT of the session's own selected mailbox answers the count no session has claimed (0 once it claimed them) instead of the messages with \\Recent (RFC 3501 section 6.3.10)"},
      {Bug::AclAnyoneReplaced, "acl-anyone-replaced", "model", "ACC-5",
       "a user's own ACL entry replaces the \"anyone\" entry instead of adding to it, so MYRIGHTS and every right check miss the rights granted to anyone (RFC 4314 section 2: the rights are the union)"},
      {Bug::ReversedRangeEmpty, "reversed-range-empty", "model", "SEQ-16",
       "a message sequence range written high to low (\"4:2\") is not normalized and resolves to no message (RFC 3501 section 9: \"2:4 and 4:2 are equivalent\")"},
      {Bug::UidStarPastMaxEmpty, "uid-star-past-max-empty", "model", "SEQ-16",
       "a UID range \"n:*\" with n above the highest UID resolves to no message instead of the last one (RFC 3501 section 9: \"3291:* includes the UID of the last message in the mailbox, even if that value is less than 3291\")"},
      {Bug::SearchBodyMatchesHeader, "search-body-matches-header", "model", "SRC-1",
       "SEARCH BODY also matches the header (searches the whole message, like TEXT; RFC 3501 section 6.4.4: BODY is \"in the body of the message\")"},
      {Bug::SentSinceInternalDate, "sent-since-internal-date", "model", "SRC-1",
       "SEARCH SENTSINCE compares the INTERNALDATE instead of the Date: header (RFC 3501 section 6.4.4: \"whose [RFC-2822] Date: header ... is within or later than the specified date\")"},
      {Bug::SearchLargerInclusive, "search-larger-inclusive", "model", "SRC-1",
       "SEARCH LARGER n also matches a message of exactly n octets (RFC 3501 section 6.4.4: \"an [RFC-2822] size larger than the specified number of octets\")"},
      {Bug::PartWithMimeHeader, "part-with-mime-header", "model", "SEQ-9",
       "BODY[n] (a part number without section text) returns the part with its MIME header instead of its body (RFC 3501 section 6.4.5: the MIME header is BODY[n.MIME])"},
      {Bug::HeaderWithoutBlankLine, "header-without-blank-line", "model", "SEQ-9",
       "BODY[HEADER] and RFC822.HEADER leave out the blank line that ends the header (RFC 3501 section 6.4.5: \"the blank line\" is part of HEADER)"},
      {Bug::HeaderFieldsCaseSensitive, "header-fields-case-sensitive", "model", "SEQ-9",
       "BODY[HEADER.FIELDS (FROM)] matches field names case-sensitively, so \"From:\" is missed and only the blank line comes back (RFC 3501 section 6.4.5; field names are case-insensitive, RFC 2822 section 1.2.2)"},
      {Bug::PartialIgnoresLength, "partial-ignores-length", "model", "SEQ-9",
       "BODY[...]<o.l> ignores l and returns everything from octet o to the end (RFC 3501 section 6.4.5: the partial returns at most l octets)"},
      {Bug::Rfc822TextWhole, "rfc822-text-whole", "model", "SEQ-9",
       "RFC822.TEXT returns the whole message, header included, instead of its text (RFC 3501 section 6.4.5: RFC822.TEXT is BODY[TEXT])"},
      {Bug::InternalDateDropsZone, "internaldate-drops-zone", "model", "SEQ-9",
       "FETCH INTERNALDATE writes the local time with zone +0000, naming another instant than the message's internal date (RFC 3501 sections 2.3.3, 7.4.2)"},
      {Bug::EnvelopeReplyToNil, "envelope-reply-to-nil", "model", "SEQ-9",
       "FETCH ENVELOPE leaves reply-to NIL when the header has no Reply-To (RFC 3501 section 7.4.2: the server sets the corresponding member of the envelope to be the same value as the from member)"},
      {Bug::BodyExtensionData, "body-extension-data", "model", "SEQ-9",
       "FETCH BODY (and the FULL macro) answers BODYSTRUCTURE's extension data (RFC 3501 section 7.4.2: BODY is a form of BODYSTRUCTURE without extension data)"},
      {Bug::PeekSetsSeen, "peek-sets-seen", "model", "FLG-7",
       "BODY.PEEK[section] sets \\Seen like BODY[section] (RFC 3501 section 6.4.5: BODY.PEEK is an alternate form of BODY[section] that does not implicitly set the \\Seen flag)"},
      {Bug::BodyLinesOffByOne, "body-lines-off-by-one", "model", "SEQ-9",
       "BODY and BODYSTRUCTURE report one text line more than each text part has (RFC 3501 section 7.4.2: body-fld-lines is the size of the body in text lines)"},
      {Bug::SetaclNeedsLookup, "setacl-needs-lookup", "model", "ACC-3",
       "SETACL and DELETEACL check the 'l' right instead of 'a', so a user who may only see a shared mailbox can change its ACL (RFC 4314 section 4: SETACL/DELETEACL/GETACL/LISTRIGHTS need the \"a\" right)"},
      {Bug::HasChildrenCountsHidden, "has-children-counts-hidden", "model", "LST-2",
       "LIST's \\HasChildren also counts children the user has no 'l' right on, which LIST never shows (RFC 5258 section 4: \\HasChildren means a child the client can list; RFC 4314 section 4: LIST needs 'l')"},
      {Bug::InsertRightSelectsReadOnly, "insert-right-selects-read-only", "model", "ACC-6",
       "SELECT opens a mailbox read-only for a user with 'i' but none of 's', 'w', 't', 'e' (RFC 4314 section 5.2: the server SHOULD send READ-WRITE if at least one of \"i\", \"e\" or the shared flag rights is granted)"},
      {Bug::DonePipelinedStalls, "done-pipelined-stalls", "server", "SES-2",
       "after IDLE's DONE, a command the client pipelined behind it is not read until more input arrives, so it waits unanswered (RFC 2177 section 3: DONE ends IDLE; RFC 3501 section 5.5: a client MAY send another command without waiting for the completion result)"},
      {Bug::TaggedParseErrorUntaggedBad, "tagged-parse-error-untagged-bad", "server", "SES-2",
       "a command line that fails to parse but whose tag is known is answered with an untagged \"* BAD\" instead of \"TAG BAD\", so the command never gets its tagged completion (RFC 3501 section 7.1.3: when tagged, the tag indicates the command that caused the error; section 2.2.2)"},
      {Bug::IdleStartHoldsUpdates, "idle-start-holds-updates", "server", "NTF-2",
       "IDLE neither sends the updates already pending when it starts (model) nor asks for a delivery after its \"+\" (server), so they wait for the next change in the store (RFC 2177 section 3: after the continuation the server is free to send untagged EXISTS, EXPUNGE at any time; the lab's NTF-2 bound)"},
      {Bug::NewKeywordNoFlags, "new-keyword-no-flags", "model", "FLG-8",
       "a STORE that gives a message a keyword the mailbox never had sends no untagged FLAGS, so the sessions that have it selected see the keyword in FETCH FLAGS while their FLAGS list lacks it (RFC 3501 section 7.2.6: FLAGS identifies the flags that are applicable for this mailbox)"},
      {Bug::ChangedsinceWithoutModseq, "changedsince-without-modseq", "model", "MOD-6",
       "FETCH (CHANGEDSINCE n) answers without the MODSEQ item unless the client named it (RFC 4551 section 3.3.1: the CHANGEDSINCE modifier implicitly adds the MODSEQ message data item)"},
      {Bug::CapabilityWithoutImap4rev1, "capability-without-imap4rev1", "model", "SES-4",
       "the CAPABILITY response and response code leave out the atom IMAP4rev1 (RFC 3501 section 7.2.1: the capability listing MUST include the atom \"IMAP4rev1\")"},
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
