/* target.c — halt, resume, single step, range step and stop bookkeeping for the app.
 *
 * Single step is done in software (QEMU's M33 and locked-down parts have no hardware step):
 * decode the instruction at the PC (thumb_next_pc.c), place one temporary BKPT where it
 * goes, run, and take the BKPT back out at the stop. Calls and branches into code the
 * debugger may not touch (Secure veneers, SVC handlers) are stepped over by breaking at the
 * return address. Range step repeats single steps while the PC stays in [start, end), all
 * inside the supervisor: one request from the client, however many instructions. Every
 * state change happens after its checks passed. Depends on target.h, thumb_next_pc.h. */
#include "target.h"

#include <stddef.h>
#include <string.h>

#include "thumb_next_pc.h"

#define XPSR_FLAGS 0xF80F0000u /* N Z C V Q and GE[3:0]: what a debugger may change */
#define XPSR_T 0x01000000u

void tt_target_init(struct tt_target *t)
{
    memset(t, 0, sizeof *t);
    t->state = TT_TARGET_HALTED;
}

static void record_stop(struct tt_target *t, enum tt_stop_reason reason, uint32_t pc,
                        const struct tt_app_fault *f)
{
    t->stop.reason = reason;
    t->stop.pc = pc;
    t->stop.watch_addr = 0;
    t->watching = 0;
    t->stop.seq++;
    if (f != NULL)
        t->stop.fault = *f;
    else
        memset(&t->stop.fault, 0, sizeof t->stop.fault);
    t->stop_pending = 1;
    t->state = TT_TARGET_HALTED;
}

static uint32_t current_pc(void)
{
    struct tt_app_regs r;
    if (tt_port_app_regs_read(&r) != TT_OK)
        return 0;
    return r.r[TT_REG_PC];
}

int tt_target_take_stop(struct tt_target *t, struct tt_target_stop *out)
{
    if (!t->stop_pending)
        return 0;
    *out = t->stop;
    t->stop_pending = 0;
    return 1;
}

tt_err tt_target_halt(struct tt_target *t)
{
    if (t == NULL)
        return TT_ERR_ARG;
    if (t->state == TT_TARGET_HALTED)
        return TT_OK;
    tt_target_bp_remove_all(t);
    record_stop(t, TT_STOP_HALT, current_pc(), NULL);
    return TT_OK;
}

/* Reads instruction or data for the decoder. Our BKPTs are out of memory whenever a step is
 * planned, so plain (checked) reads see the app's own bytes. */
static tt_err decoder_read(void *ctx, uint32_t addr, uint32_t len, uint32_t *value)
{
    (void)ctx;
    uint8_t b[4] = {0};
    tt_err e = tt_port_app_mem_read(addr, b, len);
    if (e != TT_OK)
        return e;
    *value = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return TT_OK;
}

static int is_app_code(uint32_t addr)
{
    return tt_port_app_mem_check(addr, 2, TT_ACCESS_WRITE) == TT_OK;
}

/* Plans one instruction step from the parked context: installs the step breakpoint, or
 * completes the step at once (*done = 1) when the instruction is the app's own BKPT. */
static tt_err plan_step(struct tt_target *t, int *done)
{
    struct tt_app_regs regs;
    tt_err e = tt_port_app_regs_read(&regs);
    if (e != TT_OK)
        return e;
    uint32_t pc = regs.r[TT_REG_PC];
    uint8_t code[4] = {0};
    e = tt_port_app_mem_read(pc, code, 2);
    if (e != TT_OK)
        return e;
    uint16_t insn[2] = {(uint16_t)(code[0] | code[1] << 8), 0};
    if (tt_thumb_is_32bit(insn[0])) {
        e = tt_port_app_mem_read(pc + 2, code + 2, 2);
        if (e != TT_OK)
            return e;
        insn[1] = (uint16_t)(code[2] | code[3] << 8);
    }
    struct tt_thumb_regs tr = {.xpsr = regs.r[TT_REG_XPSR]};
    memcpy(tr.r, regs.r, sizeof tr.r);
    struct tt_thumb_next n;
    e = tt_thumb_next_pc(insn, &tr, decoder_read, NULL, &n);
    if (e != TT_OK)
        return e;

    uint32_t at;
    *done = 0;
    switch (n.kind) {
    case TT_THUMB_BKPT: /* stepping the app's own BKPT: skip it without executing it */
        regs.r[TT_REG_PC] = n.next;
        e = tt_port_app_regs_write(&regs);
        if (e != TT_OK)
            return e;
        *done = 1;
        return TT_OK;
    case TT_THUMB_EXC_RETURN:
    case TT_THUMB_FNC_RETURN:
        return TT_ERR_DBG_STEP; /* returns into a context we cannot break in */
    case TT_THUMB_FAULT:
        at = 0; /* it will fault: run without a step breakpoint and catch the fault */
        break;
    case TT_THUMB_SVC:
        at = n.next;
        break;
    case TT_THUMB_CALL: /* into a callee we may not break in (a Secure veneer): step over */
        at = is_app_code(n.next) ? n.next : n.ret;
        break;
    default: /* a tail branch into Secure code returns to LR */
        at = is_app_code(n.next) ? n.next : (regs.r[TT_REG_LR] & ~1u);
        break;
    }
    if (at != 0) {
        if (!is_app_code(at))
            return TT_ERR_DBG_STEP;
        t->step_bp = (struct tt_breakpoint){.addr = at, .used = 1};
        e = tt_port_app_bkpt_insert(at, &t->step_bp.orig);
        if (e != TT_OK) {
            t->step_bp.used = 0;
            return e;
        }
        t->step_bp.installed = 1;
    }
    t->steps++;
    return TT_OK;
}

