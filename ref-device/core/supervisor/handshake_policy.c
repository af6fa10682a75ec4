/* handshake_policy.c — the device's judgement of an initiation, in the order of [HS-012]:
 *
 *   1 length, sender_id ≠ 0 ........................ drop      (tt_session_accept)
 *   2 byte-identical to an unconfirmed session's ... resend its cached response ([HS-031])
 *   3 rate limit ................................... drop      ([HS-045])
 *     (passed: a pending packet goes out now, before the expensive steps, [HS-070])
 *   4 Noise message 1 .............................. drop      (low order, decryption)
 *   5 ClientHello decodes .......................... refuse(TT_ERR_HS_PAYLOAD)
 *   6 a common version ............................. refuse(TT_ERR_HS_VERSION)   [VER-002]
 *   7 timestamp above the replay table ............. refuse(TT_ERR_HS_REPLAY)    [HS-020]
 *   8 grant ........................................ refuse(500–506)             [GRT-010]
 *   9 a slot free or evictable ..................... refuse(TT_ERR_HS_BUSY)      [HS-041]
 *  10 persist the timestamp ........................ refuse(TT_ERR_STORAGE)      [HS-021]
 *  11 session id, DeviceHello, establish, cache the response
 *
 * A refusal is a full Noise message 2 (so only the client learns why, [SEC-18]) from a
 * scratch session that is wiped right after; nothing is persisted and no slot changes.
 * The initiation is judged in a scratch session, so a victim is evicted only once the new
 * session is certain. The scratch shares memory with the record path's req/rep (and its
 * refusal window with enc): nothing here may decode a request or build a reply in them
 * while the scratch is live (supervisor.h). Depends on internal.h, grant.h, messages.h, session.h. */
#include <string.h>

#include "internal.h"
#include "tether/bytes.h"
#include "tether/grant.h"
#include "tether/hs_resend.h"

/* [HS-045]: a token bucket of TT_SUP_HS_BUCKET initiations per second. */
static int rate_ok(struct tt_sup *s)
{
    uint64_t elapsed = s->now - s->hs_refill_ms;
    uint64_t add = elapsed / (1000u / TT_SUP_HS_BUCKET);
    if (add > 0) {
        uint64_t t = s->hs_tokens + add;
        s->hs_tokens = (uint32_t)(t > TT_SUP_HS_BUCKET ? TT_SUP_HS_BUCKET : t);
        s->hs_refill_ms += add * (1000u / TT_SUP_HS_BUCKET);
    }
    if (s->hs_tokens == 0)
        return 0;
    s->hs_tokens--;
    return 1;
}

/* [HS-031]: an unconfirmed session created by exactly these bytes gets its response again. */
static int resend_cached(struct tt_sup *s, const uint8_t hash[TT_SHA256_LEN])
{
    for (unsigned i = 0; i < TT_SUP_SESSIONS; i++) {
        struct tt_sup_slot *sl = &s->slot[i];
        if (sup_slot_live(sl) && !sl->confirmed && sl->resp_len > 0 &&
            memcmp(sl->init_hash, hash, TT_SHA256_LEN) == 0) {
            sup_link_send(s, sl->resp, sl->resp_len);
            return 1;
        }
    }
    return 0;
}

/* [VER-002]: the highest version in both ranges; we speak only TT_PROTOCOL_VERSION. */
static tt_err version_check(const tether_v1_ClientHello *h)
{
    if (h->version_min > h->version_max || h->version_min > TT_PROTOCOL_VERSION ||
        h->version_max < TT_PROTOCOL_VERSION)
        return TT_ERR_HS_VERSION;
    return TT_OK;
}

static tt_err grant_check(struct tt_sup *s, tether_v1_GrantBody *body)
{
    struct tt_grant_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.owner_pub = s->keys.owner_public;
    memcpy(pol.device_id, s->keys.device_id, sizeof pol.device_id);
    pol.now_s = 0; /* no trusted wall clock on this device */
    pol.revocation_floor = s->revocation_floor;
    pol.time_floor_s = s->time_floor; /* [GRT-015]: the persisted owner-signed floor */
    return tt_grant_verify(&s->hello.grant, &pol, s->scratch.peer_static, body);
}

