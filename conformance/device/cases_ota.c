/* cases_ota.c — conformance cases of the OTA service (spec/services/ota.md): every row of
 * [OTA-010]'s begin checks failing in turn, the chunk stream (window, checks, idempotence,
 * acks), resume from another session, the state table's refusals, verify, install,
 * confirm, rollback and the security counter. Every refusal is followed by reading back
 * what it would have changed: OtaStatus (state, progress, image, versions, counter) and the
 * app measurement of Capabilities.
 *
 * Needs the firmware private key the device trusts (tether-conform --firmware; without it
 * every case is N/A): the suite signs its own manifests, over random images that are never
 * installed. The install case also needs an image that runs on the device
 * (--ota-image, e.g. the factory app): it installs it with a marker appended (so its
 * measurement differs), rolls back (AB), then installs and confirms it with a raised
 * security counter. That changes the device for good (its counter), so the group runs last
 * and that case last in it. Cases start and end with the transfer discarded (OtaAbort). */
#include <sodium.h>

#include "cases.h"
#include "tether/err.h"
#include "tether/ota_manifest.h"
#include "tether/signed_body.h"
#include "tether/wire.h"

#define CHUNK 64u
#define IMG_SIZE (20u * CHUNK + 37u) /* 21 chunks, the last one short */
#define NCHUNKS 21u
#define MARKER "tether-conform ota image marker"

static struct sess A, B;
static tether_v1_Message q, r, ev;
static uint8_t img[IMG_SIZE], img2[IMG_SIZE];

/* What a refused request must leave as it was ([CNF-020]: read back). */
struct snap {
    tether_v1_OtaStatusReply st;
    uint8_t measurement[32];
};

/* A manifest the suite signs; fields not set get valid values for this device. */
struct mopt {
    uint32_t format;     /* 0: 1 */
    int other_key;       /* signed by a key the device does not trust */
    int flip_signature;  /* one bit of a valid signature flipped */
    int other_device;    /* scope: another device id */
    int group;           /* scope: a group id the device is not in */
    int other_layout;    /* the layout the device does not have */
    uint32_t chunk;      /* 0: CHUNK */
    int size_set;        /* size below is used (0 included) */
    uint32_t size;
    uint32_t counter;
    uint32_t version;    /* 0: 0x7F0001 */
    const uint8_t *image; /* 0: img; the hash is over size bytes of it */
    int wrong_hash;      /* image_sha256 of other bytes */
};

static int ready(struct conf *c, char *why, size_t whylen)
{
    if (!(c->capabilities & tether_v1_Capability_CAP_OTA)) {
        WHY("the device does not announce CAP_OTA");
        return 0;
    }
    if (!c->has_firmware) {
        WHY("no firmware private key given (--firmware)");
        return 0;
    }
    return 1;
}

static int is_ab(const struct conf *c)
{
    return (c->capabilities & tether_v1_Capability_CAP_OTA_AB) != 0;
}

static void make_images(void)
{
    static int made;
    if (!made) {
        randombytes_buf(img, sizeof img);
        randombytes_buf(img2, sizeof img2);
        made = 1;
    }
}

static tt_err sign(struct conf *c, const struct mopt *o, tether_v1_SignedManifest *sm)
{
    tether_v1_Manifest m;
    uint8_t other[32];
    size_t n;
    memset(&m, 0, sizeof m);
    m.format = o->format ? o->format : 1;
    m.which_scope = o->group ? tether_v1_Manifest_group_id_tag : tether_v1_Manifest_device_id_tag;
    memcpy(m.scope.device_id, c->rec.device_id, 16);
    if (o->other_device || o->group)
        m.scope.device_id[15] ^= 0x5A;
    m.version = o->version ? o->version : 0x7F0001u;
    m.security_counter = o->counter;
    m.image_size = o->size_set ? o->size : IMG_SIZE;
    const uint8_t *im = o->image ? o->image : img;
    crypto_hash_sha256(m.image_sha256, im, o->image && o->size_set ? o->size : IMG_SIZE);
    if (o->wrong_hash)
        m.image_sha256[0] ^= 0x01;
    int ab = is_ab(c) != (o->other_layout != 0);
    m.layout = ab ? tether_v1_SlotLayout_AB : tether_v1_SlotLayout_SINGLE;
    m.chunk_size = o->chunk ? o->chunk : CHUNK;
    memset(sm, 0, sizeof *sm);
    if (o->other_key)
        randombytes_buf(other, 32); /* a valid P-256 scalar with overwhelming probability */
    tt_err e = tt_signed_body_sign(tether_v1_Manifest_fields, &m, TT_OTA_SIG_CONTEXT,
                                   o->other_key ? other : c->firmware_sk, sm->body.bytes,
                                   sizeof sm->body.bytes, &n, sm->signature);
    sm->body.size = (pb_size_t)n;
    if (o->flip_signature)
        sm->signature[20] ^= 0x04;
    sodium_memzero(other, sizeof other);
    return e;
}

static const char *state_name(uint32_t s)
{
    static const char *const names[] = {"IDLE", "RECEIVING", "VERIFIED",
                                        "INSTALLED_PENDING_CONFIRM", "CONFIRMED", "ROLLED_BACK"};
    return s < 6 ? names[s] : "?";
}

/* OtaStatus and Capabilities' measurement ([OTA-055], [OTA-070]). */
static enum conf_result snap(struct conf *c, struct sess *s, struct snap *o, char *why,
                             size_t whylen)
{
    msg(&q, tether_v1_Message_ota_status_tag);
    tt_err e = sess_call(c, s, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_ota_status_reply_tag) {
        WHY("OtaStatus: no OtaStatusReply (%s)", tt_err_name(e));
        return CONF_FAIL;
    }
    o->st = r.body.ota_status_reply;
    conf_trace(c, "  status %s received %u image_size %u running 0x%06x pending 0x%06x counter %u",
               state_name(o->st.state), (unsigned)o->st.received, (unsigned)o->st.image_size,
               (unsigned)o->st.running_version, (unsigned)o->st.pending_version,
               (unsigned)o->st.security_counter);
    msg(&q, tether_v1_Message_get_capabilities_tag);
    e = sess_call(c, s, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_capabilities_tag) {
        WHY("GetCapabilities: no Capabilities (%s)", tt_err_name(e));
        return CONF_FAIL;
    }
    memcpy(o->measurement, r.body.capabilities.app_measurement, 32);
    return CONF_PASS;
}

