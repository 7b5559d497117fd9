// Incremental, sans-I/O parser of client commands (RFC 3501 §9 and extensions). Bytes in, events out: the
// parser never writes; a synchronizing literal is reported as NeedContinuation so the server answers "+".
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "proto/command.hpp"

namespace imaplab::proto {

struct NeedMore {
  bool operator==(const NeedMore&) const = default;
};
// A synchronizing literal {n} was announced; the server must send a continuation request before more data.
struct NeedContinuation {
  std::uint64_t literal_bytes = 0;
  bool operator==(const NeedContinuation&) const = default;
};
// The input could not be parsed. `tag` is set when a tag was read (answer "tag BAD"), else answer "* BAD".
// The parser has already skipped to the end of the offending line (and past any announced literal data it
// had to skip), so the next feed() starts at a new command.
struct ParseError {
  std::optional<std::string> tag;
  std::string message;
  bool operator==(const ParseError&) const = default;
};
// A raw line requested by expect_line(): AUTHENTICATE data (RFC 3501 §6.2.2) or IDLE's "DONE" (RFC 2177).
struct RawLine {
  std::string text;  // without CRLF
  bool operator==(const RawLine&) const = default;
};

using CommandEvent = std::variant<NeedMore, NeedContinuation, Command, ParseError, RawLine>;

struct CommandFeedResult {
  std::size_t consumed = 0;  // bytes of the input taken; the caller feeds the rest again
  CommandEvent event;
};

class CommandParser {
 public:
  CommandParser();
  ~CommandParser();
  CommandParser(CommandParser&&) noexcept;
  CommandParser& operator=(CommandParser&&) noexcept;

  // Consumes bytes until one event is complete. NeedMore consumes all input. A Command, ParseError or RawLine
  // consumes through the end of that command's last line; NeedContinuation through the literal's header line.
  CommandFeedResult feed(std::string_view bytes);

  // The next line is returned whole as a RawLine (used after "+" of AUTHENTICATE and during IDLE).
  void expect_line();

  // Bytes buffered for an incomplete command (bounded by limits::message_bytes_max).
  std::size_t buffered_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses exactly one complete command (with its CRLF); for tests and tools. Literals need no continuation.
std::variant<Command, ParseError> parse_command(std::string_view bytes);

}  // namespace imaplab::proto
