/* engine.c — the device's OTA state machine (ota_engine.h, spec/services/ota.md).
 *
 * One function per row of the spec's state table. Each checks the state on entry, builds
 * the next record on the stack, saves it through the store, and adopts it only after the
 * save succeeded — so RAM never runs ahead of flash, and an error leaves the state as it was.
 * Image bytes are read in small blocks (hashing, read-back, erased checks) to keep the
 * device's stack small. SHA-256 from mbedTLS. */
#include <mbedtls/sha256.h>
#include <string.h>

#include "tether/ota_engine.h"

#define BLOCK 64u /* bytes read at a time: bounded stack on the device */

enum { IDLE = tether_v1_OtaState_OTA_IDLE,
       RECEIVING = tether_v1_OtaState_OTA_RECEIVING,
       VERIFIED = tether_v1_OtaState_OTA_VERIFIED,
       PENDING = tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM,
       CONFIRMED = tether_v1_OtaState_OTA_CONFIRMED,
       ROLLED_BACK = tether_v1_OtaState_OTA_ROLLED_BACK };

static bool is_ab(const struct tt_ota_engine *e)
{
    return e->cfg.policy.layout == tether_v1_SlotLayout_AB;
}

/* The slot chunks go to: the inactive one (AB), the only one (SINGLE). */
static uint32_t transfer_slot(const struct tt_ota_engine *e)
{
    return is_ab(e) ? 1u - e->rec.active : 0u;
}

static bool marked(const struct tt_ota_engine *e, uint32_t i)
{
    return i < e->nchunks && (e->marks[i / 8] >> (i % 8) & 1u);
}

static uint32_t offset_of(const struct tt_ota_engine *e, uint32_t chunk)
{
    uint64_t o = (uint64_t)chunk * e->m.chunk_size;
    return o > e->m.image_size ? e->m.image_size : (uint32_t)o;
}

static void advance_cum(struct tt_ota_engine *e)
{
    while (e->cum_chunks < e->nchunks && marked(e, e->cum_chunks))
        e->cum_chunks++;
}

/* Adopt a record whose manifest body is already known to decode (or is empty). */
static void adopt(struct tt_ota_engine *e, const struct tt_ota_record *r,
                  const tether_v1_Manifest *m, bool marks_cleared)
{
    e->rec = *r;
    if (r->body_len) {
        e->m = *m;
        e->nchunks = tt_ota_chunk_count(m->image_size, m->chunk_size);
    } else {
        memset(&e->m, 0, sizeof e->m);
        e->nchunks = 0;
    }
    if (marks_cleared) {
        memset(e->marks, 0, sizeof e->marks);
        e->cum_chunks = 0;
        e->acked_chunks = 0;
        e->unreported = false;
    }
}

/* The chunks one transfer may have: the engine's bitmap, or fewer if the store marks fewer. */
static uint32_t max_chunks(const struct tt_ota_engine *e)
{
    uint32_t n = e->cfg.max_chunks;
    return n == 0 || n > TT_OTA_MAX_CHUNKS ? TT_OTA_MAX_CHUNKS : n;
}

/* Save r and adopt it; on failure nothing changes. */
static TT_MUST_CHECK tt_err commit(struct tt_ota_engine *e, const struct tt_ota_record *r,
                                   const tether_v1_Manifest *m, bool clear_marks)
{
    if (e->st.save(e->st.ctx, r, clear_marks) != TT_OK)
        return TT_ERR_STORAGE;
    adopt(e, r, m, clear_marks);
    return TT_OK;
}

static TT_MUST_CHECK tt_err hash_slot(struct tt_ota_engine *e, uint32_t slot, uint32_t size,
                                      uint8_t out[TT_OTA_SHA256_LEN])
{
    mbedtls_sha256_context c;
    uint8_t buf[BLOCK];
    tt_err err = TT_OK;
    mbedtls_sha256_init(&c);
    if (mbedtls_sha256_starts_ret(&c, 0) != 0)
        err = TT_ERR_CRYPTO;
    for (uint32_t at = 0; err == TT_OK && at < size; at += BLOCK) {
        uint32_t n = size - at < BLOCK ? size - at : BLOCK;
        if (e->st.read(e->st.ctx, slot, at, buf, n) != TT_OK)
            err = TT_ERR_STORAGE;
        else if (mbedtls_sha256_update_ret(&c, buf, n) != 0)
            err = TT_ERR_CRYPTO;
    }
    if (err == TT_OK && mbedtls_sha256_finish_ret(&c, out) != 0)
        err = TT_ERR_CRYPTO;
    mbedtls_sha256_free(&c);
    return err;
}

