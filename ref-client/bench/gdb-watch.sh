#!/usr/bin/env bash
# gdb-watch.sh — the watchpoint benchmark (issue 15 §2): boots the an505 device in QEMU, puts
# tether-linkemu at RTT_MS (default 300) between `tether gdbserver` and the device link, and
# runs gdb_watch.py: the app's slowdown while a device watchpoint is set, then `watch` +
# `continue` to the write with the device's watchpoint and with GDB's software watchpoint
# (round trips and wall seconds). A second run without the link emulator measures the
# slowdown alone (RTT 0). Depends on build/an505, build/host/bin/{tether,tether-linkemu},
# qemu-system-arm, gdb-multiarch, /usr/bin/python3. Usage: gdb-watch.sh [BUILD_DIR]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd); cd "$ROOT"
BUILD=${1:-build}; RTT_MS=${RTT_MS:-300}; RUN_S=${RUN_S:-5}
B=$BUILD/host/bin/tether; EMU=$BUILD/host/bin/tether-linkemu; ELF=$BUILD/an505/app.elf
T=$(mktemp -d); PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
. ref-device/tests/qemu_boot.sh
freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
qemu_up "$BUILD/an505" "$T" || exit 1; PIDS+=("$QPID")
"$B" keygen client "$T/client.pem" >/dev/null
"$B" grant --owner "$T/device/owner.pem" --client "$T/client.pem.pub" --device-record "$T/device/device.json" -o "$T/g.grant" >/dev/null
run() { # RTT: one gdbserver session (through linkemu when RTT > 0)
  local rtt=$1 link=tcp:127.0.0.1:$PORT
  if [ "$rtt" != 0 ]; then
    local lp; lp=$(freeport)
    "$EMU" --listen 127.0.0.1:$lp --connect 127.0.0.1:$PORT --rtt-ms "$rtt" --max-seconds 600 >"$T/emu.out" 2>"$T/emu.err" & PIDS+=($!)
    sleep 0.5; link=tcp:127.0.0.1:$lp
  fi
  "$B" gdbserver "$T/device/device.json" --key "$T/client.pem" --grant "$T/g.grant" --link "$link" \
      --port 0 --elf "$ELF" --once --timeout 60000 >"$T/srv.out" 2>"$T/srv.err" & PIDS+=($!)
  local gp=""
  for _ in $(seq 200); do gp=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$T/srv.out" 2>/dev/null | sed 's/.*://'); [ -n "$gp" ] && break; sleep 0.1; done
  [ -n "$gp" ] || { echo "gdbserver did not start"; cat "$T/srv.err"; return 1; }
  echo "RTT $rtt ms"
  timeout 600 python3 ref-client/bench/gdb_watch.py gdb-multiarch "$ELF" "$gp" docs/tether.gdbinit "$RUN_S" | sed 's/^/  /'
  wait "${PIDS[-1]}" 2>/dev/null
}
echo "tether watchpoint benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) cores, $(gdb-multiarch --version | head -1), $(qemu-system-arm --version | head -1)"
run 0 && run "$RTT_MS"
