/* backend.c — RSP backend calls as debug-service requests (backend.h). */
#include <stdio.h>
#include <string.h>

#include "backend.h"

static tt_err call(struct tt_gdb_backend *b, pb_size_t body)
{
    tt_err e;
    b->req.which_body = body;
    e = tt_client_call_ok(b->client, &b->req, &b->rep, b->timeout_ms);
    b->last_error = e;
    return e;
}

/* A cleared request: the caller fills b->req.body, then call(). */
static tether_v1_Message *begin(struct tt_gdb_backend *b)
{
    memset(&b->req, 0, sizeof b->req);
    return &b->req;
}

void tt_gdb_stop_from_event(const tether_v1_StopEvent *ev, struct tt_rsp_stop *out)
{
    static const uint8_t reason[] = {
        [tether_v1_StopReason_HALT_REQUEST] = TT_RSP_STOP_HALT,
        [tether_v1_StopReason_BREAKPOINT] = TT_RSP_STOP_BREAKPOINT,
        [tether_v1_StopReason_WATCHPOINT] = TT_RSP_STOP_WATCHPOINT,
        [tether_v1_StopReason_STEP_DONE] = TT_RSP_STOP_STEP,
        [tether_v1_StopReason_RANGE_STEP_DONE] = TT_RSP_STOP_STEP,
        [tether_v1_StopReason_FAULT] = TT_RSP_STOP_FAULT,
        [tether_v1_StopReason_RESET] = TT_RSP_STOP_RESET,
        [tether_v1_StopReason_APP_EXIT] = TT_RSP_STOP_EXIT};
    memset(out, 0, sizeof *out);
    tt_core_regs_to_array(&ev->regs, out->regs);
    out->reason = (unsigned)ev->reason < sizeof reason ? reason[ev->reason] : TT_RSP_STOP_HALT;
    /* the device watches writes only (Limits.watch_kinds); breakpoints are software ones */
    out->bp_type = out->reason == TT_RSP_STOP_WATCHPOINT ? TT_RSP_WP_WRITE : TT_RSP_BP_SW;
    out->watch_addr = ev->watch_addr;
    out->stack_addr = ev->stack_addr;
    out->stack = ev->stack.bytes;
    out->stack_len = ev->stack.size;
}

void tt_gdb_watch_limits(const tether_v1_DeviceHello *h, struct tt_rsp *rsp)
{
    static const uint8_t type_of[] = {[tether_v1_WatchKind_WATCH_WRITE] = TT_RSP_WP_WRITE,
                                      [tether_v1_WatchKind_WATCH_READ] = TT_RSP_WP_READ,
                                      [tether_v1_WatchKind_WATCH_ACCESS] = TT_RSP_WP_ACCESS};
    rsp->watch_types = 0;
    rsp->max_watchpoints = 0;
    rsp->max_watch_len = 0;
    if (!(h->capabilities & tether_v1_Capability_CAP_WATCHPOINTS) || !h->has_limits)
        return;
    for (unsigned k = 0; k < sizeof type_of; k++)
        if (h->limits.watch_kinds & (1u << k))
            rsp->watch_types |= (uint8_t)(1u << type_of[k]);
    rsp->max_watchpoints = h->limits.watchpoints;
    rsp->max_watch_len = h->limits.watch_max_len;
}

/* Hand over a stop learnt inside a backend call, or pushed by the device. */
static tt_err deliver_stop(struct tt_rsp *rsp, const tether_v1_StopEvent *ev)
{
    struct tt_rsp_stop s;
    tt_gdb_stop_from_event(ev, &s);
    return tt_rsp_stopped(rsp, &s);
}

tt_err tt_gdb_drain_events(struct tt_gdb_backend *b, struct tt_rsp *rsp)
{
    tt_err e = TT_OK;
    if (b->stop_pending) {
        b->stop_pending = false;
        e = deliver_stop(rsp, &b->stop);
    }
    while (e == TT_OK && b->client->ev_count > 0) {
        e = tt_client_next_event(b->client, &b->ev, 0);
        if (e == TT_OK && b->ev.which_body == tether_v1_Message_stop_event_tag)
            e = deliver_stop(rsp, &b->ev.body.stop_event);
    }
    return e;
}

