/* test_session.c — Check tests of the session engine (lib/session): handshake packets with
 * both crypto backends in both roles, rejection of bad responses, and the session surviving a
 * transport cut over a framed byte stream with no request lost or executed twice.
 *
 * Requirement IDs: [PKT-001..004] packet layouts and ids, [HS-001] client initiates,
 * [HS-004] message 1 carries only the hello, [REC-003] records after split, [REL-011] resend
 * after reconnect, [REL-012] exactly-once after cuts, [SEC-14] rejected input changes nothing.
 * Depends on: lib/ (framing, record, noise, reliable, session), both crypto backends. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"
#include "tether/rng_mbedtls.h"
#include "tether/session.h"

static struct tt_mbedtls_rng drbg;
static struct tt_crypto mbed;

static const struct tt_crypto *backend(int i)
{
    return i ? &mbed : &tt_crypto_sodium;
}

static void setup(void)
{
    ck_assert_int_eq(tt_mbedtls_rng_init(&drbg, tt_entropy_host, NULL, NULL, 0), TT_OK);
    mbed = tt_crypto_mbedtls;
    mbed.rng_ctx = &drbg;
}

static void teardown(void)
{
    tt_mbedtls_rng_free(&drbg);
}

/* Fixed static keys (test only). */
static uint8_t client_sk[32], client_pk[32], device_sk[32], device_pk[32];

static void make_keys(void)
{
    for (int i = 0; i < 32; i++) {
        client_sk[i] = (uint8_t)(0x40 + i);
        device_sk[i] = (uint8_t)(0x90 + i);
    }
    ck_assert_int_eq(tt_crypto_sodium.x25519_public(client_pk, client_sk), TT_OK);
    ck_assert_int_eq(tt_crypto_sodium.x25519_public(device_pk, device_sk), TT_OK);
}

struct pair {
    struct tt_session client, device;
    struct tt_rel_slot cslots[8], dslots[8];
};

static struct pair P; /* large: keep it off the stack */

static void handshake(const struct tt_crypto *cc, const struct tt_crypto *dc, uint64_t now)
{
    uint8_t pkt[TT_PKT_MAX_LEN], hello[256], reply[256];
    size_t n, hn, rn;
    const char *h = "client-hello", *r = "device-hello";
    make_keys();
    ck_assert_int_eq(tt_session_initiate(&P.client, cc, client_sk, device_pk, NULL,
                                         (const uint8_t *)h, strlen(h), P.cslots, 8, 200, pkt,
                                         sizeof pkt, &n),
                     TT_OK);
    ck_assert_uint_eq(n, TT_INITIATION_MIN_LEN + strlen(h)); /* [PKT-002] */
    ck_assert_uint_eq(pkt[0], TT_PKT_INITIATION);
    ck_assert_int_eq(tt_session_accept(&P.device, dc, device_sk, pkt, n, hello, sizeof hello,
                                       &hn),
                     TT_OK);
    ck_assert_uint_eq(hn, strlen(h));
    ck_assert_mem_eq(hello, h, hn);
    ck_assert_mem_eq(P.device.peer_static, client_pk, 32); /* the device learns who */
    ck_assert_int_eq(tt_session_respond(&P.device, 0x0D0D0D0D, NULL, (const uint8_t *)r,
                                        strlen(r), P.dslots, 8, 200, now, pkt, sizeof pkt, &n),
                     TT_OK);
    ck_assert_uint_eq(n, TT_RESPONSE_MIN_LEN + strlen(r));
    ck_assert_int_eq(tt_session_on_response(&P.client, pkt, n, now, reply, sizeof reply, &rn),
                     TT_OK);
    ck_assert_mem_eq(reply, r, rn);
    ck_assert_int_eq(P.client.state, TT_SESSION_ESTABLISHED);
    ck_assert_int_eq(P.device.state, TT_SESSION_ESTABLISHED);
}

