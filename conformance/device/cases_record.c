/* cases_record.c — conformance cases of the record, reliability and message layers on an
 * established session (spec/session.md records, spec/reliability.md): forged and misaddressed
 * records dropped silently, duplicates and reordering delivered exactly once, records from
 * below the replay window refused, undecodable and misdirected messages answered with the
 * specified Error and not executed. After each refusal the session must still work. */
#include "cases.h"
#include "tether/bytes.h"
#include "tether/framing.h"

static struct sess A;
static tether_v1_Message q, r;

/* Encodes a ping with request id rid into buf. */
static size_t ping_body(uint32_t rid, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    msg(&q, tether_v1_Message_ping_tag);
    q.request_id = rid;
    q.body.ping.nonce = rid;
    return tt_msg_encode(&q, buf, cap, &n) == TT_OK ? n : 0;
}

/* The session still answers a Ping. */
static enum conf_result still_works(struct conf *c, char *why, size_t whylen)
{
    msg(&q, tether_v1_Message_ping_tag);
    q.body.ping.nonce = 4242;
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_pong_tag) {
        WHY("the session no longer answers after the refused record (%s)", tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* A record addressed to s's session: the up topic of a message transport carries every
 * session's packets ([MTB-004]), other (older) sessions' retransmissions too. */
static int for_session(const struct sess *s, const uint8_t *p, size_t n)
{
    return n >= 5 && p[0] == TT_PKT_RECORD && tt_load_be32(p + 1) == s->cl.s.local_id;
}

/* A packet made from a ping and altered by `alter`, sent instead of the original: no reply
 * within 1.5 s. Then the original itself is not sent: its message stays unacknowledged and
 * the client's retransmission delivers it (once). */
static enum conf_result altered(struct conf *c, void (*alter)(uint8_t *pkt, size_t n),
                                const char *what, char *why, size_t whylen)
{
    uint8_t body[32], pkt[TT_PKT_MAX_LEN];
    size_t bl, n;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    bl = ping_body(71, body, sizeof body);
    if (bl && tt_session_send(&A.cl.s, body, bl, tt_client_now_ms(), pkt, sizeof pkt, &n) == TT_OK) {
        alter(pkt, n);
        if (conf_send_packet(A.cl.t, pkt, n) == TT_OK) {
            /* Read without pumping retransmissions: only the device's answer would count. A
             * handshake response resent for a retransmitted initiation ([HS-031]) is not one. */
            static struct tt_frame_decoder dec;
            uint8_t in[2048];
            size_t got = 0, k;
            uint64_t end = tt_client_now_ms() + 1500;
            tt_frame_decoder_init(&dec);
            while (tt_client_now_ms() < end)
                if (A.cl.t->recv(A.cl.t, in, sizeof in, &k, 50) != TT_OK)
                    continue;
                else if (!A.cl.t->byte_stream) /* one packet per message ([MTB-001]) */
                    got += for_session(&A, in, k) ? k : 0;
                else
                    for (size_t off = 0; off < k;) {
                        size_t used = 0;
                        const uint8_t *pl;
                        size_t plen;
                        if (tt_frame_push(&dec, in + off, k - off, &used) == TT_OK)
                            while (tt_frame_pop(&dec, &pl, &plen) == TT_OK)
                                got += plen > 0 && pl[0] != TT_PKT_RESPONSE ? plen : 0;
                        off += used;
                    }
            conf_trace(c, "sent a %s record (%zu bytes) -> %zu bytes of packets came back", what, n, got);
            if (got)
                WHY("the device answered a %s record with %zu bytes", what, got);
            else {
                int rep = sess_wait(&A, 71, &r, 3000); /* the retransmission */
                conf_trace(c, "after the retransmission: %d replies to #71", rep);
                if (rep != 1)
                    WHY("the retransmitted request got %d replies, expected 1", rep);
                else
                    res = still_works(c, why, whylen);
            }
        }
    }
    sess_close(&A);
    return res;
}

static void flip_tag(uint8_t *pkt, size_t n) { pkt[n - 1] ^= 0x01; }
static void flip_cipher(uint8_t *pkt, size_t n) { (void)n; pkt[13] ^= 0x80; }
static void other_receiver(uint8_t *pkt, size_t n) { (void)n; pkt[1] ^= 0x5A; }
static void flip_header_seq(uint8_t *pkt, size_t n) { (void)n; pkt[12] ^= 0x01; }

CASE(forged_tag) { return altered(c, flip_tag, "forged-tag", why, whylen); }
CASE(forged_ciphertext) { return altered(c, flip_cipher, "bit-flipped", why, whylen); }
CASE(unknown_receiver) { return altered(c, other_receiver, "misaddressed", why, whylen); }
CASE(header_altered) { return altered(c, flip_header_seq, "header-altered", why, whylen); }

/* Replies to two request ids within ms, counted separately. */
static void wait_two(uint32_t a, uint32_t b, int *na, int *nb, int ms)
{
    static tether_v1_Message ra, rb;
    uint64_t end = tt_client_now_ms() + (uint64_t)ms;
    *na = *nb = 0;
    while (tt_client_now_ms() < end && (*na == 0 || *nb == 0)) {
        int first = *na == 0;
        A.cl.waiting_for = first ? a : b;
        A.cl.waiting_reply = first ? &ra : &rb;
        A.cl.got_reply = 0;
        if (tt_client_pump(&A.cl, 20) != TT_OK)
            break;
        if (A.cl.got_reply)
            (*(first ? na : nb))++;
    }
    A.cl.waiting_reply = NULL;
}

/* Two requests sent in reverse order: each answered exactly once. */
CASE(reordered)
{
    uint8_t b1[32], b2[32], p1[TT_PKT_MAX_LEN], p2[TT_PKT_MAX_LEN];
    size_t l1, l2, n1, n2;
    int got1, got2;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    l1 = ping_body(81, b1, sizeof b1);
    l2 = ping_body(82, b2, sizeof b2);
    if (l1 && l2 &&
        tt_session_send(&A.cl.s, b1, l1, tt_client_now_ms(), p1, sizeof p1, &n1) == TT_OK &&
        tt_session_send(&A.cl.s, b2, l2, tt_client_now_ms(), p2, sizeof p2, &n2) == TT_OK) {
        tether_v1_Message tmp;
        if (sess_resend(c, &A, p2, n2, 0, &tmp, 0) >= 0 && sess_resend(c, &A, p1, n1, 0, &tmp, 0) >= 0) {
            wait_two(81, 82, &got1, &got2, CONF_REPLY_MS);
            conf_trace(c, "sent #82's record, then #81's -> %d replies to #81, %d to #82", got1, got2);
            if (got1 != 1 || got2 != 1)
                WHY("replies: %d to the first request, %d to the second (want 1 and 1)", got1, got2);
            else
                res = still_works(c, why, whylen);
        }
    }
    sess_close(&A);
    return res;
}

/* One request sent in two records (a retransmission with a new seq): executed once. */
CASE(duplicate_message)
{
    uint8_t b[32], p1[TT_PKT_MAX_LEN], p2[TT_PKT_MAX_LEN];
    size_t l, n1, n2 = 0;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    l = ping_body(91, b, sizeof b);
    uint64_t now = tt_client_now_ms();
    if (l && tt_session_send(&A.cl.s, b, l, now, p1, sizeof p1, &n1) == TT_OK &&
        tt_session_poll(&A.cl.s, now + 60000, p2, sizeof p2, &n2) == TT_OK) {
        tether_v1_Message tmp;
        int g1 = sess_resend(c, &A, p1, n1, 0, &tmp, 0);
        int g2 = sess_resend(c, &A, p2, n2, 91, &r, 2500);
        conf_trace(c, "the same DATA message in two records (seq differ) -> %d replies", g2);
        if (g1 < 0 || g2 != 1)
            WHY("a message received twice got %d replies, expected 1", g2);
        else
            res = still_works(c, why, whylen);
    } else {
        WHY("the client engine did not produce a retransmission");
    }
    sess_close(&A);
    return res;
}

/* A record replayed after 70 more records: below the replay window. */
CASE(replay_below_window)
{
    uint8_t b[32], pkt[TT_PKT_MAX_LEN];
    size_t l, n;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    l = ping_body(95, b, sizeof b);
    int first = sess_raw(c, &A, b, l, 95, &r, 1500, pkt, &n);
    size_t keep = c->trace_len;
    for (int i = 0; i < 70 && first == 1; i++) {
        msg(&q, tether_v1_Message_ping_tag);
        if (tt_client_call(&A.cl, &q, &r, 5000) != TT_OK) {
            first = -2;
            break;
        }
    }
    c->trace_len = keep;
    conf_trace(c, "70 more pings on the session: %s", first == 1 ? "answered" : "failed");
    if (first == 1) {
        int again = sess_resend(c, &A, pkt, n, 95, &r, -1500);
        if (again != 0)
            WHY("the replayed old record was answered %d times", again);
        else
            res = still_works(c, why, whylen);
    } else {
        WHY("the session did not answer its pings (%d)", first);
    }
    sess_close(&A);
    return res;
}

/* A DATA body that does not decode: Error msg-decode. Today's [MSG-004] sends it with
 * request_id 0 (an event); a device that can read the request id answers it (the v1.1
 * change): either is accepted, the code is what counts. */
CASE(undecodable)
{
    static const uint8_t body[] = {0x08, 0x0b, 0x52, 0x40, 0x01}; /* ping, length past end */
    static tether_v1_Message ev;
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    int got = sess_raw(c, &A, body, sizeof body, 11, &r, -3000, pkt, &n);
    tt_err e = got == 1 ? TT_OK : sess_event(c, &A, &ev, CONF_EVENT_MS);
    const tether_v1_Message *m = got == 1 ? &r : &ev;
    if (got > 1)
        WHY("%d replies", got);
    else if (e != TT_OK || m->which_body != tether_v1_Message_error_tag ||
             m->body.error.code != TT_ERR_MSG_DECODE)
        WHY("no Error msg-decode (%s, body %u)", tt_err_name(e), (unsigned)m->which_body);
    else
        res = still_works(c, why, whylen);
    sess_close(&A);
    return res;
}

/* A request with request_id 0: Error msg-decode, request_id 0, not executed. */
CASE(request_id_zero)
{
    static tether_v1_Message ev;
    uint8_t body[32], pkt[TT_PKT_MAX_LEN];
    size_t l, n;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    l = ping_body(0, body, sizeof body);
    (void)sess_raw(c, &A, body, l, 0xFFFFFFFFu, &r, -100, pkt, &n);
    tt_err e = sess_event(c, &A, &ev, CONF_EVENT_MS);
    if (e != TT_OK || ev.which_body != tether_v1_Message_error_tag ||
        ev.body.error.code != TT_ERR_MSG_DECODE)
        WHY("a ping with request_id 0 was answered %s (body %u), expected Error msg-decode",
            tt_err_name(e), (unsigned)ev.which_body);
    else
        res = still_works(c, why, whylen);
    sess_close(&A);
    return res;
}

/* A device-to-client message sent by the client: Error msg-unsupported. */
CASE(wrong_direction)
{
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_pong_tag);
    q.body.pong.nonce = 3;
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_MSG_UNSUPPORTED, -1, why, whylen);
    if (res == CONF_PASS) {
        msg(&q, tether_v1_Message_stop_event_tag);
        res = sess_expect(c, &A, &q, TT_ERR_MSG_UNSUPPORTED, -1, why, whylen);
    }
    sess_close(&A);
    return res;
}

