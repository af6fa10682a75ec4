/* test_target_control.c — portable target control (core/target) on the host port's double.
 *
 * Breakpoints, stepping off them, software single step, range step, stepping over Secure
 * calls, the app's own BKPT, fault stops, halting, reset, memory/register access rules and
 * the refusal of anything outside the app's Non-secure memory. The app is app_double.c's
 * tiny executor running the little programs below. Requirements: [DBG-*] debug service
 * semantics, [SEC-*] the debugger never reaches Secure state. */
#include <check.h>
#include <string.h>

#include "../core/loop.h"
#include "../core/target/target.h"
#include "../port/host/app_double.h"
#include "../port/host/host.h"

#define A(off) (TT_DOUBLE_CODE_BASE + (off))
#define RAM_TOP (TT_DOUBLE_RAM_BASE + TT_DOUBLE_RAM_SIZE)

/* main: r0 = 0; loop: nop; bl func; adds r0,#1; b loop      (0x100..0x10b)
 * func: nop; nop; bx lr                                        (0x200..0x205)
 * count: movs r0,#0; L: adds r0,#1; cmp r0,#5; bne L; nop; b .  (0x300..0x30b)
 * veneer call: blx r3; nop; b .                                (0x400..0x405)
 * own bkpt: bkpt; nop; b .                                     (0x500..0x505)
 * fault: nop; udf                                              (0x600..0x603)
 * exception return: bx lr                                      (0x700)
 * store: movs r0,#0; L: adds r0,#1; cmp r0,#3; bne L; str r0,[r1]; nop; b .  (0x800..0x80d) */
static const uint16_t prog_main[] = {0x2000, 0xBF00, 0xF000, 0xF87C, 0x3001, 0xE7FA};
static const uint16_t prog_func[] = {0xBF00, 0xBF00, 0x4770};
static const uint16_t prog_count[] = {0x2000, 0x3001, 0x2805, 0xD1FC, 0xBF00, 0xE7FE};
static const uint16_t prog_veneer[] = {0x4798, 0xBF00, 0xE7FE};
static const uint16_t prog_bkpt[] = {0xBE00, 0xBF00, 0xE7FE};
static const uint16_t prog_fault[] = {0xBF00, 0xDE00};
static const uint16_t prog_exc[] = {0x4770};
static const uint16_t prog_store[] = {0x2000, 0x3001, 0x2803, 0xD1FC, 0x6008, 0xBF00, 0xE7FE};

static struct tt_target t;

static void setup(void)
{
    tt_double_init();
    tt_host_init();
    const uint16_t vectors[] = {(uint16_t)RAM_TOP, (uint16_t)(RAM_TOP >> 16), 0x0101, 0x0020};
    tt_double_load(A(0), vectors, 4);
    tt_double_load(A(0x100), prog_main, 6);
    tt_double_load(A(0x200), prog_func, 3);
    tt_double_load(A(0x300), prog_count, 6);
    tt_double_load(A(0x400), prog_veneer, 3);
    tt_double_load(A(0x500), prog_bkpt, 3);
    tt_double_load(A(0x600), prog_fault, 2);
    tt_double_load(A(0x700), prog_exc, 1);
    tt_double_load(A(0x800), prog_store, 7);
    tt_target_init(&t);
    ck_assert_int_eq(tt_target_reset_app(&t), TT_OK);
    struct tt_target_stop s;
    ck_assert(tt_target_take_stop(&t, &s));
    ck_assert_int_eq(s.reason, TT_STOP_RESET);
    ck_assert_uint_eq(s.pc, A(0x100));
}

static void teardown(void) {}

static void set_pc(uint32_t pc)
{
    tt_double_regs()->r[TT_REG_PC] = pc;
}

/* Runs supervisor loop turns until the app halts; returns the stop. */
static struct tt_target_stop run_to_stop(void)
{
    struct tt_target_stop s;
    for (int i = 0; i < 10000 && t.state == TT_TARGET_RUNNING; i++)
        tt_loop_once(&t, NULL, NULL);
    ck_assert_int_eq(t.state, TT_TARGET_HALTED);
    ck_assert(tt_target_take_stop(&t, &s));
    return s;
}

