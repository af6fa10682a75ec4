/* test_stm32u585_flash.c — the STM32U585 flash driver and the portable record store
 * (core/store/, through flash_areas.c) on the host, against a model of the flash controller.
 *
 * The model (u585_flash_model.c) implements what RM0456 says the driver must respect (key
 * unlock, write-1-to-clear flags, page erase, quad-word programming and its error flags,
 * Secure writes only to Secure pages) and counts operations so a power cut can be injected
 * before operation k, for every k (the MCUboot simulator's method); the records must always
 * read as the old or the new value. Depends on Check, flash.h, u585_flash_model.h,
 * record_store.h, regs_stm32u5.h. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../port/stm32u585/flash.h"
#include "u585_flash_model.h"
#include "../port/stm32u585/regs_stm32u5.h"
#include "../core/store/record_store.h"

static void setup(void)
{
    reset_model(1);
}

static const uint8_t pattern[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

START_TEST(program_then_read_back_and_relock)
{
    ck_assert_int_eq(u585_flash_program(&F, U585_STORE_BASE, pattern, 32), TT_OK);
    uint8_t out[32];
    u585_flash_read(&F, U585_STORE_BASE, out, 32);
    ck_assert_mem_eq(out, pattern, 32);
    ck_assert(M.seccr & FLASH_CR_LOCK);
    ck_assert_uint_eq(M.secsr & FLASH_SR_ERRORS, 0);
}
END_TEST

START_TEST(program_rejects_misaligned_and_partial_quadwords)
{
    ck_assert_int_eq(u585_flash_program(&F, U585_STORE_BASE + 4, pattern, 16), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_program(&F, U585_STORE_BASE, pattern, 8), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_program(&F, U585_STORE_BASE, pattern, 0), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_program(&F, 0x0C200000u, pattern, 16), TT_ERR_ARG);
    ck_assert_int_eq(u585_flash_program(&F, 0x0C0FFFF0u, pattern, 32), TT_ERR_ARG); /* banks */
    ck_assert_int_eq(M.ops, 0);
}
END_TEST

START_TEST(program_twice_is_progerr_then_clean)
{
    ck_assert_int_eq(u585_flash_program(&F, U585_STORE_BASE, pattern, 16), TT_OK);
    ck_assert_int_eq(u585_flash_program(&F, U585_STORE_BASE, pattern + 16, 16), TT_ERR_STORAGE);
    ck_assert_uint_eq(F.last_sr, FLASH_SR_PROGERR);
    ck_assert_uint_eq(M.secsr & FLASH_SR_ERRORS, 0); /* cleared for the next operation */
    ck_assert(M.seccr & FLASH_CR_LOCK);
    ck_assert_int_eq(u585_flash_erase_page(&F, U585_STORE_BASE), TT_OK);
    ck_assert_int_eq(u585_flash_program(&F, U585_STORE_BASE, pattern + 16, 16), TT_OK);
}
END_TEST

START_TEST(stale_error_flags_are_cleared_before_an_operation)
{
    M.secsr = FLASH_SR_PGSERR | FLASH_SR_SIZERR; /* left by someone else */
    ck_assert_int_eq(u585_flash_program(&F, U585_STORE_BASE, pattern, 16), TT_OK);
}
END_TEST

START_TEST(each_error_flag_fails_the_operation)
{
    static const uint32_t flags[] = {FLASH_SR_OPERR, FLASH_SR_PROGERR, FLASH_SR_WRPERR,
                                     FLASH_SR_PGAERR, FLASH_SR_SIZERR, FLASH_SR_PGSERR};
    for (unsigned i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        reset_model(1);
        M.inject_sr = flags[i];
        ck_assert_int_eq(u585_flash_erase_page(&F, U585_STORE_BASE), TT_ERR_STORAGE);
        ck_assert_uint_eq(F.last_sr, flags[i]);
        ck_assert(M.seccr & FLASH_CR_LOCK);
        ck_assert_int_eq(u585_flash_sr_error(flags[i]), TT_ERR_STORAGE);
    }
    ck_assert_int_eq(u585_flash_sr_error(FLASH_SR_EOP | FLASH_SR_BSY), TT_OK);
}
END_TEST

