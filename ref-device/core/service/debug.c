/* debug.c — the debug service (spec/services/debug.md) on the portable target control.
 *
 * One attachment at a time ([DBG-001]..[DBG-004], [DBG-060], [DBG-061]); every request is
 * checked in the order of [DBG-014] — permission (dispatch.c), attachment, run state, then
 * validation of the whole request and its access checks — before any part of it is applied
 * ([CTL-011]). Stops of the target become StopEvents with all 23 registers, a stack window
 * and fault registers ([DBG-050]); they are pushed to the attached session (deferred while
 * its send window is full, [REL-018]) or, unattended, kept for the next Attach with the app
 * left halted for post-mortem inspection (this device's fault policy, [DBG-061]).
 * Register numbers are GDB's (0–15, 25–31) on the wire and port.h's indexes inside.
 * Depends on internal.h, target.h, port.h. */
#include <string.h>

#include "../supervisor/internal.h"
#include "tether/grant.h"
#include "tether/registers.h"

/* Register numbering and CoreRegisters come from lib/ (tether/registers.h): port.h's
 * indexes are its array order. */
_Static_assert((int)TT_REG_COUNT == (int)TT_CORE_REGS && (int)TT_REG_SP == (int)TT_CORE_SP &&
                   (int)TT_REG_PC == (int)TT_CORE_PC && (int)TT_REG_XPSR == (int)TT_CORE_XPSR &&
                   (int)TT_REG_CONTROL == (int)TT_CORE_CONTROL,
               "port.h register order = the wire array order");

/* Largest n <= TT_STACK_WINDOW_MAX with [base, base+n) readable app memory ([DBG-050]). */
static uint32_t stack_window(uint32_t sp)
{
    if (tt_port_app_mem_check(sp, 1, TT_ACCESS_READ) != TT_OK)
        return 0;
    if (tt_port_app_mem_check(sp, TT_STACK_WINDOW_MAX, TT_ACCESS_READ) == TT_OK)
        return TT_STACK_WINDOW_MAX;
    uint32_t lo = 1, hi = TT_STACK_WINDOW_MAX; /* lo readable, hi not */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tt_port_app_mem_check(sp, mid, TT_ACCESS_READ) == TT_OK)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static tether_v1_StopReason stop_reason(const struct tt_target *t, enum tt_stop_reason r)
{
    switch (r) {
    case TT_STOP_BREAKPOINT:
    case TT_STOP_BKPT_INSN:
        return tether_v1_StopReason_BREAKPOINT;
    case TT_STOP_STEP:
        return t->mode == TT_RUN_RANGE ? tether_v1_StopReason_RANGE_STEP_DONE
                                       : tether_v1_StopReason_STEP_DONE;
    case TT_STOP_FAULT:
        return tether_v1_StopReason_FAULT;
    case TT_STOP_RESET:
        return tether_v1_StopReason_RESET;
    case TT_STOP_WATCHPOINT:
        return tether_v1_StopReason_WATCHPOINT;
    default:
        return tether_v1_StopReason_HALT_REQUEST;
    }
}

/* Builds dbg.last_stop from a target stop: the app is halted and described by it. */
static void record_stop(struct tt_sup *s, const struct tt_target_stop *st)
{
    tether_v1_StopEvent *ev = &s->dbg.last_stop;
    struct tt_app_regs r;
    memset(ev, 0, sizeof *ev);
    ev->reason = stop_reason(s->target, st->reason);
    if (tt_port_app_regs_read(&r) != TT_OK) /* [DBG-045]: zeros for what we cannot read */
        memset(&r, 0, sizeof r);
    ev->has_regs = true;
    tt_core_regs_from_array(r.r, &ev->regs);
    /* The window starts at sp rounded down to a 64-byte line, when readable: GDB reads the
     * stack in aligned 64-byte lines, so the line holding sp is then answered locally, and
     * 320 bytes still reach 256 bytes above sp (x/64x $sp) ([DBG-050]). */
    uint32_t sp = r.r[TT_REG_SP], line = sp & ~(uint32_t)63;
    ev->stack_addr = tt_port_app_mem_check(line, sp - line + 1, TT_ACCESS_READ) == TT_OK ? line : sp;
    uint32_t n = stack_window(ev->stack_addr);
    if (n > 0 && tt_target_mem_read(s->target, ev->stack_addr, ev->stack.bytes, n) == TT_OK)
        ev->stack.size = (pb_size_t)n;
    if (st->reason == TT_STOP_FAULT) {
        const struct tt_app_fault *f = &st->fault;
        ev->has_fault = true;
        /* BusFault status lives in the Secure bank (BFHFNMINS = 0), MemManage/Usage in the
         * app's: together they are the app's fault. */
        ev->fault.cfsr = f->cfsr | f->cfsr_ns;
        ev->fault.hfsr = f->hfsr;
        ev->fault.mmfar = f->mmfar;
        ev->fault.bfar = f->bfar;
        ev->fault.sfsr = f->sfsr;
        ev->fault.sfar = f->sfar;
        ev->fault.exc_return = f->exc_return;
    }
    if (st->reason == TT_STOP_WATCHPOINT)
        ev->watch_addr = st->watch_addr;
    ev->stop_count = ++s->dbg.stop_count;
    s->dbg.have_stop = 1;
}

