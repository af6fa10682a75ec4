/* test_stm32u585_dbg.c — FPBv2 and DWT register encoding and comparator choice of the
 * STM32U585 port, on the host. FP_CTRL/DWT_FUNCTION layouts are the Armv8-M ARM's; the
 * comparator IDs used are those the Cortex-M33 reports (comparators 1 and 3 can be a limit:
 * ID 0b11010 / 0b11110; 0 and 2: 0b01011 / 0b01010). Depends on Check and dbg_encode.h. */
#include <check.h>

#include "../port/stm32u585/dbg_encode.h"

#define ID(x) ((uint32_t)(x) << 27)
static const uint32_t m33_ids[4] = {ID(0x0B), ID(0x1A), ID(0x0A), ID(0x1E)};

START_TEST(fpb_counts_from_fp_ctrl)
{
    /* REV = 1 (FPBv2), NUM_CODE = 8: low nibble at [7:4], high bits at [14:12] */
    ck_assert_uint_eq(u585_fpb_num_code(0x10000080u), 8);
    ck_assert_uint_eq(u585_fpb_rev(0x10000080u), 1);
    ck_assert_uint_eq(u585_fpb_num_code(0x10001040u), 0x14); /* 20: high bit field used */
    ck_assert_uint_eq(u585_fpb_num_code(0x00000F00u), 0);    /* NUM_LIT is not NUM_CODE */
    ck_assert_uint_eq(U585_FPB_CTRL_ENABLE, 3u);              /* KEY with ENABLE */
}
END_TEST

START_TEST(fpb_comparator_values)
{
    uint32_t c;
    ck_assert_int_eq(u585_fpb_comp(0x08028000u, &c), TT_OK);
    ck_assert_uint_eq(c, 0x08028001u);
    ck_assert_int_eq(u585_fpb_comp(0x0802A002u, &c), TT_OK); /* upper halfword: v2 takes it */
    ck_assert_uint_eq(c, 0x0802A003u);
    ck_assert_int_eq(u585_fpb_comp(0x08028001u, &c), TT_ERR_ARG);
    ck_assert_int_eq(u585_fpb_alloc(0x00, 8), 0);
    ck_assert_int_eq(u585_fpb_alloc(0x0B, 8), 2);
    ck_assert_int_eq(u585_fpb_alloc(0xFF, 8), -1);
    ck_assert_int_eq(u585_fpb_alloc(0x0F, 4), -1);
    ck_assert_int_eq(u585_fpb_alloc(0, 0), -1);
}
END_TEST

START_TEST(dwt_count_and_capabilities)
{
    ck_assert_uint_eq(u585_dwt_num_comp(0x40000000u), 4);
    ck_assert(u585_dwt_can_daddr(m33_ids[0]));
    ck_assert(!u585_dwt_can_limit(m33_ids[0]));
    ck_assert(u585_dwt_can_limit(m33_ids[1]));
    ck_assert(!u585_dwt_can_limit(m33_ids[2]));
    ck_assert(u585_dwt_can_limit(m33_ids[3]));
    ck_assert(!u585_dwt_can_daddr(0)); /* reserved ID: nothing */
}
END_TEST

START_TEST(dwt_single_comparator_watchpoints)
{
    struct u585_dwt_plan p;
    ck_assert_int_eq(u585_dwt_plan(0x20001000u, 4, U585_WATCH_WRITE, m33_ids, 4, 0, &p), TT_OK);
    ck_assert_uint_eq(p.count, 1);
    ck_assert_uint_eq(p.first, 0);
    ck_assert_uint_eq(p.comp[0], 0x20001000u);
    /* MATCH 0b0101 (write), ACTION 0b01 (debug event), DATAVSIZE 0b10 (word) */
    ck_assert_uint_eq(p.function[0], 0x5u | 0x10u | (2u << 10));
    ck_assert_int_eq(u585_dwt_plan(0x20001002u, 2, U585_WATCH_READ, m33_ids, 4, 1, &p), TT_OK);
    ck_assert_uint_eq(p.first, 1);
    ck_assert_uint_eq(p.function[0], 0x6u | 0x10u | (1u << 10));
    ck_assert_int_eq(u585_dwt_plan(0x20001003u, 1, U585_WATCH_ACCESS, m33_ids, 4, 0, &p), TT_OK);
    ck_assert_uint_eq(p.function[0], 0x4u | 0x10u);
}
END_TEST

