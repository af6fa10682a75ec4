#!/usr/bin/env bash
# broker_restart.sh — a GDB session through mosquitto and tether-bridge while the broker is
# killed and restarted five times (between commands and with commands in flight). The
# session survives every restart as a transport reconnect ([MTB-020], [REL-011]): no new
# handshake, nothing lost (every command answers, GDB's output is complete) and nothing
# executed twice (each continue runs the app's loop once: v = demo_counter + 1, 101, 201,
# 202, 205 after set var 100 / 200 and one, then three continues).
set -u
BUILD=${BUILD:-build}
GDB=${GDB:-gdb-multiarch}
command -v "$GDB" >/dev/null || { echo "SKIP: $GDB not installed"; exit 0; }
command -v qemu-system-arm >/dev/null || { echo "SKIP: qemu-system-arm not installed"; exit 0; }
command -v /usr/sbin/mosquitto >/dev/null || { echo "SKIP: mosquitto not installed"; exit 0; }
TETHER=$BUILD/host/bin/tether
ELF=$BUILD/an505/app.elf
T=$(mktemp -d)
QPID=; SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; relay_stop; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$T"' EXIT
. ref-device/tests/qemu_boot.sh
qemu_up "$BUILD/an505" "$T" || exit 1
"$TETHER" keygen client "$T/client.pem" >/dev/null || { echo "FAIL: keygen"; exit 1; }
"$TETHER" grant --owner "$T/device/owner.pem" --client "$T/client.pem.pub" \
    --device-record "$T/device/device.json" -o "$T/g.grant" >/dev/null || { echo "FAIL: grant"; exit 1; }
. relay/tests/relay_setup.sh
export RELAY_DIR=$T/relay
timeout 200 "$TETHER" gdbserver "$RECORD" --key "$T/client.pem" --grant "$T/g.grant" \
    --port 0 --elf "$ELF" --once --timeout 60000 >"$T/srv.out" 2>&1 &
SPID=$!
for _ in $(seq 100); do grep -q 'listening on' "$T/srv.out" && break; sleep 0.1; done
N=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/srv.out" | head -1)
[ -n "$N" ] || { echo "FAIL: gdbserver did not listen"; cat "$T/srv.out"; exit 1; }
timeout 180 "$GDB" -batch -nx -ex "set remotetimeout 60" -ex "file $ELF" \
    -ex "target remote 127.0.0.1:$N" \
    -x relay/tests/broker_restart.gdb >"$T/gdb.out" 2>&1
grc=$?
# Restarts started in the background may still be running when GDB is done (the session
# can be faster than them): wait for all five, whatever the timing.
for _ in $(seq 300); do [ "$(wc -l < "$T/relay/restarts" 2>/dev/null)" -ge 5 ] 2>/dev/null && break; sleep 0.1; done
fail=0
section() { awk -v m="==$1==" '$0==m {on=1; next} /^==[A-Z0-9]*==$/ {on=0} on' "$T/gdb.out"; }
check() {
    if [ "$2" = "$3" ]; then echo "ok   $1: $3"
    else echo "FAIL $1: expected [$2], saw [$3]"; fail=1; fi
}
val() { section "$1" | sed -n 's/^\$[0-9]* = \([0-9]*\)$/\1/p' | head -1; }
check "gdb exit status" 0 "$grc"
check "broker restarts" 5 "$(wc -l < "$T/relay/restarts" 2>/dev/null | tr -d ' ')"
check "after set var 100, one continue" 101 "$(val V1)"
check "after set var 200, one continue" 201 "$(val V2)"
check "restart during x/64xw, info registers, continue" 202 "$(val V3)"
check "restart during three continues" 205 "$(val V4)"
check "x/s demo_message" '"hello from the app"' "$(section XS | sed -n 's/^.*<demo_message>:[[:space:]]*//p')"
check "detach" 1 "$(grep -c 'Inferior 1 (Remote target) detached' "$T/gdb.out")"
# the client really went through the restarts: it logged in again (same session: GDB never
# saw an error, and a new handshake would have needed a new attach)
check "client logged in again after restarts" 1 "$(grep -c "u'client'" "$T/relay/mosquitto.log" | awk '{print ($1 >= 2)}')"
if [ "$fail" != 0 ]; then
    echo "--- gdb"; cat "$T/gdb.out"; echo "--- server"; cat "$T/srv.out"
    echo "--- bridge"; cat "$T/relay/bridge.err"; echo "--- restarts"; cat "$T/relay/restart.err" "$T/relay/mosquitto.err"; exit 1
fi
echo "broker_restart: all checks passed"
