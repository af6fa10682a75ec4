/* outbox.c — events: the messages the device sends with no request (request_id 0).
 *
 * A service never sends: a handler returns its result (dispatch.c sends the reply) and events
 * leave through here. An event that must follow the reply of the request being handled (an
 * OtaChunkAck after an OtaBeginReply) is queued as two numbers and a tag and sent when
 * dispatch.c drains the queue right after that reply; a poll's events are queued and drained
 * by sup_services_poll. Events built whole by a poll (StopEvent, LogEntries: too large to
 * queue) and the supervisor's own Close go out at once with sup_event_send, which a running
 * handler may not use. Nothing here calls a service, so no cycle runs through the outbox.
 * Depends on internal.h. */
#include <string.h>

#include "internal.h"
#include "tether/bytes.h"

tt_err sup_send(struct tt_sup *s, int i, const tether_v1_Message *m)
{
    size_t elen, n;
    struct tt_sup_slot *sl = &s->slot[i];
    if (!sup_slot_live(sl))
        return TT_ERR_STATE;
    tt_err e = tt_msg_encode(m, s->plain.enc, sizeof s->plain.enc, &elen);
    if (e == TT_OK)
        e = tt_session_send(&sl->s, s->plain.enc, elen, s->now, s->pkt, sizeof s->pkt, &n);
    if (e == TT_OK)
        sup_link_send(s, s->pkt, n);
    return e;
}

_Static_assert(tether_v1_Message_ota_chunk_ack_tag < 256 && tether_v1_Message_error_tag < 256,
               "queued event tags fit struct tt_sup_event's byte");

/* Messages session i will send before a new event: the reply owed to the request a handler
 * is answering and the events queued for it. */
static size_t owed(const struct tt_sup *s, int i)
{
    size_t n = s->slot[i].answering;
    for (unsigned k = 0; k < TT_SUP_OUTBOX; k++)
        n += s->outbox[k].tag != 0 && s->outbox[k].slot == (uint8_t)i;
    return n;
}

int sup_event_room(const struct tt_sup *s, int i)
{
    const struct tt_sup_slot *sl = &s->slot[i];
    if (!sup_slot_live(sl))
        return 0;
    size_t used = tt_rel_unacked(&sl->s.rel);
    return used < sl->s.rel.nslots && sl->s.rel.nslots - used > owed(s, i);
}

tt_err sup_event_post(struct tt_sup *s, int i, pb_size_t tag, uint32_t a, uint32_t b)
{
    if (tag != tether_v1_Message_ota_chunk_ack_tag && tag != tether_v1_Message_error_tag)
        return TT_ERR_ARG;
    if (!sup_event_room(s, i))
        return TT_ERR_NO_SPACE;
    /* Drained whole, so the free entries follow the queued ones: order is kept. */
    for (unsigned k = 0; k < TT_SUP_OUTBOX; k++) {
        struct tt_sup_event *ev = &s->outbox[k];
        if (ev->tag != 0)
            continue;
        ev->tag = (uint8_t)tag;
        ev->slot = (uint8_t)i;
        tt_store_be32(ev->a, a);
        tt_store_be32(ev->b, b);
        return TT_OK;
    }
    return TT_ERR_NO_SPACE;
}

tt_err sup_event_send(struct tt_sup *s, int i, const tether_v1_Message *m)
{
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        if (s->slot[k].answering) /* a handler returns its result instead */
            return TT_ERR_STATE;
    return sup_send(s, i, m);
}

void sup_outbox_drain(struct tt_sup *s)
{
    /* Built in rep: the reply it follows is sent, and no initiation is being judged. */
    tether_v1_Message *m = &s->rep;
    for (unsigned k = 0; k < TT_SUP_OUTBOX && s->outbox[k].tag != 0; k++) {
        struct tt_sup_event *ev = &s->outbox[k];
        memset(m, 0, sizeof *m);
        m->which_body = ev->tag;
        if (ev->tag == tether_v1_Message_ota_chunk_ack_tag) {
            m->body.ota_chunk_ack.cumulative_offset = tt_load_be32(ev->a);
            m->body.ota_chunk_ack.selective_bitmap = tt_load_be32(ev->b);
        } else {
            m->body.error.code = tt_load_be32(ev->a);
            m->body.error.detail = tt_load_be32(ev->b);
        }
        if (sup_send(s, ev->slot, m) != TT_OK)
            s->send_failures++;
        ev->tag = 0;
    }
}
