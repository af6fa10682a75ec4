# ref-device/port/stm32u585 — the STM32U585 (B-U585I-IOT02A) port: host tests of its logic,
# the Secure image (supervisor) and the demo app for the board, `make size`, ELF checks.
# See ref-device/port/stm32u585/README.md.
U585_DIR := ref-device/port/stm32u585
U585_OUT := $(BUILD)/stm32u585

# ---- Host unit tests of the port's logic (no registers).
U585_LOGIC_SRCS := $(addprefix $(U585_DIR)/,layout.c optbytes.c dbg_encode.c mon_step.c \
    flash.c store.c)
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
    $(U585_DIR)/dbg_encode.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
$(BUILD)/host/bin/test_stm32u585_step: $(call U585_HOST_OBJ,ref-device/tests/test_stm32u585_step.c \
    $(U585_DIR)/mon_step.c $(GEN)/u585_mask_cases.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
$(BUILD)/host/bin/test_stm32u585_flash: $(call U585_HOST_OBJ,ref-device/tests/test_stm32u585_flash.c \
    $(U585_DIR)/flash.c $(U585_DIR)/store.c $(U585_DIR)/layout.c lib/framing/crc.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
