#!/usr/bin/env bash
# Builds the `fuzz` preset (clang-16, libFuzzer, ASan+UBSan) and runs every fuzz target from its seed corpus
# for a while, failing on any finding; the canary target must instead crash (find its planted bug) within
# --canary-seconds, and fails CI when it does not. New inputs go to build/fuzz-corpus/<target>, not to
# corpus/. With --merge, each corpus/<target> is replaced by the libFuzzer -merge=1 minimization of itself
# plus what fuzzing found (commit the result when it grew meaningfully).
# Usage: scripts/fuzz.sh [--seconds N] [--canary-seconds N] [--merge] [--build-dir DIR] [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
canary_seconds=60
merge=0
build=${IMAPLAB_FUZZ_BUILD:-build/fuzz}
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --canary-seconds) canary_seconds=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    --build-dir) build=$2; shift 2 ;;
    -*) echo "usage: $0 [--seconds N] [--canary-seconds N] [--merge] [--build-dir DIR] [target ...]" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
bash scripts/deps.sh
cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" --target fuzzers -j2
if [ ${#targets[@]} -eq 0 ]; then
  for src in fuzz/targets/*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
mkdir -p build/fuzz-artifacts

# libFuzzer flags every run shares: the dictionary, and a per-input time limit far above the ~1 ms a
# simulator input takes, so a hang is a finding.
common_args() {
  local target=$1
  echo -print_final_stats=1 -timeout=10 -artifact_prefix=build/fuzz-artifacts/$target-
  [ -f fuzz/$target.dict ] && echo -dict=fuzz/$target.dict
  options_args fuzz/$target.options
}

# The [libfuzzer] settings of an OSS-Fuzz .options file as flags (max_len, entropic ...; dict is given above).
options_args() {
  [ -f "$1" ] || return 0
  sed -n 's/^\([a-z_]*\) *= *\([^ ]*\)$/-\1=\2/p' "$1" | grep -v '^-dict=' || true
}

# The canary must crash with a rule violation; its crash input must also turn into a trace.
run_canary() {
  local bin=$1 log=build/fuzz-artifacts/canary.log scratch=build/fuzz-corpus/canary
  echo "== canary (must find its planted bug within ${canary_seconds}s)"
  rm -rf build/fuzz-artifacts/canary-crash-* "$scratch"; mkdir -p "$scratch"
  # A fresh scratch folder first: libFuzzer writes new inputs to the first folder, never to corpus/canary.
  if "$bin" $(common_args canary) -max_total_time="$canary_seconds" "$scratch" corpus/canary >"$log" 2>&1; then
    echo "CANARY NOT FOUND in ${canary_seconds}s: the harness, the checkers or the crash path is broken (log: $log)"
    return 1
  fi
  if ! grep -q "imaplab canary fuzzer: violation" "$log"; then
    echo "CANARY crashed without a rule violation (log: $log)"; tail -40 "$log"; return 1
  fi
  grep -m1 "imaplab canary fuzzer: violation" "$log"
  grep -E "^#[0-9]+" "$log" | tail -1 | sed 's/^/  found at /'
  return 0
}

run_target() {
  local target=$1 bin=$2 scratch=build/fuzz-corpus/$1 log=build/fuzz-artifacts/$1.log
  mkdir -p "$scratch"
  echo "== $target (${seconds}s)"
  if ! "$bin" $(common_args "$target") -max_total_time="$seconds" "$scratch" corpus/$target >"$log" 2>&1; then
    echo "FINDING in $target (log: $log)"; tail -40 "$log"; return 1
  fi
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec" "$log" | tr '\n' ' '
  grep -Eo "cov: [0-9]+ ft: [0-9]+" "$log" | tail -1
}

merge_target() {
  local target=$1 bin=$2 merged=build/fuzz-corpus/$1.merged
  rm -rf "$merged"; mkdir -p "$merged" build/fuzz-corpus/$target
  "$bin" -merge=1 "$merged" corpus/$target build/fuzz-corpus/$target >build/fuzz-artifacts/$target.merge.log 2>&1
  rm -rf corpus/$target; mv "$merged" corpus/$target
  echo "== $target: corpus/$target merged to $(ls corpus/$target | wc -l) inputs"
}

status=0
for target in "${targets[@]}"; do
  bin=$build/fuzz/${target}_fuzzer
  if [ "$merge" = 1 ]; then
    [ "$target" = canary ] || merge_target "$target" "$bin"
  elif [ "$target" = canary ]; then
    run_canary "$bin" || status=1
  else
    run_target "$target" "$bin" || status=1
  fi
done
exit $status
