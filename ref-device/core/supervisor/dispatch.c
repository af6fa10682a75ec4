/* dispatch.c — a delivered message becomes a request for a service ([MSG-004]..[MSG-014]).
 *
 * Order for every message: decode exactly (else Error{MSG_DECODE} with the request_id still
 * readable in the bytes, [MSG-015]); a body this version does not know, or one only a device
 * sends, is Error{MSG_UNSUPPORTED}; a request_id of 0 is Error{MSG_DECODE} and not
 * executed; then the permission the request needs ([GRT-040]) before anything else; then
 * the service (service_table.c's routes). A handler returns its result and never sends; the
 * reply is sent here, once, from that result, so every request gets exactly one reply by
 * construction ([MSG-011]); what a handler leaves for after its reply (events, the end of
 * sessions) runs after it. Depends on internal.h, messages.h, grant.h. */
#include <string.h>

#include "internal.h"
#include "tether/grant.h"

static void reply(struct tt_sup *s, int i, const tether_v1_Message *m)
{
    /* Nowhere to report it: the window had room ([REL-013]); an encoding failure is a bug. */
    if (sup_send(s, i, m) != TT_OK)
        s->send_failures++;
}

static void send_error(struct tt_sup *s, int i, uint32_t rid, tt_err code, uint32_t detail)
{
    tether_v1_Message *m = &s->rep;
    memset(m, 0, sizeof *m);
    m->request_id = rid;
    m->which_body = tether_v1_Message_error_tag;
    m->body.error.code = (uint32_t)code;
    m->body.error.detail = detail;
    reply(s, i, m);
}

/* The handler's result; while it waits for a holder that is idle, the holder ends ([HS-060])
 * and the request is handled again (each round ends a live session: bounded). */
static struct tt_sup_result run(struct tt_sup *s, int i,
                                struct tt_sup_result (*handler)(struct tt_sup *, int))
{
    for (unsigned round = 0;; round++) {
        s->slot[i].answering = 1;
        struct tt_sup_result r = handler(s, i);
        s->slot[i].answering = 0;
        if (r.outcome != TT_SUP_GIVE_WAY)
            return r;
        if (round == TT_SUP_SESSIONS || r.slot < 0 || r.slot == i ||
            r.slot >= (int)TT_SUP_SESSIONS || !sup_slot_give_way(s, r.slot))
            return sup_error(r.code, 0);
    }
}

/* The one place a request is answered: exactly one reply from its result ([MSG-011]), none
 * for a stream message unless it failed (then an Error event); then the events the handler
 * queued behind the reply, then the session ends the result asks for. */
static void answer(struct tt_sup *s, int i, uint32_t rid, int stream, struct tt_sup_result r)
{
    switch (r.outcome) {
    case TT_SUP_REPLY:
        if (stream) {
            s->send_failures++; /* a stream message has no reply: a service bug, not sent */
            break;
        }
        s->rep.request_id = rid;
        reply(s, i, &s->rep);
        break;
    case TT_SUP_ERROR:
        send_error(s, i, stream ? 0 : rid, r.code, r.detail);
        break;
    default:
        if (!stream) /* a request is never left unanswered */
            send_error(s, i, rid, TT_ERR_STATE, 0);
        break;
    }
    sup_outbox_drain(s);
    if (r.then == TT_SUP_THEN_END_SESSION)
        sup_slot_end(s, i, 0, 0);
    else if (r.then == TT_SUP_THEN_REVOKED)
        sup_slots_end_revoked(s, i);
}

void sup_on_message(struct tt_sup *s, int i, const uint8_t *msg, size_t len)
{
    const struct tt_sup_route *route = NULL;
    const struct tt_sup_service *svc;
    memset(&s->req, 0, sizeof s->req);
    /* msg lives in s->plain, which the reply is encoded into: it is not read after this. */
    if (tt_pb_decode(tether_v1_Message_fields, msg, len, &s->req) != TT_OK) {
        /* [MSG-004], [MSG-015]: the request it was meant to be gets the answer, so a client
         * matching replies by request_id ([MSG-013]) does not wait for a timeout. */
        uint32_t rid = tt_msg_reply_id(msg, len);
        svc = rid != 0 ? sup_route(tt_msg_body_field(msg, len), &route) : NULL;
        if (svc == NULL || !(route->flags & TT_SUP_ROUTE_UNDECODABLE) || svc->undecodable == NULL)
            send_error(s, i, rid, TT_ERR_MSG_DECODE, 0);
        else if (!tt_grant_allows(s->slot[i].permissions, route->perm)) /* [GRT-040] */
            send_error(s, i, rid, TT_ERR_PERMISSION, 0);
        else /* [LIM-003]: the service names the error (the manifest's, for OtaBegin) */
            answer(s, i, rid, 0, run(s, i, svc->undecodable));
        return;
    }
    uint32_t rid = s->req.request_id;
    svc = sup_route(s->req.which_body, &route);
    if (svc == NULL) { /* no body, a later version's, or device-to-client only ([MSG-005]) */
        send_error(s, i, rid, TT_ERR_MSG_UNSUPPORTED, 0);
        return;
    }
    int stream = (route->flags & TT_SUP_ROUTE_STREAM) != 0;
    if (stream)
        rid = 0; /* a stream message: its problems are events ([MSG-011], [CTL-012]) */
    else if (rid == 0) {
        send_error(s, i, 0, TT_ERR_MSG_DECODE, 0); /* [MSG-011] */
        return;
    }
    if (!tt_grant_allows(s->slot[i].permissions, route->perm)) { /* [GRT-040], [MSG-014] */
        send_error(s, i, rid, TT_ERR_PERMISSION, 0);
        return;
    }
    answer(s, i, rid, stream, run(s, i, route->handle));
}
