/* thumb_next_pc.c — Thumb-2 next-PC decoder for the software single-stepper.
 *
 * Covers every ARMv8-M Mainline instruction that can write the PC: B (T1-T4), BL, BX/BLX
 * (and BXNS/BLXNS, treated alike), CBZ/CBNZ, MOV/ADD PC (16-bit), POP/LDM/LDMDB with PC,
 * LDR PC (literal, immediate, pre/post-indexed, register), TBB/TBH, plus the traps (BKPT,
 * SVC, UDF) and waits (WFI/WFE). Anything else goes to the following instruction. Inside an
 * IT block an instruction whose condition fails is skipped (BKPT still traps: it executes
 * unconditionally). Values loaded into the PC follow interworking rules: bit 0 clear faults,
 * EXC_RETURN and FNC_RETURN magic values are reported as such. Encodings from the ARMv8-M
 * Architecture Reference Manual; depends on thumb_next_pc.h only. */
#include "thumb_next_pc.h"

#include <stddef.h>

#define XPSR_N (1u << 31)
#define XPSR_Z (1u << 30)
#define XPSR_C (1u << 29)
#define XPSR_V (1u << 28)

int tt_thumb_is_32bit(uint16_t hw1)
{
    uint16_t top = hw1 >> 11;
    return top == 0x1D || top == 0x1E || top == 0x1F;
}

/* ConditionPassed() for cond 0..15 (14 and 15 = always). */
static int cond_pass(uint32_t cond, uint32_t xpsr)
{
    int n = (xpsr & XPSR_N) != 0, z = (xpsr & XPSR_Z) != 0;
    int c = (xpsr & XPSR_C) != 0, v = (xpsr & XPSR_V) != 0;
    int r;
    switch (cond >> 1) {
    case 0: r = z; break;            /* EQ / NE */
    case 1: r = c; break;            /* CS / CC */
    case 2: r = n; break;            /* MI / PL */
    case 3: r = v; break;            /* VS / VC */
    case 4: r = c && !z; break;      /* HI / LS */
    case 5: r = n == v; break;       /* GE / LT */
    case 6: r = n == v && !z; break; /* GT / LE */
    default: return 1;               /* AL (and 1111, treated as always) */
    }
    return (cond & 1) ? !r : r;
}

/* ITSTATE bits 7:0 from xPSR: IT[1:0] = xPSR[26:25], IT[7:2] = xPSR[15:10]. */
static uint32_t itstate(uint32_t xpsr)
{
    return ((xpsr >> 25) & 0x3u) | ((xpsr >> 8) & 0xFCu);
}

static uint32_t sign_extend(uint32_t v, unsigned bits)
{
    uint32_t m = 1u << (bits - 1);
    v &= (bits == 32) ? 0xFFFFFFFFu : ((1u << bits) - 1u);
    return (v ^ m) - m;
}

/* Register as an operand: the PC reads as the instruction address + 4. */
static uint32_t reg(const struct tt_thumb_regs *regs, unsigned n)
{
    return n == 15 ? regs->r[15] + 4u : regs->r[n];
}

static unsigned popcount16(uint32_t v)
{
    unsigned c = 0;
    for (v &= 0xFFFFu; v; v &= v - 1)
        c++;
    return c;
}

static void go(struct tt_thumb_next *out, enum tt_thumb_next_kind kind, uint32_t next)
{
    out->kind = kind;
    out->next = next;
}

/* BXWritePC / LoadWritePC: interworking branch to a register or loaded value. */
static void bx_write_pc(struct tt_thumb_next *out, uint32_t value)
{
    if ((value & 0xFFFFFFFEu) == 0xFEFFFFFEu)
        go(out, TT_THUMB_FNC_RETURN, value);
    else if ((value >> 24) == 0xFFu)
        go(out, TT_THUMB_EXC_RETURN, value);
    else if ((value & 1u) == 0)
        go(out, TT_THUMB_FAULT, value); /* ARM state requested: INVSTATE UsageFault */
    else
        go(out, TT_THUMB_GOTO, value & ~1u);
}

static tt_err load_pc(struct tt_thumb_next *out, tt_thumb_read_fn read, void *ctx,
                      uint32_t addr)
{
    uint32_t v = 0;
    tt_err e = read(ctx, addr, 4, &v);
    if (e != TT_OK)
        return e;
    bx_write_pc(out, v);
    return TT_OK;
}