/* Two sessions at once ([HS-040]): each has its own state; both answer. */
CASE(two_sessions)
{
    static struct sess B;
    if (c->limits.max_sessions < 2) {
        WHY("Limits.max_sessions %u: at least 2 required", (unsigned)c->limits.max_sessions);
        return CONF_FAIL;
    }
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    /* The link carries one connection at a time: B's handshake replaces A's connection,
     * and A's session continues over a new one ([HS-050]). */
    if (sess_open(c, &B, 0, why, whylen) == CONF_PASS) {
        msg(&q, tether_v1_Message_ping_tag);
        tt_err e = sess_call(c, &B, &q, &r);
        if (e == TT_OK) /* A reconnects: the link takes one connection at a time */
            res = still_works(c, why, whylen);
        else
            WHY("second session: %s", tt_err_name(e));
        if (res == CONF_PASS) { /* and B's session survived A's turn */
            msg(&q, tether_v1_Message_ping_tag);
            e = sess_call(c, &B, &q, &r);
            if (e != TT_OK) {
                WHY("the first session's traffic ended the second (%s)", tt_err_name(e));
                res = CONF_FAIL;
            }
        }
        sess_close(&B);
    }
    sess_close(&A);
    return res;
}

/* Eviction ([HS-041]): with every slot held by confirmed sessions of one key, a new session
 * of that key evicts the least recently active one ([HS-042]: it ends), and a new session of
 * another key is refused hs-busy. A fresh key, so no earlier session is involved. */
