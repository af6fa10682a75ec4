# lib/reliable — reliability envelope engine (go-back-N, cumulative acks). Portable core.
RELIABLE_SRCS := lib/reliable/reliable.c
LIB_CORE_SRCS += $(RELIABLE_SRCS)

HOST_TESTS += $(BUILD)/host/bin/test_reliable
$(BUILD)/host/bin/test_reliable: $(BUILD)/host/lib/tests/test_reliable.o $(RELIABLE_SRCS:%.c=$(BUILD)/host/%.o)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
