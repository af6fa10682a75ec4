/* handshake_ik.c — Noise_IK_25519_ChaChaPoly_SHA256, initiator and responder ([HS-*]).
 *
 * One function per transition; each works on a copy of the symmetric state and commits it
 * (and the new state, last) only after every token has been processed, so bad input from
 * the peer changes nothing (noise.h has the full failure contract). Each step is labelled
 * with the Noise token it implements. Secrets on the stack are wiped on the single exit
 * path. Depends on symmetric.c, crypto.h (x25519 refuses low-order points), noise.h. */
#include <string.h>

#include "symmetric.h"

#define E_LEN TT_X25519_LEN
#define S_ENC_LEN (TT_X25519_LEN + TT_AEAD_TAG_LEN)
#define MSG1_MIN TT_NOISE_MSG1_OVERHEAD /* e + enc(s) + tag */
#define MSG2_MIN TT_NOISE_MSG2_OVERHEAD /* e + tag */

_Static_assert(MSG1_MIN == E_LEN + S_ENC_LEN + TT_AEAD_TAG_LEN, "wire.h msg1 overhead");
_Static_assert(MSG2_MIN == E_LEN + TT_AEAD_TAG_LEN, "wire.h msg2 overhead");

/* MixKey(DH(priv, pub)); x25519 itself refuses an all-zero (low-order) result. */
static tt_err mix_dh(const struct tt_crypto *c, struct tt_noise_symmetric *sym,
                     const uint8_t priv[TT_X25519_LEN], const uint8_t pub[TT_X25519_LEN])
{
    uint8_t shared[TT_X25519_LEN];
    tt_err err = c->x25519(shared, priv, pub);
    if (err == TT_OK)
        err = tt_noise_sym_mix_key(c, sym, shared);
    tt_wipe(shared, sizeof shared);
    return err;
}

void tt_noise_hs_wipe(struct tt_noise_hs *hs)
{
    if (hs != NULL)
        tt_wipe(hs, sizeof *hs); /* state becomes TT_NOISE_HS_UNUSED (0) */
}

static void fail(struct tt_noise_hs *hs)
{
    tt_noise_hs_wipe(hs);
    hs->state = TT_NOISE_HS_FAILED;
}

/* InitializeSymmetric, MixHash(prologue), the local static key pair, and the pre-message
 * `<- s` (the responder's static key, held by both sides). Arguments already checked. */
static tt_err init_common(struct tt_noise_hs *hs, const struct tt_crypto *c,
                          const uint8_t *prologue, size_t prologue_len,
                          const uint8_t s_priv[TT_X25519_LEN], const uint8_t *rs)
{
    tt_noise_hs_wipe(hs);
    hs->crypto = c;
    tt_noise_sym_init(&hs->sym);
    memcpy(hs->s_priv, s_priv, TT_X25519_LEN);
    tt_err err = tt_noise_sym_mix_hash(c, &hs->sym, prologue, prologue_len);
    if (err == TT_OK)
        err = c->x25519_public(hs->s_pub, hs->s_priv);
    if (err == TT_OK) {
        if (rs != NULL)
            memcpy(hs->rs, rs, TT_X25519_LEN);
        /* <- s */
        err = tt_noise_sym_mix_hash(c, &hs->sym, rs != NULL ? hs->rs : hs->s_pub, TT_X25519_LEN);
    }
    if (err != TT_OK)
        tt_noise_hs_wipe(hs);
    return err;
}

tt_err tt_noise_ik_init_initiator(struct tt_noise_hs *hs, const struct tt_crypto *c,
                                  const uint8_t *prologue, size_t prologue_len,
                                  const uint8_t s_priv[TT_X25519_LEN],
                                  const uint8_t rs[TT_X25519_LEN])
{
    if (hs == NULL || c == NULL || s_priv == NULL || rs == NULL ||
        (prologue == NULL && prologue_len > 0))
        return TT_ERR_ARG;
    tt_err err = init_common(hs, c, prologue, prologue_len, s_priv, rs);
    if (err != TT_OK)
        return err;
    hs->initiator = 1;
    hs->state = TT_NOISE_HS_INITIATOR;
    return TT_OK;
}

