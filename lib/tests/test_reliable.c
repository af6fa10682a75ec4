/* test_reliable.c — Check tests of the reliability envelope engine (lib/reliable).
 *
 * Requirement IDs used here (for the spec writer; see /tmp/ids-framing-record-reliable.md):
 *   REL-001 envelope = kind(1) ‖ msg_seq(BE32) ‖ ack(BE32) ‖ body; DATA 0x01 (body >= 0
 *           bytes), ACK 0x02 (no body, msg_seq 0)
 *   REL-002 each direction numbers DATA messages 1, 2, 3…
 *   REL-003 ack = highest msg_seq received in order from the peer (cumulative); an ack frees
 *           every message up to it; an older ack is ignored
 *   REL-004 the receiver delivers only msg_seq == expected, exactly once
 *   REL-005 a duplicate (msg_seq < expected) is not delivered again but is re-acked
 *   REL-006 a message after a gap (msg_seq > expected) is dropped (go-back-N)
 *   REL-007 a malformed envelope (unknown kind, short, DATA with msg_seq 0, ACK with a body or
 *           a msg_seq, body above TT_MESSAGE_MAX_LEN) is rejected and changes nothing
 *   REL-008 an ack for a msg_seq never sent is rejected (rel-bad-ack) and changes nothing
 *   REL-009 the sender keeps unacked messages in a bounded window (default 8) and refuses to
 *           send when it is full
 *   REL-010 unacked messages are re-sent on timeout, go-back-N (all after the first resent
 *           one), each in a new record with a new record seq
 *   REL-011 when a transport reconnects, every unacked message is re-sent at once
 *   REL-012 after any pattern of loss and cuts, every request is executed exactly once and
 *           every response arrives exactly once
 *   REL-013 a receiver that cannot take a message (no slot for its reply) still applies the
 *           envelope's ack and treats the DATA as lost; the peer resends it
 *   REL-025 an adaptive sender resends no further than its congestion window reaches; a
 *           loss halves the window, a resend lost in the same repair does not again */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tether/bytes.h"
#include "tether/reliable.h"

#define ENV_MAX (TT_REL_HEADER_LEN + TT_MESSAGE_MAX_LEN)

static struct tt_rel_slot slots_a[TT_REL_DEFAULT_WINDOW], slots_b[TT_REL_DEFAULT_WINDOW];
static struct tt_rel a, b;
static uint8_t env[ENV_MAX];
static size_t envlen;

static void setup(void)
{
    ck_assert_int_eq(tt_rel_init(&a, slots_a, TT_REL_DEFAULT_WINDOW, 100), TT_OK);
    ck_assert_int_eq(tt_rel_init(&b, slots_b, TT_REL_DEFAULT_WINDOW, 100), TT_OK);
}

static void send_a(const char *msg, uint64_t now)
{
    ck_assert_int_eq(tt_rel_send(&a, (const uint8_t *)msg, strlen(msg), now, env, sizeof env,
                                 &envlen), TT_OK);
}

static tt_err recv_b(const uint8_t *e, size_t len, const char *want_body)
{
    const uint8_t *body;
    size_t blen;
    tt_err r = tt_rel_receive(&b, e, len, &body, &blen);
    if (r == TT_OK && want_body != NULL) {
        ck_assert_uint_eq(blen, strlen(want_body));
        ck_assert_mem_eq(body, want_body, blen);
    }
    if (r != TT_OK)
        ck_assert(body == NULL && blen == 0);
    return r;
}

/* Hands b's ack to a. */
static void ack_b_to_a(void)
{
    uint8_t ack[TT_REL_HEADER_LEN];
    size_t alen;
    const uint8_t *body;
    size_t blen;
    ck_assert_int_eq(tt_rel_make_ack(&b, ack, sizeof ack, &alen), TT_OK);
    ck_assert_int_eq(tt_rel_receive(&a, ack, alen, &body, &blen), TT_ERR_REL_NONE);
}

START_TEST(test_envelope_layout) /* [REL-001] [REL-002] */
{
    setup();
    send_a("abc", 0);
    const uint8_t want1[] = {0x01, 0, 0, 0, 1, 0, 0, 0, 0, 'a', 'b', 'c'};
    ck_assert_uint_eq(envlen, sizeof want1);
    ck_assert_mem_eq(env, want1, sizeof want1);
    send_a("", 0);
    const uint8_t want2[] = {0x01, 0, 0, 0, 2, 0, 0, 0, 0};
    ck_assert_uint_eq(envlen, sizeof want2);
    ck_assert_mem_eq(env, want2, sizeof want2);
    /* b acks 0 before anything arrived; after one message, its ack is 1. */
    uint8_t ack[TT_REL_HEADER_LEN];
    size_t alen;
    ck_assert_int_eq(tt_rel_make_ack(&b, ack, sizeof ack, &alen), TT_OK);
    const uint8_t want3[] = {0x02, 0, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_mem_eq(ack, want3, sizeof want3);
    ck_assert_int_eq(recv_b(want1, sizeof want1, "abc"), TT_OK);
    ck_assert_int_eq(tt_rel_make_ack(&b, ack, sizeof ack, &alen), TT_OK);
    const uint8_t want4[] = {0x02, 0, 0, 0, 0, 0, 0, 0, 1};
    ck_assert_mem_eq(ack, want4, sizeof want4);
    /* b's own DATA carries the ack too. */
    ck_assert_int_eq(tt_rel_send(&b, (const uint8_t *)"x", 1, 0, env, sizeof env, &envlen), TT_OK);
    const uint8_t want5[] = {0x01, 0, 0, 0, 1, 0, 0, 0, 1, 'x'};
    ck_assert_mem_eq(env, want5, sizeof want5);
    ck_assert(!tt_rel_ack_needed(&b));
}
END_TEST

START_TEST(test_in_order_delivery_and_ack) /* [REL-002] [REL-003] [REL-004] */
{
    setup();
    char msg[16];
    for (int i = 1; i <= 5; i++) {
        snprintf(msg, sizeof msg, "m%d", i);
        send_a(msg, 0);
        ck_assert_uint_eq(tt_load_be32(env + 1), (uint32_t)i);
        ck_assert(!tt_rel_ack_needed(&b) || i > 1);
        ck_assert_int_eq(recv_b(env, envlen, msg), TT_OK);
        ck_assert(tt_rel_ack_needed(&b));
    }
    ck_assert_uint_eq(tt_rel_unacked(&a), 5);
    ack_b_to_a();
    ck_assert_uint_eq(tt_rel_unacked(&a), 0);
    ck_assert(!tt_rel_ack_needed(&b));
    /* Nothing left to resend, however late. */
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 1u << 30, env, sizeof env, &envlen), TT_ERR_REL_NONE);
}
END_TEST

START_TEST(test_duplicate_suppressed_and_reacked) /* [REL-005] */
{
    setup();
    send_a("once", 0);
    uint8_t first[64];
    size_t flen = envlen;
    memcpy(first, env, envlen);
    ck_assert_int_eq(recv_b(first, flen, "once"), TT_OK);
    uint8_t ack[TT_REL_HEADER_LEN];
    size_t alen;
    ck_assert_int_eq(tt_rel_make_ack(&b, ack, sizeof ack, &alen), TT_OK);
    ck_assert(!tt_rel_ack_needed(&b));
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(recv_b(first, flen, NULL), TT_ERR_REL_DUPLICATE);
        ck_assert(tt_rel_ack_needed(&b));
    }
    /* The retransmitted copy (new ack value, same msg_seq) is a duplicate too. */
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 100, env, sizeof env, &envlen), TT_OK);
    ck_assert_int_eq(recv_b(env, envlen, NULL), TT_ERR_REL_DUPLICATE);
}
END_TEST

