# rabbitmq_setup.sh — sourced by ref-client/tests/gdb_e2e.sh when RELAY_SETUP names it: the
# relay is a two-node RabbitMQ cluster (relay/rabbitmq.sh): tether-bridge logs in to node r2
# as the device, the client reaches the device through node r1 (spec/transport.md
# [MTB-039]). Users and passwords from `tether relay config`, topic permissions as on
# mosquitto ([MTB-035], [MTB-036]).
. relay/broker.sh
. relay/rabbitmq.sh
mkdir -p "$T/relay" && chmod 700 "$T/relay"
relay_config "$T/relay" "$T/device/device.json" "$T/g.grant" || { echo "FAIL: relay config"; exit 1; }
RELAY_EXTRA_STOP="rabbit_stop $T/rmq"
rmq_start=$(date +%s)
rabbit_cluster_up "$T/rmq" "$T/relay" "$(relay_device_id "$T/device/device.json")" \
    || { echo "FAIL: RabbitMQ cluster"; exit 1; }
echo "relay: RabbitMQ cluster r1 (MQTT 127.0.0.1:$RMQ_MQTT1) + r2 (MQTT 127.0.0.1:$RMQ_MQTT2) up in $(( $(date +%s) - rmq_start )) s"
MQ_PORT=$RMQ_MQTT2
bridge_up "$T/relay" "$T/device/device.json" || { echo "FAIL: bridge on r2"; exit 1; }
MQ_PORT=$RMQ_MQTT1
relay_record "$T/device/device.json" "$T/relay" "$T/relay/device.json" || exit 1
RECORD=$T/relay/device.json
echo "relay: device on r2, client on r1"
