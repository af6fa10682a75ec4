/* grant.c — signing and verifying authorization grants (grant.h, [GRT-*]).
 *
 * Verification starts from refusal and returns the first failed check in the order the spec
 * fixes, so refusals are specific and deterministic. The signature is checked before any
 * field is trusted. SHA-256 and ECDSA come from mbedTLS on both sides. */
#include <mbedtls/sha256.h>
#include <pb_decode.h>
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

/* [GRT-001] The shape of the body bytes. nanopb alone cannot tell: it decodes a zero-length
 * fixed-size field as zero bytes, an absent one as zeros too, and lets a repeated field
 * overwrite the earlier one. So walk the top-level fields once: client_key (2) present with
 * exactly 32 bytes, exactly one of device_id (3) / group_id (4) with exactly 16 bytes, no
 * known field (1..8) twice — one reading for every verifier, whatever its protobuf library.
 * Unknown fields are skipped ([VER-005]). Called only after the body decoded exactly. */
static bool body_well_formed(const uint8_t *p, size_t n)
{
    pb_istream_t s = pb_istream_from_buffer(p, n);
    pb_wire_type_t wt;
    uint32_t tag, seen = 0;
    bool eof = false;
    while (pb_decode_tag(&s, &wt, &tag, &eof)) {
        uint32_t want = tag == tether_v1_GrantBody_client_key_tag ? TT_X25519_LEN
                        : tag == tether_v1_GrantBody_device_id_tag ||
                                tag == tether_v1_GrantBody_group_id_tag
                            ? TT_DEVICE_ID_LEN
                            : 0;
        if (tag >= 1 && tag <= tether_v1_GrantBody_serial_tag) {
            if (seen & (1u << tag))
                return false;
            seen |= 1u << tag;
        }
        if (want != 0) {
            uint32_t len;
            if (wt != PB_WT_STRING || !pb_decode_varint32(&s, &len) || len != want ||
                !pb_read(&s, NULL, len))
                return false;
        } else if (!pb_skip_field(&s, wt)) {
            return false;
        }
    }
    uint32_t scopes = seen & (1u << tether_v1_GrantBody_device_id_tag |
                              1u << tether_v1_GrantBody_group_id_tag);
    return eof && s.bytes_left == 0 && (seen & (1u << tether_v1_GrantBody_client_key_tag)) &&
           scopes != 0 && (scopes & (scopes - 1)) == 0;
}

/* An absent or empty signature decodes as 64 zero bytes (fixed_length); r = 0 could never
 * verify anyway, so it is reported as what it almost certainly is: no signature ([GRT-011]). */
static bool signature_present(const uint8_t sig[TT_P256_SIG_LEN])
{
    uint8_t any = 0;
    for (size_t i = 0; i < TT_P256_SIG_LEN; i++)
        any |= sig[i];
    return any != 0;
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
    /* [GRT-011] the body must decode exactly and be complete; [VER-007] format 1 only */
    memset(&b, 0, sizeof b);
    if (grant->body.size > sizeof grant->body.bytes ||
        tt_pb_decode(tether_v1_GrantBody_fields, grant->body.bytes, grant->body.size, &b) !=
            TT_OK ||
        b.format != 1 || b.which_scope == 0 ||
        !body_well_formed(grant->body.bytes, grant->body.size) ||
        !signature_present(grant->signature))
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
