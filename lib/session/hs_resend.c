/* hs_resend.c — the client's initiation resend timer (hs_resend.h): [HS-030]'s doubling,
 * held back by a pending packet bound to the initiation ([HS-071]..[HS-074]).
 * Depends on hs_resend.h, crypto.h (SHA-256 of the initiation). */
#include <string.h>

#include "tether/hs_resend.h"

/* The interval after `cur`: doubled, up to TT_HS_RETRY_MAX_MS ([HS-030]). */
static uint32_t doubled(uint32_t cur)
{
    return cur >= TT_HS_RETRY_MAX_MS / 2u ? TT_HS_RETRY_MAX_MS : cur * 2u;
}

tt_err tt_hs_resend_start(struct tt_hs_resend *r, const struct tt_crypto *c, const uint8_t *init,
                          size_t len, uint64_t now_ms, uint32_t rtt_ms)
{
    uint8_t hash[TT_SHA256_LEN];
    if (r == NULL || c == NULL || init == NULL || len < TT_INITIATION_MIN_LEN ||
        len > TT_PKT_MAX_LEN || init[0] != TT_PKT_INITIATION)
        return TT_ERR_ARG;
    tt_err e = c->sha256(hash, init, len, NULL, 0);
    if (e != TT_OK)
        return e;
    memset(r, 0, sizeof *r);
    /* [HS-030]: a link known to be slow starts at twice its RTT, never below 1 s */
    uint32_t first = TT_HS_RETRY_INITIAL_MS;
    if (rtt_ms > 500u && rtt_ms <= TT_HS_RETRY_MAX_MS / 2u)
        first = 2u * rtt_ms;
    else if (rtt_ms > TT_HS_RETRY_MAX_MS / 2u)
        first = TT_HS_RETRY_MAX_MS;
    r->first_ms = r->last_sent_ms = now_ms;
    r->due_ms = now_ms + first;
    r->interval_ms = doubled(first);
    r->sender_id = (uint32_t)init[1] << 24 | (uint32_t)init[2] << 16 | (uint32_t)init[3] << 8 |
                   init[4];
    memcpy(r->digest, hash, sizeof r->digest);
    r->sent = 1;
    return TT_OK;
}

enum tt_hs_resend_action tt_hs_resend_poll(struct tt_hs_resend *r, uint64_t now_ms)
{
    if (now_ms - r->first_ms >= TT_HS_GIVE_UP_MS)
        return TT_HS_RESEND_GIVE_UP;
    if (now_ms < r->due_ms)
        return TT_HS_RESEND_WAIT;
    r->sent++;
    r->last_sent_ms = now_ms;
    r->due_ms = now_ms + r->interval_ms;
    r->interval_ms = doubled(r->interval_ms);
    return TT_HS_RESEND_SEND;
}

uint64_t tt_hs_resend_next_ms(const struct tt_hs_resend *r)
{
    uint64_t give_up = r->first_ms + TT_HS_GIVE_UP_MS;
    return r->due_ms < give_up ? r->due_ms : give_up;
}

/* Differs anywhere in the digest, without an early exit on the first difference. */
static int digest_differs(const uint8_t *a, const uint8_t *b)
{
    uint8_t d = 0;
    for (size_t i = 0; i < TT_PENDING_DIGEST_LEN; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    return d != 0;
}

tt_err tt_hs_resend_on_pending(struct tt_hs_resend *r, const uint8_t *pkt, size_t len,
                               uint64_t now_ms)
{
    struct tt_pending p;
    tt_err e = tt_pending_parse(pkt, len, &p);
    if (e == TT_OK && (p.sender_id != r->sender_id || digest_differs(p.digest, r->digest)))
        e = TT_ERR_HS_UNKNOWN; /* [HS-073]: another initiation's, or forged */
    if (e == TT_OK && r->waits >= r->sent)
        e = TT_ERR_HS_UNKNOWN; /* [HS-073]: one wait per transmission, so replays cannot
                                  hold the client back for ever */
    if (e != TT_OK) {
        r->ignored++;
        return e;
    }
    uint32_t expected = p.expected_ms > TT_HS_PENDING_MAX_MS ? TT_HS_PENDING_MAX_MS
                                                             : p.expected_ms; /* [HS-072] */
    uint64_t rtt = now_ms > r->last_sent_ms ? now_ms - r->last_sent_ms : 0;
    if (rtt > TT_HS_PENDING_MAX_MS) /* a stale sample from an old transmission: bounded too */
        rtt = TT_HS_PENDING_MAX_MS;
    uint64_t until = now_ms + expected + rtt;
    if (until > r->due_ms) /* a pending only ever delays a resend, never brings it forward */
        r->due_ms = until;
    r->waits++;
    r->expected_ms = expected;
    r->rtt_ms = (uint32_t)rtt;
    return TT_OK;
}
