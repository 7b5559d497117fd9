// The IMAP server response as a value (RFC 3501 §7 and extensions): what the model and server produce, what
// the response writer serializes, and what the response parser gives clients and checkers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/types.hpp"

namespace imaplab::proto {

// A parenthesized IMAP value in a FETCH response: ENVELOPE, BODY and BODYSTRUCTURE are kept in this generic
// form (NIL, number, string, list), which round-trips byte-exactly and is what checkers compare.
struct SValue {
  enum class Kind { Nil, Number, String, List };
  Kind kind = Kind::Nil;
  std::uint64_t number = 0;
  std::string string;
  std::vector<SValue> list;
  bool operator==(const SValue&) const = default;

  static SValue nil() { return {}; }
  static SValue num(std::uint64_t n) { SValue v; v.kind = Kind::Number; v.number = n; return v; }
  static SValue str(std::string s) { SValue v; v.kind = Kind::String; v.string = std::move(s); return v; }
  static SValue nstr(const std::optional<std::string>& s) { return s ? str(*s) : nil(); }
  static SValue lst(std::vector<SValue> l) { SValue v; v.kind = Kind::List; v.list = std::move(l); return v; }
};

// A response code in brackets (RFC 3501 §7.1, RFC 4315 §3, RFC 4551, RFC 5465, RFC 5530).
struct ResponseCode {
  // Upper-cased atom, e.g. "ALERT", "UIDNEXT", "COPYUID", "NOTIFICATIONOVERFLOW", "INUSE", "EXPUNGEISSUED".
  std::string name;
  // UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ; APPENDUID and COPYUID: the destination UIDVALIDITY.
  std::optional<std::uint64_t> number;
  // PERMANENTFLAGS, BADCHARSET, CAPABILITY: the list; NEWNAME: {old, new}; BADEVENT: event names.
  std::vector<std::string> list;
  SequenceSet set1;  // APPENDUID: assigned UIDs; COPYUID: source UIDs; MODIFIED: the set
  SequenceSet set2;  // COPYUID: destination UIDs
  std::string text;  // an unknown code's raw text after its name (without the leading space)
  bool operator==(const ResponseCode&) const = default;
};

enum class Condition { Ok, No, Bad, Bye, Preauth };

// tag OK/NO/BAD [code] text, and untagged OK/NO/BAD/BYE/PREAUTH.
struct StatusResponse {
  Condition condition = Condition::Ok;
  std::optional<ResponseCode> code;
  std::string text;
  bool operator==(const StatusResponse&) const = default;
};

// LIST and LSUB (RFC 3501 §7.2.2, RFC 5258 §9 extended data such as ("OLDNAME" ("old"))).
struct ListData {
  bool lsub = false;
  std::vector<std::string> attributes;  // as written, e.g. "\\Noselect", "\\NonExistent", "\\Subscribed"
  std::optional<char> delimiter;        // nullopt: NIL
  std::string mailbox;                  // decoded
  std::optional<std::string> old_name;  // RFC 5465 §5.4 / RFC 5258 OLDNAME extended item
  std::vector<std::string> child_info;  // RFC 5258 CHILDINFO
  bool operator==(const ListData&) const = default;
};

struct StatusData {
  std::string mailbox;
  std::vector<std::pair<StatusItem, std::uint64_t>> items;
  bool operator==(const StatusData&) const = default;
};

struct SearchData {
  std::vector<std::uint32_t> numbers;
  std::optional<std::uint64_t> modseq;  // RFC 4551 §3.5 "(MODSEQ n)"
  bool operator==(const SearchData&) const = default;
};

// One msg-att of a FETCH response (RFC 3501 §7.4.2; MODSEQ RFC 4551 §3.3.2).
struct MsgAtt {
  enum class Kind {
    Flags, Uid, InternalDate, Rfc822Size, Envelope, Body, BodyStructure, BodySection, Rfc822, Rfc822Header,
    Rfc822Text, ModSeq,
  };
  Kind kind = Kind::Flags;
  std::vector<std::string> flags;       // Flags
  std::uint64_t number = 0;             // Uid, Rfc822Size, ModSeq
  DateTime date;                        // InternalDate
  SValue value;                         // Envelope, Body, BodyStructure
  Section section;                      // BodySection
  std::optional<std::uint32_t> origin;  // BodySection "<origin>"
  std::optional<std::string> data;      // BodySection and Rfc822*: nstring (nullopt is NIL)
  bool operator==(const MsgAtt&) const = default;
};

struct FetchData {
  std::uint32_t number = 0;
  std::vector<MsgAtt> atts;
  bool operator==(const FetchData&) const = default;
};

// "* n EXISTS", "* n RECENT", "* n EXPUNGE".
struct NumberData {
  enum class Kind { Exists, Recent, Expunge };
  Kind kind = Kind::Exists;
  std::uint32_t number = 0;
  bool operator==(const NumberData&) const = default;
};

// CAPABILITY, ENABLED and FLAGS: one list of atoms each.
struct AtomsData {
  enum class Kind { Capability, Enabled, Flags };
  Kind kind = Kind::Capability;
  std::vector<std::string> atoms;
  bool operator==(const AtomsData&) const = default;
};

// VANISHED [(EARLIER)] uid-set (RFC 5162 §3.6).
struct VanishedData {
  bool earlier = false;
  SequenceSet uids;
  bool operator==(const VanishedData&) const = default;
};

// ACL, LISTRIGHTS and MYRIGHTS (RFC 4314 §3.6-3.8).
struct AclData {
  enum class Kind { Acl, ListRights, MyRights };
  Kind kind = Kind::Acl;
  std::string mailbox;
  std::vector<std::pair<std::string, std::string>> entries;  // Acl: (identifier, rights)
  std::string identifier;                                     // ListRights
  std::vector<std::string> rights;                            // ListRights: required then optional; MyRights: one
  bool operator==(const AclData&) const = default;
};

// NAMESPACE (RFC 2342): three lists of (prefix, delimiter) or NIL.
struct NamespaceData {
  struct Entry {
    std::string prefix;
    std::optional<char> delimiter;
    bool operator==(const Entry&) const = default;
  };
  std::optional<std::vector<Entry>> personal, other, shared;
  bool operator==(const NamespaceData&) const = default;
};

// "+ text" continuation request.
struct ContinuationData {
  std::string text;
  bool operator==(const ContinuationData&) const = default;
};

using ResponseBody = std::variant<StatusResponse, ListData, StatusData, SearchData, FetchData, NumberData,
                                  AtomsData, VanishedData, AclData, NamespaceData, ContinuationData>;

struct Response {
  // Tagged responses carry the command's tag; untagged ones have an empty tag and `untagged` true.
  // A ContinuationData body is neither (`untagged` false, empty tag).
  std::string tag;
  bool untagged = true;
  ResponseBody body;
  bool operator==(const Response&) const = default;
};

}  // namespace imaplab::proto
