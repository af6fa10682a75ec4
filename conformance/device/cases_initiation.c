/* cases_initiation.c — message 1 carries no command ([SEC-5], [HS-004]): an initiation
 * whose payload holds, after the ClientHello, an encoded request under a field number the
 * ClientHello does not have. The device must complete the handshake (the field is unknown,
 * [VER-005]) and must not execute the request: no reply to its request_id ever comes, while
 * a real request on the session is answered. */
#include "cases.h"

static struct sess A;
static tether_v1_Message q, r;

enum { SMUGGLED_RID = 77, SMUGGLED_FIELD = 15, QUIET_MS = 2000 };

CASE(no_command_in_message1)
{
    uint8_t extra[2 + 64];
    size_t bl = 0;
    msg(&q, tether_v1_Message_ping_tag);
    q.request_id = SMUGGLED_RID;
    q.body.ping.nonce = SMUGGLED_RID;
    if (tt_msg_encode(&q, extra + 2, sizeof extra - 2, &bl) != TT_OK || bl > 127) {
        WHY("could not encode the Ping");
        return CONF_FAIL;
    }
    extra[0] = (uint8_t)(SMUGGLED_FIELD << 3 | 2); /* length-delimited */
    extra[1] = (uint8_t)bl;
    if (sess_open_extra(c, &A, 0, extra, bl + 2, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    conf_trace(c, "initiation carried a Ping (request_id %d) as field %d after the ClientHello",
               SMUGGLED_RID, SMUGGLED_FIELD);
    enum conf_result res = CONF_FAIL;
    int got = sess_wait(&A, SMUGGLED_RID, &r, -QUIET_MS);
    if (got != 0) {
        WHY("the device answered the request carried in message 1 (%d replies)", got);
        goto out;
    }
    msg(&q, tether_v1_Message_ping_tag);
    q.body.ping.nonce = 4242;
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_pong_tag || r.body.pong.nonce != 4242) {
        WHY("a Ping on the session was not answered (%s)", tt_err_name(e));
        goto out;
    }
    if ((got = sess_wait(&A, SMUGGLED_RID, &r, -QUIET_MS)) != 0) {
        WHY("the device answered the request carried in message 1 late (%d replies)", got);
        goto out;
    }
    res = CONF_PASS;
out:
    sess_close(&A);
    return res;
}

const struct conf_case conf_initiation_cases[] = {
    {"[SEC-5] [HS-004] [VER-005]", "a request after the ClientHello in message 1 is not executed; the session works", no_command_in_message1},
};
const size_t conf_initiation_ncases = sizeof conf_initiation_cases / sizeof conf_initiation_cases[0];
