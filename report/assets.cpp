// CSS and JavaScript embedded into every report page (report/assets.hpp).
#include "report/assets.hpp"

namespace imaplab::report::assets {

const char* const error_recorder_js = R"JS(
window.__imaplabErrors = [];
window.onerror = function (message, source, line) {
  window.__imaplabErrors.push(String(message) + ' (line ' + line + ')');
  document.documentElement.setAttribute('data-script-errors', String(window.__imaplabErrors.length));
  var list = document.getElementById('script-errors');
  if (list) { var li = document.createElement('li'); li.textContent = String(message); list.appendChild(li); }
};
)JS";

const char* const common_css = R"CSS(
:root { --red: #c62828; --red-bg: #fdecea; --orange: #e65100; --orange-bg: #fff3e0; --grey: #6b7280;
        --line: #d1d5db; --ink: #111827; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
header.page { padding: 12px 20px 8px; border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 6px; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
table.data { border-collapse: collapse; margin: 6px 0 14px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: left; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bad { color: var(--red); font-weight: 600; }
.good { color: #2e7d32; font-weight: 600; }
.muted { color: var(--grey); }
#script-errors:empty { display: none; }
#script-errors { color: var(--red); }
)CSS";

const char* const trace_css = R"CSS(
.config { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 4px 0; color: var(--grey); align-items: baseline; }
.config details { flex-basis: 100%; }
.config details .config { word-break: break-all; }
.config b { color: var(--ink); font-weight: 600; }
.violation-box { margin: 10px 20px; padding: 10px 14px; border: 2px solid var(--red); border-radius: 6px;
                 background: var(--red-bg); }
.violation-box h2 { color: var(--red); }
.violation-box .rfc { color: var(--ink); font-weight: 400; margin-left: 8px; }
.violation-box blockquote { margin: 6px 0; padding: 4px 10px; border-left: 4px solid var(--red); background: #fff;
                            font-style: italic; }
.violation-box ul { margin: 4px 0 0; padding-left: 18px; font-family: var(--mono); font-size: 12.5px; }
.controls { padding: 6px 20px; display: flex; gap: 14px; align-items: center; border-bottom: 1px solid var(--line); }
/* The page fills the window: header and violation on top, the two panes share the rest and scroll on their own. */
body.trace-page { display: flex; flex-direction: column; height: 100vh; }
body.trace-page > header, body.trace-page > section, body.trace-page > .controls { flex: 0 0 auto; }
.layout { display: flex; align-items: stretch; flex: 1 1 auto; min-height: 360px; }
.diagram-wrap { flex: 1 1 auto; overflow: auto; min-width: 0; }
.diagram { position: relative; padding-bottom: 40vh; }
.lanes-head { position: sticky; top: 0; height: 34px; z-index: 3; background: #fff; border-bottom: 1px solid var(--line); }
.lane-head { position: absolute; top: 6px; text-align: center; font-weight: 700; }
.lane-head.server { color: #374151; }
.lifeline { position: absolute; top: 34px; bottom: 0; width: 0; border-left: 2px dashed var(--line); z-index: 0; }
.row { position: relative; z-index: 1; min-height: 24px; padding-top: 2px; cursor: pointer; }
.row .t { position: absolute; left: 6px; top: 4px; color: var(--grey); font-family: var(--mono); font-size: 11.5px; }
.arrow { position: relative; border-bottom: 2px solid var(--lane-color, #4b5563); min-height: 20px; }
.arrow::after { content: ""; position: absolute; bottom: -6px; border: 5px solid transparent; }
.arrow.to-left::after { left: -2px; border-right: 9px solid var(--lane-color, #4b5563); border-left: 0; }
.arrow.to-right::after { right: -2px; border-left: 9px solid var(--lane-color, #4b5563); border-right: 0; }
.arrow.from-server { border-bottom-style: dashed; }
.label { display: inline-block; white-space: nowrap; padding: 0 6px; margin-left: 10px; font-family: var(--mono);
         font-size: 12.5px; background: rgba(255,255,255,0.85); }
.label details { display: inline-block; vertical-align: top; }
.label summary { cursor: pointer; }
.label pre { margin: 4px 0; padding: 6px 8px; max-width: 900px; max-height: 420px; overflow: auto; white-space: pre;
             background: #f9fafb; border: 1px solid var(--line); }
.row.violation .arrow { --lane-color: var(--red) !important; border-bottom-width: 3px; }
.row.violation .label { color: var(--red); font-weight: 700; background: var(--red-bg); }
.row.cause .arrow { --lane-color: var(--orange) !important; }
.row.cause .label { color: var(--orange); background: var(--orange-bg); }
.row.selected .label { outline: 2px solid #2563eb; }
.row.choice { display: none; min-height: 16px; color: var(--grey); font-family: var(--mono); font-size: 11px; cursor: default; }
body.show-choices .row.choice { display: block; }
.note { position: relative; z-index: 1; margin: 2px 0 6px; padding: 3px 8px; font-size: 12.5px; color: var(--grey);
        font-style: italic; }
.note.violation-note { color: var(--red); font-style: normal; border: 1px solid var(--red); background: var(--red-bg);
                       border-radius: 4px; white-space: normal; }
.note.violation-note div { font-family: var(--mono); font-size: 12px; }
.note.cause-note { color: var(--orange); font-style: normal; font-weight: 600; }
.transcript-wrap { flex: 0 0 40%; max-width: 40%; border-left: 1px solid var(--line); display: flex;
                   flex-direction: column; min-height: 0; }
.tbar { display: flex; align-items: center; gap: 10px; padding: 6px 10px; border-bottom: 1px solid var(--line); }
.tbar h2 { margin: 0; }
#transcript { margin: 0; padding: 8px 10px; overflow: auto; flex: 1 1 auto; white-space: pre; }
#transcript .tl.v { color: var(--red); font-weight: 700; background: var(--red-bg); }
#transcript .tl.c { color: var(--orange); }
#transcript .tl.n { color: var(--grey); }
#transcript .tl.selected { background: #dbeafe; }
@media (max-width: 1100px) { body.trace-page { height: auto; } .layout { flex-direction: column; }
  .diagram-wrap, .transcript-wrap { max-height: 80vh; } .transcript-wrap { max-width: none; } }
)CSS";

const char* const trace_js = R"JS(
(function () {
  var body = document.body;
  var choices = document.getElementById('show-choices');
  if (choices) choices.addEventListener('change', function () { body.classList.toggle('show-choices', choices.checked); });
  function setAll(open) {
    document.querySelectorAll('#diagram details').forEach(function (d) { d.open = open; });
  }
  var expand = document.getElementById('expand-all');
  if (expand) expand.addEventListener('click', function () { setAll(true); });
  var collapse = document.getElementById('collapse-all');
  if (collapse) collapse.addEventListener('click', function () { setAll(false); });

  // Scrolls `el` into view within its own scrolling pane only (the page itself stays put).
  function reveal(el, pane) {
    if (!el || !pane) return;
    var paneTop = pane.getBoundingClientRect().top;
    var top = el.getBoundingClientRect().top - paneTop + pane.scrollTop;
    // Only the part of the pane inside the window counts: the page may start scrolled to the top.
    var visible = Math.max(120, Math.min(pane.clientHeight, window.innerHeight - Math.max(0, paneTop)));
    if (pane.id === 'transcript') visible = pane.clientHeight;
    // Place it low in the pane: what led up to a line matters more than what followed it.
    pane.scrollTop = Math.max(0, top - visible * 0.6);
  }
  function select(step, from) {
    document.querySelectorAll('.selected').forEach(function (e) { e.classList.remove('selected'); });
    var row = document.getElementById('step-' + step);
    var lines = document.querySelectorAll('#transcript .tl[data-step="' + step + '"]');
    if (row) row.classList.add('selected');
    lines.forEach(function (l) { l.classList.add('selected'); });
    if (from !== 'diagram') reveal(row, document.querySelector('.diagram-wrap'));
    if (from !== 'transcript') reveal(lines[0], document.getElementById('transcript'));
  }
  document.querySelectorAll('#diagram .row[data-step]').forEach(function (row) {
    row.addEventListener('click', function (ev) {
      if (ev.target.closest('summary')) return;
      select(row.getAttribute('data-step'), 'diagram');
    });
  });
  document.querySelectorAll('#transcript .tl[data-step]').forEach(function (line) {
    line.addEventListener('click', function () { select(line.getAttribute('data-step'), 'transcript'); });
  });
  document.querySelectorAll('a[data-step]').forEach(function (a) {
    a.addEventListener('click', function (ev) { ev.preventDefault(); select(a.getAttribute('data-step'), 'link'); });
  });

  var copy = document.getElementById('copy');
  var transcript = document.getElementById('transcript');
  if (copy && transcript) copy.addEventListener('click', function () {
    var text = transcript.textContent;
    function fallback() {
      var range = document.createRange();
      range.selectNodeContents(transcript);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      try { document.execCommand('copy'); copy.textContent = 'Copied'; } catch (e) { copy.textContent = 'Selected: press Ctrl+C'; }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copy.textContent = 'Copied'; }, fallback);
    } else {
      fallback();
    }
  });

  // Open on the violation: the reader's first question is what broke, and where.
  var first = document.querySelector('#diagram .row.violation');
  if (first) {
    reveal(first, document.querySelector('.diagram-wrap'));
    reveal(document.querySelector('#transcript .tl.v'), document.getElementById('transcript'));
  }
})();
)JS";

const char* const trace_selfcheck_js = R"JS(
(function () {
  var out = document.getElementById('selfcheck');
  var lanes = document.querySelectorAll('#diagram .lane-head').length;
  var expected = Number(document.body.getAttribute('data-lanes-expected'));
  var outcome = document.body.getAttribute('data-outcome') || 'none';
  var row = document.querySelector('#diagram .row.violation');
  var rule = row ? row.getAttribute('data-rule') : (document.querySelector('#violation') ? outcome : 'none');
  var box = document.querySelector('#violation .rule');
  var marked = document.querySelectorAll('#transcript .tl.v').length;
  var errors = window.__imaplabErrors.length;
  var ok = lanes === expected && errors === 0 && rule === outcome &&
           (outcome === 'none' || (box !== null && box.textContent === outcome));
  out.setAttribute('data-lanes', String(lanes));
  out.setAttribute('data-lanes-expected', String(expected));
  out.setAttribute('data-violation', rule);
  out.setAttribute('data-marked-lines', String(marked));
  out.setAttribute('data-errors', String(errors));
  out.setAttribute('data-status', ok ? 'pass' : 'fail');
  out.textContent = 'selfcheck ' + (ok ? 'pass' : 'fail') + ': lanes=' + lanes + '/' + expected + ' violation=' + rule +
                    ' marked=' + marked + ' errors=' + errors;
})();
)JS";

const char* const summary_selfcheck_js = R"JS(
(function () {
  var out = document.getElementById('selfcheck');
  var links = document.querySelectorAll('a.trace-link').length;
  var expected = Number(document.body.getAttribute('data-traces'));
  var errors = window.__imaplabErrors.length;
  var ok = links === expected && errors === 0;
  out.setAttribute('data-links', String(links));
  out.setAttribute('data-errors', String(errors));
  out.setAttribute('data-status', ok ? 'pass' : 'fail');
  out.textContent = 'selfcheck ' + (ok ? 'pass' : 'fail') + ': links=' + links + '/' + expected + ' errors=' + errors;
})();
)JS";

}  // namespace imaplab::report::assets
