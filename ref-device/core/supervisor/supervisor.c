/* supervisor.c — start-up of the supervisor core and one turn of its service (see
 * supervisor.h): packets to handshakes or sessions, then the per-turn work of the services,
 * then retransmissions and acks of every session, then the link.
 *
 * A record is routed by its receiver id ([REC-004]); only packets that authenticate touch a
 * session ([PKT-007]), and the first one confirms it ([HS-016]: the handshake response cache
 * is dropped). Sessions past their reject limits end ([REC-009]). Depends on internal.h,
 * port.h (which also gives the crypto backend: tt_port_crypto), bytes.h. */
#include <string.h>

#include "../store/record_store.h"
#include "internal.h"
#include "tether/bytes.h"

static tt_err load_u64(enum tt_port_record id, uint64_t *v)
{
    uint8_t b[8];
    size_t n = sizeof b;
    tt_err e = tt_store_read(id, b, &n);
    if (e != TT_OK || (n != 0 && n != 8))
        return TT_ERR_STORAGE;
    *v = n == 8 ? tt_load_be64(b) : 0;
    return TT_OK;
}

/* TT_REC_BOOT begins with the boot counter (4 bytes, big-endian); whatever follows belongs
 * to other users of the record (OTA flags) and is written back unchanged. */
static tt_err count_boot(struct tt_sup *s)
{
    uint8_t b[TT_PORT_RECORD_MAX];
    size_t n = sizeof b;
    if (tt_store_read(TT_REC_BOOT, b, &n) != TT_OK || (n != 0 && n < 4))
        return TT_ERR_STORAGE;
    if (n == 0) {
        memset(b, 0, 4);
        n = 4;
    }
    uint32_t c = tt_load_be32(b) + 1u;
    tt_store_be32(b, c);
    if (tt_store_write(TT_REC_BOOT, b, n) != TT_OK)
        return TT_ERR_STORAGE;
    s->boot_count = c;
    return TT_OK;
}

tt_err tt_sup_init(struct tt_sup *s, const struct tt_sup_identity *id)
{
    return tt_sup_init_ota(s, id, NULL);
}

tt_err tt_sup_init_ota(struct tt_sup *s, const struct tt_sup_identity *id, struct tt_sup_ota *ota)
{
    if (s == NULL || id == NULL)
        return TT_ERR_ARG;
    memset(s, 0, sizeof *s);
    if (ota != NULL)
        memset(ota, 0, sizeof *ota);
    s->ota = ota;
    s->ident = *id; /* the OTA service keeps its app fields ([OTA-070]) */
    s->id = &s->ident;
    s->dbg.attached = -1;
    tt_err e = tt_port_keys(&s->keys);
    if (e != TT_OK)
        return e;
    /* The port's choice of backend; only its hash is used until the seed is rolled. */
    e = tt_port_crypto(&s->crypto, NULL, 0);
    if (e != TT_OK)
        return e;
    e = sup_replay_load(s);
    if (e == TT_OK)
        e = load_u64(TT_REC_REVOCATION, &s->revocation_floor);
    if (e == TT_OK)
        e = load_u64(TT_REC_TIME, &s->time_floor);
    if (e == TT_OK)
        e = count_boot(s);
    if (e == TT_OK) /* [NVS-030]: the seed is rolled and persisted before first use */
        e = sup_seed_roll_and_init_rng(s);
    if (e == TT_OK) /* the services' start: OTA's app to run, before the port's main starts one */
        e = sup_services_boot(s);
    if (e != TT_OK)
        return e;
    tt_frame_decoder_init(&s->dec);
    s->now = tt_port_time_ms();
    s->hs_tokens = TT_SUP_HS_BUCKET;
    s->hs_refill_ms = s->now;
    s->log_next = 1;
    return TT_OK;
}

static void on_record(struct tt_sup *s, const uint8_t *pkt, size_t len)
{
    if (len < TT_RECORD_HEADER_LEN)
        return;
    int i = sup_slot_find(s, tt_load_be32(pkt + 1));
    if (i < 0) /* [REC-004], [REC-011]: silently */
        return;
    struct tt_sup_slot *sl = &s->slot[i];
    const uint8_t *m;
    size_t mlen;
    tt_err e = tt_session_receive(&sl->s, pkt, len, s->now, s->plain.work, sizeof s->plain.work,
                                  &m, &mlen);
    /* Rejected, REC_EXPIRED included: that one is judged on the packet's claimed seq before
     * the tag ([REC-009] order), so it must not end the session — a forger could. The
     * session's own end of life is checked every turn (session_expired). */
    if (e != TT_OK && e != TT_ERR_REL_NONE)
        return; /* rejected: the session is unchanged ([REC-007]) */
    sl->active_ms = s->now; /* [REC-012] */
    if (!sl->confirmed) {   /* [HS-016], [HS-031] */
        sl->confirmed = 1;
        tt_wipe(sl->resp, sizeof sl->resp);
        sl->resp_len = 0;
    }
    if (e == TT_OK)
        sup_on_message(s, i, m, mlen);
}

void sup_on_packet(struct tt_sup *s, const uint8_t *pkt, size_t len)
{
    if (len == 0)
        return;
    switch (pkt[0]) {
    case TT_PKT_INITIATION:
        sup_on_initiation(s, pkt, len);
        break;
    case TT_PKT_RECORD:
        on_record(s, pkt, len);
        break;
    default: /* responses are for clients; anything else is not a packet ([PKT-001]) */
        break;
    }
}

/* [REC-009]: past REJECT_AFTER_TIME (or its send counter past REJECT_AFTER_RECORDS) a
 * session can neither send nor accept anything: it ends. */
static int session_expired(const struct tt_sup *s, const struct tt_sup_slot *sl)
{
    const struct tt_record_session *r = &sl->s.rec;
    uint64_t now_s = s->now / 1000u;
    uint64_t age = now_s > r->created_s ? now_s - r->created_s : 0;
    return age >= r->limits.reject_after_s ||
           r->send_seq >= r->limits.reject_after_records;
}

/* Retransmissions and owed acks of every session ([REL-010], [REL-014]). */
static void poll_sessions(struct tt_sup *s)
{
    for (unsigned i = 0; i < TT_SUP_SESSIONS; i++) {
        struct tt_sup_slot *sl = &s->slot[i];
        size_t n;
        if (sup_slot_live(sl) && session_expired(s, sl)) {
            sup_slot_end(s, (int)i, 0, 0); /* nothing can be sealed any more: no Close */
            continue;
        }
        for (unsigned k = 0; k < TT_SUP_WINDOW + 1 && sup_slot_live(sl); k++) {
            tt_err e = tt_session_poll(&sl->s, s->now, s->pkt, sizeof s->pkt, &n);
            if (e == TT_ERR_REC_EXPIRED) {
                sup_slot_end(s, (int)i, 0, 0);
                break;
            }
            if (e != TT_OK)
                break;
            sup_link_send(s, s->pkt, n);
        }
    }
}

void tt_sup_service(void *ctx, struct tt_target *t)
{
    struct tt_sup *s = ctx;
    s->target = t;
    s->now = tt_port_time_ms();
    sup_link_flush(s);
    sup_link_input(s);
    sup_services_poll(s);
    poll_sessions(s);
    sup_link_flush(s);
    uint32_t req = tt_port_app_requests();
    sup_services_app_requests(s, req);
    if (req & TT_APP_REQ_REBOOT)
        tt_port_reset();
}