CASE(eviction)
{
    static struct sess S[9];
    static tether_v1_Message q2, r2;
    struct conf_key saved, k2;
    unsigned m = c->limits.max_sessions;
    if (m < 2 || m > 8) {
        WHY("Limits.max_sessions %u", m);
        return m < 2 ? CONF_FAIL : CONF_NA;
    }
    conf_new_key(c, &saved);
    enum conf_result res = CONF_PASS;
    unsigned opened = 0;
    for (unsigned i = 0; i <= m && res == CONF_PASS; i++) { /* one more than the slots */
        res = sess_open(c, &S[i], 0, why, whylen);
        msg(&q2, tether_v1_Message_ping_tag); /* confirmed and active, in this order */
        if (res == CONF_PASS && sess_call(c, &S[i], &q2, &r2) != TT_OK) {
            WHY("session %u does not answer", i);
            res = CONF_FAIL;
        }
        opened += res == CONF_PASS;
    }
    if (res == CONF_PASS) {
        /* S[0] was the least recently active: its session must be gone (a short wait: a
         * slow device answering later would pass, never fail, this check) */
        msg(&q2, tether_v1_Message_ping_tag);
        sess_release_link();
        tt_err e = TT_ERR_IO;
        if (S[0].cl.t->reconnect(S[0].cl.t) == TT_OK) {
            tt_frame_decoder_init(&S[0].cl.dec);
            tt_session_on_reconnect(&S[0].cl.s);
            e = tt_client_call(&S[0].cl, &q2, &r2, 3000);
            S[0].cl.t->close(S[0].cl.t);
        }
        conf_trace(c, "ping on the least recently active session -> %s", tt_err_name(e));
        if (e == TT_OK && r2.which_body == tether_v1_Message_pong_tag) {
            WHY("%u sessions of one key on %u slots: the least recently active still answers",
                m + 1, m);
            res = CONF_FAIL;
        }
    }
    if (res == CONF_PASS) {
        static struct sess O;
        conf_new_key(c, &k2);
        sess_release_link();
        tt_err e = conf_session(c, &O.link, &O.cl, 0);
        conf_trace(c, "handshake of another key with every slot held: %s", tt_err_name(e));
        if (e == TT_OK) {
            O.open = 1;
            sess_close(&O);
            WHY("another key's session was accepted with every slot confirmed and active");
            res = CONF_FAIL;
        } else if (e != TT_ERR_HS_BUSY) {
            WHY("another key's handshake: %s, expected hs-busy", tt_err_name(e));
            res = CONF_FAIL;
        }
        conf_restore_key(c, &k2);
    }
    for (unsigned i = 1; i < opened; i++)
        sess_close(&S[i]);
    S[0].open = 0;
    tt_client_close(&S[0].cl);
    conf_restore_key(c, &saved);
    return res;
}

