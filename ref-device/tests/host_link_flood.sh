#!/usr/bin/env bash
# host_link_flood.sh — issue 15 §4 on the host port over a real TCP link: tether-hostdev (the
# supervisor core on the host port) gets a 256 KiB burst of random garbage, then one ending in
# false frame headers; after each, once the burst has reached the device (the connection's
# kernel queues are empty, observed), a single initiation — never resent — must be answered
# and a session + ping must work on the same connection (link_flood ... check). The verdicts
# do not depend on timing (a hang guard bounds every wait); the time from the end of the
# burst to the Pong is printed as a figure (docs/benchmark-link-flood.md).
set -u
BUILD=${BUILD:-build}
BIN=$BUILD/host/bin
LIMIT=${TT_FLOOD_TIMEOUT:-600}  # a hang guard, not a speed check
. "$(dirname "$0")/../../conformance/tests/hostdev_up.sh"
hostdev_start link_flood
rc=0
for kind in random tail; do
  timeout --kill-after=5 "$LIMIT" "$BIN/link_flood" "$tmp/device/device.json" \
    "$tmp/device/owner.pem" "${TT_FLOOD_BYTES:-262144}" "$kind" check || rc=1
done
kill -0 "$HPID" 2>/dev/null || { echo "tether-hostdev exited early:"; cat "$tmp/hostdev.err"; exit 1; }
exit $rc
