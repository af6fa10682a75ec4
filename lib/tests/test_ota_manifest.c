/* test_ota_manifest.c — Check tests of OTA manifests (lib/ota/manifest.c).
 *
 * [OTA-010] the begin checks 1..6 run in a fixed order and the first failure is returned
 * with its check number; [OTA-020] exact shape (≤128-byte body, format 1, one 16-byte scope,
 * 32-byte hash, signature present), [VER-005] unknown fields ignored, [VER-007] unknown
 * format refused, [VER-006] unknown layout refused as TT_ERR_OTA_MANIFEST; [OTA-021]
 * signature over SHA-256("tether-manifest-v1" ‖ 0x00 ‖ body) — the digest is recomputed
 * here with libsodium, an independent SHA-256; [OTA-022] chunk sizes and chunk arithmetic;
 * [OTA-023] device or group scope; [OTA-040] counter; slot size. Keys are made per run. */
#include <check.h>
#include <sodium.h>
#include <string.h>

#include "tether/crypto_backends.h"
#include "tether/ota_manifest.h"

static uint8_t fw_priv[32], fw_pub[65], other_priv[32], other_pub[65];
static const uint8_t dev_id[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t grp[2][16] = {{0xA0}, {0xB0, 1}};

static void setup(void)
{
    ck_assert(sodium_init() >= 0);
    ck_assert_int_eq(tt_p256_keygen(fw_priv, fw_pub, tt_entropy_host, NULL), TT_OK);
    ck_assert_int_eq(tt_p256_keygen(other_priv, other_pub, tt_entropy_host, NULL), TT_OK);
}

static struct tt_ota_policy policy(void)
{
    struct tt_ota_policy p = {.firmware_pub = fw_pub,
                              .group_ids = grp,
                              .ngroups = 2,
                              .layout = tether_v1_SlotLayout_AB,
                              .security_counter = 5,
                              .slot_size = 65536};
    memcpy(p.device_id, dev_id, 16);
    return p;
}

static tether_v1_Manifest good(void)
{
    tether_v1_Manifest m;
    memset(&m, 0, sizeof m);
    m.format = 1;
    m.which_scope = tether_v1_Manifest_device_id_tag;
    memcpy(m.scope.device_id, dev_id, 16);
    m.version = 0x010203;
    m.security_counter = 5;
    m.image_size = 65536;
    memset(m.image_sha256, 0x5A, 32);
    m.layout = tether_v1_SlotLayout_AB;
    m.chunk_size = 512;
    return m;
}

static struct tt_ota_verdict check_of(const tether_v1_Manifest *m, const struct tt_ota_policy *p)
{
    tether_v1_SignedManifest sm;
    tether_v1_Manifest out;
    ck_assert_int_eq(tt_ota_manifest_sign(m, fw_priv, &sm), TT_OK);
    return tt_ota_manifest_check(&sm, p, &out);
}

#define EXPECT(v, e, n)                                                                        \
    do {                                                                                       \
        struct tt_ota_verdict v_ = (v);                                                        \
        ck_assert_int_eq(v_.err, (e));                                                         \
        ck_assert_uint_eq(v_.check, (n));                                                      \
    } while (0)

START_TEST(sign_round_trip)
{
    tether_v1_Manifest m = good(), out;
    tether_v1_SignedManifest sm;
    struct tt_ota_policy p = policy();
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    ck_assert_uint_le(sm.body.size, TT_OTA_BODY_MAX);
    /* [OTA-021] digest recomputed independently (libsodium) verifies under the public key */
    uint8_t d[32];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)"tether-manifest-v1", 19); /* with 0x00 */
    crypto_hash_sha256_update(&st, sm.body.bytes, sm.body.size);
    crypto_hash_sha256_final(&st, d);
    ck_assert_int_eq(tt_p256_verify(fw_pub, 65, d, sm.signature, 64), TT_OK);
    EXPECT(tt_ota_manifest_check(&sm, &p, &out), TT_OK, 0);
    ck_assert_mem_eq(out.image_sha256, m.image_sha256, 32);
    ck_assert_uint_eq(out.version, m.version);
    ck_assert_uint_eq(out.chunk_size, 512);
    /* group scope */
    m.which_scope = tether_v1_Manifest_group_id_tag;
    memcpy(m.scope.group_id, grp[1], 16);
    EXPECT(check_of(&m, &p), TT_OK, 0);
}
END_TEST