static tt_err be_read_regs(void *ctx, uint32_t regs[TT_RSP_DEV_NREGS])
{
    struct tt_gdb_backend *b = ctx;
    const tether_v1_Message *rep = &b->rep;
    tt_err e;
    (void)begin(b);
    e = call(b, tether_v1_Message_read_registers_tag);
    if (e != TT_OK)
        return e;
    if (rep->which_body != tether_v1_Message_registers_tag)
        return TT_ERR_MSG_UNSUPPORTED;
    for (pb_size_t i = 0; i < rep->body.registers.regs_count; i++) {
        int idx = tt_reg_index(rep->body.registers.regs[i].num);
        if (idx >= 0)
            regs[idx] = rep->body.registers.regs[i].value;
    }
    return TT_OK;
}

static tt_err be_write_reg(void *ctx, unsigned dev_index, uint32_t value)
{
    struct tt_gdb_backend *b = ctx;
    tether_v1_Message *req = begin(b);
    req->body.write_registers.regs_count = 1;
    req->body.write_registers.regs[0].num = tt_reg_number(dev_index);
    req->body.write_registers.regs[0].value = value;
    return call(b, tether_v1_Message_write_registers_tag);
}

static tt_err be_read_mem(void *ctx, uint32_t addr, uint8_t *out, size_t len)
{
    struct tt_gdb_backend *b = ctx;
    const tether_v1_Message *rep = &b->rep;
    while (len) {
        size_t n = len > TT_MEM_MAX_DATA ? TT_MEM_MAX_DATA : len;
        tt_err e;
        tether_v1_Message *req = begin(b);
        req->body.read_memory.ranges_count = 1;
        req->body.read_memory.ranges[0].addr = addr;
        req->body.read_memory.ranges[0].len = (uint32_t)n;
        e = call(b, tether_v1_Message_read_memory_tag);
        if (e != TT_OK)
            return e;
        if (rep->which_body != tether_v1_Message_memory_data_tag ||
            rep->body.memory_data.data.size != n)
            return TT_ERR_MSG_DECODE;
        memcpy(out, rep->body.memory_data.data.bytes, n);
        out += n;
        addr += (uint32_t)n;
        len -= n;
    }
    return TT_OK;
}

static tt_err be_write_mem(void *ctx, uint32_t addr, const uint8_t *data, size_t len)
{
    struct tt_gdb_backend *b = ctx;
    while (len) {
        size_t n = len > TT_MEM_MAX_DATA ? TT_MEM_MAX_DATA : len;
        tt_err e;
        tether_v1_Message *req = begin(b);
        req->body.write_memory.ranges_count = 1;
        req->body.write_memory.ranges[0].addr = addr;
        req->body.write_memory.ranges[0].len = (uint32_t)n;
        req->body.write_memory.data.size = (pb_size_t)n;
        memcpy(req->body.write_memory.data.bytes, data, n);
        e = call(b, tether_v1_Message_write_memory_tag);
        if (e != TT_OK)
            return e;
        data += n;
        addr += (uint32_t)n;
        len -= n;
    }
    return TT_OK;
}

static tt_err be_resume(void *ctx, const struct tt_rsp_resume *r)
{
    struct tt_gdb_backend *b = ctx;
    tether_v1_Resume *m = &begin(b)->body.resume;
    m->action = r->action == TT_RSP_STEP         ? tether_v1_ResumeAction_STEP
                : r->action == TT_RSP_RANGE_STEP ? tether_v1_ResumeAction_RANGE_STEP
                                                 : tether_v1_ResumeAction_CONTINUE;
    m->range_start = r->range_start;
    m->range_end = r->range_end;
    m->replace_breakpoints = r->replace_bps;
    if (r->replace_bps) {
        if (r->nbps > sizeof m->breakpoints / sizeof m->breakpoints[0])
            return TT_ERR_DBG_BP_FULL;
        for (size_t i = 0; i < r->nbps; i++) {
            m->breakpoints[i].addr = r->bps[i].addr;
            m->breakpoints[i].kind = r->bps[i].type == TT_RSP_BP_HW
                                         ? tether_v1_BreakpointKind_HARDWARE
                                         : tether_v1_BreakpointKind_SOFTWARE;
            m->breakpoints[i].size = r->bps[i].kind;
        }
        m->breakpoints_count = (pb_size_t)r->nbps;
    }
    return call(b, tether_v1_Message_resume_tag);
}

static tt_err be_halt(void *ctx)
{
    struct tt_gdb_backend *b = ctx;
    const tether_v1_Message *rep = &b->rep;
    tt_err e;
    (void)begin(b);
    e = call(b, tether_v1_Message_halt_tag);
    if (e != TT_OK)
        return e;
    if (rep->which_body != tether_v1_Message_stop_event_tag)
        return TT_ERR_MSG_UNSUPPORTED;
    b->stop = rep->body.stop_event; /* [DBG-050] the reply to halt is the stop */
    b->stop_pending = true;
    return TT_OK;
}

