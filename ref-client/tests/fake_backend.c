/* fake_backend.c — the modelled device of fake_backend.h. Depends on rsp.h. */
#include <stdio.h>
#include <string.h>

#include "fake_backend.h"

static tt_err take_fail(struct fake_dev *d)
{
    tt_err e = d->fail_next;
    d->fail_next = TT_OK;
    return e;
}

/* Pointer to [addr, addr+len) in the modelled memory, or NULL outside it. */
static uint8_t *mem(struct fake_dev *d, uint32_t addr, size_t len)
{
    if (addr >= FAKE_FLASH_BASE && addr - FAKE_FLASH_BASE < FAKE_FLASH_SIZE &&
        len <= FAKE_FLASH_SIZE - (addr - FAKE_FLASH_BASE))
        return d->flash + (addr - FAKE_FLASH_BASE);
    if (addr >= FAKE_RAM_BASE && addr - FAKE_RAM_BASE < FAKE_RAM_SIZE &&
        len <= FAKE_RAM_SIZE - (addr - FAKE_RAM_BASE))
        return d->ram + (addr - FAKE_RAM_BASE);
    return NULL;
}

void fake_init(struct fake_dev *d, const struct tt_elf *elf)
{
    memset(d, 0, sizeof *d);
    memset(d->flash, 0xFF, sizeof d->flash);
    for (size_t i = 0; i < sizeof d->ram; i++)
        d->ram[i] = (uint8_t)i;
    for (unsigned i = 0; i < 13; i++)
        d->regs[i] = 0x11111111u * (i % 15 + 1); /* r0 = 0x11111111, r1 = 0x22222222 … */
    d->regs[13] = FAKE_RAM_BASE + 0x800;         /* sp */
    d->regs[14] = FAKE_FLASH_BASE + 0x11u;       /* lr: somewhere in code, Thumb */
    d->regs[15] = FAKE_FLASH_BASE;               /* pc */
    d->regs[16] = 0x01000000u;                   /* xpsr: Thumb bit */
    d->regs[17] = FAKE_RAM_BASE + 0x800;         /* msp */
    d->regs[18] = 0;                             /* psp */
    if (elf && elf->img) {
        for (unsigned i = 0; i < elf->phnum; i++) {
            struct tt_elf_segment s;
            if (tt_elf_segment(elf, i, &s) != TT_OK || s.type != TT_PT_LOAD)
                continue;
            uint8_t *p = mem(d, s.paddr, s.filesz);
            if (p && s.filesz)
                memcpy(p, elf->img + s.offset, s.filesz);
            uint8_t *v = mem(d, s.vaddr, s.filesz);
            if (v && v != p && s.filesz)
                memcpy(v, elf->img + s.offset, s.filesz); /* as if startup copied .data */
        }
        d->regs[15] = elf->entry & ~1u;
    }
}

static tt_err f_read_regs(void *ctx, uint32_t regs[TT_RSP_DEV_NREGS])
{
    struct fake_dev *d = ctx;
    d->n_read_regs++;
    if (d->running)
        return TT_ERR_DBG_RUNNING;
    memcpy(regs, d->regs, sizeof d->regs);
    return take_fail(d);
}

static tt_err f_write_reg(void *ctx, unsigned i, uint32_t v)
{
    struct fake_dev *d = ctx;
    d->n_write_reg++;
    if (i >= TT_RSP_DEV_NREGS)
        return TT_ERR_DBG_ACCESS;
    tt_err e = take_fail(d);
    if (e == TT_OK)
        d->regs[i] = v;
    return e;
}

static tt_err f_read_mem(void *ctx, uint32_t addr, uint8_t *out, size_t len)
{
    struct fake_dev *d = ctx;
    d->n_read_mem++;
    d->read_mem_bytes += len;
    uint8_t *p = mem(d, addr, len);
    if (!p)
        return TT_ERR_DBG_ACCESS;
    tt_err e = take_fail(d);
    if (e == TT_OK)
        memcpy(out, p, len);
    return e;
}

static tt_err f_write_mem(void *ctx, uint32_t addr, const uint8_t *data, size_t len)
{
    struct fake_dev *d = ctx;
    d->n_write_mem++;
    uint8_t *p = mem(d, addr, len);
    if (!p)
        return TT_ERR_DBG_ACCESS;
    tt_err e = take_fail(d);
    if (e == TT_OK)
        memcpy(p, data, len);
    return e;
}

