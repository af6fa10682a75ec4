/* cases_control.c — conformance cases of the control service (spec/services/control.md):
 * Pong's clock, Capabilities against DeviceHello, Close, Error's form, and the revocation
 * floor: every refusal of RaiseRevocationFloor leaves the floor where it was (a grant just
 * at it still opens a session), and a raise ends the sessions below it.
 *
 * The raise is the last case of the group and changes the device for good: later grants
 * carry the new floor as their serial (c->serial). */
#include <sodium.h>

#include "cases.h"
#include "tether/p256.h"
#include "tether/wire.h"

static struct sess A;
static tether_v1_Message q, r;

CASE(pong_clock)
{
    uint64_t t1;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    msg(&q, tether_v1_Message_ping_tag);
    q.body.ping.nonce = 0xFEEDFACECAFEBEEFull;
    tt_err e = sess_call(c, &A, &q, &r);
    t1 = r.body.pong.device_time_ms;
    if (e != TT_OK || r.which_body != tether_v1_Message_pong_tag || r.body.pong.nonce != q.body.ping.nonce)
        WHY("no Pong with the nonce (%s)", tt_err_name(e));
    else {
        uint64_t start = tt_client_now_ms();
        while (tt_client_now_ms() < start + 200) {
        }
        msg(&q, tether_v1_Message_ping_tag);
        q.body.ping.nonce = 7;
        e = sess_call(c, &A, &q, &r);
        /* An emulated device's clock may lag the host's: it must advance, by how much is
         * the device's business. */
        if (e != TT_OK || r.body.pong.device_time_ms <= t1)
            WHY("device_time_ms %llu then %llu, 200 ms apart", (unsigned long long)t1,
                (unsigned long long)r.body.pong.device_time_ms);
        else
            res = CONF_PASS;
    }
    sess_close(&A);
    return res;
}

/* Capabilities carries the DeviceHello's values, including the permissions of a restricted
 * grant and the unknown permission bits dropped. */
