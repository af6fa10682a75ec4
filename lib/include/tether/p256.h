/* p256.h — ECDSA P-256 over a SHA-256 digest: the one signature scheme of Tether (grants,
 * revocation floors, OTA manifests, attestation evidence).
 *
 * Fixed-size raw encodings only, so parsers never see ASN.1: private key 32 bytes
 * big-endian, public key uncompressed SEC1 (0x04 || X || Y, 65 bytes), signature r || s
 * (64 bytes, each 32 bytes big-endian). Signing is deterministic (RFC 6979), so the device
 * needs no randomness to sign and signatures are reproducible in tests. Implemented with
 * mbedTLS on both sides (lib/crypto/p256_mbedtls.c); PEM import/export for host tools is
 * in p256_pem.c. Depends on err.h and wire.h (TT_P256_* sizes). */
#ifndef TETHER_P256_H
#define TETHER_P256_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/wire.h"

#define TT_P256_PRIV_LEN 32u
#define TT_P256_DIGEST_LEN 32u

/* Random source with the shape of tt_crypto.random. */
typedef tt_err (*tt_p256_rng_fn)(void *ctx, uint8_t *buf, size_t len);

/* New key pair from rng. TT_ERR_CRYPTO if rng fails. */
TT_MUST_CHECK tt_err tt_p256_keygen(uint8_t priv[TT_P256_PRIV_LEN], uint8_t pub[TT_P256_PUB_LEN],
                                    tt_p256_rng_fn rng, void *rng_ctx);

/* Public key of priv. TT_ERR_ARG if priv is not in [1, n-1]. */
TT_MUST_CHECK tt_err tt_p256_public(uint8_t pub[TT_P256_PUB_LEN],
                                    const uint8_t priv[TT_P256_PRIV_LEN]);

/* Deterministic ECDSA (RFC 6979, HMAC-SHA-256) over a 32-byte digest. TT_ERR_ARG if priv is
 * not in [1, n-1]. */
TT_MUST_CHECK tt_err tt_p256_sign(uint8_t sig[TT_P256_SIG_LEN],
                                  const uint8_t priv[TT_P256_PRIV_LEN],
                                  const uint8_t digest[TT_P256_DIGEST_LEN]);

/* TT_OK only for a valid signature by pub over digest. Lengths are checked here (the
 * inputs come off the wire): pub must be exactly 65 bytes, 0x04 and a point on the curve;
 * sig exactly 64 bytes with 1 <= r, s < n. Anything else: TT_ERR_SIGNATURE. */
TT_MUST_CHECK tt_err tt_p256_verify(const uint8_t *pub, size_t publen,
                                    const uint8_t digest[TT_P256_DIGEST_LEN], const uint8_t *sig,
                                    size_t siglen);

/* Host-only (p256_pem.c): keys as PEM text OpenSSL reads and writes. The private key is
 * written as SEC1 "EC PRIVATE KEY"; reading accepts SEC1 or PKCS#8 (unencrypted), and
 * public keys as SubjectPublicKeyInfo "PUBLIC KEY". out gets a NUL-terminated string;
 * TT_ERR_NO_SPACE if cap is too small, TT_ERR_ARG for text that is not a P-256 key. */
TT_MUST_CHECK tt_err tt_p256_priv_to_pem(char *out, size_t cap,
                                         const uint8_t priv[TT_P256_PRIV_LEN]);
TT_MUST_CHECK tt_err tt_p256_pub_to_pem(char *out, size_t cap,
                                        const uint8_t pub[TT_P256_PUB_LEN]);
TT_MUST_CHECK tt_err tt_p256_priv_from_pem(uint8_t priv[TT_P256_PRIV_LEN], const char *pem);
TT_MUST_CHECK tt_err tt_p256_pub_from_pem(uint8_t pub[TT_P256_PUB_LEN], const char *pem);

#endif
