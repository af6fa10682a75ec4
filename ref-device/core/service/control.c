/* control.c — the control service (spec/services/control.md): Ping, GetCapabilities, Close
 * and the owner's RaiseRevocationFloor ([CTL-001]..[CTL-030], [GRT-020]..[GRT-022]).
 *
 * None of these needs a permission. A raised floor is checked in the order of [GRT-021],
 * persisted before the Ack, and then ends every session whose grant serial is below it —
 * the requester's own after its Ack. Depends on internal.h, p256.h, messages.h. */
#include <string.h>

#include "../store/record_store.h"
#include "../supervisor/internal.h"
#include "tether/bytes.h"
#include "tether/p256.h"

/* The session's and the message's limits; each service adds its own (sup_limits). */
static void limits(const struct tt_sup *s, tether_v1_Limits *l)
{
    (void)s;
    l->max_message = TT_MESSAGE_MAX_LEN;
    l->rel_window = TT_SUP_REL_WINDOW;
    l->max_sessions = TT_SUP_SESSIONS;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t k = 0; k < n; k++)
        acc |= p[k];
    return acc == 0;
}

/* [GRT-021] checks 1–4; returns the error to answer or TT_OK with the floor persisted. */
static tt_err raise_floor(struct tt_sup *s, const tether_v1_RaiseRevocationFloor *r)
{
    tether_v1_RevocationFloorBody body;
    uint8_t digest[TT_SHA256_LEN];
    memset(&body, 0, sizeof body);
    /* Fixed-length fields decode an absent value as zeros: absent is malformed. */
    if (tt_pb_decode(tether_v1_RevocationFloorBody_fields, r->body.bytes, r->body.size,
                     &body) != TT_OK ||
        r->body.size == 0 || all_zero(body.device_id, sizeof body.device_id) ||
        all_zero(r->signature, sizeof r->signature))
        return TT_ERR_GRANT_MALFORMED;
    if (s->crypto.sha256(digest, (const uint8_t *)TT_REVOCATION_SIG_CONTEXT,
                         sizeof TT_REVOCATION_SIG_CONTEXT, r->body.bytes, r->body.size) !=
        TT_OK)
        return TT_ERR_CRYPTO;
    if (tt_p256_verify(s->keys.owner_public, sizeof s->keys.owner_public, digest, r->signature,
                       sizeof r->signature) != TT_OK)
        return TT_ERR_SIGNATURE;
    if (memcmp(body.device_id, s->keys.device_id, sizeof body.device_id) != 0)
        return TT_ERR_GRANT_DEVICE;
    if (body.floor <= s->revocation_floor)
        return TT_OK; /* re-delivery or lower: nothing changes, still Ack */
    uint8_t b[8];
    tt_store_be64(b, body.floor);
    if (tt_store_write(TT_REC_REVOCATION, b, sizeof b) != TT_OK)
        return TT_ERR_STORAGE;
    s->revocation_floor = body.floor;
    return TT_OK;
}

static struct tt_sup_result handle(struct tt_sup *s, int i)
{
    const tether_v1_Message *q = &s->req;
    tether_v1_Message *m;
    switch (q->which_body) {
    case tether_v1_Message_ping_tag: /* [CTL-001] */
        m = sup_reply_body(s, tether_v1_Message_pong_tag);
        m->body.pong.nonce = q->body.ping.nonce;
        m->body.pong.device_time_ms = s->now;
        return sup_reply_ready();
    case tether_v1_Message_get_capabilities_tag: { /* [CTL-002] */
        m = sup_reply_body(s, tether_v1_Message_capabilities_tag);
        tether_v1_Capabilities *c = &m->body.capabilities;
        memcpy(c->device_id, s->keys.device_id, sizeof c->device_id);
        c->capabilities = sup_capabilities(s);
        c->has_limits = true;
        sup_limits(s, &c->limits);
        c->supervisor_version = s->id->supervisor_version;
        memcpy(c->app_measurement, s->id->app_measurement, sizeof c->app_measurement);
        c->app_version = s->id->app_version;
        c->granted_permissions = s->slot[i].permissions;
        return sup_reply_ready();
    }
    case tether_v1_Message_close_tag: { /* [CTL-020]: Ack, then end at once */
        sup_reply_body(s, tether_v1_Message_ack_tag);
        struct tt_sup_result r = sup_reply_ready();
        r.then = TT_SUP_THEN_END_SESSION;
        return r;
    }
    case tether_v1_Message_raise_revocation_floor_tag: { /* [CTL-030] */
        tt_err e = raise_floor(s, &q->body.raise_revocation_floor);
        if (e != TT_OK)
            return sup_error(e, 0);
        sup_reply_body(s, tether_v1_Message_ack_tag);
        struct tt_sup_result r = sup_reply_ready();
        r.then = TT_SUP_THEN_REVOKED; /* [GRT-022]: after the Ack, the requester's last */
        return r;
    }
    default:
        return sup_error(TT_ERR_MSG_UNSUPPORTED, 0);
    }
}

/* None of these needs a permission. */
static const struct tt_sup_route routes[] = {
    {tether_v1_Message_ping_tag, 0, 0, handle},
    {tether_v1_Message_get_capabilities_tag, 0, 0, handle},
    {tether_v1_Message_close_tag, 0, 0, handle},
    {tether_v1_Message_raise_revocation_floor_tag, 0, 0, handle},
};

const struct tt_sup_service svc_control_service = {
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
    .limits = limits,
};
