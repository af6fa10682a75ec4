#!/usr/bin/env bash
# qemu_ota_faults.sh — OTA on the QEMU device when things go wrong (issue 11, section 3; what
# qemu_ota.sh covers — a push, --limit then a QEMU restart, rollback, abort — is not
# repeated). AB layout, one device:
#  1. link cuts: app v0.2.0 (padded to 16 KiB: at 16 kbit/s its transfer lasts at least 8 s)
#     pushed through tether-linkemu, which cuts every connection 5 s after it opened. The
#     client reconnects by itself and the reliability layer resends what was lost, or the
#     push stops (no ack in time) and is run again, starting exactly at the offset the
#     device persisted ([OTA-030], [OTA-031]); until the image is installed. Checked: the
#     link was cut while image bytes flowed, every run started at the persisted offset, the
#     new app's own log lines (tether log) say v0.2.0 runs; confirm.
#  2. power loss: the faulting app (make app-fault, v0.3.0, counter 3) pushed through a slow
#     link, QEMU SIGKILLed mid-transfer; after the restart the device still holds at least
#     every byte the client saw acknowledged ([OTA-016]) and v0.2.0 runs; the push resumes
#     there and installs; the new app faults at start and the device reverts to v0.2.0 by
#     itself ([OTA-051], [OTA-100]): counter still 2, v0.2.0 attested and logging.
#  3. refusals, each with the device's error and nothing changed (OTA status and the app
#     measurement read before and after): an older security counter (check 5 of [OTA-010]),
#     another firmware key (2), another device (3), the wrong layout (4), an image larger
#     than the slot (6); an image whose stored bytes do not hash to the manifest's
#     image_sha256 (a byte of the staging slot flipped in the flash file) fails verify with
#     ota-hash and the transfer is discarded ([OTA-024]); a chunk size that is no power of
#     two is refused by `tether ota sign` before any device sees it.
# Bounded waits only (no check depends on how fast the machine is).
set -u
BUILD=${BUILD:-build}
B=$BUILD/host/bin/tether
EMU=$BUILD/host/bin/tether-linkemu
DIR=$BUILD/an505
. "$(dirname "$0")/qemu_boot.sh"
qemu_need "$B" "$EMU" "$DIR/supervisor.elf" "$DIR/app.bin" "$DIR/app.elf" "$DIR/app-v2.elf" \
  "$DIR/app-fault.elf" || exit 1
tmp=$(mktemp -d)
QPID= EPID= PUSH=
trap 'for p in $PUSH $EPID $QPID; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
fails=0; passes=0
ok() { echo "ok   $1"; passes=$((passes + 1)); }
bad() {
  echo "FAIL $1"; [ -n "${2-}" ] && printf '%s\n' "$2" | tail -20 | sed 's/^/     /'
  fails=$((fails + 1))
}
expect() { # NAME EXIT REGEX -- COMMAND...
  local name=$1 code=$2 pat=$3; shift 4
  local out rc
  out=$(timeout 120 "$@" 2>&1); rc=$?
  if [ "$rc" = "$code" ] && echo "$out" | grep -qiE "$pat"; then ok "$name (exit $rc)"
  else bad "$name: exit $rc (want $code), output:" "$out"; fi
}
# json FILE-OR-TEXT KEY...: a value from one JSON object (nested keys), "" if absent
json() {
  /usr/bin/python3 -c 'import json,sys
try:
    v = json.loads(sys.argv[1])
    for k in sys.argv[2:]: v = v[k]
    print(v)
except Exception: print("")' "$@"
}
# pad SRC DST SIZE: SRC's bytes then 0xFF up to SIZE (erased flash: the image grows, the
# code does not change)
pad() {
  /usr/bin/python3 -c 'import sys
d = open(sys.argv[1], "rb").read(); n = int(sys.argv[3])
open(sys.argv[2], "wb").write(d + b"\xff" * (n - len(d)))' "$@"
}
# Starts tether-linkemu in front of the device's current PORT; sets EPID and EPORT.
emu_up() {
  [ -n "$EPID" ] && { kill "$EPID" 2>/dev/null; wait "$EPID" 2>/dev/null; }
  # the previous emu.out names a dead port: gone before the new process starts, or the
  # loop below may read it before the child has truncated the file
  rm -f "$tmp/emu.out"
  "$EMU" --listen 127.0.0.1:0 --connect "127.0.0.1:$PORT" "$@" >"$tmp/emu.out" 2>&1 &
  EPID=$!
  EPORT=
  for _ in $(seq 300); do
    EPORT=$(sed -n 's/^listening \([0-9]*\).*/\1/p' "$tmp/emu.out")
    [ -n "$EPORT" ] && return 0
    sleep 0.1
  done
  echo "tether-linkemu did not start"; cat "$tmp/emu.out"; return 1
}
restart_qemu() {
  kill -9 "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
  qemu_up "$DIR" "$tmp" || exit 1
}

