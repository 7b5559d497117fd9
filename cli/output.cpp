// Terminal output helpers of cli/output.hpp.
#include "cli/output.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "report/transcript.hpp"

namespace imaplab::cli {

Style style_for(std::FILE* stream) {
  Style s;
  s.color = isatty(fileno(stream)) && std::getenv("NO_COLOR") == nullptr;
  return s;
}

void print_trace(std::FILE* out, const sim::Trace& trace, const Style& style, bool choices) {
  for (const report::TextLine& line : report::text_lines(report::read_transcript(trace), choices)) {
    const bool note = line.kind == report::Step::Kind::Note;
    std::string on;
    if (line.mark == report::Mark::Violation) on = std::string(style.red()) + style.bold() + (note ? "" : style.reverse());
    else if (line.mark == report::Mark::Cause) on = style.yellow();
    else if (note || line.kind == report::Step::Kind::Choice) on = style.dim();
    std::fprintf(out, "%s%s%s\n", on.c_str(), line.text.c_str(), on.empty() ? "" : style.reset());
  }
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "imaplab: cannot read %s\n", path.c_str());
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    std::fprintf(stderr, "imaplab: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace imaplab::cli
