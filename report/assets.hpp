// The inline CSS and JavaScript of imaplab's HTML pages. Pages embed them so that one file opens anywhere,
// offline; no script reads anything from the trace (all trace text is in the escaped HTML).
#pragma once

namespace imaplab::report::assets {

// Records script errors into the page (<html data-script-errors>, #script-errors) from the first line of <head>.
extern const char* const error_recorder_js;
extern const char* const common_css;
extern const char* const trace_css;
// Interaction: scheduler choices toggle, expand/collapse, row <-> transcript highlighting, copy.
extern const char* const trace_js;
// Checks the rendered page and writes the verdict into #selfcheck (read by the headless-browser test).
extern const char* const trace_selfcheck_js;
extern const char* const summary_selfcheck_js;

}  // namespace imaplab::report::assets
