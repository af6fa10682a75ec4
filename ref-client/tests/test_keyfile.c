/* test_keyfile.c — the client's files (spec/files.md): the device record (a good one, and a
 * table of records each wrong in exactly one way, each with the field its message must
 * name), grant files (empty, garbage, each structural fault), reading (missing, FIFO,
 * directory, too large), private keys others can reach, and atomic writes that never write
 * through a link or keep a loose mode. Runs in a fresh temporary directory. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../conn/keyfile.h"
#include "tether/grant.h"
#include "tether/p256.h"

#define ID "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d"
#define SP "9bd1d1e0a3c7f4a1b9f0e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f6071"
#define P256                                                                                       \
    "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb"     \
    "4a7c0f9e162bce33576b315ececbb6406837bf51f5"
#define LINK "tcp:127.0.0.1:4000"

static char dir[] = "/tmp/test_keyfile.XXXXXX";

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void put(const char *name, const void *b, size_t n, mode_t mode)
{
    char p[256];
    path_of(p, sizeof p, name);
    unlink(p);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, b, n), (ssize_t)n);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    close(fd);
}

START_TEST(test_record_good)
{
    static const char rec[] = "{\"format\": 1, \"device_id\": \"" ID "\", \"static_public\": \"" SP
                              "\", \"owner_public\": \"" P256 "\", \"attest_public\": \"" P256
                              "\", \"link\": \"" LINK "\", \"x-note\": [1, {\"a\": null}]}";
    struct tt_device_record r;
    ck_assert_int_eq(tt_device_record_parse(rec, strlen(rec), &r), TT_OK);
    ck_assert_uint_eq(r.device_id[0], 0x0d);
    ck_assert_uint_eq(r.static_public[31], 0x71);
    ck_assert(r.has_owner_public && r.has_attest_public);
    ck_assert_uint_eq(r.attest_public[0], 0x04);
    ck_assert_uint_eq(r.attest_public[64], 0xf5);
    ck_assert_str_eq(r.link, LINK);
    ck_assert_str_eq(r.broker_credentials, "");
    /* the least a record can be: no format (v1.0 files), no keys but the session's */
    static const char min[] = "{\"device_id\":\"" ID "\",\"static_public\":\"" SP
                              "\",\"link\":\"mqtt://broker.local:1883\","
                              "\"broker_credentials\":\"keys/broker.json\"}";
    ck_assert_int_eq(tt_device_record_parse(min, strlen(min), &r), TT_OK);
    ck_assert(!r.has_owner_public && !r.has_attest_public);
    ck_assert_str_eq(r.link, "mqtt://broker.local:1883");
    ck_assert_str_eq(r.broker_credentials, "keys/broker.json");
}
END_TEST

/* Each record differs from a good one in one place; the message must name the field. */
static const struct {
    const char *json, *must_say;
} bad_records[] = {
    {"", "not JSON"},
    {"[]", "not a JSON object"},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"" LINK "\"} x", "not JSON"},
    {"{\"device_id\":\"" ID "\",\"device_id\":\"" ID "\",\"static_public\":\"" SP
     "\",\"link\":\"" LINK "\"}",
     "not JSON"}, /* duplicate member */
    {"{\"static_public\":\"" SP "\",\"link\":\"" LINK "\"}", "\"device_id\""},
    {"{\"device_id\":\"0d0d\",\"static_public\":\"" SP "\",\"link\":\"" LINK "\"}",
     "\"device_id\""},
    {"{\"device_id\":\"0x0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d\",\"static_public\":\"" SP
     "\",\"link\":\"" LINK "\"}",
     "\"device_id\""},
    {"{\"device_id\":17,\"static_public\":\"" SP "\",\"link\":\"" LINK "\"}", "\"device_id\""},
    {"{\"device_id\":\"" ID "\",\"link\":\"" LINK "\"}", "\"static_public\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "00\",\"link\":\"" LINK "\"}",
     "\"static_public\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"owner_public\":\"05" P256
     "\",\"link\":\"" LINK "\"}",
     "\"owner_public\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"owner_public\":\"02"
     "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb"
     "4a7c0f9e162bce33576b315ececbb6406837bf51f5\",\"link\":\"" LINK "\"}",
     "\"owner_public\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"attest_public\":\"" SP
     "\",\"link\":\"" LINK "\"}",
     "\"attest_public\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"attest_public\":null,"
     "\"link\":\"" LINK "\"}",
     "\"attest_public\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\"}", "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"udp:1.2.3.4:5\"}",
     "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp:host\"}", "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp::80\"}", "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp:h:0\"}", "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp:h:65536\"}",
     "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp:h:80x\"}", "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp:h:080\"}", "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp:a b:80\"}", "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"mqtt://h:1:2\"}",
     "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"mqtt:/h:1883\"}",
     "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":4000}", "\"link\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp:h\\u0000:80\"}",
     "not JSON"}, /* a NUL inside a string */
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"tcp:"
     "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
     "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh:80\"}",
     "\"link\""},
    {"{\"format\":2,\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"" LINK "\"}",
     "\"format\""},
    {"{\"format\":\"1\",\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"" LINK
     "\"}",
     "\"format\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"" LINK
     "\",\"broker_credentials\":\"\"}",
     "\"broker_credentials\""},
    {"{\"device_id\":\"" ID "\",\"static_public\":\"" SP "\",\"link\":\"" LINK
     "\",\"broker_credentials\":5}",
     "\"broker_credentials\""},
};

