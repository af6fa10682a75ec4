/* ota.c — the OTA service (spec/services/ota.md): the requests, the chunk stream and its
 * acks, and the app the supervisor runs, over the engine of lib/ota (tether/ota_engine.h)
 * and the flash store of core/store/ota_store.h.
 *
 * The engine decides; this file maps messages to engine calls and results to replies
 * (docs/ota-engines.md, "Wiring"). The service exists only on a device provisioned with a
 * firmware public key (CAP_OTA; CAP_OTA_AB in the AB layout); otherwise its requests are
 * MSG_UNSUPPORTED. The transfer session of the engine is the slot index + 1. When the engine
 * changes which image runs (boot, install, rollback, revert, a SINGLE transfer stopping the
 * app) it only marks the app for reloading; svc_ota_apply loads what tt_ota_running names
 * once the handler is done: the port places it (tt_port_app_load), the target is reset and
 * resumed, and the identity reported in DeviceHello, Capabilities and Evidence becomes that
 * image ([OTA-070]). Depends on internal.h, ota_store.h, image_slot.h. */
#include <string.h>

#include "../store/image_slot.h"
#include "../store/ota_store.h"
#include "../supervisor/internal.h"
#include "tether/grant.h"

/* The service runs: the port gave it state, a firmware key is provisioned, its record read. */
static int on(const struct tt_sup *s)
{
    return s->ota != NULL && s->ota->enabled && !s->ota->broken;
}

static struct tt_sup *owner_of(void *ctx)
{
    return ((struct tt_ota_flash *)ctx)->owner;
}

static void app_changes(void *ctx, uint32_t slot)
{
    (void)slot; /* tt_ota_running names it once the engine has adopted its record */
    owner_of(ctx)->ota->reload = 1;
}

static void app_stops(void *ctx)
{
    owner_of(ctx)->ota->reload = 1;
}

/* The factory record: slot A as provisioning described it (TT_REC_INSTALL), counter 0. */
static void factory(struct tt_ota_record *r)
{
    struct tt_image_record ir;
    struct tt_ota_image im;
    memset(&im, 0, sizeof im);
    if (tt_image_record_read(&ir) == TT_OK) {
        im.valid = 1;
        im.version = ir.version;
        im.size = ir.size;
        memcpy(im.sha256, ir.sha256, sizeof im.sha256);
    }
    tt_ota_record_factory(r, im.valid ? &im : NULL);
}

void svc_ota_apply(struct tt_sup *s, struct tt_target *t)
{
    if (s->ota == NULL || !s->ota->reload)
        return;
    s->ota->reload = 0;
    const struct tt_ota_image *im = tt_ota_running(&s->ota->e);
    tt_err e = TT_ERR_STATE;
    if (im != NULL)
        e = tt_port_app_load(tt_ota_flash_area(s->ota->e.rec.active), im->size);
    if (e != TT_OK) {
        im = NULL;
        e = tt_port_app_load(TT_AREA_SLOT_A, 0); /* nothing of the old image may run */
        (void)e;
    }
    s->ident.app_version = im ? im->version : 0;
    if (im)
        memcpy(s->ident.app_measurement, im->sha256, sizeof s->ident.app_measurement);
    else
        memset(s->ident.app_measurement, 0, sizeof s->ident.app_measurement);
    s->ota->app_ready = im != NULL;
    if (t == NULL) /* at boot: the port's main starts the app (tt_sup_app_ready) */
        return;
    if (tt_target_reset_app(t) != TT_OK || im == NULL)
        return; /* parked with a RESET stop: nothing runs */
    if (tt_target_resume(t, TT_RUN_CONTINUE, 0, 0) != TT_OK)
        t->state = TT_TARGET_HALTED;
}

