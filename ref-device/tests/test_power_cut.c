/* test_power_cut.c — the record store and the image slot under power cuts, on the host
 * port's flash (the MCUboot-simulator method, issue 10 §4).
 *
 * For each scenario and each pre-state (a store with room, and one so full that the
 * scenario's write compacts): run once uncut to count its flash operations, then for every
 * N from 1 to that count restore the pre-state, cut the power at operation N (torn erase or
 * program, then nothing), power on and check the invariants: the supervisor boots
 * (tt_sup_init succeeds: it is reachable), every record holds its old or its new value,
 * counters never went down, an installed image is complete and verified or absent, the
 * next write works, and the boot after the cut finishes within a bound (nothing repeats
 * forever). Prints per scenario the operations swept and the bricks/violations found (both
 * must be 0). Also plain unit tests of the store. [NVS-010]..[NVS-053] */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../core/store/image_slot.h"
#include "../core/store/record_store.h"
#include "../core/supervisor/supervisor.h"
#include "../port/host/host.h"
#include "tether/bytes.h"
#include "tether/crypto_backends.h"

#define AREA_MAX (64u * 2048u)
static uint8_t snap_store[AREA_MAX], snap_slot[AREA_MAX];
static struct tt_sup sup;
static struct tt_sup_identity ident;

/* A cut run's result does not matter (the power is gone); what the flash holds does. */
static void ignore(tt_err e) { (void)e; }

static void snapshot(void)
{
    struct tt_port_area_info s, a;
    ck_assert_int_eq(tt_port_flash_info(TT_AREA_STORE, &s), TT_OK);
    ck_assert_int_eq(tt_port_flash_info(TT_AREA_SLOT_A, &a), TT_OK);
    memcpy(snap_store, tt_host_flash_mem(TT_AREA_STORE), s.size);
    memcpy(snap_slot, tt_host_flash_mem(TT_AREA_SLOT_A), a.size);
}

static void restore(void)
{
    struct tt_port_area_info s, a;
    ck_assert_int_eq(tt_port_flash_info(TT_AREA_STORE, &s), TT_OK);
    ck_assert_int_eq(tt_port_flash_info(TT_AREA_SLOT_A, &a), TT_OK);
    memcpy(tt_host_flash_mem(TT_AREA_STORE), snap_store, s.size);
    memcpy(tt_host_flash_mem(TT_AREA_SLOT_A), snap_slot, a.size);
    tt_host_flash_power_on();
}

static void provision_keys(void)
{
    struct tt_port_keys k;
    memset(&k, 0x42, sizeof k);
    tt_host_set_keys(&k);
}

/* ---- What each record holds before a scenario ("old"), and what it writes ("new"). ---- */
static uint8_t old_val[TT_REC_COUNT][TT_PORT_RECORD_MAX];
static size_t old_len[TT_REC_COUNT];

static void fill(uint8_t *b, size_t n, unsigned salt)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 7u + salt);
}

/* Records as a device has them after some use: every record but the seed and the boot
 * count, which the supervisor's boot writes itself. */
static void write_old_records(void)
{
    static const size_t lens[TT_REC_COUNT] = {14u + 44u * 8u, 8, 0, 0, 8, 8, 0};
    for (unsigned k = 0; k < TT_REC_COUNT; k++) {
        old_len[k] = lens[k];
        fill(old_val[k], lens[k], k * 31u);
        if (k == TT_REC_REVOCATION || k == TT_REC_TIME || k == TT_REC_SECURITY)
            tt_store_be64(old_val[k], 5u + k);
        if (k == TT_REC_REPLAY) { /* a table the supervisor parses: version 1, 8 entries */
            old_val[k][0] = 1;
            old_val[k][13] = 8;
        }
        if (lens[k] > 0)
            ck_assert_int_eq(tt_store_write((enum tt_port_record)k, old_val[k], lens[k]), TT_OK);
    }
}

static int record_is(unsigned k, const uint8_t *v, size_t n)
{
    uint8_t b[TT_PORT_RECORD_MAX];
    size_t len = sizeof b;
    if (tt_store_read((enum tt_port_record)k, b, &len) != TT_OK)
        return 0;
    return len == n && (n == 0 || memcmp(b, v, n) == 0);
}

/* ---- Scenarios. Each returns 1 when its invariants hold after a (possibly cut) run. ---- */
struct scenario {
    const char *name;
    int full_variant;           /* also run from a full bank (the write compacts) */
    void (*prepare)(void);      /* from a formatted flash */
    void (*run)(void);          /* the flash work that is cut */
    int (*check)(void);         /* after power-on */
};

static uint8_t new_replay[14u + 44u * 8u];
static void prep_records(void) { write_old_records(); }

