#!/usr/bin/env bash
# broker_restart_now.sh — run from GDB's `shell` by broker_restart.gdb: kills the test's
# mosquitto (SIGKILL, a crash: no will, no goodbye) and starts it again on the same port.
# RELAY_DIR names the broker's folder (relay/broker.sh). Restarts started in the background
# may overlap: flock runs them one at a time (-o: the new broker does not inherit the lock).
exec flock -o "$RELAY_DIR/restart.lock" bash -c '
. relay/broker.sh
if mosquitto_restart "$RELAY_DIR" >>"$RELAY_DIR/restart.err" 2>&1; then
    echo "broker restarted" >> "$RELAY_DIR/restarts"
else
    echo "broker_restart_now: restart failed" >> "$RELAY_DIR/restart.err"
fi'
