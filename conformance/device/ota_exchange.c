/* ota_exchange.c — the steps the OTA cases are made of (ota_exchange.h): the suite's
 * manifests, signed with the firmware key the device trusts (tether-conform --firmware) over
 * random images that are never installed; OtaBegin; the chunk stream within the granted
 * window and its acks; requests and their refusals, each read back through OtaStatus and the
 * app measurement of Capabilities. Every step does nothing once a step before it failed. */
#include <stdarg.h>
#include <sodium.h>

#include "ota_exchange.h"
#include "tether/ota_manifest.h"
#include "tether/signed_body.h"
#include "tether/wire.h"

/* Static: a session holds the client's buffers, too large for the stack of every case. */
static struct sess A, B;
static tether_v1_Message q, r, ev;
static uint8_t img[IMG_SIZE], img2[IMG_SIZE];

int conf_ota_ready(struct conf *c, char *why, size_t whylen)
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

int conf_ota_is_ab(const struct conf *c)
{
    return (c->capabilities & tether_v1_Capability_CAP_OTA_AB) != 0;
}

const char *conf_ota_state_name(uint32_t s)
{
    static const char *const names[] = {
        "IDLE", "RECEIVING", "VERIFIED", "INSTALLED_PENDING_CONFIRM", "CONFIRMED", "ROLLED_BACK"};
    return s < 6 ? names[s] : "?";
}

void conf_ota_fail(struct conf_ota_run *t, const char *fmt, ...)
{
    if (t->res != CONF_PASS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->why, t->whylen, fmt, ap);
    va_end(ap);
    t->res = CONF_FAIL;
}

/* The session whose link a stream message goes out on: the helpers of exchange.c hand the
 * one link to the session they use, so a wait of 1 ms that collects nothing does. */
static void use(struct sess *s)
{
    static tether_v1_Message none;
    (void)sess_wait(s, 0x7FFFFFFFu, &none, -1);
}

void conf_ota_call(struct conf_ota_run *t, struct sess *s, pb_size_t tag, tt_err want,
                   const char *what)
{
    if (t->res != CONF_PASS)
        return;
    msg(&q, tag);
    tt_err e = sess_call(t->c, s, &q, &r);
    if (e != want || (want == TT_OK && r.which_body != tether_v1_Message_ack_tag))
        conf_ota_fail(t, "%s: %s, expected %s", what, tt_err_name(e),
                      want == TT_OK ? "Ack" : tt_err_name(want));
}

enum conf_result conf_ota_open(struct conf_ota_run *t, struct conf *c, char *why, size_t whylen)
{
    memset(t, 0, sizeof *t);
    t->c = c;
    t->why = why;
    t->whylen = whylen;
    t->a = &A;
    t->b = &B;
    t->img = img;
    t->img2 = img2;
    t->res = CONF_PASS;
    if (!conf_ota_ready(c, why, whylen))
        return CONF_NA;
    static int made;
    if (!made) {
        randombytes_buf(img, sizeof img);
        randombytes_buf(img2, sizeof img2);
        made = 1;
    }
    t->res = sess_open(c, &A, 0, why, whylen);
    if (t->res == CONF_PASS) {
        msg(&q, tether_v1_Message_ota_abort_tag);
        tt_err e = sess_call(c, &A, &q, &r);
        if (e != TT_OK)
            conf_ota_fail(t, "OtaAbort to start from no transfer: %s", tt_err_name(e));
    }
    return t->res;
}

enum conf_result conf_ota_open_transfer(struct conf_ota_run *t, struct conf *c,
                                        const struct conf_ota_mopt *o, char *why, size_t whylen)
{
    static const struct conf_ota_mopt valid;
    if (conf_ota_open(t, c, why, whylen) == CONF_NA)
        return CONF_NA;
    conf_ota_begin_new(t, t->a, o ? o : &valid);
    return t->res;
}

enum conf_result conf_ota_close(struct conf_ota_run *t)
{
    if (A.open) {
        msg(&q, tether_v1_Message_ota_abort_tag);
        (void)sess_call(t->c, &A, &q, &r);
    }
    sess_close(&A);
    sess_close(&B);
    return t->res;
}

void conf_ota_session(struct conf_ota_run *t, struct sess *s, uint32_t perms)
{
    if (t->res == CONF_PASS)
        t->res = sess_open(t->c, s, perms, t->why, t->whylen);
}

/* ---- manifests --------------------------------------------------------------------------- */