START_TEST(test_gap_dropped) /* [REL-006] [REL-010] */
{
    setup();
    uint8_t e1[64], e2[64], e3[64];
    size_t l1, l2, l3;
    send_a("one", 0);
    memcpy(e1, env, l1 = envlen);
    send_a("two", 10);
    memcpy(e2, env, l2 = envlen);
    send_a("three", 20);
    memcpy(e3, env, l3 = envlen);
    ck_assert_int_eq(recv_b(e2, l2, NULL), TT_ERR_REL_GAP);
    ck_assert_int_eq(recv_b(e3, l3, NULL), TT_ERR_REL_GAP);
    ck_assert(tt_rel_ack_needed(&b));
    ack_b_to_a(); /* ack 0: frees nothing */
    ck_assert_uint_eq(tt_rel_unacked(&a), 3);
    /* Timer of #1 expires at 100: go-back-N resends 1, 2, 3 although 2 and 3 are due later. */
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 99, env, sizeof env, &envlen), TT_ERR_REL_NONE);
    const char *want[] = {"one", "two", "three"};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(tt_rel_retransmit_due(&a, 100, env, sizeof env, &envlen), TT_OK);
        ck_assert_uint_eq(tt_load_be32(env + 1), (uint32_t)i + 1);
        ck_assert_int_eq(recv_b(env, envlen, want[i]), TT_OK);
    }
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 100, env, sizeof env, &envlen), TT_ERR_REL_NONE);
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 199, env, sizeof env, &envlen), TT_ERR_REL_NONE);
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 200, env, sizeof env, &envlen), TT_OK);
    ack_b_to_a();
    ck_assert_uint_eq(tt_rel_unacked(&a), 0);
}
END_TEST

START_TEST(test_window_full_and_ack_frees) /* [REL-003] [REL-009] */
{
    setup();
    for (unsigned i = 0; i < TT_REL_DEFAULT_WINDOW; i++) {
        send_a("m", 0);
        ck_assert_int_eq(recv_b(env, envlen, "m"), TT_OK);
    }
    struct tt_rel before = a;
    ck_assert_int_eq(tt_rel_send(&a, (const uint8_t *)"x", 1, 0, env, sizeof env, &envlen),
                     TT_ERR_REL_WINDOW_FULL);
    ck_assert_mem_eq(&before, &a, sizeof a);
    /* A partial cumulative ack (3) frees exactly three slots. */
    uint8_t ack[TT_REL_HEADER_LEN] = {TT_REL_ACK, 0, 0, 0, 0, 0, 0, 0, 3};
    const uint8_t *body;
    size_t blen;
    ck_assert_int_eq(tt_rel_receive(&a, ack, sizeof ack, &body, &blen), TT_ERR_REL_NONE);
    ck_assert_uint_eq(tt_rel_unacked(&a), TT_REL_DEFAULT_WINDOW - 3);
    for (int i = 0; i < 3; i++)
        send_a("n", 0);
    ck_assert_int_eq(tt_rel_send(&a, (const uint8_t *)"x", 1, 0, env, sizeof env, &envlen),
                     TT_ERR_REL_WINDOW_FULL);
    /* An older ack (from an overtaken record) is ignored. */
    ack[8] = 2;
    ck_assert_int_eq(tt_rel_receive(&a, ack, sizeof ack, &body, &blen), TT_ERR_REL_NONE);
    ck_assert_uint_eq(tt_rel_unacked(&a), TT_REL_DEFAULT_WINDOW);
    /* Retransmission after the partial ack starts at msg 4 and carries the right bodies. */
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 100, env, sizeof env, &envlen), TT_OK);
    ck_assert_uint_eq(tt_load_be32(env + 1), 4);
    ck_assert_uint_eq(envlen, TT_REL_HEADER_LEN + 1);
    ck_assert_uint_eq(env[9], 'm');
    /* A one-slot window works too. */
    static struct tt_rel_slot one[1];
    ck_assert_int_eq(tt_rel_init(&a, one, 1, 10), TT_OK);
    send_a("p", 0);
    ck_assert_int_eq(tt_rel_send(&a, (const uint8_t *)"q", 1, 0, env, sizeof env, &envlen),
                     TT_ERR_REL_WINDOW_FULL);
}
END_TEST

