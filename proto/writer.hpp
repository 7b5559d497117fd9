// Serializers for both directions: Command -> client bytes, Response -> server bytes. Strings are written as
// atoms, quoted strings or literals, whichever represents the value; the parsers read them back equal.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "proto/command.hpp"
#include "proto/response.hpp"

namespace imaplab::proto {

enum class LiteralStyle {
  Synchronizing,     // {n}: the client waits for "+" before the data (RFC 3501 §7.5)
  NonSynchronizing,  // {n+}: LITERAL+ (RFC 7888), sent at once
};

// The whole command, CRLF-terminated.
std::string write_command(const Command& command, LiteralStyle style = LiteralStyle::NonSynchronizing);

// The command split where a synchronizing literal needs the server's "+": part i+1 may be sent only after a
// continuation request answered part i. With NonSynchronizing the result has exactly one part.
std::vector<std::string> write_command_parts(const Command& command, LiteralStyle style);

// One response, CRLF-terminated.
std::string write_response(const Response& response);
// The same bytes appended to `out`, for a caller that collects many responses in one buffer.
void append_response(std::string& out, const Response& response);

// Modified UTF-7 mailbox names (RFC 3501 §5.1.3). decode returns nullopt for invalid encodings.
std::string encode_mailbox(const std::string& utf8);
std::optional<std::string> decode_mailbox(const std::string& mutf7);

}  // namespace imaplab::proto
