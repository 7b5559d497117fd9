// Event builders for the probe's unit tests: commands and responses written as IMAP text.
#pragma once
#include <stdexcept>
#include <string>

#include "proto/command_parser.hpp"
#include "proto/response_parser.hpp"
#include "sim/event.hpp"

namespace imaplab::probe::test {

inline sim::Event sent(std::uint64_t t, sim::ClientId c, const std::string& line) {
  sim::Event e{t, c, sim::Event::Dir::Sent, line + "\r\n", {}, {}, {}};
  // As the agent sends them: DONE is a raw line, a literal's data neither a command nor a raw line.
  if (line == "DONE") {
    e.raw_line = line;
    return e;
  }
  auto parsed = proto::parse_command(e.bytes);
  if (auto* cmd = std::get_if<proto::Command>(&parsed)) e.command = *cmd;
  return e;
}

inline sim::Event received(std::uint64_t t, sim::ClientId c, const std::string& line) {
  sim::Event e{t, c, sim::Event::Dir::Received, line + "\r\n", {}, {}, {}};
  auto parsed = proto::parse_response(e.bytes);
  if (auto* r = std::get_if<proto::Response>(&parsed)) e.response = *r;
  else throw std::invalid_argument("bad response in test: " + line);
  return e;
}

inline sim::Event connected(std::uint64_t t, sim::ClientId c) {
  return sim::Event{t, c, sim::Event::Dir::Connected, {}, {}, {}, {}};
}
inline sim::Event disconnected(std::uint64_t t, sim::ClientId c) {
  return sim::Event{t, c, sim::Event::Dir::Disconnected, {}, {}, {}, {}};
}

}  // namespace imaplab::probe::test
