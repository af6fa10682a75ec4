/* test_stm32u585_dbg.c — FPBv2 and DWT register encoding and comparator choice of the
 * STM32U585 port, and the DWT as the port's watchpoint unit (dwt_watch.c) against a model of
 * the DWT's registers, on the host. FP_CTRL/DWT_FUNCTION layouts are the Armv8-M ARM's; the
 * comparator IDs used are those the Cortex-M33 reports (comparators 1 and 3 can be a limit:
 * ID 0b11010 / 0b11110; 0 and 2: 0b01011 / 0b01010). The model keeps ID read-only, clears
 * MATCHED when DWT_FUNCTIONn is read, and raises MATCHED for an access of the armed kind to
 * an armed address or range (a comparator whose base has ACTION = debug event), as the DWT
 * does. Depends on Check, dbg_encode.h, dwt_watch.h, regs_armv8m.h. */
#include <check.h>
#include <string.h>

#include "../port/armv8m/regs_armv8m.h"
#include "../port/stm32u585/dbg_encode.h"
#include "../port/stm32u585/dwt_watch.h"

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

/* ---- The DWT model. */
static struct {
    uint32_t ctrl, comp[4], function[4];
    unsigned writes;
} W;

static uint32_t wrd(void *ctx, uint32_t a)
{
    (void)ctx;
    if (a == DWT_CTRL)
        return W.ctrl;
    for (unsigned i = 0; i < 4; i++) {
        if (a == DWT_COMP(i))
            return W.comp[i];
        if (a == DWT_FUNCTION(i)) {
            uint32_t v = W.function[i] | m33_ids[i];
            W.function[i] &= ~U585_DWT_MATCHED; /* a read clears MATCHED */
            return v;
        }
    }
    ck_abort_msg("read of unmodelled DWT address %08x", a);
    return 0;
}

static void wwr(void *ctx, uint32_t a, uint32_t v)
{
    (void)ctx;
    W.writes++;
    for (unsigned i = 0; i < 4; i++) {
        if (a == DWT_COMP(i)) {
            W.comp[i] = v;
            return;
        }
        if (a == DWT_FUNCTION(i)) {
            W.function[i] = v & ~(0x1Fu << 27) & ~U585_DWT_MATCHED; /* ID, MATCHED read-only */
            return;
        }
    }
    ck_abort_msg("write of unmodelled DWT address %08x", a);
}

/* The app accesses [addr, addr+len): write (1) or read (0). Raises MATCHED on comparators
 * that act on it: a single one (its DATAVSIZE bytes at COMP) or a pair (base..limit). */
static void app_access(uint32_t addr, uint32_t len, int write)
{
    for (unsigned i = 0; i < 4; i++) {
        uint32_t f = W.function[i], match = f & 0xFu;
        if ((f & (3u << 4)) != U585_DWT_ACTION_DEBUG)
            continue;
        if (match != U585_DWT_MATCH_DADDR_RW && match != (write ? U585_DWT_MATCH_DADDR_W
                                                                 : U585_DWT_MATCH_DADDR_R))
            continue;
        uint32_t lo = W.comp[i], hi = lo + (1u << ((f >> 10) & 3u)) - 1u;
        if (i + 1 < 4 && (W.function[i + 1] & 0xFu) == U585_DWT_MATCH_DADDR_LIMIT)
            hi = W.comp[i + 1];
        if (addr <= hi && lo <= addr + len - 1u)
            W.function[i] |= U585_DWT_MATCHED;
    }
}

static const struct u585_io dwt_io = {wrd, wwr, NULL};
static struct u585_dwt D;

static void dwt_setup(void)
{
    memset(&W, 0, sizeof W);
    W.ctrl = 0x40000000u; /* NUMCOMP = 4 */
    W.function[2] = 0x15u; /* left armed by someone: init disarms it */
    u585_dwt_init(&D, &dwt_io);
}

START_TEST(dwt_unit_caps_from_the_chip)
{
    struct tt_port_watch_caps c;
    ck_assert_uint_eq(D.num, 4);
    ck_assert_uint_eq(W.function[2], 0);
    u585_dwt_caps(&D, &c);
    ck_assert_uint_eq(c.count, 4);
    ck_assert_uint_eq(c.max_len, 8); /* comparators 0+1 and 2+3 make pairs */
    ck_assert_uint_eq(c.kinds, 7u);
    W.ctrl = 0; /* a DWT with no comparators: no unit */
    u585_dwt_init(&D, &dwt_io);
    u585_dwt_caps(&D, &c);
    ck_assert_uint_eq(c.count, 0);
    ck_assert_uint_eq(c.kinds, 0);
}
END_TEST