/* The target's pending stop, if it is a real one (a stop already resumed from, like the
 * boot-time reset, is stale). Returns 1 when dbg.last_stop is new. */
static int take_stop(struct tt_sup *s)
{
    struct tt_target_stop st;
    if (!tt_target_take_stop(s->target, &st) || s->target->state != TT_TARGET_HALTED)
        return 0;
    record_stop(s, &st);
    return 1;
}

/* dbg.last_stop as a StopEvent in rep: a Halt's reply, or an event. */
static void stop_message(struct tt_sup *s)
{
    tether_v1_Message *m = sup_reply_body(s, tether_v1_Message_stop_event_tag);
    m->body.stop_event = s->dbg.last_stop;
}

static void poll_stops(struct tt_sup *s)
{
    if (s->target->state != TT_TARGET_HALTED)
        s->dbg.have_stop = 0;
    if (take_stop(s) && s->dbg.attached >= 0)
        s->dbg.stop_unsent = 1;
    int a = s->dbg.attached;
    /* [DBG-050], [DBG-052], [GRT-041]: only to the attached session, which has DEBUG_READ. */
    if (a >= 0 && s->dbg.stop_unsent && s->dbg.have_stop && sup_event_room(s, a)) {
        stop_message(s);
        if (sup_event_send(s, a, &s->rep) != TT_OK)
            s->send_failures++;
        s->dbg.stop_unsent = 0;
    }
}

/* [DBG-004]: breakpoints out, app resumed, attachment released. */
static void detach(struct tt_sup *s)
{
    tt_target_bp_clear_all(s->target);
    tt_target_wp_clear_all(s->target);
    if (s->target->state == TT_TARGET_HALTED &&
        tt_target_resume(s->target, TT_RUN_CONTINUE, 0, 0) == TT_OK)
        s->dbg.have_stop = 0;
    s->dbg.attached = -1;
    s->dbg.stop_unsent = 0;
    memset(s->dbg.attached_key, 0, sizeof s->dbg.attached_key);
}

static void session_end(struct tt_sup *s, int i)
{
    if (s->dbg.attached != i)
        return;
    int best = -1; /* [DBG-060]: the most recently active session of the same key */
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++) {
        const struct tt_sup_slot *sl = &s->slot[k];
        if ((int)k != i && sup_slot_live(sl) &&
            memcmp(sl->s.peer_static, s->dbg.attached_key, TT_X25519_LEN) == 0 &&
            (sl->permissions & TT_PERM_DEBUG_READ) &&
            (best < 0 || sl->active_ms > s->slot[best].active_ms))
            best = (int)k;
    }
    if (best >= 0)
        s->dbg.attached = best;
    else
        detach(s);
}

/* ---- request validation helpers ---- */

static tt_err check_bp(const tether_v1_Breakpoint *bp)
{
    if (bp->kind == tether_v1_BreakpointKind_HARDWARE)
        return TT_ERR_MSG_UNSUPPORTED; /* no CAP_HW_BREAKPOINTS ([DBG-031]) */
    if (bp->kind != tether_v1_BreakpointKind_SOFTWARE)
        return TT_ERR_MSG_UNSUPPORTED; /* [VER-006] */
    if (bp->size != 2u && bp->size != 4u)
        return TT_ERR_MSG_DECODE;
    if (tt_port_app_mem_check(bp->addr & ~1u, bp->size, TT_ACCESS_WRITE) != TT_OK)
        return TT_ERR_DBG_ACCESS; /* [DBG-012] */
    return TT_OK;
}

