# lib/framing — byte-stream framing (encoder, streaming decoder, CRCs). Portable core.
FRAMING_SRCS := lib/framing/crc.c lib/framing/encoder.c lib/framing/decoder.c lib/framing/watch.c
LIB_CORE_SRCS += $(FRAMING_SRCS)

HOST_TESTS += $(BUILD)/host/bin/test_framing
$(BUILD)/host/bin/test_framing: $(BUILD)/host/lib/tests/test_framing.o $(FRAMING_SRCS:%.c=$(BUILD)/host/%.o)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
