# ref-client/cli + conn — the `tether` command and the client session driver it uses.
# The relay's parts (the MQTT link, `tether relay config`, `tether devices`) need
# libmosquitto (jansson is in HOST_LIBS).
RELAY_LIBS := -lmosquitto
RELAY_CLIENT_SRCS := ref-client/conn/transport_mqtt.c ref-client/conn/mqtt_binding.c \
    ref-client/conn/link.c ref-client/cli/relay.c
CLIENT_CONN_SRCS := ref-client/conn/keyfile.c ref-client/conn/device_record.c \
    ref-client/conn/evidence.c ref-client/conn/transport_tcp.c ref-client/conn/client.c \
    ref-client/conn/clock.c ref-client/conn/path_memory.c
CLIENT_CLI_SRCS := ref-client/cli/tether.c ref-client/cli/grant.c ref-client/cli/device.c \
    ref-client/cli/gdbserver.c ref-client/cli/revoke.c ref-client/cli/attest.c \
    ref-client/cli/ota.c ref-client/cli/ota_push.c ref-client/cli/log.c \
    ref-client/gdb/backend.c ref-client/gdb/server.c
TETHER_BIN := $(BUILD)/host/bin/tether
# The objects of `tether`, named once: conformance/module.mk hands this same list to the
# client mutants (conformance/mutants/run.sh), so their link line cannot drift from this one.
TETHER_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(CLIENT_CLI_SRCS) $(CLIENT_CONN_SRCS) $(RELAY_CLIENT_SRCS)) $(RSP_OBJS)
TETHER_LIBS := $(HOST_LIBS) $(RELAY_LIBS)
$(TETHER_BIN): $(TETHER_OBJS) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(TETHER_LIBS)
HOST_TOOLS += $(TETHER_BIN)
# The CLI against the QEMU device with bad input (keys, grants, revocation, ELF, arguments).
EXTRA_TESTS += ref-client/tests/cli_bad_input.sh
# [REL-023] `tether ota push` remembers the window of a path (tether-hostdev, linkemu).
EXTRA_TESTS += ref-client/tests/ota_path_memory.py
# `tether keygen firmware` and `tether ota sign`, checked by objcopy and pyca/cryptography.
EXTRA_TESTS += ref-client/tests/ota_sign.sh
HOST_TESTS += $(BUILD)/host/bin/test_client_hostile_device
$(BUILD)/host/bin/test_client_hostile_device: \
    $(BUILD)/host/ref-client/tests/test_client_hostile_device.o \
    $(patsubst %.c,$(BUILD)/host/%.o,$(CLIENT_CONN_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS) -lpthread
# The device record's JSON Schema and the record parser accept and refuse the same records.
EXTRA_TESTS += ref-client/tests/device_record_schema.py
# The client's files (spec/files.md) and the verifier's evidence checks, on the host.
HOST_TESTS += $(BUILD)/host/bin/test_keyfile $(BUILD)/host/bin/test_evidence \
    $(BUILD)/host/bin/test_path_memory
$(BUILD)/host/bin/test_keyfile: $(BUILD)/host/ref-client/tests/test_keyfile.o \
    $(BUILD)/host/ref-client/conn/keyfile.o $(BUILD)/host/ref-client/conn/device_record.o \
    $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
$(BUILD)/host/bin/test_evidence: $(BUILD)/host/ref-client/tests/test_evidence.o \
    $(BUILD)/host/ref-client/conn/evidence.o $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
$(BUILD)/host/bin/test_path_memory: $(BUILD)/host/ref-client/tests/test_path_memory.o \
    $(BUILD)/host/ref-client/conn/path_memory.o $(BUILD)/host/ref-client/conn/keyfile.o \
    $(BUILD)/host/ref-client/conn/device_record.o $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
