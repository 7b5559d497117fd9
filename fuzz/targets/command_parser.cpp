// libFuzzer target for the command parser: split invariance and the feed() contract (fuzz/split_target.hpp).
#include <cstddef>
#include <cstdint>
#include <variant>

#include "fuzz/split_target.hpp"
#include "proto/command_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace imaplab::proto;
  imaplab::fuzz::check_split_invariance<CommandParser, CommandEvent>(
      data, size, [](CommandParser& parser, const CommandEvent& event) {
        // Like a server: AUTHENTICATE and IDLE are followed by raw lines.
        if (const auto* cmd = std::get_if<Command>(&event))
          if (cmd->kind == CommandKind::Idle || cmd->kind == CommandKind::Authenticate) parser.expect_line();
      });
  return 0;
}
