#!/usr/bin/env bash
# qemu_link_flood.sh — issue 15 §4 over the real link: a burst of random garbage ending in
# 1 KiB of false frame headers (`tail`) is written to the an505 firmware's UART (QEMU, TCP);
# once it has reached the device (the connection's kernel queues are empty: observed, not
# guessed), a single initiation — never resent — must be answered, which the device can do
# only if it gives up the burst's pending false candidates by itself ([FRM-013]'s idle rule),
# and then a session and a ping must work on the same connection. Verdicts do not depend on
# timing; the delivery rate and the time to the Pong are printed as figures. 32 KiB by
# default (QEMU's UART model delivers a few KB/s: docs/benchmark-link-flood.md);
# TT_FLOOD_BYTES=262144 for the issue's burst. Every wait is bounded (a hang guard).
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
  "${TT_FLOOD_BYTES:-32768}" tail check
rc=$?
[ $rc = 124 ] && echo "timeout after ${LIMIT}s"
kill -0 "$QPID" 2>/dev/null || { echo "QEMU exited early:"; cat "$tmp/qemu.err"; exit 1; }
exit $rc
