// Terminal output helpers of cli/output.hpp.
#include "cli/output.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace imaplab::cli {

Style style_for(std::FILE* stream) {
  Style s;
  s.color = isatty(fileno(stream)) && std::getenv("NO_COLOR") == nullptr;
  return s;
}

void print_trace(std::FILE* out, const sim::Trace& trace, const Style& style, bool choices) {
  std::string text = trace.write();
  std::size_t pos = text.find("\n--\n");
  std::string body = pos == std::string::npos ? text : text.substr(pos + 4);
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    if (!choices && line.rfind("> ", 0) == 0) continue;
    bool mark = line.rfind("# ^", 0) == 0;
    if (mark) std::fprintf(out, "%s%s%s%s\n", style.red(), style.bold(), line.c_str(), style.reset());
    else if (line.rfind("#", 0) == 0) std::fprintf(out, "%s%s%s\n", style.dim(), line.c_str(), style.reset());
    else std::fprintf(out, "%s\n", line.c_str());
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
