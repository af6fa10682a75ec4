# ref-device/app/v2.mk — a second build of the demo app for OTA tests and the README's
# walk-through: the same sources with another first log line, tick lines that name it
# (`tether log` shows which app runs) and version 0.2.0 in vector entry 7, so an update is
# visible in the log and in the image. The default app.elf
# is untouched (same objects, same link). `make app-v2` builds it; `make test` too.
APP_V2_DEFS := -DDEMO_APP_VERSION=0x000200u -DDEMO_APP_BANNER='"app v0.2.0 started (updated over the air)"' \
    -DDEMO_TICK_TEXT='"app v0.2.0 tick"'
APP_V2_OBJS := $(APP_SRCS:%.c=$(BUILD)/m33/app-v2/%.o)
$(BUILD)/m33/app-v2/%.o: %.c
	@mkdir -p $(dir $@)
	$(ARM_CC) $(APP_CFLAGS) $(APP_V2_DEFS) -MMD -MP -c $< -o $@
$(AN505_DIR)/app-v2.elf: $(APP_V2_OBJS) $(AN505_DIR)/secure_cmse_implib.o ref-device/app/app.ld
	$(ARM_CC) $(ARM_CPU) -nostartfiles -nostdlib -T ref-device/app/app.ld \
	    $(filter %.o,$^) -lgcc -o $@
ARM_LIBS += $(AN505_DIR)/app-v2.elf
.PHONY: app-v2
app-v2: $(AN505_DIR)/app-v2.elf
