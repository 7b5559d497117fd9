// A trace read for people: its body as steps (commands, responses, scheduler choices, notes) with the violating
// and causing lines marked, and the violation with its rule, RFC section and RFC sentence. Both the HTML report
// and the terminal (`imaplab replay`) print from this, so they mark the same lines.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"

namespace imaplab::report {

enum class Mark { None, Violation, Cause };

struct Step {
  enum class Kind { Command, Response, Choice, Note };
  Kind kind = Kind::Note;
  std::uint64_t time_us = 0;      // Command/Response
  sim::ClientId client = 0;       // Command/Response: the client (lane); Choice: the client it names, 0 for T
  std::string bytes;              // Command/Response: raw bytes; Choice: its label; Note: the comment text
  Mark mark = Mark::None;         // Command/Response: this line broke the rule, or caused the break
  std::string rule;               // the rule of the mark, or of a "^" note
  std::vector<std::string> details;  // Note: its continuation lines ("offending: ...", the RFC sentence)
};

struct ViolationInfo {
  std::string rule;      // "SEQ-2"
  std::string rfc;       // "RFC 3501 §7.4.1, §5.5"
  std::string rfc_text;  // the RFC sentence the rule rests on
  std::string message;   // what is wrong
  std::vector<std::string> details;     // "offending: ..." and "because: ..." lines
  std::vector<std::size_t> offending;   // indices of the marked steps
};

struct Transcript {
  std::uint32_t clients = 0;  // client lanes: the header's count, or more if lines name higher clients
  std::vector<Step> steps;
  std::optional<ViolationInfo> violation;  // nullopt: the trace records no violation
};

Transcript read_transcript(const sim::Trace& trace);

// One line of the plain-text transcript, in the trace body's own notation (so it can be pasted into a trace).
struct TextLine {
  std::string text;
  Step::Kind kind = Step::Kind::Note;
  Mark mark = Mark::None;
  std::size_t step = 0;  // the step it comes from
};
std::vector<TextLine> text_lines(const Transcript& transcript, bool choices);

// "12.040" for 12040 microseconds, right-aligned as in traces.
std::string format_ms(std::uint64_t time_us, bool pad);

// Trace::parse, also accepting traces from older writers whose violation notes continued on lines without "#".
std::optional<sim::Trace> parse_trace_lenient(std::string_view text, std::string* error);

}  // namespace imaplab::report
