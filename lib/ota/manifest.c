/* manifest.c — decoding, checking and signing OTA manifests (ota_manifest.h, [OTA-010],
 * [OTA-020]..[OTA-023]).
 *
 * The device's checks are a table in the order [OTA-010] fixes, each row one predicate and
 * the error it answers, so the refusal and its check number are deterministic and the order
 * is read in one place. The signature is checked before any field is trusted. SHA-256 and
 * ECDSA come from mbedTLS on both sides, through the steps shared with grants
 * (lib/sign/signed_body.c). */
#include <string.h>

#include "tether/ota_manifest.h"
#include "tether/signed_body.h"

bool tt_ota_chunk_size_ok(uint32_t c)
{
    return c >= TT_OTA_CHUNK_MIN && c <= TT_OTA_CHUNK_MAX && (c & (c - 1)) == 0;
}

uint32_t tt_ota_chunk_count(uint32_t image_size, uint32_t chunk_size)
{
    if (chunk_size == 0)
        return 0;
    return image_size / chunk_size + (image_size % chunk_size != 0);
}

uint32_t tt_ota_chunk_len(uint32_t image_size, uint32_t chunk_size, uint32_t i)
{
    uint32_t n = tt_ota_chunk_count(image_size, chunk_size);
    if (i >= n)
        return 0;
    if (i + 1 < n || image_size % chunk_size == 0)
        return chunk_size;
    return image_size % chunk_size;
}

tt_err tt_ota_manifest_digest(const uint8_t *body, size_t len, uint8_t digest[TT_P256_DIGEST_LEN])
{
    return tt_signed_body_digest(TT_OTA_SIG_CONTEXT, body, len, digest);
}

/* [OTA-020] The shape of the body bytes: exactly one of device_id (2) / group_id (3) with
 * exactly 16 bytes, image_sha256 (7) with exactly 32, no known field (1..9) twice. */
static const struct tt_body_shape manifest_shape = {
    .last_known_tag = tether_v1_Manifest_chunk_size_tag,
    .required_tag = tether_v1_Manifest_image_sha256_tag,
    .required_len = TT_OTA_SHA256_LEN,
    .scope_tag_a = tether_v1_Manifest_device_id_tag,
    .scope_tag_b = tether_v1_Manifest_group_id_tag,
    .scope_len = TT_DEVICE_ID_LEN,
};

tt_err tt_ota_manifest_decode(const tether_v1_SignedManifest *sm, tether_v1_Manifest *out)
{
    tether_v1_Manifest m;
    if (!sm || !out)
        return TT_ERR_ARG;
    memset(&m, 0, sizeof m);
    if (sm->body.size > TT_OTA_BODY_MAX ||
        tt_pb_decode(tether_v1_Manifest_fields, sm->body.bytes, sm->body.size, &m) != TT_OK ||
        m.format != 1 || m.which_scope == 0 ||
        !tt_signed_body_well_formed(sm->body.bytes, sm->body.size, &manifest_shape) ||
        !tt_signed_body_signature_present(sm->signature))
        return TT_ERR_OTA_MANIFEST;
    *out = m;
    return TT_OK;
}

/* One row per check of [OTA-010]; each sees the signed manifest, the decoded body (valid
 * from row 2 on) and the device's policy. */
struct check_ctx {
    const tether_v1_SignedManifest *sm;
    const struct tt_ota_policy *p;
    tether_v1_Manifest m;
};

static bool well_formed(struct check_ctx *c)
{
    return tt_ota_manifest_decode(c->sm, &c->m) == TT_OK;
}

static bool signed_by_firmware_key(struct check_ctx *c)
{
    uint8_t digest[TT_P256_DIGEST_LEN];
    return tt_ota_manifest_digest(c->sm->body.bytes, c->sm->body.size, digest) == TT_OK &&
           tt_p256_verify(c->p->firmware_pub, TT_P256_PUB_LEN, digest, c->sm->signature,
                          sizeof c->sm->signature) == TT_OK;
}

static bool in_scope(struct check_ctx *c)
{
    if (c->m.which_scope == tether_v1_Manifest_device_id_tag)
        return memcmp(c->m.scope.device_id, c->p->device_id, TT_DEVICE_ID_LEN) == 0;
    for (size_t i = 0; i < c->p->ngroups; i++)
        if (memcmp(c->m.scope.group_id, c->p->group_ids[i], TT_DEVICE_ID_LEN) == 0)
            return true;
    return false;
}

static bool layout_and_chunk_size(struct check_ctx *c)
{
    return c->m.layout == c->p->layout && tt_ota_chunk_size_ok(c->m.chunk_size);
}

static bool counter_not_older(struct check_ctx *c)
{
    return c->m.security_counter >= c->p->security_counter;
}

static bool fits_slot(struct check_ctx *c)
{
    return c->m.image_size >= 1 && c->m.image_size <= c->p->slot_size;
}

static const struct {
    bool (*pass)(struct check_ctx *c);
    tt_err err;
} begin_checks[] = {
    {well_formed, TT_ERR_OTA_MANIFEST},           /* 1 [OTA-020] */
    {signed_by_firmware_key, TT_ERR_SIGNATURE},   /* 2 [OTA-021] */
    {in_scope, TT_ERR_OTA_MANIFEST},              /* 3 [OTA-023] */
    {layout_and_chunk_size, TT_ERR_OTA_MANIFEST}, /* 4 [OTA-080], [OTA-022] */
    {counter_not_older, TT_ERR_OTA_ROLLBACK},     /* 5 [OTA-040] */
    {fits_slot, TT_ERR_OTA_SIZE},                 /* 6 */
};

struct tt_ota_verdict tt_ota_manifest_check(const tether_v1_SignedManifest *sm,
                                            const struct tt_ota_policy *policy,
                                            tether_v1_Manifest *out)
{
    struct tt_ota_verdict v = {TT_ERR_ARG, 0};
    if (!sm || !policy || !policy->firmware_pub || !out || (policy->ngroups && !policy->group_ids))
        return v;
    struct check_ctx c = {.sm = sm, .p = policy};
    for (uint32_t i = 0; i < sizeof begin_checks / sizeof begin_checks[0]; i++) {
        if (!begin_checks[i].pass(&c)) {
            v.err = begin_checks[i].err;
            v.check = i + 1;
            return v;
        }
    }
    *out = c.m;
    v.err = TT_OK;
    return v;
}

tt_err tt_ota_manifest_sign(const tether_v1_Manifest *m,
                            const uint8_t firmware_priv[TT_P256_PRIV_LEN],
                            tether_v1_SignedManifest *out)
{
    size_t n;
    tt_err e;
    if (!m || !firmware_priv || !out || m->format != 1 ||
        (m->which_scope != tether_v1_Manifest_device_id_tag &&
         m->which_scope != tether_v1_Manifest_group_id_tag) ||
        !tt_ota_chunk_size_ok(m->chunk_size) || m->image_size == 0 ||
        (m->layout != tether_v1_SlotLayout_SINGLE && m->layout != tether_v1_SlotLayout_AB))
        return TT_ERR_ARG;
    memset(out, 0, sizeof *out);
    e = tt_signed_body_sign(tether_v1_Manifest_fields, m, TT_OTA_SIG_CONTEXT, firmware_priv,
                            out->body.bytes, sizeof out->body.bytes, &n, out->signature);
    if (e == TT_OK)
        out->body.size = (pb_size_t)n;
    return e;
}
