/* test_supervisor.c — the supervisor core (core/supervisor, core/service) on the host port:
 * handshake policy, session table, control, debug, log and attestation services, driven by
 * ref-client's session driver (libsodium) against the device (mbedTLS) over the harness's
 * routed link (sup_harness.h). The app is the host port's double. Each test names the
 * requirements it checks. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sup_harness.h"
#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/p256.h"
#include "../../lib/tests/vecfile.h"

#define ALL TT_PERM_ALL
#define CODE(off) H_DEVICE_CODE(off)

static struct h_id alice, bob;
static struct h_client ca, cb;
static tether_v1_Message req, rep, ev;

static void setup(void)
{
    h_boot();
    h_id_new(&alice);
    h_id_new(&bob);
}

static void teardown(void) {}

static tether_v1_Message *msg(pb_size_t tag)
{
    memset(&req, 0, sizeof req);
    req.which_body = tag;
    return &req;
}

static tt_err ping(struct h_client *c)
{
    msg(tether_v1_Message_ping_tag)->body.ping.nonce = 0x1234;
    tt_err e = h_call(c, &req, &rep);
    if (e == TT_OK)
        ck_assert_uint_eq(rep.body.pong.nonce, 0x1234);
    return e;
}

/* ================================================================ handshake policy ==== */

START_TEST(hs_accept_device_hello)
{
    /* [HS-012] step 11, [HS-015], [GRT-042], [LIM-010] */
    ck_assert_int_eq(h_connect(&ca, &alice, 0xFFFF), TT_OK);
    const tether_v1_DeviceHello *h = &ca.c.reply.reply.hello;
    ck_assert_uint_eq(ca.c.reply.which_reply, tether_v1_HandshakeReply_hello_tag);
    ck_assert_uint_eq(h->version, TT_PROTOCOL_VERSION);
    ck_assert_mem_eq(h->device_id, h_keys.device_id, 16);
    ck_assert_uint_eq(h->granted_permissions, TT_PERM_ALL);
    ck_assert(h->capabilities & tether_v1_Capability_CAP_DEBUG);
    ck_assert(h->capabilities & tether_v1_Capability_CAP_RANGE_STEP);
    ck_assert(h->capabilities & tether_v1_Capability_CAP_WATCHPOINTS); /* [DBG-080] */
    ck_assert_uint_eq(h->limits.watchpoints, TT_TARGET_MAX_WATCHPOINTS);
    ck_assert_uint_eq(h->limits.watch_max_len, 8);
    ck_assert_uint_eq(h->limits.watch_kinds, 1u << tether_v1_WatchKind_WATCH_WRITE);
    ck_assert_uint_gt(h->limits.watch_slowdown, 1);
    ck_assert(!(h->capabilities & tether_v1_Capability_CAP_OTA));
    ck_assert_uint_eq(h->limits.max_sessions, TT_SUP_SESSIONS);
    ck_assert_uint_eq(h->limits.max_mem_chunk, 1024);
    ck_assert_uint_eq(h->app_version, 0x010203);
    ck_assert_int_eq(ping(&ca), TT_OK);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 1);
}
END_TEST

START_TEST(hs_version_refused)
{
    /* [HS-012] step 6, [VER-002] */
    tether_v1_SignedGrant g;
    tether_v1_ClientHello h;
    struct h_grant_opts o = {.permissions = ALL};
    h_grant(&alice, &o, &g);
    h_hello(&alice, &g, &h);
    h.version_min = 2;
    h.version_max = 3;
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_ERR_HS_VERSION);
    h_hello(&alice, &g, &h);
    h.version_min = 1;
    h.version_max = 0;
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_ERR_HS_VERSION);
    h_hello(&alice, &g, &h);
    h.version_min = 0;
    h.version_max = 7; /* a range containing 1 is fine */
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_OK);
}
END_TEST

START_TEST(hs_bad_grants_refused)
{
    /* [HS-012] step 8, [GRT-010]..[GRT-016] through tt_grant_verify */
    tether_v1_SignedGrant g;
    tether_v1_ClientHello h;
    struct h_grant_opts o = {.permissions = ALL, .bad_signature = 1};
    h_grant(&alice, &o, &g);
    h_hello(&alice, &g, &h);
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_ERR_GRANT_SIGNATURE);
    o = (struct h_grant_opts){.permissions = ALL, .other_device = 1};
    h_grant(&alice, &o, &g);
    h_hello(&alice, &g, &h);
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_ERR_GRANT_DEVICE);
    o = (struct h_grant_opts){.permissions = ALL, .client_key = bob.pk};
    h_grant(&alice, &o, &g);
    h_hello(&alice, &g, &h);
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_ERR_GRANT_KEY_MISMATCH);
    h_hello(&alice, NULL, &h); /* no grant at all */
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_ERR_GRANT_MALFORMED);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 0);
}
END_TEST

START_TEST(hs_replay_persisted_across_reboot)
{
    /* [HS-020], [HS-021], [HS-023]: strictly greater, persisted before the answer */
    tether_v1_SignedGrant g;
    tether_v1_ClientHello h;
    struct h_grant_opts o = {.permissions = ALL};
    h_grant(&alice, &o, &g);
    h_hello(&alice, &g, &h);
    h.timestamp = 5000;
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_OK);
    ck_assert_int_eq(h_connect_hello(&cb, &alice, &h), TT_ERR_HS_REPLAY); /* equal */
    h.timestamp = 4999;
    ck_assert_int_eq(h_connect_hello(&cb, &alice, &h), TT_ERR_HS_REPLAY);
    h_reboot();
    h.timestamp = 5000;
    ck_assert_int_eq(h_connect_hello(&cb, &alice, &h), TT_ERR_HS_REPLAY);
    h.timestamp = 5001;
    ck_assert_int_eq(h_connect_hello(&cb, &alice, &h), TT_OK);
}
END_TEST

START_TEST(grt_time_floor_persisted_across_reboot)
{
    /* [GRT-015], [NVS-040]: a clockless device's floor is the largest accepted not_before,
     * persisted before the DeviceHello; a grant expired by then is refused after a reboot */
    tether_v1_SignedGrant g;
    struct h_grant_opts late = {.permissions = ALL, .not_before = 2000000, .not_after = 3000000};
    struct h_grant_opts old = {.permissions = ALL, .not_before = 1000, .not_after = 2000000};
    h_grant(&bob, &old, &g);
    tether_v1_ClientHello h;
    h_hello(&bob, &g, &h);
    ck_assert_int_eq(h_connect_hello(&cb, &bob, &h), TT_OK); /* no floor yet: accepted */
    h_forget(&cb);
    h_grant(&alice, &late, &g);
    h_hello(&alice, &g, &h);
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_OK);
    ck_assert_uint_eq(h_sup.time_floor, 2000000);
    h_reboot();
    ck_assert_uint_eq(h_sup.time_floor, 2000000);
    h_grant(&bob, &old, &g); /* not_after == floor: certainly expired */
    h_hello(&bob, &g, &h);
    ck_assert_int_eq(h_connect_hello(&cb, &bob, &h), TT_ERR_GRANT_EXPIRED);
    old.not_after = 2000001; /* one second later: still possibly valid */
    h_grant(&bob, &old, &g);
    h_hello(&bob, &g, &h);
    ck_assert_int_eq(h_connect_hello(&cb, &bob, &h), TT_OK);
    ck_assert_uint_eq(h_sup.time_floor, 2000000); /* an older not_before never lowers it */
}
END_TEST

START_TEST(hs_refusal_changes_nothing)
{
    /* [HS-021]: a refused initiation does not touch the table */
    tether_v1_SignedGrant g, bad;
    tether_v1_ClientHello h;
    struct h_grant_opts o = {.permissions = ALL};
    h_grant(&alice, &o, &g);
    o.bad_signature = 1;
    h_grant(&alice, &o, &bad);
    h_hello(&alice, &bad, &h);
    h.timestamp = 9000;
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_ERR_GRANT_SIGNATURE);
    h_hello(&alice, &g, &h);
    h.timestamp = 100;
    ck_assert_int_eq(h_connect_hello(&ca, &alice, &h), TT_OK);
}
END_TEST

START_TEST(hs_replay_table_eviction_raises_floor)
{
    /* [HS-022]: 8 entries; the least recently updated is evicted and the floor rises */
    struct h_id ids[TT_SUP_REPLAY_ENTRIES + 1];
    for (unsigned k = 0; k <= TT_SUP_REPLAY_ENTRIES; k++) {
        h_id_new(&ids[k]);
        ids[k].ts = 10000 + 10 * k;
        ck_assert_int_eq(h_connect(&ca, &ids[k], ALL), TT_OK);
        tt_client_close(&ca.c);
        h_forget(&ca);
    }
    ck_assert_uint_eq(h_sup.replay.count, TT_SUP_REPLAY_ENTRIES);
    ck_assert_uint_eq(h_sup.replay.floor, 10001); /* ids[0]'s timestamp */
    struct h_id fresh;
    h_id_new(&fresh);
    fresh.ts = 10000; /* next hello carries 10001: not above the floor */
    ck_assert_int_eq(h_connect(&ca, &fresh, ALL), TT_ERR_HS_REPLAY);
    ck_assert_int_eq(h_connect(&ca, &fresh, ALL), TT_OK); /* 10002 */
}
END_TEST

