/* ota.c — fuzz harness for the device's OTA engine (lib/ota/engine.c, manifest.c) over the
 * in-memory flash store of its tests (lib/tests/ota_store_double.c): a hostile client's
 * requests, hostile chunks, resets and power cuts in any order.
 *
 * Input: flags byte (bit 0: AB layout, else SINGLE), then ops (common.h layout):
 *   0 begin with signed manifest chunk[0] (fixtures below) on session chunk[1]
 *   1 begin with chunk decoded as a SignedManifest        2 a true chunk: index, session
 *   3 a raw chunk: offset (4, LE), session, data            4 verify  5 install  6 confirm
 *   7 rollback  8 abort  9 app restarted  10 time passes (poll)  11 session chunk[0] ends
 *   12 power cut before storage operation chunk[0] from now    13 reset (power back, boot)
 * Invariants after every op:
 *  - a begin is accepted only for a manifest the firmware key signed, for this device or
 *    its group, of this layout, not below the persisted counter ([SEC-19], [OTA-010]);
 *  - the engine's record is the persisted one: RAM never runs ahead of flash ([OTA-060]);
 *  - the counter is never saved lower ([OTA-040]); no write to unerased bytes and no erase
 *    of a stored chunk ([OTA-061]);
 *  - every chunk an ack reports is persisted ([OTA-016]);
 *  - the running image, and after a reset the image booted, is a whole image the firmware
 *    key signed a manifest for, its bytes hashing to it ([OTA-060], [OTA-070]);
 *  - errors are the ones the spec names for that request.
 * Depends on ota_engine.h, ota_store_double.h, libsodium's SHA-256. */
#include <sodium.h>
#include <string.h>

#include "../../lib/tests/ota_store_double.h"
#include "common.h"

#define NIMG 3
#define NMAN 8
static uint8_t fw_priv[32], fw_pub[65];
static const uint8_t dev_id[16] = {0xF0, 0x0D};
static const uint8_t grp[1][16] = {{0x6A}};
static uint8_t img[NIMG][3000];
static const uint32_t img_size[NIMG] = {1000, 2500, 777};
static uint8_t img_sha[NIMG][32];
/* manifests per layout: which image each names (-1: a hash no image has) */
static tether_v1_SignedManifest man[2][NMAN];
static int man_img[NMAN];
static struct dbl_store st;
static struct tt_ota_engine eng;

static void sign(int layout, int i, int image, uint32_t counter, uint32_t chunk, int scope)
{
    tether_v1_Manifest m;
    memset(&m, 0, sizeof m);
    m.format = 1;
    m.which_scope = scope == 1 ? tether_v1_Manifest_group_id_tag : tether_v1_Manifest_device_id_tag;
    memcpy(m.scope.device_id, scope == 1 ? grp[0] : dev_id, 16);
    if (scope == 2)
        m.scope.device_id[15] ^= 1; /* another device */
    int im = image < 0 ? 1 : image;
    m.version = 0x10000u + (uint32_t)i;
    m.security_counter = counter;
    m.image_size = img_size[im];
    memcpy(m.image_sha256, img_sha[im], 32);
    if (image < 0)
        m.image_sha256[0] ^= 1;
    m.layout = (tether_v1_SlotLayout)layout;
    m.chunk_size = chunk;
    if (tt_ota_manifest_sign(&m, fw_priv, &man[layout][i]) != TT_OK)
        fuzz_fail(__FILE__, __LINE__, "setup", "manifest sign");
    man_img[i] = image;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    memset(fw_priv, 0x42, sizeof fw_priv); /* a test key, fuzz only */
    if (sodium_init() < 0 || tt_p256_public(fw_pub, fw_priv) != TT_OK)
        fuzz_fail(__FILE__, __LINE__, "setup", "firmware key");
    for (int i = 0; i < NIMG; i++) {
        for (uint32_t j = 0; j < img_size[i]; j++)
            img[i][j] = (uint8_t)(j * 31 + i * 7 + (j >> 7));
        crypto_hash_sha256(img_sha[i], img[i], img_size[i]);
    }
    for (int l = 0; l < 2; l++) {
        sign(l, 0, 1, 2, 64, 0);   /* image 1, counter 2 */
        sign(l, 1, 2, 3, 128, 1);  /* image 2, counter 3, group scope */
        sign(l, 2, 1, 0, 1024, 0); /* image 1 again, counter 0 (below the factory's 1) */
        sign(l, 3, -1, 4, 64, 0);  /* a hash no image has: verify must fail */
        sign(l, 4, 2, 2, 256, 2);  /* another device */
        sign(l, 5, 0, 1, 512, 0);  /* the factory image itself, counter 1 */
        sign(l, 6, 1, 9, 64, 0);   /* image 1, counter 9 */
        sign(l, 7, 2, 5, 64, 0);   /* image 2, counter 5 */
    }
    return 0;
}

