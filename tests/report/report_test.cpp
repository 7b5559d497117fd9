// The report layer: escaping of peer data, lanes, the violating line marked in the diagram, the transcript and
// the terminal lines, and the numbers of summary pages (hunt JSON, bench-detect JSON, folders of traces).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "report/html.hpp"
#include "report/summary.hpp"
#include "report/trace_page.hpp"
#include "report/transcript.hpp"

namespace imaplab::report {
namespace {

// A failing run in the trace format, with peer bytes that would break a page if not escaped.
constexpr const char* failing_trace = R"(imaplab-trace: 1
imaplab: 0.1.0
clients: 2
policy: delete=fail rename=bye fetch=ghost store=partial copy=fail
seed: 17
strategy: random
outcome: SEQ-2
# SEQ-2 (RFC 3501 §7.4.1, §5.5): EXPUNGE arrived while a FETCH was still unanswered.
--
> C2
     0.040 C2: A008 FETCH 3,4 (BODY.PEEK[])
# ^ cause of SEQ-2
> D2:40
     0.700 S2: * 3 FETCH (UID 3 BODY[] {26}\r\n<script>alert("x")</script>)
     0.700 S2: * 1 EXPUNGE
# ^ SEQ-2 violated here: EXPUNGE arrived while a FETCH was still unanswered.
#   offending: S2: * 1 EXPUNGE
#   because:   C2: A008 FETCH 3,4 (BODY.PEEK[])
#   RFC 3501 §7.4.1, §5.5: "An EXPUNGE response MUST NOT be sent ..."
     0.900 S1: * 4 EXISTS
)";

sim::Trace parse(const char* text) {
  std::string error;
  auto trace = parse_trace_lenient(text, &error);
  EXPECT_TRUE(trace.has_value()) << error;
  return trace.value_or(sim::Trace{});
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

TEST(Html, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(html_escape("<a href=\"x\" title='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain"), "plain");
}

TEST(Html, DisplayBytesEscapesControlAndEightBitBytes) {
  EXPECT_EQ(display_bytes("A1 OK\r\n"), "A1 OK");
  EXPECT_EQ(display_bytes("{3}\r\nab\x01\xff\r\n"), "{3}\nab\\x01\\xff");
  EXPECT_EQ(first_line("* 1 FETCH {3}\r\nabc\r\n", 80), "* 1 FETCH {3} ...");
  EXPECT_EQ(first_line(std::string(10, 'x'), 4), "xxxx...");
}

TEST(Transcript, MarksTheViolatingAndCausingLines) {
  const Transcript t = read_transcript(parse(failing_trace));
  EXPECT_EQ(t.clients, 2u);
  ASSERT_TRUE(t.violation.has_value());
  EXPECT_EQ(t.violation->rule, "SEQ-2");
  EXPECT_EQ(t.violation->rfc, "RFC 3501 §7.4.1, §5.5");
  EXPECT_NE(t.violation->rfc_text.find("MUST NOT be sent"), std::string::npos);
  EXPECT_EQ(t.violation->message, "EXPUNGE arrived while a FETCH was still unanswered.");
  ASSERT_EQ(t.violation->offending.size(), 1u);
  const Step& offending = t.steps[t.violation->offending[0]];
  EXPECT_EQ(offending.bytes, "* 1 EXPUNGE\r\n");
  EXPECT_EQ(offending.mark, Mark::Violation);
  std::size_t causes = 0;
  for (const Step& s : t.steps) causes += s.mark == Mark::Cause ? 1 : 0;
  EXPECT_EQ(causes, 1u);
}

TEST(Transcript, TextLinesAreTheTraceBodyWithMarks) {
  const auto lines = text_lines(read_transcript(parse(failing_trace)), false);
  std::vector<std::string> violating;
  for (const auto& l : lines)
    if (l.mark == Mark::Violation && l.kind != Step::Kind::Note) violating.push_back(l.text);
  ASSERT_EQ(violating.size(), 1u);
  EXPECT_EQ(violating[0], "         0.700 S2: * 1 EXPUNGE");
  // Choices are left out unless asked for; notes keep their continuation lines.
  for (const auto& l : lines) EXPECT_NE(l.text.rfind("> ", 0), 0u) << l.text;
  EXPECT_EQ(text_lines(read_transcript(parse(failing_trace)), true).size(), lines.size() + 2);
  EXPECT_EQ(lines.back().text, "         0.900 S1: * 4 EXISTS");
  EXPECT_EQ(lines[lines.size() - 2].text, "#   RFC 3501 §7.4.1, §5.5: \"An EXPUNGE response MUST NOT be sent ...\"");
}

TEST(Transcript, RecordedMultiLineNotesReadAsParsedOnes) {
  const sim::Trace parsed = parse(failing_trace);
  sim::Trace recorded = parsed;  // as the world records it: one comment holding the whole note
  auto first = std::find_if(recorded.lines.begin(), recorded.lines.end(), [](const sim::TraceLine& l) {
    return l.kind == sim::TraceLine::Kind::Comment && l.bytes.find("violated here") != std::string::npos;
  });
  ASSERT_NE(first, recorded.lines.end());
  for (int i = 0; i < 3; ++i) first->bytes += "\n  " + (first + 1)->bytes, recorded.lines.erase(first + 1);
  EXPECT_EQ(text_lines(read_transcript(recorded), false).size(), text_lines(read_transcript(parsed), false).size());
  EXPECT_EQ(read_transcript(recorded).violation->details, read_transcript(parsed).violation->details);
}

TEST(Transcript, ViolationFromTheHeaderWhenTheBodyHasNoNotes) {
  sim::Trace trace = parse(failing_trace);
  std::erase_if(trace.lines, [](const sim::TraceLine& l) { return l.kind == sim::TraceLine::Kind::Comment; });
  const Transcript t = read_transcript(trace);
  ASSERT_TRUE(t.violation.has_value());
  EXPECT_EQ(t.violation->rule, "SEQ-2");
  EXPECT_EQ(t.violation->message, "EXPUNGE arrived while a FETCH was still unanswered.");
  EXPECT_TRUE(t.violation->offending.empty());
}

TEST(Transcript, OldTracesWithUnmarkedContinuationLinesStillRead) {
  std::string old = failing_trace;
  old.replace(old.find("#   offending"), 4, "  ");
  std::string error;
  ASSERT_FALSE(sim::Trace::parse(old, &error).has_value());
  auto trace = parse_trace_lenient(old, &error);
  ASSERT_TRUE(trace.has_value()) << error;
  EXPECT_EQ(read_transcript(*trace).violation->details.front(), "offending: S2: * 1 EXPUNGE");
}

TEST(TracePage, HasOneLanePerClientAndTheServer) {
  const std::string page = render_trace_page(parse(failing_trace), {"seq2.trace", ""});
  EXPECT_EQ(count_of(page, "class=\"lane-head"), 3u);
  EXPECT_EQ(count_of(page, "class=\"lifeline\""), 3u);
  EXPECT_NE(page.find("data-lanes-expected=\"3\""), std::string::npos);
}

TEST(TracePage, LanesFollowTheHighestClientSeen) {
  sim::Trace trace = parse(failing_trace);
  trace.config.clients = 1;  // a hand-edited header that undercounts
  EXPECT_EQ(count_of(render_trace_page(trace), "class=\"lane-head"), 3u);
}

TEST(TracePage, MarksTheViolationWithRuleRfcAndSentence) {
  const std::string page = render_trace_page(parse(failing_trace), {"seq2.trace", ""});
  EXPECT_EQ(count_of(page, "class=\"row resp violation\""), 1u);
  EXPECT_EQ(count_of(page, "class=\"row cmd cause\""), 1u);
  const std::regex row("<div class=\"row resp violation\"[^>]*data-rule=\"SEQ-2\"[^>]*>.*?\\* 1 EXPUNGE");
  EXPECT_TRUE(std::regex_search(page, row));
  EXPECT_NE(page.find("<span class=\"rule\">SEQ-2</span><span class=\"rfc\">RFC 3501 §7.4.1, §5.5</span>"),
            std::string::npos);
  EXPECT_NE(page.find("&ldquo;An EXPUNGE response MUST NOT be sent"), std::string::npos);
  EXPECT_EQ(count_of(page, "<span class=\"tl v\""), 5u);  // the line, the note and its three continuation lines
}

TEST(TracePage, EscapesPeerBytesAndCollapsesLiterals) {
  const std::string page = render_trace_page(parse(failing_trace), {"<x>.trace", ""});
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<x>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), std::string::npos);
  // The FETCH with a literal collapses behind a summary of its first line.
  const std::regex collapsed("<details><summary>\\* 3 FETCH \\(UID 3 BODY\\[\\] \\{26\\} \\.\\.\\. <span");
  EXPECT_TRUE(std::regex_search(page, collapsed));
  // Only imaplab's own three scripts are on the page.
  EXPECT_EQ(count_of(page, "<script>"), 3u);
}

