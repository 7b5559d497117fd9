// Rendering of the summary page of report/summary.hpp: totals, tables by policy and rule, the failing traces,
// and for bench-detect a table and an inline SVG chart of median time to detection (log scale).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "report/assets.hpp"
#include "report/html.hpp"
#include "report/summary.hpp"
#include "sim/checker.hpp"

namespace imaplab::report {
namespace {

constexpr int chart_label_px = 220;    // left column of the chart: bug names
constexpr int chart_plot_px = 560;     // width of the bars' area
constexpr int chart_bar_px = 14;       // height of one bar
constexpr int chart_gap_px = 8;        // between two bugs' groups
constexpr std::size_t policy_rows_shown_max = 12;  // more policies: show axis totals, the matrix folded
constexpr double chart_floor_seconds = 0.001;  // left edge of the log scale at least this small
constexpr const char* strategy_colors[] = {"#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be185d"};

std::string num(std::uint64_t n) { return std::to_string(n); }

std::string opt(const std::optional<double>& v, const char* format) {
  return v ? fmt::format(fmt::runtime(format), *v) : std::string("&ndash;");
}

std::string totals_html(const Summary& s) {
  std::string out = "<section><h2>Totals</h2><table class=\"data\">";
  auto row = [&](const std::string& k, const std::string& v) { out += "<tr><th>" + k + "</th><td class=\"num\">" + v + "</td></tr>"; };
  row(s.kind == "probe" ? "connections" : "runs", num(s.runs));
  row("client commands", num(s.commands));
  if (s.virtual_seconds > 0 || s.kind == "hunt" || s.kind == "traces") row("virtual time", fmt::format("{:.1f} s", s.virtual_seconds));
  if (s.wall_seconds > 0) row("wall time", fmt::format("{:.1f} s", s.wall_seconds));
  row("violations", fmt::format("<span class=\"{}\">{}</span>", s.violations ? "bad" : "good", s.violations));
  out += "</table>";
  if (!s.totals_known)
    out += "<p class=\"muted\">No run summary (JSON) was found, so the totals count only the traces in the folder. "
           "Save <code>imaplab hunt --json</code> output into the folder for the whole hunt's numbers.</p>";
  return out + "</section>\n";
}

std::string policy_table(const std::vector<PolicyRow>& rows, const char* heading) {
  std::string out = fmt::format("<table class=\"data\"><tr><th>{}</th><th class=\"num\">runs</th>"
                                "<th class=\"num\">commands</th><th class=\"num\">violations</th></tr>", heading);
  for (const auto& p : rows)
    out += fmt::format("<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num{}\">{}</td></tr>",
                       html_escape(p.policy), p.runs, p.commands, p.violations ? " bad" : "", p.violations);
  return out + "</table>";
}

// Totals per value of each policy axis ("delete=ghost"), as `imaplab hunt` prints them: the full matrix has
// over a hundred rows, the axes a dozen.
std::vector<PolicyRow> by_axis(const std::vector<PolicyRow>& policies) {
  std::map<std::string, PolicyRow> axes;
  for (const auto& p : policies) {
    std::size_t pos = 0;
    while (pos < p.policy.size()) {
      std::size_t sp = p.policy.find(' ', pos);
      if (sp == std::string::npos) sp = p.policy.size();
      PolicyRow& a = axes[p.policy.substr(pos, sp - pos)];
      a.policy = p.policy.substr(pos, sp - pos);
      a.runs += p.runs;
      a.commands += p.commands;
      a.violations += p.violations;
      pos = sp + 1;
    }
  }
  std::vector<PolicyRow> out;
  for (auto& [name, row] : axes) out.push_back(std::move(row));
  return out;
}

std::string policies_html(const Summary& s) {
  if (s.policies.empty()) return {};
  auto rows = s.policies;
  std::sort(rows.begin(), rows.end(), [](const PolicyRow& a, const PolicyRow& b) { return a.policy < b.policy; });
  std::size_t failing = 0;
  for (const auto& p : rows) failing += p.violations ? 1 : 0;
  std::string out = "<section><h2>By policy</h2>";
  if (rows.size() > policy_rows_shown_max) out += policy_table(by_axis(rows), "policy axis");
  out += fmt::format("<details{}><summary>{} policies, {} with violations</summary>{}</details>",
                     rows.size() > policy_rows_shown_max ? "" : " open", rows.size(), failing,
                     policy_table(rows, "policy"));
  return out + "</section>\n";
}

std::string rules_html(const Summary& s) {
  if (s.rules.empty()) return {};
  auto rows = s.rules;
  std::sort(rows.begin(), rows.end(), [](const RuleRow& a, const RuleRow& b) {
    return std::tie(a.rule, a.policy) < std::tie(b.rule, b.policy);
  });
  std::string out = fmt::format("<section><h2>Violations by rule</h2><table class=\"data\"><tr><th>rule</th><th>RFC</th>"
                                "<th>{}</th><th class=\"num\">violations</th></tr>",
                                s.kind == "bench-detect" ? "bug / strategy" : "policy");
  for (const auto& r : rows) {
    const sim::RuleInfo* info = sim::find_rule(r.rule);
    out += fmt::format("<tr><td class=\"bad\">{}</td><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
                       html_escape(r.rule), html_escape(info ? info->rfc : ""), html_escape(r.policy), r.violations);
  }
  return out + "</table></section>\n";
}

std::string traces_html(const Summary& s) {
  if (s.traces.empty()) return "<section><h2>Failing traces</h2><p class=\"muted\">none</p></section>\n";
  std::string out = "<section><h2>Failing traces</h2><table class=\"data\"><tr><th>trace</th><th>rule</th>"
                    "<th>policy</th><th class=\"num\">seed</th><th class=\"num\">commands</th>"
                    "<th class=\"num\">virtual ms</th></tr>";
  for (const auto& t : s.traces)
    out += fmt::format("<tr><td><a class=\"trace-link\" href=\"{}\">{}</a></td><td class=\"{}\">{}</td><td><code>{}</code>"
                       "</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3f}</td></tr>",
                       html_escape(t.href), html_escape(t.name), t.rule == "none" ? "good" : "bad", html_escape(t.rule),
                       html_escape(t.policy), t.seed, t.commands, static_cast<double>(t.virtual_us) / 1000.0);
  return out + "</table></section>\n";
}

std::string detect_table_html(const Summary& s) {
  std::string out = "<section><h2>Detection per bug and strategy</h2><table class=\"data\"><tr><th>bug</th>"
                    "<th>rule</th><th>strategy</th><th class=\"num\">detected</th><th class=\"num\">median s</th>"
                    "<th class=\"num\">median commands</th><th class=\"num\">minimized commands</th></tr>";
  for (const auto& d : s.detect) {
    if (d.bug == "none") {  // the correct server: what matters is that nothing fired
      const double alarms = d.violations.value_or(0);
      out += fmt::format("<tr><td><code>none</code> (correct server)</td><td></td><td>{}</td><td class=\"num {}\">"
                         "{:.0f} false alarms</td><td></td><td></td><td></td></tr>",
                         html_escape(d.strategy), alarms > 0 ? "bad" : "good", alarms);
      continue;
    }
    const bool missed = d.detected_fraction && *d.detected_fraction <= 0;
    out += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num{}\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                       html_escape(d.bug), html_escape(d.rule), html_escape(d.strategy), missed ? " bad" : "",
                       d.detected_fraction ? fmt::format("{:.0f}%", *d.detected_fraction * 100) : "&ndash;",
                       opt(d.median_seconds, "{:.3f}"), opt(d.median_commands, "{:.0f}"),
                       opt(d.minimized_commands, "{:.0f}"));
  }
  return out + "</table></section>\n";
}

// Log-scale position of `seconds` in [lo, hi] on the plot.
int scale_x(double seconds, double lo, double hi) {
  const double f = (std::log10(std::max(seconds, lo)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return chart_label_px + static_cast<int>(f * chart_plot_px);
}

std::string detect_chart_svg(const Summary& s) {
  std::vector<std::string> bugs, strategies;
  double lo = 1e9, hi = 0;
  for (const auto& d : s.detect) {
    if (d.bug == "none") continue;
    if (std::find(bugs.begin(), bugs.end(), d.bug) == bugs.end()) bugs.push_back(d.bug);
    if (std::find(strategies.begin(), strategies.end(), d.strategy) == strategies.end()) strategies.push_back(d.strategy);
    if (d.median_seconds && *d.median_seconds > 0) {
      lo = std::min(lo, *d.median_seconds);
      hi = std::max(hi, *d.median_seconds);
    }
  }
  if (hi <= 0) return "<p class=\"muted\">No detection times to chart.</p>\n";
  lo = std::pow(10.0, std::floor(std::log10(std::max(chart_floor_seconds, lo / 2))));
  hi = std::pow(10.0, std::ceil(std::log10(hi * 1.01)));
  const int group_px = static_cast<int>(strategies.size()) * chart_bar_px + chart_gap_px;
  const int height = 30 + static_cast<int>(bugs.size()) * group_px + 30;
  std::string out = fmt::format("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
                                "font-family=\"system-ui, sans-serif\" font-size=\"11\">",
                                chart_label_px + chart_plot_px + 120, height);
  for (double t = lo; t <= hi * 1.0001; t *= 10) {
    const int x = scale_x(t, lo, hi);
    out += fmt::format("<line x1=\"{}\" y1=\"20\" x2=\"{}\" y2=\"{}\" stroke=\"#e5e7eb\"/><text x=\"{}\" y=\"14\" "
                       "text-anchor=\"middle\" fill=\"#6b7280\">{}s</text>", x, x, height - 24, x, t);
  }
  for (std::size_t b = 0; b < bugs.size(); ++b) {
    const int top = 24 + static_cast<int>(b) * group_px;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", chart_label_px - 6,
                       top + static_cast<int>(strategies.size()) * chart_bar_px / 2 + 4, html_escape(bugs[b]));
    for (const auto& d : s.detect) {
      if (d.bug != bugs[b]) continue;
      const auto k = static_cast<std::size_t>(std::find(strategies.begin(), strategies.end(), d.strategy) - strategies.begin());
      const int y = top + static_cast<int>(k) * chart_bar_px;
      const char* color = strategy_colors[k % std::size(strategy_colors)];
      if (!d.median_seconds || (d.detected_fraction && *d.detected_fraction <= 0)) {
        out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#c62828\">not found ({})</text>", chart_label_px + 4,
                           y + chart_bar_px - 3, html_escape(d.strategy));
        continue;
      }
      const int x = scale_x(*d.median_seconds, lo, hi);
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} {}: {:.3f} s</title>"
                         "</rect><text x=\"{}\" y=\"{}\" fill=\"#374151\">{:.3g} s</text>",
                         chart_label_px, y + 1, std::max(1, x - chart_label_px), chart_bar_px - 2, color,
                         html_escape(d.bug), html_escape(d.strategy), *d.median_seconds, x + 4, y + chart_bar_px - 3,
                         *d.median_seconds);
    }
  }
  for (std::size_t k = 0; k < strategies.size(); ++k)
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
                       chart_label_px + static_cast<int>(k) * 110, height - 14, strategy_colors[k % std::size(strategy_colors)],
                       chart_label_px + static_cast<int>(k) * 110 + 14, height - 5, html_escape(strategies[k]));
  return out + "</svg>\n";
}

