/* test_p256.c — ECDSA P-256 (p256.h): RFC 6979 known answers, round trips, and every way
 * a signature or key off the wire can be wrong ([GRT-003]: a grant's signature is checked
 * first, so this is the gate for everything the owner authorises).
 *
 * PEM known answers are OpenSSL's own output for the RFC 6979 key (`openssl ec`, `openssl
 * pkey`, `openssl ec -pubout`), so files written by the CLI are files OpenSSL reads. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tether/crypto_backends.h"
#include "tether/p256.h"

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

/* RFC 6979 §A.2.5 key. */
static const char *const rfc_d = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
static const char *const rfc_q = "04"
                                 "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
                                 "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
static const char *const order_n =
    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

static void digest_of(uint8_t h[32], const char *msg)
{
    ck_assert_int_eq(tt_crypto_sodium.sha256(h, (const uint8_t *)msg, strlen(msg), NULL, 0), TT_OK);
}

START_TEST(rfc6979_sample_and_test)
{
    uint8_t d[32], q[65], pub[65], h[32], sig[64], want[64];
    unhex(d, 32, rfc_d);
    unhex(q, 65, rfc_q);
    ck_assert_int_eq(tt_p256_public(pub, d), TT_OK);
    ck_assert_mem_eq(pub, q, 65);

    digest_of(h, "sample");
    ck_assert_int_eq(tt_p256_sign(sig, d, h), TT_OK);
    unhex(want, 64, "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
                    "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
    ck_assert_mem_eq(sig, want, 64);
    ck_assert_int_eq(tt_p256_verify(q, 65, h, sig, 64), TT_OK);

    digest_of(h, "test");
    ck_assert_int_eq(tt_p256_sign(sig, d, h), TT_OK);
    unhex(want, 64, "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367"
                    "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083");
    ck_assert_mem_eq(sig, want, 64); /* s has a leading zero byte: fixed-width encoding */
    ck_assert_int_eq(tt_p256_verify(q, 65, h, sig, 64), TT_OK);
}
END_TEST

START_TEST(keygen_sign_verify_round_trip)
{
    uint8_t d[32], q[65], q2[65], h[32], sig[64];
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(tt_p256_keygen(d, q, tt_crypto_sodium.random, NULL), TT_OK);
        ck_assert_uint_eq(q[0], 0x04);
        ck_assert_int_eq(tt_p256_public(q2, d), TT_OK);
        ck_assert_mem_eq(q, q2, 65);
        ck_assert_int_eq(tt_crypto_sodium.random(NULL, h, 32), TT_OK);
        ck_assert_int_eq(tt_p256_sign(sig, d, h), TT_OK);
        ck_assert_int_eq(tt_p256_verify(q, 65, h, sig, 64), TT_OK);
    }
}
END_TEST

static tt_err failing_rng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return TT_ERR_CRYPTO;
}

START_TEST(keygen_and_sign_refuse_bad_inputs)
{
    uint8_t d[32], q[65], h[32] = {0}, sig[64];
    ck_assert_int_eq(tt_p256_keygen(d, q, failing_rng, NULL), TT_ERR_CRYPTO);
    ck_assert_int_eq(tt_p256_keygen(d, q, NULL, NULL), TT_ERR_ARG);
    memset(d, 0, 32); /* 0 is not a private key */
    ck_assert_int_eq(tt_p256_sign(sig, d, h), TT_ERR_ARG);
    ck_assert_int_eq(tt_p256_public(q, d), TT_ERR_ARG);
    unhex(d, 32, order_n); /* neither is n */
    ck_assert_int_eq(tt_p256_sign(sig, d, h), TT_ERR_ARG);
}
END_TEST