void conf_ota_sign(struct conf_ota_run *t, const struct conf_ota_mopt *o,
                   tether_v1_SignedManifest *sm)
{
    struct conf *c = t->c;
    tether_v1_Manifest m;
    uint8_t other[32];
    size_t n;
    if (t->res != CONF_PASS)
        return;
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
    int ab = conf_ota_is_ab(c) != (o->other_layout != 0);
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
    if (e != TT_OK)
        conf_ota_fail(t, "the suite could not sign its manifest: %s", tt_err_name(e));
}

void conf_ota_begin(struct conf_ota_run *t, struct sess *s, const tether_v1_SignedManifest *sm)
{
    if (t->res != CONF_PASS)
        return;
    msg(&q, tether_v1_Message_ota_begin_tag);
    q.body.ota_begin.has_manifest = true;
    q.body.ota_begin.manifest = *sm;
    tt_err e = sess_call(t->c, s, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_ota_begin_reply_tag) {
        conf_ota_fail(t, "OtaBegin of a valid manifest: %s, expected OtaBeginReply",
                      tt_err_name(e));
        return;
    }
    t->resume = r.body.ota_begin_reply.resume_offset;
    t->window = r.body.ota_begin_reply.window_chunks;
    conf_trace(t->c, "  begin reply: resume_offset %u window_chunks %u", (unsigned)t->resume,
               (unsigned)t->window);
    if (t->window < 1 || t->window > t->c->limits.ota_window)
        conf_ota_fail(t, "window_chunks %u outside 1..Limits.ota_window (%u)", (unsigned)t->window,
                      (unsigned)t->c->limits.ota_window);
}

void conf_ota_begin_new(struct conf_ota_run *t, struct sess *s, const struct conf_ota_mopt *o)
{
    conf_ota_sign(t, o, &t->sm);
    conf_ota_begin(t, s, &t->sm);
}

void conf_ota_begin_refused(struct conf_ota_run *t, struct sess *s, const struct conf_ota_mopt *o,
                            tt_err want, uint32_t detail, const char *what)
{
    static tether_v1_Message m;
    msg(&m, tether_v1_Message_ota_begin_tag);
    m.body.ota_begin.has_manifest = true;
    conf_ota_sign(t, o, &m.body.ota_begin.manifest);
    conf_ota_refused(t, s, &m, want, detail, what);
}

/* ---- status and refusals ----------------------------------------------------------------- */

void conf_ota_status(struct conf_ota_run *t, struct sess *s, struct conf_ota_snap *o)
{
    if (t->res != CONF_PASS)
        return;
    msg(&q, tether_v1_Message_ota_status_tag);
    tt_err e = sess_call(t->c, s, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_ota_status_reply_tag) {
        conf_ota_fail(t, "OtaStatus: no OtaStatusReply (%s)", tt_err_name(e));
        return;
    }
    o->st = r.body.ota_status_reply;
    conf_trace(t->c,
               "  status %s received %u image_size %u running 0x%06x pending 0x%06x counter %u",
               conf_ota_state_name(o->st.state), (unsigned)o->st.received,
               (unsigned)o->st.image_size, (unsigned)o->st.running_version,
               (unsigned)o->st.pending_version, (unsigned)o->st.security_counter);
    msg(&q, tether_v1_Message_get_capabilities_tag);
    e = sess_call(t->c, s, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_capabilities_tag) {
        conf_ota_fail(t, "GetCapabilities: no Capabilities (%s)", tt_err_name(e));
        return;
    }
    memcpy(o->measurement, r.body.capabilities.app_measurement, 32);
}

void conf_ota_status_unchanged(struct conf_ota_run *t, const struct conf_ota_snap *a,
                               const struct conf_ota_snap *b, const char *after)
{
    if (t->res != CONF_PASS ||
        (memcmp(&a->st, &b->st, sizeof a->st) == 0 && !memcmp(a->measurement, b->measurement, 32)))
        return;
    conf_ota_fail(t,
                  "after %s the device changed: state %s -> %s, received %u -> %u, counter %u -> "
                  "%u, pending 0x%x -> 0x%x, measurement %s",
                  after, conf_ota_state_name(a->st.state), conf_ota_state_name(b->st.state),
                  (unsigned)a->st.received, (unsigned)b->st.received,
                  (unsigned)a->st.security_counter, (unsigned)b->st.security_counter,
                  (unsigned)a->st.pending_version, (unsigned)b->st.pending_version,
                  memcmp(a->measurement, b->measurement, 32) ? "changed" : "same");
}

