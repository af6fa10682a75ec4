/* crypto_mbedtls.c — struct tt_crypto implemented with mbedTLS 2.28 (the device's backend).
 *
 * X25519 goes through the generic ECP module on Curve25519 (x-only, little-endian scalars
 * and coordinates as RFC 7748 wants, so every conversion below is a *_le one), AEAD through
 * mbedtls_chachapoly, SHA-256 through mbedtls_sha256. HMAC is built on mbedtls_sha256
 * directly (RFC 2104) rather than mbedtls_md_hmac, because the md layer allocates its
 * contexts on the heap and this path runs for every handshake on the device. Randomness
 * is the caller's DRBG (rng_mbedtls.c). Depends on mbedTLS (ecp, bignum, chachapoly,
 * sha256) and crypto.h. */
#include <mbedtls/chachapoly.h>
#include <mbedtls/ecp.h>
#include <mbedtls/sha256.h>

#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/rng_mbedtls.h"

static int all_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++)
        acc |= p[i];
    return acc == 0;
}

/* out = X25519(sk, u), where u == NULL means the base point 9. */
static tt_err mb_x25519_mul(uint8_t out[TT_X25519_LEN], const uint8_t sk[TT_X25519_LEN],
                            const uint8_t *u)
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point P, R;
    mbedtls_mpi d;
    uint8_t k[TT_X25519_LEN];
    tt_err err = TT_ERR_CRYPTO;
    int rc;

    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&P);
    mbedtls_ecp_point_init(&R);
    mbedtls_mpi_init(&d);

    /* RFC 7748 §5 clamping; mbedTLS insists on a clamped scalar rather than clamping. */
    for (size_t i = 0; i < TT_X25519_LEN; i++)
        k[i] = sk[i];
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;

    if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519) != 0 ||
        mbedtls_mpi_read_binary_le(&d, k, sizeof k) != 0)
        goto out;
    if (u == NULL) {
        if (mbedtls_ecp_copy(&P, &grp.G) != 0)
            goto out;
    } else if (mbedtls_ecp_point_read_binary(&grp, &P, u, TT_X25519_LEN) != 0) {
        goto out; /* cannot happen for 32 bytes: the top bit is masked, not rejected */
    }
    /* f_rng NULL: mbedTLS blinds with its internal DRBG seeded from the scalar. */
    rc = mbedtls_ecp_mul(&grp, &R, &d, &P, NULL, NULL);
    if (rc == MBEDTLS_ERR_ECP_INVALID_KEY) {
        /* mbedTLS refuses the known low-order u-coordinates (and their non-canonical
         * forms) before multiplying: the same verdict as an all-zero result. */
        err = TT_ERR_HS_LOW_ORDER;
        goto out;
    }
    if (rc != 0 || mbedtls_mpi_write_binary_le(&R.X, out, TT_X25519_LEN) != 0)
        goto out;
    err = all_zero(out, TT_X25519_LEN) ? TT_ERR_HS_LOW_ORDER : TT_OK;
out:
    if (err != TT_OK)
        tt_wipe(out, TT_X25519_LEN);
    tt_wipe(k, sizeof k);
    mbedtls_mpi_free(&d); /* mbedtls_mpi_free zeroises the limbs */
    mbedtls_ecp_point_free(&R);
    mbedtls_ecp_point_free(&P);
    mbedtls_ecp_group_free(&grp);
    return err;
}

static tt_err mb_x25519_public(uint8_t pk[TT_X25519_LEN], const uint8_t sk[TT_X25519_LEN])
{
    tt_err err = mb_x25519_mul(pk, sk, NULL);
    return err == TT_ERR_HS_LOW_ORDER ? TT_ERR_CRYPTO : err; /* base point: never low order */
}

static tt_err mb_x25519(uint8_t out[TT_X25519_LEN], const uint8_t sk[TT_X25519_LEN],
                        const uint8_t pk[TT_X25519_LEN])
{
    return mb_x25519_mul(out, sk, pk);
}

static void noise_nonce(uint8_t nonce[12], uint64_t n)
{
    tt_store_be32(nonce, 0);
    tt_store_le64(nonce + 4, n);
}

static tt_err mb_aead_seal(uint8_t *out, const uint8_t key[TT_AEAD_KEY_LEN], uint64_t n,
                           const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t ptlen)
{
    mbedtls_chachapoly_context ctx;
    uint8_t nonce[12];
    tt_err err = TT_ERR_CRYPTO;
    noise_nonce(nonce, n);
    mbedtls_chachapoly_init(&ctx);
    /* In place is fine: ChaCha20 XORs byte by byte and Poly1305 reads the ciphertext. */
    if (mbedtls_chachapoly_setkey(&ctx, key) == 0 &&
        mbedtls_chachapoly_encrypt_and_tag(&ctx, ptlen, nonce, ad, adlen, pt, out,
                                           out + ptlen) == 0)
        err = TT_OK;
    mbedtls_chachapoly_free(&ctx); /* zeroises the key schedule */
    return err;
}

