#!/usr/bin/env bash
# cli_bad_input.sh — the `tether` command against the QEMU device with bad input: a wrong
# device key, an expired grant, a revoked grant, a malformed grant file, a missing and a
# mismatched app ELF, bad arguments. Each must end with its exit code and a clear message,
# never a crash (issue: ref-client bad input; [GRT-015] [GRT-020..022] [HS-018]).
set -u
BUILD=${BUILD:-build}
B=$BUILD/host/bin/tether
DIR=$BUILD/an505
. "$(dirname "$0")/../../ref-device/tests/qemu_boot.sh"
qemu_need "$B" "$DIR/supervisor.elf" "$DIR/app.elf" || exit 1
tmp=$(mktemp -d)
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; jobs -p | xargs -r kill 2>/dev/null; rm -rf "$tmp"' EXIT
qemu_up "$DIR" "$tmp" || exit 1
dev=$tmp/device/device.json
owner=$tmp/device/owner.pem
fails=0; passes=0

# expect NAME CODE PATTERN -- command...: exit code CODE and stderr+stdout matching PATTERN
expect() {
  local name=$1 code=$2 pat=$3; shift 4
  local out rc
  out=$(timeout 120 "$@" 2>&1); rc=$?
  if [ "$rc" = "$code" ] && echo "$out" | grep -qiE "$pat"; then
    echo "ok   $name (exit $rc)"; passes=$((passes + 1))
  else
    echo "FAIL $name: exit $rc (want $code), output:"; echo "$out" | sed 's/^/     /'
    fails=$((fails + 1))
  fi
}

$B keygen client "$tmp/c.pem" >/dev/null
$B grant --owner "$owner" --client "$tmp/c.pem.pub" --device-record "$dev" --serial 1 \
  -o "$tmp/g1" >/dev/null
$B grant --owner "$owner" --client "$tmp/c.pem.pub" --device-record "$dev" --serial 5 \
  -o "$tmp/g5" >/dev/null
$B grant --owner "$owner" --client "$tmp/c.pem.pub" --device-record "$dev" \
  --not-before 1000 --not-after 2000 -o "$tmp/gold" >/dev/null

# Handshakes with the emulated device (an ECDSA check in TCG) take seconds on a loaded
# machine: device commands get a generous --timeout (a hang guard), never the 5 s default.
expect "valid grant: ping works" 0 "ping" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g1" --count 1 --timeout 60000
# a record whose device key is not the device's: the device cannot decrypt, never answers
/usr/bin/python3 - "$dev" "$tmp/wrongkey.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["static_public"] = "09" * 32
json.dump(r, open(sys.argv[2], "w"))
PY
expect "wrong device key" 3 "no handshake response" -- $B ping "$tmp/wrongkey.json" --key "$tmp/c.pem" --grant "$tmp/g1" --timeout 3000
expect "expired grant" 4 "expired" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/gold"
head -c 40 /dev/urandom > "$tmp/garbage"
expect "malformed grant file" 2 "grant" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/garbage"
expect "key file that is not a key" 2 "private key" -- $B ping "$dev" --key "$tmp/g1" --grant "$tmp/g1"
expect "revoke below serial 5" 0 "floor" -- $B revoke "$dev" --owner "$owner" --floor 5 --key "$tmp/c.pem" --grant "$tmp/g1"
expect "revoked grant refused" 4 "revoked" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g1" --timeout 60000
expect "grant at the floor still works" 0 "ping" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --count 1 --timeout 60000
$B keygen owner "$tmp/other-owner.pem" >/dev/null
expect "revoke signed by another owner" 5 "signature" -- $B revoke "$dev" --owner "$tmp/other-owner.pem" --floor 9 --key "$tmp/c.pem" --grant "$tmp/g5"
expect "revoke with a key that is not an owner key" 2 "owner private key" -- $B revoke "$dev" --owner "$tmp/c.pem" --floor 9 --key "$tmp/c.pem" --grant "$tmp/g5"
expect "missing ELF" 2 "cannot read" -- $B gdbserver "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --port 0 --once --elf "$tmp/nonexistent.elf"
expect "not an ELF" 2 "not a usable ELF" -- $B gdbserver "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --port 0 --once --elf "$tmp/garbage"
# a mismatched ELF: warned about, and the server keeps reading code from the device
cp "$DIR/app.elf" "$tmp/other.elf"
/usr/bin/python3 - "$tmp/other.elf" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[0x1000 + 0x100] ^= 0xFF  # a byte of .text (file offset of the first PT_LOAD + 0x100)
open(sys.argv[1], "wb").write(bytes(b))
PY
$B gdbserver "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --port 0 --once --elf "$tmp/other.elf" \
  > "$tmp/gs.out" 2> "$tmp/gs.err" &
gspid=$!
for _ in $(seq 900); do grep -q listening "$tmp/gs.out" && break; kill -0 "$gspid" 2>/dev/null || break; sleep 0.1; done
gport=$(sed -n 's/.*127.0.0.1:\([0-9]*\) .*/\1/p' "$tmp/gs.out")
out=$(timeout 60 gdb-multiarch -batch -nx -ex "file $DIR/app.elf" -ex "target remote :$gport" \
  -ex "monitor status" -ex "detach" 2>&1)
wait "$gspid"
if grep -q "does not match the app the device runs" "$tmp/gs.err" && echo "$out" | grep -q "ELF not trusted"; then
  echo "ok   mismatched ELF: warned, not trusted"; passes=$((passes + 1))
else
  echo "FAIL mismatched ELF"; cat "$tmp/gs.err"; echo "$out"; fails=$((fails + 1))
fi
expect "unknown command" 1 "unknown command" -- $B frobnicate
expect "bad option value" 1 "usage" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --count -3
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
