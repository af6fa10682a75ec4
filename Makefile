# Tether — top-level build. `make setup` once, then `make test`.
#
# Each part of the tree contributes a fragment (*/module.mk) that adds objects, tests and
# benchmarks to the variables below; this file holds only the shared rules. Build outputs go
# to $(BUILD) (ignored by git). Host code: C11, strict warnings, tests under ASan+UBSan.

BUILD      ?= build
PYTHON     ?= /usr/bin/python3   # Debian's interpreter: it has the protobuf module nanopb needs
HOST_CC    ?= gcc
ARM_CC     ?= arm-none-eabi-gcc
DEPS       := $(BUILD)/deps
GEN        := $(BUILD)/gen

WARN       := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS ?= $(WARN) -g -O1 $(SAN) -D_DEFAULT_SOURCE
HOST_CFLAGS += -Ilib/include -I$(GEN)
HOST_LDFLAGS ?= $(SAN)
# Benchmarks are built optimised and without sanitizers so their figures mean something.
BENCH_CFLAGS := $(WARN) -O2 -D_DEFAULT_SOURCE -Ilib/include -I$(GEN)

ARM_CPU    := -mcpu=cortex-m33 -mthumb -mfloat-abi=soft
ARM_CFLAGS ?= $(WARN) -Os -g $(ARM_CPU) -ffunction-sections -fdata-sections -Ilib/include -I$(GEN)

HOST_TESTS :=
HOST_TOOLS :=     # host programs `make test` builds (CLI, tools)
GEN_HEADERS :=   # generated headers every object may include (fragments add theirs)
BENCHES    :=
ARM_LIBS   :=

.PHONY: all setup test bench check-setup clean run
all: test

setup:
	tools/setup.sh $(BUILD)

# Fragments, in dependency order.
include proto/module.mk
include lib/module.mk
-include ref-device/module.mk
-include ref-client/module.mk
-include ref-client/cli/module.mk
-include ref-client/run.mk
-include relay/module.mk
-include ref-client/bench/bench.mk
-include conformance/module.mk
-include fuzz/module.mk

# Generic compile rules: host (sanitized), bench (optimised), Cortex-M33.
$(BUILD)/host/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/m33/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CFLAGS) -MMD -MP -c $< -o $@

check-setup:
	@tools/setup.sh --check $(BUILD)

# Test scratch space (mktemp) under $(BUILD)/tmp: the QEMU tests' devices, flash files
# included, stay under build/ and are removed by each test on exit. What `tether ota push`
# remembers of a path ([REL-023]) goes there too, not into the user's ~/.local/state.
test: check-setup $(HOST_TESTS) $(HOST_TOOLS) $(ARM_LIBS)
	@mkdir -p $(BUILD)/tmp
	TMPDIR=$(abspath $(BUILD))/tmp TETHER_STATE_DIR=$(abspath $(BUILD))/tmp/state \
	    tools/run-tests $(HOST_TESTS) $(EXTRA_TESTS)

bench: $(BENCHES)
	@for b in $(BENCHES); do $$b || exit 1; done

clean:
	rm -rf $(BUILD)/host $(BUILD)/bench $(BUILD)/m33 $(BUILD)/gen

-include $(shell find $(BUILD)/host $(BUILD)/bench $(BUILD)/m33 -name '*.d' -type f 2>/dev/null)
