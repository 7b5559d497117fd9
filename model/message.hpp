// Message content: the immutable RFC 822 bytes of a message and what IMAP computes from them (RFC 3501
// §6.4.5, §7.4.2): ENVELOPE, BODY, BODYSTRUCTURE, BODY[section]<partial>, and SEARCH matching (§6.4.4).
// Pure functions; a message is parsed once and shared by every mailbox and session that holds it.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/response.hpp"
#include "proto/types.hpp"

namespace imaplab::model {

// The MIME structure of a message, computed once from its bytes. Opaque outside message.cpp/mime.cpp.
struct MimePart;

class MessageContent {
 public:
  // Parses any bytes; malformed MIME degrades to text/plain as RFC 2045 §5.2 suggests, never fails.
  explicit MessageContent(std::string bytes);
  ~MessageContent();

  const std::string& bytes() const { return bytes_; }
  std::uint64_t size() const { return bytes_.size(); }  // RFC822.SIZE

  // RFC 3501 §7.4.2 ENVELOPE, and BODYSTRUCTURE (extensible) or BODY: computed on first use and kept, since
  // FETCH asks for them again and again. A model, and so its messages, is used by one thread at a time.
  const proto::SValue& envelope() const;
  const proto::SValue& body_structure(bool extensible) const;
  // BODY[section] data. nullopt when the section does not exist (the caller answers with an empty string,
  // as RFC 3501 §6.4.5 leaves open; imaplab sends "").
  std::optional<std::string> section(const proto::Section& section) const;
  // The value of a header field of the top-level message (unfolded, first occurrence), for SEARCH/ENVELOPE.
  std::optional<std::string> header(std::string_view field) const;
  // The Date: header parsed, for SENTBEFORE/SENTON/SENTSINCE.
  std::optional<proto::Date> sent_date() const;
  // The MIME tree (model/mime.hpp), for SEARCH BODY/TEXT and tests.
  const MimePart& mime_root() const;

 private:
  std::string bytes_;
  std::unique_ptr<MimePart> root_;
  struct Computed;  // ENVELOPE, BODY and BODYSTRUCTURE once asked for (a pointer keeps unfetched messages small)
  mutable std::unique_ptr<Computed> computed_;
};

// BODY[section]<origin.length> (RFC 3501 §6.4.5): at most `length` octets from `origin`; empty when
// `origin` is past the end. The FETCH response then carries "<origin>" after the section.
std::string_view partial_of(std::string_view data, const proto::Partial& partial);

// What SEARCH evaluates besides content: the message's place and state in the session's view.
struct SearchSubject {
  std::uint32_t msn = 0;
  std::uint32_t uid = 0;
  std::uint32_t max_msn = 0;  // `*` for sequence sets
  std::uint32_t max_uid = 0;  // `*` for UID sets
  const std::vector<std::string>* flags = nullptr;  // sorted, with system flags as written ("\\Seen")
  bool recent = false;
  std::uint64_t modseq = 0;
  proto::DateTime internal_date;
  const MessageContent* content = nullptr;
  bool since_exclusive = false;  // bug zoo: Bug::SearchSinceExclusive
  bool new_ignores_seen = false;  // bug zoo: Bug::SearchNewIgnoresSeen
  bool modseq_exclusive = false;  // bug zoo: Bug::SearchModseqExclusive
  bool body_matches_header = false;  // bug zoo: Bug::SearchBodyMatchesHeader
  bool sent_since_internal = false;  // bug zoo: Bug::SentSinceInternalDate
  bool larger_inclusive = false;  // bug zoo: Bug::SearchLargerInclusive
};

// True when the message matches every key (RFC 3501 §6.4.4; string matches are case-insensitive
// substring matches).
bool search_matches(const std::vector<proto::SearchKey>& keys, const SearchSubject& subject);
bool search_matches(const proto::SearchKey& key, const SearchSubject& subject);

// The date (in the date-time's own zone) of an internal date, for BEFORE/ON/SINCE.
proto::Date date_of(const proto::DateTime& dt);

}  // namespace imaplab::model
