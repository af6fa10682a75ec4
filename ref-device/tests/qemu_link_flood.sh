#!/usr/bin/env bash
# qemu_link_flood.sh — issue 15 §4 over the real link: a 256 KiB burst of random garbage is
# written to the an505 firmware's UART (QEMU, TCP), and once it has reached the device (the
# connection's kernel queues are empty: observed, not guessed) a handshake and a ping on the
# same connection must complete within 2 s of a clean handshake + ping ([FRM-013]). The time
# the burst takes to get through QEMU's emulated UART is printed, not judged (a benchmark
# figure; link_flood.c). Every wait is bounded (a hang guard).
set -u
BUILD=${BUILD:-build}
DIR=$BUILD/an505
BIN=$BUILD/host/bin/link_flood
LIMIT=${TT_FLOOD_TIMEOUT:-600}  # a hang guard, not a speed check
. "$(dirname "$0")/qemu_boot.sh"
qemu_need "$DIR/supervisor.elf" "$DIR/app.elf" "$BIN" || exit 1
tmp=$(mktemp -d)
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$tmp"' EXIT
qemu_up "$DIR" "$tmp" || exit 1
timeout --kill-after=5 "$LIMIT" "$BIN" "$tmp/device/device.json" "$tmp/device/owner.pem" \
  "${TT_FLOOD_BYTES:-262144}" random 2000
rc=$?
[ $rc = 124 ] && echo "timeout after ${LIMIT}s"
kill -0 "$QPID" 2>/dev/null || { echo "QEMU exited early:"; cat "$tmp/qemu.err"; exit 1; }
exit $rc
