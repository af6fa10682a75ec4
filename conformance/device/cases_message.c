/* cases_message.c — the message-transport binding seen from the client's side of a broker
 * (spec/transport.md [MTB-001]..[MTB-004], [MTB-050]): what a device behind its bridge puts on
 * tether/<id>/up, and what it does with messages on tether/<id>/down that no participant
 * sends (empty, oversized, two packets or a frame in one message). On a byte-stream link
 * these cases are N/A: the FRM cases test that binding. */
#include "cases.h"
#include "tether/bytes.h"
#include "tether/framing.h"
#include "tether/messages.h"
#include "tether/record.h"
#include "tether/reliable.h"

#define NO_REPLY_MS 1500 /* how long a dropped message is watched for an answer */

static struct sess A;
static tether_v1_Message q, r;

static enum conf_result needs_messages(struct conf *c, char *why, size_t whylen)
{
    if (!c->byte_stream)
        return CONF_PASS;
    WHY("%s is a byte stream: the message-transport binding does not apply (FRM cases)",
        c->link);
    return CONF_NA;
}

/* The device's messages as they came off the broker: one packet each ([MTB-001]). */
static struct {
    size_t len;
    uint8_t type;
    uint32_t to;
    uint64_t seq;
} seen[64];
static size_t nseen;
static tt_err (*orig_recv)(struct tt_transport *, uint8_t *, size_t, size_t *, int);

static tt_err tap_recv(struct tt_transport *t, uint8_t *buf, size_t cap, size_t *n, int ms)
{
    tt_err e = orig_recv(t, buf, cap, n, ms);
    if (e == TT_OK && nseen < sizeof seen / sizeof seen[0]) {
        seen[nseen].len = *n;
        seen[nseen].type = *n ? buf[0] : 0;
        seen[nseen].to = *n >= 5 ? tt_load_be32(buf + 1) : 0;
        seen[nseen].seq = *n >= 13 ? tt_load_be64(buf + 5) : 0;
        nseen++;
    }
    return e;
}

/* [MTB-001] [MTB-002] [MTB-003] [MTB-010] Requests on a session through the broker: every
 * message on tether/<id>/up is one packet (a record of 1..1400 bytes, no frame header, no
 * CRC), addressed to our session, QoS 1, and the records count up by one: none is merged,
 * split or delivered twice on the way. */
