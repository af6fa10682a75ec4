#!/usr/bin/env bash
# fleet.sh — the fleet load benchmark (`make bench-fleet`): one mosquitto on a free 127.0.0.1
# port, DEVICES simulated devices (host-port supervisors, all in one tether-fleet process,
# one MQTT connection each), then rounds of client sessions pinging (WORKERS processes share
# them) at a rising rate. Per round: connected devices, active sessions, pings/s achieved,
# p50/p99 latency, broker CPU (share of one core) and memory; the last round shows where it
# degrades. The broker here accepts anonymous logins (no ACL lookups per message): the
# relay tests cover authentication, this measures forwarding.
#   relay/bench/fleet.sh [BUILD]   DEVICES=1000 SESSIONS=200 WORKERS=4 DURATION=10 RATES="1 5 10 20"
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd); cd "$ROOT"
BUILD=${1:-build}
DEVICES=${DEVICES:-1000}; SESSIONS=${SESSIONS:-200}; WORKERS=${WORKERS:-4}
SECONDS_PER=${DURATION:-10}; RATES=${RATES:-1 5 10 20}
FLEET=$BUILD/bench/bin/tether-fleet
T=$(mktemp -d)
MQ=; FP=
trap '[ -n "$FP" ] && kill "$FP" 2>/dev/null; [ -n "$MQ" ] && kill "$MQ" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
. relay/broker.sh
ulimit -n "$(ulimit -Hn)" 2>/dev/null
PORT=$(relay_free_port)
cat > "$T/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
max_connections -1
max_inflight_messages 64
max_queued_messages 4096
persistence false
log_dest none
user $(id -un)
CONF
/usr/sbin/mosquitto -c "$T/mosquitto.conf" 2>"$T/mosquitto.err" &
MQ=$!
relay_wait_port "$PORT" || { echo "mosquitto did not start"; cat "$T/mosquitto.err"; exit 1; }
"$FLEET" devices --broker "mqtt://127.0.0.1:$PORT" --count "$DEVICES" > "$T/devices.out" 2>"$T/devices.err" &
FP=$!
for _ in $(seq 600); do grep -q 'online' "$T/devices.out" && break; kill -0 "$FP" 2>/dev/null || break; sleep 0.1; done
grep -q online "$T/devices.out" || { echo "the fleet did not come online"; cat "$T/devices.err"; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
echo "tether fleet benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(/usr/sbin/mosquitto -h | head -1)"
echo "$(cat "$T/devices.out"); broker RSS with the fleet connected: $(rss_mb "$MQ") MB"
printf '%-8s %-9s %-7s %-9s %-9s %-8s %-8s %-8s %-10s %-9s %s\n' devices sessions rate/s offered achieved p50_ms p90_ms p99_ms broker_cpu broker_MB fleet_cpu
per=$(( SESSIONS / WORKERS ))
for rate in $RATES; do
    hz=$(awk -v r="$rate" 'BEGIN {print r}')
    b0=$(cpu_ticks "$MQ"); f0=$(cpu_ticks "$FP"); t0=$(date +%s.%N)
    pids=()
    for w in $(seq 0 $((WORKERS - 1))); do
        "$FLEET" clients --broker "mqtt://127.0.0.1:$PORT" --devices "$DEVICES" --sessions "$per" \
            --first $((w * per)) --rate "$hz" --seconds "$SECONDS_PER" --out "$T/lat.$rate.$w" \
            > "$T/clients.$rate.$w.out" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    t1=$(date +%s.%N); b1=$(cpu_ticks "$MQ"); f1=$(cpu_ticks "$FP")
    # the handshakes happen before the timed pings: CPU shares are over the whole round
    /usr/bin/python3 - "$T" "$rate" "$DEVICES" "$SESSIONS" "$SECONDS_PER" "$t0" "$t1" "$b0" "$b1" "$f0" "$f1" "$(rss_mb "$MQ")" "$(getconf CLK_TCK)" <<'PY'
import glob, sys
d, rate, dev, sess, secs, t0, t1, b0, b1, f0, f1, rss, tck = sys.argv[1:]
v = []
for f in glob.glob("%s/lat.%s.*" % (d, rate)):
    v += [int(x) / 1000.0 for x in open(f) if x.strip()]
v.sort()
q = lambda p: v[min(len(v) - 1, int(p * (len(v) - 1)))] if v else float("nan")
wall = float(t1) - float(t0)
print("%-8s %-9s %-7s %-9.0f %-9.0f %-8.2f %-8.2f %-8.2f %-10s %-9s %s" % (
    dev, sess, rate, float(sess) * float(rate), len(v) / float(secs), q(0.5), q(0.9), q(0.99),
    "%.0f%%" % (100.0 * (int(b1) - int(b0)) / int(tck) / wall), rss,
    "%.0f%%" % (100.0 * (int(f1) - int(f0)) / int(tck) / wall)))
PY
    grep -h "failed" "$T"/clients."$rate".*.out | grep -v ' 0 failed' | head -2
done
