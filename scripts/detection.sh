#!/usr/bin/env bash
# Regenerates docs/detection.md (how often and how fast each strategy finds each bug of the zoo, and how it was
# measured) and corpus/bugs/NAME.trace (each bug's shortest minimized detecting trace, replayed by `ctest -L zoo`).
#
# Usage: scripts/detection.sh [--seeds N] [--budget-seconds S] [--jobs J] [--strategies random,pct,fuzz]
#                             [--bugs implemented|all|NAME,NAME] [--minimize-runs R]
# The default --bugs implemented takes the bugs whose switch appears in model/ or server/ code. The binary is
# $IMAPLAB when set, else build/release/cli/imaplab (built here with the release preset). The default
# strategies are random,pct,fuzz when the fuzz preset's world target exists ($IMAPLAB_FUZZ_BINARY, else
# build/fuzz/fuzz/world_fuzzer; build it with scripts/fuzz.sh world), else random,pct.
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=5
budget=10
jobs=2
strategies=
bugs=implemented
minimize_runs=300
args="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --budget-seconds) budget=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --strategies) strategies=$2; shift 2 ;;
    --bugs) bugs=$2; shift 2 ;;
    --minimize-runs) minimize_runs=$2; shift 2 ;;
    *) echo "detection.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

imaplab=${IMAPLAB:-}
build_type=release
if [ -z "$imaplab" ]; then
  cmake --preset release >/dev/null
  cmake --build build/release --target imaplab -j2
  imaplab=build/release/cli/imaplab
else
  build_type=$(grep -s '^CMAKE_BUILD_TYPE' "$(dirname "$(dirname "$imaplab")")/CMakeCache.txt" | cut -d= -f2 || true)
  build_type=${build_type:-unknown}
fi

# Enum names used outside the catalogue (Bug::ExpungeDuringFetch -> expunge-during-fetch), in catalogue order.
implemented_bugs() {
  local used
  used=$(grep -rhoE 'Bug::[A-Z][A-Za-z]+' model server --include='*.cpp' --include='*.hpp' \
           --exclude=bugs.cpp --exclude=bugs.hpp |
         sed -E 's/^Bug:://; s/([a-z0-9])([A-Z])/\1-\2/g' | tr 'A-Z' 'a-z' | sort -u)
  "$imaplab" bugs --json | grep -oE '"name": "[a-z0-9-]+"' | cut -d'"' -f4 |
    while read -r name; do grep -qx "$name" <<<"$used" && echo "$name"; done | paste -sd, -
}

all_names=$("$imaplab" bugs --json | grep -oE '"name": "[a-z0-9-]+"' | cut -d'"' -f4 | paste -sd, -)
case "$bugs" in
  implemented) bugs=$(implemented_bugs) ;;
  all) bugs=$all_names ;;
esac
if [ -z "$bugs" ]; then
  echo "detection.sh: no bug of the zoo is implemented yet" >&2
  exit 1
fi

# The fuzz strategy needs libFuzzer's world target (fuzz preset); it is not built here, it takes long.
fuzz_binary=${IMAPLAB_FUZZ_BINARY:-build/fuzz/fuzz/world_fuzzer}
if [ -z "$strategies" ]; then
  if [ -x "$fuzz_binary" ]; then
    strategies=random,pct,fuzz
  else
    strategies=random,pct
    echo "detection.sh: $fuzz_binary not built, so no fuzz strategy (build it: scripts/fuzz.sh world)" >&2
  fi
fi
fuzz_args=()
case ",$strategies," in *,fuzz,*) fuzz_args=(--fuzz-binary "$fuzz_binary") ;; esac

mkdir -p corpus/bugs build
# This run's minimized traces go to build/detection-traces; each replaces the kept one in corpus/bugs/ when there
# is none yet or it has fewer client lines (an earlier, longer minimization must not undo a shorter one). Every
# kept trace is verified below, so a trace that no longer reproduces shows in the table.
fresh=build/detection-traces
rm -rf "$fresh" && mkdir -p "$fresh"
client_lines() { grep -cE '^ +[0-9.]+ C[0-9]+: ' "$1" || true; }
json=build/detection.json
table=build/detection-table.md
command=(bench-detect --bugs "$bugs" --strategies "$strategies" --seeds "$seeds" --budget-seconds "$budget"
         --jobs "$jobs" --minimize-runs "$minimize_runs" --json "$json" --markdown "$table" --out "$fresh"
         "${fuzz_args[@]}")