static tt_err be_bp(void *ctx, const struct tt_rsp_bp *bp, int set)
{
    struct tt_gdb_backend *b = ctx;
    tether_v1_Message *req = begin(b);
    if (bp->type <= TT_RSP_BP_HW) {
        tether_v1_Breakpoint *p =
            set ? &req->body.set_breakpoint.bp : &req->body.clear_breakpoint.bp;
        if (set)
            req->body.set_breakpoint.has_bp = true;
        else
            req->body.clear_breakpoint.has_bp = true;
        p->addr = bp->addr;
        p->kind = bp->type == TT_RSP_BP_HW ? tether_v1_BreakpointKind_HARDWARE
                                           : tether_v1_BreakpointKind_SOFTWARE;
        p->size = bp->kind;
        return call(b, set ? tether_v1_Message_set_breakpoint_tag
                             : tether_v1_Message_clear_breakpoint_tag);
    }
    tether_v1_Watchpoint *w = set ? &req->body.set_watchpoint.wp : &req->body.clear_watchpoint.wp;
    if (set)
        req->body.set_watchpoint.has_wp = true;
    else
        req->body.clear_watchpoint.has_wp = true;
    w->addr = bp->addr;
    w->len = bp->kind;
    w->kind = bp->type == TT_RSP_WP_WRITE  ? tether_v1_WatchKind_WATCH_WRITE
              : bp->type == TT_RSP_WP_READ ? tether_v1_WatchKind_WATCH_READ
                                           : tether_v1_WatchKind_WATCH_ACCESS;
    return call(b, set ? tether_v1_Message_set_watchpoint_tag
                         : tether_v1_Message_clear_watchpoint_tag);
}

static tt_err be_set_bp(void *ctx, const struct tt_rsp_bp *bp)
{
    return be_bp(ctx, bp, 1);
}

static tt_err be_clear_bp(void *ctx, const struct tt_rsp_bp *bp)
{
    return be_bp(ctx, bp, 0);
}

static tt_err be_reset(void *ctx)
{
    struct tt_gdb_backend *b = ctx;
    tether_v1_Message *req = begin(b);
    req->body.reset_app.halt_after_reset = true;
    return call(b, tether_v1_Message_reset_app_tag);
}

static tt_err be_detach(void *ctx)
{
    struct tt_gdb_backend *b = ctx;
    (void)begin(b);
    return call(b, tether_v1_Message_detach_tag);
}

static tt_err be_status(void *ctx, char *out, size_t cap)
{
    struct tt_gdb_backend *b = ctx;
    const tether_v1_DeviceHello *h = &b->client->reply.reply.hello;
    snprintf(out, cap,
             "tether: device %02x%02x%02x%02x…, supervisor %u.%u.%u, %u round trips this GDB "
             "session, "
             "handshake %.1f ms, %u reconnects",
             h->device_id[0], h->device_id[1], h->device_id[2], h->device_id[3],
             h->supervisor_version >> 16, (h->supervisor_version >> 8) & 0xff,
             h->supervisor_version & 0xff, b->client->round_trips - b->round_trips_base,
             (double)b->client->handshake_us / 1e3, b->client->reconnects);
    return TT_OK;
}

void tt_gdb_backend_table(struct tt_gdb_backend *b, struct tt_rsp_backend *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = b;
    out->read_regs = be_read_regs;
    out->write_reg = be_write_reg;
    out->read_mem = be_read_mem;
    out->write_mem = be_write_mem;
    out->resume = be_resume;
    out->halt = be_halt;
    out->set_bp = be_set_bp;
    out->clear_bp = be_clear_bp;
    out->reset = be_reset;
    out->detach = be_detach;
    out->status = be_status;
}

tt_err tt_gdb_attach(struct tt_gdb_backend *b)
{
    const tether_v1_Message *rep = &b->rep;
    tt_err e;
    begin(b)->body.attach.halt = true; /* [DBG-086]: one round trip, not Attach + Halt */
    e = call(b, tether_v1_Message_attach_tag);
    if (e != TT_OK)
        return e;
    if (rep->which_body != tether_v1_Message_attach_reply_tag)
        return TT_ERR_MSG_UNSUPPORTED;
    if (rep->body.attach_reply.halted && rep->body.attach_reply.has_stop) {
        b->stop = rep->body.attach_reply.stop;
        b->stop_pending = true;
        return TT_OK;
    }
    return be_halt(b); /* a v1.0 device ignores Attach.halt */
}
