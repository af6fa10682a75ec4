# ref-device/port/stm32u585 — the STM32U585 (B-U585I-IOT02A) port: host tests of its logic,
# the Secure image (supervisor) and the demo app for the board, `make size`, ELF checks.
# See ref-device/port/stm32u585/README.md.
U585_DIR := ref-device/port/stm32u585
U585_OUT := $(BUILD)/stm32u585

# ---- Host unit tests of the port's logic (no registers).
U585_LOGIC_SRCS := $(addprefix $(U585_DIR)/,layout.c optbytes.c dbg_encode.c mon_step.c \
    flash.c flash_areas.c app_slot.c dwt_watch.c)
U585_HOST_OBJ = $(patsubst %.c,$(BUILD)/host/%.o,$(1))

$(GEN)/u585_mask_cases.bin: ref-device/tests/stm32u585_mask_cases.s
	@mkdir -p $(dir $@)
	arm-none-eabi-as -mcpu=cortex-m33 -mthumb $< -o $(GEN)/u585_mask_cases.o
	arm-none-eabi-ld -Ttext=0 -e _start $(GEN)/u585_mask_cases.o -o $(GEN)/u585_mask_cases.elf
	arm-none-eabi-objcopy -O binary $(GEN)/u585_mask_cases.elf $@
$(GEN)/u585_mask_cases.c: $(GEN)/u585_mask_cases.bin
	{ echo '/* generated from ref-device/tests/stm32u585_mask_cases.s: do not edit */'; \
	  echo 'extern const unsigned char u585_mask_cases_bin[];'; \
	  echo 'extern const unsigned int u585_mask_cases_bin_len;'; \
	  echo 'const unsigned char u585_mask_cases_bin[] = {'; xxd -i < $<; echo '};'; \
	  echo 'const unsigned int u585_mask_cases_bin_len = sizeof u585_mask_cases_bin;'; } > $@

HOST_TESTS += $(BUILD)/host/bin/test_stm32u585_layout $(BUILD)/host/bin/test_stm32u585_dbg \
    $(BUILD)/host/bin/test_stm32u585_step $(BUILD)/host/bin/test_stm32u585_flash