static uint32_t reg(unsigned n)
{
    struct tt_app_regs r;
    ck_assert_int_eq(tt_target_regs_read(&t, &r), TT_OK);
    return r.r[n];
}

/* Our BKPTs must never be left in a halted app's memory. */
static void assert_clean(void)
{
    for (uint32_t a = A(0x100); a < A(0x800); a += 2) {
        uint16_t h = tt_double_peek16(a);
        if (a != A(0x500))
            ck_assert_msg((h & 0xFF00u) != 0xBE00u, "BKPT left at 0x%08x", a);
    }
}

START_TEST(test_breakpoint_hit_and_rehit) /* [DBG] breakpoints, resume steps off */
{
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x200)), TT_OK);
    ck_assert_uint_eq(tt_double_peek16(A(0x200)), 0xBF00); /* not in memory while halted */
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_BREAKPOINT);
    ck_assert_uint_eq(s.pc, A(0x200));
    ck_assert_uint_eq(reg(0), 0);
    ck_assert_uint_eq(reg(TT_REG_LR), A(0x109));
    assert_clean();
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_BREAKPOINT);
    ck_assert_uint_eq(s.pc, A(0x200));
    ck_assert_uint_eq(reg(0), 1); /* exactly one more loop iteration */
    ck_assert_uint_eq(s.seq, 3);
}
END_TEST

START_TEST(test_memory_hides_breakpoints_while_running)
{
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x202)), TT_OK);
    tt_double_set_budget(1);
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    tt_loop_once(&t, NULL, NULL);
    ck_assert_int_eq(t.state, TT_TARGET_RUNNING);
    ck_assert_uint_eq(tt_double_peek16(A(0x202)), 0xBE00);
    uint8_t b[4];
    ck_assert_int_eq(tt_target_mem_read(&t, A(0x200), b, 4), TT_OK);
    ck_assert_uint_eq(b[2] | b[3] << 8, 0xBF00);
    /* A write over the BKPT changes the saved instruction, the BKPT stays armed. */
    const uint8_t w[2] = {0x01, 0x30};
    ck_assert_int_eq(tt_target_mem_write(&t, A(0x202), w, 2), TT_OK);
    ck_assert_uint_eq(tt_double_peek16(A(0x202)), 0xBE00);
    ck_assert_int_eq(tt_target_mem_read(&t, A(0x201), b, 2), TT_OK);
    ck_assert_uint_eq(b[1], 0x01);
    ck_assert_int_eq(tt_target_halt(&t), TT_OK);
    ck_assert_uint_eq(tt_double_peek16(A(0x202)), 0x3001);
    assert_clean();
}
END_TEST

START_TEST(test_single_step) /* [DBG] software single step, into a call and back */
{
    static const uint32_t expect[] = {0x102, 0x104, 0x200, 0x202, 0x204, 0x108, 0x10A, 0x102};
    for (unsigned i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        ck_assert_int_eq(tt_target_resume(&t, TT_RUN_STEP, 0, 0), TT_OK);
        struct tt_target_stop s = run_to_stop();
        ck_assert_int_eq(s.reason, TT_STOP_STEP);
        ck_assert_uint_eq(s.pc, A(expect[i]));
        assert_clean();
    }
    ck_assert_uint_eq(reg(0), 1);
    ck_assert_uint_eq(tt_double_executed(), 8);
}
END_TEST

START_TEST(test_range_step_loop) /* [DBG] range step: one request, many instructions */
{
    set_pc(A(0x302));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_RANGE, A(0x302), A(0x308)), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_STEP);
    ck_assert_uint_eq(s.pc, A(0x308));
    ck_assert_uint_eq(reg(0), 5);
    ck_assert_uint_eq(t.steps, 15);
    assert_clean();
}
END_TEST

START_TEST(test_range_step_stops_at_breakpoint)
{
    set_pc(A(0x302));
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x304)), TT_OK);
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_RANGE, A(0x302), A(0x308)), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_BREAKPOINT);
    ck_assert_uint_eq(s.pc, A(0x304));
    ck_assert_uint_eq(reg(0), 1);
}
END_TEST

