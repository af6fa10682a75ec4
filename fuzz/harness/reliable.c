/* reliable.c — fuzz harness for the reliability envelope receiver (lib/reliable):
 * tt_rel_receive and tt_rel_receive_ack_only, fed both raw envelopes and the envelopes of an
 * honest twin sender that the input drops, duplicates, reorders and delays.
 *
 * State at the start of every input (built once): the receiver R has sent 3 messages the
 * twin T has not acked yet, T has sent 2 that R delivered. Ops (common.h layout), op & 7:
 *   0  raw envelope to R (op & 8: through receive_ack_only);
 *   1  T sends the chunk as a message: its envelope joins the in-flight list;
 *   2  deliver in-flight envelope (op >> 3) to R (chunk[0] & 1: ack_only);
 *   3  R sends the chunk; its envelope (carrying R's ack) reaches T;
 *   4  (op >> 3) * 100 ms pass; T's due retransmissions join the in-flight list;
 *   5  R sends an ack to T;  6  both sides reconnect;  7  nothing.
 * Invariants after every envelope R receives:
 *  - malformed or bad-ack envelope: R and its window unchanged ([SEC-14]);
 *  - delivery only of msg_seq == delivered + 1, exactly once; duplicates and gaps deliver
 *    nothing; ack_only never delivers; the body is the envelope's tail ([SEC-3], [REL-012]);
 *  - a delivered message of the twin is exactly what the twin sent under that msg_seq:
 *    the delivered sequence is a prefix of the sent sequence ([SEC-3]);
 *  - R's peer_acked never decreases and its unacked count never grows on receive.
 * Depends on reliable.h. */
#include <string.h>

#include "common.h"
#include "tether/bytes.h"
#include "tether/reliable.h"

#define MAXSENT 64
#define FLIGHT 16

struct world {
    struct tt_rel r, t;
    struct tt_rel_slot rslots[FUZZ_NSLOTS], tslots[FUZZ_NSLOTS];
};

static struct world base, w;
static uint8_t sent[MAXSENT][TT_MESSAGE_MAX_LEN]; /* T's message n at sent[n % MAXSENT] */
static size_t sent_len[MAXSENT];

static void must(int ok, const char *what)
{
    if (!ok)
        fuzz_fail(__FILE__, __LINE__, "setup", what);
}

/* Pointers inside a world point at its own slots: fix them after copying. */
static void copy_world(struct world *dst, const struct world *src)
{
    memcpy(dst, src, sizeof *dst);
    dst->r.slots = dst->rslots;
    dst->t.slots = dst->tslots;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    uint8_t env[TT_RECORD_MAX_PLAINTEXT];
    const uint8_t *b;
    size_t n, bn;
    (void)argc;
    (void)argv;
    must(tt_rel_init(&base.r, base.rslots, FUZZ_NSLOTS, 200) == TT_OK &&
             tt_rel_init(&base.t, base.tslots, FUZZ_NSLOTS, 200) == TT_OK,
         "rel_init");
    for (int i = 0; i < 3; i++)
        must(tt_rel_send(&base.r, (const uint8_t *)"req", 3, 0, env, sizeof env, &n) == TT_OK,
             "R send");
    for (unsigned i = 1; i <= 2; i++) {
        sent[i][0] = (uint8_t)i;
        sent_len[i] = 1;
        must(tt_rel_send(&base.t, sent[i], 1, 0, env, sizeof env, &n) == TT_OK &&
                 tt_rel_receive(&base.r, env, n, &b, &bn) == TT_OK,
             "T send");
    }
    return 0;
}

static uint32_t unacked_of(const struct tt_rel *r)
{
    return (uint32_t)tt_rel_unacked(r);
}

