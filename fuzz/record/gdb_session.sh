#!/usr/bin/env bash
# gdb_session.sh — `make fuzz-record`: records what stock GDB sends in a real debugging
# session (the command list of ref-client/tests/gdb_smoke.sh: registers, memory, variables,
# a breakpoint, continue, bt, stepi, x/64xw $sp, monitor, detach) against rsp_fake_server,
# through rsp_tee.py, and writes it as seeds of the rsp harness (flags byte, piece size,
# then the bytes): fuzz/corpus/rsp/recorded-gdb-session (engine optimisations on) and
# recorded-gdb-session-tunnel (--no-optimize: GDB then sends more packets).
set -eu
BUILD=${BUILD:-build}
SERVER=$BUILD/host/bin/rsp_fake_server
ELF=$BUILD/host/ref-client/fixtures/tiny.elf
GDB=${GDB:-gdb-multiarch}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

record() {  # record <seed name> <flags byte, octal> <server options…>
    local name=$1 flags=$2; shift 2
    rm -f "$tmp/port" "$tmp/tee" "$tmp/gdb.bin"
    "$SERVER" --elf "$ELF" --max-seconds 30 "$@" >"$tmp/port" 2>/dev/null &
    local spid=$!
    for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
    "${PYTHON:-/usr/bin/python3}" fuzz/record/rsp_tee.py "$(awk '/^port/ {print $2}' "$tmp/port")" "$tmp/gdb.bin" \
        >"$tmp/tee" &
    local tpid=$!
    for _ in $(seq 50); do [ -s "$tmp/tee" ] && break; sleep 0.1; done
    timeout 60 "$GDB" -batch -nx -ex 'set remotetimeout 10' -ex "file $ELF" \
        -ex "target remote 127.0.0.1:$(awk '/^port/ {print $2}' "$tmp/tee")" \
        -ex 'info registers r0 r1 sp pc xpsr msp msp_ns msp_s control' \
        -ex 'x/4xw 0x28200100' -ex 'print tiny_banner' -ex 'print/x tiny_counter' \
        -ex 'set var tiny_counter = 0x4321' -ex 'break tiny_work' -ex 'continue' -ex 'bt' \
        -ex 'stepi' -ex 'x/64xw $sp' -ex 'monitor status' -ex 'detach' >/dev/null 2>&1
    wait "$tpid" || true
    wait "$spid" || true
    { printf "\\$flags\\000"; cat "$tmp/gdb.bin"; } >"fuzz/corpus/rsp/$name"
    echo "fuzz/corpus/rsp/$name: $(wc -c <"$tmp/gdb.bin") bytes from GDB"
}
record recorded-gdb-session 000
record recorded-gdb-session-tunnel 001 --no-optimize