static void stop(struct fake_dev *d, uint8_t reason, uint8_t bp_type)
{
    d->running = false;
    d->has_pending = true;
    memset(&d->pending, 0, sizeof d->pending);
    d->pending.reason = reason;
    d->pending.bp_type = bp_type;
    memcpy(d->pending.regs, d->regs, sizeof d->regs);
    /* the stack window: up to 256 bytes from sp inside RAM */
    uint32_t sp = d->regs[13];
    if (sp >= FAKE_RAM_BASE && sp - FAKE_RAM_BASE < FAKE_RAM_SIZE) {
        size_t n = FAKE_RAM_SIZE - (sp - FAKE_RAM_BASE);
        d->pending.stack_addr = sp;
        d->pending.stack = d->ram + (sp - FAKE_RAM_BASE);
        d->pending.stack_len = n < 256 ? n : 256;
    }
}

static tt_err f_resume(void *ctx, const struct tt_rsp_resume *r)
{
    struct fake_dev *d = ctx;
    d->n_resume++;
    tt_err e = take_fail(d);
    if (e != TT_OK)
        return e;
    d->last_resume = *r;
    if (r->replace_bps) {
        if (r->nbps > TT_RSP_MAX_BPS)
            return TT_ERR_DBG_BP_FULL;
        memcpy(d->bps, r->bps, r->nbps * sizeof *r->bps);
        memcpy(d->last_resume_bps, r->bps, r->nbps * sizeof *r->bps);
        d->nbps = r->nbps;
    }
    d->running = true;
    if (r->action == TT_RSP_STEP) {
        d->regs[15] += 2;
        stop(d, TT_RSP_STOP_STEP, 0);
    } else if (r->action == TT_RSP_RANGE_STEP) {
        d->regs[15] = r->range_end;
        stop(d, TT_RSP_STOP_STEP, 0);
    } else {
        /* continue: run to the nearest breakpoint above pc, if any */
        const struct tt_rsp_bp *best = NULL;
        for (size_t i = 0; i < d->nbps; i++)
            if (d->bps[i].type <= TT_RSP_BP_HW && d->bps[i].addr > d->regs[15] &&
                (!best || d->bps[i].addr < best->addr))
                best = &d->bps[i];
        if (best) {
            d->regs[15] = best->addr;
            stop(d, TT_RSP_STOP_BREAKPOINT, best->type);
        }
    }
    return TT_OK;
}

static tt_err f_halt(void *ctx)
{
    struct fake_dev *d = ctx;
    d->n_halt++;
    tt_err e = take_fail(d);
    if (e == TT_OK)
        stop(d, TT_RSP_STOP_HALT, 0);
    return e;
}

static tt_err f_set(void *ctx, const struct tt_rsp_bp *bp)
{
    struct fake_dev *d = ctx;
    d->n_set++;
    tt_err e = take_fail(d);
    if (e != TT_OK)
        return e;
    if (d->nbps == TT_RSP_MAX_BPS)
        return TT_ERR_DBG_BP_FULL;
    d->bps[d->nbps++] = *bp;
    return TT_OK;
}

static tt_err f_clear(void *ctx, const struct tt_rsp_bp *bp)
{
    struct fake_dev *d = ctx;
    d->n_clear++;
    for (size_t i = 0; i < d->nbps; i++)
        if (d->bps[i].type == bp->type && d->bps[i].addr == bp->addr) {
            d->bps[i] = d->bps[--d->nbps];
            break;
        }
    return take_fail(d);
}

static tt_err f_reset(void *ctx)
{
    struct fake_dev *d = ctx;
    d->n_reset++;
    d->regs[15] = FAKE_FLASH_BASE;
    stop(d, TT_RSP_STOP_RESET, 0);
    return take_fail(d);
}

static tt_err f_detach(void *ctx)
{
    struct fake_dev *d = ctx;
    d->n_detach++;
    d->nbps = 0;
    d->running = true;
    return take_fail(d);
}

static tt_err f_status(void *ctx, char *out, size_t cap)
{
    struct fake_dev *d = ctx;
    snprintf(out, cap, "fake device: %zu breakpoints installed", d->nbps);
    return TT_OK;
}

struct tt_rsp_backend fake_backend(struct fake_dev *d)
{
    struct tt_rsp_backend be = {
        .ctx = d,
        .read_regs = f_read_regs,
        .write_reg = f_write_reg,
        .read_mem = f_read_mem,
        .write_mem = f_write_mem,
        .resume = f_resume,
        .halt = f_halt,
        .set_bp = f_set,
        .clear_bp = f_clear,
        .reset = f_reset,
        .detach = f_detach,
        .status = f_status,
    };
    return be;
}

bool fake_take_stop(struct fake_dev *d, struct tt_rsp_stop *out)
{
    if (!d->has_pending)
        return false;
    *out = d->pending;
    d->has_pending = false;
    return true;
}
