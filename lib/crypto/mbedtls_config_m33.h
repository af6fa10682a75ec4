/* mbedtls_config_m33.h — mbedTLS 2.28 configuration for the Cortex-M33 device build.
 *
 * Only what Tether uses: X25519 (ECP on Curve25519), ECDSA P-256 with RFC 6979 (ECP on
 * secp256r1, HMAC-DRBG), ChaCha20-Poly1305, SHA-256, MD/HMAC, HKDF, and CTR-DRBG (AES) for
 * the randomness the port seeds from its TRNG. No file system, sockets, time, entropy
 * module (entropy comes from the port through tt_mbedtls_rng_init), self-tests or error
 * strings.
 *
 * Heap: mbedTLS 2.28's bignum/ECP code allocates its numbers with mbedtls_calloc, so it
 * cannot run without a heap. There is no malloc here: MBEDTLS_MEMORY_BUFFER_ALLOC_C serves
 * mbedtls_calloc/free from one static buffer, and with MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
 * nothing falls back to libc. Before the first crypto call the device port must run
 *     static unsigned char heap[TT_MBEDTLS_HEAP_SIZE];
 *     mbedtls_memory_buffer_alloc_init(heap, sizeof heap);
 * Until it does, every allocation fails and the crypto calls return TT_ERR_CRYPTO (fail
 * closed). Measured with this configuration and MBEDTLS_MEMORY_DEBUG (host build, 64-bit):
 * peak requested bytes 1.4 KB for any X25519 step of the IK handshake, 2.1 KB for an
 * ECDSA sign, 2.3 KB (37 blocks) for an ECDSA verify; everything is freed after each call,
 * so the peak is the largest single operation. The whole sequence (a session handshake
 * through lib/session, ECDSA sign, ECDSA verify) ran in a 5 KB buffer and failed (cleanly,
 * TT_ERR_CRYPTO) in 4.5 KB, with 64-bit block headers (64 B each). On the M33 a header is
 * 32 B, so the verify's peak is about 2 328 + 37 x 32 = 3.5 KB. TT_MBEDTLS_HEAP_SIZE = 6 KB
 * leaves more than 1.6x margin (the an505 image runs the QEMU handshake and attestation
 * tests with it).
 * Used via -DMBEDTLS_CONFIG_FILE="mbedtls_config_m33.h". */
#ifndef TETHER_MBEDTLS_CONFIG_M33_H
#define TETHER_MBEDTLS_CONFIG_M33_H

/* Static heap for mbedTLS (bytes); see the measurement above. */
#define TT_MBEDTLS_HEAP_SIZE 6144

/* System support: none of time, file system, sockets, libc allocation or printing. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
/* The allocator's only use of exit() is on detected heap corruption: stop dead instead. */
#define MBEDTLS_PLATFORM_EXIT_MACRO(code) __builtin_trap()
#define MBEDTLS_HAVE_ASM /* bignum inner loops in Thumb-2 assembly */

/* Numbers and curves. Window 2 and no fixed-point tables: less RAM, a little slower. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_MPI_MAX_SIZE 64
#define MBEDTLS_MPI_WINDOW_SIZE 2
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_ECP_MAX_BITS 256

/* ECDSA P-256, deterministic (RFC 6979). ASN.1 is required by ecdsa.c (DER signatures,
 * which Tether does not use; the linker drops them). */
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C

/* Symmetric: ChaCha20-Poly1305, SHA-256, HMAC through MD, HKDF. */
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_MD_C
#define MBEDTLS_HKDF_C

/* Randomness: CTR-DRBG over AES-256, tables in flash. */
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES

#include "mbedtls/check_config.h"

#endif