static void fill_hello(struct tt_sup *s, tether_v1_DeviceHello *h, uint32_t perms)
{
    h->version = TT_PROTOCOL_VERSION;
    memcpy(h->device_id, s->keys.device_id, sizeof h->device_id);
    h->capabilities = sup_capabilities(s);
    h->has_limits = true;
    sup_limits(s, &h->limits);
    h->supervisor_version = s->id->supervisor_version;
    memcpy(h->app_measurement, s->id->app_measurement, sizeof h->app_measurement);
    h->granted_permissions = perms;
    h->app_version = s->id->app_version;
}

/* Answers the scratch session with a refusal and forgets it ([HS-012] "refuse(e)"). */
static void refuse(struct tt_sup *s, tt_err why)
{
    tether_v1_HandshakeReply r = tether_v1_HandshakeReply_init_zero;
    uint8_t enc[32];
    size_t elen, n;
    uint32_t id;
    r.which_reply = tether_v1_HandshakeReply_refusal_tag;
    r.reply.refusal.error_code = (uint32_t)why;
    /* [HS-013]: a random sender id no session uses; the client ignores it. */
    if (tt_pb_encode(tether_v1_HandshakeReply_fields, &r, enc, sizeof enc, &elen) == TT_OK &&
        sup_session_id(s, &id) == TT_OK &&
        tt_session_respond(&s->scratch, id, NULL, enc, elen, s->plain.scratch_rel, 1,
                           TT_RTO_INITIAL_MS, s->now, s->pkt, sizeof s->pkt, &n) == TT_OK)
        sup_link_send(s, s->pkt, n);
    tt_session_close(&s->scratch);
    tt_wipe(s->plain.scratch_rel, sizeof s->plain.scratch_rel);
}

/* Steps 9–11 for a judged initiation: take the slot, persist, answer, establish. */
static void accept(struct tt_sup *s, const tether_v1_GrantBody *grant, size_t init_len,
                   const uint8_t hash[TT_SHA256_LEN])
{
    int i = sup_slot_choose(s, s->scratch.peer_static);
    if (i < 0) {
        refuse(s, TT_ERR_HS_BUSY);
        return;
    }
    uint32_t perms = tt_grant_effective_permissions(grant->permissions);
    tether_v1_HandshakeReply r = tether_v1_HandshakeReply_init_zero;
    r.which_reply = tether_v1_HandshakeReply_hello_tag;
    fill_hello(s, &r.reply.hello, perms);
    uint8_t enc[tether_v1_HandshakeReply_size];
    size_t elen;
    uint32_t id;
    if (tt_pb_encode(tether_v1_HandshakeReply_fields, &r, enc, sizeof enc, &elen) != TT_OK ||
        TT_RESPONSE_MIN_LEN + elen > init_len) { /* [HS-046]: no amplification */
        refuse(s, TT_ERR_HS_PAYLOAD);
        return;
    }
    if (TT_RESPONSE_MIN_LEN + elen > TT_SUP_RESP_CACHE || sup_session_id(s, &id) != TT_OK) {
        refuse(s, TT_ERR_HS_PAYLOAD);
        return;
    }
    tt_err e = sup_time_floor_raise(s, grant);
    if (e == TT_OK)
        e = sup_replay_commit(s, s->scratch.peer_static, s->hello.timestamp);
    if (e != TT_OK) { /* [HS-021] */
        refuse(s, TT_ERR_STORAGE);
        return;
    }
    /* Certain now: free the slot ([HS-042]: Close event first, not waited for). */
    struct tt_sup_slot *sl = &s->slot[i];
    if (sup_slot_live(sl))
        sup_slot_end(s, i, sl->confirmed, TT_ERR_HS_BUSY);
    sl->s = s->scratch;
    tt_session_close(&s->scratch);
    size_t n;
    e = tt_session_respond(&sl->s, id, NULL, enc, elen, sl->rel, TT_SUP_WINDOW,
                           TT_RTO_INITIAL_MS, s->now, s->pkt, sizeof s->pkt, &n);
    if (e != TT_OK) {
        tt_session_close(&sl->s);
        return;
    }
    sl->confirmed = 0;
    sl->permissions = perms;
    sl->serial = grant->serial;
    sl->active_ms = s->now;
    sl->log_subscribed = 0;
    memcpy(sl->init_hash, hash, TT_SHA256_LEN);
    memcpy(sl->resp, s->pkt, n);
    sl->resp_len = (uint16_t)n;
    sup_link_send(s, s->pkt, n);
}

