# lib/grant — authorization grants (owner signs, device verifies). SHA-256 and ECDSA come from
# mbedTLS on both sides, so its Cortex-M33 object is built with the mbedTLS configuration.
LIB_CORE_SRCS += lib/grant/grant.c
$(BUILD)/m33/lib/grant/%.o: ARM_CFLAGS += $(M33_MBEDTLS_CFG)
HOST_TESTS += $(BUILD)/host/bin/test_grant
$(BUILD)/host/bin/test_grant: $(BUILD)/host/lib/tests/test_grant.o $(BUILD)/host/libtether.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