$B keygen firmware "$tmp/fw.pem" >/dev/null
$B keygen firmware "$tmp/other-fw.pem" >/dev/null
an505_provision "$DIR" "$tmp/device" --firmware-pub "$tmp/fw.pem.pub" >/dev/null \
  || { echo "provisioning failed"; exit 1; }
qemu_up "$DIR" "$tmp" || exit 1
dev=$tmp/device/device.json
$B keygen client "$tmp/c.pem" >/dev/null
$B grant --owner "$tmp/device/owner.pem" --client "$tmp/c.pem.pub" --device-record "$dev" \
  --perms ota,attest,log --serial 1 -o "$tmp/g" >/dev/null
K=(--key "$tmp/c.pem" --grant "$tmp/g")
status() { $B ota status "$dev" "${K[@]}" --json 2>&1; }
# What must not change: the OTA status and the app measurement the device reports
# (DeviceHello, [OTA-070]; the attested one is checked where an image changes).
snapshot() {
  local a; a=$($B info "$dev" "${K[@]}" --json 2>&1)
  echo "$(status) app=$(json "$a" app_measurement)"
}
sign() { # NAME KEY (--elf F | --bin F) VERSION COUNTER [args]
  local n=$1 k=$2 how=$3 f=$4 v=$5 ctr=$6; shift 6
  $B ota sign --key "$k" "$how" "$f" --version "$v" --counter "$ctr" --layout ab \
    --record "$dev" --out "$tmp/$n.m" --image-out "$tmp/$n.bin" "$@" >/dev/null
}
sign v2raw "$tmp/fw.pem" --elf "$DIR/app-v2.elf" 0.2.0 2
pad "$tmp/v2raw.bin" "$tmp/v2pad" 16384
sign v2 "$tmp/fw.pem" --bin "$tmp/v2pad" 0.2.0 2 --chunk-size 256
sign fraw "$tmp/fw.pem" --elf "$DIR/app-fault.elf" 0.3.0 3
pad "$tmp/fraw.bin" "$tmp/fpad" 16384
sign fault "$tmp/fw.pem" --bin "$tmp/fpad" 0.3.0 3 --chunk-size 256
v2sha=$(sha256sum "$tmp/v2.bin" | cut -c1-64)
size=16384

echo "[$(date -u +%T)] link cuts"
# ---- 1. link cuts ------------------------------------------------------------------------
emu_up --rate-bps 16000 --cut-after-ms 5000 --verbose || exit 1
resumed=0 exact=1 installed=0 log=
for attempt in $(seq 20); do
  before=$(json "$(status)" received)
  $B ota push "$dev" "$tmp/v2.m" "$tmp/v2.bin" "${K[@]}" --via "tcp:127.0.0.1:$EPORT" \
    --json >"$tmp/push1" 2>&1; rc=$?
  first=$(grep -m1 '"phase":"sending"' "$tmp/push1")
  log="$log
attempt $attempt: exit $rc, device had $before, $(tr '\n' ' ' <"$tmp/push1" | cut -c1-300)"
  # the push starts exactly where the device's persisted cumulative offset was
  if [ -n "$first" ] && [ "$(json "$first" bytes)" != "$before" ]; then exact=0; fi
  [ -n "$first" ] && [ "$before" -gt 0 ] && [ "$before" -lt $size ] && resumed=$((resumed + 1))
  after=$(status)
  if [ "$rc" = 0 ] || [ "$(json "$after" state)" = installed-pending-confirm ]; then
    installed=1; break
  fi
done
kill "$EPID" 2>/dev/null; wait "$EPID" 2>/dev/null; EPID=
# linkemu's own account: connections cut while more than a handshake had gone up
cuts=$(awk '/ cut: / && $5 > 1000 { n++ } END { print n + 0 }' "$tmp/emu.out")
if [ "$installed" = 1 ] && [ "$cuts" -ge 1 ] && [ "$exact" = 1 ]; then
  ok "link cut $cuts times mid-transfer; installed after $attempt runs ($resumed resumed at the persisted offset)"
