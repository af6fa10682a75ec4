/* registers.h — the debug service's core registers, written once for both ends.
 *
 * On the wire a register is named by GDB's ARM M-profile number (spec/services/debug.md
 * "Register numbers"): r0-r12, sp, lr, pc are 0-15, then xpsr, msp, psp, primask, basepri,
 * faultmask, control are 25-31 (GDB keeps 16-24 for the old FPA registers). Both ends keep
 * the 23 values as an array in that order (the device's port.h TT_REG_*, the client's RSP
 * engine) and convert a StopEvent's CoreRegisters to and from that array here. Depends on
 * the generated tether.pb.h. */
#ifndef TETHER_REGISTERS_H
#define TETHER_REGISTERS_H

#include <stdint.h>

#include "tether.pb.h"

/* Wire numbers (GDB's). */
enum tt_reg_number {
    TT_REGNUM_SP = 13,
    TT_REGNUM_LR = 14,
    TT_REGNUM_PC = 15,
    TT_REGNUM_XPSR = 25,
    TT_REGNUM_MSP = 26,
    TT_REGNUM_PSP = 27,
    TT_REGNUM_PRIMASK = 28,
    TT_REGNUM_BASEPRI = 29,
    TT_REGNUM_FAULTMASK = 30,
    TT_REGNUM_CONTROL = 31
};

/* Array indexes (the order of the 23 values). */
enum tt_core_reg {
    TT_CORE_SP = 13,
    TT_CORE_LR = 14,
    TT_CORE_PC = 15,
    TT_CORE_XPSR = 16,
    TT_CORE_MSP = 17,
    TT_CORE_PSP = 18,
    TT_CORE_PRIMASK = 19,
    TT_CORE_BASEPRI = 20,
    TT_CORE_FAULTMASK = 21,
    TT_CORE_CONTROL = 22,
    TT_CORE_REGS = 23
};

/* Array index of wire number n, or -1 if n names none of the 23. */
int tt_reg_index(uint32_t n);
/* Wire number of array index i (0 <= i < TT_CORE_REGS). */
uint32_t tt_reg_number(unsigned i);

void tt_core_regs_from_array(const uint32_t v[TT_CORE_REGS], tether_v1_CoreRegisters *c);
void tt_core_regs_to_array(const tether_v1_CoreRegisters *c, uint32_t v[TT_CORE_REGS]);

#endif