static void run_replay(void)
{
    memcpy(new_replay, old_val[TT_REC_REPLAY], sizeof new_replay);
    new_replay[20] ^= 0x5A; /* one entry's timestamp moves on */
    ignore(tt_store_write(TT_REC_REPLAY, new_replay, sizeof new_replay));
}

static int others_old(unsigned except)
{
    for (unsigned k = 0; k < TT_REC_COUNT; k++)
        if (k != except && k != TT_REC_BOOT && k != TT_REC_SEED && !record_is(k, old_val[k], old_len[k]))
            return 0;
    return 1;
}

static int check_replay(void)
{
    memcpy(new_replay, old_val[TT_REC_REPLAY], sizeof new_replay);
    new_replay[20] ^= 0x5A;
    return (record_is(TT_REC_REPLAY, old_val[TT_REC_REPLAY], old_len[TT_REC_REPLAY]) ||
            record_is(TT_REC_REPLAY, new_replay, sizeof new_replay)) &&
           others_old(TT_REC_REPLAY);
}

static void run_revocation(void)
{
    uint8_t b[8];
    tt_store_be64(b, 1000u);
    ignore(tt_store_write(TT_REC_REVOCATION, b, sizeof b));
}

static int check_revocation(void)
{
    uint8_t b[8];
    size_t n = sizeof b;
    if (tt_store_read(TT_REC_REVOCATION, b, &n) != TT_OK || n != 8)
        return 0;
    uint64_t f = tt_load_be64(b), old = tt_load_be64(old_val[TT_REC_REVOCATION]);
    return (f == old || f == 1000u) && f >= old && others_old(TT_REC_REVOCATION);
}

static void run_compaction(void) { ignore(tt_store_compact()); }
static int check_compaction(void) { return others_old(TT_REC_COUNT); }

/* The boot: boot count + 1 and the NV seed rolled, through the real tt_sup_init. */
static uint32_t boot_before;
static uint8_t seed_before[32];
static uint8_t seeds_seen[4096][32];
static unsigned nseeds;

static uint32_t boot_count(void)
{
    uint8_t b[4];
    size_t n = sizeof b;
    ck_assert_int_eq(tt_store_read(TT_REC_BOOT, b, &n), TT_OK);
    return n == 4 ? tt_load_be32(b) : 0;
}

static void read_seed(uint8_t out[32])
{
    size_t n = 32;
    ck_assert_int_eq(tt_store_read(TT_REC_SEED, out, &n), TT_OK);
    if (n == 0)
        memset(out, 0, 32);
}

static void prep_boot(void)
{
    write_old_records();
    ck_assert_int_eq(tt_sup_init(&sup, &ident), TT_OK); /* a first boot: seed and count */
    boot_before = boot_count();
    read_seed(seed_before);
}

static void run_boot(void) { ignore(tt_sup_init(&sup, &ident)); }

static int check_boot(void)
{
    uint8_t s[32];
    uint32_t c = boot_count();
    read_seed(s);
    if (c != boot_before && c != boot_before + 1u)
        return 0; /* the count went down or jumped */
    if (memcmp(s, seed_before, 32) != 0) { /* a rolled seed must never have been seen */
        for (unsigned i = 0; i < nseeds; i++)
            if (memcmp(s, seeds_seen[i], 32) == 0)
                return 0;
    }
    return others_old(TT_REC_COUNT);
}

/* Provisioning: the factory image into slot A, then its record. */
static uint8_t image[3000];
static struct tt_image_record image_rec;

static void prep_blank(void) {}

static void run_provision(void)
{
    struct tt_port_area_info a;
    ck_assert_int_eq(tt_port_flash_info(TT_AREA_SLOT_A, &a), TT_OK);
    fill(image, sizeof image, 3);
    image_rec.size = sizeof image;
    image_rec.version = 0x000100;
    ck_assert_int_eq(tt_crypto_mbedtls.sha256(image_rec.sha256, image, sizeof image, NULL, 0),
                     TT_OK);
    for (uint32_t p = 0; p < sizeof image; p += a.page_size)
        if (tt_port_flash_erase(TT_AREA_SLOT_A, p) != TT_OK)
            return;
    uint8_t padded[3008];
    memset(padded, 0xFF, sizeof padded);
    memcpy(padded, image, sizeof image);
    if (tt_port_flash_program(TT_AREA_SLOT_A, 0, padded, sizeof padded) != TT_OK)
        return;
    ignore(tt_image_record_write(&image_rec));
}

static int check_provision(void)
{
    struct tt_image_record r;
    tt_err e = tt_image_record_read(&r);
    if (e == TT_ERR_STATE)
        return 1; /* not provisioned yet: no app runs, the supervisor does */
    return e == TT_OK && tt_image_slot_verify(TT_AREA_SLOT_A, &r) == TT_OK &&
           memcmp(r.sha256, image_rec.sha256, 32) == 0;
}

