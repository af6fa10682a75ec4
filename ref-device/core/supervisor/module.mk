# ref-device/core/supervisor + core/service — the supervisor's session core and services,
# their host tests (Check, on the host port and its app double) and the QEMU integration
# test. Included by ref-device/module.mk (after its REFDEV_* lists are defined).
SUP_SRCS := $(addprefix ref-device/core/supervisor/,supervisor.c link.c session_table.c \
    replay_table.c handshake_policy.c dispatch.c) \
    $(addprefix ref-device/core/service/,control.c debug.c log.c attest.c)

# The client side the tests drive the supervisor with (ref-client's session driver).
SUP_TEST_CLIENT_SRCS := ref-client/conn/client.c ref-device/tests/sup_harness.c

HOST_TESTS += $(BUILD)/host/bin/test_supervisor
$(BUILD)/host/bin/test_supervisor: $(BUILD)/host/ref-device/tests/test_supervisor.o \
    $(patsubst %.c,$(BUILD)/host/%.o,$(SUP_SRCS) $(SUP_TEST_CLIENT_SRCS) \
    $(REFDEV_TARGET_SRCS) $(REFDEV_HOST_PORT_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