START_TEST(test_record_bad)
{
    struct tt_device_record r;
    const char *j = bad_records[_i].json;
    memset(&r, 0x5A, sizeof r);
    ck_assert_int_eq(tt_device_record_parse(j, strlen(j), &r), TT_ERR_FORMAT);
    ck_assert_msg(strstr(tt_file_problem(), bad_records[_i].must_say) != NULL,
                  "case %d: \"%s\" does not say %s", _i, tt_file_problem(),
                  bad_records[_i].must_say);
    ck_assert_str_eq(r.link, ""); /* nothing half-parsed is left behind */
    ck_assert(!r.has_owner_public && !r.has_attest_public);
}
END_TEST

START_TEST(test_read_refusals)
{
    char p[256];
    uint8_t buf[64];
    size_t n;
    path_of(p, sizeof p, "missing");
    ck_assert_int_eq(tt_file_read(p, buf, sizeof buf, &n), TT_ERR_IO);
    ck_assert(strstr(tt_file_problem(), "No such file") != NULL);
    /* a FIFO with no writer: refused at once, never waited on */
    path_of(p, sizeof p, "fifo");
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    ck_assert_int_eq(tt_file_read(p, buf, sizeof buf, &n), TT_ERR_FORMAT);
    ck_assert(strstr(tt_file_problem(), "FIFO") != NULL);
    ck_assert_int_eq(tt_file_read_private(p, buf, sizeof buf, &n), TT_ERR_FORMAT);
    ck_assert_int_eq(tt_file_read(dir, buf, sizeof buf, &n), TT_ERR_FORMAT);
    ck_assert(strstr(tt_file_problem(), "directory") != NULL);
    /* one byte more than the caller's buffer: too large, not silently cut */
    static const uint8_t big[65];
    put("big", big, sizeof big, 0600);
    path_of(p, sizeof p, "big");
    ck_assert_int_eq(tt_file_read(p, buf, sizeof buf, &n), TT_ERR_FORMAT);
    put("big", big, sizeof buf, 0600);
    ck_assert_int_eq(tt_file_read(p, buf, sizeof buf, &n), TT_OK);
    ck_assert_uint_eq(n, sizeof buf);
}
END_TEST

START_TEST(test_private_modes)
{
    static const mode_t loose[] = {0644, 0640, 0604, 0620, 0602, 0660, 0666};
    char p[256];
    uint8_t buf[64];
    size_t n;
    path_of(p, sizeof p, "key");
    put("key", "k", 1, 0600);
    ck_assert_int_eq(tt_file_read_private(p, buf, sizeof buf, &n), TT_OK);
    put("key", "k", 1, 0400);
    ck_assert_int_eq(tt_file_read_private(p, buf, sizeof buf, &n), TT_OK);
    for (size_t i = 0; i < sizeof loose / sizeof loose[0]; i++) {
        put("key", "k", 1, loose[i]);
        ck_assert_int_eq(tt_file_read_private(p, buf, sizeof buf, &n), TT_ERR_FORMAT);
        ck_assert_msg(strstr(tt_file_problem(), "chmod 600") != NULL, "mode %o: %s", loose[i],
                      tt_file_problem());
        /* a public file of the same mode is fine */
        ck_assert_int_eq(tt_file_read(p, buf, sizeof buf, &n), TT_OK);
    }
}
END_TEST

static mode_t mode_of(const char *name)
{
    char p[256];
    struct stat st;
    path_of(p, sizeof p, name);
    ck_assert_int_eq(lstat(p, &st), 0);
    return st.st_mode;
}

