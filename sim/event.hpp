// The stream of observations every checker consumes: what each client sent and received, when, as bytes and
// as parsed values. The simulator produces it on virtual time; the probe of a real server on real time.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/command.hpp"
#include "proto/response.hpp"

namespace imaplab::sim {

using ClientId = std::uint32_t;  // 1-based, as in the RFC examples' "C1:" / "S1:"

struct Event {
  enum class Dir { Sent, Received, Connected, Disconnected };
  std::uint64_t time_us = 0;  // virtual time in the simulator, real time since start in a probe
  ClientId client = 0;
  Dir dir = Dir::Sent;
  std::string bytes;          // the whole command or response as on the wire, CRLF and literals included
  // Sent: the Command, or a RawLine's text (IDLE's DONE, AUTHENTICATE data) in `raw_line`.
  // Received: the Response. Connected/Disconnected: neither.
  std::optional<proto::Command> command;
  std::optional<std::string> raw_line;
  std::optional<proto::Response> response;
};

// A broken rule, as every checker reports it (INVARIANTS.md IDs).
struct Violation {
  std::string rule;     // e.g. "SEQ-2"
  std::string rfc;      // e.g. "RFC 3501 §7.4.1"
  std::string message;  // what is wrong, in one or two sentences, quoting the RFC where it helps
  std::vector<std::size_t> offending;  // indices into the event stream: the lines that are wrong
  std::vector<std::size_t> causes;     // indices of the lines that made them wrong
  bool operator==(const Violation&) const = default;
};

}  // namespace imaplab::sim