TEST(TracePage, PassingTraceSaysSo) {
  std::string passing = failing_trace;
  passing.replace(passing.find("outcome: SEQ-2"), 14, "outcome: none");
  sim::Trace trace = parse(passing.c_str());
  std::erase_if(trace.lines, [](const sim::TraceLine& l) { return l.kind == sim::TraceLine::Kind::Comment; });
  const std::string page = render_trace_page(trace);
  EXPECT_NE(page.find("No violation recorded"), std::string::npos);
  EXPECT_EQ(page.find("row resp violation"), std::string::npos);
  EXPECT_NE(page.find("data-outcome=\"none\""), std::string::npos);
}

TEST(Summary, ReadsHuntJson) {
  const auto json = nlohmann::json::parse(R"js({
    "runs": 120, "commands": 9000, "steps": 50000, "virtual_seconds": 42.5, "wall_seconds": 3.0, "violations": 3,
    "policies": [{"policy": "delete=ghost", "runs": 60, "commands": 4000, "violations": 1},
                 {"policy": "delete=fail", "runs": 60, "commands": 5000, "violations": 2}],
    "rules": [{"policy": "delete=fail", "rule": "SEQ-2", "violations": 2},
              {"policy": "delete=ghost", "rule": "UID-4", "violations": 1}],
    "traces": ["out/SEQ-2-seed17-min.trace (minimized 30 -> 5 commands)", "out/UID-4-seed2.trace"]})js");
  std::string error;
  auto s = summary_from_json(json, &error);
  ASSERT_TRUE(s.has_value()) << error;
  EXPECT_EQ(s->kind, "hunt");
  EXPECT_TRUE(s->totals_known);
  EXPECT_EQ(s->runs, 120u);
  EXPECT_EQ(s->commands, 9000u);
  EXPECT_EQ(s->violations, 3u);
  EXPECT_DOUBLE_EQ(s->virtual_seconds, 42.5);
  ASSERT_EQ(s->rules.size(), 2u);
  EXPECT_EQ(s->rules[0].rule, "SEQ-2");
  EXPECT_EQ(s->trace_paths, (std::vector<std::string>{"out/SEQ-2-seed17-min.trace", "out/UID-4-seed2.trace"}));
  // Traces added to a summary with known totals do not change them.
  add_trace(*s, trace_entry(parse(failing_trace), "SEQ-2-seed17-min.trace", "SEQ-2-seed17-min.html"));
  EXPECT_EQ(s->runs, 120u);
  const std::string page = render_summary_page(*s);
  EXPECT_NE(page.find("<td class=\"num\">9000</td>"), std::string::npos);
  EXPECT_EQ(count_of(page, "class=\"trace-link\" href=\"SEQ-2-seed17-min.html\""), 1u);
  EXPECT_NE(page.find("data-traces=\"1\""), std::string::npos);
}

