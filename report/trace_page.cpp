// Rendering of report/trace_page.hpp. Geometry is fixed in pixels: lane i's lifeline sits at
// time_column_px + lane_width_px * i + lane_width_px / 2, the server being lane 0, so an arrow is a block with a
// left margin and a width, and a row needs no script to draw.
#include "report/trace_page.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/assets.hpp"
#include "report/html.hpp"
#include "report/transcript.hpp"

namespace imaplab::report {
namespace {

constexpr int lane_hues_count = 8;
constexpr int note_overflow_px = 200;  // a violation note may reach this far right of the last lifeline
constexpr const char* lane_colors[lane_hues_count] = {"#1d4ed8", "#047857", "#7c3aed", "#b45309",
                                                      "#0e7490", "#be185d", "#4d7c0f", "#6d28d9"};

int lane_x(std::uint32_t lane) { return time_column_px + lane_width_px * static_cast<int>(lane) + lane_width_px / 2; }

const char* color_of(sim::ClientId client) { return lane_colors[(client + lane_hues_count - 1) % lane_hues_count]; }

std::string mark_class(Mark mark) {
  if (mark == Mark::Violation) return " violation";
  if (mark == Mark::Cause) return " cause";
  return "";
}

// The message text: short ones inline; long or multi-line ones (literals) behind a <details> toggle.
std::string label_html(const std::string& bytes) {
  const std::string full = display_bytes(bytes);
  if (full.size() <= label_chars_max && full.find('\n') == std::string::npos) return html_escape(full);
  return fmt::format("<details><summary>{} <span class=\"muted\">({} bytes)</span></summary><pre>{}</pre></details>",
                     html_escape(first_line(bytes, label_chars_max)), bytes.size(), html_escape(full));
}

std::string event_row(const Step& s, std::size_t index) {
  const bool command = s.kind == Step::Kind::Command;
  const int from = lane_x(0), to = lane_x(s.client);
  return fmt::format(
      "<div class=\"row {}{}\" id=\"step-{}\" data-step=\"{}\" data-client=\"{}\" data-rule=\"{}\">"
      "<span class=\"t\">{}</span>"
      "<div class=\"arrow {}\" style=\"margin-left:{}px;width:{}px;--lane-color:{}\">"
      "<span class=\"label\"><b>{}{}:</b> {}</span></div></div>\n",
      command ? "cmd" : "resp", mark_class(s.mark), index, index, s.client, html_escape(s.rule),
      format_ms(s.time_us, false), command ? "to-left" : "to-right from-server", from, to - from, color_of(s.client),
      command ? 'C' : 'S', s.client, label_html(s.bytes));
}

std::string choice_row(const Step& s) {
  return fmt::format("<div class=\"row choice\" style=\"padding-left:{}px\">&#8250; {}</div>\n",
                     lane_x(s.client) - 4, html_escape(s.bytes));
}

std::string note_row(const Step& s, const Transcript& t) {
  if (s.rule.empty() || s.bytes.rfind("^ cause of ", 0) == 0) {
    const char* cls = s.rule.empty() ? "note" : "note cause-note";
    std::string text = s.rule.empty() ? s.bytes : "\u25B2 cause of " + s.rule;
    return fmt::format("<div class=\"{}\" style=\"margin-left:{}px\">{}</div>\n", cls, time_column_px, html_escape(text));
  }
  std::string out = fmt::format("<div class=\"note violation-note\" style=\"margin-left:{}px;max-width:{}px\">"
                                "<b>\u25B2 {}</b> {}",
                                time_column_px, lane_width_px * static_cast<int>(t.clients + 1) + note_overflow_px,
                                html_escape(s.rule + " violated here:"),
                                html_escape(s.bytes.substr(s.bytes.find(": ") + 2)));
  for (const auto& d : s.details) out += "<div>" + html_escape(d) + "</div>";
  return out + "</div>\n";
}

std::string lanes_html(const Transcript& t) {
  std::string out = "<div class=\"lanes-head\">";
  for (std::uint32_t lane = 0; lane <= t.clients; ++lane) {
    const std::string name = lane == 0 ? "Server" : "C" + std::to_string(lane);
    out += fmt::format("<div class=\"lane-head{}\" data-lane=\"{}\" style=\"left:{}px;width:{}px{}\">{}</div>",
                       lane == 0 ? " server" : "", lane, lane_x(lane) - lane_width_px / 2, lane_width_px,
                       lane == 0 ? std::string() : std::string(";color:") + color_of(lane), name);
  }
  out += "</div>\n";
  for (std::uint32_t lane = 0; lane <= t.clients; ++lane)
    out += fmt::format("<div class=\"lifeline\" style=\"left:{}px\"></div>", lane_x(lane) - 1);
  return out + "\n";
}

std::string diagram_html(const Transcript& t) {
  const int width = lane_x(t.clients) + lane_width_px / 2 + label_overflow_px;
  std::string out = fmt::format("<div class=\"diagram\" id=\"diagram\" style=\"width:{}px\">\n", width);
  out += lanes_html(t);
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const Step& s = t.steps[i];
    if (s.kind == Step::Kind::Choice) out += choice_row(s);
    else if (s.kind == Step::Kind::Note) out += note_row(s, t);
    else out += event_row(s, i);
  }
  return out + "</div>\n";
}

std::string transcript_html(const Transcript& t) {
  std::string out = "<pre id=\"transcript\">";
  for (const TextLine& line : text_lines(t, false)) {
    const char* cls = line.mark == Mark::Violation ? "tl v" : line.mark == Mark::Cause ? "tl c"
                      : line.kind == Step::Kind::Note ? "tl n" : "tl";
    out += fmt::format("<span class=\"{}\" data-step=\"{}\">{}</span>\n", cls, line.step, html_escape(line.text));
  }
  return out + "</pre>\n";
}

std::string violation_html(const Transcript& t) {
  if (!t.violation) return "<p class=\"good\" style=\"margin:10px 20px\">No violation recorded: the run passes.</p>\n";
  const ViolationInfo& v = *t.violation;
  std::string out = "<section class=\"violation-box\" id=\"violation\">";
  out += fmt::format("<h2>Violation <span class=\"rule\">{}</span><span class=\"rfc\">{}</span></h2>",
                     html_escape(v.rule), html_escape(v.rfc));
  out += "<p class=\"msg\">" + html_escape(v.message) + "</p>";
  if (!v.rfc_text.empty())
    out += fmt::format("<blockquote class=\"rfc-text\">{}: &ldquo;{}&rdquo;</blockquote>", html_escape(v.rfc),
                       html_escape(v.rfc_text));
  out += "<ul>";
  for (const auto& d : v.details) out += "<li>" + html_escape(d) + "</li>";
  for (std::size_t step : v.offending)
    out += fmt::format("<li><a href=\"#step-{}\" data-step=\"{}\">show the offending line in the diagram</a></li>",
                       step, step);
  return out + "</ul></section>\n";
}

std::string header_html(const sim::Trace& trace, const TracePageOptions& o) {
  std::string out = "<header class=\"page\">";
  if (!o.back_href.empty()) out += "<a href=\"" + html_escape(o.back_href) + "\">&larr; summary</a>";
  out += "<h1>imaplab trace " + html_escape(o.name) + "</h1><div class=\"config\">";
  out += "<span>outcome <b class=\"" + std::string(trace.outcome ? "bad" : "good") + "\">" +
         html_escape(trace.outcome.value_or("none")) + "</b></span>";
  // The fields a reader needs to place the run; the rest (mix, sizes, strategy knobs) behind a toggle.
  const auto fields = trace.config.fields();
  std::string rest;
  for (const auto& [key, value] : fields) {
    const bool key_field = key == "policy" || key == "seed" || key == "strategy" || key == "clients" ||
                           key == "commands" || key == "bugs" || key == "buggify";
    (key_field ? out : rest) += "<span>" + html_escape(key) + " <b>" + html_escape(value) + "</b></span> ";
  }
  out += "<details><summary class=\"muted\">run configuration</summary><div class=\"config\">" + rest +
         "<span>imaplab <b>" + html_escape(trace.imaplab_version) + "</b></span></div></details></div>";
  out += fmt::format("<div class=\"muted\">Times in ms since the run began (virtual time in the simulator, real time "
                     "in a probe). Replay: <code>imaplab replay {}</code></div>",
                     html_escape(o.name.empty() ? "TRACE" : o.name));
  return out + "<ul id=\"script-errors\"></ul></header>\n";
}

}  // namespace

