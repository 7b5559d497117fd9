// `imaplab report TRACE`: one self-contained HTML page showing a trace as a sequence diagram (a lane for the
// server and one per client, time flowing down, commands and responses as arrows, long responses collapsible,
// the violation in red with its rule, RFC section and RFC sentence) beside a copyable plain-text transcript.
#pragma once
#include <cstddef>
#include <string>

#include "sim/trace.hpp"

namespace imaplab::report {

inline constexpr int time_column_px = 84;       // left margin holding each row's timestamp
inline constexpr int lane_width_px = 180;       // distance between two lifelines
inline constexpr int label_overflow_px = 520;   // room right of the last lane for long labels
inline constexpr std::size_t label_chars_max = 96;  // longer (or multi-line) messages collapse behind a summary

struct TracePageOptions {
  std::string name;       // the trace's file name, shown in the title and the replay hint
  std::string back_href;  // a link back to the summary page this trace belongs to (empty: none)
};

std::string render_trace_page(const sim::Trace& trace, const TracePageOptions& options = {});

}  // namespace imaplab::report
