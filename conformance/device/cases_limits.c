/* cases_limits.c — conformance cases at the size limits (spec/limits.md): the largest
 * packet the layout allows must be received. A Ping padded with a field no version defines
 * ([VER-005]: ignored) to exactly TT_MESSAGE_MAX_LEN bytes makes a record of exactly 1400
 * bytes, a frame of 1409: a device whose buffers are smaller cannot answer it. */
#include "cases.h"

static struct sess A;
static tether_v1_Message q, r;

enum { BIG_RID = 601, PAD_FIELD = 4000 }; /* far above every field number of tether.proto */

static size_t put_varint(uint8_t *p, uint32_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* A Ping of exactly `total` bytes: its encoding, then one length-delimited unknown field. */
static size_t padded_ping(uint8_t *buf, size_t total)
{
    size_t n = 0;
    msg(&q, tether_v1_Message_ping_tag);
    q.request_id = BIG_RID;
    q.body.ping.nonce = 0x1400;
    if (tt_msg_encode(&q, buf, total, &n) != TT_OK)
        return 0;
    uint8_t key[5], len[5];
    size_t kl = put_varint(key, (PAD_FIELD << 3) | 2), ll = 2; /* the pad needs 2 length bytes */
    if (n + kl + ll + 128 > total)
        return 0;
    size_t pad = total - n - kl - ll;
    if (put_varint(len, (uint32_t)pad) != ll)
        return 0;
    memcpy(buf + n, key, kl);
    memcpy(buf + n + kl, len, ll);
    memset(buf + n + kl + ll, 0xA5, pad);
    return total;
}

CASE(largest_packet)
{
    static uint8_t body[TT_MESSAGE_MAX_LEN], pkt[TT_PKT_MAX_LEN];
    size_t pl;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    size_t bl = padded_ping(body, TT_MESSAGE_MAX_LEN);
    if (!bl) {
        WHY("could not build the padded Ping");
        goto out;
    }
    int got = sess_raw(c, &A, body, bl, BIG_RID, &r, 0, pkt, &pl);
    conf_trace(c, "a %zu-byte Message in a %zu-byte record -> %d replies", bl, pl, got);
    if (pl != TT_PKT_MAX_LEN)
        WHY("the suite built a %zu-byte packet, not %u", pl, (unsigned)TT_PKT_MAX_LEN);
    else if (got != 1 || r.which_body != tether_v1_Message_pong_tag || r.body.pong.nonce != 0x1400)
        WHY("a 1400-byte packet (Ping with an unknown field) got %d replies%s", got,
            got == 1 ? ", not the Pong" : "");
    else
        res = CONF_PASS;
out:
    sess_close(&A);
    return res;
}

const struct conf_case conf_limits_cases[] = {
    {"[LIM-002] [VER-005]", "a packet of 1400 bytes (a Ping padded with an unknown field to 1362 bytes) is answered", largest_packet},
};
const size_t conf_limits_ncases = sizeof conf_limits_cases / sizeof conf_limits_cases[0];
