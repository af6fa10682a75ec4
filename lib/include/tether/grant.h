/* grant.h — authorization grants: an owner's ECDSA P-256 signature binding a client's Noise
 * static key to a device (or group) with permissions, a validity window and a serial
 * (spec/authorization.md, [GRT-*]).
 *
 * The signed bytes are the exact encoding of a GrantBody; the signature is over
 * SHA-256("tether-grant-v1" ‖ 0x00 ‖ body). The device verifies with the owner's public key
 * from its provisioning area; tt_grant_verify checks in a fixed order and returns the first
 * failure, so the refusal a client sees is specific. No malloc. Depends on messages.h
 * (nanopb GrantBody/SignedGrant), p256.h (mbedTLS ECDSA, also on the client). */
#ifndef TETHER_GRANT_H
#define TETHER_GRANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/crypto.h"
#include "tether/messages.h"
#include "tether/p256.h"
#include "tether/wire.h"

/* What the device knows about itself when judging a grant. */
struct tt_grant_policy {
    const uint8_t *owner_pub;               /* TT_P256_PUB_LEN bytes */
    uint8_t device_id[TT_DEVICE_ID_LEN];
    const uint8_t (*group_ids)[TT_DEVICE_ID_LEN]; /* groups the device belongs to */
    size_t ngroups;
    uint64_t now_s;           /* device clock, Unix seconds; 0 = the device has no clock */
    uint64_t revocation_floor; /* grants with serial below it are refused */
};

/* Owner side: sign body (format, client key, scope, permissions, window, serial) into out. */
TT_MUST_CHECK tt_err tt_grant_sign(const tether_v1_GrantBody *body,
                                   const uint8_t owner_priv[TT_P256_PRIV_LEN],
                                   tether_v1_SignedGrant *out);

/* The digest signed for a grant body (domain-separated SHA-256). */
TT_MUST_CHECK tt_err tt_grant_digest(const uint8_t *body, size_t len,
                                     uint8_t digest[TT_P256_DIGEST_LEN]);

/* Device side. Checks, in this order ([GRT-010]):
 *   TT_ERR_GRANT_MALFORMED      body does not decode exactly, wrong format, key or scope size
 *   TT_ERR_GRANT_SIGNATURE      signature does not verify under the owner key
 *   TT_ERR_GRANT_KEY_MISMATCH   client_key differs from the initiator's Noise static key
 *   TT_ERR_GRANT_DEVICE         neither this device id nor one of its groups
 *   TT_ERR_GRANT_NOT_YET_VALID  now_s < not_before (skipped when now_s == 0)
 *   TT_ERR_GRANT_EXPIRED        now_s >= not_after (skipped when now_s == 0)
 *   TT_ERR_GRANT_REVOKED        serial < revocation_floor
 * On TT_OK *out holds the verified body (permissions, serial, window). */
TT_MUST_CHECK tt_err tt_grant_verify(const tether_v1_SignedGrant *grant,
                                     const struct tt_grant_policy *policy,
                                     const uint8_t client_static[TT_X25519_LEN],
                                     tether_v1_GrantBody *out);

/* True when every bit of needed is granted. */
static inline bool tt_grant_allows(uint32_t granted, uint32_t needed)
{
    return (granted & needed) == needed;
}

#endif
