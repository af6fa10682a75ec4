/* thumb_next_pc.h — where does a Thumb-2 (ARMv8-M Mainline) instruction send the PC?
 *
 * The software single-stepper needs this on cores whose debug hardware cannot step (QEMU's
 * M33 has no DebugMonitor, FPB or DWT): it decodes the instruction at PC, evaluates its
 * condition (own condition or IT block) against the flags in xPSR, reads the memory the
 * instruction would read (POP/LDM/LDR to PC, TBB/TBH tables) through a caller callback, and
 * says where execution goes next, so a temporary BKPT can be placed there. Pure function:
 * no state, no I/O other than the callback. Depends on tether/err.h only. */
#ifndef TT_THUMB_NEXT_PC_H
#define TT_THUMB_NEXT_PC_H

#include <stdint.h>

#include "tether/err.h"

/* What kind of control transfer the instruction makes. */
enum tt_thumb_next_kind {
    TT_THUMB_GOTO,       /* next = the next instruction executed (sequential or a branch) */
    TT_THUMB_CALL,       /* BL/BLX: next = callee, ret = the return address */
    TT_THUMB_WAIT,       /* WFI/WFE: next = following instruction, may sleep first */
    TT_THUMB_SVC,        /* SVC: the handler runs, then next (= the following instruction) */
    TT_THUMB_BKPT,       /* BKPT: traps without executing; next = following instruction */
    TT_THUMB_EXC_RETURN, /* branch to an EXC_RETURN value (0xFFxxxxxx): next = that value */
    TT_THUMB_FNC_RETURN, /* branch to FNC_RETURN (0xFEFFFFFE/F): returns to Secure caller */
    TT_THUMB_FAULT       /* UDF, undefined/unpredictable encoding or bad interworking
                            address: executing it faults, next is unknown */
};

struct tt_thumb_next {
    enum tt_thumb_next_kind kind;
    uint32_t next;  /* address (bit 0 clear) or magic value, see kind */
    uint32_t ret;   /* CALL: return address; otherwise address of the following insn */
    uint8_t len;    /* instruction length in bytes, 2 or 4 */
};

/* r[15] holds the address of the instruction itself (not +4); xpsr carries NZCV (31..28)
 * and ITSTATE (26:25 and 15:10). */
struct tt_thumb_regs {
    uint32_t r[16];
    uint32_t xpsr;
};

/* Reads len (1, 2 or 4) bytes of little-endian data at addr; returns an error if the address
 * is not readable, which the decoder passes back unchanged. */
typedef tt_err (*tt_thumb_read_fn)(void *ctx, uint32_t addr, uint32_t len, uint32_t *value);

/* True when the first halfword starts a 32-bit instruction. */
int tt_thumb_is_32bit(uint16_t hw1);

/* Decodes insn[0] (and insn[1] for 32-bit instructions) located at regs->r[15]. The
 * halfwords are passed in, not read, so the caller can hand over the original instruction
 * hidden under a breakpoint. */
TT_MUST_CHECK tt_err tt_thumb_next_pc(const uint16_t insn[2], const struct tt_thumb_regs *regs,
                                      tt_thumb_read_fn read, void *read_ctx,
                                      struct tt_thumb_next *out);

#endif
