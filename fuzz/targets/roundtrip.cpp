// Fuzz target: whatever parses must survive a write and a second parse unchanged. The input is parsed as a
// command and as a response; each value that parses is written (commands in both literal styles), parsed
// again, and compared. Any difference is a writer/parser disagreement and aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "proto/command_parser.hpp"
#include "proto/response_parser.hpp"
#include "proto/writer.hpp"

namespace {

using namespace imaplab::proto;

void check_command(std::string_view input) {
  const auto first = parse_command(input);
  const auto* command = std::get_if<Command>(&first);
  if (command == nullptr) return;
  for (const LiteralStyle style : {LiteralStyle::NonSynchronizing, LiteralStyle::Synchronizing}) {
    const auto second = parse_command(write_command(*command, style));
    const auto* again = std::get_if<Command>(&second);
    if (again == nullptr || !(*again == *command)) std::abort();
  }
}

void check_response(std::string_view input) {
  const auto first = parse_response(input);
  const auto* response = std::get_if<Response>(&first);
  if (response == nullptr) return;
  const auto second = parse_response(write_response(*response));
  const auto* again = std::get_if<Response>(&second);
  if (again == nullptr || !(*again == *response)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_command(input);
  check_response(input);
  return 0;
}
