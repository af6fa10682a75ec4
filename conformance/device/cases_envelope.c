/* cases_envelope.c — conformance cases of the reliability envelope (spec/reliability.md
 * [REL-001], [REL-007], [REL-008]): authentic records whose plaintext is not a valid
 * envelope. The suite seals them itself with the session's record keys, so they pass the
 * record layer and only the envelope rules can refuse them. Each one carries a Ping under
 * the msg_seq the client's next real message will use: a device that took it would answer
 * the Ping, and would then see the real message as a duplicate and leave it unanswered, so
 * "nothing changed" is read back by the next request being answered exactly once. */
#include "cases.h"
#include "tether/bytes.h"

static struct sess A;
static tether_v1_Message q, r;

enum { PING_RID = 501, NO_REPLY_MS = 1500 };

/* One malformed envelope: how it differs from the DATA envelope of the next message. */
struct bad_env {
    const char *what;
    uint8_t kind;
    int seq_zero;     /* msg_seq 0 instead of the next one */
    int short_len;    /* total length (0: the full envelope) */
    int ack_excess;   /* ack this far above the highest msg_seq the device sent */
    int no_body;      /* ACK-shaped: header only */
};

/* Seals env[0..n) as the next record of the session and sends it; replies to PING_RID. */
static int send_sealed(struct conf *c, const uint8_t *env, size_t n)
{
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t pl;
    if (tt_record_seal(&A.cl.s.rec, tt_client_now_ms() / 1000u, env, n, pkt, sizeof pkt, &pl) !=
        TT_OK)
        return -1;
    return sess_resend(c, &A, pkt, pl, PING_RID, &r, -NO_REPLY_MS);
}

static enum conf_result malformed(struct conf *c, const struct bad_env *b, char *why,
                                  size_t whylen)
{
    uint8_t env[TT_REL_HEADER_LEN + 64];
    size_t bl = 0;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    msg(&q, tether_v1_Message_ping_tag);
    q.request_id = PING_RID;
    q.body.ping.nonce = PING_RID;
    if (tt_msg_encode(&q, env + TT_REL_HEADER_LEN, sizeof env - TT_REL_HEADER_LEN, &bl) !=
        TT_OK) {
        WHY("could not encode the Ping");
        goto out;
    }
    uint32_t next = A.cl.s.rel.next_seq;                       /* the real next message's */
    uint32_t sent = A.cl.s.rel.delivered + (uint32_t)b->ack_excess; /* what we ack */
    env[0] = b->kind;
    tt_store_be32(env + 1, b->seq_zero ? 0 : next);
    tt_store_be32(env + 5, sent);
    size_t n = b->no_body ? TT_REL_HEADER_LEN : TT_REL_HEADER_LEN + bl;
    if (b->short_len)
        n = (size_t)b->short_len;
    int got = send_sealed(c, env, n);
    conf_trace(c, "sealed a %s (%zu plaintext bytes, msg_seq %u, ack %u) -> %d replies to #%d",
               b->what, n, b->seq_zero ? 0u : (unsigned)next, (unsigned)sent, got, PING_RID);
    if (got != 0) {
        WHY("the device answered the Ping inside a %s (%d replies)", b->what, got);
        goto out;
    }
    /* Read back: the real next message (same msg_seq) is answered once. */
    msg(&q, tether_v1_Message_ping_tag);
    q.body.ping.nonce = 4343;
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_pong_tag || r.body.pong.nonce != 4343)
        WHY("after the %s the next request was not answered (%s): the envelope changed the "
            "session", b->what, tt_err_name(e));
    else
        res = CONF_PASS;
out:
    sess_close(&A);
    return res;
}

static const struct bad_env too_short = {"8-byte envelope", TT_REL_DATA, 0, 8, 0, 0};
static const struct bad_env unknown_kind = {"envelope of kind 0x03", 0x03, 0, 0, 0, 0};
static const struct bad_env data_seq_zero = {"DATA envelope with msg_seq 0", TT_REL_DATA, 1, 0, 0, 0};
static const struct bad_env ack_with_body = {"ACK envelope with a msg_seq and a body", TT_REL_ACK, 0, 0, 0, 0};
static const struct bad_env ack_too_high = {"DATA envelope acking 5 messages the device never sent", TT_REL_DATA, 0, 0, 5, 0};

CASE(env_short) { return malformed(c, &too_short, why, whylen); }
CASE(env_kind) { return malformed(c, &unknown_kind, why, whylen); }
CASE(env_seq_zero) { return malformed(c, &data_seq_zero, why, whylen); }
CASE(env_ack_body) { return malformed(c, &ack_with_body, why, whylen); }
CASE(env_bad_ack) { return malformed(c, &ack_too_high, why, whylen); }

const struct conf_case conf_envelope_cases[] = {
    {"[REL-007] [REL-001] [CTL-011]", "an authentic 8-byte envelope is rejected; the next request is answered once", env_short},
    {"[REL-007] [REL-001] [CTL-011]", "an authentic envelope of unknown kind carrying a Ping is not executed; nothing changed", env_kind},
    {"[REL-007] [REL-001]", "an authentic DATA envelope with msg_seq 0 carrying a Ping is not executed; nothing changed", env_seq_zero},
    {"[REL-007] [REL-001]", "an authentic ACK envelope with a msg_seq and a Ping body is not executed; nothing changed", env_ack_body},
    {"[REL-008]", "an envelope acking messages the device never sent is rejected; nothing changed", env_bad_ack},
};
const size_t conf_envelope_ncases = sizeof conf_envelope_cases / sizeof conf_envelope_cases[0];
