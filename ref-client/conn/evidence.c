/* evidence.c — the verifier's checks of Evidence, in [ATT-030]'s order (evidence.h). */
#include <sodium.h>
#include <string.h>

#include "evidence.h"
#include "tether/p256.h"

/* Indexed by enum tt_evidence_result. */
static const char *const result_text[] = {
    "evidence verified",
    "signature does not verify under the device record's attest_public: not this device's "
    "evidence, or altered on the way",
    "signed evidence does not decode as one Evidence of at most 192 bytes",
    "evidence is for another nonce than the one this verifier sent (replayed or stale)",
    "evidence names another device id than the device record's",
};

const char *tt_evidence_result_text(enum tt_evidence_result r)
{
    return (size_t)r < sizeof result_text / sizeof result_text[0] ? result_text[r] : "?";
}

enum tt_evidence_result tt_evidence_verify(const uint8_t attest_pub[TT_P256_PUB_LEN],
                                           const uint8_t device_id[TT_DEVICE_ID_LEN],
                                           const uint8_t nonce[32], const uint8_t *evidence,
                                           size_t evidence_len, const uint8_t *signature,
                                           size_t signature_len, tether_v1_Evidence *out)
{
    tether_v1_Evidence ev;
    crypto_hash_sha256_state st;
    uint8_t digest[32];
    memset(out, 0, sizeof *out);
    /* step 3 first: nothing of the evidence is read before its signature verified */
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)TT_EVIDENCE_SIG_CONTEXT,
                              sizeof TT_EVIDENCE_SIG_CONTEXT); /* with its 0x00 */
    crypto_hash_sha256_update(&st, evidence, evidence_len);
    crypto_hash_sha256_final(&st, digest);
    if (tt_p256_verify(attest_pub, TT_P256_PUB_LEN, digest, signature, signature_len) != TT_OK)
        return TT_EVIDENCE_SIGNATURE;
    /* step 4 */
    memset(&ev, 0, sizeof ev);
    if (evidence_len > 192 ||
        tt_pb_decode(tether_v1_Evidence_fields, evidence, evidence_len, &ev) != TT_OK)
        return TT_EVIDENCE_DECODE;
    /* step 5 (the caller holds one pending nonce and consumes it with this call) */
    if (sodium_memcmp(ev.nonce, nonce, 32) != 0)
        return TT_EVIDENCE_NONCE;
    /* step 6 */
    if (memcmp(ev.device_id, device_id, TT_DEVICE_ID_LEN) != 0)
        return TT_EVIDENCE_DEVICE;
    *out = ev;
    return TT_EVIDENCE_OK;
}
