// Traces: the text a person reads and edits, and that replays a run exactly. A header (format version,
// imaplab version, the run's configuration, the outcome) and one line per event in RFC 2180's example
// notation with virtual time ("12.040 C2: B001 FETCH 4:7 RFC822", "12.100 S2: * 4 EXPUNGE"), plus the
// scheduler's choices ("> U2:18"). See docs/traces.md.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/command.hpp"
#include "sim/config.hpp"
#include "sim/event.hpp"
#include "sim/strategy.hpp"

namespace imaplab::sim {

inline constexpr int trace_format_version = 1;

struct TraceLine {
  enum class Kind { Choice, Client, Server, Comment };
  Kind kind = Kind::Comment;
  Choice choice;               // Choice
  std::uint64_t time_us = 0;   // Client/Server
  ClientId client = 0;         // Client/Server
  std::string bytes;           // Client/Server: the raw bytes (CRLF and literals included); Comment: text
  bool operator==(const TraceLine&) const = default;
};

struct Trace {
  std::string imaplab_version = IMAPLAB_VERSION;
  RunConfig config;
  std::optional<std::string> outcome;  // the rule the run breaks; nullopt: it passes
  std::string outcome_detail;          // the violation report, one or more lines (informational)
  std::vector<TraceLine> lines;

  std::string write() const;
  static std::optional<Trace> parse(std::string_view text, std::string* error = nullptr);

  std::vector<Choice> choices() const;
  // Each client's commands in order (index 0 is client 1), parsed from its "Cn:" lines; raw lines such as
  // DONE are left out (the agents produce them).
  std::vector<std::vector<proto::Command>> scripts() const;
  std::size_t command_count() const;
};

// Printable escaping of raw protocol bytes for one trace line: "\r" "\n" "\\" and "\xHH" for other control
// and 8-bit bytes; a final CRLF is left out, and a final space is "\x20" (so that stripping trailing whitespace
// cannot change the bytes). unescape() inverts it (and adds the CRLF back).
std::string escape_bytes(std::string_view bytes);
std::string unescape_bytes(std::string_view text);

}  // namespace imaplab::sim
