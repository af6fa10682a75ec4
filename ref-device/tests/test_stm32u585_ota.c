/* test_stm32u585_ota.c — OTA on the STM32U585, on the host: the OTA engine (lib/ota) over the
 * device's flash store (core/store/ota_store.c, record_store.c), the port's flash areas
 * (flash_areas.c) and driver (flash.c) on the controller model (u585_flash_model.c), and the
 * port's app load (app_slot.c), wired as core/service/ota.c wires them: run_app loads the
 * running image, stop_app loads nothing.
 *
 * What it shows: the SINGLE layout writes the new image into slot A at 0x08028000 itself
 * (the address the app is linked at) and nothing into bank 2; the app's flash as the SAU
 * and the debugger see it is exactly the verified image, and nothing while a transfer is
 * under way or after a slot fails its check at boot; no app page is left Secure by the
 * driver; an AB manifest, an image larger than the slot and a load of slot B are refused
 * and change nothing; a power cut before any flash operation of a push (sampled) leaves a
 * device that boots the old image, the new one, or none with the transfer resumable, and
 * the resumed push completes. u585_sau_app_flash is recorded here instead of written to the
 * SAU. Depends on Check, libsodium (an independent SHA-256), u585_flash_model.h, the port's
 * layout.h and u585_slot.h, ota_store.h, tether/ota_engine.h, lib/tests/ota_fixture.h. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/store/image_slot.h"
#include "../core/store/ota_store.h"
#include "../core/store/record_store.h"
#include "../port/stm32u585/regs_stm32u5.h"
#include "../port/stm32u585/u585_slot.h"
#include "../../lib/tests/ota_fixture.h"
#include "tether/crypto_backends.h"
#include "u585_flash_model.h"

#define CHUNK 256u
#define WINDOW 2u /* TT_SUP_OTA_WINDOW of the board's config */

/* ---- The SAU as app_slot.c programs it. */
static struct u585_sau_span sau;
static unsigned sau_writes;

void u585_sau_app_flash(const struct u585_sau_span *span)
{
    sau = *span;
    sau_writes++;
}

static uint8_t fw_priv[32], fw_pub[65];
static const uint8_t dev_id[16] = {0x58, 0x55, 1, 2};

struct image {
    uint8_t *bytes;
    uint32_t size, version, counter;
    uint8_t sha[32];
    tether_v1_SignedManifest sm;
};
static struct image A, B;

static void make_image(struct image *im, uint32_t size, uint32_t version, uint32_t counter,
                       uint8_t seed, tether_v1_SlotLayout layout)
{
    im->bytes = realloc(im->bytes, size);
    ck_assert_ptr_nonnull(im->bytes);
    im->size = size;
    im->version = version;
    im->counter = counter;
    for (uint32_t i = 0; i < size; i++)
        im->bytes[i] = (uint8_t)(i * 13 + seed + (i >> 9));
    crypto_hash_sha256(im->sha, im->bytes, size);
    ota_fx_sign(dev_id, version, counter, size, im->sha, layout, CHUNK, fw_priv, &im->sm);
}

/* ---- The device: the engine on the port's store, wired like core/service/ota.c. */
static struct {
    struct tt_ota_flash flash;
    struct tt_ota_engine e;
    uint32_t now;
} D;

static void run_app(void *ctx, uint32_t slot)
{
    (void)ctx;
    (void)slot; /* svc_ota_apply loads what tt_ota_running names, from its active slot */
    const struct tt_ota_image *im = tt_ota_running(&D.e);
    ck_assert_ptr_nonnull(im);
    ck_assert_int_eq(tt_port_app_load(tt_ota_flash_area(D.e.rec.active), im->size), TT_OK);
}

static void stop_app(void *ctx)
{
    (void)ctx;
    ck_assert_int_eq(tt_port_app_load(TT_AREA_SLOT_A, 0), TT_OK);
}

