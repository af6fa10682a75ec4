#!/usr/bin/env bash
# qemu_selftest.sh — boots the supervisor's self-test image with the demo app under QEMU
# mps2-an505 and judges its report: exit 0 only if it printed "SELFTEST DONE ... fail=0"
# and no FAIL line, within the time limit (default 30 s). The self-test exercises real target
# control (halt, registers, breakpoint, step, range step, memory, Secure refusal, fault
# capture) on the real app; see ref-device/port/an505/selftest.c. Run from the repo root.
set -u
BUILD=${BUILD:-build}
DIR=$BUILD/an505
LIMIT=${TT_SELFTEST_TIMEOUT:-120}  # a hang guard, not a speed check
for f in "$DIR/selftest.elf" "$DIR/app.elf"; do
  [ -f "$f" ] || { echo "missing $f (run make)"; exit 1; }
done
out=$(mktemp); seed=$(mktemp); err=$(mktemp)
# Entropy for the supervisor: "SEED" + fresh random bytes (QEMU's an505 has no TRNG).
{ printf 'SEED'; head -c 4092 /dev/urandom; } > "$seed"
# Keys: a throwaway provisioning blob, so the test also proves the provisioning path.
prov=$(mktemp -d)
trap 'rm -rf "$out" "$seed" "$prov" "$err"; [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null' EXIT
provargs=()
if /usr/bin/python3 "$(dirname "$0")/../tools/provision.py" "$prov" >/dev/null; then
  provargs=(-device "loader,file=$prov/provision.bin,addr=0x381FF000,force-raw=on")
fi
qemu-system-arm -M mps2-an505 -display none -monitor none -serial "file:$out" \
  -kernel "$DIR/selftest.elf" -device "loader,file=$DIR/app.elf" \
  -device "loader,file=$seed,addr=0x381FE000,force-raw=on" "${provargs[@]}" 2>"$err" &
qpid=$!
start=$(date +%s)
while kill -0 "$qpid" 2>/dev/null; do
  grep -q '^SELFTEST DONE' "$out" && break
  [ $(( $(date +%s) - start )) -ge "$LIMIT" ] && { echo "timeout after ${LIMIT}s"; break; }
  sleep 0.2
done
kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=
head -c 20000 "$out"
fail() { echo "$1"; grep -v 'terminating on signal' "$err"; exit 1; }
[ -s "$out" ] || fail "no output"
grep -q '^FAIL' "$out" && fail "a check failed"
grep -q '^SELFTEST DONE pass=[0-9]* fail=0$' "$out" || fail "no SELFTEST DONE line"
exit 0
