/* keyfile.h — the files a client works with (spec/files.md): X25519 keys as PEM that OpenSSL
 * reads (PKCS#8 private, SubjectPublicKeyInfo public, OID 1.3.101.110), grants as the exact
 * SignedGrant encoding, revocation files as the exact RaiseRevocationFloor encoding, and the
 * device record provisioning writes (device.json, JSON checked
 * with jansson against spec/schema/device-record.schema.json's rules). Every file is untrusted
 * input: regular files only, exact lengths, hex checked, private keys only when nobody else
 * can read or write them; anything unexpected is refused and tt_file_problem() says what, in
 * one line that names the field or the fix. Host only. Depends on err.h, messages.h, jansson. */
#ifndef TETHER_CLIENT_KEYFILE_H
#define TETHER_CLIENT_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/messages.h"
#include "tether/wire.h"

/* The format version this code reads and writes ([FIL-003]). */
#define TT_FILE_FORMAT 1

/* Why the last failed call below (in this thread) failed: one line for a user, e.g.
 * "field \"link\": must be tcp:HOST:PORT or mqtt://HOST:PORT". "" after a success. */
const char *tt_file_problem(void);

/* Reads a whole regular file ([FIL-010]): TT_ERR_IO if it cannot be opened or read (missing,
 * not permitted), TT_ERR_FORMAT if it is not a regular file (FIFO, device, directory) or is
 * larger than cap. Never blocks on a FIFO. */
TT_MUST_CHECK tt_err tt_file_read(const char *path, uint8_t *buf, size_t cap, size_t *len);
/* The same for a private key ([FIL-011]): also TT_ERR_FORMAT when the file is group- or
 * world-accessible or owned by another user, with the chmod that fixes it. */
TT_MUST_CHECK tt_err tt_file_read_private(const char *path, uint8_t *buf, size_t cap, size_t *len);
/* Writes atomically ([FIL-012]): a fresh temporary in the target's directory (exclusive
 * create, no symlink followed, mode 0600), written, synced, then renamed over path; mode
 * 0644 afterwards unless secret. An existing file or link at the temporary's name is never
 * written through. */
TT_MUST_CHECK tt_err tt_file_write(const char *path, const void *buf, size_t len, int secret);

TT_MUST_CHECK tt_err tt_x25519_priv_to_pem(char *out, size_t cap, const uint8_t sk[32]);
TT_MUST_CHECK tt_err tt_x25519_pub_to_pem(char *out, size_t cap, const uint8_t pk[32]);
TT_MUST_CHECK tt_err tt_x25519_priv_from_pem(uint8_t sk[32], const char *pem);
TT_MUST_CHECK tt_err tt_x25519_pub_from_pem(uint8_t pk[32], const char *pem);

/* The device record ([FIL-020]..[FIL-029]): the owner's inventory entry for one device. */
struct tt_device_record {
    uint8_t device_id[TT_DEVICE_ID_LEN];
    uint8_t static_public[32];
    uint8_t owner_public[TT_P256_PUB_LEN];
    int has_owner_public;
    uint8_t attest_public[TT_P256_PUB_LEN]; /* [ATT-040] the inventory's attestation key */
    int has_attest_public;
    char link[128];               /* tcp:HOST:PORT or mqtt://HOST:PORT, checked */
    char broker_credentials[256]; /* a path, "" if absent (MQTT links) */
};

/* Parses a device record (JSON). Required: device_id, static_public, link; optional:
 * format (1), owner_public, attest_public, broker_credentials. Members it does not know are
 * ignored ([FIL-004]); a known member with the wrong type or encoding, a duplicate member,
 * or anything that is not one JSON object is TT_ERR_FORMAT. */
TT_MUST_CHECK tt_err tt_device_record_parse(const char *json, size_t len,
                                            struct tt_device_record *r);
TT_MUST_CHECK tt_err tt_device_record_load(const char *path, struct tt_device_record *r);

/* Checks a link address: tcp:HOST:PORT or mqtt://HOST:PORT, HOST non-empty without spaces,
 * PORT 1..65535 in decimal ([FIL-024]). */
TT_MUST_CHECK tt_err tt_link_check(const char *link);

/* A grant file ([FIL-030]): exactly one SignedGrant encoding whose body is a well-formed
 * format-1 GrantBody (the structural checks of [GRT-011]; the signature is the device's, or
 * tt_grant_verify's, to judge). body gets the decoded body. */
TT_MUST_CHECK tt_err tt_grant_file_parse(const uint8_t *buf, size_t n, tether_v1_SignedGrant *sg,
                                         tether_v1_GrantBody *body);
TT_MUST_CHECK tt_err tt_grant_file_load(const char *path, tether_v1_SignedGrant *sg,
                                        tether_v1_GrantBody *body);

/* A revocation file ([FIL-040]): exactly one RaiseRevocationFloor encoding, signed (not all
 * zero), whose body names a device and a floor of at least 1. TT_ERR_FORMAT otherwise. */
TT_MUST_CHECK tt_err tt_revocation_file_parse(const uint8_t *buf, size_t n,
                                              tether_v1_RaiseRevocationFloor *rf,
                                              tether_v1_RevocationFloorBody *body);
TT_MUST_CHECK tt_err tt_revocation_file_load(const char *path, tether_v1_RaiseRevocationFloor *rf,
                                             tether_v1_RevocationFloorBody *body);

/* Exact hex decode of a whole string into n bytes. */
TT_MUST_CHECK tt_err tt_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t n);

#endif