static void config(struct tt_ota_config *c, struct tt_ota_storage *st)
{
    struct tt_port_area_info a;
    ck_assert_int_eq(tt_port_flash_info(TT_AREA_SLOT_A, &a), TT_OK);
    memset(c, 0, sizeof *c);
    c->policy.firmware_pub = fw_pub;
    memcpy(c->policy.device_id, dev_id, 16);
    c->policy.layout = tether_v1_SlotLayout_SINGLE; /* the board's TT_SUP_OTA_LAYOUT */
    c->policy.slot_size = a.size;
    c->window_chunks = WINDOW;
    c->max_chunks = TT_OTA_STORE_MAX_CHUNKS;
    tt_ota_flash_storage(&D.flash, st);
    st->run_app = run_app;
    st->stop_app = stop_app;
}

/* tt_sup_init counts the boot first (supervisor.c count_boot): the OTA marks live after
 * the counter in the same record. */
static void count_boot(void)
{
    uint8_t b[TT_PORT_RECORD_MAX];
    size_t n = sizeof b;
    ck_assert_int_eq(tt_store_read(TT_REC_BOOT, b, &n), TT_OK);
    if (n == 0) {
        memset(b, 0, 4);
        n = 4;
    }
    b[3]++;
    ck_assert_int_eq(tt_store_write(TT_REC_BOOT, b, n), TT_OK);
}

/* Power on (flash kept): tt_sup_init's boot count, then svc_ota_boot's sequence. Returns
 * the slot run (-1: none). */
static int boot(const struct image *factory)
{
    static uint8_t marks[TT_PORT_RECORD_MAX];
    struct tt_ota_config c;
    struct tt_ota_storage st;
    struct tt_ota_record r;
    size_t n = 0;
    int32_t run;
    reset_model(0);
    u585_app_image = U585_APP_SIZE; /* RAM lost: the port's reset value */
    count_boot();
    config(&c, &st);
    tt_err e = tt_ota_flash_load(&D.flash, &r, marks, sizeof marks, &n);
    if (e == TT_ERR_STATE) {
        struct tt_ota_image f = {.valid = 1, .version = factory->version,
                                 .security_counter = 0, .size = factory->size};
        memcpy(f.sha256, factory->sha, 32);
        tt_ota_record_factory(&r, &f);
        ck_assert_int_eq(tt_ota_init(&D.e, &st, &c, &r, NULL, 0), TT_OK);
    } else {
        ck_assert_int_eq(e, TT_OK);
        ck_assert_int_eq(tt_ota_init(&D.e, &st, &c, &r, marks, n), TT_OK);
    }
    ck_assert_int_eq(tt_ota_boot(&D.e, &run), TT_OK);
    const struct tt_ota_image *im = run >= 0 ? tt_ota_running(&D.e) : NULL;
    ck_assert_int_eq(tt_port_app_load(tt_ota_flash_area(run >= 0 ? (uint32_t)run : 0),
                                      im ? im->size : 0), TT_OK);
    return run;
}

/* The factory: image A flashed into slot A (CubeProgrammer), nothing saved by OTA yet. */
static void factory_device(void)
{
    reset_model(1);
    for (uint32_t off = 0; off < A.size; off += U585_PAGE_SIZE) {
        uint8_t page[U585_PAGE_SIZE];
        uint32_t n = A.size - off < U585_PAGE_SIZE ? A.size - off : U585_PAGE_SIZE;
        memset(page, 0xFF, sizeof page);
        memcpy(page, A.bytes + off, n);
        ck_assert_int_eq(u585_flash_program(&F, U585_APP_BASE + off, page,
                                            (n + 15u) & ~15u), TT_OK);
    }
    D.now = 1000;
    ck_assert_int_eq(boot(&A), 0);
}

static const uint8_t *slot_a(void)
{
    return M.mem + (U585_APP_BASE - U585_FLASH_NS_BASE);
}

static int bank2_erased(void)
{
    for (uint32_t i = 0; i < U585_BANK_SIZE; i++)
        if (M.mem[U585_BANK_SIZE + i] != 0xFF)
            return 0;
    return 1;
}

