#!/usr/bin/env bash
# Runs fuzz/oss-fuzz/build.sh exactly as OSS-Fuzz would, with its variables set for clang-16 on this machine
# (no Docker), then runs every target briefly from its seed corpus, failing on any finding; the canary must
# instead crash with a rule violation. MemorySanitizer is not offered here: it needs an instrumented C++
# library, which OSS-Fuzz's base-builder has and this machine's Debian libstdc++ is not.
# Usage: fuzz/oss-fuzz/run_local.sh [--seconds N] [--sanitizer address|undefined]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=10
canary_seconds=60  # the canary stops at its first crash, normally within seconds
sanitizer=address
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --sanitizer) sanitizer=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--sanitizer address|undefined]" >&2; exit 2 ;;
  esac
done

work=$root/build/oss-fuzz/$sanitizer
export SRC=$root/build/oss-fuzz/src WORK=$work/work OUT=$work/out IMAPLAB_SRC=$root
mkdir -p "$SRC" "$WORK" "$OUT"
export CC=clang-16 CXX=clang++-16
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
common="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
case "$sanitizer" in
  address) san="-fsanitize=address -fsanitize-address-use-after-scope" ;;
  undefined) san="-fsanitize=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr -fno-sanitize-recover=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr" ;;
  *) echo "unknown sanitizer $sanitizer" >&2; exit 2 ;;
esac
export CFLAGS="$common $san -fsanitize=fuzzer-no-link" CXXFLAGS="$common $san -fsanitize=fuzzer-no-link"
export IMAPLAB_JOBS=2  # the machine's two cores are shared
bash "$root/fuzz/oss-fuzz/build.sh"

status=0
ran=0
for bin in "$OUT"/*; do
  [ -x "$bin" ] && [ -f "$bin" ] || continue
  case "$bin" in *.zip|*.dict|*.options) continue ;; esac
  target=$(basename "$bin")
  ran=$((ran + 1))
  scratch=$WORK/corpus/$target
  rm -rf "$scratch"; mkdir -p "$scratch"
  [ -f "$OUT/${target}_seed_corpus.zip" ] && unzip -q -o "$OUT/${target}_seed_corpus.zip" -d "$scratch"
  args=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$WORK/$target-")
  [ -f "$OUT/$target.dict" ] && args+=(-dict="$OUT/$target.dict")
  # The [libfuzzer] settings of <target>.options as flags, as OSS-Fuzz's runner passes them.
  if [ -f "$OUT/$target.options" ]; then
    while read -r flag; do args+=("$flag"); done < <(sed -n 's/^\([a-z_]*\) *= *\([^ ]*\)$/-\1=\2/p' "$OUT/$target.options" | grep -v '^-dict=' || true)
  fi
  echo "== $target ($sanitizer, ${seconds}s)"
  if [ "$target" = canary ]; then
    # The planted bug must be found: a crash naming a rule is success, anything else fails.
    if "$bin" "${args[@]}" -max_total_time="$canary_seconds" "$scratch" >"$WORK/$target.log" 2>&1; then
      echo "CANARY NOT FOUND in ${canary_seconds}s: see $WORK/$target.log"; status=1
    elif grep -m1 "imaplab canary fuzzer: violation" "$WORK/$target.log"; then
      :
    else
      echo "CANARY crashed without a rule violation: see $WORK/$target.log"; tail -40 "$WORK/$target.log"; status=1
    fi
    continue
  fi
  if ! "$bin" "${args[@]}" "$scratch" >"$WORK/$target.log" 2>&1; then
    echo "FINDING in $target: see $WORK/$target.log"; tail -40 "$WORK/$target.log"; status=1
  else
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|cov:" "$WORK/$target.log" | tail -3
  fi
done
if [ "$ran" -eq 0 ]; then echo "no fuzz target in $OUT: build.sh built nothing"; status=1; fi
exit $status
