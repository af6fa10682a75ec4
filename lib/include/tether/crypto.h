/* crypto.h — the small crypto interface the portable core is written against.
 *
 * Two backends implement it: mbedTLS (device; lib/crypto/crypto_mbedtls.c) and libsodium
 * (client; lib/crypto/crypto_sodium.c). It is a table of function pointers rather than
 * link-time symbols so that both backends can live in one binary, which is how the tests
 * show they interoperate byte for byte. Primitives are exactly Noise's
 * 25519 / ChaChaPoly / SHA256. ECDSA P-256 is separate (p256.h), mbedTLS on both sides. */
#ifndef TETHER_CRYPTO_H
#define TETHER_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"

#define TT_X25519_LEN 32
#define TT_AEAD_KEY_LEN 32
#define TT_AEAD_TAG_LEN 16
#define TT_SHA256_LEN 32

struct tt_crypto {
    const char *name; /* "mbedtls" or "libsodium" */

    /* pk = X25519(sk, 9). */
    tt_err (*x25519_public)(uint8_t pk[TT_X25519_LEN], const uint8_t sk[TT_X25519_LEN]);
    /* out = X25519(sk, pk). MUST return TT_ERR_HS_LOW_ORDER when out is all zero. */
    tt_err (*x25519)(uint8_t out[TT_X25519_LEN], const uint8_t sk[TT_X25519_LEN],
                     const uint8_t pk[TT_X25519_LEN]);

    /* ChaCha20-Poly1305 (RFC 8439) with Noise's nonce: 4 zero bytes || n little-endian.
     * seal writes ptlen + 16 bytes to out; open writes ctlen - 16 bytes and returns
     * TT_ERR_REC_AUTH (writing nothing usable) when the tag fails. out may equal in. */
    tt_err (*aead_seal)(uint8_t *out, const uint8_t key[TT_AEAD_KEY_LEN], uint64_t n,
                        const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t ptlen);
    tt_err (*aead_open)(uint8_t *out, const uint8_t key[TT_AEAD_KEY_LEN], uint64_t n,
                        const uint8_t *ad, size_t adlen, const uint8_t *ct, size_t ctlen);

    /* out = SHA-256(a || b); b may be NULL with blen 0. */
    tt_err (*sha256)(uint8_t out[TT_SHA256_LEN], const uint8_t *a, size_t alen,
                     const uint8_t *b, size_t blen);
    /* out = HMAC-SHA-256(key, a || b). */
    tt_err (*hmac_sha256)(uint8_t out[TT_SHA256_LEN], const uint8_t *key, size_t keylen,
                          const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

    /* Fill buf with cryptographically secure random bytes. */
    tt_err (*random)(void *rng_ctx, uint8_t *buf, size_t len);
    void *rng_ctx;
};

/* Wipe memory in a way the compiler may not remove. */
void tt_wipe(void *p, size_t len);

#endif
