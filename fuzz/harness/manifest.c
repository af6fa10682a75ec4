/* manifest.c — fuzz harness for the OTA manifest checks a device runs on OtaBegin
 * (lib/ota/manifest.c: tt_ota_manifest_decode, tt_ota_manifest_check, spec/services/ota.md
 * [OTA-010], [OTA-020]..[OTA-023]) against a policy the input chooses.
 *
 * Input: flags (bit 0: the device's layout is AB, else SINGLE; bit 1: the device is in
 * group G; bit 2: the harness signs the body with the firmware key, else the last 64 input
 * bytes are the signature), the persisted security counter (4, LE), a bit position (2, BE),
 * then the manifest body. The firmware key is a fixed test key (fuzz only), so seeds may
 * carry signatures made by it.
 * Invariants after each input:
 *  - the verdict is the one an independent reading of the [OTA-010] table gives for the
 *    decoded body: checks in order, the first failure with its error and number;
 *  - a body that does not decode, or is longer than 128 bytes, fails check 1 ([OTA-020]);
 *  - a signature the harness did not make never verifies ([OTA-021], [SEC-19]);
 *  - an accepted manifest: its output is the decoded body; its chunks add up to image_size
 *    ([OTA-022]); and, one per input by the bit position: signed again from the decoded
 *    fields (the signer's canonical encoding) it is accepted with the same fields; one bit
 *    flipped anywhere in body or signature is refused; under another key it is refused at
 *    check 2;
 *  - a refused manifest leaves the output untouched.
 * ECDSA runs only for bodies that decode, at most four operations an input.
 * Depends on ota_manifest.h, signed_body.h, p256.h. */
#include <string.h>

#include "common.h"
#include "tether/ota_manifest.h"
#include "tether/p256.h"
#include "tether/signed_body.h"

static uint8_t fw_priv[32], fw_pub[65], other_pub[65];
static const uint8_t dev_id[16] = {0xD0, 0x0D, 0x01};
static const uint8_t group[1][16] = {{0x6B, 0x01}};
#define SLOT_SIZE (256u * 1024u)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    uint8_t other_priv[32];
    (void)argc;
    (void)argv;
    memset(fw_priv, 0x4D, sizeof fw_priv); /* test keys, fuzz only */
    memset(other_priv, 0x4E, sizeof other_priv);
    if (tt_p256_public(fw_pub, fw_priv) != TT_OK || tt_p256_public(other_pub, other_priv) != TT_OK)
        fuzz_fail(__FILE__, __LINE__, "setup", "test keys");
    return 0;
}

static int sign_body(const uint8_t *body, size_t len, uint8_t sig[64])
{
    uint8_t d[TT_P256_DIGEST_LEN];
    return tt_ota_manifest_digest(body, len, d) == TT_OK && tt_p256_sign(sig, fw_priv, d) == TT_OK;
}

/* The [OTA-010] table read from the spec, not from manifest.c: checks 2..6 of a body that
 * decoded; sig_ok says whether the signature is one the firmware key made. */
static struct tt_ota_verdict expected(const tether_v1_Manifest *m, int sig_ok,
                                      const struct tt_ota_policy *p)
{
    struct tt_ota_verdict v = {TT_OK, 0};
    uint32_t cs = m->chunk_size;
    int in_scope = m->which_scope == tether_v1_Manifest_device_id_tag
                       ? !memcmp(m->scope.device_id, p->device_id, 16)
                       : p->ngroups && !memcmp(m->scope.group_id, p->group_ids[0], 16);
    if (!sig_ok)
        v = (struct tt_ota_verdict){TT_ERR_SIGNATURE, 2};
    else if (!in_scope)
        v = (struct tt_ota_verdict){TT_ERR_OTA_MANIFEST, 3};
    else if (m->layout != p->layout || cs < 64 || cs > 1024 || (cs & (cs - 1)))
        v = (struct tt_ota_verdict){TT_ERR_OTA_MANIFEST, 4};
    else if (m->security_counter < p->security_counter)
        v = (struct tt_ota_verdict){TT_ERR_OTA_ROLLBACK, 5};
    else if (m->image_size < 1 || m->image_size > p->slot_size)
        v = (struct tt_ota_verdict){TT_ERR_OTA_SIZE, 6};
    return v;
}

/* Both manifests' fields, compared by their canonical encodings. */
static int same_fields(const tether_v1_Manifest *a, const tether_v1_Manifest *b)
{
    uint8_t ea[160], eb[160];
    size_t na, nb;
    return tt_pb_encode(tether_v1_Manifest_fields, a, ea, sizeof ea, &na) == TT_OK &&
           tt_pb_encode(tether_v1_Manifest_fields, b, eb, sizeof eb, &nb) == TT_OK && na == nb &&
           !memcmp(ea, eb, na);
}

/* An accepted manifest. One further check per input, chosen by the input's bit position,
 * keeps the ECDSA work to a few operations an input (AFL++ times out slow inputs). */
