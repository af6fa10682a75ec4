#!/usr/bin/env bash
# ping_rtt.sh — the relay's added latency: `tether ping` round trips to the QEMU device
# (handshake once, then COUNT pings, one at a time) direct, through mosquitto + tether-bridge,
# and through a two-node RabbitMQ cluster + tether-bridge (client on r1, device on r2), in one
# run against the same device; prints median, p90, p99 and max per path. The device under
# QEMU answers in a few ms itself: the differences between the rows are the relay's cost.
#   relay/bench/ping_rtt.sh [BUILD]   (COUNT=300, NO_RABBITMQ=1 to skip the cluster)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd); cd "$ROOT"
BUILD=${1:-build}; COUNT=${COUNT:-300}
TETHER=$BUILD/host/bin/tether
T=$(mktemp -d)
QPID=
trap 'relay_stop; [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$T"' EXIT
. ref-device/tests/qemu_boot.sh
. relay/broker.sh
. relay/rabbitmq.sh
qemu_up "$BUILD/an505" "$T" || exit 1
"$TETHER" keygen client "$T/client.pem" >/dev/null
"$TETHER" grant --owner "$T/device/owner.pem" --client "$T/client.pem.pub" \
    --device-record "$T/device/device.json" -o "$T/g.grant" >/dev/null
ID=$(relay_device_id "$T/device/device.json")
mkdir -p "$T/relay" && chmod 700 "$T/relay"
relay_config "$T/relay" "$T/device/device.json" "$T/g.grant"

ping_run() {  # ping_run NAME RECORD: COUNT pings, one figure per line in $T/NAME.ms
  "$TETHER" ping "$2" --key "$T/client.pem" --grant "$T/g.grant" --count "$COUNT" --timeout 20000 \
      > "$T/$1.out" 2>&1 || { echo "$1: tether ping failed:"; tail -3 "$T/$1.out"; return 1; }
  sed -n 's/^ping *\([0-9.]*\) ms.*/\1/p' "$T/$1.out" > "$T/$1.ms"
}

echo "tether relay ping RTT: $COUNT pings per path, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(/usr/sbin/mosquitto -h 2>/dev/null | head -1)"
ping_run direct "$T/device/device.json" || exit 1

mosquitto_up "$T/relay" || exit 1
bridge_up "$T/relay" "$T/device/device.json" || exit 1
relay_record "$T/device/device.json" "$T/relay" "$T/mosq.json"
ping_run mosquitto "$T/mosq.json" || exit 1
relay_stop

if [ -z "${NO_RABBITMQ:-}" ] && [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    RELAY_EXTRA_STOP="rabbit_stop $T/rmq"
    rabbit_cluster_up "$T/rmq" "$T/relay" "$ID" || exit 1
    MQ_PORT=$RMQ_MQTT2; bridge_up "$T/relay" "$T/device/device.json" || exit 1
    MQ_PORT=$RMQ_MQTT1; relay_record "$T/device/device.json" "$T/relay" "$T/rmq.json"
    ping_run rabbitmq "$T/rmq.json" || exit 1
fi

/usr/bin/python3 - "$T" direct mosquitto rabbitmq <<'PY'
import os, statistics, sys
d = sys.argv[1]
print("%-34s %6s %8s %8s %8s %8s" % ("path", "pings", "median", "p90", "p99", "max"))
base = None
for name in sys.argv[2:]:
    f = os.path.join(d, name + ".ms")
    if not os.path.exists(f):
        continue
    v = sorted(float(x) for x in open(f) if x.strip())
    if not v:
        continue
    q = lambda p: v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
    label = {"direct": "direct (tcp: to QEMU's UART)",
             "mosquitto": "mosquitto + tether-bridge",
             "rabbitmq": "RabbitMQ 2 nodes + tether-bridge"}[name]
    med = statistics.median(v)
    extra = "" if base is None else "  (+%.2f ms median)" % (med - base)
    base = med if base is None else base
    print("%-34s %6d %8.2f %8.2f %8.2f %8.2f%s" % (label, len(v), med, q(0.9), q(0.99), v[-1], extra))
print("(ms; one ping at a time, each a full request/response through the encrypted session)")
PY