echo "detection.sh: imaplab ${command[*]}" >&2
status=0
"$imaplab" "${command[@]}" || status=$?
if [ "$status" -gt 1 ]; then exit "$status"; fi
# A fresh trace is kept only when its bug is the cause: it fails with the bug on and passes with it off (the
# minimizer and bench-detect check this already; this is what `ctest -L zoo` will replay).
causes() {
  "$imaplab" replay --quiet "$1" >/dev/null 2>&1 && "$imaplab" replay --quiet --without-bugs "$1" >/dev/null 2>&1
}
for trace in "$fresh"/*.trace; do
  [ -e "$trace" ] || continue
  kept=corpus/bugs/$(basename "$trace")
  if ! causes "$trace"; then
    echo "detection.sh: $trace does not fail with its bug on and pass with it off; not kept" >&2
    continue
  fi
  if [ ! -e "$kept" ] || [ "$(client_lines "$trace")" -lt "$(client_lines "$kept")" ]; then cp "$trace" "$kept"; fi
done

# Each kept trace must fail with its bug on and pass with it off.
verify() {
  local trace=$1 with without
  with=$("$imaplab" replay --quiet "$trace" >/dev/null 2>&1 && echo reproduces || echo "DOES NOT reproduce")
  without=$("$imaplab" replay --quiet --without-bugs "$trace" >/dev/null 2>&1 && echo passes || echo "FAILS")
  echo "| $(basename "$trace" .trace) | $with | $without |"
}

missing=$(tr ',' '\n' <<<"$all_names" | grep -vxF -f <(tr ',' '\n' <<<"$bugs") | paste -sd, - | sed 's/,/, /g' || true)
{
  echo "# Bug detection: how fast imaplab finds each bug of the zoo"
  echo
  echo "Generated by \`scripts/detection.sh\`; do not edit by hand. Each bug of the zoo (\`imaplab bugs\`) is planted"
  echo "in the server alone; for each strategy, $seeds trials from disjoint seed sequences hunt on one core each for"
  echo "up to $budget seconds of CPU time (the trial thread's, so other load on the machine neither shortens the"
  echo "budget nor inflates the times), stopping at the first violation of the rule the bug should break. The"
  echo "correct server (\`none\`) runs the same way over the whole policy matrix: every violation there is a false"
  echo "alarm. A bug whose code path sits on one policy (\`BugInfo::needs\` in model/bugs.cpp, e.g. \`delete=ghost\`)"
  echo "is hunted under the policies that have it only. Strategies: $strategies."
  case ",$strategies," in *,fuzz,*)
    echo "\`fuzz\` is libFuzzer's \`world\` target (fuzz preset: clang-16, ASan+UBSan) run as a child process with"
    echo "the bug planted (\`IMAPLAB_FUZZ_BUGS\`, docs/fuzzing.md): its times are the child's CPU seconds, its"
    echo "commands the target's own count over every execution, seed corpus included." ;;
  esac
  echo
  echo "- **detected**: trials that saw the bug's rule fail, of all trials. A detection counts only when the bug is"
  echo "  its cause: its run, replayed with the bug off, passes; otherwise the trial shows as \`(N drift)\` and does"
  echo "  not count (a checker mistake or a bug of the correct server, worth a look)."
  echo "- **median time / commands**: over all trials, a trial that did not detect counting as never (\`> budget\`"
  echo "  when fewer than half detected); commands are client commands of every run up to the detecting one."
  echo "- **minimized trace**: client commands of the first detection (lowest seed index) after \`imaplab minimize\`"
  echo "  style delta debugging (every step kept fails with the bug on and passes with it off; \`drift\` if the"
  echo "  result failed with the bug off after all, and then it is not kept), and before it."
  echo "- **any violation**: trials that saw any violation, and the violations per rule over all runs."
  echo
  echo "## Results"
  echo
  cat "$table"
  echo
  echo "False alarms (violations of the correct server): $(grep -oE '"false_alarms": [0-9]+' "$json" | grep -oE '[0-9]+$')."
  echo
  echo "## Kept traces (corpus/bugs/, replayed by \`ctest -L zoo\`)"
  echo
  echo "| bug | with the bug on | with the bug off (\`imaplab replay --without-bugs\`) |"
  echo "|---|---|---|"
  for trace in corpus/bugs/*.trace; do [ -e "$trace" ] && verify "$trace"; done
  echo
  if [ -n "$missing" ]; then
    echo "Not measured (no implementation yet, or left out with --bugs): $missing."
    echo
  fi
  echo "## How it was produced"
  echo
  echo "- command: \`scripts/detection.sh${args:+ $args}\`,"
  echo "  which ran \`imaplab ${command[*]}\`"
  echo "- budget: $budget CPU seconds of one core per trial; $jobs trials at once; times in the table are CPU seconds"
  echo "- binary: imaplab $("$imaplab" --version | awk '{print $2}'), $build_type build, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- machine: $(uname -srm), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //' || echo unknown cpu), $(nproc) cores"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- JSON (\`imaplab bench-detect --json\`): {strategies, seeds, base_seed, budget_seconds, clock, jobs, wall_seconds,"
  echo "  false_alarms, rows: [{bug, layer, rule, strategy, trials, detected, fraction, median_seconds, median_commands,"
  echo "  detected_any, fraction_any, median_seconds_any, median_commands_any, runs, commands, violations, rules: {RULE: n},"
  echo "  trace_commands, minimized_commands, drift, minimized_drift}]}, null where a value does not exist (a median"
  echo "  beyond the budget); drift: trials whose detecting run failed with the bug off too, minimized_drift: true when"
  echo "  the minimized trace did"
  echo "- the JSON report of the same run: \`$json\`, and the table alone: \`$table\` (not kept in the repository)"
} >docs/detection.md
echo "detection.sh: wrote docs/detection.md and corpus/bugs/ (exit $status: 1 means false alarms)" >&2
exit "$status"