tt_err svc_ota_boot(struct tt_sup *s)
{
    struct tt_sup_ota *o = s->ota;
    struct tt_ota_storage st;
    struct tt_ota_config cfg;
    struct tt_ota_record r;
    struct tt_port_area_info a;
    size_t nmarks = 0;
    uint8_t acc = 0;
    for (size_t k = 0; k < sizeof s->keys.firmware_public; k++)
        acc |= s->keys.firmware_public[k];
    if (acc == 0 || o == NULL)
        return TT_OK; /* no firmware key: no OTA service, the port's main runs its app */
    memset(&cfg, 0, sizeof cfg);
    cfg.policy.firmware_pub = s->keys.firmware_public;
    memcpy(cfg.policy.device_id, s->keys.device_id, sizeof cfg.policy.device_id);
    cfg.policy.layout = TT_SUP_OTA_LAYOUT;
    if (tt_port_flash_info(TT_AREA_SLOT_A, &a) != TT_OK)
        return TT_ERR_STORAGE;
    cfg.policy.slot_size = a.size;
    cfg.window_chunks = TT_SUP_OTA_WINDOW;
    cfg.max_chunks = TT_OTA_STORE_MAX_CHUNKS; /* what the boot record's bitmap holds */
    o->flash.owner = s;
    tt_ota_flash_storage(&o->flash, &st);
    st.run_app = app_changes;
    st.stop_app = app_stops;
    /* The marks are read into the record buffer: no record is handled during start-up. */
    uint8_t *marks = s->plain.work;
    o->enabled = 1;
    o->reload = 1;
    tt_err e = tt_ota_flash_load(&o->flash, &r, marks, sizeof s->plain.work, &nmarks);
    if (e == TT_ERR_STATE || (e == TT_OK && tt_ota_init(&o->e, &st, &cfg, &r, marks, nmarks) !=
                                                TT_OK)) {
        factory(&r); /* nothing saved yet (or a record the engine cannot adopt) */
        e = tt_ota_init(&o->e, &st, &cfg, &r, NULL, 0);
    }
    int32_t run;
    if (e == TT_OK)
        e = tt_ota_boot(&o->e, &run);
    if (e != TT_OK) {
        /* [NVS-012]: an OTA record that does not read is not guessed at: no app runs, OTA
         * requests are refused with TT_ERR_STORAGE, and the supervisor still serves
         * ([NVS-013], [NVS-053]). */
        o->broken = 1;
        memset(&o->e.rec, 0, sizeof o->e.rec); /* tt_ota_running: none */
    }
    svc_ota_apply(s, NULL);
    return TT_OK;
}

int tt_sup_app_ready(const struct tt_sup *s, int port_app_ok)
{
    return s->ota != NULL && s->ota->enabled ? s->ota->app_ready : port_app_ok;
}

uint32_t svc_ota_security_counter(const struct tt_sup *s)
{
    return on(s) ? s->ota->e.rec.security_counter : 0;
}

uint32_t svc_ota_capabilities(const struct tt_sup *s)
{
    if (s->ota == NULL || !s->ota->enabled)
        return 0;
    return tether_v1_Capability_CAP_OTA |
           (TT_SUP_OTA_LAYOUT == tether_v1_SlotLayout_AB ? tether_v1_Capability_CAP_OTA_AB : 0);
}

/* The OtaChunkAck event to the transfer session, or owed until its window has room. */
static void send_ack(struct tt_sup *s, int i, const struct tt_ota_ack *ack)
{
    /* An ack leaves the last slot of the send window free: with every slot taken, chunks
     * arriving are dropped ([REL-013]) until the client's acks come back, a round trip and
     * more on a long link, and the client only finds out at its RTO. The ack waits
     * instead (ack_owed) and reports everything stored when it goes. */
    if (!sup_can_send(s, i) || tt_rel_unacked(&s->slot[i].s.rel) + 1u >= TT_SUP_WINDOW) {
        s->ota->ack_owed = 1;
        return;
    }
    tether_v1_Message *m = &s->rep;
    memset(m, 0, sizeof *m);
    m->which_body = tether_v1_Message_ota_chunk_ack_tag;
    m->body.ota_chunk_ack.cumulative_offset = ack->cumulative_offset;
    m->body.ota_chunk_ack.selective_bitmap = ack->selective_bitmap;
    sup_reply(s, i, m);
    s->ota->ack_owed = 0;
}

static void on_begin(struct tt_sup *s, int i, uint32_t rid)
{
    tether_v1_OtaBeginReply reply;
    struct tt_ota_ack ack;
    uint32_t check = 0;
    memset(&reply, 0, sizeof reply);
    memset(&ack, 0, sizeof ack);
    tt_err e = tt_ota_begin(&s->ota->e, (uint32_t)i + 1u, &s->req.body.ota_begin.manifest,
                            (uint32_t)s->now, &reply, &ack, &check);
    if (e != TT_OK) {
        sup_send_error(s, i, rid, e, check); /* detail: the [OTA-010] check that failed */
        return;
    }
    tt_ota_grant_window(&s->ota->e, s->req.body.ota_begin.window_chunks, &reply);
    tether_v1_Message *m = &s->rep;
    memset(m, 0, sizeof *m);
    m->request_id = rid;
    m->which_body = tether_v1_Message_ota_begin_reply_tag;
    m->body.ota_begin_reply = reply;
    sup_reply(s, i, m);
    if (ack.due)
        send_ack(s, i, &ack);
}

static void on_chunk(struct tt_sup *s, int i)
{
    const tether_v1_OtaChunk *c = &s->req.body.ota_chunk;
    struct tt_ota_ack ack;
    memset(&ack, 0, sizeof ack);
    tt_err e = tt_ota_chunk(&s->ota->e, (uint32_t)i + 1u, c->offset, c->data.bytes, c->data.size,
                            (uint32_t)s->now, &ack);
    if (e != TT_OK)
        sup_send_error(s, i, 0, e, c->offset); /* a stream message: an error event */
    else if (ack.due)
        send_ack(s, i, &ack);
}

