/* dispatch.c — a delivered message becomes a request for a service ([MSG-004]..[MSG-014]).
 *
 * Order for every message: decode exactly (else Error{MSG_DECODE} with the request_id still
 * readable in the bytes, [MSG-015]); a body this version does not know, or one only a device
 * sends, is Error{MSG_UNSUPPORTED}; a request_id of 0 is Error{MSG_DECODE} and not
 * executed; then the permission the request needs ([GRT-040]) before anything else; then
 * the service. Every request gets exactly one reply ([MSG-011]). Also the send helpers every
 * service uses. Depends on internal.h, messages.h, grant.h. */
#include <string.h>

#include "internal.h"
#include "tether/grant.h"

enum svc { SVC_NONE = 0, SVC_CONTROL, SVC_DEBUG, SVC_LOG, SVC_ATTEST, SVC_OTA };

struct route {
    pb_size_t tag;
    uint8_t svc;
    uint8_t perm; /* TT_PERM_* bits needed ([GRT-040]) */
};

/* Client-to-device requests. Everything else that decodes is device-to-client only. */
static const struct route routes[] = {
    {tether_v1_Message_ping_tag, SVC_CONTROL, 0},
    {tether_v1_Message_get_capabilities_tag, SVC_CONTROL, 0},
    {tether_v1_Message_close_tag, SVC_CONTROL, 0},
    {tether_v1_Message_raise_revocation_floor_tag, SVC_CONTROL, 0},
    {tether_v1_Message_attach_tag, SVC_DEBUG, TT_PERM_DEBUG_READ},
    {tether_v1_Message_detach_tag, SVC_DEBUG, TT_PERM_DEBUG_READ},
    {tether_v1_Message_read_memory_tag, SVC_DEBUG, TT_PERM_DEBUG_READ},
    {tether_v1_Message_read_registers_tag, SVC_DEBUG, TT_PERM_DEBUG_READ},
    {tether_v1_Message_halt_tag, SVC_DEBUG, TT_PERM_DEBUG_CONTROL},
    {tether_v1_Message_resume_tag, SVC_DEBUG, TT_PERM_DEBUG_CONTROL},
    {tether_v1_Message_set_breakpoint_tag, SVC_DEBUG, TT_PERM_DEBUG_CONTROL},
    {tether_v1_Message_clear_breakpoint_tag, SVC_DEBUG, TT_PERM_DEBUG_CONTROL},
    {tether_v1_Message_set_watchpoint_tag, SVC_DEBUG, TT_PERM_DEBUG_CONTROL},
    {tether_v1_Message_clear_watchpoint_tag, SVC_DEBUG, TT_PERM_DEBUG_CONTROL},
    {tether_v1_Message_write_memory_tag, SVC_DEBUG, TT_PERM_MEMORY_WRITE},
    {tether_v1_Message_write_registers_tag, SVC_DEBUG, TT_PERM_MEMORY_WRITE},
    {tether_v1_Message_reset_app_tag, SVC_DEBUG, TT_PERM_RESET},
    {tether_v1_Message_ota_begin_tag, SVC_OTA, TT_PERM_OTA},
    {tether_v1_Message_ota_chunk_tag, SVC_OTA, TT_PERM_OTA},
    {tether_v1_Message_ota_status_tag, SVC_OTA, TT_PERM_OTA},
    {tether_v1_Message_ota_verify_tag, SVC_OTA, TT_PERM_OTA},
    {tether_v1_Message_ota_install_tag, SVC_OTA, TT_PERM_OTA},
    {tether_v1_Message_ota_confirm_tag, SVC_OTA, TT_PERM_OTA},
    {tether_v1_Message_ota_rollback_tag, SVC_OTA, TT_PERM_OTA},
    {tether_v1_Message_ota_abort_tag, SVC_OTA, TT_PERM_OTA},
    {tether_v1_Message_attest_challenge_tag, SVC_ATTEST, TT_PERM_ATTEST},
    {tether_v1_Message_log_subscribe_tag, SVC_LOG, TT_PERM_LOG},
    {tether_v1_Message_log_unsubscribe_tag, SVC_LOG, TT_PERM_LOG},
};

int sup_can_send(const struct tt_sup *s, int i)
{
    return sup_slot_live(&s->slot[i]) && !tt_rel_window_full(&s->slot[i].s.rel);
}

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

void sup_reply(struct tt_sup *s, int i, const tether_v1_Message *m)
{
    if (sup_send(s, i, m) != TT_OK)
        s->send_failures++;
}

void sup_send_error(struct tt_sup *s, int i, uint32_t rid, tt_err code, uint32_t detail)
{
    tether_v1_Message m = tether_v1_Message_init_zero;
    m.request_id = rid;
    m.which_body = tether_v1_Message_error_tag;
    m.body.error.code = (uint32_t)code;
    m.body.error.detail = detail;
    sup_reply(s, i, &m);
}

void sup_on_message(struct tt_sup *s, int i, const uint8_t *msg, size_t len)
{
    memset(&s->req, 0, sizeof s->req);
    /* msg lives in s->plain, which the reply is encoded into: it is not read after this. */
    if (tt_pb_decode(tether_v1_Message_fields, msg, len, &s->req) != TT_OK) {
        /* [MSG-004], [MSG-015]: the request it was meant to be gets the answer, so a client
         * matching replies by request_id ([MSG-013]) does not wait for a timeout. */
        uint32_t rid = tt_msg_reply_id(msg, len);
        if (rid != 0 && tt_msg_body_field(msg, len) == tether_v1_Message_ota_begin_tag)
            svc_ota_undecodable_begin(s, i, rid); /* [LIM-003]: the manifest's error */
        else
            sup_send_error(s, i, rid, TT_ERR_MSG_DECODE, 0);
        return;
    }
    uint32_t rid = s->req.request_id;
    const struct route *r = NULL;
    for (size_t k = 0; k < sizeof routes / sizeof routes[0]; k++)
        if (routes[k].tag == s->req.which_body)
            r = &routes[k];
    if (r == NULL) { /* no body, a later version's, or device-to-client only ([MSG-005]) */
        sup_send_error(s, i, rid, TT_ERR_MSG_UNSUPPORTED, 0);
        return;
    }
    if (r->svc == SVC_OTA && s->req.which_body == tether_v1_Message_ota_chunk_tag)
        rid = 0; /* a stream message: its problems are events ([MSG-011], [CTL-012]) */
    else if (rid == 0) {
        sup_send_error(s, i, 0, TT_ERR_MSG_DECODE, 0); /* [MSG-011] */
        return;
    }
    if (!tt_grant_allows(s->slot[i].permissions, r->perm)) { /* [GRT-040], [MSG-014] */
        sup_send_error(s, i, rid, TT_ERR_PERMISSION, 0);
        return;
    }
    switch (r->svc) {
    case SVC_CONTROL:
        svc_control(s, i);
        break;
    case SVC_DEBUG:
        svc_debug(s, i);
        break;
    case SVC_LOG:
        svc_log(s, i);
        break;
    case SVC_ATTEST:
        svc_attest(s, i);
        break;
    case SVC_OTA:
        svc_ota(s, i);
        break;
    default:
        sup_send_error(s, i, rid, TT_ERR_MSG_UNSUPPORTED, 0);
        break;
    }
}
