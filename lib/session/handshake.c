/* handshake.c — the session's handshake transitions: initiate / on_response (client) and
 * accept / respond (device).
 *
 * Each function checks the state on entry, works on locals, and sets the new state last,
 * so a rejected packet leaves the session as it was. Packet layouts are spec/session.md
 * [PKT-*]: initiation = 0x01 ‖ sender_id ‖ msg1, response = 0x02 ‖ sender_id ‖ receiver_id ‖
 * msg2. Depends on noise.h, record.h, reliable.h, bytes.h. */
#include <string.h>

#include "tether/bytes.h"
#include "tether/session.h"

static const uint8_t prologue[] = TT_NOISE_PROLOGUE;

static uint64_t seconds(uint64_t now_ms)
{
    return now_ms / 1000u;
}

/* A random non-zero session id ([PKT-004]: 0 never names a session). */
static tt_err new_id(const struct tt_crypto *c, uint32_t *id)
{
    uint8_t b[4];
    for (int tries = 0; tries < 8; tries++) {
        tt_err e = c->random(c->rng_ctx, b, sizeof b);
        if (e != TT_OK)
            return e;
        *id = tt_load_be32(b);
        if (*id != 0)
            return TT_OK;
    }
    return TT_ERR_CRYPTO;
}

/* Turn a finished handshake into the record and reliability state of an ESTABLISHED
 * session. */
static tt_err establish(struct tt_session *s, struct tt_rel_slot *slots, size_t nslots,
                        uint32_t rto_ms, uint64_t now_ms)
{
    struct tt_noise_keys nk;
    struct tt_record_keys rk;
    tt_err e = tt_noise_split(&s->hs, &nk);
    if (e != TT_OK)
        return e;
    memcpy(rk.send, nk.send, sizeof rk.send);
    memcpy(rk.recv, nk.recv, sizeof rk.recv);
    e = tt_record_session_init(&s->rec, s->crypto, &rk, s->local_id, s->remote_id,
                               seconds(now_ms), NULL);
    if (e == TT_OK)
        e = tt_rel_init(&s->rel, slots, nslots, rto_ms);
    tt_wipe(&nk, sizeof nk);
    tt_wipe(&rk, sizeof rk);
    return e;
}

tt_err tt_session_initiate(struct tt_session *s, const struct tt_crypto *c,
                           const uint8_t client_static_priv[TT_X25519_LEN],
                           const uint8_t device_static[TT_X25519_LEN], const uint8_t *ephemeral,
                           const uint8_t *hello, size_t hello_len, struct tt_rel_slot *slots,
                           size_t nslots, uint32_t rto_ms, uint8_t *out, size_t cap,
                           size_t *outlen)
{
    size_t n;
    tt_err e;
    if (!s || !c || !client_static_priv || !device_static || !out || !outlen || !slots)
        return TT_ERR_ARG;
    if (hello_len > TT_PKT_MAX_LEN - TT_INITIATION_MIN_LEN)
        return TT_ERR_REC_TOO_LARGE;
    if (cap < TT_INITIATION_MIN_LEN + hello_len)
        return TT_ERR_NO_SPACE;
    memset(s, 0, sizeof *s);
    s->crypto = c;
    memcpy(s->peer_static, device_static, TT_X25519_LEN);
    /* The reliability window is set up now so that slots are owned from the start. */
    e = tt_rel_init(&s->rel, slots, nslots, rto_ms);
    if (e == TT_OK)
        e = new_id(c, &s->local_id);
    if (e == TT_OK)
        e = tt_noise_ik_init_initiator(&s->hs, c, prologue, TT_NOISE_PROLOGUE_LEN,
                                       client_static_priv, device_static);
    if (e == TT_OK)
        e = tt_noise_ik_write_msg1(&s->hs, ephemeral, hello, hello_len,
                                   out + TT_INITIATION_HEADER_LEN,
                                   cap - TT_INITIATION_HEADER_LEN, &n);
    if (e != TT_OK) {
        tt_session_close(s);
        return e;
    }
    out[0] = TT_PKT_INITIATION;
    tt_store_be32(out + 1, s->local_id);
    *outlen = TT_INITIATION_HEADER_LEN + n;
    s->initiation = out; /* the caller's buffer: no copy ([HS-030] resends these bytes) */
    s->initiation_len = (uint16_t)*outlen;
    s->state = TT_SESSION_INITIATED;
    return TT_OK;
}

tt_err tt_session_initiation(const struct tt_session *s, const uint8_t **pkt, size_t *len)
{
    if (!s || !pkt || !len)
        return TT_ERR_ARG;
    if (s->state != TT_SESSION_INITIATED)
        return TT_ERR_STATE;
    *pkt = s->initiation;
    *len = s->initiation_len;
    return TT_OK;
}

