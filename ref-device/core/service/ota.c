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
 * once the request is handled (before dispatch.c sends the reply, which does not depend on
 * it): the port places it (tt_port_app_load), the target is reset and resumed, and the
 * identity reported in DeviceHello, Capabilities and Evidence becomes that image
 * ([OTA-070]). The service enters through its row of the table of services (the end of this
 * file); it returns results and posts its acks to the outbox, it never sends. Depends on
 * internal.h, ota_store.h, image_slot.h. */
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
    owner_of(ctx)->ota->unverified = 0; /* install hashed it; a revert names the other slot */
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
    const struct tt_ota_image *im = s->ota->unverified ? NULL : tt_ota_running(&s->ota->e);
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

static tt_err boot(struct tt_sup *s)
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
    if (e == TT_ERR_STATE) { /* never written: the factory record seeds it ([NVS-050]) */
        factory(&r);
        nmarks = 0;
        e = TT_OK;
    }
    /* A record that reads but that the engine refuses (a state, slot or manifest no
     * transition of this engine saves: every save is of a record it adopted, and a power
     * cut leaves the old record or the new one) is malformed storage like one that does
     * not read ([NVS-012]): not guessed at, and never replaced by the factory record,
     * which would run the factory image over what the record names. */
    if (e == TT_OK)
        e = tt_ota_init(&o->e, &st, &cfg, &r, nmarks ? marks : NULL, nmarks);
    int32_t run = -1;
    if (e == TT_OK)
        e = tt_ota_boot(&o->e, &run);
    /* [NVS-051], [NVS-053]: the engine hashed the active slot; when it does not match the
     * record (run_slot -1), nothing of it may run, though the record still names it */
    o->unverified = run < 0;
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

static uint32_t capabilities(const struct tt_sup *s)
{
    if (s->ota == NULL || !s->ota->enabled)
        return 0;
    return tether_v1_Capability_CAP_OTA |
           (TT_SUP_OTA_LAYOUT == tether_v1_SlotLayout_AB ? tether_v1_Capability_CAP_OTA_AB : 0);
}

static void limits(const struct tt_sup *s, tether_v1_Limits *l)
{
    l->ota_window = capabilities(s) ? TT_SUP_OTA_WINDOW : 0; /* <= rel_window, [OTA-012] */
}

/* The OtaChunkAck event to the transfer session (after the reply to the request being
 * handled, if any), or owed until its window has room. */
static void send_ack(struct tt_sup *s, int i, const struct tt_ota_ack *ack)
{
    /* An ack leaves the last slot of the send window free: with every slot taken, chunks
     * arriving are dropped ([REL-013]) until the client's acks come back, a round trip and
     * more on a long link, and the client only finds out at its RTO. The ack waits
     * instead (ack_owed) and reports everything stored when it goes. */
    if (tt_rel_unacked(&s->slot[i].s.rel) + 1u >= TT_SUP_WINDOW ||
        sup_event_post(s, i, tether_v1_Message_ota_chunk_ack_tag, ack->cumulative_offset,
                       ack->selective_bitmap) != TT_OK) {
        s->ota->ack_owed = 1;
        return;
    }
    s->ota->ack_owed = 0;
}

static struct tt_sup_result on_begin(struct tt_sup *s, int i)
{
    tether_v1_OtaBeginReply reply;
    struct tt_ota_ack ack;
    uint32_t check = 0;
    memset(&reply, 0, sizeof reply);
    memset(&ack, 0, sizeof ack);
    tt_err e = tt_ota_begin(&s->ota->e, (uint32_t)i + 1u, &s->req.body.ota_begin.manifest,
                            (uint32_t)s->now, &reply, &ack, &check);
    if (e != TT_OK)
        return sup_error(e, check); /* detail: the [OTA-010] check that failed */
    tt_ota_grant_window(&s->ota->e, s->req.body.ota_begin.window_chunks, &reply);
    tether_v1_Message *m = sup_reply_body(s, tether_v1_Message_ota_begin_reply_tag);
    m->body.ota_begin_reply = reply;
    if (ack.due)
        send_ack(s, i, &ack);
    return sup_reply_ready();
}

static struct tt_sup_result on_chunk(struct tt_sup *s, int i)
{
    const tether_v1_OtaChunk *c = &s->req.body.ota_chunk;
    struct tt_ota_ack ack;
    memset(&ack, 0, sizeof ack);
    tt_err e = tt_ota_chunk(&s->ota->e, (uint32_t)i + 1u, c->offset, c->data.bytes, c->data.size,
                            (uint32_t)s->now, &ack);
    if (e != TT_OK)
        return sup_error(e, c->offset); /* a stream message: an error event */
    if (ack.due)
        send_ack(s, i, &ack);
    return sup_silent();
}

