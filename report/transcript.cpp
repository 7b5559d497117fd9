// Reading a trace's body into marked steps and the violation (report/transcript.hpp).
#include "report/transcript.hpp"

#include <algorithm>
#include <cstdio>

#include "sim/checker.hpp"

namespace imaplab::report {
namespace {

constexpr std::string_view violation_marker = " violated here: ";
constexpr std::string_view cause_marker = "^ cause of ";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A "^ RULE violated here: why" or "^ cause of RULE" comment marks the event line above it.
void read_marker(Step& note) {
  std::string_view text = note.bytes;
  if (starts_with(text, cause_marker)) {
    note.rule = std::string(trim(text.substr(cause_marker.size())));
    return;
  }
  const std::size_t at = text.find(violation_marker);
  if (starts_with(text, "^ ") && at != std::string_view::npos) note.rule = std::string(trim(text.substr(2, at - 2)));
}

Mark mark_of(const Step& note) {
  if (note.rule.empty()) return Mark::None;
  return starts_with(note.bytes, cause_marker) ? Mark::Cause : Mark::Violation;
}

// Splits a 'RFC 3501 §7.4.1: "sentence"' detail line into its section and sentence.
bool split_rfc_line(std::string_view line, std::string& rfc, std::string& text) {
  const std::size_t quote = line.find(": \"");
  if (!starts_with(line, "RFC ") || quote == std::string_view::npos || line.back() != '"') return false;
  rfc = std::string(line.substr(0, quote));
  text = std::string(line.substr(quote + 3, line.size() - quote - 4));
  return true;
}

// Fills the rule's RFC section and sentence from the catalogue, else from the trace's own quote.
void fill_rfc(ViolationInfo& v) {
  std::vector<std::string> kept;
  for (const auto& d : v.details) {
    std::string rfc, text;
    if (split_rfc_line(d, rfc, text)) {
      if (v.rfc.empty()) v.rfc = rfc;
      if (v.rfc_text.empty()) v.rfc_text = text;
    } else {
      kept.push_back(d);
    }
  }
  v.details = std::move(kept);
  if (const sim::RuleInfo* info = sim::find_rule(v.rule)) {
    v.rfc = info->rfc;
    v.rfc_text = info->text;
  }
}

// The violation from the header alone ("RULE (RFC): message" then detail lines), for traces without notes.
ViolationInfo from_header(const sim::Trace& trace) {
  ViolationInfo v;
  v.rule = *trace.outcome;
  std::string_view detail = trace.outcome_detail;
  std::size_t start = 0;
  bool first = true;
  while (start < detail.size()) {
    std::size_t nl = detail.find('\n', start);
    if (nl == std::string_view::npos) nl = detail.size();
    std::string_view line = trim(detail.substr(start, nl - start));
    start = nl + 1;
    if (first) {
      const std::size_t colon = line.find("): ");
      v.message = std::string(starts_with(line, v.rule) && colon != std::string_view::npos ? line.substr(colon + 3) : line);
      first = false;
    } else if (!line.empty()) {
      v.details.emplace_back(line);
    }
  }
  return v;
}

void add_note(Transcript& t, std::string text, std::optional<std::size_t> last_event) {
  // Lines continuing a "^" note (no "^" of their own) belong to it.
  if (!t.steps.empty() && t.steps.back().kind == Step::Kind::Note && !t.steps.back().rule.empty() &&
      !starts_with(text, "^")) {
    t.steps.back().details.push_back(std::move(text));
    return;
  }
  Step note;
  note.kind = Step::Kind::Note;
  note.bytes = std::move(text);
  read_marker(note);
  if (last_event && mark_of(note) != Mark::None) {
    Step& event = t.steps[*last_event];
    // A line both causing and breaking a rule shows as breaking it.
    if (event.mark != Mark::Violation) event.mark = mark_of(note);
    event.rule = note.rule;
  }
  t.steps.push_back(std::move(note));
}

void find_violation(Transcript& t, const sim::Trace& trace) {
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const Step& s = t.steps[i];
    if (s.kind != Step::Kind::Note || mark_of(s) != Mark::Violation) continue;
    if (!t.violation) {
      ViolationInfo v;
      v.rule = s.rule;
      v.message = s.bytes.substr(s.bytes.find(violation_marker) + violation_marker.size());
      v.details = s.details;
      t.violation = std::move(v);
    }
    for (std::size_t e = i; e-- > 0;) {
      if (t.steps[e].kind == Step::Kind::Command || t.steps[e].kind == Step::Kind::Response) {
        if (t.steps[e].rule == t.violation->rule) t.violation->offending.push_back(e);
        break;
      }
    }
  }
  if (!t.violation && trace.outcome) t.violation = from_header(trace);
  if (t.violation) fill_rfc(*t.violation);
}

}  // namespace

