#!/usr/bin/env bash
# gdb_smoke.sh — stock gdb-multiarch against the RSP engine: rsp_fake_server serves the
# engine on localhost with a modelled device behind it; GDB connects in batch mode, reads
# registers and memory, sets a breakpoint, continues, steps, writes a variable, runs the
# monitor commands and detaches. Run once with the optimisations and once with
# --no-optimize; checks GDB's output and prints the device-call counts of both runs.
set -u
BUILD=${BUILD:-build}
SERVER=$BUILD/host/bin/rsp_fake_server
ELF=$BUILD/host/ref-client/fixtures/tiny.elf
GDB=${GDB:-gdb-multiarch}
command -v "$GDB" >/dev/null || { echo "SKIP: $GDB not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

run() {   # run <label> <server options…>
    local label=$1; shift
    "$SERVER" --elf "$ELF" --max-seconds 30 "$@" >"$tmp/port" 2>"$tmp/server.$label" &
    local pid=$!
    # Wait on what is observable (the port line, or the server gone), bounded generously.
    for _ in $(seq 600); do [ -s "$tmp/port" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    local port; port=$(awk '/^port/ {print $2}' "$tmp/port")
    timeout 60 "$GDB" -batch -nx \
        -ex 'set remotetimeout 10' \
        -ex "file $ELF" \
        -ex "target remote 127.0.0.1:$port" \
        -ex 'info registers r0 r1 sp pc xpsr msp msp_ns msp_s control' \
        -ex 'x/4xw 0x28200100' \
        -ex 'print tiny_banner' \
        -ex 'print/x tiny_counter' \
        -ex 'set var tiny_counter = 0x4321' \
        -ex 'print/x tiny_counter' \
        -ex 'break tiny_work' \
        -ex 'continue' \
        -ex 'bt' \
        -ex 'stepi' \
        -ex 'print $pc' \
        -ex 'x/64xw $sp' \
        -ex 'monitor status' \
        -ex 'monitor bogus' \
        -ex 'monitor help' \
        -ex 'detach' >"$tmp/gdb.$label" 2>&1
    local grc=$?
    wait "$pid"; local src=$?
    echo "--- $label: gdb exit $grc, server exit $src"
    grep -v '^0x282' "$tmp/gdb.$label" | sed 's/^/    /'
    sed 's/^/    /' "$tmp/server.$label"
    expect() {
        grep -qE "$1" "$tmp/gdb.$label" || { echo "FAIL ($label): GDB output lacks /$1/"; fail=1; }
    }
    expect '^r0 +0x11111111'
    expect '^sp +0x28200800'
    expect '^msp_s +0x0 '
    expect '^0x28200100:.*0x03020100.*0x07060504.*0x0b0a0908.*0x0f0e0d0c'
    expect '= "tether tiny fixture"'
    expect '= 0x1234'
    expect '= 0x4321'
    expect '^Breakpoint 1, tiny_work'
    expect '^#0 +tiny_work'
    expect 'tiny_work\+2>'
    expect 'app halted; 1 breakpoints, .*optimisation (on|off)' # GDB's, though it took them out
    expect '^unknown monitor command "bogus" \(`monitor help` lists the commands\)'
    expect '^  help +this list'
    expect 'Inferior 1 .* detached'
    if grep -qiE 'warning: (Overlapping|Remote failure)|Protocol error|Malformed' "$tmp/gdb.$label"; then
        echo "FAIL ($label): GDB complained"; fail=1
    fi
    [ $grc = 0 ] && [ $src = 0 ] || { echo "FAIL ($label): exit codes"; fail=1; }
}

run optimised --trust-elf
run no-optimize --no-optimize
[ $fail = 0 ] && echo "gdb smoke: stock GDB accepted the engine (both modes)"
exit $fail
