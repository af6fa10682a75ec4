/* reliable.c — reliability envelope engine: numbering, cumulative acks, go-back-N resend.
 *
 * Every function validates all of its input before it changes anything, so a malformed or
 * hostile envelope leaves the context as it was. Unacked messages sit in the caller's slot
 * array at index msg_seq % nslots, which is collision-free because at most nslots messages
 * are unacked. Depends on reliable.h, bytes.h and wire.h; no I/O, no malloc. */
#include <string.h>

#include "tether/bytes.h"
#include "tether/reliable.h"

tt_err tt_rel_init(struct tt_rel *r, struct tt_rel_slot *slots, size_t nslots, uint32_t rto_ms)
{
    if (r == NULL || slots == NULL || nslots == 0 || nslots > UINT32_MAX || rto_ms == 0)
        return TT_ERR_ARG;
    for (size_t i = 0; i < nslots; i++) {
        slots[i].seq = 0;
        slots[i].len = 0;
        slots[i].due_ms = 0;
    }
    r->slots = slots;
    r->nslots = (uint32_t)nslots;
    r->rto_ms = rto_ms;
    r->next_seq = 1;
    r->peer_acked = 0;
    r->delivered = 0;
    r->ack_pending = false;
    return TT_OK;
}

static struct tt_rel_slot *slot_of(const struct tt_rel *r, uint32_t seq)
{
    return &r->slots[seq % r->nslots];
}

static uint64_t deadline(const struct tt_rel *r, uint64_t now_ms)
{
    return now_ms > UINT64_MAX - r->rto_ms ? UINT64_MAX : now_ms + r->rto_ms;
}

static void put_header(uint8_t *out, uint8_t kind, uint32_t seq, uint32_t ack)
{
    out[0] = kind;
    tt_store_be32(out + 1, seq);
    tt_store_be32(out + 5, ack);
}

tt_err tt_rel_send(struct tt_rel *r, const uint8_t *body, size_t len, uint64_t now_ms,
                   uint8_t *out, size_t cap, size_t *outlen)
{
    if (r == NULL || (body == NULL && len != 0) || out == NULL || outlen == NULL)
        return TT_ERR_ARG;
    if (len > TT_MESSAGE_MAX_LEN)
        return TT_ERR_REC_TOO_LARGE;
    if (cap < TT_REL_HEADER_LEN + len)
        return TT_ERR_NO_SPACE;
    if (r->next_seq == UINT32_MAX)
        return TT_ERR_STATE;
    if (r->next_seq - 1 - r->peer_acked >= r->nslots)
        return TT_ERR_REL_WINDOW_FULL;

    struct tt_rel_slot *s = slot_of(r, r->next_seq);
    if (len != 0)
        memcpy(s->data, body, len);
    s->seq = r->next_seq;
    s->len = (uint16_t)len;
    s->due_ms = deadline(r, now_ms);
    if (len != 0)
        memmove(out + TT_REL_HEADER_LEN, s->data, len);
    put_header(out, TT_REL_DATA, s->seq, r->delivered);
    *outlen = TT_REL_HEADER_LEN + len;
    r->ack_pending = false; /* this DATA carries the ack */
    r->next_seq++;
    return TT_OK;
}

/* Checks an envelope completely; reads the context, never writes it. */
static tt_err parse(const struct tt_rel *r, const uint8_t *env, size_t len, uint8_t *kind,
                    uint32_t *seq, uint32_t *ack)
{
    if (len < TT_REL_HEADER_LEN)
        return TT_ERR_REL_ENVELOPE;
    *kind = env[0];
    *seq = tt_load_be32(env + 1);
    *ack = tt_load_be32(env + 5);
    if (*kind == TT_REL_DATA) {
        if (*seq == 0 || len - TT_REL_HEADER_LEN > TT_MESSAGE_MAX_LEN)
            return TT_ERR_REL_ENVELOPE;
    } else if (*kind == TT_REL_ACK) {
        if (*seq != 0 || len != TT_REL_HEADER_LEN)
            return TT_ERR_REL_ENVELOPE;
    } else {
        return TT_ERR_REL_ENVELOPE;
    }
    if (*ack >= r->next_seq) /* we have sent 1..next_seq-1 only */
        return TT_ERR_REL_BAD_ACK;
    return TT_OK;
}

/* Frees every slot up to a valid cumulative ack. An older ack (from a record that was
 * overtaken) carries no news and is ignored. */