static void accepted(const tether_v1_SignedManifest *sm, const tether_v1_Manifest *m,
                     const struct tt_ota_policy *p, uint32_t bit)
{
    static tether_v1_SignedManifest again, flipped;
    tether_v1_Manifest m2;
    struct tt_ota_verdict v;
    /* [OTA-022] the chunks of the image add up to it */
    uint32_t n = tt_ota_chunk_count(m->image_size, m->chunk_size);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = tt_ota_chunk_len(m->image_size, m->chunk_size, i);
        FUZZ_CHECK(len >= 1 && len <= m->chunk_size, "OTA-022", "a chunk of no or too many bytes");
        sum += len;
    }
    FUZZ_CHECK(sum == m->image_size && tt_ota_chunk_len(m->image_size, m->chunk_size, n) == 0,
               "OTA-022", "the chunks do not add up to image_size");
    switch (bit % 3) {
    case 0: { /* one bit flipped in body or signature never verifies */
        flipped = *sm;
        size_t nbits = 8u * ((size_t)sm->body.size + 64u), b = (bit / 3) % nbits;
        if (b < 8u * sm->body.size)
            flipped.body.bytes[b / 8] ^= (uint8_t)(1u << (b % 8));
        else
            flipped.signature[(b - 8u * sm->body.size) / 8] ^= (uint8_t)(1u << (b % 8));
        v = tt_ota_manifest_check(&flipped, p, &m2);
        FUZZ_CHECK(v.err != TT_OK, "OTA-021", "a manifest with one bit flipped was accepted");
        break;
    }
    case 1: { /* another firmware key: refused at check 2 */
        struct tt_ota_policy q = *p;
        q.firmware_pub = other_pub;
        v = tt_ota_manifest_check(sm, &q, &m2);
        FUZZ_CHECK(v.err == TT_ERR_SIGNATURE && v.check == 2, "OTA-021",
                   "a manifest verified under a key that did not sign it");
        break;
    }
    default: /* the signer's canonical form of the same fields: accepted, same fields */
        FUZZ_CHECK(tt_ota_manifest_sign(m, fw_priv, &again) == TT_OK, "OTA-020",
                   "an accepted manifest's fields cannot be signed again");
        v = tt_ota_manifest_check(&again, p, &m2);
        FUZZ_CHECK(v.err == TT_OK && same_fields(m, &m2), "OTA-020",
                   "the canonical re-encoding of an accepted manifest is refused or reads otherwise");
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tether_v1_SignedManifest sm;
    tether_v1_Manifest out, dec, pattern;
    if (size < 7)
        return 0;
    uint8_t flags = data[0];
    struct tt_ota_policy p = {.firmware_pub = fw_pub,
                              .group_ids = group,
                              .ngroups = (flags & 2) ? 1 : 0,
                              .layout = (flags & 1) ? tether_v1_SlotLayout_AB
                                                    : tether_v1_SlotLayout_SINGLE,
                              .security_counter = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
                                                  (uint32_t)data[3] << 16 |
                                                  (uint32_t)data[4] << 24,
                              .slot_size = SLOT_SIZE};
    memcpy(p.device_id, dev_id, 16);
    uint32_t bit = (uint32_t)data[5] << 8 | data[6];
    const uint8_t *body = data + 7;
    size_t blen = size - 7;
    uint8_t mine[64];
    memset(&sm, 0, sizeof sm);
    if (!(flags & 4)) {
        if (blen < 64)
            return 0;
        blen -= 64;
        memcpy(sm.signature, body + blen, 64);
    }
    if (blen > sizeof sm.body.bytes)
        return 0; /* the schema's own limit: nanopb refuses it before the checks run */
    memcpy(sm.body.bytes, body, blen);
    sm.body.size = (pb_size_t)blen;
    /* the signature is made only where it matters: for a body that decodes (check 1 comes
     * first), and for one from the input only once the device said it verifies */
    if (flags & 4)
        memset(sm.signature, 0x5A, 64); /* present (decode checks that), replaced below */
    int decodes = tt_ota_manifest_decode(&sm, &dec) == TT_OK;
    if ((flags & 4) && decodes && !sign_body(sm.body.bytes, blen, sm.signature))
        fuzz_fail(__FILE__, __LINE__, "setup", "sign");

    memset(&pattern, 0xA5, sizeof pattern);
    out = pattern;
    struct tt_ota_verdict v = tt_ota_manifest_check(&sm, &p, &out);
    FUZZ_CHECK(decodes || (v.err == TT_ERR_OTA_MANIFEST && v.check == 1), "OTA-020",
               "a body that does not decode passed check 1");
    FUZZ_CHECK(blen <= TT_OTA_BODY_MAX || (v.err == TT_ERR_OTA_MANIFEST && v.check == 1),
               "OTA-020", "a body over 128 bytes passed check 1");
    int sig_ok = (flags & 4) != 0;
    if (decodes && !sig_ok && !(v.err == TT_ERR_SIGNATURE && v.check == 2)) {
        /* it got past check 2: then it must be the key's own signature of this body */
        if (!sign_body(sm.body.bytes, blen, mine))
            fuzz_fail(__FILE__, __LINE__, "setup", "sign");
        sig_ok = !memcmp(sm.signature, mine, 64);
        FUZZ_CHECK(sig_ok, "SEC-19", "a signature the firmware key did not make verified");
    }
    if (decodes) {
        struct tt_ota_verdict want = expected(&dec, sig_ok, &p);
        FUZZ_CHECK(v.err == want.err && v.check == want.check, "OTA-010",
                   "the verdict is not the [OTA-010] table's first failing check");
    }
    if (v.err != TT_OK) {
        FUZZ_CHECK(!memcmp(&out, &pattern, sizeof out), "OTA-010",
                   "a refused manifest wrote the output");
        return 0;
    }
    FUZZ_CHECK(same_fields(&out, &dec), "OTA-010", "the accepted output is not the decoded body");
    accepted(&sm, &out, &p, bit);
    return 0;
}