/* [REL-007] [REL-008]: malformed envelopes and impossible acks change nothing. */
START_TEST(test_bad_envelopes)
{
    setup();
    send_a("m1", 0);
    send_a("m2", 0); /* a has sent 1..2: ack 2 is fine, 3 is not */
    static uint8_t big[TT_REL_HEADER_LEN + TT_MESSAGE_MAX_LEN + 1];
    big[0] = TT_REL_DATA;
    big[4] = 1;
    static const struct {
        const char *name;
        uint8_t bytes[16];
        size_t len;
        tt_err want;
    } cases[] = {
        {"empty", {0}, 0, TT_ERR_REL_ENVELOPE},
        {"short-8", {1, 0, 0, 0, 1, 0, 0, 0}, 8, TT_ERR_REL_ENVELOPE},
        {"kind-0", {0, 0, 0, 0, 1, 0, 0, 0, 0}, 9, TT_ERR_REL_ENVELOPE},
        {"kind-3", {3, 0, 0, 0, 1, 0, 0, 0, 0}, 9, TT_ERR_REL_ENVELOPE},
        {"kind-ff", {0xff, 0, 0, 0, 1, 0, 0, 0, 0}, 9, TT_ERR_REL_ENVELOPE},
        {"data-seq-0", {1, 0, 0, 0, 0, 0, 0, 0, 0, 'x'}, 10, TT_ERR_REL_ENVELOPE},
        {"ack-with-body", {2, 0, 0, 0, 0, 0, 0, 0, 1, 'x'}, 10, TT_ERR_REL_ENVELOPE},
        {"ack-with-seq", {2, 0, 0, 0, 5, 0, 0, 0, 1}, 9, TT_ERR_REL_ENVELOPE},
        {"ack-beyond-sent", {2, 0, 0, 0, 0, 0, 0, 0, 3}, 9, TT_ERR_REL_BAD_ACK},
        {"ack-max", {2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, 9, TT_ERR_REL_BAD_ACK},
        {"data-ack-beyond", {1, 0, 0, 0, 1, 0, 0, 0, 9, 'x'}, 10, TT_ERR_REL_BAD_ACK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tt_rel before = a;
        struct tt_rel_slot sbefore[TT_REL_DEFAULT_WINDOW];
        memcpy(sbefore, slots_a, sizeof sbefore);
        const uint8_t *body = (const uint8_t *)"junk";
        size_t blen = 77;
        tt_err e = tt_rel_receive(&a, cases[i].bytes, cases[i].len, &body, &blen);
        ck_assert_msg(e == cases[i].want, "%s: %d", cases[i].name, e);
        ck_assert(body == NULL && blen == 0);
        ck_assert_msg(memcmp(&before, &a, sizeof a) == 0, "%s changed the context", cases[i].name);
        ck_assert_msg(memcmp(sbefore, slots_a, sizeof sbefore) == 0, "%s changed a slot",
                      cases[i].name);
    }
    struct tt_rel before = a;
    const uint8_t *body;
    size_t blen;
    ck_assert_int_eq(tt_rel_receive(&a, big, sizeof big, &body, &blen), TT_ERR_REL_ENVELOPE);
    ck_assert_int_eq(tt_rel_receive(&a, big, sizeof big - 1, &body, &blen), TT_OK);
    ck_assert_uint_eq(blen, TT_MESSAGE_MAX_LEN);
    a = before;
    ck_assert_int_eq(tt_rel_receive(&a, NULL, 0, &body, &blen), TT_ERR_REL_ENVELOPE);
    ck_assert_int_eq(tt_rel_receive(&a, NULL, 9, &body, &blen), TT_ERR_ARG);
    ck_assert_int_eq(tt_rel_receive(&a, big, 9, NULL, &blen), TT_ERR_ARG);
    ck_assert_mem_eq(&before, &a, sizeof a);
}
END_TEST

START_TEST(test_send_bad_input) /* [REL-009] */
{
    setup();
    static uint8_t body[TT_MESSAGE_MAX_LEN + 1];
    struct tt_rel before = a;
    ck_assert_int_eq(tt_rel_send(&a, body, sizeof body, 0, env, sizeof env, &envlen),
                     TT_ERR_REC_TOO_LARGE);
    ck_assert_int_eq(tt_rel_send(&a, body, 10, 0, env, 18, &envlen), TT_ERR_NO_SPACE);
    ck_assert_int_eq(tt_rel_send(&a, NULL, 1, 0, env, sizeof env, &envlen), TT_ERR_ARG);
    ck_assert_mem_eq(&before, &a, sizeof a);
    ck_assert_int_eq(tt_rel_send(&a, body, TT_MESSAGE_MAX_LEN, 0, env, sizeof env, &envlen), TT_OK);
    ck_assert_uint_eq(envlen, TT_RECORD_MAX_PLAINTEXT);
    /* In place: the body already sits after the header in out. */
    memcpy(env + TT_REL_HEADER_LEN, "inplace", 7);
    ck_assert_int_eq(tt_rel_send(&a, env + TT_REL_HEADER_LEN, 7, 0, env, sizeof env, &envlen), TT_OK);
    ck_assert_mem_eq(env + TT_REL_HEADER_LEN, "inplace", 7);
    ck_assert_uint_eq(tt_load_be32(env + 1), 2);
    /* msg_seq never wraps. */
    a.next_seq = UINT32_MAX;
    a.peer_acked = UINT32_MAX - 1;
    ck_assert_int_eq(tt_rel_send(&a, body, 1, 0, env, sizeof env, &envlen), TT_ERR_STATE);
    ck_assert_int_eq(tt_rel_init(&a, slots_a, 0, 100), TT_ERR_ARG);
    ck_assert_int_eq(tt_rel_init(&a, NULL, 1, 100), TT_ERR_ARG);
    ck_assert_int_eq(tt_rel_init(&a, slots_a, 1, 0), TT_ERR_ARG);
    uint8_t small[8];
    ck_assert_int_eq(tt_rel_make_ack(&a, small, sizeof small, &envlen), TT_ERR_NO_SPACE);
}
END_TEST

START_TEST(test_reconnect_resends_now) /* [REL-011] */
{
    setup();
    send_a("r1", 1000);
    send_a("r2", 1000);
    ck_assert_int_eq(recv_b(env, envlen, NULL), TT_ERR_REL_GAP); /* #1 lost, #2 dropped */
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 1001, env, sizeof env, &envlen), TT_ERR_REL_NONE);
    tt_rel_on_reconnect(&a);
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 1001, env, sizeof env, &envlen), TT_OK);
    ck_assert_int_eq(recv_b(env, envlen, "r1"), TT_OK);
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 1001, env, sizeof env, &envlen), TT_OK);
    ck_assert_int_eq(recv_b(env, envlen, "r2"), TT_OK);
    ck_assert_int_eq(tt_rel_retransmit_due(&a, 1001, env, sizeof env, &envlen), TT_ERR_REL_NONE);
    /* The receiver re-announces its ack after a reconnect. */
    ack_b_to_a();
    ck_assert(!tt_rel_ack_needed(&b));
    tt_rel_on_reconnect(&b);
    ck_assert(tt_rel_ack_needed(&b));
}
END_TEST


START_TEST(test_ack_only_backpressure) /* [REL-013] [REL-007] [REL-008] */
{
    setup();
    /* b fills its window with messages a never acks. */
    for (unsigned i = 0; i < TT_REL_DEFAULT_WINDOW; i++)
        ck_assert_int_eq(tt_rel_send(&b, (const uint8_t *)"r", 1, 0, env, sizeof env, &envlen), TT_OK);
    ck_assert(tt_rel_window_full(&b));
    ck_assert(!tt_rel_window_full(&a));
    /* a's request carries ack 3 for b's messages: b takes the ack only. */
    const uint8_t *body;
    size_t blen;
    uint8_t d[12] = {TT_REL_DATA, 0, 0, 0, 1, 0, 0, 0, 3, 'a', 'b', 'c'};
    a.next_seq = 2; /* pretend a sent msg 1, so the DATA is plausible */
    ck_assert_int_eq(tt_rel_receive_ack_only(&b, d, sizeof d), TT_OK);
    ck_assert_uint_eq(tt_rel_unacked(&b), TT_REL_DEFAULT_WINDOW - 3);
    ck_assert(!tt_rel_window_full(&b));
    ck_assert(!tt_rel_ack_needed(&b)); /* nothing delivered, nothing to ack */
    /* The request was not consumed: its resend is delivered normally. */
    ck_assert_int_eq(tt_rel_receive(&b, d, sizeof d, &body, &blen), TT_OK);
    ck_assert_uint_eq(blen, 3);
    /* Bad envelopes change nothing here either. */
    struct tt_rel before = b;
    const uint8_t bad_ack[9] = {TT_REL_ACK, 0, 0, 0, 0, 0, 0, 0, 99};
    const uint8_t bad_kind[9] = {7, 0, 0, 0, 1, 0, 0, 0, 0};
    ck_assert_int_eq(tt_rel_receive_ack_only(&b, bad_ack, 9), TT_ERR_REL_BAD_ACK);
    ck_assert_int_eq(tt_rel_receive_ack_only(&b, bad_kind, 9), TT_ERR_REL_ENVELOPE);
    ck_assert_int_eq(tt_rel_receive_ack_only(&b, bad_kind, 8), TT_ERR_REL_ENVELOPE);
    ck_assert_int_eq(tt_rel_receive_ack_only(&b, NULL, 9), TT_ERR_ARG);
    ck_assert_mem_eq(&before, &b, sizeof b);
}
END_TEST

/* ---- [REL-012] a lossy, cut transport between a client and a device ---- */

#define REQUESTS 60
#define QMAX 64

struct queue {
    size_t n;
    size_t len[QMAX];
    uint8_t bytes[QMAX][32];
};

struct sim {
    uint32_t rng;
    int connected;
    struct queue to_dev, to_cli;
    unsigned exec[REQUESTS + 1], responses[REQUESTS + 1];
    unsigned sent_envelopes; /* = records the caller would seal, each with a fresh seq */
    unsigned dev_full;       /* envelopes the device took only the ack from */
};

static uint32_t sim_rand(struct sim *s)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 17;
    s->rng ^= s->rng << 5;
    return s->rng;
}

