/* test_grant.c — Check tests of grant signing and verification (lib/grant), against
 * spec/vectors/grant.txt, whose encodings and signatures were made by an independent
 * implementation (Google's Python protobuf, pyca/cryptography's randomised ECDSA), and a
 * sign/verify round trip with our own (deterministic) signer.
 *
 * [GRT-003] digest = SHA-256("tether-grant-v1" ‖ 0x00 ‖ body); [GRT-010] checks run in a fixed
 * order and the first failure is returned; [GRT-011] malformed body or absent signature;
 * [GRT-012] owner signature over the exact body bytes (high-s accepted, r or s out of range
 * refused); [GRT-013] bound to the initiator's static key; [GRT-014] device or group scope;
 * [GRT-015] validity window with a trusted clock, time floor without one; [GRT-016]
 * revocation floor; [GRT-042] unknown permission bits ignored; [VER-005] unknown fields
 * ignored; [VER-007] unknown format refused; [SEC-14] a refused grant changes nothing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tether/crypto_backends.h"
#include "tether/grant.h"
#include "vecfile.h"

/* The vector file's device: its id, one group, the initiator's key, the owner's key. */
static uint8_t owner_pub[TT_P256_PUB_LEN], device_id[16], group_id[16], client_key[32];
static int ncases;

static void load_header(FILE *f)
{
    static struct vec v;
    ck_assert(vec_next(f, &v));
    ck_assert_uint_eq(vec_hex(vec_get(&v, "owner_pub"), owner_pub, sizeof owner_pub), 65);
    ck_assert_uint_eq(vec_hex(vec_get(&v, "device_id"), device_id, 16), 16);
    ck_assert_uint_eq(vec_hex(vec_get(&v, "group_id"), group_id, 16), 16);
    ck_assert_uint_eq(vec_hex(vec_get(&v, "client_key"), client_key, 32), 32);
}

/* One loop iteration per vector record, so each verdict is its own check. */
START_TEST(vector_case)
{
    static struct vec v;
    uint8_t buf[512], digest[32], want_digest[32];
    tether_v1_SignedGrant g;
    tether_v1_GrantBody out, untouched;
    FILE *f = vec_open("grant.txt");
    load_header(f);
    for (int i = 0; i <= _i; i++)
        ck_assert(vec_next(f, &v));
    fclose(f);
    const char *name = vec_get(&v, "name");
    const uint8_t(*groups)[16] = &group_id;
    struct tt_grant_policy p = {.owner_pub = owner_pub,
                                .group_ids = groups,
                                .ngroups = 1,
                                .now_s = strtoull(vec_get(&v, "now"), NULL, 10),
                                .time_floor_s = strtoull(vec_get(&v, "time_floor"), NULL, 10),
                                .revocation_floor = strtoull(vec_get(&v, "floor"), NULL, 10)};
    memcpy(p.device_id, device_id, 16);
    size_t n = vec_hex(vec_get(&v, "signed_grant"), buf, sizeof buf);
    memset(&g, 0, sizeof g);
    ck_assert_msg(tt_pb_decode(tether_v1_SignedGrant_fields, buf, n, &g) == TT_OK, "%s", name);

    /* [GRT-003] the signed digest, computed over the received body bytes */
    ck_assert_int_eq(tt_grant_digest(g.body.bytes, g.body.size, digest), TT_OK);
    ck_assert_uint_eq(vec_hex(vec_get(&v, "digest"), want_digest, 32), 32);
    ck_assert_msg(memcmp(digest, want_digest, 32) == 0, "%s: digest differs", name);

    memset(&out, 0xEE, sizeof out);
    untouched = out;
    tt_err e = tt_grant_verify(&g, &p, client_key, &out);
    ck_assert_msg(strcmp(tt_err_name(e), vec_get(&v, "expect")) == 0, "%s: got %s want %s", name,
                  tt_err_name(e), vec_get(&v, "expect"));
    if (e == TT_OK) {
        ck_assert_uint_eq(tt_grant_effective_permissions(out.permissions), TT_PERM_ALL);
        ck_assert_uint_eq(out.serial, 5);
        ck_assert_uint_eq(out.not_before, 1000);
        ck_assert_uint_eq(out.not_after, 2000);
    } else {
        ck_assert_msg(memcmp(&out, &untouched, sizeof out) == 0, "%s: output changed", name);
    }
}
END_TEST

/* Counted before the runner starts, so without Check's asserts: "name = " lines. */
static int count_cases(void)
{
    const char *dir = getenv("TT_VECTOR_DIR");
    char path[512], line[1024];
    int n = 0;
    snprintf(path, sizeof path, "%s/grant.txt", dir != NULL ? dir : "spec/vectors");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f))
        n += strncmp(line, "name = ", 7) == 0;
    fclose(f);
    return n;
}

/* Make a key pair and a standard body for the C-side tests. */
static uint8_t priv[32], pub[65], priv2[32], pub2[65];
static tether_v1_GrantBody body;
static struct tt_grant_policy pol;

