# ref-device/ — the reference supervisor: portable core (core/), platform ports (port/host,
# port/armv8m, port/an505), the demo app (app/) and their tests. See ref-device/README.md.
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
    ref-device/core/target/watchpoints.c \
    ref-device/core/loop.c
REFDEV_HOST_PORT_SRCS := ref-device/port/host/port_host.c ref-device/port/host/app_double.c \
    ref-device/port/host/flash_host.c
# The record store (power-cut safe, over port.h's flash contract): every port links it.
REFDEV_STORE_SRCS := ref-device/core/store/record_store.c ref-device/core/store/image_slot.c \
    ref-device/core/store/ota_store.c
# The crypto backend the ports give the supervisor (port.h tt_port_crypto): supervisor builds
# only (it needs lib's mbedTLS backend).
SUP_PORT_CRYPTO_SRCS := ref-device/port/crypto_mbedtls.c

HOST_TESTS += $(BUILD)/host/bin/test_target_control
$(BUILD)/host/bin/test_target_control: $(BUILD)/host/ref-device/tests/test_target_control.o \
    $(patsubst %.c,$(BUILD)/host/%.o,$(REFDEV_TARGET_SRCS) $(REFDEV_HOST_PORT_SRCS))
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# --- QEMU mps2-an505 firmware: supervisor (Secure), self-test (Secure) and demo app (NS).
AN505_DIR := $(BUILD)/an505
AN505_OBJ := $(BUILD)/m33/an505
# The ARMv8-M code every Cortex-M33-class port shares (port/armv8m/README.md); the chip's
# half of its contract (armv8m/chip.h) is an505/chip.c and uart.c. identity.c measures
# images with mbedTLS: only supervisor images link it.
ARMV8M_DIR := ref-device/port/armv8m
ARMV8M_SRCS := $(addprefix $(ARMV8M_DIR)/,parked_context.c nsc_api.c link_ring.c tick.c fault.c \
    prov_keys.c)
ARMV8M_ASM := $(ARMV8M_DIR)/park.S
ARMV8M_SUP_SRCS := $(ARMV8M_DIR)/identity.c $(SUP_PORT_CRYPTO_SRCS)
AN505_PORT_SRCS := $(addprefix ref-device/port/an505/,startup.c secure_init.c uart.c \
    platform.c chip.c flash.c) $(ARMV8M_SRCS) $(ARMV8M_ASM)
AN505_SRCS := $(AN505_PORT_SRCS) $(REFDEV_TARGET_SRCS) lib/crypto/wipe.c
AN505_OBJS := $(patsubst %,$(AN505_OBJ)/%.o,$(basename $(AN505_SRCS)))
AN505_LD := ref-device/port/an505/secure.ld
AN505_LDFLAGS = $(ARM_CPU) -mcmse -nostartfiles --specs=nosys.specs -T $(AN505_LD) \
    -Wl,--cmse-implib -Wl,-Map=$@.map

$(AN505_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CFLAGS) -mcmse -I$(GEN) -MMD -MP -c $< -o $@
$(AN505_OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CPU) -c $< -o $@

# The supervisor's link makes the import library (veneer addresses) the app links with. The
# self-test image is linked from the same objects in the same order, so its veneers land at
# the same addresses; the link checks that, so one app.elf fits both. (ld's --in-implib
# refuses our layout: the section keeper word moves the first veneer.)
# main.o and identity.o (measurements: SHA-256 from mbedTLS) are the supervisor's only; the
# self-test image links neither.
AN505_MAIN_OBJS := $(patsubst %.c,$(AN505_OBJ)/%.o,ref-device/port/an505/main.c \
    ref-device/port/an505/boot_app.c $(ARMV8M_SUP_SRCS))
$(AN505_OBJ)/$(ARMV8M_DIR)/identity.o $(AN505_OBJ)/ref-device/port/an505/boot_app.o \
    $(AN505_OBJ)/ref-device/port/crypto_mbedtls.o: \
    ARM_CFLAGS += $(M33_MBEDTLS_CFG) $(SUP_CONFIG_DEFAULT)