/* Hands one envelope to R and checks everything. twin: it came from T unmodified. */
static void receive(const uint8_t *env, size_t len, int ack_only, int twin)
{
    static struct world before;
    const uint8_t *body = NULL;
    size_t bodylen = 0;
    uint32_t msg_seq = len >= 5 ? tt_load_be32(env + 1) : 0;
    tt_err e;
    memcpy(&before, &w, sizeof before);
    if (ack_only) {
        e = tt_rel_receive_ack_only(&w.r, env, len);
        FUZZ_CHECK(e == TT_OK || e == TT_ERR_REL_ENVELOPE || e == TT_ERR_REL_BAD_ACK,
                   "SEC-15", "ack_only: unexpected result");
    } else {
        e = tt_rel_receive(&w.r, env, len, &body, &bodylen);
        FUZZ_CHECK(e == TT_OK || e == TT_ERR_REL_NONE || e == TT_ERR_REL_DUPLICATE ||
                       e == TT_ERR_REL_GAP || e == TT_ERR_REL_ENVELOPE ||
                       e == TT_ERR_REL_BAD_ACK,
                   "SEC-15", "receive: unexpected result");
    }
    if (e == TT_ERR_REL_ENVELOPE || e == TT_ERR_REL_BAD_ACK) {
        FUZZ_CHECK(memcmp(&w.r, &before.r, sizeof w.r) == 0 &&
                       memcmp(w.rslots, before.rslots, sizeof w.rslots) == 0,
                   "SEC-14", "rejected envelope changed the receiver");
        return;
    }
    FUZZ_CHECK(w.r.peer_acked >= before.r.peer_acked, "SEC-3", "peer_acked went back");
    FUZZ_CHECK(unacked_of(&w.r) <= unacked_of(&before.r), "SEC-3", "receive grew the window");
    if (ack_only || e != TT_OK) {
        FUZZ_CHECK(w.r.delivered == before.r.delivered, "SEC-3",
                   "delivered count moved without a delivery");
        if (e == TT_ERR_REL_DUPLICATE)
            FUZZ_CHECK(msg_seq <= before.r.delivered, "SEC-3", "duplicate of a new message");
        if (e == TT_ERR_REL_GAP)
            FUZZ_CHECK(msg_seq > before.r.delivered + 1, "SEC-3", "gap that is not one");
        return;
    }
    FUZZ_CHECK(env[0] == TT_REL_DATA && msg_seq == before.r.delivered + 1 &&
                   w.r.delivered == msg_seq,
               "SEC-3", "delivered out of order or twice");
    FUZZ_CHECK(body == env + TT_REL_HEADER_LEN && bodylen == len - TT_REL_HEADER_LEN, "SEC-15",
               "delivered body is not the envelope's tail");
    if (twin && msg_seq < MAXSENT)
        FUZZ_CHECK(bodylen == sent_len[msg_seq] && memcmp(body, sent[msg_seq], bodylen) == 0,
                   "SEC-3", "delivered message differs from what the twin sent");
}

/* The twin takes R's envelopes; its verdict is not under test (a raw DATA delivered to R
 * can make R ack a msg_seq T never sent, which T rightly refuses). */
static void t_receive(const uint8_t *env, size_t n)
{
    const uint8_t *b;
    size_t bn;
    tt_err e = tt_rel_receive(&w.t, env, n, &b, &bn);
    (void)e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t flight[FLIGHT][TT_RECORD_MAX_PLAINTEXT], env[TT_RECORD_MAX_PLAINTEXT];
    static size_t flight_len[FLIGHT];
    struct fuzz_reader rd = {data, size};
    const uint8_t *chunk;
    size_t len, n, nflight = 0;
    uint64_t now = 0;
    uint8_t op;
    copy_world(&w, &base);
    while (fuzz_next_op(&rd, TT_RECORD_MAX_PLAINTEXT, &op, &chunk, &len)) {
        switch (op & 7) {
        case 0:
            receive(chunk, len, op & 8, 0);
            break;
        case 1: {
            uint32_t seq = w.t.next_seq;
            if (len > TT_MESSAGE_MAX_LEN)
                len = TT_MESSAGE_MAX_LEN;
            if (seq < MAXSENT &&
                tt_rel_send(&w.t, chunk, len, now, env, sizeof env, &n) == TT_OK) {
                memcpy(sent[seq], chunk, len);
                sent_len[seq] = len;
                memcpy(flight[nflight % FLIGHT], env, n);
                flight_len[nflight++ % FLIGHT] = n;
            }
            break;
        }
        case 2:
            if (nflight > 0) {
                size_t k = (op >> 3) % (nflight < FLIGHT ? nflight : FLIGHT);
                receive(flight[k], flight_len[k], len > 0 && (chunk[0] & 1), 1);
            }
            break;
        case 3:
            if (len > TT_MESSAGE_MAX_LEN)
                len = TT_MESSAGE_MAX_LEN;
            if (tt_rel_send(&w.r, chunk, len, now, env, sizeof env, &n) == TT_OK)
                t_receive(env, n);
            break;
        case 4:
            now += (uint64_t)(op >> 3) * 100;
            while (nflight < 4 * FLIGHT &&
                   tt_rel_retransmit_due(&w.t, now, env, sizeof env, &n) == TT_OK) {
                memcpy(flight[nflight % FLIGHT], env, n);
                flight_len[nflight++ % FLIGHT] = n;
            }
            break;
        case 5:
            if (tt_rel_make_ack(&w.r, env, sizeof env, &n) == TT_OK)
                t_receive(env, n);
            break;
        case 6:
            tt_rel_on_reconnect(&w.r);
            tt_rel_on_reconnect(&w.t);
            break;
        default:
            break;
        }
    }
    return 0;
}