START_TEST(hs_session_table_busy_and_eviction)
{
    /* [HS-040], [HS-041], [HS-042], [HS-053] */
    static struct h_client c[TT_SUP_SESSIONS + 1];
    struct h_id ids[TT_SUP_SESSIONS + 1];
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++) {
        h_id_new(&ids[k]);
        ck_assert_int_eq(h_connect(&c[k], &ids[k], ALL), TT_OK);
        ck_assert_int_eq(ping(&c[k]), TT_OK); /* confirmed: not evictable */
    }
    h_id_new(&ids[TT_SUP_SESSIONS]);
    ck_assert_int_eq(h_connect(&c[TT_SUP_SESSIONS], &ids[TT_SUP_SESSIONS], ALL), TT_ERR_HS_BUSY);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), TT_SUP_SESSIONS);
    /* (c) the same key as an existing session: that one is evicted (a Close event first). */
    ck_assert_int_eq(h_connect(&c[TT_SUP_SESSIONS], &ids[1], ALL), TT_OK);
    ck_assert_int_eq(ping(&c[TT_SUP_SESSIONS]), TT_OK);
    ck_assert_int_eq(h_event(&c[1], &ev, 200), TT_OK);
    ck_assert_uint_eq(ev.which_body, tether_v1_Message_close_tag);
    ck_assert_uint_eq(ev.body.close.reason, TT_ERR_HS_BUSY);
    msg(tether_v1_Message_ping_tag);
    /* [CTL-021] the client has ended its side: it refuses to send on the session... */
    ck_assert_int_eq(tt_client_call(&c[1].c, &req, &rep, 300), TT_ERR_STATE);
    c[1].c.peer_closed = 0; /* ...and the device, asked anyway, does not answer: gone */
    ck_assert_int_eq(tt_client_call(&c[1].c, &req, &rep, 300), TT_ERR_TIMEOUT);
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        if (k != 1)
            ck_assert_int_eq(ping(&c[k]), TT_OK);
}
END_TEST

START_TEST(hs_unconfirmed_evicted_first)
{
    /* [HS-041] (a): a session with no authenticated record yet is evictable */
    static struct h_client c[TT_SUP_SESSIONS + 1];
    struct h_id ids[TT_SUP_SESSIONS + 1];
    for (unsigned k = 0; k <= TT_SUP_SESSIONS; k++)
        h_id_new(&ids[k]);
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++) {
        ck_assert_int_eq(h_connect(&c[k], &ids[k], ALL), TT_OK);
        if (k != 2)
            ck_assert_int_eq(ping(&c[k]), TT_OK);
    }
    ck_assert_int_eq(h_connect(&c[TT_SUP_SESSIONS], &ids[TT_SUP_SESSIONS], ALL), TT_OK);
    for (unsigned k = 0; k <= TT_SUP_SESSIONS; k++)
        if (k != 2)
            ck_assert_int_eq(ping(&c[k]), TT_OK);
}
END_TEST

START_TEST(hs_idle_session_evicted)
{
    /* [HS-041] (b): idle for TT_SESSION_IDLE_MS makes a confirmed session evictable; the
     * least recently active goes */
    static struct h_client c[TT_SUP_SESSIONS + 1];
    struct h_id ids[TT_SUP_SESSIONS + 1];
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++) {
        h_id_new(&ids[k]);
        ck_assert_int_eq(h_connect(&c[k], &ids[k], ALL), TT_OK);
        ck_assert_int_eq(ping(&c[k]), TT_OK);
    }
    tt_host_time_advance(TT_SESSION_IDLE_MS + 1000);
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++)
        if (k != 2)
            ck_assert_int_eq(ping(&c[k]), TT_OK); /* active again */
    h_id_new(&ids[TT_SUP_SESSIONS]);
    ck_assert_int_eq(h_connect(&c[TT_SUP_SESSIONS], &ids[TT_SUP_SESSIONS], ALL), TT_OK);
    ck_assert_int_eq(h_event(&c[2], &ev, 300), TT_OK);
    ck_assert_uint_eq(ev.body.close.reason, TT_ERR_HS_BUSY);
    for (unsigned k = 0; k <= TT_SUP_SESSIONS; k++)
        if (k != 2)
            ck_assert_int_eq(ping(&c[k]), TT_OK);
}
END_TEST

START_TEST(hs_session_ends_at_reject_time)
{
    /* [REC-009], [HS-053]: past REJECT_AFTER_TIME the device ends the session */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(ping(&ca), TT_OK);
    tt_host_time_advance((uint64_t)TT_REJECT_AFTER_SECONDS * 1000u - 5000u);
    h_run(2);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 1);
    tt_host_time_advance(6000);
    h_run(2);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 0);
}
END_TEST

START_TEST(hs_initiation_rate_limited)
{
    /* [HS-045]: at most TT_SUP_HS_BUCKET initiations per second reach Noise */
    struct tt_rel_slot slots[1];
    uint8_t enc[tether_v1_ClientHello_size], pkt[TT_PKT_MAX_LEN], out[TT_PKT_MAX_LEN];
    tether_v1_ClientHello h;
    size_t el, n;
    unsigned answered = 0;
    h_hello(&alice, NULL, &h); /* refused (no grant), but only after Noise: it is answered */
    ck_assert_int_eq(tt_pb_encode(tether_v1_ClientHello_fields, &h, enc, sizeof enc, &el), TT_OK);
    for (unsigned k = 0; k < TT_SUP_HS_BUCKET + 5; k++) {
        struct tt_session s;
        ck_assert_int_eq(tt_session_initiate(&s, &tt_crypto_sodium, alice.sk, h_device_pub, NULL,
                                             enc, el, slots, 1, 1000, pkt, sizeof pkt, &n),
                         TT_OK);
        h_feed_packet(pkt, n);
    }
    h_run(4);
    size_t got;
    unsigned pendings = 0;
    while ((got = h_raw_packet(out, sizeof out)) > 0) {
        answered += out[0] == TT_PKT_RESPONSE;
        pendings += out[0] == TT_PKT_PENDING; /* [HS-070]: only past the rate limit */
    }
    ck_assert_uint_eq(answered, TT_SUP_HS_BUCKET);
    ck_assert_uint_eq(pendings, TT_SUP_HS_BUCKET);
    tt_host_time_advance(1000);
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
}
END_TEST

START_TEST(hs_duplicate_initiation_gets_cached_response)
{
    /* [HS-031]: byte-identical initiation → the same response bytes, no new session */
    struct tt_session s;
    struct tt_rel_slot slots[2];
    tether_v1_SignedGrant g;
    tether_v1_ClientHello h;
    uint8_t enc[tether_v1_ClientHello_size], pkt[TT_PKT_MAX_LEN], r1[TT_PKT_MAX_LEN],
        r2[TT_PKT_MAX_LEN];
    size_t el, n;
    struct h_grant_opts o = {.permissions = ALL};
    h_grant(&alice, &o, &g);
    h_hello(&alice, &g, &h);
    ck_assert_int_eq(tt_pb_encode(tether_v1_ClientHello_fields, &h, enc, sizeof enc, &el), TT_OK);
    ck_assert_int_eq(tt_session_initiate(&s, &tt_crypto_sodium, alice.sk, h_device_pub, NULL, enc,
                                         el, slots, 2, 1000, pkt, sizeof pkt, &n),
                     TT_OK);
    h_feed_packet(pkt, n);
    h_run(4);
    size_t l1 = h_raw_packet(r1, sizeof r1);
    ck_assert_uint_eq(r1[0], TT_PKT_PENDING); /* [HS-070] */
    l1 = h_raw_packet(r1, sizeof r1);
    ck_assert_uint_gt(l1, 0);
    h_feed_packet(pkt, n);
    h_run(4);
    size_t l2 = h_raw_packet(r2, sizeof r2); /* [HS-071]: the response, no pending */
    uint8_t extra[TT_PKT_MAX_LEN];
    ck_assert_uint_eq(h_raw_packet(extra, sizeof extra), 0);
    ck_assert_uint_eq(l1, l2);
    ck_assert_mem_eq(r1, r2, l1);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 1);
    /* [HS-046]: no amplification */
    ck_assert_uint_le(l1, n);
}
END_TEST

/* An initiation with a valid grant from id, written to pkt. */
static size_t fresh_initiation(struct h_id *id, struct tt_session *s, struct tt_rel_slot *slots,
                               uint8_t *pkt)
{
    tether_v1_SignedGrant g;
    tether_v1_ClientHello h;
    uint8_t enc[tether_v1_ClientHello_size];
    size_t el, n;
    struct h_grant_opts o = {.permissions = ALL};
    h_grant(id, &o, &g);
    h_hello(id, &g, &h);
    ck_assert_int_eq(tt_pb_encode(tether_v1_ClientHello_fields, &h, enc, sizeof enc, &el), TT_OK);
    ck_assert_int_eq(tt_session_initiate(s, &tt_crypto_sodium, id->sk, h_device_pub, NULL, enc,
                                         el, slots, 2, 1000, pkt, TT_PKT_MAX_LEN, &n),
                     TT_OK);
    return n;
}

