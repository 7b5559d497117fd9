// Writing and parsing the trace format of sim/trace.hpp.
#include "sim/trace.hpp"

#include <charconv>
#include <cstdio>
#include <map>

#include "proto/command_parser.hpp"

namespace imaplab::sim {
namespace {

constexpr std::string_view header_magic = "imaplab-trace";
constexpr std::string_view body_separator = "--";

std::string format_time(std::uint64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%10llu.%03llu", static_cast<unsigned long long>(us / 1000),
                static_cast<unsigned long long>(us % 1000));
  return buf;
}

std::optional<std::uint64_t> parse_time(std::string_view text) {
  std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::uint64_t ms = 0, frac = 0;
  auto a = std::from_chars(text.data(), text.data() + dot, ms);
  auto b = std::from_chars(text.data() + dot + 1, text.data() + text.size(), frac);
  if (a.ec != std::errc() || b.ec != std::errc() || b.ptr != text.data() + text.size()) return std::nullopt;
  return ms * 1000 + frac;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "12.040 C2: bytes" or "12.040 S2: bytes". Spaces at the end belong to the bytes (an empty continuation
// request is "+ "), so only the line's end (CR) is cut there.
std::optional<TraceLine> parse_event_line(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto time = parse_time(line.substr(0, space));
  if (!time) return std::nullopt;
  std::string_view rest = line.substr(space + 1);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (rest.size() < 3 || (rest[0] != 'C' && rest[0] != 'S')) return std::nullopt;
  std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  TraceLine t;
  t.kind = rest[0] == 'C' ? TraceLine::Kind::Client : TraceLine::Kind::Server;
  t.time_us = *time;
  auto r = std::from_chars(rest.data() + 1, rest.data() + colon, t.client);
  if (r.ec != std::errc() || r.ptr != rest.data() + colon || t.client == 0) return std::nullopt;
  std::string_view payload = rest.substr(colon + 1);
  if (!payload.empty() && payload.front() == ' ') payload.remove_prefix(1);
  t.bytes = unescape_bytes(payload);
  return t;
}

}  // namespace

std::string escape_bytes(std::string_view bytes) {
  if (bytes.size() >= 2 && bytes.substr(bytes.size() - 2) == "\r\n") bytes.remove_suffix(2);
  std::string out;
  out.reserve(bytes.size() + 8);
  static const char hex[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    if (c == '\\') out += "\\\\";
    else if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  // A final space would be lost to editors and tools that strip trailing whitespace: "+ " is "+\x20".
  if (!out.empty() && out.back() == ' ') {
    out.pop_back();
    out += "\\x20";
  }
  return out;
}

std::string unescape_bytes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      out += c;
      continue;
    }
    char n = text[++i];
    if (n == 'r') out += '\r';
    else if (n == 'n') out += '\n';
    else if (n == '\\') out += '\\';
    else if (n == 'x' && i + 2 < text.size()) {
      unsigned v = 0;
      auto r = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
      if (r.ec == std::errc() && r.ptr == text.data() + i + 3) {
        out += static_cast<char>(v);
        i += 2;
      } else {
        out += "\\x";
      }
    } else {
      out += '\\';
      out += n;
    }
  }
  out += "\r\n";
  return out;
}

std::string Trace::write() const {
  std::string out;
  out += std::string(header_magic) + ": " + std::to_string(trace_format_version) + "\n";
  out += "imaplab: " + imaplab_version + "\n";
  for (const auto& [key, value] : config.fields()) out += key + ": " + value + "\n";
  out += "outcome: " + (outcome ? *outcome : std::string("none")) + "\n";
  std::size_t start = 0;
  while (start < outcome_detail.size()) {
    std::size_t nl = outcome_detail.find('\n', start);
    if (nl == std::string::npos) nl = outcome_detail.size();
    out += "# " + outcome_detail.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  out += std::string(body_separator) + "\n";
  for (const TraceLine& line : lines) {
    switch (line.kind) {
      case TraceLine::Kind::Choice: out += "> " + line.choice.label() + "\n"; break;
      case TraceLine::Kind::Client:
      case TraceLine::Kind::Server:
        out += format_time(line.time_us) + (line.kind == TraceLine::Kind::Client ? " C" : " S") +
               std::to_string(line.client) + ": " + escape_bytes(line.bytes) + "\n";
        break;
      case TraceLine::Kind::Comment: {
        // A comment may span lines; each gets its own "# " so the trace still parses.
        std::size_t start = 0;
        do {
          std::size_t nl = line.bytes.find('\n', start);
          if (nl == std::string::npos) nl = line.bytes.size();
          out += "# " + line.bytes.substr(start, nl - start) + "\n";
          start = nl + 1;
        } while (start < line.bytes.size());
        break;
      }
    }
  }
  return out;
}

std::optional<Trace> Trace::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::size_t line_no, const std::string& why) -> std::optional<Trace> {
    if (error) *error = "line " + std::to_string(line_no) + ": " + why;
    return std::nullopt;
  };
  Trace trace;
  std::map<std::string, std::string> fields;
  bool in_body = false, saw_magic = false;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    std::string_view t = trim(line);
    if (t.empty()) continue;
    if (!in_body) {
      if (t == body_separator) {
        in_body = true;
        continue;
      }
      if (t.front() == '#') {
        std::string_view detail = trim(t.substr(1));
        if (!trace.outcome_detail.empty()) trace.outcome_detail += '\n';
        trace.outcome_detail += std::string(detail);
        continue;
      }
      std::size_t colon = t.find(':');
      if (colon == std::string_view::npos) return fail(line_no, "expected 'key: value' in the header");
      std::string key(trim(t.substr(0, colon)));
      std::string value(trim(t.substr(colon + 1)));
      if (key == header_magic) {
        if (value != std::to_string(trace_format_version)) return fail(line_no, "unsupported trace format " + value);
        saw_magic = true;
      } else if (key == "imaplab") {
        trace.imaplab_version = value;
      } else if (key == "outcome") {
        if (value != "none") trace.outcome = value;
      } else {
        fields[key] = value;
      }
      continue;
    }
    if (t.front() == '#') {
      trace.lines.push_back({TraceLine::Kind::Comment, {}, 0, 0, std::string(trim(t.substr(1)))});
      continue;
    }
    if (t.front() == '>') {
      auto choice = Choice::parse(trim(t.substr(1)));
      if (!choice) return fail(line_no, "bad scheduler choice '" + std::string(t) + "'");
      TraceLine tl;
      tl.kind = TraceLine::Kind::Choice;
      tl.choice = *choice;
      trace.lines.push_back(tl);
      continue;
    }
    auto event = parse_event_line(line);
    if (!event) return fail(line_no, "expected '> choice', 'TIME Cn: bytes', 'TIME Sn: bytes' or '# comment'");
    trace.lines.push_back(std::move(*event));
  }
  if (!saw_magic) return fail(1, "not an imaplab trace (no 'imaplab-trace:' header)");
  std::string config_error;
  auto config = RunConfig::from_fields(fields, &config_error);
  if (!config) return fail(1, config_error);
  trace.config = *config;
  return trace;
}