/* Whether slot's image still hashes to what the record says, and is not older than the
 * persisted counter ([OTA-041], [OTA-050]). */
static bool image_runnable(struct tt_ota_engine *e, const struct tt_ota_image *img, uint32_t slot)
{
    uint8_t h[TT_OTA_SHA256_LEN];
    return img->valid && img->security_counter >= e->rec.security_counter &&
           img->size <= e->cfg.policy.slot_size && hash_slot(e, slot, img->size, h) == TT_OK &&
           memcmp(h, img->sha256, sizeof h) == 0;
}

/* Compares the slot's bytes at offset with p: 0 equal, 1 all erased (0xFF), 2 other. */
static TT_MUST_CHECK tt_err compare(struct tt_ota_engine *e, uint32_t slot, uint32_t offset,
                                    const uint8_t *p, uint32_t len, int *verdict)
{
    uint8_t buf[BLOCK];
    bool equal = true, erased = true;
    for (uint32_t at = 0; at < len; at += BLOCK) {
        uint32_t n = len - at < BLOCK ? len - at : BLOCK;
        if (e->st.read(e->st.ctx, slot, offset + at, buf, n) != TT_OK)
            return TT_ERR_STORAGE;
        equal = equal && memcmp(buf, p + at, n) == 0;
        for (uint32_t i = 0; i < n; i++)
            erased = erased && buf[i] == 0xFF;
    }
    *verdict = equal ? 0 : erased ? 1 : 2;
    return TT_OK;
}

static void image_of(struct tt_ota_image *img, const tether_v1_Manifest *m)
{
    memset(img, 0, sizeof *img);
    img->valid = 1;
    img->version = m->version;
    img->security_counter = m->security_counter;
    img->size = m->image_size;
    memcpy(img->sha256, m->image_sha256, sizeof img->sha256);
}

/* The transfer slot is erased once per transfer, after the record naming the transfer is
 * saved with slot_erased = 0 and before chunks are accepted ([OTA-061]: no page holding a
 * stored chunk is ever erased, and a cut mid-erase is finished at the next begin or boot). */
static TT_MUST_CHECK tt_err ensure_erased(struct tt_ota_engine *e)
{
    struct tt_ota_record r;
    if (e->rec.slot_erased)
        return TT_OK;
    if (e->st.erase(e->st.ctx, transfer_slot(e), e->m.image_size) != TT_OK)
        return TT_ERR_STORAGE;
    r = e->rec;
    r.slot_erased = 1;
    return commit(e, &r, &e->m, false);
}

void tt_ota_record_factory(struct tt_ota_record *r, const struct tt_ota_image *factory)
{
    memset(r, 0, sizeof *r);
    r->state = IDLE;
    if (factory) {
        r->slot[0] = *factory;
        r->security_counter = factory->security_counter;
    }
}

tt_err tt_ota_init(struct tt_ota_engine *e, const struct tt_ota_storage *st,
                   const struct tt_ota_config *cfg, const struct tt_ota_record *persisted,
                   const uint8_t *marks, size_t marks_len)
{
    tether_v1_Manifest m;
    if (!e || !st || !cfg || !persisted || !st->save || !st->mark || !st->erase || !st->write ||
        !st->read || cfg->window_chunks == 0 || !cfg->policy.firmware_pub ||
        (marks_len && !marks))
        return TT_ERR_ARG;
    memset(e, 0, sizeof *e);
    e->st = *st;
    e->cfg = *cfg;
    const struct tt_ota_record *r = persisted;
    if (r->state > ROLLED_BACK || r->active > (is_ab(e) ? 1u : 0u) ||
        r->body_len > TT_OTA_BODY_MAX)
        return TT_ERR_STORAGE;
    memset(&m, 0, sizeof m);
    if (r->body_len) {
        /* saved only after it passed [OTA-010], so a failure here is a damaged record */
        if (tt_pb_decode(tether_v1_Manifest_fields, r->body, r->body_len, &m) != TT_OK ||
            !tt_ota_chunk_size_ok(m.chunk_size) ||
            tt_ota_chunk_count(m.image_size, m.chunk_size) > max_chunks(e))
            return TT_ERR_STORAGE;
    } else if (r->state == RECEIVING || r->state == VERIFIED || r->state == PENDING) {
        return TT_ERR_STORAGE;
    }
    adopt(e, r, &m, true);
    if (marks && (r->state == RECEIVING || r->state == VERIFIED)) {
        size_t n = (e->nchunks + 7) / 8;
        memcpy(e->marks, marks, n < marks_len ? n : marks_len);
        if (e->nchunks % 8 && n <= marks_len)
            e->marks[n - 1] &= (uint8_t)((1u << (e->nchunks % 8)) - 1);
        advance_cum(e);
        e->acked_chunks = e->cum_chunks;
    }
    return TT_OK;
}

