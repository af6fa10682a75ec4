/* p256_mbedtls.c — ECDSA P-256 (p256.h) with mbedTLS 2.28's ecp/ecdsa modules.
 *
 * Every function loads the group, converts the raw fixed-size encodings to mbedTLS
 * numbers, and frees (which zeroises) everything on the one exit path. Verification
 * starts from "fail" and only a zero from mbedtls_ecdsa_verify, after the length, format
 * and on-curve checks, turns it into TT_OK. Depends on mbedTLS (ecp, ecdsa, bignum,
 * hmac_drbg for RFC 6979) and p256.h. */
#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>

#include "tether/crypto.h"
#include "tether/p256.h"

struct rng_adapter {
    tt_p256_rng_fn fn;
    void *ctx;
};

static int rng_trampoline(void *p, unsigned char *buf, size_t len)
{
    const struct rng_adapter *a = p;
    return a->fn(a->ctx, buf, len) == TT_OK ? 0 : -1;
}

/* An allocation failure (device heap) is a resource problem, not a verdict on the input. */
static tt_err map_rc(int rc, tt_err otherwise)
{
    if (rc == 0)
        return TT_OK;
    if (rc == MBEDTLS_ERR_MPI_ALLOC_FAILED || rc == MBEDTLS_ERR_ECP_ALLOC_FAILED)
        return TT_ERR_CRYPTO;
    return otherwise;
}

static int write_pub(const mbedtls_ecp_group *grp, const mbedtls_ecp_point *Q,
                     uint8_t pub[TT_P256_PUB_LEN])
{
    size_t olen = 0;
    int rc = mbedtls_ecp_point_write_binary(grp, Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, pub,
                                            TT_P256_PUB_LEN);
    return rc != 0 ? rc : (olen == TT_P256_PUB_LEN ? 0 : MBEDTLS_ERR_ECP_BAD_INPUT_DATA);
}

/* Load group and private scalar; the scalar must be in [1, n-1]. */
static int load_priv(mbedtls_ecp_group *grp, mbedtls_mpi *d, const uint8_t priv[TT_P256_PRIV_LEN])
{
    int rc = mbedtls_ecp_group_load(grp, MBEDTLS_ECP_DP_SECP256R1);
    if (rc == 0)
        rc = mbedtls_mpi_read_binary(d, priv, TT_P256_PRIV_LEN);
    if (rc == 0)
        rc = mbedtls_ecp_check_privkey(grp, d);
    return rc;
}

tt_err tt_p256_keygen(uint8_t priv[TT_P256_PRIV_LEN], uint8_t pub[TT_P256_PUB_LEN],
                      tt_p256_rng_fn rng, void *rng_ctx)
{
    struct rng_adapter a = {rng, rng_ctx};
    mbedtls_ecp_group grp;
    mbedtls_mpi d;
    mbedtls_ecp_point Q;
    int rc;
    if (rng == NULL)
        return TT_ERR_ARG;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_ecp_point_init(&Q);
    rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (rc == 0)
        rc = mbedtls_ecp_gen_keypair(&grp, &d, &Q, rng_trampoline, &a);
    if (rc == 0)
        rc = mbedtls_mpi_write_binary(&d, priv, TT_P256_PRIV_LEN);
    if (rc == 0)
        rc = write_pub(&grp, &Q, pub);
    if (rc != 0)
        tt_wipe(priv, TT_P256_PRIV_LEN);
    mbedtls_ecp_point_free(&Q);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
    return map_rc(rc, TT_ERR_CRYPTO);
}

tt_err tt_p256_public(uint8_t pub[TT_P256_PUB_LEN], const uint8_t priv[TT_P256_PRIV_LEN])
{
    mbedtls_ecp_group grp;
    mbedtls_mpi d;
    mbedtls_ecp_point Q;
    int rc;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_ecp_point_init(&Q);
    rc = load_priv(&grp, &d, priv);
    tt_err err = map_rc(rc, TT_ERR_ARG);
    if (rc == 0) {
        /* f_rng NULL: mbedTLS blinds with an internal DRBG seeded from d. */
        rc = mbedtls_ecp_mul(&grp, &Q, &d, &grp.G, NULL, NULL);
        if (rc == 0)
            rc = write_pub(&grp, &Q, pub);
        err = map_rc(rc, TT_ERR_CRYPTO);
    }
    mbedtls_ecp_point_free(&Q);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
    return err;
}

tt_err tt_p256_sign(uint8_t sig[TT_P256_SIG_LEN], const uint8_t priv[TT_P256_PRIV_LEN],
                    const uint8_t digest[TT_P256_DIGEST_LEN])
{
    mbedtls_ecp_group grp;
    mbedtls_mpi d, r, s;
    int rc;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    rc = load_priv(&grp, &d, priv);
    tt_err err = map_rc(rc, TT_ERR_ARG);
    if (rc == 0) {
        /* Blinding RNG NULL: mbedTLS derives one from the RFC 6979 seed under a label. */
        rc = mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &d, digest, TT_P256_DIGEST_LEN,
                                        MBEDTLS_MD_SHA256, NULL, NULL);
        if (rc == 0)
            rc = mbedtls_mpi_write_binary(&r, sig, 32);
        if (rc == 0)
            rc = mbedtls_mpi_write_binary(&s, sig + 32, 32);
        err = map_rc(rc, TT_ERR_CRYPTO);
    }
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
    return err;
}

tt_err tt_p256_verify(const uint8_t *pub, size_t publen, const uint8_t digest[TT_P256_DIGEST_LEN],
                      const uint8_t *sig, size_t siglen)
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point Q;
    mbedtls_mpi r, s;
    int rc;
    /* Exact lengths and the uncompressed form only: one encoding per key and signature. */
    if (pub == NULL || sig == NULL || digest == NULL || publen != TT_P256_PUB_LEN ||
        siglen != TT_P256_SIG_LEN || pub[0] != 0x04)
        return TT_ERR_SIGNATURE;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&Q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (rc == 0)
        rc = mbedtls_ecp_point_read_binary(&grp, &Q, pub, publen);
    if (rc == 0)
        rc = mbedtls_ecp_check_pubkey(&grp, &Q); /* coordinates < p, on the curve */
    if (rc == 0)
        rc = mbedtls_mpi_read_binary(&r, sig, 32);
    if (rc == 0)
        rc = mbedtls_mpi_read_binary(&s, sig + 32, 32);
    if (rc == 0)
        rc = mbedtls_ecdsa_verify(&grp, digest, TT_P256_DIGEST_LEN, &Q, &r, &s); /* 1<=r,s<n */
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&Q);
    mbedtls_ecp_group_free(&grp);
    return map_rc(rc, TT_ERR_SIGNATURE);
}