static const struct scenario scenarios[] = {
    {"replay-table update", 1, prep_records, run_replay, check_replay},
    {"revocation-floor raise", 1, prep_records, run_revocation, check_revocation},
    {"boot: count + seed roll-forward", 1, prep_boot, run_boot, check_boot},
    {"compaction", 0, prep_records, run_compaction, check_compaction},
    {"provisioning (image + record)", 0, prep_blank, run_provision, check_provision},
};

/* Pads the log with rewrites of the time record until sc's run compacts. */
static void make_full(const struct scenario *sc, uint32_t fresh_ops)
{
    for (unsigned i = 0; i < 200; i++) {
        snapshot();
        tt_host_flash_power_on(); /* counts from 0 */
        sc->run();
        uint32_t ops = tt_host_flash_ops();
        restore();
        if (ops > fresh_ops + 2u)
            return;
        ck_assert_int_eq(tt_store_write(TT_REC_TIME, old_val[TT_REC_TIME], old_len[TT_REC_TIME]),
                         TT_OK);
    }
    ck_abort_msg("could not fill the bank");
}

static void sweep(const struct scenario *sc, int full)
{
    tt_host_init();
    provision_keys();
    nseeds = 0;
    sc->prepare();
    snapshot();
    tt_host_flash_power_on();
    sc->run();
    uint32_t count = tt_host_flash_ops();
    restore();
    if (full) {
        make_full(sc, count);
        if (sc->prepare == prep_boot) { /* the pre-state's seed and count, after padding */
            boot_before = boot_count();
            read_seed(seed_before);
        }
        snapshot();
        tt_host_flash_power_on();
        sc->run();
        count = tt_host_flash_ops();
        restore();
    }
    unsigned bricks = 0, violations = 0;
    ck_assert_uint_gt(count, 0);
    for (uint32_t n = 1; n <= count; n++) {
        restore();
        tt_host_flash_cut_at(n);
        sc->run();
        ck_assert(tt_host_flash_power_lost());
        tt_host_flash_power_on();
        if (!sc->check())
            violations++;
        read_seed(seeds_seen[nseeds++ % 4096]);
        /* The next boot: reachable, bounded, and the store takes writes again. */
        if (tt_sup_init(&sup, &ident) != TT_OK || tt_host_flash_ops() > count + 64u) {
            bricks++;
            continue;
        }
        uint8_t s[32];
        read_seed(s);
        for (unsigned i = 0; i + 1 < nseeds && i < 4096; i++)
            if (memcmp(s, seeds_seen[i], 32) == 0)
                violations++; /* a boot reused a seed */
        if (tt_store_write(TT_REC_SECURITY, old_val[TT_REC_SECURITY], 8) != TT_OK)
            bricks++;
    }
    printf("power-cut sweep: %-32s %-5s %4u operations swept, %u bricks, %u violations\n",
           sc->name, full ? "full" : "room", count, bricks, violations);
    ck_assert_uint_eq(bricks, 0);
    ck_assert_uint_eq(violations, 0);
}

START_TEST(sweep_every_scenario)
{
    const struct scenario *sc = &scenarios[_i / 2];
    if ((_i & 1) && !sc->full_variant)
        return;
    sweep(sc, _i & 1);
}
END_TEST

/* The sweep can fail: a store that committed before writing its data would be caught. */
START_TEST(sweep_catches_a_torn_record)
{
    tt_host_init();
    write_old_records();
    tt_host_flash_cut_at(3); /* a replay write's third quad-word: data half written */
    run_replay();
    tt_host_flash_power_on();
    ck_assert(check_replay());
    /* Forge what an unsafe store would leave: the old record's data changed in place. */
    uint8_t *m = tt_host_flash_mem(TT_AREA_STORE);
    for (uint32_t i = 32; i < 2048; i++)
        if (m[i] != 0xFF) {
            m[i] ^= 1;
            break;
        }
    ck_assert(!check_replay()); /* the CRC drops it: the record is neither old nor new */
}
END_TEST