tt_err tt_target_resume(struct tt_target *t, enum tt_run_mode mode, uint32_t start, uint32_t end)
{
    if (t == NULL || mode > TT_RUN_RANGE || (mode == TT_RUN_RANGE && start >= end))
        return TT_ERR_ARG;
    if (t->state != TT_TARGET_HALTED)
        return TT_ERR_DBG_RUNNING;
    struct tt_app_regs regs;
    tt_err e = tt_port_app_regs_read(&regs);
    if (e != TT_OK)
        return e;
    /* With watchpoints set a CONTINUE is run one instruction at a time ([DBG-081]). */
    int watching = mode == TT_RUN_CONTINUE && tt_target_wp_any(t);
    if (tt_target_wp_any(t) && (e = tt_target_wp_note(t)) != TT_OK)
        return e;
    int off_bp = mode == TT_RUN_CONTINUE && !watching &&
                 tt_target_bp_find(t, regs.r[TT_REG_PC]) >= 0;
    int done = 0;
    t->steps = 0;
    int skip_bp = 0;
    if (mode != TT_RUN_CONTINUE || off_bp || watching) {
        e = plan_step(t, &done);
        if (e == TT_ERR_DBG_STEP && off_bp) {
            /* Cannot step off it (an exception return): continue with every breakpoint
             * but this one, which is back in the table at the next stop. */
            off_bp = 0;
            skip_bp = 1;
        } else if (e != TT_OK) {
            return e;
        }
    }
    t->mode = mode;
    t->range_start = start;
    t->range_end = end;
    t->stepping_off = (uint8_t)off_bp;
    t->watching = (uint8_t)watching;
    if (done && watching) { /* the app's own BKPT ends a watched run as it ends a continue */
        record_stop(t, TT_STOP_BKPT_INSN, current_pc(), NULL);
        return TT_OK;
    }
    if (done) {
        if (mode == TT_RUN_CONTINUE) { /* stepped off a BKPT insn under our breakpoint */
            t->stepping_off = 0;
            tt_target_bp_install_all(t);
        } else {
            record_stop(t, TT_STOP_STEP, current_pc(), NULL);
            return TT_OK;
        }
    } else if (mode == TT_RUN_CONTINUE && !off_bp) {
        int at = skip_bp ? tt_target_bp_find(t, regs.r[TT_REG_PC]) : -1;
        if (at >= 0)
            t->bp[at].used = 0;
        tt_target_bp_install_all(t);
        if (at >= 0)
            t->bp[at].used = 1;
    }
    t->state = TT_TARGET_RUNNING;
    return TT_OK;
}

/* One instruction of a watched CONTINUE done (no write changed a watched range): stop at a
 * breakpoint, else plan the next instruction. An instruction we cannot step (an exception
 * return) ends the run with a STEP stop rather than losing the watch silently. */
static void on_watch_step(struct tt_target *t, uint32_t pc, int at_bp)
{
    int done = 0;
    if (at_bp) {
        record_stop(t, TT_STOP_BREAKPOINT, pc, NULL);
        return;
    }
    tt_err e = plan_step(t, &done);
    if (e == TT_OK && !done)
        return; /* still running, one more instruction */
    record_stop(t, done ? TT_STOP_BKPT_INSN : TT_STOP_STEP, current_pc(), NULL);
}

/* The step breakpoint was hit: decide whether the run is over. */
static void on_step_done(struct tt_target *t, uint32_t pc)
{
    int at_bp = tt_target_bp_find(t, pc) >= 0;
    uint32_t watched;
    if (tt_target_wp_changed(t, &watched)) { /* [DBG-034]: after the writing instruction */
        record_stop(t, TT_STOP_WATCHPOINT, pc, NULL);
        t->stop.watch_addr = watched;
        return;
    }
    if (t->watching) {
        on_watch_step(t, pc, at_bp);
        return;
    }
    if (t->mode == TT_RUN_CONTINUE) {
        t->stepping_off = 0;
        if (at_bp) {
            record_stop(t, TT_STOP_BREAKPOINT, pc, NULL);
            return;
        }
        tt_target_bp_install_all(t);
        return;
    }
    if (t->mode == TT_RUN_RANGE && !at_bp && pc >= t->range_start && pc < t->range_end) {
        int done = 0;
        if (plan_step(t, &done) == TT_OK && !done)
            return; /* still running, one more instruction */
        record_stop(t, TT_STOP_STEP, current_pc(), NULL);
        return;
    }
    record_stop(t, at_bp && t->mode == TT_RUN_RANGE ? TT_STOP_BREAKPOINT : TT_STOP_STEP, pc,
                NULL);
}

