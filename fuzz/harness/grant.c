/* grant.c — fuzz harness for grant parsing and verification on the device (lib/grant):
 * a SignedGrant decoded from the wire, then tt_grant_verify against the fixed owner key and
 * device policy (grant_fixtures.c), with the fixed client key as the initiator's.
 *
 * Input: one flags byte (bit 0: the device has no clock, bit 1: revocation floor raised),
 * then the SignedGrant encoding. Invariants:
 *  - accepted: the body bytes are exactly one of those the owner signed at start-up, so no
 *    grant the owner did not sign is accepted ([SEC-9]); and, checked independently of
 *    grant.c, it names the initiator's key and this device or one of its groups ([SEC-10]),
 *    its window contains the device's time when there is one and its serial is not below
 *    the floor ([SEC-11]);
 *  - rejected: a grant-range error and the output body untouched ([SEC-14]).
 * ECDSA verification (mbedTLS) runs for every input whose body decodes, so this harness is
 * slower than the pure decoders. Depends on grant.h, messages.h. */
#include <string.h>

#include "common.h"
#include "grant_fixtures.h"

static uint8_t signed_body[FUZZ_GRANT_N][128];
static size_t signed_len[FUZZ_GRANT_N];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int i = 0; i < FUZZ_GRANT_N; i++) {
        tether_v1_GrantBody b;
        tether_v1_SignedGrant g;
        fuzz_grant_body(i, &b);
        if (tt_grant_sign(&b, fuzz_owner_priv(), &g) != TT_OK)
            fuzz_fail(__FILE__, __LINE__, "setup", "grant sign");
        memcpy(signed_body[i], g.body.bytes, g.body.size);
        signed_len[i] = g.body.size;
    }
    return 0;
}

static int owner_signed(const tether_v1_SignedGrant *g)
{
    for (int i = 0; i < FUZZ_GRANT_N; i++)
        if (g->body.size == signed_len[i] && memcmp(g->body.bytes, signed_body[i], signed_len[i]) == 0)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tether_v1_SignedGrant g;
    static tether_v1_GrantBody out, sentinel;
    struct tt_grant_policy pol;
    const uint8_t *client = fuzz_keys()->client_pk;
    tt_err e;
    if (size < 1)
        return 0;
    fuzz_grant_policy(data[0], &pol);
    memset(&g, 0, sizeof g);
    if (tt_pb_decode(tether_v1_SignedGrant_fields, data + 1, size - 1, &g) != TT_OK)
        return 0;
    memset(&out, 0xA5, sizeof out);
    memset(&sentinel, 0xA5, sizeof sentinel);
    e = tt_grant_verify(&g, &pol, client, &out);
    if (e != TT_OK) {
        FUZZ_CHECK(e >= TT_ERR_GRANT_MALFORMED && e <= TT_ERR_GRANT_REVOKED, "SEC-15",
                   "verify: unexpected error");
        FUZZ_CHECK(memcmp(&out, &sentinel, sizeof out) == 0, "SEC-14",
                   "rejected grant wrote the output body");
        return 0;
    }
    FUZZ_CHECK(owner_signed(&g), "SEC-9", "accepted a grant body the owner never signed");
    FUZZ_CHECK(memcmp(out.client_key, client, 32) == 0, "SEC-10",
               "accepted a grant for another client key");
    FUZZ_CHECK((out.which_scope == tether_v1_GrantBody_device_id_tag &&
                memcmp(out.scope.device_id, pol.device_id, TT_DEVICE_ID_LEN) == 0) ||
                   (out.which_scope == tether_v1_GrantBody_group_id_tag &&
                    (memcmp(out.scope.group_id, pol.group_ids[0], TT_DEVICE_ID_LEN) == 0 ||
                     memcmp(out.scope.group_id, pol.group_ids[1], TT_DEVICE_ID_LEN) == 0)),
               "SEC-10", "accepted a grant for another device");
    FUZZ_CHECK(pol.now_s == 0 || (out.not_before <= pol.now_s && pol.now_s < out.not_after),
               "SEC-11", "accepted a grant outside its validity window");
    FUZZ_CHECK(out.serial >= pol.revocation_floor, "SEC-11", "accepted a revoked grant");
    return 0;
}
