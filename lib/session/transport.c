/* transport.c — an ESTABLISHED session's traffic: messages into records and back, with the
 * reliability envelope in between.
 *
 * Outgoing: message → tt_rel_send (kept for retransmission) → tt_record_seal (new seq).
 * Incoming: tt_record_open (auth, replay) → tt_rel_receive (exactly-once delivery).
 * Every envelope — first send, retransmission or ack — goes into a new record, so a nonce is
 * never reused ([REC-003], [REL-006]). Depends on record.h, reliable.h. */
#include <string.h>

#include "tether/session.h"

/* The entry checks of every call that writes one record: an envelope of up to body_len
 * payload bytes must fit in cap with its record around it. */
static TT_MUST_CHECK tt_err ready_to_write(const struct tt_session *s, const uint8_t *out, size_t cap,
                             const size_t *outlen, size_t body_len)
{
    if (!s || !out || !outlen)
        return TT_ERR_ARG;
    if (s->state != TT_SESSION_ESTABLISHED)
        return TT_ERR_STATE;
    if (cap < TT_RECORD_OVERHEAD + TT_REL_HEADER_LEN + body_len)
        return TT_ERR_NO_SPACE;
    return TT_OK;
}

/* Seal the envelope that sits at out + TT_RECORD_HEADER_LEN, in place. If it cannot be sent,
 * the reliability state goes back to before: a message must not sit in the window, and a
 * retransmission or ack not sent is still due. */
static TT_MUST_CHECK tt_err seal_or_undo(struct tt_session *s, const struct tt_rel *before, uint64_t now_ms,
                           uint8_t *out, size_t cap, size_t env_len, size_t *outlen)
{
    tt_err e = tt_record_seal(&s->rec, now_ms / 1000u, out + TT_RECORD_HEADER_LEN, env_len, out,
                              cap, outlen);
    if (e != TT_OK)
        s->rel = *before;
    return e;
}

tt_err tt_session_send(struct tt_session *s, const uint8_t *msg, size_t len, uint64_t now_ms,
                       uint8_t *out, size_t cap, size_t *outlen)
{
    size_t env_len;
    struct tt_rel rel_before;
    tt_err e;
    if (!msg && len)
        return TT_ERR_ARG;
    e = ready_to_write(s, out, cap, outlen, len);
    if (e != TT_OK)
        return e;
    rel_before = s->rel;
    e = tt_rel_send(&s->rel, msg, len, now_ms, out + TT_RECORD_HEADER_LEN,
                    cap - TT_RECORD_OVERHEAD, &env_len);
    if (e != TT_OK)
        return e;
    return seal_or_undo(s, &rel_before, now_ms, out, cap, env_len, outlen);
}

tt_err tt_session_receive(struct tt_session *s, const uint8_t *pkt, size_t len,
                          uint64_t now_ms, uint8_t *work, size_t work_cap, const uint8_t **msg,
                          size_t *msg_len)
{
    size_t plen;
    tt_err e;
    if (!s || !pkt || !work || !msg || !msg_len)
        return TT_ERR_ARG;
    if (s->state != TT_SESSION_ESTABLISHED)
        return TT_ERR_STATE;
    e = tt_record_open(&s->rec, now_ms / 1000u, pkt, len, work, work_cap, &plen);
    if (e != TT_OK)
        return e;
    s->last_rx_ms = now_ms;
    tt_rel_clock(&s->rel, now_ms); /* RTT samples, when the sender is adaptive */
    /* The record authenticated, so its envelope came from the peer; a malformed one is a
     * peer bug, reported as such (the record's seq is spent either way). */
    if (tt_rel_slots_full(&s->rel)) {
        /* No slot for a reply: take the ack (it may free one) but not the request, unless
         * the ack did free a slot. Dropping the record would drop that ack too, and both
         * sides could wait on each other forever ([REL-013]). A full congestion window is
         * no reason ([REL-019]): it only paces what we send, a slot for a reply is free. */
        e = tt_rel_receive_ack_only(&s->rel, work, plen);
        if (e != TT_OK)
            return e;
        if (tt_rel_slots_full(&s->rel))
            return TT_ERR_REL_NONE;
    }
    e = tt_rel_receive(&s->rel, work, plen, msg, msg_len);
    if (e == TT_ERR_REL_DUPLICATE || e == TT_ERR_REL_GAP)
        return TT_ERR_REL_NONE; /* poll will ack */
    return e;
}

tt_err tt_session_poll(struct tt_session *s, uint64_t now_ms, uint8_t *out, size_t cap,
                       size_t *outlen)
{
    size_t env_len;
    struct tt_rel rel_before;
    tt_err e;
    e = ready_to_write(s, out, cap, outlen, 0);
    if (e != TT_OK)
        return e;
    rel_before = s->rel;
    e = tt_rel_retransmit_due(&s->rel, now_ms, out + TT_RECORD_HEADER_LEN,
                              cap - TT_RECORD_OVERHEAD, &env_len);
    if (e == TT_ERR_REL_NONE) {
        if (!tt_rel_ack_due(&s->rel, now_ms))
            return TT_ERR_REL_NONE;
        e = tt_rel_make_ack(&s->rel, out + TT_RECORD_HEADER_LEN, cap - TT_RECORD_OVERHEAD,
                            &env_len);
    }
    if (e != TT_OK)
        return e;
    return seal_or_undo(s, &rel_before, now_ms, out, cap, env_len, outlen);
}

tt_err tt_session_keepalive(struct tt_session *s, uint64_t now_ms, uint8_t *out, size_t cap,
                            size_t *outlen)
{
    size_t env_len;
    struct tt_rel rel_before;
    tt_err e;
    e = ready_to_write(s, out, cap, outlen, 0);
    if (e != TT_OK)
        return e;
    rel_before = s->rel;
    e = tt_rel_make_ack(&s->rel, out + TT_RECORD_HEADER_LEN, cap - TT_RECORD_OVERHEAD, &env_len);
    if (e != TT_OK)
        return e; /* it changes nothing when it fails */
    return seal_or_undo(s, &rel_before, now_ms, out, cap, env_len, outlen);
}

void tt_session_on_reconnect(struct tt_session *s)
{
    if (s && s->state == TT_SESSION_ESTABLISHED)
        tt_rel_on_reconnect(&s->rel);
}

unsigned tt_session_needs_rekey(const struct tt_session *s, uint64_t now_ms)
{
    if (!s || s->state != TT_SESSION_ESTABLISHED)
        return 0;
    return tt_record_needs_rekey(&s->rec, now_ms / 1000u);
}