static void setup(void)
{
    ck_assert_int_eq(tt_p256_keygen(priv, pub, tt_entropy_host, NULL), TT_OK);
    ck_assert_int_eq(tt_p256_keygen(priv2, pub2, tt_entropy_host, NULL), TT_OK);
    memset(&body, 0, sizeof body);
    body.format = 1;
    memset(body.client_key, 0xC1, 32);
    body.which_scope = tether_v1_GrantBody_device_id_tag;
    memset(body.scope.device_id, 0xD1, 16);
    body.permissions = TT_PERM_DEBUG_READ | TT_PERM_LOG;
    body.not_before = 1000;
    body.not_after = 2000;
    body.serial = 9;
    memset(&pol, 0, sizeof pol);
    pol.owner_pub = pub;
    pol.now_s = 1500;
    memset(pol.device_id, 0xD1, 16);
}

/* Our signer's grants verify; another owner's do not ([GRT-012]); the signature is
 * deterministic (RFC 6979, [GRT-005]). */
START_TEST(sign_round_trip)
{
    tether_v1_GrantBody out;
    tether_v1_SignedGrant g, g2;
    ck_assert_int_eq(tt_grant_sign(&body, priv, &g), TT_OK);
    ck_assert_int_eq(tt_grant_sign(&body, priv, &g2), TT_OK);
    ck_assert_int_eq(memcmp(&g, &g2, sizeof g), 0);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, &out), TT_OK);
    ck_assert_int_eq(memcmp(&out, &body, sizeof out), 0);
    ck_assert(tt_grant_allows(out.permissions, TT_PERM_LOG));
    ck_assert(tt_grant_allows(out.permissions, TT_PERM_LOG | TT_PERM_DEBUG_READ));
    ck_assert(!tt_grant_allows(out.permissions, TT_PERM_DEBUG_CONTROL));
    ck_assert(!tt_grant_allows(out.permissions, TT_PERM_LOG | TT_PERM_OTA));
    ck_assert(tt_grant_allows(out.permissions, 0));
    pol.owner_pub = pub2;
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, &out), TT_ERR_GRANT_SIGNATURE);
}
END_TEST

/* Signed but ill-formed bodies are refused before the signature is looked at ([GRT-011],
 * [VER-007]): format other than 1, no scope, oversized, no signature. (A zero client key is
 * well formed — nanopb encodes all 32 bytes — and simply matches no initiator: the
 * handshake refuses an all-zero static key as low order, [HS-005].) */
START_TEST(malformed_signed_bodies)
{
    tether_v1_GrantBody out;
    tether_v1_SignedGrant g;
    tether_v1_GrantBody b = body;
    b.format = 0;
    ck_assert_int_eq(tt_grant_sign(&b, priv, &g), TT_OK);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, &out), TT_ERR_GRANT_MALFORMED);
    b = body;
    memset(b.client_key, 0, 32);
    ck_assert_int_eq(tt_grant_sign(&b, priv, &g), TT_OK);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, &out),
                     TT_ERR_GRANT_KEY_MISMATCH);
    b = body;
    b.which_scope = 0;
    ck_assert_int_eq(tt_grant_sign(&b, priv, &g), TT_OK);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, &out), TT_ERR_GRANT_MALFORMED);
    /* a body size beyond the struct's buffer (a caller bug or a corrupted struct) */
    ck_assert_int_eq(tt_grant_sign(&body, priv, &g), TT_OK);
    g.body.size = sizeof g.body.bytes + 1;
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, &out), TT_ERR_GRANT_MALFORMED);
    /* an absent signature (64 zero bytes after decoding) */
    ck_assert_int_eq(tt_grant_sign(&body, priv, &g), TT_OK);
    memset(g.signature, 0, sizeof g.signature);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, &out), TT_ERR_GRANT_MALFORMED);
}
END_TEST

/* [GRT-014] group grants match only the groups the device belongs to; a device with no
 * groups matches no group grant; device grants ignore the group list. */
START_TEST(group_scope)
{
    static const uint8_t groups[3][16] = {{1}, {2}, {3}};
    tether_v1_GrantBody out, b = body;
    tether_v1_SignedGrant g;
    b.which_scope = tether_v1_GrantBody_group_id_tag;
    memcpy(b.scope.group_id, groups[2], 16);
    ck_assert_int_eq(tt_grant_sign(&b, priv, &g), TT_OK);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, b.client_key, &out), TT_ERR_GRANT_DEVICE);
    pol.group_ids = groups;
    pol.ngroups = 2;
    ck_assert_int_eq(tt_grant_verify(&g, &pol, b.client_key, &out), TT_ERR_GRANT_DEVICE);
    pol.ngroups = 3;
    ck_assert_int_eq(tt_grant_verify(&g, &pol, b.client_key, &out), TT_OK);
    /* a group id equal to this device's id is still a group grant: no match via device_id */
    memcpy(b.scope.group_id, pol.device_id, 16);
    ck_assert_int_eq(tt_grant_sign(&b, priv, &g), TT_OK);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, b.client_key, &out), TT_ERR_GRANT_DEVICE);
}
END_TEST

/* [GRT-015] window bounds with a clock: not_before inclusive, not_after exclusive; without a
 * clock, only the persisted time floor retires grants, and it only rises. */
