// Incremental, sans-I/O parser of server responses (RFC 3501 §7 and extensions), for client agents and
// checkers. Literals inside responses (FETCH bodies) are read in place; no continuation is needed.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "proto/command_parser.hpp"  // NeedMore, ParseError
#include "proto/response.hpp"

namespace imaplab::proto {

using ResponseEvent = std::variant<NeedMore, Response, ParseError>;

struct ResponseFeedResult {
  std::size_t consumed = 0;
  ResponseEvent event;
};

class ResponseParser {
 public:
  ResponseParser();
  ~ResponseParser();
  ResponseParser(ResponseParser&&) noexcept;
  ResponseParser& operator=(ResponseParser&&) noexcept;

  // Consumes bytes until one response is complete (or an error skipped one line). NeedMore consumes all input.
  ResponseFeedResult feed(std::string_view bytes);
  std::size_t buffered_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses exactly one complete response (with its CRLF).
std::variant<Response, ParseError> parse_response(std::string_view bytes);

}  // namespace imaplab::proto