static enum conf_result same(const struct snap *a, const struct snap *b, const char *after,
                             char *why, size_t whylen)
{
    if (memcmp(&a->st, &b->st, sizeof a->st) == 0 && !memcmp(a->measurement, b->measurement, 32))
        return CONF_PASS;
    WHY("after %s the device changed: state %s -> %s, received %u -> %u, counter %u -> %u, "
        "pending 0x%x -> 0x%x, measurement %s",
        after, state_name(a->st.state), state_name(b->st.state), (unsigned)a->st.received,
        (unsigned)b->st.received, (unsigned)a->st.security_counter,
        (unsigned)b->st.security_counter, (unsigned)a->st.pending_version,
        (unsigned)b->st.pending_version,
        memcmp(a->measurement, b->measurement, 32) ? "changed" : "same");
    return CONF_FAIL;
}

/* Opens A with all permissions and discards any transfer ([OTA-054]): every case starts
 * with no transfer, in IDLE, CONFIRMED or ROLLED_BACK. */
static enum conf_result start(struct conf *c, char *why, size_t whylen)
{
    make_images();
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_ota_abort_tag);
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK) {
        WHY("OtaAbort to start from no transfer: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

static void finish(struct conf *c)
{
    if (A.open) {
        msg(&q, tether_v1_Message_ota_abort_tag);
        (void)sess_call(c, &A, &q, &r);
    }
    sess_close(&A);
    sess_close(&B);
}

/* The session whose link a stream message goes out on: the helpers of exchange.c hand the
 * one link to the session they use, so a wait of 1 ms that collects nothing does. */
static void use(struct sess *s)
{
    static tether_v1_Message none;
    (void)sess_wait(s, 0x7FFFFFFFu, &none, -1);
}

/* OtaBegin; on success *resume and *window from the reply, checked against [OTA-011]. */
static enum conf_result begin(struct conf *c, struct sess *s, const tether_v1_SignedManifest *sm,
                              uint32_t *resume, uint32_t *window, char *why, size_t whylen)
{
    msg(&q, tether_v1_Message_ota_begin_tag);
    q.body.ota_begin.has_manifest = true;
    q.body.ota_begin.manifest = *sm;
    tt_err e = sess_call(c, s, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_ota_begin_reply_tag) {
        WHY("OtaBegin of a valid manifest: %s, expected OtaBeginReply", tt_err_name(e));
        return CONF_FAIL;
    }
    *resume = r.body.ota_begin_reply.resume_offset;
    *window = r.body.ota_begin_reply.window_chunks;
    conf_trace(c, "  begin reply: resume_offset %u window_chunks %u", (unsigned)*resume,
               (unsigned)*window);
    if (*window < 1 || *window > c->limits.ota_window) {
        WHY("window_chunks %u outside 1..Limits.ota_window (%u)", (unsigned)*window,
            (unsigned)c->limits.ota_window);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* One OtaChunk stream message ([OTA-012]: request_id 0) with data bytes of buf at off. */
static enum conf_result chunk(struct conf *c, struct sess *s, uint32_t off, const uint8_t *buf,
                              uint32_t len, char *why, size_t whylen)
{
    msg(&q, tether_v1_Message_ota_chunk_tag);
    q.body.ota_chunk.offset = off;
    q.body.ota_chunk.data.size = (pb_size_t)len;
    memcpy(q.body.ota_chunk.data.bytes, buf, len);
    use(s);
    tt_err e = tt_client_send_stream(&s->cl, &q, CONF_REPLY_MS);
    conf_trace(c, "sent ota_chunk offset %u, %u bytes: %s", (unsigned)off, (unsigned)len,
               tt_err_name(e));
    if (e != TT_OK) {
        WHY("could not send the chunk at %u: %s", (unsigned)off, tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

static uint32_t clen(uint32_t size, uint32_t i)
{
    return tt_ota_chunk_len(size, CHUNK, i);
}

/* The next OtaChunkAck (other events skipped). An Error event instead is a failure. */
static enum conf_result next_ack(struct conf *c, struct sess *s, tether_v1_OtaChunkAck *a,
                                 char *why, size_t whylen)
{
    for (;;) {
        tt_err e = sess_event(c, s, &ev, CONF_EVENT_MS);
        if (e != TT_OK) {
            WHY("no OtaChunkAck came ([OTA-015]): %s", tt_err_name(e));
            return CONF_FAIL;
        }
        if (ev.which_body == tether_v1_Message_ota_chunk_ack_tag) {
            *a = ev.body.ota_chunk_ack;
            conf_trace(c, "  ack: cumulative_offset %u bitmap 0x%llx",
                       (unsigned)a->cumulative_offset, (unsigned long long)a->selective_bitmap);
            return CONF_PASS;
        }
        if (ev.which_body == tether_v1_Message_error_tag) {
            WHY("Error event %s (detail %u) where an OtaChunkAck was due",
                tt_err_name((tt_err)ev.body.error.code), (unsigned)ev.body.error.detail);
            return CONF_FAIL;
        }
    }
}

/* The ack a step makes due: cumulative cum and bitmap exactly. Acks with cum and fewer
 * bits are earlier ones (the 500 ms rule) still on their way and are skipped. */
static enum conf_result expect_ack(struct conf *c, struct sess *s, uint32_t cum, uint64_t bitmap,
                                   const char *after, char *why, size_t whylen)
{
    tether_v1_OtaChunkAck a;
    for (;;) {
        if (next_ack(c, s, &a, why, whylen) != CONF_PASS)
            return CONF_FAIL;
        if (a.cumulative_offset == cum && a.selective_bitmap == bitmap)
            return CONF_PASS;
        if (a.cumulative_offset != cum || (a.selective_bitmap & ~bitmap) != 0) {
            WHY("after %s: ack cumulative %u bitmap 0x%llx, expected %u and 0x%llx", after,
                (unsigned)a.cumulative_offset, (unsigned long long)a.selective_bitmap,
                (unsigned)cum, (unsigned long long)bitmap);
            return CONF_FAIL;
        }
    }
}

/* The next Error event: its code and detail ([OTA-013]: chunk errors are events). */
static enum conf_result expect_error_event(struct conf *c, struct sess *s, tt_err want,
                                           uint32_t detail, char *why, size_t whylen)
{
    for (;;) {
        tt_err e = sess_event(c, s, &ev, CONF_EVENT_MS);
        if (e != TT_OK) {
            WHY("no Error event %s came: %s", tt_err_name(want), tt_err_name(e));
            return CONF_FAIL;
        }
        if (ev.which_body != tether_v1_Message_error_tag)
            continue; /* an ack of earlier chunks */
        if (ev.request_id != 0 || ev.body.error.code != (uint32_t)want ||
            ev.body.error.detail != detail) {
            WHY("Error #%u %s detail %u, expected event %s detail %u", (unsigned)ev.request_id,
                tt_err_name((tt_err)ev.body.error.code), (unsigned)ev.body.error.detail,
                tt_err_name(want), (unsigned)detail);
            return CONF_FAIL;
        }
        return CONF_PASS;
    }
}

/* Reads what has already come (acks of earlier chunks, due by the window rule or the
 * 500 ms rule of [OTA-015]), so that the next ack read is one a later step caused. An
 * Error event among them is a failure: no chunk sent so far was to be refused. */
static enum conf_result drain(struct conf *c, struct sess *s, char *why, size_t whylen)
{
    while (sess_event(c, s, &ev, 0) == TT_OK) {
        if (ev.which_body == tether_v1_Message_error_tag) {
            WHY("Error event %s (detail %u) about a chunk that is valid",
                tt_err_name((tt_err)ev.body.error.code), (unsigned)ev.body.error.detail);
            return CONF_FAIL;
        }
    }
    return CONF_PASS;
}

/* OtaStatus until received >= end: the device takes the chunks sent before in order, so
 * one round trip normally shows them; a device that writes later gets more (a hang guard,
 * not a deadline). [OTA-016]: what it reports is persisted. */
static enum conf_result wait_stored(struct conf *c, struct sess *s, uint32_t end, char *why,
                                    size_t whylen)
{
    struct snap sn;
    for (int tries = 0; tries < 50; tries++) {
        if (snap(c, s, &sn, why, whylen) != CONF_PASS)
            return CONF_FAIL;
        if (sn.st.received >= end)
            return drain(c, s, why, whylen);
    }
    WHY("OtaStatus received %u after 50 reads, expected at least %u (every chunk below sent)",
        (unsigned)sn.st.received, (unsigned)end);
    return CONF_FAIL;
}

/* Sends chunks [from, to) of buf (size bytes) in order within the granted window
 * ([OTA-012]: never at or beyond cumulative + window). With the window full, an ack must
 * come: the chunks in flight advance the cumulative offset by window_chunks, at least
 * max(1, window_chunks / 2) ([OTA-015]); acks must name chunk boundaries and never go
 * backwards. The range's end is then confirmed by OtaStatus. */
static enum conf_result send_range(struct conf *c, struct sess *s, const uint8_t *buf,
                                   uint32_t size, uint32_t from, uint32_t to, uint32_t window,
                                   char *why, size_t whylen)
{
    tether_v1_OtaChunkAck a;
    uint32_t cum = from, next = from, best = 0;
    for (;;) {
        while (next < to && next < cum + window) {
            if (chunk(c, s, next * CHUNK, buf + next * CHUNK, clen(size, next), why, whylen) !=
                CONF_PASS)
                return CONF_FAIL;
            next++;
        }
        if (next == to)
            break;
        if (next_ack(c, s, &a, why, whylen) != CONF_PASS)
            return CONF_FAIL;
        if (a.cumulative_offset > size ||
            (a.cumulative_offset % CHUNK && a.cumulative_offset != size)) {
            WHY("ack cumulative_offset %u is not a chunk boundary", (unsigned)a.cumulative_offset);
            return CONF_FAIL;
        }
        uint32_t k = a.cumulative_offset == size ? tt_ota_chunk_count(size, CHUNK)
                                                 : a.cumulative_offset / CHUNK;
        if (k < best) {
            WHY("ack cumulative_offset %u went backwards", (unsigned)a.cumulative_offset);
            return CONF_FAIL;
        }
        best = k;
        if (k > cum)
            cum = k; /* past chunks stored before this range too */
    }
    return wait_stored(c, s, to * CHUNK < size ? to * CHUNK : size, why, whylen);
}

static enum conf_result call_expect(struct conf *c, struct sess *s, pb_size_t tag, tt_err want,
                                    const char *what, char *why, size_t whylen)
{
    msg(&q, tag);
    tt_err e = sess_call(c, s, &q, &r);
    if (e != want || (want == TT_OK && r.which_body != tether_v1_Message_ack_tag)) {
        WHY("%s: %s, expected %s", what, tt_err_name(e), want == TT_OK ? "Ack" : tt_err_name(want));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* A request refused with want (and detail, unless < 0), the device read back unchanged. */
static enum conf_result refused(struct conf *c, struct sess *s, tether_v1_Message *req,
                                tt_err want, long detail, const char *what, char *why,
                                size_t whylen)
{
    struct snap before, after;
    if (snap(c, s, &before, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    static tether_v1_Message keep;
    keep = *req;
    if (sess_expect(c, s, &keep, want, detail, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    if (snap(c, s, &after, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    return same(&before, &after, what, why, whylen);
}

static enum conf_result refused_tag(struct conf *c, struct sess *s, pb_size_t tag, tt_err want,
                                    const char *what, char *why, size_t whylen)
{
    static tether_v1_Message m;
    msg(&m, tag);
    return refused(c, s, &m, want, -1, what, why, whylen);
}

/* ---- [OTA-010]: each check of OtaBegin failing in turn --------------------------------- */

static enum conf_result begin_refused(struct conf *c, const struct mopt *o, tt_err want,
                                      uint32_t check, char *why, size_t whylen)
{
    static tether_v1_Message m;
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    msg(&m, tether_v1_Message_ota_begin_tag);
    m.body.ota_begin.has_manifest = true;
    if (res == CONF_PASS && sign(c, o, &m.body.ota_begin.manifest) != TT_OK) {
        WHY("the suite could not sign its manifest");
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = refused(c, &A, &m, want, check, "the refused OtaBegin", why, whylen);
    finish(c);
    return res;
}

CASE(begin_format)
{
    struct mopt o = {.format = 2};
    return begin_refused(c, &o, TT_ERR_OTA_MANIFEST, 1, why, whylen);
}

CASE(begin_other_key)
{
    struct mopt o = {.other_key = 1};
    return begin_refused(c, &o, TT_ERR_SIGNATURE, 2, why, whylen);
}

CASE(begin_flipped_signature)
{
    struct mopt o = {.flip_signature = 1};
    return begin_refused(c, &o, TT_ERR_SIGNATURE, 2, why, whylen);
}

CASE(begin_other_device)
{
    struct mopt o = {.other_device = 1};
    return begin_refused(c, &o, TT_ERR_OTA_MANIFEST, 3, why, whylen);
}

CASE(begin_other_group)
{
    struct mopt o = {.group = 1};
    return begin_refused(c, &o, TT_ERR_OTA_MANIFEST, 3, why, whylen);
}

CASE(begin_other_layout)
{
    struct mopt o = {.other_layout = 1};
    return begin_refused(c, &o, TT_ERR_OTA_MANIFEST, 4, why, whylen);
}

CASE(begin_chunk_not_power)
{
    struct mopt o = {.chunk = 96};
    return begin_refused(c, &o, TT_ERR_OTA_MANIFEST, 4, why, whylen);
}

CASE(begin_chunk_small)
{
    struct mopt o = {.chunk = 32};
    return begin_refused(c, &o, TT_ERR_OTA_MANIFEST, 4, why, whylen);
}

CASE(begin_chunk_large)
{
    struct mopt o = {.chunk = 2048};
    return begin_refused(c, &o, TT_ERR_OTA_MANIFEST, 4, why, whylen);
}

CASE(begin_size_zero)
{
    struct mopt o = {.size_set = 1, .size = 0};
    return begin_refused(c, &o, TT_ERR_OTA_SIZE, 6, why, whylen);
}

CASE(begin_size_huge)
{
    struct mopt o = {.size_set = 1, .size = 0xFFFFFFF0u};
    return begin_refused(c, &o, TT_ERR_OTA_SIZE, 6, why, whylen);
}

/* The first failing check is the one reported: each manifest fails two checks. */
CASE(begin_order)
{
    static const struct {
        struct mopt o;
        tt_err want;
        uint32_t check;
    } rows[] = {
        {{.format = 2, .other_key = 1}, TT_ERR_OTA_MANIFEST, 1},
        {{.other_key = 1, .other_device = 1}, TT_ERR_SIGNATURE, 2},
        {{.other_device = 1, .other_layout = 1}, TT_ERR_OTA_MANIFEST, 3},
        {{.chunk = 96, .size_set = 1, .size = 0}, TT_ERR_OTA_MANIFEST, 4},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum conf_result res = begin_refused(c, &rows[i].o, rows[i].want, rows[i].check, why,
                                             whylen);
        if (res != CONF_PASS)
            return res;
    }
    return CONF_PASS;
}

/* Every OTA request without the OTA permission, then the state read back. */
CASE(no_permission)
{
    static const pb_size_t tags[] = {
        tether_v1_Message_ota_status_tag,  tether_v1_Message_ota_verify_tag,
        tether_v1_Message_ota_install_tag, tether_v1_Message_ota_confirm_tag,
        tether_v1_Message_ota_rollback_tag, tether_v1_Message_ota_abort_tag};
    struct snap before, after;
    uint32_t resume, window;
    tether_v1_SignedManifest sm;
    struct mopt o = {0};
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    /* a transfer in progress, so that abort and chunks would change something */
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &before, why, whylen);
    if (res == CONF_PASS)
        res = sess_open(c, &B, TT_PERM_ALL & ~TT_PERM_OTA, why, whylen);
    for (size_t i = 0; res == CONF_PASS && i < sizeof tags / sizeof tags[0]; i++) {
        msg(&q, tags[i]);
        res = sess_expect(c, &B, &q, TT_ERR_PERMISSION, -1, why, whylen);
    }
    if (res == CONF_PASS) {
        msg(&q, tether_v1_Message_ota_begin_tag);
        q.body.ota_begin.has_manifest = true;
        q.body.ota_begin.manifest = sm;
        res = sess_expect(c, &B, &q, TT_ERR_PERMISSION, -1, why, whylen);
    }
    if (res == CONF_PASS)
        res = snap(c, &A, &after, why, whylen);
    if (res == CONF_PASS)
        res = same(&before, &after, "OTA requests without OTA", why, whylen);
    finish(c);
    return res;
}

/* ---- transfer ---------------------------------------------------------------------------- */

/* A new transfer: resume 0, the window, the status of [OTA-055], nothing stored. */
CASE(new_transfer)
{
    struct snap before, after;
    uint32_t resume = 1, window = 0;
    tether_v1_SignedManifest sm;
    struct mopt o = {.version = 0x7F0102};
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = snap(c, &A, &before, why, whylen);
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS && resume != 0) {
        WHY("a new transfer replied resume_offset %u, expected 0", (unsigned)resume);
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = snap(c, &A, &after, why, whylen);
    if (res == CONF_PASS) {
        uint8_t sha[32];
        crypto_hash_sha256(sha, img, IMG_SIZE);
        const tether_v1_OtaStatusReply *s = &after.st;
        if (s->state != tether_v1_OtaState_OTA_RECEIVING || s->received != 0 ||
            s->image_size != IMG_SIZE || memcmp(s->image_sha256, sha, 32) ||
            s->pending_version != o.version ||
            s->running_version != before.st.running_version ||
            s->security_counter != before.st.security_counter ||
            memcmp(after.measurement, before.measurement, 32)) {
            WHY("status after OtaBegin: %s received %u image_size %u pending 0x%x running 0x%x "
                "counter %u; expected RECEIVING 0 %u 0x%x, running, counter and measurement "
                "unchanged",
                state_name(s->state), (unsigned)s->received, (unsigned)s->image_size,
                (unsigned)s->pending_version, (unsigned)s->running_version,
                (unsigned)s->security_counter, IMG_SIZE, (unsigned)o.version);
            res = CONF_FAIL;
        }
    }
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort in RECEIVING",
                          why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &after, why, whylen);
    if (res == CONF_PASS && (after.st.state != tether_v1_OtaState_OTA_IDLE ||
                             after.st.image_size != 0 || after.st.pending_version != 0)) {
        WHY("after OtaAbort: %s image_size %u pending 0x%x, expected IDLE, 0, 0",
            state_name(after.st.state), (unsigned)after.st.image_size,
            (unsigned)after.st.pending_version);
        res = CONF_FAIL;
    }
    finish(c);
    return res;
}

/* Chunks within the window, acks that advance and agree with OtaStatus, a chunk out of
 * order reported in the selective bitmap. */
CASE(chunks_and_acks)
{
    struct snap s;
    uint32_t resume, window;
    tether_v1_SignedManifest sm;
    struct mopt o = {0};
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, img, IMG_SIZE, 0, 10, window, why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &s, why, whylen);
    if (res == CONF_PASS && s.st.received != 10 * CHUNK) {
        WHY("OtaStatus received %u after chunks 0..9 were acked, expected %u",
            (unsigned)s.st.received, 10 * CHUNK);
        res = CONF_FAIL;
    }
    /* chunk 12 before 10 and 11: bit 1 of the bitmap ([OTA-015]), cumulative unchanged;
     * chunk 0 again (stored) makes an ack due at once */
    if (res == CONF_PASS)
        res = chunk(c, &A, 12 * CHUNK, img + 12 * CHUNK, CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = chunk(c, &A, 0, img, CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = expect_ack(c, &A, 10 * CHUNK, 0x2, "chunk 12 alone and chunk 0 again", why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &s, why, whylen);
    if (res == CONF_PASS && s.st.received != 10 * CHUNK) {
        WHY("OtaStatus received %u with chunk 10 missing, expected %u", (unsigned)s.st.received,
            10 * CHUNK);
        res = CONF_FAIL;
    }
    finish(c);
    return res;
}

/* A stored chunk sent again with other bytes: ignored and acked, never rewritten (the
 * image still verifies). */
CASE(duplicate_chunk)
{
    static uint8_t changed[CHUNK];
    uint32_t resume, window;
    tether_v1_SignedManifest sm;
    struct mopt o = {0};
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, img, IMG_SIZE, 0, 4, window, why, whylen);
    memcpy(changed, img + CHUNK, CHUNK);
    changed[5] ^= 0xFF;
    if (res == CONF_PASS)
        res = chunk(c, &A, CHUNK, changed, CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = expect_ack(c, &A, 4 * CHUNK, 0, "a duplicate chunk", why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, img, IMG_SIZE, 4, NCHUNKS, window, why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_verify_tag, TT_OK,
                          "OtaVerify after a duplicate chunk with other bytes (was it rewritten?)",
                          why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_verify_tag, TT_OK,
                          "OtaVerify again in VERIFIED", why, whylen);
    finish(c);
    return res;
}

/* Chunks the device must refuse with an Error event naming the offset; nothing stored. */
CASE(chunk_checks)
{
    static const struct {
        uint32_t off, len;
    } bad[] = {
        {1, CHUNK},                 /* not a multiple of chunk_size */
        {NCHUNKS * CHUNK, CHUNK},   /* at or beyond image_size */
        {0xFFFFFFC0u, CHUNK},       /* far beyond, a multiple */
        {0, CHUNK - 1},             /* short */
        {0, CHUNK + 1},             /* long */
        {20 * CHUNK, CHUNK},        /* the last chunk at full length (it holds 37) */
        {20 * CHUNK, 36},
    };
    struct snap before, after;
    uint32_t resume, window;
    tether_v1_SignedManifest sm;
    static uint8_t data[CHUNK + 1];
    struct mopt o = {0};
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &before, why, whylen);
    for (size_t i = 0; res == CONF_PASS && i < sizeof bad / sizeof bad[0]; i++) {
        memset(data, 0xC3, sizeof data);
        res = chunk(c, &A, bad[i].off, data, bad[i].len, why, whylen);
        if (res == CONF_PASS)
            res = expect_error_event(c, &A, TT_ERR_OTA_CHUNK, bad[i].off, why, whylen);
    }
    if (res == CONF_PASS)
        res = snap(c, &A, &after, why, whylen);
    if (res == CONF_PASS)
        res = same(&before, &after, "refused chunks", why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_verify_tag, TT_ERR_STATE,
                          "OtaVerify with chunks missing", why, whylen);
    finish(c);
    return res;
}

/* Chunks from a session that is not the transfer session, and chunks with no transfer. */
CASE(chunk_wrong_session)
{
    struct snap before, after;
    uint32_t resume, window;
    tether_v1_SignedManifest sm;
    struct conf_key saved;
    struct mopt o = {0};
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &before, why, whylen);
    conf_new_key(c, &saved);
    if (res == CONF_PASS)
        res = sess_open(c, &B, 0, why, whylen);
    conf_restore_key(c, &saved);
    if (res == CONF_PASS)
        res = chunk(c, &B, 0, img, CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = expect_error_event(c, &B, TT_ERR_STATE, 0, why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &after, why, whylen);
    if (res == CONF_PASS)
        res = same(&before, &after, "a chunk from another session", why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort", why, whylen);
    if (res == CONF_PASS)
        res = chunk(c, &A, 0, img, CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = expect_error_event(c, &A, TT_ERR_STATE, 0, why, whylen);
    finish(c);
    return res;
}

/* A transfer begun by one client, left with a gap, resumed by another ([OTA-031]) from
 * what is stored: resume_offset, then an ack reporting the chunk past the gap. */
CASE(resume_other_session)
{
    struct snap s;
    uint32_t resume, window;
    tether_v1_SignedManifest sm;
    struct conf_key saved;
    struct mopt o = {0};
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, img, IMG_SIZE, 0, 6, window, why, whylen);
    if (res == CONF_PASS)
        res = chunk(c, &A, 7 * CHUNK, img + 7 * CHUNK, CHUNK, why, whylen);
    if (res == CONF_PASS) /* a stored chunk again: the ack is due at once ([OTA-015]) */
        res = chunk(c, &A, 0, img, CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = expect_ack(c, &A, 6 * CHUNK, 0x1, "chunk 7 past the gap at 6", why, whylen);
    sess_close(&A); /* the transfer session ends ([OTA-030]: the transfer stays) */
    conf_new_key(c, &saved);
    if (res == CONF_PASS)
        res = sess_open(c, &B, TT_PERM_OTA, why, whylen);
    if (res == CONF_PASS) /* [OTA-031] no chunks before an OtaBegin names the session */
        res = chunk(c, &B, 6 * CHUNK, img + 6 * CHUNK, CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = expect_error_event(c, &B, TT_ERR_STATE, 6 * CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = begin(c, &B, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS && resume != 6 * CHUNK) {
        WHY("resume_offset %u, expected %u (chunks 0..5 stored)", (unsigned)resume, 6 * CHUNK);
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = expect_ack(c, &B, 6 * CHUNK, 0x1, "the resume", why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &B, img, IMG_SIZE, 6, 7, window, why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &B, img, IMG_SIZE, 8, NCHUNKS, window, why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &B, &s, why, whylen);
    if (res == CONF_PASS && s.st.received != IMG_SIZE) {
        WHY("received %u after every chunk, expected %u", (unsigned)s.st.received, IMG_SIZE);
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = call_expect(c, &B, tether_v1_Message_ota_verify_tag, TT_OK, "OtaVerify", why,
                          whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &B, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort in VERIFIED",
                          why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &B, &s, why, whylen);
    if (res == CONF_PASS && s.st.state != tether_v1_OtaState_OTA_IDLE) {
        WHY("after OtaAbort in VERIFIED: %s, expected IDLE", state_name(s.st.state));
        res = CONF_FAIL;
    }
    conf_restore_key(c, &saved);
    finish(c);
    return res;
}

/* Another manifest during a transfer discards it: resume 0, the new image's status, and
 * the first manifest starts from 0 again. */
CASE(begin_other_discards)
{
    struct snap s;
    uint32_t resume, window;
    tether_v1_SignedManifest m1, m2;
    struct mopt o1 = {0}, o2 = {.image = img2, .version = 0x7F0003};
    uint8_t sha2[32];
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && (sign(c, &o1, &m1) != TT_OK || sign(c, &o2, &m2) != TT_OK))
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = begin(c, &A, &m1, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, img, IMG_SIZE, 0, 3, window, why, whylen);
    if (res == CONF_PASS)
        res = begin(c, &A, &m2, &resume, &window, why, whylen);
    if (res == CONF_PASS && resume != 0) {
        WHY("another manifest replied resume_offset %u, expected 0", (unsigned)resume);
        res = CONF_FAIL;
    }
    crypto_hash_sha256(sha2, img2, IMG_SIZE);
    if (res == CONF_PASS)
        res = snap(c, &A, &s, why, whylen);
    if (res == CONF_PASS && (s.st.received != 0 || memcmp(s.st.image_sha256, sha2, 32) ||
                             s.st.pending_version != o2.version)) {
        WHY("status after another manifest: received %u, pending 0x%x, image hash %s",
            (unsigned)s.st.received, (unsigned)s.st.pending_version,
            memcmp(s.st.image_sha256, sha2, 32) ? "not the new one" : "the new one");
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = begin(c, &A, &m1, &resume, &window, why, whylen);
    if (res == CONF_PASS && resume != 0) {
        WHY("the first manifest again: resume_offset %u, expected 0 (it was discarded)",
            (unsigned)resume);
        res = CONF_FAIL;
    }
    finish(c);
    return res;
}

/* Every chunk of an image whose manifest names another hash: OtaVerify fails and the
 * transfer is gone. */
CASE(verify_bad_hash)
{
    struct snap s;
    uint32_t resume, window;
    tether_v1_SignedManifest sm;
    struct mopt o = {.wrong_hash = 1};
    if (!ready(c, why, whylen))
        return CONF_NA;
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, img, IMG_SIZE, 0, NCHUNKS, window, why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_verify_tag, TT_ERR_OTA_HASH,
                          "OtaVerify of an image that is not the manifest's", why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &s, why, whylen);
    if (res == CONF_PASS && (s.st.state != tether_v1_OtaState_OTA_IDLE || s.st.received != 0)) {
        WHY("after a failed verify: %s received %u, expected IDLE and 0", state_name(s.st.state),
            (unsigned)s.st.received);
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_install_tag, TT_ERR_STATE,
                          "OtaInstall after a failed verify", why, whylen);
    finish(c);
    return res;
}

/* The state table's refusals, each read back: no transfer, RECEIVING, VERIFIED. */
CASE(state_errors)
{
    uint32_t resume, window;
    tether_v1_SignedManifest sm;
    struct snap s;
    struct mopt o = {0};
    tt_err rollback = TT_ERR_STATE;
    if (!ready(c, why, whylen))
        return CONF_NA;
    if (!is_ab(c))
        rollback = TT_ERR_MSG_UNSUPPORTED; /* [OTA-053] SINGLE */
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &s, why, whylen);
    /* no transfer: IDLE (a confirmed or rolled-back device answers confirm / rollback
     * otherwise, and rolling back would change it) */
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_verify_tag, TT_ERR_STATE,
                          "OtaVerify with no transfer", why, whylen);
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_install_tag, TT_ERR_STATE,
                          "OtaInstall with no transfer", why, whylen);
    if (res == CONF_PASS && s.st.state == tether_v1_OtaState_OTA_IDLE)
        res = refused_tag(c, &A, tether_v1_Message_ota_confirm_tag, TT_ERR_STATE,
                          "OtaConfirm in IDLE", why, whylen);
    if (res == CONF_PASS && s.st.state == tether_v1_OtaState_OTA_IDLE)
        res = refused_tag(c, &A, tether_v1_Message_ota_rollback_tag, rollback,
                          "OtaRollback in IDLE", why, whylen);
    if (res == CONF_PASS && sign(c, &o, &sm) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, img, IMG_SIZE, 0, 2, window, why, whylen);
    /* RECEIVING */
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_verify_tag, TT_ERR_STATE,
                          "OtaVerify with chunks missing", why, whylen);
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_install_tag, TT_ERR_STATE,
                          "OtaInstall in RECEIVING", why, whylen);
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_confirm_tag, TT_ERR_STATE,
                          "OtaConfirm in RECEIVING", why, whylen);
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_rollback_tag, rollback,
                          "OtaRollback in RECEIVING", why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, img, IMG_SIZE, 2, NCHUNKS, window, why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_verify_tag, TT_OK, "OtaVerify", why,
                          whylen);
    /* VERIFIED */
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_confirm_tag, TT_ERR_STATE,
                          "OtaConfirm in VERIFIED", why, whylen);
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_rollback_tag, rollback,
                          "OtaRollback in VERIFIED", why, whylen);
    if (res == CONF_PASS)
        res = chunk(c, &A, 0, img, CHUNK, why, whylen);
    if (res == CONF_PASS)
        res = expect_error_event(c, &A, TT_ERR_STATE, 0, why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort in VERIFIED",
                          why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &s, why, whylen);
    if (res == CONF_PASS && s.st.state != tether_v1_OtaState_OTA_IDLE) {
        WHY("after OtaAbort in VERIFIED: %s, expected IDLE", state_name(s.st.state));
        res = CONF_FAIL;
    }
    if (res == CONF_PASS) /* [OTA-054] in IDLE: Ack, nothing changes */
        res = call_expect(c, &A, tether_v1_Message_ota_abort_tag, TT_OK, "OtaAbort in IDLE", why,
                          whylen);
    finish(c);
    return res;
}

/* ---- install, roll back, confirm: the device changes for good (last case) -------------- */

/* The vendor's image with a marker appended, so that its measurement is new. */
static uint32_t marked_image(struct conf *c, uint8_t *out, size_t cap, int n)
{
    size_t len = c->ota_image_len;
    if (len + 48 > cap)
        return 0;
    memcpy(out, c->ota_image, len);
    memset(out + len, 0, 48);
    snprintf((char *)out + len, 48, MARKER " %d", n);
    return (uint32_t)(len + 48);
}

/* Begin, every chunk, verify, install; the status then PENDING with the counter as it
 * was ([OTA-040]) and the new measurement ([OTA-070]). */
static enum conf_result install(struct conf *c, const uint8_t *im, uint32_t size, uint32_t version,
                                uint32_t counter, uint32_t counter_before, char *why,
                                size_t whylen)
{
    struct mopt o = {.image = im, .size_set = 1, .size = size, .version = version,
                     .counter = counter};
    tether_v1_SignedManifest sm;
    uint32_t resume, window;
    struct snap s;
    uint8_t sha[32];
    if (sign(c, &o, &sm) != TT_OK) {
        WHY("the suite could not sign the image's manifest");
        return CONF_FAIL;
    }
    enum conf_result res = begin(c, &A, &sm, &resume, &window, why, whylen);
    if (res == CONF_PASS)
        res = send_range(c, &A, im, size, 0, tt_ota_chunk_count(size, CHUNK), window, why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_verify_tag, TT_OK, "OtaVerify", why,
                          whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_install_tag, TT_OK, "OtaInstall", why,
                          whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &s, why, whylen);
    crypto_hash_sha256(sha, im, size);
    if (res == CONF_PASS && (s.st.state != tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM ||
                             s.st.security_counter != counter_before ||
                             memcmp(s.measurement, sha, 32))) {
        WHY("after OtaInstall: %s, counter %u (was %u: raised only at confirm), measurement "
            "%s; expected INSTALLED_PENDING_CONFIRM and the new image's measurement",
            state_name(s.st.state), (unsigned)s.st.security_counter, (unsigned)counter_before,
            memcmp(s.measurement, sha, 32) ? "not the new image's" : "the new image's");
        res = CONF_FAIL;
    }
    return res;
}

CASE(install_rollback_confirm)
{
    static uint8_t im[0x200000];
    static tether_v1_Message m;
    struct snap s0, s;
    tether_v1_SignedManifest sm;
    if (!ready(c, why, whylen))
        return CONF_NA;
    if (!c->ota_image) {
        WHY("no image that runs on the device given (--ota-image)");
        return CONF_NA;
    }
    enum conf_result res = start(c, why, whylen);
    if (res == CONF_PASS)
        res = snap(c, &A, &s0, why, whylen);
    uint32_t k = s0.st.security_counter, size = marked_image(c, im, sizeof im, 1);
    if (res == CONF_PASS && size == 0) {
        WHY("--ota-image is too large for the suite (%zu bytes)", c->ota_image_len);
        res = CONF_FAIL;
    }
    /* 1: a test image, same counter; begin and abort refused while it is pending */
    if (res == CONF_PASS)
        res = install(c, im, size, 0x7F0101, k, k, why, whylen);
    if (res == CONF_PASS) {
        struct mopt o = {0};
        msg(&m, tether_v1_Message_ota_begin_tag);
        m.body.ota_begin.has_manifest = true;
        if (sign(c, &o, &m.body.ota_begin.manifest) != TT_OK)
            res = CONF_FAIL;
        else
            res = refused(c, &A, &m, TT_ERR_STATE, 7, "OtaBegin while an image is pending", why,
                          whylen);
    }
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_abort_tag, TT_ERR_STATE,
                          "OtaAbort while an image is pending", why, whylen);
    if (res == CONF_PASS)
        res = refused_tag(c, &A, tether_v1_Message_ota_install_tag, TT_ERR_STATE,
                          "OtaInstall while an image is pending", why, whylen);
    /* AB: roll back to the image found; SINGLE: nothing to return to */
    if (res == CONF_PASS && is_ab(c)) {
        res = call_expect(c, &A, tether_v1_Message_ota_rollback_tag, TT_OK,
                          "OtaRollback of a pending image", why, whylen);
        if (res == CONF_PASS)
            res = snap(c, &A, &s, why, whylen);
        if (res == CONF_PASS && (s.st.state != tether_v1_OtaState_OTA_ROLLED_BACK ||
                                 memcmp(s.measurement, s0.measurement, 32) ||
                                 s.st.running_version != s0.st.running_version ||
                                 s.st.security_counter != k)) {
            WHY("after OtaRollback: %s, running 0x%x, counter %u, measurement %s; expected "
                "ROLLED_BACK and the image found",
                state_name(s.st.state), (unsigned)s.st.running_version,
                (unsigned)s.st.security_counter,
                memcmp(s.measurement, s0.measurement, 32) ? "not the one found" : "as found");
            res = CONF_FAIL;
        }
    } else if (res == CONF_PASS) {
        res = refused_tag(c, &A, tether_v1_Message_ota_rollback_tag, TT_ERR_MSG_UNSUPPORTED,
                          "OtaRollback in SINGLE", why, whylen);
    }
    /* 2: the counter raised to k + 1 at confirmation, not before */
    size = marked_image(c, im, sizeof im, 2);
    if (res == CONF_PASS && is_ab(c))
        res = install(c, im, size, 0x7F0202, k + 1, k, why, whylen);
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_confirm_tag, TT_OK, "OtaConfirm", why,
                          whylen);
    uint32_t want = is_ab(c) ? k + 1 : k, version = is_ab(c) ? 0x7F0202 : 0x7F0101;
    if (res == CONF_PASS)
        res = snap(c, &A, &s, why, whylen);
    if (res == CONF_PASS && (s.st.state != tether_v1_OtaState_OTA_CONFIRMED ||
                             s.st.security_counter != want || s.st.running_version != version)) {
        WHY("after OtaConfirm: %s, counter %u, running 0x%x; expected CONFIRMED, %u, 0x%x",
            state_name(s.st.state), (unsigned)s.st.security_counter,
            (unsigned)s.st.running_version, (unsigned)want, (unsigned)version);
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = call_expect(c, &A, tether_v1_Message_ota_confirm_tag, TT_OK,
                          "OtaConfirm again in CONFIRMED", why, whylen);
    /* check 5 of [OTA-010]: a manifest below the raised counter */
    if (res == CONF_PASS && want > 0) {
        struct mopt o = {.counter = want - 1};
        msg(&m, tether_v1_Message_ota_begin_tag);
        m.body.ota_begin.has_manifest = true;
        if (sign(c, &o, &sm) != TT_OK)
            res = CONF_FAIL;
        m.body.ota_begin.manifest = sm;
        if (res == CONF_PASS)
            res = refused(c, &A, &m, TT_ERR_OTA_ROLLBACK, 5,
                          "OtaBegin below the security counter", why, whylen);
    }
    /* [OTA-053]: the image found has a lower counter than the one now persisted */
    if (res == CONF_PASS && is_ab(c) && want > k)
        res = refused_tag(c, &A, tether_v1_Message_ota_rollback_tag, TT_ERR_OTA_ROLLBACK,
                          "OtaRollback to an image below the security counter", why, whylen);
    finish(c);
    return res;
}

const struct conf_case conf_ota_cases[] = {
    {"[OTA-010] [OTA-020]", "OtaBegin check 1: manifest format 2 (ota-manifest, detail 1), nothing changes", begin_format},
    {"[OTA-010] [OTA-021]", "OtaBegin check 2: manifest signed by another key (signature, detail 2)", begin_other_key},
    {"[OTA-010] [OTA-021]", "OtaBegin check 2: one signature bit flipped (signature, detail 2)", begin_flipped_signature},
    {"[OTA-010] [OTA-023]", "OtaBegin check 3: manifest for another device (ota-manifest, detail 3)", begin_other_device},
    {"[OTA-010] [OTA-023]", "OtaBegin check 3: manifest for a group the device is not in (detail 3)", begin_other_group},
    {"[OTA-010] [OTA-080]", "OtaBegin check 4: the other slot layout (ota-manifest, detail 4)", begin_other_layout},
    {"[OTA-010] [OTA-022]", "OtaBegin check 4: chunk_size 96, not a power of two (detail 4)", begin_chunk_not_power},
    {"[OTA-010] [OTA-022]", "OtaBegin check 4: chunk_size 32, below 64 (detail 4)", begin_chunk_small},
    {"[OTA-010] [OTA-022]", "OtaBegin check 4: chunk_size 2048, above 1024 (detail 4)", begin_chunk_large},
    {"[OTA-010]", "OtaBegin check 6: image_size 0 (ota-size, detail 6)", begin_size_zero},
    {"[OTA-010]", "OtaBegin check 6: image_size 0xFFFFFFF0, beyond any slot (ota-size, detail 6)", begin_size_huge},
    {"[OTA-010]", "OtaBegin checks run in order: two failures, the first reported", begin_order},
    {"[GRT-040] [SEC-9]", "every OTA request without OTA: permission, the transfer unchanged", no_permission},
    {"[OTA-011] [OTA-055]", "new transfer: resume 0, window within ota_window, status RECEIVING; abort to IDLE", new_transfer},
    {"[OTA-012] [OTA-015] [OTA-016]", "chunks within the window: acks advance, agree with OtaStatus, bitmap for a chunk out of order", chunks_and_acks},
    {"[OTA-014] [OTA-015] [OTA-024]", "a stored chunk sent again with other bytes: acked, not rewritten (the image verifies)", duplicate_chunk},
    {"[OTA-013]", "chunks off a boundary, past the end, of the wrong length: ota-chunk events with the offset, nothing stored", chunk_checks},
    {"[OTA-013] [OTA-031]", "chunks from a session that is not the transfer session, and with no transfer: state", chunk_wrong_session},
    {"[OTA-011] [OTA-030] [OTA-031] [OTA-091]", "resume from another client's session: resume_offset, the ack of stored chunks, no chunks before OtaBegin", resume_other_session},
    {"[OTA-011]", "another manifest during a transfer discards it (resume 0 for both)", begin_other_discards},
    {"[OTA-024]", "OtaVerify of an image that is not the manifest's: ota-hash, transfer discarded", verify_bad_hash},
    {"[OTA-024] [OTA-050] [OTA-052] [OTA-053] [OTA-054]", "verify/install/confirm/rollback/abort in the wrong state: state, nothing changes", state_errors},
    {"[OTA-050] [OTA-052] [OTA-053] [OTA-040] [OTA-041] [OTA-010] [OTA-070] [SEC-19]", "install, roll back, install and confirm: the counter raised only at confirmation, a manifest below it refused ota-rollback (changes the device: last)", install_rollback_confirm},
};
const size_t conf_ota_ncases = sizeof conf_ota_cases / sizeof conf_ota_cases[0];
