/* symmetric.c — Noise CipherState and SymmetricState (Noise spec §5.1, §5.2) over a
 * struct tt_crypto: MixHash, MixKey, HKDF from HMAC-SHA-256, EncryptAndHash,
 * DecryptAndHash, Split, and the counter-nonce CipherState for transport messages.
 *
 * HKDF is written out from HMAC because libsodium 1.0.18 has none and both backends must
 * compute the same thing through the same table. Every intermediate secret is wiped before
 * return. Depends on crypto.h, noise.h, wire.h. */
#include <string.h>

#include "symmetric.h"

_Static_assert(sizeof TT_NOISE_PROTOCOL_NAME - 1 == TT_NOISE_HASH_LEN,
               "a 32-byte protocol name is used as h directly (Noise §5.2)");

/* Noise HKDF with two outputs: t = HMAC(ck, ikm); o1 = HMAC(t, 1); o2 = HMAC(t, o1 || 2). */
static tt_err hkdf2(const struct tt_crypto *c, const uint8_t ck[TT_NOISE_HASH_LEN],
                    const uint8_t *ikm, size_t ikmlen, uint8_t o1[TT_NOISE_HASH_LEN],
                    uint8_t o2[TT_NOISE_HASH_LEN])
{
    uint8_t t[TT_NOISE_HASH_LEN];
    const uint8_t one = 0x01, two = 0x02;
    tt_err err = c->hmac_sha256(t, ck, TT_NOISE_HASH_LEN, ikm, ikmlen, NULL, 0);
    if (err == TT_OK)
        err = c->hmac_sha256(o1, t, sizeof t, &one, 1, NULL, 0);
    if (err == TT_OK)
        err = c->hmac_sha256(o2, t, sizeof t, o1, TT_NOISE_HASH_LEN, &two, 1);
    tt_wipe(t, sizeof t);
    return err;
}

void tt_noise_sym_init(struct tt_noise_symmetric *ss)
{
    memcpy(ss->h, TT_NOISE_PROTOCOL_NAME, TT_NOISE_HASH_LEN);
    memcpy(ss->ck, ss->h, TT_NOISE_HASH_LEN);
    tt_wipe(&ss->cs, sizeof ss->cs); /* InitializeKey(empty) */
}

tt_err tt_noise_sym_mix_hash(const struct tt_crypto *c, struct tt_noise_symmetric *ss,
                             const uint8_t *data, size_t len)
{
    return c->sha256(ss->h, ss->h, TT_NOISE_HASH_LEN, data, len);
}

tt_err tt_noise_sym_mix_key(const struct tt_crypto *c, struct tt_noise_symmetric *ss,
                            const uint8_t ikm[TT_X25519_LEN])
{
    uint8_t ck[TT_NOISE_HASH_LEN], k[TT_NOISE_KEY_LEN];
    tt_err err = hkdf2(c, ss->ck, ikm, TT_X25519_LEN, ck, k);
    if (err == TT_OK) {
        memcpy(ss->ck, ck, sizeof ck);
        tt_noise_cipher_init(&ss->cs, k); /* HASHLEN 32: the key is used whole */
    }
    tt_wipe(ck, sizeof ck);
    tt_wipe(k, sizeof k);
    return err;
}

tt_err tt_noise_sym_encrypt_and_hash(const struct tt_crypto *c, struct tt_noise_symmetric *ss,
                                     uint8_t *out, const uint8_t *pt, size_t ptlen)
{
    size_t outlen = ptlen;
    if (ss->cs.has_key) {
        tt_err err = tt_noise_cipher_encrypt(c, &ss->cs, ss->h, TT_NOISE_HASH_LEN, pt, ptlen, out);
        if (err != TT_OK)
            return err;
        outlen += TT_AEAD_TAG_LEN;
    } else if (ptlen > 0) {
        memcpy(out, pt, ptlen);
    }
    return tt_noise_sym_mix_hash(c, ss, out, outlen);
}

tt_err tt_noise_sym_decrypt_and_hash(const struct tt_crypto *c, struct tt_noise_symmetric *ss,
                                     uint8_t *out, const uint8_t *ct, size_t ctlen)
{
    uint8_t h_next[TT_NOISE_HASH_LEN];
    /* h must absorb the ciphertext, which out may not hold afterwards: hash it first. */
    tt_err err = c->sha256(h_next, ss->h, TT_NOISE_HASH_LEN, ct, ctlen);
    if (err != TT_OK)
        return err;
    if (ss->cs.has_key) {
        err = tt_noise_cipher_decrypt(c, &ss->cs, ss->h, TT_NOISE_HASH_LEN, ct, ctlen, out);
        if (err == TT_ERR_REC_AUTH)
            err = TT_ERR_HS_DECRYPT;
        if (err != TT_OK)
            return err;
    } else if (ctlen > 0) {
        memcpy(out, ct, ctlen);
    }
    memcpy(ss->h, h_next, sizeof h_next);
    return TT_OK;
}

tt_err tt_noise_sym_split(const struct tt_crypto *c, const struct tt_noise_symmetric *ss,
                          uint8_t k1[TT_NOISE_KEY_LEN], uint8_t k2[TT_NOISE_KEY_LEN])
{
    return hkdf2(c, ss->ck, NULL, 0, k1, k2);
}

void tt_noise_cipher_init(struct tt_noise_cipher *cs, const uint8_t key[TT_NOISE_KEY_LEN])
{
    memcpy(cs->k, key, TT_NOISE_KEY_LEN);
    cs->n = 0;
    cs->has_key = 1;
}

tt_err tt_noise_cipher_encrypt(const struct tt_crypto *c, struct tt_noise_cipher *cs,
                               const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t ptlen,
                               uint8_t *out)
{
    if (!cs->has_key)
        return TT_ERR_STATE;
    if (cs->n == UINT64_MAX)
        return TT_ERR_REC_EXPIRED; /* 2^64 - 1 is reserved (Noise §5.1) */
    tt_err err = c->aead_seal(out, cs->k, cs->n, ad, adlen, pt, ptlen);
    if (err == TT_OK)
        cs->n++;
    return err;
}

tt_err tt_noise_cipher_decrypt(const struct tt_crypto *c, struct tt_noise_cipher *cs,
                               const uint8_t *ad, size_t adlen, const uint8_t *ct, size_t ctlen,
                               uint8_t *out)
{
    if (!cs->has_key)
        return TT_ERR_STATE;
    if (cs->n == UINT64_MAX)
        return TT_ERR_REC_EXPIRED;
    if (ctlen < TT_AEAD_TAG_LEN)
        return TT_ERR_REC_AUTH;
    tt_err err = c->aead_open(out, cs->k, cs->n, ad, adlen, ct, ctlen);
    if (err == TT_OK)
        cs->n++;
    else
        tt_wipe(out, ctlen - TT_AEAD_TAG_LEN);
    return err;
}