/* Puts an envelope on the wire: lost while disconnected or with probability 1/4. */
static void transmit(struct sim *s, struct queue *q, const uint8_t *e, size_t len)
{
    s->sent_envelopes++;
    if (!s->connected || sim_rand(s) % 4 == 0 || q->n == QMAX)
        return;
    ck_assert_uint_le(len, sizeof q->bytes[0]);
    memcpy(q->bytes[q->n], e, len);
    q->len[q->n++] = len;
}

static void pump_out(struct sim *s, struct tt_rel *r, struct queue *q, uint64_t now)
{
    uint8_t e[64];
    size_t elen;
    tt_err err;
    while ((err = tt_rel_retransmit_due(r, now, e, sizeof e, &elen)) == TT_OK)
        transmit(s, q, e, elen);
    ck_assert_int_eq(err, TT_ERR_REL_NONE);
    if (tt_rel_ack_needed(r)) {
        ck_assert_int_eq(tt_rel_make_ack(r, e, sizeof e, &elen), TT_OK);
        transmit(s, q, e, elen);
    }
}

static unsigned total_dev_full;

static void run_sim(uint32_t seed)
{
    static struct tt_rel_slot cs[4], ds[TT_REL_DEFAULT_WINDOW];
    struct tt_rel cli, dev;
    struct sim s;
    memset(&s, 0, sizeof s);
    s.rng = seed;
    s.connected = 1;
    ck_assert_int_eq(tt_rel_init(&cli, cs, 4, 50), TT_OK);
    ck_assert_int_eq(tt_rel_init(&dev, ds, TT_REL_DEFAULT_WINDOW, 70), TT_OK);
    uint32_t next_req = 1;
    unsigned got = 0;
    uint64_t now;
    for (now = 0; now < 200000 && (got < REQUESTS || tt_rel_unacked(&cli) || tt_rel_unacked(&dev));
         now += 5) {
        /* Cuts: the link goes down now and then for a while, dropping everything in flight. */
        if (s.connected && sim_rand(&s) % 97 == 0) {
            s.connected = 0;
            s.to_dev.n = s.to_cli.n = 0;
        } else if (!s.connected && sim_rand(&s) % 13 == 0) {
            s.connected = 1;
            tt_rel_on_reconnect(&cli);
            tt_rel_on_reconnect(&dev);
        }
        uint8_t e[64];
        size_t elen;
        if (next_req <= REQUESTS) {
            uint8_t req[4];
            tt_store_be32(req, next_req);
            tt_err err = tt_rel_send(&cli, req, 4, now, e, sizeof e, &elen);
            if (err == TT_OK) {
                transmit(&s, &s.to_dev, e, elen);
                next_req++;
            } else {
                ck_assert_int_eq(err, TT_ERR_REL_WINDOW_FULL);
            }
        }
        /* Device: executes each delivered request and answers it. With no slot left for a
         * response it takes only the envelope's ack; the request is resent later. */
        for (size_t i = 0; i < s.to_dev.n; i++) {
            const uint8_t *body;
            size_t blen;
            if (tt_rel_window_full(&dev)) {
                ck_assert_int_eq(tt_rel_receive_ack_only(&dev, s.to_dev.bytes[i], s.to_dev.len[i]), TT_OK);
                s.dev_full++;
                continue;
            }
            tt_err err = tt_rel_receive(&dev, s.to_dev.bytes[i], s.to_dev.len[i], &body, &blen);
            if (err == TT_OK) {
                ck_assert_uint_eq(blen, 4);
                uint32_t id = tt_load_be32(body);
                ck_assert(id >= 1 && id <= REQUESTS);
                s.exec[id]++;
                uint8_t resp[5] = {0xAA};
                tt_store_be32(resp + 1, id);
                ck_assert_int_eq(tt_rel_send(&dev, resp, 5, now, e, sizeof e, &elen), TT_OK);
                transmit(&s, &s.to_cli, e, elen);
            } else {
                ck_assert(err == TT_ERR_REL_NONE || err == TT_ERR_REL_DUPLICATE ||
                          err == TT_ERR_REL_GAP);
            }
        }
        s.to_dev.n = 0;
        for (size_t i = 0; i < s.to_cli.n; i++) {
            const uint8_t *body;
            size_t blen;
            tt_err err = tt_rel_receive(&cli, s.to_cli.bytes[i], s.to_cli.len[i], &body, &blen);
            if (err == TT_OK) {
                ck_assert_uint_eq(blen, 5);
                uint32_t id = tt_load_be32(body + 1);
                ck_assert(id >= 1 && id <= REQUESTS);
                s.responses[id]++;
                got++;
            } else {
                ck_assert(err == TT_ERR_REL_NONE || err == TT_ERR_REL_DUPLICATE ||
                          err == TT_ERR_REL_GAP);
            }
        }
        s.to_cli.n = 0;
        pump_out(&s, &cli, &s.to_dev, now);
        pump_out(&s, &dev, &s.to_cli, now);
    }
    for (uint32_t id = 1; id <= REQUESTS; id++) {
        ck_assert_msg(s.exec[id] == 1, "seed %u: request %u executed %u times", seed, id, s.exec[id]);
        ck_assert_msg(s.responses[id] == 1, "seed %u: response %u arrived %u times", seed, id,
                      s.responses[id]);
    }
    ck_assert_uint_eq(tt_rel_unacked(&cli), 0);
    ck_assert_uint_eq(tt_rel_unacked(&dev), 0);
    ck_assert_uint_gt(s.sent_envelopes, 2 * REQUESTS); /* retransmissions did happen */
    total_dev_full += s.dev_full;
}

START_TEST(test_transport_cut_exactly_once) /* [REL-010] [REL-011] [REL-012] */
{
    for (uint32_t seed = 1; seed <= 200; seed++)
        run_sim(seed * 2654435761u);
    ck_assert_uint_gt(total_dev_full, 0); /* the device's backpressure path was exercised */
}
END_TEST

/* ---- Adaptive sending (tt_rel_adapt: the client's, [REL-015], [REL-017], [OTA-121]) ---- */

#define BIG 256 /* slots: a first window of TT_REL_CWND_INITIAL doubled twice fits */
static struct tt_rel_slot big_slots[BIG];
static struct tt_rel c;

static void c_send(uint64_t now)
{
    ck_assert_int_eq(tt_rel_send(&c, (const uint8_t *)"x", 1, now, env, sizeof env, &envlen),
                     TT_OK);
}

/* The peer's ACK envelope for ack, received at now. */
static void c_ack(uint32_t ack, uint64_t now)
{
    uint8_t e[TT_REL_HEADER_LEN] = {TT_REL_ACK, 0, 0, 0, 0};
    tt_store_be32(e + 5, ack);
    tt_rel_clock(&c, now);
    ck_assert_int_eq(tt_rel_receive_ack_only(&c, e, sizeof e), TT_OK);
}

static size_t c_due(uint64_t now)
{
    size_t n = 0;
    while (tt_rel_retransmit_due(&c, now, env, sizeof env, &envlen) == TT_OK)
        n++;
    return n;
}

START_TEST(test_window_follows_peer) /* [REL-015] at most what the peer announced, >= 1 */
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, 1000), TT_OK);
    tt_rel_set_window(&c, 3);
    for (int i = 0; i < 3; i++)
        c_send(0);
    ck_assert(tt_rel_window_full(&c));
    ck_assert_int_eq(tt_rel_send(&c, (const uint8_t *)"x", 1, 0, env, sizeof env, &envlen),
                     TT_ERR_REL_WINDOW_FULL);
    tt_rel_set_window(&c, 0);
    ck_assert_uint_eq(c.limit, 1);
    tt_rel_set_window(&c, 100000);
    ck_assert_uint_eq(c.limit, BIG);
}
END_TEST

