#!/usr/bin/env bash
# gdb_e2e_rabbitmq.sh — the end-to-end GDB test (ref-client/tests/gdb_e2e.sh, same checks)
# through a two-node RabbitMQ cluster started here (relay/tests/rabbitmq_setup.sh): gdb ->
# tether gdbserver -> RabbitMQ node r1 -> cluster -> node r2 -> tether-bridge -> QEMU.
# The cluster starts once (~40-60 s on this machine), carries the session and is stopped.
set -u
BUILD=${BUILD:-build}
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || { echo "SKIP: rabbitmq-server not installed"; exit 0; }
RELAY_SETUP=relay/tests/rabbitmq_setup.sh BUILD=$BUILD ref-client/tests/gdb_e2e.sh || exit 1
echo "gdb_e2e_rabbitmq: all checks passed"
