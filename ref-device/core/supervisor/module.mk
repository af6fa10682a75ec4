# ref-device/core/supervisor + core/service — the supervisor's session core and services,
# their host tests (Check, on the host port and its app double) and the QEMU integration
# test. Included by ref-device/module.mk (after its REFDEV_* lists are defined).
SUP_SRCS := $(addprefix ref-device/core/supervisor/,supervisor.c link.c session_table.c \
    replay_table.c handshake_policy.c dispatch.c outbox.c service_table.c nv_seed.c \
    time_floor.c) $(REFDEV_STORE_SRCS) \
    $(addprefix ref-device/core/service/,control.c debug.c log.c attest.c ota.c)

# The core's memory sizes come from tt_sup_config.h on the include path (supervisor.h):
# the host build and the an505 image use config/default/; the STM32U585 port its own.
SUP_CONFIG_DEFAULT := -Iref-device/core/supervisor/config/default
HOST_CFLAGS += $(SUP_CONFIG_DEFAULT)

# The client side the tests drive the supervisor with (ref-client's session driver).
SUP_TEST_CLIENT_SRCS := ref-client/conn/client.c ref-client/conn/clock.c \
    ref-device/tests/sup_harness.c

# What every supervisor test on the host links besides its own file: the core and its
# services, the client driver and harness, the target, the host port with its app double,
# the port's crypto, and the lib.
REFDEV_HOST_SUP_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(SUP_SRCS) $(SUP_TEST_CLIENT_SRCS) \
    $(REFDEV_TARGET_SRCS) $(REFDEV_HOST_PORT_SRCS) $(SUP_PORT_CRYPTO_SRCS)) $(LIB_HOST_A)