START_TEST(dwt_ranges_use_a_limit_pair)
{
    struct u585_dwt_plan p;
    /* 12 bytes: no single comparator; the pair (0,1) */
    ck_assert_int_eq(u585_dwt_plan(0x20002000u, 12, U585_WATCH_WRITE, m33_ids, 4, 0, &p), TT_OK);
    ck_assert_uint_eq(p.count, 2);
    ck_assert_uint_eq(p.first, 0);
    ck_assert_uint_eq(p.comp[0], 0x20002000u);
    ck_assert_uint_eq(p.comp[1], 0x2000200Bu); /* inclusive limit */
    ck_assert_uint_eq(p.function[0], 0x5u | 0x10u);
    ck_assert_uint_eq(p.function[1], 0x7u); /* Data Address Limit, ACTION 0b00 */
    /* misaligned word: also a pair; comparator 0 taken: the pair (2,3) */
    ck_assert_int_eq(u585_dwt_plan(0x20002002u, 4, U585_WATCH_READ, m33_ids, 4, 1, &p), TT_OK);
    ck_assert_uint_eq(p.first, 2);
    ck_assert_uint_eq(p.comp[1], 0x20002005u);
    /* (1,2) is never a pair: 2 cannot be a limit */
    ck_assert_int_eq(u585_dwt_plan(0x20002000u, 8, U585_WATCH_READ, m33_ids, 4, 0x9, &p),
                     TT_ERR_DBG_BP_FULL);
}
END_TEST

START_TEST(dwt_bad_requests)
{
    struct u585_dwt_plan p;
    ck_assert_int_eq(u585_dwt_plan(0x20000000u, 0, U585_WATCH_READ, m33_ids, 4, 0, &p), TT_ERR_ARG);
    ck_assert_int_eq(u585_dwt_plan(0xFFFFFFF0u, 0x20, U585_WATCH_READ, m33_ids, 4, 0, &p),
                     TT_ERR_ARG);
    ck_assert_int_eq(u585_dwt_plan(0x20000000u, 4, (enum u585_watch)0, m33_ids, 4, 0, &p),
                     TT_ERR_ARG);
    ck_assert_int_eq(u585_dwt_plan(0x20000000u, 4, U585_WATCH_READ, m33_ids, 4, 0xF, &p),
                     TT_ERR_DBG_BP_FULL);
    ck_assert_int_eq(u585_dwt_plan(0x20000000u, 4, U585_WATCH_READ, m33_ids, 0, 0, &p),
                     TT_ERR_DBG_BP_FULL);
}
END_TEST

START_TEST(dwt_which_comparator_matched)
{
    uint32_t f[4] = {0x5, 0x7, 0x01000005u, 0x01000007u};
    ck_assert_int_eq(u585_dwt_matched(f, 4), 2);
    f[2] = 0x5;
    f[3] = 0x7;
    ck_assert_int_eq(u585_dwt_matched(f, 4), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stm32u585_dbg");
    TCase *tc = tcase_create("encode");
    tcase_add_test(tc, fpb_counts_from_fp_ctrl);
    tcase_add_test(tc, fpb_comparator_values);
    tcase_add_test(tc, dwt_count_and_capabilities);
    tcase_add_test(tc, dwt_single_comparator_watchpoints);
    tcase_add_test(tc, dwt_ranges_use_a_limit_pair);
    tcase_add_test(tc, dwt_bad_requests);
    tcase_add_test(tc, dwt_which_comparator_matched);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