TEST(Summary, CountsTracesWhenThereIsNoJson) {
  Summary s;
  s.kind = "traces";
  add_trace(s, trace_entry(parse(failing_trace), "a.trace", "a.html"));
  add_trace(s, trace_entry(parse(failing_trace), "b.trace", "b.html"));
  EXPECT_EQ(s.runs, 2u);
  EXPECT_EQ(s.violations, 2u);
  EXPECT_EQ(s.commands, 2u);  // one client command per trace
  EXPECT_DOUBLE_EQ(s.virtual_seconds, 2 * 0.0009);
  ASSERT_EQ(s.rules.size(), 1u);
  EXPECT_EQ(s.rules[0].violations, 2u);
  ASSERT_EQ(s.policies.size(), 1u);
  EXPECT_EQ(s.policies[0].runs, 2u);
  EXPECT_NE(render_summary_page(s).find("only the traces in the folder"), std::string::npos);
}

TEST(Summary, ReadsBenchDetectJsonAndChartsIt) {
  const auto json = nlohmann::json::parse(R"js({"strategies": ["random", "pct"], "seeds": 4, "wall_seconds": 9.5,
    "false_alarms": 0, "rows": [
    {"bug": "expunge-during-fetch", "rule": "SEQ-2", "strategy": "random", "trials": 4, "detected": 4,
     "fraction": 1.0, "median_seconds": 0.05, "median_commands": 300, "runs": 10, "commands": 1200,
     "violations": 4, "rules": {"SEQ-2": 4}, "minimized_commands": 4},
    {"bug": "expunge-during-fetch", "rule": "SEQ-2", "strategy": "pct", "trials": 4, "detected": 0,
     "fraction": 0.0, "median_seconds": null, "runs": 50, "commands": 6000, "violations": 0, "rules": {}},
    {"bug": "none", "rule": "", "strategy": "random", "trials": 4, "detected": 0, "fraction": 0,
     "runs": 70, "commands": 8000, "violations": 0, "rules": {}}]})js");
  std::string error;
  auto s = summary_from_json(json, &error);
  ASSERT_TRUE(s.has_value()) << error;
  EXPECT_EQ(s->kind, "bench-detect");
  ASSERT_EQ(s->detect.size(), 3u);
  EXPECT_DOUBLE_EQ(*s->detect[0].detected_fraction, 1.0);
  EXPECT_DOUBLE_EQ(*s->detect[0].median_seconds, 0.05);
  EXPECT_DOUBLE_EQ(*s->detect[0].minimized_commands, 4);
  EXPECT_FALSE(s->detect[1].median_seconds.has_value());
  EXPECT_EQ(s->runs, 130u);
  EXPECT_EQ(s->commands, 15200u);
  EXPECT_EQ(s->violations, 4u);
  const std::string page = render_summary_page(*s);
  EXPECT_EQ(count_of(page, "<svg class=\"chart\""), 1u);
  EXPECT_EQ(count_of(page, "</title></rect>"), 1u);  // one bar: the random detection
  EXPECT_NE(page.find("not found (pct)"), std::string::npos);
  EXPECT_NE(page.find("0 false alarms"), std::string::npos);
}

