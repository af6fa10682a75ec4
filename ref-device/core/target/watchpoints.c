/* watchpoints.c — write watchpoints for chips without (usable) DWT comparators.
 *
 * The table holds each watched range and the bytes it held when the app last resumed or
 * stepped; target.c runs the app one instruction at a time while any is set and asks after
 * each whether a range changed ([DBG-080]..[DBG-085]). Comparing values finds writes that
 * change memory — what GDB reports for `watch` — not writes of the same value or reads.
 * Memory goes through the port's checks. Depends on target.h, port.h. */
#include <string.h>

#include "target.h"

static int find(const struct tt_target *t, uint32_t addr, uint32_t len)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++)
        if (t->wp[i].used && t->wp[i].addr == addr && t->wp[i].len == len)
            return (int)i;
    return -1;
}

tt_err tt_target_wp_set(struct tt_target *t, uint32_t addr, uint32_t len)
{
    if (t == NULL || len == 0 || len > TT_TARGET_WATCH_MAX_LEN)
        return TT_ERR_ARG;
    if (tt_port_app_mem_check(addr, len, TT_ACCESS_WRITE) != TT_OK)
        return TT_ERR_DBG_ACCESS;
    if (find(t, addr, len) >= 0)
        return TT_OK;
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++) {
        struct tt_watchpoint *w = &t->wp[i];
        if (w->used)
            continue;
        /* noted now, so a watchpoint set while running compares from here on */
        if (tt_port_app_mem_read(addr, w->seen, len) != TT_OK)
            return TT_ERR_DBG_ACCESS;
        w->addr = addr;
        w->len = (uint8_t)len;
        w->used = 1;
        return TT_OK;
    }
    return TT_ERR_DBG_BP_FULL;
}

tt_err tt_target_wp_clear(struct tt_target *t, uint32_t addr, uint32_t len)
{
    if (t == NULL)
        return TT_ERR_ARG;
    int i = find(t, addr, len);
    if (i >= 0)
        memset(&t->wp[i], 0, sizeof t->wp[i]);
    return TT_OK;
}

void tt_target_wp_clear_all(struct tt_target *t)
{
    memset(t->wp, 0, sizeof t->wp);
}

int tt_target_wp_any(const struct tt_target *t)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++)
        if (t->wp[i].used)
            return 1;
    return 0;
}

tt_err tt_target_wp_note(struct tt_target *t)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++) {
        struct tt_watchpoint *w = &t->wp[i];
        if (w->used && tt_port_app_mem_read(w->addr, w->seen, w->len) != TT_OK)
            return TT_ERR_DBG_ACCESS;
    }
    return TT_OK;
}

int tt_target_wp_changed(struct tt_target *t, uint32_t *addr)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_WATCHPOINTS; i++) {
        struct tt_watchpoint *w = &t->wp[i];
        uint8_t now[TT_TARGET_WATCH_MAX_LEN];
        if (!w->used || tt_port_app_mem_read(w->addr, now, w->len) != TT_OK)
            continue;
        if (memcmp(now, w->seen, w->len) != 0) {
            memcpy(w->seen, now, w->len); /* the next run compares from the new value */
            *addr = w->addr;
            return 1;
        }
    }
    return 0;
}