void conf_ota_expect_state(struct conf_ota_run *t, struct sess *s, uint32_t state,
                           const char *after)
{
    struct conf_ota_snap sn;
    conf_ota_status(t, s, &sn);
    if (t->res == CONF_PASS && sn.st.state != state)
        conf_ota_fail(t, "after %s: %s, expected %s", after, conf_ota_state_name(sn.st.state),
                      conf_ota_state_name(state));
}

void conf_ota_expect_received(struct conf_ota_run *t, struct sess *s, uint32_t n, const char *when)
{
    struct conf_ota_snap sn;
    conf_ota_status(t, s, &sn);
    if (t->res == CONF_PASS && sn.st.received != n)
        conf_ota_fail(t, "OtaStatus received %u %s, expected %u", (unsigned)sn.st.received, when,
                      (unsigned)n);
}

void conf_ota_expect_error(struct conf_ota_run *t, struct sess *s, tether_v1_Message *req,
                           tt_err want, long detail)
{
    if (t->res == CONF_PASS)
        t->res = sess_expect(t->c, s, req, want, detail, t->why, t->whylen);
}

void conf_ota_refused(struct conf_ota_run *t, struct sess *s, const tether_v1_Message *req,
                      tt_err want, long detail, const char *what)
{
    static tether_v1_Message keep; /* sess_expect assigns its request_id */
    struct conf_ota_snap before, after;
    keep = *req;
    conf_ota_status(t, s, &before);
    conf_ota_expect_error(t, s, &keep, want, detail);
    conf_ota_status(t, s, &after);
    conf_ota_status_unchanged(t, &before, &after, what);
}

void conf_ota_refused_tag(struct conf_ota_run *t, struct sess *s, pb_size_t tag, tt_err want,
                          const char *what)
{
    static tether_v1_Message m;
    msg(&m, tag);
    conf_ota_refused(t, s, &m, want, -1, what);
}

/* ---- the chunk stream -------------------------------------------------------------------- */

void conf_ota_chunk(struct conf_ota_run *t, struct sess *s, uint32_t off, const uint8_t *buf,
                    uint32_t len)
{
    if (t->res != CONF_PASS)
        return;
    msg(&q, tether_v1_Message_ota_chunk_tag);
    q.body.ota_chunk.offset = off;
    q.body.ota_chunk.data.size = (pb_size_t)len;
    memcpy(q.body.ota_chunk.data.bytes, buf, len);
    use(s);
    tt_err e = tt_client_send_stream(&s->cl, &q, CONF_REPLY_MS);
    conf_trace(t->c, "sent ota_chunk offset %u, %u bytes: %s", (unsigned)off, (unsigned)len,
               tt_err_name(e));
    if (e != TT_OK)
        conf_ota_fail(t, "could not send the chunk at %u: %s", (unsigned)off, tt_err_name(e));
}

/* The next OtaChunkAck (other events skipped). An Error event instead is a failure. */
static void next_ack(struct conf_ota_run *t, struct sess *s, tether_v1_OtaChunkAck *a)
{
    while (t->res == CONF_PASS) {
        tt_err e = sess_event(t->c, s, &ev, CONF_EVENT_MS);
        if (e != TT_OK) {
            conf_ota_fail(t, "no OtaChunkAck came ([OTA-015]): %s", tt_err_name(e));
        } else if (ev.which_body == tether_v1_Message_ota_chunk_ack_tag) {
            *a = ev.body.ota_chunk_ack;
            conf_trace(t->c, "  ack: cumulative_offset %u bitmap 0x%llx",
                       (unsigned)a->cumulative_offset, (unsigned long long)a->selective_bitmap);
            return;
        } else if (ev.which_body == tether_v1_Message_error_tag) {
            conf_ota_fail(t, "Error event %s (detail %u) where an OtaChunkAck was due",
                          tt_err_name((tt_err)ev.body.error.code), (unsigned)ev.body.error.detail);
        }
    }
}

/* Acks with cum and fewer bits are earlier ones (the 500 ms rule) still on their way. */
void conf_ota_expect_ack(struct conf_ota_run *t, struct sess *s, uint32_t cum, uint64_t bitmap,
                         const char *after)
{
    tether_v1_OtaChunkAck a;
    for (;;) {
        next_ack(t, s, &a);
        if (t->res != CONF_PASS)
            return;
        if (a.cumulative_offset == cum && a.selective_bitmap == bitmap)
            return;
        if (a.cumulative_offset != cum || (a.selective_bitmap & ~bitmap) != 0) {
            conf_ota_fail(t, "after %s: ack cumulative %u bitmap 0x%llx, expected %u and 0x%llx",
                          after, (unsigned)a.cumulative_offset,
                          (unsigned long long)a.selective_bitmap, (unsigned)cum,
                          (unsigned long long)bitmap);
            return;
        }
    }
}

