/* p256_pem.c — P-256 keys as PEM text (host tools only: the CLI's key files).
 *
 * Wraps mbedTLS's pk layer so that files interoperate with OpenSSL: private keys written
 * as SEC1 "EC PRIVATE KEY" (what `openssl ec` writes), public keys as SubjectPublicKeyInfo
 * "PUBLIC KEY"; reading also takes PKCS#8 (what `openssl genpkey` writes). Only
 * unencrypted keys on secp256r1 are accepted. Not linked into the device image (the pk
 * parser and the heap it wants have no business there). Depends on mbedTLS pk, pem,
 * asn1, and p256.h for the raw encodings. */
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/base64.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>

#include "tether/crypto.h"
#include "tether/p256.h"

/* Set up pk as an EC key on P-256 with Q (and d when priv != NULL). */
static int pk_from_raw(mbedtls_pk_context *pk, const uint8_t *priv, const uint8_t *pub)
{
    int rc = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (rc != 0)
        return rc;
    mbedtls_ecp_keypair *kp = mbedtls_pk_ec(*pk);
    rc = mbedtls_ecp_group_load(&kp->grp, MBEDTLS_ECP_DP_SECP256R1);
    if (rc == 0 && priv != NULL) {
        rc = mbedtls_mpi_read_binary(&kp->d, priv, TT_P256_PRIV_LEN);
        if (rc == 0)
            rc = mbedtls_ecp_check_privkey(&kp->grp, &kp->d);
        if (rc == 0) /* SEC1 files carry the public key too */
            rc = mbedtls_ecp_mul(&kp->grp, &kp->Q, &kp->d, &kp->grp.G, NULL, NULL);
    } else if (rc == 0) {
        rc = mbedtls_ecp_point_read_binary(&kp->grp, &kp->Q, pub, TT_P256_PUB_LEN);
        if (rc == 0)
            rc = mbedtls_ecp_check_pubkey(&kp->grp, &kp->Q);
    }
    return rc;
}

static tt_err pem_result(int rc)
{
    if (rc == 0)
        return TT_OK;
    if (rc == MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL || rc == MBEDTLS_ERR_ASN1_BUF_TOO_SMALL)
        return TT_ERR_NO_SPACE;
    return TT_ERR_ARG;
}

tt_err tt_p256_priv_to_pem(char *out, size_t cap, const uint8_t priv[TT_P256_PRIV_LEN])
{
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int rc = pk_from_raw(&pk, priv, NULL);
    if (rc == 0)
        rc = mbedtls_pk_write_key_pem(&pk, (unsigned char *)out, cap);
    mbedtls_pk_free(&pk);
    return pem_result(rc);
}

tt_err tt_p256_pub_to_pem(char *out, size_t cap, const uint8_t pub[TT_P256_PUB_LEN])
{
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int rc = pk_from_raw(&pk, NULL, pub);
    if (rc == 0)
        rc = mbedtls_pk_write_pubkey_pem(&pk, (unsigned char *)out, cap);
    mbedtls_pk_free(&pk);
    return pem_result(rc);
}

/* The parsed key must be an EC key on P-256; anything else is the wrong file. */
static const mbedtls_ecp_keypair *p256_of(const mbedtls_pk_context *pk)
{
    if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY)
        return NULL;
    const mbedtls_ecp_keypair *kp = mbedtls_pk_ec(*pk);
    return kp->grp.id == MBEDTLS_ECP_DP_SECP256R1 ? kp : NULL;
}

tt_err tt_p256_priv_from_pem(uint8_t priv[TT_P256_PRIV_LEN], const char *pem)
{
    mbedtls_pk_context pk;
    tt_err err = TT_ERR_ARG;
    if (pem == NULL)
        return TT_ERR_ARG;
    mbedtls_pk_init(&pk);
    /* mbedTLS wants PEM input NUL-terminated and the length to include the NUL. */
    if (mbedtls_pk_parse_key(&pk, (const unsigned char *)pem, strlen(pem) + 1, NULL, 0) == 0) {
        const mbedtls_ecp_keypair *kp = p256_of(&pk);
        if (kp != NULL && mbedtls_mpi_write_binary(&kp->d, priv, TT_P256_PRIV_LEN) == 0)
            err = TT_OK;
    }
    mbedtls_pk_free(&pk); /* zeroises the parsed private key */
    return err;
}

tt_err tt_p256_pub_from_pem(uint8_t pub[TT_P256_PUB_LEN], const char *pem)
{
    mbedtls_pk_context pk;
    tt_err err = TT_ERR_ARG;
    size_t olen = 0;
    if (pem == NULL)
        return TT_ERR_ARG;
    mbedtls_pk_init(&pk);
    if (mbedtls_pk_parse_public_key(&pk, (const unsigned char *)pem, strlen(pem) + 1) == 0) {
        const mbedtls_ecp_keypair *kp = p256_of(&pk);
        if (kp != NULL &&
            mbedtls_ecp_point_write_binary(&kp->grp, &kp->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen,
                                           pub, TT_P256_PUB_LEN) == 0 &&
            olen == TT_P256_PUB_LEN)
            err = TT_OK;
    }
    mbedtls_pk_free(&pk);
    return err;
}