START_TEST(clock_rules)
{
    tether_v1_GrantBody out;
    tether_v1_SignedGrant g;
    ck_assert_int_eq(tt_grant_sign(&body, priv, &g), TT_OK);
    static const struct {
        uint64_t now, tfloor;
        tt_err want;
    } t[] = {
        {999, 0, TT_ERR_GRANT_NOT_YET_VALID},
        {1000, 0, TT_OK},
        {1999, 0, TT_OK},
        {2000, 0, TT_ERR_GRANT_EXPIRED},
        {UINT64_MAX, 0, TT_ERR_GRANT_EXPIRED},
        {1500, 5000, TT_OK}, /* a clock wins over the floor */
        {0, 0, TT_OK},
        {0, 1999, TT_OK},
        {0, 2000, TT_ERR_GRANT_EXPIRED},
        {0, UINT64_MAX, TT_ERR_GRANT_EXPIRED},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        pol.now_s = t[i].now;
        pol.time_floor_s = t[i].tfloor;
        ck_assert_msg(tt_grant_verify(&g, &pol, body.client_key, &out) == t[i].want,
                      "case %zu", i);
    }
    ck_assert_uint_eq(tt_grant_time_floor(0, &body), 1000);
    ck_assert_uint_eq(tt_grant_time_floor(500, &body), 1000);
    ck_assert_uint_eq(tt_grant_time_floor(1500, &body), 1500);
}
END_TEST

/* [GRT-016] serial against the floor as unsigned 64-bit values. */
START_TEST(revocation_floor)
{
    tether_v1_GrantBody out, b = body;
    tether_v1_SignedGrant g;
    b.serial = UINT64_MAX;
    ck_assert_int_eq(tt_grant_sign(&b, priv, &g), TT_OK);
    pol.revocation_floor = UINT64_MAX;
    ck_assert_int_eq(tt_grant_verify(&g, &pol, b.client_key, &out), TT_OK);
    b.serial = 0;
    ck_assert_int_eq(tt_grant_sign(&b, priv, &g), TT_OK);
    pol.revocation_floor = 0;
    ck_assert_int_eq(tt_grant_verify(&g, &pol, b.client_key, &out), TT_OK);
    pol.revocation_floor = 1;
    ck_assert_int_eq(tt_grant_verify(&g, &pol, b.client_key, &out), TT_ERR_GRANT_REVOKED);
}
END_TEST

/* [GRT-042] unknown bits are ignored, never refused. */
START_TEST(permissions)
{
    ck_assert_uint_eq(tt_grant_effective_permissions(0xFFFFFFFFu), TT_PERM_ALL);
    ck_assert_uint_eq(tt_grant_effective_permissions(0x80u | TT_PERM_OTA), TT_PERM_OTA);
    ck_assert_uint_eq(TT_PERM_ALL, 0x7Fu);
}
END_TEST

/* Caller bugs are TT_ERR_ARG, never a verdict. */
START_TEST(arguments)
{
    tether_v1_GrantBody out;
    tether_v1_SignedGrant g;
    uint8_t d[32];
    ck_assert_int_eq(tt_grant_sign(&body, priv, &g), TT_OK);
    ck_assert_int_eq(tt_grant_verify(NULL, &pol, body.client_key, &out), TT_ERR_ARG);
    ck_assert_int_eq(tt_grant_verify(&g, NULL, body.client_key, &out), TT_ERR_ARG);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, NULL, &out), TT_ERR_ARG);
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, NULL), TT_ERR_ARG);
    pol.owner_pub = NULL;
    ck_assert_int_eq(tt_grant_verify(&g, &pol, body.client_key, &out), TT_ERR_ARG);
    ck_assert_int_eq(tt_grant_sign(NULL, priv, &g), TT_ERR_ARG);
    ck_assert_int_eq(tt_grant_sign(&body, NULL, &g), TT_ERR_ARG);
    ck_assert_int_eq(tt_grant_sign(&body, priv, NULL), TT_ERR_ARG);
    ck_assert_int_eq(tt_grant_digest(NULL, 1, d), TT_ERR_ARG);
    ck_assert_int_eq(tt_grant_digest(NULL, 0, d), TT_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("grant");
    TCase *t = tcase_create("vectors");
    ncases = count_cases();
    tcase_add_loop_test(t, vector_case, 0, ncases);
    suite_add_tcase(s, t);
    TCase *c = tcase_create("c-side");
    tcase_add_checked_fixture(c, setup, NULL);
    tcase_add_test(c, sign_round_trip);
    tcase_add_test(c, malformed_signed_bodies);
    tcase_add_test(c, group_scope);
    tcase_add_test(c, clock_rules);
    tcase_add_test(c, revocation_floor);
    tcase_add_test(c, permissions);
    tcase_add_test(c, arguments);
    suite_add_tcase(s, c);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    /* a vector file that lost its cases must not pass quietly */
    if (ncases < 30) {
        fprintf(stderr, "grant.txt has only %d cases\n", ncases);
        return 1;
    }
    return failed ? 1 : 0;
}
