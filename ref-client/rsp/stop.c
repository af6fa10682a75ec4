/* stop.c — stop replies, and what a stop changes in the engine's view of the target.
 *
 * A stop reply carries every register (`T05 00:…;01:…;…`), so GDB never follows a stop
 * with `g`, plus `thread:1;` (no thread-list query) and the reason GDB needs to act without
 * asking: swbreak/hwbreak (when GDB announced it understands them), watch/rwatch/awatch
 * with the address. Signals: SIGTRAP (5) for breakpoints, steps, watchpoints and reset,
 * SIGINT (2) for a halt, SIGSEGV (11) for a fault; an app exit is `W` with r0's low byte.
 * In no_optimize mode the reply is a plain stub's (`T05thread:1;`): GDB then reads the
 * registers itself. Depends on rsp.h. */
#include <stdio.h>
#include <string.h>

#include "rsp_internal.h"

static unsigned signal_of(uint8_t reason)
{
    switch (reason) {
    case TT_RSP_STOP_HALT:
        return 2;
    case TT_RSP_STOP_FAULT:
        return 11;
    default:
        return 5;
    }
}

/* Register i (array index) as GDB sees it, including the synthesised secext ones. */
static uint32_t reg_value(const uint32_t dev[TT_RSP_DEV_NREGS], unsigned i)
{
    if (i < TT_RSP_DEV_NREGS)
        return dev[i];
    if (i == TT_RSP_REG_MSP_NS)
        return dev[TT_CORE_MSP]; /* msp_ns = the app's msp */
    if (i == TT_RSP_REG_PSP_NS)
        return dev[TT_CORE_PSP]; /* psp_ns = the app's psp */
    return 0;           /* msp_s, psp_s: never exposed */
}

uint32_t tt_rsp_reg_value(const uint32_t dev[TT_RSP_DEV_NREGS], unsigned i)
{
    return reg_value(dev, i);
}

static size_t append(char *out, size_t cap, size_t n, const char *fmt, unsigned long a,
                     unsigned long b)
{
    if (n >= cap)
        return cap;
    int k = snprintf(out + n, cap - n, fmt, a, b);
    if (k < 0 || (size_t)k >= cap - n)
        return cap;
    return n + (size_t)k;
}

static unsigned long le(uint32_t v)
{
    /* registers travel in target byte order (little-endian) as hex */
    return ((v & 0xffu) << 24) | ((v & 0xff00u) << 8) | ((v >> 8) & 0xff00u) | (v >> 24);
}

/* Does GDB have a watchpoint at addr inserted now? (The device may still hold one GDB took
 * out to step past it: its trigger is then no watchpoint stop for GDB.) */
static bool gdb_watches(const struct tt_rsp *r, uint32_t addr)
{
    for (size_t i = 0; i < r->nwps; i++)
        if (r->wps[i].addr == addr)
            return true;
    return false;
}

size_t tt_rsp_format_stop(const struct tt_rsp *r, const struct tt_rsp_stop *s, char *out,
                          size_t cap)
{
    size_t n = 0;
    if (s->reason == TT_RSP_STOP_EXIT)
        return append(out, cap, 0, "W%02lx", s->regs[0] & 0xffu, 0);
    n = append(out, cap, n, "T%02lx", signal_of(s->reason), 0);
    if (!r->no_optimize)
        for (unsigned i = 0; i < TT_RSP_NREGS; i++)
            n = append(out, cap, n, "%02lx:%08lx;", tt_rsp_reg_number(i),
                       le(reg_value(s->regs, i)));
    n = append(out, cap, n, "thread:1;", 0, 0);
    if (s->reason == TT_RSP_STOP_BREAKPOINT) {
        if (s->bp_type == TT_RSP_BP_HW && r->gdb_hwbreak)
            n = append(out, cap, n, "hwbreak:;", 0, 0);
        else if (s->bp_type == TT_RSP_BP_SW && r->gdb_swbreak)
            n = append(out, cap, n, "swbreak:;", 0, 0);
    } else if (s->reason == TT_RSP_STOP_WATCHPOINT && gdb_watches(r, s->watch_addr)) {
        const char *w = s->bp_type == TT_RSP_WP_READ     ? "rwatch:%lx;"
                        : s->bp_type == TT_RSP_WP_ACCESS ? "awatch:%lx;"
                                                         : "watch:%lx;";
        n = append(out, cap, n, w, s->watch_addr, 0);
    }
    return n >= cap ? 0 : n;
}

tt_err tt_rsp_stopped(struct tt_rsp *r, const struct tt_rsp_stop *s)
{
    if (s->reason > TT_RSP_STOP_EXIT || (s->stack_len && !s->stack))
        return TT_ERR_ARG;
    /* A pending reply needs room; check before changing anything. */
    if ((r->gdb_waits || r->step.flushing) && sizeof r->out - r->out_len < TT_RSP_PACKET_MAX + 16)
        return TT_ERR_NO_SPACE;
    tt_rsp_cache_drop(&r->cache);
    memcpy(r->regs, s->regs, sizeof r->regs);
    r->have_regs = true;
    r->last_stop = *s;
    r->last_stop.stack = NULL; /* the caller's buffer is not ours to keep */
    r->last_stop.stack_len = 0;
    if (!r->no_optimize && s->stack_len && tt_rsp_cacheable(r, s->stack_addr, s->stack_len))
        tt_rsp_cache_fill(&r->cache, s->stack_addr, s->stack, s->stack_len);
    r->running = false;
    if (!r->gdb_waits) {
        tt_rsp_step_landed(r); /* the command that waited for a deferred step, if any */
        return TT_OK;          /* else e.g. halted after `monitor reset`: just remember */
    }
    r->gdb_waits = false;
    char buf[TT_RSP_PACKET_MAX];
    size_t n = tt_rsp_format_stop(r, s, buf, sizeof buf);
    if (n == 0)
        return TT_ERR_NO_SPACE;
    tt_rsp_put_packet(r, (const uint8_t *)buf, n);
    return TT_OK;
}