HOST_TESTS += $(BUILD)/host/bin/test_supervisor
$(BUILD)/host/bin/test_supervisor: $(BUILD)/host/ref-device/tests/test_supervisor.o \
    $(REFDEV_HOST_SUP_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# The services' one shape: every route answered exactly once, the outbox ([MSG-011]); and
# the calls between supervisor and services, from the objects' symbols.
EXTRA_TESTS += ref-device/tests/service_shape.sh
HOST_TESTS += $(BUILD)/host/bin/test_service_table
$(BUILD)/host/bin/test_service_table: $(BUILD)/host/ref-device/tests/test_service_table.o \
    $(REFDEV_HOST_SUP_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# Issue 15 §4: floods on the link, counted in service turns and bytes (host port).
HOST_TESTS += $(BUILD)/host/bin/test_link_flood
$(BUILD)/host/bin/test_link_flood: $(BUILD)/host/ref-device/tests/test_link_flood.o \
    $(REFDEV_HOST_SUP_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

HOST_TESTS += $(BUILD)/host/bin/test_session_end
$(BUILD)/host/bin/test_session_end: $(BUILD)/host/ref-device/tests/test_session_end.o \
    $(REFDEV_HOST_SUP_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# ---- The an505 supervisor image runs this core: ref-device/port/an505/main.c passes
# tt_sup_service to the loop. The lib, nanopb and mbedTLS objects are the shared Cortex-M33
# builds (lib/module.mk, proto/module.mk, lib/crypto/module.mk); the core is compiled with
# the an505 port's flags. The self-test image does not link any of it.
AN505_SUP_OBJS := $(patsubst %.c,$(AN505_OBJ)/%.o,$(SUP_SRCS))
AN505_SUP_LIB_OBJS := $(filter-out %/lib/crypto/wipe.o,$(LIB_CORE_M33_OBJS)) \
    $(PROTO_M33_OBJS) $(M33_TT_CRYPTO_OBJS) $(M33_MBEDTLS_OBJS)
$(AN505_SUP_OBJS) $(AN505_OBJ)/ref-device/port/an505/main.o: ARM_CFLAGS += $(M33_MBEDTLS_CFG) \
    $(SUP_CONFIG_DEFAULT)
$(AN505_SUP_OBJS): | $(GEN_HEADERS)
$(AN505_DIR)/supervisor.elf: $(AN505_SUP_OBJS) $(AN505_SUP_LIB_OBJS)
$(AN505_DIR)/supervisor.elf: AN505_LDFLAGS += -Wl,--gc-sections

# ---- Issue 3's integration test: the an505 firmware in QEMU, debugged over the real link
# and a real Noise session by qemu_integration (a client on lib + ref-client's driver).
QEMU_INTEGRATION_BIN := $(BUILD)/host/bin/qemu_integration
$(QEMU_INTEGRATION_BIN): $(patsubst %.c,$(BUILD)/host/%.o,ref-device/tests/qemu_integration.c \
    ref-client/conn/client.c ref-client/conn/clock.c ref-client/conn/transport_tcp.c \
    ref-client/conn/keyfile.c ref-client/conn/device_record.c) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TOOLS += $(QEMU_INTEGRATION_BIN)
# Issue 15 §4: garbage-skip rate and time to a session after a burst, over the real link.
LINK_FLOOD_BIN := $(BUILD)/host/bin/link_flood
$(LINK_FLOOD_BIN): $(patsubst %.c,$(BUILD)/host/%.o,ref-device/tests/link_flood.c \
    ref-client/conn/client.c ref-client/conn/clock.c ref-client/conn/transport_tcp.c \
    ref-client/conn/keyfile.c ref-client/conn/device_record.c) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TOOLS += $(LINK_FLOOD_BIN)
# ... and on the host port, optimised (make bench).
$(BUILD)/bench/ref-device/%.o: BENCH_CFLAGS += $(SUP_CONFIG_DEFAULT)
BENCHES += $(BUILD)/bench/bin/bench_link_host
$(BUILD)/bench/bin/bench_link_host: $(patsubst %.c,$(BUILD)/bench/%.o,\
    ref-device/tests/bench_link_host.c $(SUP_SRCS) $(REFDEV_TARGET_SRCS) \
    $(REFDEV_HOST_PORT_SRCS) \
    $(SUP_PORT_CRYPTO_SRCS)) $(LIB_BENCH_OBJS) $(BUILD)/bench/lib/crypto/wipe.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(BENCH_LIBS)
# The OTA storage's cost per chunk against the chunk's index (docs/benchmark-ota-push.md).
BENCHES += $(BUILD)/bench/bin/bench_ota_store
$(BUILD)/bench/bin/bench_ota_store: $(patsubst %.c,$(BUILD)/bench/%.o,\
    ref-device/tests/bench_ota_store.c $(REFDEV_STORE_SRCS) ref-device/port/host/flash_host.c) \
    $(LIB_BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(BENCH_LIBS)
ARM_LIBS += $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.elf
EXTRA_TESTS += ref-device/tests/qemu_integration.sh
.PHONY: integration-device
integration-device: $(QEMU_INTEGRATION_BIN) $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.elf
	ref-device/tests/qemu_integration.sh
# Issue 15 §1 with the real CLI: every command closes its session on every exit path.
EXTRA_TESTS += ref-device/tests/qemu_session_end.sh
# Issue 15 §2 "Connect": the initiation resend timer and the pending packet through
# tether-linkemu at 300 ms RTT ([HS-070]..[HS-074]).
EXTRA_TESTS += ref-device/tests/qemu_hs_resend.sh
# Issue 15 §4: the link usable right after a burst of garbage: over QEMU's UART, and over
# tether-hostdev's TCP link (256 KiB; conformance/module.mk builds tether-hostdev).
EXTRA_TESTS += ref-device/tests/qemu_link_flood.sh ref-device/tests/host_link_flood.sh
# The conformance suite against the same booted firmware (conformance/module.mk builds it).
EXTRA_TESTS += ref-device/tests/qemu_conformance.sh

# ---- The record store and the image slot under power cuts (host port's flash): every
# operation of every scenario cut in turn (ref-device/tests/test_power_cut.c).
HOST_TESTS += $(BUILD)/host/bin/test_power_cut
$(BUILD)/host/bin/test_power_cut: $(BUILD)/host/ref-device/tests/test_power_cut.o \
    $(patsubst %.c,$(BUILD)/host/%.o,$(SUP_SRCS) $(REFDEV_TARGET_SRCS) \
    $(REFDEV_HOST_PORT_SRCS) \
    $(SUP_PORT_CRYPTO_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# ---- Issue 10 on the QEMU device: records across restarts, distinct randomness per boot,
# the app from flash slot A (ref-device/tests/qemu_persist.sh, client half qemu_probe.c).
QEMU_PROBE_BIN := $(BUILD)/host/bin/qemu_probe
$(QEMU_PROBE_BIN): $(patsubst %.c,$(BUILD)/host/%.o,ref-device/tests/qemu_probe.c \
    ref-client/conn/client.c ref-client/conn/clock.c ref-client/conn/transport_tcp.c \
    ref-client/conn/keyfile.c ref-client/conn/device_record.c) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TOOLS += $(QEMU_PROBE_BIN)
EXTRA_TESTS += ref-device/tests/qemu_persist.sh
# The QEMU power-cut sweep: sampled in `make test`, every cut point in `make power-cut-sweep`.
EXTRA_TESTS += ref-device/tests/qemu_power_cut.sh
.PHONY: power-cut-sweep
power-cut-sweep: $(QEMU_PROBE_BIN) $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.bin \
    $(BUILD)/host/bin/tether $(BUILD)/host/bin/test_power_cut
	$(BUILD)/host/bin/test_power_cut
	ref-device/tests/qemu_power_cut.py
	ref-device/tests/qemu_power_cut_ota.py

# ---- The OTA service on the host port (its flash store, the app double): issue 11.
HOST_TESTS += $(BUILD)/host/bin/test_ota_service
$(BUILD)/host/bin/test_ota_service: $(BUILD)/host/ref-device/tests/test_ota_service.o \
    $(BUILD)/host/lib/tests/ota_fixture.o $(REFDEV_HOST_SUP_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
# OTA end to end on the QEMU device with the tether CLI (push, refusals, resume after a kill).
EXTRA_TESTS += ref-device/tests/qemu_ota.sh
# OTA when things go wrong, on the QEMU device: link cuts (tether-linkemu), QEMU killed
# mid-transfer, a test image that faults at start (make app-fault) reverted by itself,
# refused manifests that change nothing, a bad stored image refused at verify.
EXTRA_TESTS += ref-device/tests/qemu_ota_faults.sh