/* A raw body signed with the firmware key: only check 1 can refuse it. */
struct bb {
    uint8_t b[300];
    size_t n;
};
static void varint(struct bb *b, uint64_t v)
{
    do {
        b->b[b->n++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
}
static void u32f(struct bb *b, uint32_t f, uint32_t v)
{
    varint(b, f << 3);
    varint(b, v);
}
static void bytesf(struct bb *b, uint32_t f, uint8_t fill, size_t len)
{
    varint(b, f << 3 | 2);
    varint(b, len);
    memset(b->b + b->n, fill, len);
    b->n += len;
}

enum variant { V_GOOD, V_FORMAT2, V_NO_FORMAT, V_NO_SCOPE, V_TWO_SCOPES, V_SCOPE15, V_SCOPE17,
               V_SHA31, V_NO_SHA, V_DUP_VERSION, V_UNKNOWN_FIELD, V_TRAILING, V_SCOPE_VARINT,
               V_SHA_ZERO_LEN, V_NVARIANTS };

static void body_variant(struct bb *b, enum variant v)
{
    b->n = 0;
    if (v != V_NO_FORMAT)
        u32f(b, 1, v == V_FORMAT2 ? 2 : 1);
    if (v == V_SCOPE_VARINT)
        u32f(b, 2, 7);
    else if (v != V_NO_SCOPE) {
        size_t at = b->n + 2, len = v == V_SCOPE15 ? 15 : v == V_SCOPE17 ? 17 : 16;
        bytesf(b, 2, 1, len);
        memcpy(b->b + at, dev_id, len < 16 ? len : 16); /* this device */
    }
    if (v == V_TWO_SCOPES)
        bytesf(b, 3, 2, 16);
    u32f(b, 4, 0x10000);
    if (v == V_DUP_VERSION)
        u32f(b, 4, 0x20000);
    u32f(b, 5, 7);
    u32f(b, 6, 4096);
    if (v != V_NO_SHA)
        bytesf(b, 7, 0x33, v == V_SHA31 ? 31 : v == V_SHA_ZERO_LEN ? 0 : 32);
    u32f(b, 8, 1);
    u32f(b, 9, 256);
    if (v == V_UNKNOWN_FIELD)
        bytesf(b, 20, 9, 3);
    if (v == V_TRAILING)
        b->b[b->n++] = 0x08; /* a tag with no value */
}

static void sign_raw(const struct bb *b, tether_v1_SignedManifest *sm)
{
    uint8_t d[32];
    memset(sm, 0, sizeof *sm);
    ck_assert_uint_le(b->n, sizeof sm->body.bytes);
    memcpy(sm->body.bytes, b->b, b->n);
    sm->body.size = (pb_size_t)b->n;
    ck_assert_int_eq(tt_ota_manifest_digest(b->b, b->n, d), TT_OK);
    ck_assert_int_eq(tt_p256_sign(sm->signature, fw_priv, d), TT_OK);
}

START_TEST(malformed_bodies)
{
    struct tt_ota_policy p = policy();
    p.security_counter = 0;
    p.slot_size = 1u << 20;
    for (int v = 0; v < V_NVARIANTS; v++) {
        struct bb b;
        tether_v1_SignedManifest sm;
        tether_v1_Manifest out, untouched;
        memset(&out, 0xEE, sizeof out);
        untouched = out;
        body_variant(&b, (enum variant)v);
        sign_raw(&b, &sm);
        struct tt_ota_verdict r = tt_ota_manifest_check(&sm, &p, &out);
        if (v == V_GOOD || v == V_UNKNOWN_FIELD) { /* [VER-005] */
            ck_assert_msg(r.err == TT_OK, "variant %d: %d", v, r.err);
            ck_assert_uint_eq(out.image_size, 4096);
        } else {
            ck_assert_msg(r.err == TT_ERR_OTA_MANIFEST && r.check == 1, "variant %d: %d/%u", v,
                          r.err, r.check);
            ck_assert_mem_eq(&out, &untouched, sizeof out); /* nothing changed */
        }
    }
    /* absent signature, and a body longer than 128 bytes (as a hostile decoder might give) */
    struct bb b;
    tether_v1_SignedManifest sm;
    tether_v1_Manifest out;
    body_variant(&b, V_GOOD);
    sign_raw(&b, &sm);
    memset(sm.signature, 0, 64);
    EXPECT(tt_ota_manifest_check(&sm, &p, &out), TT_ERR_OTA_MANIFEST, 1);
    sign_raw(&b, &sm);
    sm.body.size = 129;
    EXPECT(tt_ota_manifest_check(&sm, &p, &out), TT_ERR_OTA_MANIFEST, 1);
    /* the decoder alone refuses it the same way */
    ck_assert_int_eq(tt_ota_manifest_decode(&sm, &out), TT_ERR_OTA_MANIFEST);
}
END_TEST

START_TEST(each_check_in_order)
{
    struct tt_ota_policy p = policy();
    tether_v1_Manifest m = good(), out;
    tether_v1_SignedManifest sm;
    /* 2: another key; a body byte flipped after signing (version field's value) */
    ck_assert_int_eq(tt_ota_manifest_sign(&m, other_priv, &sm), TT_OK);
    EXPECT(tt_ota_manifest_check(&sm, &p, &out), TT_ERR_SIGNATURE, 2);
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    sm.signature[63] ^= 1;
    EXPECT(tt_ota_manifest_check(&sm, &p, &out), TT_ERR_SIGNATURE, 2);
    m.version = 0x7F;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    for (size_t i = 0; i + 1 < sm.body.size; i++)
        if (sm.body.bytes[i] == (tether_v1_Manifest_version_tag << 3) && sm.body.bytes[i + 1] == 0x7F)
            sm.body.bytes[i + 1] = 0x7E;
    EXPECT(tt_ota_manifest_check(&sm, &p, &out), TT_ERR_SIGNATURE, 2);
    m = good();
    /* 3: another device; a group the device is not in */
    m.scope.device_id[0] ^= 1;
    EXPECT(check_of(&m, &p), TT_ERR_OTA_MANIFEST, 3);
    m.which_scope = tether_v1_Manifest_group_id_tag;
    memset(m.scope.group_id, 0xC0, 16);
    EXPECT(check_of(&m, &p), TT_ERR_OTA_MANIFEST, 3);
    /* order: wrong device and an old counter and too large — the scope is reported */
    m.security_counter = 1;
    m.image_size = 1u << 30;
    EXPECT(check_of(&m, &p), TT_ERR_OTA_MANIFEST, 3);
    /* 4: layout; unknown layout value ([VER-006]); chunk sizes */
    m = good();
    m.layout = tether_v1_SlotLayout_SINGLE;
    EXPECT(check_of(&m, &p), TT_ERR_OTA_MANIFEST, 4);
    struct bb b;
    body_variant(&b, V_GOOD);
    b.b[b.n - 4] = 9; /* field 8 (layout) value 1 -> 9: tag 0x40, value, tag 0x48, 256 */
    ck_assert_uint_eq(b.b[b.n - 5], 0x40);
    sign_raw(&b, &sm);
    EXPECT(tt_ota_manifest_check(&sm, &p, &out), TT_ERR_OTA_MANIFEST, 4);
    m = good();
    static const struct {
        uint32_t size;
        bool ok;
    } sizes[] = {{0, false}, {32, false},  {63, false},  {64, true},   {96, false},
                 {128, true}, {1024, true}, {2048, false}, {1023, false}, {0x80000000u, false}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ck_assert_int_eq(tt_ota_chunk_size_ok(sizes[i].size), sizes[i].ok);
        body_variant(&b, V_GOOD);
        b.n -= 3; /* replace chunk_size (tag 0x48 + 2-byte varint 256) */
        u32f(&b, 9, sizes[i].size);
        sign_raw(&b, &sm);
        struct tt_ota_policy q = p;
        q.security_counter = 0;
        struct tt_ota_verdict v = tt_ota_manifest_check(&sm, &q, &out);
        ck_assert_msg(sizes[i].ok ? v.err == TT_OK : (v.err == TT_ERR_OTA_MANIFEST && v.check == 4),
                      "chunk size %u: %d/%u", sizes[i].size, v.err, v.check);
    }
    /* 5: counter below the persisted one; equal and above pass */
    m = good();
    m.security_counter = 4;
    EXPECT(check_of(&m, &p), TT_ERR_OTA_ROLLBACK, 5);
    m.security_counter = 5;
    EXPECT(check_of(&m, &p), TT_OK, 0);
    m.security_counter = 0xFFFFFFFFu;
    EXPECT(check_of(&m, &p), TT_OK, 0);
    /* 6: empty image, one byte over the slot; exactly the slot passes */
    m = good();
    m.image_size = p.slot_size + 1;
    EXPECT(check_of(&m, &p), TT_ERR_OTA_SIZE, 6);
    m.image_size = p.slot_size;
    EXPECT(check_of(&m, &p), TT_OK, 0);
    body_variant(&b, V_GOOD);
    for (size_t i = 0; i < b.n; i++)
        if (b.b[i] == 0x30) { /* field 6 image_size: 4096 = 0x80 0x20 -> 0 */
            b.b[i + 1] = 0;
            memmove(b.b + i + 2, b.b + i + 3, b.n - i - 3);
            b.n--;
            break;
        }
    sign_raw(&b, &sm);
    p.security_counter = 0;
    EXPECT(tt_ota_manifest_check(&sm, &p, &out), TT_ERR_OTA_SIZE, 6);
}
END_TEST

START_TEST(chunk_arithmetic)
{
    /* [OTA-022] the last chunk holds the remainder */
    ck_assert_uint_eq(tt_ota_chunk_count(300000, 1024), 293);
    ck_assert_uint_eq(tt_ota_chunk_len(300000, 1024, 292), 300000 - 292 * 1024);
    ck_assert_uint_eq(tt_ota_chunk_len(300000, 1024, 291), 1024);
    ck_assert_uint_eq(tt_ota_chunk_len(300000, 1024, 293), 0);
    ck_assert_uint_eq(tt_ota_chunk_count(4096, 1024), 4);
    ck_assert_uint_eq(tt_ota_chunk_len(4096, 1024, 3), 1024);
    ck_assert_uint_eq(tt_ota_chunk_count(1, 64), 1);
    ck_assert_uint_eq(tt_ota_chunk_len(1, 64, 0), 1);
    ck_assert_uint_eq(tt_ota_chunk_count(0xFFFFFFFFu, 64), 0x4000000u);
}
END_TEST

START_TEST(signer_refuses_bad_manifests)
{
    tether_v1_SignedManifest sm;
    tether_v1_Manifest m = good();
    m.chunk_size = 100;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_ERR_ARG);
    m = good();
    m.format = 2;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_ERR_ARG);
    m = good();
    m.which_scope = 0;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_ERR_ARG);
    m = good();
    m.image_size = 0;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_ERR_ARG);
    m = good();
    m.layout = (tether_v1_SlotLayout)3;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_ERR_ARG);
    /* the largest manifest still fits 128 bytes */
    m = good();
    m.version = m.security_counter = m.image_size = 0xFFFFFFFFu;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    ck_assert_uint_le(sm.body.size, 128);
    struct tt_ota_policy p = policy();
    struct tt_ota_verdict v = tt_ota_manifest_check(NULL, &p, &m);
    ck_assert_int_eq(v.err, TT_ERR_ARG);
    p.firmware_pub = NULL;
    v = tt_ota_manifest_check(&sm, &p, &m);
    ck_assert_int_eq(v.err, TT_ERR_ARG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ota_manifest");
    TCase *c = tcase_create("manifest");
    tcase_add_checked_fixture(c, setup, NULL);
    tcase_set_timeout(c, 120); /* dozens of ECDSA operations: never a timing verdict */
    tcase_add_test(c, sign_round_trip);
    tcase_add_test(c, malformed_bodies);
    tcase_add_test(c, each_check_in_order);
    tcase_add_test(c, chunk_arithmetic);
    tcase_add_test(c, signer_refuses_bad_manifests);
    suite_add_tcase(s, c);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
