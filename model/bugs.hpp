// The bug zoo: named, realistic race bugs that can be switched on in the model or the server, to measure how
// fast imaplab finds them (`imaplab bugs`, `--bug NAME`, `imaplab bench-detect`). Each is the kind of mistake a
// real server made. A switched-off bug costs one bit test on its code path.
#pragma once
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imaplab::model {

// One entry per bug; the catalogue (bugs.cpp) gives each a name, a one-line description and the rule it breaks.
enum class Bug : std::uint8_t {
  ExpungeDuringFetch,  // model: SEQ-2
  ExpungePastCount,  // model: SEQ-3
  FetchBeforeExists,  // model: SEQ-4
  SharedMsn,  // model: SEQ-9
  StarStaleMax,  // model: SEQ-15
  UidReuseAfterExpunge,  // model: UID-2
  UidvalidityReuseOnRecreate,  // model: UID-3
  RenameReusesUidvalidity,  // model: UID-3
  RecentTwice,  // model: FLG-4
  FlagOverwrite,  // model: FLG-3
  FlagUpdatesDropped,  // model: FLG-2
  ModseqNotBumpedOnExpunge,  // model: MOD-3
  CopyDropsExpunged,  // model: CPY-3
  CopyFailPartial,  // model: CPY-1
  MoveDuplicates,  // model: CPY-4
  GhostRefcountOffByOne,  // model: MBX-2
  RenameForgetsHolders,  // model: MBX-3
  RenameLeavesChildren,  // model: MBX-4
  RenameInboxKeepsDeleted,  // model: MBX-5
  NotifyCreateDeleteLost,  // model: NTF-9
  NotifyStatusMissingUidvalidity,  // model: NTF-4
  NotifyOwnChange,  // model: NTF-10
  PipelineReorder,  // server: SEQ-12
  PushDelayed,  // server: NTF-2
  ExpungeBetweenFetchBatches,  // server: SEQ-2
  IdleDoneDropsUpdates,  // server: NTF-1
  NotifyAfterRevoke,  // model: ACC-2
  UidExpungeIgnoresSet,  // model: EXP-4
  CloseExpungesReadOnly,  // model: EXP-4
  UndeleteStillExpunged,  // model: EXP-4
  UnchangedSinceInclusive,  // model: MOD-5
  StoreFetchStaleFlags,  // model: SEQ-9
  PartialOffByOne,  // model: SEQ-9
  RenameNoNameList,  // model: NTF-9
  NotifySubtreePrefix,  // model: NTF-8
  NotifyPersonalShared,  // model: NTF-8
  UnsubscribeKept,  // model: MBX-6
  IdleFlagsAtDone,  // model: NTF-2
  CopyIgnoresInsertRight,  // model: ACC-3
  ExpungeIgnoresExpungeRight,  // model: ACC-3
  CloseUnselected,  // model: ACC-4
  DeleteTakesChildren,  // model: MBX-1
  CopyDropsFlags,  // model: CPY-5
  CopyResetsInternalDate,  // model: CPY-5
  ExamineClaimsRecent,  // model: FLG-4
  NeverRecent,  // model: FLG-4
  UidSearchReturnsMsns,  // model: SRC-1
  SearchSinceExclusive,  // model: SRC-1
  StatusMessagesSkipDeleted,  // model: STA-1
  SelectUnseenOffByOne,  // model: STA-2
  NotifyExpungeStatusMissing,  // model: NTF-2
  SilentSilencesOthers,  // model: FLG-2
  AppendIgnoresDate,  // model: APP-1
  AppendDropsFlags,  // model: APP-1
  SeenFetchWithoutFlags,  // model: FLG-5
  ExamineSetsSeen,  // model: FLG-6
  FlagUpdateDropsRecent,  // model: FLG-4
  UnselectExpunges,  // model: EXP-4
  ListPercentCrossesDelimiter,  // model: LST-1
  ListNoselectMissing,  // model: LST-2
  DeleteDropsPlaceholder,  // model: MBX-1
  SubscriptionNotifyOthers,  // model: MBX-6
  StoreKeepsMessageModseq,  // model: MOD-1
  ChangedSinceInclusive,  // model: MOD-6
  EnableCondstoreIgnored,  // model: MOD-2
  SearchNewIgnoresSeen,  // model: SRC-1
  SearchModseqExclusive,  // model: SRC-1
  StatusRecentZero,  // model: STA-1
  LogoutWithoutBye,  // model: SES-1
  LogoutClosesEarly,  // server: SES-1
  MoveWithoutCopyuid,  // model: CPY-6
  NotifyOwnAppendFetch,  // model: NTF-10
  LiteralNoContinuation,  // server: SES-2
  IdleEndsOnAnyLine,  // server: NTF-1
  SilentCondstoreNoFetch,  // model: MOD-7
  ExamineSaysReadWrite,  // model: STA-2
  UidStoreFetchWithoutUid,  // model: SEQ-11
  CloseSendsExpunge,  // model: EXP-5
  AppendWithoutTrycreate,  // model: CPY-7
  StatusRecentSelectedUnclaimed,  // model: STA-1
  AclAnyoneReplaced,  // model: ACC-5
  ReversedRangeEmpty,  // model: SEQ-16
  UidStarPastMaxEmpty,  // model: SEQ-16
  SearchBodyMatchesHeader,  // model: SRC-1
  SentSinceInternalDate,  // model: SRC-1
  SearchLargerInclusive,  // model: SRC-1
  EnvelopeReplyToNil,  // model: SEQ-9
  BodyExtensionData,  // model: SEQ-9
  PeekSetsSeen,  // model: FLG-7
  BodyLinesOffByOne,  // model: SEQ-9
  PartWithMimeHeader,  // model: SEQ-9
  HeaderWithoutBlankLine,  // model: SEQ-9
  HeaderFieldsCaseSensitive,  // model: SEQ-9
  PartialIgnoresLength,  // model: SEQ-9
  Rfc822TextWhole,  // model: SEQ-9
  InternalDateDropsZone,  // model: SEQ-9
  SetaclNeedsLookup,  // model: ACC-3
  HasChildrenCountsHidden,  // model: LST-2
  InsertRightSelectsReadOnly,  // model: ACC-6
  DonePipelinedStalls,  // server: SES-2
  TaggedParseErrorUntaggedBad,  // server: SES-2
  IdleStartHoldsUpdates,  // server+model: NTF-2
  NewKeywordNoFlags,  // model: FLG-8
  ChangedsinceWithoutModseq,  // model: MOD-6
  CapabilityWithoutImap4rev1,  // model: SES-4
  ListDropsLastMatch,  // model: LST-3
  CreateSkipsParents,  // model: MBX-7
  AppendIntoNoselect,  // model: APP-2
  MoveIgnoresExpungeRight,  // model: ACC-3
  StoreIgnoresFlagRights,  // model: ACC-3
  DeleteIgnoresDeleteRight,  // model: ACC-3
  SetaclPlusReplaces,  // model: ACC-7
  SearchModseqWrongValue,  // model: MOD-8
  FetchModseqNotEnabling,  // model: MOD-2
  NotifyStatusMissingUidnext,  // model: NTF-13
  DoneCaseSensitive,  // server: SES-2
  NotifyParentListMissing,  // model: NTF-9
  NotifyLRightSilent,  // model: NTF-9
  DrainForgetsDelivery,  // server: SES-5
};

struct BugInfo {
  Bug bug;
  const char* name;         // kebab-case, e.g. "expunge-during-fetch"
  const char* layer;        // "model" or "server"
  const char* rule;         // the INVARIANTS.md rule a checker should report, e.g. "SEQ-2"
  const char* description;  // one line
  // The policy fields the bug's code path sits on, in `imaplab hunt --policy` syntax (e.g. "delete=ghost"), or
  // nullptr when any policy can show it. Hunts with the bug planted sweep only the policies that have them.
  const char* needs = nullptr;
};

const std::vector<BugInfo>& bug_catalogue();
const BugInfo* find_bug(std::string_view name);
const BugInfo& bug_info(Bug bug);

// The bugs switched on for one server or run (at most bugs_max).
class BugSet {
 public:
  static constexpr std::size_t bugs_max = 192;  // Bug values a set can hold (the catalogue outgrew 64, then 128)
  bool has(Bug bug) const { return bits_[static_cast<std::size_t>(bug)]; }
  void add(Bug bug) { bits_.set(static_cast<std::size_t>(bug)); }
  bool empty() const { return bits_.none(); }
  bool operator==(const BugSet&) const = default;
  // "name,name" in catalogue order; empty when none.
  std::string to_string() const;
  // From "name,name" (or empty); nullopt and `error` for an unknown name.
  static std::optional<BugSet> parse(std::string_view names, std::string* error = nullptr);

 private:
  std::bitset<bugs_max> bits_;
};

}  // namespace imaplab::model