START_TEST(test_rto_estimated) /* [REL-017] RFC 6298, Karn, backoff, bounds */
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 0);
    ck_assert_uint_eq(c.rto_ms, TT_RTO_INITIAL_MS); /* no sample yet */
    c_send(1000);
    c_ack(1, 1400); /* first sample R = 400: SRTT 400, RTTVAR 200, RTO 400 + 800 */
    ck_assert_uint_eq(c.srtt_ms, 400);
    ck_assert_uint_eq(c.rttvar_ms, 200);
    ck_assert_uint_eq(c.rto_ms, 1200);
    c_send(2000);
    c_ack(2, 2400); /* R = 400 again: RTTVAR 150, RTO 1000 */
    ck_assert_uint_eq(c.rto_ms, 400 + 4 * 150);
    /* Expiry: resent, RTO doubled; the resent message's ack is no sample (Karn). */
    c_send(3000);
    ck_assert_uint_eq(c_due(3999), 0);
    ck_assert_uint_eq(c_due(4000), 1);
    ck_assert_uint_eq(c.rto_ms, 2000);
    ck_assert_uint_eq(c.cwnd, 1);
    c_ack(3, 9000);
    ck_assert_uint_eq(c.srtt_ms, 400); /* the 6 s "round trip" was not taken */
    ck_assert_uint_eq(c.rto_ms, 1000); /* progress ends the backoff */
    /* Tiny round trips: never below TT_RTO_MIN_MS. */
    for (uint32_t i = 4; i < 40; i++) {
        c_send(10000 + i * 10);
        c_ack(i, 10000 + i * 10 + 1);
    }
    ck_assert_uint_ge(c.rto_ms, TT_RTO_MIN_MS);
    ck_assert_uint_eq(c.rto_ms, c.srtt_ms + TT_RTO_MIN_MS);
    /* [REL-020] A steady 100 ms round trip: RTTVAR falls towards 0, yet the timer keeps
     * TT_RTO_MIN_MS above SRTT (a round trip stalled by 150 ms is no loss). */
    for (uint32_t i = 40; i < 100; i++) {
        c_send(20000 + i * 200);
        c_ack(i, 20000 + i * 200 + 100);
    }
    ck_assert_uint_lt(c.rttvar_ms * 4u, TT_RTO_MIN_MS);
    ck_assert_uint_eq(c.rto_ms, c.srtt_ms + TT_RTO_MIN_MS);
    ck_assert_uint_ge(c.rto_ms, 100 + TT_RTO_MIN_MS - 10);
}
END_TEST

START_TEST(test_timer_restarts_on_progress) /* RFC 6298 5.3: a slow link that delivers */
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 0);
    for (int i = 0; i < 6; i++)
        c_send(0);
    /* one message acked every 600 ms: each ack makes the rest due a full RTO later */
    for (uint32_t i = 1; i <= 5; i++) {
        ck_assert_uint_eq(c_due(i * 600 - 1), 0);
        c_ack(i, i * 600);
    }
    ck_assert_uint_eq(c_due(3000 + c.rto_ms - 1), 0);
    ck_assert_uint_eq(c_due(3000 + c.rto_ms), 1); /* then it does expire */
}
END_TEST

START_TEST(test_three_dup_acks_resend_now) /* a gap seen by the peer: no wait for the RTO */
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 100);
    for (int i = 0; i < 8; i++)
        c_send(0);
    c_ack(2, 100);
    uint32_t before = c.cwnd;
    c_ack(2, 101);
    c_ack(2, 102);
    ck_assert_uint_eq(c_due(103), 0);
    c_ack(2, 103); /* the third duplicate */
    ck_assert_uint_eq(c.cwnd, (8 - 2) / 2 > 2 ? (8 - 2) / 2 : 2);
    ck_assert_uint_lt(c.cwnd, before);
    ck_assert_uint_eq(c_due(103), 3); /* go-back-N from 3, as far as the window (3) reaches */
    c_ack(2, 104); /* more duplicates of the same loss: nothing more */
    c_ack(2, 105);
    c_ack(2, 106);
    ck_assert_uint_eq(c_due(106), 0);
    /* [REL-025] each ack slides the window over the rest (6..8): due at once, not after a
     * timer the ack restarted */
    c_ack(3, 200);
    ck_assert_uint_eq(c_due(200), 1);
    c_ack(5, 201);
    ck_assert_uint_eq(c_due(201), 2);
    ck_assert_uint_eq(c_due(202), 0);
    c_ack(8, 300);
    ck_assert_uint_eq(tt_rel_unacked(&c), 0);
}
END_TEST

/* A loss never raises the window: when it was cut after the flight left (a queue drained,
 * [REL-024]'s measurement of a slow link), the threshold is half the window, not half the
 * flight; fast resend and timer alike. */
START_TEST(test_loss_halves_the_window_not_the_flight)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 100);
    for (int i = 0; i < 32; i++)
        c_send(0);
    c_ack(1, 100);
    c.cwnd = c.ssthresh = 8; /* as after [REL-024] measured a link that holds 5 */
    for (uint64_t t = 101; t <= 103; t++)
        c_ack(1, t);
    ck_assert_uint_eq(c.cwnd, 4);
    ck_assert_uint_eq(c_due(103), 4);

    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 100);
    for (int i = 0; i < 32; i++)
        c_send(0);
    c.cwnd = c.ssthresh = 8;
    ck_assert_uint_eq(c_due(300), 1);
    ck_assert_uint_eq(c.ssthresh, 4);
}
END_TEST

/* A resend lost while a loss is being repaired (the acks have not reached `recover`): its
 * timer expires, the window restarts from 1, but the threshold stays that of the episode.
 * Halved again from the repair's small window it fell to 5 at 1 Mbit/s x 600 ms, and the
 * 240 messages still to resend went 5 per round trip. A loss after the repair: halved. */
START_TEST(test_timeout_in_repair_keeps_threshold)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 100); /* RTO 300 */
    while (!tt_rel_window_full(&c))
        c_send(0);
    c_ack(1, 100);
    for (uint64_t t = 101; t <= 103; t++)
        c_ack(1, t); /* message 2 lost */
    uint32_t ss = c.ssthresh;
    ck_assert_uint_eq(c_due(103), ss); /* 2.. as far as the window reaches */
    c_ack(10, 250);                    /* the resent 2..10 arrived, 11 did not */
    ck_assert_uint_gt(c_due(549), 0);  /* the window slid */
    ck_assert_uint_eq(c_due(550), 1);  /* 11's timer (restarted at 250): only 11 */
    ck_assert_uint_eq(c.cwnd, 1);
    ck_assert_uint_eq(c.ssthresh, ss); /* the same episode */
    c_ack(c.next_seq - 1, 900);
    while (!tt_rel_window_full(&c))
        c_send(900);
    ck_assert_uint_eq(c_due(900 + c.rto_ms), 1); /* a new loss: a new threshold */
    ck_assert_uint_lt(c.ssthresh, ss);
}
END_TEST

/* [REL-025] A timer expiry resends the oldest only (window 1), not the flight: the queue a
 * too-large window built is not doubled. The rest go as the window opens again. */
