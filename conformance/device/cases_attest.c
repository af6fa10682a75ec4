/* cases_attest.c — conformance cases of the attestation service
 * (spec/services/attestation.md): Evidence signed by the key of the device record over the
 * challenge's nonce, a new signature per challenge, and the refusals. Needs the record's
 * attest_public (provisioning writes it). */
#include <sodium.h>

#include "cases.h"
#include "tether/p256.h"
#include "tether/wire.h"

static struct sess A;
static tether_v1_Message q, r;

static int has_attest(struct conf *c, char *why, size_t whylen)
{
    if (c->capabilities & tether_v1_Capability_CAP_ATTEST)
        return 1;
    WHY("the device does not announce CAP_ATTEST");
    return 0;
}

/* Challenges with nonce; on success ev holds the decoded Evidence. */
static enum conf_result challenge(struct conf *c, const uint8_t nonce[32],
                                  tether_v1_Evidence *ev, uint8_t sig[64], char *why,
                                  size_t whylen)
{
    uint8_t digest[32];
    crypto_hash_sha256_state st;
    msg(&q, tether_v1_Message_attest_challenge_tag);
    memcpy(q.body.attest_challenge.nonce, nonce, 32);
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_attest_evidence_tag) {
        WHY("no AttestEvidence (%s)", tt_err_name(e));
        return CONF_FAIL;
    }
    const tether_v1_AttestEvidence *ae = &r.body.attest_evidence;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)TT_EVIDENCE_SIG_CONTEXT,
                              sizeof TT_EVIDENCE_SIG_CONTEXT);
    crypto_hash_sha256_update(&st, ae->evidence.bytes, ae->evidence.size);
    crypto_hash_sha256_final(&st, digest);
    if (c->has_attest_pub &&
        tt_p256_verify(c->attest_pub, 65, digest, ae->signature, 64) != TT_OK) {
        WHY("the Evidence signature does not verify under the record's attest_public");
        return CONF_FAIL;
    }
    if (tt_pb_decode(tether_v1_Evidence_fields, ae->evidence.bytes, ae->evidence.size, ev) !=
        TT_OK) {
        WHY("evidence (%u bytes) does not decode as Evidence", (unsigned)ae->evidence.size);
        return CONF_FAIL;
    }
    memcpy(sig, ae->signature, 64);
    return CONF_PASS;
}

CASE(evidence_valid)
{
    tether_v1_Evidence ev1, ev2;
    uint8_t n1[32], n2[32], s1[64], s2[64];
    if (!has_attest(c, why, whylen))
        return CONF_NA;
    if (!c->has_attest_pub) {
        WHY("the device record has no attest_public");
        return CONF_FAIL;
    }
    randombytes_buf(n1, 32);
    randombytes_buf(n2, 32);
    if (sess_open(c, &A, TT_PERM_ATTEST, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = challenge(c, n1, &ev1, s1, why, whylen);
    const tether_v1_DeviceHello *h = &A.cl.reply.reply.hello;
    if (res == CONF_PASS && (memcmp(ev1.nonce, n1, 32) || memcmp(ev1.device_id, c->rec.device_id, 16) ||
                             memcmp(ev1.app_measurement, h->app_measurement, 32) ||
                             ev1.app_version != h->app_version ||
                             ev1.supervisor_version != h->supervisor_version)) {
        WHY("Evidence does not carry the nonce, device id and the DeviceHello's values");
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = challenge(c, n2, &ev2, s2, why, whylen);
    if (res == CONF_PASS && (memcmp(ev2.nonce, n2, 32) || !memcmp(s1, s2, 64))) {
        WHY("a second challenge did not get its own nonce and a new signature");
        res = CONF_FAIL;
    }
    if (res == CONF_PASS && ev2.boot_count != ev1.boot_count) {
        WHY("boot_count changed between two challenges without a reboot");
        res = CONF_FAIL;
    }
    sess_close(&A);
    return res;
}

CASE(nonce_zero)
{
    if (!has_attest(c, why, whylen))
        return CONF_NA;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_attest_challenge_tag);
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_MSG_DECODE, -1, why, whylen);
    sess_close(&A);
    return res;
}

/* A 31-byte nonce, encoded by hand (the schema's struct holds exactly 32). */
CASE(nonce_short)
{
    uint8_t body[48], pkt[TT_PKT_MAX_LEN];
    size_t n = 0, pl;
    if (!has_attest(c, why, whylen))
        return CONF_NA;
    body[n++] = 0x08; /* request_id 41 */
    body[n++] = 41;
    body[n++] = 0xd2; /* field 90, length-delimited: attest_challenge */
    body[n++] = 0x05;
    body[n++] = 33;   /* its length */
    body[n++] = 0x0a; /* nonce, 31 bytes */
    body[n++] = 31;
    memset(body + n, 0x3C, 31);
    n += 31;
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    /* Today's [MSG-004]: a body that fails to decode is answered with request_id 0 (an
     * event); a reply carrying request_id 41 is accepted as well (the v1.1 change). */
    static tether_v1_Message ev;
    int got = sess_raw(c, &A, body, n, 41, &r, -3000, pkt, &pl);
    tt_err e = got == 1 ? TT_OK : sess_event(c, &A, &ev, CONF_EVENT_MS);
    sess_close(&A);
    const tether_v1_Message *m = got == 1 ? &r : &ev;
    if (got > 1 || e != TT_OK || m->which_body != tether_v1_Message_error_tag ||
        m->body.error.code != TT_ERR_MSG_DECODE) {
        WHY("31-byte nonce: %d replies, event %s (body %u, code %s), expected Error msg-decode",
            got, tt_err_name(e), (unsigned)m->which_body, tt_err_name((tt_err)m->body.error.code));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

CASE(no_permission)
{
    if (!has_attest(c, why, whylen))
        return CONF_NA;
    if (sess_open(c, &A, TT_PERM_ALL & ~TT_PERM_ATTEST, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_attest_challenge_tag);
    randombytes_buf(q.body.attest_challenge.nonce, 32);
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_PERMISSION, -1, why, whylen);
    sess_close(&A);
    return res;
}

const struct conf_case conf_attest_cases[] = {
    {"[ATT-011] [ATT-012] [ATT-020] [ATT-022]", "Evidence: signed by the record's key, this nonce, a new signature per challenge", evidence_valid},
    {"[ATT-010]", "AttestChallenge with an all-zero nonce: msg-decode", nonce_zero},
    {"[ATT-010] [MSG-002]", "AttestChallenge with a 31-byte nonce: msg-decode", nonce_short},
    {"[GRT-040] [SEC-9]", "AttestChallenge without ATTEST: permission", no_permission},
};
const size_t conf_attest_ncases = sizeof conf_attest_cases / sizeof conf_attest_cases[0];