/* Reverting an unconfirmed or confirmed image (AB): the other slot runs again. */
static TT_MUST_CHECK tt_err revert(struct tt_ota_engine *e, bool drop_reverted)
{
    struct tt_ota_record r = e->rec;
    uint32_t back = 1u - r.active;
    if (drop_reverted)
        r.slot[r.active].valid = 0; /* a test image that was never confirmed is not kept */
    r.active = back;
    r.state = ROLLED_BACK;
    tt_err err = commit(e, &r, &e->m, false);
    if (err == TT_OK && e->st.run_app)
        e->st.run_app(e->st.ctx, back);
    return err;
}

tt_err tt_ota_boot(struct tt_ota_engine *e, int32_t *run_slot)
{
    tt_err err = TT_OK;
    if (!e || !run_slot)
        return TT_ERR_ARG;
    *run_slot = -1;
    if (e->rec.state == RECEIVING)
        err = ensure_erased(e);
    /* [OTA-051] a device reset or power loss before confirmation reverts a test image */
    if (err == TT_OK && is_ab(e) && e->rec.state == PENDING)
        err = revert(e, true);
    if (err != TT_OK)
        return err;
    const struct tt_ota_image *img = &e->rec.slot[e->rec.active];
    if (image_runnable(e, img, e->rec.active))
        *run_slot = (int32_t)e->rec.active;
    return TT_OK;
}

void tt_ota_ack_now(const struct tt_ota_engine *e, struct tt_ota_ack *ack)
{
    ack->due = true;
    ack->cumulative_offset = offset_of(e, e->cum_chunks);
    ack->selective_bitmap = 0;
    for (uint32_t i = 0; i < 64; i++)
        if (marked(e, e->cum_chunks + 1 + i))
            ack->selective_bitmap |= (uint64_t)1 << i;
}

/* The ack is sent now: progress so far counts as reported. */
static void ack_sent(struct tt_ota_engine *e, struct tt_ota_ack *ack)
{
    tt_ota_ack_now(e, ack);
    e->acked_chunks = e->cum_chunks;
    e->unreported = false;
}