static int signed_manifest(int layout, const tether_v1_SignedManifest *sm)
{
    for (int i = 0; i < NMAN; i++)
        if (man[layout][i].body.size == sm->body.size &&
            memcmp(man[layout][i].body.bytes, sm->body.bytes, sm->body.size) == 0)
            return i;
    return -1;
}

static int known_image(const uint8_t sha[32])
{
    for (int i = 0; i < NIMG; i++)
        if (memcmp(sha, img_sha[i], 32) == 0)
            return i;
    return -1;
}

static struct tt_ota_config config(int layout)
{
    struct tt_ota_config c;
    memset(&c, 0, sizeof c);
    c.policy.firmware_pub = fw_pub;
    memcpy(c.policy.device_id, dev_id, 16);
    c.policy.group_ids = grp;
    c.policy.ngroups = 1;
    c.policy.layout = (tether_v1_SlotLayout)layout;
    c.policy.slot_size = 2800;
    c.window_chunks = 8;
    return c;
}

static void reset(int layout)
{
    struct tt_ota_storage s = dbl_storage(&st);
    struct tt_ota_config c = config(layout);
    int32_t run;
    dbl_power_on(&st);
    FUZZ_CHECK(tt_ota_init(&eng, &s, &c, &st.rec, st.marks, sizeof st.marks) == TT_OK,
               "OTA-060", "persisted record refused after a reset");
    FUZZ_CHECK(tt_ota_boot(&eng, &run) == TT_OK, "OTA-060", "boot failed");
    if (run >= 0) {
        uint8_t h[32];
        const struct tt_ota_image *im = &st.rec.slot[run];
        crypto_hash_sha256(h, st.slot[run], im->size);
        FUZZ_CHECK(memcmp(h, im->sha256, 32) == 0 && known_image(h) >= 0, "OTA-060",
                   "booted an image that is not whole");
        FUZZ_CHECK(im->security_counter >= st.rec.security_counter, "OTA-041",
                   "booted an image below the counter");
    } else {
        FUZZ_CHECK(layout == 0, "OTA-062", "AB device runs no app");
    }
}

/* Every chunk an ack reports stored is persisted ([OTA-016]). */
static void check_ack(const struct tt_ota_ack *a)
{
    if (!a->due)
        return;
    uint32_t cs = eng.m.chunk_size;
    FUZZ_CHECK(cs && a->cumulative_offset <= eng.m.image_size, "OTA-015", "ack out of range");
    for (uint32_t i = 0; i < a->cumulative_offset / cs; i++)
        FUZZ_CHECK(st.marks[i / 8] >> (i % 8) & 1, "OTA-016", "ack reports an unstored chunk");
    for (uint32_t b = 0; b < 64; b++)
        if (a->selective_bitmap >> b & 1) {
            uint32_t i = a->cumulative_offset / cs + 1 + b;
            FUZZ_CHECK(i < TT_OTA_MAX_CHUNKS && (st.marks[i / 8] >> (i % 8) & 1), "OTA-016",
                       "ack bitmap reports an unstored chunk");
        }
}