void conf_ota_expect_error_event(struct conf_ota_run *t, struct sess *s, tt_err want,
                                 uint32_t detail)
{
    while (t->res == CONF_PASS) {
        tt_err e = sess_event(t->c, s, &ev, CONF_EVENT_MS);
        if (e != TT_OK) {
            conf_ota_fail(t, "no Error event %s came: %s", tt_err_name(want), tt_err_name(e));
            return;
        }
        if (ev.which_body != tether_v1_Message_error_tag)
            continue; /* an ack of earlier chunks */
        if (ev.request_id != 0 || ev.body.error.code != (uint32_t)want ||
            ev.body.error.detail != detail)
            conf_ota_fail(t, "Error #%u %s detail %u, expected event %s detail %u",
                          (unsigned)ev.request_id, tt_err_name((tt_err)ev.body.error.code),
                          (unsigned)ev.body.error.detail, tt_err_name(want), (unsigned)detail);
        return;
    }
}

/* Reads what has already come (acks of earlier chunks, due by the window rule or the
 * 500 ms rule of [OTA-015]), so that the next ack read is one a later step caused. An
 * Error event among them is a failure: no chunk sent so far was to be refused. */
static void drain(struct conf_ota_run *t, struct sess *s)
{
    while (t->res == CONF_PASS && sess_event(t->c, s, &ev, 0) == TT_OK) {
        if (ev.which_body == tether_v1_Message_error_tag)
            conf_ota_fail(t, "Error event %s (detail %u) about a chunk that is valid",
                          tt_err_name((tt_err)ev.body.error.code), (unsigned)ev.body.error.detail);
    }
}

/* OtaStatus until received >= end: the device takes the chunks sent before in order, so
 * one round trip normally shows them; a device that writes later gets more (a hang guard,
 * not a deadline). [OTA-016]: what it reports is persisted. */
static void wait_stored(struct conf_ota_run *t, struct sess *s, uint32_t end)
{
    struct conf_ota_snap sn;
    memset(&sn, 0, sizeof sn);
    for (int tries = 0; tries < 50 && t->res == CONF_PASS; tries++) {
        conf_ota_status(t, s, &sn);
        if (t->res == CONF_PASS && sn.st.received >= end) {
            drain(t, s);
            return;
        }
    }
    conf_ota_fail(t,
                  "OtaStatus received %u after 50 reads, expected at least %u (every chunk "
                  "below sent)",
                  (unsigned)sn.st.received, (unsigned)end);
}

/* In order within the window ([OTA-012]: never at or beyond cumulative + window). With the
 * window full, an ack must come: the chunks in flight advance the cumulative offset by
 * window_chunks, at least max(1, window_chunks / 2) ([OTA-015]); acks must name chunk
 * boundaries and never go backwards. */
void conf_ota_send(struct conf_ota_run *t, struct sess *s, const uint8_t *buf, uint32_t size,
                   uint32_t from, uint32_t to)
{
    tether_v1_OtaChunkAck a;
    uint32_t cum = from, next = from, best = 0;
    while (t->res == CONF_PASS) {
        while (next < to && next < cum + t->window && t->res == CONF_PASS) {
            conf_ota_chunk(t, s, next * CHUNK, buf + next * CHUNK,
                           tt_ota_chunk_len(size, CHUNK, next));
            next++;
        }
        if (next == to)
            break;
        next_ack(t, s, &a);
        if (t->res != CONF_PASS)
            return;
        if (a.cumulative_offset > size ||
            (a.cumulative_offset % CHUNK && a.cumulative_offset != size)) {
            conf_ota_fail(t, "ack cumulative_offset %u is not a chunk boundary",
                          (unsigned)a.cumulative_offset);
            return;
        }
        uint32_t k = a.cumulative_offset == size ? tt_ota_chunk_count(size, CHUNK)
                                                 : a.cumulative_offset / CHUNK;
        if (k < best) {
            conf_ota_fail(t, "ack cumulative_offset %u went backwards",
                          (unsigned)a.cumulative_offset);
            return;
        }
        best = k;
        if (k > cum)
            cum = k; /* past chunks stored before this range too */
    }
    if (t->res == CONF_PASS)
        wait_stored(t, s, to * CHUNK < size ? to * CHUNK : size);
}