START_TEST(test_range_step_bad_range)
{
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_RANGE, A(0x308), A(0x302)), TT_ERR_ARG);
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_RANGE, A(0x302), A(0x302)), TT_ERR_ARG);
    ck_assert_int_eq(t.state, TT_TARGET_HALTED);
}
END_TEST

START_TEST(test_step_over_secure_call) /* [SEC] no BKPT in Secure code: step over veneers */
{
    set_pc(A(0x400));
    tt_double_regs()->r[3] = 0x10100001u;
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_STEP, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_STEP);
    ck_assert_uint_eq(s.pc, A(0x402));
    ck_assert_uint_eq(reg(0), 42);
}
END_TEST

START_TEST(test_app_bkpt_instruction)
{
    set_pc(A(0x500));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_BKPT_INSN);
    ck_assert_uint_eq(s.pc, A(0x500));
    unsigned long before = tt_double_executed();
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_STEP, 0, 0), TT_OK);
    ck_assert_int_eq(t.state, TT_TARGET_HALTED); /* completed without running */
    ck_assert(tt_target_take_stop(&t, &s));
    ck_assert_int_eq(s.reason, TT_STOP_STEP);
    ck_assert_uint_eq(s.pc, A(0x502));
    ck_assert_uint_eq(tt_double_executed(), before);
}
END_TEST

START_TEST(test_fault_stop) /* [DBG] fault capture */
{
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x200)), TT_OK);
    set_pc(A(0x600));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_FAULT);
    ck_assert_uint_eq(s.pc, A(0x602));
    ck_assert_uint_eq(s.fault.cfsr_ns, 1u << 16);
    ck_assert_uint_eq(s.fault.hfsr, 1u << 30);
    assert_clean();
}
END_TEST

START_TEST(test_exception_return_not_steppable)
{
    set_pc(A(0x700));
    tt_double_regs()->r[TT_REG_LR] = 0xFFFFFFBCu;
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_STEP, 0, 0), TT_ERR_DBG_STEP);
    ck_assert_int_eq(t.state, TT_TARGET_HALTED);
    struct tt_target_stop s;
    ck_assert(!tt_target_take_stop(&t, &s));
    assert_clean();
}
END_TEST

/* A breakpoint on an exception return cannot be stepped off: continue skips it once. */
START_TEST(test_continue_from_unsteppable_breakpoint)
{
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x700)), TT_OK);
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x200)), TT_OK);
    set_pc(A(0x700));
    tt_double_regs()->r[TT_REG_LR] = 0xFFFFFFBCu;
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    ck_assert_uint_eq(tt_double_peek16(A(0x700)), 0x4770); /* not armed under the PC */
    ck_assert_uint_eq(tt_double_peek16(A(0x200)), 0xBE00); /* the others are */
    struct tt_target_stop s = run_to_stop(); /* the double faults on the magic value */
    ck_assert_int_eq(s.reason, TT_STOP_FAULT);
    ck_assert_int_eq(tt_target_bp_find(&t, A(0x700)) >= 0, 1);
    assert_clean();
}
END_TEST

START_TEST(test_halt_running_app)
{
    tt_double_set_budget(10);
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x700)), TT_OK); /* never reached */
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    for (int i = 0; i < 5; i++)
        tt_loop_once(&t, NULL, NULL);
    ck_assert_int_eq(t.state, TT_TARGET_RUNNING);
    ck_assert_uint_eq(tt_double_executed(), 50);
    ck_assert_int_eq(tt_target_halt(&t), TT_OK);
    struct tt_target_stop s;
    ck_assert(tt_target_take_stop(&t, &s));
    ck_assert_int_eq(s.reason, TT_STOP_HALT);
    ck_assert(!tt_target_take_stop(&t, &s));
    ck_assert_int_eq(tt_target_halt(&t), TT_OK); /* already halted: no new stop */
    ck_assert(!tt_target_take_stop(&t, &s));
    assert_clean();
}
END_TEST

