// Terminal output shared by subcommands: colour only on a terminal, traces printed with the violation marked.
#pragma once
#include <cstdio>
#include <optional>
#include <string>

#include "sim/trace.hpp"

namespace imaplab::cli {

struct Style {
  bool color = false;
  const char* red() const { return color ? "\033[31m" : ""; }
  const char* yellow() const { return color ? "\033[33m" : ""; }
  const char* reverse() const { return color ? "\033[7m" : ""; }
  const char* bold() const { return color ? "\033[1m" : ""; }
  const char* dim() const { return color ? "\033[2m" : ""; }
  const char* reset() const { return color ? "\033[0m" : ""; }
};
// Colour when `stream` is a terminal and NO_COLOR is not set.
Style style_for(std::FILE* stream);

// Prints the trace's event lines (not the scheduler choices unless `choices`) in the trace body's notation, the
// "# ^ RULE violated here" note under the violating line. With colour, the violating line itself is red and
// reversed, the lines that caused it yellow, other notes dim. Plain output stays a valid trace body.
void print_trace(std::FILE* out, const sim::Trace& trace, const Style& style, bool choices = false);

// Reads a whole file; nullopt (and a message on stderr) when it cannot be read.
std::optional<std::string> read_file(const std::string& path);
bool write_file(const std::string& path, const std::string& text);

}  // namespace imaplab::cli
