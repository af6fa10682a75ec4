# lib/msg — exact-length encode/decode of the generated nanopb messages.
LIB_CORE_SRCS += lib/msg/messages.c lib/msg/registers.c
LIB_GEN_OBJS_HOST += $(PROTO_HOST_OBJ)
HOST_TESTS += $(BUILD)/host/bin/test_messages
$(BUILD)/host/bin/test_messages: $(BUILD)/host/lib/tests/test_messages.o $(BUILD)/host/libtether.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
