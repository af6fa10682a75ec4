/* keyfile.c — fuzz harness for the client's file parsers (ref-client/conn/keyfile.c): X25519
 * keys as PEM (what `tether keygen` writes and OpenSSL reads), the device record JSON that
 * provisioning writes (device.json), and the exact hex decoder they share. The files are
 * the user's, but they are copied between machines and edited by hand: untrusted input.
 *
 * Input: selector (1 byte, low 3 bits: 0 private key, 1 public key, 2 device record, 3 hex
 * with the byte count in the next byte, 4 grant file, 5 revocation file, 6 and 7 as 2 and 3),
 * then the file. Invariants:
 *  - a key that parses re-encodes to PEM that parses to the same key ([SEC-15]); a refused
 *    key file leaves the caller's key buffer untouched ([SEC-14]);
 *  - a device record that parses has a NUL-terminated, non-empty link of an allowed form
 *    shorter than its buffer, and came from input that names device_id, static_public and
 *    link as jansson reads it; a refused record says why ([SEC-15], [FIL-020]);
 *  - a grant file that parses has format 1, a client key, a scope and a non-empty window; a
 *    revocation file that parses names a device and a floor >= 1, and is signed; a refused
 *    one says why ([FIL-032], [FIL-040]);
 *  - hex decodes only when exactly 2·n hex digits are given, and then re-encodes to the
 *    same digits (case aside) ([SEC-15]).
 * The parsers are read with the file's exact length: ASan sees any read past it. */
#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "common.h"
#include "../../ref-client/conn/keyfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void key_pem(const uint8_t *p, size_t n, int priv)
{
    static char text[8192], again[256];
    uint8_t k[32], k2[32], mark[32];
    tt_err e;
    if (n >= sizeof text)
        return;
    memcpy(text, p, n); /* the CLI reads the file and NUL-terminates it the same way */
    text[n] = 0;
    memset(k, 0x5A, sizeof k);
    memcpy(mark, k, sizeof k);
    e = priv ? tt_x25519_priv_from_pem(k, text) : tt_x25519_pub_from_pem(k, text);
    FUZZ_CHECK(e == TT_OK || e == TT_ERR_FORMAT, "SEC-15", "key: an undocumented result");
    if (e != TT_OK) {
        FUZZ_CHECK(memcmp(k, mark, sizeof k) == 0, "SEC-14", "refused key file wrote a key");
        return;
    }
    e = priv ? tt_x25519_priv_to_pem(again, sizeof again, k)
             : tt_x25519_pub_to_pem(again, sizeof again, k);
    FUZZ_CHECK(e == TT_OK, "SEC-15", "key: re-encoding failed");
    e = priv ? tt_x25519_priv_from_pem(k2, again) : tt_x25519_pub_from_pem(k2, again);
    FUZZ_CHECK(e == TT_OK && memcmp(k, k2, 32) == 0, "SEC-15", "key: PEM round trip differs");
}

/* Whether the JSON input has member key at top level, as jansson (an independent reading
 * of the same bytes, escapes decoded) sees it. */
static int has_member(const uint8_t *p, size_t n, const char *key)
{
    json_t *root = json_loadb((const char *)p, n, 0, NULL);
    int has = root && json_object_get(root, key) != NULL;
    json_decref(root);
    return has;
}

static void device_record(const uint8_t *p, size_t n)
{
    struct tt_device_record r;
    tt_err e = tt_device_record_parse((const char *)p, n, &r);
    FUZZ_CHECK(e == TT_OK || e == TT_ERR_FORMAT, "SEC-15", "record: an undocumented result");
    FUZZ_CHECK(e == TT_OK || tt_file_problem()[0], "SEC-15", "record refused without a reason");
    if (e != TT_OK)
        return;
    size_t l = strnlen(r.link, sizeof r.link);
    FUZZ_CHECK(l > 0 && l < sizeof r.link, "SEC-15", "record: link empty or unterminated");
    FUZZ_CHECK(tt_link_check(r.link) == TT_OK, "SEC-15", "record: link of no allowed form");
    FUZZ_CHECK(has_member(p, n, "device_id") && has_member(p, n, "static_public") &&
                   has_member(p, n, "link"),
               "SEC-15", "record accepted without a required key");
    FUZZ_CHECK(!r.has_owner_public || has_member(p, n, "owner_public"), "SEC-15",
               "record: owner key claimed but not given");
    FUZZ_CHECK(!r.has_attest_public || has_member(p, n, "attest_public"), "SEC-15",
               "record: attestation key claimed but not given");
}

static void hex(const uint8_t *p, size_t n)
{
    uint8_t out[64];
    char back[129];
    size_t want;
    if (n < 1)
        return;
    want = p[0] % (sizeof out + 1);
    tt_err e = tt_hex_decode((const char *)p + 1, n - 1, out, want);
    FUZZ_CHECK(e == TT_OK || e == TT_ERR_FORMAT, "SEC-15", "hex: an undocumented result");
    if (e != TT_OK)
        return;
    FUZZ_CHECK(n - 1 == 2 * want, "SEC-15", "hex: decoded a string of the wrong length");
    sodium_bin2hex(back, sizeof back, out, want);
    for (size_t i = 0; i < 2 * want; i++)
        FUZZ_CHECK(tolower(p[1 + i]) == back[i], "SEC-15", "hex: round trip differs");
}

static void grant_file(const uint8_t *p, size_t n)
{
    tether_v1_SignedGrant sg;
    tether_v1_GrantBody b;
    tt_err e = tt_grant_file_parse(p, n, &sg, &b);
    FUZZ_CHECK(e == TT_OK || e == TT_ERR_GRANT_MALFORMED, "SEC-15", "grant: undocumented result");
    FUZZ_CHECK(e == TT_OK || tt_file_problem()[0], "SEC-15", "grant refused without a reason");
    if (e != TT_OK)
        return;
    FUZZ_CHECK(b.format == 1 && !sodium_is_zero(b.client_key, 32) && b.not_after > b.not_before &&
                   (b.which_scope == tether_v1_GrantBody_device_id_tag ||
                    b.which_scope == tether_v1_GrantBody_group_id_tag) &&
                   !sodium_is_zero(sg.signature, sizeof sg.signature),
               "SEC-15", "grant file accepted without a structural check");
}

static void revocation_file(const uint8_t *p, size_t n)
{
    tether_v1_RaiseRevocationFloor rf;
    tether_v1_RevocationFloorBody b;
    tt_err e = tt_revocation_file_parse(p, n, &rf, &b);
    FUZZ_CHECK(e == TT_OK || e == TT_ERR_FORMAT, "SEC-15", "revocation: undocumented result");
    FUZZ_CHECK(e == TT_OK || tt_file_problem()[0], "SEC-15", "revocation refused silently");
    if (e != TT_OK)
        return;
    FUZZ_CHECK(b.floor >= 1 && !sodium_is_zero(b.device_id, sizeof b.device_id) &&
                   !sodium_is_zero(rf.signature, sizeof rf.signature),
               "SEC-15", "revocation file accepted without a structural check");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] & 7) {
    case 0: key_pem(data + 1, size - 1, 1); break;
    case 1: key_pem(data + 1, size - 1, 0); break;
    case 4: grant_file(data + 1, size - 1); break;
    case 5: revocation_file(data + 1, size - 1); break;
    case 2:
    case 6: device_record(data + 1, size - 1); break;
    default: hex(data + 1, size - 1); break;
    }
    return 0;
}
