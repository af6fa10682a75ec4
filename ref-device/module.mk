# ref-device/ — the reference supervisor: portable core (core/), platform ports (port/host,
# port/an505), the demo app (app/) and their tests. See ref-device/README.md.
ARM_AS      ?= arm-none-eabi-as
ARM_LD      ?= arm-none-eabi-ld
ARM_OBJCOPY ?= arm-none-eabi-objcopy
ARM_NM      ?= arm-none-eabi-nm

# Portable target control (no #if, no registers): built for the host tests and the M33.
REFDEV_TARGET_SRCS := ref-device/core/target/thumb_next_pc.c

# --- Thumb-2 next-PC decoder test: the instruction table is assembled by gas, not by us.
$(GEN)/thumb_cases.bin: ref-device/tests/thumb_cases.s
	@mkdir -p $(dir $@)
	$(ARM_AS) -mcpu=cortex-m33 -mthumb $< -o $(GEN)/thumb_cases.o
	$(ARM_LD) -Ttext=0x00200000 -e _start $(GEN)/thumb_cases.o -o $(GEN)/thumb_cases.elf
	$(ARM_OBJCOPY) -O binary $(GEN)/thumb_cases.elf $@
$(GEN)/thumb_cases.c: $(GEN)/thumb_cases.bin
	{ echo '/* generated from ref-device/tests/thumb_cases.s: do not edit */'; \
	  echo 'const unsigned char thumb_cases_bin[] = {'; xxd -i < $<; echo '};'; \
	  echo 'const unsigned int thumb_cases_bin_len = sizeof thumb_cases_bin;'; } > $@

HOST_TESTS += $(BUILD)/host/bin/test_thumb_next_pc
$(BUILD)/host/bin/test_thumb_next_pc: $(BUILD)/host/ref-device/tests/test_thumb_next_pc.o \
    $(BUILD)/host/$(GEN)/thumb_cases.o $(BUILD)/host/ref-device/core/target/thumb_next_pc.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# --- Target control on the host port's app double.
REFDEV_TARGET_SRCS += ref-device/core/target/target.c ref-device/core/target/breakpoints.c \
    ref-device/core/loop.c
REFDEV_HOST_PORT_SRCS := ref-device/port/host/port_host.c ref-device/port/host/app_double.c

HOST_TESTS += $(BUILD)/host/bin/test_target_control
$(BUILD)/host/bin/test_target_control: $(BUILD)/host/ref-device/tests/test_target_control.o \
    $(patsubst %.c,$(BUILD)/host/%.o,$(REFDEV_TARGET_SRCS) $(REFDEV_HOST_PORT_SRCS))
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