START_TEST(test_access_refused_outside_app) /* [SEC] Secure memory is never reachable */
{
    static const struct {
        uint32_t addr, len;
        int bp_bad; /* the halfword at addr itself is outside too */
    } bad[] = {
        {0x38000000u, 4, 1},                  /* Secure data */
        {0x10000000u, 4, 1},                  /* Secure code */
        {0x10100000u, 32, 1},                 /* NSC veneers */
        {0x00100000u, 4, 1},                  /* NS alias of Secure code */
        {TT_DOUBLE_RAM_BASE - 2, 4, 1},       /* straddles into the app RAM from below */
        {RAM_TOP - 2, 4, 0},                  /* straddles the end of app RAM */
        {0xFFFFFFFFu, 2, 1},                  /* wraps around */
        {TT_DOUBLE_RAM_BASE, 0xFFFFFFFFu, 0}, /* length overflow */
    };
    uint8_t buf[64];
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t n = bad[i].len > sizeof buf ? (uint32_t)sizeof buf : bad[i].len;
        ck_assert_int_eq(tt_port_app_mem_check(bad[i].addr, bad[i].len, TT_ACCESS_READ),
                         TT_ERR_DBG_ACCESS);
        if (bad[i].len <= sizeof buf) {
            ck_assert_int_eq(tt_target_mem_read(&t, bad[i].addr, buf, n), TT_ERR_DBG_ACCESS);
            ck_assert_int_eq(tt_target_mem_write(&t, bad[i].addr, buf, n), TT_ERR_DBG_ACCESS);
        }
        if (bad[i].bp_bad)
            ck_assert_int_eq(tt_target_bp_set(&t, bad[i].addr & ~1u), TT_ERR_DBG_ACCESS);
    }
    ck_assert_int_eq(tt_target_mem_read(&t, TT_DOUBLE_RAM_BASE, buf, 0), TT_ERR_ARG);
    struct tt_app_regs r;
    ck_assert_int_eq(tt_target_regs_read(&t, &r), TT_OK);
    struct tt_app_regs w = r;
    w.r[TT_REG_SP] = 0x38001000u;
    ck_assert_int_eq(tt_target_regs_write(&t, &w), TT_ERR_DBG_ACCESS);
    struct tt_app_regs after;
    ck_assert_int_eq(tt_target_regs_read(&t, &after), TT_OK);
    ck_assert_mem_eq(&after, &r, sizeof r);
    /* The whole app RAM and code are reachable. */
    ck_assert_int_eq(tt_target_mem_read(&t, RAM_TOP - 64, buf, 64), TT_OK);
    ck_assert_int_eq(tt_target_mem_read(&t, A(0), buf, 64), TT_OK);
}
END_TEST

START_TEST(test_register_rules)
{
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    struct tt_app_regs r;
    ck_assert_int_eq(tt_target_regs_read(&t, &r), TT_ERR_DBG_RUNNING);
    ck_assert_int_eq(tt_target_regs_write(&t, &r), TT_ERR_DBG_RUNNING);
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_STEP, 0, 0), TT_ERR_DBG_RUNNING);
    ck_assert_int_eq(tt_target_halt(&t), TT_OK);
    tt_double_regs()->r[TT_REG_XPSR] = 0x01000003u; /* T, IPSR = 3 */
    ck_assert_int_eq(tt_target_regs_read(&t, &r), TT_OK);
    r.r[TT_REG_XPSR] = 0xF0000000u; /* flags only; tries to clear T and IPSR */
    r.r[TT_REG_PC] = A(0x301);
    r.r[7] = 0x1234;
    ck_assert_int_eq(tt_target_regs_write(&t, &r), TT_OK);
    ck_assert_uint_eq(reg(TT_REG_XPSR), 0xF1000003u);
    ck_assert_uint_eq(reg(TT_REG_PC), A(0x300));
    ck_assert_uint_eq(reg(7), 0x1234);
}
END_TEST

START_TEST(test_breakpoint_table)
{
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x101)), TT_ERR_ARG);
    for (unsigned i = 0; i < TT_TARGET_MAX_BREAKPOINTS; i++)
        ck_assert_int_eq(tt_target_bp_set(&t, A(0x1000 + 2 * i)), TT_OK);
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x1000)), TT_OK); /* duplicate: no new slot */
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x2000)), TT_ERR_DBG_BP_FULL);
    ck_assert_int_eq(tt_target_bp_clear(&t, A(0x3000)), TT_OK); /* unknown: no-op */
    ck_assert_int_eq(tt_target_bp_clear(&t, A(0x1000)), TT_OK);
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x2000)), TT_OK);
    tt_target_bp_clear_all(&t);
    ck_assert_int_eq(tt_target_bp_find(&t, A(0x2000)), -1);
}
END_TEST