CASE(capabilities_match_hello)
{
    const uint32_t perms = TT_PERM_LOG | TT_PERM_ATTEST | 0x100u; /* 0x100: unknown bit */
    if (sess_open(c, &A, perms, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    const tether_v1_DeviceHello *h = &A.cl.reply.reply.hello;
    enum conf_result res = CONF_FAIL;
    msg(&q, tether_v1_Message_get_capabilities_tag);
    tt_err e = sess_call(c, &A, &q, &r);
    const tether_v1_Capabilities *k = &r.body.capabilities;
    if (e != TT_OK || r.which_body != tether_v1_Message_capabilities_tag)
        WHY("no Capabilities (%s)", tt_err_name(e));
    else if (h->granted_permissions != (perms & TT_PERM_ALL))
        WHY("DeviceHello.granted_permissions 0x%x for grant permissions 0x%x (want 0x%x)",
            (unsigned)h->granted_permissions, perms, perms & TT_PERM_ALL);
    else if (h->capabilities & ~0xFFu)
        WHY("capabilities 0x%x has bits no v1 feature defines", (unsigned)h->capabilities);
    else if (k->granted_permissions != h->granted_permissions ||
             k->capabilities != h->capabilities || memcmp(k->device_id, h->device_id, 16) ||
             memcmp(k->app_measurement, h->app_measurement, 32) ||
             k->app_version != h->app_version || k->supervisor_version != h->supervisor_version ||
             memcmp(&k->limits, &h->limits, sizeof k->limits))
        WHY("Capabilities differs from DeviceHello");
    else
        res = CONF_PASS;
    sess_close(&A);
    return res;
}

/* Close: Ack, then the session is over (a request on it gets no reply). */
CASE(close_ends_session)
{
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    msg(&q, tether_v1_Message_close_tag);
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_ack_tag)
        WHY("Close answered %s (body %u), expected Ack", tt_err_name(e), (unsigned)r.which_body);
    else {
        msg(&q, tether_v1_Message_ping_tag);
        q.request_id = 0;
        e = tt_client_call(&A.cl, &q, &r, 1500);
        conf_trace(c, "ping on the closed session -> %s", tt_err_name(e));
        if (e == TT_OK)
            WHY("a request on the closed session was answered");
        else
            res = CONF_PASS;
    }
    sess_close(&A);
    return res;
}

/* An Error's message is at most 48 bytes and its code one of errors.md's. */
CASE(error_form)
{
    static const uint8_t body[] = {0x08, 0x21, 0xc0, 0x0c, 0x01}; /* request 33, field 200 */
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    int got = sess_raw(c, &A, body, sizeof body, 33, &r, 2000, pkt, &n);
    sess_close(&A);
    if (got != 1 || r.which_body != tether_v1_Message_error_tag) {
        WHY("no Error reply (%d replies)", got);
        return CONF_FAIL;
    }
    if (strlen(r.body.error.message) > 48 || strcmp(tt_err_name((tt_err)r.body.error.code), "?") == 0) {
        WHY("Error code %u / message of %zu bytes", (unsigned)r.body.error.code,
            strlen(r.body.error.message));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* ---- the revocation floor ---- */

enum fcase { F_OK, F_BAD_SIGNATURE, F_OTHER_DEVICE, F_MALFORMED };

static tt_err floor_request(struct conf *c, uint64_t floor, enum fcase k)
{
    tether_v1_RevocationFloorBody b;
    uint8_t digest[32];
    size_t n;
    crypto_hash_sha256_state st;
    memset(&b, 0, sizeof b);
    memcpy(b.device_id, c->rec.device_id, 16);
    if (k == F_OTHER_DEVICE)
        b.device_id[3] ^= 0x44;
    b.floor = floor;
    msg(&q, tether_v1_Message_raise_revocation_floor_tag);
    tether_v1_RaiseRevocationFloor *rf = &q.body.raise_revocation_floor;
    tt_err e = tt_pb_encode(tether_v1_RevocationFloorBody_fields, &b, rf->body.bytes,
                            sizeof rf->body.bytes, &n);
    if (e != TT_OK)
        return e;
    if (k == F_MALFORMED) {
        rf->body.bytes[n] = 0xFF; /* a truncated field after the body */
        n++;
    }
    rf->body.size = (pb_size_t)n;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)TT_REVOCATION_SIG_CONTEXT,
                              sizeof TT_REVOCATION_SIG_CONTEXT);
    crypto_hash_sha256_update(&st, rf->body.bytes, n);
    crypto_hash_sha256_final(&st, digest);
    e = tt_p256_sign(rf->signature, c->owner_sk, digest);
    if (k == F_BAD_SIGNATURE)
        rf->signature[20] ^= 0x10;
    return e;
}

/* A grant with serial s opens a session (or is refused with want). */
static enum conf_result serial_check(struct conf *c, uint64_t s, tt_err want, char *why,
                                     size_t whylen)
{
    static struct tt_client cl;
    static struct tt_link link;
    struct conf_grant g = {.serial = s};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    if (conf_mint(c, &g, &sg) != TT_OK)
        return CONF_FAIL;
    conf_hello(c, &h, &sg);
    tt_err e = conf_connect(c, &link, &cl, &h);
    conf_trace(c, "handshake with a grant of serial %llu -> %s", (unsigned long long)s,
               tt_err_name(e));
    if (e == TT_OK)
        conf_end(&cl);
    if (e != want) {
        WHY("grant serial %llu: %s, expected %s", (unsigned long long)s, tt_err_name(e),
            tt_err_name(want));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

static enum conf_result floor_refused(struct conf *c, enum fcase k, tt_err want, char *why,
                                      size_t whylen)
{
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    if (floor_request(c, c->serial + 1000, k) == TT_OK)
        res = sess_expect(c, &A, &q, want, -1, why, whylen);
    sess_close(&A);
    if (res == CONF_PASS) /* the floor did not move: a grant at the current serial works */
        res = serial_check(c, c->serial, TT_OK, why, whylen);
    return res;
}

CASE(floor_bad_signature) { return floor_refused(c, F_BAD_SIGNATURE, TT_ERR_SIGNATURE, why, whylen); }
CASE(floor_other_device) { return floor_refused(c, F_OTHER_DEVICE, TT_ERR_GRANT_DEVICE, why, whylen); }
CASE(floor_malformed) { return floor_refused(c, F_MALFORMED, TT_ERR_GRANT_MALFORMED, why, whylen); }

/* A raise: Ack; the carrying session (serial below) ends; the old serial is refused
 * grant-revoked; a lower floor later is accepted and changes nothing. */
CASE(floor_raise)
{
    uint64_t nf = c->serial + 10;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    if (floor_request(c, nf, F_OK) == TT_OK)
        res = sess_expect(c, &A, &q, TT_OK, -1, why, whylen);
    if (res == CONF_PASS) {
        msg(&q, tether_v1_Message_ping_tag);
        tt_err e = tt_client_call(&A.cl, &q, &r, 1500);
        conf_trace(c, "ping on the revoked session -> %s (body %u)", tt_err_name(e),
                   (unsigned)r.which_body);
        if (e == TT_OK && r.which_body == tether_v1_Message_pong_tag) {
            WHY("the session whose grant is below the new floor still answers");
            res = CONF_FAIL;
        }
    }
    sess_close(&A);
    if (res != CONF_PASS)
        return res;
    uint64_t old = c->serial;
    c->serial = nf;
    if ((res = serial_check(c, old, TT_ERR_GRANT_REVOKED, why, whylen)) != CONF_PASS ||
        (res = serial_check(c, nf, TT_OK, why, whylen)) != CONF_PASS)
        return res;
    /* The floor never decreases. */
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    res = CONF_FAIL;
    if (floor_request(c, 1, F_OK) == TT_OK)
        res = sess_expect(c, &A, &q, TT_OK, -1, why, whylen);
    sess_close(&A);
    if (res == CONF_PASS)
        res = serial_check(c, nf - 1, TT_ERR_GRANT_REVOKED, why, whylen);
    return res;
}

const struct conf_case conf_control_cases[] = {
    {"[CTL-001]", "Pong echoes the nonce and its device_time_ms advances", pong_clock},
    {"[CTL-002] [HS-015] [GRT-042] [VER-010]", "Capabilities equals DeviceHello; granted_permissions is the grant's AND 0x7F", capabilities_match_hello},
    {"[CTL-020] [HS-053]", "Close is answered Ack and ends the session", close_ends_session},
    {"[CTL-010] [ERR-002]", "an Error carries a code of errors.md and a message of at most 48 bytes", error_form},
    {"[GRT-021] [CTL-011]", "RaiseRevocationFloor with a bad owner signature: signature, floor unchanged", floor_bad_signature},
    {"[GRT-021] [CTL-011]", "RaiseRevocationFloor for another device: grant-device, floor unchanged", floor_other_device},
    {"[GRT-021] [CTL-011]", "RaiseRevocationFloor with a malformed body: grant-malformed, floor unchanged", floor_malformed},
    {"[GRT-020] [GRT-022] [GRT-030] [CTL-030] [GRT-010] [SEC-10]", "a raised floor ends sessions below it, refuses older grants, never decreases", floor_raise},
};
const size_t conf_control_ncases = sizeof conf_control_cases / sizeof conf_control_cases[0];
