/* dbgmon.c — the monitor-mode debug backend: DebugMonitor in the Secure state, FPBv2
 * breakpoints, DWT watchpoints, MON_STEP single step.
 *
 * DEMCR.SDME is read-only and follows "is Secure self-hosted debug allowed": writing
 * DAUTHCTRL.SPIDENSEL = 1 with INTSPIDEN = 1 allows it from software, so the DebugMonitor
 * exception is taken Secure (SDME = 1) and the supervisor, not the app, sees every debug
 * event. With a probe attached (DHCSR.C_DEBUGEN = 1) halting debug wins and the monitor stays
 * idle; the app's BKPTs then reach the HardFault path (../armv8m/parked_context.c). Comparator counts are
 * read at run time (FP_CTRL.NUM_CODE, DWT_CTRL.NUMCOMP and each DWT_FUNCTIONn.ID); the
 * register values come from dbg_encode.c and the step logic from mon_step.c, both
 * host-tested. The DWT is port.h's watchpoint unit (tt_port_watch_*, over dwt_watch.c,
 * host-tested): the core sets the app's watchpoints in it and the app runs at full speed.
 * chip_hw_bkpt_* serve ../armv8m/parked_context.c for the app's flash; the core steps with a
 * temporary breakpoint, which here is one more FPB comparator (MON_STEP, u585_app_step, is
 * ready but port.h has no step primitive). Depends on u585.h, dbg_encode.h, dwt_watch.h,
 * mon_step.h. */
#include "u585.h"

#include "dbg_encode.h"
#include "dwt_watch.h"
#include "mon_step.h"

static unsigned fpb_num;
static uint32_t fpb_used, fpb_addr[U585_FPB_MAX];
static struct u585_dwt dwt;
static struct u585_step step;

void u585_debug_init(void)
{
    REG32(DCB_DAUTHCTRL) = DAUTHCTRL_SPIDENSEL | DAUTHCTRL_INTSPIDEN;
    REG32(DCB_DEMCR) |= DEMCR_TRCENA | DEMCR_MON_EN;
    uint32_t fp_ctrl = REG32(FPB_CTRL);
    fpb_num = u585_fpb_num_code(fp_ctrl);
    if (fpb_num > U585_FPB_MAX)
        fpb_num = U585_FPB_MAX;
    for (unsigned i = 0; i < fpb_num; i++)
        REG32(FPB_COMP(i)) = 0;
    REG32(FPB_CTRL) = U585_FPB_CTRL_ENABLE;
    u585_dwt_init(&dwt, &u585_reg_io);
}

tt_err chip_hw_bkpt_set(uint32_t addr)
{
    uint32_t comp;
    tt_err e = u585_fpb_comp(addr, &comp);
    if (e != TT_OK)
        return e;
    for (unsigned i = 0; i < fpb_num; i++)
        if ((fpb_used & (1u << i)) && fpb_addr[i] == addr)
            return TT_OK;
    int n = u585_fpb_alloc(fpb_used, fpb_num);
    if (n < 0)
        return TT_ERR_DBG_BP_FULL;
    fpb_addr[n] = addr;
    fpb_used |= 1u << n;
    REG32(FPB_COMP(n)) = comp;
    return TT_OK;
}

tt_err chip_hw_bkpt_clear(uint32_t addr)
{
    for (unsigned i = 0; i < fpb_num; i++)
        if ((fpb_used & (1u << i)) && fpb_addr[i] == addr) {
            REG32(FPB_COMP(i)) = 0;
            fpb_used &= ~(1u << i);
        }
    return TT_OK;
}

/* ---- port.h's watchpoint unit: the DWT (dwt_watch.c). A DWT match raises the DebugMonitor
 * after the accessing instruction; park.S keeps DFSR, and DWTTRAP says it was the DWT. */
void tt_port_watch_caps(struct tt_port_watch_caps *out)
{
    u585_dwt_caps(&dwt, out);
}

tt_err tt_port_watch_set(uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    if (tt_port_app_mem_check(addr, len, TT_ACCESS_READ) != TT_OK)
        return TT_ERR_DBG_ACCESS; /* only the app's memory may be watched */
    return u585_dwt_set(&dwt, addr, len, kind);
}

tt_err tt_port_watch_clear(uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    u585_dwt_clear(&dwt, addr, len, kind);
    return TT_OK;
}

int tt_port_watch_hit(uint32_t *addr)
{
    if (!(armv8m_park.dfsr & DFSR_DWTTRAP))
        return 0;
    armv8m_park.dfsr &= ~DFSR_DWTTRAP; /* reported once */
    return u585_dwt_hit(&dwt, addr);
}

/* The supervisor's reads of watched app memory (Secure accesses the DWT also matches; park.S
 * ignores their DebugMonitor events) must not be taken for the app's next match. */
void chip_app_resuming(void)
{
    u585_dwt_drain(&dwt);
}

uint32_t u585_last_dfsr(void)
{
    return armv8m_park.dfsr;
}

static uint32_t get_basepri(void) { uint32_t v; __asm__ volatile("mrs %0, basepri" : "=r"(v)); return v; }
static void set_basepri(uint32_t v) { __asm__ volatile("msr basepri, %0" ::"r"(v) : "memory"); }

tt_err u585_app_step(enum tt_app_park *park, struct tt_app_fault *fault)
{
    struct tt_app_regs r;
    uint8_t b[4] = {0};
    tt_err e = tt_port_app_regs_read(&r);
    if (e == TT_OK)
        e = tt_port_app_mem_read(r.r[TT_REG_PC], b, 2);
    if (e != TT_OK)
        return e;
    uint16_t insn[2] = {(uint16_t)(b[0] | b[1] << 8), 0};
    if ((insn[0] & 0xF800u) >= 0xE800u) { /* 32-bit encoding: the second halfword too */
        e = tt_port_app_mem_read(r.r[TT_REG_PC] + 2u, b + 2, 2);
        if (e != TT_OK)
            return e;
        insn[1] = (uint16_t)(b[2] | b[3] << 8);
    }
    if ((insn[0] & 0xFF00u) == 0xDF00u)
        return TT_ERR_DBG_STEP; /* SVC: the app's handler is masked while stepping */
    enum u585_step_plan plan;
    uint32_t hold;
    e = u585_step_begin(&step, insn, &r, get_basepri(), U585_PRIO_MONITOR, &plan, &hold);
    if (e != TT_OK)
        return e;
    if (plan == U585_PLAN_EMULATED) {
        *park = TT_PARK_BKPT;
        return tt_port_app_regs_write(&r);
    }
    set_basepri(hold);
    for (;;) {
        REG32(DCB_DEMCR) |= DEMCR_MON_STEP; /* park.S clears it at every park */
        *park = tt_port_app_run(fault);
        uint32_t restore;
        enum u585_step_result res = u585_step_on_park(&step, *park, armv8m_park.dfsr, &restore);
        if (res == U585_STEP_AGAIN)
            continue; /* the supervisor took a turn (tick/link); the step is still owed */
        set_basepri(restore);
        return TT_OK;
    }
}