START_TEST(test_reset_removes_breakpoints)
{
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x202)), TT_OK);
    tt_double_set_budget(3);
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    tt_loop_once(&t, NULL, NULL);
    ck_assert_uint_eq(tt_double_peek16(A(0x202)), 0xBE00);
    ck_assert_int_eq(tt_target_reset_app(&t), TT_OK);
    assert_clean();
    struct tt_target_stop s;
    ck_assert(tt_target_take_stop(&t, &s));
    ck_assert_int_eq(s.reason, TT_STOP_RESET);
    ck_assert_uint_eq(s.pc, A(0x100));
    ck_assert_uint_eq(reg(TT_REG_SP), RAM_TOP);
}
END_TEST

START_TEST(test_step_from_breakpoint)
{
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x200)), TT_OK);
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_uint_eq(s.pc, A(0x200));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_STEP, 0, 0), TT_OK);
    s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_STEP);
    ck_assert_uint_eq(s.pc, A(0x202));
    assert_clean();
}
END_TEST

static int service_calls;
static void count_service(void *ctx, struct tt_target *tg)
{
    (void)tg;
    service_calls += *(int *)ctx;
}

START_TEST(test_loop_runs_service_then_app)
{
    int one = 1;
    service_calls = 0;
    tt_loop_once(&t, count_service, &one); /* halted: service, then idle */
    ck_assert_int_eq(service_calls, 1);
    ck_assert_uint_eq(tt_double_executed(), 0);
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    tt_loop_once(&t, count_service, &one);
    ck_assert_int_eq(service_calls, 2);
    ck_assert_uint_eq(tt_double_executed(), 64);
}
END_TEST


/* ---- write watchpoints without comparators ([DBG-080]..[DBG-085]) ---- */

#define WATCHED (TT_DOUBLE_RAM_BASE + 0x10u)

START_TEST(test_watchpoint_stops_after_the_write) /* [DBG-081], [DBG-034] */
{
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED, 4), TT_OK);
    tt_double_regs()->r[1] = WATCHED;
    set_pc(A(0x800));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_WATCHPOINT);
    ck_assert_uint_eq(s.watch_addr, WATCHED);
    ck_assert_uint_eq(s.pc, A(0x80a)); /* the instruction after the store */
    ck_assert_uint_eq(reg(0), 3);
    uint8_t b[4];
    ck_assert_int_eq(tt_target_mem_read(&t, WATCHED, b, 4), TT_OK);
    ck_assert_uint_eq(b[0], 3);
    assert_clean();
    /* the same value written again is no change: the run goes on to the breakpoint */
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x80c)), TT_OK);
    set_pc(A(0x808));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_BREAKPOINT);
    ck_assert_uint_eq(s.pc, A(0x80c));
    assert_clean();
}
END_TEST

START_TEST(test_watchpoint_runs_one_instruction_per_turn) /* [DBG-083] */
{
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED + 8, 2), TT_OK); /* never written */
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    for (int i = 0; i < 50; i++)
        tt_loop_once(&t, NULL, NULL);
    ck_assert_int_eq(t.state, TT_TARGET_RUNNING);
    ck_assert_uint_eq(tt_double_executed(), 50);
    ck_assert_int_eq(tt_target_halt(&t), TT_OK);
    struct tt_target_stop s;
    ck_assert(tt_target_take_stop(&t, &s));
    ck_assert_int_eq(s.reason, TT_STOP_HALT);
    assert_clean();
    /* cleared: full speed again (the double's budget per turn) */
    ck_assert_int_eq(tt_target_wp_clear(&t, WATCHED + 8, 2), TT_OK);
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    tt_loop_once(&t, NULL, NULL);
    ck_assert_uint_eq(tt_double_executed(), 50 + 64);
}
END_TEST