START_TEST(test_resends_paced_by_window)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 100); /* RTO 300 */
    for (int i = 0; i < 32; i++)
        c_send(0);
    ck_assert_uint_eq(c_due(300), 1);
    ck_assert_uint_eq(c.cwnd, 1);
    ck_assert_uint_eq(c_due(301), 0);
    c_ack(1, 500); /* slow start: 2 */
    ck_assert_uint_eq(c_due(500), 2);
    c_ack(3, 700); /* 4 */
    ck_assert_uint_eq(c_due(700), 4);
    ck_assert_uint_eq(c.next_seq, 33); /* no new message while the old ones are unacked */
    c_ack(32, 900);
    ck_assert_uint_eq(c_due(5000), 0);
}
END_TEST

/* [REL-020] After a resend of the whole flight, the peer re-acks every copy it already had:
 * for one SRTT those duplicate acks are no gap (no second halving, no second resend). */
START_TEST(test_resend_echo_not_a_gap)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 100); /* SRTT 100, RTTVAR 50: RTO 300 */
    for (int i = 0; i < 8; i++)
        c_send(0);
    ck_assert_uint_eq(c_due(299), 0);
    ck_assert_uint_eq(c_due(300), 1); /* the timer fired early: window 1 ([REL-025]) */
    c_ack(8, 310);                    /* the originals had arrived */
    uint32_t cwnd = c.cwnd;
    ck_assert_uint_ge(cwnd, 3);
    for (uint32_t i = 0; i < cwnd; i++)
        c_send(310);
    for (uint64_t t = 311; t <= 313; t++)
        c_ack(8, t); /* the peer acks the 8 copies */
    ck_assert_uint_eq(c.cwnd, cwnd);
    ck_assert_uint_eq(c_due(313), 0);
    /* One SRTT later three duplicates are a gap again. */
    for (uint64_t t = 401; t <= 403; t++)
        c_ack(8, t);
    ck_assert_uint_lt(c.cwnd, cwnd);
    ck_assert_uint_eq(c_due(403), c.cwnd);
}
END_TEST

START_TEST(test_cwnd_grows_then_stops_at_queue) /* slow start; Vegas stops it at a queue */
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 100);
    ck_assert_uint_eq(c.cwnd, TT_REL_CWND_INITIAL);
    uint64_t t = 0;
    uint32_t acked = 0;
    /* A link with a 100 ms round trip: the window fills, one round trip, all acked. */
    for (int round = 0; round < 2; round++) {
        while (!tt_rel_window_full(&c))
            c_send(t);
        t += 100;
        acked = c.next_seq - 1;
        c_ack(acked, t);
    }
    ck_assert_uint_eq(c.cwnd, 4 * TT_REL_CWND_INITIAL); /* doubled twice */
    /* Now every message waits 50 ms more than the base round trip: a queue. */
    while (!tt_rel_window_full(&c))
        c_send(t);
    uint32_t flight = c.next_seq - 1 - acked;
    t += 200;
    c_ack(c.next_seq - 1, t);
    ck_assert_uint_lt(c.cwnd, flight); /* shrunk below what was in flight */
    ck_assert_uint_ge(c.cwnd, flight / 2);
    ck_assert_uint_eq(c.ssthresh, c.cwnd); /* slow start is over */
}
END_TEST

/* [REL-021] Out of slow start with no queue: the window grows by 1, 2, 4… per round trip
 * (slow start ended early on a stalled round trip must not cost 30 s at +1); a queue resets
 * the step to 1. */
START_TEST(test_avoidance_probes_faster)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 100);
    c.ssthresh = c.cwnd; /* slow start over (as after a stalled round trip) */
    uint64_t t = 0;
    uint32_t before = c.cwnd, grew[4];
    for (int round = 0; round < 4; round++) {
        while (!tt_rel_window_full(&c))
            c_send(t);
        t += 100; /* no queue: the base round trip */
        c_ack(c.next_seq - 1, t);
        grew[round] = c.cwnd - before;
        before = c.cwnd;
    }
    ck_assert_uint_eq(grew[0], 1);
    ck_assert_uint_eq(grew[1], 2);
    ck_assert_uint_eq(grew[2], 4);
    ck_assert_uint_eq(grew[3], 8);
    /* A round trip with a queue (between the bounds): no growth, and the step starts over. */
    while (!tt_rel_window_full(&c))
        c_send(t);
    uint32_t flight = c.next_seq - 1 - c.peer_acked;
    /* q messages queued: above the low bound (3 or cwnd/8), not above the high (6, cwnd/4) */
    uint32_t q = (c.cwnd / 8u > TT_REL_QUEUE_LOW ? c.cwnd / 8u : TT_REL_QUEUE_LOW) + 1u;
    ck_assert_uint_le(q, c.cwnd / 4u > TT_REL_QUEUE_HIGH ? c.cwnd / 4u : TT_REL_QUEUE_HIGH);
    t += 100u * flight / (flight - q) + 1u;
    c_ack(c.next_seq - 1, t);
    ck_assert_uint_eq(c.cwnd, before);
    while (!tt_rel_window_full(&c))
        c_send(t);
    t += 100;
    c_ack(c.next_seq - 1, t);
    ck_assert_uint_eq(c.cwnd, before + 1);
}
END_TEST

/* [REL-023] A window remembered from the same path: the first round trip already carries
 * it (no slow start), never more than the peer's window, never below what slow start gives;
 * and when the path got slower the queue it finds is drained in one round trip. */
START_TEST(test_start_window_skips_slow_start)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_start_window(&c, 48); /* not adaptive: nothing */
    ck_assert_uint_eq(c.cwnd, 0);
    tt_rel_adapt(&c, 100);
    tt_rel_start_window(&c, 4); /* below slow start's first window: nothing */
    ck_assert_uint_eq(c.cwnd, TT_REL_CWND_INITIAL);
    tt_rel_start_window(&c, 48);
    ck_assert_uint_eq(c.cwnd, 48);
    ck_assert_uint_eq(c.ssthresh, 48);
    uint64_t t = 0;
    while (!tt_rel_window_full(&c))
        c_send(t);
    ck_assert_uint_eq(c.next_seq - 1, 48); /* all of it in the first round trip */
    /* the path is half as fast now: every round trip is twice the base */
    t += 200;
    c_ack(c.next_seq - 1, t);
    while (!tt_rel_window_full(&c))
        c_send(t);
    t += 200;
    c_ack(c.next_seq - 1, t);
    /* near what the path holds now (24) plus the queue Vegas tolerates (a quarter) */
    ck_assert_uint_le(c.cwnd, 24 + 48 / 4);
    ck_assert_uint_ge(c.cwnd, 2);
    /* the peer's window bounds a remembered one */
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_set_window(&c, 20);
    tt_rel_adapt(&c, 100);
    tt_rel_start_window(&c, 70);
    ck_assert_uint_eq(c.cwnd, 20);
}
END_TEST

/* [REL-024] The first flight's acks, spaced by the link's serialisation time, measure its
 * rate: after TT_REL_TRAIN_ACKS of them the window becomes rate x min RTT + TT_REL_QUEUE_LOW
 * and slow start ends. A fast long link (9 ms per message, 600 ms: ~67 in flight): up. */
