#!/bin/sh
# ceiling/run.sh — `make fuzz-ceiling`: what AFL++ persistent mode can reach here at all. Runs
# the no-op harness for SECONDS (default 20) with one afl-fuzz instance, then with one per
# core (-M/-S, each bound to its own core), and prints execs/s; then the pipe round trip.
#   fuzz/ceiling/run.sh BUILD [SECONDS]
set -u
build=$1 secs=${2:-20}
bin=$build/fuzz-afl/bin/noop
out=$build/fuzz-ceiling
seeds=$out/seeds
rm -rf "$out" && mkdir -p "$seeds" && printf 'T1' > "$seeds/a"
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_FAST_CAL=1
rate() { sed -n 's/^execs_per_sec *: *//p' "$1/fuzzer_stats"; }
afl-fuzz -i "$seeds" -o "$out/one" -V "$secs" -- "$bin" > "$out/one.log" 2>&1
one=$(rate "$out/one/default")
n=$(nproc)
i=0
while [ $i -lt "$n" ]; do
  role=-S; [ $i = 0 ] && role=-M
  afl-fuzz $role "i$i" -i "$seeds" -o "$out/all" -V "$secs" -- "$bin" > "$out/all$i.log" 2>&1 &
  i=$((i + 1))
  sleep 1 # let each instance claim its core before the next looks for a free one
done
wait
total=0
for d in "$out"/all/i*; do total=$(echo "$total + $(rate "$d")" | bc); done
echo "no-op harness, 1 afl-fuzz instance:            $one execs/s"
echo "no-op harness, $n instances (one per core), sum: $total execs/s"
"$build/fuzz-ceiling-pingpong"