static int no_app_page_secure(void)
{
    return M.secbb[0][0] == 0 && M.secbb[0][1] == 0 && M.secbb[0][2] == 0 &&
           M.secbb[0][3] == 0;
}

/* The fence is exactly `size` bytes of slot A (0: none). */
static void assert_fence(uint32_t size)
{
    struct u585_sau_span want;
    u585_app_fence(size, &want);
    ck_assert_uint_eq(u585_app_image, size);
    ck_assert_int_eq(sau.enabled, want.enabled);
    ck_assert_uint_eq(sau.rbar, want.rbar);
    ck_assert_uint_eq(sau.rlar, want.rlar);
    ck_assert_int_eq(u585_app_image_contains(U585_APP_BASE, 4, u585_app_image), size >= 4);
    if (size)
        ck_assert(!u585_app_image_contains(U585_APP_BASE + size, 1, u585_app_image));
}

/* A push as tether ota push makes it (ota_fixture.h); returns the first engine error. */
static tt_err push(const struct image *im)
{
    unsigned sent;
    return ota_fx_push(&D.e, 1, &im->sm, im->bytes, CHUNK, &D.now, &sent);
}

static tt_err update(const struct image *im)
{
    tt_err e = push(im);
    if (e == TT_OK)
        e = tt_ota_verify(&D.e);
    if (e == TT_OK)
        e = tt_ota_install(&D.e);
    return e;
}

static void setup(void)
{
    ck_assert(sodium_init() >= 0);
    ck_assert_int_eq(tt_p256_keygen(fw_priv, fw_pub, tt_entropy_host, NULL), TT_OK);
    /* A spans 3 pages and a bit; B 5 pages, its last chunk partial and its end inside an SAU
     * granule (not a multiple of 32), so the fence's rounding is exercised. */
    make_image(&A, 3u * U585_PAGE_SIZE + 100u, 0x010000, 1, 0x11, tether_v1_SlotLayout_SINGLE);
    make_image(&B, 5u * U585_PAGE_SIZE - 777u, 0x020000, 2, 0x22, tether_v1_SlotLayout_SINGLE);
    sau_writes = 0;
    memset(&sau, 0, sizeof sau);
    factory_device();
}

START_TEST(factory_image_boots_fenced_to_its_size)
{
    assert_fence(A.size);
    ck_assert_uint_eq(sau.rbar, U585_APP_BASE);
    ck_assert_uint_eq(sau.rlar, ((U585_APP_BASE + A.size - 1u) & ~0x1Fu) | 1u);
    ck_assert_mem_eq(tt_ota_running(&D.e)->sha256, A.sha, 32);
}
END_TEST

START_TEST(single_update_rewrites_slot_a_in_place)
{
    ck_assert_int_eq(push(&B), TT_OK);
    assert_fence(0); /* the transfer stopped the app: no app flash at all */
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    assert_fence(0);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    assert_fence(B.size);
    ck_assert_mem_eq(slot_a(), B.bytes, B.size); /* where the app is linked */
    for (uint32_t i = B.size; i < ((B.size + 31u) & ~31u); i++)
        ck_assert_uint_eq(slot_a()[i], 0xFF); /* the fence's rounding shows erased bytes */
    ck_assert(bank2_erased()); /* the staging bank is not used in SINGLE */
    ck_assert(no_app_page_secure());
    ck_assert(M.seccr & FLASH_CR_LOCK);
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
    /* Power cycle: the record on the board's store names B, verified again before it runs. */
    ck_assert_int_eq(boot(&A), 0);
    assert_fence(B.size);
    ck_assert_mem_eq(tt_ota_running(&D.e)->sha256, B.sha, 32);
    tether_v1_OtaStatusReply r;
    tt_ota_status(&D.e, &r);
    ck_assert_int_eq(r.state, tether_v1_OtaState_OTA_CONFIRMED);
    ck_assert_uint_eq(r.security_counter, B.counter);
}
END_TEST

