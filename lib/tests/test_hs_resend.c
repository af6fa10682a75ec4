/* test_hs_resend.c — Check tests of the handshake resend timer and the pending packet
 * (lib/session/hs_resend.c, pending.c) on a fake clock: nothing here depends on real time.
 *
 * Requirement IDs: [HS-030] 1, 2, 4, 8 s and give-up at 90 s; [PKT-010] the pending packet's
 * exact layout; [HS-071] no resend before the deadline a matching pending sets; [HS-072]
 * expected_ms clamped; [HS-073] a pending for another initiation, a forged digest, a second
 * one for the same transmission are ignored and counted; [HS-074] after the deadline the
 * doubling resumes, and a response lost after a pending is recovered by the resend and the
 * device's cached response ([HS-031]).
 * Depends on: lib/ (session, hs_resend, sodium backend). */
#include <check.h>
#include <string.h>

#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/hs_resend.h"
#include "tether/session.h"

static uint8_t init_pkt[TT_PKT_MAX_LEN];
static size_t init_len;
static uint8_t init_hash[TT_SHA256_LEN];
static const uint32_t SID = 0x1a2b3c4du;

/* A stand-in initiation: the timer only hashes the bytes and reads the sender_id. */
static void make_init(void)
{
    init_len = 140;
    for (size_t i = 0; i < init_len; i++)
        init_pkt[i] = (uint8_t)(i * 7 + 3);
    init_pkt[0] = TT_PKT_INITIATION;
    tt_store_be32(init_pkt + 1, SID);
    ck_assert_int_eq(tt_crypto_sodium.sha256(init_hash, init_pkt, init_len, NULL, 0), TT_OK);
}

static void pending(uint8_t out[TT_PENDING_LEN], uint32_t sid, uint32_t expected_ms)
{
    size_t n = 0;
    ck_assert_int_eq(tt_pending_write(sid, init_hash, expected_ms, out, TT_PENDING_LEN, &n),
                     TT_OK);
    ck_assert_uint_eq(n, TT_PENDING_LEN);
}

/* Polls every ms from `from` to `to` (inclusive) and returns the times it said SEND. */
static size_t sends_between(struct tt_hs_resend *r, uint64_t from, uint64_t to, uint64_t *at,
                            size_t cap)
{
    size_t n = 0;
    for (uint64_t t = from; t <= to; t++) {
        enum tt_hs_resend_action a = tt_hs_resend_poll(r, t);
        ck_assert(a != TT_HS_RESEND_GIVE_UP);
        if (a == TT_HS_RESEND_SEND) {
            ck_assert(n < cap);
            at[n++] = t;
        }
    }
    return n;
}

START_TEST(pending_bytes)
{
    make_init();
    uint8_t p[TT_PENDING_LEN], small[TT_PENDING_LEN - 1];
    size_t n;
    pending(p, SID, 0x00010203u);
    ck_assert_uint_eq(p[0], 0x04);
    ck_assert_uint_eq(tt_load_be32(p + 1), SID);
    ck_assert(memcmp(p + 5, init_hash, 16) == 0);
    ck_assert_uint_eq(tt_load_be32(p + 21), 0x00010203u);
    ck_assert_int_eq(tt_pending_write(SID, init_hash, 1, small, sizeof small, &n), TT_ERR_ARG);
    ck_assert_int_eq(tt_pending_write(0, init_hash, 1, p, sizeof p, &n), TT_ERR_ARG);
    struct tt_pending got;
    ck_assert_int_eq(tt_pending_parse(p, sizeof p, &got), TT_OK);
    ck_assert_uint_eq(got.sender_id, SID);
    ck_assert(got.digest == p + 5);
    ck_assert_uint_eq(got.expected_ms, 0x00010203u);
    ck_assert_int_eq(tt_pending_parse(p, sizeof p - 1, &got), TT_ERR_PKT_LENGTH);
    ck_assert_int_eq(tt_pending_parse(p, 0, &got), TT_ERR_PKT_LENGTH);
    ck_assert_int_eq(tt_pending_parse(init_pkt, init_len, &got), TT_ERR_PKT_TYPE);
    p[0] = 0x05;
    ck_assert_int_eq(tt_pending_parse(p, sizeof p, &got), TT_ERR_PKT_TYPE);
}
END_TEST