std::string detect_html(const Summary& s) {
  if (s.detect.empty()) return {};
  return detect_table_html(s) + "<section><h2>Median time to detection (log scale)</h2>" + detect_chart_svg(s) +
         "</section>\n";
}

}  // namespace

std::string render_summary_page(const Summary& s) {
  const std::string title = s.title.empty() ? "imaplab " + s.kind : s.title;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\" data-script-errors=\"0\">\n<head><meta charset=\"utf-8\">";
  out += std::string("<script>") + assets::error_recorder_js + "</script>\n";
  out += "<title>" + html_escape(title) + "</title>\n<style>" + assets::common_css +
         "section{margin:0 20px 10px}.chart text{dominant-baseline:auto}</style></head>\n";
  out += fmt::format("<body data-kind=\"{}\" data-traces=\"{}\">\n<header class=\"page\"><h1>{}</h1>"
                     "<ul id=\"script-errors\"></ul></header>\n",
                     html_escape(s.kind), s.traces.size(), html_escape(title));
  // What failed comes first; the breakdown of the work after it.
  if (s.kind != "bench-detect" || s.totals_known) out += totals_html(s);
  out += detect_html(s) + rules_html(s);
  if (s.kind != "bench-detect" || !s.traces.empty()) out += traces_html(s);
  if (s.kind != "bench-detect") out += policies_html(s);
  out += "<output id=\"selfcheck\" hidden></output>\n";
  out += std::string("<script>") + assets::summary_selfcheck_js + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace imaplab::report