START_TEST(store_basics)
{
    uint8_t b[TT_PORT_RECORD_MAX + 1], r[TT_PORT_RECORD_MAX];
    size_t n = sizeof r;
    tt_host_init();
    ck_assert_int_eq(tt_store_read(TT_REC_REPLAY, r, &n), TT_OK);
    ck_assert_uint_eq(n, 0);
    fill(b, sizeof b, 9);
    ck_assert_int_eq(tt_store_write(TT_REC_REPLAY, b, TT_PORT_RECORD_MAX + 1), TT_ERR_ARG);
    ck_assert_int_eq(tt_store_write(TT_REC_COUNT, b, 4), TT_ERR_ARG);
    ck_assert_int_eq(tt_store_write(TT_REC_REPLAY, NULL, 4), TT_ERR_ARG);
    for (unsigned round = 0; round < 50; round++) /* many compactions */
        for (unsigned k = 0; k < TT_REC_COUNT; k++) {
            size_t len = (round * 37u + k * 101u) % (TT_PORT_RECORD_MAX + 1);
            fill(b, len, round + k);
            ck_assert_int_eq(tt_store_write((enum tt_port_record)k, b, len), TT_OK);
            n = sizeof r;
            ck_assert_int_eq(tt_store_read((enum tt_port_record)k, r, &n), TT_OK);
            ck_assert_uint_eq(n, len);
            ck_assert(memcmp(r, b, len) == 0);
        }
    fill(b, 100, 1);
    ck_assert_int_eq(tt_store_write(TT_REC_TIME, b, 100), TT_OK);
    n = 99;
    ck_assert_int_eq(tt_store_read(TT_REC_TIME, r, &n), TT_ERR_NO_SPACE);
    ck_assert_int_eq(tt_store_erase(TT_REC_TIME), TT_OK);
    n = sizeof r;
    ck_assert_int_eq(tt_store_read(TT_REC_TIME, r, &n), TT_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(tt_store_read(TT_REC_COUNT, r, &n), TT_ERR_ARG);
}
END_TEST

/* Garbage where the next entry would go (a torn header): the next write compacts. */
START_TEST(store_dirty_tail_compacts)
{
    uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 8}, r[8];
    size_t n = sizeof r;
    tt_host_init();
    ck_assert_int_eq(tt_store_write(TT_REC_TIME, b, 8), TT_OK);
    uint8_t *m = tt_host_flash_mem(TT_AREA_STORE);
    memset(m + 16 + 48, 0x00, 8); /* after the first entry (16 + 16 + 16 bytes) */
    b[0] = 9;
    ck_assert_int_eq(tt_store_write(TT_REC_TIME, b, 8), TT_OK);
    ck_assert_int_eq(tt_store_read(TT_REC_TIME, r, &n), TT_OK);
    ck_assert(n == 8 && r[0] == 9);
    ck_assert_uint_eq(m[4096], 'T'); /* bank 1 is active now */
}
END_TEST

/* A corrupted slot fails verification; the record decides what "installed" means. */
START_TEST(slot_verify_refuses_corruption)
{
    tt_host_init();
    run_provision();
    struct tt_image_record r;
    ck_assert_int_eq(tt_image_record_read(&r), TT_OK);
    ck_assert_int_eq(tt_image_slot_verify(TT_AREA_SLOT_A, &r), TT_OK);
    tt_host_flash_mem(TT_AREA_SLOT_A)[1500] ^= 0x01;
    ck_assert_int_eq(tt_image_slot_verify(TT_AREA_SLOT_A, &r), TT_ERR_SIGNATURE);
    r.size = AREA_MAX;
    ck_assert_int_eq(tt_image_slot_verify(TT_AREA_SLOT_A, &r), TT_ERR_STORAGE);
    uint8_t bad[5] = {1, 2, 3, 4, 5};
    ck_assert_int_eq(tt_store_write(TT_REC_INSTALL, bad, sizeof bad), TT_OK);
    ck_assert_int_eq(tt_image_record_read(&r), TT_ERR_STORAGE);
}
END_TEST

/* [NVS-031]: N boots give N different seeds even with the same board entropy. */
START_TEST(seed_differs_every_boot)
{
    uint8_t seeds[10][32];
    tt_host_init();
    provision_keys();
    for (unsigned i = 0; i < 10; i++) {
        ck_assert_int_eq(tt_sup_init(&sup, &ident), TT_OK);
        read_seed(seeds[i]);
        for (unsigned j = 0; j < i; j++)
            ck_assert(memcmp(seeds[i], seeds[j], 32) != 0);
    }
    ck_assert_uint_eq(boot_count(), 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("power_cut");
    TCase *t = tcase_create("store");
    tcase_set_timeout(t, 600);
    tcase_add_test(t, store_basics);
    tcase_add_test(t, store_dirty_tail_compacts);
    tcase_add_test(t, slot_verify_refuses_corruption);
    tcase_add_test(t, seed_differs_every_boot);
    tcase_add_test(t, sweep_catches_a_torn_record);
    tcase_add_loop_test(t, sweep_every_scenario, 0,
                        (int)(2 * sizeof scenarios / sizeof scenarios[0]));
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_set_fork_status(r, CK_NOFORK);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
