# broker.sh — sourced by the relay tests, benchmarks and tools/run.sh: an embedded mosquitto
# on a free 127.0.0.1 port, the device's modem bridge, and client-side device records that
# point at the broker. Everything lives in the caller's folder; the caller's EXIT trap calls
# relay_stop.
#   relay_config DIR RECORD CLIENT_GRANT   `tether relay config`: users device/client/monitor
#   mosquitto_up DIR          starts mosquitto (DIR/mosquitto.conf); sets MQ_PORT, MQ_PID
#   mosquitto_restart DIR     stops it (SIGKILL: a crash) and starts it on the same port (also
#                             from another process: the PID is kept in DIR/mosquitto.pid)
#   bridge_up DIR RECORD      tether-bridge between RECORD's link and the broker; sets BR_PID
#                             (TT_BRIDGE_BIN: another build of it, e.g. a conformance mutant)
#   relay_record RECORD DIR OUT   OUT: RECORD reached via mqtt://127.0.0.1:MQ_PORT with the
#                             client's credentials file (DIR/credentials/client.json)
#   mqtt_login DIR USER       prints an XDG_CONFIG_HOME that logs mosquitto_sub/_pub in as USER
#   monitor_up DIR OUT        a privileged subscriber on '#' (user monitor) writing
#                             "TOPIC HEXPAYLOAD" lines to OUT; sets MON_PID
#   relay_stop                stops what these functions started
RELAY_BUILD=${BUILD:-build}
MQ_PID=; BR_PID=; MQ_PORT=; MQ_DIR=; MON_PID=

relay_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

relay_wait_port() {  # relay_wait_port PORT: up to 10 s until it accepts connections
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

relay_device_id() {  # the record's device_id (32 hex digits)
  /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["device_id"])' "$1"
}

relay_config() {  # relay_config DIR RECORD GRANT [more tether relay config options]
  local dir=$1 record=$2 grant=$3
  shift 3
  "$RELAY_BUILD/host/bin/tether" relay config --out "$dir" --device "$record" \
      ${grant:+--client "client=$grant"} --monitor monitor "$@" >/dev/null
}

mosquitto_start() {
  local dir=$1
  sed -e "s|@PORT@|$MQ_PORT|; s|@DIR@|$dir|g; s|@USER@|$(id -un)|" \
      "$(dirname "${BASH_SOURCE[0]}")/mosquitto.conf.in" > "$dir/mosquitto.conf"
  /usr/sbin/mosquitto -c "$dir/mosquitto.conf" 2>>"$dir/mosquitto.err" &
  MQ_PID=$!
  MQ_DIR=$dir
  echo "$MQ_PID" > "$dir/mosquitto.pid"
  relay_wait_port "$MQ_PORT" || { echo "mosquitto did not start:"; cat "$dir/mosquitto.err" "$dir/mosquitto.log" 2>/dev/null; return 1; }
}

mosquitto_up() {
  command -v /usr/sbin/mosquitto >/dev/null || { echo "mosquitto not installed (make setup)"; return 1; }
  MQ_PORT=$(relay_free_port)
  mosquitto_start "$1"
}

mosquitto_restart() {
  local pid
  pid=$(cat "$1/mosquitto.pid" 2>/dev/null)
  MQ_PORT=$(sed -n 's/^listener \([0-9]*\) .*/\1/p' "$1/mosquitto.conf")
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  # the port is free once the process is gone (or a zombie its parent has not reaped yet)
  for _ in $(seq 100); do
    case $(ps -o stat= -p "$pid" 2>/dev/null) in Z*|'') break ;; esac
    sleep 0.05
  done
  mosquitto_start "$1"
}

bridge_up() {
  local dir=$1 record=$2 id link
  id=$(relay_device_id "$record")
  link=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["link"])' "$record")
  "${TT_BRIDGE_BIN:-$RELAY_BUILD/host/bin/tether-bridge}" --link "$link" --broker "mqtt://127.0.0.1:$MQ_PORT" \
      --credentials "$dir/credentials/$id.json" --device-id "$id" >"$dir/bridge.out" 2>"$dir/bridge.err" &
  BR_PID=$!
  # a hang guard, not a speed check: wait while the bridge lives (its own connect timeout is 30 s)
  for _ in $(seq 600); do
    grep -q ' online' "$dir/bridge.out" && return 0
    kill -0 "$BR_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "tether-bridge did not come online:"; cat "$dir/bridge.err"; return 1
}

relay_record() {
  /usr/bin/python3 - "$1" "$3" "mqtt://127.0.0.1:$MQ_PORT" "$2/credentials/client.json" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
r["link"] = sys.argv[3]
r["broker_credentials"] = os.path.abspath(sys.argv[4])
json.dump(r, open(sys.argv[2], "w"), indent=2)
PY
}

mqtt_login() {  # mqtt_login DIR USER: XDG_CONFIG_HOME for mosquitto_sub/_pub logged in as USER
  local x=$1/xdg-$2
  mkdir -p "$x" && chmod 700 "$x"
  # mosquitto_sub/_pub read their options from $XDG_CONFIG_HOME/mosquitto_{sub,pub}: the
  # password stays off the command line.
  /usr/bin/python3 - "$1/credentials/$2.json" "$MQ_PORT" > "$x/mosquitto_sub" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
print("-h 127.0.0.1\n-p %s\n-u %s\n-P %s" % (sys.argv[2], c["username"], c["password"]))
PY
  cp "$x/mosquitto_sub" "$x/mosquitto_pub"
  echo "$x"
}

monitor_up() {
  local dir=$1 out=$2 x
  x=$(mqtt_login "$dir" monitor)
  XDG_CONFIG_HOME=$x stdbuf -oL mosquitto_sub -t '#' -q 1 -F '%t %x' > "$out" 2>"$dir/monitor.err" &
  MON_PID=$!
  # it is subscribed once the retained presence of the device arrives
  for _ in $(seq 100); do grep -q '/presence ' "$out" && return 0; sleep 0.1; done
  echo "monitor subscriber did not start:"; cat "$dir/monitor.err"; return 1
}

relay_stop() {
  # another broker's stop (relay/rabbitmq.sh sets it), then what is started here
  [ -n "${RELAY_EXTRA_STOP:-}" ] && $RELAY_EXTRA_STOP
  [ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null && wait "$MON_PID" 2>/dev/null
  [ -n "$BR_PID" ] && kill "$BR_PID" 2>/dev/null && wait "$BR_PID" 2>/dev/null
  # the broker may have been restarted by another process: its PID is in the file
  [ -n "$MQ_DIR" ] && [ -f "$MQ_DIR/mosquitto.pid" ] && MQ_PID=$(cat "$MQ_DIR/mosquitto.pid")
  [ -n "$MQ_PID" ] && kill "$MQ_PID" 2>/dev/null && { wait "$MQ_PID" 2>/dev/null; true; }
  BR_PID=; MQ_PID=; MON_PID=
}