START_TEST(test_write_hardened)
{
    char out[256], victim[256], tmp[300], buf[16];
    size_t n;
    mode_t old = umask(0); /* the modes must not depend on the caller's umask */
    path_of(out, sizeof out, "out.pem");
    path_of(victim, sizeof victim, "victim");
    put("victim", "untouched", 9, 0644);
    /* what the old code wrote through: OUT.tmp as a loose file and as a link */
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    ck_assert_int_eq(symlink(victim, tmp), 0);
    ck_assert_int_eq(tt_file_write(out, "secret", 6, 1), TT_OK);
    ck_assert_uint_eq(mode_of("out.pem") & 07777, 0600);
    ck_assert(S_ISREG(mode_of("out.pem")));
    ck_assert_int_eq(tt_file_read(victim, (uint8_t *)buf, sizeof buf, &n), TT_OK);
    ck_assert_int_eq(memcmp(buf, "untouched", 9), 0);
    unlink(tmp);
    put("out.pem.tmp", "x", 1, 0644);
    ck_assert_int_eq(tt_file_write(out, "secret2", 7, 1), TT_OK);
    ck_assert_uint_eq(mode_of("out.pem") & 07777, 0600);
    /* a link at the target itself is replaced, its target left alone */
    unlink(out);
    ck_assert_int_eq(symlink(victim, out), 0);
    ck_assert_int_eq(tt_file_write(out, "pub", 3, 0), TT_OK);
    ck_assert(S_ISREG(mode_of("out.pem")));
    ck_assert_uint_eq(mode_of("out.pem") & 07777, 0644);
    ck_assert_int_eq(tt_file_read(victim, (uint8_t *)buf, sizeof buf, &n), TT_OK);
    ck_assert_int_eq(memcmp(buf, "untouched", 9), 0);
    ck_assert_int_eq(tt_file_read(out, (uint8_t *)buf, sizeof buf, &n), TT_OK);
    ck_assert_uint_eq(n, 3);
    /* no directory to write in: an error, nothing left */
    ck_assert_int_eq(tt_file_write("/nonexistent-dir/x", "a", 1, 1), TT_ERR_IO);
    umask(old);
}
END_TEST

static uint8_t owner_sk[32], owner_pk[65];

static tt_err rng(void *ctx, uint8_t *b, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 7 + 3);
    return TT_OK;
}

/* A good body; f spoils it in one way before signing. */
static size_t grant_bytes(uint8_t *out, size_t cap, void (*f)(tether_v1_GrantBody *), int zero_sig)
{
    tether_v1_GrantBody b;
    tether_v1_SignedGrant sg;
    size_t n;
    memset(&b, 0, sizeof b);
    b.format = 1;
    memset(b.client_key, 0x11, 32);
    b.which_scope = tether_v1_GrantBody_device_id_tag;
    memset(b.scope.device_id, 0x0d, 16);
    b.permissions = TT_PERM_ALL;
    b.not_before = 1000;
    b.not_after = 2000;
    b.serial = 3;
    if (f)
        f(&b);
    ck_assert_int_eq(tt_grant_sign(&b, owner_sk, &sg), TT_OK);
    if (zero_sig)
        memset(sg.signature, 0, sizeof sg.signature);
    ck_assert_int_eq(tt_pb_encode(tether_v1_SignedGrant_fields, &sg, out, cap, &n), TT_OK);
    return n;
}

static void format2(tether_v1_GrantBody *b)
{
    b->format = 2;
}
static void no_key(tether_v1_GrantBody *b)
{
    memset(b->client_key, 0, 32);
}
static void no_scope(tether_v1_GrantBody *b)
{
    b->which_scope = 0;
}
static void empty_window(tether_v1_GrantBody *b)
{
    b->not_after = b->not_before;
}

START_TEST(test_grant_file)
{
    static const struct {
        void (*spoil)(tether_v1_GrantBody *);
        int zero_sig;
        const char *must_say;
    } bad[] = {{format2, 0, "format 2"},
               {no_key, 0, "client key"},
               {no_scope, 0, "device or group"},
               {empty_window, 0, "window"},
               {NULL, 1, "signature"}};
    uint8_t buf[256];
    tether_v1_SignedGrant sg;
    tether_v1_GrantBody body;
    char p[256];
    size_t n;
    ck_assert_int_eq(tt_p256_keygen(owner_sk, owner_pk, rng, NULL), TT_OK);
    n = grant_bytes(buf, sizeof buf, NULL, 0);
    ck_assert_int_eq(tt_grant_file_parse(buf, n, &sg, &body), TT_OK);
    ck_assert_uint_eq(body.serial, 3);
    ck_assert_uint_eq(body.not_after, 2000);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = grant_bytes(buf, sizeof buf, bad[i].spoil, bad[i].zero_sig);
        ck_assert_int_eq(tt_grant_file_parse(buf, n, &sg, &body), TT_ERR_GRANT_MALFORMED);
        ck_assert_msg(strstr(tt_file_problem(), bad[i].must_say) != NULL, "%zu: %s", i,
                      tt_file_problem());
    }
    /* the empty file is malformed, not "expired at 0" */
    put("empty", "", 0, 0644);
    path_of(p, sizeof p, "empty");
    ck_assert_int_eq(tt_grant_file_load(p, &sg, &body), TT_ERR_GRANT_MALFORMED);
    ck_assert(strstr(tt_file_problem(), "empty") != NULL);
    put("garbage", "\xff\xfe\x01garbage", 10, 0644);
    path_of(p, sizeof p, "garbage");
    ck_assert_int_eq(tt_grant_file_load(p, &sg, &body), TT_ERR_GRANT_MALFORMED);
    /* a grant cut short by one byte does not decode */
    n = grant_bytes(buf, sizeof buf, NULL, 0);
    ck_assert_int_eq(tt_grant_file_parse(buf, n - 1, &sg, &body), TT_ERR_GRANT_MALFORMED);
}
END_TEST

