/* test_crypto.c — known-answer and interoperability tests of both struct tt_crypto backends.
 *
 * Every vector runs on libsodium and on mbedTLS (Check loop tests over `backends`), so a
 * wrong wrapper (byte order, nonce layout, in-place use) fails against the RFC rather than
 * against the other backend. Then the two are compared on random inputs, byte for byte.
 * Vectors: RFC 7748 (X25519), RFC 8439 §A.5 (AEAD; §2.8.2's nonce starts 07000000 and
 * cannot be expressed with Noise's zero-prefixed nonce), FIPS 180-2 (SHA-256), RFC 4231
 * (HMAC-SHA-256). Low-order inputs: libsodium's blacklist. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tether/crypto_backends.h"
#include "tether/rng_mbedtls.h"

static struct tt_mbedtls_rng mb_rng;
static struct tt_crypto mb_with_rng;
static const struct tt_crypto *backends[2];

static void setup(void)
{
    ck_assert_int_eq(tt_mbedtls_rng_init(&mb_rng, tt_entropy_host, NULL, NULL, 0), TT_OK);
    mb_with_rng = tt_crypto_mbedtls;
    mb_with_rng.rng_ctx = &mb_rng;
    backends[0] = &tt_crypto_sodium;
    backends[1] = &mb_with_rng;
}

static void teardown(void)
{
    tt_mbedtls_rng_free(&mb_rng);
}

static size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
    size_t n = strlen(hex) / 2;
    ck_assert_uint_le(n, cap);
    for (size_t i = 0; i < n; i++) {
        char b[3] = {hex[2 * i], hex[2 * i + 1], 0};
        out[i] = (uint8_t)strtoul(b, NULL, 16);
    }
    return n;
}

#define ck_assert_hex(buf, len, hex)                                                               \
    do {                                                                                           \
        uint8_t want_[512];                                                                        \
        size_t n_ = unhex(want_, sizeof want_, hex);                                               \
        ck_assert_uint_eq(n_, (len));                                                              \
        ck_assert_mem_eq((buf), want_, n_);                                                        \
    } while (0)

/* RFC 7748 §5.2 (first vector has the u-coordinate's top bit clear, second set). */
START_TEST(x25519_rfc7748_scalarmult)
{
    const struct tt_crypto *c = backends[_i];
    uint8_t sk[32], u[32], out[32];
    unhex(sk, 32, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    unhex(u, 32, "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    ck_assert_int_eq(c->x25519(out, sk, u), TT_OK);
    ck_assert_hex(out, 32, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    unhex(sk, 32, "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
    unhex(u, 32, "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
    ck_assert_int_eq(c->x25519(out, sk, u), TT_OK);
    ck_assert_hex(out, 32, "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}
END_TEST

/* RFC 7748 §6.1 Diffie-Hellman: public keys and the shared secret from both sides. */
START_TEST(x25519_rfc7748_dh)
{
    const struct tt_crypto *c = backends[_i];
    uint8_t a[32], b[32], pa[32], pb[32], k1[32], k2[32];
    unhex(a, 32, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    unhex(b, 32, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    ck_assert_int_eq(c->x25519_public(pa, a), TT_OK);
    ck_assert_hex(pa, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    ck_assert_int_eq(c->x25519_public(pb, b), TT_OK);
    ck_assert_hex(pb, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    ck_assert_int_eq(c->x25519(k1, a, pb), TT_OK);
    ck_assert_int_eq(c->x25519(k2, b, pa), TT_OK);
    ck_assert_hex(k1, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    ck_assert_mem_eq(k1, k2, 32);
}
END_TEST

/* [HS-LOW-ORDER] Every low-order u-coordinate (and non-canonical or top-bit-set forms of
 * them) must give TT_ERR_HS_LOW_ORDER on both backends, whatever the scalar. */
static const char *const low_order[] = {
    "0000000000000000000000000000000000000000000000000000000000000000", /* 0 */
    "0100000000000000000000000000000000000000000000000000000000000000", /* 1 */
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", /* order 8 */
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", /* order 8 */
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p - 1 */
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p (= 0) */
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p + 1 (= 1) */
    "0000000000000000000000000000000000000000000000000000000000000080", /* 0, top bit */
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880", /* top bit */
};

START_TEST(x25519_low_order_rejected)
{
    const struct tt_crypto *c = backends[_i / 9];
    uint8_t sk[32], u[32], out[32];
    ck_assert_int_eq(tt_crypto_sodium.random(NULL, sk, sizeof sk), TT_OK);
    unhex(u, 32, low_order[_i % 9]);
    memset(out, 0xa5, sizeof out);
    ck_assert_int_eq(c->x25519(out, sk, u), TT_ERR_HS_LOW_ORDER);
}
END_TEST

START_TEST(x25519_backends_agree)
{
    uint8_t a[32], b[32], pa0[32], pa1[32], k0[32], k1[32];
    for (int round = 0; round < 16; round++) {
        ck_assert_int_eq(tt_crypto_sodium.random(NULL, a, 32), TT_OK);
        ck_assert_int_eq(tt_crypto_sodium.random(NULL, b, 32), TT_OK);
        ck_assert_int_eq(tt_crypto_sodium.x25519_public(pa0, a), TT_OK);
        ck_assert_int_eq(tt_crypto_mbedtls.x25519_public(pa1, a), TT_OK);
        ck_assert_mem_eq(pa0, pa1, 32);
        b[31] |= 0x80; /* a u-coordinate with the top bit set: both must mask it */
        ck_assert_int_eq(tt_crypto_sodium.x25519(k0, a, b), TT_OK);
        ck_assert_int_eq(tt_crypto_mbedtls.x25519(k1, a, b), TT_OK);
        ck_assert_mem_eq(k0, k1, 32);
    }
}
END_TEST

/* RFC 7748 §5: non-canonical u (p + 9 here) is processed as u mod p, by both backends. */
START_TEST(x25519_non_canonical_u)
{
    const struct tt_crypto *c = backends[_i];
    uint8_t sk[32], u[32], pk[32], out[32];
    ck_assert_int_eq(tt_crypto_sodium.random(NULL, sk, sizeof sk), TT_OK);
    unhex(u, 32, "f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    ck_assert_int_eq(c->x25519_public(pk, sk), TT_OK);
    ck_assert_int_eq(c->x25519(out, sk, u), TT_OK);
    ck_assert_mem_eq(out, pk, 32);
}
END_TEST

static const char a5_pt[] =
    "Internet-Drafts are draft documents valid for a maximum of six months and may be updated, "
    "replaced, or obsoleted by other documents at any time. It is inappropriate to use "
    "Internet-Drafts as reference material or to cite them other than as "
    "/\xe2\x80\x9cwork in progress./\xe2\x80\x9d";
static const char a5_ct[] =
    "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
    "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
    "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
    "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
    "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
    "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
    "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
    "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
    "a6ad5cb4022b02709beead9d67890cbb22392336fea1851f38";

/* RFC 8439 §A.5: nonce 00000000 0102030405060708 is Noise's encoding of n = 0x0807060504030201. */
START_TEST(aead_rfc8439_a5)
{
    const struct tt_crypto *c = backends[_i];
    const uint64_t n = 0x0807060504030201ull;
    uint8_t key[32], ad[12], ct[512], out[512];
    size_t ptlen = sizeof a5_pt - 1;
    unhex(key, 32, "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
    unhex(ad, 12, "f33388860000000000004e91");
    size_t ctlen = unhex(ct, sizeof ct, a5_ct);
    ck_assert_uint_eq(ctlen, ptlen + 16);

    ck_assert_int_eq(c->aead_seal(out, key, n, ad, 12, (const uint8_t *)a5_pt, ptlen), TT_OK);
    ck_assert_mem_eq(out, ct, ctlen);
    ck_assert_int_eq(c->aead_open(out, key, n, ad, 12, ct, ctlen), TT_OK);
    ck_assert_mem_eq(out, a5_pt, ptlen);

    /* in place, both directions */
    memcpy(out, a5_pt, ptlen);
    ck_assert_int_eq(c->aead_seal(out, key, n, ad, 12, out, ptlen), TT_OK);
    ck_assert_mem_eq(out, ct, ctlen);
    ck_assert_int_eq(c->aead_open(out, key, n, ad, 12, out, ctlen), TT_OK);
    ck_assert_mem_eq(out, a5_pt, ptlen);
}
END_TEST

/* [REC-005] A flipped bit anywhere (ciphertext, tag, AD, nonce, key) → TT_ERR_REC_AUTH. */
START_TEST(aead_tamper_rejected)
{
    const struct tt_crypto *c = backends[_i];
    uint8_t key[32], ad[13], pt[40], ct[56], bad[56], out[56];
    ck_assert_int_eq(tt_crypto_sodium.random(NULL, key, sizeof key), TT_OK);
    ck_assert_int_eq(tt_crypto_sodium.random(NULL, ad, sizeof ad), TT_OK);
    ck_assert_int_eq(tt_crypto_sodium.random(NULL, pt, sizeof pt), TT_OK);
    ck_assert_int_eq(c->aead_seal(ct, key, 7, ad, sizeof ad, pt, sizeof pt), TT_OK);
    for (size_t bit = 0; bit < sizeof ct * 8; bit++) {
        memcpy(bad, ct, sizeof ct);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_int_eq(c->aead_open(out, key, 7, ad, sizeof ad, bad, sizeof bad),
                         TT_ERR_REC_AUTH);
    }
    ad[0] ^= 1;
    ck_assert_int_eq(c->aead_open(out, key, 7, ad, sizeof ad, ct, sizeof ct), TT_ERR_REC_AUTH);
    ad[0] ^= 1;
    ck_assert_int_eq(c->aead_open(out, key, 8, ad, sizeof ad, ct, sizeof ct), TT_ERR_REC_AUTH);
    key[31] ^= 0x80;
    ck_assert_int_eq(c->aead_open(out, key, 7, ad, sizeof ad, ct, sizeof ct), TT_ERR_REC_AUTH);
    key[31] ^= 0x80;
    ck_assert_int_eq(c->aead_open(out, key, 7, ad, sizeof ad, ct, 15), TT_ERR_REC_AUTH);
    ck_assert_int_eq(c->aead_open(out, key, 7, ad, sizeof ad, ct, sizeof ct), TT_OK);
    ck_assert_mem_eq(out, pt, sizeof pt);
}
END_TEST

/* Byte-identical output of the two backends on random keys, nonces, AD and lengths
 * (including empty plaintext and empty AD), and each opens what the other sealed. */
START_TEST(aead_backends_agree)
{
    uint8_t key[32], ad[64], pt[300], c0[316], c1[316], out[316], r[4];
    for (int round = 0; round < 200; round++) {
        ck_assert_int_eq(tt_crypto_sodium.random(NULL, key, sizeof key), TT_OK);
        ck_assert_int_eq(tt_crypto_sodium.random(NULL, ad, sizeof ad), TT_OK);
        ck_assert_int_eq(tt_crypto_sodium.random(NULL, pt, sizeof pt), TT_OK);
        ck_assert_int_eq(tt_crypto_sodium.random(NULL, r, sizeof r), TT_OK);
        size_t ptlen = (size_t)((r[0] | r[1] << 8) % (sizeof pt + 1));
        size_t adlen = r[2] % (sizeof ad + 1);
        uint64_t n = round < 2 ? (uint64_t)round * UINT64_MAX : ((uint64_t)r[3] << 40) + round;
        ck_assert_int_eq(tt_crypto_sodium.aead_seal(c0, key, n, ad, adlen, pt, ptlen), TT_OK);
        ck_assert_int_eq(tt_crypto_mbedtls.aead_seal(c1, key, n, ad, adlen, pt, ptlen), TT_OK);
        ck_assert_mem_eq(c0, c1, ptlen + 16);
        ck_assert_int_eq(tt_crypto_mbedtls.aead_open(out, key, n, ad, adlen, c0, ptlen + 16),
                         TT_OK);
        ck_assert_mem_eq(out, pt, ptlen);
        ck_assert_int_eq(tt_crypto_sodium.aead_open(out, key, n, ad, adlen, c1, ptlen + 16),
                         TT_OK);
        ck_assert_mem_eq(out, pt, ptlen);
    }
}
END_TEST

START_TEST(sha256_vectors)
{
    const struct tt_crypto *c = backends[_i];
    uint8_t h[32];
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ck_assert_int_eq(c->sha256(h, (const uint8_t *)"", 0, NULL, 0), TT_OK);
    ck_assert_hex(h, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_int_eq(c->sha256(h, (const uint8_t *)"abc", 3, NULL, 0), TT_OK);
    ck_assert_hex(h, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* split across the two inputs at an awkward point */
    ck_assert_int_eq(c->sha256(h, (const uint8_t *)m, 13, (const uint8_t *)m + 13, 43), TT_OK);
    ck_assert_hex(h, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

/* RFC 4231 test cases 1, 2 and 6 (6: key longer than the block, hashed first). */
START_TEST(hmac_sha256_rfc4231)
{
    const struct tt_crypto *c = backends[_i];
    uint8_t key[131], h[32];
    memset(key, 0x0b, 20);
    ck_assert_int_eq(c->hmac_sha256(h, key, 20, (const uint8_t *)"Hi There", 8, NULL, 0), TT_OK);
    ck_assert_hex(h, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    const char *m2 = "what do ya want for nothing?";
    ck_assert_int_eq(c->hmac_sha256(h, (const uint8_t *)"Jefe", 4, (const uint8_t *)m2, 10,
                                    (const uint8_t *)m2 + 10, strlen(m2) - 10),
                     TT_OK);
    ck_assert_hex(h, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, sizeof key);
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    ck_assert_int_eq(c->hmac_sha256(h, key, sizeof key, (const uint8_t *)m6, strlen(m6), NULL, 0),
                     TT_OK);
    ck_assert_hex(h, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}
END_TEST

START_TEST(random_works_and_mbedtls_fails_closed)
{
    const struct tt_crypto *c = backends[_i];
    uint8_t a[64] = {0}, b[64] = {0};
    ck_assert_int_eq(c->random(c->rng_ctx, a, sizeof a), TT_OK);
    ck_assert_int_eq(c->random(c->rng_ctx, b, sizeof b), TT_OK);
    ck_assert_mem_ne(a, b, sizeof a);
    /* The bare mbedTLS table has no entropy source: it must refuse, not return zeros. */
    ck_assert_int_eq(tt_crypto_mbedtls.random(NULL, a, sizeof a), TT_ERR_CRYPTO);
    uint8_t big[3000];
    ck_assert_int_eq(c->random(c->rng_ctx, big, sizeof big), TT_OK); /* > DRBG request limit */
}
END_TEST

static tt_err dead_entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return TT_ERR_CRYPTO;
}

/* A device whose TRNG fails must not get a usable DRBG. */
START_TEST(mbedtls_rng_entropy_failure_fails_closed)
{
    static struct tt_mbedtls_rng rng;
    uint8_t buf[16];
    ck_assert_int_eq(tt_mbedtls_rng_init(&rng, dead_entropy, NULL, NULL, 0), TT_ERR_CRYPTO);
    ck_assert_int_eq(tt_mbedtls_rng_random(&rng, buf, sizeof buf), TT_ERR_CRYPTO);
    tt_mbedtls_rng_free(&rng);
    ck_assert_int_eq(tt_mbedtls_rng_init(&rng, NULL, NULL, NULL, 0), TT_ERR_ARG);
}
END_TEST

static Suite *crypto_suite(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("backends");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, x25519_rfc7748_scalarmult, 0, 2);
    tcase_add_loop_test(tc, x25519_rfc7748_dh, 0, 2);
    tcase_add_loop_test(tc, x25519_low_order_rejected, 0, 18);
    tcase_add_test(tc, x25519_backends_agree);
    tcase_add_loop_test(tc, x25519_non_canonical_u, 0, 2);
    tcase_add_loop_test(tc, aead_rfc8439_a5, 0, 2);
    tcase_add_loop_test(tc, aead_tamper_rejected, 0, 2);
    tcase_add_test(tc, aead_backends_agree);
    tcase_add_loop_test(tc, sha256_vectors, 0, 2);
    tcase_add_loop_test(tc, hmac_sha256_rfc4231, 0, 2);
    tcase_add_loop_test(tc, random_works_and_mbedtls_fails_closed, 0, 2);
    tcase_add_test(tc, mbedtls_rng_entropy_failure_fails_closed);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(crypto_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