std::vector<Choice> Trace::choices() const {
  std::vector<Choice> out;
  for (const auto& line : lines)
    if (line.kind == TraceLine::Kind::Choice) out.push_back(line.choice);
  return out;
}

namespace {

// A synchronizing literal's announced size when `bytes` ends with its "{n}" CRLF (RFC 3501 §7.5).
std::optional<std::size_t> sync_literal_at_end(std::string_view bytes) {
  if (bytes.size() < 5 || !bytes.ends_with("}\r\n")) return std::nullopt;
  const std::size_t open = bytes.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::size_t n = 0;
  const auto r = std::from_chars(bytes.data() + open + 1, bytes.data() + bytes.size() - 3, n);
  if (r.ec != std::errc() || r.ptr != bytes.data() + bytes.size() - 3) return std::nullopt;
  return n;
}

// A command whose synchronizing literal was never sent (no "+" came): its first lines, completed with filler
// literal bytes, so a replay sends the same first lines and waits for "+" as the recorded client did.
std::optional<proto::Command> completed_with_filler(const std::string& partial) {
  constexpr std::size_t filler_bytes_max = 1 << 20;
  const auto n = sync_literal_at_end(partial);
  if (!n || *n > filler_bytes_max) return std::nullopt;
  auto parsed = proto::parse_command(partial + std::string(*n, 'x') + "\r\n");
  if (auto* command = std::get_if<proto::Command>(&parsed)) return std::move(*command);
  return std::nullopt;
}

}  // namespace

// A command with synchronizing literals is sent in parts, one client line each (the next after each "+"): the
// parts are joined until the command parses.
std::vector<std::vector<proto::Command>> Trace::scripts() const {
  std::vector<std::vector<proto::Command>> out(config.clients);
  std::vector<std::string> partial(config.clients);
  for (const auto& line : lines) {
    if (line.kind != TraceLine::Kind::Client || line.client == 0 || line.client > out.size()) continue;
    std::string& part = partial[line.client - 1];
    if (!part.empty()) {
      std::string joined = part + line.bytes;
      auto parsed = proto::parse_command(joined);
      if (auto* command = std::get_if<proto::Command>(&parsed)) {
        out[line.client - 1].push_back(std::move(*command));
        part.clear();
        continue;
      }
      if (sync_literal_at_end(joined)) {
        part = std::move(joined);
        continue;
      }
      // The command ended before its literal was sent (a tagged NO/BAD instead of "+").
      if (auto command = completed_with_filler(part)) out[line.client - 1].push_back(std::move(*command));
      part.clear();
    }
    auto parsed = proto::parse_command(line.bytes);
    if (auto* command = std::get_if<proto::Command>(&parsed)) {
      out[line.client - 1].push_back(std::move(*command));
    } else if (sync_literal_at_end(line.bytes)) {
      part = line.bytes;
    } else if (auto bad = bad_line_command(line.bytes)) {
      out[line.client - 1].push_back(std::move(*bad));  // an unparseable tagged line the client sent on purpose
    }
  }
  for (std::size_t k = 0; k < partial.size(); ++k) {
    if (partial[k].empty()) continue;
    if (auto command = completed_with_filler(partial[k])) out[k].push_back(std::move(*command));
  }
  return out;
}

std::size_t Trace::command_count() const {
  std::size_t n = 0;
  for (const auto& s : scripts()) n += s.size();
  return n;
}

}  // namespace imaplab::sim
