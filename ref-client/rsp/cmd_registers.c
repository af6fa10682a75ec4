/* cmd_registers.c — g G p P: registers from the last stop (the device is asked only when
 * they are not known, or with no_optimize), writes of what changed, the synthesised secext
 * registers read-only where they stand for Secure state. Depends on rsp_internal.h. */
#include "rsp_internal.h"

/* The registers as of now: the last stop's, or the device's when we do not know them. */
tt_err tt_rsp_get_regs(struct tt_rsp *r)
{
    if (r->have_regs && !r->no_optimize)
        return TT_OK;
    tt_err err = tt_rsp_call(r, r->be.read_regs(r->be.ctx, r->regs));
    r->have_regs = err == TT_OK;
    return err;
}

void tt_rsp_exec_read_regs(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    if (r->running) {
        tt_rsp_put_error(r, TT_RSP_E_RUNNING);
        return;
    }
    if (tt_rsp_get_regs(r) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    char hex[TT_RSP_NREGS * 8 + 1];
    for (unsigned i = 0; i < TT_RSP_NREGS; i++) {
        uint8_t b[4];
        uint32_t v = tt_rsp_reg_value(r->regs, i);
        b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8), b[2] = (uint8_t)(v >> 16),
        b[3] = (uint8_t)(v >> 24);
        tt_rsp_tohex(hex + 8 * i, b, 4);
    }
    hex[sizeof hex - 1] = 0;
    tt_rsp_reply(r, hex);
}

/* Array index → device index for a write; -1 for the Secure stack pointers. */
static int write_target(unsigned i)
{
    if (i < TT_RSP_DEV_NREGS)
        return (int)i;
    if (i == TT_RSP_REG_MSP_NS)
        return TT_CORE_MSP;
    if (i == TT_RSP_REG_PSP_NS)
        return TT_CORE_PSP;
    return -1;
}

tt_err tt_rsp_write_one(struct tt_rsp *r, unsigned i, uint32_t v)
{
    int d = write_target(i);
    if (d < 0)
        return TT_ERR_DBG_ACCESS;
    tt_err err = tt_rsp_call(r, r->be.write_reg(r->be.ctx, (unsigned)d, v));
    if (err == TT_OK)
        r->regs[d] = v;
    return err;
}

static uint32_t hex_le32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | (uint32_t)(tt_rsp_hexval(p[2 * i]) * 16 + tt_rsp_hexval(p[2 * i + 1]));
    return v;
}

void tt_rsp_exec_write_regs(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    if (r->running) {
        tt_rsp_put_error(r, TT_RSP_E_RUNNING);
        return;
    }
    if (tt_rsp_get_regs(r) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    uint32_t v[TT_RSP_NREGS];
    for (unsigned i = 0; i < TT_RSP_NREGS; i++)
        v[i] = hex_le32(q->data + 8 * i);
    if (v[TT_RSP_REG_MSP_S] != 0 || v[TT_RSP_REG_PSP_S] != 0) /* read as 0 and stay so */
    {
        tt_rsp_put_error(r, TT_RSP_E_ACCESS);
        return;
    }
    tt_rsp_cache_drop(&r->cache);
    for (unsigned i = 0; i < TT_RSP_REG_MSP_S; i++) {
        /* only what changed (all of them without optimisation) */
        if (!r->no_optimize && v[i] == tt_rsp_reg_value(r->regs, i))
            continue;
        if (tt_rsp_write_one(r, i, v[i]) != TT_OK) {
            tt_rsp_put_error(r, TT_RSP_E_TARGET);
            return;
        }
    }
    tt_rsp_reply(r, "OK");
}

void tt_rsp_exec_read_reg(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    int i = tt_rsp_reg_index(q->regnum);
    if (i < 0) {
        tt_rsp_put_error(r, TT_RSP_E_RANGE);
        return;
    }
    if (r->running) {
        tt_rsp_put_error(r, TT_RSP_E_RUNNING);
        return;
    }
    if (tt_rsp_get_regs(r) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    uint32_t v = tt_rsp_reg_value(r->regs, (unsigned)i);
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    char hex[9];
    tt_rsp_tohex(hex, b, 4);
    hex[8] = 0;
    tt_rsp_reply(r, hex);
}

void tt_rsp_exec_write_reg(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    int i = tt_rsp_reg_index(q->regnum);
    if (i < 0) {
        tt_rsp_put_error(r, TT_RSP_E_RANGE);
        return;
    }
    if (write_target((unsigned)i) < 0) {
        tt_rsp_put_error(r, TT_RSP_E_ACCESS);
        return;
    }
    if (r->running) {
        tt_rsp_put_error(r, TT_RSP_E_RUNNING);
        return;
    }
    tt_rsp_cache_drop(&r->cache);
    if (tt_rsp_write_one(r, (unsigned)i, q->value) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_reply(r, "OK");
}
