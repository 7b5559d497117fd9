// A connection's outgoing bytes not yet accepted by its transport: appended in whole responses, handed to
// the transport in order, and measured, so the server can bound it (server/README.md, "Output bounds").
#pragma once
#include <cstddef>
#include <deque>
#include <limits>
#include <string>

#include "proto/response.hpp"
#include "server/env.hpp"

namespace imaplab::server {

class OutputQueue {
 public:
  void append(std::string bytes);
  // Serializes one response straight into the queue (no string of its own) and returns its size in bytes.
  // The chunks come out as append(proto::write_response(response)) would make them.
  std::size_t append_response(const proto::Response& response);
  // Offers the queued bytes to the transport until it accepts less than offered or the queue is empty.
  // Returns the number of bytes it accepted.
  std::size_t flush_to(Transport& transport);
  // The same, offering at most `max_bytes` in all (BUGGIFY's split writes).
  std::size_t flush_to(Transport& transport, std::size_t max_bytes);
  std::size_t bytes() const { return bytes_; }
  bool empty() const { return bytes_ == 0; }
  void clear();

 private:
  std::deque<std::string> chunks_;
  std::size_t front_offset_ = 0;  // bytes of chunks_.front() already accepted
  std::size_t bytes_ = 0;
};

}  // namespace imaplab::server