static tt_err decode16(uint16_t hw, const struct tt_thumb_regs *regs, tt_thumb_read_fn read,
                       void *ctx, struct tt_thumb_next *out)
{
    uint32_t pc = regs->r[15];

    if ((hw & 0xF000u) == 0xD000u) { /* B<c> T1, UDF T1 (cond 1110), SVC (cond 1111) */
        uint32_t cond = (hw >> 8) & 0xFu;
        if (cond == 0xE)
            go(out, TT_THUMB_FAULT, pc);
        else if (cond == 0xF)
            go(out, TT_THUMB_SVC, pc + 2);
        else if (cond_pass(cond, regs->xpsr))
            go(out, TT_THUMB_GOTO, pc + 4 + sign_extend((uint32_t)(hw & 0xFFu) << 1, 9));
        return TT_OK;
    }
    if ((hw & 0xF800u) == 0xE000u) { /* B T2 */
        go(out, TT_THUMB_GOTO, pc + 4 + sign_extend((uint32_t)(hw & 0x7FFu) << 1, 12));
        return TT_OK;
    }
    if ((hw & 0xF500u) == 0xB100u) { /* CBZ / CBNZ */
        uint32_t imm = ((uint32_t)(hw >> 9) & 1u) << 6 | ((uint32_t)(hw >> 3) & 0x1Fu) << 1;
        int zero = regs->r[hw & 7u] == 0;
        int nonzero_op = (hw >> 11) & 1u;
        if (nonzero_op ? !zero : zero)
            go(out, TT_THUMB_GOTO, pc + 4 + imm);
        return TT_OK;
    }
    if ((hw & 0xFF00u) == 0x4700u) { /* BX / BLX / BXNS / BLXNS (register) */
        unsigned m = (hw >> 3) & 0xFu;
        uint32_t target = reg(regs, m);
        if (hw & 0x80u) {            /* BLX Rm: a call */
            if (m == 15) {
                go(out, TT_THUMB_FAULT, pc);
                return TT_OK;
            }
            bx_write_pc(out, target);
            if (out->kind == TT_THUMB_GOTO)
                out->kind = TT_THUMB_CALL;
            out->ret = pc + 2;
            return TT_OK;
        }
        bx_write_pc(out, target);
        return TT_OK;
    }
    if ((hw & 0xFC00u) == 0x4400u && (hw & 0x0300u) != 0x0300u) { /* ADD/CMP/MOV hi regs */
        unsigned d = ((hw >> 4) & 0x8u) | (hw & 7u);
        unsigned m = (hw >> 3) & 0xFu;
        unsigned op = (hw >> 8) & 3u; /* 0 ADD, 1 CMP, 2 MOV */
        if (d == 15 && op == 0)
            go(out, TT_THUMB_GOTO, (reg(regs, 15) + reg(regs, m)) & ~1u);
        else if (d == 15 && op == 2)
            go(out, TT_THUMB_GOTO, reg(regs, m) & ~1u);
        return TT_OK;
    }
    if ((hw & 0xFF00u) == 0xBD00u) { /* POP {..., pc} */
        uint32_t sp = regs->r[13];
        return load_pc(out, read, ctx, sp + 4u * popcount16(hw & 0xFFu));
    }
    if ((hw & 0xFF00u) == 0xBE00u) { /* BKPT */
        go(out, TT_THUMB_BKPT, pc + 2);
        return TT_OK;
    }
    if ((hw & 0xFF00u) == 0xBF00u && (hw & 0xFu) == 0) { /* hints (IT has mask != 0) */
        uint32_t op = (hw >> 4) & 0xFu;
        if (op == 2 || op == 3) /* WFE, WFI */
            go(out, TT_THUMB_WAIT, pc + 2);
        return TT_OK;
    }
    return TT_OK;
}