START_TEST(test_first_acks_measure_rate_up)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 600);
    c_send(0); /* a request and its reply first (OtaBegin): no flight after its ack */
    c_ack(1, 600);
    ck_assert_uint_eq(c.train_end, 0);
    while (!tt_rel_window_full(&c))
        c_send(600);
    uint32_t first = c.peer_acked + 1;
    for (uint32_t k = 0; k < TT_REL_TRAIN_ACKS; k++) { /* slow start meanwhile */
        c_ack(first + k, 1200 + 9u * k);
        ck_assert_uint_eq(c.ssthresh, UINT32_MAX);
    }
    c_ack(first + TT_REL_TRAIN_ACKS, 1200 + 9u * TT_REL_TRAIN_ACKS);
    uint32_t want = TT_REL_TRAIN_ACKS * 600u / (9u * TT_REL_TRAIN_ACKS) + TT_REL_QUEUE_LOW;
    ck_assert_uint_gt(want, TT_REL_CWND_INITIAL + TT_REL_TRAIN_ACKS);
    ck_assert_uint_eq(c.cwnd, want);
    ck_assert_uint_eq(c.ssthresh, want); /* slow start is over */
    ck_assert_uint_eq(c.train_end, UINT32_MAX);
    while (!tt_rel_window_full(&c))
        c_send(1300);
    ck_assert_uint_eq(tt_rel_unacked(&c), want);
    /* once only: the next acks (even faster) change nothing */
    c_ack(c.peer_acked + 1, 1301);
    c_ack(c.peer_acked + 1, 1301);
    ck_assert_uint_le(c.cwnd, want + 1);
}
END_TEST

/* A link that serialises a message in ser_ms and adds a round trip of rtt_ms, the peer
 * acking each message at once: the sender fills its window whenever it may, for `rounds`
 * round trips. Returns the ms the line stood idle once the first ack had come back and
 * the measurement was made (slow start alone leaves it idle every round trip until the
 * window holds the link); *cut: the window the measurement set. */
static uint64_t link_idle_after_jump(uint32_t ser_ms, uint32_t rtt_ms, uint32_t rounds,
                                     uint32_t *cut)
{
    static uint64_t ack_at[4096];
    uint64_t line = 0, t = 0, idle = 0;
    *cut = 0; /* the window the measurement set; 0: not yet */
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, rtt_ms); /* the handshake's round trip: small messages */
    while (t < (uint64_t)rounds * rtt_ms) {
        while (!tt_rel_window_full(&c)) {
            ck_assert_uint_lt(c.next_seq, 4096);
            if (*cut != 0 && t > line)
                idle += t - line;
            line = (line > t ? line : t) + ser_ms;
            ack_at[c.next_seq] = line + rtt_ms;
            c_send(t);
        }
        t = ack_at[c.peer_acked + 1];
        c_ack(c.peer_acked + 1, t);
        if (*cut == 0 && c.train_end == UINT32_MAX)
            *cut = c.cwnd;
    }
    return idle;
}

/* [REL-024] A long fast link (9 ms per message, 600 ms: 68 in flight): the window jumps up
 * to it after the first acks and the line is never idle again. A slower one (35 ms per
 * message: 18 in flight) where the first window is more than the link holds: it is cut at
 * once, and the round trip of a message sent before the cut (it shows the queue the first
 * window built) does not drain it a second time, below what the link holds. */
START_TEST(test_first_acks_keep_the_line_busy)
{
    uint32_t cut;
    ck_assert_uint_eq(link_idle_after_jump(9, 600, 12, &cut), 0);
    ck_assert_uint_eq(cut, 8u * 600u / (8u * 9u) + TT_REL_QUEUE_LOW);
    ck_assert_uint_eq(link_idle_after_jump(35, 600, 12, &cut), 0);
    ck_assert_uint_eq(cut, 8u * 600u / (8u * 35u) + TT_REL_QUEUE_LOW);
    ck_assert_uint_lt(cut, TT_REL_CWND_INITIAL);
    ck_assert_uint_eq(link_idle_after_jump(150, 600, 12, &cut), 0); /* 60 kbit/s-like */
    ck_assert_uint_eq(cut, 8u * 600u / (8u * 150u) + TT_REL_QUEUE_LOW);
}
END_TEST

/* A lossy link in front of a go-back-N receiver (the device, [REL-006]): the sender's
 * messages cross a line of ser_ms per message and rtt_ms/2 each way; every drop_every-th
 * transmission is lost (deterministic, 1 % at 100); the receiver acks each arrival at once,
 * a repeated ack after a gap. Returns the ms until n messages were delivered, or 0 if that
 * took more than limit_ms. *sent: transmissions, resends included. */
#define LOSSY_MAX 8192
static uint64_t lossy_stall_ms; /* the longest time nothing new was delivered */
static uint64_t lossy_link_transfer(uint32_t ser_ms, uint32_t rtt_ms, uint32_t drop_every,
                                    uint32_t n, uint64_t limit_ms, uint32_t *sent)
{
    static uint64_t at[LOSSY_MAX]; /* when each transmission's ack reaches the sender */
    static uint32_t seq_of[LOSSY_MAX];
    static bool lost[LOSSY_MAX];
    uint32_t tx = 0, done = 0, delivered = 0;
    uint64_t line = 0, t = 0, progress_at = 0;
    lossy_stall_ms = 0;
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, rtt_ms);
    while (delivered < n) {
        if (t > limit_ms)
            return 0;
        for (;;) { /* what the sender may put on the line now: resends first */
            tt_err e = tt_rel_retransmit_due(&c, t, env, sizeof env, &envlen);
            if (e != TT_OK) {
                if (c.next_seq > n || tt_rel_window_full(&c))
                    break;
                c_send(t);
            }
            ck_assert_uint_lt(tx, LOSSY_MAX);
            line = (line > t ? line : t) + ser_ms;
            at[tx] = line + rtt_ms;
            seq_of[tx] = tt_load_be32(env + 1);
            lost[tx] = (tx + 1) % drop_every == 0;
            tx++;
        }
        /* the next ack, or 10 ms later (a timer may expire) */
        uint64_t next = t + 10;
        if (done < tx && at[done] < next)
            next = at[done];
        t = next;
        for (; done < tx && at[done] <= t; done++) {
            if (lost[done])
                continue;
            if (seq_of[done] == delivered + 1) {
                delivered++;
                if (at[done] - progress_at > lossy_stall_ms)
                    lossy_stall_ms = at[done] - progress_at;
                progress_at = at[done];
            }
            c_ack(delivered, at[done]);
        }
    }
    *sent = tx;
    return t;
}

/* [REL-025] 1 % loss at 1 Mbit/s-like x 600 ms (8 ms per message, 75 in flight): every loss
 * is repaired and nothing stands still for the 5 s after which `tether ota push` takes the
 * link for dead (ACK_STALL_MS); a push over tether-linkemu did give up that way once
 * (test_timeout_in_repair_keeps_threshold has the cause). A slow link (136 ms
 * per message, 300 ms: 2 in flight) with the first window of 32 and every 10th
 * transmission lost: the whole flight resent at once at every loss built a queue that
 * never drained (more than 600 s for 73 messages); paced, under 2 transmissions each. */
START_TEST(test_lossy_link_recovers)
{
    uint32_t sent;
    ck_assert_uint_gt(lossy_link_transfer(8, 600, 100, 2000, 120000, &sent), 0);
    ck_assert_uint_lt(lossy_stall_ms, 5000);
    ck_assert_uint_gt(lossy_link_transfer(136, 300, 10, 73, 60000, &sent), 0);
    ck_assert_uint_lt(sent, 2 * 73);
}
END_TEST

/* [REL-024] Acks bunched on the way (a relay, a descheduled client) measure nothing: the
 * same time, no jump; nearly the same time, a jump capped at TT_REL_JUMP_MAX x the window. A
 * loss or a remembered window ends the measurement. */
