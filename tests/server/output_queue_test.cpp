// The connection output queue: responses serialized straight into it must come out in the same transport
// writes, byte for byte, as their separately written strings appended one by one.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "proto/writer.hpp"
#include "server/output_queue.hpp"

namespace imaplab::server {
namespace {

// Records every write it is offered and accepts at most `accept_bytes` of each.
class RecordingTransport : public Transport {
 public:
  explicit RecordingTransport(std::size_t accept_bytes) : accept_bytes_(accept_bytes) {}
  std::size_t write(std::string_view bytes) override {
    const std::size_t n = std::min(bytes.size(), accept_bytes_);
    writes.emplace_back(bytes.substr(0, n));
    return n;
  }
  void pause_reading(bool) override {}
  bool can_start_tls() const override { return false; }
  void start_tls() override {}
  void close() override {}

  std::vector<std::string> writes;

 private:
  std::size_t accept_bytes_;
};

proto::Response fetch_with_data(std::uint32_t msn, std::size_t data_bytes) {
  proto::MsgAtt att;
  att.kind = proto::MsgAtt::Kind::Rfc822;
  att.data = std::string(data_bytes, 'x');
  proto::Response r;
  r.body = proto::FetchData{msn, {att}};
  return r;
}

// Responses of many sizes, some past the coalescing size of a chunk, so every chunking rule is exercised.
std::vector<proto::Response> mixed_responses() {
  std::vector<proto::Response> out;
  for (std::uint32_t i = 1; i <= 60; ++i) out.push_back(fetch_with_data(i, (i * 997) % 3000));
  out.push_back(fetch_with_data(61, 20000));
  out.push_back(fetch_with_data(62, 10));
  out.push_back(fetch_with_data(63, 16000));
  return out;
}

std::vector<std::string> drain(OutputQueue& queue, std::size_t accept_bytes) {
  RecordingTransport transport(accept_bytes);
  while (!queue.empty()) {
    if (queue.flush_to(transport) == 0) break;
  }
  return transport.writes;
}

TEST(OutputQueue, AppendResponseChunksLikeAppendOfWrittenString) {
  for (const std::size_t accept : {std::size_t{7}, std::size_t{5000}, std::size_t{1} << 20}) {
    OutputQueue direct, via_string;
    std::size_t total = 0;
    for (const proto::Response& r : mixed_responses()) {
      const std::string bytes = proto::write_response(r);
      EXPECT_EQ(direct.append_response(r), bytes.size());
      via_string.append(bytes);
      total += bytes.size();
      EXPECT_EQ(direct.bytes(), via_string.bytes());
    }
    EXPECT_EQ(direct.bytes(), total);
    EXPECT_EQ(drain(direct, accept), drain(via_string, accept)) << "accept " << accept;
  }
}

TEST(OutputQueue, AppendResponseAfterPartialFlush) {
  OutputQueue direct, via_string;
  const auto responses = mixed_responses();
  RecordingTransport a(100), b(100);
  for (std::size_t i = 0; i < responses.size(); ++i) {
    direct.append_response(responses[i]);
    via_string.append(proto::write_response(responses[i]));
    if (i % 5 == 0) {
      direct.flush_to(a);
      via_string.flush_to(b);
    }
  }
  EXPECT_EQ(a.writes, b.writes);
  EXPECT_EQ(drain(direct, 333), drain(via_string, 333));
}

}  // namespace
}  // namespace imaplab::server