CASE(one_packet_per_message)
{
    if (needs_messages(c, why, whylen) != CONF_PASS)
        return CONF_NA;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    struct tt_mqtt *m = &A.link.mqtt;
    uint32_t topic0 = m->dropped_topic, length0 = m->dropped_length, qos0 = m->got_qos0;
    uint32_t reconnects0 = A.cl.reconnects;
    tt_err e = TT_OK;
    nseen = 0;
    orig_recv = A.cl.t->recv;
    A.cl.t->recv = tap_recv;
    for (int i = 0; i < 6 && e == TT_OK; i++) {
        msg(&q, i % 2 ? tether_v1_Message_get_capabilities_tag : tether_v1_Message_ping_tag);
        e = sess_call(c, &A, &q, &r);
    }
    A.cl.t->recv = orig_recv;
    int reconnected = A.cl.reconnects != reconnects0;
    uint32_t local = A.cl.s.local_id;
    sess_close(&A);
    conf_trace(c, "%zu messages on the up topic; dropped: %u other topic, %u bad length; %u "
               "with QoS 0", nseen, (unsigned)(m->dropped_topic - topic0),
               (unsigned)(m->dropped_length - length0), (unsigned)(m->got_qos0 - qos0));
    if (e != TT_OK) {
        WHY("requests on the session: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    if (m->dropped_topic != topic0) {
        WHY("[MTB-002] %u messages came on a topic other than tether/<id>/up",
            (unsigned)(m->dropped_topic - topic0));
        return CONF_FAIL;
    }
    if (m->dropped_length != length0) {
        WHY("[MTB-001] %u messages from the device were empty or longer than 1400 bytes",
            (unsigned)(m->dropped_length - length0));
        return CONF_FAIL;
    }
    if (m->got_qos0 != qos0) {
        WHY("[MTB-003] %u packets were published with QoS 0", (unsigned)(m->got_qos0 - qos0));
        return CONF_FAIL;
    }
    uint64_t next = 0;
    int records = 0;
    for (size_t i = 0; i < nseen; i++) {
        if (seen[i].type == TT_PKT_RESPONSE)
            continue; /* a handshake response resent for a retransmitted initiation */
        if (seen[i].type != TT_PKT_RECORD || seen[i].len < TT_RECORD_OVERHEAD) {
            WHY("[MTB-001] message %zu (%zu bytes) is not one packet: starts with 0x%02x", i,
                seen[i].len, seen[i].type);
            return CONF_FAIL;
        }
        if (seen[i].to != local)
            continue; /* another session's: every subscriber of up gets it ([MTB-004]) */
        /* QoS 1 may deliver twice across a lost connection ([MTB-003]); on one that stayed up
         * a record seen twice was duplicated on the way */
        if (!reconnected && seen[i].seq != next) {
            WHY("[MTB-010] message %zu carries record seq %llu, expected %llu: a packet %s on "
                "the way", i, (unsigned long long)seen[i].seq, (unsigned long long)next,
                seen[i].seq < next ? "delivered twice" : "lost or merged");
            return CONF_FAIL;
        }
        next = seen[i].seq + 1;
        records++;
    }
    if (records < 6) {
        WHY("%d records for 6 requests", records);
        return CONF_FAIL;
    }
    WHY("%zu messages, each one packet%s", nseen, reconnected ? " (a reconnect: seq not checked)" : "");
    return CONF_PASS;
}

/* Answers to requests rid..rid+extra on cl's session read off transport t for NO_REPLY_MS, without
 * pumping the session (a retransmission must not make one): records addressed to cl's
 * session that open under its keys (on a copy of its record state) and carry a DATA message
 * with one of those request_ids. Anything else on the topic pair (an ACK, another session's record,
 * a retransmitted earlier reply) is not an answer to rid. */
static size_t answers_within(struct tt_transport *t, const struct tt_client *cl, uint32_t rid,
                             uint32_t extra)
{
    static struct tt_record_session copy;
    static uint8_t in[2048], env[TT_RECORD_MAX_PLAINTEXT];
    static tether_v1_Message m;
    size_t got = 0, k, el;
    uint64_t end = tt_client_now_ms() + NO_REPLY_MS;
    copy = cl->s.rec;
    while (tt_client_now_ms() < end) {
        if (t->recv(t, in, sizeof in, &k, 50) != TT_OK || k < TT_RECORD_OVERHEAD ||
            in[0] != TT_PKT_RECORD || tt_load_be32(in + 1) != cl->s.local_id)
            continue;
        if (tt_record_open(&copy, tt_client_now_ms() / 1000u, in, k, env, sizeof env, &el) ==
                TT_OK &&
            el > TT_REL_HEADER_LEN && env[0] == TT_REL_DATA &&
            tt_msg_decode(env + TT_REL_HEADER_LEN, el - TT_REL_HEADER_LEN, &m) == TT_OK &&
            m.request_id - rid <= extra)
            got++;
    }
    tt_record_session_wipe(&copy);
    return got;
}

/* A Ping as the session's next record, not sent: its message stays in flight, so the
 * session's retransmission delivers it later. */
static size_t ping_packet(struct sess *s, uint32_t rid, uint8_t *pkt)
{
    uint8_t body[32];
    size_t bl, n = 0;
    msg(&q, tether_v1_Message_ping_tag);
    q.request_id = rid;
    q.body.ping.nonce = rid;
    if (tt_msg_encode(&q, body, sizeof body, &bl) != TT_OK ||
        tt_session_send(&s->cl.s, body, bl, tt_client_now_ms(), pkt, TT_PKT_MAX_LEN, &n) !=
            TT_OK)
        return 0;
    return n;
}

/* [MTB-001] [MTB-029] Messages no participant sends, on tether/<id>/down: empty, 1401 bytes
 * (a valid record and padding), two valid records in one message, a valid record framed as
 * on a byte stream. Each is one packet or none: dropped without an answer. Nothing changed:
 * the two requests they carried are then answered exactly once each (retransmitted by the
 * session), and the session goes on. */
CASE(malformed_messages_dropped)
{
    static uint8_t p1[TT_PKT_MAX_LEN], p2[TT_PKT_MAX_LEN], big[TT_PKT_MAX_LEN + 1],
        pair[2 * TT_PKT_MAX_LEN], frame[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t fn;
    if (needs_messages(c, why, whylen) != CONF_PASS)
        return CONF_NA;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    size_t n1 = ping_packet(&A, 81, p1), n2 = ping_packet(&A, 82, p2);
    if (!n1 || !n2 || n1 + n2 > TT_PKT_MAX_LEN ||
        tt_frame_encode(p1, n1, frame, sizeof frame, &fn) != TT_OK) {
        sess_close(&A);
        WHY("could not make the test records");
        return CONF_FAIL;
    }
    memcpy(big, p1, n1);
    memset(big + n1, 0xA5, sizeof big - n1);
    memcpy(pair, p1, n1);
    memcpy(pair + n1, p2, n2);
    const struct {
        const uint8_t *b;
        size_t n;
        const char *what;
    } bad[] = {{p1, 0, "an empty message"},
               {big, sizeof big, "a 1401-byte message (a valid record and padding)"},
               {pair, n1 + n2, "two valid records in one message"},
               {frame, fn, "a valid record framed as on a byte stream"}};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (tt_mqtt_publish_any(&A.link.mqtt, bad[i].b, bad[i].n) != TT_OK) {
            WHY("could not publish %s", bad[i].what);
            break;
        }
        size_t got = answers_within(A.cl.t, &A.cl, 81, 1);
        conf_trace(c, "published %s (%zu bytes) -> %zu answers to #81 or #82", bad[i].what,
                   bad[i].n, got);
        if (got) {
            WHY("[MTB-001] %s was answered (%zu replies)", bad[i].what, got);
            break;
        }
    }
    if (i == sizeof bad / sizeof bad[0]) {
        /* the session retransmits both requests in new records: one answer each */
        int a1 = sess_wait(&A, 81, &r, 0), a2 = sess_wait(&A, 82, &r, 0);
        conf_trace(c, "then the session's retransmissions -> %d replies to #81, %d to #82", a1,
                   a2);
        msg(&q, tether_v1_Message_ping_tag);
        if (a1 != 1 || a2 != 1)
            WHY("after the dropped messages, %d replies to #81 and %d to #82, expected 1 each",
                a1, a2);
        else if (sess_call(c, &A, &q, &r) != TT_OK)
            WHY("the session stopped working after the dropped messages");
        else
            res = CONF_PASS;
    }
    sess_close(&A);
    return res;
}

/* [MTB-003] No packet is retained: after an exchange, a new subscriber of tether/<id>/up
 * receives nothing before the broker's answer to its next request (where retained messages
 * would come). */
CASE(no_retained_packet)
{
    static struct tt_link fresh;
    if (needs_messages(c, why, whylen) != CONF_PASS)
        return CONF_NA;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_ping_tag);
    tt_err e = sess_call(c, &A, &q, &r);
    sess_close(&A); /* its Close is the last packet either way */
    if (e != TT_OK) {
        WHY("ping: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    if (conf_link_open(c, &fresh) != TT_OK) {
        WHY("cannot open a second broker connection");
        return CONF_FAIL;
    }
    e = tt_mqtt_sync(&fresh.mqtt, CONF_REPLY_MS);
    unsigned queued = fresh.mqtt.qn, retained = fresh.mqtt.got_retained;
    fresh.t->close(fresh.t);
    conf_trace(c, "a new subscriber of the up topic: %u messages, %u retained, before the "
               "broker's answer (%s)", queued, retained, tt_err_name(e));
    if (e != TT_OK) {
        WHY("the broker did not answer an UNSUBSCRIBE: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    if (queued || retained) {
        WHY("[MTB-003] a new subscriber got %u retained packets", retained ? retained : queued);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* [MTB-004] [MTB-050] Two clients (two keys, two broker connections) on the device's one
 * topic pair hold sessions at once: each request is answered on its own session. A record of
 * one session re-addressed to the other session's id is not answered within NO_REPLY_MS; both
 * sessions go on, and the request it carried is then answered on its own session (the
 * session's retransmission). */
static struct tt_client cl2[2];
static struct tt_link link2[2];

static tt_err ping_on(int k, uint32_t nonce)
{
    msg(&q, tether_v1_Message_ping_tag);
    q.body.ping.nonce = nonce;
    tt_err e = tt_client_call(&cl2[k], &q, &r, CONF_REPLY_MS);
    if (e == TT_OK && (r.which_body != tether_v1_Message_pong_tag || r.body.pong.nonce != nonce))
        e = TT_ERR_FORMAT;
    return e;
}

CASE(shared_topic_pair)
{
    struct conf_key saved;
    enum conf_result res = CONF_FAIL;
    int open = 0;
    if (needs_messages(c, why, whylen) != CONF_PASS)
        return CONF_NA;
    if (c->limits.max_sessions < 2) {
        WHY("Limits.max_sessions %u: one client at a time", (unsigned)c->limits.max_sessions);
        return CONF_NA;
    }
    sess_release_link();
    tt_err e = conf_session(c, &link2[0], &cl2[0], 0);
    if (e == TT_OK) {
        open = 1;
        conf_new_key(c, &saved);
        e = conf_session(c, &link2[1], &cl2[1], 0);
        conf_restore_key(c, &saved);
    }
    if (e != TT_OK) {
        if (open)
            conf_end(&cl2[0]);
        WHY("two sessions at once: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    for (uint32_t i = 0; i < 4 && e == TT_OK; i++)
        e = ping_on((int)(i % 2), 100 + i);
    conf_trace(c, "two clients on one topic pair, pings interleaved: %s", tt_err_name(e));
    if (e != TT_OK) {
        WHY("[MTB-004] interleaved pings of two clients: %s", tt_err_name(e));
        goto out;
    }
    uint8_t pkt[TT_PKT_MAX_LEN], body[32];
    size_t bl, n;
    /* the next record of session 0, addressed to session 1's device-side id */
    msg(&q, tether_v1_Message_ping_tag);
    q.request_id = 91;
    q.body.ping.nonce = 91;
    if (tt_msg_encode(&q, body, sizeof body, &bl) != TT_OK ||
        tt_session_send(&cl2[0].s, body, bl, tt_client_now_ms(), pkt, sizeof pkt, &n) != TT_OK) {
        WHY("could not make the record");
        goto out;
    }
    tt_store_be32(pkt + 1, cl2[1].s.remote_id);
    if (conf_send_packet(cl2[0].t, pkt, n) != TT_OK) {
        WHY("could not send the re-addressed record");
        goto out;
    }
    size_t got = answers_within(cl2[0].t, &cl2[0], 91, 0);
    conf_trace(c, "a record of session 0 re-addressed to session 1 -> %zu answers to #91", got);
    /* session 1 cannot open session 0's record: only a device that ignores the id answers */
    if (got) {
        WHY("[MTB-050] a record re-addressed to another session was answered (%zu replies)",
            got);
        goto out;
    }
    /* nothing changed: session 0's retransmission of #91 is answered once; session 1 works */
    cl2[0].waiting_for = 91;
    cl2[0].waiting_reply = &r;
    cl2[0].got_reply = 0;
    uint64_t end = tt_client_now_ms() + CONF_REPLY_MS;
    while (!cl2[0].got_reply && tt_client_now_ms() < end)
        if (tt_client_pump(&cl2[0], 20) != TT_OK)
            break;
    cl2[0].waiting_reply = NULL;
    if (!cl2[0].got_reply || r.which_body != tether_v1_Message_pong_tag ||
        r.body.pong.nonce != 91) {
        WHY("session 0's request #91 was not answered after the re-addressed copy");
        goto out;
    }
    if (ping_on(1, 201) != TT_OK || ping_on(0, 202) != TT_OK) {
        WHY("[MTB-050] the sessions stopped working after the re-addressed record");
        goto out;
    }
    res = CONF_PASS;
out:
    conf_end(&cl2[0]);
    conf_end(&cl2[1]);
    return res;
}

const struct conf_case conf_message_cases[] = {
    {"[MTB-001] [MTB-002] [MTB-003] [MTB-010]",
     "each message from the device is one packet on its up topic, QoS 1, none merged, split or doubled",
     one_packet_per_message},
    {"[MTB-001] [MTB-029]",
     "empty, oversized, doubled and framed messages are dropped without an answer; nothing changes",
     malformed_messages_dropped},
    {"[MTB-003]", "no packet is retained on the up topic", no_retained_packet},
    {"[MTB-004] [MTB-050]",
     "two clients on one topic pair hold sessions at once; a record re-addressed to the other session is dropped",
     shared_topic_pair},
};
const size_t conf_message_ncases = sizeof conf_message_cases / sizeof conf_message_cases[0];