/* Both backends in both roles: a message each way after the handshake ([HS-001]). */
START_TEST(handshake_and_records_all_backend_pairs)
{
    uint8_t pkt[TT_PKT_MAX_LEN], work[TT_RECORD_MAX_PLAINTEXT];
    const uint8_t *m;
    size_t n, mn;
    handshake(backend(_i / 2), backend(_i % 2), 1000);
    ck_assert_int_eq(tt_session_send(&P.client, (const uint8_t *)"ping", 4, 1000, pkt,
                                     sizeof pkt, &n),
                     TT_OK);
    ck_assert_uint_eq(pkt[0], TT_PKT_RECORD);
    ck_assert_int_eq(tt_session_receive(&P.device, pkt, n, 1001, work, sizeof work, &m, &mn),
                     TT_OK);
    ck_assert_mem_eq(m, "ping", 4);
    ck_assert_int_eq(tt_session_send(&P.device, (const uint8_t *)"pong", 4, 1001, pkt,
                                     sizeof pkt, &n),
                     TT_OK);
    ck_assert_int_eq(tt_session_receive(&P.client, pkt, n, 1002, work, sizeof work, &m, &mn),
                     TT_OK);
    ck_assert_mem_eq(m, "pong", 4);
}
END_TEST

/* A forged or misaddressed response leaves the pending handshake usable ([SEC-14]). */
START_TEST(bad_response_keeps_pending_handshake)
{
    uint8_t init[TT_PKT_MAX_LEN], resp[TT_PKT_MAX_LEN], bad[TT_PKT_MAX_LEN], hello[64],
        reply[64];
    size_t in, rn, hn, n;
    make_keys();
    ck_assert_int_eq(tt_session_initiate(&P.client, &tt_crypto_sodium, client_sk, device_pk,
                                         NULL, (const uint8_t *)"h", 1, P.cslots, 8, 200, init,
                                         sizeof init, &in),
                     TT_OK);
    ck_assert_int_eq(tt_session_accept(&P.device, &mbed, device_sk, init, in, hello,
                                       sizeof hello, &hn),
                     TT_OK);
    ck_assert_int_eq(tt_session_respond(&P.device, 7, NULL, (const uint8_t *)"r", 1, P.dslots,
                                        8, 200, 0, resp, sizeof resp, &rn),
                     TT_OK);
    /* wrong receiver id */
    memcpy(bad, resp, rn);
    bad[8] ^= 1;
    ck_assert_int_eq(tt_session_on_response(&P.client, bad, rn, 0, reply, sizeof reply, &n),
                     TT_ERR_HS_UNKNOWN);
    /* every byte of the Noise part flipped in turn */
    for (size_t i = TT_RESPONSE_HEADER_LEN; i < rn; i++) {
        memcpy(bad, resp, rn);
        bad[i] ^= 0x80;
        tt_err e = tt_session_on_response(&P.client, bad, rn, 0, reply, sizeof reply, &n);
        ck_assert_msg(e == TT_ERR_HS_DECRYPT || e == TT_ERR_HS_LOW_ORDER, "byte %zu: %d", i,
                      (int)e);
        ck_assert_int_eq(P.client.state, TT_SESSION_INITIATED);
    }
    /* truncated, and a record where a response belongs */
    ck_assert_int_eq(tt_session_on_response(&P.client, resp, rn - 1, 0, reply, sizeof reply,
                                            &n),
                     TT_ERR_HS_DECRYPT);
    /* sender id 0 names no session ([PKT-004]) */
    memcpy(bad, resp, rn);
    memset(bad + 1, 0, 4);
    ck_assert_int_eq(tt_session_on_response(&P.client, bad, rn, 0, reply, sizeof reply, &n),
                     TT_ERR_PKT_ID);
    ck_assert_int_eq(tt_session_on_response(&P.client, resp, rn, 0, reply, sizeof reply, &n),
                     TT_OK);
    ck_assert_mem_eq(reply, "r", 1);
}
END_TEST

/* [HS-030] The client resends the very bytes of its initiation: tt_session_initiation gives
 * back the caller's out buffer (the session keeps no copy), a device accepts them, and once
 * the response is in there is nothing left to resend. */
START_TEST(initiation_resent_byte_for_byte)
{
    uint8_t init[TT_PKT_MAX_LEN], copy[TT_PKT_MAX_LEN], resp[TT_PKT_MAX_LEN], hello[64],
        reply[64];
    const uint8_t *again;
    size_t in, an, hn, rn, n;
    make_keys();
    ck_assert_int_eq(tt_session_initiate(&P.client, &tt_crypto_sodium, client_sk, device_pk,
                                         NULL, (const uint8_t *)"h", 1, P.cslots, 8, 200, init,
                                         sizeof init, &in),
                     TT_OK);
    memcpy(copy, init, in);
    ck_assert_int_eq(tt_session_initiation(&P.client, &again, &an), TT_OK);
    ck_assert_ptr_eq(again, init);
    ck_assert_uint_eq(an, in);
    ck_assert_mem_eq(again, copy, in);
    /* the first copy was lost on the way: the device sees only the resent bytes */
    ck_assert_int_eq(tt_session_accept(&P.device, &mbed, device_sk, again, an, hello,
                                       sizeof hello, &hn),
                     TT_OK);
    ck_assert_int_eq(tt_session_respond(&P.device, 9, NULL, (const uint8_t *)"r", 1, P.dslots,
                                        8, 200, 0, resp, sizeof resp, &rn),
                     TT_OK);
    ck_assert_int_eq(tt_session_on_response(&P.client, resp, rn, 0, reply, sizeof reply, &n),
                     TT_OK);
    ck_assert_int_eq(tt_session_initiation(&P.client, &again, &an), TT_ERR_STATE);
    ck_assert_ptr_null(P.client.initiation); /* the caller's buffer is its own again */
}
END_TEST