START_TEST(app_pages_are_made_secure_only_while_written)
{
    uint32_t app = U585_APP_BASE + 5 * U585_PAGE_SIZE; /* NS alias of an app page */
    ck_assert_int_eq(u585_flash_erase_page(&F, app), TT_OK);
    ck_assert_int_eq(u585_flash_program(&F, app, pattern, 32), TT_OK);
    uint8_t out[32];
    u585_flash_read(&F, u585_flash_to_secure(app), out, 32);
    ck_assert_mem_eq(out, pattern, 32);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_uint_eq(M.secbb[0][i], 0); /* back to Non-secure */
    ck_assert(M.icache_cr & ICACHE_CR_CACHEINV);
}
END_TEST

START_TEST(program_across_two_app_pages)
{
    uint32_t at = U585_APP_BASE + U585_PAGE_SIZE - 16;
    ck_assert_int_eq(u585_flash_program(&F, at, pattern, 32), TT_OK);
    uint8_t out[32];
    u585_flash_read(&F, u585_flash_to_secure(at), out, 32);
    ck_assert_mem_eq(out, pattern, 32);
}
END_TEST

START_TEST(wrong_key_keeps_it_locked)
{
    M.key_state = -1; /* a bad sequence happened earlier */
    M.seccr = FLASH_CR_LOCK;
    /* the model ignores keys after a bad one: emulate by making unlock impossible */
    ck_assert_int_eq(u585_flash_erase_page(&F, U585_STORE_BASE), TT_ERR_STORAGE);
}
END_TEST

START_TEST(busy_forever_times_out)
{
    M.secsr = FLASH_SR_BSY;
    ck_assert_int_eq(u585_flash_erase_page(&F, U585_STORE_BASE), TT_ERR_STORAGE);
    ck_assert(M.seccr & FLASH_CR_LOCK);
}
END_TEST

/* ---- records ---- */
static void store_setup(void)
{
    reset_model(1);
}