START_TEST(no_pending_doubles)
{
    make_init();
    struct tt_hs_resend r;
    uint64_t at[16];
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, init_len, 5000, 0),
                     TT_OK);
    size_t n = sends_between(&r, 5000, 5000 + 31000, at, 16);
    /* [HS-030]: 1, 2, 4, 8, 8, 8 s after the previous one */
    const uint64_t want[] = {6000, 8000, 12000, 20000, 28000, 36000};
    ck_assert_uint_eq(n, 6);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(at[i], want[i]);
    ck_assert_uint_eq(r.sent, 7);
    while (tt_hs_resend_poll(&r, 5000 + TT_HS_GIVE_UP_MS - 1) != TT_HS_RESEND_WAIT)
        ;
    ck_assert_int_eq(tt_hs_resend_poll(&r, 5000 + TT_HS_GIVE_UP_MS), TT_HS_RESEND_GIVE_UP);
    /* a known slow link starts at twice its RTT */
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, init_len, 0, 600),
                     TT_OK);
    ck_assert_uint_eq(tt_hs_resend_next_ms(&r), 1200);
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, init_len, 0, 400),
                     TT_OK);
    ck_assert_uint_eq(tt_hs_resend_next_ms(&r), 1000);
    /* only an initiation can be started */
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, 100, 0, 0), TT_ERR_ARG);
}
END_TEST

START_TEST(matching_pending_waits)
{
    make_init();
    struct tt_hs_resend r;
    uint8_t p[TT_PENDING_LEN];
    uint64_t at[8];
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, init_len, 0, 0), TT_OK);
    ck_assert_uint_eq(sends_between(&r, 0, 300, at, 8), 0);
    pending(p, SID, 2500); /* arrives 300 ms after the initiation left */
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p, 300), TT_OK);
    ck_assert_uint_eq(r.rtt_ms, 300);
    ck_assert_uint_eq(r.expected_ms, 2500);
    /* [HS-071]: nothing before 300 + 2500 + 300 */
    ck_assert_uint_eq(sends_between(&r, 301, 3099, at, 8), 0);
    /* [HS-074]: then the doubling resumes where it was (next interval 2 s, then 4 s) */
    ck_assert_uint_eq(sends_between(&r, 3100, 9099, at, 8), 2);
    ck_assert_uint_eq(at[0], 3100);
    ck_assert_uint_eq(at[1], 5100);
    ck_assert_uint_eq(r.ignored, 0);
}
END_TEST

START_TEST(short_pending_never_hastens)
{
    make_init();
    struct tt_hs_resend r;
    uint8_t p[TT_PENDING_LEN];
    uint64_t at[8];
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, init_len, 0, 0), TT_OK);
    pending(p, SID, 0);
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p, 100), TT_OK);
    ck_assert_uint_eq(sends_between(&r, 0, 999, at, 8), 0); /* still [HS-030]'s 1 s */
    ck_assert_uint_eq(sends_between(&r, 1000, 1000, at, 8), 1);
}
END_TEST

START_TEST(mismatched_pending_ignored)
{
    make_init();
    struct tt_hs_resend r;
    uint8_t p[TT_PENDING_LEN];
    uint64_t at[8];
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, init_len, 0, 0), TT_OK);
    pending(p, SID + 1, 20000); /* another initiation's sender_id */
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p, 200), TT_ERR_HS_UNKNOWN);
    pending(p, SID, 20000);
    p[5 + 15] ^= 1; /* a digest that is not this initiation's */
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p, 210), TT_ERR_HS_UNKNOWN);
    p[5 + 15] ^= 1;
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p - 1, 220), TT_ERR_PKT_LENGTH);
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, init_pkt, init_len, 230), TT_ERR_PKT_TYPE);
    ck_assert_uint_eq(r.ignored, 4);
    ck_assert_uint_eq(r.waits, 0);
    /* [HS-073]: never acted on: the resend is at 1 s as without any */
    ck_assert_uint_eq(sends_between(&r, 0, 1000, at, 8), 1);
    ck_assert_uint_eq(at[0], 1000);
}
END_TEST