/* Initiation with a wrong device key, or garbage, is refused without state ([HS-*]). */
START_TEST(bad_initiations_refused)
{
    uint8_t init[TT_PKT_MAX_LEN], hello[64], other_pk[32], other_sk[32];
    size_t in, hn;
    make_keys();
    memset(other_sk, 0x11, sizeof other_sk);
    ck_assert_int_eq(tt_crypto_sodium.x25519_public(other_pk, other_sk), TT_OK);
    ck_assert_int_eq(tt_session_initiate(&P.client, &tt_crypto_sodium, client_sk, other_pk,
                                         NULL, (const uint8_t *)"h", 1, P.cslots, 8, 200, init,
                                         sizeof init, &in),
                     TT_OK);
    ck_assert_int_eq(tt_session_accept(&P.device, &mbed, device_sk, init, in, hello,
                                       sizeof hello, &hn),
                     TT_ERR_HS_DECRYPT);
    ck_assert_int_eq(P.device.state, TT_SESSION_CLOSED);
    init[1] = init[2] = init[3] = init[4] = 0;
    ck_assert_int_eq(tt_session_accept(&P.device, &mbed, device_sk, init, in, hello,
                                       sizeof hello, &hn),
                     TT_ERR_PKT_ID);
    ck_assert_int_eq(tt_session_accept(&P.device, &mbed, device_sk, init, 50, hello,
                                       sizeof hello, &hn),
                     TT_ERR_PKT_LENGTH);
    init[0] = TT_PKT_RECORD;
    ck_assert_int_eq(tt_session_accept(&P.device, &mbed, device_sk, init, in, hello,
                                       sizeof hello, &hn),
                     TT_ERR_PKT_TYPE);
}
END_TEST

/* ---- A byte-stream link with framing that can be cut ------------------------------------- */

struct pipe {
    uint8_t buf[64 * 1024];
    size_t len;
};

struct end {
    struct tt_session *s;
    struct tt_frame_decoder dec;
    struct pipe *out; /* bytes this end has written, not yet read by the other */
    int executed[32]; /* device: times each request ran; client: times each reply arrived */
};

static void write_packet(struct end *e, const uint8_t *pkt, size_t n)
{
    size_t fn;
    ck_assert_uint_le(e->out->len + n + TT_FRAME_OVERHEAD, sizeof e->out->buf);
    ck_assert_int_eq(tt_frame_encode(pkt, n, e->out->buf + e->out->len,
                                     sizeof e->out->buf - e->out->len, &fn),
                     TT_OK);
    e->out->len += fn;
}

/* Request i is the message "q" i; the device executes it and replies "a" i. */
static void deliver(struct end *e, int is_device, const uint8_t *m, size_t mn, uint64_t now)
{
    uint8_t pkt[TT_PKT_MAX_LEN], body[2];
    size_t n;
    ck_assert_uint_eq(mn, 2);
    ck_assert_int_lt(m[1], 32);
    e->executed[m[1]]++;
    if (is_device) {
        body[0] = 'a';
        body[1] = m[1];
        ck_assert_int_eq(tt_session_send(e->s, body, 2, now, pkt, sizeof pkt, &n), TT_OK);
        write_packet(e, pkt, n);
    }
}

/* The end reads at most `limit` bytes of what the peer wrote (the rest stays in flight). */
static void read_from(struct end *e, struct pipe *in, size_t limit, int is_device, uint64_t now)
{
    static uint8_t work[TT_RECORD_MAX_PLAINTEXT];
    size_t off = 0, take = in->len < limit ? in->len : limit;
    while (off < take) {
        size_t used;
        const uint8_t *f, *m;
        size_t fn, mn;
        tt_err pe = tt_frame_push(&e->dec, in->buf + off, take - off, &used);
        off += used;
        if (pe != TT_OK)
            continue;
        while (tt_frame_pop(&e->dec, &f, &fn) == TT_OK) {
            tt_err r = tt_session_receive(e->s, f, fn, now, work, sizeof work, &m, &mn);
            if (r == TT_OK)
                deliver(e, is_device, m, mn, now);
            else
                ck_assert_int_eq(r, TT_ERR_REL_NONE);
        }
    }
    memmove(in->buf, in->buf + take, in->len - take);
    in->len -= take;
}

