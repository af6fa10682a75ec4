#!/usr/bin/env bash
# run.sh — `make run`: provisions a fresh device identity (ref-device/tools/provision.py via
# qemu_boot.sh), a client key and an owner-signed grant (tether keygen / tether grant), all
# under build/run/ (git-ignored, recreated each run); boots the emulated an505 device in
# QEMU, starts `tether gdbserver` and attaches gdb-multiarch to the demo app through the
# encrypted tunnel. By default the tunnel goes through the relay: a mosquitto started on a
# free 127.0.0.1 port (relay/broker.sh, users and ACLs from `tether relay config`) and
# tether-bridge playing the device's modem; RELAY=direct connects straight to the device. On a terminal it execs an interactive GDB; otherwise, or with
# RUN_SCRIPTED=1, it runs a short scripted session and prints it. QEMU and the server are
# stopped on exit. Depends on the host tools and an505 images (built by the `run` target).
set -u
BUILD=${BUILD:-build}
GDB=${GDB:-gdb-multiarch}
TETHER=$BUILD/host/bin/tether
ELF=$BUILD/an505/app.elf
R=$BUILD/run
command -v "$GDB" >/dev/null || { echo "run: $GDB not installed (make setup)"; exit 1; }
command -v qemu-system-arm >/dev/null || { echo "run: qemu-system-arm not installed (make setup)"; exit 1; }

QPID=; SPID=
RELAY=${RELAY:-mosquitto}
case $RELAY in mosquitto|direct) ;; *) echo "run: RELAY=$RELAY: use mosquitto (default) or direct"; exit 1 ;; esac
cleanup() {
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
    type relay_stop >/dev/null 2>&1 && relay_stop
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

interactive=0
[ -t 0 ] && [ "${RUN_SCRIPTED:-0}" != 1 ] && interactive=1
# On a terminal, job control puts QEMU and the server in their own process groups, so the
# Ctrl-C typed to interrupt the app reaches GDB only (QEMU would exit on SIGINT).
[ "$interactive" = 1 ] && set -m

rm -rf "$R" && mkdir -p "$R" && chmod 700 "$R"
. ref-device/tests/qemu_boot.sh
echo "run: provisioning a device identity and booting the emulated device (QEMU mps2-an505)"
qemu_boot "$BUILD/an505" "$R" || exit 1
qemu_wait_listening || { echo "run: QEMU did not start:"; cat "$R/qemu.err"; exit 1; }
echo "run: device link on tcp:127.0.0.1:$PORT; device record $R/device/device.json"
"$TETHER" keygen client "$R/client.pem" >/dev/null || { echo "run: tether keygen failed"; exit 1; }
"$TETHER" grant --owner "$R/device/owner.pem" --client "$R/client.pem.pub" \
    --device-record "$R/device/device.json" -o "$R/client.grant" >/dev/null \
    || { echo "run: tether grant failed"; exit 1; }
echo "run: client key $R/client.pem, grant $R/client.grant (signed by the owner key)"
RECORD=$R/device/device.json
if [ "$RELAY" = mosquitto ]; then
    . relay/broker.sh
    mkdir -p "$R/relay" && chmod 700 "$R/relay"
    relay_config "$R/relay" "$R/device/device.json" "$R/client.grant" || { echo "run: tether relay config failed"; exit 1; }
    mosquitto_up "$R/relay" || exit 1
    bridge_up "$R/relay" "$R/device/device.json" || exit 1
    relay_record "$R/device/device.json" "$R/relay" "$R/relay/device.json" || exit 1
    RECORD=$R/relay/device.json
    echo "run: relay: mosquitto on 127.0.0.1:$MQ_PORT (config $R/relay), tether-bridge as the device's modem"
    echo "run: the client reaches the device via $(sed -n 's/.*"link": "\(.*\)".*/\1/p' "$RECORD") (RELAY=direct make run: the direct link)"
fi
"$TETHER" gdbserver "$RECORD" --key "$R/client.pem" --grant "$R/client.grant" \
    --port 0 --elf "$ELF" --once >"$R/gdbserver.log" 2>&1 &
SPID=$!
for _ in $(seq 100); do grep -q 'listening on' "$R/gdbserver.log" && break; sleep 0.1; done
N=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$R/gdbserver.log" | head -1)
[ -n "$N" ] || { echo "run: tether gdbserver did not start:"; cat "$R/gdbserver.log"; exit 1; }
echo "run: tether gdbserver on 127.0.0.1:$N (log $R/gdbserver.log)"

if [ "$interactive" = 1 ]; then
    echo "run: starting $GDB attached to the demo app — try: break demo_leaf, continue, bt, info locals, next, monitor status; quit to stop"
    # Not exec: the EXIT trap must still stop QEMU and the server when GDB quits.
    "$GDB" -q -ex "set remotetimeout 30" -ex "target remote :$N" "$ELF"
    exit $?
fi
echo "run: not on a terminal (or RUN_SCRIPTED=1): scripted session"
echo
cmds=(-ex 'set pagination off' -ex 'set confirm off' -ex 'set remotetimeout 30' -ex "file $ELF" -ex "target remote :$N")
[ "$RELAY" = mosquitto ] && "$TETHER" devices "$RECORD" | sed 's/^/run: tether devices: /'
for c in 'break demo_leaf' continue bt next 'info locals' 'print demo_counter' 'monitor status' detach; do
    cmds+=(-ex "echo (gdb) $c\\n" -ex "$c")   # echo each command so the transcript reads like a session
done
timeout 60 "$GDB" -q -batch -nx "${cmds[@]}" 2>&1 | sed 's/^/  /'
rc=${PIPESTATUS[0]}
echo
echo "run: done (gdb exit $rc); run 'make run' on a terminal for an interactive session"
exit "$rc"