$(AN505_DIR)/supervisor.elf: $(AN505_OBJS) $(AN505_MAIN_OBJS) $(AN505_LD)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(AN505_LDFLAGS) -Wl,--out-implib=$(AN505_DIR)/secure_cmse_implib.o \
	    $(filter %.o,$^) -o $@
$(AN505_DIR)/secure_cmse_implib.o: $(AN505_DIR)/supervisor.elf

# The demo app: -O0 -g so a debugger sees every local; no libc.
APP_SRCS := ref-device/app/startup_app.c ref-device/app/main.c
APP_OBJS := $(APP_SRCS:%.c=$(BUILD)/m33/app/%.o)
APP_CFLAGS := $(WARN) -O0 -g3 $(ARM_CPU) -ffreestanding -Iref-device/app
$(BUILD)/m33/app/%.o: %.c
	@mkdir -p $(dir $@)
	$(ARM_CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@
$(AN505_DIR)/app.elf: $(APP_OBJS) $(AN505_DIR)/secure_cmse_implib.o ref-device/app/app.ld
	$(ARM_CC) $(ARM_CPU) -nostartfiles -nostdlib -T ref-device/app/app.ld \
	    $(filter %.o,$^) -lgcc -o $@
# The image provisioning writes into flash slot A: vector table to the end of the .data load
# image, exactly what the app's measurement covers (app.ld: _app_image_size).
$(AN505_DIR)/app.bin: $(AN505_DIR)/app.elf
	$(ARM_OBJCOPY) -O binary $< $@

# App symbols for the self-test, from the app ELF (thumb functions have bit 0 set).
$(GEN)/an505_app_syms.h: $(AN505_DIR)/app.elf
	@mkdir -p $(dir $@)
	{ echo '/* generated from app.elf by ref-device/module.mk: do not edit */'; \
	  $(ARM_NM) -S $< | awk 'NF == 4 && ($$4 ~ /^demo_/ || $$4 == "app_reset") \
	    { printf "#define APP_%s 0x%su\n#define APP_SIZE_%s 0x%su\n", $$4, $$1, $$4, $$2 }'; \
	} > $@
$(AN505_OBJ)/ref-device/port/an505/selftest.o: $(GEN)/an505_app_syms.h
# The link ring's RX path uses lib's frame-end watch (and its CRC-8).
AN505_SELFTEST_LIB_OBJS := $(BUILD)/m33/lib/framing/watch.o $(BUILD)/m33/lib/framing/crc.o
$(AN505_DIR)/selftest.elf: $(AN505_OBJS) $(AN505_OBJ)/ref-device/port/an505/selftest.o \
    $(AN505_LD) $(AN505_DIR)/secure_cmse_implib.o $(AN505_SELFTEST_LIB_OBJS)
	$(ARM_CC) $(AN505_LDFLAGS) -Wl,--out-implib=$(AN505_DIR)/selftest_cmse_implib.o \
	    $(AN505_OBJS) $(AN505_OBJ)/ref-device/port/an505/selftest.o $(AN505_SELFTEST_LIB_OBJS) -o $@
	@$(ARM_NM) $(AN505_DIR)/secure_cmse_implib.o > $@.veneers.a
	@$(ARM_NM) $(AN505_DIR)/selftest_cmse_implib.o > $@.veneers.b
	@cmp -s $@.veneers.a $@.veneers.b || { echo "veneer addresses differ"; rm -f $@; exit 1; }

ARM_LIBS += $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.elf $(AN505_DIR)/app.bin \
    $(AN505_DIR)/selftest.elf
EXTRA_TESTS += ref-device/tests/qemu_selftest.sh

.PHONY: run-device selftest-device
run-device: $(AN505_DIR)/supervisor.elf $(AN505_DIR)/app.bin
	ref-device/tools/run-device.sh $(AN505_DIR)
selftest-device: $(AN505_DIR)/selftest.elf $(AN505_DIR)/app.elf
	ref-device/tests/qemu_selftest.sh
-include ref-device/app/v2.mk
-include ref-device/app/fault.mk
-include ref-device/port/stm32u585/module.mk
-include ref-device/core/supervisor/module.mk
-include ref-device/port/an505/single.mk
