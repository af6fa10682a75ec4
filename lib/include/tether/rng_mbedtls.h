/* rng_mbedtls.h — the mbedTLS backend's random generator: CTR-DRBG (AES-256) seeded and
 * reseeded from a caller-supplied entropy function.
 *
 * Kept apart from crypto_backends.h because it exposes an mbedTLS type (the DRBG state
 * lives in the caller's struct; nothing is allocated). A device port declares one
 * `struct tt_mbedtls_rng`, calls tt_mbedtls_rng_init with its TRNG reader, and sets
 * `rng_ctx` of its copy of tt_crypto_mbedtls to it. Depends on mbedtls/ctr_drbg.h. */
#ifndef TETHER_RNG_MBEDTLS_H
#define TETHER_RNG_MBEDTLS_H

#include <mbedtls/ctr_drbg.h>

#include "tether/crypto_backends.h"

struct tt_mbedtls_rng {
    mbedtls_ctr_drbg_context drbg;
    tt_entropy_fn entropy;
    void *entropy_ctx;
    int ready; /* set last by tt_mbedtls_rng_init, after seeding succeeded */
};

/* Seed from entropy (personalisation string pers may be NULL/0). TT_ERR_CRYPTO when the
 * entropy source fails. The DRBG reseeds itself from the same source as it goes. */
TT_MUST_CHECK tt_err tt_mbedtls_rng_init(struct tt_mbedtls_rng *rng, tt_entropy_fn entropy,
                                         void *entropy_ctx, const uint8_t *pers,
                                         size_t perslen);
/* Fill buf from the DRBG; rng_ctx is a struct tt_mbedtls_rng (the shape of tt_crypto.random,
 * and of mbedTLS's f_rng apart from the return type). */
TT_MUST_CHECK tt_err tt_mbedtls_rng_random(void *rng_ctx, uint8_t *buf, size_t len);
/* Wipe the DRBG state. */
void tt_mbedtls_rng_free(struct tt_mbedtls_rng *rng);

/* Adapter with mbedTLS's f_rng signature, for mbedTLS calls that want one (p_rng = rng). */
int tt_mbedtls_rng_f_rng(void *rng_ctx, unsigned char *buf, size_t len);

#endif
