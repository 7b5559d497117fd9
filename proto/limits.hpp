// Named limits of the IMAP wire layer. Every limit has its unit last; exceeding one is a clean parse error.
#pragma once
#include <cstddef>
#include <cstdint>

namespace imaplab::proto::limits {

// One line of a command or response, without literals (RFC 2683 §3.2.1.5 suggests >= 8000 octets).
inline constexpr std::size_t line_bytes_max = 64 * 1024;
// One literal's announced size; larger announcements are refused before any data is buffered.
inline constexpr std::uint64_t literal_bytes_max = 64ull * 1024 * 1024;
// A whole command or response: every line plus every literal.
inline constexpr std::uint64_t message_bytes_max = 80ull * 1024 * 1024;
// Literals within one command or response.
inline constexpr std::size_t literals_count_max = 1024;
// Parenthesized nesting: SEARCH keys, BODYSTRUCTURE, flag lists.
inline constexpr std::size_t nesting_depth_max = 64;
// Arguments of one list (flags, fetch items, search keys at one level, mailboxes, status items).
inline constexpr std::size_t list_items_max = 10000;
// Ranges in one sequence set.
inline constexpr std::size_t sequence_ranges_max = 100000;
// A tag's length.
inline constexpr std::size_t tag_bytes_max = 64;

}  // namespace imaplab::proto::limits
