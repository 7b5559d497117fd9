// libFuzzer target for the response parser: split invariance and the feed() contract (fuzz/split_target.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/split_target.hpp"
#include "proto/response_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace imaplab::proto;
  imaplab::fuzz::check_split_invariance<ResponseParser, ResponseEvent>(data, size,
                                                                      [](ResponseParser&, const ResponseEvent&) {});
  return 0;
}
