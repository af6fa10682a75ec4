# rabbitmq.sh — sourced by the RabbitMQ relay test and benchmark: a two-node RabbitMQ cluster
# (Debian rabbitmq-server + its rabbitmq_mqtt plugin) on this machine, unprivileged, on free
# 127.0.0.1 ports, with its own epmd port, Erlang cookie, RABBITMQ_* folders under the
# caller's DIR, stopped by rabbit_stop. Users and topic permissions come from the
# credentials `tether relay config` wrote (spec/transport.md [MTB-034]..[MTB-036]).
#   rabbit_cluster_up DIR RELAYDIR DEVICE_ID   nodes r1 and r2, clustered at boot (classic
#                             peer discovery), users and permissions loaded at boot from a
#                             definitions file (no rabbitmqctl round trips: each CLI call is
#                             an Erlang VM start); sets RMQ_MQTT1, RMQ_MQTT2
#   rabbit_stop DIR
RMQ_SBIN=/usr/lib/rabbitmq/bin

rabbit_env() {  # rabbit_env DIR NODE: the environment of one node
  local dir=$1 n=$2
  echo "HOME=$dir RABBITMQ_NODENAME=$n@localhost ERL_EPMD_PORT=$(cat "$dir/epmd.port")" \
       "RABBITMQ_MNESIA_BASE=$dir/$n/mnesia RABBITMQ_LOG_BASE=$dir/$n/log" \
       "RABBITMQ_CONFIG_FILE=$dir/$n/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins" \
       "RABBITMQ_PID_FILE=$dir/$n/pid RABBITMQ_NODE_IP_ADDRESS=127.0.0.1" \
       "RABBITMQ_NODE_PORT=$(cat "$dir/$n/amqp.port") RABBITMQ_DIST_PORT=$(cat "$dir/$n/dist.port")" \
       "RABBITMQ_CTL_DIST_PORT_MIN=$(cat "$dir/$n/ctl.port") RABBITMQ_CTL_DIST_PORT_MAX=$(cat "$dir/$n/ctl.port")"
}

# Erlang's schedulers busy-wait by default: on two shared cores that starves everyone.
export RMQ_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none"

rabbit_ctl() {  # rabbit_ctl DIR NODE args...
  local dir=$1 n=$2
  shift 2
  env $(rabbit_env "$dir" "$n") "$RMQ_SBIN/rabbitmqctl" -n "$n@localhost" "$@"
}

rabbit_node_up() {
  local dir=$1 n=$2
  mkdir -p "$dir/$n/mnesia" "$dir/$n/log"
  for p in amqp dist ctl mqtt; do relay_free_port > "$dir/$n/$p.port"; done
  cat > "$dir/$n/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$(cat "$dir/$n/amqp.port")
mqtt.listeners.tcp.default = 127.0.0.1:$(cat "$dir/$n/mqtt.port")
mqtt.allow_anonymous = false
mqtt.tcp_listen_options.nodelay = true
tcp_listen_options.nodelay = true
loopback_users = none
log.console = false
log.file.level = warning
cluster_formation.peer_discovery_backend = classic_config
cluster_formation.classic_config.nodes.1 = r1@localhost
load_definitions = $dir/definitions.json
CONF
  env $(rabbit_env "$dir" "$n") RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$RMQ_ERL_ARGS" \
      "$RMQ_SBIN/rabbitmq-server" < /dev/null > "$dir/$n/stdout" 2>&1 &
  echo $! > "$dir/$n/server.pid"
}

rabbit_cluster_up() {
  local dir=$1 rdir=$2 id=$3
  [ -x "$RMQ_SBIN/rabbitmq-server" ] || { echo "rabbitmq-server not installed"; return 1; }
  mkdir -p "$dir" && chmod 700 "$dir"
  head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/.erlang.cookie"
  chmod 400 "$dir/.erlang.cookie"
  echo '[rabbitmq_mqtt].' > "$dir/enabled_plugins"
  relay_free_port > "$dir/epmd.port"
  rabbit_definitions "$rdir" "$id" > "$dir/definitions.json" || return 1
  # r1 first; r2 then finds it (classic peer discovery) and joins at boot.
  rabbit_node_up "$dir" r1
  relay_wait_port_long "$(cat "$dir/r1/mqtt.port")" \
    || { echo "RabbitMQ node r1 did not start:"; tail -n 20 "$dir/r1/stdout" "$dir"/r1/log/*.log; return 1; }
  rabbit_node_up "$dir" r2
  relay_wait_port_long "$(cat "$dir/r2/mqtt.port")" \
    || { echo "RabbitMQ node r2 did not start:"; tail -n 20 "$dir/r2/stdout" "$dir"/r2/log/*.log; return 1; }
  RMQ_MQTT1=$(cat "$dir/r1/mqtt.port")
  RMQ_MQTT2=$(cat "$dir/r2/mqtt.port")
}

relay_wait_port_long() {  # up to 300 s: an Erlang node boots slowly on a loaded machine
  local i
  for i in $(seq 30); do relay_wait_port "$1" && return 0; done
  return 1
}

# Users (passwords from `tether relay config`'s credentials files, stored as RabbitMQ's
# salted SHA-256) and permissions. MQTT topics are AMQP routing keys on amq.topic with
# '/' -> '.'. [MTB-035] the device reads its down and writes its up and presence;
# [MTB-036] the client writes down and reads up and presence of that device; the monitor
# reads everything.
rabbit_definitions() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import base64, hashlib, json, os, sys
rdir, dev = sys.argv[1], sys.argv[2]
users, perms, topics = [], [], []
rules = {dev: ("^tether\\.%s\\.(up|presence)$" % dev, "^tether\\.%s\\.down$" % dev),
         "client": ("^tether\\.%s\\.down$" % dev, "^tether\\.%s\\.(up|presence)$" % dev),
         "monitor": ("^$", ".*")}
for name, (write, read) in rules.items():
    path = os.path.join(rdir, "credentials", name + ".json")
    if not os.path.exists(path):
        continue
    pw = json.load(open(path))["password"].encode()
    salt = os.urandom(4)
    users.append({"name": name, "tags": "", "hashing_algorithm": "rabbit_password_hashing_sha256",
                  "password_hash": base64.b64encode(salt + hashlib.sha256(salt + pw).digest()).decode()})
    perms.append({"user": name, "vhost": "/", "configure": "^mqtt-subscription-.*",
                  "write": ".*", "read": ".*"})
    topics.append({"user": name, "vhost": "/", "exchange": "amq.topic", "write": write, "read": read})
json.dump({"vhosts": [{"name": "/"}], "users": users, "permissions": perms,
           "topic_permissions": topics}, sys.stdout, indent=1)
PY
}

rabbit_stop() {
  local dir=$1 n pid
  [ -d "$dir" ] || return 0
  for n in r2 r1; do
    [ -f "$dir/$n/server.pid" ] || continue
    rabbit_ctl "$dir" "$n" stop >/dev/null 2>&1
    pid=$(cat "$dir/$n/server.pid")
    kill "$pid" 2>/dev/null
    [ -f "$dir/$n/pid" ] && kill "$(cat "$dir/$n/pid")" 2>/dev/null
  done
  # the cluster's own epmd (ERL_EPMD_PORT in its environment) outlives the nodes
  epmd_port=$(cat "$dir/epmd.port" 2>/dev/null)
  for pid in $(pgrep -x epmd); do
    tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "ERL_EPMD_PORT=$epmd_port" && kill "$pid"
  done
  return 0
}
