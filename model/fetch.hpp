// FETCH data for one message (RFC 3501 §6.4.5, §7.4.2; MODSEQ RFC 4551 §3.3.2), and the NIL placeholders of
// RFC 2180 §4.1.3 for messages expunged by another session.
#pragma once
#include <vector>

#include "model/store.hpp"

namespace imaplab::model {

// The attributes a FETCH macro stands for (RFC 3501 §6.4.5).
std::vector<proto::FetchAtt> expand_macro(proto::FetchMacro macro);
// True when an attribute implicitly sets \Seen (BODY[...] without PEEK, RFC822, RFC822.TEXT).
bool sets_seen(const proto::FetchAtt& att);

// The msg-atts for one message, in the order asked. Pure: the caller sets \Seen beforehand.
std::vector<proto::MsgAtt> message_atts(const Session& s, std::uint32_t uid, const Message& m,
                                        const std::vector<proto::FetchAtt>& atts);
// RFC 2180 §4.1.3 "NIL FETCH responses": empty data of each kind (UID stays the real one).
std::vector<proto::MsgAtt> nil_atts(std::uint32_t uid, const std::vector<proto::FetchAtt>& atts);

proto::MsgAtt flags_att(std::vector<std::string> flags);
proto::MsgAtt number_att(proto::MsgAtt::Kind kind, std::uint64_t n);
proto::Response fetch_response(std::uint32_t msn, std::vector<proto::MsgAtt> atts);

// Bug zoo content bugs (part-with-mime-header, header-without-blank-line, header-fields-case-sensitive,
// partial-ignores-length, rfc822-text-whole, internaldate-drops-zone): rewrites `answer`, the msg-atts
// message_atts made for `atts`, the way the faulty code would have (SEQ-9).
void plant_content_bugs(const BugSet& bugs, const Message& m, const std::vector<proto::FetchAtt>& atts,
                        std::vector<proto::MsgAtt>& answer);

}  // namespace imaplab::model
