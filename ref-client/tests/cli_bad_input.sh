#!/usr/bin/env bash
# cli_bad_input.sh — the `tether` command against the QEMU device with bad input: a wrong
# device key, an expired grant, a revoked grant, a malformed grant file, a missing and a
# mismatched app ELF, bad arguments; hardened files (missing, FIFO, loose private keys,
# links at the temporary, malformed records, a grant signed by another owner); `tether
# attest` verifying the device's evidence and refusing a wrong attestation key; --json,
# --help and --version; `tether log` with bad arguments and a grant lacking `log`. Each must end with its exit code and a clear message, never a
# crash or a hang ([GRT-015] [GRT-020..022] [HS-018] [FIL-*] [CLI-*] [ATT-040..049]).
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
cp "$tmp/g1" "$tmp/g1.key"; chmod 600 "$tmp/g1.key"
expect "key file that is not a key" 2 "private key" -- $B ping "$dev" --key "$tmp/g1.key" --grant "$tmp/g1"
expect "revoke below serial 5" 0 "floor" -- $B revoke "$dev" --owner "$owner" --floor 5 --key "$tmp/c.pem" --grant "$tmp/g1"
expect "revoked grant refused" 4 "revoked" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g1" --timeout 60000
expect "grant at the floor still works" 0 "ping" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --count 1 --timeout 60000
$B keygen owner "$tmp/other-owner.pem" >/dev/null
expect "revoke signed by another owner: refused by the tool" 2 "not the owner key" -- $B revoke "$dev" --owner "$tmp/other-owner.pem" --floor 9 --key "$tmp/c.pem" --grant "$tmp/g5"
# the device's own check, with a record that does not name the owner key
/usr/bin/python3 - "$dev" "$tmp/noowner.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); del r["owner_public"]; json.dump(r, open(sys.argv[2], "w"))
PY
expect "revoke signed by another owner: refused by the device" 5 "signature" -- $B revoke "$tmp/noowner.json" --owner "$tmp/other-owner.pem" --floor 9 --key "$tmp/c.pem" --grant "$tmp/g5"
# a revocation file ([FIL-040]): signed offline, delivered by any session
expect "revocation file signed offline" 0 "wrote" -- $B revoke "$dev" --owner "$owner" --floor 5 -o "$tmp/floor5"
expect "revocation file delivered" 0 "at least 5" -- $B revoke "$dev" --file "$tmp/floor5" --key "$tmp/c.pem" --grant "$tmp/g5"
$B revoke "$tmp/noowner.json" --owner "$tmp/other-owner.pem" --floor 9 -o "$tmp/floor-other" >/dev/null
expect "revocation file by another owner" 2 "not signed by this device's owner" -- $B revoke "$dev" --file "$tmp/floor-other" --key "$tmp/c.pem" --grant "$tmp/g5"
/usr/bin/python3 - "$dev" "$tmp/otherdev.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); r["device_id"] = "ab" * 16; json.dump(r, open(sys.argv[2], "w"))
PY
expect "revocation file for another device" 2 "another device" -- $B revoke "$tmp/otherdev.json" --file "$tmp/floor5" --key "$tmp/c.pem" --grant "$tmp/g5"
expect "revocation file that is a grant" 2 "revocation file" -- $B revoke "$dev" --file "$tmp/g5" --key "$tmp/c.pem" --grant "$tmp/g5"
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
out=$(timeout 60 gdb-multiarch -batch -nx -ex "set remotetimeout 15" -ex "file $DIR/app.elf" -ex "target remote :$gport" \
  -ex "monitor status" -ex "detach" 2>&1)
wait "$gspid"
if grep -q "does not match the app the device runs" "$tmp/gs.err" && echo "$out" | grep -q "ELF not trusted"; then
  echo "ok   mismatched ELF: warned, not trusted"; passes=$((passes + 1))
else
  echo "FAIL mismatched ELF"; cat "$tmp/gs.err"; echo "$out"; fails=$((fails + 1))