/* [GRT-003] Everything that is not a valid signature by this key over this digest. */
START_TEST(verify_rejects)
{
    uint8_t d[32], q[65], h[32], sig[64], bad[65], hb[32];
    unhex(d, 32, rfc_d);
    unhex(q, 65, rfc_q);
    digest_of(h, "sample");
    ck_assert_int_eq(tt_p256_sign(sig, d, h), TT_OK);

    /* any flipped bit in digest, signature or key */
    for (size_t bit = 0; bit < 256; bit += 7) {
        memcpy(hb, h, 32);
        hb[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_int_eq(tt_p256_verify(q, 65, hb, sig, 64), TT_ERR_SIGNATURE);
    }
    for (size_t bit = 0; bit < 512; bit += 5) {
        memcpy(bad, sig, 64);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_int_eq(tt_p256_verify(q, 65, h, bad, 64), TT_ERR_SIGNATURE);
    }
    for (size_t bit = 0; bit < 520; bit += 3) {
        memcpy(bad, q, 65);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_int_eq(tt_p256_verify(bad, 65, h, sig, 64), TT_ERR_SIGNATURE);
    }
    /* r = 0, s = 0, r = n, s = n, s = n + original... (out of range, not reduced) */
    memcpy(bad, sig, 64);
    memset(bad, 0, 32);
    ck_assert_int_eq(tt_p256_verify(q, 65, h, bad, 64), TT_ERR_SIGNATURE);
    memcpy(bad, sig, 64);
    memset(bad + 32, 0, 32);
    ck_assert_int_eq(tt_p256_verify(q, 65, h, bad, 64), TT_ERR_SIGNATURE);
    memcpy(bad, sig, 64);
    unhex(bad, 32, order_n);
    ck_assert_int_eq(tt_p256_verify(q, 65, h, bad, 64), TT_ERR_SIGNATURE);
    memcpy(bad, sig, 64);
    unhex(bad + 32, 32, order_n);
    ck_assert_int_eq(tt_p256_verify(q, 65, h, bad, 64), TT_ERR_SIGNATURE);
    memset(bad, 0xff, 64);
    ck_assert_int_eq(tt_p256_verify(q, 65, h, bad, 64), TT_ERR_SIGNATURE);
    /* (r, n - s) is also a valid signature mathematically; we do not require low-s, but
     * (r, s + n) must not be accepted as an alias: it does not fit 32 bytes, so wrong
     * length is the only way to send it. */
    ck_assert_int_eq(tt_p256_verify(q, 65, h, sig, 63), TT_ERR_SIGNATURE);
    ck_assert_int_eq(tt_p256_verify(q, 65, h, sig, 65), TT_ERR_SIGNATURE);
    ck_assert_int_eq(tt_p256_verify(q, 64, h, sig, 64), TT_ERR_SIGNATURE);
    ck_assert_int_eq(tt_p256_verify(q, 66, h, sig, 64), TT_ERR_SIGNATURE);
    ck_assert_int_eq(tt_p256_verify(q, 0, h, sig, 64), TT_ERR_SIGNATURE);
    ck_assert_int_eq(tt_p256_verify(NULL, 65, h, sig, 64), TT_ERR_SIGNATURE);
    /* compressed form (0x02/0x03) and the point at infinity are not accepted */
    memcpy(bad, q, 65);
    bad[0] = 0x02 | (q[64] & 1);
    ck_assert_int_eq(tt_p256_verify(bad, 65, h, sig, 64), TT_ERR_SIGNATURE);
    memset(bad, 0, 65);
    ck_assert_int_eq(tt_p256_verify(bad, 65, h, sig, 64), TT_ERR_SIGNATURE);
    /* a point not on the curve: y + 1 */
    memcpy(bad, q, 65);
    bad[64] ^= 1;
    ck_assert_int_eq(tt_p256_verify(bad, 65, h, sig, 64), TT_ERR_SIGNATURE);
    /* x >= p with the same y */
    memcpy(bad, q, 65);
    memset(bad + 1, 0xff, 32);
    ck_assert_int_eq(tt_p256_verify(bad, 65, h, sig, 64), TT_ERR_SIGNATURE);
    /* another valid key */
    uint8_t d2[32], q2[65];
    ck_assert_int_eq(tt_p256_keygen(d2, q2, tt_crypto_sodium.random, NULL), TT_OK);
    ck_assert_int_eq(tt_p256_verify(q2, 65, h, sig, 64), TT_ERR_SIGNATURE);
    /* and the original still verifies */
    ck_assert_int_eq(tt_p256_verify(q, 65, h, sig, 64), TT_OK);
}
END_TEST

static const char openssl_sec1[] = "-----BEGIN EC PRIVATE KEY-----\n"
                                   "MHcCAQEEIMmvqdhFunUWa1whV2ex1pNOUMPbNuibEnuKYisSD2choAoGCCqGSM49\n"
                                   "AwEHoUQDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8\n"
                                   "maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==\n"
                                   "-----END EC PRIVATE KEY-----\n";
static const char openssl_pkcs8[] = "-----BEGIN PRIVATE KEY-----\n"
                                    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgya+p2EW6dRZrXCFX\n"
                                    "Z7HWk05Qw9s26JsSe4piKxIPZyGhRANCAARg/tS6JVqdMclh63TGNW1owEm4kjth\n"
                                    "+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ\n"
                                    "-----END PRIVATE KEY-----\n";
static const char openssl_spki[] = "-----BEGIN PUBLIC KEY-----\n"
                                   "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7\n"
                                   "Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==\n"
                                   "-----END PUBLIC KEY-----\n";

START_TEST(pem_matches_openssl)
{
    uint8_t d[32], q[65], got[65];
    char pem[512];
    unhex(d, 32, rfc_d);
    unhex(q, 65, rfc_q);
    ck_assert_int_eq(tt_p256_priv_to_pem(pem, sizeof pem, d), TT_OK);
    ck_assert_str_eq(pem, openssl_sec1);
    ck_assert_int_eq(tt_p256_pub_to_pem(pem, sizeof pem, q), TT_OK);
    ck_assert_str_eq(pem, openssl_spki);

    memset(got, 0, sizeof got);
    ck_assert_int_eq(tt_p256_priv_from_pem(got, openssl_sec1), TT_OK);
    ck_assert_mem_eq(got, d, 32);
    memset(got, 0, sizeof got);
    ck_assert_int_eq(tt_p256_priv_from_pem(got, openssl_pkcs8), TT_OK);
    ck_assert_mem_eq(got, d, 32);
    ck_assert_int_eq(tt_p256_pub_from_pem(got, openssl_spki), TT_OK);
    ck_assert_mem_eq(got, q, 65);
}
END_TEST

START_TEST(pem_rejects)
{
    uint8_t d[32], q[65];
    char pem[512], small[64];
    unhex(d, 32, rfc_d);
    ck_assert_int_eq(tt_p256_priv_to_pem(small, sizeof small, d), TT_ERR_NO_SPACE);
    ck_assert_int_eq(tt_p256_priv_from_pem(d, "not a key"), TT_ERR_ARG);
    ck_assert_int_eq(tt_p256_pub_from_pem(q, openssl_sec1), TT_ERR_ARG); /* wrong kind */
    ck_assert_int_eq(tt_p256_priv_from_pem(d, openssl_spki), TT_ERR_ARG);
    strcpy(pem, openssl_spki);
    pem[40] = pem[40] == 'A' ? 'B' : 'A'; /* damaged point */
    ck_assert_int_eq(tt_p256_pub_from_pem(q, pem), TT_ERR_ARG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("p256");
    TCase *tc = tcase_create("ecdsa");
    tcase_add_test(tc, rfc6979_sample_and_test);
    tcase_add_test(tc, keygen_sign_verify_round_trip);
    tcase_add_test(tc, keygen_and_sign_refuse_bad_inputs);
    tcase_add_test(tc, verify_rejects);
    tcase_add_test(tc, pem_matches_openssl);
    tcase_add_test(tc, pem_rejects);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
