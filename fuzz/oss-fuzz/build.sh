#!/bin/bash -eu
# Builds every imaplab fuzz target the way OSS-Fuzz and ClusterFuzzLite do: compilers and sanitizer flags from
# $CC/$CXX/$CFLAGS/$CXXFLAGS, the engine from $LIB_FUZZING_ENGINE, results in $OUT as <target>,
# <target>_seed_corpus.zip, <target>.dict and <target>.options.
# Sanitizers: address, undefined and memory. The fuzz build links only imaplab's own proto/, model/, server/
# and sim/ (no Boost, fmt or rapidcheck: IMAPLAB_FUZZ leaves them out), so under MemorySanitizer everything
# is instrumented: OSS-Fuzz's base-builder supplies the instrumented libc++ through $CXXFLAGS.
set -euo pipefail  # also when run as `bash build.sh`, which ignores the -eu of the first line
src_dir=${IMAPLAB_SRC:-$SRC/imaplab}
build_dir=$WORK/imaplab-build

cmake -S "$src_dir" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DIMAPLAB_FUZZ=ON -DIMAPLAB_OSS_FUZZ=ON -DIMAPLAB_TESTS=OFF \
  -DIMAPLAB_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build_dir" --target fuzzers -j"${IMAPLAB_JOBS:-$(nproc)}"

for src in "$src_dir"/fuzz/targets/*.cpp; do
  target=$(basename "$src" .cpp)
  cp "$build_dir/fuzz/${target}_fuzzer" "$OUT/$target"
  for extra in dict options; do
    if [ -f "$src_dir/fuzz/$target.$extra" ]; then
      cp "$src_dir/fuzz/$target.$extra" "$OUT/$target.$extra"
    fi
  done
  if [ -d "$src_dir/corpus/$target" ]; then
    rm -f "$OUT/${target}_seed_corpus.zip"
    (cd "$src_dir/corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
  fi
done
