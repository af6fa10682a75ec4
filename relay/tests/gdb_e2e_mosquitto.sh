#!/usr/bin/env bash
# gdb_e2e_mosquitto.sh — the end-to-end GDB test (ref-client/tests/gdb_e2e.sh, same checks)
# with the relay in the path: gdb-multiarch -> tether gdbserver -> mosquitto -> tether-bridge
# -> QEMU device (relay/tests/relay_setup.sh). A privileged '#' subscriber records every
# relayed message; ciphertext_only.py then fails if any app string, code or data window
# appears in them.
set -u
BUILD=${BUILD:-build}
command -v /usr/sbin/mosquitto >/dev/null || { echo "SKIP: mosquitto not installed"; exit 0; }
command -v mosquitto_sub >/dev/null || { echo "SKIP: mosquitto-clients not installed"; exit 0; }
C=$(mktemp -d)
trap 'rm -rf "$C"' EXIT
RELAY_SETUP=relay/tests/relay_setup.sh RELAY_CAPTURE=$C/capture BUILD=$BUILD \
    ref-client/tests/gdb_e2e.sh || exit 1
/usr/bin/python3 relay/tests/ciphertext_only.py "$C/capture" "$BUILD/an505/app.elf" || exit 1
echo "gdb_e2e_mosquitto: all checks passed"
