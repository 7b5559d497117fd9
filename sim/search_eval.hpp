// An independent SEARCH evaluator (RFC 3501 §6.4.4) for the SRC-1 checker: it judges the server's SEARCH
// answers, so it shares no code with the model's search (the model is what is under test).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "proto/types.hpp"

namespace imaplab::sim {

// One message as the store holds it, with its place in the session's view.
struct SearchCandidate {
  std::uint32_t msn = 0;
  std::uint32_t uid = 0;
  const std::vector<std::string>* flags = nullptr;  // stored flags (never \Recent)
  proto::Date internal_day;                          // the day of INTERNALDATE, as stored (time and zone dropped)
  std::uint64_t size = 0;                            // RFC822.SIZE
  bool recent = false;                               // \Recent in this session (RFC 3501 §2.3.2)
  std::uint64_t modseq = 0;                          // the message's mod-sequence (RFC 4551 §3.1)
  const std::string* bytes = nullptr;                // the stored message (text and sent-date keys); may be null
};

// The evaluator's answer for one message: a text or sent-date key over a message it cannot read plainly (no
// bytes, 8-bit text, MIME encoded words, multipart or transfer-encoded bodies, no single parseable Date:)
// makes it Unknown rather than a guess; NOT/OR/AND combine as three-valued logic.
enum class SearchMatch { No, Yes, Unknown };

// `*` in sequence sets and UID sets: the largest message number and the largest UID in the view (RFC 3501 §9).
struct SearchStars {
  std::uint32_t msn = 0;
  std::uint32_t uid = 0;
};

// Whether every key (recursively) is one this evaluator decides, at least for plain messages: flag and keyword
// keys, RECENT/NEW/OLD, LARGER/SMALLER, SINCE/BEFORE/ON, UID, sequence sets, MODSEQ, SUBJECT/FROM/TO/CC/BCC/
// HEADER/BODY/TEXT, SENTBEFORE/SENTON/SENTSINCE, and NOT/OR/AND of well-formed arity.
bool search_evaluable(const std::vector<proto::SearchKey>& keys);

// Whether every key is evaluable and none depends on anything that changes for a message or on the view:
// no flag, keyword, RECENT/NEW/OLD, MODSEQ or message-number key, and no "*" in a UID set. What is left (sizes,
// INTERNALDATE days, UIDs, header and body text, sent dates) is fixed when the message is made (RFC 3501
// §2.3.1.1, §2.3.3, §2.3.4).
bool search_fixed(const std::vector<proto::SearchKey>& keys);

// Whether the message matches all `keys` (their AND); only for keys search_evaluable accepts.
SearchMatch search_match(const std::vector<proto::SearchKey>& keys, const SearchCandidate& m,
                         const SearchStars& stars);
// search_match == Yes.
bool search_eval(const std::vector<proto::SearchKey>& keys, const SearchCandidate& m, const SearchStars& stars);

}  // namespace imaplab::sim
