// SEARCH key evaluation (RFC 3501 §6.4.4, MODSEQ from RFC 4551 §3.4) against one message and its state.
// String keys are ASCII case-insensitive substring matches over the bytes as written (no MIME encoded-word
// or charset decoding); BODY and TEXT also look inside quoted-printable and base64 parts once decoded.
#include <algorithm>

#include "model/message.hpp"
#include "model/mime.hpp"

namespace imaplab::model {
namespace {

using Kind = proto::SearchKey::Kind;

bool has_flag(const SearchSubject& s, std::string_view flag) {
  if (s.flags == nullptr) return false;
  return std::any_of(s.flags->begin(), s.flags->end(), [&](const std::string& f) { return iequals(f, flag); });
}

// HEADER field string: some occurrence of the field contains the string; "" matches any occurrence.
bool header_matches(const SearchSubject& s, std::string_view field, std::string_view value) {
  if (s.content == nullptr) return false;
  HeaderLines lines(s.content->mime_root().header(s.content->bytes()));
  HeaderLine line;
  while (lines.next(line)) {
    if (!line.name.empty() && iequals(line.name, field) && icontains(unfold(line.value), value)) return true;
  }
  return false;
}

// The decoded text of quoted-printable and base64 leaf parts (RFC 2045 §6.7, §6.8), searched part by
// part. The tree's depth is bounded by mime_depth_max, so the recursion is too.
bool decoded_matches(std::string_view bytes, const MimePart& p, std::string_view value) {
  if (!p.children.empty()) {
    return std::any_of(p.children.begin(), p.children.end(),
                       [&](const MimePart& c) { return decoded_matches(bytes, c, value); });
  }
  const auto encoding = find_field(p.header(bytes), "Content-Transfer-Encoding");
  if (!encoding) return false;
  if (iequals(*encoding, "quoted-printable")) return icontains(decode_quoted_printable(p.body(bytes)), value);
  if (iequals(*encoding, "base64")) return icontains(decode_base64(p.body(bytes)), value);
  return false;
}

bool body_matches(const SearchSubject& s, std::string_view value) {
  if (s.content == nullptr) return false;
  const MimePart& root = s.content->mime_root();
  const std::string_view bytes = s.content->bytes();
  // Bug zoo search-body-matches-header: the whole message is searched, header included (SRC-1).
  const std::string_view searched = s.body_matches_header ? root.whole(bytes) : root.body(bytes);
  return icontains(searched, value) || decoded_matches(bytes, root, value);
}

bool text_matches(const SearchSubject& s, std::string_view value) {
  if (s.content == nullptr) return false;
  return icontains(s.content->mime_root().header(s.content->bytes()), value) || body_matches(s, value);
}

// SENTBEFORE/SENTON/SENTSINCE: a message without a parseable Date: matches none of them.
template <typename Compare>
bool sent_matches(const SearchSubject& s, Compare compare) {
  const auto date = s.content != nullptr ? s.content->sent_date() : std::nullopt;
  return date && compare(*date);
}

std::uint64_t size_of(const SearchSubject& s) { return s.content != nullptr ? s.content->size() : 0; }

bool flag_key(const proto::SearchKey& key, const SearchSubject& s, bool& result) {
  switch (key.kind) {
    case Kind::Answered: result = has_flag(s, "\\Answered"); return true;
    case Kind::Deleted: result = has_flag(s, "\\Deleted"); return true;
    case Kind::Draft: result = has_flag(s, "\\Draft"); return true;
    case Kind::Flagged: result = has_flag(s, "\\Flagged"); return true;
    case Kind::Seen: result = has_flag(s, "\\Seen"); return true;
    case Kind::Keyword: result = has_flag(s, key.value); return true;
    case Kind::Unanswered: result = !has_flag(s, "\\Answered"); return true;
    case Kind::Undeleted: result = !has_flag(s, "\\Deleted"); return true;
    case Kind::Undraft: result = !has_flag(s, "\\Draft"); return true;
    case Kind::Unflagged: result = !has_flag(s, "\\Flagged"); return true;
    case Kind::Unseen: result = !has_flag(s, "\\Seen"); return true;
    case Kind::Unkeyword: result = !has_flag(s, key.value); return true;
    case Kind::New: result = s.recent && (s.new_ignores_seen || !has_flag(s, "\\Seen")); return true;
    case Kind::Old: result = !s.recent; return true;
    case Kind::Recent: result = s.recent; return true;
    default: return false;
  }
}

bool date_key(const proto::SearchKey& key, const SearchSubject& s, bool& result) {
  const proto::Date internal = date_of(s.internal_date);
  const proto::Date& d = key.date;
  switch (key.kind) {
    case Kind::Before: result = internal < d; return true;
    case Kind::On: result = internal == d; return true;
    case Kind::Since: result = s.since_exclusive ? d < internal : internal >= d; return true;
    case Kind::SentBefore: result = sent_matches(s, [&](const proto::Date& x) { return x < d; }); return true;
    case Kind::SentOn: result = sent_matches(s, [&](const proto::Date& x) { return x == d; }); return true;
    case Kind::SentSince:  // bug zoo sent-since-internal-date: the INTERNALDATE stands in for Date: (SRC-1)
      result = s.sent_since_internal ? internal >= d : sent_matches(s, [&](const proto::Date& x) { return x >= d; });
      return true;
    default: return false;
  }
}

bool content_key(const proto::SearchKey& key, const SearchSubject& s, bool& result) {
  switch (key.kind) {
    case Kind::Bcc: result = header_matches(s, "Bcc", key.value); return true;
    case Kind::Cc: result = header_matches(s, "Cc", key.value); return true;
    case Kind::From: result = header_matches(s, "From", key.value); return true;
    case Kind::Subject: result = header_matches(s, "Subject", key.value); return true;
    case Kind::To: result = header_matches(s, "To", key.value); return true;
    case Kind::Header: result = header_matches(s, key.field, key.value); return true;
    case Kind::Body: result = body_matches(s, key.value); return true;
    case Kind::Text: result = text_matches(s, key.value); return true;
    case Kind::Larger:  // bug zoo search-larger-inclusive: >= (SRC-1)
      result = s.larger_inclusive ? size_of(s) >= key.number : size_of(s) > key.number;
      return true;
    case Kind::Smaller: result = size_of(s) < key.number; return true;
    default: return false;
  }
}

}  // namespace

proto::Date date_of(const proto::DateTime& dt) { return dt.date; }

bool search_matches(const std::vector<proto::SearchKey>& keys, const SearchSubject& subject) {
  return std::all_of(keys.begin(), keys.end(), [&](const proto::SearchKey& k) { return search_matches(k, subject); });
}

bool search_matches(const proto::SearchKey& key, const SearchSubject& s) {
  bool result = false;
  if (flag_key(key, s, result) || date_key(key, s, result) || content_key(key, s, result)) return result;
  const auto& c = key.children;
  switch (key.kind) {
    case Kind::All: return true;
    case Kind::Not: return !c.empty() && !search_matches(c[0], s);
    case Kind::Or: return c.size() >= 2 && (search_matches(c[0], s) || search_matches(c[1], s));
    case Kind::And: return search_matches(c, s);
    case Kind::Uid: return key.set.contains(s.uid, s.max_uid);
    case Kind::SequenceSet: return key.set.contains(s.msn, s.max_msn);
    // RFC 4551 §3.4: equal to or greater than (bug zoo search-modseq-exclusive: greater only).
    case Kind::ModSeq: return s.modseq_exclusive ? s.modseq > key.number : s.modseq >= key.number;
    default: return false;
  }
}

}  // namespace imaplab::model
