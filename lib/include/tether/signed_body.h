/* signed_body.h — the part grants and OTA manifests share: a protobuf body signed with ECDSA
 * P-256 over SHA-256(context ‖ 0x00 ‖ body), verified before any field is trusted.
 *
 * Each message keeps its own checks and errors (grant.c, manifest.c); this file holds only
 * the steps that are the same for both: the domain-separated digest, the exact-shape walk of
 * the body bytes that nanopb alone cannot do, the "no signature" test, and encode-then-sign.
 * No malloc, no I/O. Depends on p256.h (mbedTLS ECDSA and SHA-256 on both sides). */
#ifndef TETHER_SIGNED_BODY_H
#define TETHER_SIGNED_BODY_H

#include <pb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/p256.h"
#include "tether/wire.h"

/* SHA-256(context ‖ 0x00 ‖ body): context is a NUL-terminated string, hashed with its NUL.
 * TT_ERR_ARG for a NULL body with len > 0, TT_ERR_CRYPTO if mbedTLS fails. */
TT_MUST_CHECK tt_err tt_signed_body_digest(const char *context, const uint8_t *body, size_t len,
                                           uint8_t digest[TT_P256_DIGEST_LEN]);

/* The shape a body's top-level fields must have. Tags are at most 31. */
struct tt_body_shape {
    uint32_t last_known_tag; /* fields 1..last_known_tag may appear at most once */
    uint32_t required_tag;   /* must be present, a bytes field of exactly required_len */
    uint32_t required_len;
    uint32_t scope_tag_a;    /* exactly one of these two, of exactly scope_len bytes */
    uint32_t scope_tag_b;
    uint32_t scope_len;
};

/* true when the bytes p[0..n) follow shape: fixed-size fields exactly their size, the
 * required field present, exactly one scope, no known field twice; unknown fields are
 * skipped ([VER-005]). Call only after the body decoded exactly: a zero-length or absent
 * fixed-size field decodes as zeros, a repeated field overwrites the earlier one. */
bool tt_signed_body_well_formed(const uint8_t *p, size_t n, const struct tt_body_shape *shape);

/* An absent signature decodes as 64 zero bytes (fixed_length); r = 0 never verifies, so the
 * callers report it as what it is: no signature, a malformed message. */
bool tt_signed_body_signature_present(const uint8_t sig[TT_P256_SIG_LEN]);

/* Encode src with fields into body[0..cap), set *len, and sign its digest under context
 * into sig. On any failure body, *len and sig are zeroed, so nothing half-signed leaks. */
TT_MUST_CHECK tt_err tt_signed_body_sign(const pb_msgdesc_t *fields, const void *src,
                                         const char *context,
                                         const uint8_t priv[TT_P256_PRIV_LEN], uint8_t *body,
                                         size_t cap, size_t *len,
                                         uint8_t sig[TT_P256_SIG_LEN]);

#endif