static void on_status(struct tt_sup *s, int i, uint32_t rid)
{
    tether_v1_Message *m = &s->rep;
    memset(m, 0, sizeof *m);
    m->request_id = rid;
    m->which_body = tether_v1_Message_ota_status_reply_tag;
    tt_ota_status(&s->ota->e, &m->body.ota_status_reply);
    sup_reply(s, i, m);
}

/* The requests answered with Ack or Error{code}. */
static const struct {
    pb_size_t tag;
    tt_err (*run)(struct tt_ota_engine *e);
} transitions[] = {
    {tether_v1_Message_ota_verify_tag, tt_ota_verify},
    {tether_v1_Message_ota_install_tag, tt_ota_install},
    {tether_v1_Message_ota_confirm_tag, tt_ota_confirm},
    {tether_v1_Message_ota_rollback_tag, tt_ota_rollback},
    {tether_v1_Message_ota_abort_tag, tt_ota_abort},
};

void svc_ota(struct tt_sup *s, int i)
{
    uint32_t rid = s->req.request_id;
    pb_size_t tag = s->req.which_body;
    if (!on(s)) { /* not offered ([CTL-002]: no CAP_OTA), or its record unreadable */
        int broken = s->ota != NULL && s->ota->broken;
        sup_send_error(s, i, tag == tether_v1_Message_ota_chunk_tag ? 0 : rid,
                       broken ? TT_ERR_STORAGE : TT_ERR_MSG_UNSUPPORTED, 0);
        return;
    }
    if (tag == tether_v1_Message_ota_begin_tag)
        on_begin(s, i, rid);
    else if (tag == tether_v1_Message_ota_chunk_tag)
        on_chunk(s, i);
    else if (tag == tether_v1_Message_ota_status_tag)
        on_status(s, i, rid);
    for (size_t k = 0; k < sizeof transitions / sizeof transitions[0]; k++) {
        if (transitions[k].tag != tag)
            continue;
        tt_err e = transitions[k].run(&s->ota->e);
        if (e != TT_OK) {
            sup_send_error(s, i, rid, e, 0);
        } else {
            tether_v1_Message *m = &s->rep;
            memset(m, 0, sizeof *m);
            m->request_id = rid;
            m->which_body = tether_v1_Message_ack_tag;
            sup_reply(s, i, m);
        }
    }
    svc_ota_apply(s, s->target);
}

void svc_ota_undecodable_begin(struct tt_sup *s, int i, uint32_t rid)
{
    tt_err e = TT_ERR_OTA_MANIFEST;
    if (!tt_grant_allows(s->slot[i].permissions, TT_PERM_OTA))
        e = TT_ERR_PERMISSION;
    else if (!on(s))
        e = s->ota != NULL && s->ota->broken ? TT_ERR_STORAGE : TT_ERR_MSG_UNSUPPORTED;
    sup_send_error(s, i, rid, e, e == TT_ERR_OTA_MANIFEST ? 1u : 0u);
}

void svc_ota_poll(struct tt_sup *s)
{
    struct tt_ota_ack ack;
    if (!on(s))
        return;
    uint32_t sess = s->ota->e.session;
    if (sess == 0 || sess > TT_SUP_SESSIONS || !sup_slot_live(&s->slot[sess - 1u]))
        return;
    memset(&ack, 0, sizeof ack);
    tt_ota_poll(&s->ota->e, (uint32_t)s->now, &ack); /* the 500 ms rule of [OTA-015] */
    if (!ack.due && s->ota->ack_owed)
        tt_ota_ack_now(&s->ota->e, &ack);
    if (ack.due || s->ota->ack_owed)
        send_ack(s, (int)sess - 1, &ack);
}

void svc_ota_session_end(struct tt_sup *s, int i)
{
    if (!on(s))
        return;
    if (s->ota->e.session == (uint32_t)i + 1u)
        s->ota->ack_owed = 0;
    tt_ota_session_ended(&s->ota->e, (uint32_t)i + 1u);
}

void svc_ota_app_requests(struct tt_sup *s, uint32_t req)
{
    if (!on(s))
        return;
    tt_err e = TT_OK;
    if (req & TT_APP_REQ_CONFIRM_UPDATE) /* [OTA-052] from the app's NSC call */
        e = tt_ota_confirm(&s->ota->e);
    if (req & TT_APP_REQ_REBOOT) /* a restart not asked by a client: [OTA-051] */
        e = tt_ota_app_restarted(&s->ota->e);
    (void)e; /* refused (not PENDING) changes nothing; nobody to answer */
    svc_ota_apply(s, s->target); /* a revert runs the previous image (REBOOT resets next) */
}