/* The pending packet the device must have sent for pkt, given its measure before. */
static void expect_pending(const uint8_t *pkt, size_t n, uint32_t work_before)
{
    uint8_t out[TT_PKT_MAX_LEN], hash[TT_SHA256_LEN];
    ck_assert_uint_eq(h_raw_packet(out, sizeof out), TT_PENDING_LEN);
    ck_assert_int_eq(tt_crypto_sodium.sha256(hash, pkt, n, NULL, 0), TT_OK);
    uint64_t want = 2u * (uint64_t)work_before;
    want = want < TT_SUP_HS_EXPECTED_FLOOR_MS ? TT_SUP_HS_EXPECTED_FLOOR_MS : want;
    want = want > TT_HS_PENDING_MAX_MS ? TT_HS_PENDING_MAX_MS : want;
    ck_assert_uint_eq(out[0], 0x04);
    ck_assert_mem_eq(out + 1, pkt + 1, 4); /* the initiation's sender_id */
    ck_assert_mem_eq(out + 5, hash, 16);   /* SHA-256(initiation), first 16 bytes */
    ck_assert_uint_eq(tt_load_be32(out + 21), want);
}

START_TEST(hs_pending_once_per_fresh_initiation)
{
    /* [PKT-010], [HS-070], [HS-071]: one pending per fresh initiation, before the response;
     * none for a cached duplicate; none for what the cheap checks drop */
    struct tt_session s1, s2;
    struct tt_rel_slot sl1[2], sl2[2];
    uint8_t p1[TT_PKT_MAX_LEN], p2[TT_PKT_MAX_LEN], out[TT_PKT_MAX_LEN];
    size_t n1 = fresh_initiation(&alice, &s1, sl1, p1);
    uint32_t sent0 = h_sup.hs_pending_sent, work0 = h_sup.hs_work_ms;
    ck_assert_uint_eq(work0, 0); /* nothing measured yet: the floor */
    h_feed_packet(p1, n1);
    h_run(4);
    expect_pending(p1, n1, work0);
    size_t rl = h_raw_packet(out, sizeof out); /* then the response */
    ck_assert_uint_ge(rl, TT_RESPONSE_MIN_LEN);
    ck_assert_uint_eq(out[0], TT_PKT_RESPONSE);
    ck_assert_uint_eq(h_raw_packet(out, sizeof out), 0);
    ck_assert_uint_eq(h_sup.hs_pending_sent, sent0 + 1);
    /* the duplicate: the cached response only */
    h_feed_packet(p1, n1);
    h_run(4);
    ck_assert_uint_eq(h_raw_packet(out, sizeof out), rl);
    ck_assert_uint_eq(out[0], TT_PKT_RESPONSE);
    ck_assert_uint_eq(h_raw_packet(out, sizeof out), 0);
    ck_assert_uint_eq(h_sup.hs_pending_sent, sent0 + 1);
    /* dropped by the cheap checks (step 1): too short, sender_id 0 — no pending */
    uint8_t bad[TT_PKT_MAX_LEN];
    memcpy(bad, p1, n1);
    h_feed_packet(bad, TT_INITIATION_MIN_LEN - 1);
    memset(bad + 1, 0, 4);
    h_feed_packet(bad, n1);
    h_run(4);
    ck_assert_uint_eq(h_raw_packet(out, sizeof out), 0);
    ck_assert_uint_eq(h_sup.hs_pending_sent, sent0 + 1);
    /* a second fresh initiation: its pending announces twice the measured judgement */
    uint32_t work1 = h_sup.hs_work_ms;
    size_t n2 = fresh_initiation(&bob, &s2, sl2, p2);
    h_feed_packet(p2, n2);
    h_run(4);
    expect_pending(p2, n2, work1);
    ck_assert_uint_eq(h_raw_packet(out, sizeof out) > 0 && out[0] == TT_PKT_RESPONSE, 1);
    ck_assert_uint_eq(h_sup.hs_pending_sent, sent0 + 2);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 2);
}
END_TEST

START_TEST(link_garbage_is_dropped_silently)
{
    /* [PKT-001], [PKT-005], [PKT-007], [REC-004], [REC-009], [REC-011], [FRM-007] */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    uint8_t junk[300], out[TT_PKT_MAX_LEN];
    for (unsigned k = 0; k < sizeof junk; k++)
        junk[k] = (uint8_t)(k * 37 + 11);
    junk[10] = 0x54; /* a false SYNC inside the garbage */
    junk[11] = 0xD1;
    h_feed_bytes(junk, sizeof junk);
    uint8_t p1[] = {0x09, 1, 2, 3, 4};                  /* unknown type */
    uint8_t p2[40] = {TT_PKT_RECORD, 0xDE, 0xAD, 0xBE, 0xEF}; /* unknown receiver */
    uint8_t p3[20] = {TT_PKT_INITIATION, 0, 0, 0, 1};   /* too short */
    uint8_t p4[120] = {TT_PKT_INITIATION, 0, 0, 0, 1};  /* right length, not Noise */
    h_feed_packet(p1, sizeof p1);
    h_feed_packet(p2, sizeof p2);
    h_feed_packet(p3, sizeof p3);
    h_feed_packet(p4, sizeof p4);
    uint8_t p5[40] = {TT_PKT_RECORD};
    tt_store_be32(p5 + 1, ca.c.s.remote_id); /* the real session id, forged record */
    h_feed_packet(p5, sizeof p5);
    uint8_t p6[40] = {TT_PKT_RECORD}; /* forged, with a seq past REJECT_AFTER_RECORDS */
    tt_store_be32(p6 + 1, ca.c.s.remote_id);
    tt_store_be64(p6 + 5, TT_REJECT_AFTER_RECORDS);
    h_feed_packet(p6, sizeof p6);
    h_run(10);
    /* p4 passed the cheap checks: its pending went out before Noise dropped it ([HS-070]);
     * nothing else was answered */
    ck_assert_uint_eq(h_raw_packet(out, sizeof out), TT_PENDING_LEN);
    ck_assert_uint_eq(out[0], TT_PKT_PENDING);
    ck_assert_uint_eq(tt_load_be32(out + 1), 1);
    ck_assert_uint_eq(h_raw_packet(out, sizeof out), 0);
    ck_assert_int_eq(ping(&ca), TT_OK); /* the session is unchanged */
}
END_TEST

/* ======================================================================== control ==== */

START_TEST(ctl_ping_capabilities_close)
{
    /* [CTL-001], [CTL-002], [CTL-020] */
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_LOG), TT_OK);
    ck_assert_int_eq(ping(&ca), TT_OK);
    ck_assert_uint_gt(rep.body.pong.device_time_ms, 0);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_get_capabilities_tag), &rep), TT_OK);
    ck_assert_uint_eq(rep.which_body, tether_v1_Message_capabilities_tag);
    ck_assert_mem_eq(rep.body.capabilities.device_id, h_keys.device_id, 16);
    ck_assert_uint_eq(rep.body.capabilities.granted_permissions, TT_PERM_LOG);
    ck_assert_uint_eq(rep.body.capabilities.limits.breakpoints, TT_TARGET_MAX_BREAKPOINTS);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_close_tag), &rep), TT_OK);
    ck_assert_uint_eq(rep.which_body, tether_v1_Message_ack_tag);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 0);
}
END_TEST

START_TEST(ctl_bad_messages_get_errors)
{
    /* [MSG-004], [MSG-005], [MSG-011], [MSG-012], [MSG-015], [GRT-040], OTA not yet offered */
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_DEBUG_READ), TT_OK);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_pong_tag), &rep), TT_ERR_MSG_UNSUPPORTED);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_stop_event_tag), &rep),
                     TT_ERR_MSG_UNSUPPORTED);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_ota_status_tag), &rep), TT_ERR_PERMISSION);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_log_subscribe_tag), &rep),
                     TT_ERR_PERMISSION);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_attest_challenge_tag), &rep),
                     TT_ERR_PERMISSION);
    /* request_id 1000, then a truncated field: answered with its request id ([MSG-015]) */
    const uint8_t garbage[] = {0x08, 0xE8, 0x07, 0x52, 0x05, 0x01};
    ck_assert_int_eq(tt_client_call_raw(&ca.c, garbage, sizeof garbage, 1000, &rep, 3000), TT_OK);
    ck_assert_uint_eq(rep.which_body, tether_v1_Message_error_tag);
    ck_assert_uint_eq(rep.body.error.code, TT_ERR_MSG_DECODE);
    const uint8_t no_id_garbage[] = {0x52, 0x05, 0x01}; /* no readable id: an event */
    h_send_raw(&ca, no_id_garbage, sizeof no_id_garbage);
    ck_assert_int_eq(h_event(&ca, &ev, 500), TT_OK);
    ck_assert_uint_eq(ev.which_body, tether_v1_Message_error_tag);
    ck_assert_uint_eq(ev.body.error.code, TT_ERR_MSG_DECODE);
    const uint8_t no_id_ping[] = {0x52, 0x02, 0x08, 0x01}; /* ping, request_id 0 */
    h_send_raw(&ca, no_id_ping, sizeof no_id_ping);
    ck_assert_int_eq(h_event(&ca, &ev, 500), TT_OK);
    ck_assert_uint_eq(ev.body.error.code, TT_ERR_MSG_DECODE);
    const uint8_t no_body[] = {0x08, 0x07}; /* request_id 7, no body */
    h_send_raw(&ca, no_body, sizeof no_body);
    h_run(4);
    ck_assert_int_eq(ping(&ca), TT_OK);
    ck_assert_int_eq(h_connect(&cb, &bob, ALL), TT_OK);
    ck_assert_int_eq(h_call(&cb, msg(tether_v1_Message_ota_status_tag), &rep),
                     TT_ERR_MSG_UNSUPPORTED);
}
END_TEST

