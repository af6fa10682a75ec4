#!/bin/sh
# smoke.sh — the fuzzing smoke run of `make test` (and so of CI): every harness for a few
# seconds under AFL++ (persistent mode, shared-memory input) and under libFuzzer (with
# ASan/UBSan), so that each harness is shown to build and run with both drivers on every
# change, and prints its execs/s. Fails if an engine does not start or finds anything.
# The engines' full output is in BUILD/fuzz-smoke/<engine>.log; only the summaries print.
#   fuzz/smoke.sh BUILD harness...        (FUZZ_SMOKE_SECONDS, default 3)
set -u
build=$1
shift
secs=${FUZZ_SMOKE_SECONDS:-3}
# One execution may take 10 s before AFL++ calls it a hang, not its default 1 s: on a loaded
# machine (CI, or four `make test` runs on two cores) an execution can wait longer than 1 s
# for a core, and AFL++ then aborts its dry run over a seed that takes 0.1 ms ("results in a
# timeout", the client harness, 2026-12-06). A real hang still shows, 10 s later.
export FUZZ_AFL_TIMEOUT_MS=${FUZZ_AFL_TIMEOUT_MS:-10000}
# Nor may AFL++ bind itself to a free core: with other fuzzers on the machine (two `make test`
# runs whose smoke runs overlap) it finds none and aborts ("No more free CPU cores",
# 2026-12-06). Binding only speeds long runs up; `make fuzz` keeps it.
export AFL_NO_AFFINITY=1
out=$build/fuzz-smoke
mkdir -p "$out"
rc=0
for engine in afl libfuzzer; do
  fuzz/run.sh $engine "$secs" "$build" "$out" "$@" > "$out/$engine.log" 2>&1 || rc=1
  sed -n '/^=== fuzz summary/,$p' "$out/$engine.log"
done
[ $rc = 0 ] && echo "fuzz smoke: every harness ran under both engines, nothing found"
exit $rc
