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
    r->limit = (uint32_t)nslots;
    r->adaptive = false;
    r->clock_ms = r->ack_since_ms = 0;
    return TT_OK;
}

void tt_rel_set_window(struct tt_rel *r, uint32_t peer_window)
{
    if (r == NULL)
        return;
    r->limit = peer_window == 0 ? 1 : peer_window < r->nslots ? peer_window : r->nslots;
}

static uint32_t clamp_rto(uint64_t ms)
{
    return ms < TT_RTO_MIN_MS ? TT_RTO_MIN_MS : ms > TT_RTO_MAX_MS ? TT_RTO_MAX_MS : (uint32_t)ms;
}

static void rtt_sample(struct tt_rel *r, uint32_t rtt)
{
    if (r->srtt_ms == 0 && r->rttvar_ms == 0) { /* RFC 6298 2.2 */
        r->srtt_ms = rtt ? rtt : 1;
        r->rttvar_ms = rtt / 2;
    } else { /* 2.3: beta 1/4, alpha 1/8 */
        uint32_t d = r->srtt_ms > rtt ? r->srtt_ms - rtt : rtt - r->srtt_ms;
        r->rttvar_ms = (3u * r->rttvar_ms + d) / 4u;
        r->srtt_ms = (7u * r->srtt_ms + rtt) / 8u;
    }
    /* RFC 6298's RTO = SRTT + max(G, 4 RTTVAR), with G = TT_RTO_MIN_MS ([REL-020]): round
     * trips of a steady link vary little, so 4 RTTVAR alone can come within tens of ms of
     * SRTT, and a loaded host or a radio's scheduling stalls one round trip by more. An
     * early timer resends the whole flight (go-back-N) and restarts from one message. */
    uint64_t var = 4u * (uint64_t)r->rttvar_ms;
    r->base_rto_ms = clamp_rto((uint64_t)r->srtt_ms + (var > TT_RTO_MIN_MS ? var : TT_RTO_MIN_MS));
}

void tt_rel_adapt(struct tt_rel *r, uint32_t seed_rtt_ms)
{
    if (r == NULL)
        return;
    r->adaptive = true;
    r->srtt_ms = r->rttvar_ms = 0;
    r->min_rtt_ms = seed_rtt_ms ? seed_rtt_ms : UINT32_MAX;
    r->base_rto_ms = r->rto_ms;
    if (seed_rtt_ms)
        rtt_sample(r, seed_rtt_ms);
    r->rto_ms = r->base_rto_ms;
    r->timed_seq = 0;
    r->cwnd = TT_REL_CWND_INITIAL;
    r->ssthresh = UINT32_MAX;
    r->dup_acks = 0;
    r->recover = r->next_seq - 1;
    r->resent_at_ms = 0;
    r->probe = 1;
    r->train_end = 0;
}

void tt_rel_start_window(struct tt_rel *r, uint32_t cwnd)
{
    if (r == NULL || !r->adaptive || cwnd <= r->cwnd)
        return;
    /* out of slow start at once: growth is [REL-021]'s probing, and a queue the window
     * finds (the path got slower) is drained in one round trip as any other */
    r->cwnd = r->ssthresh = cwnd < r->limit ? cwnd : r->limit;
    r->train_end = UINT32_MAX; /* what the path carried before is a better guide ([REL-024]) */
}

void tt_rel_clock(struct tt_rel *r, uint64_t now_ms)
{
    if (r != NULL)
        r->clock_ms = now_ms;
}