static void sign_floor(uint64_t floor, int other_device, int bad_sig,
                       tether_v1_RaiseRevocationFloor *r)
{
    tether_v1_RevocationFloorBody b = tether_v1_RevocationFloorBody_init_zero;
    uint8_t digest[32];
    size_t n;
    memcpy(b.device_id, h_keys.device_id, 16);
    if (other_device)
        b.device_id[3] ^= 1;
    b.floor = floor;
    memset(r, 0, sizeof *r);
    ck_assert_int_eq(tt_pb_encode(tether_v1_RevocationFloorBody_fields, &b, r->body.bytes,
                                  sizeof r->body.bytes, &n),
                     TT_OK);
    r->body.size = (pb_size_t)n;
    ck_assert_int_eq(tt_crypto_sodium.sha256(digest, (const uint8_t *)TT_REVOCATION_SIG_CONTEXT,
                                             sizeof TT_REVOCATION_SIG_CONTEXT, r->body.bytes, n),
                     TT_OK);
    ck_assert_int_eq(tt_p256_sign(r->signature, h_owner_priv, digest), TT_OK);
    if (bad_sig)
        r->signature[9] ^= 0x40;
}

START_TEST(ctl_revocation_floor)
{
    /* [GRT-020], [GRT-021], [GRT-022], [CTL-030] */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK); /* serial 1 */
    tether_v1_SignedGrant g;
    tether_v1_ClientHello h;
    struct h_grant_opts o = {.permissions = ALL, .serial = 10};
    h_grant(&bob, &o, &g);
    h_hello(&bob, &g, &h);
    ck_assert_int_eq(h_connect_hello(&cb, &bob, &h), TT_OK); /* serial 10 */
    ck_assert_int_eq(ping(&ca), TT_OK);
    tether_v1_Message *m = msg(tether_v1_Message_raise_revocation_floor_tag);
    sign_floor(5, 0, 1, &m->body.raise_revocation_floor);
    ck_assert_int_eq(h_call(&cb, m, &rep), TT_ERR_SIGNATURE);
    m = msg(tether_v1_Message_raise_revocation_floor_tag);
    sign_floor(5, 1, 0, &m->body.raise_revocation_floor);
    ck_assert_int_eq(h_call(&cb, m, &rep), TT_ERR_GRANT_DEVICE);
    m = msg(tether_v1_Message_raise_revocation_floor_tag);
    ck_assert_int_eq(h_call(&cb, m, &rep), TT_ERR_GRANT_MALFORMED);
    ck_assert_uint_eq(h_sup.revocation_floor, 0);
    m = msg(tether_v1_Message_raise_revocation_floor_tag);
    sign_floor(5, 0, 0, &m->body.raise_revocation_floor);
    ck_assert_int_eq(h_call(&cb, m, &rep), TT_OK);
    ck_assert_uint_eq(h_sup.revocation_floor, 5);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 1); /* alice's serial-1 session ended */
    ck_assert_int_eq(h_event(&ca, &ev, 300), TT_OK);
    ck_assert_uint_eq(ev.body.close.reason, TT_ERR_GRANT_REVOKED);
    m = msg(tether_v1_Message_raise_revocation_floor_tag); /* lower: accepted, no change */
    sign_floor(2, 0, 0, &m->body.raise_revocation_floor);
    ck_assert_int_eq(h_call(&cb, m, &rep), TT_OK);
    ck_assert_uint_eq(h_sup.revocation_floor, 5);
    h_reboot();
    ck_assert_uint_eq(h_sup.revocation_floor, 5);
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_ERR_GRANT_REVOKED);
}
END_TEST

/* ========================================================================== debug ==== */

static tt_err attach(struct h_client *c)
{
    return h_call(c, msg(tether_v1_Message_attach_tag), &rep);
}

static tt_err halt(struct h_client *c)
{
    return h_call(c, msg(tether_v1_Message_halt_tag), &rep);
}

static tt_err resume(struct h_client *c, tether_v1_ResumeAction a, uint32_t start, uint32_t end,
                     const uint32_t *bps, unsigned nbp)
{
    tether_v1_Resume *r = &msg(tether_v1_Message_resume_tag)->body.resume;
    r->action = a;
    r->range_start = start;
    r->range_end = end;
    r->replace_breakpoints = bps != NULL;
    for (unsigned k = 0; k < nbp; k++)
        r->breakpoints[k] = (tether_v1_Breakpoint){bps[k], tether_v1_BreakpointKind_SOFTWARE, 2};
    r->breakpoints_count = (pb_size_t)nbp;
    return h_call(c, &req, &rep);
}

static const tether_v1_StopEvent *stop_event(struct h_client *c)
{
    ck_assert_int_eq(h_event(c, &ev, 2000), TT_OK);
    ck_assert_uint_eq(ev.request_id, 0);
    ck_assert_uint_eq(ev.which_body, tether_v1_Message_stop_event_tag);
    return &ev.body.stop_event;
}

static tt_err read_mem(struct h_client *c, uint32_t addr, uint32_t len)
{
    tether_v1_ReadMemory *r = &msg(tether_v1_Message_read_memory_tag)->body.read_memory;
    r->ranges[0] = (tether_v1_MemRange){addr, len};
    r->ranges_count = 1;
    return h_call(c, &req, &rep);
}

START_TEST(dbg_permissions_and_attachment)
{
    /* [GRT-040] permission first, [DBG-001], [DBG-002], [DBG-003], [DBG-014] */
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_DEBUG_READ), TT_OK);
    ck_assert_int_eq(halt(&ca), TT_ERR_PERMISSION);
    ck_assert_int_eq(read_mem(&ca, CODE(0x100), 4), TT_ERR_STATE); /* not attached */
    msg(tether_v1_Message_attach_tag)->body.attach.halt = true; /* [DBG-086] */
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_PERMISSION);
    ck_assert_int_eq(read_mem(&ca, CODE(0x100), 4), TT_ERR_STATE); /* nothing taken */
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert(!rep.body.attach_reply.halted);
    ck_assert_int_eq(halt(&ca), TT_ERR_PERMISSION);
    tether_v1_WriteMemory *w = &msg(tether_v1_Message_write_memory_tag)->body.write_memory;
    w->ranges[0] = (tether_v1_MemRange){TT_DOUBLE_RAM_BASE, 1};
    w->ranges_count = 1;
    w->data.size = 1;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_PERMISSION);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_reset_app_tag), &rep), TT_ERR_PERMISSION);
    ck_assert_int_eq(read_mem(&ca, CODE(0x100), 4), TT_OK);
    ck_assert_int_eq(h_connect(&cb, &bob, ALL), TT_OK);
    ck_assert_int_eq(attach(&cb), TT_ERR_DBG_ATTACHED);
    ck_assert_int_eq(halt(&cb), TT_ERR_STATE);
    ck_assert_int_eq(h_call(&cb, msg(tether_v1_Message_reset_app_tag), &rep), TT_ERR_DBG_ATTACHED);
    struct h_client cn;
    ck_assert_int_eq(h_connect(&cn, &bob, 0), TT_OK);
    ck_assert_int_eq(attach(&cn), TT_ERR_PERMISSION);
}
END_TEST

START_TEST(dbg_attach_and_halt_in_one_request)
{
    /* [DBG-086]: connect = handshake + one Attach{halt}: the reply carries the stop */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    h_run(20);
    ck_assert_int_eq(h_sup.target->state, TT_TARGET_RUNNING);
    msg(tether_v1_Message_attach_tag)->body.attach.halt = true;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_uint_eq(rep.which_body, tether_v1_Message_attach_reply_tag);
    ck_assert(rep.body.attach_reply.halted);
    ck_assert(rep.body.attach_reply.has_stop);
    ck_assert_int_eq(rep.body.attach_reply.stop.reason, tether_v1_StopReason_HALT_REQUEST);
    ck_assert_uint_eq(rep.body.attach_reply.stop.regs.pc, tt_double_regs()->r[TT_REG_PC]);
    ck_assert_int_eq(h_sup.target->state, TT_TARGET_HALTED);
    uint32_t count = rep.body.attach_reply.stop.stop_count;
    ck_assert_int_eq(h_event(&ca, &ev, 50), TT_ERR_TIMEOUT); /* reported once: in the reply */
    ck_assert_int_eq(halt(&ca), TT_OK); /* the same stop */
    ck_assert_uint_eq(rep.body.stop_event.stop_count, count);
}
END_TEST

