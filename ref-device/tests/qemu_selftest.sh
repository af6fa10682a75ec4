#!/usr/bin/env bash
# qemu_selftest.sh — boots the supervisor's self-test image with the demo app under QEMU
# mps2-an505 and judges its report: exit 0 only if it printed "SELFTEST DONE ... fail=0"
# and no FAIL line, within the time limit (default 30 s). The self-test exercises real target
# control (halt, registers, breakpoint, step, range step, memory, Secure refusal, fault
# capture) on the real app; see ref-device/port/an505/selftest.c. Run from the repo root.
set -u
BUILD=${BUILD:-build}
DIR=$BUILD/an505
LIMIT=${TT_SELFTEST_TIMEOUT:-30}
for f in "$DIR/selftest.elf" "$DIR/app.elf"; do
  [ -f "$f" ] || { echo "missing $f (run make)"; exit 1; }
done
out=$(mktemp); seed=$(mktemp)
trap 'rm -f "$out" "$seed"; [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null' EXIT
# Entropy for the supervisor: "SEED" + fresh random bytes (QEMU's an505 has no TRNG).
{ printf 'SEED'; head -c 4092 /dev/urandom; } > "$seed"
qemu-system-arm -M mps2-an505 -display none -monitor none -serial "file:$out" \
  -kernel "$DIR/selftest.elf" -device "loader,file=$DIR/app.elf" \
  -device "loader,file=$seed,addr=0x381FE000,force-raw=on" &
qpid=$!
start=$(date +%s)
while kill -0 "$qpid" 2>/dev/null; do
  grep -q '^SELFTEST DONE' "$out" && break
  [ $(( $(date +%s) - start )) -ge "$LIMIT" ] && { echo "timeout after ${LIMIT}s"; break; }
  sleep 0.2
done
kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=
head -c 20000 "$out"
[ -s "$out" ] || { echo "no output"; exit 1; }
grep -q '^FAIL' "$out" && exit 1
grep -q '^SELFTEST DONE pass=[0-9]* fail=0$' "$out" || exit 1
exit 0
