/* mon_step.c — the DebugMonitor single-step state machine and the emulation of the
 * instructions that touch the interrupt masks (see mon_step.h). Encodings are the Armv8-M
 * ARM's (DDI 0553, C2.4): CPS T1 `1011 0110 011 im 0 0 I F`; MSR (register) T1
 * `11110 0 1110 0 0 Rn | 10 0 0 10 00 SYSm`; MRS T1 `11110 0 1111 1 0 1111 | 10 0 0 Rd SYSm`.
 * Pure functions, host-tested by ref-device/tests/test_stm32u585_step.c. Depends on
 * mon_step.h. */
#include "mon_step.h"

#include <stddef.h>

#define SYSM_PRIMASK 0x10u
#define SYSM_BASEPRI 0x11u
#define SYSM_BASEPRI_MAX 0x12u
#define SYSM_FAULTMASK 0x13u
#define XPSR_IPSR 0x1FFu
#define XPSR_IT_MASK 0x0600FC00u /* IT[1:0] at [26:25], IT[7:2] at [15:10] */
#define CONTROL_NPRIV 1u
#define DFSR_HALTED 1u
#define PRIO_STEP 0x10u /* 4 implemented priority bits: levels are 0x10 apart */

static int privileged(const struct tt_app_regs *r)
{
    return (r->r[TT_REG_XPSR] & XPSR_IPSR) != 0 || (r->r[TT_REG_CONTROL] & CONTROL_NPRIV) == 0;
}

static int emulate_cps(uint16_t hw, struct tt_app_regs *r)
{
    int disable = (hw >> 4) & 1u, i = (hw >> 1) & 1u, f = hw & 1u;
    if (!i && !f)
        return 0; /* no mask named: UNPREDICTABLE, let the hardware decide */
    if (i)
        r->r[TT_REG_PRIMASK] = (uint32_t)disable;
    if (f)
        r->r[TT_REG_FAULTMASK] = (uint32_t)disable;
    r->r[TT_REG_PC] += 2u;
    return 1;
}

static int emulate_msr(unsigned rn, unsigned sysm, struct tt_app_regs *r, uint32_t prio_mask)
{
    uint32_t v = r->r[rn];
    uint32_t bp = v & 0xFFu & prio_mask;
    switch (sysm) {
    case SYSM_PRIMASK:
        r->r[TT_REG_PRIMASK] = v & 1u;
        break;
    case SYSM_FAULTMASK:
        r->r[TT_REG_FAULTMASK] = v & 1u;
        break;
    case SYSM_BASEPRI:
        r->r[TT_REG_BASEPRI] = bp;
        break;
    case SYSM_BASEPRI_MAX: /* only ever raises the mask (a lower non-zero value) */
        if (bp != 0 && (r->r[TT_REG_BASEPRI] == 0 || bp < r->r[TT_REG_BASEPRI]))
            r->r[TT_REG_BASEPRI] = bp;
        break;
    default:
        return 0;
    }
    r->r[TT_REG_PC] += 4u;
    return 1;
}

static int emulate_mrs(unsigned rd, unsigned sysm, struct tt_app_regs *r)
{
    uint32_t v;
    switch (sysm) {
    case SYSM_PRIMASK:
        v = r->r[TT_REG_PRIMASK] & 1u;
        break;
    case SYSM_FAULTMASK:
        v = r->r[TT_REG_FAULTMASK] & 1u;
        break;
    case SYSM_BASEPRI:
    case SYSM_BASEPRI_MAX:
        v = r->r[TT_REG_BASEPRI] & 0xFFu;
        break;
    default:
        return 0;
    }
    r->r[rd] = v;
    r->r[TT_REG_PC] += 4u;
    return 1;
}

int u585_emulate_mask_insn(const uint16_t insn[2], struct tt_app_regs *regs,
                           uint32_t prio_bits_mask)
{
    if (insn == NULL || regs == NULL)
        return 0;
    /* Outside an IT block only (a conditional CPS/MSR needs the condition evaluated), and
     * only where the write takes effect (unprivileged writes are ignored by the core, and
     * the emulation would have to model that too: running it is simpler and exact). */
    if ((regs->r[TT_REG_XPSR] & XPSR_IT_MASK) != 0 || !privileged(regs))
        return 0;
    uint16_t hw = insn[0];
    if ((hw & 0xFFECu) == 0xB660u)
        return emulate_cps(hw, regs);
    if ((hw & 0xFFF0u) == 0xF380u && (insn[1] & 0xFF00u) == 0x8800u) {
        unsigned rn = hw & 0xFu;
        if (rn == 13u || rn == 15u)
            return 0;
        return emulate_msr(rn, insn[1] & 0xFFu, regs, prio_bits_mask);
    }
    if (hw == 0xF3EFu && (insn[1] & 0xF000u) == 0x8000u) {
        unsigned rd = (insn[1] >> 8) & 0xFu;
        if (rd == 13u || rd == 15u)
            return 0;
        return emulate_mrs(rd, insn[1] & 0xFFu, regs);
    }
    return 0;
}

tt_err u585_step_begin(struct u585_step *s, const uint16_t insn[2], struct tt_app_regs *regs,
                       uint32_t cur_basepri_s, uint32_t monitor_prio, enum u585_step_plan *plan,
                       uint32_t *basepri_s)
{
    if (s == NULL || insn == NULL || regs == NULL || plan == NULL || basepri_s == NULL ||
        monitor_prio > 0xFFu - PRIO_STEP)
        return TT_ERR_ARG;
    if (s->state != U585_STEP_IDLE)
        return TT_ERR_STATE;
    if (u585_emulate_mask_insn(insn, regs, 0xF0u)) {
        *plan = U585_PLAN_EMULATED;
        return TT_OK;
    }
    /* Mask everything at or below the monitor's priority, except the monitor itself. A
     * stricter mask already held by the supervisor is kept, unless it would hide the
     * monitor: then the step could never end. */
    uint32_t want = monitor_prio + PRIO_STEP;
    uint32_t hold = (cur_basepri_s != 0 && cur_basepri_s < want) ? cur_basepri_s : want;
    if (hold <= monitor_prio)
        return TT_ERR_STATE;
    s->saved_basepri = cur_basepri_s;
    s->start_pc = regs->r[TT_REG_PC];
    *basepri_s = hold;
    *plan = U585_PLAN_RUN;
    s->state = U585_STEP_RUNNING;
    return TT_OK;
}

enum u585_step_result u585_step_on_park(struct u585_step *s, enum tt_app_park park,
                                        uint32_t dfsr, uint32_t *restore_basepri)
{
    enum u585_step_result r;
    if (s->state != U585_STEP_RUNNING) { /* nothing was stepping: nothing to undo */
        *restore_basepri = s->saved_basepri;
        return U585_STEP_DONE;
    }
    if (park == TT_PARK_PREEMPTED)
        return U585_STEP_AGAIN;
    if (park == TT_PARK_FAULT)
        r = U585_STEP_FAULTED;
    else if (dfsr & DFSR_HALTED)
        r = U585_STEP_DONE; /* the step ended, maybe on a breakpoint: the caller sees the PC */
    else
        r = U585_STEP_BREAK;
    *restore_basepri = s->saved_basepri;
    s->state = U585_STEP_IDLE;
    return r;
}
