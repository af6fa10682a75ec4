# conformance/ — the suite third parties certify against (spec/conformance.md, README
# "Certifying a device or a client"). tether-conform plays the client against a device
# under test ([CNF-021]); tether-hostdev is the reference supervisor core on the host port
# with its link on TCP, the quick device the suite and its mutants run against.
CONFORM_SRCS := $(addprefix conformance/device/,conform.c report.c exchange.c groups.c \
    cases_handshake.c cases_session.c cases_record.c cases_debug.c cases_log.c cases_attest.c \
    cases_control.c)
CONFORM_BIN := $(BUILD)/host/bin/tether-conform
$(CONFORM_BIN): $(patsubst %.c,$(BUILD)/host/%.o,$(CONFORM_SRCS) $(CLIENT_CONN_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TOOLS += $(CONFORM_BIN)

# The objects of the host device; conformance/mutants/run.sh relinks them with one
# patched source compiled in its place.
HOSTDEV_SRCS := conformance/hostdev/hostdev.c $(SUP_SRCS) $(REFDEV_TARGET_SRCS) \
    $(REFDEV_HOST_PORT_SRCS)
HOSTDEV_BIN := $(BUILD)/host/bin/tether-hostdev
$(HOSTDEV_BIN): $(patsubst %.c,$(BUILD)/host/%.o,$(HOSTDEV_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TOOLS += $(HOSTDEV_BIN)
EXTRA_TESTS += conformance/tests/hostdev_conformance.sh
