/* signed_body.c — the steps grants and OTA manifests share (signed_body.h): domain-separated
 * digest, exact body shape, signature presence, encode-then-sign. SHA-256 and ECDSA come
 * from mbedTLS on both sides. */
#include <mbedtls/sha256.h>
#include <pb_decode.h>
#include <string.h>

#include "tether/messages.h"
#include "tether/signed_body.h"

tt_err tt_signed_body_digest(const char *context, const uint8_t *body, size_t len,
                             uint8_t digest[TT_P256_DIGEST_LEN])
{
    mbedtls_sha256_context c;
    int rc;
    if (!context || (!body && len) || !digest)
        return TT_ERR_ARG;
    mbedtls_sha256_init(&c);
    rc = mbedtls_sha256_starts_ret(&c, 0);
    if (rc == 0) /* with its NUL: the 0x00 byte that ends the context */
        rc = mbedtls_sha256_update_ret(&c, (const uint8_t *)context, strlen(context) + 1);
    if (rc == 0)
        rc = mbedtls_sha256_update_ret(&c, body, len);
    if (rc == 0)
        rc = mbedtls_sha256_finish_ret(&c, digest);
    mbedtls_sha256_free(&c);
    return rc == 0 ? TT_OK : TT_ERR_CRYPTO;
}

/* Expected length of a fixed-size field, 0 for any other field (skipped by its wire type). */
static uint32_t fixed_len(const struct tt_body_shape *shape, uint32_t tag)
{
    if (tag == shape->required_tag)
        return shape->required_len;
    if (tag == shape->scope_tag_a || tag == shape->scope_tag_b)
        return shape->scope_len;
    return 0;
}

bool tt_signed_body_well_formed(const uint8_t *p, size_t n, const struct tt_body_shape *shape)
{
    pb_istream_t s = pb_istream_from_buffer(p, n);
    pb_wire_type_t wt;
    uint32_t tag, seen = 0;
    bool eof = false;
    while (pb_decode_tag(&s, &wt, &tag, &eof)) {
        uint32_t want = fixed_len(shape, tag);
        if (tag >= 1 && tag <= shape->last_known_tag) {
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
    uint32_t scopes = seen & (1u << shape->scope_tag_a | 1u << shape->scope_tag_b);
    return eof && s.bytes_left == 0 && (seen & (1u << shape->required_tag)) && scopes != 0 &&
           (scopes & (scopes - 1)) == 0;
}

bool tt_signed_body_signature_present(const uint8_t sig[TT_P256_SIG_LEN])
{
    uint8_t any = 0;
    for (size_t i = 0; i < TT_P256_SIG_LEN; i++)
        any |= sig[i];
    return any != 0;
}

tt_err tt_signed_body_sign(const pb_msgdesc_t *fields, const void *src, const char *context,
                           const uint8_t priv[TT_P256_PRIV_LEN], uint8_t *body, size_t cap,
                           size_t *len, uint8_t sig[TT_P256_SIG_LEN])
{
    uint8_t digest[TT_P256_DIGEST_LEN];
    size_t n = 0;
    tt_err e = tt_pb_encode(fields, src, body, cap, &n);
    if (e == TT_OK)
        e = tt_signed_body_digest(context, body, n, digest);
    if (e == TT_OK)
        e = tt_p256_sign(sig, priv, digest);
    if (e != TT_OK) {
        memset(body, 0, cap);
        memset(sig, 0, TT_P256_SIG_LEN);
        n = 0;
    }
    *len = n;
    return e;
}
