/* ota_manifest.h — OTA manifests: the firmware key's ECDSA P-256 signature over a Manifest
 * that names one image (size, SHA-256, version, security counter, layout, chunk size) for a
 * device or a group (spec/services/ota.md, [OTA-010], [OTA-020]..[OTA-023]).
 *
 * Shared by the device (checks 1..6 of [OTA-010] before a transfer begins) and the client
 * (`tether ota sign`, and reading a manifest file back). The signed bytes are the exact
 * encoding of a Manifest; the signature is over SHA-256("tether-manifest-v1" ‖ 0x00 ‖ body),
 * verified over the received body bytes as grants are ([GRT-002], [GRT-003]). No malloc, no
 * I/O. Depends on messages.h (nanopb Manifest/SignedManifest) and p256.h (mbedTLS ECDSA). */
#ifndef TETHER_OTA_MANIFEST_H
#define TETHER_OTA_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/messages.h"
#include "tether/p256.h"
#include "tether/wire.h"

#define TT_OTA_SIG_CONTEXT "tether-manifest-v1"
#define TT_OTA_BODY_MAX 128u     /* [OTA-020] */
#define TT_OTA_CHUNK_MIN 64u     /* [OTA-022] */
#define TT_OTA_CHUNK_MAX 1024u
#define TT_OTA_SHA256_LEN 32u

/* What the device knows about itself when judging a manifest. */
struct tt_ota_policy {
    const uint8_t *firmware_pub;                   /* TT_P256_PUB_LEN bytes */
    uint8_t device_id[TT_DEVICE_ID_LEN];
    const uint8_t (*group_ids)[TT_DEVICE_ID_LEN];  /* groups the device belongs to */
    size_t ngroups;
    tether_v1_SlotLayout layout;                   /* the device's one layout ([OTA-080]) */
    uint32_t security_counter;                     /* persisted anti-rollback counter */
    uint32_t slot_size;                            /* bytes an image may occupy */
};

/* The verdict of tt_ota_manifest_check: the error and the [OTA-010] check number (1..6)
 * that failed, or TT_OK and 0. */
struct tt_ota_verdict {
    tt_err err;
    uint32_t check;
};

/* True for a chunk size [OTA-022] allows: a power of two from 64 to 1024. */
bool tt_ota_chunk_size_ok(uint32_t chunk_size);

/* Number of chunks of an image ([OTA-022]: the last one holds the remainder). */
uint32_t tt_ota_chunk_count(uint32_t image_size, uint32_t chunk_size);

/* Length of the chunk at index i (0 for an index past the end). */
uint32_t tt_ota_chunk_len(uint32_t image_size, uint32_t chunk_size, uint32_t i);

/* The digest signed for a manifest body (domain-separated SHA-256). */
TT_MUST_CHECK tt_err tt_ota_manifest_digest(const uint8_t *body, size_t len,
                                            uint8_t digest[TT_P256_DIGEST_LEN]);

/* Check 1 of [OTA-010] alone ([OTA-020], [VER-007], [LIM-003]): the body decodes exactly
 * as a Manifest of at most 128 bytes, format 1, exactly one scope member of 16 bytes,
 * image_sha256 of 32 bytes, no known field twice (unknown fields are skipped, [VER-005]),
 * and a signature is present (an absent one decodes as 64 zero bytes). On TT_OK *out holds
 * the decoded body; on failure (TT_ERR_OTA_MANIFEST) *out is unchanged. */
TT_MUST_CHECK tt_err tt_ota_manifest_decode(const tether_v1_SignedManifest *sm,
                                            tether_v1_Manifest *out);

/* Checks 1..6 of [OTA-010], in order, as one table; the first failure wins:
 *   1 well formed (tt_ota_manifest_decode)                      TT_ERR_OTA_MANIFEST
 *   2 signature verifies under the firmware key ([OTA-021])     TT_ERR_SIGNATURE
 *   3 scope: this device's id or one of its groups ([OTA-023])  TT_ERR_OTA_MANIFEST
 *   4 layout is the device's; chunk size valid ([OTA-022])      TT_ERR_OTA_MANIFEST
 *   5 security_counter >= the persisted counter ([OTA-040])     TT_ERR_OTA_ROLLBACK
 *   6 1 <= image_size <= slot_size                              TT_ERR_OTA_SIZE
 * Checks 7 (state) and 8 (persisting) belong to the engine (ota_engine.h). On TT_OK *out
 * holds the verified body; on failure *out is unchanged. */
TT_MUST_CHECK struct tt_ota_verdict tt_ota_manifest_check(const tether_v1_SignedManifest *sm,
                                                          const struct tt_ota_policy *policy,
                                                          tether_v1_Manifest *out);

/* Signer side: encode m and sign it with the firmware key into out. TT_ERR_ARG if m breaks
 * what [OTA-020]/[OTA-022] require of a manifest (format 1, one scope, valid chunk size,
 * image_size >= 1, a known layout), so the tool never produces one a device must refuse. */
TT_MUST_CHECK tt_err tt_ota_manifest_sign(const tether_v1_Manifest *m,
                                          const uint8_t firmware_priv[TT_P256_PRIV_LEN],
                                          tether_v1_SignedManifest *out);

#endif