START_TEST(test_bunched_acks_capped)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 600);
    while (!tt_rel_window_full(&c))
        c_send(0);
    for (uint32_t k = 1; k <= TT_REL_TRAIN_ACKS + 1; k++)
        c_ack(k, 600);
    ck_assert_uint_eq(c.train_end, UINT32_MAX);
    ck_assert_uint_eq(c.cwnd, TT_REL_CWND_INITIAL + TT_REL_TRAIN_ACKS + 1); /* slow start */
    ck_assert_uint_eq(c.ssthresh, UINT32_MAX);

    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 600);
    while (!tt_rel_window_full(&c))
        c_send(0);
    c_ack(1, 600);
    for (uint32_t k = 2; k <= TT_REL_TRAIN_ACKS + 1; k++)
        c_ack(k, 601);
    uint32_t cap = TT_REL_JUMP_MAX * (TT_REL_CWND_INITIAL + TT_REL_TRAIN_ACKS);
    ck_assert_uint_eq(c.cwnd, cap < BIG ? cap : BIG);

    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 600);
    while (!tt_rel_window_full(&c))
        c_send(0);
    c_ack(1, 600);
    for (int i = 0; i < 3; i++)
        c_ack(1, 601); /* three duplicates: a loss, halved */
    uint32_t halved = c.cwnd;
    for (uint32_t k = 2; k <= TT_REL_TRAIN_ACKS + 2; k++)
        c_ack(k, 600 + 9u * k);
    ck_assert_uint_eq(c.cwnd, halved);

    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, TT_RTO_INITIAL_MS), TT_OK);
    tt_rel_adapt(&c, 600);
    tt_rel_start_window(&c, TT_REL_CWND_INITIAL + 8);
    while (!tt_rel_window_full(&c))
        c_send(0);
    for (uint32_t k = 1; k <= TT_REL_TRAIN_ACKS + 1; k++)
        c_ack(k, 600 + 9u * k);
    ck_assert_uint_eq(c.train_end, UINT32_MAX);
    ck_assert_uint_le(c.cwnd, TT_REL_CWND_INITIAL + 8 + 1); /* [REL-021]'s probe, no jump */
}
END_TEST

/* [REL-022] An adaptive sender's ACK envelope waits TT_REL_ACK_GATHER_MS for more to
 * acknowledge (a burst of the peer's resent copies: one ACK); the device's goes at once. */
START_TEST(test_acks_gather_when_adaptive)
{
    uint8_t d[TT_REL_HEADER_LEN + 1] = {TT_REL_DATA, 0, 0, 0, 1, 0, 0, 0, 0, 'x'};
    const uint8_t *body;
    size_t bl;
    for (int adaptive = 0; adaptive < 2; adaptive++) {
        ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, 1000), TT_OK);
        if (adaptive)
            tt_rel_adapt(&c, 100);
        ck_assert(!tt_rel_ack_due(&c, 5000));
        tt_rel_clock(&c, 5000);
        ck_assert_int_eq(tt_rel_receive(&c, d, sizeof d, &body, &bl), TT_OK);
        tt_rel_clock(&c, 5000 + TT_REL_ACK_GATHER_MS - 1); /* its copy: no later deadline */
        ck_assert_int_eq(tt_rel_receive(&c, d, sizeof d, &body, &bl), TT_ERR_REL_DUPLICATE);
        ck_assert(tt_rel_ack_needed(&c));
        ck_assert(tt_rel_ack_due(&c, 5000) == !adaptive);
        ck_assert(tt_rel_ack_due(&c, 5000 + TT_REL_ACK_GATHER_MS - 1) == !adaptive);
        ck_assert(tt_rel_ack_due(&c, 5000 + TT_REL_ACK_GATHER_MS));
        ck_assert_int_eq(tt_rel_make_ack(&c, env, sizeof env, &envlen), TT_OK);
        ck_assert(!tt_rel_ack_due(&c, 6000));
    }
}
END_TEST

/* [REL-013] [REL-019]: the congestion window paces sending; it is not the send window a
 * receiver's backpressure looks at. */
START_TEST(test_cwnd_is_not_backpressure)
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, 1000), TT_OK);
    tt_rel_adapt(&c, 100);
    for (uint32_t i = 0; i < TT_REL_CWND_INITIAL; i++)
        c_send(0);
    ck_assert(tt_rel_window_full(&c)); /* no more DATA now */
    ck_assert(!tt_rel_slots_full(&c)); /* but a slot for a reply is free */
    ck_assert_int_eq(tt_rel_send(&c, (const uint8_t *)"x", 1, 0, env, sizeof env, &envlen),
                     TT_ERR_REL_WINDOW_FULL);
    /* Not adaptive: the send window is the only window; both say full together. */
    ck_assert_int_eq(tt_rel_init(&c, big_slots, BIG, 1000), TT_OK);
    tt_rel_set_window(&c, 3);
    for (int i = 0; i < 2; i++) {
        c_send(0);
        ck_assert(!tt_rel_slots_full(&c));
    }
    c_send(0);
    ck_assert(tt_rel_window_full(&c));
    ck_assert(tt_rel_slots_full(&c));
}
END_TEST

START_TEST(test_fixed_when_not_adaptive) /* the device: nothing of the above */
{
    ck_assert_int_eq(tt_rel_init(&c, big_slots, 4, 1000), TT_OK);
    for (int i = 0; i < 4; i++)
        c_send(0);
    c_ack(1, 500);
    c_ack(1, 501);
    c_ack(1, 502);
    c_ack(1, 503);
    ck_assert_uint_eq(c_due(999), 0); /* no fast resend, timers not restarted */
    ck_assert_uint_eq(c.rto_ms, 1000);
    ck_assert_uint_eq(c_due(1000), 3);
}
END_TEST

static Suite *reliable_suite(void)
{
    Suite *s = suite_create("reliable");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_envelope_layout);
    tcase_add_test(tc, test_in_order_delivery_and_ack);
    tcase_add_test(tc, test_duplicate_suppressed_and_reacked);
    tcase_add_test(tc, test_gap_dropped);
    tcase_add_test(tc, test_window_full_and_ack_frees);
    tcase_add_test(tc, test_bad_envelopes);
    tcase_add_test(tc, test_send_bad_input);
    tcase_add_test(tc, test_reconnect_resends_now);
    tcase_add_test(tc, test_ack_only_backpressure);
    tcase_add_test(tc, test_transport_cut_exactly_once);
    tcase_add_test(tc, test_window_follows_peer);
    tcase_add_test(tc, test_rto_estimated);
    tcase_add_test(tc, test_timer_restarts_on_progress);
    tcase_add_test(tc, test_three_dup_acks_resend_now);
    tcase_add_test(tc, test_cwnd_grows_then_stops_at_queue);
    tcase_add_test(tc, test_fixed_when_not_adaptive);
    tcase_add_test(tc, test_cwnd_is_not_backpressure);
    tcase_add_test(tc, test_avoidance_probes_faster);
    tcase_add_test(tc, test_start_window_skips_slow_start);
    tcase_add_test(tc, test_acks_gather_when_adaptive);
    tcase_add_test(tc, test_resend_echo_not_a_gap);
    tcase_add_test(tc, test_resends_paced_by_window);
    tcase_add_test(tc, test_loss_halves_the_window_not_the_flight);
    tcase_add_test(tc, test_timeout_in_repair_keeps_threshold);
    tcase_add_test(tc, test_first_acks_measure_rate_up);
    tcase_add_test(tc, test_first_acks_keep_the_line_busy);
    tcase_add_test(tc, test_lossy_link_recovers);
    tcase_add_test(tc, test_bunched_acks_capped);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(reliable_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
