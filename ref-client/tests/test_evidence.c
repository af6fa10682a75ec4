/* test_evidence.c — the verifier's checks ([ATT-030] steps 3-6, [ATT-045]) on evidence made
 * here with a known attestation key: good evidence verifies and yields its claims; a wrong
 * key, a flipped bit in every byte of the evidence, a flipped signature, evidence for another
 * nonce or device, signed bytes that are no Evidence or too long: each refused with its own
 * result and no claims handed out. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../conn/evidence.h"
#include "tether/p256.h"

static uint8_t sk[32], pk[65], other_sk[32], other_pk[65];
static const uint8_t dev[16] = {0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8,
                                0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0};
static uint8_t nonce[32];

static tt_err rng(void *ctx, uint8_t *b, size_t n)
{
    randombytes_buf(b, n);
    (void)ctx;
    return TT_OK;
}

/* Signs bytes as a device would ([ATT-020]). */
static void sign(const uint8_t *key, const uint8_t *b, size_t n, uint8_t sig[64])
{
    uint8_t d[32];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)TT_EVIDENCE_SIG_CONTEXT,
                              sizeof TT_EVIDENCE_SIG_CONTEXT);
    crypto_hash_sha256_update(&st, b, n);
    crypto_hash_sha256_final(&st, d);
    ck_assert_int_eq(tt_p256_sign(sig, key, d), TT_OK);
}

static size_t evidence(uint8_t *out, const uint8_t *id, const uint8_t *for_nonce)
{
    tether_v1_Evidence ev;
    size_t n;
    memset(&ev, 0, sizeof ev);
    memcpy(ev.device_id, id, 16);
    ev.supervisor_version = 0x010203;
    memset(ev.supervisor_measurement, 0xAA, 32);
    ev.app_version = 0x000100;
    memset(ev.app_measurement, 0xBB, 32);
    ev.security_counter = 7;
    ev.lifecycle = tether_v1_Lifecycle_LIFECYCLE_SECURED;
    ev.debug_state = tether_v1_DebugState_DEBUG_HARDWARE_CLOSED;
    ev.boot_count = 42;
    memcpy(ev.nonce, for_nonce, 32);
    ck_assert_int_eq(tt_pb_encode(tether_v1_Evidence_fields, &ev, out, 192, &n), TT_OK);
    return n;
}

static void setup(void)
{
    ck_assert_int_eq(tt_p256_keygen(sk, pk, rng, NULL), TT_OK);
    ck_assert_int_eq(tt_p256_keygen(other_sk, other_pk, rng, NULL), TT_OK);
    randombytes_buf(nonce, sizeof nonce);
}

START_TEST(test_good)
{
    uint8_t ev[192], sig[64];
    tether_v1_Evidence out;
    size_t n = evidence(ev, dev, nonce);
    sign(sk, ev, n, sig);
    ck_assert_int_eq(tt_evidence_verify(pk, dev, nonce, ev, n, sig, 64, &out), TT_EVIDENCE_OK);
    ck_assert_uint_eq(out.boot_count, 42);
    ck_assert_uint_eq(out.security_counter, 7);
    ck_assert_int_eq(out.lifecycle, tether_v1_Lifecycle_LIFECYCLE_SECURED);
    uint8_t bb[32];
    memset(bb, 0xBB, sizeof bb);
    ck_assert_int_eq(memcmp(out.app_measurement, bb, 32), 0);
}
END_TEST

static void refused(enum tt_evidence_result want, const uint8_t *key, const uint8_t *id,
                    const uint8_t *ev, size_t n, const uint8_t *sig, size_t siglen)
{
    tether_v1_Evidence out;
    memset(&out, 0x5A, sizeof out);
    ck_assert_int_eq(tt_evidence_verify(key, id, nonce, ev, n, sig, siglen, &out), want);
    /* [ATT-031] no claims from evidence that failed */
    ck_assert(sodium_is_zero((const uint8_t *)&out, sizeof out));
    ck_assert(strlen(tt_evidence_result_text(want)) > 10);
}

START_TEST(test_wrong_key_and_tampering)
{
    uint8_t ev[192], sig[64];
    size_t n = evidence(ev, dev, nonce);
    sign(sk, ev, n, sig);
    refused(TT_EVIDENCE_SIGNATURE, other_pk, dev, ev, n, sig, 64);
    for (size_t i = 0; i < n; i++) { /* one bit of every byte, a different bit each time */
        ev[i] ^= (uint8_t)(1u << (i % 8));
        refused(TT_EVIDENCE_SIGNATURE, pk, dev, ev, n, sig, 64);
        ev[i] ^= (uint8_t)(1u << (i % 8));
    }
    sig[10] ^= 1;
    refused(TT_EVIDENCE_SIGNATURE, pk, dev, ev, n, sig, 64);
    sig[10] ^= 1;
    refused(TT_EVIDENCE_SIGNATURE, pk, dev, ev, n - 1, sig, 64); /* cut short */
    refused(TT_EVIDENCE_SIGNATURE, pk, dev, ev, n, sig, 63);
}
END_TEST

START_TEST(test_wrong_nonce_device_and_bytes)
{
    uint8_t ev[256], sig[64], other_nonce[32], other_dev[16];
    size_t n;
    memcpy(other_nonce, nonce, 32);
    other_nonce[31] ^= 0x80;
    n = evidence(ev, dev, other_nonce); /* a replay of evidence for another challenge */
    sign(sk, ev, n, sig);
    refused(TT_EVIDENCE_NONCE, pk, dev, ev, n, sig, 64);
    memcpy(other_dev, dev, 16);
    other_dev[0] ^= 1;
    n = evidence(ev, other_dev, nonce); /* another device's genuine key and evidence */
    sign(sk, ev, n, sig);
    refused(TT_EVIDENCE_DEVICE, pk, dev, ev, n, sig, 64);
    static const uint8_t junk[] = {0xff, 0xff, 0xff};
    sign(sk, junk, sizeof junk, sig); /* signed, but not an Evidence */
    refused(TT_EVIDENCE_DECODE, pk, dev, junk, sizeof junk, sig, 64);
    n = evidence(ev, dev, nonce);
    /* padded to 193 bytes with an unknown field the decoder would skip: only the length
     * limit of [ATT-012] refuses it */
    ck_assert_uint_lt(n + 2, 193);
    ev[n] = 0x7a; /* field 15, length-delimited */
    ev[n + 1] = (uint8_t)(193 - n - 2);
    memset(ev + n + 2, 0x33, 193 - n - 2);
    sign(sk, ev, 193, sig);
    refused(TT_EVIDENCE_DECODE, pk, dev, ev, 193, sig, 64);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("evidence");
    TCase *tc = tcase_create("verify");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 600); /* ~150 ECDSA verifies under ASan on a loaded machine */
    tcase_add_test(tc, test_good);
    tcase_add_test(tc, test_wrong_key_and_tampering);
    tcase_add_test(tc, test_wrong_nonce_device_and_bytes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