void tt_target_on_park(struct tt_target *t, enum tt_app_park park, const struct tt_app_fault *f)
{
    if (t->state != TT_TARGET_RUNNING || park == TT_PARK_PREEMPTED)
        return;
    uint32_t pc = current_pc();
    int step_hit = t->step_bp.used && t->step_bp.installed && t->step_bp.addr == pc;
    int table_hit = 0;
    int i = tt_target_bp_find(t, pc);
    if (i >= 0 && t->bp[i].installed)
        table_hit = 1;
    tt_target_bp_remove_all(t);

    if (park == TT_PARK_FAULT) {
        record_stop(t, TT_STOP_FAULT, pc, f);
        return;
    }
    uint32_t watched;
    if (tt_port_watch_hit(&watched)) { /* the port's comparators: after the access, [DBG-087] */
        record_stop(t, TT_STOP_WATCHPOINT, pc, NULL);
        t->stop.watch_addr = watched;
        return;
    }
    if (step_hit)
        on_step_done(t, pc);
    else if (table_hit)
        record_stop(t, TT_STOP_BREAKPOINT, pc, NULL);
    else
        record_stop(t, TT_STOP_BKPT_INSN, pc, NULL);
}

tt_err tt_target_reset_app(struct tt_target *t)
{
    if (t == NULL)
        return TT_ERR_ARG;
    tt_target_bp_remove_all(t);
    tt_err e = tt_port_app_reset();
    if (e != TT_OK)
        return e;
    record_stop(t, TT_STOP_RESET, current_pc(), NULL);
    return TT_OK;
}

/* Bytes [addr, addr+len) overlapping the halfword at bp: copies between buf and orig. */
static void overlay(const struct tt_breakpoint *b, uint32_t addr, uint32_t len, uint8_t *buf)
{
    for (uint32_t k = 0; k < 2; k++) {
        uint32_t a = b->addr + k;
        if (a >= addr && a - addr < len)
            buf[a - addr] = (uint8_t)(b->orig >> (8 * k));
    }
}

tt_err tt_target_mem_read(struct tt_target *t, uint32_t addr, uint8_t *buf, uint32_t len)
{
    if (t == NULL || buf == NULL || len == 0)
        return TT_ERR_ARG;
    tt_err e = tt_port_app_mem_read(addr, buf, len);
    if (e != TT_OK)
        return e;
    for (unsigned i = 0; i < TT_TARGET_MAX_BREAKPOINTS; i++)
        if (t->bp[i].installed)
            overlay(&t->bp[i], addr, len, buf);
    if (t->step_bp.installed)
        overlay(&t->step_bp, addr, len, buf);
    return TT_OK;
}

/* After a write over an installed BKPT, the written bytes become the saved instruction and
 * the BKPT goes back on top. */
static void rearm(struct tt_breakpoint *b, uint32_t addr, uint32_t len)
{
    uint32_t lo = b->addr, hi = b->addr + 1;
    int hit = (lo >= addr && lo - addr < len) || (hi >= addr && hi - addr < len);
    if (!b->installed || !hit)
        return;
    b->installed = 0;
    if (tt_port_app_bkpt_insert(b->addr, &b->orig) == TT_OK)
        b->installed = 1;
}

tt_err tt_target_mem_write(struct tt_target *t, uint32_t addr, const uint8_t *buf, uint32_t len)
{
    if (t == NULL || buf == NULL || len == 0)
        return TT_ERR_ARG;
    tt_err e = tt_port_app_mem_write(addr, buf, len);
    if (e != TT_OK)
        return e;
    for (unsigned i = 0; i < TT_TARGET_MAX_BREAKPOINTS; i++)
        rearm(&t->bp[i], addr, len);
    rearm(&t->step_bp, addr, len);
    return TT_OK;
}

tt_err tt_target_regs_read(struct tt_target *t, struct tt_app_regs *out)
{
    if (t == NULL || out == NULL)
        return TT_ERR_ARG;
    if (t->state != TT_TARGET_HALTED)
        return TT_ERR_DBG_RUNNING;
    return tt_port_app_regs_read(out);
}

tt_err tt_target_regs_write(struct tt_target *t, const struct tt_app_regs *in)
{
    if (t == NULL || in == NULL)
        return TT_ERR_ARG;
    if (t->state != TT_TARGET_HALTED)
        return TT_ERR_DBG_RUNNING;
    struct tt_app_regs cur;
    tt_err e = tt_port_app_regs_read(&cur);
    if (e != TT_OK)
        return e;
    struct tt_app_regs next = *in;
    next.r[TT_REG_XPSR] = (cur.r[TT_REG_XPSR] & ~XPSR_FLAGS) | (in->r[TT_REG_XPSR] & XPSR_FLAGS);
    next.r[TT_REG_XPSR] |= XPSR_T;
    next.r[TT_REG_PC] &= ~1u;
    return tt_port_app_regs_write(&next);
}