START_TEST(hostile_expected_clamped)
{
    make_init();
    struct tt_hs_resend r;
    uint8_t p[TT_PENDING_LEN];
    uint64_t at[8];
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, init_len, 0, 0), TT_OK);
    pending(p, SID, 0xFFFFFFFFu);
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p, 400), TT_OK);
    ck_assert_uint_eq(r.expected_ms, TT_HS_PENDING_MAX_MS);
    ck_assert_uint_eq(tt_hs_resend_next_ms(&r), 400 + TT_HS_PENDING_MAX_MS + 400);
    /* a replay of the same pending cannot extend the wait: one per transmission */
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p, 30000), TT_ERR_HS_UNKNOWN);
    ck_assert_uint_eq(tt_hs_resend_next_ms(&r), 400 + TT_HS_PENDING_MAX_MS + 400);
    ck_assert_uint_eq(sends_between(&r, 0, 30799, at, 8), 0);
    ck_assert_uint_eq(sends_between(&r, 30800, 30800, at, 8), 1);
    /* the resend allows one more, still clamped; the give-up stays at 90 s */
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p, 31000), TT_OK);
    ck_assert_uint_eq(tt_hs_resend_next_ms(&r), 31000 + TT_HS_PENDING_MAX_MS + 200);
    ck_assert_int_eq(tt_hs_resend_poll(&r, 61199), TT_HS_RESEND_WAIT);
    ck_assert_int_eq(tt_hs_resend_poll(&r, 61200), TT_HS_RESEND_SEND);
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, sizeof p, 61300), TT_OK);
    ck_assert_uint_eq(tt_hs_resend_next_ms(&r), TT_HS_GIVE_UP_MS); /* earlier than the wait */
    ck_assert_int_eq(tt_hs_resend_poll(&r, TT_HS_GIVE_UP_MS), TT_HS_RESEND_GIVE_UP);
}
END_TEST

/* A real handshake: the device sends pending, then its response is lost; the client resends
 * the same bytes after the deadline and the device's cached response completes it. */
START_TEST(lost_response_after_pending)
{
    static struct tt_session cl, dev;
    static struct tt_rel_slot cs[4], ds[4];
    uint8_t csk[32], dsk[32], dpk[32], hello[3] = {1, 2, 3}, hb[64], resp[TT_PKT_MAX_LEN],
            hash[TT_SHA256_LEN], p[TT_PENDING_LEN], reply[64];
    size_t il, hl, rl, pl, n;
    for (int i = 0; i < 32; i++) {
        csk[i] = (uint8_t)(0x40 + i);
        dsk[i] = (uint8_t)(0x90 + i);
    }
    ck_assert_int_eq(tt_crypto_sodium.x25519_public(dpk, dsk), TT_OK);
    ck_assert_int_eq(tt_session_initiate(&cl, &tt_crypto_sodium, csk, dpk, NULL, hello,
                                         sizeof hello, cs, 4, 1000, init_pkt, sizeof init_pkt,
                                         &il),
                     TT_OK);
    struct tt_hs_resend r;
    ck_assert_int_eq(tt_hs_resend_start(&r, &tt_crypto_sodium, init_pkt, il, 0, 0), TT_OK);
    /* device: pending first (cheap checks passed), then the work and the cached response */
    ck_assert_int_eq(tt_crypto_sodium.sha256(hash, init_pkt, il, NULL, 0), TT_OK);
    ck_assert_int_eq(tt_pending_write(tt_load_be32(init_pkt + 1), hash, 4000, p, sizeof p, &pl),
                     TT_OK);
    ck_assert_int_eq(tt_session_accept(&dev, &tt_crypto_sodium, dsk, init_pkt, il, hb,
                                       sizeof hb, &hl),
                     TT_OK);
    ck_assert_int_eq(tt_session_respond(&dev, 0x55667788u, NULL, hb, hl, ds, 4, 1000, 0, resp,
                                        sizeof resp, &rl),
                     TT_OK);
    ck_assert_int_eq(tt_hs_resend_on_pending(&r, p, pl, 350), TT_OK);
    /* the response is lost: nothing until 350 + 4000 + 350 */
    for (uint64_t t = 351; t < 4700; t += 7)
        ck_assert_int_eq(tt_hs_resend_poll(&r, t), TT_HS_RESEND_WAIT);
    ck_assert_int_eq(tt_hs_resend_poll(&r, 4700), TT_HS_RESEND_SEND);
    const uint8_t *again;
    ck_assert_int_eq(tt_session_initiation(&cl, &again, &n), TT_OK);
    uint8_t h2[TT_SHA256_LEN];
    ck_assert_int_eq(tt_crypto_sodium.sha256(h2, again, n, NULL, 0), TT_OK);
    ck_assert(n == il && memcmp(h2, hash, sizeof h2) == 0); /* [HS-031] matches the cache */
    ck_assert_int_eq(tt_session_on_response(&cl, resp, rl, 5000, reply, sizeof reply, &n), TT_OK);
    ck_assert_uint_eq(n, hl);
    ck_assert_int_eq(cl.state, TT_SESSION_ESTABLISHED);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hs_resend");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, pending_bytes);
    tcase_add_test(tc, no_pending_doubles);
    tcase_add_test(tc, matching_pending_waits);
    tcase_add_test(tc, short_pending_never_hastens);
    tcase_add_test(tc, mismatched_pending_ignored);
    tcase_add_test(tc, hostile_expected_clamped);
    tcase_add_test(tc, lost_response_after_pending);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