START_TEST(test_revocation_file)
{
    tether_v1_RevocationFloorBody body, got;
    tether_v1_RaiseRevocationFloor rf, rf2;
    uint8_t buf[160];
    size_t n;
    static const struct {
        uint64_t floor;
        int zero_id, zero_sig;
        const char *must_say;
    } cases[] = {
        {5, 0, 0, NULL}, {0, 0, 0, "floor 0"}, {5, 1, 0, "no device"}, {5, 0, 1, "no signature"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&body, 0, sizeof body);
        memset(body.device_id, cases[i].zero_id ? 0 : 0x0d, 16);
        body.floor = cases[i].floor;
        memset(&rf, 0, sizeof rf);
        ck_assert_int_eq(tt_pb_encode(tether_v1_RevocationFloorBody_fields, &body, rf.body.bytes,
                                      sizeof rf.body.bytes, &n),
                         TT_OK);
        rf.body.size = (pb_size_t)n;
        memset(rf.signature, cases[i].zero_sig ? 0 : 0x77, sizeof rf.signature);
        ck_assert_int_eq(
            tt_pb_encode(tether_v1_RaiseRevocationFloor_fields, &rf, buf, sizeof buf, &n), TT_OK);
        tt_err e = tt_revocation_file_parse(buf, n, &rf2, &got);
        if (!cases[i].must_say) {
            ck_assert_int_eq(e, TT_OK);
            ck_assert_uint_eq(got.floor, 5);
        } else {
            ck_assert_int_eq(e, TT_ERR_FORMAT);
            ck_assert_msg(strstr(tt_file_problem(), cases[i].must_say) != NULL, "%s",
                          tt_file_problem());
        }
    }
    ck_assert_int_eq(tt_revocation_file_parse(buf, 0, &rf2, &got), TT_ERR_FORMAT);
    ck_assert(strstr(tt_file_problem(), "empty") != NULL);
}
END_TEST

/* A key of the other kind is named as such: the most common mix-up between the two. */
START_TEST(test_pem_kind)
{
    char pem[512];
    uint8_t k[32], p256_pk[65];
    memset(k, 0x42, sizeof k);
    ck_assert_int_eq(tt_p256_priv_to_pem(pem, sizeof pem, k), TT_OK);
    ck_assert_int_eq(tt_x25519_priv_from_pem(k, pem), TT_ERR_FORMAT);
    ck_assert_msg(strstr(tt_file_problem(), "P-256 (owner) key") != NULL, "%s",
                  tt_file_problem());
    ck_assert_int_eq(tt_p256_public(p256_pk, k), TT_OK);
    ck_assert_int_eq(tt_p256_pub_to_pem(pem, sizeof pem, p256_pk), TT_OK);
    ck_assert_int_eq(tt_x25519_pub_from_pem(k, pem), TT_ERR_FORMAT);
    ck_assert_msg(strstr(tt_file_problem(), "not an X25519 public key") != NULL, "%s",
                  tt_file_problem());
    ck_assert_int_eq(tt_x25519_pub_from_pem(k, "-----BEGIN PUBLIC KEY-----\n!!\n"
                                                "-----END PUBLIC KEY-----\n"),
                     TT_ERR_FORMAT);
    ck_assert(strstr(tt_file_problem(), "base64") != NULL);
    ck_assert_int_eq(tt_x25519_pub_to_pem(pem, sizeof pem, k), TT_OK);
    ck_assert_int_eq(tt_x25519_pub_from_pem(k, pem), TT_OK);
}
END_TEST

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    Suite *s = suite_create("keyfile");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, test_record_good);
    tcase_add_loop_test(tc, test_record_bad, 0, (int)(sizeof bad_records / sizeof bad_records[0]));
    tcase_add_test(tc, test_read_refusals);
    tcase_add_test(tc, test_private_modes);
    tcase_add_test(tc, test_write_hardened);
    tcase_add_test(tc, test_grant_file);
    tcase_add_test(tc, test_revocation_file);
    tcase_add_test(tc, test_pem_kind);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