$(BUILD)/host/bin/test_stm32u585_layout: $(call U585_HOST_OBJ,ref-device/tests/test_stm32u585_layout.c \
    $(U585_DIR)/layout.c $(U585_DIR)/optbytes.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
$(BUILD)/host/bin/test_stm32u585_dbg: $(call U585_HOST_OBJ,ref-device/tests/test_stm32u585_dbg.c \
    $(U585_DIR)/dbg_encode.c $(U585_DIR)/dwt_watch.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
$(BUILD)/host/bin/test_stm32u585_step: $(call U585_HOST_OBJ,ref-device/tests/test_stm32u585_step.c \
    $(U585_DIR)/mon_step.c $(GEN)/u585_mask_cases.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
$(BUILD)/host/bin/test_stm32u585_flash: $(call U585_HOST_OBJ,ref-device/tests/test_stm32u585_flash.c \
    ref-device/tests/u585_flash_model.c $(U585_DIR)/flash.c $(U585_DIR)/flash_areas.c $(U585_DIR)/layout.c \
    ref-device/core/store/record_store.c lib/framing/crc.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# OTA on the board's slots: the engine over the real store, areas and driver on the model.
HOST_TESTS += $(BUILD)/host/bin/test_stm32u585_ota
$(BUILD)/host/bin/test_stm32u585_ota: $(call U585_HOST_OBJ,ref-device/tests/test_stm32u585_ota.c \
    ref-device/tests/u585_flash_model.c $(U585_DIR)/flash.c $(U585_DIR)/flash_areas.c \
    $(U585_DIR)/layout.c $(U585_DIR)/app_slot.c ref-device/core/store/record_store.c \
    ref-device/core/store/ota_store.c ref-device/core/store/image_slot.c \
    lib/tests/ota_fixture.c) $(BUILD)/host/libtether.a | $(GEN)/u585_factory/store.bin
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $(filter %.o %.a,$^) -o $@ $(HOST_LIBS)
# tools/factory_store.py's output for a made-up app, read back by the device's record store.
$(BUILD)/host/ref-device/tests/test_stm32u585_ota.o: HOST_CFLAGS += \
    -DU585_FACTORY_DIR='"$(GEN)/u585_factory"'
$(GEN)/u585_factory/app.bin:
	@mkdir -p $(dir $@)
	$(PYTHON) -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + (i >> 8)) & 255 for i in range(5000)))' > $@
$(GEN)/u585_factory/store.bin: $(GEN)/u585_factory/app.bin $(U585_DIR)/tools/factory_store.py \
    ref-device/tools/tt_flash.py
	$(PYTHON) $(U585_DIR)/tools/factory_store.py $< $@ --app-version 0x000203

# ---- The Secure image (supervisor) for the board.
# Every object of the image is compiled here, with the flags of its home module plus
# -fstack-usage -fcallgraph-info=su (they change no code), so the stack check sees all of it
# and `make size` can group by path. Same sources and code-generation flags as the shared
# $(BUILD)/m33/*.a archives.
U585_OBJ := $(BUILD)/m33/u585
# The shared ARMv8-M files (ARMV8M_*, ref-device/module.mk) take this chip's facts from
# chip.c, usart.c and dbgmon.c (ref-device/port/armv8m/chip.h).
U585_PORT_SRCS := $(addprefix $(U585_DIR)/,startup.c clock.c trustzone.c usart.c rng.c iwdg.c \
    platform.c chip.c dbgmon.c main.c) $(U585_LOGIC_SRCS) $(ARMV8M_SRCS) $(ARMV8M_SUP_SRCS)
U585_CORE_SRCS := ref-device/core/loop.c ref-device/core/target/target.c \
    ref-device/core/target/breakpoints.c ref-device/core/target/watchpoints.c \
    ref-device/core/target/thumb_next_pc.c
# The supervisor's portable core and services (the list of core/supervisor/module.mk, which
# is included after this fragment), sized for the board by config/tt_sup_config.h.
U585_SUP_SRCS := $(addprefix ref-device/core/supervisor/,supervisor.c link.c session_table.c \
    replay_table.c handshake_policy.c dispatch.c nv_seed.c time_floor.c outbox.c \
    service_table.c) $(REFDEV_STORE_SRCS) \
    $(addprefix ref-device/core/service/,control.c debug.c log.c attest.c ota.c)
U585_LIB_SRCS := $(filter-out lib/msg/%,$(LIB_CORE_SRCS))
U585_CODEC_SRCS := lib/msg/messages.c lib/msg/registers.c
U585_TTCRYPTO_SRCS := $(M33_TT_CRYPTO_SRCS)
U585_SU := -fstack-usage -fcallgraph-info=su
U585_CFLAGS = $(ARM_CFLAGS) -mcmse $(U585_SU) $(M33_MBEDTLS_CFG) -I$(NANOPB_SRC) \
    -I$(U585_DIR)/config

U585_OBJS := $(patsubst %.c,$(U585_OBJ)/%.o,$(U585_PORT_SRCS) $(U585_CORE_SRCS) $(U585_SUP_SRCS) \
    $(U585_LIB_SRCS) $(U585_CODEC_SRCS) $(U585_TTCRYPTO_SRCS)) \
    $(U585_OBJ)/$(ARMV8M_DIR)/park.o $(U585_OBJ)/gen/err_names.o $(U585_OBJ)/gen/tether.pb.o \
    $(patsubst %,$(U585_OBJ)/nanopb/%.o,pb_common pb_encode pb_decode) \
    $(patsubst %,$(U585_OBJ)/mbedtls/%.o,$(M33_MBEDTLS_MODULES))

$(U585_OBJ)/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(U585_CFLAGS) -MMD -MP -c $< -o $@
$(U585_OBJ)/$(ARMV8M_DIR)/park.o: $(ARMV8M_ASM)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CPU) -c $< -o $@
$(U585_OBJ)/gen/%.o: $(GEN)/%.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(U585_CFLAGS) -c $< -o $@
$(U585_OBJ)/nanopb/%.o: $(NANOPB_SRC)/%.c
	@mkdir -p $(dir $@)
	$(ARM_CC) $(filter-out -Wmissing-prototypes,$(ARM_CFLAGS)) $(U585_SU) -I$(NANOPB_SRC) -c $< -o $@
$(U585_OBJ)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c lib/crypto/mbedtls_config_m33.h
	@mkdir -p $(dir $@)
	$(ARM_CC) -std=c99 -Os -g $(ARM_CPU) -ffunction-sections -fdata-sections $(U585_SU) \
	    $(M33_MBEDTLS_CFG) -c $< -o $@

U585_LD := $(U585_DIR)/secure.ld
$(U585_OUT)/supervisor.elf: $(U585_OBJS) $(U585_LD)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CPU) -mcmse -nostartfiles --specs=nano.specs --specs=nosys.specs \
	    -T $(U585_LD) -Wl,--gc-sections -Wl,--cmse-implib \
	    -Wl,--out-implib=$(U585_OUT)/secure_cmse_implib.o -Wl,-Map=$@.map \
	    $(filter %.o,$^) -lgcc -o $@
$(U585_OUT)/secure_cmse_implib.o: $(U585_OUT)/supervisor.elf

# ---- The demo app, board variant: the same sources, the board's linker script.
U585_APP_OBJS := $(APP_SRCS:%.c=$(BUILD)/m33/app/%.o)
$(U585_OUT)/app.elf: $(U585_APP_OBJS) $(U585_OUT)/secure_cmse_implib.o ref-device/app/stm32u585/app.ld
	$(ARM_CC) $(ARM_CPU) -nostartfiles -nostdlib -T ref-device/app/stm32u585/app.ld \
	    $(filter %.o,$^) -lgcc -o $@
$(U585_OUT)/%.bin: $(U585_OUT)/%.elf
	arm-none-eabi-objcopy -O binary $< $@

ARM_LIBS += $(U585_OUT)/supervisor.elf $(U585_OUT)/app.elf $(U585_OUT)/supervisor.bin \
    $(U585_OUT)/app.bin
EXTRA_TESTS += ref-device/tests/stm32u585_elf_checks.sh

.PHONY: size
size: $(U585_OUT)/supervisor.elf
	arm-none-eabi-size $<
	$(PYTHON) $(U585_DIR)/tools/size_report.py $<.map $(U585_DIR)/secure.ld
