# lib/ — the shared portable core. Each component adds its own fragment:
#   LIB_CORE_SRCS   portable sources with no crypto backend (framing, record, noise, …)
#   LIB_SODIUM_SRCS libsodium backend (client)   LIB_MBEDTLS_SRCS mbedTLS backend (device)
#   LIB_P256_SRCS   ECDSA P-256 via mbedTLS (both sides)
LIB_CORE_SRCS :=
LIB_SODIUM_SRCS :=
LIB_MBEDTLS_SRCS :=
LIB_P256_SRCS :=
LIB_HOST_SRCS :=
LIB_GEN_OBJS_HOST :=
HOST_LIBS := -lcheck_pic -lsubunit -lrt -lm -lsodium -lmbedcrypto -lprotobuf-nanopb \
    $(shell pkg-config --libs jansson)
-include $(wildcard lib/*/module.mk)

# Every portable core source also builds for the Cortex-M33 (no malloc, no I/O, no #if): the
# archive is in ARM_LIBS so `make test` proves it. Defined after the fragments so it sees all
# of LIB_CORE_SRCS.
ARM_AR ?= arm-none-eabi-ar
LIB_CORE_M33_OBJS := $(LIB_CORE_SRCS:%.c=$(BUILD)/m33/%.o) $(BUILD)/m33/gen/err_names.o
ARM_LIBS += $(BUILD)/m33/libtether_core_m33.a
$(BUILD)/m33/libtether_core_m33.a: $(LIB_CORE_M33_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(ARM_AR) rcs $@ $^

# Everything above as one host archive (sanitized), for tests and host tools that want the
# whole core rather than a hand-picked list.
LIB_HOST_ALL := $(sort $(LIB_CORE_SRCS) $(LIB_SODIUM_SRCS) $(LIB_MBEDTLS_SRCS) $(LIB_P256_SRCS) $(LIB_HOST_SRCS))
LIB_HOST_A := $(BUILD)/host/libtether.a
$(LIB_HOST_A): $(patsubst %.c,$(BUILD)/host/%.o,$(LIB_HOST_ALL)) $(LIB_GEN_OBJS_HOST)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

HOST_TESTS += $(BUILD)/host/bin/test_session
$(BUILD)/host/bin/test_session: $(BUILD)/host/lib/tests/test_session.o $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# Benchmarks: the same core built -O2 without sanitizers.
LIB_BENCH_OBJS := $(patsubst %.c,$(BUILD)/bench/%.o,$(LIB_HOST_ALL)) $(BUILD)/bench/gen/err_names.o $(BUILD)/bench/gen/tether.pb.o
BENCH_LIBS := -lsodium -lmbedcrypto -lprotobuf-nanopb -lm
BENCHES += $(BUILD)/bench/bin/bench_session
$(BUILD)/bench/bin/bench_session: $(BUILD)/bench/lib/bench/bench_session.o $(LIB_BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(BENCH_LIBS)
BENCHES += $(BUILD)/bench/bin/bench_messages
$(BUILD)/bench/bin/bench_messages: $(BUILD)/bench/lib/bench/bench_messages.o $(LIB_BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $^ -o $@ $(BENCH_LIBS)

HOST_TESTS += $(BUILD)/host/bin/test_hs_resend
$(BUILD)/host/bin/test_hs_resend: $(BUILD)/host/lib/tests/test_hs_resend.o $(LIB_HOST_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
