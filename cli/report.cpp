// `imaplab report TRACE|DIR|JSON [-o OUT]`: self-contained HTML pages people read. A trace becomes a sequence
// diagram; a hunt folder (or the JSON of a hunt, probe or bench-detect run) becomes a summary page with each
// failing trace's own page written beside it.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "cli/subcommands.hpp"
#include "report/summary.hpp"
#include "report/trace_page.hpp"
#include "report/transcript.hpp"

namespace imaplab::cli {
namespace {

namespace fs = std::filesystem;

std::optional<sim::Trace> load_trace(const fs::path& path) {
  auto text = read_file(path.string());
  if (!text) return std::nullopt;
  std::string error;
  auto trace = report::parse_trace_lenient(*text, &error);
  if (!trace) std::fprintf(stderr, "imaplab report: %s: %s\n", path.c_str(), error.c_str());
  return trace;
}

bool looks_like_trace(const std::string& text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  return start != std::string::npos && text.compare(start, 13, "imaplab-trace") == 0;
}

// Writes a trace's page into `dir` as STEM.html and returns its summary entry.
std::optional<report::TraceEntry> write_trace_page(const fs::path& trace_path, const fs::path& dir,
                                                   const std::string& back_href) {
  auto trace = load_trace(trace_path);
  if (!trace) return std::nullopt;
  const std::string page = trace_path.stem().string() + ".html";
  report::TracePageOptions options{trace_path.filename().string(), back_href};
  if (!write_file((dir / page).string(), report::render_trace_page(*trace, options))) return std::nullopt;
  return report::trace_entry(*trace, trace_path.filename().string(), page);
}

int run_trace(const fs::path& path, const std::string& text, fs::path out) {
  std::string error;
  auto trace = report::parse_trace_lenient(text, &error);
  if (!trace) {
    std::fprintf(stderr, "imaplab report: %s: %s\n", path.c_str(), error.c_str());
    return 2;
  }
  if (out.empty()) out = fs::path(path).replace_extension(".html");
  if (!write_file(out.string(), report::render_trace_page(*trace, {path.filename().string(), ""}))) return 2;
  std::printf("report: %s (outcome %s, %u clients)\n", out.c_str(), trace->outcome.value_or("none").c_str(),
              report::read_transcript(*trace).clients);
  return 0;
}

int write_summary(report::Summary& summary, const fs::path& out, std::size_t wanted) {
  if (!write_file(out.string(), report::render_summary_page(summary))) return 2;
  std::printf("report: %s (%s: %llu runs, %llu violations, %zu trace pages)\n", out.c_str(), summary.kind.c_str(),
              static_cast<unsigned long long>(summary.runs), static_cast<unsigned long long>(summary.violations),
              summary.traces.size());
  return summary.traces.size() == wanted ? 0 : 1;
}

std::optional<report::Summary> read_summary_json(const fs::path& path, bool quiet) {
  auto text = read_file(path.string());
  if (!text) return std::nullopt;
  auto json = nlohmann::json::parse(*text, nullptr, false);
  std::string error = "not valid JSON";
  auto summary = json.is_discarded() ? std::nullopt : report::summary_from_json(json, &error);
  if (!summary && !quiet) std::fprintf(stderr, "imaplab report: %s: %s\n", path.c_str(), error.c_str());
  return summary;
}

// A folder of traces, with the run's JSON summary when one was saved there.
int run_dir(const fs::path& dir, fs::path out) {
  if (out.empty()) out = dir / "index.html";
  std::vector<fs::path> traces, jsons;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".trace") traces.push_back(entry.path());
    if (entry.path().extension() == ".json") jsons.push_back(entry.path());
  }
  std::sort(traces.begin(), traces.end());
  std::sort(jsons.begin(), jsons.end());
  report::Summary summary;
  summary.kind = "traces";
  for (const auto& j : jsons)
    if (auto s = read_summary_json(j, true)) {
      summary = std::move(*s);
      break;
    }
  if (summary.title.empty()) summary.title = "imaplab " + summary.kind + ": " + dir.filename().string();
  const fs::path page_dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  for (const auto& t : traces)
    if (auto e = write_trace_page(t, page_dir, out.filename().string())) report::add_trace(summary, std::move(*e));
  return write_summary(summary, out, traces.size());
}

// The trace paths a JSON names are relative to where its run was started: try them as given, then beside the JSON.
std::optional<fs::path> resolve(const std::string& name, const fs::path& json_dir) {
  for (const fs::path& p : {fs::path(name), json_dir / name, json_dir / fs::path(name).filename()})
    if (fs::is_regular_file(p)) return p;
  return std::nullopt;
}

int run_json(const fs::path& path, fs::path out) {
  auto summary = read_summary_json(path, false);
  if (!summary) return 2;
  if (out.empty()) out = fs::path(path).replace_extension(".html");
  if (summary->title.empty()) summary->title = "imaplab " + summary->kind + ": " + path.filename().string();
  const fs::path page_dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::size_t found = 0;
  for (const auto& name : summary->trace_paths) {
    auto p = resolve(name, path.parent_path());
    if (!p) {
      std::fprintf(stderr, "imaplab report: trace %s (named in %s) not found\n", name.c_str(), path.c_str());
      continue;
    }
    ++found;
    if (auto e = write_trace_page(*p, page_dir, out.filename().string())) report::add_trace(*summary, std::move(*e));
  }
  return write_summary(*summary, out, found);
}

int run_report(const std::string& input, const std::string& out) {
  const fs::path path(input);
  std::error_code ec;
  if (!out.empty() && fs::path(out).has_parent_path()) fs::create_directories(fs::path(out).parent_path(), ec);
  if (fs::is_directory(path, ec)) return run_dir(path, out);
  auto text = read_file(input);
  if (!text) return 2;
  if (looks_like_trace(*text)) return run_trace(path, *text, out);
  return run_json(path, out);
}

}  // namespace

void register_report(CLI::App& app) {
  auto input = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("report", "Write an HTML report: a trace's sequence diagram, or a hunt/probe/"
                                           "bench-detect summary with a page per failing trace");
  cmd->add_option("input", *input, "A trace, a hunt's --out folder, or a hunt/probe/bench-detect JSON")->required();
  cmd->add_option("-o,--out", *out,
                  "The HTML file (default: TRACE.html or JSON.html beside the input, DIR/index.html for a folder)");
  cmd->callback([=] { set_exit_code(run_report(*input, *out)); });
}

}  // namespace imaplab::cli
