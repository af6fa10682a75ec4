# ref-device/app/fault.mk — a third build of the demo app, for OTA tests: version 0.3.0 in
# vector entry 7 and a first log line that says so, then a SecureFault at once
# (demo_fault_trigger starts at 1: a store to Secure RAM), so an AB test image that cannot
# run is reverted ([OTA-100]). The same sources and link as app.elf; `make app-fault`.
APP_FAULT_DEFS := -DDEMO_APP_VERSION=0x000300u -DDEMO_FAULT_AT_START=1u \
    -DDEMO_APP_BANNER='"app v0.3.0 started (faults at start)"'
APP_FAULT_OBJS := $(APP_SRCS:%.c=$(BUILD)/m33/app-fault/%.o)
$(BUILD)/m33/app-fault/%.o: %.c
	@mkdir -p $(dir $@)
	$(ARM_CC) $(APP_CFLAGS) $(APP_FAULT_DEFS) -MMD -MP -c $< -o $@
$(AN505_DIR)/app-fault.elf: $(APP_FAULT_OBJS) $(AN505_DIR)/secure_cmse_implib.o ref-device/app/app.ld
	$(ARM_CC) $(ARM_CPU) -nostartfiles -nostdlib -T ref-device/app/app.ld \
	    $(filter %.o,$^) -lgcc -o $@
ARM_LIBS += $(AN505_DIR)/app-fault.elf
.PHONY: app-fault
app-fault: $(AN505_DIR)/app-fault.elf
