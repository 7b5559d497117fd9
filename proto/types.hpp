// Value types shared by IMAP commands and responses (RFC 3501 §9): sequence sets, dates, flags, FETCH and
// SEARCH vocabulary, NOTIFY filters (RFC 5465 §8). Pure values with equality, so parse(write(x)) == x holds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imaplab::proto {

// One element of a sequence set as written: `first:last` (first may exceed last), or a single number when
// first == last. The value 0 stands for `*` (RFC 3501 §9 seq-number), which is never a valid number itself.
struct SeqRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  bool operator==(const SeqRange&) const = default;
};
inline constexpr std::uint32_t seq_star = 0;

// A sequence set (RFC 3501 §9 sequence-set). `ranges` keeps the order and form the client wrote.
struct SequenceSet {
  std::vector<SeqRange> ranges;
  bool operator==(const SequenceSet&) const = default;
  // True when n lies in the set once `*` is read as `star` (the largest number or UID in use).
  bool contains(std::uint32_t n, std::uint32_t star) const;
};

// date (RFC 3501 §9: date-day "-" date-month "-" date-year), used by SEARCH.
struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  bool operator==(const Date&) const = default;
  auto operator<=>(const Date&) const = default;
};

// date-time (RFC 3501 §9), used by APPEND and INTERNALDATE.
struct DateTime {
  Date date;
  int hour = 0, minute = 0, second = 0;
  int zone_minutes = 0;  // offset east of UTC, e.g. -0800 is -480
  bool operator==(const DateTime&) const = default;
};

// section-spec (RFC 3501 §9) of BODY[...] and BODY.PEEK[...].
struct Section {
  enum class Text { None, Header, HeaderFields, HeaderFieldsNot, Text, Mime };
  std::vector<std::uint32_t> part;   // e.g. 1.2.3; empty for the whole message
  Text text = Text::None;
  std::vector<std::string> fields;   // HEADER.FIELDS (NOT) names, as written
  bool operator==(const Section&) const = default;
};

// <origin.length> of BODY[section]<...> in a FETCH command.
struct Partial {
  std::uint32_t origin = 0;
  std::uint32_t length = 0;
  bool operator==(const Partial&) const = default;
};

// One fetch-att of a FETCH command (RFC 3501 §6.4.5; MODSEQ from RFC 4551 §3.3.2).
struct FetchAtt {
  enum class Kind {
    Envelope, Flags, InternalDate, Rfc822, Rfc822Header, Rfc822Size, Rfc822Text,
    Body,            // BODY without a section: the non-extensible BODYSTRUCTURE
    BodyStructure,
    Uid,
    BodySection,     // BODY[section]<partial> and BODY.PEEK[section]<partial>
    ModSeq,
  };
  Kind kind = Kind::Flags;
  bool peek = false;               // BODY.PEEK
  Section section;                 // BodySection only
  std::optional<Partial> partial;  // BodySection only
  bool operator==(const FetchAtt&) const = default;
};

// The FETCH macros ALL, FAST and FULL (RFC 3501 §6.4.5), kept as written.
enum class FetchMacro { None, All, Fast, Full };

// Status data items (RFC 3501 §6.3.10; HIGHESTMODSEQ from RFC 4551 §3.6).
enum class StatusItem { Messages, Recent, UidNext, UidValidity, Unseen, HighestModSeq };

// A SEARCH key (RFC 3501 §6.4.4; MODSEQ from RFC 4551 §3.4). One flat struct: `kind` says which fields count.
struct SearchKey {
  enum class Kind {
    All, Answered, Bcc, Before, Body, Cc, Deleted, Draft, Flagged, From, Header, Keyword, Larger, New, Not,
    Old, On, Or, Recent, Seen, SentBefore, SentOn, SentSince, Since, Smaller, Subject, Text, To, Uid,
    Unanswered, Undeleted, Undraft, Unflagged, Unkeyword, Unseen, SequenceSet, And /* parenthesized list */,
    ModSeq,
  };
  Kind kind = Kind::All;
  std::string field;          // Header: the field name
  std::string value;          // string argument; Keyword/Unkeyword: the flag
  Date date;                  // Before/On/Since/Sent*
  std::uint64_t number = 0;   // Larger/Smaller size; ModSeq mod-sequence
  SequenceSet set;            // Uid and SequenceSet
  std::vector<SearchKey> children;  // Not: 1, Or: 2, And: >= 1
  bool operator==(const SearchKey&) const = default;
};

// NOTIFY (RFC 5465 §8, and the seed draft's names).
enum class NotifyEventKind {
  MessageNew, MessageExpunge, FlagChange, AnnotationChange, MailboxName, SubscriptionChange,
  MailboxMetadataChange, ServerMetadataChange,
  MailboxCreate, MailboxDelete, MailboxRename,  // seed draft; aliases of MailboxName in the model
  QuotaExceed, QuotaWithin, QuotaChange,
  Other,                                        // an unknown event name, kept in `name` (answered BADEVENT)
};
struct NotifyEvent {
  NotifyEventKind kind = NotifyEventKind::MessageNew;
  std::string name;                 // Other only: the name as written
  std::vector<FetchAtt> fetch_atts; // MessageNew only: the optional fetch attributes
  bool operator==(const NotifyEvent&) const = default;
};
struct NotifyFilter {
  enum class Kind { Selected, SelectedDelayed, Inboxes, Personal, Subscribed, Subtree, Mailboxes };
  Kind kind = Kind::Selected;
  std::vector<std::string> mailboxes;  // Subtree and Mailboxes: decoded names
  bool operator==(const NotifyFilter&) const = default;
};
struct NotifyEventGroup {
  NotifyFilter filter;
  std::optional<std::vector<NotifyEvent>> events;  // nullopt: NONE
  bool operator==(const NotifyEventGroup&) const = default;
};

}  // namespace imaplab::proto