/* [HS-070]: "received, computing: expect the answer in about expected_ms", sent before step
 * 4 so it leaves while the device works. Twice the last measured judgement (the port's clock:
 * under load QEMU's runs slow too, and the measure follows it), never below the port's
 * floor, never above what a client honours. Shorter than any initiation ([HS-046]). */
static void send_pending(struct tt_sup *s, const uint8_t *pkt, const uint8_t hash[TT_SHA256_LEN])
{
    uint64_t expected = 2u * (uint64_t)s->hs_work_ms;
    size_t n;
    if (expected < TT_SUP_HS_EXPECTED_FLOOR_MS)
        expected = TT_SUP_HS_EXPECTED_FLOOR_MS;
    if (expected > TT_HS_PENDING_MAX_MS)
        expected = TT_HS_PENDING_MAX_MS;
    if (tt_pending_write(tt_load_be32(pkt + 1), hash, (uint32_t)expected, s->pkt, sizeof s->pkt,
                         &n) != TT_OK)
        return;
    sup_link_send(s, s->pkt, n);
    s->hs_pending_sent++;
}

/* Steps 4–11. Returns 0 when step 4 dropped the initiation (its time says nothing of a
 * whole judgement), 1 when it was refused or accepted. */
static int judge(struct tt_sup *s, const uint8_t *pkt, size_t len,
                 const uint8_t hash[TT_SHA256_LEN])
{
    uint8_t hb[tether_v1_ClientHello_size + 16];
    size_t hlen;
    /* Step 4 (and 1): drop on any failure — nobody authenticated to refuse to. */
    if (tt_session_accept(&s->scratch, &s->crypto, s->keys.static_private, pkt, len, hb,
                          sizeof hb, &hlen) != TT_OK)
        return 0;
    memset(&s->hello, 0, sizeof s->hello);
    if (tt_pb_decode(tether_v1_ClientHello_fields, hb, hlen, &s->hello) != TT_OK) {
        tt_wipe(hb, sizeof hb);
        refuse(s, TT_ERR_HS_PAYLOAD); /* step 5 */
        return 1;
    }
    tt_wipe(hb, sizeof hb);
    tt_err e = version_check(&s->hello); /* step 6 */
    if (e == TT_OK)
        e = sup_replay_check(s, s->scratch.peer_static, s->hello.timestamp); /* step 7 */
    tether_v1_GrantBody body;
    if (e == TT_OK)
        e = grant_check(s, &body); /* step 8 */
    if (e != TT_OK) {
        refuse(s, e);
        return 1;
    }
    accept(s, &body, len, hash); /* steps 9–11 */
    return 1;
}

void sup_on_initiation(struct tt_sup *s, const uint8_t *pkt, size_t len)
{
    uint8_t hash[TT_SHA256_LEN];
    if (len < TT_INITIATION_MIN_LEN || len > TT_PKT_MAX_LEN) /* step 1 (again in accept) */
        return;
    if (tt_load_be32(pkt + 1) == 0) /* step 1: [PKT-006], before a pending could name it */
        return;
    if (s->crypto.sha256(hash, pkt, len, NULL, 0) != TT_OK)
        return;
    if (resend_cached(s, hash)) /* step 2: the cached response, never a pending */
        return;
    if (!rate_ok(s)) /* step 3 */
        return;
    send_pending(s, pkt, hash);
    uint64_t t0 = tt_port_time_ms();
    if (judge(s, pkt, len, hash)) {
        uint64_t took = tt_port_time_ms() - t0;
        s->hs_work_ms = took > TT_HS_PENDING_MAX_MS ? TT_HS_PENDING_MAX_MS : (uint32_t)took;
    }
}