/* [REC-012] An authentic record whose envelope is then rejected still counts as activity
 * ([HS-041]). All slots held by sessions of one key, S[0] the least recently active; S[0]
 * then gets one authentic record carrying an envelope of unknown kind (rejected, [REL-007]);
 * the next session of that key must evict S[1], now the least recently active, and S[0]
 * must still answer. */
CASE(rejected_envelope_is_activity)
{
    static struct sess S[9];
    static tether_v1_Message q2, r2;
    struct conf_key saved;
    unsigned m = c->limits.max_sessions;
    if (m < 2 || m > 8) {
        WHY("Limits.max_sessions %u", m);
        return m < 2 ? CONF_FAIL : CONF_NA;
    }
    conf_new_key(c, &saved);
    enum conf_result res = CONF_PASS;
    unsigned opened = 0;
    for (unsigned i = 0; i < m && res == CONF_PASS; i++) { /* every slot, active in order */
        res = sess_open(c, &S[i], 0, why, whylen);
        msg(&q2, tether_v1_Message_ping_tag);
        if (res == CONF_PASS && sess_call(c, &S[i], &q2, &r2) != TT_OK) {
            WHY("session %u does not answer", i);
            res = CONF_FAIL;
        }
        opened += res == CONF_PASS;
    }
    if (res == CONF_PASS) {
        uint8_t env[TT_REL_HEADER_LEN] = {0x03}, pkt[TT_PKT_MAX_LEN];
        size_t pl;
        int got = -1;
        if (tt_record_seal(&S[0].cl.s.rec, tt_client_now_ms() / 1000u, env, sizeof env, pkt,
                           sizeof pkt, &pl) == TT_OK)
            got = sess_resend(c, &S[0], pkt, pl, 0, &r2, -500);
        conf_trace(c, "S[0]: one authentic record with an envelope of kind 0x03 -> %d", got);
        if (got < 0) {
            WHY("could not send the record on S[0]");
            res = CONF_FAIL;
        }
    }
    if (res == CONF_PASS) {
        res = sess_open(c, &S[m], 0, why, whylen); /* one more than the slots */
        opened += res == CONF_PASS;
    }
    if (res == CONF_PASS) {
        msg(&q2, tether_v1_Message_ping_tag);
        tt_err e = sess_call(c, &S[0], &q2, &r2);
        if (e != TT_OK || r2.which_body != tether_v1_Message_pong_tag) {
            WHY("S[0], active last by a record whose envelope was rejected, was evicted: "
                "ping %s", tt_err_name(e));
            res = CONF_FAIL;
        }
    }
    if (res == CONF_PASS) { /* S[1] is the one that went (short wait: cannot fail by slowness) */
        msg(&q2, tether_v1_Message_ping_tag);
        sess_release_link();
        tt_err e = TT_ERR_IO;
        if (S[1].cl.t->reconnect(S[1].cl.t) == TT_OK) {
            tt_frame_decoder_init(&S[1].cl.dec);
            tt_session_on_reconnect(&S[1].cl.s);
            e = tt_client_call(&S[1].cl, &q2, &r2, 3000);
            S[1].cl.t->close(S[1].cl.t);
        }
        conf_trace(c, "ping on S[1] -> %s", tt_err_name(e));
        if (e == TT_OK && r2.which_body == tether_v1_Message_pong_tag) {
            WHY("%u sessions of one key on %u slots: S[1], the least recently active, still "
                "answers", m + 1, m);
            res = CONF_FAIL;
        }
    }
    for (unsigned i = 0; i <= m; i++) /* an evicted session's Close goes unanswered */
        sess_close(&S[i]);
    (void)opened;
    conf_restore_key(c, &saved);
    return res;
}