START_TEST(record_never_written_reads_empty)
{
    uint8_t b[8];
    size_t n = sizeof b;
    ck_assert_int_eq(tt_store_read(TT_REC_REPLAY, b, &n), TT_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(record_write_read_overwrite_erase)
{
    uint8_t b[TT_PORT_RECORD_MAX];
    size_t n;
    for (unsigned round = 0; round < 500; round++) { /* several compactions */
        uint8_t v[37];
        memset(v, (int)round + 1, sizeof v);
        ck_assert_int_eq(tt_store_write(TT_REC_REVOCATION, v, sizeof v - round % 5), TT_OK);
        n = sizeof b;
        ck_assert_int_eq(tt_store_read(TT_REC_REVOCATION, b, &n), TT_OK);
        ck_assert_uint_eq(n, sizeof v - round % 5);
        ck_assert_mem_eq(b, v, n);
    }
    n = sizeof b;
    ck_assert_int_eq(tt_store_read(TT_REC_REPLAY, b, &n), TT_OK);
    ck_assert_uint_eq(n, 0); /* other records untouched */
    ck_assert_int_eq(tt_store_erase(TT_REC_REVOCATION), TT_OK);
    n = sizeof b;
    ck_assert_int_eq(tt_store_read(TT_REC_REVOCATION, b, &n), TT_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(record_bad_arguments)
{
    uint8_t b[TT_PORT_RECORD_MAX + 1] = {0};
    size_t n = 4;
    ck_assert_int_eq(tt_store_write(TT_REC_COUNT, b, 4), TT_ERR_ARG);
    ck_assert_int_eq(tt_store_write(TT_REC_REPLAY, b, sizeof b), TT_ERR_ARG);
    ck_assert_int_eq(tt_store_read(TT_REC_COUNT, b, &n), TT_ERR_ARG);
    ck_assert_int_eq(tt_store_write(TT_REC_REPLAY, b, 100), TT_OK);
    n = 99;
    ck_assert_int_eq(tt_store_read(TT_REC_REPLAY, b, &n), TT_ERR_NO_SPACE);
}
END_TEST

START_TEST(record_survives_a_power_cut_before_every_operation)
{
    uint8_t old_v[40], new_v[300], b[TT_PORT_RECORD_MAX];
    memset(old_v, 0xA5, sizeof old_v);
    for (unsigned i = 0; i < sizeof new_v; i++)
        new_v[i] = (uint8_t)i;
    /* Count the operations of one full overwrite. */
    reset_model(1);
    ck_assert_int_eq(tt_store_write(TT_REC_BOOT, old_v, sizeof old_v), TT_OK);
    long before = M.ops;
    ck_assert_int_eq(tt_store_write(TT_REC_BOOT, new_v, sizeof new_v), TT_OK);
    long total = M.ops - before;
    ck_assert_int_gt(total, 3);
    for (long k = 0; k <= total; k++) {
        reset_model(1);
        ck_assert_int_eq(tt_store_write(TT_REC_BOOT, old_v, sizeof old_v), TT_OK);
        M.cut_at = M.ops + k;
        tt_err cut = tt_store_write(TT_REC_BOOT, new_v, sizeof new_v); /* may fail: power went */
        (void)cut;
        reset_model(0);                                      /* reboot, flash kept */
        size_t n = sizeof b;
        ck_assert_int_eq(tt_store_read(TT_REC_BOOT, b, &n), TT_OK);
        if (k < total) {
            ck_assert_msg(n == sizeof old_v && memcmp(b, old_v, n) == 0,
                          "cut before op %ld: not the old value", k);
        } else {
            ck_assert_uint_eq(n, sizeof new_v);
            ck_assert_mem_eq(b, new_v, n);
        }
        /* and the store keeps working after the cut */
        ck_assert_int_eq(tt_store_write(TT_REC_BOOT, new_v, 10), TT_OK);
        n = sizeof b;
        ck_assert_int_eq(tt_store_read(TT_REC_BOOT, b, &n), TT_OK);
        ck_assert_uint_eq(n, 10);
    }
}
END_TEST

START_TEST(record_corrupted_newest_falls_back_to_older)
{
    uint8_t v1[20], v2[20], b[TT_PORT_RECORD_MAX];
    memset(v1, 1, sizeof v1);
    memset(v2, 2, sizeof v2);
    ck_assert_int_eq(tt_store_write(TT_REC_REPLAY, v1, sizeof v1), TT_OK); /* entry at 16, seq 1 */
    ck_assert_int_eq(tt_store_write(TT_REC_REPLAY, v2, sizeof v2), TT_OK); /* entry at 80, seq 2 */
    M.mem[U585_STORE_BASE - U585_FLASH_S_BASE + 80 + 16] ^= 0x40; /* flip the newest's data */
    size_t n = sizeof b;
    ck_assert_int_eq(tt_store_read(TT_REC_REPLAY, b, &n), TT_OK);
    ck_assert_uint_eq(n, sizeof v1);
    ck_assert_mem_eq(b, v1, n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stm32u585_flash");
    TCase *tc = tcase_create("driver");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, program_then_read_back_and_relock);
    tcase_add_test(tc, program_rejects_misaligned_and_partial_quadwords);
    tcase_add_test(tc, program_twice_is_progerr_then_clean);
    tcase_add_test(tc, stale_error_flags_are_cleared_before_an_operation);
    tcase_add_test(tc, each_error_flag_fails_the_operation);
    tcase_add_test(tc, app_pages_are_made_secure_only_while_written);
    tcase_add_test(tc, program_across_two_app_pages);
    tcase_add_test(tc, wrong_key_keeps_it_locked);
    tcase_add_test(tc, busy_forever_times_out);
    suite_add_tcase(s, tc);
    TCase *st = tcase_create("records");
    tcase_add_checked_fixture(st, store_setup, NULL);
    tcase_add_test(st, record_never_written_reads_empty);
    tcase_add_test(st, record_write_read_overwrite_erase);
    tcase_add_test(st, record_bad_arguments);
    tcase_add_test(st, record_survives_a_power_cut_before_every_operation);
    tcase_add_test(st, record_corrupted_newest_falls_back_to_older);
    tcase_set_timeout(st, 60);
    suite_add_tcase(s, st);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
