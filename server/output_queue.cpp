// The connection output queue: whole responses in, transport-sized pieces out.
#include "server/output_queue.hpp"

#include <string_view>

#include "proto/writer.hpp"

namespace imaplab::server {
namespace {
// Small responses are coalesced into one chunk up to this size, so one transport write carries many.
constexpr std::size_t coalesce_chunk_bytes = 16 * 1024;
}  // namespace

void OutputQueue::append(std::string bytes) {
  if (bytes.empty()) return;
  bytes_ += bytes.size();
  if (!chunks_.empty() && chunks_.back().size() + bytes.size() <= coalesce_chunk_bytes) {
    chunks_.back() += bytes;
    return;
  }
  chunks_.push_back(std::move(bytes));
}

std::size_t OutputQueue::append_response(const proto::Response& response) {
  if (chunks_.empty()) chunks_.emplace_back();
  std::string& back = chunks_.back();
  const std::size_t before = back.size();
  proto::append_response(back, response);
  const std::size_t size = back.size() - before;
  bytes_ += size;
  // Over the coalescing size the response starts a chunk of its own, exactly where append() would put it.
  if (before > 0 && back.size() > coalesce_chunk_bytes) {
    std::string own(back, before);
    back.resize(before);
    chunks_.push_back(std::move(own));
  }
  return size;
}

std::size_t OutputQueue::flush_to(Transport& transport) {
  return flush_to(transport, std::numeric_limits<std::size_t>::max());
}

std::size_t OutputQueue::flush_to(Transport& transport, std::size_t max_bytes) {
  std::size_t accepted_total = 0;
  while (!chunks_.empty() && accepted_total < max_bytes) {
    std::string_view rest(chunks_.front());
    rest.remove_prefix(front_offset_);
    rest = rest.substr(0, max_bytes - accepted_total);
    const std::size_t accepted = transport.write(rest);
    accepted_total += accepted;
    bytes_ -= accepted;
    if (front_offset_ + accepted < chunks_.front().size()) {
      front_offset_ += accepted;
      break;
    }
    chunks_.pop_front();
    front_offset_ = 0;
  }
  return accepted_total;
}

void OutputQueue::clear() {
  chunks_.clear();
  front_offset_ = 0;
  bytes_ = 0;
}

}  // namespace imaplab::server