static tt_err mb_aead_open(uint8_t *out, const uint8_t key[TT_AEAD_KEY_LEN], uint64_t n,
                           const uint8_t *ad, size_t adlen, const uint8_t *ct, size_t ctlen)
{
    mbedtls_chachapoly_context ctx;
    uint8_t nonce[12];
    tt_err err = TT_ERR_CRYPTO;
    int rc;
    if (ctlen < TT_AEAD_TAG_LEN)
        return TT_ERR_REC_AUTH;
    noise_nonce(nonce, n);
    mbedtls_chachapoly_init(&ctx);
    if (mbedtls_chachapoly_setkey(&ctx, key) == 0) {
        /* Poly1305 absorbs each ciphertext block before it is decrypted, so in place works;
         * on a bad tag mbedTLS zeroises the output. */
        size_t ptlen = ctlen - TT_AEAD_TAG_LEN;
        rc = mbedtls_chachapoly_auth_decrypt(&ctx, ptlen, nonce, ad, adlen, ct + ptlen, ct,
                                             out);
        if (rc == 0)
            err = TT_OK;
        else if (rc == MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED)
            err = TT_ERR_REC_AUTH;
    }
    mbedtls_chachapoly_free(&ctx);
    return err;
}

static tt_err mb_sha256(uint8_t out[TT_SHA256_LEN], const uint8_t *a, size_t alen,
                        const uint8_t *b, size_t blen)
{
    mbedtls_sha256_context ctx;
    tt_err err = TT_ERR_CRYPTO;
    mbedtls_sha256_init(&ctx);
    if (mbedtls_sha256_starts_ret(&ctx, 0) == 0 && mbedtls_sha256_update_ret(&ctx, a, alen) == 0 &&
        (blen == 0 || mbedtls_sha256_update_ret(&ctx, b, blen) == 0) &&
        mbedtls_sha256_finish_ret(&ctx, out) == 0)
        err = TT_OK;
    mbedtls_sha256_free(&ctx);
    return err;
}

/* HMAC-SHA-256 (RFC 2104): H((K ^ opad) || H((K ^ ipad) || a || b)). */
static tt_err mb_hmac_sha256(uint8_t out[TT_SHA256_LEN], const uint8_t *key, size_t keylen,
                             const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    uint8_t k0[64] = {0}, pad[64], inner[TT_SHA256_LEN];
    mbedtls_sha256_context ctx;
    tt_err err = TT_ERR_CRYPTO;

    if (keylen > sizeof k0) {
        if (mb_sha256(k0, key, keylen, NULL, 0) != TT_OK)
            goto out;
    } else {
        for (size_t i = 0; i < keylen; i++)
            k0[i] = key[i];
    }
    mbedtls_sha256_init(&ctx);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = (uint8_t)(k0[i] ^ 0x36);
    if (mbedtls_sha256_starts_ret(&ctx, 0) != 0 ||
        mbedtls_sha256_update_ret(&ctx, pad, sizeof pad) != 0 ||
        mbedtls_sha256_update_ret(&ctx, a, alen) != 0 ||
        (blen > 0 && mbedtls_sha256_update_ret(&ctx, b, blen) != 0) ||
        mbedtls_sha256_finish_ret(&ctx, inner) != 0)
        goto free;
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = (uint8_t)(k0[i] ^ 0x5c);
    if (mbedtls_sha256_starts_ret(&ctx, 0) != 0 ||
        mbedtls_sha256_update_ret(&ctx, pad, sizeof pad) != 0 ||
        mbedtls_sha256_update_ret(&ctx, inner, sizeof inner) != 0 ||
        mbedtls_sha256_finish_ret(&ctx, out) != 0)
        goto free;
    err = TT_OK;
free:
    mbedtls_sha256_free(&ctx);
out:
    tt_wipe(k0, sizeof k0);
    tt_wipe(pad, sizeof pad);
    tt_wipe(inner, sizeof inner);
    return err;
}

static tt_err mb_random(void *rng_ctx, uint8_t *buf, size_t len)
{
    if (rng_ctx == NULL)
        return TT_ERR_CRYPTO; /* no DRBG plugged in: fail closed (crypto_backends.h) */
    return tt_mbedtls_rng_random(rng_ctx, buf, len);
}

const struct tt_crypto tt_crypto_mbedtls = {
    .name = "mbedtls",
    .x25519_public = mb_x25519_public,
    .x25519 = mb_x25519,
    .aead_seal = mb_aead_seal,
    .aead_open = mb_aead_open,
    .sha256 = mb_sha256,
    .hmac_sha256 = mb_hmac_sha256,
    .random = mb_random,
    .rng_ctx = NULL,
};
