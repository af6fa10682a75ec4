#!/bin/sh
# run.sh — `make fuzz`: runs each harness for a fixed time, one after the other (the machine
# has two shared cores), and prints per harness the execs/s, the coverage and the findings.
#   fuzz/run.sh ENGINE SECONDS BUILD OUT harness...
# ENGINE afl: AFL++ persistent binaries in BUILD/fuzz-afl/bin (plus -c BUILD/fuzz-afl-cmplog
# when FUZZ_CMPLOG is set); afl-asan: BUILD/fuzz-afl-asan/bin, the same under ASan/UBSan;
# libfuzzer: BUILD/fuzz-libfuzzer/bin. Seeds from
# fuzz/corpus/<h>, dictionary fuzz/dict/<h>.dict when present. Work and findings go to
# OUT/<engine>/<h>. Exits 1 if any harness found a crash (or, with AFL++, a hang).
# FUZZ_AFL_TIMEOUT_MS: AFL++'s -t (one execution's limit; default: its own, at most 1 s).
set -u
engine=$1 secs=$2 build=$3 out=$4
shift 4
summary=""
found=0
for h in "$@"; do
  c=${h%_mbedtls}                         # variants of a harness share its corpus and dict
  seeds=fuzz/corpus/$c
  dict=fuzz/dict/$c.dict
  dir=$out/$engine/$h
  rm -rf "$dir" && mkdir -p "$dir"
  echo "=== fuzz $h ($engine, ${secs}s)"
  case $engine in
  afl|afl-asan)
    set -- -i "$seeds" -o "$dir" -V "$secs"
    [ -f "$dict" ] && set -- "$@" -x "$dict"
    [ -n "${FUZZ_CMPLOG:-}" ] && set -- "$@" -c "$build/fuzz-afl-cmplog/bin/$h"
    [ -n "${FUZZ_AFL_TIMEOUT_MS:-}" ] && set -- "$@" -t "$FUZZ_AFL_TIMEOUT_MS"
    AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_NO_UI=1 AFL_FAST_CAL=1 AFL_SUPPRESS_STATS_WARNINGS=1 \
      afl-fuzz "$@" -- "$build/fuzz-$engine/bin/$h" > "$dir/log" 2>&1
    st=$dir/default/fuzzer_stats
    if [ ! -f "$st" ]; then
      tail -n 20 "$dir/log"; echo "afl-fuzz did not start for $h"; found=1
      summary="$summary$(printf '%-16s did not start (see %s)' "$h" "$dir/log")
"
      continue
    fi
    get() { sed -n "s/^$1 *: *//p" "$st"; }
    execs=$(get execs_done); rate=$(get execs_per_sec); cov=$(get bitmap_cvg)
    paths=$(get corpus_count); crashes=$(get saved_crashes); hangs=$(get saved_hangs)
    [ "$crashes" != 0 ] || [ "$hangs" != 0 ] && found=1
    line=$(printf '%-16s %10s execs %10s/s  cov %-7s corpus %-5s crashes %s hangs %s' \
      "$h" "$execs" "$rate" "$cov" "$paths" "$crashes" "$hangs")
    ;;
  libfuzzer)
    mkdir -p "$dir/corpus"
    set -- -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$dir/" \
      "$dir/corpus" "$seeds"
    [ -f "$dict" ] && set -- -dict="$dict" "$@"
    "$build/fuzz-libfuzzer/bin/$h" "$@" > "$dir/log" 2>&1
    get() { sed -n "s/^stat::$1: *//p" "$dir/log" | tail -1; }
    execs=$(get number_of_executed_units); rate=$(get average_exec_per_sec)
    cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
    crashes=$(find "$dir" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' \
      -o -maxdepth 1 -name 'oom-*' -o -maxdepth 1 -name 'timeout-*' | wc -l)
    [ "$crashes" != 0 ] && found=1
    line=$(printf '%-16s %10s execs %10s/s  cov %-7s findings %s' \
      "$h" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$crashes")
    ;;
  *) echo "unknown FUZZ_ENGINE $engine (afl, afl-asan or libfuzzer)"; exit 2 ;;
  esac
  echo "$line"
  summary="$summary$line
"
done
echo
echo "=== fuzz summary ($engine, ${secs}s per harness)"
printf '%s' "$summary"
[ $found = 0 ] || echo "FINDINGS: see $out/$engine/<harness> (crashes/, hangs/ or crash-* files)"
exit $found
