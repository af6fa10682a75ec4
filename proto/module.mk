# proto/ — message schemas. The nanopb generator (Debian's, run with Debian's python3) writes
# the C codecs to $(GEN); the host links Debian's libprotobuf-nanopb, the Cortex-M33 build
# compiles the nanopb runtime from Debian's source package in $(DEPS).
PROTO_GEN_C := $(GEN)/tether.pb.c
PROTO_GEN_H := $(GEN)/tether.pb.h
NANOPB_SRC  := $(firstword $(wildcard $(DEPS)/nanopb-0.4*))

$(PROTO_GEN_H): $(PROTO_GEN_C)
$(PROTO_GEN_C): proto/tether.proto proto/tether.options
	@mkdir -p $(GEN)
	$(PYTHON) /usr/bin/nanopb_generator.py -q -I proto -D $(GEN) proto/tether.proto

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