uint32_t tt_rel_send_window(const struct tt_rel *r)
{
    return r->adaptive && r->cwnd < r->limit ? r->cwnd : r->limit;
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
    if (r->next_seq - 1 - r->peer_acked >= tt_rel_send_window(r))
        return TT_ERR_REL_WINDOW_FULL;

    struct tt_rel_slot *s = slot_of(r, r->next_seq);
    if (len != 0)
        memcpy(s->data, body, len);
    s->seq = r->next_seq;
    s->len = (uint16_t)len;
    s->due_ms = deadline(r, now_ms);
    if (r->adaptive && r->timed_seq == 0) {
        r->timed_seq = s->seq;
        r->timed_at_ms = now_ms;
    }
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

/* A duplicate ack within one SRTT of our last resend may be the peer acking the copies it
 * already had (a resend after a timer that fired early, a round trip stalled on a loaded
 * host): the acks of the originals pass `recover` first, then every copy is re-acked
 * ([REL-014]). Taken as gaps, each three would halve the window again and resend the whole
 * flight, and the window collapses to 2 ([REL-020]). */
static bool echo_of_resend(const struct tt_rel *r)
{
    return r->resent_at_ms != 0 && r->clock_ms < r->resent_at_ms + r->srtt_ms;
}

/* [REL-024] The first flight leaves in one burst and queues in front of the slowest hop, and
 * the peer acks each message at once, so its acks come back spaced by that hop's
 * serialisation time: they measure the link's rate before slow start or Vegas has found it.
 * Slow start at 1 Mbit/s x 600 ms (70 messages in flight) leaves the link idle in every
 * round trip until the window reaches 70; at 60 kbit/s (5 in flight) a first window of 32
 * is 4 s of queue, which Vegas sees only one round trip of that queue later. So after
 * TT_REL_TRAIN_ACKS acks (or the flight's last) the window becomes rate x min RTT plus the
 * queue Vegas tolerates, up or down. Acks bunched on the way (a relay, a descheduled
 * client) shorten the span: none at all gives no estimate, and the jump is capped at what
 * slow start reaches two round trips later; an overshoot shows as a queue one round trip
 * later and is drained. Once per tt_rel_adapt; a loss or a remembered window ends it. */
static void jump_to_measured_rate(struct tt_rel *r)
{
    if (r->train_end == UINT32_MAX || r->min_rtt_ms == UINT32_MAX)
        return;
    if (r->train_end == 0) { /* the first ack with more in flight starts the train */
        if (r->next_seq - 1 != r->peer_acked) {
            r->train_end = r->next_seq - 1;
            r->train_acked = r->peer_acked;
            r->train_at_ms = r->clock_ms;
        }
        return;
    }
    uint32_t acked = r->peer_acked - r->train_acked;
    if (r->peer_acked < r->train_end && acked < TT_REL_TRAIN_ACKS)
        return;
    uint64_t span = r->clock_ms > r->train_at_ms ? r->clock_ms - r->train_at_ms : 0;
    r->train_end = UINT32_MAX;
    if (acked < TT_REL_TRAIN_MIN || span == 0)
        return;
    uint64_t w = (uint64_t)acked * r->min_rtt_ms / span + TT_REL_QUEUE_LOW;
    uint64_t cap = (uint64_t)r->cwnd * TT_REL_JUMP_MAX;
    w = w < cap ? w : cap;
    w = w < r->limit ? w : r->limit;
    r->cwnd = r->ssthresh = w > 2 ? (uint32_t)w : 2;
    r->probe = 1;
    /* the message being timed left with the old window: its round trip shows the queue that
     * window built, and Vegas would drain it a second time, below what the link holds */
    r->timed_seq = 0;
}

/* The slow-start threshold after a loss: half of what was in flight (RFC 5681), but of no
 * more than the window. The flight is larger when the window was cut after it left (a
 * queue drained, [REL-024]'s measurement): halving it would raise the window, into the queue
 * the loss was found in. */
static uint32_t after_loss(const struct tt_rel *r, uint32_t flight)
{
    uint32_t half = (flight < r->cwnd ? flight : r->cwnd) / 2u;
    return half > 2 ? half : 2;
}

/* Frees every slot up to a valid cumulative ack. An older ack (from a record that was
 * overtaken) carries no news and is ignored. */
static void apply_ack(struct tt_rel *r, uint32_t ack, bool ack_envelope)
{
    uint32_t newly = ack > r->peer_acked ? ack - r->peer_acked : 0;
    uint32_t flight = r->next_seq - 1 - r->peer_acked; /* before this ack */
    for (; r->peer_acked < ack; r->peer_acked++) {
        struct tt_rel_slot *s = slot_of(r, r->peer_acked + 1);
        s->seq = 0;
        s->len = 0;
    }
    if (!r->adaptive)
        return;
    if (newly == 0) {
        /* An ACK envelope that repeats our ack while messages are unacked: the peer dropped
         * one after a gap. The third resends at once (go-back-N from the oldest). */
        if (ack_envelope && ack == r->peer_acked && r->next_seq - 1 != r->peer_acked &&
            ack >= r->recover && !echo_of_resend(r) && ++r->dup_acks == 3) {
            r->ssthresh = after_loss(r, flight);
            r->cwnd = r->ssthresh;
            r->recover = r->next_seq - 1;
            r->timed_seq = 0;
            r->probe = 1;
            r->train_end = UINT32_MAX; /* [REL-024]: acks after a loss measure no rate */
            for (uint32_t seq = r->peer_acked + 1; seq != r->next_seq; seq++)
                slot_of(r, seq)->due_ms = 0;
        }
        return;
    }
    r->dup_acks = 0;
    if (r->timed_seq != 0 && ack >= r->timed_seq) {
        uint64_t t = r->clock_ms > r->timed_at_ms ? r->clock_ms - r->timed_at_ms : 0;
        uint32_t rtt = t > TT_RTO_MAX_MS ? TT_RTO_MAX_MS : t ? (uint32_t)t : 1;
        rtt_sample(r, rtt);
        r->timed_seq = 0;
        if (rtt < r->min_rtt_ms)
            r->min_rtt_ms = rtt;
        /* Once per round trip (one timed message at a time), as TCP Vegas: the link
         * delivered `flight` per rtt where min_rtt would do, so this many wait in a queue. */
        uint64_t queued = (uint64_t)flight * (rtt - r->min_rtt_ms) / rtt;
        /* The bounds grow with the window (1/8, 1/4 of it): round trips jitter (a loaded
         * host, a radio's scheduling) by a share of the window, and that is no queue. */
        uint32_t low = r->cwnd / 8u > TT_REL_QUEUE_LOW ? r->cwnd / 8u : TT_REL_QUEUE_LOW;
        uint32_t high = r->cwnd / 4u > TT_REL_QUEUE_HIGH ? r->cwnd / 4u : TT_REL_QUEUE_HIGH;
        if (queued > low && r->ssthresh > r->cwnd)
            r->ssthresh = r->cwnd; /* slow start ends: the link is full */
        if (queued > high) { /* drain the excess in one round trip */
            uint64_t excess = queued - high;
            r->cwnd = r->cwnd > excess + 2 ? r->cwnd - (uint32_t)excess : 2;
            r->ssthresh = r->cwnd;
        }
        /* Congestion avoidance: +1, +2, +4… per round trip while no queue shows ([REL-021]).
         * Slow start often ends early on a jittery host (one round trip stalled looks like
         * a queue); +1 per round trip would then take 30 s to fill a 70-message window at
         * 600 ms. Any overshoot shows as a queue one round trip later and is drained. */
        if (queued <= low && r->cwnd >= r->ssthresh) {
            r->cwnd += r->probe;
            r->probe = r->probe < r->cwnd / 2u ? 2u * r->probe : r->probe;
        } else {
            r->probe = 1;
        }
    }
    r->rto_ms = r->base_rto_ms; /* progress ends the backoff */
    jump_to_measured_rate(r);
    if (r->cwnd < r->ssthresh) /* slow start: +1 per message acked */
        r->cwnd = r->cwnd + newly < r->ssthresh ? r->cwnd + newly : r->ssthresh;
    if (r->cwnd > r->limit)
        r->cwnd = r->limit;
    /* RFC 6298 5.3: the timer restarts when an ack makes progress */
    for (uint32_t seq = r->peer_acked + 1; seq != r->next_seq; seq++) {
        struct tt_rel_slot *s = slot_of(r, seq);
        uint64_t d = deadline(r, r->clock_ms);
        if (s->due_ms != 0 && s->due_ms < d)
            s->due_ms = d;
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

    apply_ack(r, ack, kind == TT_REL_ACK); /* every check passed: the context changes */
    if (kind == TT_REL_ACK)
        return TT_ERR_REL_NONE;

    if (!r->ack_pending)
        r->ack_since_ms = r->clock_ms;
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
    apply_ack(r, ack, kind == TT_REL_ACK);
    return TT_OK;
}

bool tt_rel_window_full(const struct tt_rel *r)
{
    return r != NULL && r->next_seq - 1 - r->peer_acked >= tt_rel_send_window(r);
}

bool tt_rel_slots_full(const struct tt_rel *r)
{
    return r != NULL && r->next_seq - 1 - r->peer_acked >= r->limit;
}

bool tt_rel_ack_needed(const struct tt_rel *r)
{
    return r != NULL && r->ack_pending;
}

bool tt_rel_ack_due(const struct tt_rel *r, uint64_t now_ms)
{
    /* [REL-022]: an adaptive sender lets acks gather for TT_REL_ACK_GATHER_MS; the device
     * (not adaptive) acks at once, as before. */
    return tt_rel_ack_needed(r) &&
           (!r->adaptive || now_ms >= r->ack_since_ms + TT_REL_ACK_GATHER_MS);
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
    /* [REL-025] An adaptive sender resends no further than its window reaches: the rest
     * stay due and go as acks slide it, as new messages would. A whole flight resent at once
     * after a loss, whatever the window, doubles the queue a too-large window built. */
    uint32_t end = r->adaptive && tt_rel_send_window(r) < r->next_seq - 1 - r->peer_acked
                       ? r->peer_acked + 1 + tt_rel_send_window(r)
                       : r->next_seq;
    for (uint32_t seq = r->peer_acked + 1; seq != end; seq++) {
        struct tt_rel_slot *s = slot_of(r, seq);
        if (s->due_ms > now_ms)
            continue;
        if (cap < TT_REL_HEADER_LEN + (size_t)s->len)
            return TT_ERR_NO_SPACE;
        memcpy(out + TT_REL_HEADER_LEN, s->data, s->len);
        put_header(out, TT_REL_DATA, seq, r->delivered);
        *outlen = TT_REL_HEADER_LEN + (size_t)s->len;
        if (r->adaptive && seq == r->peer_acked + 1 && s->due_ms != 0) {
            /* The oldest message's own timer expired (not a fast resend, due 0): a loss
             * the acks did not reveal. Back off, restart from one message. A resend lost
             * while the last loss is still being repaired (below `recover`) is the same
             * episode: the threshold stays, as Linux keeps it in its Loss state. Halved
             * again from the small window of that repair, it would end at a few messages,
             * and resends ([REL-025]) time nothing Vegas could grow the window on. */
            if (r->peer_acked >= r->recover)
                r->ssthresh = after_loss(r, r->next_seq - 1 - r->peer_acked);
            r->cwnd = 1;
            r->rto_ms = clamp_rto((uint64_t)r->rto_ms * 2u);
            r->recover = r->next_seq - 1;
            r->probe = 1;
            r->train_end = UINT32_MAX;
        }
        if (r->adaptive)
            r->resent_at_ms = now_ms ? now_ms : 1;
        if (r->adaptive && r->timed_seq != 0 && seq <= r->timed_seq)
            r->timed_seq = 0; /* Karn: a resent message's ack says nothing about the RTT */
        s->due_ms = deadline(r, now_ms);
        /* Go-back-N: the peer dropped everything after the message it missed. Due 0, as a
         * fast resend: an ack that makes progress restarts running timers only, so the ones
         * the window holds back stay due; and none of them is a timer expiry of its own. */
        for (uint32_t later = seq + 1; later != r->next_seq; later++)
            slot_of(r, later)->due_ms = 0;
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