/* [DBG-040], [DBG-042]: 1–8 ranges, each 1..1024 bytes, in all at most 1024. */
static tt_err check_sizes(const tether_v1_MemRange *r, pb_size_t n, uint32_t *total)
{
    uint32_t sum = 0;
    if (n < 1 || n > 8)
        return TT_ERR_MSG_DECODE;
    for (pb_size_t k = 0; k < n; k++) {
        if (r[k].len > TT_MEM_MAX_DATA)
            return TT_ERR_MSG_DECODE;
        sum += r[k].len; /* at most 8 * 1024: cannot overflow */
    }
    if (sum > TT_MEM_MAX_DATA)
        return TT_ERR_MSG_DECODE;
    *total = sum;
    return TT_OK;
}

/* [DBG-010]: every range non-empty and wholly the app's memory; *bad = its index. */
static tt_err check_access(const tether_v1_MemRange *r, pb_size_t n, enum tt_app_access a,
                           uint32_t *bad)
{
    for (pb_size_t k = 0; k < n; k++)
        if (r[k].len == 0 || tt_port_app_mem_check(r[k].addr, r[k].len, a) != TT_OK) {
            *bad = k;
            return TT_ERR_DBG_ACCESS;
        }
    return TT_OK;
}

static tt_err context_error(tt_err e)
{
    return e == TT_ERR_DBG_RUNNING || e == TT_ERR_DBG_ACCESS ? e : TT_ERR_DBG_NO_CONTEXT;
}

/* ---- requests ---- */

/* [DBG-003]: only Attach and ResetApp come from a session that is not attached. */
static int unattached(const struct tt_sup *s, int i)
{
    return s->dbg.attached != i;
}

/* Another client key holds the attachment ([DBG-002]): the request waits for the holder to
 * give way — dispatch.c ends it if it is idle and asks again ([HS-060]; [DBG-060] may move
 * the attachment to a session of the holder's key, which must then be idle too), and
 * answers DBG_ATTACHED if it is not. */
static int held_by_other_key(const struct tt_sup *s, int i, struct tt_sup_result *r)
{
    int a = s->dbg.attached;
    if (a < 0 || a == i ||
        memcmp(s->slot[a].s.peer_static, s->slot[i].s.peer_static, TT_X25519_LEN) == 0)
        return 0;
    r->outcome = TT_SUP_GIVE_WAY;
    r->then = TT_SUP_THEN_NOTHING;
    r->slot = (int8_t)a;
    r->code = TT_ERR_DBG_ATTACHED;
    r->detail = 0;
    return 1;
}

static struct tt_sup_result on_attach(struct tt_sup *s, int i)
{
    int halt = s->req.body.attach.halt;
    /* Checked first: a refused request must not make an idle holder give way. */
    if (halt && !tt_grant_allows(s->slot[i].permissions, TT_PERM_DEBUG_CONTROL))
        return sup_error(TT_ERR_PERMISSION, 0); /* [DBG-086]: as a Halt would be */
    struct tt_sup_result r;
    if (held_by_other_key(s, i, &r)) /* [DBG-002] */
        return r;
    /* [DBG-086]: attach and halt in one round trip, the stop in the reply */
    if (halt && s->target->state != TT_TARGET_HALTED) {
        tt_err e = tt_target_halt(s->target);
        if (e != TT_OK || !take_stop(s))
            return sup_error(e != TT_OK ? e : TT_ERR_STATE, 0);
    }
    int halted = s->target->state == TT_TARGET_HALTED;
    if (halted && !s->dbg.have_stop) { /* halted with nothing recorded: describe it now */
        struct tt_target_stop st = s->target->stop;
        st.reason = TT_STOP_HALT;
        record_stop(s, &st);
    }
    s->dbg.attached = i;
    memcpy(s->dbg.attached_key, s->slot[i].s.peer_static, TT_X25519_LEN);
    s->dbg.stop_unsent = 0; /* the reply carries it */
    tether_v1_Message *m = sup_reply_body(s, tether_v1_Message_attach_reply_tag);
    m->body.attach_reply.halted = halted;
    if (halted) {
        m->body.attach_reply.has_stop = true;
        m->body.attach_reply.stop = s->dbg.last_stop;
    }
    return sup_reply_ready();
}