static tt_err decode32(uint16_t hw1, uint16_t hw2, const struct tt_thumb_regs *regs,
                       tt_thumb_read_fn read, void *ctx, struct tt_thumb_next *out)
{
    uint32_t pc = regs->r[15];
    unsigned rn = hw1 & 0xFu;

    if ((hw1 & 0xF800u) == 0xF000u && (hw2 & 0x8000u)) { /* branches and misc control */
        uint32_t s = (hw1 >> 10) & 1u, j1 = (hw2 >> 13) & 1u, j2 = (hw2 >> 11) & 1u;
        uint32_t imm11 = hw2 & 0x7FFu;
        int link = (hw2 >> 14) & 1u, t4 = (hw2 >> 12) & 1u;
        if (!link && !t4) {
            uint32_t cond = (hw1 >> 6) & 0xFu;
            if ((cond & 0xEu) == 0xEu) { /* misc control: hints, MSR/MRS, UDF.W, ... */
                if ((hw1 & 0xFFF0u) == 0xF7F0u && (hw2 & 0xF000u) == 0xA000u)
                    go(out, TT_THUMB_FAULT, pc);     /* UDF.W */
                else if (hw1 == 0xF3DEu && (hw2 & 0xFF00u) == 0x8F00u)
                    go(out, TT_THUMB_FAULT, pc);     /* SUBS PC, LR: undefined on M */
                else if (hw1 == 0xF3AFu && ((hw2 & 0xFFu) == 2 || (hw2 & 0xFFu) == 3))
                    go(out, TT_THUMB_WAIT, pc + 4);  /* WFE.W / WFI.W */
                return TT_OK;
            }
            if (cond_pass(cond, regs->xpsr)) { /* B<c> T3 */
                uint32_t imm = s << 20 | j2 << 19 | j1 << 18 | (uint32_t)(hw1 & 0x3Fu) << 12 |
                               imm11 << 1;
                go(out, TT_THUMB_GOTO, pc + 4 + sign_extend(imm, 21));
            }
            return TT_OK;
        }
        if (link && !t4) { /* BLX immediate: ARM state, undefined on M */
            go(out, TT_THUMB_FAULT, pc);
            return TT_OK;
        }
        { /* B T4, BL */
            uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
            uint32_t imm = s << 24 | i1 << 23 | i2 << 22 | (uint32_t)(hw1 & 0x3FFu) << 12 |
                           imm11 << 1;
            go(out, link ? TT_THUMB_CALL : TT_THUMB_GOTO, pc + 4 + sign_extend(imm, 25));
            if (link)
                out->ret = pc + 4;
        }
        return TT_OK;
    }

    if ((hw2 >> 12) == 0xFu && (hw1 & 0xFF70u) == 0xF850u && rn == 15) { /* LDR PC, literal */
        uint32_t base = (pc + 4) & ~3u, imm = hw2 & 0xFFFu;
        return load_pc(out, read, ctx, (hw1 & 0x80u) ? base + imm : base - imm);
    }
    if ((hw2 >> 12) == 0xFu && (hw1 & 0xFFF0u) == 0xF8D0u) /* LDR PC, [Rn, #imm12] */
        return load_pc(out, read, ctx, reg(regs, rn) + (hw2 & 0xFFFu));
    if ((hw2 >> 12) == 0xFu && (hw1 & 0xFFF0u) == 0xF850u) {
        if (hw2 & 0x800u) { /* LDR PC, [Rn, #+-imm8]{!} / [Rn], #+-imm8 */
            uint32_t imm = hw2 & 0xFFu, base = reg(regs, rn);
            uint32_t off = (hw2 & 0x200u) ? base + imm : base - imm;
            return load_pc(out, read, ctx, (hw2 & 0x400u) ? off : base);
        }
        if ((hw2 & 0x0FC0u) == 0) { /* LDR PC, [Rn, Rm, LSL #imm2] */
            uint32_t shift = (hw2 >> 4) & 3u;
            return load_pc(out, read, ctx, reg(regs, rn) + (reg(regs, hw2 & 0xFu) << shift));
        }
        return TT_OK;
    }
    if ((hw1 & 0xFFD0u) == 0xE890u && (hw2 & 0x8000u)) { /* LDM(IA)/POP.W with PC */
        return load_pc(out, read, ctx, reg(regs, rn) + 4u * (popcount16(hw2 & 0x7FFFu)));
    }
    if ((hw1 & 0xFFD0u) == 0xE910u && (hw2 & 0x8000u)) /* LDMDB with PC: PC is the top word */
        return load_pc(out, read, ctx, reg(regs, rn) - 4u);
    if ((hw1 & 0xFFF0u) == 0xE8D0u && (hw2 & 0xFFE0u) == 0xF000u) { /* TBB / TBH */
        uint32_t base = reg(regs, rn), index = reg(regs, hw2 & 0xFu), v = 0;
        int half = (hw2 >> 4) & 1u;
        tt_err e = half ? read(ctx, base + (index << 1), 2, &v) : read(ctx, base + index, 1, &v);
        if (e != TT_OK)
            return e;
        go(out, TT_THUMB_GOTO, pc + 4 + 2u * v);
        return TT_OK;
    }
    return TT_OK;
}

tt_err tt_thumb_next_pc(const uint16_t insn[2], const struct tt_thumb_regs *regs,
                        tt_thumb_read_fn read, void *read_ctx, struct tt_thumb_next *out)
{
    if (insn == NULL || regs == NULL || read == NULL || out == NULL)
        return TT_ERR_ARG;
    uint32_t pc = regs->r[15];
    int wide = tt_thumb_is_32bit(insn[0]);
    struct tt_thumb_next n = {
        .kind = TT_THUMB_GOTO, .len = (uint8_t)(wide ? 4 : 2),
    };
    n.next = pc + n.len;
    n.ret = n.next;

    /* An instruction in an IT block whose condition fails does nothing — except BKPT, which
     * executes unconditionally. */
    uint32_t it = itstate(regs->xpsr);
    int is_bkpt = !wide && (insn[0] & 0xFF00u) == 0xBE00u;
    if ((it & 0xFu) != 0 && !is_bkpt && !cond_pass(it >> 4, regs->xpsr)) {
        *out = n;
        return TT_OK;
    }
    tt_err e = wide ? decode32(insn[0], insn[1], regs, read, read_ctx, &n)
                    : decode16(insn[0], regs, read, read_ctx, &n);
    if (e != TT_OK)
        return e;
    if (n.kind != TT_THUMB_CALL)
        n.ret = pc + n.len;
    *out = n;
    return TT_OK;
}
