#!/usr/bin/env bash
# ota_through_relay.sh — issue 12's OTA checks: `tether ota push` of app v0.2.0 (signed by a
# firmware key made here, provisioned with --firmware-pub as in qemu_ota.sh) to the QEMU
# device through mosquitto -> tether-bridge, with
#  1. a privileged '#' subscriber recording every relayed message: no 16-byte window of the
#     pushed image appears in it ([MTB-011], [SEC-12]); the search first finds a planted one;
#  2. the broker killed (SIGKILL) and restarted in the middle of the push: a first push stops
#     at --limit (the device reports the bytes stored), then, with the bridge frozen (SIGSTOP)
#     so the resumed push cannot finish, the resumed push's first message reaches the broker,
#     the broker is killed and restarted, the bridge continues. No sleep decides anything: the
#     outage happens while the transfer is provably incomplete. The push completes (one more
#     push of the same manifest is allowed if the first exits on the outage), the device
#     stored every byte exactly once (the resume starts at the stored count, the last
#     progress is size/size, verify checks the image's hash), installs and attests v0.2.0.
#     The outage is shown to be real: the bridge logged the lost broker, and the resumed push
#     logged in to the new broker before it exited (without the restart both checks fail).
set -u
BUILD=${BUILD:-build}
B=$BUILD/host/bin/tether
DIR=$BUILD/an505
command -v qemu-system-arm >/dev/null || { echo "SKIP: qemu-system-arm not installed"; exit 0; }
command -v /usr/sbin/mosquitto >/dev/null || { echo "SKIP: mosquitto not installed"; exit 0; }
command -v mosquitto_sub >/dev/null || { echo "SKIP: mosquitto-clients not installed"; exit 0; }
. ref-device/tests/qemu_boot.sh
qemu_need "$B" "$BUILD/host/bin/tether-bridge" "$DIR/supervisor.elf" "$DIR/app.elf" \
  "$DIR/app.bin" "$DIR/app-v2.elf" || exit 1
T=$(mktemp -d)
QPID=; PPID2=
trap '[ -n "$BR_PID" ] && kill -CONT "$BR_PID" 2>/dev/null; [ -n "$PPID2" ] && kill "$PPID2" 2>/dev/null
      relay_stop; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$T"' EXIT
fail=0
check() {
  if [ "$2" = "$3" ]; then echo "ok   $1: $3"
  else echo "FAIL $1: expected [$2], saw [$3]"; fail=1; fi
}
wait_for() {  # wait_for TRIES COMMAND...: polls every 0.1 s until COMMAND succeeds
  local n=$1; shift
  for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
  return 1
}

$B keygen firmware "$T/fw.pem" >/dev/null || { echo "FAIL: keygen firmware"; exit 1; }
an505_provision "$DIR" "$T/device" --firmware-pub "$T/fw.pem.pub" >/dev/null \
  || { echo "FAIL: provisioning"; exit 1; }
qemu_up "$DIR" "$T" || exit 1
dev=$T/device/device.json
$B keygen client "$T/client.pem" >/dev/null
$B grant --owner "$T/device/owner.pem" --client "$T/client.pem.pub" --device-record "$dev" \
  --perms ota,attest --serial 1 -o "$T/g.grant" >/dev/null || { echo "FAIL: grant"; exit 1; }
# 64-byte chunks: many messages on the relay, so the capture means something
$B ota sign --key "$T/fw.pem" --elf "$DIR/app-v2.elf" --version 0.2.0 --counter 2 --layout ab \
  --record "$dev" --out "$T/v2.m" --image-out "$T/v2.bin" --chunk-size 64 >/dev/null \
  || { echo "FAIL: ota sign"; exit 1; }
size=$(stat -c %s "$T/v2.bin")
v2sha=$(sha256sum "$T/v2.bin" | cut -c1-64)

. relay/tests/relay_setup.sh   # mosquitto, tether-bridge, RECORD; RELAY_CAPTURE: the monitor
RELAY_CAPTURE=$T/capture
monitor_up "$T/relay" "$RELAY_CAPTURE" || exit 1
K=(--key "$T/client.pem" --grant "$T/g.grant")
LIMIT=256  # of a ~540-byte image (app v0.2.0 is small)

# the first push stops part way; the device reports what it stored
timeout 120 $B ota push "$RECORD" "$T/v2.m" "$T/v2.bin" "${K[@]}" --json --limit $LIMIT \
  >"$T/push1.out" 2>"$T/push1.err"
check "first push stops at --limit" "0 paused" "$? $(tail -1 "$T/push1.out" | sed -n 's/.*"phase": *"\([a-z]*\)".*/\1/p')"
st=$(timeout 60 $B ota status "$RECORD" "${K[@]}" --json 2>&1)
check "status: receiving, $LIMIT bytes stored" "receiving $LIMIT" \
  "$(echo "$st" | tr -d '\n' | sed -n 's/.*"state": *"\([a-z]*\)", *"received": *\([0-9]*\).*/\1 \2/p')"

# the resumed push, with the bridge frozen: it cannot finish before the broker dies
downs() { grep -c '/down ' "$RELAY_CAPTURE"; }
before=$(downs)
kill -STOP "$BR_PID"
timeout 150 $B ota push "$RECORD" "$T/v2.m" "$T/v2.bin" "${K[@]}" --json --confirm \
  >"$T/push2.out" 2>"$T/push2.err" &
