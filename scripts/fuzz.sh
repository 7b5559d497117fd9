#!/usr/bin/env bash
# Builds the `fuzz` preset (clang-16, libFuzzer, ASan+UBSan) and runs every fuzz target from its seed corpus
# for a while, failing on any finding. New inputs go to build/fuzz-corpus/<target>, not to corpus/.
# Usage: scripts/fuzz.sh [--seconds N] [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    -*) echo "usage: $0 [--seconds N] [target ...]" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
bash scripts/deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzzers
if [ ${#targets[@]} -eq 0 ]; then
  for src in fuzz/targets/*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
status=0
for target in "${targets[@]}"; do
  bin=build/fuzz/fuzz/${target}_fuzzer
  scratch=build/fuzz-corpus/$target
  mkdir -p "$scratch" build/fuzz-artifacts
  args=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix=build/fuzz-artifacts/$target-)
  [ -f fuzz/$target.dict ] && args+=(-dict=fuzz/$target.dict)
  echo "== $target (${seconds}s)"
  log=build/fuzz-artifacts/$target.log
  if ! "$bin" "${args[@]}" "$scratch" corpus/$target >"$log" 2>&1; then
    echo "FINDING in $target (log: $log)"; tail -40 "$log"; status=1
  else
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec" "$log" | tr '\n' ' '; echo
  fi
done
exit $status
