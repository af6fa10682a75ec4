#!/usr/bin/env bash
# gdb-round-trips.sh — the GDB round-trip benchmark (issue 5, "Performance target"). Boots the
# an505 device in QEMU twice (one for tether, one with QEMU's own gdbstub), puts tether-linkemu
# at RTT_MS (default 300) in front of the device link for (a) tether gdbserver and (b) the same
# with --no-optimize, and in front of QEMU's gdbstub for (c); runs one scripted gdb-multiarch
# session per configuration and prints per user action round trips and wall seconds.
# Round trips: (a)/(b) from the server's `monitor status` ("N round trips", answered locally)
# read between actions; (c) from `set debug remote 1`, counting packets GDB sent and waited on.
# RELAY=mosquitto: (a) and (b) go through the relay instead — tether gdbserver -> mosquitto
# (loopback) -> tether-bridge -> tether-linkemu at RTT_MS -> the device: the emulated slow hop
# is the device's modem link, as in the field (relay/broker.sh).
# Depends on build/an505 and build/host/bin/{tether,tether-linkemu}, qemu-system-arm,
# gdb-multiarch, /usr/bin/python3. Usage: gdb-round-trips.sh [BUILD_DIR]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd); cd "$ROOT"
BUILD=${1:-build}; RTT_MS=${RTT_MS:-300}
B=$BUILD/host/bin/tether; EMU=$BUILD/host/bin/tether-linkemu; ELF=$BUILD/an505/app.elf
T=$(mktemp -d)
# Runs go in parallel subshells: every started process id goes to $T/pids for the exit trap.
cleanup() { [ -f "$T/pids" ] && while read -r p; do kill "$p" 2>/dev/null; done < "$T/pids"; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
. ref-device/tests/qemu_boot.sh
freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { /usr/bin/python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(100):
    try: socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close(); sys.exit(0)
    except OSError: time.sleep(0.1)
sys.exit(1)
PY
}
ACTIONS=(connect continue bt next step finish "x/64x \$sp" "info locals")
# gdb_script MONITOR: one gdb command file; MONITOR=1 reads the server's counter between actions.
gdb_script() {
  local mon=$1 port=$2 f=$3
  {
    echo "set pagination off"; echo "set confirm off"; echo "set remotetimeout 30"
    { [ "$mon" = 0 ] || [ -n "${DEBUG_REMOTE:-}" ]; } && echo "set debug remote 1"  # DEBUG_REMOTE=1: trace (a)/(b) too
    echo 'python import time'
    # Marks go to gdb's log stream in (c) so they interleave correctly with `debug remote`.
    mark() { if [ "$mon" = 1 ]; then echo "python print('@@MARK $1 %.3f' % time.time(), flush=True)"; echo "monitor status"
             else echo "python gdb.write('@@MARK $1 %.3f\\n' % time.time(), gdb.STDLOG)"; fi; }
    [ "$mon" = 1 ] && echo "python print('@@MARK start %.3f' % time.time(), flush=True)"; [ "$mon" = 0 ] && echo "python gdb.write('@@MARK start %.3f\\n' % time.time(), gdb.STDLOG)"
    echo "target remote :$port"; mark connect
    echo "break demo_leaf"; echo "continue"; mark continue
    echo "bt"; mark bt
    echo "next"; mark next
    echo "step"; mark step
    echo "finish"; mark finish
    echo 'x/64x $sp'; mark x64
    echo "info locals"; mark locals
    echo "detach"
  } > "$f"
}
gdb_run() { # DIR: each script line as its own -ex, so one failing command does not end the session
  local args=() l; while IFS= read -r l; do args+=(-ex "$l"); done < "$1/cmds.gdb"
  timeout 240 gdb-multiarch -batch -nx -ex "file $ELF" "${args[@]}" >"$1/gdb.out" 2>&1
}
run_tether() { # NAME EXTRA_FLAGS...
  local name=$1; shift
  local d=$T/$name; mkdir -p "$d"
  qemu_boot "$BUILD/an505" "$d" || return 1; echo "$QPID" >>"$T/pids"; qemu_wait_listening || return 1
  local lp; lp=$(freeport)
  "$EMU" --listen 127.0.0.1:$lp --connect 127.0.0.1:$PORT --rtt-ms "$RTT_MS" --max-seconds 300 >"$d/emu.out" 2>"$d/emu.err" & echo $! >>"$T/pids"
  waitport "$lp" >/dev/null 2>&1 || sleep 0.5
  "$B" keygen client "$d/client.pem" >/dev/null
  "$B" grant --owner "$d/device/owner.pem" --client "$d/client.pem.pub" --device-record "$d/device/device.json" -o "$d/g.grant" >/dev/null
  local rec=$d/device/device.json via=tcp:127.0.0.1:$lp
  if [ "${RELAY:-direct}" = mosquitto ]; then  # the bridge dials the emulated link
    . relay/broker.sh
    mkdir -p "$d/relay"; relay_config "$d/relay" "$rec" "$d/g.grant"
    sed "s|\"link\": \"[^\"]*\"|\"link\": \"tcp:127.0.0.1:$lp\"|" "$rec" > "$d/bridge.json"
    mosquitto_up "$d/relay" && echo "$MQ_PID" >>"$T/pids" || return 1
    bridge_up "$d/relay" "$d/bridge.json"; echo "$BR_PID" >>"$T/pids"
    relay_record "$rec" "$d/relay" "$d/relay/device.json"; rec=$d/relay/device.json
    via=$(sed -n 's/.*"link": "\([^"]*\)".*/\1/p' "$rec")
  fi
  "$B" gdbserver "$rec" --key "$d/client.pem" --grant "$d/g.grant" --link "$via" \
      --port 0 --elf "$ELF" --once "$@" >"$d/srv.out" 2>"$d/srv.err" & echo $! >>"$T/pids"
  local gp=""
  for _ in $(seq 100); do gp=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$d/srv.out" "$d/srv.err" 2>/dev/null | head -1 | sed 's/.*://'); [ -n "$gp" ] && break; sleep 0.1; done
  [ -n "$gp" ] || { echo "$name: gdbserver did not start" >&2; cat "$d/srv.err" >&2; return 1; }
  gdb_script 1 "$gp" "$d/cmds.gdb"
  gdb_run "$d" >"$d/gdb.out" 2>&1
}
run_qemu_stub() {
  local d=$T/c; mkdir -p "$d"
  an505_provision "$BUILD/an505" "$d/device" --link "tcp:127.0.0.1:1" >/dev/null
  local sp lp; sp=$(freeport); lp=$(freeport)
  an505_qemu_start "$BUILD/an505" "$d/device" -serial null -gdb tcp:127.0.0.1:$sp 2>"$d/qemu.err"
  echo "$QPID" >>"$T/pids"
  waitport "$sp" || return 1
  "$EMU" --listen 127.0.0.1:$lp --connect 127.0.0.1:$sp --rtt-ms "$RTT_MS" --max-seconds 300 >"$d/emu.out" 2>"$d/emu.err" & echo $! >>"$T/pids"
  waitport "$lp" >/dev/null 2>&1 || sleep 0.5
  gdb_script 0 "$lp" "$d/cmds.gdb"
  gdb_run "$d" >"$d/gdb.out" 2>&1
}
echo "tether GDB round-trip benchmark: RTT ${RTT_MS} ms, (a)/(b) ${RELAY:-direct}, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) cores, $(gdb-multiarch --version | head -1), $(qemu-system-arm --version | head -1)"
run_tether a & A=$!; run_tether b --no-optimize & Bp=$!; run_qemu_stub & C=$!
wait $A; wait $Bp; wait $C
/usr/bin/python3 ref-client/bench/gdb_rt_table.py "$T/a/gdb.out" "$T/b/gdb.out" "$T/c/gdb.out"
rc=$?
[ -n "${KEEP_LOGS:-}" ] && { mkdir -p "$KEEP_LOGS"; cp -r "$T"/a "$T"/b "$T"/c "$KEEP_LOGS"/ 2>/dev/null; }
exit $rc
