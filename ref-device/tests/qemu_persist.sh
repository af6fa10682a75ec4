#!/usr/bin/env bash
# qemu_persist.sh — issue 10 on the QEMU device: what must survive a power cycle does, and
# no two boots share randomness. One device identity and one flash file (TMP/device/), QEMU
# stopped and started again (a power cycle) and reset through its monitor (a warm reset).
# Checks, each able to fail:
#   - an accepted ClientHello sent again after a restart is refused hs-replay ([HS-020])
#   - a grant revoked before a restart stays revoked after it ([GRT-020])
#   - 5 boots and 5 warm resets: 10 distinct device ephemerals and session ids ([NVS-031])
#   - the app runs from flash slot A (no app on the QEMU command line) and DeviceHello's
#     app measurement is the SHA-256 of app.bin ([NVS-052])
#   - with slot A corrupted the app is not run, the measurement is 32 zero bytes and the
#     supervisor still answers ping ([NVS-053], [OTA-070])
set -u
BUILD=${BUILD:-build}
DIR=$BUILD/an505
B=$BUILD/host/bin/tether
P=$BUILD/host/bin/qemu_probe
. "$(dirname "$0")/qemu_boot.sh"
qemu_need "$B" "$P" "$DIR/supervisor.elf" "$DIR/app.bin" || exit 1
tmp=$(mktemp -d)
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$tmp"' EXIT
dev=$tmp/device/device.json
owner=$tmp/device/owner.pem
passes=0; fails=0
check() { # NAME, then a command that succeeds when the check holds
  local name=$1; shift
  if "$@"; then echo "ok   $name"; passes=$((passes + 1)); else echo "FAIL $name"; fails=$((fails + 1)); fi
}

boot() {
  qemu_boot "$DIR" "$tmp" -monitor "unix:$tmp/mon,server=on,wait=off" || return 1
  qemu_wait_listening || { echo "QEMU not listening"; cat "$tmp/qemu.err"; return 1; }
}
power_off() {
  kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
}
# A warm reset through QEMU's monitor; returns once the device has booted again, which its
# boot counter in the flash file says (not a delay: the count must go up by one).
warm_reset() {
  /usr/bin/python3 - "$tmp/mon" "$tmp/device/flash.bin" "$(dirname "$0")/../tools" <<'PY'
import socket, sys, time
sys.path.insert(0, sys.argv[3])
import tt_flash
def boots():
    with open(sys.argv[2], "rb") as f:
        b = tt_flash.read_records(f.read(tt_flash.STORE_SIZE)).get(tt_flash.REC["boot"], b"")
    return int.from_bytes(b[:4], "big")
before = boots()
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"system_reset\n")
for _ in range(600):
    if boots() == before + 1:
        break
    time.sleep(0.1)
else:
    sys.exit("the device did not boot again after system_reset")
s.close()
PY
}
# probe NAME: a new ClientHello in TMP/NAME, then a handshake with it; its line is kept.
probe_new() {
  "$P" "$dev" "$owner" "$tmp/$1" hello && "$P" "$dev" "$owner" "$tmp/$1" connect | tee -a "$tmp/answers"
}

boot || exit 1
check "no app on the QEMU command line" bash -c "! tr '\0' ' ' < /proc/$QPID/cmdline | grep -q 'app\.'"
"$P" "$dev" "$owner" "$tmp/first" hello || exit 1
line=$("$P" "$dev" "$owner" "$tmp/first" connect); echo "$line"
check "first handshake accepted" grep -q "result=ok" <<<"$line"
want=$(sha256sum "$DIR/app.bin" | cut -d' ' -f1)
check "app measurement is the SHA-256 of the slot's image" grep -q "app=$want" <<<"$line"
echo "$line" >> "$tmp/answers"
"$B" keygen client "$tmp/c.pem" >/dev/null
"$B" grant --owner "$owner" --client "$tmp/c.pem.pub" --device-record "$dev" --serial 1 -o "$tmp/g1" >/dev/null
"$B" grant --owner "$owner" --client "$tmp/c.pem.pub" --device-record "$dev" --serial 5 -o "$tmp/g5" >/dev/null
check "revoke below serial 5" "$B" revoke "$dev" --owner "$owner" --floor 5 --key "$tmp/c.pem" --grant "$tmp/g1" >/dev/null 2>&1
warm_reset || exit 1
probe_new w1 >/dev/null

for n in 2 3 4 5; do
  power_off
  boot || exit 1
  if [ "$n" = 2 ]; then
    line=$("$P" "$dev" "$owner" "$tmp/first" connect); echo "after restart, the first hello again: $line"
    check "captured hello replayed after a restart: hs-replay" grep -q "result=hs-replay" <<<"$line"
    out=$("$B" ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g1" --count 1 2>&1); rc=$?
    revoked=no; [ "$rc" = 4 ] && grep -qi revoked <<<"$out" && revoked=yes
    check "grant revoked before the restart still revoked (exit $rc)" [ "$revoked" = yes ]
    check "grant above the floor works after the restart" "$B" ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --count 1 >/dev/null 2>&1
  fi
  probe_new b$n >/dev/null
  warm_reset || exit 1
  probe_new w$n >/dev/null
done
cat "$tmp/answers"
count=$(grep -c "result=ok" "$tmp/answers")
sessions=$(grep -o "session=[0-9a-f]*" "$tmp/answers" | sort -u | wc -l)
ephemerals=$(grep -o "ephemeral=[0-9a-f]\{64\}" "$tmp/answers" | sort -u | wc -l)
echo "handshakes accepted: $count; distinct session ids: $sessions; distinct device ephemerals: $ephemerals"
check "5 boots + 5 warm resets: 10 handshakes" [ "$count" = 10 ]
check "10 distinct session ids" [ "$sessions" = 10 ]
check "10 distinct device ephemerals" [ "$ephemerals" = 10 ]

# A corrupted slot: not run, measurement zero, the supervisor still answers.
power_off
# (provision.py, run again by boot, rewrites the slot only when the app itself changes)
printf '\x5a' | dd of="$tmp/device/flash.bin" bs=1 seek=$((0x10000 + 0x80)) conv=notrunc status=none
boot || exit 1
line=$("$P" "$dev" "$owner" "$tmp/c1" hello && "$P" "$dev" "$owner" "$tmp/c1" connect); echo "corrupted slot: $line"
check "corrupted slot: handshake still accepted" grep -q "result=ok" <<<"$line"
check "corrupted slot: app measurement is 32 zero bytes" grep -q "app=0\{64\}" <<<"$line"
check "corrupted slot: the supervisor answers ping" "$B" ping "$dev" --key "$tmp/c.pem" --grant "$tmp/g5" --count 1 >/dev/null 2>&1
power_off
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
