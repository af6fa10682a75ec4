#!/usr/bin/env bash
# ota-push.sh — `tether ota push` throughput over tether-linkemu (issue 11): the an505 device
# in QEMU provisioned with a firmware key made here, a SIZE-byte image (random bytes, --bin),
# pushed through the link emulator at RTT_MS with the window the device grants and with
# --window 1, CHUNK-byte chunks (make bench-ota-qemu; the table is make bench-ota).
# Prints one line per run: bytes, seconds of the sending
# phase (first to last progress line, from the --json lines), bytes/s, and the whole push.
# Not part of `make test`. Usage: ref-client/bench/ota-push.sh [BUILD]   (RTT_MS, SIZE, CHUNK)
set -u
BUILD=${1:-build}; RTT_MS=${RTT_MS:-100}; SIZE=${SIZE:-16384}; CHUNK=${CHUNK:-1024}
B=$BUILD/host/bin/tether; EMU=$BUILD/host/bin/tether-linkemu
. "$(dirname "$0")/../../ref-device/tests/qemu_boot.sh"
qemu_need "$B" "$EMU" "$BUILD/an505/supervisor.elf" "$BUILD/an505/app.bin" || exit 1
T=$(mktemp -d); QPID=; EPID=
trap '[ -n "$EPID" ] && kill "$EPID" 2>/dev/null; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$T"' EXIT
$B keygen firmware "$T/fw.pem" >/dev/null
an505_provision "$BUILD/an505" "$T/device" --firmware-pub "$T/fw.pem.pub" >/dev/null || exit 1
qemu_up "$BUILD/an505" "$T" || exit 1
dev=$T/device/device.json
LP=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$EMU" --listen 127.0.0.1:$LP --connect 127.0.0.1:$PORT --rtt-ms "$RTT_MS" --max-seconds 600 \
  >"$T/emu.out" 2>"$T/emu.err" & EPID=$!
sleep 0.5
$B keygen client "$T/c.pem" >/dev/null
$B grant --owner "$T/device/owner.pem" --client "$T/c.pem.pub" --device-record "$dev" \
  --perms ota -o "$T/g" >/dev/null
echo "tether ota push over tether-linkemu: RTT ${RTT_MS} ms, ${SIZE}-byte image, ${CHUNK}-byte chunks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
n=0
for w in device 1 device 1; do
  n=$((n + 1))
  head -c "$SIZE" /dev/urandom >"$T/img$n.raw"
  $B ota sign --key "$T/fw.pem" --bin "$T/img$n.raw" --version 0.9.$n --counter 0 --layout ab \
    --chunk-size "$CHUNK" --record "$dev" --out "$T/m$n" --image-out "$T/i$n" >/dev/null || exit 1
  $B ota push "$dev" "$T/m$n" "$T/i$n" --key "$T/c.pem" --grant "$T/g" --link tcp:127.0.0.1:$LP \
    $([ "$w" = 1 ] && echo --window 1) --confirm --json --timeout 60000 2>"$T/err$n" | /usr/bin/python3 -c '
import json, sys, time
t0 = time.time(); first = last = None; total = 0; ok = False
for line in sys.stdin:
    now = time.time(); j = json.loads(line)
    if j.get("phase") == "sending":
        first = first or now; last = now; total = j["total"]
    ok = ok or j.get("phase") == "confirmed"
end = time.time()
w = sys.argv[1]
if not ok or first is None or last == first:
    print("window %s: push failed" % w); sys.exit(1)
s = last - first
print("window %-6s  %6d bytes  sending %6.2f s  %8.0f bytes/s  whole push %6.2f s" % (w, total, s, total / s, end - t0))
' "$w" || { cat "$T/err$n"; exit 1; }
done
