# relay_setup.sh — sourced by ref-client/tests/gdb_e2e.sh when RELAY_SETUP names it: after the
# device booted and the client has its key and grant, puts the relay in the path:
# `tether relay config` users, mosquitto on a free port, tether-bridge logged in as the
# device, and RECORD = the device reached via mqtt:// with the client's credentials file.
# RELAY_CAPTURE=FILE: a privileged '#' subscriber records every message there.
. relay/broker.sh
mkdir -p "$T/relay" && chmod 700 "$T/relay"
relay_config "$T/relay" "$T/device/device.json" "$T/g.grant" || { echo "FAIL: relay config"; exit 1; }
mosquitto_up "$T/relay" || { echo "FAIL: mosquitto"; exit 1; }
bridge_up "$T/relay" "$T/device/device.json" || { echo "FAIL: bridge"; exit 1; }
relay_record "$T/device/device.json" "$T/relay" "$T/relay/device.json" || exit 1
RECORD=$T/relay/device.json
if [ -n "${RELAY_CAPTURE:-}" ]; then monitor_up "$T/relay" "$RELAY_CAPTURE" || exit 1; fi
echo "relay: mosquitto on 127.0.0.1:$MQ_PORT, bridge for $(relay_device_id "$T/device/device.json")"
