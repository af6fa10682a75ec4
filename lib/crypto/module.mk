# lib/crypto — the two struct tt_crypto backends (libsodium, mbedTLS), their randomness,
# ECDSA P-256, and the Cortex-M33 build of mbedTLS + our backend. Tests: test_crypto, test_p256.
LIB_CORE_SRCS += lib/crypto/wipe.c
LIB_SODIUM_SRCS += lib/crypto/crypto_sodium.c
LIB_MBEDTLS_SRCS += lib/crypto/crypto_mbedtls.c lib/crypto/rng_mbedtls.c
# Host-only helpers (getrandom entropy, PEM files): never linked into the device image.
LIB_HOST_SRCS += lib/crypto/entropy_host.c

CRYPTO_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,lib/crypto/wipe.c \
    lib/crypto/crypto_sodium.c lib/crypto/crypto_mbedtls.c lib/crypto/rng_mbedtls.c \
    lib/crypto/entropy_host.c)

$(BUILD)/host/bin/test_crypto: $(BUILD)/host/lib/tests/test_crypto.o $(CRYPTO_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TESTS += $(BUILD)/host/bin/test_crypto

LIB_P256_SRCS += lib/crypto/p256_mbedtls.c
LIB_HOST_SRCS += lib/crypto/p256_pem.c
P256_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,lib/crypto/p256_mbedtls.c lib/crypto/p256_pem.c)

$(BUILD)/host/bin/test_p256: $(BUILD)/host/lib/tests/test_p256.o $(P256_HOST_OBJS) $(CRYPTO_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@ $(HOST_LIBS)
HOST_TESTS += $(BUILD)/host/bin/test_p256

# ---- Cortex-M33: mbedTLS (only the modules mbedtls_config_m33.h enables) and our backend.
# The device port must hand mbedTLS a static heap (see mbedtls_config_m33.h).
MBEDTLS_DIR := $(DEPS)/mbedtls-2.28.3
M33_MBEDTLS_CFG := -I$(MBEDTLS_DIR)/include -Ilib/crypto -DMBEDTLS_CONFIG_FILE='"mbedtls_config_m33.h"'
M33_MBEDTLS_MODULES := aes asn1parse asn1write bignum chacha20 chachapoly constant_time ctr_drbg \
    ecdsa ecp ecp_curves hkdf hmac_drbg md memory_buffer_alloc platform platform_util poly1305 sha256
M33_MBEDTLS_OBJS := $(patsubst %,$(BUILD)/m33/mbedtls/%.o,$(M33_MBEDTLS_MODULES))
# tt_wipe (wipe.c) is portable core: it comes with libtether_core_m33.a, not from here.
M33_TT_CRYPTO_SRCS := lib/crypto/crypto_mbedtls.c lib/crypto/rng_mbedtls.c lib/crypto/p256_mbedtls.c
M33_TT_CRYPTO_OBJS := $(patsubst %.c,$(BUILD)/m33/%.o,$(M33_TT_CRYPTO_SRCS))

# Third-party code: its own warning level, not ours (-Werror would judge mbedTLS, not us).
$(BUILD)/m33/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c lib/crypto/mbedtls_config_m33.h
	@mkdir -p $(dir $@)
	$(ARM_CC) -std=c99 -Os -g $(ARM_CPU) -ffunction-sections -fdata-sections $(M33_MBEDTLS_CFG) -c $< -o $@
$(BUILD)/m33/lib/crypto/%.o: ARM_CFLAGS += $(M33_MBEDTLS_CFG)

$(BUILD)/m33/libmbedcrypto_m33.a: $(M33_MBEDTLS_OBJS)
	@rm -f $@
	arm-none-eabi-ar rcs $@ $^
$(BUILD)/m33/libtether_crypto_m33.a: $(M33_TT_CRYPTO_OBJS)
	@rm -f $@
	arm-none-eabi-ar rcs $@ $^
ARM_LIBS += $(BUILD)/m33/libmbedcrypto_m33.a $(BUILD)/m33/libtether_crypto_m33.a

.PHONY: m33-crypto-size
m33-crypto-size: $(BUILD)/m33/libmbedcrypto_m33.a $(BUILD)/m33/libtether_crypto_m33.a
	arm-none-eabi-size -t $^