else
  bad "link cuts: installed=$installed cuts=$cuts resumed=$resumed exact=$exact" "$log
$(cat "$tmp/emu.out")"
fi
expect "status: v0.2.0 installed, pending confirmation" 0 \
  '"state": *"installed-pending-confirm".*"running_version": *"0.2.0"' -- \
  $B ota status "$dev" "${K[@]}" --json
# The ring holds 16 entries and the app logs about 25 a second: 40 entries read after the
# install include some only the new app can have written.
expect "the new app's log says v0.2.0 runs" 0 '"text": *"app v0.2.0' -- \
  $B log "$dev" "${K[@]}" --json --count 40 --wait 30000
expect "confirm" 0 'confirm: ok' -- $B ota confirm "$dev" "${K[@]}"
expect "the device attests v0.2.0" 0 'verified' -- $B attest "$dev" "${K[@]}" --expect-app "$v2sha"

echo "[$(date -u +%T)] power loss"
# ---- 2. power loss mid-transfer, then a test image that faults -----------------------------
emu_up --rate-bps 24000 || exit 1
# --limit: the client sends at most half the image, so the transfer is unfinished when QEMU
# is killed however fast the machine is (without it a quiet machine finished the whole push,
# and the faulting app was already reverted, before the kill: seen once in a clean run).
$B ota push "$dev" "$tmp/fault.m" "$tmp/fault.bin" "${K[@]}" --via "tcp:127.0.0.1:$EPORT" \
  --json --limit $((size / 2)) >"$tmp/push2" 2>&1 &
PUSH=$!
seen=
for _ in $(seq 1200); do # up to 120 s for the first acknowledged chunks
  seen=$(grep '"phase":"sending"' "$tmp/push2" | tail -1)
  b=$(json "$seen" bytes)
  [ -n "$b" ] && [ "$b" -gt 0 ] && break
  kill -0 "$PUSH" 2>/dev/null || break
  sleep 0.1
done
seen=$(grep '"phase":"sending"' "$tmp/push2" | tail -1) # the last line, if push ended
acked=$(json "$seen" bytes)
kill -9 "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
wait "$PUSH"; prc=$?; PUSH= # 0 (paused at --limit) or the lost link's exit: either is fine
if [ -n "$acked" ] && [ "$acked" -gt 0 ] && [ "$acked" -lt $size ]; then
  ok "QEMU killed mid-transfer after $acked bytes were acknowledged (push exit $prc)"
else
  bad "QEMU kill mid-transfer: acked='$acked' push exit $prc" "$(cat "$tmp/push2")"
fi
kill "$EPID" 2>/dev/null; wait "$EPID" 2>/dev/null; EPID=
restart_qemu
st=$(status)
got=$(json "$st" received)
if [ "$(json "$st" state)" = receiving ] && [ -n "$got" ] && [ -n "$acked" ] && \
   [ "$got" -ge "$acked" ] && [ "$(json "$st" running_version)" = 0.2.0 ]; then
  ok "after the restart: receiving, $got bytes kept (>= $acked acknowledged), v0.2.0 runs"
else
  bad "after the restart" "$st"
fi
out=$($B ota push "$dev" "$tmp/fault.m" "$tmp/fault.bin" "${K[@]}" --json 2>&1); prc=$?
first=$(echo "$out" | grep -m1 '"phase":"sending"')
# the device reverts the faulting app by itself ([OTA-101]): the push says "reverted" (exit
# 5), or exits 0 if it saw the new measurement before the fault; the status tells (below)
if [ "$(json "$first" bytes)" = "$got" ] && echo "$out" | grep -q '"phase":"installing"' && \
   { [ "$prc" = 0 ] || { [ "$prc" = 5 ] && echo "$out" | grep -q 'reverted'; }; }; then
  ok "the push resumed at $got and installed v0.3.0 (exit $prc)"
else
  bad "resumed push of the faulting app: exit $prc" "$out"
fi
for _ in $(seq 60); do
  st=$(status); [ "$(json "$st" state)" = rolled-back ] && break; sleep 1
done
if [ "$(json "$st" state)" = rolled-back ] && [ "$(json "$st" running_version)" = 0.2.0 ] && \
   [ "$(json "$st" security_counter)" = 2 ]; then
  ok "the faulting test image was reverted: v0.2.0 runs, counter still 2"