TEST(Summary, ReadsProbeJson) {
  const auto json = nlohmann::json::parse(R"js({"server": "127.0.0.1:1143", "clients": 3, "wall_seconds": 10.2,
    "commands_total": 5400, "commands": {"FETCH": {"sent": 900, "ok": 900, "no": 0, "bad": 0}},
    "violations_total": 2, "violations": {"SEQ-14": 2}, "warnings": {"NTF-9": 1}, "connections": 3,
    "trace_files": ["probe-out/SEQ-14-1.trace"]})js");
  std::string error;
  auto s = summary_from_json(json, &error);
  ASSERT_TRUE(s.has_value()) << error;
  EXPECT_EQ(s->kind, "probe");
  EXPECT_EQ(s->title, "imaplab probe of 127.0.0.1:1143");
  EXPECT_EQ(s->commands, 5400u);
  EXPECT_EQ(s->violations, 2u);
  EXPECT_EQ(s->runs, 3u);
  ASSERT_EQ(s->rules.size(), 2u);
  EXPECT_EQ(s->rules[0].rule, "SEQ-14");
  EXPECT_EQ(s->rules[1].policy, "warning (not fatal)");
  EXPECT_EQ(s->trace_paths, std::vector<std::string>{"probe-out/SEQ-14-1.trace"});
  EXPECT_EQ(render_summary_page(*s).find("virtual time"), std::string::npos);
}

TEST(Summary, RejectsJsonThatIsNoSummary) {
  std::string error;
  EXPECT_FALSE(summary_from_json(nlohmann::json::parse(R"js({"hello": 1})js"), &error).has_value());
  EXPECT_NE(error.find("not a hunt"), std::string::npos);
  EXPECT_FALSE(summary_from_json(nlohmann::json::parse("[1,2]"), &error).has_value());
}

}  // namespace
}  // namespace imaplab::report
