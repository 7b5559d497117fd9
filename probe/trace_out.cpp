// Building, writing and reading back probe traces (probe/trace_out.hpp).
#include "probe/trace_out.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "proto/command_parser.hpp"
#include "proto/writer.hpp"

namespace imaplab::probe {
namespace {

constexpr const char* info_marker = "probe:";
constexpr const char* masked_password = "(password)";
constexpr const char* masked_sasl = "KHJlZGFjdGVkKQ==";  // base64("(redacted)")

// The bytes of a sent event as the trace shows them: credentials replaced.
std::string masked_bytes(const sim::Event& e) {
  if (e.command && e.command->kind == proto::CommandKind::Login) {
    proto::Command c = *e.command;
    std::get<proto::LoginArgs>(c.args).password = masked_password;
    return proto::write_command(c);
  }
  if (e.command && e.command->kind == proto::CommandKind::Authenticate) {
    proto::Command c = *e.command;
    auto& a = std::get<proto::AuthenticateArgs>(c.args);
    if (a.initial_response) a.initial_response = masked_sasl;
    return proto::write_command(c);
  }
  if (e.raw_line && *e.raw_line != "DONE") return std::string(masked_sasl) + "\r\n";
  return e.bytes;
}

bool ends_with_sync_literal(const std::string& s) {
  if (s.size() < 5 || s.compare(s.size() - 3, 3, "}\r\n") != 0) return false;
  std::size_t i = s.size() - 4;
  while (i > 0 && s[i] >= '0' && s[i] <= '9') --i;
  return s[i] == '{' && i + 4 < s.size();
}

// Calls f(client, command, time of its first part) for every command of the trace, in order.
template <class F>
void for_each_command(const sim::Trace& trace, const F& f) {
  std::map<sim::ClientId, std::pair<std::string, std::uint64_t>> partial;
  for (const auto& line : trace.lines) {
    if (line.kind != sim::TraceLine::Kind::Client) continue;
    auto& [buffer, start] = partial[line.client];
    if (buffer.empty()) start = line.time_us;
    buffer += line.bytes;
    if (ends_with_sync_literal(buffer)) continue;
    auto parsed = proto::parse_command(buffer);
    if (auto* c = std::get_if<proto::Command>(&parsed)) f(line.client, std::move(*c), start);
    buffer.clear();
  }
}

}  // namespace

sim::Trace violation_trace(const std::vector<sim::Event>& events, const sim::Violation& v,
                           const ProbeTraceInfo& info) {
  sim::Trace trace;
  trace.config = info.config;
  trace.outcome = v.rule;
  trace.outcome_detail = v.rule + " (" + v.rfc + "): " + v.message;
  std::set<sim::ClientId> involved;
  std::map<std::size_t, std::string> notes;
  for (std::size_t i : v.offending)
    if (i < events.size()) {
      involved.insert(events[i].client);
      notes[i] = "^ " + v.rule + " violated here";
    }
  for (std::size_t i : v.causes)
    if (i < events.size()) {
      involved.insert(events[i].client);
      notes.emplace(i, "^ cause of " + v.rule);
    }
  std::string facts = std::string(info_marker) + " server=" + info.server + " prefix=" + info.prefix +
                      " delimiter=" + std::string(1, info.delimiter) +
                      " policy=" + (info.policy_auto ? "auto" : info.config.policy.to_string()) +
                      " clients-shown=";
  for (sim::ClientId id : involved) facts += "C" + std::to_string(id) + " ";
  trace.lines.push_back({sim::TraceLine::Kind::Comment, {}, 0, 0, facts});
  const std::uint64_t last = v.offending.empty() ? events.size() : *std::max_element(v.offending.begin(), v.offending.end()) + 1;
  for (std::size_t i = 0; i < events.size() && i < last; ++i) {
    const sim::Event& e = events[i];
    if (!involved.count(e.client)) continue;
    const std::string who = "C" + std::to_string(e.client);
    switch (e.dir) {
      case sim::Event::Dir::Connected:
        trace.lines.push_back({sim::TraceLine::Kind::Comment, {}, 0, 0, who + " connects"});
        break;
      case sim::Event::Dir::Disconnected:
        trace.lines.push_back({sim::TraceLine::Kind::Comment, {}, 0, 0, who + " is disconnected"});
        break;
      case sim::Event::Dir::Sent:
        trace.lines.push_back({sim::TraceLine::Kind::Client, {}, e.time_us, e.client, masked_bytes(e)});
        break;
      case sim::Event::Dir::Received:
        trace.lines.push_back({sim::TraceLine::Kind::Server, {}, e.time_us, e.client, e.bytes});
        break;
    }
    if (auto n = notes.find(i); n != notes.end())
      trace.lines.push_back({sim::TraceLine::Kind::Comment, {}, 0, 0, n->second});
  }
  return trace;
}

std::optional<ProbeTraceInfo> probe_info(const sim::Trace& trace) {
  for (const auto& line : trace.lines) {
    if (line.kind != sim::TraceLine::Kind::Comment || line.bytes.rfind(info_marker, 0) != 0) continue;
    ProbeTraceInfo info;
    info.config = trace.config;
    const auto value = [&](const std::string& key) -> std::string {
      const auto at = line.bytes.find(" " + key + "=");
      if (at == std::string::npos) return {};
      const auto start = at + key.size() + 2;
      return line.bytes.substr(start, line.bytes.find(' ', start) - start);
    };
    info.server = value("server");
    info.prefix = value("prefix");
    const std::string d = value("delimiter");
    info.delimiter = d.empty() ? '/' : d[0];
    info.policy_auto = value("policy") == "auto";
    if (info.prefix.empty()) return std::nullopt;
    return info;
  }
  return std::nullopt;
}

std::vector<std::vector<proto::Command>> replay_scripts(const sim::Trace& trace) {
  std::vector<std::vector<proto::Command>> out(trace.config.clients);
  for_each_command(trace, [&](sim::ClientId id, proto::Command c, std::uint64_t) {
    if (id >= 1 && id <= out.size()) out[id - 1].push_back(std::move(c));
  });
  return out;
}

std::vector<std::vector<std::uint64_t>> replay_times(const sim::Trace& trace) {
  std::vector<std::vector<std::uint64_t>> out(trace.config.clients);
  std::optional<std::uint64_t> first;
  for (const auto& line : trace.lines)
    if (line.kind == sim::TraceLine::Kind::Client || line.kind == sim::TraceLine::Kind::Server) {
      first = line.time_us;
      break;
    }
  for_each_command(trace, [&](sim::ClientId id, const proto::Command&, std::uint64_t t) {
    if (id >= 1 && id <= out.size()) out[id - 1].push_back(t - std::min(t, first.value_or(0)));
  });
  return out;
}

std::optional<std::string> write_file_now(const std::string& dir, const std::string& name, const std::string& text,
                                          std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (std::filesystem::path(dir) / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    if (error) *error = "cannot write " + path;
    return std::nullopt;
  }
  return path;
}

}  // namespace imaplab::probe