static void poll_out(struct end *e, uint64_t now)
{
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    tt_err r;
    while ((r = tt_session_poll(e->s, now, pkt, sizeof pkt, &n)) == TT_OK)
        write_packet(e, pkt, n);
    ck_assert_int_eq(r, TT_ERR_REL_NONE);
}

static struct pipe up, down;
static struct end C, D;

/* [REL-011] [REL-012]: six requests in flight, the stream is cut mid-frame in both
 * directions (half a frame lost each way, the rest never arrives), the transport reconnects
 * with fresh framing state and no new handshake: every request runs exactly once and every
 * reply arrives exactly once. Run with each backend pairing. */
START_TEST(session_survives_transport_cut)
{
    uint8_t pkt[TT_PKT_MAX_LEN], body[2];
    size_t n;
    uint64_t now = 5000;
    handshake(backend(_i / 2), backend(_i % 2), now);
    memset(&C, 0, sizeof C);
    memset(&D, 0, sizeof D);
    up.len = down.len = 0;
    C.s = &P.client;
    C.out = &up;
    D.s = &P.device;
    D.out = &down;
    tt_frame_decoder_init(&C.dec);
    tt_frame_decoder_init(&D.dec);

    for (int i = 0; i < 6; i++) {
        body[0] = 'q';
        body[1] = (uint8_t)i;
        ck_assert_int_eq(tt_session_send(&P.client, body, 2, now, pkt, sizeof pkt, &n), TT_OK);
        write_packet(&C, pkt, n);
    }
    /* The device reads the first three requests and half of the fourth, executes three and
     * replies; the client reads one and a half replies. Then the link is cut. */
    size_t frame = n + TT_FRAME_OVERHEAD;
    read_from(&D, &up, 3 * frame + frame / 2, 1, now);
    read_from(&C, &down, frame + frame / 2, 0, now);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(D.executed[i], i < 3 ? 1 : 0);
    ck_assert_int_eq(C.executed[0], 1);

    /* Cut: whatever is still in flight is gone, and so are the half-read frames. */
    up.len = down.len = 0;
    tt_frame_decoder_init(&C.dec);
    tt_frame_decoder_init(&D.dec);
    tt_session_on_reconnect(&P.client);
    tt_session_on_reconnect(&P.device);

    /* Exchange until quiet: each round, both sides flush what is due and read everything. */
    for (int round = 0; round < 20; round++) {
        now += 10;
        poll_out(&C, now);
        poll_out(&D, now);
        read_from(&D, &up, SIZE_MAX, 1, now);
        read_from(&C, &down, SIZE_MAX, 0, now);
    }
    for (int i = 0; i < 6; i++) {
        ck_assert_msg(D.executed[i] == 1, "request %d executed %d times", i, D.executed[i]);
        ck_assert_msg(C.executed[i] == 1, "reply %d received %d times", i, C.executed[i]);
    }
    ck_assert_uint_eq(tt_rel_unacked(&P.client.rel), 0);
    ck_assert_uint_eq(tt_rel_unacked(&P.device.rel), 0);
}
END_TEST

/* [REL-010]: without a reconnect, a lost reply is resent when its timer expires, and the
 * retransmitted request is not executed again. */
START_TEST(lost_reply_resent_on_timeout)
{
    uint8_t pkt[TT_PKT_MAX_LEN], body[2] = {'q', 1};
    size_t n;
    uint64_t now = 0;
    handshake(&tt_crypto_sodium, &mbed, now);
    memset(&C, 0, sizeof C);
    memset(&D, 0, sizeof D);
    up.len = down.len = 0;
    C.s = &P.client;
    C.out = &up;
    D.s = &P.device;
    D.out = &down;
    tt_frame_decoder_init(&C.dec);
    tt_frame_decoder_init(&D.dec);
    ck_assert_int_eq(tt_session_send(&P.client, body, 2, now, pkt, sizeof pkt, &n), TT_OK);
    write_packet(&C, pkt, n);
    read_from(&D, &up, SIZE_MAX, 1, now);
    down.len = 0; /* the reply is lost */
    /* the client times out first and resends the request: a duplicate for the device */
    now += 250;
    poll_out(&C, now);
    read_from(&D, &up, SIZE_MAX, 1, now);
    ck_assert_int_eq(D.executed[1], 1);
    for (int round = 0; round < 10; round++) {
        now += 250;
        poll_out(&D, now);
        poll_out(&C, now);
        read_from(&C, &down, SIZE_MAX, 0, now);
        read_from(&D, &up, SIZE_MAX, 1, now);
    }
    ck_assert_int_eq(D.executed[1], 1);
    ck_assert_int_eq(C.executed[1], 1);
}
END_TEST

