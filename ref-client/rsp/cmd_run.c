/* cmd_run.c — c s C S vCont ? vRun vKill k D: resuming with the breakpoint set, the stop
 * status, restarting the app (extended mode), kill and detach. The stop itself arrives
 * through tt_rsp_stopped (stop.c). Depends on rsp_internal.h. */
#include <string.h>

#include "rsp_internal.h"

void tt_rsp_exec_resume(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    if (r->running) {
        tt_rsp_put_error(r, TT_RSP_E_RUNNING);
        return;
    }
    if (q->has_addr) { /* c addr / s addr: resume elsewhere */
        tt_rsp_cache_drop(&r->cache);
        if (tt_rsp_write_one(r, TT_RSP_REG_PC, q->addr) != TT_OK) {
            tt_rsp_put_error(r, TT_RSP_E_TARGET);
            return;
        }
    }
    if (q->action == TT_RSP_STEP && tt_rsp_defer_step(r, q))
        return; /* answered with the predicted stop; the device runs it with what follows */
    struct tt_rsp_resume res = {
        .action = q->action, .range_start = q->range_start, .range_end = q->range_end};
    if (!r->no_optimize) {
        if (tt_rsp_sync_watchpoints(r, q->action != TT_RSP_STEP) != TT_OK) {
            tt_rsp_put_error(r, TT_RSP_E_TARGET);
            return;
        }
        res.replace_bps = true; /* the full set travels with the resume */
        res.bps = r->bps;
        res.nbps = r->nbps;
    }
    if (q->action != TT_RSP_STEP) { /* GDB may take them out to step over one */
        r->nbps_resumed = r->nbps;
        r->nwps_resumed = r->nwps;
    }
    if (tt_rsp_call(r, r->be.resume(r->be.ctx, &res)) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_cache_drop(&r->cache);
    r->have_regs = false;
    r->running = true;
    r->gdb_waits = true; /* the reply is the stop, later */
}

void tt_rsp_exec_status(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    if (r->running) { /* GDB connects to a running app: stop it */
        r->gdb_waits = true;
        return;
    }
    if (tt_rsp_get_regs(r) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    struct tt_rsp_stop s = r->last_stop;
    memcpy(s.regs, r->regs, sizeof s.regs);
    if (!r->last_stop.reason && !r->have_regs)
        s.reason = TT_RSP_STOP_HALT;
    char buf[TT_RSP_PACKET_MAX];
    size_t n = tt_rsp_format_stop(r, &s, buf, sizeof buf);
    tt_rsp_put_packet(r, (const uint8_t *)buf, n);
}

void tt_rsp_exec_detach(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    /* The device clears every breakpoint and watchpoint and lets the app run ([DBG-004]);
     * `k` does the same: we never kill the app a device runs. */
    tt_err err = tt_rsp_call(r, r->be.detach(r->be.ctx));
    r->nbps = r->nbps_resumed = r->nwps = r->nwps_resumed = r->nwps_dev = 0;
    r->running = r->gdb_waits = r->have_regs = false;
    tt_rsp_cache_drop(&r->cache);
    r->detached = true;
    if (err != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_reply(r, "OK");
}

/* k / vKill. In extended mode the connection stays: the app cannot cease to exist on the
 * device, so it is held halted with every breakpoint and watchpoint gone until the next
 * vRun restarts it. Otherwise a kill is a detach ([DBG-004]): we never kill the app a
 * device runs. */
void tt_rsp_exec_kill(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    if (!r->extended) {
        tt_rsp_exec_detach(r, NULL);
        return;
    }
    tt_err err = TT_OK;
    if (r->running)
        err = tt_rsp_call(r, r->be.halt(r->be.ctx)); /* its stop comes back, GDB not waiting */
    r->nbps = r->nbps_resumed = r->nwps = r->nwps_resumed = 0;
    if (err == TT_OK)
        err = tt_rsp_sync_watchpoints(r, true);
    r->gdb_waits = false;
    tt_rsp_cache_drop(&r->cache);
    if (err != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_reply(r, "OK");
}

/* vRun: what `run` does with a local probe — the app restarts from reset and stops before
 * its first instruction; the reply is that stop (RESET → SIGTRAP), when the device pushes
 * it. The device keeps the breakpoints GDB inserts again before it resumes. */
void tt_rsp_exec_run(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    if (r->running) { /* GDB interrupts (or kills) first: a halt's stop would be taken for ours */
        tt_rsp_put_error(r, TT_RSP_E_RUNNING);
        return;
    }
    tt_rsp_cache_drop(&r->cache);
    if (tt_rsp_call(r, r->be.reset(r->be.ctx)) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    r->have_regs = false;
    r->running = true; /* until the RESET stop arrives */
    r->gdb_waits = true;
}
