/* cmd_breakpoints.c — Z z: breakpoints kept in a local table and handed over as the full
 * set with the next resume (GDB's remove-all-after-stop / insert-all-before-resume costs
 * nothing); watchpoints recorded likewise and only their net changes applied at the resume;
 * kinds the device cannot watch get the empty reply. Depends on rsp_internal.h. */
#include "rsp_internal.h"

static bool same_bp(const struct tt_rsp_bp *a, const struct tt_rsp_bp *b)
{
    return a->type == b->type && a->addr == b->addr && a->kind == b->kind;
}

static bool table_has(const struct tt_rsp_bp *t, size_t n, const struct tt_rsp_bp *bp)
{
    for (size_t i = 0; i < n; i++)
        if (same_bp(&t[i], bp))
            return true;
    return false;
}

static bool table_add(struct tt_rsp_bp *t, size_t *n, const struct tt_rsp_bp *bp)
{
    if (table_has(t, *n, bp))
        return true; /* inserting twice is allowed */
    if (*n == TT_RSP_MAX_BPS)
        return false;
    t[(*n)++] = *bp;
    return true;
}

static void table_remove(struct tt_rsp_bp *t, size_t *n, const struct tt_rsp_bp *bp)
{
    for (size_t i = 0; i < *n; i++)
        if (same_bp(&t[i], bp)) {
            t[i] = t[--*n];
            return;
        }
}

void tt_rsp_exec_bp(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    bool insert = q->cmd == TT_RSP_CMD_INSERT_BP;
    bool is_wp = q->bp.type >= TT_RSP_WP_WRITE;
    struct tt_rsp_bp *t = is_wp ? r->wps : r->bps;
    size_t *n = is_wp ? &r->nwps : &r->nbps;
    size_t max = is_wp && r->max_watchpoints < TT_RSP_MAX_BPS ? r->max_watchpoints
                                                               : TT_RSP_MAX_BPS;
    if (is_wp && !(r->watch_types & (1u << q->bp.type))) {
        tt_rsp_reply(r, ""); /* the device cannot: GDB falls back to what it can do itself */
        return;
    }
    if (insert && is_wp && q->bp.kind > r->max_watch_len) {
        tt_rsp_put_error(r, TT_RSP_E_RANGE);
        return;
    }
    if (insert && !table_has(t, *n, &q->bp) && *n >= max) {
        tt_rsp_put_error(r, TT_RSP_E_FULL);
        return;
    }
    /* Forward now without optimisation, or while running (no resume will carry it). */
    if (r->no_optimize || r->running) {
        tt_err err =
            tt_rsp_call(r, insert ? r->be.set_bp(r->be.ctx, &q->bp) : r->be.clear_bp(r->be.ctx, &q->bp));
        if (err != TT_OK) {
            tt_rsp_put_error(r, TT_RSP_E_TARGET);
            return;
        }
        if (is_wp) {
            if (insert)
                (void)table_add(r->wps_dev, &r->nwps_dev, &q->bp);
            else
                table_remove(r->wps_dev, &r->nwps_dev, &q->bp);
        }
    }
    if (insert)
        (void)table_add(t, n, &q->bp); /* room checked above */
    else
        table_remove(t, n, &q->bp);
    tt_rsp_reply(r, "OK");
}

/* Bring the device's watchpoints to the wanted set: set the new and, with `remove`, clear
 * the removed. A single step keeps the removed ones on the device: GDB takes a watchpoint
 * out only to step past its trigger and puts it back before it continues, so clearing and
 * setting it again would cost two round trips per trigger; a stop the device reports for a
 * watchpoint GDB does not have is shown to GDB as a plain stop (stop.c). */
tt_err tt_rsp_sync_watchpoints(struct tt_rsp *r, bool remove)
{
    for (size_t i = 0; remove && i < r->nwps_dev;) {
        if (table_has(r->wps, r->nwps, &r->wps_dev[i])) {
            i++;
            continue;
        }
        tt_err err = tt_rsp_call(r, r->be.clear_bp(r->be.ctx, &r->wps_dev[i]));
        if (err != TT_OK)
            return err;
        r->wps_dev[i] = r->wps_dev[--r->nwps_dev];
    }
    for (size_t i = 0; i < r->nwps; i++) {
        if (table_has(r->wps_dev, r->nwps_dev, &r->wps[i]))
            continue;
        tt_err err = tt_rsp_call(r, r->be.set_bp(r->be.ctx, &r->wps[i]));
        if (err != TT_OK)
            return err;
        (void)table_add(r->wps_dev, &r->nwps_dev, &r->wps[i]);
    }
    return TT_OK;
}
