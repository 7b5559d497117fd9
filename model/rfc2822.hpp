// RFC 2822 header values that IMAP reads structurally: address lists (§3.4) for ENVELOPE and the Date:
// field (§3.3) for SENTBEFORE/SENTON/SENTSINCE. Lenient, like mail readers: obsolete syntax (§4) is
// accepted, garbage between addresses is skipped, and nothing ever fails.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/types.hpp"

namespace imaplab::model {

// Entries (addresses and group markers) kept from one address list; later ones are dropped. This keeps an
// ENVELOPE far inside the wire layer's list limit (proto::limits::list_items_max) and its cost bounded,
// while real mail (even large distribution lists) stays whole.
inline constexpr std::size_t address_list_entries_max = 1000;

// One element of an ENVELOPE address list in RFC 3501 §7.4.2 form (addr-name addr-adl addr-mailbox
// addr-host). A group is a start marker (mailbox = group name, host absent) and an end marker (all
// absent) around its members. An ordinary address always has mailbox and host; a bare local part without
// "@" gets host "" so it is not mistaken for group syntax. A quoted local part keeps its quotes, so that
// mailbox "@" host rebuilds the address as written.
struct Address {
  std::optional<std::string> name;     // display name, quoted strings unquoted, comments dropped
  std::optional<std::string> adl;      // obsolete source route "@a,@b" (RFC 2822 §4.4)
  std::optional<std::string> mailbox;  // local part, or the group name
  std::optional<std::string> host;     // domain
  bool operator==(const Address&) const = default;
};

// Parses an unfolded address-list / mailbox-list value (From, To, Cc, Bcc, Sender, Reply-To).
std::vector<Address> parse_address_list(std::string_view unfolded);

// The date of an RFC 2822 §3.3 date-time (time and zone disregarded, as RFC 3501 §6.4.4 SENT* wants);
// nullopt when no valid day, month and year can be read. Two- and three-digit years follow §4.3.
std::optional<proto::Date> parse_date(std::string_view unfolded);

}  // namespace imaplab::model