fi
# ---- files ([FIL-010] [FIL-011] [FIL-012] [FIL-030] [CLI-002]) ----
expect "missing key file: bad file, not unreachable" 2 "cannot open.*No such file" -- $B ping "$dev" --key "$tmp/nonexistent.pem" --grant "$tmp/g5"
expect "missing device record" 2 "device record.*No such file" -- $B ping "$tmp/none.json" --key "$tmp/c.pem" --grant "$tmp/g5"
mkfifo "$tmp/fifo"
expect "FIFO as key: refused, no hang" 2 "not a regular file.*FIFO" -- $B ping "$dev" --key "$tmp/fifo" --grant "$tmp/g5"
expect "FIFO as grant" 2 "not a regular file" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/fifo"
expect "directory as record" 2 "not a regular file.*directory" -- $B ping "$tmp" --key "$tmp/c.pem" --grant "$tmp/g5"
: > "$tmp/empty"
expect "empty grant file: malformed, not expired" 2 "empty file" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/empty"
cp "$tmp/c.pem" "$tmp/loose.pem"; chmod 644 "$tmp/loose.pem"
expect "private key others can read" 2 "chmod 600" -- $B ping "$dev" --key "$tmp/loose.pem" --grant "$tmp/g5"
cp "$owner" "$tmp/loose-owner.pem"; chmod 660 "$tmp/loose-owner.pem"
expect "owner key others can write" 2 "chmod 600" -- $B grant --owner "$tmp/loose-owner.pem" --client "$tmp/c.pem.pub" --device-record "$dev" -o "$tmp/gx"
# a link where the old code put its temporary: never written through
echo untouched > "$tmp/victim"; chmod 644 "$tmp/victim"
ln -s "$tmp/victim" "$tmp/k2.pem.tmp"
expect "keygen with a link at OUT.tmp" 0 "wrote" -- $B keygen client "$tmp/k2.pem"
if [ "$(cat "$tmp/victim")" = untouched ] && [ "$(stat -c %a "$tmp/k2.pem")" = 600 ] && [ ! -L "$tmp/k2.pem" ]; then
  echo "ok   key written 0600, link target untouched"; passes=$((passes + 1))
else
  echo "FAIL key mode $(stat -c %a "$tmp/k2.pem"), victim: $(cat "$tmp/victim")"; fails=$((fails + 1))
fi
/usr/bin/python3 - "$dev" "$tmp" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def write(name, rec):
    json.dump(rec, open(sys.argv[2] + "/" + name, "w"))
write("badlink.json", dict(r, link="udp:127.0.0.1:9"))
write("badid.json", dict(r, device_id=r["device_id"][:30]))
write("future.json", dict(r, format=2))
noatt = dict(r); del noatt["attest_public"]; write("noattest.json", noatt)
PY
expect "record with a bad link" 2 'field "link"' -- $B ping "$tmp/badlink.json" --key "$tmp/c.pem" --grant "$tmp/g5"
expect "record with a short device_id" 2 'field "device_id".*32 hex' -- $B grant --owner "$owner" --client "$tmp/c.pem.pub" --device-record "$tmp/badid.json" -o "$tmp/gx"
expect "record of a future format" 2 'field "format"' -- $B info "$tmp/future.json" --key "$tmp/c.pem" --grant "$tmp/g5"
expect "--link of no allowed form" 1 "tcp:HOST:PORT" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --link "127.0.0.1:80"

# ---- the owner key ([CLI-020]) ----
expect "grant signed with another owner key" 2 "not the owner key.*owner_public is 04" -- $B grant --owner "$tmp/other-owner.pem" --client "$tmp/c.pem.pub" --device-record "$dev" -o "$tmp/gx"
devid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["device_id"])' "$dev")
$B grant --owner "$tmp/other-owner.pem" --client "$tmp/c.pem.pub" --device "$devid" --serial 6 -o "$tmp/gother" >/dev/null
expect "other owner's grant refused before the handshake" 4 "not signed by this device's owner" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/gother"

# ---- tether attest ([ATT-040..049]) ----
expect "attest: the device's evidence verifies" 0 "evidence +verified" -- $B attest "$dev" --key "$tmp/c.pem" --grant "$tmp/g5"
$B attest "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --json > "$tmp/att.json" 2>&1
if /usr/bin/python3 - "$tmp/att.json" "$dev" <<'PY'
import json, sys
a, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
c = a["claims"]
assert a["verified"] is True and c["device_id"] == r["device_id"] and a["appraised"] == [], a
assert len(c["nonce"]) == 64 and len(c["app_measurement"]) == 64 and c["boot_count"] >= 1, a
PY
then echo "ok   attest --json: verified claims of this device"; passes=$((passes + 1))
else echo "FAIL attest --json"; cat "$tmp/att.json"; fails=$((fails + 1)); fi
/usr/bin/python3 - "$dev" "$tmp/otheratt.json" "$tmp/other-owner.pem.pub" <<'PY'
import json, sys
from cryptography.hazmat.primitives import serialization as s
r = json.load(open(sys.argv[1]))
k = s.load_pem_public_key(open(sys.argv[3], "rb").read())
r["attest_public"] = k.public_bytes(s.Encoding.X962, s.PublicFormat.UncompressedPoint).hex()
json.dump(r, open(sys.argv[2], "w"))
PY
expect "attest with another attestation key: not attested" 6 "NOT ATTESTED.*signature does not verify" -- $B attest "$tmp/otheratt.json" --key "$tmp/c.pem" --grant "$tmp/g5"
expect "attest: a record without attest_public" 2 "no attest_public" -- $B attest "$tmp/noattest.json" --key "$tmp/c.pem" --grant "$tmp/g5"
app=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["claims"]["app_measurement"])' "$tmp/att.json")
expect "attest: the app expected" 0 "app measurement matches" -- $B attest "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --expect-app "$app"
expect "attest: another app expected" 6 "expect-app" -- $B attest "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --expect-app "$(printf '00%.0s' $(seq 32))"
$B grant --owner "$owner" --client "$tmp/c.pem.pub" --device-record "$dev" --serial 7 --perms debug-read -o "$tmp/gro" >/dev/null
expect "attest without the attest permission" 4 "permission" -- $B attest "$dev" --key "$tmp/c.pem" --grant "$tmp/gro"