START_TEST(dbg_halt_registers_step)
{
    /* [DBG-020], [DBG-043], [DBG-011], [DBG-022] STEP, [DBG-050] */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    h_run(20);
    ck_assert_int_eq(halt(&ca), TT_OK);
    ck_assert_uint_eq(rep.which_body, tether_v1_Message_stop_event_tag);
    tether_v1_StopEvent st = rep.body.stop_event;
    ck_assert_int_eq(st.reason, tether_v1_StopReason_HALT_REQUEST);
    ck_assert(st.has_regs);
    ck_assert_uint_eq(st.regs.pc, tt_double_regs()->r[TT_REG_PC]);
    ck_assert_uint_eq(st.regs.sp, H_RAM_TOP);
    ck_assert_uint_eq(st.stack.size, 0); /* sp at the top: nothing above it is RAM */
    ck_assert_int_eq(halt(&ca), TT_OK); /* already halted: the same stop again */
    ck_assert_uint_eq(rep.body.stop_event.stop_count, st.stop_count);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_read_registers_tag), &rep), TT_OK);
    ck_assert_uint_eq(rep.body.registers.regs_count, 23);
    ck_assert_uint_eq(rep.body.registers.regs[15].num, 15);
    ck_assert_uint_eq(rep.body.registers.regs[15].value, st.regs.pc);
    ck_assert_uint_eq(rep.body.registers.regs[16].num, 25);
    ck_assert_uint_eq(rep.body.registers.regs[22].num, 31);
    tether_v1_ReadRegisters *rr = &msg(tether_v1_Message_read_registers_tag)->body.read_registers;
    rr->regnums[0] = 0;
    rr->regnums[1] = 16; /* not a register of the service */
    rr->regnums_count = 2;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_DBG_ACCESS);
    ck_assert_uint_eq(rep.body.error.detail, 16);
    /* Put the app on count: movs r0,#0 then step. */
    tether_v1_WriteRegisters *wr = &msg(tether_v1_Message_write_registers_tag)->body.write_registers;
    wr->regs[0] = (tether_v1_RegValue){15, CODE(H_COUNT)};
    wr->regs[1] = (tether_v1_RegValue){13, H_RAM_TOP - 64};
    wr->regs_count = 2;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_STEP, 0, 0, NULL, 0), TT_OK);
    const tether_v1_StopEvent *s = stop_event(&ca);
    ck_assert_int_eq(s->reason, tether_v1_StopReason_STEP_DONE);
    ck_assert_uint_eq(s->regs.pc, CODE(H_COUNT + 2));
    ck_assert_uint_eq(s->regs.r0, 0);
    ck_assert_uint_eq(s->stop_count, st.stop_count + 1);
    ck_assert_uint_eq(s->stack_addr, H_RAM_TOP - 64); /* window clipped at the RAM's end */
    ck_assert_uint_eq(s->stack.size, 64);
}
END_TEST

START_TEST(dbg_breakpoint_continue_range_step)
{
    /* [DBG-021] breakpoint set with the resume, [DBG-023], [DBG-022] RANGE_STEP, [DBG-033] */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert_int_eq(halt(&ca), TT_OK);
    uint32_t bp = CODE(H_FUNC);
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_CONTINUE, 0, 0, &bp, 1), TT_OK);
    const tether_v1_StopEvent *s = stop_event(&ca);
    ck_assert_int_eq(s->reason, tether_v1_StopReason_BREAKPOINT);
    ck_assert_uint_eq(s->regs.pc, bp);
    ck_assert_uint_eq(s->regs.lr, CODE(H_MAIN + 8) | 1u);
    uint32_t r0 = s->regs.r0;
    /* The breakpoint is invisible to reads ([DBG-033]). */
    ck_assert_int_eq(read_mem(&ca, bp, 2), TT_OK);
    ck_assert_uint_eq(rep.body.memory_data.data.bytes[1], 0xBF);
    /* Continue from the breakpoint: it executes there and stops one iteration later. */
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_CONTINUE, 0, 0, NULL, 0), TT_OK);
    s = stop_event(&ca);
    ck_assert_int_eq(s->reason, tether_v1_StopReason_BREAKPOINT);
    ck_assert_uint_eq(s->regs.r0, r0 + 1);
    /* Range step through func's body: stops when the pc leaves it (back in main). */
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_RANGE_STEP, bp, bp + 6, NULL, 0), TT_OK);
    s = stop_event(&ca);
    ck_assert_int_eq(s->reason, tether_v1_StopReason_RANGE_STEP_DONE);
    ck_assert_uint_eq(s->regs.pc, CODE(H_MAIN + 8));
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_RANGE_STEP, bp + 6, bp, NULL, 0),
                     TT_ERR_DBG_ACCESS);
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_RANGE_STEP, 0x10000000u, 0x10000010u,
                            NULL, 0),
                     TT_ERR_DBG_ACCESS);
}
END_TEST

/* [DBG-070] bit 0 of breakpoint and range addresses is ignored; [DBG-071] the pc of a
 * BREAKPOINT stop is the breakpoint's address, bit 0 clear; [DBG-072] the stack window is
 * exactly 320 bytes while RAM continues, and ends exactly where RAM ends. */
START_TEST(dbg_thumb_bit_stop_pc_and_window)
{
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert_int_eq(halt(&ca), TT_OK);
    uint32_t sp = H_RAM_TOP - 1024 + 8, bp = CODE(H_FUNC);
    tether_v1_WriteRegisters *wr = &msg(tether_v1_Message_write_registers_tag)->body.write_registers;
    wr->regs[0] = (tether_v1_RegValue){15, CODE(H_MAIN)};
    wr->regs[1] = (tether_v1_RegValue){13, sp};
    wr->regs_count = 2;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    uint32_t odd = bp | 1u;
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_CONTINUE, 0, 0, &odd, 1), TT_OK);
    tether_v1_StopEvent st = *stop_event(&ca);
    ck_assert_int_eq(st.reason, tether_v1_StopReason_BREAKPOINT);
    ck_assert_uint_eq(st.regs.pc, bp);
    ck_assert_uint_eq(st.regs.sp, sp);
    ck_assert_uint_eq(st.stack_addr, sp & ~63u);
    ck_assert_uint_eq(st.stack.size, TT_STACK_WINDOW_MAX); /* RAM continues: all 320 */
    ck_assert_int_eq(read_mem(&ca, st.stack_addr, TT_STACK_WINDOW_MAX), TT_OK);
    ck_assert_mem_eq(rep.body.memory_data.data.bytes, st.stack.bytes, TT_STACK_WINDOW_MAX);
    /* A range with odd bounds is the even range: [bp, bp+4) stops at bp+4 (bx lr), which
     * an end of bp+5 would have included. */
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_RANGE_STEP, bp | 1u, (bp + 4) | 1u, NULL,
                            0),
                     TT_OK);
    const tether_v1_StopEvent *s = stop_event(&ca);
    ck_assert_int_eq(s->reason, tether_v1_StopReason_RANGE_STEP_DONE);
    ck_assert_uint_eq(s->regs.pc, bp + 4);
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_RANGE_STEP, bp | 1u, bp, NULL, 0),
                     TT_ERR_DBG_ACCESS); /* empty once bit 0 is cleared */
    /* Set at addr|1, clear at addr: the same breakpoint. */
    tether_v1_SetBreakpoint *sb = &msg(tether_v1_Message_set_breakpoint_tag)->body.set_breakpoint;
    sb->has_bp = true;
    sb->bp = (tether_v1_Breakpoint){bp | 1u, tether_v1_BreakpointKind_SOFTWARE, 2};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_ge(tt_target_bp_find(h_sup.target, bp), 0);
    tether_v1_ClearBreakpoint *clr =
        &msg(tether_v1_Message_clear_breakpoint_tag)->body.clear_breakpoint;
    clr->has_bp = true;
    clr->bp = (tether_v1_Breakpoint){bp, tether_v1_BreakpointKind_SOFTWARE, 2};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_eq(tt_target_bp_find(h_sup.target, bp), -1);
    /* sp 104 bytes below the RAM's end: the window is the 128 bytes to that end, and the
     * next byte is not app memory. */
    wr = &msg(tether_v1_Message_write_registers_tag)->body.write_registers;
    wr->regs[0] = (tether_v1_RegValue){13, H_RAM_TOP - 104};
    wr->regs_count = 1;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_STEP, 0, 0, NULL, 0), TT_OK);
    s = stop_event(&ca);
    ck_assert_uint_eq(s->stack_addr, (H_RAM_TOP - 104) & ~63u);
    ck_assert_uint_eq(s->stack.size, H_RAM_TOP - s->stack_addr);
    ck_assert_int_eq(read_mem(&ca, s->stack_addr + s->stack.size, 1), TT_ERR_DBG_ACCESS);
}
END_TEST

