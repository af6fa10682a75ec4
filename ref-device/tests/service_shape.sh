#!/usr/bin/env bash
# service_shape.sh — the supervisor's services have one shape (issue 11 §1), read from the
# symbols of the host build's objects: no service (core/service/) calls what sends or ends
# sessions (a handler returns its result and dispatch.c sends the one reply; events go
# through outbox.c's post and send), and no file of core/supervisor/ but service_table.o
# names a service (session ends, capabilities, limits, polls and boot go through the table).
# So calls run one way, supervisor -> service, and the outbox never calls back into one.
# Exit 0 only if both hold; each offending object and symbol is printed.
set -u
BUILD=${BUILD:-build}
O=$BUILD/host/ref-device/core
fail=0
# What only the supervisor may call: sending, the link, ending sessions, draining.
forbidden='^(sup_send|sup_reply|sup_send_error|sup_link_send|sup_link_flush|sup_slot_end|sup_slot_give_way|sup_slots_end_revoked|sup_outbox_drain|sup_on_message|tt_session_send)$'
for f in control debug log attest ota; do
  o=$O/service/$f.o
  [ -f "$o" ] || { echo "missing $o: run make first"; exit 1; }
  for sym in $(nm -u "$o" | awk '{print $NF}' | grep -E "$forbidden"); do
    echo "service $f calls $sym"; fail=1
  done
done
for f in supervisor link session_table replay_table handshake_policy dispatch outbox nv_seed \
    time_floor; do
  o=$O/supervisor/$f.o
  [ -f "$o" ] || { echo "missing $o: run make first"; exit 1; }
  for sym in $(nm -u "$o" | awk '{print $NF}' | grep -E '^svc_'); do
    echo "supervisor/$f.c names the service function $sym (use the table)"; fail=1
  done
done
# The table itself names only the rows.
for sym in $(nm -u "$O/supervisor/service_table.o" | awk '{print $NF}' | grep -E '^svc_' |
    grep -vE '^svc_[a-z]+_service$'); do
  echo "service_table.c calls $sym"; fail=1
done
[ $fail = 0 ] && echo "service shape: services never send or end sessions; the supervisor names no service"
exit $fail
