/* cases_session.c — conformance cases on an established session: control requests,
 * record replay, unknown messages, permissions, debug access rules and a transport cut. */
#include <stdio.h>
#include <string.h>

#include "conform.h"
#include "tether/framing.h"

#define WHY(...) snprintf(why, whylen, __VA_ARGS__)

static struct tt_client cl;
static struct tt_link link;

static enum conf_result open_session(struct conf *c, uint32_t perms, char *why, size_t whylen)
{
    tt_err e = conf_session(c, &link, &cl, perms);
    if (e != TT_OK) {
        WHY("handshake failed: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* Sends an already-encoded message body as one record and returns the packet sent. */
static tt_err send_raw(const uint8_t *body, size_t len, uint8_t *pkt, size_t *n)
{
    tt_err e = tt_session_send(&cl.s, body, len, tt_client_now_ms(), pkt, TT_PKT_MAX_LEN, n);
    if (e == TT_OK)
        e = conf_send_packet(cl.t, pkt, *n);
    return e;
}

/* Waits for the reply to request_id rid: 1 as soon as it came, 0 if it did not within ms (a
 * hang guard, generous: an emulated device on a loaded machine can take seconds). */
static int wait_reply(uint32_t rid, tether_v1_Message *out, int ms)
{
    uint64_t end = tt_client_now_ms() + (uint64_t)ms;
    cl.waiting_for = rid;
    cl.waiting_reply = out;
    cl.got_reply = 0;
    while (!cl.got_reply && tt_client_now_ms() < end)
        if (tt_client_pump(&cl, 20) != TT_OK)
            break;
    cl.waiting_reply = NULL;
    return cl.got_reply;
}

/* How many messages the device delivered before the reply to one more Ping: the device
 * answers records in order and the session delivers in order, so anything it sent before
 * (a duplicate reply) is counted, with no time window. -1 if the Ping failed. */
static int delivered_before_fence(void)
{
    static tether_v1_Message q, r;
    uint32_t before = cl.delivered;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_ping_tag;
    if (tt_client_call_ok(&cl, &q, &r, 20000) != TT_OK)
        return -1;
    return (int)(cl.delivered - before) - 1;
}

static enum conf_result ping(struct conf *c, char *why, size_t whylen)
{
    static tether_v1_Message q, r;
    if (open_session(c, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_ping_tag;
    q.body.ping.nonce = 0x1122334455667788ull;
    tt_err e = tt_client_call_ok(&cl, &q, &r, 15000);
    conf_end(&cl);
    if (e != TT_OK || r.which_body != tether_v1_Message_pong_tag ||
        r.body.pong.nonce != q.body.ping.nonce) {
        WHY("no Pong with the nonce (%s)", tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

static enum conf_result capabilities(struct conf *c, char *why, size_t whylen)
{
    static tether_v1_Message q, r;
    if (open_session(c, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_get_capabilities_tag;
    tt_err e = tt_client_call_ok(&cl, &q, &r, 15000);
    conf_end(&cl);
    if (e != TT_OK || r.which_body != tether_v1_Message_capabilities_tag ||
        memcmp(r.body.capabilities.device_id, c->rec.device_id, 16) != 0) {
        WHY("no Capabilities for this device (%s)", tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* The same record sent twice: the request runs once, so one reply. */
static enum conf_result record_replay(struct conf *c, char *why, size_t whylen)
{
    static tether_v1_Message q, r;
    uint8_t enc[64], pkt[TT_PKT_MAX_LEN];
    size_t el, n;
    if (open_session(c, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    memset(&q, 0, sizeof q);
    q.request_id = 77;
    q.which_body = tether_v1_Message_ping_tag;
    q.body.ping.nonce = 5;
    if (tt_msg_encode(&q, enc, sizeof enc, &el) != TT_OK || send_raw(enc, el, pkt, &n) != TT_OK)
        return CONF_FAIL;
    int first = wait_reply(77, &r, 20000);
    if (conf_send_packet(cl.t, pkt, n) != TT_OK)
        return CONF_FAIL;
    int again = delivered_before_fence(); /* a reply to the replay would come first */
    conf_end(&cl);
    if (first != 1 || again != 0) {
        WHY("replies: %d to the record, %d to its replay", first, again);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* A Message with no body this version knows: Error msg-unsupported, same request_id. */
static enum conf_result unknown_body(struct conf *c, char *why, size_t whylen)
{
    static tether_v1_Message r;
    /* request_id 9, then field 200 (varint 1): a body from some later version */
    static const uint8_t body[] = {0x08, 0x09, 0xc0, 0x0c, 0x01};
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    if (open_session(c, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    if (send_raw(body, sizeof body, pkt, &n) != TT_OK)
        return CONF_FAIL;
    int got = wait_reply(9, &r, 20000);
    if (got == 1 && delivered_before_fence() != 0)
        got = 2; /* a second reply */
    conf_end(&cl);
    if (got != 1 || r.which_body != tether_v1_Message_error_tag ||
        r.body.error.code != TT_ERR_MSG_UNSUPPORTED) {
        WHY("expected one Error msg-unsupported, got %d replies (body %u, code %u)", got,
            (unsigned)r.which_body, (unsigned)r.body.error.code);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

static tt_err call_expect(tether_v1_Message *q, tt_err want, char *why, size_t whylen)
{
    static tether_v1_Message r;
    tt_err e = tt_client_call_ok(&cl, q, &r, 5000);
    if (e != want)
        WHY("got %s, expected %s", tt_err_name(e), tt_err_name(want));
    return e;
}

static enum conf_result permission_refused(struct conf *c, char *why, size_t whylen)
{
    static tether_v1_Message q;
    if (!(c->capabilities & tether_v1_Capability_CAP_DEBUG)) {
        WHY("no debug service");
        return CONF_NA;
    }
    if (open_session(c, TT_PERM_LOG, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_attach_tag;
    tt_err e = call_expect(&q, TT_ERR_PERMISSION, why, whylen);
    conf_end(&cl);
    return e == TT_ERR_PERMISSION ? CONF_PASS : CONF_FAIL;
}

static enum conf_result secure_memory_refused(struct conf *c, char *why, size_t whylen)
{
    static tether_v1_Message q;
    tt_err e;
    if (!(c->capabilities & tether_v1_Capability_CAP_DEBUG)) {
        WHY("no debug service");
        return CONF_NA;
    }
    if (open_session(c, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_attach_tag;
    e = call_expect(&q, TT_OK, why, whylen);
    if (e == TT_OK) {
        /* the Secure alias of the code memory, and the top of the 32-bit space */
        static const uint32_t addrs[] = {0x10000000u, 0xFFFFFFF0u};
        for (size_t i = 0; i < 2 && e == TT_OK; i++) {
            memset(&q, 0, sizeof q);
            q.which_body = tether_v1_Message_read_memory_tag;
            q.body.read_memory.ranges_count = 1;
            q.body.read_memory.ranges[0].addr = addrs[i];
            q.body.read_memory.ranges[0].len = 16;
            if (call_expect(&q, TT_ERR_DBG_ACCESS, why, whylen) != TT_ERR_DBG_ACCESS)
                e = TT_ERR_DBG_ACCESS + 1;
        }
    }
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_detach_tag;
    (void)call_expect(&q, TT_OK, why, 0);
    conf_end(&cl);
    return e == TT_OK ? CONF_PASS : CONF_FAIL;
}

/* A request in flight when the connection drops: after a reconnect (no new handshake) its
 * reply arrives, once. */
static enum conf_result transport_cut(struct conf *c, char *why, size_t whylen)
{
    static tether_v1_Message q, r;
    uint8_t enc[64], pkt[TT_PKT_MAX_LEN];
    size_t el, n;
    if (open_session(c, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    memset(&q, 0, sizeof q);
    q.request_id = 1234;
    q.which_body = tether_v1_Message_ping_tag;
    q.body.ping.nonce = 99;
    if (tt_msg_encode(&q, enc, sizeof enc, &el) != TT_OK || send_raw(enc, el, pkt, &n) != TT_OK)
        return CONF_FAIL;
    if (cl.t->reconnect(cl.t) != TT_OK) {
        conf_end(&cl);
        WHY("the link did not accept a new connection");
        return CONF_FAIL;
    }
    tt_frame_decoder_init(&cl.dec);
    tt_session_on_reconnect(&cl.s);
    int got = wait_reply(1234, &r, 20000);
    if (got == 1) { /* once, and the session still works */
        int more = delivered_before_fence();
        got = more < 0 ? -1 : 1 + more;
    }
    conf_end(&cl);
    if (got != 1) {
        WHY("reply to the request in flight arrived %d times after the reconnect", got);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* A Ping carrying a field this version does not know: ignored, Pong as usual ([VER-005]). */
static enum conf_result unknown_field(struct conf *c, char *why, size_t whylen)
{
    static tether_v1_Message r;
    /* request_id 12; ping { nonce 5, field 9 = 1 } */
    static const uint8_t body[] = {0x08, 0x0c, 0x52, 0x04, 0x08, 0x05, 0x48, 0x01};
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    (void)c;
    if (open_session(c, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    if (send_raw(body, sizeof body, pkt, &n) != TT_OK)
        return CONF_FAIL;
    int got = wait_reply(12, &r, 20000);
    if (got == 1 && delivered_before_fence() != 0)
        got = 2; /* a second reply */
    conf_end(&cl);
    if (got != 1 || r.which_body != tether_v1_Message_pong_tag || r.body.pong.nonce != 5) {
        WHY("a Ping with an unknown field: %d replies (body %u)", got, (unsigned)r.which_body);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

const struct conf_case conf_session_cases[] = {
    {"[VER-005] [MSG-001]", "a Ping with a field of a later version is answered as usual", unknown_field},
    {"[CTL-001]", "Ping gets a Pong with the same nonce", ping},
    {"[CTL-002]", "GetCapabilities describes this device", capabilities},
    {"[REC-006] [SEC-3]", "a replayed record is not executed again", record_replay},
    {"[MSG-005] [VER-006] [VER-004]", "a Message with an unknown body gets Error msg-unsupported", unknown_body},
    {"[GRT-040] [SEC-9]", "a request the grant does not permit gets Error permission", permission_refused},
    {"[DBG-010] [SEC-16]", "reads of Secure memory get Error dbg-access", secure_memory_refused},
    {"[REL-011] [REL-012] [HS-050] [MTB-020]", "a request in flight survives a reconnect, answered once", transport_cut},
};
const size_t conf_session_ncases = sizeof conf_session_cases / sizeof conf_session_cases[0];
