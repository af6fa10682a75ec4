#!/usr/bin/env bash
# gdb_extended.sh — GDB in extended-remote mode, CLI and MI, against the QEMU an505 device
# through one `tether gdbserver` that serves two GDB sessions in turn:
#  1. CLI (gdb_extended.gdb, after docs/tether.gdbinit): `watch` + `continue` stops at the
#     write by the device's own watchpoint ([DBG-080]..[DBG-085]) in a few round trips;
#     `starti` (vRun) restarts the app and stops at its entry; `kill` keeps the connection
#     and the next `starti` works; after `monitor reset` the register view shows the reset
#     state; `monitor bogus` is a clean message, `monitor help` lists help, `monitor status`
#     counts GDB's breakpoints and this session's round trips.
#  2. MI (gdb_mi.py): the sequence VS Code's Cortex-Debug sends to an external server.
# Bounded by timeouts; QEMU and the server are killed on exit.
set -u
BUILD=${BUILD:-build}
GDB=${GDB:-gdb-multiarch}
command -v "$GDB" >/dev/null || { echo "SKIP: $GDB not installed"; exit 0; }
command -v qemu-system-arm >/dev/null || { echo "SKIP: qemu-system-arm not installed"; exit 0; }
here=$(dirname "${BASH_SOURCE[0]}")
TETHER=$BUILD/host/bin/tether
ELF=$BUILD/an505/app.elf
T=$(mktemp -d)
QPID=; SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$T"' EXIT
. ref-device/tests/qemu_boot.sh

qemu_up "$BUILD/an505" "$T" || { cat "$T/qemu.err"; exit 1; }
"$TETHER" keygen client "$T/client.pem" >/dev/null || { echo "FAIL: keygen"; exit 1; }
"$TETHER" grant --owner "$T/device/owner.pem" --client "$T/client.pem.pub" \
    --device-record "$T/device/device.json" -o "$T/g.grant" >/dev/null || { echo "FAIL: grant"; exit 1; }
timeout 200 "$TETHER" gdbserver "$T/device/device.json" --key "$T/client.pem" --grant "$T/g.grant" \
    --port 0 --elf "$ELF" >"$T/srv.out" 2>&1 &
SPID=$!
for _ in $(seq 100); do grep -q 'listening on' "$T/srv.out" && break; sleep 0.1; done
N=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/srv.out" | head -1)
[ -n "$N" ] || { echo "FAIL: gdbserver did not listen"; cat "$T/srv.out"; exit 1; }

timeout 120 "$GDB" -batch -nx -ex "set remotetimeout 15" -ex "file $ELF" \
    -ex "target extended-remote 127.0.0.1:$N" \
    -x docs/tether.gdbinit -x "$here/gdb_extended.gdb" >"$T/gdb.out" 2>&1
grc=$?
fail=0
section() { awk -v m="==$1==" '$0==m {on=1; next} /^==[A-Z0-9]*==$/ {on=0} on' "$T/gdb.out"; }
check() {  # check <what> <expected> <seen>
    if [ "$2" = "$3" ]; then echo "ok   $1: $3"
    else echo "FAIL $1: expected [$2], saw [$3]"; fail=1; fi
}
entry=$(arm-none-eabi-nm "$ELF" | awk '$3 == "app_reset" {print "0x" substr($1, match($1, /[1-9a-f]/))}')
check "gdb exit status" 0 "$grc"
check "watch: a hardware (device) watchpoint" 2 "$(section WATCH | grep -c '^Hardware watchpoint 1: demo_point.x')"
old=$(section WATCH | sed -n 's/^Old value = //p'); new=$(section WATCH | sed -n 's/^New value = //p')
check "watch: stopped at the write (new = old + 1)" "$((old + 1))" "$new"
check "watch: the writing line" 1 "$(section WATCH | grep -c '^demo_middle (v=.*main\.c:')"
check "watch: counted as GDB's" 1 "$(section WSTATUS | grep -c ', 1 watchpoints;')"
rt=$(section WSTATUS | sed -n 's/.* \([0-9]*\) round trips this GDB session.*/\1/p')
# connect + watch + continue to the write; GDB's own software watchpoint needs ~140 here
check "watch: round trips of the session so far <= 12" 1 "$([ -n "$rt" ] && [ "$rt" -le 12 ] && echo 1)"
check "starti: pc at the app's entry" "pc $entry" "$(section STARTI | awk '$1 == "pc" {print $1, $2}')"
check "kill keeps the connection" 1 "$(section KILL | grep -c 'Inferior 1 (Remote target) killed')"
check "starti after kill" "pc $entry" "$(section STARTI2 | awk '$1 == "pc" {print $1, $2}')"
check "monitor reset: register view at the entry" "pc $entry" "$(section RESET | awk '$1 == "pc" {print $1, $2}')"
check "monitor bogus: a clean message" 1 "$(section BOGUS | grep -c '^unknown monitor command "bogus"')"
check "monitor help lists help" 1 "$(section HELP | grep -c '^  help ')"
check "monitor status counts GDB's breakpoint" 1 "$(section STATUS | grep -c 'halted; 1 breakpoints')"
check "no protocol error" 0 "$(grep -c 'Protocol error' "$T/gdb.out")"
check "detach" 1 "$(grep -c 'Inferior 1 (Remote target) detached' "$T/gdb.out")"

# The second GDB session, in MI mode, on the same server.
timeout 150 python3 "$here/gdb_mi.py" "$GDB" "$ELF" "$N" docs/tether.gdbinit >"$T/mi.out" 2>&1
mrc=$?
grep -E '^(ok|FAIL) ' "$T/mi.out"
check "MI sequence (Cortex-Debug)" 0 "$mrc"
# Round trips are counted per GDB session (the server's line at each disconnect).
c1=$(sed -n 's/.*; \([0-9]*\) round trips to the device in this GDB session/\1/p' "$T/srv.out" | sed -n 1p)
c2=$(sed -n 's/.*; \([0-9]*\) round trips to the device in this GDB session/\1/p' "$T/srv.out" | sed -n 2p)
check "two GDB sessions served" 1 "$([ -n "$c1" ] && [ -n "$c2" ] && echo 1)"
# The MI session checks its own count right after connecting (gdb_mi.py); that check means
# something only if the first session cost more than it allows.
check "first session > 3 round trips" 1 "$([ -n "$c1" ] && [ "$c1" -gt 3 ] && echo 1)"
if [ "$fail" != 0 ]; then
    echo "--- gdb output"; cat "$T/gdb.out"; echo "--- MI"; cat "$T/mi.out"; echo "--- server"; cat "$T/srv.out"; exit 1
fi
echo "gdb_extended: all checks passed"
