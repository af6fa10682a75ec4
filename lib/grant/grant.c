/* grant.c — signing and verifying authorization grants (grant.h, [GRT-*]).
 *
 * Verification starts from refusal and returns the first failed check in the order the spec
 * fixes, so refusals are specific and deterministic. The signature is checked before any
 * field is trusted. SHA-256 and ECDSA come from mbedTLS on both sides. */
#include <mbedtls/sha256.h>
#include <string.h>

#include "tether/grant.h"

static const char grant_context[] = TT_GRANT_SIG_CONTEXT; /* with its NUL: the 0x00 byte */

tt_err tt_grant_digest(const uint8_t *body, size_t len, uint8_t digest[TT_P256_DIGEST_LEN])
{
    mbedtls_sha256_context c;
    int rc;
    if ((!body && len) || !digest)
        return TT_ERR_ARG;
    mbedtls_sha256_init(&c);
    rc = mbedtls_sha256_starts_ret(&c, 0);
    if (rc == 0)
        rc = mbedtls_sha256_update_ret(&c, (const uint8_t *)grant_context, sizeof grant_context);
    if (rc == 0)
        rc = mbedtls_sha256_update_ret(&c, body, len);
    if (rc == 0)
        rc = mbedtls_sha256_finish_ret(&c, digest);
    mbedtls_sha256_free(&c);
    return rc == 0 ? TT_OK : TT_ERR_CRYPTO;
}

tt_err tt_grant_sign(const tether_v1_GrantBody *body, const uint8_t owner_priv[TT_P256_PRIV_LEN],
                     tether_v1_SignedGrant *out)
{
    uint8_t digest[TT_P256_DIGEST_LEN];
    size_t n;
    tt_err e;
    if (!body || !owner_priv || !out)
        return TT_ERR_ARG;
    memset(out, 0, sizeof *out);
    e = tt_pb_encode(tether_v1_GrantBody_fields, body, out->body.bytes, sizeof out->body.bytes,
                     &n);
    if (e == TT_OK)
        e = tt_grant_digest(out->body.bytes, n, digest);
    if (e == TT_OK)
        e = tt_p256_sign(out->signature, owner_priv, digest);
    if (e != TT_OK) {
        memset(out, 0, sizeof *out);
        return e;
    }
    out->body.size = (pb_size_t)n;
    return TT_OK;
}

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
    /* [GRT-011] the body must decode exactly and be complete */
    memset(&b, 0, sizeof b);
    if (tt_pb_decode(tether_v1_GrantBody_fields, grant->body.bytes, grant->body.size, &b) !=
            TT_OK ||
        b.format != 1 || b.which_scope == 0)
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
    /* [GRT-015] validity window, when the device has a clock */
    if (policy->now_s != 0 && policy->now_s < b.not_before)
        return TT_ERR_GRANT_NOT_YET_VALID;
    if (policy->now_s != 0 && policy->now_s >= b.not_after)
        return TT_ERR_GRANT_EXPIRED;
    /* [GRT-016] revocation floor */
    if (b.serial < policy->revocation_floor)
        return TT_ERR_GRANT_REVOKED;
    *out = b;
    return TT_OK;
}