START_TEST(dbg_resume_refused_changes_nothing)
{
    /* [DBG-021], [DBG-012], [DBG-030], [DBG-031], [VER-006], [CTL-011] */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_CONTINUE, 0, 0, NULL, 0),
                     TT_ERR_DBG_RUNNING);
    ck_assert_int_eq(halt(&ca), TT_OK);
    uint32_t stop_count = rep.body.stop_event.stop_count;
    uint32_t good = CODE(H_FUNC);
    tether_v1_SetBreakpoint *sb = &msg(tether_v1_Message_set_breakpoint_tag)->body.set_breakpoint;
    sb->has_bp = true;
    sb->bp = (tether_v1_Breakpoint){good, tether_v1_BreakpointKind_SOFTWARE, 2};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK); /* idempotent */
    sb = &msg(tether_v1_Message_set_breakpoint_tag)->body.set_breakpoint;
    sb->has_bp = true;
    sb->bp = (tether_v1_Breakpoint){good, tether_v1_BreakpointKind_HARDWARE, 2};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_MSG_UNSUPPORTED);
    sb->bp = (tether_v1_Breakpoint){good, tether_v1_BreakpointKind_SOFTWARE, 3};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_MSG_DECODE);
    sb->bp = (tether_v1_Breakpoint){0x10000000u, tether_v1_BreakpointKind_SOFTWARE, 2};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_DBG_ACCESS);
    sb->bp = (tether_v1_Breakpoint){good, (tether_v1_BreakpointKind)7, 2};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_MSG_UNSUPPORTED);
    /* [DBG-080]..[DBG-082]: write watchpoints of 1..8 bytes of the app's RAM */
    tether_v1_SetWatchpoint *sw = &msg(tether_v1_Message_set_watchpoint_tag)->body.set_watchpoint;
    sw->has_wp = true;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_MSG_DECODE); /* len 0 */
    sw->wp = (tether_v1_Watchpoint){TT_DOUBLE_RAM_BASE, 9, tether_v1_WatchKind_WATCH_WRITE};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_MSG_DECODE);
    sw->wp = (tether_v1_Watchpoint){TT_DOUBLE_RAM_BASE, 4, tether_v1_WatchKind_WATCH_READ};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_MSG_UNSUPPORTED);
    sw->wp = (tether_v1_Watchpoint){0x38000000u, 4, tether_v1_WatchKind_WATCH_WRITE};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_DBG_ACCESS);
    sw->wp = (tether_v1_Watchpoint){TT_DOUBLE_RAM_BASE, 4, tether_v1_WatchKind_WATCH_WRITE};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert(tt_target_wp_any(h_sup.target));
    tether_v1_ClearWatchpoint *cw =
        &msg(tether_v1_Message_clear_watchpoint_tag)->body.clear_watchpoint;
    cw->has_wp = true;
    cw->wp = (tether_v1_Watchpoint){TT_DOUBLE_RAM_BASE, 4, tether_v1_WatchKind_WATCH_WRITE};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert(!tt_target_wp_any(h_sup.target));
    /* A resume whose set has one bad breakpoint: Error, detail = its index, nothing changed. */
    uint32_t set[2] = {CODE(H_MAIN), 0x38000000u};
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_CONTINUE, 0, 0, set, 2),
                     TT_ERR_DBG_ACCESS);
    ck_assert_uint_eq(rep.body.error.detail, 1);
    tether_v1_Resume *r = &msg(tether_v1_Message_resume_tag)->body.resume;
    r->action = (tether_v1_ResumeAction)9;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_MSG_UNSUPPORTED);
    ck_assert_int_eq(halt(&ca), TT_OK);
    ck_assert_uint_eq(rep.body.stop_event.stop_count, stop_count); /* still the same stop */
    ck_assert_int_eq(h_sup.target->bp[0].used, 1);
    ck_assert_uint_eq(h_sup.target->bp[0].addr, good);
    ck_assert_int_eq(tt_target_bp_find(h_sup.target, CODE(H_MAIN)), -1);
}
END_TEST

START_TEST(dbg_memory_access_rules)
{
    /* [DBG-010], [DBG-040], [DBG-041], [DBG-042], [DBG-014], [SEC-16], [LIM-012] */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    tether_v1_ReadMemory *r = &msg(tether_v1_Message_read_memory_tag)->body.read_memory;
    r->ranges[0] = (tether_v1_MemRange){CODE(H_MAIN), 4};
    r->ranges[1] = (tether_v1_MemRange){TT_DOUBLE_RAM_BASE, 8};
    r->ranges_count = 2;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK); /* allowed while running */
    ck_assert_uint_eq(rep.body.memory_data.data.size, 12);
    ck_assert_uint_eq(rep.body.memory_data.data.bytes[0], 0x00);
    ck_assert_uint_eq(rep.body.memory_data.data.bytes[1], 0x20);
    r = &msg(tether_v1_Message_read_memory_tag)->body.read_memory;
    r->ranges[0] = (tether_v1_MemRange){CODE(0), 4};
    r->ranges[1] = (tether_v1_MemRange){0x10000000u + CODE(0), 4}; /* Secure alias */
    r->ranges_count = 2;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_DBG_ACCESS);
    ck_assert_uint_eq(rep.body.error.detail, 1);
    const uint32_t refused[][2] = {{0x38000000u, 4},  {0xE000ED00u, 4}, {0xE002ED00u, 4},
                                   {0xFFFFFFFEu, 4},  {H_RAM_TOP - 2, 4}, {CODE(0), 0},
                                   {0x50200000u, 4}};
    for (unsigned k = 0; k < sizeof refused / sizeof refused[0]; k++)
        ck_assert_int_eq(read_mem(&ca, refused[k][0], refused[k][1]), TT_ERR_DBG_ACCESS);
    ck_assert_int_eq(read_mem(&ca, TT_DOUBLE_RAM_BASE, 1025), TT_ERR_MSG_DECODE);
    r = &msg(tether_v1_Message_read_memory_tag)->body.read_memory;
    r->ranges[0] = (tether_v1_MemRange){TT_DOUBLE_RAM_BASE, 1000};
    r->ranges[1] = (tether_v1_MemRange){TT_DOUBLE_RAM_BASE, 25};
    r->ranges_count = 2;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_MSG_DECODE);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_read_memory_tag), &rep), TT_ERR_MSG_DECODE);
    ck_assert_int_eq(read_mem(&ca, TT_DOUBLE_RAM_BASE, 1024), TT_OK);
    /* Writes: halted only, exact lengths, then the bytes are there. */
    tether_v1_WriteMemory *w = &msg(tether_v1_Message_write_memory_tag)->body.write_memory;
    w->ranges[0] = (tether_v1_MemRange){TT_DOUBLE_RAM_BASE + 16, 3};
    w->ranges[1] = (tether_v1_MemRange){TT_DOUBLE_RAM_BASE + 32, 2};
    w->ranges_count = 2;
    memcpy(w->data.bytes, "abcde", 5);
    w->data.size = 5;
    tether_v1_Message wreq = req;
    ck_assert_int_eq(h_call(&ca, &wreq, &rep), TT_ERR_DBG_RUNNING);
    ck_assert_int_eq(halt(&ca), TT_OK);
    wreq.body.write_memory.data.size = 4;
    ck_assert_int_eq(h_call(&ca, &wreq, &rep), TT_ERR_MSG_DECODE);
    wreq.body.write_memory.data.size = 5;
    wreq.body.write_memory.ranges[1].addr = 0x38000000u;
    ck_assert_int_eq(h_call(&ca, &wreq, &rep), TT_ERR_DBG_ACCESS);
    ck_assert_uint_eq(rep.body.error.detail, 1);
    ck_assert_int_eq(read_mem(&ca, TT_DOUBLE_RAM_BASE + 16, 3), TT_OK);
    ck_assert_uint_eq(rep.body.memory_data.data.bytes[0], 0); /* nothing of it applied */
    wreq.body.write_memory.ranges[1].addr = TT_DOUBLE_RAM_BASE + 32;
    ck_assert_int_eq(h_call(&ca, &wreq, &rep), TT_OK);
    ck_assert_int_eq(read_mem(&ca, TT_DOUBLE_RAM_BASE + 32, 2), TT_OK);
    ck_assert_mem_eq(rep.body.memory_data.data.bytes, "de", 2);
    /* Registers: a pc outside the app's code is refused ([DBG-044]). */
    tether_v1_WriteRegisters *wr = &msg(tether_v1_Message_write_registers_tag)->body.write_registers;
    wr->regs[0] = (tether_v1_RegValue){15, 0x10000400u};
    wr->regs_count = 1;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_DBG_ACCESS);
    ck_assert_uint_eq(rep.body.error.detail, 15);
    wr = &msg(tether_v1_Message_write_registers_tag)->body.write_registers;
    wr->regs[0] = (tether_v1_RegValue){20, 1};
    wr->regs_count = 1;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_DBG_ACCESS);
    ck_assert_uint_eq(rep.body.error.detail, 20);
}
END_TEST

START_TEST(dbg_fault_stop_and_link_up)
{
    /* [DBG-051], [DBG-050] fault registers; the link stays up */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert_int_eq(halt(&ca), TT_OK);
    tether_v1_WriteRegisters *wr = &msg(tether_v1_Message_write_registers_tag)->body.write_registers;
    wr->regs[0] = (tether_v1_RegValue){15, CODE(H_FAULT)};
    wr->regs_count = 1;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_eq(resume(&ca, tether_v1_ResumeAction_CONTINUE, 0, 0, NULL, 0), TT_OK);
    const tether_v1_StopEvent *s = stop_event(&ca);
    ck_assert_int_eq(s->reason, tether_v1_StopReason_FAULT);
    ck_assert(s->has_fault);
    ck_assert_uint_eq(s->fault.cfsr, 1u << 16);
    ck_assert_uint_eq(s->fault.hfsr, 1u << 30);
    ck_assert_uint_eq(s->regs.pc, CODE(H_FAULT + 2));
    ck_assert_int_eq(ping(&ca), TT_OK);
}
END_TEST

