/* evidence.h — the verifier's checks of attestation Evidence (spec/services/attestation.md
 * [ATT-030] steps 3-6, [ATT-045]): signature under the inventory's attestation key over the
 * exact bytes received, exact decode, the verifier's own nonce, the expected device. Pure:
 * no I/O, no allocation, so it is tested on crafted evidence. Host only (client side).
 * Depends on messages.h (nanopb Evidence), p256.h, the libsodium SHA-256. */
#ifndef TETHER_CLIENT_EVIDENCE_H
#define TETHER_CLIENT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/messages.h"
#include "tether/wire.h"

/* The first check that failed, in [ATT-030]'s order; TT_EVIDENCE_OK only when all passed. */
enum tt_evidence_result {
    TT_EVIDENCE_OK = 0,
    TT_EVIDENCE_SIGNATURE, /* step 3: not signed by this device's attestation key */
    TT_EVIDENCE_DECODE,    /* step 4: not exactly one Evidence of at most 192 bytes */
    TT_EVIDENCE_NONCE,     /* step 5: for another nonce than the one sent */
    TT_EVIDENCE_DEVICE,    /* step 6: another device's id */
};

/* One line for a user on a result. */
const char *tt_evidence_result_text(enum tt_evidence_result r);

/* Verifies evidence/signature as received. out gets the decoded claims only when the result
 * is TT_EVIDENCE_OK (zeroed otherwise): nothing unverified is ever handed out ([ATT-031]). */
TT_MUST_CHECK enum tt_evidence_result
tt_evidence_verify(const uint8_t attest_pub[TT_P256_PUB_LEN],
                   const uint8_t device_id[TT_DEVICE_ID_LEN], const uint8_t nonce[32],
                   const uint8_t *evidence, size_t evidence_len, const uint8_t *signature,
                   size_t signature_len, tether_v1_Evidence *out);

#endif
