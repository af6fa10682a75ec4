# conformance/ — the suite third parties certify against. tether-conform plays the client
# against a device under test (spec/conformance.md [CNF-021]); `make test` runs it against
# the reference device when the reference firmware can be booted (ref-device's module.mk).
CONFORM_SRCS := conformance/device/conform.c conformance/device/cases_handshake.c \
    conformance/device/cases_session.c conformance/device/cases_spec11.c
CONFORM_BIN := $(BUILD)/host/bin/tether-conform
$(CONFORM_BIN): $(patsubst %.c,$(BUILD)/host/%.o,$(CONFORM_SRCS) $(CLIENT_CONN_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TOOLS += $(CONFORM_BIN)