static struct tt_sup_result send_ack(struct tt_sup *s)
{
    sup_reply_body(s, tether_v1_Message_ack_tag);
    return sup_reply_ready();
}

static struct tt_sup_result on_halt(struct tt_sup *s, int i)
{
    if (unattached(s, i)) /* [DBG-003] */
        return sup_error(TT_ERR_STATE, 0);
    if (s->target->state != TT_TARGET_HALTED) { /* [DBG-020] */
        tt_err e = tt_target_halt(s->target);
        if (e != TT_OK || !take_stop(s))
            return sup_error(e != TT_OK ? e : TT_ERR_STATE, 0);
    } else if (!s->dbg.have_stop) {
        struct tt_target_stop st = s->target->stop;
        st.reason = TT_STOP_HALT;
        record_stop(s, &st);
    }
    s->dbg.stop_unsent = 0; /* the reply is this stop's report */
    stop_message(s);
    return sup_reply_ready();
}

static struct tt_sup_result on_resume(struct tt_sup *s, int i)
{
    if (unattached(s, i)) /* [DBG-003] */
        return sup_error(TT_ERR_STATE, 0);
    const tether_v1_Resume *r = &s->req.body.resume;
    struct tt_target *t = s->target;
    enum tt_run_mode mode;
    if (t->state != TT_TARGET_HALTED)
        return sup_error(TT_ERR_DBG_RUNNING, 0);
    switch (r->action) {
    case tether_v1_ResumeAction_CONTINUE: mode = TT_RUN_CONTINUE; break;
    case tether_v1_ResumeAction_STEP: mode = TT_RUN_STEP; break;
    case tether_v1_ResumeAction_RANGE_STEP: mode = TT_RUN_RANGE; break;
    default:
        return sup_error(TT_ERR_MSG_UNSUPPORTED, 0); /* [VER-006] */
    }
    uint32_t lo = r->range_start & ~1u, hi = r->range_end & ~1u; /* Thumb bit ([DBG-070]) */
    if (mode == TT_RUN_RANGE && /* [DBG-022] */
        (lo >= hi || tt_port_app_mem_check(lo, hi - lo, TT_ACCESS_READ) != TT_OK))
        return sup_error(TT_ERR_DBG_ACCESS, 0);
    if (r->replace_breakpoints) {
        for (pb_size_t k = 0; k < r->breakpoints_count; k++) {
            tt_err e = check_bp(&r->breakpoints[k]);
            if (e != TT_OK)
                return sup_error(e, k);
        }
        if (r->breakpoints_count > TT_TARGET_MAX_BREAKPOINTS)
            return sup_error(TT_ERR_DBG_BP_FULL, TT_TARGET_MAX_BREAKPOINTS);
    }
    struct tt_app_regs regs;
    tt_err e = tt_target_regs_read(t, &regs);
    if (e != TT_OK) /* [DBG-045] */
        return sup_error(context_error(e), 0);
    /* [DBG-021]: replace the set atomically; put the old one back if the resume fails. */
    struct tt_breakpoint saved[TT_TARGET_MAX_BREAKPOINTS];
    memcpy(saved, t->bp, sizeof saved);
    if (r->replace_breakpoints) {
        tt_target_bp_clear_all(t);
        for (pb_size_t k = 0; k < r->breakpoints_count; k++)
            if (tt_target_bp_set(t, r->breakpoints[k].addr & ~1u) != TT_OK)
                e = TT_ERR_DBG_BP_FULL;
    }
    if (e == TT_OK)
        e = tt_target_resume(t, mode, lo, hi);
    if (e != TT_OK) { /* halted, nothing installed: the table is only bookkeeping */
        memcpy(t->bp, saved, sizeof saved);
        return sup_error(e == TT_ERR_ARG ? TT_ERR_MSG_DECODE : e, 0);
    }
    if (t->state != TT_TARGET_HALTED)
        s->dbg.have_stop = 0;
    return send_ack(s); /* before the app runs: it runs after this turn */
}

