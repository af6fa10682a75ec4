/* watchpoints.c — the watchpoint table: in the port's comparators when it has a data
 * watchpoint unit (tt_port_watch_*: the DWT on the STM32U585), else write watchpoints
 * checked by stepping.
 *
 * With a unit the app runs at full speed: the port parks it after a matching access and
 * target.c asks tt_port_watch_hit which one it was ([DBG-087]); every kind the unit matches is
 * accepted, and a write is reported whatever value it wrote. Without one the table holds each
 * watched range and the bytes it held when the app last resumed or stepped; target.c runs
 * the app one instruction at a time while any is set and asks after each whether a range
 * changed ([DBG-080]..[DBG-085]). Comparing values finds writes that change memory — what
 * GDB reports for `watch` — not writes of the same value or reads. Memory goes through the
 * port's checks. Depends on target.h, port.h. */
#include <string.h>

#include "target.h"

static int find(const struct tt_target *t, uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++)
        if (t->wp[i].used && t->wp[i].addr == addr && t->wp[i].len == len &&
            t->wp[i].kind == (uint8_t)kind)
            return (int)i;
    return -1;
}

void tt_target_wp_limits(struct tt_target_wp_limits *out)
{
    struct tt_port_watch_caps c;
    memset(&c, 0, sizeof c);
    tt_port_watch_caps(&c);
    if (c.count == 0 || c.max_len == 0 || !(c.kinds & (1u << TT_WATCH_WRITE))) {
        out->count = TT_TARGET_MAX_WATCHPOINTS;
        out->max_len = TT_TARGET_WATCH_MAX_LEN;
        out->kinds = 1u << TT_WATCH_WRITE; /* comparing values sees writes only ([DBG-082]) */
        out->slowdown = TT_TARGET_WATCH_SLOWDOWN;
        out->hw = 0;
        return;
    }
    out->count = c.count < TT_TARGET_MAX_WATCHPOINTS ? c.count : TT_TARGET_MAX_WATCHPOINTS;
    out->max_len = c.max_len < TT_TARGET_WATCH_MAX_LEN ? c.max_len : TT_TARGET_WATCH_MAX_LEN;
    out->kinds = c.kinds & 0x7u;
    out->slowdown = 1; /* comparators: full speed */
    out->hw = 1;
}

tt_err tt_target_wp_set_kind(struct tt_target *t, uint32_t addr, uint32_t len,
                             enum tt_watch_kind kind)
{
    struct tt_target_wp_limits l;
    tt_target_wp_limits(&l);
    if (t == NULL || len == 0 || len > l.max_len)
        return TT_ERR_ARG;
    if ((unsigned)kind > TT_WATCH_ACCESS || !(l.kinds & (1u << kind)))
        return TT_ERR_MSG_UNSUPPORTED;
    if (tt_port_app_mem_check(addr, len, kind == TT_WATCH_WRITE ? TT_ACCESS_WRITE
                                                                : TT_ACCESS_READ) != TT_OK)
        return TT_ERR_DBG_ACCESS;
    if (find(t, addr, len, kind) >= 0)
        return TT_OK;
    int hw = l.hw;
    for (unsigned i = 0; i < l.count; i++) {
        struct tt_watchpoint *w = &t->wp[i];
        if (w->used)
            continue;
        tt_err e = hw ? tt_port_watch_set(addr, len, kind)
                      /* noted now, so a watchpoint set while running compares from here on */
                      : tt_port_app_mem_read(addr, w->seen, len);
        if (e != TT_OK)
            return hw ? e : TT_ERR_DBG_ACCESS;
        w->addr = addr;
        w->len = (uint8_t)len;
        w->kind = (uint8_t)kind;
        w->hw = (uint8_t)hw;
        w->used = 1;
        return TT_OK;
    }
    return TT_ERR_DBG_BP_FULL;
}

tt_err tt_target_wp_set(struct tt_target *t, uint32_t addr, uint32_t len)
{
    return tt_target_wp_set_kind(t, addr, len, TT_WATCH_WRITE);
}

static void drop(struct tt_watchpoint *w)
{
    if (w->hw) {
        /* the port refuses only what it never set: nothing is left to remove then */
        tt_err e = tt_port_watch_clear(w->addr, w->len, (enum tt_watch_kind)w->kind);
        (void)e;
    }
    memset(w, 0, sizeof *w);
}

tt_err tt_target_wp_clear_kind(struct tt_target *t, uint32_t addr, uint32_t len,
                               enum tt_watch_kind kind)
{
    if (t == NULL)
        return TT_ERR_ARG;
    int i = find(t, addr, len, kind);
    if (i >= 0)
        drop(&t->wp[i]);
    return TT_OK;
}

tt_err tt_target_wp_clear(struct tt_target *t, uint32_t addr, uint32_t len)
{
    return tt_target_wp_clear_kind(t, addr, len, TT_WATCH_WRITE);
}

void tt_target_wp_clear_all(struct tt_target *t)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++)
        if (t->wp[i].used)
            drop(&t->wp[i]);
    memset(t->wp, 0, sizeof t->wp);
}

int tt_target_wp_any(const struct tt_target *t)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++)
        if (t->wp[i].used && !t->wp[i].hw)
            return 1;
    return 0;
}

tt_err tt_target_wp_note(struct tt_target *t)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++) {
        struct tt_watchpoint *w = &t->wp[i];
        if (w->used && !w->hw && tt_port_app_mem_read(w->addr, w->seen, w->len) != TT_OK)
            return TT_ERR_DBG_ACCESS;
    }
    return TT_OK;
}

int tt_target_wp_changed(struct tt_target *t, uint32_t *addr)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++) {
        struct tt_watchpoint *w = &t->wp[i];
        uint8_t now[TT_TARGET_WATCH_MAX_LEN];
        if (!w->used || w->hw || tt_port_app_mem_read(w->addr, now, w->len) != TT_OK)
            continue;
        if (memcmp(now, w->seen, w->len) != 0) {
            memcpy(w->seen, now, w->len); /* the next run compares from the new value */
            *addr = w->addr;
            return 1;
        }
    }
    return 0;
}