START_TEST(a_slot_that_fails_its_check_at_boot_is_not_app_flash)
{
    ck_assert_int_eq(update(&B), TT_OK);
    M.mem[U585_APP_BASE - U585_FLASH_NS_BASE + 4000] ^= 0x01; /* one bit of B flipped */
    ck_assert_int_eq(boot(&A), -1);
    assert_fence(0);
}
END_TEST

START_TEST(what_the_board_cannot_run_is_refused_and_changes_nothing)
{
    tether_v1_OtaBeginReply rep;
    struct tt_ota_ack ack;
    uint32_t check = 0;
    struct image ab = {0}, big = {0};
    make_image(&ab, 1000, 0x020000, 2, 0x33, tether_v1_SlotLayout_AB);
    unsigned writes = sau_writes;
    long ops = M.ops;
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &ab.sm, D.now, &rep, &ack, &check),
                     TT_ERR_OTA_MANIFEST);
    /* One chunk of 256 B more than slot A holds. */
    make_image(&big, U585_APP_SIZE + CHUNK, 0x020000, 2, 0x44, tether_v1_SlotLayout_SINGLE);
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &big.sm, D.now, &rep, &ack, &check), TT_ERR_OTA_SIZE);
    ck_assert_int_eq(M.ops, ops);
    ck_assert_uint_eq(sau_writes, writes);
    assert_fence(A.size);
    ck_assert_mem_eq(slot_a(), A.bytes, A.size);
    /* The port's load: slot A only, at most the slot; a refusal leaves the fence alone. */
    ck_assert_int_eq(tt_port_app_load(TT_AREA_SLOT_B, 100), TT_ERR_STATE);
    ck_assert_int_eq(tt_port_app_load(TT_AREA_STORE, 100), TT_ERR_STATE);
    ck_assert_int_eq(tt_port_app_load(TT_AREA_SLOT_A, U585_APP_SIZE + 1u), TT_ERR_ARG);
    ck_assert_uint_eq(sau_writes, writes);
    assert_fence(A.size);
    ck_assert_int_eq(tt_port_app_load(TT_AREA_SLOT_A, U585_APP_SIZE), TT_OK);
    ck_assert_uint_eq(sau.rlar, 0x080FFFE1u); /* the slot's last granule, ENABLE */
    free(ab.bytes);
    free(big.bytes);
}
END_TEST

/* The SAU arithmetic: the region ends in the granule holding the image's last byte. */
START_TEST(fence_arithmetic)
{
    struct u585_sau_span s;
    u585_app_fence(0, &s);
    ck_assert(!s.enabled);
    u585_app_fence(1, &s);
    ck_assert(s.enabled);
    ck_assert_uint_eq(s.rbar, 0x08028000u);
    ck_assert_uint_eq(s.rlar, 0x08028001u);
    u585_app_fence(32, &s);
    ck_assert_uint_eq(s.rlar, 0x08028001u);
    u585_app_fence(33, &s);
    ck_assert_uint_eq(s.rlar, 0x08028021u);
    ck_assert(u585_app_image_contains(0x08028000u, 33, 33));
    ck_assert(!u585_app_image_contains(0x08028000u, 34, 33));
    ck_assert(!u585_app_image_contains(0x08027FFFu, 2, 33));
    ck_assert(!u585_app_image_contains(0x08028000u, 1, 0));
    ck_assert(!u585_app_image_contains(0xFFFFFFFFu, 2, U585_APP_SIZE)); /* no wrap */
}
END_TEST

/* Power cut before flash operation k of an update (sampled, and the last ones): the
 * device boots A, B, or (SINGLE mid-transfer) nothing with the app flash fenced off; never a
 * mix; then the same push, run again (twice when the cut tore a chunk), completes and B
 * runs. */