tt_err tt_noise_ik_init_responder(struct tt_noise_hs *hs, const struct tt_crypto *c,
                                  const uint8_t *prologue, size_t prologue_len,
                                  const uint8_t s_priv[TT_X25519_LEN])
{
    if (hs == NULL || c == NULL || s_priv == NULL || (prologue == NULL && prologue_len > 0))
        return TT_ERR_ARG;
    tt_err err = init_common(hs, c, prologue, prologue_len, s_priv, NULL);
    if (err != TT_OK)
        return err;
    hs->initiator = 0;
    hs->state = TT_NOISE_HS_RESPONDER;
    return TT_OK;
}

/* Checks shared by the two writers: `overhead + plen` bytes must fit in cap and in a Noise
 * message, written so that nothing can overflow. */
static tt_err check_write_args(const uint8_t *payload, size_t plen, const uint8_t *out,
                               size_t cap, const size_t *outlen, size_t overhead)
{
    if ((payload == NULL && plen > 0) || out == NULL || outlen == NULL)
        return TT_ERR_ARG;
    if (plen > TT_NOISE_MAX_MSG - overhead)
        return TT_ERR_ARG;
    if (cap < overhead || plen > cap - overhead)
        return TT_ERR_NO_SPACE;
    return TT_OK;
}

/* Checks shared by the readers: `len` must be a possible message, and its payload must fit. */
static tt_err check_read_args(const uint8_t *msg, size_t len, const uint8_t *payload, size_t cap,
                              const size_t *plen, size_t overhead)
{
    if (msg == NULL || plen == NULL || (payload == NULL && cap > 0))
        return TT_ERR_ARG;
    if (len < overhead || len > TT_NOISE_MAX_MSG)
        return TT_ERR_PKT_LENGTH;
    if (len - overhead > cap)
        return TT_ERR_NO_SPACE;
    return TT_OK;
}

/* e: take the caller's ephemeral or draw one, and compute its public key. */
static tt_err make_ephemeral(const struct tt_crypto *c, const uint8_t *given,
                             uint8_t priv[TT_X25519_LEN], uint8_t pub[TT_X25519_LEN])
{
    tt_err err = TT_OK;
    if (given != NULL)
        memcpy(priv, given, TT_X25519_LEN);
    else
        err = c->random(c->rng_ctx, priv, TT_X25519_LEN);
    if (err == TT_OK)
        err = c->x25519_public(pub, priv);
    return err;
}

tt_err tt_noise_ik_write_msg1(struct tt_noise_hs *hs, const uint8_t *ephemeral,
                              const uint8_t *payload, size_t plen, uint8_t *out, size_t cap,
                              size_t *outlen)
{
    if (hs == NULL)
        return TT_ERR_ARG;
    if (hs->state != TT_NOISE_HS_INITIATOR)
        return TT_ERR_STATE;
    tt_err err = check_write_args(payload, plen, out, cap, outlen, MSG1_MIN);
    if (err != TT_OK)
        return err;

    const struct tt_crypto *c = hs->crypto;
    struct tt_noise_symmetric sym = hs->sym;
    uint8_t e_priv[TT_X25519_LEN], e_pub[TT_X25519_LEN];

    err = make_ephemeral(c, ephemeral, e_priv, e_pub); /* e */
    if (err == TT_OK) {
        memcpy(out, e_pub, E_LEN);
        err = tt_noise_sym_mix_hash(c, &sym, e_pub, E_LEN);
    }
    if (err == TT_OK) /* es */
        err = mix_dh(c, &sym, e_priv, hs->rs);
    if (err == TT_OK) /* s */
        err = tt_noise_sym_encrypt_and_hash(c, &sym, out + E_LEN, hs->s_pub, TT_X25519_LEN);
    if (err == TT_OK) /* ss */
        err = mix_dh(c, &sym, hs->s_priv, hs->rs);
    if (err == TT_OK) /* payload */
        err = tt_noise_sym_encrypt_and_hash(c, &sym, out + E_LEN + S_ENC_LEN, payload, plen);

    if (err == TT_OK) {
        hs->sym = sym;
        memcpy(hs->e_priv, e_priv, TT_X25519_LEN);
        memcpy(hs->e_pub, e_pub, TT_X25519_LEN);
        *outlen = MSG1_MIN + plen;
        hs->state = TT_NOISE_HS_WAIT_MSG2;
    } else {
        tt_wipe(out, MSG1_MIN + plen);
        fail(hs);
    }
    tt_wipe(&sym, sizeof sym);
    tt_wipe(e_priv, sizeof e_priv);
    return err;
}