static struct tt_sup_result on_status(struct tt_sup *s, int i)
{
    (void)i;
    tether_v1_Message *m = sup_reply_body(s, tether_v1_Message_ota_status_reply_tag);
    tt_ota_status(&s->ota->e, &m->body.ota_status_reply);
    return sup_reply_ready();
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

static struct tt_sup_result on_transition(struct tt_sup *s, int i)
{
    (void)i;
    for (size_t k = 0; k < sizeof transitions / sizeof transitions[0]; k++)
        if (transitions[k].tag == s->req.which_body) {
            tt_err e = transitions[k].run(&s->ota->e);
            if (e != TT_OK)
                return sup_error(e, 0);
            sup_reply_body(s, tether_v1_Message_ack_tag);
            return sup_reply_ready();
        }
    return sup_error(TT_ERR_MSG_UNSUPPORTED, 0);
}

/* Not offered ([CTL-002]: no CAP_OTA), or its record unreadable. */
static tt_err off_error(const struct tt_sup *s)
{
    return s->ota != NULL && s->ota->broken ? TT_ERR_STORAGE : TT_ERR_MSG_UNSUPPORTED;
}

/* Every request enters here: the service must run, and the image the engine now runs is
 * loaded once the request is handled (svc_ota_apply: nothing is sent there). */
static struct tt_sup_result handle(struct tt_sup *s, int i)
{
    if (!on(s))
        return sup_error(off_error(s), 0);
    struct tt_sup_result r;
    pb_size_t tag = s->req.which_body;
    if (tag == tether_v1_Message_ota_begin_tag)
        r = on_begin(s, i);
    else if (tag == tether_v1_Message_ota_chunk_tag)
        r = on_chunk(s, i);
    else if (tag == tether_v1_Message_ota_status_tag)
        r = on_status(s, i);
    else
        r = on_transition(s, i);
    svc_ota_apply(s, s->target);
    return r;
}

/* An OtaBegin that failed to decode inside its body (a SignedManifest over its limits,
 * [LIM-003]; the permission is checked): MSG_UNSUPPORTED without the service, else
 * Error{OTA_MANIFEST, check 1} ([OTA-010]). */
static struct tt_sup_result undecodable(struct tt_sup *s, int i)
{
    (void)i;
    if (!on(s))
        return sup_error(off_error(s), 0);
    return sup_error(TT_ERR_OTA_MANIFEST, 1u);
}

/* [OTA-100], [OTA-101]: the app halted on a fault that no debugger is looking at counts
 * as a failed app for the engine; a fault under an attached debugger waits until the
 * attachment ends (the stop is the developer's to inspect, [DBG-061]). Checked every turn,
 * so a fault kept over a detach is seen then. */
static void watch_app(struct tt_sup *s)
{
    const struct tt_target *t = s->target;
    bool reverted = false;
    if (t == NULL || t->state != TT_TARGET_HALTED || t->stop.reason != TT_STOP_FAULT ||
        s->dbg.attached >= 0)
        return;
    if (tt_ota_app_event(&s->ota->e, TT_OTA_APP_FAULT, &reverted) == TT_OK && reverted)
        svc_ota_apply(s, s->target); /* the previous image runs from its reset */
}

/* Every turn: an app that failed its test ([OTA-100]), then the acks owed ([OTA-015]). */
static void poll_turn(struct tt_sup *s)
{
    struct tt_ota_ack ack;
    if (!on(s))
        return;
    watch_app(s);
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

static void session_end(struct tt_sup *s, int i)
{
    if (!on(s))
        return;
    if (s->ota->e.session == (uint32_t)i + 1u)
        s->ota->ack_owed = 0;
    tt_ota_session_ended(&s->ota->e, (uint32_t)i + 1u);
}

/* The app's requests of this turn (NSC confirm, reboot). */
static void app_requests(struct tt_sup *s, uint32_t req)
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

/* OtaChunk is a stream ([OTA-012]): no reply, its problems are Error events. */
static const struct tt_sup_route routes[] = {
    {tether_v1_Message_ota_begin_tag, TT_PERM_OTA, TT_SUP_ROUTE_UNDECODABLE, handle},
    {tether_v1_Message_ota_chunk_tag, TT_PERM_OTA, TT_SUP_ROUTE_STREAM, handle},
    {tether_v1_Message_ota_status_tag, TT_PERM_OTA, 0, handle},
    {tether_v1_Message_ota_verify_tag, TT_PERM_OTA, 0, handle},
    {tether_v1_Message_ota_install_tag, TT_PERM_OTA, 0, handle},
    {tether_v1_Message_ota_confirm_tag, TT_PERM_OTA, 0, handle},
    {tether_v1_Message_ota_rollback_tag, TT_PERM_OTA, 0, handle},
    {tether_v1_Message_ota_abort_tag, TT_PERM_OTA, 0, handle},
};

const struct tt_sup_service svc_ota_service = {
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
    .undecodable = undecodable,
    .poll = poll_turn,
    .session_end = session_end,
    .capabilities = capabilities,
    .limits = limits,
    .boot = boot,
    .app_requests = app_requests,
};