static struct tt_sup_result on_breakpoint(struct tt_sup *s, int i, int set)
{
    if (unattached(s, i)) /* [DBG-003] */
        return sup_error(TT_ERR_STATE, 0);
    const tether_v1_Message *q = &s->req;
    const tether_v1_Breakpoint *bp;
    int has;
    if (set) {
        has = q->body.set_breakpoint.has_bp;
        bp = &q->body.set_breakpoint.bp;
    } else {
        has = q->body.clear_breakpoint.has_bp;
        bp = &q->body.clear_breakpoint.bp;
    }
    tt_err e = has ? check_bp(bp) : TT_ERR_MSG_DECODE;
    if (e == TT_OK)
        e = set ? tt_target_bp_set(s->target, bp->addr & ~1u)
                : tt_target_bp_clear(s->target, bp->addr & ~1u);
    if (e != TT_OK)
        return sup_error(e == TT_ERR_ARG ? TT_ERR_MSG_DECODE : e, 0);
    return send_ack(s);
}

/* [DBG-080]..[DBG-082], [DBG-088]: watchpoints of 1..Limits.watch_max_len bytes of the app's
 * memory, of a kind in Limits.watch_kinds (writes only when the device compares values). */
static struct tt_sup_result on_watchpoint(struct tt_sup *s, int i, int set)
{
    if (unattached(s, i)) /* [DBG-003] */
        return sup_error(TT_ERR_STATE, 0);
    const tether_v1_Message *q = &s->req;
    int has = set ? q->body.set_watchpoint.has_wp : q->body.clear_watchpoint.has_wp;
    const tether_v1_Watchpoint *wp =
        set ? &q->body.set_watchpoint.wp : &q->body.clear_watchpoint.wp;
    struct tt_target_wp_limits lim;
    tt_target_wp_limits(&lim);
    tt_err e = TT_OK;
    if (!has || wp->len == 0 || wp->len > lim.max_len)
        e = TT_ERR_MSG_DECODE;
    else if ((unsigned)wp->kind > TT_WATCH_ACCESS || !(lim.kinds & (1u << wp->kind)))
        e = TT_ERR_MSG_UNSUPPORTED; /* not in Limits.watch_kinds */
    else if (set) /* tether_v1_WatchKind and enum tt_watch_kind have the same values */
        e = tt_target_wp_set_kind(s->target, wp->addr, wp->len, (enum tt_watch_kind)wp->kind);
    else
        e = tt_target_wp_clear_kind(s->target, wp->addr, wp->len, (enum tt_watch_kind)wp->kind);
    if (e != TT_OK)
        return sup_error(e == TT_ERR_ARG ? TT_ERR_MSG_DECODE : e, 0);
    return send_ack(s);
}

static struct tt_sup_result on_read_memory(struct tt_sup *s, int i)
{
    if (unattached(s, i)) /* [DBG-003] */
        return sup_error(TT_ERR_STATE, 0);
    const tether_v1_ReadMemory *r = &s->req.body.read_memory;
    uint32_t total, bad = 0;
    tt_err e = check_sizes(r->ranges, r->ranges_count, &total);
    if (e == TT_OK)
        e = check_access(r->ranges, r->ranges_count, TT_ACCESS_READ, &bad);
    if (e != TT_OK)
        return sup_error(e, bad);
    tether_v1_Message *m = sup_reply_body(s, tether_v1_Message_memory_data_tag);
    uint32_t off = 0;
    for (pb_size_t k = 0; k < r->ranges_count; k++) {
        if (tt_target_mem_read(s->target, r->ranges[k].addr, m->body.memory_data.data.bytes + off,
                               r->ranges[k].len) != TT_OK)
            return sup_error(TT_ERR_DBG_ACCESS, k); /* [DBG-041] */
        off += r->ranges[k].len;
    }
    m->body.memory_data.data.size = (pb_size_t)total;
    return sup_reply_ready();
}