tt_err tt_ota_begin(struct tt_ota_engine *e, uint32_t session, const tether_v1_SignedManifest *sm,
                    uint32_t now_ms, tether_v1_OtaBeginReply *reply, struct tt_ota_ack *ack,
                    uint32_t *check)
{
    tether_v1_Manifest m;
    struct tt_ota_record r;
    (void)now_ms;
    if (!e || session == 0 || !sm || !reply || !ack || !check)
        return TT_ERR_ARG;
    memset(ack, 0, sizeof *ack);
    struct tt_ota_policy p = e->cfg.policy;
    p.security_counter = e->rec.security_counter;
    struct tt_ota_verdict v = tt_ota_manifest_check(sm, &p, &m);
    if (v.err == TT_OK && tt_ota_chunk_count(m.image_size, m.chunk_size) > max_chunks(e))
        v = (struct tt_ota_verdict){TT_ERR_OTA_SIZE, 6}; /* [OTA-090] */
    if (v.err == TT_OK && e->rec.state == PENDING)
        v = (struct tt_ota_verdict){TT_ERR_STATE, 7};
    *check = v.check;
    if (v.err != TT_OK)
        return v.err;
    bool same = (e->rec.state == RECEIVING || e->rec.state == VERIFIED) &&
                e->rec.body_len == sm->body.size &&
                memcmp(e->rec.body, sm->body.bytes, sm->body.size) == 0;
    if (!same) {
        /* [OTA-011] a new transfer: discard any other, persist the manifest, nothing stored */
        r = e->rec;
        r.state = RECEIVING;
        r.slot_erased = 0;
        r.slot[transfer_slot(e)].valid = 0; /* its bytes are about to be replaced */
        r.body_len = sm->body.size;
        memcpy(r.body, sm->body.bytes, sm->body.size);
        memcpy(r.signature, sm->signature, sizeof r.signature);
        if (!is_ab(e) && e->st.stop_app)
            e->st.stop_app(e->st.ctx); /* [OTA-082] before its slot is touched */
        if (commit(e, &r, &m, true) != TT_OK) {
            if (!is_ab(e) && e->rec.slot[0].valid && e->st.run_app)
                e->st.run_app(e->st.ctx, 0); /* nothing changed: the app runs on */
            *check = 8;
            return TT_ERR_STORAGE;
        }
    }
    if (e->rec.state == RECEIVING && ensure_erased(e) != TT_OK) {
        *check = 8;
        return TT_ERR_STORAGE;
    }
    e->session = session;
    *check = 0;
    reply->resume_offset = offset_of(e, e->cum_chunks);
    e->window = e->cfg.window_chunks;
    reply->window_chunks = e->window;
    ack_sent(e, ack);
    ack->due = e->cum_chunks > 0 || ack->selective_bitmap != 0;
    return TT_OK;
}

/* An unmarked chunk that is neither erased nor the data: a power cut tore its programming
 * (real NOR flash, ECC quad-words). Its page cannot be erased while it holds stored chunks,
 * so the transfer starts over ([OTA-131]): the record is saved with the marks cleared and the
 * slot not erased, then the slot is erased again ([OTA-061]), and the transfer session ends.
 * Ending it is how the client learns of the restart: its chunks are answered TT_ERR_STATE
 * and it begins again (resume_offset 0); acks to one transfer session never go backwards
 * ([OTA-130]), so a client can refuse every ack that does. */
static TT_MUST_CHECK tt_err restart_torn(struct tt_ota_engine *e)
{
    struct tt_ota_record r = e->rec;
    r.slot_erased = 0;
    if (commit(e, &r, &e->m, true) != TT_OK)
        return TT_ERR_STORAGE; /* nothing changed: the session goes on */
    e->session = 0;
    /* An erase that fails leaves slot_erased 0, which the next OtaBegin retries; either
     * way the client must begin again. */
    tt_err erased = ensure_erased(e);
    (void)erased;
    return TT_ERR_STATE;
}

tt_err tt_ota_chunk(struct tt_ota_engine *e, uint32_t session, uint32_t offset,
                    const uint8_t *data, uint32_t len, uint32_t now_ms, struct tt_ota_ack *ack)
{
    int verdict;
    if (!e || !ack || (len && !data))
        return TT_ERR_ARG;
    memset(ack, 0, sizeof *ack);
    if (session == 0 || session != e->session || e->rec.state != RECEIVING)
        return TT_ERR_STATE;
    uint32_t cs = e->m.chunk_size, idx = offset / cs;
    if (offset % cs != 0 || offset >= e->m.image_size ||
        len != tt_ota_chunk_len(e->m.image_size, cs, idx))
        return TT_ERR_OTA_CHUNK;
    if (marked(e, idx)) { /* [OTA-014] ignored, never rewritten; [OTA-015] acked */
        ack_sent(e, ack);
        return TT_OK;
    }
    uint32_t slot = transfer_slot(e);
    /* A chunk written before a cut but not yet marked is found equal and only marked. */
    if (compare(e, slot, offset, data, len, &verdict) != TT_OK)
        return TT_ERR_STORAGE;
    if (verdict == 2)
        return restart_torn(e);
    if (verdict == 1 && (e->st.write(e->st.ctx, slot, offset, data, len) != TT_OK ||
                         compare(e, slot, offset, data, len, &verdict) != TT_OK || verdict != 0))
        return TT_ERR_STORAGE; /* [OTA-061] read back */
    if (e->st.mark(e->st.ctx, idx) != TT_OK)
        return TT_ERR_STORAGE; /* [OTA-016] not reported until persisted */
    e->marks[idx / 8] |= (uint8_t)(1u << (idx % 8));
    advance_cum(e);
    if (!e->unreported) {
        e->unreported = true;
        e->unreported_since_ms = now_ms;
    }
    /* [OTA-015] max(1, window/2), and no more than TT_OTA_ACK_STEP_MAX ([OTA-122]): with a
     * wide window a client that hears of progress only every window/2 chunks has half its
     * window stuck waiting for news. */
    uint32_t step = e->window / 2 ? e->window / 2 : 1;
    if (step > TT_OTA_ACK_STEP_MAX)
        step = TT_OTA_ACK_STEP_MAX;
    if (e->cum_chunks == e->nchunks || e->cum_chunks - e->acked_chunks >= step)
        ack_sent(e, ack);
    return TT_OK;
}

