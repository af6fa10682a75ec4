/* crypto_sodium.c — struct tt_crypto implemented with libsodium (the client's backend).
 *
 * Noise's 25519 / ChaChaPoly / SHA256 map one to one onto libsodium's crypto_scalarmult,
 * crypto_aead_chacha20poly1305_ietf_* and crypto_hash_sha256 / crypto_auth_hmacsha256.
 * sodium_init() is called on every entry that needs it: it is idempotent and cheap after the
 * first call, and sparing callers an init step keeps the table a plain constant.
 * Depends on libsodium 1.0.18 and crypto.h. */
#include <sodium.h>

#include "tether/bytes.h"
#include "tether/crypto_backends.h"

static tt_err sodium_ready(void)
{
    return sodium_init() < 0 ? TT_ERR_CRYPTO : TT_OK;
}

static tt_err sd_x25519_public(uint8_t pk[TT_X25519_LEN], const uint8_t sk[TT_X25519_LEN])
{
    if (sodium_ready() != TT_OK || crypto_scalarmult_base(pk, sk) != 0)
        return TT_ERR_CRYPTO;
    return TT_OK;
}

static tt_err sd_x25519(uint8_t out[TT_X25519_LEN], const uint8_t sk[TT_X25519_LEN],
                        const uint8_t pk[TT_X25519_LEN])
{
    if (sodium_ready() != TT_OK)
        return TT_ERR_CRYPTO;
    /* libsodium returns -1 both for blacklisted low-order inputs and for an all-zero
     * result; either way the exchange is non-contributory. */
    if (crypto_scalarmult(out, sk, pk) != 0) {
        tt_wipe(out, TT_X25519_LEN);
        return TT_ERR_HS_LOW_ORDER;
    }
    if (sodium_is_zero(out, TT_X25519_LEN))
        return TT_ERR_HS_LOW_ORDER;
    return TT_OK;
}

/* Noise nonce: 4 zero bytes, then the 64-bit counter little-endian. */
static void noise_nonce(uint8_t nonce[12], uint64_t n)
{
    tt_store_be32(nonce, 0);
    tt_store_le64(nonce + 4, n);
}

static tt_err sd_aead_seal(uint8_t *out, const uint8_t key[TT_AEAD_KEY_LEN], uint64_t n,
                           const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t ptlen)
{
    uint8_t nonce[12];
    unsigned long long clen = 0;
    if (sodium_ready() != TT_OK)
        return TT_ERR_CRYPTO;
    noise_nonce(nonce, n);
    if (crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, pt, ptlen, ad, adlen, NULL,
                                                  nonce, key) != 0)
        return TT_ERR_CRYPTO;
    return TT_OK;
}

static tt_err sd_aead_open(uint8_t *out, const uint8_t key[TT_AEAD_KEY_LEN], uint64_t n,
                           const uint8_t *ad, size_t adlen, const uint8_t *ct, size_t ctlen)
{
    uint8_t nonce[12];
    unsigned long long mlen = 0;
    if (ctlen < TT_AEAD_TAG_LEN)
        return TT_ERR_REC_AUTH;
    if (sodium_ready() != TT_OK)
        return TT_ERR_CRYPTO;
    noise_nonce(nonce, n);
    if (crypto_aead_chacha20poly1305_ietf_decrypt(out, &mlen, NULL, ct, ctlen, ad, adlen,
                                                  nonce, key) != 0)
        return TT_ERR_REC_AUTH;
    return TT_OK;
}

static tt_err sd_sha256(uint8_t out[TT_SHA256_LEN], const uint8_t *a, size_t alen,
                        const uint8_t *b, size_t blen)
{
    crypto_hash_sha256_state st;
    if (crypto_hash_sha256_init(&st) != 0 || crypto_hash_sha256_update(&st, a, alen) != 0 ||
        (blen > 0 && crypto_hash_sha256_update(&st, b, blen) != 0) ||
        crypto_hash_sha256_final(&st, out) != 0) {
        tt_wipe(&st, sizeof st);
        return TT_ERR_CRYPTO;
    }
    tt_wipe(&st, sizeof st);
    return TT_OK;
}

static tt_err sd_hmac_sha256(uint8_t out[TT_SHA256_LEN], const uint8_t *key, size_t keylen,
                             const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    crypto_auth_hmacsha256_state st;
    tt_err err = TT_ERR_CRYPTO;
    if (crypto_auth_hmacsha256_init(&st, key, keylen) == 0 &&
        crypto_auth_hmacsha256_update(&st, a, alen) == 0 &&
        (blen == 0 || crypto_auth_hmacsha256_update(&st, b, blen) == 0) &&
        crypto_auth_hmacsha256_final(&st, out) == 0)
        err = TT_OK;
    tt_wipe(&st, sizeof st); /* holds the keyed inner/outer states */
    return err;
}

static tt_err sd_random(void *rng_ctx, uint8_t *buf, size_t len)
{
    (void)rng_ctx;
    if (sodium_ready() != TT_OK)
        return TT_ERR_CRYPTO;
    randombytes_buf(buf, len);
    return TT_OK;
}

const struct tt_crypto tt_crypto_sodium = {
    .name = "libsodium",
    .x25519_public = sd_x25519_public,
    .x25519 = sd_x25519,
    .aead_seal = sd_aead_seal,
    .aead_open = sd_aead_open,
    .sha256 = sd_sha256,
    .hmac_sha256 = sd_hmac_sha256,
    .random = sd_random,
    .rng_ctx = NULL,
};
