# lib/ — the shared portable core. Each component adds its own fragment:
#   LIB_CORE_SRCS   portable sources with no crypto backend (framing, record, noise, …)
#   LIB_SODIUM_SRCS libsodium backend (client)   LIB_MBEDTLS_SRCS mbedTLS backend (device)
#   LIB_P256_SRCS   ECDSA P-256 via mbedTLS (both sides)
LIB_CORE_SRCS :=
LIB_SODIUM_SRCS :=
LIB_MBEDTLS_SRCS :=
LIB_P256_SRCS :=
HOST_LIBS := -lcheck_pic -lsubunit -lrt -lm -lsodium -lmbedcrypto -lprotobuf-nanopb
-include $(wildcard lib/*/module.mk)
