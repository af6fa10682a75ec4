/* test_stm32u585_step.c — the STM32U585 DebugMonitor step state machine and the emulation of
 * the interrupt-mask instructions, on the host. Instruction encodings come from gas
 * (stm32u585_mask_cases.s, assembled at build time), not from our own tables. Depends on
 * Check and mon_step.h. */
#include <check.h>
#include <string.h>

#include "../port/stm32u585/mon_step.h"

extern const unsigned char u585_mask_cases_bin[];
extern const unsigned int u585_mask_cases_bin_len;

static void insn_at(unsigned off, uint16_t out[2])
{
    ck_assert_uint_lt(off + 2, u585_mask_cases_bin_len + 1);
    out[0] = (uint16_t)(u585_mask_cases_bin[off] | u585_mask_cases_bin[off + 1] << 8);
    out[1] = off + 4 <= u585_mask_cases_bin_len
                 ? (uint16_t)(u585_mask_cases_bin[off + 2] | u585_mask_cases_bin[off + 3] << 8)
                 : 0;
}

static struct tt_app_regs privileged_regs(void)
{
    struct tt_app_regs r;
    memset(&r, 0, sizeof r);
    for (unsigned i = 0; i < 13; i++)
        r.r[i] = 0x100u + i;
    r.r[TT_REG_PC] = 0x08030000u;
    r.r[TT_REG_XPSR] = 0x01000000u; /* Thumb, thread mode */
    return r;
}

START_TEST(cps_sets_and_clears_primask_and_faultmask)
{
    uint16_t in[2];
    struct tt_app_regs r = privileged_regs();
    insn_at(0, in); /* cpsid i */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_PRIMASK], 1);
    ck_assert_uint_eq(r.r[TT_REG_PC], 0x08030002u);
    insn_at(2, in); /* cpsie i */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_PRIMASK], 0);
    insn_at(4, in); /* cpsid f */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_FAULTMASK], 1);
    insn_at(6, in); /* cpsie f */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_FAULTMASK], 0);
    r.r[TT_REG_PRIMASK] = r.r[TT_REG_FAULTMASK] = 1;
    insn_at(56, in); /* cpsie if */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_PRIMASK] | r.r[TT_REG_FAULTMASK], 0);
    ck_assert_uint_eq(r.r[TT_REG_PC], 0x0803000Au);
}
END_TEST

START_TEST(msr_writes_masks_with_implemented_bits)
{
    uint16_t in[2];
    struct tt_app_regs r = privileged_regs();
    r.r[3] = 0xFFFFFFFFu;
    insn_at(8, in); /* msr primask, r3 */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_PRIMASK], 1);
    ck_assert_uint_eq(r.r[TT_REG_PC], 0x08030004u);
    r.r[4] = 0x12345678u;
    insn_at(12, in); /* msr basepri, r4: 0x78 -> 0x70 (4 priority bits) */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_BASEPRI], 0x70);
    r.r[6] = 1;
    insn_at(20, in); /* msr faultmask, r6 */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_FAULTMASK], 1);
}
END_TEST

START_TEST(basepri_max_only_raises_the_mask)
{
    uint16_t in[2];
    insn_at(16, in); /* msr basepri_max, r5 */
    struct tt_app_regs r = privileged_regs();
    r.r[TT_REG_BASEPRI] = 0x60;
    r.r[5] = 0x80; /* lower priority: no change */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_BASEPRI], 0x60);
    r.r[5] = 0x40; /* higher: taken */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_BASEPRI], 0x40);
    r.r[5] = 0; /* zero never lowers it */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_BASEPRI], 0x40);
    r.r[TT_REG_BASEPRI] = 0;
    r.r[5] = 0xA0; /* from 0 (no mask), anything non-zero is a raise */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[TT_REG_BASEPRI], 0xA0);
}
END_TEST

START_TEST(mrs_reads_the_masks)
{
    uint16_t in[2];
    struct tt_app_regs r = privileged_regs();
    r.r[TT_REG_PRIMASK] = 1;
    r.r[TT_REG_BASEPRI] = 0x50;
    r.r[TT_REG_FAULTMASK] = 1;
    insn_at(24, in);
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[7], 1);
    insn_at(28, in);
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[8], 0x50);
    insn_at(32, in);
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[9], 0x50);
    insn_at(36, in);
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    ck_assert_uint_eq(r.r[10], 1);
    ck_assert_uint_eq(r.r[TT_REG_PC], 0x08030010u);
}
END_TEST

START_TEST(other_system_registers_and_instructions_run)
{
    static const unsigned offs[] = {40, 44, 48, 52, 58, 60};
    for (unsigned i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        uint16_t in[2];
        struct tt_app_regs r = privileged_regs(), before;
        before = r;
        insn_at(offs[i], in);
        ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 0);
        ck_assert_mem_eq(&r, &before, sizeof r); /* nothing changed */
    }
}
END_TEST

START_TEST(unprivileged_or_it_block_or_sp_pc_operands_run)
{
    uint16_t in[2];
    insn_at(0, in);
    struct tt_app_regs r = privileged_regs();
    r.r[TT_REG_CONTROL] = 1; /* nPRIV, thread mode */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 0);
    r.r[TT_REG_XPSR] |= 11; /* handler mode is privileged whatever CONTROL says */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 1);
    r = privileged_regs();
    r.r[TT_REG_XPSR] |= 0x00000400u; /* inside an IT block */
    ck_assert_int_eq(u585_emulate_mask_insn(in, &r, 0xF0), 0);
    r = privileged_regs();
    const uint16_t msr_sp[2] = {0xF38Du, 0x8810u}, mrs_pc[2] = {0xF3EFu, 0x8F10u};
    ck_assert_int_eq(u585_emulate_mask_insn(msr_sp, &r, 0xF0), 0);
    ck_assert_int_eq(u585_emulate_mask_insn(mrs_pc, &r, 0xF0), 0);
    const uint16_t cps_none[2] = {0xB670u, 0};
    ck_assert_int_eq(u585_emulate_mask_insn(cps_none, &r, 0xF0), 0);
}
END_TEST