START_TEST(dbg_unattended_fault_given_at_attach)
{
    /* [DBG-061], [DBG-002] AttachReply carries the recorded stop; [DBG-004] detach */
    tt_double_regs()->r[TT_REG_PC] = CODE(H_FAULT);
    h_run(5);
    ck_assert_int_eq(h_target.state, TT_TARGET_HALTED);
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert(rep.body.attach_reply.halted);
    ck_assert(rep.body.attach_reply.has_stop);
    ck_assert_int_eq(rep.body.attach_reply.stop.reason, tether_v1_StopReason_FAULT);
    ck_assert_uint_eq(rep.body.attach_reply.stop.stop_count, 1);
    /* Move the app back to main; detach resumes it with no breakpoints. */
    tether_v1_WriteRegisters *wr = &msg(tether_v1_Message_write_registers_tag)->body.write_registers;
    wr->regs[0] = (tether_v1_RegValue){15, CODE(H_MAIN)};
    wr->regs_count = 1;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    tether_v1_SetBreakpoint *sb = &msg(tether_v1_Message_set_breakpoint_tag)->body.set_breakpoint;
    sb->has_bp = true;
    sb->bp = (tether_v1_Breakpoint){CODE(H_FUNC), tether_v1_BreakpointKind_SOFTWARE, 2};
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_detach_tag), &rep), TT_OK);
    ck_assert_int_eq(h_target.state, TT_TARGET_RUNNING);
    unsigned long before = tt_double_executed();
    h_run(50);
    ck_assert_int_eq(h_target.state, TT_TARGET_RUNNING); /* no breakpoint left */
    ck_assert_uint_gt(tt_double_executed(), before + 1000);
}
END_TEST

START_TEST(dbg_session_end_moves_or_detaches)
{
    /* [DBG-060]: same key takes over; otherwise detach and the app runs */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert_int_eq(halt(&ca), TT_OK);
    ck_assert_int_eq(h_connect(&cb, &alice, ALL), TT_OK);
    ck_assert_int_eq(ping(&cb), TT_OK);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_close_tag), &rep), TT_OK);
    ck_assert_int_eq(h_target.state, TT_TARGET_HALTED); /* moved to cb, still halted */
    ck_assert_int_eq(h_call(&cb, msg(tether_v1_Message_read_registers_tag), &rep), TT_OK);
    ck_assert_int_eq(h_call(&cb, msg(tether_v1_Message_close_tag), &rep), TT_OK);
    ck_assert_int_eq(h_target.state, TT_TARGET_RUNNING);
    ck_assert_int_eq(h_sup.dbg.attached, -1);
}
END_TEST

START_TEST(dbg_reset_app)
{
    /* [DBG-026], [DBG-003] */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    msg(tether_v1_Message_reset_app_tag)->body.reset_app.halt_after_reset = true;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_ERR_STATE); /* not attached */
    ck_assert_int_eq(attach(&ca), TT_OK);
    msg(tether_v1_Message_reset_app_tag)->body.reset_app.halt_after_reset = true;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    const tether_v1_StopEvent *s = stop_event(&ca);
    ck_assert_int_eq(s->reason, tether_v1_StopReason_RESET);
    ck_assert_uint_eq(s->regs.pc, CODE(H_MAIN));
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_reset_app_tag), &rep), TT_OK);
    ck_assert_int_eq(h_target.state, TT_TARGET_RUNNING);
}
END_TEST

/* ==================================================================== log, attest ==== */

START_TEST(log_subscribe_entries_and_drops)
{
    /* [LOG-001], [LOG-003], [LOG-010], [LOG-011], [LOG-012], [LOG-014] */
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_LOG), TT_OK);
    tt_host_app_log((const uint8_t *)"one", 3);
    tt_host_app_log((const uint8_t *)"t\xffo", 3);
    h_run(2);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_log_subscribe_tag), &rep), TT_OK);
    ck_assert_int_eq(h_event(&ca, &ev, 500), TT_OK);
    ck_assert_uint_eq(ev.which_body, tether_v1_Message_log_entries_tag);
    ck_assert_uint_eq(ev.body.log_entries.entries_count, 2);
    ck_assert_uint_eq(ev.body.log_entries.entries[0].seq, 1);
    ck_assert_str_eq(ev.body.log_entries.entries[0].text, "one");
    ck_assert_str_eq(ev.body.log_entries.entries[1].text, "t?o");
    ck_assert_uint_eq(ev.body.log_entries.dropped, 0);
    /* 30 entries while nobody reads: the rings overwrite, the next event counts the loss. */
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_log_unsubscribe_tag), &rep), TT_OK);
    for (unsigned k = 0; k < 30; k++) {
        tt_host_app_log((const uint8_t *)"x", 1);
        if (k % 4 == 3)
            h_run(1);
    }
    h_run(2);
    msg(tether_v1_Message_log_subscribe_tag)->body.log_subscribe.from_seq = 3;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_int_eq(h_event(&ca, &ev, 500), TT_OK);
    uint32_t first = ev.body.log_entries.entries[0].seq;
    ck_assert_uint_gt(first, 3);
    ck_assert_uint_eq(first - ev.body.log_entries.dropped, 3);
}
END_TEST

/* [LOG-030] Limits.log_ring is the ring's size: a subscriber from the start gets exactly
 * that many entries after a longer run; [LOG-031] from_seq 0 counts every entry since boot
 * that is no longer held as dropped. */
START_TEST(log_ring_advertised_and_from_zero)
{
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_LOG), TT_OK);
    uint32_t ring = ca.c.reply.reply.hello.limits.log_ring;
    ck_assert_uint_eq(ring, TT_SUP_LOG_RING);
    msg(tether_v1_Message_get_capabilities_tag);
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_uint_eq(rep.body.capabilities.limits.log_ring, ring);
    unsigned written = ring + 9;
    for (unsigned k = 0; k < written; k++) {
        tt_host_app_log((const uint8_t *)"y", 1);
        h_run(1); /* the supervisor collects each: only its own ring overwrites */
    }
    msg(tether_v1_Message_log_subscribe_tag)->body.log_subscribe.from_seq = 0;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    uint32_t got = 0, next = 0, dropped = 0;
    while (got < ring && h_event(&ca, &ev, 500) == TT_OK) {
        if (ev.which_body != tether_v1_Message_log_entries_tag)
            continue;
        const tether_v1_LogEntries *le = &ev.body.log_entries;
        if (got == 0) {
            dropped = le->dropped;
            ck_assert_uint_eq(le->entries[0].seq - le->dropped, 1); /* counted from seq 1 */
        } else {
            ck_assert_uint_eq(le->dropped, 0);
            ck_assert_uint_eq(le->entries[0].seq, next);
        }
        got += le->entries_count;
        next = le->entries[le->entries_count - 1].seq + 1;
    }
    ck_assert_uint_eq(got, ring);
    ck_assert_uint_eq(dropped, written - ring);
    ck_assert_uint_eq(next, written + 1);
}
END_TEST

START_TEST(att_evidence_signed)
{
    /* [ATT-010], [ATT-011], [ATT-012], [ATT-020] */
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_ATTEST), TT_OK);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_attest_challenge_tag), &rep),
                     TT_ERR_MSG_DECODE);
    memset(msg(tether_v1_Message_attest_challenge_tag)->body.attest_challenge.nonce, 0x77, 32);
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    const tether_v1_AttestEvidence *a = &rep.body.attest_evidence;
    uint8_t digest[32];
    ck_assert_int_eq(tt_crypto_sodium.sha256(digest, (const uint8_t *)TT_EVIDENCE_SIG_CONTEXT,
                                             sizeof TT_EVIDENCE_SIG_CONTEXT, a->evidence.bytes,
                                             a->evidence.size),
                     TT_OK);
    ck_assert_int_eq(tt_p256_verify(h_attest_pub, sizeof h_attest_pub, digest, a->signature, 64),
                     TT_OK);
    tether_v1_Evidence e;
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(tt_pb_decode(tether_v1_Evidence_fields, a->evidence.bytes, a->evidence.size,
                                  &e),
                     TT_OK);
    ck_assert_uint_le(a->evidence.size, 192);
    ck_assert_mem_eq(e.device_id, h_keys.device_id, 16);
    ck_assert_uint_eq(e.nonce[31], 0x77);
    ck_assert_uint_eq(e.boot_count, 1);
    ck_assert_uint_eq(e.app_measurement[0], 0xA5);
}
END_TEST

/* [MSG-015], [MSG-011], [ATT-010], [LIM-003]: every body of spec/vectors/reply-id.txt is
 * answered with exactly one Error{msg-decode} carrying the vector's reply_id (an event when
 * 0), nothing else is sent, and the session goes on. */
