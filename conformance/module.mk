# conformance/ — the suite third parties certify against (spec/conformance.md, README
# "Certifying a device or a client"). tether-conform plays the client against a device
# under test ([CNF-021]); tether-hostdev is the reference supervisor core on the host port
# with its link on TCP, the quick device the suite and its mutants run against.
CONFORM_SRCS := $(addprefix conformance/device/,conform.c report.c exchange.c groups.c \
    cases_handshake.c cases_session.c cases_wire.c cases_record.c cases_debug.c cases_log.c cases_attest.c \
    cases_control.c cases_spec11.c cases_envelope.c \
    cases_limits.c cases_ota.c cases_initiation.c cases_pending.c cases_message.c \
    ota_exchange.c cases_ota_manifest.c cases_ota_transfer.c cases_ota_resume.c cases_ota_state.c \
    cases_ota_install.c) conformance/client/client_suite.c conformance/client/device_double.c \
    ref-client/conn/link.c ref-client/conn/transport_mqtt.c ref-client/conn/mqtt_binding.c
CONFORM_BIN := $(BUILD)/host/bin/tether-conform
$(CONFORM_BIN): $(patsubst %.c,$(BUILD)/host/%.o,$(CONFORM_SRCS) $(CLIENT_CONN_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS) $(RELAY_LIBS)
HOST_TOOLS += $(CONFORM_BIN)

# The objects of the host device; conformance/mutants/run.sh relinks them with one
# patched source compiled in its place.
HOSTDEV_SRCS := conformance/hostdev/hostdev.c $(SUP_SRCS) $(REFDEV_TARGET_SRCS) \
    $(REFDEV_HOST_PORT_SRCS) $(SUP_PORT_CRYPTO_SRCS)
HOSTDEV_BIN := $(BUILD)/host/bin/tether-hostdev
$(HOSTDEV_BIN): $(patsubst %.c,$(BUILD)/host/%.o,$(HOSTDEV_SRCS)) $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TOOLS += $(HOSTDEV_BIN)
EXTRA_TESTS += conformance/tests/hostdev_conformance.sh conformance/tests/client_conformance.sh \
  conformance/tests/hostdev_wire_resent.sh
# The whole device suite through mosquitto and tether-bridge in front of QEMU an505: a device
# behind a broker, 0 failures and exactly the byte-stream cases N/A.
EXTRA_TESTS += conformance/tests/relay_conformance.sh

# The suite is shown to bite (conformance/mutants/): broken variants of the device built
# from patches on a copy of the sources. `make conform-mutants` runs them all (the cases
# naming each violated requirement; CONFORM_MUTANTS_FULL=1 for the whole suite) and writes
# the score to docs/conformance-mutants.md; `make test` runs three as a smoke test.
MUTANT_ENV_FILE := $(BUILD)/host/conformance/mutant.env
$(MUTANT_ENV_FILE): conformance/module.mk lib/module.mk ref-client/module.mk ref-client/cli/module.mk \
    ref-device/module.mk relay/module.mk Makefile
	@mkdir -p $(dir $@)
	@{ echo 'HOSTDEV_OBJS="$(patsubst %.c,$(BUILD)/host/%.o,$(HOSTDEV_SRCS))"'; \
	   echo 'TETHER_OBJS="$(TETHER_OBJS)"'; echo 'TETHER_LIBS="$(TETHER_LIBS)"'; \
	   echo 'LIB_A="$(LIB_HOST_A)"'; echo 'MUT_CFLAGS="$(HOST_CFLAGS)"'; \
	   echo 'MUT_LDFLAGS="$(HOST_LDFLAGS)"'; echo 'MUT_LIBS="$(HOST_LIBS)"'; \
	   echo 'BRIDGE_OBJS="$(patsubst %.c,$(BUILD)/host/%.o,$(BRIDGE_SRCS))"'; \
	   echo 'RELAY_LIBS="$(RELAY_LIBS)"'; } > $@
HOST_TOOLS += $(MUTANT_ENV_FILE)
EXTRA_TESTS += conformance/tests/mutants_smoke.sh
.PHONY: conform-mutants
conform-mutants: $(HOSTDEV_BIN) $(CONFORM_BIN) $(TETHER_BIN) $(BRIDGE_BIN) $(MUTANT_ENV_FILE)
	BUILD=$(BUILD) conformance/mutants/run.sh $(if $(CONFORM_MUTANTS_FULL),--full) \
	    --md docs/conformance-mutants.md

# The requirement coverage matrix (tools/conform_coverage.py): `make conform-coverage`
# regenerates docs/conformance-coverage.md; `make test` checks that every ID a case cites
# exists in spec/ and prints the figure.
.PHONY: conform-coverage
conform-coverage: $(CONFORM_BIN)
	$(CONFORM_BIN) --list > $(BUILD)/host/conformance/cases.txt
	$(PYTHON) tools/conform_coverage.py --cases $(BUILD)/host/conformance/cases.txt \
	    --out docs/conformance-coverage.md
EXTRA_TESTS += conformance/tests/coverage_check.sh
