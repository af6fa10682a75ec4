#!/usr/bin/env bash
# qemu_conformance.sh — runs the device conformance suite (conformance/, tether-conform)
# against the reference supervisor booted in QEMU mps2-an505 with a fresh identity
# (qemu_boot.sh) and a firmware key made here (`tether keygen firmware`, provisioned), so the
# OTA cases run too: they sign their manifests with it and install the demo app (app.bin)
# again with a marker. Exit 0 only if no case failed, within the time limit (default 600 s: a
# safety net, not a test: cases wait for slow replies rather than fail on them). The JUnit
# and Markdown reports are kept in $BUILD/conformance/ (qemu-junit.xml, qemu-report.md).
set -u
BUILD=${BUILD:-build}
DIR=$BUILD/an505
BIN=$BUILD/host/bin/tether-conform
T=$BUILD/host/bin/tether
LIMIT=${TT_CONFORM_TIMEOUT:-600}
. "$(dirname "$0")/qemu_boot.sh"
qemu_need "$DIR/supervisor.elf" "$DIR/app.elf" "$DIR/app.bin" "$BIN" "$T" || exit 1
tmp=$(mktemp -d)
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/device"
$T keygen firmware "$tmp/device/firmware.pem" >/dev/null || { echo "keygen failed"; exit 1; }
an505_provision "$DIR" "$tmp/device" --firmware-pub "$tmp/device/firmware.pem.pub" >/dev/null \
  || { echo "provisioning failed"; exit 1; }
qemu_up "$DIR" "$tmp" || exit 1
mkdir -p "$BUILD/conformance"
timeout --kill-after=5 "$LIMIT" "$BIN" --device "$tmp/device/device.json" \
  --owner "$tmp/device/owner.pem" --firmware "$tmp/device/firmware.pem" \
  --ota-image "$DIR/app.bin" --junit "$BUILD/conformance/qemu-junit.xml" \
  --report "$BUILD/conformance/qemu-report.md"
rc=$?
[ $rc = 124 ] && echo "timeout after ${LIMIT}s"
exit $rc