START_TEST(msg_undecodable_answered_by_request_id)
{
    static struct vec v;
    static uint8_t body[TT_MESSAGE_MAX_LEN];
    unsigned count = 0;
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    FILE *f = vec_open("reply-id.txt");
    while (vec_next(f, &v)) {
        const char *name = vec_get(&v, "name");
        size_t n = vec_hex(vec_get(&v, "body"), body, sizeof body);
        uint32_t rid = (uint32_t)strtoul(vec_get(&v, "reply_id"), NULL, 10);
        ck_assert_str_eq(vec_get(&v, "error"), "msg-decode");
        if (rid != 0) {
            ck_assert_msg(tt_client_call_raw(&ca.c, body, n, rid, &rep, 3000) == TT_OK,
                          "%s: no reply with request_id %u", name, rid);
        } else {
            h_send_raw(&ca, body, n);
            ck_assert_msg(h_event(&ca, &rep, 500) == TT_OK, "%s: no event", name);
        }
        ck_assert_msg(rep.which_body == tether_v1_Message_error_tag &&
                          rep.body.error.code == TT_ERR_MSG_DECODE,
                      "%s: body %u code %u", name, rep.which_body, rep.body.error.code);
        unsigned long delivered = ca.c.delivered;
        h_run(4);
        ck_assert_int_eq(tt_client_pump(&ca.c, 1), TT_OK);
        ck_assert_msg(ca.c.delivered == delivered, "%s: a second answer", name);
        count++;
    }
    fclose(f);
    ck_assert_uint_ge(count, 10);
    ck_assert_int_eq(ping(&ca), TT_OK);
}
END_TEST

START_TEST(robust_mutated_requests)
{
    /* [MSG-004], [CTL-011], [SEC-14]-style robustness: valid requests of every service with
     * 1–3 bytes changed, sent over an authenticated session. Under ASan/UBSan nothing may
     * crash; afterwards the session and the device still work. */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    static tether_v1_Message t[12];
    memset(t, 0, sizeof t);
    t[0].which_body = tether_v1_Message_attach_tag;
    t[1].which_body = tether_v1_Message_read_memory_tag;
    t[1].body.read_memory.ranges_count = 2;
    t[1].body.read_memory.ranges[0] = (tether_v1_MemRange){TT_DOUBLE_RAM_BASE + 64, 16};
    t[1].body.read_memory.ranges[1] = (tether_v1_MemRange){CODE(0x100), 8};
    t[2].which_body = tether_v1_Message_write_memory_tag;
    t[2].body.write_memory.ranges_count = 1;
    t[2].body.write_memory.ranges[0] = (tether_v1_MemRange){TT_DOUBLE_RAM_BASE + 128, 4};
    t[2].body.write_memory.data.size = 4;
    t[3].which_body = tether_v1_Message_resume_tag;
    t[3].body.resume.action = tether_v1_ResumeAction_RANGE_STEP;
    t[3].body.resume.range_start = CODE(H_MAIN);
    t[3].body.resume.range_end = CODE(H_MAIN + 8);
    t[3].body.resume.replace_breakpoints = true;
    t[3].body.resume.breakpoints_count = 1;
    t[3].body.resume.breakpoints[0] = (tether_v1_Breakpoint){CODE(H_FUNC), 0, 2};
    t[4].which_body = tether_v1_Message_set_breakpoint_tag;
    t[4].body.set_breakpoint.has_bp = true;
    t[4].body.set_breakpoint.bp = (tether_v1_Breakpoint){CODE(H_FUNC + 2), 0, 2};
    t[5].which_body = tether_v1_Message_write_registers_tag;
    t[5].body.write_registers.regs_count = 2;
    t[5].body.write_registers.regs[0] = (tether_v1_RegValue){0, 5};
    t[5].body.write_registers.regs[1] = (tether_v1_RegValue){15, CODE(H_MAIN)};
    t[6].which_body = tether_v1_Message_halt_tag;
    t[7].which_body = tether_v1_Message_log_subscribe_tag;
    t[8].which_body = tether_v1_Message_attest_challenge_tag;
    memset(t[8].body.attest_challenge.nonce, 1, 32);
    t[9].which_body = tether_v1_Message_read_registers_tag;
    t[9].body.read_registers.regnums_count = 3;
    t[9].body.read_registers.regnums[2] = 31;
    t[10].which_body = tether_v1_Message_reset_app_tag;
    t[11].which_body = tether_v1_Message_detach_tag;
    uint32_t x = 0x2545F491u; /* xorshift: reproducible; TT_FUZZ_SEED/ITER explore more */
    unsigned iters = 600;
    if (getenv("TT_FUZZ_SEED") != NULL)
        x = (uint32_t)strtoul(getenv("TT_FUZZ_SEED"), NULL, 0) | 1u;
    if (getenv("TT_FUZZ_ITER") != NULL)
        iters = (unsigned)strtoul(getenv("TT_FUZZ_ITER"), NULL, 0);
    uint8_t enc[TT_MESSAGE_MAX_LEN];
    for (unsigned it = 0; it < iters; it++) {
        tether_v1_Message *m = &t[it % 12];
        m->request_id = it + 1;
        size_t n;
        ck_assert_int_eq(tt_msg_encode(m, enc, sizeof enc, &n), TT_OK);
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        for (unsigned k = 0; k <= x % 3; k++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            enc[(x >> 8) % n] ^= (uint8_t)(x | 1u);
        }
        while (tt_rel_window_full(&ca.c.s.rel))
            ck_assert_int_eq(tt_client_pump(&ca.c, 1), TT_OK);
        h_send_raw(&ca, enc, n);
        ck_assert_int_eq(tt_client_pump(&ca.c, 1), TT_OK);
        while (h_event(&ca, &ev, 0) == TT_OK) {
        }
    }
    h_run(50);
    ck_assert_int_eq(ping(&ca), TT_OK);
    ck_assert_int_eq(h_connect(&cb, &bob, ALL), TT_OK);
    ck_assert_int_eq(ping(&cb), TT_OK);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("supervisor");
    TCase *hs = tcase_create("handshake_policy");
    tcase_add_checked_fixture(hs, setup, teardown);
    tcase_set_timeout(hs, 60);
    tcase_add_test(hs, hs_accept_device_hello);
    tcase_add_test(hs, hs_version_refused);
    tcase_add_test(hs, hs_bad_grants_refused);
    tcase_add_test(hs, hs_replay_persisted_across_reboot);
    tcase_add_test(hs, grt_time_floor_persisted_across_reboot);
    tcase_add_test(hs, hs_refusal_changes_nothing);
    tcase_add_test(hs, hs_replay_table_eviction_raises_floor);
    tcase_add_test(hs, hs_session_table_busy_and_eviction);
    tcase_add_test(hs, hs_unconfirmed_evicted_first);
    tcase_add_test(hs, hs_idle_session_evicted);
    tcase_add_test(hs, hs_session_ends_at_reject_time);
    tcase_add_test(hs, hs_initiation_rate_limited);
    tcase_add_test(hs, hs_duplicate_initiation_gets_cached_response);
    tcase_add_test(hs, link_garbage_is_dropped_silently);
    tcase_add_test(hs, hs_pending_once_per_fresh_initiation);
    suite_add_tcase(s, hs);
    TCase *ctl = tcase_create("control");
    tcase_add_checked_fixture(ctl, setup, teardown);
    tcase_set_timeout(ctl, 60);
    tcase_add_test(ctl, ctl_ping_capabilities_close);
    tcase_add_test(ctl, ctl_bad_messages_get_errors);
    tcase_add_test(ctl, ctl_revocation_floor);
    suite_add_tcase(s, ctl);
    TCase *dbg = tcase_create("debug");
    tcase_add_checked_fixture(dbg, setup, teardown);
    tcase_set_timeout(dbg, 60);
    tcase_add_test(dbg, dbg_permissions_and_attachment);
    tcase_add_test(dbg, dbg_attach_and_halt_in_one_request);
    tcase_add_test(dbg, dbg_halt_registers_step);
    tcase_add_test(dbg, dbg_breakpoint_continue_range_step);
    tcase_add_test(dbg, dbg_thumb_bit_stop_pc_and_window);
    tcase_add_test(dbg, dbg_resume_refused_changes_nothing);
    tcase_add_test(dbg, dbg_memory_access_rules);
    tcase_add_test(dbg, dbg_fault_stop_and_link_up);
    tcase_add_test(dbg, dbg_unattended_fault_given_at_attach);
    tcase_add_test(dbg, dbg_session_end_moves_or_detaches);
    tcase_add_test(dbg, dbg_reset_app);
    suite_add_tcase(s, dbg);
    TCase *svc = tcase_create("log_attest");
    tcase_add_checked_fixture(svc, setup, teardown);
    tcase_set_timeout(svc, 60);
    tcase_add_test(svc, log_subscribe_entries_and_drops);
    tcase_add_test(svc, log_ring_advertised_and_from_zero);
    tcase_add_test(svc, att_evidence_signed);
    tcase_add_test(svc, msg_undecodable_answered_by_request_id);
    tcase_add_test(svc, robust_mutated_requests);
    suite_add_tcase(s, svc);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