tt_err tt_session_on_response(struct tt_session *s, const uint8_t *pkt, size_t len,
                              uint64_t now_ms, uint8_t *reply, size_t cap, size_t *reply_len)
{
    struct tt_packet p;
    struct tt_noise_hs saved;
    tt_err e;
    if (!s || !pkt || !reply || !reply_len)
        return TT_ERR_ARG;
    if (s->state != TT_SESSION_INITIATED)
        return TT_ERR_STATE;
    e = tt_packet_parse(pkt, len, &p);
    if (e != TT_OK)
        return e;
    if (p.type != TT_PKT_RESPONSE)
        return TT_ERR_PKT_TYPE;
    if (p.receiver_id != s->local_id)
        return TT_ERR_HS_UNKNOWN;
    if (p.sender_id == 0)
        return TT_ERR_PKT_ID;
    /* read_msg2 leaves hs unchanged on bad input; split and record init cannot fail on
     * input, but keep a copy so that nothing half-done survives an internal failure. */
    saved = s->hs;
    e = tt_noise_ik_read_msg2(&s->hs, p.body, p.body_len, reply, cap, reply_len);
    if (e != TT_OK) {
        tt_wipe(&saved, sizeof saved);
        return e;
    }
    s->remote_id = p.sender_id;
    e = establish(s, s->rel.slots, s->rel.nslots, s->rel.rto_ms, now_ms);
    tt_wipe(&saved, sizeof saved);
    if (e != TT_OK) {
        tt_session_close(s);
        return e;
    }
    s->initiation = NULL; /* answered: the caller's buffer is its own again */
    s->initiation_len = 0;
    s->last_rx_ms = now_ms;
    s->state = TT_SESSION_ESTABLISHED;
    return TT_OK;
}

tt_err tt_session_accept(struct tt_session *s, const struct tt_crypto *c,
                         const uint8_t device_static_priv[TT_X25519_LEN], const uint8_t *pkt,
                         size_t len, uint8_t *hello, size_t cap, size_t *hello_len)
{
    struct tt_packet p;
    tt_err e;
    if (!s || !c || !device_static_priv || !pkt || !hello || !hello_len)
        return TT_ERR_ARG;
    e = tt_packet_parse(pkt, len, &p);
    if (e != TT_OK)
        return e;
    if (p.type != TT_PKT_INITIATION)
        return TT_ERR_PKT_TYPE;
    if (p.sender_id == 0)
        return TT_ERR_PKT_ID;
    memset(s, 0, sizeof *s);
    s->crypto = c;
    e = tt_noise_ik_init_responder(&s->hs, c, prologue, TT_NOISE_PROLOGUE_LEN,
                                   device_static_priv);
    if (e == TT_OK)
        e = tt_noise_ik_read_msg1(&s->hs, p.body, p.body_len, hello, cap, hello_len);
    if (e == TT_OK)
        e = tt_noise_ik_remote_static(&s->hs, s->peer_static);
    if (e != TT_OK) {
        tt_session_close(s);
        return e;
    }
    s->remote_id = p.sender_id;
    s->state = TT_SESSION_ACCEPTED;
    return TT_OK;
}

tt_err tt_session_respond(struct tt_session *s, uint32_t local_id, const uint8_t *ephemeral,
                          const uint8_t *reply, size_t reply_len, struct tt_rel_slot *slots,
                          size_t nslots, uint32_t rto_ms, uint64_t now_ms, uint8_t *out,
                          size_t cap, size_t *outlen)
{
    size_t n;
    tt_err e;
    if (!s || !out || !outlen || !slots || local_id == 0)
        return TT_ERR_ARG;
    if (s->state != TT_SESSION_ACCEPTED)
        return TT_ERR_STATE;
    if (reply_len > TT_PKT_MAX_LEN - TT_RESPONSE_MIN_LEN)
        return TT_ERR_REC_TOO_LARGE;
    if (cap < TT_RESPONSE_MIN_LEN + reply_len)
        return TT_ERR_NO_SPACE;
    e = tt_noise_ik_write_msg2(&s->hs, ephemeral, reply, reply_len,
                               out + TT_RESPONSE_HEADER_LEN, cap - TT_RESPONSE_HEADER_LEN, &n);
    if (e == TT_OK) {
        s->local_id = local_id;
        e = establish(s, slots, nslots, rto_ms, now_ms);
    }
    if (e != TT_OK) {
        tt_session_close(s);
        return e;
    }
    out[0] = TT_PKT_RESPONSE;
    tt_store_be32(out + 1, s->local_id);
    tt_store_be32(out + 5, s->remote_id);
    *outlen = TT_RESPONSE_HEADER_LEN + n;
    s->last_rx_ms = now_ms;
    s->state = TT_SESSION_ESTABLISHED;
    return TT_OK;
}

void tt_session_close(struct tt_session *s)
{
    if (!s)
        return;
    tt_noise_hs_wipe(&s->hs);
    tt_record_session_wipe(&s->rec);
    tt_wipe(s->peer_static, sizeof s->peer_static);
    s->initiation = NULL;
    s->initiation_len = 0;
    s->state = TT_SESSION_CLOSED;
}