static struct tt_sup_result on_write_memory(struct tt_sup *s, int i)
{
    if (unattached(s, i)) /* [DBG-003] */
        return sup_error(TT_ERR_STATE, 0);
    const tether_v1_WriteMemory *w = &s->req.body.write_memory;
    uint32_t total, bad = 0;
    if (s->target->state != TT_TARGET_HALTED)
        return sup_error(TT_ERR_DBG_RUNNING, 0); /* [DBG-042] */
    tt_err e = check_sizes(w->ranges, w->ranges_count, &total);
    if (e == TT_OK && total != w->data.size)
        e = TT_ERR_MSG_DECODE;
    if (e == TT_OK)
        e = check_access(w->ranges, w->ranges_count, TT_ACCESS_WRITE, &bad);
    if (e != TT_OK)
        return sup_error(e, bad);
    uint32_t off = 0;
    for (pb_size_t k = 0; k < w->ranges_count; k++) {
        if (tt_target_mem_write(s->target, w->ranges[k].addr, w->data.bytes + off,
                                w->ranges[k].len) != TT_OK)
            return sup_error(TT_ERR_DBG_ACCESS, k); /* [DBG-041] */
        off += w->ranges[k].len;
    }
    return send_ack(s);
}

static struct tt_sup_result on_read_registers(struct tt_sup *s, int i)
{
    if (unattached(s, i)) /* [DBG-003] */
        return sup_error(TT_ERR_STATE, 0);
    const tether_v1_ReadRegisters *q = &s->req.body.read_registers;
    struct tt_app_regs r;
    if (s->target->state != TT_TARGET_HALTED)
        return sup_error(TT_ERR_DBG_RUNNING, 0); /* [DBG-043] */
    for (pb_size_t k = 0; k < q->regnums_count; k++)
        if (tt_reg_index(q->regnums[k]) < 0)
            return sup_error(TT_ERR_DBG_ACCESS, q->regnums[k]); /* [DBG-011] */
    tt_err e = tt_target_regs_read(s->target, &r);
    if (e != TT_OK)
        return sup_error(context_error(e), 0);
    tether_v1_Message *m = sup_reply_body(s, tether_v1_Message_registers_tag);
    tether_v1_Registers *out = &m->body.registers;
    if (q->regnums_count == 0) { /* all 23, ascending number order */
        for (unsigned k = 0; k < TT_REG_COUNT; k++)
            out->regs[k] = (tether_v1_RegValue){tt_reg_number(k), r.r[k]};
        out->regs_count = TT_REG_COUNT;
    } else {
        for (pb_size_t k = 0; k < q->regnums_count; k++)
            out->regs[k] =
                (tether_v1_RegValue){q->regnums[k], r.r[tt_reg_index(q->regnums[k])]};
        out->regs_count = q->regnums_count;
    }
    return sup_reply_ready();
}

static struct tt_sup_result on_write_registers(struct tt_sup *s, int i)
{
    if (unattached(s, i)) /* [DBG-003] */
        return sup_error(TT_ERR_STATE, 0);
    const tether_v1_WriteRegisters *q = &s->req.body.write_registers;
    struct tt_app_regs r;
    if (s->target->state != TT_TARGET_HALTED)
        return sup_error(TT_ERR_DBG_RUNNING, 0);
    for (pb_size_t k = 0; k < q->regs_count; k++)
        if (tt_reg_index(q->regs[k].num) < 0)
            return sup_error(TT_ERR_DBG_ACCESS, q->regs[k].num);
    tt_err e = tt_target_regs_read(s->target, &r);
    if (e != TT_OK)
        return sup_error(context_error(e), 0);
    for (pb_size_t k = 0; k < q->regs_count; k++)
        r.r[tt_reg_index(q->regs[k].num)] = q->regs[k].value;
    if (tt_port_app_mem_check(r.r[TT_REG_PC] & ~1u, 2, TT_ACCESS_WRITE) != TT_OK)
        return sup_error(TT_ERR_DBG_ACCESS, TT_REGNUM_PC); /* [DBG-044] */
    e = tt_target_regs_write(s->target, &r);
    if (e != TT_OK)
        return sup_error(e == TT_ERR_DBG_ACCESS ? e : context_error(e), TT_REGNUM_SP);
    return send_ack(s);
}