tt_err tt_noise_ik_read_msg1(struct tt_noise_hs *hs, const uint8_t *msg, size_t len,
                             uint8_t *payload, size_t cap, size_t *plen)
{
    if (hs == NULL)
        return TT_ERR_ARG;
    if (hs->state != TT_NOISE_HS_RESPONDER)
        return TT_ERR_STATE;
    tt_err err = check_read_args(msg, len, payload, cap, plen, MSG1_MIN);
    if (err != TT_OK)
        return err;

    const struct tt_crypto *c = hs->crypto;
    struct tt_noise_symmetric sym = hs->sym;
    uint8_t re[TT_X25519_LEN], rs[TT_X25519_LEN];
    size_t n = len - MSG1_MIN;

    memcpy(re, msg, E_LEN); /* e */
    err = tt_noise_sym_mix_hash(c, &sym, re, E_LEN);
    if (err == TT_OK) /* es */
        err = mix_dh(c, &sym, hs->s_priv, re);
    if (err == TT_OK) /* s */
        err = tt_noise_sym_decrypt_and_hash(c, &sym, rs, msg + E_LEN, S_ENC_LEN);
    if (err == TT_OK) /* ss */
        err = mix_dh(c, &sym, hs->s_priv, rs);
    if (err == TT_OK) /* payload */
        err = tt_noise_sym_decrypt_and_hash(c, &sym, payload, msg + E_LEN + S_ENC_LEN,
                                            n + TT_AEAD_TAG_LEN);

    if (err == TT_OK) {
        hs->sym = sym;
        memcpy(hs->re, re, TT_X25519_LEN);
        memcpy(hs->rs, rs, TT_X25519_LEN);
        *plen = n;
        hs->state = TT_NOISE_HS_GOT_MSG1;
    } else if (n > 0) {
        tt_wipe(payload, n);
    }
    tt_wipe(&sym, sizeof sym);
    tt_wipe(rs, sizeof rs);
    return err;
}

tt_err tt_noise_ik_write_msg2(struct tt_noise_hs *hs, const uint8_t *ephemeral,
                              const uint8_t *payload, size_t plen, uint8_t *out, size_t cap,
                              size_t *outlen)
{
    if (hs == NULL)
        return TT_ERR_ARG;
    if (hs->state != TT_NOISE_HS_GOT_MSG1)
        return TT_ERR_STATE;
    tt_err err = check_write_args(payload, plen, out, cap, outlen, MSG2_MIN);
    if (err != TT_OK)
        return err;

    const struct tt_crypto *c = hs->crypto;
    struct tt_noise_symmetric sym = hs->sym;
    uint8_t e_priv[TT_X25519_LEN], e_pub[TT_X25519_LEN];

    err = make_ephemeral(c, ephemeral, e_priv, e_pub); /* e */
    if (err == TT_OK) {
        memcpy(out, e_pub, E_LEN);
        err = tt_noise_sym_mix_hash(c, &sym, e_pub, E_LEN);
    }
    if (err == TT_OK) /* ee */
        err = mix_dh(c, &sym, e_priv, hs->re);
    if (err == TT_OK) /* se: initiator's static with our ephemeral */
        err = mix_dh(c, &sym, e_priv, hs->rs);
    if (err == TT_OK) /* payload */
        err = tt_noise_sym_encrypt_and_hash(c, &sym, out + E_LEN, payload, plen);

    if (err == TT_OK) {
        hs->sym = sym;
        memcpy(hs->e_pub, e_pub, TT_X25519_LEN);
        tt_wipe(hs->e_priv, sizeof hs->e_priv); /* no further DH needs it */
        *outlen = MSG2_MIN + plen;
        hs->state = TT_NOISE_HS_DONE;
    } else {
        tt_wipe(out, MSG2_MIN + plen);
        fail(hs);
    }
    tt_wipe(&sym, sizeof sym);
    tt_wipe(e_priv, sizeof e_priv);
    return err;
}