START_TEST(power_cut_during_an_update_sampled)
{
    long base = M.ops;
    ck_assert_int_eq(update(&B), TT_OK);
    long total = M.ops - base;
    ck_assert_int_gt(total, 100);
    /* About 60 cut points spread over the whole update (an odd stride, so they fall on
     * chunk programs, marks, erases and record saves alike), then each of the last 8. */
    long stride = (total / 60) | 1;
    for (long k = 0; k <= total; k += (k + 8 < total ? stride : 1)) {
        factory_device();
        M.cut_at = M.ops + k;
        tt_err e = update(&B);
        ck_assert(k < total ? M.dead : e == TT_OK); /* the cut did happen */
        int run = boot(&A);
        const struct tt_ota_image *im = tt_ota_running(&D.e);
        if (run < 0) {
            assert_fence(0);
        } else {
            ck_assert_ptr_nonnull(im);
            const struct image *which = memcmp(im->sha256, A.sha, 32) == 0 ? &A : &B;
            ck_assert_mem_eq(im->sha256, which->sha, 32);
            ck_assert_mem_eq(slot_a(), which->bytes, which->size);
            assert_fence(which->size);
        }
        ck_assert(no_app_page_secure());
        if (run >= 0 && memcmp(im->sha256, B.sha, 32) == 0)
            continue; /* already installed before the cut */
        /* A chunk torn by the cut starts the transfer over ([OTA-131]); the push begins
         * again and completes ([OTA-134]). */
        ck_assert_int_eq(update(&B), TT_OK);
        assert_fence(B.size);
        ck_assert_mem_eq(slot_a(), B.bytes, B.size);
    }
}
END_TEST

/* tools/factory_store.py (the factory's record-store pages) read by the device's store on
 * this board's geometry: the installed-image record names the app flashed into slot A, and
 * the slot verifies against it; the NV seed is there. */
START_TEST(factory_store_tool_output_reads_on_the_board)
{
    static uint8_t app[8192], store[U585_STORE_PAGES * U585_PAGE_SIZE + 1];
    FILE *f = fopen(U585_FACTORY_DIR "/app.bin", "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(app, 1, sizeof app, f);
    fclose(f);
    f = fopen(U585_FACTORY_DIR "/store.bin", "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(store, 1, sizeof store, f), U585_STORE_PAGES * U585_PAGE_SIZE);
    fclose(f);
    reset_model(1);
    memcpy(M.mem + (U585_STORE_BASE - U585_FLASH_S_BASE), store, U585_STORE_PAGES * U585_PAGE_SIZE);
    memcpy(M.mem + (U585_APP_BASE - U585_FLASH_NS_BASE), app, n);
    struct tt_image_record r;
    uint8_t sha[32];
    crypto_hash_sha256(sha, app, n);
    ck_assert_int_eq(tt_image_record_read(&r), TT_OK);
    ck_assert_uint_eq(r.size, n);
    ck_assert_uint_eq(r.version, 0x000203);
    ck_assert_mem_eq(r.sha256, sha, 32);
    ck_assert_int_eq(tt_image_slot_verify(TT_AREA_SLOT_A, &r), TT_OK);
    uint8_t seed[TT_PORT_RECORD_MAX];
    size_t len = sizeof seed;
    ck_assert_int_eq(tt_store_read(TT_REC_SEED, seed, &len), TT_OK);
    ck_assert_uint_eq(len, 32);
    M.mem[U585_APP_BASE - U585_FLASH_NS_BASE + 100] ^= 1; /* and a changed slot does not */
    ck_assert_int_ne(tt_image_slot_verify(TT_AREA_SLOT_A, &r), TT_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stm32u585_ota");
    TCase *tc = tcase_create("single_slot");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, factory_image_boots_fenced_to_its_size);
    tcase_add_test(tc, single_update_rewrites_slot_a_in_place);
    tcase_add_test(tc, a_slot_that_fails_its_check_at_boot_is_not_app_flash);
    tcase_add_test(tc, what_the_board_cannot_run_is_refused_and_changes_nothing);
    tcase_add_test(tc, fence_arithmetic);
    tcase_add_test(tc, power_cut_during_an_update_sampled);
    tcase_add_test(tc, factory_store_tool_output_reads_on_the_board);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
