/* crypto_backends.h — the two implementations of struct tt_crypto, and how to give the
 * mbedTLS one its randomness.
 *
 * tt_crypto_sodium (libsodium, client side) is complete as it stands: its random draws
 * from randombytes_buf. tt_crypto_mbedtls (device side) has no entropy source of its own,
 * because only the device port knows where entropy comes from (TRNG peripheral, host
 * getrandom in tests). Its `random` is a CTR-DRBG (struct tt_mbedtls_rng, rng_mbedtls.h)
 * that the caller seeds and plugs in:
 *
 *     struct tt_crypto c = tt_crypto_mbedtls;
 *     c.rng_ctx = &my_rng;   // after tt_mbedtls_rng_init(&my_rng, entropy, ...)
 *
 * With rng_ctx left NULL, tt_crypto_mbedtls.random fails closed with TT_ERR_CRYPTO; every
 * other entry works without randomness. Depends on crypto.h. */
#ifndef TETHER_CRYPTO_BACKENDS_H
#define TETHER_CRYPTO_BACKENDS_H

#include "tether/crypto.h"

extern const struct tt_crypto tt_crypto_sodium;
extern const struct tt_crypto tt_crypto_mbedtls;

/* A source of seed entropy: fill buf with len bytes of full entropy or fail. The shape
 * matches tt_crypto.random so a tt_crypto table can seed a DRBG too. */
typedef tt_err (*tt_entropy_fn)(void *ctx, uint8_t *buf, size_t len);

/* Host-only entropy (getrandom(2)); ctx is unused. Lives in lib/crypto/entropy_host.c,
 * which the device build does not link. */
TT_MUST_CHECK tt_err tt_entropy_host(void *ctx, uint8_t *buf, size_t len);

#endif