/* [REL-013] [REL-019]: a client whose congestion window is reached (a saturated link) still
 * takes the device's DATA — an OtaChunkAck — at once, instead of dropping it until the
 * device's RTO resends it. Its send window has free slots. */
START_TEST(event_taken_while_cwnd_full)
{
    uint8_t pkt[TT_PKT_MAX_LEN], work[TT_RECORD_MAX_PLAINTEXT];
    const uint8_t *m;
    size_t n, mn;
    handshake(&tt_crypto_sodium, &tt_crypto_sodium, 0);
    tt_rel_adapt(&P.client.rel, 100);
    P.client.rel.cwnd = 2; /* what the congestion control allows on a full link */
    for (int k = 0; k < 2; k++)
        ck_assert_int_eq(tt_session_send(&P.client, (const uint8_t *)"c", 1, 0, pkt,
                                         sizeof pkt, &n),
                         TT_OK);
    ck_assert(tt_rel_window_full(&P.client.rel));
    ck_assert_int_eq(tt_session_send(&P.device, (const uint8_t *)"ack", 3, 1, pkt, sizeof pkt,
                                     &n),
                     TT_OK);
    ck_assert_int_eq(tt_session_receive(&P.client, pkt, n, 2, work, sizeof work, &m, &mn),
                     TT_OK);
    ck_assert_uint_eq(mn, 3);
    ck_assert_mem_eq(m, "ack", 3);
    /* With the send window itself full, the DATA is still refused ([REL-013]). */
    tt_rel_set_window(&P.client.rel, 2);
    ck_assert_int_eq(tt_session_send(&P.device, (const uint8_t *)"ev2", 3, 3, pkt, sizeof pkt,
                                     &n),
                     TT_OK);
    ck_assert_int_eq(tt_session_receive(&P.client, pkt, n, 4, work, sizeof work, &m, &mn),
                     TT_ERR_REL_NONE);
}
END_TEST

/* A replayed record is rejected and the session stays byte-for-byte the same ([REC-*],
 * [SEC-14]). */
START_TEST(replayed_record_changes_nothing)
{
    uint8_t pkt[TT_PKT_MAX_LEN], work[TT_RECORD_MAX_PLAINTEXT];
    static struct tt_session before;
    const uint8_t *m;
    size_t n, mn;
    handshake(&mbed, &tt_crypto_sodium, 0);
    ck_assert_int_eq(tt_session_send(&P.client, (const uint8_t *)"x", 1, 0, pkt, sizeof pkt,
                                     &n),
                     TT_OK);
    ck_assert_int_eq(tt_session_receive(&P.device, pkt, n, 0, work, sizeof work, &m, &mn),
                     TT_OK);
    before = P.device;
    ck_assert_int_eq(tt_session_receive(&P.device, pkt, n, 0, work, sizeof work, &m, &mn),
                     TT_ERR_REC_REPLAY);
    ck_assert_int_eq(memcmp(&before, &P.device, sizeof before), 0);
    pkt[n - 1] ^= 1;
    ck_assert_int_eq(tt_session_receive(&P.device, pkt, n, 0, work, sizeof work, &m, &mn),
                     TT_ERR_REC_REPLAY);
    ck_assert_int_eq(memcmp(&before, &P.device, sizeof before), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("session");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_loop_test(t, handshake_and_records_all_backend_pairs, 0, 4);
    tcase_add_test(t, bad_response_keeps_pending_handshake);
    tcase_add_test(t, bad_initiations_refused);
    tcase_add_test(t, initiation_resent_byte_for_byte);
    tcase_add_loop_test(t, session_survives_transport_cut, 0, 4);
    tcase_add_test(t, lost_reply_resent_on_timeout);
    tcase_add_test(t, replayed_record_changes_nothing);
    tcase_add_test(t, event_taken_while_cwnd_full);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
