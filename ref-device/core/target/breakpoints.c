/* breakpoints.c — the software breakpoint table of the debug agent.
 *
 * Breakpoints are BKPT instructions written over app code while the app runs and taken out
 * whenever it stops, so a halted app's memory is exactly its own and a resume can step off
 * a breakpoint at the PC before putting the others back. Each entry keeps the halfword the
 * BKPT replaced. Depends on target.h (and through it port.h). */
#include "target.h"

#include <stddef.h>

int tt_target_bp_find(const struct tt_target *t, uint32_t addr)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_BREAKPOINTS; i++)
        if (t->bp[i].used && t->bp[i].addr == addr)
            return (int)i;
    return -1;
}

static void install(struct tt_breakpoint *b)
{
    if (b->used && !b->installed && tt_port_app_bkpt_insert(b->addr, &b->orig) == TT_OK)
        b->installed = 1;
}

static void remove_one(struct tt_breakpoint *b)
{
    /* Failing to restore would leave a BKPT behind; the address passed the port's check
     * when it was installed, so it can only fail if the port's memory map changed. */
    if (b->installed && tt_port_app_bkpt_remove(b->addr, b->orig) == TT_OK)
        b->installed = 0;
}

void tt_target_bp_install_all(struct tt_target *t)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_BREAKPOINTS; i++)
        install(&t->bp[i]);
}

/* Removes every BKPT of ours, the step breakpoint included (it may share an address with a
 * table entry: it is removed last because it was installed last). */
void tt_target_bp_remove_all(struct tt_target *t)
{
    remove_one(&t->step_bp);
    t->step_bp.used = 0;
    for (unsigned i = 0; i < TT_TARGET_MAX_BREAKPOINTS; i++)
        remove_one(&t->bp[i]);
}

tt_err tt_target_bp_set(struct tt_target *t, uint32_t addr)
{
    if (t == NULL || (addr & 1u))
        return TT_ERR_ARG;
    tt_err e = tt_port_app_mem_check(addr, 2, TT_ACCESS_WRITE);
    if (e != TT_OK)
        return e;
    if (tt_target_bp_find(t, addr) >= 0)
        return TT_OK;
    for (unsigned i = 0; i < TT_TARGET_MAX_BREAKPOINTS; i++) {
        struct tt_breakpoint *b = &t->bp[i];
        if (b->used)
            continue;
        *b = (struct tt_breakpoint){.addr = addr, .used = 1};
        /* While the app runs freely the table is in memory; add the new one too. */
        if (t->state == TT_TARGET_RUNNING && t->mode == TT_RUN_CONTINUE && !t->stepping_off)
            install(b);
        return TT_OK;
    }
    return TT_ERR_DBG_BP_FULL;
}

tt_err tt_target_bp_clear(struct tt_target *t, uint32_t addr)
{
    if (t == NULL || (addr & 1u))
        return TT_ERR_ARG;
    int i = tt_target_bp_find(t, addr);
    if (i < 0)
        return TT_OK;
    struct tt_breakpoint *b = &t->bp[i];
    /* If the step breakpoint sits on top of this one, lift it first so the original
     * instruction (saved by this entry) goes back last. */
    int shared = t->step_bp.used && t->step_bp.installed && t->step_bp.addr == addr;
    if (shared)
        remove_one(&t->step_bp);
    remove_one(b);
    if (shared)
        install(&t->step_bp);
    b->used = 0;
    return TT_OK;
}

void tt_target_bp_clear_all(struct tt_target *t)
{
    for (unsigned i = 0; i < TT_TARGET_MAX_BREAKPOINTS; i++)
        if (t->bp[i].used && tt_target_bp_clear(t, t->bp[i].addr) != TT_OK)
            t->bp[i].used = 0; /* cannot happen: used entries have even addresses */
}