PPID2=$!
more_downs() { [ "$(downs)" -gt "$before" ]; }
wait_for 600 more_downs || echo "FAIL: the resumed push sent nothing to the broker"
logged=$(grep -c "u'client'" "$T/relay/mosquitto.log")
mosquitto_restart "$T/relay" >>"$T/relay/restart.err" 2>&1 || { echo "FAIL: broker restart"; fail=1; }
echo "broker killed (SIGKILL) and restarted with the resumed push in flight"
kill -CONT "$BR_PID"
# the monitor subscriber lost its broker too: a new one appends to the capture
kill "$MON_PID" 2>/dev/null; wait "$MON_PID" 2>/dev/null
pres() { grep -c '/presence ' "$RELAY_CAPTURE"; }
p0=$(pres)
XDG_CONFIG_HOME=$(mqtt_login "$T/relay" monitor) stdbuf -oL mosquitto_sub -t '#' -q 1 -F '%t %x' \
  >>"$RELAY_CAPTURE" 2>>"$T/relay/monitor.err" &
MON_PID=$!
more_pres() { [ "$(pres)" -gt "$p0" ]; }
wait_for 600 more_pres || { echo "FAIL: the monitor did not subscribe again"; fail=1; }
wait "$PPID2"; rc2=$?; PPID2=
relogged=$(grep -c "u'client'" "$T/relay/mosquitto.log")
pushes=2
if [ "$rc2" != 0 ]; then
  echo "     the resumed push exited $rc2 on the outage ($(tail -1 "$T/push2.err")): one more"
  timeout 150 $B ota push "$RECORD" "$T/v2.m" "$T/v2.bin" "${K[@]}" --json --confirm \
    >"$T/push3.out" 2>"$T/push3.err"
  rc2=$?; pushes=3
fi
last=$T/push$pushes.out
check "the push completes" "0 confirmed" "$rc2 $(tail -1 "$last" | sed -n 's/.*"phase": *"\([a-z]*\)".*/\1/p')"
# resumes never start below what the device stored: nothing re-sent, nothing skipped
first=$(head -1 "$last" | sed -n 's/.*"bytes": *\([0-9]*\).*/\1/p')
check "the last push resumed at the bytes the device stored" "$LIMIT" "$first"
check "every byte stored: last progress size/size" "$size/$size" \
  "$(grep '"sending"' "$last" | tail -1 | sed -n 's/.*"bytes": *\([0-9]*\), *"total": *\([0-9]*\).*/\1\/\2/p')"
st=$(timeout 60 $B ota status "$RECORD" "${K[@]}" --json 2>&1 | tr -d '\n')
check "status: v0.2.0 confirmed, counter 2" "0.2.0 2" \
  "$(echo "$st" | sed -n 's/.*"running_version": *"\([0-9.]*\)".*"security_counter": *\([0-9]*\).*/\1 \2/p')"
# the outage was real: the bridge lost the broker, the client logged in to the new broker
check "the bridge lost the broker and reconnected" 1 \
  "$(grep -c 'broker connection lost' "$T/relay/bridge.err" | awk '{print ($1 >= 1)}')"
# (counted from the restart until the resumed push exited: only that push logs in then)
check "the resumed push logged in again after the restart" 1 "$((relogged > logged))"
timeout 60 $B attest "$RECORD" "${K[@]}" --expect-app "$v2sha" >"$T/attest.out" 2>&1
check "the device attests the pushed image's measurement" "0" "$?"

# 1. ciphertext only: every 16-byte window of the pushed image is a needle
kill "$MON_PID" 2>/dev/null; wait "$MON_PID" 2>/dev/null; MON_PID=
/usr/bin/python3 - "$RELAY_CAPTURE" "$T/v2.bin" <<'PY' || fail=1
import sys
W = 16
img = open(sys.argv[2], "rb").read()
needles = {img[i:i + W] for i in range(len(img) - W + 1) if len(set(img[i:i + W])) > 3}
packets = []
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 2 and p[0].startswith("tether/") and p[0].rsplit("/", 1)[-1] in ("up", "down"):
        packets.append(bytes.fromhex(p[1]))
def hits(ps):
    return [p[i:i + W] for p in ps for i in range(len(p) - W + 1) if p[i:i + W] in needles]
n = sum(map(len, packets))
print("ok   capture: %d relayed messages, %d bytes; %d needles from a %d-byte image"
      % (len(packets), n, len(needles), len(img)))
if n < len(img):
    print("FAIL the capture (%d bytes) is smaller than the image: it cannot show anything" % n)
    sys.exit(1)
needle = sorted(needles)[len(needles) // 2]
if not hits(packets[:3] + [packets[3][:20] + needle + packets[3][20:]]):
    print("FAIL the search does not find a planted window of the image")
    sys.exit(1)
print("ok   the search finds a planted window of the image")
h = hits(packets)
if h:
    print("FAIL plaintext of the image on the relay: %s" % ", ".join(x.hex() for x in h[:5]))
    sys.exit(1)
print("ok   no 16-byte window of the pushed image in any relayed message")
PY

if [ "$fail" != 0 ]; then
  for f in push1.out push1.err push2.out push2.err push3.out push3.err relay/bridge.err relay/restart.err; do
    [ -f "$T/$f" ] && { echo "--- $f"; tail -20 "$T/$f"; }
  done
  exit 1
fi
echo "ota_through_relay: all checks passed ($pushes pushes, image $size bytes)"