START_TEST(dwt_write_watch_matches_writes_only)
{
    uint32_t a = 0;
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000100u, 4, TT_WATCH_WRITE), TT_OK);
    ck_assert_uint_eq(W.comp[0], 0x20000100u);
    ck_assert_uint_eq(W.function[0], 0x5u | 0x10u | (2u << 10));
    app_access(0x20000100u, 4, 0); /* a read: no match */
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 0);
    app_access(0x20000102u, 1, 1); /* a byte written inside the word */
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 1);
    ck_assert_uint_eq(a, 0x20000100u);
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 0); /* reported once: MATCHED cleared */
    app_access(0x20000104u, 4, 1); /* next to it */
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 0);
}
END_TEST

START_TEST(dwt_kinds_and_pairs_name_their_watchpoint)
{
    uint32_t a = 0;
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000200u, 8, TT_WATCH_READ), TT_OK); /* pair 0+1 */
    ck_assert_uint_eq(W.comp[1], 0x20000207u);
    ck_assert_uint_eq(W.function[1], U585_DWT_MATCH_DADDR_LIMIT); /* no action of its own */
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000300u, 2, TT_WATCH_ACCESS), TT_OK);
    ck_assert_uint_eq(W.function[2] & 0xFu, U585_DWT_MATCH_DADDR_RW);
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000400u, 3, TT_WATCH_WRITE), TT_ERR_DBG_BP_FULL);
    app_access(0x20000206u, 2, 0);
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 1);
    ck_assert_uint_eq(a, 0x20000200u);
    app_access(0x20000200u, 4, 1); /* a write to a read watchpoint */
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 0);
    app_access(0x20000301u, 1, 1); /* access: writes too */
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 1);
    ck_assert_uint_eq(a, 0x20000300u);
    /* same (addr, len, kind) again: nothing written; another kind is another watchpoint */
    unsigned w = W.writes;
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000300u, 2, TT_WATCH_ACCESS), TT_OK);
    ck_assert_uint_eq(W.writes, w);
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000300u, 2, TT_WATCH_WRITE), TT_OK); /* comparator 3 */
    ck_assert_uint_eq(W.comp[3], 0x20000300u);
}
END_TEST

START_TEST(dwt_clear_disarms_and_frees)
{
    uint32_t a = 0;
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000200u, 8, TT_WATCH_WRITE), TT_OK);
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000300u, 8, TT_WATCH_WRITE), TT_OK);
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000400u, 4, TT_WATCH_WRITE), TT_ERR_DBG_BP_FULL);
    u585_dwt_clear(&D, 0x20000200u, 8, TT_WATCH_READ); /* another kind: not this one */
    ck_assert_uint_ne(W.function[0], 0);
    u585_dwt_clear(&D, 0x20000200u, 8, TT_WATCH_WRITE);
    ck_assert_uint_eq(W.function[0], 0);
    ck_assert_uint_eq(W.function[1], 0);
    app_access(0x20000200u, 4, 1);
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 0);
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000400u, 4, TT_WATCH_WRITE), TT_OK); /* freed */
    ck_assert_uint_eq(W.comp[0], 0x20000400u);
    u585_dwt_clear(&D, 0x20000999u, 4, TT_WATCH_WRITE); /* unknown: no-op */
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000400u, 0, TT_WATCH_WRITE), TT_ERR_ARG);
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000400u, 9, TT_WATCH_WRITE), TT_ERR_ARG);
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000400u, 4, (enum tt_watch_kind)3), TT_ERR_ARG);
}
END_TEST

/* A match raised by the supervisor's own read (park.S ignores its event) is drained before
 * the app runs, so the app's next match names the app's watchpoint. */
START_TEST(dwt_drain_forgets_the_supervisors_matches)
{
    uint32_t a = 0;
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000100u, 4, TT_WATCH_ACCESS), TT_OK); /* comparator 0 */
    ck_assert_int_eq(u585_dwt_set(&D, 0x20000200u, 4, TT_WATCH_WRITE), TT_OK);  /* 1 */
    app_access(0x20000100u, 4, 0); /* the debugger reads the first watched word */
    u585_dwt_drain(&D);
    app_access(0x20000200u, 4, 1); /* the app writes the second */
    ck_assert_int_eq(u585_dwt_hit(&D, &a), 1);
    ck_assert_uint_eq(a, 0x20000200u);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stm32u585_dbg");
    TCase *tu = tcase_create("dwt_unit");
    tcase_add_checked_fixture(tu, dwt_setup, NULL);
    tcase_add_test(tu, dwt_unit_caps_from_the_chip);
    tcase_add_test(tu, dwt_write_watch_matches_writes_only);
    tcase_add_test(tu, dwt_kinds_and_pairs_name_their_watchpoint);
    tcase_add_test(tu, dwt_clear_disarms_and_frees);
    tcase_add_test(tu, dwt_drain_forgets_the_supervisors_matches);
    suite_add_tcase(s, tu);
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