START_TEST(test_watchpoint_table) /* [DBG-080], [DBG-082] */
{
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED, 0), TT_ERR_ARG);
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED, TT_TARGET_WATCH_MAX_LEN + 1), TT_ERR_ARG);
    ck_assert_int_eq(tt_target_wp_set(&t, 0x38000000u, 4), TT_ERR_DBG_ACCESS); /* Secure */
    ck_assert_int_eq(tt_target_wp_set(&t, RAM_TOP - 2, 4), TT_ERR_DBG_ACCESS); /* past the end */
    for (uint32_t k = 0; k < TT_TARGET_MAX_WATCHPOINTS; k++)
        ck_assert_int_eq(tt_target_wp_set(&t, WATCHED + 8 * k, 4), TT_OK);
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED, 4), TT_OK); /* idempotent */
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED + 0x100, 4), TT_ERR_DBG_BP_FULL);
    ck_assert_int_eq(tt_target_wp_clear(&t, WATCHED + 0x100, 4), TT_OK); /* unknown: no-op */
    ck_assert_int_eq(tt_target_wp_clear(&t, WATCHED, 4), TT_OK);
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED + 0x100, 4), TT_OK);
    tt_target_wp_clear_all(&t);
    ck_assert(!tt_target_wp_any(&t));
}
END_TEST

START_TEST(test_watchpoint_in_single_step) /* a step that writes reports the watchpoint */
{
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED, 4), TT_OK);
    tt_double_regs()->r[0] = 7;
    tt_double_regs()->r[1] = WATCHED;
    set_pc(A(0x808));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_STEP, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_WATCHPOINT);
    ck_assert_uint_eq(s.watch_addr, WATCHED);
    ck_assert_uint_eq(s.pc, A(0x80a));
}
END_TEST

/* ---- watchpoints in the port's comparators ([DBG-087]..[DBG-089]): the double's unit */

START_TEST(test_unit_watchpoint_runs_at_full_speed) /* [DBG-087] */
{
    tt_double_set_watch_units(4);
    struct tt_target_wp_limits l;
    tt_target_wp_limits(&l);
    ck_assert(l.hw);
    ck_assert_uint_eq(l.count, 4);
    ck_assert_uint_eq(l.slowdown, 1);
    ck_assert_uint_eq(l.kinds, 7u);
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED, 4), TT_OK);
    ck_assert(!tt_target_wp_any(&t)); /* nothing for the core to step */
    tt_double_regs()->r[1] = WATCHED;
    set_pc(A(0x800));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    tt_loop_once(&t, NULL, NULL); /* one turn: the whole loop and the store */
    ck_assert_int_eq(t.state, TT_TARGET_HALTED);
    struct tt_target_stop s;
    ck_assert(tt_target_take_stop(&t, &s));
    ck_assert_int_eq(s.reason, TT_STOP_WATCHPOINT);
    ck_assert_uint_eq(s.watch_addr, WATCHED);
    ck_assert_uint_eq(s.pc, A(0x80a)); /* after the store, as stepping reports it */
    ck_assert_uint_eq(tt_double_executed(), 11); /* movs, 3 x (adds cmp bne), str */
    /* a comparator sees a write of the value already there ([DBG-088]) */
    set_pc(A(0x808));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_WATCHPOINT);
    ck_assert_uint_eq(s.pc, A(0x80a));
    assert_clean();
}
END_TEST