static struct tt_sup_result on_reset(struct tt_sup *s, int i)
{
    int halt = s->req.body.reset_app.halt_after_reset;
    if (s->dbg.attached != i) { /* [DBG-003] */
        struct tt_sup_result r;
        if (held_by_other_key(s, i, &r))
            return r;
        if (halt)
            return sup_error(TT_ERR_STATE, 0);
    }
    tt_err e = tt_target_reset_app(s->target);
    if (e != TT_OK)
        return sup_error(e, 0);
    /* The app runs after this turn, so after the Ack ([DBG-026]); the RESET stop (if
     * halting) follows as an event. */
    if (!halt && tt_target_resume(s->target, TT_RUN_CONTINUE, 0, 0) == TT_OK)
        s->dbg.have_stop = 0;
    return send_ack(s);
}

static struct tt_sup_result on_detach(struct tt_sup *s, int i)
{
    if (unattached(s, i))
        return sup_error(TT_ERR_STATE, 0);
    detach(s);
    return send_ack(s);
}

static struct tt_sup_result on_set_breakpoint(struct tt_sup *s, int i)
{
    return on_breakpoint(s, i, 1);
}

static struct tt_sup_result on_clear_breakpoint(struct tt_sup *s, int i)
{
    return on_breakpoint(s, i, 0);
}

static struct tt_sup_result on_set_watchpoint(struct tt_sup *s, int i)
{
    return on_watchpoint(s, i, 1);
}

static struct tt_sup_result on_clear_watchpoint(struct tt_sup *s, int i)
{
    return on_watchpoint(s, i, 0);
}

static const struct tt_sup_route routes[] = {
    {tether_v1_Message_attach_tag, TT_PERM_DEBUG_READ, 0, on_attach},
    {tether_v1_Message_detach_tag, TT_PERM_DEBUG_READ, 0, on_detach},
    {tether_v1_Message_read_memory_tag, TT_PERM_DEBUG_READ, 0, on_read_memory},
    {tether_v1_Message_read_registers_tag, TT_PERM_DEBUG_READ, 0, on_read_registers},
    {tether_v1_Message_halt_tag, TT_PERM_DEBUG_CONTROL, 0, on_halt},
    {tether_v1_Message_resume_tag, TT_PERM_DEBUG_CONTROL, 0, on_resume},
    {tether_v1_Message_set_breakpoint_tag, TT_PERM_DEBUG_CONTROL, 0, on_set_breakpoint},
    {tether_v1_Message_clear_breakpoint_tag, TT_PERM_DEBUG_CONTROL, 0, on_clear_breakpoint},
    {tether_v1_Message_set_watchpoint_tag, TT_PERM_DEBUG_CONTROL, 0, on_set_watchpoint},
    {tether_v1_Message_clear_watchpoint_tag, TT_PERM_DEBUG_CONTROL, 0, on_clear_watchpoint},
    {tether_v1_Message_write_memory_tag, TT_PERM_MEMORY_WRITE, 0, on_write_memory},
    {tether_v1_Message_write_registers_tag, TT_PERM_MEMORY_WRITE, 0, on_write_registers},
    {tether_v1_Message_reset_app_tag, TT_PERM_RESET, 0, on_reset},
};

static uint32_t capabilities(const struct tt_sup *s)
{
    (void)s;
    return tether_v1_Capability_CAP_DEBUG | tether_v1_Capability_CAP_RANGE_STEP |
           tether_v1_Capability_CAP_WATCHPOINTS;
}

static void limits(const struct tt_sup *s, tether_v1_Limits *l)
{
    (void)s;
    l->max_mem_chunk = TT_MEM_MAX_DATA;
    l->breakpoints = TT_TARGET_MAX_BREAKPOINTS;
    struct tt_target_wp_limits w; /* [DBG-080], [DBG-087]: comparators or stepping */
    tt_target_wp_limits(&w);
    l->watchpoints = w.count;
    l->watch_max_len = w.max_len;
    l->watch_kinds = w.kinds;
    l->watch_slowdown = w.slowdown;
}

const struct tt_sup_service svc_debug_service = {
    .routes = routes,
    .nroutes = sizeof routes / sizeof routes[0],
    .poll = poll_stops,
    .session_end = session_end,
    .capabilities = capabilities,
    .limits = limits,
};
