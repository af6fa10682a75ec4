#!/usr/bin/env bash
# relay_conformance.sh — the whole device conformance suite through the relay, as a vendor
# runs it against a device behind an MQTT broker: mosquitto on a free 127.0.0.1 port (users
# and ACLs from `tether relay config`), tether-bridge between the device's link and the
# broker, and tether-conform given the device record that names mqtt://127.0.0.1:PORT and
# the client's broker credentials file. The device is the reference supervisor in QEMU
# an505 (default) or, with --hostdev, tether-hostdev (seconds: the relay mutants use it).
#
#   conformance/tests/relay_conformance.sh [--hostdev] [--only TEXT]
# Exit 0 only if no case failed and (without --only) the N/A cases are exactly the expected
# set: those that need a byte stream (frames, garbage, a second TCP connection), plus what
# the device itself does not offer. TT_BRIDGE_BIN runs another build of the bridge (a
# mutant); the reports are kept in $BUILD/conformance/relay-{junit.xml,report.md}. The time
# limit (TT_CONFORM_TIMEOUT, default 900 s) is a hang guard: cases wait for slow replies.
set -u
BUILD=${BUILD:-build}
DIR=$BUILD/an505
BIN=$BUILD/host/bin
T=$BIN/tether
LIMIT=${TT_CONFORM_TIMEOUT:-900}
hostdev=0; only=()
while [ $# -gt 0 ]; do
  case $1 in
    --hostdev) hostdev=1; shift ;;
    --only) only=(--only "$2"); shift 2 ;;
    *) echo "usage: $0 [--hostdev] [--only TEXT]"; exit 2 ;;
  esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../ref-device/tests/qemu_boot.sh"
. "$HERE/hostdev_up.sh"
. "$HERE/../../relay/broker.sh"
qemu_need "$BIN/tether-conform" "$T" "$BIN/tether-bridge" "${TT_BRIDGE_BIN:-$BIN/tether-bridge}" \
  || exit 1
[ $hostdev = 1 ] || qemu_need "$DIR/supervisor.elf" "$DIR/app.elf" "$DIR/app.bin" || exit 1
tmp=$(mktemp -d)
QPID=; HPID=
trap 'relay_stop; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; [ -n "$HPID" ] && kill "$HPID" 2>/dev/null; rm -rf "$tmp"' EXIT

# The device on its byte-stream link (tcp:127.0.0.1:PORT), with a firmware key for the OTA
# cases.
if [ $hostdev = 1 ]; then
  hostdev_up "$BIN/tether-hostdev" "$tmp" || exit 1
else
  mkdir -p "$tmp/device"
  $T keygen firmware "$tmp/device/firmware.pem" >/dev/null || { echo "keygen failed"; exit 1; }
  an505_provision "$DIR" "$tmp/device" --firmware-pub "$tmp/device/firmware.pem.pub" >/dev/null \
    || { echo "provisioning failed"; exit 1; }
  qemu_up "$DIR" "$tmp" || exit 1
  OTA_ARGS=(--firmware "$tmp/device/firmware.pem" --ota-image "$DIR/app.bin")
fi

# The relay: a client user whose ACL covers this device (from a grant for it), mosquitto,
# the bridge logged in as the device, and the record the vendor hands the suite.
$T keygen client "$tmp/client.pem" >/dev/null || { echo "keygen failed"; exit 1; }
$T grant --owner "$tmp/device/owner.pem" --client "$tmp/client.pem.pub" \
  --device-record "$tmp/device/device.json" -o "$tmp/g.grant" >/dev/null || { echo "grant failed"; exit 1; }
mkdir -p "$tmp/relay" && chmod 700 "$tmp/relay"
relay_config "$tmp/relay" "$tmp/device/device.json" "$tmp/g.grant" || { echo "relay config failed"; exit 1; }
mosquitto_up "$tmp/relay" || exit 1
bridge_up "$tmp/relay" "$tmp/device/device.json" || exit 1
relay_record "$tmp/device/device.json" "$tmp/relay" "$tmp/relay/device.json" || exit 1
echo "relay: mosquitto on 127.0.0.1:$MQ_PORT, tether-bridge ${TT_BRIDGE_BIN:+($TT_BRIDGE_BIN) }for $(relay_device_id "$tmp/device/device.json")"

# reports of the QEMU run and of the --hostdev runs (the mutants') apart, so neither hides the other
out=$BUILD/conformance/relay$([ $hostdev = 1 ] && echo -hostdev)
mkdir -p "$BUILD/conformance"
timeout --kill-after=5 "$LIMIT" "$BIN/tether-conform" --device "$tmp/relay/device.json" \
  --owner "$tmp/device/owner.pem" "${OTA_ARGS[@]}" "${only[@]}" \
  --junit "$out-junit.xml" --report "$out-report.md" | tee "$tmp/conform.out"
rc=${PIPESTATUS[0]}
[ $rc = 124 ] && { echo "timeout after ${LIMIT}s"; exit 1; }
# the failures again at the end: make test shows only a test's last lines
[ $rc = 0 ] || { grep '^FAIL' "$tmp/conform.out"; echo "report: $out-report.md"; exit $rc; }
[ ${#only[@]} = 0 ] || exit 0

# The expected N/A set: the cases about a byte stream (their reason names the message
# transport), and what the device does not offer on any link (neither device declares a
# wall clock; both declare 16 breakpoints, as many as a Resume can carry).
byte_stream='[FRM-007] [FRM-006] [SEC-14]
[FRM-004] [FRM-005] [FRM-012] [LIM-001] [FRM-008]
[MTB-051] [MTB-020]'
device_na='[GRT-015] [SEC-11]
[DBG-030] [DBG-021]'
expected=$(printf '%s\n%s\n' "$byte_stream" "$device_na" | sort)
got=$(sed -n 's/^N\/A  *[a-z0-9]*  *\(\[[^a-z]*\]\)  *.*/\1/p' "$tmp/conform.out" | sed 's/ *$//' | sort)
if [ "$got" != "$expected" ]; then
  echo "FAIL: the N/A cases through the relay are not the expected set"
  echo "expected:"; echo "$expected"; echo "got:"; echo "$got"
  exit 1
fi
for ids in "[FRM-007] [FRM-006]" "[FRM-004] [FRM-005]" "[MTB-051] [MTB-020]"; do
  grep -F "$ids" "$tmp/conform.out" | grep -q '^N/A.*message transport' \
    || { echo "FAIL: $ids is not N/A for the message transport"; exit 1; }
done
pass=$(grep -c '^PASS message' "$tmp/conform.out")
[ "$pass" = 4 ] || { echo "FAIL: $pass message-transport cases passed, expected 4"; exit 1; }
echo "relay conformance: 0 failed; N/A: the 3 byte-stream cases and the device's own; 4 message cases passed"
