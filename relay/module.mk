# relay/ — the untrusted middle of gdb -> ref-client -> relay -> ref-device: tether-bridge
# (the device's modem: UART link <-> MQTT broker), broker configuration templates, relay
# tests and benchmarks (relay/README.md). libmosquitto and jansson: RELAY_LIBS.
BRIDGE_SRCS := relay/bridge.c relay/bridge_path.c ref-client/conn/transport_mqtt.c ref-client/conn/mqtt_binding.c \
    ref-client/conn/transport_tcp.c ref-client/conn/link.c ref-client/conn/keyfile.c \
    ref-client/conn/device_record.c
BRIDGE_BIN := $(BUILD)/host/bin/tether-bridge
$(BRIDGE_BIN): $(patsubst %.c,$(BUILD)/host/%.o,$(BRIDGE_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS) $(RELAY_LIBS)
HOST_TOOLS += $(BRIDGE_BIN)
# gdb-multiarch -> tether gdbserver -> mosquitto -> tether-bridge -> QEMU, and the
# ciphertext-only check on everything the broker relayed.
EXTRA_TESTS += relay/tests/gdb_e2e_mosquitto.sh
# The broker killed and restarted five times during a GDB session: nothing lost or doubled.
EXTRA_TESTS += relay/tests/broker_restart.sh
# Two clients on one device, a broker user without the ACL, a stranger on the down topic.
EXTRA_TESTS += relay/tests/relay_access.sh
# The same end-to-end GDB test through a two-node RabbitMQ cluster (client on r1, device on r2).
EXTRA_TESTS += relay/tests/gdb_e2e_rabbitmq.sh
# tether ota push through mosquitto: ciphertext only on the relay, the broker killed and
# restarted mid-push, every chunk stored once, v0.2.0 installed and attested.
EXTRA_TESTS += relay/tests/ota_through_relay.sh

# `make bench-relay`: the relay's figures (docs/relay.md) — ping RTT direct vs mosquitto vs a
# RabbitMQ cluster, and the GDB round-trip benchmark through mosquitto at 300 ms RTT on the
# device's link. Minutes, not part of `make test`.
.PHONY: bench-relay
bench-relay: $(BUILD)/host/bin/tether $(BRIDGE_BIN) $(BUILD)/host/bin/tether-linkemu \
    $(BUILD)/an505/supervisor.elf $(BUILD)/an505/app.elf
	relay/bench/ping_rtt.sh $(BUILD)
	RELAY=mosquitto ref-client/bench/gdb-round-trips.sh $(BUILD)

# `make bench-fleet`: tether-fleet (relay/bench/fleet.c) — 1000 host-port supervisors in one
# process behind one mosquitto, client sessions pinging (relay/bench/fleet.sh; docs/relay.md).
FLEET_SRCS := relay/bench/fleet.c ref-client/conn/client.c ref-client/conn/clock.c \
    ref-client/conn/transport_tcp.c ref-client/conn/transport_mqtt.c \
    ref-client/conn/mqtt_binding.c $(SUP_SRCS) $(REFDEV_TARGET_SRCS) $(REFDEV_HOST_PORT_SRCS) \
    $(SUP_PORT_CRYPTO_SRCS)
FLEET_BIN := $(BUILD)/bench/bin/tether-fleet
$(patsubst %.c,$(BUILD)/bench/%.o,$(FLEET_SRCS)): BENCH_CFLAGS += $(SUP_CONFIG_DEFAULT)
$(FLEET_BIN): $(patsubst %.c,$(BUILD)/bench/%.o,$(FLEET_SRCS)) $(LIB_BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(BENCH_LIBS) -lmosquitto
.PHONY: bench-fleet
bench-fleet: $(FLEET_BIN)
	relay/bench/fleet.sh $(BUILD)