START_TEST(test_unit_watchpoint_kinds_and_table) /* [DBG-088], [DBG-089] */
{
    /* Without a unit only WRITE is accepted: comparing values cannot see reads. */
    ck_assert_int_eq(tt_target_wp_set_kind(&t, WATCHED, 4, TT_WATCH_READ),
                     TT_ERR_MSG_UNSUPPORTED);
    tt_double_set_watch_units(2);
    ck_assert_int_eq(tt_target_wp_set_kind(&t, WATCHED, 4, TT_WATCH_READ), TT_OK);
    ck_assert_int_eq(tt_target_wp_set_kind(&t, WATCHED, 4, TT_WATCH_READ), TT_OK); /* same */
    ck_assert_int_eq(tt_target_wp_set_kind(&t, WATCHED, 4, TT_WATCH_ACCESS), TT_OK);
    /* Limits.watchpoints is the unit's 2: a third is refused by the table, not the port */
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED + 8, 4), TT_ERR_DBG_BP_FULL);
    ck_assert_int_eq(tt_target_wp_set_kind(&t, 0x38000000u, 4, TT_WATCH_READ),
                     TT_ERR_DBG_ACCESS);
    /* a READ watchpoint does not stop on the store, the ACCESS one does */
    ck_assert_int_eq(tt_target_wp_clear_kind(&t, WATCHED, 4, TT_WATCH_ACCESS), TT_OK);
    tt_double_regs()->r[1] = WATCHED;
    ck_assert_int_eq(tt_target_bp_set(&t, A(0x80c)), TT_OK);
    set_pc(A(0x808));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_BREAKPOINT);
    ck_assert_int_eq(tt_target_wp_set_kind(&t, WATCHED, 4, TT_WATCH_ACCESS), TT_OK);
    set_pc(A(0x808));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_CONTINUE, 0, 0), TT_OK);
    s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_WATCHPOINT);
    /* clear_all (detach, [DBG-085]) frees the port's comparators too */
    tt_target_wp_clear_all(&t);
    ck_assert_int_eq(tt_port_watch_set(WATCHED, 4, TT_WATCH_WRITE), TT_OK);
    ck_assert_int_eq(tt_port_watch_set(WATCHED + 8, 4, TT_WATCH_WRITE), TT_OK);
    ck_assert_int_eq(tt_port_watch_set(WATCHED + 16, 4, TT_WATCH_WRITE), TT_ERR_DBG_BP_FULL);
}
END_TEST

START_TEST(test_unit_watchpoint_in_single_step) /* [DBG-083] with the unit */
{
    tt_double_set_watch_units(4);
    ck_assert_int_eq(tt_target_wp_set(&t, WATCHED, 4), TT_OK);
    tt_double_regs()->r[0] = 7;
    tt_double_regs()->r[1] = WATCHED;
    set_pc(A(0x808));
    ck_assert_int_eq(tt_target_resume(&t, TT_RUN_STEP, 0, 0), TT_OK);
    struct tt_target_stop s = run_to_stop();
    ck_assert_int_eq(s.reason, TT_STOP_WATCHPOINT);
    ck_assert_uint_eq(s.watch_addr, WATCHED);
    ck_assert_uint_eq(s.pc, A(0x80a));
    assert_clean();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("target_control");
    TCase *tc = tcase_create("target");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_breakpoint_hit_and_rehit);
    tcase_add_test(tc, test_memory_hides_breakpoints_while_running);
    tcase_add_test(tc, test_single_step);
    tcase_add_test(tc, test_range_step_loop);
    tcase_add_test(tc, test_range_step_stops_at_breakpoint);
    tcase_add_test(tc, test_range_step_bad_range);
    tcase_add_test(tc, test_step_over_secure_call);
    tcase_add_test(tc, test_app_bkpt_instruction);
    tcase_add_test(tc, test_fault_stop);
    tcase_add_test(tc, test_exception_return_not_steppable);
    tcase_add_test(tc, test_continue_from_unsteppable_breakpoint);
    tcase_add_test(tc, test_halt_running_app);
    tcase_add_test(tc, test_access_refused_outside_app);
    tcase_add_test(tc, test_register_rules);
    tcase_add_test(tc, test_breakpoint_table);
    tcase_add_test(tc, test_reset_removes_breakpoints);
    tcase_add_test(tc, test_step_from_breakpoint);
    tcase_add_test(tc, test_loop_runs_service_then_app);
    tcase_add_test(tc, test_watchpoint_stops_after_the_write);
    tcase_add_test(tc, test_watchpoint_runs_one_instruction_per_turn);
    tcase_add_test(tc, test_watchpoint_table);
    tcase_add_test(tc, test_watchpoint_in_single_step);
    tcase_add_test(tc, test_unit_watchpoint_runs_at_full_speed);
    tcase_add_test(tc, test_unit_watchpoint_kinds_and_table);
    tcase_add_test(tc, test_unit_watchpoint_in_single_step);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