std::string render_trace_page(const sim::Trace& trace, const TracePageOptions& options) {
  const Transcript t = read_transcript(trace);
  const std::string outcome = trace.outcome.value_or("none");
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\" data-script-errors=\"0\">\n<head><meta charset=\"utf-8\">";
  out += std::string("<script>") + assets::error_recorder_js + "</script>\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  out += "<title>imaplab: " + html_escape(outcome) + " " + html_escape(options.name) + "</title>\n";
  out += std::string("<style>") + assets::common_css + assets::trace_css + "</style></head>\n";
  out += fmt::format("<body class=\"trace-page\" data-clients=\"{}\" data-lanes-expected=\"{}\" data-outcome=\"{}\">\n", t.clients,
                     t.clients + 1, html_escape(outcome));
  out += header_html(trace, options);
  out += violation_html(t);
  out += "<div class=\"controls\"><label><input type=\"checkbox\" id=\"show-choices\"> scheduler choices</label>"
         "<button id=\"expand-all\">expand all</button><button id=\"collapse-all\">collapse all</button>"
         "<span class=\"muted\">click a line to find it in the other view</span></div>\n";
  out += "<main class=\"layout\"><section class=\"diagram-wrap\">\n" + diagram_html(t) + "</section>\n";
  out += "<aside class=\"transcript-wrap\"><div class=\"tbar\"><h2>Transcript</h2><button id=\"copy\">Copy</button>"
         "</div>\n" + transcript_html(t) + "</aside></main>\n";
  out += "<output id=\"selfcheck\" hidden></output>\n";
  out += std::string("<script>") + assets::trace_js + "</script>\n";
  out += std::string("<script>") + assets::trace_selfcheck_js + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace imaplab::report
