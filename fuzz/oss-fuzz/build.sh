#!/bin/bash -eu
# build.sh — OSS-Fuzz / ClusterFuzzLite build script: every harness, built with the
# service's $CC, $CFLAGS and $LIB_FUZZING_ENGINE, copied to $OUT with its seed corpus
# (<h>_seed_corpus.zip) and dictionary (<h>.dict). Run from the repository root inside the
# builder image after `make setup` (which fetches nanopb's runtime sources into build/).
# Locally, with libFuzzer and ASan:
#   CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   OUT=/tmp/oss-out fuzz/oss-fuzz/build.sh
: "${OUT:?set OUT}" "${CC:?set CC}" "${LIB_FUZZING_ENGINE:?set LIB_FUZZING_ENGINE}"
cd "$(dirname "$0")/../.."
mkdir -p "$OUT"
make -j"$(nproc)" fuzz-oss CC="$CC" CFLAGS="${CFLAGS:-}" LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE"
for h in $(make -s fuzz-list); do
  c=${h%_mbedtls} # variants of a harness share its corpus and dictionary
  cp "build/fuzz-oss/bin/$h" "$OUT/$h"
  rm -f "$OUT/${h}_seed_corpus.zip"
  (cd "fuzz/corpus/$c" && zip -q -r "$OUT/${h}_seed_corpus.zip" .)
  [ -f "fuzz/dict/$c.dict" ] && cp "fuzz/dict/$c.dict" "$OUT/$h.dict"
done
echo "build.sh: $(make -s fuzz-list | wc -w) fuzz targets in $OUT"
