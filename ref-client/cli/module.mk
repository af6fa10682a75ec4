# ref-client/cli + conn — the `tether` command and the client session driver it uses.
# The relay's parts (the MQTT link, `tether relay config`, `tether devices`) need
# libmosquitto and jansson.
RELAY_LIBS := -lmosquitto -ljansson
RELAY_CLIENT_SRCS := ref-client/conn/transport_mqtt.c ref-client/conn/mqtt_binding.c ref-client/conn/link.c \
    ref-client/cli/relay.c
CLIENT_CONN_SRCS := ref-client/conn/keyfile.c ref-client/conn/transport_tcp.c \
    ref-client/conn/client.c ref-client/conn/clock.c
CLIENT_CLI_SRCS := ref-client/cli/tether.c ref-client/cli/grant.c ref-client/cli/device.c \
    ref-client/cli/gdbserver.c ref-client/cli/revoke.c ref-client/gdb/backend.c \
    ref-client/gdb/server.c
TETHER_BIN := $(BUILD)/host/bin/tether
$(TETHER_BIN): $(patsubst %.c,$(BUILD)/host/%.o,$(CLIENT_CLI_SRCS) $(CLIENT_CONN_SRCS) $(RELAY_CLIENT_SRCS)) $(RSP_OBJS) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS) $(RELAY_LIBS)
HOST_TOOLS += $(TETHER_BIN)
# The CLI against the QEMU device with bad input (keys, grants, revocation, ELF, arguments).
EXTRA_TESTS += ref-client/tests/cli_bad_input.sh
HOST_TESTS += $(BUILD)/host/bin/test_client_hostile_device
$(BUILD)/host/bin/test_client_hostile_device: \
    $(BUILD)/host/ref-client/tests/test_client_hostile_device.o \
    $(patsubst %.c,$(BUILD)/host/%.o,$(CLIENT_CONN_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS) -lpthread