void tt_ota_grant_window(struct tt_ota_engine *e, uint32_t asked,
                         tether_v1_OtaBeginReply *reply)
{
    if (!e || !reply)
        return;
    e->window = asked != 0 && asked < e->cfg.window_chunks ? asked : e->cfg.window_chunks;
    reply->window_chunks = e->window;
}

void tt_ota_poll(struct tt_ota_engine *e, uint32_t now_ms, struct tt_ota_ack *ack)
{
    memset(ack, 0, sizeof *ack);
    if (e->unreported && e->rec.state == RECEIVING &&
        (uint32_t)(now_ms - e->unreported_since_ms) >= TT_OTA_ACK_INTERVAL_MS)
        ack_sent(e, ack);
}

/* Discarding the transfer: nothing stored, no manifest, state IDLE ([OTA-024], [OTA-054]). */
static TT_MUST_CHECK tt_err discard(struct tt_ota_engine *e)
{
    struct tt_ota_record r = e->rec;
    r.state = IDLE;
    r.slot_erased = 0;
    r.body_len = 0;
    memset(r.body, 0, sizeof r.body);
    memset(r.signature, 0, sizeof r.signature);
    e->session = 0;
    return commit(e, &r, NULL, true);
}

tt_err tt_ota_verify(struct tt_ota_engine *e)
{
    uint8_t h[TT_OTA_SHA256_LEN];
    struct tt_ota_record r;
    if (!e)
        return TT_ERR_ARG;
    if (e->rec.state == VERIFIED)
        return TT_OK;
    if (e->rec.state != RECEIVING || e->cum_chunks != e->nchunks)
        return TT_ERR_STATE;
    if (hash_slot(e, transfer_slot(e), e->m.image_size, h) != TT_OK)
        return TT_ERR_STORAGE;
    if (memcmp(h, e->m.image_sha256, sizeof h) != 0)
        return discard(e) == TT_OK ? TT_ERR_OTA_HASH : TT_ERR_STORAGE;
    r = e->rec;
    r.state = VERIFIED;
    return commit(e, &r, &e->m, false);
}

tt_err tt_ota_install(struct tt_ota_engine *e)
{
    uint8_t h[TT_OTA_SHA256_LEN];
    struct tt_ota_record r;
    if (!e)
        return TT_ERR_ARG;
    if (e->rec.state != VERIFIED)
        return TT_ERR_STATE;
    if (e->m.security_counter < e->rec.security_counter)
        return TT_ERR_OTA_ROLLBACK; /* [OTA-041] */
    uint32_t t = transfer_slot(e);
    /* [OTA-050] the bytes are checked again right before they become the app */
    if (hash_slot(e, t, e->m.image_size, h) != TT_OK)
        return TT_ERR_STORAGE;
    if (memcmp(h, e->m.image_sha256, sizeof h) != 0)
        return discard(e) == TT_OK ? TT_ERR_OTA_HASH : TT_ERR_STORAGE;
    r = e->rec;
    image_of(&r.slot[t], &e->m);
    r.active = t;
    r.state = PENDING;
    e->session = 0;
    tt_err err = commit(e, &r, &e->m, false);
    if (err == TT_OK && e->st.run_app)
        e->st.run_app(e->st.ctx, t);
    return err;
}

