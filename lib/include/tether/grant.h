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
    uint64_t now_s;           /* trusted wall clock, Unix seconds; 0 = the device has none */
    /* Clockless devices only ([GRT-015]): a persisted lower bound of time, the largest
     * not_before of any grant accepted so far (tt_grant_time_floor); 0 = none kept. A grant
     * whose not_after is at or below it has certainly expired. Ignored when now_s != 0. */
    uint64_t time_floor_s;
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
 *   TT_ERR_GRANT_MALFORMED      [GRT-011] body does not decode exactly; format != 1;
 *                               client_key not present with exactly 32 bytes; not exactly one
 *                               scope member of exactly 16 bytes; a known field repeated;
 *                               signature absent (all zero). Unknown fields are ignored
 *                               ([VER-005]): they are covered by the signature all the same.
 *   TT_ERR_GRANT_SIGNATURE      signature does not verify under the owner key
 *   TT_ERR_GRANT_KEY_MISMATCH   client_key differs from the initiator's Noise static key
 *   TT_ERR_GRANT_DEVICE         neither this device id nor one of its groups
 *   TT_ERR_GRANT_NOT_YET_VALID  now_s < not_before            (only when now_s != 0)
 *   TT_ERR_GRANT_EXPIRED        now_s >= not_after            (only when now_s != 0), or
 *                               not_after <= time_floor_s     (only when now_s == 0)
 *   TT_ERR_GRANT_REVOKED        serial < revocation_floor
 * On TT_OK *out holds the verified body (permissions, serial, window); on any failure *out
 * is unchanged. */
TT_MUST_CHECK tt_err tt_grant_verify(const tether_v1_SignedGrant *grant,
                                     const struct tt_grant_policy *policy,
                                     const uint8_t client_static[TT_X25519_LEN],
                                     tether_v1_GrantBody *out);

/* True when every bit of needed is granted ([GRT-040]). */
static inline bool tt_grant_allows(uint32_t granted, uint32_t needed)
{
    return (granted & needed) == needed;
}

/* What a v1 device honours of a grant's permissions: unknown bits are ignored, not refused
 * ([GRT-042]); this is DeviceHello.granted_permissions. */
static inline uint32_t tt_grant_effective_permissions(uint32_t permissions)
{
    return permissions & TT_PERM_ALL;
}

/* A clockless device's new persisted time floor after accepting body ([GRT-015]): the larger
 * of the old floor and the grant's not_before. It never decreases. */
static inline uint64_t tt_grant_time_floor(uint64_t floor, const tether_v1_GrantBody *body)
{
    return body->not_before > floor ? body->not_before : floor;
}

#endif
