/* grant.c — signing and verifying authorization grants (grant.h, [GRT-*]).
 *
 * Verification starts from refusal and returns the first failed check in the order the spec
 * fixes, so refusals are specific and deterministic. The signature is checked before any
 * field is trusted; the steps shared with OTA manifests are in lib/sign/signed_body.c. */
#include <string.h>

#include "tether/grant.h"
#include "tether/signed_body.h"

tt_err tt_grant_digest(const uint8_t *body, size_t len, uint8_t digest[TT_P256_DIGEST_LEN])
{
    return tt_signed_body_digest(TT_GRANT_SIG_CONTEXT, body, len, digest);
}

tt_err tt_grant_sign(const tether_v1_GrantBody *body, const uint8_t owner_priv[TT_P256_PRIV_LEN],
                     tether_v1_SignedGrant *out)
{
    size_t n;
    tt_err e;
    if (!body || !owner_priv || !out)
        return TT_ERR_ARG;
    memset(out, 0, sizeof *out);
    e = tt_signed_body_sign(tether_v1_GrantBody_fields, body, TT_GRANT_SIG_CONTEXT, owner_priv,
                            out->body.bytes, sizeof out->body.bytes, &n, out->signature);
    if (e == TT_OK)
        out->body.size = (pb_size_t)n;
    return e;
}

/* [GRT-001] The shape of the body bytes, one reading for every verifier whatever its
 * protobuf library: client_key (2) present with exactly 32 bytes, exactly one of
 * device_id (3) / group_id (4) with exactly 16 bytes, no known field (1..8) twice. */
static const struct tt_body_shape grant_shape = {
    .last_known_tag = tether_v1_GrantBody_serial_tag,
    .required_tag = tether_v1_GrantBody_client_key_tag,
    .required_len = TT_X25519_LEN,
    .scope_tag_a = tether_v1_GrantBody_device_id_tag,
    .scope_tag_b = tether_v1_GrantBody_group_id_tag,
    .scope_len = TT_DEVICE_ID_LEN,
};

static bool in_scope(const tether_v1_GrantBody *b, const struct tt_grant_policy *p)
{
    if (b->which_scope == tether_v1_GrantBody_device_id_tag)
        return memcmp(b->scope.device_id, p->device_id, TT_DEVICE_ID_LEN) == 0;
    for (size_t i = 0; i < p->ngroups; i++)
        if (memcmp(b->scope.group_id, p->group_ids[i], TT_DEVICE_ID_LEN) == 0)
            return true;
    return false;
}

tt_err tt_grant_verify(const tether_v1_SignedGrant *grant, const struct tt_grant_policy *policy,
                       const uint8_t client_static[TT_X25519_LEN], tether_v1_GrantBody *out)
{
    tether_v1_GrantBody b;
    uint8_t digest[TT_P256_DIGEST_LEN];
    tt_err e;
    if (!grant || !policy || !policy->owner_pub || !client_static || !out)
        return TT_ERR_ARG;
    /* [GRT-011] the body must decode exactly and be complete; [VER-007] format 1 only */
    memset(&b, 0, sizeof b);
    if (grant->body.size > sizeof grant->body.bytes ||
        tt_pb_decode(tether_v1_GrantBody_fields, grant->body.bytes, grant->body.size, &b) !=
            TT_OK ||
        b.format != 1 || b.which_scope == 0 ||
        !tt_signed_body_well_formed(grant->body.bytes, grant->body.size, &grant_shape) ||
        /* [GRT-011] an absent signature (64 zero bytes) is no signature */
        !tt_signed_body_signature_present(grant->signature))
        return TT_ERR_GRANT_MALFORMED;
    /* [GRT-012] owner signature over the exact body bytes */
    e = tt_grant_digest(grant->body.bytes, grant->body.size, digest);
    if (e != TT_OK)
        return e;
    if (tt_p256_verify(policy->owner_pub, TT_P256_PUB_LEN, digest, grant->signature,
                       sizeof grant->signature) != TT_OK)
        return TT_ERR_GRANT_SIGNATURE;
    /* [GRT-013] bound to the key that completed the Noise handshake */
    if (memcmp(b.client_key, client_static, TT_X25519_LEN) != 0)
        return TT_ERR_GRANT_KEY_MISMATCH;
    /* [GRT-014] this device, or a group it belongs to */
    if (!in_scope(&b, policy))
        return TT_ERR_GRANT_DEVICE;
    /* [GRT-015] validity window with a trusted clock; without one, only what the persisted
     * time floor proves (not_after at or below a not_before already seen) */
    if (policy->now_s != 0 && policy->now_s < b.not_before)
        return TT_ERR_GRANT_NOT_YET_VALID;
    if (policy->now_s != 0 && policy->now_s >= b.not_after)
        return TT_ERR_GRANT_EXPIRED;
    if (policy->now_s == 0 && policy->time_floor_s != 0 && b.not_after <= policy->time_floor_s)
        return TT_ERR_GRANT_EXPIRED;
    /* [GRT-016] revocation floor */
    if (b.serial < policy->revocation_floor)
        return TT_ERR_GRANT_REVOKED;
    *out = b;
    return TT_OK;
}
