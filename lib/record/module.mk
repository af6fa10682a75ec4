# lib/record — packet parsing and transport records (seal/open, replay window, limits).
# Portable core; crypto through the caller's struct tt_crypto. The test links both backends,
# and framing + reliable for the whole-stack test.
RECORD_SRCS := lib/record/packet.c lib/record/record.c
LIB_CORE_SRCS += $(RECORD_SRCS)

HOST_TESTS += $(BUILD)/host/bin/test_record
$(BUILD)/host/bin/test_record: $(BUILD)/host/lib/tests/test_record.o \
    $(patsubst %.c,$(BUILD)/host/%.o,$(RECORD_SRCS) $(FRAMING_SRCS) lib/reliable/reliable.c lib/crypto/wipe.c $(LIB_SODIUM_SRCS) $(LIB_MBEDTLS_SRCS))
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