std::string format_ms(std::uint64_t time_us, bool pad) {
  char buf[40];
  std::snprintf(buf, sizeof buf, pad ? "%10llu.%03llu" : "%llu.%03llu", static_cast<unsigned long long>(time_us / 1000),
                static_cast<unsigned long long>(time_us % 1000));
  return buf;
}

Transcript read_transcript(const sim::Trace& trace) {
  Transcript t;
  t.clients = trace.config.clients;
  std::optional<std::size_t> last_event;
  for (const sim::TraceLine& line : trace.lines) {
    switch (line.kind) {
      case sim::TraceLine::Kind::Client:
      case sim::TraceLine::Kind::Server: {
        Step s;
        s.kind = line.kind == sim::TraceLine::Kind::Client ? Step::Kind::Command : Step::Kind::Response;
        s.time_us = line.time_us;
        s.client = line.client;
        s.bytes = line.bytes;
        t.clients = std::max(t.clients, line.client);
        last_event = t.steps.size();
        t.steps.push_back(std::move(s));
        break;
      }
      case sim::TraceLine::Kind::Choice: {
        Step s;
        s.kind = Step::Kind::Choice;
        s.client = line.choice.client;
        s.bytes = line.choice.label();
        t.steps.push_back(std::move(s));
        break;
      }
      case sim::TraceLine::Kind::Comment: {
        // A recorded (not parsed) trace keeps a multi-line note in one comment; read it as the parser would.
        std::string_view rest = line.bytes;
        while (!rest.empty()) {
          const std::size_t nl = std::min(rest.find('\n'), rest.size());
          if (auto piece = trim(rest.substr(0, nl)); !piece.empty()) add_note(t, std::string(piece), last_event);
          rest.remove_prefix(std::min(nl + 1, rest.size()));
        }
        break;
      }
    }
  }
  find_violation(t, trace);
  return t;
}

std::vector<TextLine> text_lines(const Transcript& transcript, bool choices) {
  std::vector<TextLine> out;
  for (std::size_t i = 0; i < transcript.steps.size(); ++i) {
    const Step& s = transcript.steps[i];
    switch (s.kind) {
      case Step::Kind::Command:
      case Step::Kind::Response:
        out.push_back({format_ms(s.time_us, true) + (s.kind == Step::Kind::Command ? " C" : " S") +
                           std::to_string(s.client) + ": " + sim::escape_bytes(s.bytes),
                       s.kind, s.mark, i});
        break;
      case Step::Kind::Choice:
        if (choices) out.push_back({"> " + s.bytes, s.kind, Mark::None, i});
        break;
      case Step::Kind::Note:
        out.push_back({"# " + s.bytes, s.kind, mark_of(s), i});
        for (const auto& d : s.details) out.push_back({"#   " + d, s.kind, mark_of(s), i});
        break;
    }
  }
  return out;
}

std::optional<sim::Trace> parse_trace_lenient(std::string_view text, std::string* error) {
  if (auto trace = sim::Trace::parse(text, error)) return trace;
  // Older writers continued a multi-line note on lines starting with spaces and no "#".
  std::string repaired;
  bool in_body = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    std::string_view t = trim(line);
    if (t == "--") in_body = true;
    const bool continuation = in_body && !line.empty() && line.front() == ' ' && !t.empty() &&
                              !(t.front() >= '0' && t.front() <= '9');
    repaired += continuation ? "# " + std::string(t) : std::string(line);
    repaired += '\n';
  }
  std::string second_error;
  auto trace = sim::Trace::parse(repaired, &second_error);
  if (trace && error) error->clear();
  return trace;
}

}  // namespace imaplab::report