const struct conf_case conf_record_cases[] = {
    {"[REC-005] [REC-007] [REC-011] [SEC-14]", "a record with a forged tag is dropped silently; the session is unchanged", forged_tag},
    {"[REC-005] [REC-002] [SEC-14]", "a record with a flipped ciphertext bit is dropped silently", forged_ciphertext},
    {"[REC-004] [REC-011]", "a record for an unknown receiver id is dropped silently", unknown_receiver},
    {"[REC-002] [REC-007]", "a record whose header (seq) was altered fails its tag and is dropped", header_altered},
    {"[REC-006] [REL-004] [REL-006] [REL-012]", "two requests reordered on the link are each answered once", reordered},
    {"[REL-005] [REL-012] [REL-014]", "a message received twice (retransmitted in a new record) is executed once", duplicate_message},
    {"[REC-006] [SEC-3]", "a record replayed from below the replay window is not executed", replay_below_window},
    {"[MSG-004] [CTL-012] [MSG-002]", "an undecodable Message gets Error msg-decode (request_id 0, or its own)", undecodable},
    {"[MSG-011]", "a request with request_id 0 gets Error msg-decode and is not executed", request_id_zero},
    {"[MSG-012]", "device-to-client messages sent by the client get Error msg-unsupported", wrong_direction},
    {"[HS-040] [HS-050]", "two sessions at once, each continuing over a new connection", two_sessions},
    {"[REC-012] [HS-041]", "an authentic record with a rejected envelope counts as activity: the next session evicts another", rejected_envelope_is_activity},
    {"[HS-041] [HS-042] [HS-012]", "all slots held: the same key evicts its least recently active session, another key gets hs-busy", eviction},
};
const size_t conf_record_ncases = sizeof conf_record_cases / sizeof conf_record_cases[0];
