# lib/sign — the signed-body steps grants and OTA manifests share. SHA-256 and ECDSA come from
# mbedTLS on both sides, so its Cortex-M33 object is built with the mbedTLS configuration.
# Tested through its two users: test_grant, test_ota_manifest and their fuzz replays.
LIB_CORE_SRCS += lib/sign/signed_body.c
$(BUILD)/m33/lib/sign/%.o: ARM_CFLAGS += $(M33_MBEDTLS_CFG)