/* ---- the state machine ---- */
#define MON_PRIO 0x40u

START_TEST(step_of_a_mask_instruction_is_emulated_without_running)
{
    struct u585_step s = {0};
    uint16_t in[2];
    insn_at(0, in);
    struct tt_app_regs r = privileged_regs();
    enum u585_step_plan plan;
    uint32_t bp = 0xDEAD;
    ck_assert_int_eq(u585_step_begin(&s, in, &r, 0, MON_PRIO, &plan, &bp), TT_OK);
    ck_assert_int_eq(plan, U585_PLAN_EMULATED);
    ck_assert_int_eq(s.state, U585_STEP_IDLE);
    ck_assert_uint_eq(bp, 0xDEAD); /* no mask to hold */
}
END_TEST

START_TEST(step_masks_below_the_monitor_and_restores)
{
    struct u585_step s = {0};
    uint16_t in[2];
    insn_at(58, in); /* nop */
    struct tt_app_regs r = privileged_regs();
    enum u585_step_plan plan;
    uint32_t bp, restore = 0xDEAD;
    ck_assert_int_eq(u585_step_begin(&s, in, &r, 0, MON_PRIO, &plan, &bp), TT_OK);
    ck_assert_int_eq(plan, U585_PLAN_RUN);
    ck_assert_uint_eq(bp, 0x50); /* everything at 0x50 and below masked, monitor (0x40) not */
    ck_assert_int_eq(s.state, U585_STEP_RUNNING);
    /* a second step while one runs is refused */
    ck_assert_int_eq(u585_step_begin(&s, in, &r, 0, MON_PRIO, &plan, &bp), TT_ERR_STATE);
    /* preempted by the supervisor: not over, keep the mask */
    ck_assert_int_eq(u585_step_on_park(&s, TT_PARK_PREEMPTED, 0, &restore), U585_STEP_AGAIN);
    ck_assert_uint_eq(restore, 0xDEAD);
    ck_assert_int_eq(s.state, U585_STEP_RUNNING);
    /* DFSR.HALTED: done */
    ck_assert_int_eq(u585_step_on_park(&s, TT_PARK_BKPT, 1u, &restore), U585_STEP_DONE);
    ck_assert_uint_eq(restore, 0);
    ck_assert_int_eq(s.state, U585_STEP_IDLE);
}
END_TEST

START_TEST(step_ends_on_breakpoint_watchpoint_or_fault)
{
    uint16_t in[2];
    insn_at(58, in);
    struct tt_app_regs r = privileged_regs();
    enum u585_step_plan plan;
    uint32_t bp, restore;
    static const struct {
        enum tt_app_park park;
        uint32_t dfsr;
        enum u585_step_result want;
    } cases[] = {
        {TT_PARK_BKPT, 2u, U585_STEP_BREAK},      /* FPB/BKPT */
        {TT_PARK_BKPT, 4u, U585_STEP_BREAK},      /* DWT */
        {TT_PARK_BKPT, 3u, U585_STEP_DONE},       /* stepped onto a breakpoint: done */
        {TT_PARK_FAULT, 0u, U585_STEP_FAULTED},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct u585_step s = {0};
        ck_assert_int_eq(u585_step_begin(&s, in, &r, 0x60, MON_PRIO, &plan, &bp), TT_OK);
        ck_assert_uint_eq(bp, 0x50); /* a looser mask held by the supervisor is tightened */
        ck_assert_int_eq(u585_step_on_park(&s, cases[i].park, cases[i].dfsr, &restore),
                         cases[i].want);
        ck_assert_uint_eq(restore, 0x60); /* and given back */
        ck_assert_int_eq(s.state, U585_STEP_IDLE);
    }
}
END_TEST

START_TEST(step_refused_when_the_mask_would_hide_the_monitor)
{
    struct u585_step s = {0};
    uint16_t in[2];
    insn_at(58, in);
    struct tt_app_regs r = privileged_regs();
    enum u585_step_plan plan;
    uint32_t bp;
    ck_assert_int_eq(u585_step_begin(&s, in, &r, 0x20, MON_PRIO, &plan, &bp), TT_ERR_STATE);
    ck_assert_int_eq(s.state, U585_STEP_IDLE);
    ck_assert_int_eq(u585_step_begin(&s, in, &r, 0, 0xF8, &plan, &bp), TT_ERR_ARG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stm32u585_step");
    TCase *tc = tcase_create("emulation");
    tcase_add_test(tc, cps_sets_and_clears_primask_and_faultmask);
    tcase_add_test(tc, msr_writes_masks_with_implemented_bits);
    tcase_add_test(tc, basepri_max_only_raises_the_mask);
    tcase_add_test(tc, mrs_reads_the_masks);
    tcase_add_test(tc, other_system_registers_and_instructions_run);
    tcase_add_test(tc, unprivileged_or_it_block_or_sp_pc_operands_run);
    suite_add_tcase(s, tc);
    TCase *sm = tcase_create("state machine");
    tcase_add_test(sm, step_of_a_mask_instruction_is_emulated_without_running);
    tcase_add_test(sm, step_masks_below_the_monitor_and_restores);
    tcase_add_test(sm, step_ends_on_breakpoint_watchpoint_or_fault);
    tcase_add_test(sm, step_refused_when_the_mask_would_hide_the_monitor);
    suite_add_tcase(s, sm);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
