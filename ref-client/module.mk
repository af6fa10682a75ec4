# ref-client/rsp, elf, linkemu — the GDB server's RSP engine, the app-ELF reader, the
# user-space link emulator, and their tests (the CLI and session driver: ref-client/cli).
RSP_SRCS := ref-client/rsp/packet.c ref-client/rsp/parse.c ref-client/rsp/dispatch.c \
    ref-client/rsp/commands.c ref-client/rsp/cmd_query.c ref-client/rsp/cmd_registers.c \
    ref-client/rsp/cmd_memory.c ref-client/rsp/cmd_breakpoints.c ref-client/rsp/cmd_run.c \
    ref-client/rsp/cmd_monitor.c \
    ref-client/rsp/stop.c ref-client/rsp/cache.c ref-client/rsp/target_xml.c \
    ref-client/rsp/memmap.c ref-client/rsp/deferred_step.c \
    ref-device/core/target/thumb_next_pc.c
# (the last: ref-device's pure Thumb next-PC decoder; the deferred step predicts with it)
ELF_SRCS := ref-client/elf/elf.c ref-client/elf/measure.c
# lib/msg/registers.c: the wire register numbering the engine shares with the device.
RSP_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(RSP_SRCS) $(ELF_SRCS) lib/msg/registers.c)
RC_BIN := $(BUILD)/host/bin
RC_FIX := $(BUILD)/host/ref-client/fixtures

# The link emulator (a host tool: benchmarks and tests put it between client and device).
LINKEMU_BIN := $(RC_BIN)/tether-linkemu
$(LINKEMU_BIN): $(BUILD)/host/ref-client/linkemu/linkemu.o $(BUILD)/host/ref-client/linkemu/delayq.o \
    $(BUILD)/host/ref-client/linkemu/frames.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
HOST_TOOLS += $(LINKEMU_BIN)

# A tiny Cortex-M33 ELF for the ELF reader's tests, and its measurement computed by an
# independent tool (objcopy fills gaps and pads with 0xFF, sha256sum hashes).
TINY_ELF := $(RC_FIX)/tiny.elf
TINY_REGION_BASE := 0x00200000
TINY_REGION_END := 0x00202000
$(TINY_ELF): ref-client/tests/fixtures/tiny.c ref-client/tests/fixtures/tiny.ld
	@mkdir -p $(dir $@)
	$(ARM_CC) -mcpu=cortex-m33 -mthumb -O1 -g -nostdlib -nostartfiles \
	    -T ref-client/tests/fixtures/tiny.ld ref-client/tests/fixtures/tiny.c -o $@
$(RC_FIX)/tiny.sha256: $(TINY_ELF)
	arm-none-eabi-objcopy -O binary --gap-fill 0xff --pad-to $(TINY_REGION_END) $< $@.bin
	sha256sum $@.bin | cut -c1-64 > $@
$(BUILD)/host/ref-client/tests/test_elf.o: HOST_CFLAGS += -DTINY_ELF='"$(TINY_ELF)"' \
    -DTINY_SHA256='"$(RC_FIX)/tiny.sha256"' -DTINY_REGION_BASE=$(TINY_REGION_BASE) \
    -DTINY_REGION_END=$(TINY_REGION_END)

HOST_TESTS += $(RC_BIN)/test_elf
$(RC_BIN)/test_elf: $(BUILD)/host/ref-client/tests/test_elf.o $(patsubst %.c,$(BUILD)/host/%.o,$(ELF_SRCS)) | $(RC_FIX)/tiny.sha256
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

HOST_TESTS += $(RC_BIN)/test_rsp
$(BUILD)/host/ref-client/tests/test_rsp.o: HOST_CFLAGS += -DTINY_ELF='"$(TINY_ELF)"'
$(RC_BIN)/test_rsp: $(BUILD)/host/ref-client/tests/test_rsp.o \
    $(BUILD)/host/ref-client/tests/fake_backend.o $(RSP_OBJS) | $(TINY_ELF)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

HOST_TESTS += $(RC_BIN)/test_linkemu
$(BUILD)/host/ref-client/tests/test_linkemu.o: HOST_CFLAGS += -DLINKEMU_BIN='"$(LINKEMU_BIN)"'
$(RC_BIN)/test_linkemu: $(BUILD)/host/ref-client/tests/test_linkemu.o \
    $(BUILD)/host/ref-client/linkemu/delayq.o $(BUILD)/host/ref-client/linkemu/frames.o \
    | $(LINKEMU_BIN)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)

# Stock GDB against the engine: a fake device behind a localhost RSP server.
RSP_FAKE_SERVER := $(RC_BIN)/rsp_fake_server
$(RSP_FAKE_SERVER): $(BUILD)/host/ref-client/tests/rsp_fake_server.o \
    $(BUILD)/host/ref-client/tests/fake_backend.o $(RSP_OBJS) | $(TINY_ELF)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TOOLS += $(RSP_FAKE_SERVER) $(TINY_ELF)
EXTRA_TESTS += ref-client/tests/gdb_smoke.sh
