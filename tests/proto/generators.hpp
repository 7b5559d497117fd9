// rapidcheck generators for IMAP values (proto/types.hpp, command.hpp, response.hpp), restricted to what the
// wire grammar can represent so that parse(write(x)) == x. Reused by the round-trip properties, the simulator
// and the model tests; definitions live in proto_generators_support.cpp.
#pragma once
#include <rapidcheck.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "proto/command.hpp"
#include "proto/response.hpp"
#include "proto/writer.hpp"

namespace imaplab::proto::gen {

// Every CommandKind, for properties that want to cover each kind explicitly.
inline constexpr CommandKind all_command_kinds[] = {
    CommandKind::Capability, CommandKind::Noop, CommandKind::Logout, CommandKind::StartTls,
    CommandKind::Authenticate, CommandKind::Login, CommandKind::Select, CommandKind::Examine,
    CommandKind::Create, CommandKind::Delete, CommandKind::Rename, CommandKind::Subscribe,
    CommandKind::Unsubscribe, CommandKind::List, CommandKind::Lsub, CommandKind::Status, CommandKind::Append,
    CommandKind::Namespace, CommandKind::Enable, CommandKind::Idle, CommandKind::Notify, CommandKind::SetAcl,
    CommandKind::DeleteAcl, CommandKind::GetAcl, CommandKind::ListRights, CommandKind::MyRights,
    CommandKind::Check, CommandKind::Close, CommandKind::Unselect, CommandKind::Expunge, CommandKind::Search,
    CommandKind::Fetch, CommandKind::Store, CommandKind::Copy, CommandKind::Move, CommandKind::UidExpunge,
};
// Number of alternatives of ResponseBody.
inline constexpr std::size_t response_body_kinds = std::variant_size_v<ResponseBody>;

// ---- tokens --------------------------------------------------------------------------------------------
rc::Gen<std::string> tag();                // non-empty tag chars without '+' (RFC 3501 §9 tag)
rc::Gen<std::string> atom();               // 1*ATOM-CHAR
rc::Gen<std::string> upper_atom();         // an atom the parsers upper-case (capabilities, options)
rc::Gen<std::string> astring_value();      // any bytes but NUL: atoms, quoted-only and literal-only values
rc::Gen<std::string> text();               // resp-text text: printable ASCII, not starting with '[' or SP
rc::Gen<std::string> mailbox_name();       // valid UTF-8 without NUL/CR/LF; "INBOX" only in that case
rc::Gen<std::string> flag();               // system flag or keyword, as written
rc::Gen<std::vector<std::string>> flags();
rc::Gen<std::uint32_t> nz_number();        // 1..2^32-1, biased to small values
rc::Gen<std::uint64_t> mod_sequence();     // 1..2^63-1 (RFC 4551 mod-sequence-valzer)
rc::Gen<SequenceSet> sequence_set(bool allow_star = true);
rc::Gen<Date> date();
rc::Gen<DateTime> date_time();
rc::Gen<Section> section();
rc::Gen<FetchAtt> fetch_att();
rc::Gen<SearchKey> search_key(int depth);
rc::Gen<NotifyEventGroup> notify_group();

// ---- whole values ----------------------------------------------------------------------------------------
rc::Gen<CommandArgs> command_args(CommandKind kind);
rc::Gen<Command> command_of(CommandKind kind);  // uid prefix drawn where the kind allows it
rc::Gen<Command> command();

rc::Gen<SValue> svalue(int depth);
rc::Gen<ResponseCode> response_code();
rc::Gen<ResponseBody> response_body(std::size_t index);  // index of the ResponseBody alternative
rc::Gen<Response> response_of(std::size_t index);
rc::Gen<Response> response();

}  // namespace imaplab::proto::gen

namespace imaplab::proto {
// rapidcheck prints counterexamples through these (found by ADL): the value's wire form.
void showValue(const Command& command, std::ostream& os);
void showValue(const Response& response, std::ostream& os);
void showValue(LiteralStyle style, std::ostream& os);
}  // namespace imaplab::proto

namespace rc {
template <>
struct Arbitrary<imaplab::proto::Command> {
  static Gen<imaplab::proto::Command> arbitrary() { return imaplab::proto::gen::command(); }
};
template <>
struct Arbitrary<imaplab::proto::Response> {
  static Gen<imaplab::proto::Response> arbitrary() { return imaplab::proto::gen::response(); }
};
}  // namespace rc