static void apply_ack(struct tt_rel *r, uint32_t ack)
{
    for (; r->peer_acked < ack; r->peer_acked++) {
        struct tt_rel_slot *s = slot_of(r, r->peer_acked + 1);
        s->seq = 0;
        s->len = 0;
    }
}

tt_err tt_rel_receive(struct tt_rel *r, const uint8_t *env, size_t len, const uint8_t **body,
                      size_t *bodylen)
{
    if (r == NULL || (env == NULL && len != 0) || body == NULL || bodylen == NULL)
        return TT_ERR_ARG;
    *body = NULL;
    *bodylen = 0;
    uint8_t kind;
    uint32_t seq, ack;
    tt_err e = parse(r, env, len, &kind, &seq, &ack);
    if (e != TT_OK)
        return e;

    apply_ack(r, ack); /* every check passed: from here on the context changes */
    if (kind == TT_REL_ACK)
        return TT_ERR_REL_NONE;

    r->ack_pending = true; /* new data, a duplicate or a gap: the peer needs our ack */
    if (r->delivered != UINT32_MAX && seq == r->delivered + 1) {
        r->delivered = seq;
        *body = env + TT_REL_HEADER_LEN;
        *bodylen = len - TT_REL_HEADER_LEN;
        return TT_OK;
    }
    return seq <= r->delivered ? TT_ERR_REL_DUPLICATE : TT_ERR_REL_GAP;
}

tt_err tt_rel_receive_ack_only(struct tt_rel *r, const uint8_t *env, size_t len)
{
    if (r == NULL || (env == NULL && len != 0))
        return TT_ERR_ARG;
    uint8_t kind;
    uint32_t seq, ack;
    tt_err e = parse(r, env, len, &kind, &seq, &ack);
    if (e != TT_OK)
        return e;
    apply_ack(r, ack);
    return TT_OK;
}

bool tt_rel_window_full(const struct tt_rel *r)
{
    return r != NULL && r->next_seq - 1 - r->peer_acked >= r->nslots;
}

bool tt_rel_ack_needed(const struct tt_rel *r)
{
    return r != NULL && r->ack_pending;
}

tt_err tt_rel_make_ack(struct tt_rel *r, uint8_t *out, size_t cap, size_t *outlen)
{
    if (r == NULL || out == NULL || outlen == NULL)
        return TT_ERR_ARG;
    if (cap < TT_REL_HEADER_LEN)
        return TT_ERR_NO_SPACE;
    put_header(out, TT_REL_ACK, 0, r->delivered);
    *outlen = TT_REL_HEADER_LEN;
    r->ack_pending = false;
    return TT_OK;
}

tt_err tt_rel_retransmit_due(struct tt_rel *r, uint64_t now_ms, uint8_t *out, size_t cap,
                             size_t *outlen)
{
    if (r == NULL || out == NULL || outlen == NULL)
        return TT_ERR_ARG;
    for (uint32_t seq = r->peer_acked + 1; seq != r->next_seq; seq++) {
        struct tt_rel_slot *s = slot_of(r, seq);
        if (s->due_ms > now_ms)
            continue;
        if (cap < TT_REL_HEADER_LEN + (size_t)s->len)
            return TT_ERR_NO_SPACE;
        memcpy(out + TT_REL_HEADER_LEN, s->data, s->len);
        put_header(out, TT_REL_DATA, seq, r->delivered);
        *outlen = TT_REL_HEADER_LEN + (size_t)s->len;
        s->due_ms = deadline(r, now_ms);
        /* Go-back-N: the peer dropped everything after the message it missed. */
        for (uint32_t later = seq + 1; later != r->next_seq; later++) {
            struct tt_rel_slot *l = slot_of(r, later);
            if (l->due_ms > now_ms)
                l->due_ms = now_ms;
        }
        r->ack_pending = false;
        return TT_OK;
    }
    return TT_ERR_REL_NONE;
}

void tt_rel_on_reconnect(struct tt_rel *r)
{
    if (r == NULL)
        return;
    for (uint32_t seq = r->peer_acked + 1; seq != r->next_seq; seq++)
        slot_of(r, seq)->due_ms = 0;
    if (r->delivered != 0)
        r->ack_pending = true;
}

size_t tt_rel_unacked(const struct tt_rel *r)
{
    return r == NULL ? 0 : (size_t)(r->next_seq - 1 - r->peer_acked);
}
