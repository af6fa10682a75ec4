/* cases_pending.c — the pending packet a device MAY send while it judges an initiation
 * ([PKT-010], [HS-070]), checked on the raw link: if the device sends one it is exactly 25
 * bytes, names our initiation's sender_id and the SHA-256 of our exact initiation, comes
 * before the response, at most once; and a byte-identical duplicate gets the cached response
 * and no pending ([HS-031]). A device that sends none is N/A (a MAY). */
#include <string.h>

#include "cases.h"
#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"

/* One packet seen on the link: a pending is counted (the first copied to pend); returns 1 for
 * the response to `sid`. */
static int seen(const uint8_t *p, size_t pl, uint32_t sid, int *pendings,
                uint8_t pend[TT_PKT_MAX_LEN], size_t *pend_len)
{
    if (pl > 0 && p[0] == TT_PKT_PENDING) {
        if (*pendings == 0) {
            memcpy(pend, p, pl < TT_PKT_MAX_LEN ? pl : TT_PKT_MAX_LEN);
            *pend_len = pl;
        }
        (*pendings)++;
        return 0;
    }
    return pl >= TT_RESPONSE_MIN_LEN && p[0] == TT_PKT_RESPONSE && tt_load_be32(p + 5) == sid;
}

/* Reads the link until a response to `sid` arrives (or timeout_ms), counting the pending
 * packets before it; the first one is copied to pend. Returns 1 when the response came. A
 * byte stream is deframed; on a message transport each message is one packet ([MTB-001]). */
static int until_response(struct tt_transport *t, uint32_t sid, int timeout_ms, int *pendings,
                          uint8_t pend[TT_PKT_MAX_LEN], size_t *pend_len)
{
    static struct tt_frame_decoder dec;
    static uint8_t buf[2048];
    uint64_t end = tt_client_now_ms() + (uint64_t)timeout_ms;
    tt_frame_decoder_init(&dec);
    while (tt_client_now_ms() < end) {
        size_t n = 0, off = 0;
        tt_err e = t->recv(t, buf, sizeof buf, &n, 100);
        if (e == TT_ERR_TIMEOUT)
            continue;
        if (e != TT_OK)
            return 0;
        if (!t->byte_stream) {
            /* every subscriber of the up topic gets every session's packets ([MTB-004]) */
            if (n >= 5 && buf[0] == TT_PKT_PENDING && tt_load_be32(buf + 1) != sid)
                continue;
            if (seen(buf, n, sid, pendings, pend, pend_len))
                return 1;
            continue;
        }
        while (off < n) {
            size_t used = 0;
            const uint8_t *p;
            size_t pl;
            tt_err pe = tt_frame_push(&dec, buf + off, n - off, &used);
            off += used;
            while (pe == TT_OK && tt_frame_pop(&dec, &p, &pl) == TT_OK)
                if (seen(p, pl, sid, pendings, pend, pend_len))
                    return 1;
            if (pe != TT_OK && used == 0)
                break;
        }
    }
    return 0;
}

CASE(pending_bound_to_initiation)
{
    static struct tt_session s;
    static struct tt_rel_slot slots[2];
    static uint8_t pkt[TT_PKT_MAX_LEN], pend[TT_PKT_MAX_LEN], enc[tether_v1_ClientHello_size];
    static struct tt_link link;
    struct conf_grant g = {0};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    size_t el, n, pl = 0;
    uint8_t hash[TT_SHA256_LEN];
    int pendings = 0, dup_pendings = 0;
    if (conf_mint(c, &g, &sg) != TT_OK)
        return CONF_FAIL;
    conf_hello(c, &h, &sg);
    if (tt_pb_encode(tether_v1_ClientHello_fields, &h, enc, sizeof enc, &el) != TT_OK ||
        tt_session_initiate(&s, &tt_crypto_sodium, c->client_sk, c->rec.static_public, NULL, enc,
                            el, slots, 2, 1000, pkt, sizeof pkt, &n) != TT_OK ||
        tt_crypto_sodium.sha256(hash, pkt, n, NULL, 0) != TT_OK) {
        WHY("the suite could not build an initiation");
        return CONF_FAIL;
    }
    if (conf_link_open(c, &link) != TT_OK) {
        WHY("cannot reach the device");
        return CONF_FAIL;
    }
    uint32_t sid = tt_load_be32(pkt + 1);
    enum conf_result res = CONF_PASS;
    int got = conf_send_packet(link.t, pkt, n) == TT_OK &&
              until_response(link.t, sid, 30000, &pendings, pend, &pl);
    conf_trace(c, "initiation of %zu bytes: %d pending packet(s), response %s", n, pendings,
               got ? "received" : "missing");
    if (!got) {
        WHY("no response to a valid initiation within 30 s");
        res = CONF_FAIL;
    } else if (pendings > 1) {
        WHY("[HS-070] %d pending packets for one initiation", pendings);
        res = CONF_FAIL;
    } else if (pendings == 1 &&
               (pl != TT_PENDING_LEN || tt_load_be32(pend + 1) != sid ||
                memcmp(pend + TT_PENDING_HEADER_LEN, hash, TT_PENDING_DIGEST_LEN) != 0)) {
        WHY("[PKT-010] pending of %zu bytes, sender_id %08x (ours %08x), digest %s", pl,
            (unsigned)(pl >= 5 ? tt_load_be32(pend + 1) : 0), (unsigned)sid,
            pl >= TT_PENDING_LEN &&
                    memcmp(pend + TT_PENDING_HEADER_LEN, hash, TT_PENDING_DIGEST_LEN) == 0
                ? "ours"
                : "not SHA-256 of our initiation");
        res = CONF_FAIL;
    }
    if (res == CONF_PASS) { /* [HS-031]: the duplicate gets the cached response, no pending */
        got = conf_send_packet(link.t, pkt, n) == TT_OK &&
              until_response(link.t, sid, 30000, &dup_pendings, pend, &pl);
        conf_trace(c, "the same initiation again: %d pending packet(s), response %s",
                   dup_pendings, got ? "received" : "missing");
        if (!got) {
            WHY("[HS-031] no cached response to the duplicate");
            res = CONF_FAIL;
        } else if (dup_pendings != 0) {
            WHY("[HS-070] a pending packet for a duplicate initiation");
            res = CONF_FAIL;
        }
    }
    link.t->close(link.t);
    tt_session_close(&s);
    if (res == CONF_PASS && pendings == 0) {
        WHY("the device sends no pending packets (a MAY)");
        return CONF_NA;
    }
    if (res == CONF_PASS)
        WHY("expected_ms %u", (unsigned)tt_load_be32(pend + 21));
    return res;
}

const struct conf_case conf_pending_cases[] = {
    {"[PKT-010] [HS-070] [HS-031] [HS-046]", "a pending packet, if sent, is 25 bytes, bound to the initiation, before the response, and never for a duplicate", pending_bound_to_initiation},
};
const size_t conf_pending_ncases = sizeof conf_pending_cases / sizeof conf_pending_cases[0];
