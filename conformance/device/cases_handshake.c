/* cases_handshake.c — conformance cases for framing, the handshake and authorization:
 * what a device must accept, and every refusal it must give with its specific code. */
#include <stdio.h>
#include <string.h>

#include "conform.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"

#define WHY(...) snprintf(why, whylen, __VA_ARGS__)

/* A handshake that must be refused with `want`. */
static enum conf_result expect_refusal(struct conf *c, const tether_v1_ClientHello *h,
                                       tt_err want, char *why, size_t whylen)
{
    static struct tt_client cl;
    static struct tt_link link;
    tt_err e = conf_connect(c, &link, &cl, h);
    if (e == TT_OK) {
        conf_end(&cl);
        WHY("accepted; expected refusal %s", tt_err_name(want));
        return CONF_FAIL;
    }
    if (e != want) {
        WHY("got %s, expected %s", tt_err_name(e), tt_err_name(want));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

static enum conf_result refused_grant(struct conf *c, const struct conf_grant *g, tt_err want,
                                      char *why, size_t whylen)
{
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    if (conf_mint(c, g, &sg) != TT_OK) {
        WHY("cannot mint grant");
        return CONF_FAIL;
    }
    conf_hello(c, &h, &sg);
    return expect_refusal(c, &h, want, why, whylen);
}

static enum conf_result valid_handshake(struct conf *c, char *why, size_t whylen)
{
    static struct tt_client cl;
    static struct tt_link link;
    tt_err e = conf_session(c, &link, &cl, 0);
    if (e != TT_OK) {
        WHY("handshake failed: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    const tether_v1_DeviceHello *h = &cl.reply.reply.hello;
    c->capabilities = h->capabilities;
    conf_end(&cl);
    if (h->version != TT_PROTOCOL_VERSION) {
        WHY("DeviceHello.version %u", h->version);
        return CONF_FAIL;
    }
    if (memcmp(h->device_id, c->rec.device_id, 16) != 0) {
        WHY("DeviceHello.device_id differs from the device record");
        return CONF_FAIL;
    }
    if (h->granted_permissions != TT_PERM_ALL) {
        WHY("granted_permissions 0x%x for an all-permission grant", h->granted_permissions);
        return CONF_FAIL;
    }
    WHY("handshake %.1f ms", (double)cl.handshake_us / 1e3);
    return CONF_PASS;
}

static enum conf_result no_common_version(struct conf *c, char *why, size_t whylen)
{
    struct conf_grant g = {0};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    if (conf_mint(c, &g, &sg) != TT_OK)
        return CONF_FAIL;
    conf_hello(c, &h, &sg);
    h.version_min = TT_PROTOCOL_VERSION + 1;
    h.version_max = TT_PROTOCOL_VERSION + 2;
    return expect_refusal(c, &h, TT_ERR_HS_VERSION, why, whylen);
}

static enum conf_result grant_other_key(struct conf *c, char *why, size_t whylen)
{
    struct conf_grant g = {.other_client_key = 1};
    return refused_grant(c, &g, TT_ERR_GRANT_KEY_MISMATCH, why, whylen);
}

static enum conf_result grant_other_device(struct conf *c, char *why, size_t whylen)
{
    struct conf_grant g = {.other_device = 1};
    return refused_grant(c, &g, TT_ERR_GRANT_DEVICE, why, whylen);
}

static enum conf_result grant_bad_signature(struct conf *c, char *why, size_t whylen)
{
    struct conf_grant g = {.bad_signature = 1};
    return refused_grant(c, &g, TT_ERR_GRANT_SIGNATURE, why, whylen);
}

static enum conf_result grant_expired(struct conf *c, char *why, size_t whylen)
{
    struct conf_grant g = {.expired = 1};
    if (!c->has_clock) {
        WHY("device declares no wall clock");
        return CONF_NA;
    }
    return refused_grant(c, &g, TT_ERR_GRANT_EXPIRED, why, whylen);
}

/* A grant whose body does not decode (check 1 of [GRT-010], before the signature). */
/* A grant of format 2 ([VER-007]), validly signed. */
static enum conf_result grant_format(struct conf *c, char *why, size_t whylen)
{
    struct conf_grant g = {.format = 2};
    return refused_grant(c, &g, TT_ERR_GRANT_MALFORMED, why, whylen);
}

static enum conf_result grant_malformed(struct conf *c, char *why, size_t whylen)
{
    struct conf_grant g = {0};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    if (conf_mint(c, &g, &sg) != TT_OK)
        return CONF_FAIL;
    sg.body.bytes[sg.body.size++] = 0xFF; /* a truncated field after the body */
    conf_hello(c, &h, &sg);
    return expect_refusal(c, &h, TT_ERR_GRANT_MALFORMED, why, whylen);
}

/* A second initiation reusing an accepted timestamp (new ephemeral, so not a duplicate). */
static enum conf_result replayed_timestamp(struct conf *c, char *why, size_t whylen)
{
    static struct tt_client cl;
    static struct tt_link link;
    struct conf_grant g = {0};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    tt_err e;
    if (conf_mint(c, &g, &sg) != TT_OK)
        return CONF_FAIL;
    conf_hello(c, &h, &sg);
    e = conf_connect(c, &link, &cl, &h);
    if (e != TT_OK) {
        WHY("first handshake failed: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    conf_end(&cl);
    return expect_refusal(c, &h, TT_ERR_HS_REPLAY, why, whylen);
}

/* Garbage, a false SYNC and a frame with a bad CRC on the link before a valid initiation. */
static enum conf_result resync_after_garbage(struct conf *c, char *why, size_t whylen)
{
    static struct tt_client cl;
    static struct tt_link link;
    uint8_t junk[300], frame[64];
    size_t fn;
    struct conf_grant g = {0};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    tt_err e;
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 37 + 11);
    junk[100] = TT_FRAME_SYNC0;
    junk[101] = TT_FRAME_SYNC1; /* a false frame start */
    if (tt_frame_encode((const uint8_t *)"corrupted", 9, frame, sizeof frame, &fn) != TT_OK)
        return CONF_FAIL;
    frame[fn - 1] ^= 0xFF; /* bad CRC: must be dropped before any crypto */
    if (conf_needs_byte_stream(c, why, whylen) != CONF_PASS)
        return CONF_NA; /* garbage between frames exists on a byte stream only */
    if (conf_mint(c, &g, &sg) != TT_OK)
        return CONF_FAIL;
    conf_hello(c, &h, &sg);
    e = conf_link_open(c, &link);
    if (e != TT_OK) {
        WHY("cannot reach the device: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    e = link.t->send(link.t, junk, sizeof junk);
    if (e == TT_OK)
        e = link.t->send(link.t, frame, fn);
    if (e == TT_OK)
        e = tt_client_connect(&cl, link.t, &tt_crypto_sodium, c->client_sk,
                              c->rec.static_public, &h, 30000);
    if (e != TT_OK) {
        link.t->close(link.t);
        WHY("handshake after garbage failed: %s", tt_err_name(e));
        return CONF_FAIL;
    }
    conf_end(&cl);
    return CONF_PASS;
}

/* One handshake with the current client key at timestamp ts (the suite's own counter left
 * alone); the session is closed again. Returns what the handshake returned. */
static tt_err handshake_at(struct conf *c, uint64_t ts)
{
    static struct tt_client cl;
    static struct tt_link link;
    struct conf_grant g = {0};
    tether_v1_SignedGrant sg;
    tether_v1_ClientHello h;
    tt_err e = conf_mint(c, &g, &sg);
    if (e != TT_OK)
        return e;
    conf_hello(c, &h, &sg);
    h.timestamp = ts;
    e = conf_connect(c, &link, &cl, &h);
    if (e == TT_OK)
        conf_end(&cl);
    return e;
}

/* [HS-022] The replay table holds at least 8 keys. Nine fresh keys: K0 at a high timestamp
 * X+100, then K1..K8 at X+1..X+8. A table of 8 or more keys still holds K0 when K8 comes
 * (a new key, compared with the floor, which is below X): K8 is accepted, and evicting K0
 * then raises the floor to X+100; K1, still in the table, at X+9 is compared with its own
 * entry: accepted. A table of 7 or fewer has evicted K0 when K7 came, so K8 at X+8, below
 * the floor, is refused hs-replay (seen with a 7-entry build of the host device). X is above
 * every timestamp the suite sent; the suite's counter goes on above X+100, so its later
 * initiations stay above any floor this raised. */
static enum conf_result replay_table_eight(struct conf *c, char *why, size_t whylen)
{
    struct conf_key saved, prev, keys[9];
    uint64_t x = c->last_timestamp + 1;
    enum conf_result res = CONF_PASS;
    tt_err e;
    conf_new_key(c, &saved);
    for (int i = 0; i < 9 && res == CONF_PASS; i++) {
        if (i > 0)
            conf_new_key(c, &prev);
        memcpy(keys[i].sk, c->client_sk, 32);
        memcpy(keys[i].pk, c->client_pk, 32);
        uint64_t ts = i == 0 ? x + 100 : x + (uint64_t)i;
        if ((e = handshake_at(c, ts)) != TT_OK) {
            WHY("fresh key K%d at X+%u: %s", i, (unsigned)(ts - x), tt_err_name(e));
            res = CONF_FAIL;
        }
    }
    if (res == CONF_PASS) {
        conf_restore_key(c, &keys[1]);
        if ((e = handshake_at(c, x + 9)) != TT_OK) {
            WHY("K1 at X+9 after eight later keys: %s (its entry was evicted: the table holds "
                "fewer than 8 keys)", tt_err_name(e));
            res = CONF_FAIL;
        }
    }
    conf_restore_key(c, &saved);
    if (c->last_timestamp < x + 101)
        c->last_timestamp = x + 101;
    return res;
}

const struct conf_case conf_handshake_cases[] = {
    {"[HS-001] [HS-002] [HS-003] [HS-004] [HS-006] [HS-007] [HS-015] [GRT-001] [GRT-002] [GRT-003] [GRT-004] [ROL-001] [ROL-002]", "valid grant: handshake completes with an independent client, DeviceHello describes the device", valid_handshake},
    {"[FRM-007] [FRM-006] [SEC-14]", "garbage and a corrupted frame before an initiation are skipped", resync_after_garbage},
    {"[HS-012] [VER-002]", "no common version: refusal hs-version", no_common_version},
    {"[GRT-013]", "grant for another client key: refusal grant-key-mismatch", grant_other_key},
    {"[GRT-014]", "grant for another device: refusal grant-device", grant_other_device},
    {"[VER-007] [GRT-011]", "grant of format 2: refusal grant-malformed", grant_format},
    {"[GRT-011] [GRT-010]", "grant whose body does not decode: refusal grant-malformed", grant_malformed},
    {"[GRT-012]", "grant with a broken signature: refusal grant-signature", grant_bad_signature},
    {"[GRT-015] [SEC-11]", "expired grant: refusal grant-expired", grant_expired},
    {"[HS-020] [HS-021] [SEC-4]", "initiation reusing an accepted timestamp: refusal hs-replay", replayed_timestamp},
    {"[HS-022] [HS-020]", "the replay table holds 8 keys: after eight later keys a key's next timestamp (below an evicted one) is accepted", replay_table_eight},
};
const size_t conf_handshake_ncases = sizeof conf_handshake_cases / sizeof conf_handshake_cases[0];
