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

uint32_t svc_capabilities(const struct tt_sup *s)
{
    return tether_v1_Capability_CAP_DEBUG | tether_v1_Capability_CAP_ATTEST |
           tether_v1_Capability_CAP_LOG | tether_v1_Capability_CAP_RANGE_STEP |
           tether_v1_Capability_CAP_WATCHPOINTS | svc_ota_capabilities(s);
}

void svc_limits(const struct tt_sup *s, tether_v1_Limits *l)
{
    l->max_message = TT_MESSAGE_MAX_LEN;
    l->max_mem_chunk = TT_MEM_MAX_DATA;
    l->breakpoints = TT_TARGET_MAX_BREAKPOINTS;
    struct tt_target_wp_limits w; /* [DBG-080], [DBG-087]: comparators or stepping */
    tt_target_wp_limits(&w);
    l->watchpoints = w.count;
    l->watch_max_len = w.max_len;
    l->watch_kinds = w.kinds;
    l->watch_slowdown = w.slowdown;
    l->rel_window = TT_SUP_REL_WINDOW;
    l->max_sessions = TT_SUP_SESSIONS;
    l->ota_window = svc_ota_capabilities(s) ? TT_SUP_OTA_WINDOW : 0; /* <= rel_window, [OTA-012] */
    l->log_ring = TT_SUP_LOG_RING; /* [LOG-030] */
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

void svc_control(struct tt_sup *s, int i)
{
    tether_v1_Message *q = &s->req, *m = &s->rep;
    uint32_t rid = q->request_id;
    memset(m, 0, sizeof *m);
    m->request_id = rid;
    switch (q->which_body) {
    case tether_v1_Message_ping_tag: /* [CTL-001] */
        m->which_body = tether_v1_Message_pong_tag;
        m->body.pong.nonce = q->body.ping.nonce;
        m->body.pong.device_time_ms = s->now;
        sup_reply(s, i, m);
        return;
    case tether_v1_Message_get_capabilities_tag: { /* [CTL-002] */
        tether_v1_Capabilities *c = &m->body.capabilities;
        m->which_body = tether_v1_Message_capabilities_tag;
        memcpy(c->device_id, s->keys.device_id, sizeof c->device_id);
        c->capabilities = svc_capabilities(s);
        c->has_limits = true;
        svc_limits(s, &c->limits);
        c->supervisor_version = s->id->supervisor_version;
        memcpy(c->app_measurement, s->id->app_measurement, sizeof c->app_measurement);
        c->app_version = s->id->app_version;
        c->granted_permissions = s->slot[i].permissions;
        sup_reply(s, i, m);
        return;
    }
    case tether_v1_Message_close_tag: /* [CTL-020]: Ack, then end at once */
        m->which_body = tether_v1_Message_ack_tag;
        sup_reply(s, i, m);
        sup_slot_end(s, i, 0, 0);
        return;
    case tether_v1_Message_raise_revocation_floor_tag: { /* [CTL-030] */
        tt_err e = raise_floor(s, &q->body.raise_revocation_floor);
        if (e != TT_OK) {
            sup_send_error(s, i, rid, e, 0);
            return;
        }
        m->which_body = tether_v1_Message_ack_tag;
        sup_reply(s, i, m);
        for (unsigned k = 0; k < TT_SUP_SESSIONS; k++) /* [GRT-022] */
            if ((int)k != i && sup_slot_live(&s->slot[k]) &&
                s->slot[k].serial < s->revocation_floor)
                sup_slot_end(s, (int)k, 1, TT_ERR_GRANT_REVOKED);
        if (s->slot[i].serial < s->revocation_floor)
            sup_slot_end(s, i, 0, 0);
        return;
    }
    default:
        sup_send_error(s, i, rid, TT_ERR_MSG_UNSUPPORTED, 0);
        return;
    }
}
