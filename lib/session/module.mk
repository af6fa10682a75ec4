# lib/session — handshake packets, records and reliability glued into one session engine.
LIB_CORE_SRCS += lib/session/handshake.c lib/session/transport.c lib/session/pending.c \
                 lib/session/hs_resend.c
HOST_TESTS += $(BUILD)/host/bin/test_session_vector
$(BUILD)/host/bin/test_session_vector: $(BUILD)/host/lib/tests/test_session_vector.o $(BUILD)/host/libtether.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