else
  bad "automatic revert" "$st"
fi
expect "the device attests v0.2.0 again" 0 'verified' -- \
  $B attest "$dev" "${K[@]}" --expect-app "$v2sha"
expect "v0.2.0 logs again" 0 '"text": *"app v0.2.0' -- $B log "$dev" "${K[@]}" --json --count 40 --wait 30000

echo "[$(date -u +%T)] refusals"
# ---- 3. refused manifests change nothing -------------------------------------------------
sign old "$tmp/fw.pem" --elf "$DIR/app.elf" 0.1.0 1
sign other "$tmp/other-fw.pem" --elf "$DIR/app-v2.elf" 0.4.0 4
$B ota sign --key "$tmp/fw.pem" --elf "$DIR/app-v2.elf" --version 0.4.0 --counter 4 \
  --layout ab --device 0123456789abcdef0123456789abcdef --out "$tmp/elsewhere.m" \
  --image-out "$tmp/elsewhere.bin" >/dev/null
sign single "$tmp/fw.pem" --elf "$DIR/app-v2.elf" 0.4.0 4 --layout single
head -c $((2 * 1024 * 1024 + 1024)) /dev/zero | tr '\0' '\377' >"$tmp/huge"
sign huge "$tmp/fw.pem" --bin "$tmp/huge" 0.4.0 4
initial=$(snapshot) # every refusal below must leave exactly this
refused() { # NAME REGEX MANIFEST
  local before=$initial after
  expect "$1" 5 "$2" -- $B ota push "$dev" "$tmp/$3.m" "$tmp/$3.bin" "${K[@]}"
  after=$(snapshot)
  if [ "$before" = "$after" ] && echo "$after" | grep -q "app=$v2sha"; then
    ok "$1: status and measurement unchanged"
  else
    bad "$1 changed the device" "before: $before
after:  $after"
  fi
}
refused "older security counter" 'begin: check 5 .*ota-rollback' old
refused "signed by another key" 'begin: check 2 .*signature' other
refused "for another device" 'begin: check 3 .*ota-manifest' elsewhere
refused "wrong layout (single on an AB device)" 'begin: check 4 .*ota-manifest' single
refused "image larger than the slot" 'begin: check 6 .*ota-size' huge
# A chunk size that is not a power of two never leaves the signing tool.
expect "chunk size 100 refused by ota sign" 1 'chunk' -- \
  $B ota sign --key "$tmp/fw.pem" --elf "$DIR/app-v2.elf" --version 0.4.0 --counter 4 \
  --layout ab --record "$dev" --chunk-size 100 --out "$tmp/bad.m"
[ ! -e "$tmp/bad.m" ] && ok "no manifest written for chunk size 100" || bad "bad.m written"
# Wrong hash: all but the last chunk stored, then the first stored byte of the staging slot
# (slot A: v0.2.0 runs from B) flipped in the flash file, as a bit rot or a bad signer would.
sign v4 "$tmp/fw.pem" --elf "$DIR/app-v2.elf" 0.4.0 4 --chunk-size 64
v4size=$(stat -c %s "$tmp/v4.bin")
before=$(snapshot)
expect "push v0.4.0 but its last chunk" 0 'paused' -- \
  $B ota push "$dev" "$tmp/v4.m" "$tmp/v4.bin" "${K[@]}" --limit $(( (v4size - 1) / 64 * 64 ))
/usr/bin/python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(0x010000); b = f.read(1); f.seek(0x010000)
f.write(bytes([b[0] ^ 0xFF])); f.close()' "$tmp/device/flash.bin"
expect "the resumed push fails verify with ota-hash" 5 'verify: .*ota-hash' -- \
  $B ota push "$dev" "$tmp/v4.m" "$tmp/v4.bin" "${K[@]}"
after=$(snapshot)
if [ "$(json "${after% app=*}" state)" = idle ] && \
   [ "$(json "${after% app=*}" running_version)" = 0.2.0 ] && \
   [ "$(json "${after% app=*}" security_counter)" = 2 ] && echo "$after" | grep -q "app=$v2sha"; then
  ok "wrong hash: transfer discarded (idle), v0.2.0 still runs"
else
  bad "wrong hash changed the device" "before: $before
after:  $after"
fi
echo "[$(date -u +%T)] done"
echo "qemu_ota_faults: $passes passed, $fails failed"
[ "$fails" = 0 ]
