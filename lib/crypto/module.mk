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
