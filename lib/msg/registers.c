/* registers.c — wire register numbers and CoreRegisters <-> array (registers.h). */
#include "tether/registers.h"

int tt_reg_index(uint32_t n)
{
    if (n <= TT_REGNUM_PC)
        return (int)n;
    if (n >= TT_REGNUM_XPSR && n <= TT_REGNUM_CONTROL)
        return (int)(n - TT_REGNUM_XPSR) + TT_CORE_XPSR;
    return -1;
}

uint32_t tt_reg_number(unsigned i)
{
    return i <= TT_CORE_PC ? i : TT_REGNUM_XPSR + (i - TT_CORE_XPSR);
}

void tt_core_regs_from_array(const uint32_t v[TT_CORE_REGS], tether_v1_CoreRegisters *c)
{
    *c = (tether_v1_CoreRegisters){
        .r0 = v[0], .r1 = v[1], .r2 = v[2], .r3 = v[3], .r4 = v[4], .r5 = v[5], .r6 = v[6],
        .r7 = v[7], .r8 = v[8], .r9 = v[9], .r10 = v[10], .r11 = v[11], .r12 = v[12],
        .sp = v[TT_CORE_SP], .lr = v[TT_CORE_LR], .pc = v[TT_CORE_PC], .xpsr = v[TT_CORE_XPSR],
        .msp = v[TT_CORE_MSP], .psp = v[TT_CORE_PSP], .primask = v[TT_CORE_PRIMASK],
        .basepri = v[TT_CORE_BASEPRI], .faultmask = v[TT_CORE_FAULTMASK],
        .control = v[TT_CORE_CONTROL]};
}

void tt_core_regs_to_array(const tether_v1_CoreRegisters *c, uint32_t v[TT_CORE_REGS])
{
    const uint32_t a[TT_CORE_REGS] = {
        c->r0,  c->r1,  c->r2,  c->r3,   c->r4,     c->r5,       c->r6,   c->r7,
        c->r8,  c->r9,  c->r10, c->r11,  c->r12,    c->sp,       c->lr,   c->pc,
        c->xpsr, c->msp, c->psp, c->primask, c->basepri, c->faultmask, c->control};
    for (unsigned i = 0; i < TT_CORE_REGS; i++)
        v[i] = a[i];
}