static int allowed(tt_err e, const tt_err *ok, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (e == ok[i])
            return 1;
    return 0;
}
#define ALLOW(e, ...)                                                                          \
    FUZZ_CHECK(allowed((e), (const tt_err[]){__VA_ARGS__},                                     \
                       sizeof((const tt_err[]){__VA_ARGS__}) / sizeof(tt_err)),                \
               "OTA-010", "unexpected error")

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tether_v1_SignedManifest sm;
    struct fuzz_reader r;
    const uint8_t *c;
    size_t n;
    uint8_t op;
    uint32_t now = 0;
    if (size < 1)
        return 0;
    int layout = data[0] & 1;
    r.p = data + 1;
    r.left = size - 1;
    /* the factory: image 0 in slot 0, counter 1 */
    struct tt_ota_image a = {.valid = 1, .version = 0x10000, .security_counter = 1,
                             .size = img_size[0]};
    memcpy(a.sha256, img_sha[0], 32);
    dbl_init(&st);
    memcpy(st.slot[0], img[0], img_size[0]);
    tt_ota_record_factory(&st.rec, &a);
    reset(layout);
    for (int ops = 0; ops < 400 && fuzz_next_op(&r, 1100, &op, &c, &n); ops++) {
        struct tt_ota_ack ack;
        tether_v1_OtaBeginReply rep;
        uint32_t check, before = st.rec.security_counter;
        tt_err e = TT_OK;
        memset(&ack, 0, sizeof ack);
        switch (op % 14) {
        case 0:
        case 1:
            if (op % 14 == 0)
                sm = man[layout][n ? c[0] % NMAN : 0];
            else if (tt_pb_decode(tether_v1_SignedManifest_fields, c, n, &sm) != TT_OK)
                break;
            e = tt_ota_begin(&eng, n > 1 ? c[1] % 3 + 1 : 1, &sm, now, &rep, &ack, &check);
            if (e == TT_OK) {
                int i = signed_manifest(layout, &sm);
                FUZZ_CHECK(i >= 0, "SEC-19", "accepted a manifest the firmware key never signed");
                FUZZ_CHECK(i != 4, "OTA-023", "accepted a manifest for another device");
                FUZZ_CHECK(eng.m.security_counter >= before, "OTA-041",
                           "accepted a manifest below the counter");
                check_ack(&ack);
            } else {
                ALLOW(e, TT_ERR_OTA_MANIFEST, TT_ERR_SIGNATURE, TT_ERR_OTA_ROLLBACK,
                      TT_ERR_OTA_SIZE, TT_ERR_STATE, TT_ERR_STORAGE);
                FUZZ_CHECK(check >= 1 && check <= 8, "OTA-010", "no check number");
            }
            break;
        case 2:
        case 3: {
            uint32_t off, len, session = n > 2 ? c[2] % 3 + 1 : 1;
            const uint8_t *p;
            if (op % 14 == 2) {
                int im = -1; /* the image the transfer's manifest names */
                for (int k = 0; k < NMAN; k++)
                    if (man[layout][k].body.size == eng.rec.body_len &&
                        memcmp(man[layout][k].body.bytes, eng.rec.body, eng.rec.body_len) == 0)
                        im = man_img[k];
                if (im < 0 || eng.m.chunk_size == 0)
                    break;
                uint32_t idx = n > 1 ? (uint32_t)(c[0] | c[1] << 8) : 0;
                off = idx * eng.m.chunk_size;
                if (off >= img_size[im])
                    break;
                len = tt_ota_chunk_len(img_size[im], eng.m.chunk_size, idx);
                p = img[im] + off;
            } else {
                if (n < 5)
                    break;
                off = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
                      (uint32_t)c[3] << 24;
                session = c[4] % 3 + 1;
                p = c + 5;
                len = (uint32_t)(n - 5);
            }
            e = tt_ota_chunk(&eng, session, off, p, len, now, &ack);
            ALLOW(e, TT_OK, TT_ERR_STATE, TT_ERR_OTA_CHUNK, TT_ERR_STORAGE);
            check_ack(&ack);
            break;
        }
        case 4:
            e = tt_ota_verify(&eng);
            ALLOW(e, TT_OK, TT_ERR_STATE, TT_ERR_OTA_HASH, TT_ERR_STORAGE);
            break;
        case 5:
            e = tt_ota_install(&eng);
            ALLOW(e, TT_OK, TT_ERR_STATE, TT_ERR_OTA_HASH, TT_ERR_OTA_ROLLBACK, TT_ERR_STORAGE);
            break;
        case 6:
            e = tt_ota_confirm(&eng);
            ALLOW(e, TT_OK, TT_ERR_STATE, TT_ERR_STORAGE);
            break;
        case 7:
            e = tt_ota_rollback(&eng);
            ALLOW(e, TT_OK, TT_ERR_STATE, TT_ERR_OTA_ROLLBACK, TT_ERR_MSG_UNSUPPORTED,
                  TT_ERR_STORAGE);
            break;
        case 8:
            e = tt_ota_abort(&eng);
            ALLOW(e, TT_OK, TT_ERR_STATE, TT_ERR_STORAGE);
            break;
        case 9:
            e = tt_ota_app_restarted(&eng);
            ALLOW(e, TT_OK, TT_ERR_STORAGE);
            break;
        case 10:
            now += n ? c[0] * 8u : 500u;
            tt_ota_poll(&eng, now, &ack);
            check_ack(&ack);
            break;
        case 11:
            tt_ota_session_ended(&eng, n ? c[0] % 3 + 1 : 1);
            break;
        case 12:
            dbl_cut_after(&st, n ? c[0] + 1u : 1u);
            break;
        default:
            reset(layout);
            break;
        }
        /* RAM is what flash says; the counter never went down; flash rules held */
        FUZZ_CHECK(memcmp(&eng.rec, &st.rec, sizeof st.rec) == 0, "OTA-060",
                   "engine state differs from the persisted record");
        FUZZ_CHECK(st.saves_lowering_counter == 0 && st.rec.security_counter >= before,
                   "OTA-040", "security counter lowered");
        FUZZ_CHECK(st.violations == 0, "OTA-061", "flash written unerased or stored chunk erased");
        const struct tt_ota_image *run = tt_ota_running(&eng);
        FUZZ_CHECK(!run || known_image(run->sha256) >= 0, "OTA-070",
                   "running image is none the firmware key signed");
    }
    return 0;
}
