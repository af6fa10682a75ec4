/* keyfile.h — the files a client works with: X25519 keys as PEM that OpenSSL reads (PKCS#8
 * private, SubjectPublicKeyInfo public, OID 1.3.101.110), grants as the exact SignedGrant
 * encoding, and the device record that provisioning writes (device.json: device_id,
 * static_public, owner_public, link). Every file is untrusted input: exact lengths, hex
 * checked, anything unexpected is TT_ERR_FORMAT. Host only. Depends on err.h. */
#ifndef TETHER_CLIENT_KEYFILE_H
#define TETHER_CLIENT_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/wire.h"

TT_MUST_CHECK tt_err tt_file_read(const char *path, uint8_t *buf, size_t cap, size_t *len);
/* Writes atomically (temp file + rename); mode 0600 when secret is non-zero. */
TT_MUST_CHECK tt_err tt_file_write(const char *path, const void *buf, size_t len, int secret);

TT_MUST_CHECK tt_err tt_x25519_priv_to_pem(char *out, size_t cap, const uint8_t sk[32]);
TT_MUST_CHECK tt_err tt_x25519_pub_to_pem(char *out, size_t cap, const uint8_t pk[32]);
TT_MUST_CHECK tt_err tt_x25519_priv_from_pem(uint8_t sk[32], const char *pem);
TT_MUST_CHECK tt_err tt_x25519_pub_from_pem(uint8_t pk[32], const char *pem);

struct tt_device_record {
    uint8_t device_id[TT_DEVICE_ID_LEN];
    uint8_t static_public[32];
    uint8_t owner_public[TT_P256_PUB_LEN];
    int has_owner_public;
    char link[128]; /* e.g. tcp:127.0.0.1:4000 */
};

/* Parses a flat JSON object of string values (what provisioning writes). Unknown keys are
 * ignored; device_id, static_public and link are required. */
TT_MUST_CHECK tt_err tt_device_record_parse(const char *json, size_t len,
                                            struct tt_device_record *r);
TT_MUST_CHECK tt_err tt_device_record_load(const char *path, struct tt_device_record *r);

/* Exact hex decode of a whole string into n bytes. */
TT_MUST_CHECK tt_err tt_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t n);

#endif