tt_err tt_ota_confirm(struct tt_ota_engine *e)
{
    struct tt_ota_record r;
    if (!e)
        return TT_ERR_ARG;
    if (e->rec.state == CONFIRMED)
        return TT_OK;
    if (e->rec.state != PENDING)
        return TT_ERR_STATE;
    r = e->rec;
    r.state = CONFIRMED;
    /* [OTA-040] raised only here, and only upwards */
    if (r.slot[r.active].security_counter > r.security_counter)
        r.security_counter = r.slot[r.active].security_counter;
    return commit(e, &r, &e->m, false);
}

tt_err tt_ota_rollback(struct tt_ota_engine *e)
{
    if (!e)
        return TT_ERR_ARG;
    if (!is_ab(e))
        return TT_ERR_MSG_UNSUPPORTED;
    if (e->rec.state == PENDING)
        return revert(e, true);
    if (e->rec.state != CONFIRMED)
        return TT_ERR_STATE;
    const struct tt_ota_image *prev = &e->rec.slot[1u - e->rec.active];
    if (!prev->valid)
        return TT_ERR_STATE; /* nothing to return to */
    if (prev->security_counter < e->rec.security_counter)
        return TT_ERR_OTA_ROLLBACK;
    return revert(e, false);
}

tt_err tt_ota_abort(struct tt_ota_engine *e)
{
    if (!e)
        return TT_ERR_ARG;
    if (e->rec.state == RECEIVING || e->rec.state == VERIFIED)
        return discard(e);
    if (e->rec.state == PENDING)
        return TT_ERR_STATE;
    return TT_OK;
}

tt_err tt_ota_app_restarted(struct tt_ota_engine *e)
{
    if (!e)
        return TT_ERR_ARG;
    if (is_ab(e) && e->rec.state == PENDING)
        return revert(e, true);
    return TT_OK;
}

/* [OTA-100]: what a test image's app may do before it is confirmed, one row per event. */
static const bool event_reverts[TT_OTA_APP_EVENT_COUNT] = {
    [TT_OTA_APP_FAULT] = true,          /* it cannot run: revert */
    [TT_OTA_APP_WATCHDOG] = true,       /* it stopped serving its watchdog: revert */
    [TT_OTA_APP_REBOOT_REQUEST] = true, /* [OTA-051]: a restart it asked for itself */
    [TT_OTA_APP_DEBUG_STOP] = false,    /* a developer is looking at it, not a failure */
    [TT_OTA_APP_CLIENT_RESET] = false,  /* [OTA-051]: a client's ResetApp keeps the test */
};

bool tt_ota_app_event_reverts(enum tt_ota_app_event ev)
{
    return (unsigned)ev < TT_OTA_APP_EVENT_COUNT && event_reverts[ev];
}

tt_err tt_ota_app_event(struct tt_ota_engine *e, enum tt_ota_app_event ev, bool *reverted)
{
    if (!e || !reverted || (unsigned)ev >= TT_OTA_APP_EVENT_COUNT)
        return TT_ERR_ARG;
    *reverted = false;
    if (!tt_ota_app_event_reverts(ev) || !is_ab(e) || e->rec.state != PENDING)
        return TT_OK;
    tt_err err = revert(e, true);
    *reverted = err == TT_OK;
    return err;
}

void tt_ota_session_ended(struct tt_ota_engine *e, uint32_t session)
{
    if (e && session != 0 && e->session == session)
        e->session = 0;
}

void tt_ota_status(const struct tt_ota_engine *e, tether_v1_OtaStatusReply *out)
{
    memset(out, 0, sizeof *out);
    out->state = (tether_v1_OtaState)e->rec.state;
    out->security_counter = e->rec.security_counter;
    const struct tt_ota_image *run = tt_ota_running(e);
    out->running_version = run ? run->version : 0;
    if (e->rec.body_len == 0)
        return;
    out->received = e->rec.state == RECEIVING ? offset_of(e, e->cum_chunks) : e->m.image_size;
    out->image_size = e->m.image_size;
    memcpy(out->image_sha256, e->m.image_sha256, sizeof out->image_sha256);
    if (e->rec.state == RECEIVING || e->rec.state == VERIFIED || e->rec.state == PENDING)
        out->pending_version = e->m.version;
}

const struct tt_ota_image *tt_ota_running(const struct tt_ota_engine *e)
{
    const struct tt_ota_image *img = &e->rec.slot[e->rec.active];
    return img->valid ? img : NULL;
}