tt_err tt_noise_ik_read_msg2(struct tt_noise_hs *hs, const uint8_t *msg, size_t len,
                             uint8_t *payload, size_t cap, size_t *plen)
{
    if (hs == NULL)
        return TT_ERR_ARG;
    if (hs->state != TT_NOISE_HS_WAIT_MSG2)
        return TT_ERR_STATE;
    tt_err err = check_read_args(msg, len, payload, cap, plen, MSG2_MIN);
    if (err != TT_OK)
        return err;

    const struct tt_crypto *c = hs->crypto;
    struct tt_noise_symmetric sym = hs->sym;
    uint8_t re[TT_X25519_LEN];
    size_t n = len - MSG2_MIN;

    memcpy(re, msg, E_LEN); /* e */
    err = tt_noise_sym_mix_hash(c, &sym, re, E_LEN);
    if (err == TT_OK) /* ee */
        err = mix_dh(c, &sym, hs->e_priv, re);
    if (err == TT_OK) /* se: our static with the responder's ephemeral */
        err = mix_dh(c, &sym, hs->s_priv, re);
    if (err == TT_OK) /* payload */
        err = tt_noise_sym_decrypt_and_hash(c, &sym, payload, msg + E_LEN, n + TT_AEAD_TAG_LEN);

    if (err == TT_OK) {
        hs->sym = sym;
        memcpy(hs->re, re, TT_X25519_LEN);
        tt_wipe(hs->e_priv, sizeof hs->e_priv);
        *plen = n;
        hs->state = TT_NOISE_HS_DONE;
    } else if (n > 0) {
        tt_wipe(payload, n);
    }
    tt_wipe(&sym, sizeof sym);
    return err;
}

tt_err tt_noise_ik_remote_static(const struct tt_noise_hs *hs, uint8_t out[TT_X25519_LEN])
{
    if (hs == NULL || out == NULL)
        return TT_ERR_ARG;
    switch (hs->state) {
    case TT_NOISE_HS_INITIATOR:
    case TT_NOISE_HS_WAIT_MSG2:
    case TT_NOISE_HS_GOT_MSG1:
    case TT_NOISE_HS_DONE:
        memcpy(out, hs->rs, TT_X25519_LEN);
        return TT_OK;
    default:
        return TT_ERR_STATE;
    }
}

tt_err tt_noise_split(struct tt_noise_hs *hs, struct tt_noise_keys *keys)
{
    if (hs == NULL || keys == NULL)
        return TT_ERR_ARG;
    if (hs->state != TT_NOISE_HS_DONE)
        return TT_ERR_STATE;
    uint8_t k1[TT_NOISE_KEY_LEN], k2[TT_NOISE_KEY_LEN];
    tt_err err = tt_noise_sym_split(hs->crypto, &hs->sym, k1, k2);
    if (err == TT_OK) {
        /* [HS-007] initiator sends with k1, responder with k2 */
        memcpy(keys->send, hs->initiator ? k1 : k2, TT_NOISE_KEY_LEN);
        memcpy(keys->recv, hs->initiator ? k2 : k1, TT_NOISE_KEY_LEN);
        memcpy(keys->handshake_hash, hs->sym.h, TT_NOISE_HASH_LEN);
        tt_noise_hs_wipe(hs);
        hs->state = TT_NOISE_HS_SPLIT;
    } else {
        fail(hs);
    }
    tt_wipe(k1, sizeof k1);
    tt_wipe(k2, sizeof k2);
    return err;
}
