#!/bin/sh
# smoke.sh — the fuzzing smoke run of `make test` (and so of CI): every harness for a few
# seconds under AFL++ (persistent mode, shared-memory input) and under libFuzzer (with
# ASan/UBSan), so that each harness is shown to build and run with both drivers on every
# change, and prints its execs/s. Fails if an engine does not start or finds anything.
#   fuzz/smoke.sh BUILD harness...        (FUZZ_SMOKE_SECONDS, default 3)
set -u
build=$1
shift
secs=${FUZZ_SMOKE_SECONDS:-3}
out=$build/fuzz-smoke
rc=0
fuzz/run.sh afl "$secs" "$build" "$out" "$@" || rc=1
fuzz/run.sh libfuzzer "$secs" "$build" "$out" "$@" || rc=1
exit $rc
