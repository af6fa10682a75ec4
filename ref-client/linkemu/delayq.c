/* delayq.c — the emulated link direction of delayq.h. Depends on delayq.h. */
#include <string.h>

#include "delayq.h"

void tt_dq_init(struct tt_delayq *q, uint64_t delay_us, uint64_t rate_bps, uint32_t drop_ppm,
                uint64_t seed)
{
    memset(q, 0, sizeof *q);
    q->delay_us = delay_us;
    q->rate_bps = rate_bps;
    q->drop_ppm = drop_ppm > 1000000 ? 1000000 : drop_ppm;
    q->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
}

static uint64_t next_rand(struct tt_delayq *q)
{
    q->rng ^= q->rng << 13;
    q->rng ^= q->rng >> 7;
    q->rng ^= q->rng << 17;
    return q->rng;
}

bool tt_dq_has_room(const struct tt_delayq *q)
{
    return q->count < TT_DQ_CHUNKS;
}

bool tt_dq_push(struct tt_delayq *q, uint64_t now_us, const uint8_t *data, size_t len)
{
    if (!tt_dq_has_room(q) || len == 0 || len > TT_DQ_CHUNK_MAX)
        return false;
    struct tt_dq_chunk *c = &q->q[(q->head + q->count) % TT_DQ_CHUNKS];
    uint64_t start = now_us > q->line_free_us ? now_us : q->line_free_us;
    uint64_t tx = q->rate_bps ? (uint64_t)len * 8u * 1000000u / q->rate_bps : 0;
    q->line_free_us = start + tx;
    if (q->drop_ppm && next_rand(q) % 1000000u < q->drop_ppm) {
        q->lost++; /* sent, never received */
        return true;
    }
    c->due_us = q->line_free_us + q->delay_us;
    c->len = (uint16_t)len;
    c->off = 0;
    memcpy(c->data, data, len);
    q->count++;
    return true;
}

size_t tt_dq_pop(struct tt_delayq *q, uint64_t now_us, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (q->count && n < cap) {
        struct tt_dq_chunk *c = &q->q[q->head];
        if (c->due_us > now_us)
            break;
        size_t k = (size_t)(c->len - c->off);
        if (k > cap - n)
            k = cap - n;
        memcpy(out + n, c->data + c->off, k);
        n += k;
        c->off = (uint16_t)(c->off + k);
        if (c->off == c->len) {
            q->head = (q->head + 1) % TT_DQ_CHUNKS;
            q->count--;
        }
    }
    return n;
}

uint64_t tt_dq_next_due(const struct tt_delayq *q)
{
    return q->count ? q->q[q->head].due_us : UINT64_MAX;
}

void tt_dq_clear(struct tt_delayq *q)
{
    q->head = q->count = 0;
    q->line_free_us = 0;
}
