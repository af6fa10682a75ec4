/* manifest.c — decoding, checking and signing OTA manifests (ota_manifest.h, [OTA-010],
 * [OTA-020]..[OTA-023]).
 *
 * The device's checks are a table in the order [OTA-010] fixes, each row one predicate and
 * the error it answers, so the refusal and its check number are deterministic and the order
 * is read in one place. The signature is checked before any field is trusted. SHA-256 and
 * ECDSA come from mbedTLS on both sides. */
#include <mbedtls/sha256.h>
#include <pb_decode.h>
#include <string.h>

#include "tether/ota_manifest.h"

static const char manifest_context[] = TT_OTA_SIG_CONTEXT; /* with its NUL: the 0x00 byte */

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
    mbedtls_sha256_context c;
    int rc;
    if ((!body && len) || !digest)
        return TT_ERR_ARG;
    mbedtls_sha256_init(&c);
    rc = mbedtls_sha256_starts_ret(&c, 0);
    if (rc == 0)
        rc = mbedtls_sha256_update_ret(&c, (const uint8_t *)manifest_context,
                                       sizeof manifest_context);
    if (rc == 0)
        rc = mbedtls_sha256_update_ret(&c, body, len);
    if (rc == 0)
        rc = mbedtls_sha256_finish_ret(&c, digest);
    mbedtls_sha256_free(&c);
    return rc == 0 ? TT_OK : TT_ERR_CRYPTO;
}

/* [OTA-020] The shape of the body bytes, which nanopb alone cannot tell (a zero-length or
 * absent fixed-size field decodes as zeros; a repeated field overwrites the earlier one):
 * exactly one of device_id (2) / group_id (3) with exactly 16 bytes, image_sha256 (7) with
 * exactly 32, no known field (1..9) twice. Unknown fields are skipped ([VER-005]). Called
 * only after the body decoded exactly. */
static bool body_well_formed(const uint8_t *p, size_t n)
{
    pb_istream_t s = pb_istream_from_buffer(p, n);
    pb_wire_type_t wt;
    uint32_t tag, seen = 0;
    bool eof = false;
    while (pb_decode_tag(&s, &wt, &tag, &eof)) {
        uint32_t want = tag == tether_v1_Manifest_image_sha256_tag ? TT_OTA_SHA256_LEN
                        : tag == tether_v1_Manifest_device_id_tag ||
                                tag == tether_v1_Manifest_group_id_tag
                            ? TT_DEVICE_ID_LEN
                            : 0;
        if (tag >= 1 && tag <= tether_v1_Manifest_chunk_size_tag) {
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
    uint32_t scopes = seen & (1u << tether_v1_Manifest_device_id_tag |
                              1u << tether_v1_Manifest_group_id_tag);
    return eof && s.bytes_left == 0 && (seen & (1u << tether_v1_Manifest_image_sha256_tag)) &&
           scopes != 0 && (scopes & (scopes - 1)) == 0;
}

/* An absent signature decodes as 64 zero bytes (fixed_length); r = 0 never verifies, so it
 * is reported as what it is: no signature, a malformed manifest. */
static bool signature_present(const uint8_t sig[TT_P256_SIG_LEN])
{
    uint8_t any = 0;
    for (size_t i = 0; i < TT_P256_SIG_LEN; i++)
        any |= sig[i];
    return any != 0;
}

tt_err tt_ota_manifest_decode(const tether_v1_SignedManifest *sm, tether_v1_Manifest *out)
{
    tether_v1_Manifest m;
    if (!sm || !out)
        return TT_ERR_ARG;
    memset(&m, 0, sizeof m);
    if (sm->body.size > TT_OTA_BODY_MAX ||
        tt_pb_decode(tether_v1_Manifest_fields, sm->body.bytes, sm->body.size, &m) != TT_OK ||
        m.format != 1 || m.which_scope == 0 || !body_well_formed(sm->body.bytes, sm->body.size) ||
        !signature_present(sm->signature))
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
    uint8_t digest[TT_P256_DIGEST_LEN];
    size_t n;
    tt_err e;
    if (!m || !firmware_priv || !out || m->format != 1 ||
        (m->which_scope != tether_v1_Manifest_device_id_tag &&
         m->which_scope != tether_v1_Manifest_group_id_tag) ||
        !tt_ota_chunk_size_ok(m->chunk_size) || m->image_size == 0 ||
        (m->layout != tether_v1_SlotLayout_SINGLE && m->layout != tether_v1_SlotLayout_AB))
        return TT_ERR_ARG;
    memset(out, 0, sizeof *out);
    e = tt_pb_encode(tether_v1_Manifest_fields, m, out->body.bytes, sizeof out->body.bytes, &n);
    if (e == TT_OK)
        e = tt_ota_manifest_digest(out->body.bytes, n, digest);
    if (e == TT_OK)
        e = tt_p256_sign(out->signature, firmware_priv, digest);
    if (e != TT_OK) {
        memset(out, 0, sizeof *out);
        return e;
    }
    out->body.size = (pb_size_t)n;
    return TT_OK;
}
