# lib/ota — OTA manifests (both sides), the device's transfer engine and the client's
# sender. SHA-256 and ECDSA come from mbedTLS, so the Cortex-M33 objects are built with the
# mbedTLS configuration, as lib/grant's are.
LIB_CORE_SRCS += lib/ota/manifest.c lib/ota/engine.c lib/ota/sender.c
$(BUILD)/m33/lib/ota/%.o: ARM_CFLAGS += $(M33_MBEDTLS_CFG)
HOST_TESTS += $(BUILD)/host/bin/test_ota_manifest $(BUILD)/host/bin/test_ota_engine
$(BUILD)/host/bin/test_ota_manifest: $(BUILD)/host/lib/tests/test_ota_manifest.o $(BUILD)/host/libtether.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
$(BUILD)/host/bin/test_ota_engine: $(BUILD)/host/lib/tests/test_ota_engine.o \
    $(BUILD)/host/lib/tests/ota_store_double.o $(BUILD)/host/lib/tests/ota_fixture.o \
    $(BUILD)/host/libtether.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TESTS += $(BUILD)/host/bin/test_ota_sender
$(BUILD)/host/bin/test_ota_sender: $(BUILD)/host/lib/tests/test_ota_sender.o \
    $(BUILD)/host/lib/tests/ota_store_double.o $(BUILD)/host/libtether.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
