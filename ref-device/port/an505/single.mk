# ref-device/port/an505/single.mk — the an505 supervisor in the SINGLE OTA layout (issue 11
# §1 "both layouts"): `make an505-single` → build/an505-single/supervisor.elf. The same
# sources as build/an505/supervisor.elf; only tt_sup_config.h differs (config/single/ first
# on the include path), so every object that includes it (the supervisor core and services,
# main.c, boot_app.c, identity.c, crypto_mbedtls.c) is compiled again here, and the port's
# other objects, lib, nanopb and mbedTLS are shared. The demo apps (app.elf, app-v2.elf) are
# linked once against the AB image's veneers: the link below checks that this image's
# veneers are at the same addresses, so the same app binaries run on both.
# Included by ref-device/module.mk after core/supervisor/module.mk.
AN505S_DIR := $(BUILD)/an505-single
AN505S_OBJ := $(BUILD)/m33/an505-single
AN505S_CFG := -Iref-device/port/an505/config/single
AN505S_SRCS := $(SUP_SRCS) ref-device/port/an505/main.c ref-device/port/an505/boot_app.c \
    $(ARMV8M_SUP_SRCS)
AN505S_OBJS := $(patsubst %.c,$(AN505S_OBJ)/%.o,$(AN505S_SRCS))

$(AN505S_OBJ)/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(ARM_CFLAGS) $(M33_MBEDTLS_CFG) $(AN505S_CFG) -mcmse -I$(GEN) -MMD -MP -c $< -o $@

$(AN505S_DIR)/supervisor.elf: $(AN505_OBJS) $(AN505S_OBJS) $(AN505_SUP_LIB_OBJS) $(AN505_LD) \
    $(AN505_DIR)/secure_cmse_implib.o
	@mkdir -p $(dir $@)
	$(ARM_CC) $(AN505_LDFLAGS) -Wl,--gc-sections \
	    -Wl,--out-implib=$(AN505S_DIR)/secure_cmse_implib.o \
	    $(AN505_OBJS) $(AN505S_OBJS) $(AN505_SUP_LIB_OBJS) -o $@
	@$(ARM_NM) $(AN505_DIR)/secure_cmse_implib.o > $@.veneers.a
	@$(ARM_NM) $(AN505S_DIR)/secure_cmse_implib.o > $@.veneers.b
	@cmp -s $@.veneers.a $@.veneers.b || { echo "veneer addresses differ"; rm -f $@; exit 1; }
# The app images the QEMU scripts boot from this directory: the same files as the AB build's.
$(AN505S_DIR)/%: $(AN505_DIR)/%
	@mkdir -p $(dir $@)
	cp $< $@
AN505S_FILES := $(AN505S_DIR)/supervisor.elf $(AN505S_DIR)/app.elf $(AN505S_DIR)/app.bin \
    $(AN505S_DIR)/app-v2.elf
ARM_LIBS += $(AN505S_FILES)
.PHONY: an505-single
an505-single: $(AN505S_FILES)
# OTA end to end in the SINGLE layout (qemu_ota.sh with OTA_LAYOUT=single).
EXTRA_TESTS += ref-device/tests/qemu_ota_single.sh
# OTA in the QEMU power-cut sweep, both layouts: sampled in `make test`, every cut point in
# `make power-cut-sweep` (its recipe is in core/supervisor/module.mk).
EXTRA_TESTS += ref-device/tests/qemu_power_cut_ota.sh
power-cut-sweep: $(AN505S_FILES) $(AN505_DIR)/app-v2.elf