# ---- --json, --help, --version ([CLI-010] [CLI-011] [CLI-012]) ----
if $B info "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --json > "$tmp/info.json" &&
   $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --json --count 2 > "$tmp/ping.json" &&
   /usr/bin/python3 - "$tmp/info.json" "$tmp/ping.json" "$dev" <<'PY'
import json, sys
i, p, r = (json.load(open(f)) for f in sys.argv[1:4])
assert i["device_id"] == r["device_id"] and i["protocol_version"] == 1, i
assert "debug" in i["capabilities"] and "attest" in i["granted"] and i["limits"]["max_sessions"] >= 1, i
assert len(p["pings"]) == 2 and all(x["rtt_ms"] > 0 for x in p["pings"]) and p["handshake_ms"] > 0, p
PY
then echo "ok   info and ping --json parse and match the device"; passes=$((passes + 1))
else echo "FAIL info/ping --json"; cat "$tmp/info.json" "$tmp/ping.json"; fails=$((fails + 1)); fi
for c in "" keygen grant ping info attest revoke gdbserver; do
  out=$($B $c --help 2>/dev/null); rc=$?
  if [ $rc = 0 ] && echo "$out" | grep -q usage; then
    echo "ok   tether $c --help: exit 0, usage on stdout"; passes=$((passes + 1))
  else echo "FAIL tether $c --help: exit $rc"; fails=$((fails + 1)); fi
done
expect "--version" 0 "^tether [0-9]+\.[0-9]+\.[0-9]+" -- $B --version
if $B gdbserver --help | grep -q -- "--timeout MS    how long" && $B gdbserver --help | grep -q -- "\[--ram START:SIZE\]"; then
  echo "ok   gdbserver usage line has --ram, --timeout described"; passes=$((passes + 1))
else echo "FAIL gdbserver --help"; fails=$((fails + 1)); fi

# ---- a halt refused for lack of debug-control is said as such ----
$B gdbserver "$dev" --key "$tmp/c.pem" --grant "$tmp/gro" --port 0 --once > "$tmp/gro.out" 2> "$tmp/gro.err" &
gspid=$!
# waits for the server's line, not for a time: a loaded machine is only slower
for _ in $(seq 1200); do grep -q listening "$tmp/gro.out" && break; kill -0 "$gspid" 2>/dev/null || break; sleep 0.1; done
gport=$(sed -n 's/.*127.0.0.1:\([0-9]*\) .*/\1/p' "$tmp/gro.out")
if [ -n "$gport" ]; then timeout 60 gdb-multiarch -batch -nx -ex "set remotetimeout 15" -ex "target remote :$gport" > /dev/null 2>&1; fi
kill "$gspid" 2>/dev/null
wait "$gspid"
if grep -q "refused to halt the app: the grant lacks debug-control" "$tmp/gro.err" && ! grep -q "attach refused" "$tmp/gro.err"; then
  echo "ok   halt without debug-control reported as such"; passes=$((passes + 1))
else
  echo "FAIL read-only gdbserver:"; cat "$tmp/gro.err"; fails=$((fails + 1))
fi

expect "unknown command" 1 "unknown command" -- $B frobnicate
expect "bad option value" 1 "usage" -- $B ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --count -3
# ---- tether log ([CLI-031]): bad arguments, a missing key, a grant without `log` ----
expect "log without a device" 1 "usage: tether log" -- $B log
expect "log --count 0" 1 "usage: tether log" -- $B log "$dev" --key "$tmp/c.pem" --grant "$tmp/gro" --count 0
expect "log --from -1" 1 "usage: tether log" -- $B log "$dev" --key "$tmp/c.pem" --grant "$tmp/gro" --from -1
expect "log --wait x" 1 "usage: tether log" -- $B log "$dev" --key "$tmp/c.pem" --grant "$tmp/gro" --wait x
expect "log --help" 0 "keep printing new entries" -- $B log --help
expect "log with a missing key" 2 "cannot open" -- $B log "$dev" --key "$tmp/none.pem" --grant "$tmp/gro"
expect "log with a grant lacking log" 4 "log subscribe.*permission" -- $B log "$dev" --key "$tmp/c.pem" --grant "$tmp/gro" --count 1
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
