# proto/ — message schemas. The nanopb generator (Debian's, run with Debian's python3) writes
# the C codecs to $(GEN); the host links Debian's libprotobuf-nanopb, the Cortex-M33 build
# compiles the nanopb runtime from Debian's source package in $(DEPS).
# Host compatibility (checked for Debian 12's 0.4.7-2): generator, headers and library are the
# same release (PB_PROTO_HEADER_VERSION 40; the generated header #errors on a mismatch); the
# library is built with the default 16-bit pb_size_t (our fields need no PB_FIELD_32BIT: the
# generated .c would fail a static assert) and with PB_ENABLE_MALLOC, which changes no struct
# layout and is never exercised by these static-only messages. The M33 runtime is built
# without malloc.
PROTO_GEN_C := $(GEN)/tether.pb.c
PROTO_GEN_H := $(GEN)/tether.pb.h
NANOPB_SRC  := $(firstword $(wildcard $(DEPS)/nanopb-0.4*))

# One generator run makes both files: a pattern rule with two targets is one grouped rule in
# GNU make, so a deleted header is regenerated too (not left to a stale .c's timestamp).
$(GEN)/%.pb.c $(GEN)/%.pb.h: proto/%.proto proto/%.options
	@mkdir -p $(GEN)
	$(PYTHON) /usr/bin/nanopb_generator.py -q -I proto -D $(GEN) $<

# Every object may include the generated header: the generic rules wait for it.
GEN_HEADERS += $(PROTO_GEN_H)

PROTO_HOST_OBJ := $(BUILD)/host/gen/tether.pb.o
$(BUILD)/host/gen/tether.pb.o: $(PROTO_GEN_C)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@
$(BUILD)/bench/gen/tether.pb.o: $(PROTO_GEN_C)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(BENCH_CFLAGS) -c $< -o $@

# Cortex-M33: generated codecs + nanopb runtime from the Debian source package.
PROTO_M33_OBJS := $(BUILD)/m33/gen/tether.pb.o \
    $(patsubst %,$(BUILD)/m33/nanopb/%.o,pb_common pb_encode pb_decode)
$(BUILD)/m33/gen/tether.pb.o: $(PROTO_GEN_C)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CFLAGS) -I$(NANOPB_SRC) -c $< -o $@
$(BUILD)/m33/nanopb/%.o: $(NANOPB_SRC)/%.c
	@mkdir -p $(dir $@)
	$(ARM_CC) $(filter-out -Wmissing-prototypes,$(ARM_CFLAGS)) -I$(NANOPB_SRC) -c $< -o $@
$(BUILD)/m33/libtether_proto_m33.a: $(PROTO_M33_OBJS)
	rm -f $@ && arm-none-eabi-ar rcs $@ $^
ARM_LIBS += $(BUILD)/m33/libtether_proto_m33.a
ARM_CFLAGS += -I$(NANOPB_SRC)
