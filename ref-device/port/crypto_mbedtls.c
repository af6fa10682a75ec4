/* crypto_mbedtls.c — the crypto backend these ports give the supervisor (port.h
 * tt_port_crypto): lib's mbedTLS implementation of struct tt_crypto, its random draws from a
 * CTR-DRBG seeded and reseeded from tt_port_entropy. Linked by every port here (host, an505,
 * STM32U585); a port with another backend (a crypto accelerator) links its own
 * tt_port_crypto instead, and the supervisor core does not change. The DRBG state is this
 * file's: one supervisor per image. Depends on port.h, rng_mbedtls.h. */
#include "port.h"
#include "tether/rng_mbedtls.h"

static struct tt_mbedtls_rng rng;

static tt_err entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    return tt_port_entropy(buf, len);
}

tt_err tt_port_crypto(struct tt_crypto *out, const uint8_t *pers, size_t pers_len)
{
    static const uint8_t label[] = "tether supervisor";
    if (out == NULL || (pers == NULL && pers_len != 0))
        return TT_ERR_ARG;
    if (pers == NULL) {
        pers = label;
        pers_len = sizeof label - 1;
    }
    if (rng.ready) /* reseeded (boot's second call; tests start many supervisors) */
        tt_mbedtls_rng_free(&rng);
    tt_err e = tt_mbedtls_rng_init(&rng, entropy, NULL, pers, pers_len);
    if (e != TT_OK)
        return e;
    *out = tt_crypto_mbedtls;
    out->rng_ctx = &rng;
    return TT_OK;
}
