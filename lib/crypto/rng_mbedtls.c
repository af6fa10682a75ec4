/* rng_mbedtls.c — CTR-DRBG (mbedTLS, AES-256) seeded from a caller-supplied entropy
 * function: the mbedTLS backend's `random`.
 *
 * mbedTLS wants an f_entropy callback returning int; a static trampoline adapts the
 * caller's tt_entropy_fn to it. Requests are split to respect the DRBG's per-call limit.
 * Depends on mbedtls/ctr_drbg (and AES), rng_mbedtls.h. */
#include "tether/rng_mbedtls.h"

static int entropy_trampoline(void *p, unsigned char *buf, size_t len)
{
    struct tt_mbedtls_rng *rng = p;
    return rng->entropy(rng->entropy_ctx, buf, len) == TT_OK ? 0 : -1;
}

tt_err tt_mbedtls_rng_init(struct tt_mbedtls_rng *rng, tt_entropy_fn entropy, void *entropy_ctx,
                           const uint8_t *pers, size_t perslen)
{
    if (rng == NULL || entropy == NULL || (pers == NULL && perslen != 0))
        return TT_ERR_ARG;
    rng->ready = 0;
    rng->entropy = entropy;
    rng->entropy_ctx = entropy_ctx;
    mbedtls_ctr_drbg_init(&rng->drbg);
    if (mbedtls_ctr_drbg_seed(&rng->drbg, entropy_trampoline, rng, pers, perslen) != 0) {
        mbedtls_ctr_drbg_free(&rng->drbg);
        return TT_ERR_CRYPTO;
    }
    rng->ready = 1;
    return TT_OK;
}

tt_err tt_mbedtls_rng_random(void *rng_ctx, uint8_t *buf, size_t len)
{
    struct tt_mbedtls_rng *rng = rng_ctx;
    if (rng == NULL || !rng->ready)
        return TT_ERR_CRYPTO;
    while (len > 0) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        if (mbedtls_ctr_drbg_random(&rng->drbg, buf, n) != 0)
            return TT_ERR_CRYPTO;
        buf += n;
        len -= n;
    }
    return TT_OK;
}

int tt_mbedtls_rng_f_rng(void *rng_ctx, unsigned char *buf, size_t len)
{
    return tt_mbedtls_rng_random(rng_ctx, buf, len) == TT_OK ? 0 : -1;
}

void tt_mbedtls_rng_free(struct tt_mbedtls_rng *rng)
{
    if (rng == NULL)
        return;
    if (rng->ready)
        mbedtls_ctr_drbg_free(&rng->drbg); /* zeroises the state */
    rng->ready = 0;
}
