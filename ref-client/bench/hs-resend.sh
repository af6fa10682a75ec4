#!/usr/bin/env bash
# hs-resend.sh — the handshake's initiations and time for `tether ping` to the an505 in QEMU
# through tether-linkemu at RTT_MS (issue 15 §2 "Connect", [HS-030], [HS-070]..[HS-074];
# docs/handshake-resend.md). RUNS pings, each on a fresh linkemu connection; per run prints
# the initiations the client sent and the pending packets the device sent (counted by
# linkemu --trace, so any client or firmware can be measured: FW=dir of another build's
# an505 images, TETHER=another build's tether), the handshake time the client reports and the
# load. Not part of `make test`: figures, not assertions.
# Usage: ref-client/bench/hs-resend.sh [BUILD]   (RTT_MS=300, RUNS=5, FW, TETHER)
set -u
BUILD=${1:-build}; RTT_MS=${RTT_MS:-300}; RUNS=${RUNS:-5}
FW=${FW:-$BUILD/an505}; B=${TETHER:-$BUILD/host/bin/tether}; EMU=$BUILD/host/bin/tether-linkemu
. "$(dirname "$0")/../../ref-device/tests/qemu_boot.sh"
qemu_need "$B" "$EMU" "$FW/supervisor.elf" "$FW/app.bin" || exit 1
T=$(mktemp -d); QPID=; EPID=
trap '[ -n "$EPID" ] && kill "$EPID" 2>/dev/null; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$T"' EXIT
qemu_up "$FW" "$T" || exit 1
dev=$T/device/device.json
$B keygen client "$T/c" >/dev/null
$B grant --owner "$T/device/owner.pem" --client "$T/c.pub" --device-record "$dev" --perms all \
  -o "$T/g" >/dev/null || exit 1
echo "tether ping over tether-linkemu at ${RTT_MS} ms RTT to the an505 in QEMU: $B, $FW;" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
for r in $(seq 1 "$RUNS"); do
  rm -f "$T/emu.out" # the last run's names a dead port; the loop below must not read it
  "$EMU" --listen 127.0.0.1:0 --connect "127.0.0.1:$PORT" --rtt-ms "$RTT_MS" --trace \
    --max-seconds 300 >"$T/emu.out" 2>"$T/emu.err" & EPID=$!
  for _ in $(seq 1 300); do
    LP=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$T/emu.out"); [ -n "$LP" ] && break; sleep 0.1
  done
  load=$(cut -d' ' -f1 /proc/loadavg)
  $B ping "$dev" --key "$T/c" --grant "$T/g" --link "tcp:127.0.0.1:$LP" --count 1 \
    --timeout 120000 --json >"$T/ping.json" 2>"$T/ping.err"
  rc=$?
  kill "$EPID" 2>/dev/null; wait "$EPID" 2>/dev/null; EPID=
  /usr/bin/python3 - "$T/emu.err" "$T/ping.json" "$r" "$rc" "$load" <<'PY'
import json, sys
trace, js, r, rc, load = sys.argv[1:]
ev = [l.split() for l in open(trace) if l.startswith("linkemu ")]
inits = sum(1 for f in ev if f[2] == "c2d" and f[4] == "01")
pend = sum(1 for f in ev if f[2] == "d2c" and f[4] == "04")
try:
    hs = "%.0f ms" % json.load(open(js))["handshake_ms"]
except Exception:
    hs = "failed (exit %s)" % rc
print("run %s: initiations %d, pending %d, handshake %s, load %s" % (r, inits, pend, hs, load))
PY
done
