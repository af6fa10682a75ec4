/* cases_debug.c — conformance cases of the debug service (spec/services/debug.md): the
 * attachment, run control, breakpoints, memory and registers, stop events, and every
 * refusal with its code, each followed by a read-back showing that nothing changed.
 *
 * The suite knows nothing of the device's memory map in advance: a halt reports the app's
 * pc (Non-secure code) and sp (Non-secure RAM); scratch bytes are taken just below sp,
 * where the halted app keeps nothing, and restored. Cases end detached so the next case
 * finds the app running. */
#include "cases.h"

#define SECURE_ADDR 0x10000000u /* Secure alias of code (IDAU bit 28 on the reference) */
#define SECURE_ALIAS_BIT 0x10000000u
#define SCS_ADDR 0xE000ED00u
#define SCS_NS_ADDR 0xE002ED00u
#define UNMAPPED_ADDR 0x70000000u

static struct sess A, B;
static tether_v1_Message q, r;

static int has_debug(struct conf *c, char *why, size_t whylen)
{
    if (c->capabilities & tether_v1_Capability_CAP_DEBUG)
        return 1;
    WHY("the device does not announce CAP_DEBUG");
    return 0;
}

#define NEED_DEBUG()                                                                           \
    do {                                                                                       \
        if (!has_debug(c, why, whylen))                                                        \
            return CONF_NA;                                                                    \
    } while (0)

static tt_err attach(struct conf *c, struct sess *s, tether_v1_AttachReply *out)
{
    msg(&q, tether_v1_Message_attach_tag);
    tt_err e = sess_call(c, s, &q, &r);
    if (e == TT_OK && r.which_body != tether_v1_Message_attach_reply_tag)
        e = TT_ERR_MSG_DECODE;
    if (e == TT_OK && out)
        *out = r.body.attach_reply;
    return e;
}

/* Halt; the StopEvent reply into out. */
static tt_err halt(struct conf *c, struct sess *s, tether_v1_StopEvent *out)
{
    msg(&q, tether_v1_Message_halt_tag);
    tt_err e = sess_call(c, s, &q, &r);
    if (e == TT_OK && r.which_body != tether_v1_Message_stop_event_tag)
        e = TT_ERR_MSG_DECODE;
    if (e == TT_OK && out)
        *out = r.body.stop_event;
    return e;
}

static void detach_close(struct conf *c, struct sess *s)
{
    if (s->open) {
        msg(&q, tether_v1_Message_detach_tag);
        (void)sess_call(c, s, &q, &r);
    }
    sess_close(s);
}

/* A session with perms, attached, the app halted: stop gets the halt's StopEvent. */
static enum conf_result halted_session(struct conf *c, struct sess *s, uint32_t perms,
                                       tether_v1_StopEvent *stop, char *why, size_t whylen)
{
    tt_err e;
    if (sess_open(c, s, perms, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    if ((e = attach(c, s, NULL)) != TT_OK || (e = halt(c, s, stop)) != TT_OK) {
        WHY("attach and halt failed: %s", tt_err_name(e));
        detach_close(c, s);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* q: a read_memory of one range. */
static void one_range_read(uint32_t addr, uint32_t len)
{
    msg(&q, tether_v1_Message_read_memory_tag);
    q.body.read_memory.ranges_count = 1;
    q.body.read_memory.ranges[0].addr = addr;
    q.body.read_memory.ranges[0].len = len;
}

static tt_err read_mem(struct conf *c, struct sess *s, uint32_t addr, uint32_t len, uint8_t *out)
{
    one_range_read(addr, len);
    tt_err e = sess_call(c, s, &q, &r);
    if (e == TT_OK && (r.which_body != tether_v1_Message_memory_data_tag ||
                       r.body.memory_data.data.size != len))
        e = TT_ERR_MSG_DECODE;
    if (e == TT_OK)
        memcpy(out, r.body.memory_data.data.bytes, len);
    return e;
}

static tt_err write_mem(struct conf *c, struct sess *s, uint32_t addr, const uint8_t *b,
                        uint32_t len)
{
    msg(&q, tether_v1_Message_write_memory_tag);
    q.body.write_memory.ranges_count = 1;
    q.body.write_memory.ranges[0].addr = addr;
    q.body.write_memory.ranges[0].len = len;
    memcpy(q.body.write_memory.data.bytes, b, len);
    q.body.write_memory.data.size = (pb_size_t)len;
    return sess_call(c, s, &q, &r);
}

static tt_err write_reg(struct conf *c, struct sess *s, uint32_t num, uint32_t v)
{
    msg(&q, tether_v1_Message_write_registers_tag);
    q.body.write_registers.regs_count = 1;
    q.body.write_registers.regs[0].num = num;
    q.body.write_registers.regs[0].value = v;
    return sess_call(c, s, &q, &r);
}

static tt_err read_reg(struct conf *c, struct sess *s, uint32_t num, uint32_t *v)
{
    msg(&q, tether_v1_Message_read_registers_tag);
    q.body.read_registers.regnums_count = 1;
    q.body.read_registers.regnums[0] = num;
    tt_err e = sess_call(c, s, &q, &r);
    if (e == TT_OK && (r.which_body != tether_v1_Message_registers_tag ||
                       r.body.registers.regs_count != 1 || r.body.registers.regs[0].num != num))
        e = TT_ERR_MSG_DECODE;
    if (e == TT_OK)
        *v = r.body.registers.regs[0].value;
    return e;
}

/* q: set_breakpoint (or clear_breakpoint: the same layout) of 2 bytes at addr. */
static void breakpoint_request(pb_size_t which, uint32_t addr)
{
    msg(&q, which);
    q.body.set_breakpoint.has_bp = true;
    q.body.set_breakpoint.bp.addr = addr;
    q.body.set_breakpoint.bp.size = 2;
}

static tt_err resume(struct conf *c, struct sess *s, tether_v1_ResumeAction action)
{
    msg(&q, tether_v1_Message_resume_tag);
    q.body.resume.action = action;
    return sess_call(c, s, &q, &r);
}

/* The next event of s within CONF_EVENT_MS, which must be a StopEvent. */
static tt_err next_stop(struct conf *c, struct sess *s, tether_v1_Message *ev)
{
    tt_err e = sess_event(c, s, ev, CONF_EVENT_MS);
    if (e == TT_OK && ev->which_body != tether_v1_Message_stop_event_tag)
        e = TT_ERR_MSG_DECODE;
    return e;
}

/* A session with perms, attached, the app left as it was. */
static enum conf_result attached_session(struct conf *c, struct sess *s, uint32_t perms,
                                         char *why, size_t whylen)
{
    if (sess_open(c, s, perms, why, whylen) != CONF_PASS || attach(c, s, NULL) != TT_OK)
        return CONF_FAIL;
    return CONF_PASS;
}

/* Scratch bytes of app RAM: 64 bytes ending 32 bytes below the stopped sp. */
static uint32_t scratch(const tether_v1_StopEvent *st)
{
    return ((st->regs.sp - 96u) & ~3u);
}

/* The halted app is still halted at the same stop (a second Halt returns the current stop). */
static enum conf_result still_halted(struct conf *c, struct sess *s,
                                     const tether_v1_StopEvent *st, char *why, size_t whylen)
{
    tether_v1_StopEvent now;
    tt_err e = halt(c, s, &now);
    if (e != TT_OK || now.stop_count != st->stop_count || now.regs.pc != st->regs.pc) {
        WHY("the app did not stay halted at stop %u (pc 0x%08x): %s, stop %u pc 0x%08x",
            (unsigned)st->stop_count, (unsigned)st->regs.pc, tt_err_name(e),
            (unsigned)now.stop_count, (unsigned)now.regs.pc);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* The app runs: a fresh attach (same key: the attachment moves) says not halted. */
static enum conf_result app_running(struct conf *c, struct sess *s, char *why, size_t whylen)
{
    tether_v1_AttachReply ar;
    tt_err e = attach(c, s, &ar);
    if (e != TT_OK || ar.halted) {
        WHY("the app is not running (attach: %s, halted %d)", tt_err_name(e), ar.halted);
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* Memory at addr still holds want. */
static enum conf_result mem_unchanged(struct conf *c, struct sess *s, uint32_t addr,
                                      const uint8_t *want, uint32_t len, char *why,
                                      size_t whylen)
{
    uint8_t now[64];
    tt_err e = read_mem(c, s, addr, len, now);
    if (e != TT_OK || memcmp(now, want, len) != 0) {
        WHY("memory at 0x%08x changed by a refused request (read back: %s)", (unsigned)addr,
            tt_err_name(e));
        return CONF_FAIL;
    }
    return CONF_PASS;
}

/* ---------------------------------------------------------------- positive cases ---- */

CASE(attach_keeps_running)
{
    tether_v1_AttachReply ar;
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    tt_err e = attach(c, &A, &ar);
    if (e != TT_OK || ar.halted)
        WHY("attach to a running app: %s, halted %d", tt_err_name(e), ar.halted);
    else if ((e = halt(c, &A, &st)) != TT_OK || st.reason != tether_v1_StopReason_HALT_REQUEST)
        WHY("halt: %s, reason %d", tt_err_name(e), (int)st.reason);
    else
        res = CONF_PASS;
    detach_close(c, &A);
    return res;
}

CASE(halt_reply_is_stop)
{
    tether_v1_StopEvent st, again, ev;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    tt_err e = halt(c, &A, &again);
    if (!st.has_regs || st.stop_count == 0 || st.regs.sp == 0)
        WHY("StopEvent without registers or stop_count");
    else if (e != TT_OK || again.stop_count != st.stop_count)
        WHY("second halt: %s, stop_count %u then %u", tt_err_name(e), (unsigned)st.stop_count,
            (unsigned)again.stop_count);
    else if (st.stack.size > 0 && (st.stack_addr > st.regs.sp || st.regs.sp - st.stack_addr >= 64))
        WHY("stack window 0x%08x+%u does not hold sp 0x%08x's line", (unsigned)st.stack_addr,
            (unsigned)st.stack.size, (unsigned)st.regs.sp);
    else if (sess_event(c, &A, (tether_v1_Message *)&r, 300) != TT_ERR_TIMEOUT)
        WHY("the halt's stop was also pushed as an event");
    else
        res = CONF_PASS;
    (void)ev;
    detach_close(c, &A);
    return res;
}

CASE(attach_moves_same_key)
{
    tether_v1_StopEvent st;
    tether_v1_AttachReply ar;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    if (sess_open(c, &B, 0, why, whylen) == CONF_PASS) {
        tt_err e = attach(c, &B, &ar);
        if (e != TT_OK || !ar.halted || !ar.has_stop || ar.stop.stop_count != st.stop_count)
            WHY("attach from a second session of the same key: %s, halted %d, stop %u (want %u)",
                tt_err_name(e), ar.halted, (unsigned)ar.stop.stop_count, (unsigned)st.stop_count);
        else {
            msg(&q, tether_v1_Message_halt_tag);
            res = sess_expect(c, &A, &q, TT_ERR_STATE, -1, why, whylen);
        }
        detach_close(c, &B);
    }
    sess_close(&A);
    return res;
}

CASE(detach_resumes)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_detach_tag);
    enum conf_result res = sess_expect(c, &A, &q, TT_OK, -1, why, whylen);
    if (res == CONF_PASS)
        res = app_running(c, &A, why, whylen);
    detach_close(c, &A);
    return res;
}

/* With no other session of its key, the attached session's end detaches (a fresh key: the
 * suite's usual key may have sessions the attachment would move to). */
CASE(session_end_detaches)
{
    tether_v1_StopEvent st;
    struct conf_key saved;
    NEED_DEBUG();
    conf_new_key(c, &saved);
    enum conf_result res = halted_session(c, &A, 0, &st, why, whylen);
    if (res == CONF_PASS) {
        msg(&q, tether_v1_Message_close_tag);
        tt_err e = sess_call(c, &A, &q, &r);
        (void)e;
        sess_close(&A);
    }
    conf_restore_key(c, &saved);
    if (res != CONF_PASS || sess_open(c, &B, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    res = app_running(c, &B, why, whylen);
    detach_close(c, &B);
    return res;
}

CASE(step_one)
{
    tether_v1_StopEvent st;
    tether_v1_Message ev;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    tt_err e = resume(c, &A, tether_v1_ResumeAction_STEP);
    if (e != TT_OK || r.which_body != tether_v1_Message_ack_tag)
        WHY("resume(STEP): %s", tt_err_name(e));
    else if ((e = next_stop(c, &A, &ev)) != TT_OK ||
             ev.body.stop_event.reason != tether_v1_StopReason_STEP_DONE)
        WHY("no StopEvent STEP_DONE after the step (%s)", tt_err_name(e));
    else if (ev.body.stop_event.stop_count != st.stop_count + 1 ||
             ev.body.stop_event.regs.pc == st.regs.pc || ev.request_id != 0)
        WHY("step stop: stop_count %u (want %u), pc 0x%08x (was 0x%08x), request_id %u",
            (unsigned)ev.body.stop_event.stop_count, (unsigned)st.stop_count + 1,
            (unsigned)ev.body.stop_event.regs.pc, (unsigned)st.regs.pc, (unsigned)ev.request_id);
    else
        res = CONF_PASS;
    detach_close(c, &A);
    return res;
}

CASE(range_step)
{
    tether_v1_StopEvent st;
    tether_v1_Message ev;
    NEED_DEBUG();
    if (!(c->capabilities & tether_v1_Capability_CAP_RANGE_STEP)) {
        WHY("no CAP_RANGE_STEP");
        return CONF_NA;
    }
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    uint32_t lo = st.regs.pc & ~1u, hi = lo + 2;
    msg(&q, tether_v1_Message_resume_tag);
    q.body.resume.action = tether_v1_ResumeAction_RANGE_STEP;
    q.body.resume.range_start = lo;
    q.body.resume.range_end = hi;
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK)
        WHY("resume(RANGE_STEP): %s", tt_err_name(e));
    else if ((e = next_stop(c, &A, &ev)) != TT_OK)
        WHY("no StopEvent after the range step (%s)", tt_err_name(e));
    else if (ev.body.stop_event.reason != tether_v1_StopReason_RANGE_STEP_DONE &&
             ev.body.stop_event.reason != tether_v1_StopReason_BREAKPOINT)
        WHY("range step stopped with reason %d", (int)ev.body.stop_event.reason);
    else if (ev.body.stop_event.regs.pc >= lo && ev.body.stop_event.regs.pc < hi)
        WHY("range step stopped inside its range at 0x%08x", (unsigned)ev.body.stop_event.regs.pc);
    else
        res = CONF_PASS;
    detach_close(c, &A);
    return res;
}

/* A breakpoint at the halted pc: the app's loop comes back to it. The bytes read there are
 * the original instruction's, and resuming from it executes it first. */
CASE(breakpoint_hit)
{
    tether_v1_StopEvent st;
    tether_v1_Message ev;
    uint8_t before[4], during[4];
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    uint32_t pc = st.regs.pc & ~1u;
    tt_err e = read_mem(c, &A, pc, 2, before);
    breakpoint_request(tether_v1_Message_set_breakpoint_tag, pc);
    if (e == TT_OK)
        e = sess_call(c, &A, &q, &r);
    if (e == TT_OK)
        e = read_mem(c, &A, pc, 2, during);
    if (e != TT_OK)
        WHY("set a breakpoint at the halted pc 0x%08x: %s", (unsigned)pc, tt_err_name(e));
    else if (memcmp(before, during, 2) != 0)
        WHY("ReadMemory at a breakpoint shows %02x%02x, not the original %02x%02x", during[0],
            during[1], before[0], before[1]);
    else {
        e = resume(c, &A, tether_v1_ResumeAction_CONTINUE);
        if (e != TT_OK)
            WHY("resume: %s", tt_err_name(e));
        else if ((e = next_stop(c, &A, &ev)) != TT_OK)
            WHY("no stop within 5 s of resuming (%s)", tt_err_name(e));
        else if (ev.body.stop_event.reason != tether_v1_StopReason_BREAKPOINT ||
                 (ev.body.stop_event.regs.pc & ~1u) != pc)
            WHY("stop reason %d at 0x%08x, expected BREAKPOINT at 0x%08x",
                (int)ev.body.stop_event.reason, (unsigned)ev.body.stop_event.regs.pc,
                (unsigned)pc);
        else if (ev.body.stop_event.stop_count != st.stop_count + 1)
            WHY("stop_count %u, expected %u", (unsigned)ev.body.stop_event.stop_count,
                (unsigned)st.stop_count + 1);
        else
            res = CONF_PASS;
    }
    detach_close(c, &A);
    return res;
}

CASE(breakpoint_idempotent)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_PASS;
    uint32_t pc = st.regs.pc & ~1u;
    for (int i = 0; i < 4 && res == CONF_PASS; i++) { /* set, set, clear, clear */
        breakpoint_request(i < 2 ? tether_v1_Message_set_breakpoint_tag
                                 : tether_v1_Message_clear_breakpoint_tag,
                           pc);
        res = sess_expect(c, &A, &q, TT_OK, -1, why, whylen);
    }
    detach_close(c, &A);
    return res;
}

CASE(memory_round_trip)
{
    tether_v1_StopEvent st;
    uint8_t orig[16], pat[16], back[16];
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    uint32_t a = scratch(&st);
    for (unsigned i = 0; i < sizeof pat; i++)
        pat[i] = (uint8_t)(0xA0 + i * 7);
    tt_err e = read_mem(c, &A, a, 16, orig);
    if (e == TT_OK)
        e = write_mem(c, &A, a, pat, 16);
    if (e == TT_OK)
        e = read_mem(c, &A, a, 16, back);
    if (e != TT_OK)
        WHY("read/write/read of app RAM at 0x%08x: %s", (unsigned)a, tt_err_name(e));
    else if (memcmp(back, pat, 16) != 0)
        WHY("read back differs from what was written");
    else
        res = CONF_PASS;
    (void)write_mem(c, &A, a, orig, 16);
    detach_close(c, &A);
    return res;
}

CASE(multi_range_read)
{
    tether_v1_StopEvent st;
    uint8_t one[8], two[4];
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    uint32_t a = scratch(&st), pc = st.regs.pc & ~3u;
    tt_err e = read_mem(c, &A, a, 8, one);
    if (e == TT_OK)
        e = read_mem(c, &A, pc, 4, two);
    msg(&q, tether_v1_Message_read_memory_tag);
    q.body.read_memory.ranges_count = 2;
    q.body.read_memory.ranges[0].addr = a;
    q.body.read_memory.ranges[0].len = 8;
    q.body.read_memory.ranges[1].addr = pc;
    q.body.read_memory.ranges[1].len = 4;
    if (e == TT_OK)
        e = sess_call(c, &A, &q, &r);
    if (e != TT_OK || r.body.memory_data.data.size != 12)
        WHY("two-range read: %s, %u bytes", tt_err_name(e), (unsigned)r.body.memory_data.data.size);
    else if (memcmp(r.body.memory_data.data.bytes, one, 8) != 0 ||
             memcmp(r.body.memory_data.data.bytes + 8, two, 4) != 0)
        WHY("the ranges' bytes are not concatenated in request order");
    else
        res = CONF_PASS;
    detach_close(c, &A);
    return res;
}

CASE(registers_all)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    msg(&q, tether_v1_Message_read_registers_tag);
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK || r.body.registers.regs_count != 23)
        WHY("read all registers: %s, %u registers (want 23)", tt_err_name(e),
            (unsigned)r.body.registers.regs_count);
    else {
        res = CONF_PASS;
        for (unsigned i = 1; i < 23; i++)
            if (r.body.registers.regs[i].num <= r.body.registers.regs[i - 1].num)
                res = CONF_FAIL;
        if (res == CONF_FAIL)
            WHY("registers not in ascending number order");
        else if (r.body.registers.regs[15].num != 15 || r.body.registers.regs[15].value != st.regs.pc)
            WHY("pc 0x%08x differs from the stop's 0x%08x", (unsigned)r.body.registers.regs[15].value,
                (unsigned)st.regs.pc), res = CONF_FAIL;
    }
    detach_close(c, &A);
    return res;
}

CASE(register_round_trip)
{
    tether_v1_StopEvent st;
    uint32_t v = 0;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    tt_err e = write_reg(c, &A, 7, 0x5EC0DE07u);
    if (e == TT_OK)
        e = read_reg(c, &A, 7, &v);
    if (e != TT_OK || v != 0x5EC0DE07u)
        WHY("r7 written 0x5ec0de07, read back 0x%08x (%s)", (unsigned)v, tt_err_name(e));
    else
        res = CONF_PASS;
    (void)write_reg(c, &A, 7, st.regs.r7);
    detach_close(c, &A);
    return res;
}

CASE(reset_halt)
{
    tether_v1_StopEvent st;
    tether_v1_Message ev;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    msg(&q, tether_v1_Message_reset_app_tag);
    q.body.reset_app.halt_after_reset = true;
    tt_err e = sess_call(c, &A, &q, &r);
    if (e != TT_OK || r.which_body != tether_v1_Message_ack_tag)
        WHY("reset_app: %s", tt_err_name(e));
    else if ((e = next_stop(c, &A, &ev)) != TT_OK ||
             ev.body.stop_event.reason != tether_v1_StopReason_RESET)
        WHY("no StopEvent RESET after reset_app{halt_after_reset} (%s)", tt_err_name(e));
    else if (ev.body.stop_event.stop_count != st.stop_count + 1)
        WHY("stop_count %u, expected %u", (unsigned)ev.body.stop_event.stop_count,
            (unsigned)st.stop_count + 1);
    else
        res = CONF_PASS;
    detach_close(c, &A);
    return res;
}

/* ---------------------------------------------------------------- refusals ---- */

/* One read_memory that must be refused with dbg-access and the given detail. */
static enum conf_result read_refused(struct conf *c, const uint32_t (*rg)[2], unsigned n,
                                     long detail, char *why, size_t whylen)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_read_memory_tag);
    q.body.read_memory.ranges_count = (pb_size_t)n;
    for (unsigned i = 0; i < n; i++) {
        q.body.read_memory.ranges[i].addr = rg[i][0] ? rg[i][0] : scratch(&st);
        q.body.read_memory.ranges[i].len = rg[i][1];
    }
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_DBG_ACCESS, detail, why, whylen);
    detach_close(c, &A);
    return res;
}

CASE(read_scs)
{
    static const uint32_t rg[][2] = {{SCS_ADDR, 4}};
    return read_refused(c, rg, 1, 0, why, whylen);
}
CASE(read_scs_ns_alias)
{
    static const uint32_t rg[][2] = {{SCS_NS_ADDR, 4}};
    return read_refused(c, rg, 1, 0, why, whylen);
}
/* The Secure alias (address bit 28 on the reference's IDAU) of the app's own code. */
CASE(read_secure_alias)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    one_range_read((st.regs.pc & ~3u) | SECURE_ALIAS_BIT, 4);
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_DBG_ACCESS, 0, why, whylen);
    detach_close(c, &A);
    return res;
}

CASE(read_unmapped)
{
    static const uint32_t rg[][2] = {{UNMAPPED_ADDR, 4}};
    return read_refused(c, rg, 1, 0, why, whylen);
}
CASE(read_zero_length)
{
    static const uint32_t rg[][2] = {{0, 0}}; /* addr 0: the scratch RAM address */
    return read_refused(c, rg, 1, 0, why, whylen);
}
CASE(read_wraps)
{
    static const uint32_t rg[][2] = {{0xFFFFFFF0u, 0x20}};
    return read_refused(c, rg, 1, 0, why, whylen);
}
CASE(read_second_range_bad)
{
    static const uint32_t rg[][2] = {{0, 4}, {SECURE_ADDR, 4}};
    return read_refused(c, rg, 2, 1, why, whylen);
}

CASE(read_no_ranges)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_read_memory_tag);
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_MSG_DECODE, -1, why, whylen);
    detach_close(c, &A);
    return res;
}

CASE(read_over_chunk)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    uint32_t max = c->limits.max_mem_chunk ? c->limits.max_mem_chunk : 1024u;
    msg(&q, tether_v1_Message_read_memory_tag);
    q.body.read_memory.ranges_count = 2;
    q.body.read_memory.ranges[0].addr = scratch(&st) - max;
    q.body.read_memory.ranges[0].len = max;
    q.body.read_memory.ranges[1].addr = scratch(&st);
    q.body.read_memory.ranges[1].len = 4;
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_MSG_DECODE, -1, why, whylen);
    detach_close(c, &A);
    return res;
}

/* write_memory refusals, each followed by a read-back of the first range's bytes. */
enum wcase { W_RUNNING, W_SECOND_SECURE, W_LENGTH, W_PERMISSION };

static enum conf_result write_refused(struct conf *c, enum wcase k, char *why, size_t whylen)
{
    static const tt_err want[] = {TT_ERR_DBG_RUNNING, TT_ERR_DBG_ACCESS, TT_ERR_MSG_DECODE,
                                  TT_ERR_PERMISSION};
    tether_v1_StopEvent st;
    uint8_t orig[8];
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    uint32_t a = scratch(&st);
    enum conf_result res = CONF_FAIL;
    struct sess *w = &A;
    tt_err e = read_mem(c, &A, a, 8, orig);
    if (e != TT_OK) {
        WHY("cannot read app RAM at 0x%08x: %s", (unsigned)a, tt_err_name(e));
        goto out;
    }
    if (k == W_RUNNING) {
        if (resume(c, &A, tether_v1_ResumeAction_CONTINUE) != TT_OK)
            goto out;
    }
    if (k == W_PERMISSION) { /* a second session of the key, no MEMORY_WRITE, attached */
        if (attached_session(c, &B, TT_PERM_ALL & ~TT_PERM_MEMORY_WRITE, why, whylen) != CONF_PASS)
            goto out;
        w = &B;
    }
    msg(&q, tether_v1_Message_write_memory_tag);
    q.body.write_memory.ranges_count = k == W_SECOND_SECURE ? 2 : 1;
    q.body.write_memory.ranges[0].addr = a;
    q.body.write_memory.ranges[0].len = 8;
    q.body.write_memory.ranges[1].addr = SECURE_ADDR;
    q.body.write_memory.ranges[1].len = 4;
    memset(q.body.write_memory.data.bytes, 0x5A, 12);
    q.body.write_memory.data.size = k == W_SECOND_SECURE ? 12 : k == W_LENGTH ? 7 : 8;
    res = sess_expect(c, w, &q, want[k], k == W_SECOND_SECURE ? 1 : -1, why, whylen);
    if (res == CONF_PASS && k == W_RUNNING)
        res = halt(c, &A, NULL) == TT_OK ? CONF_PASS : CONF_FAIL;
    if (res == CONF_PASS)
        res = mem_unchanged(c, w, a, orig, 8, why, whylen);
out:
    detach_close(c, &B);
    detach_close(c, &A);
    return res;
}

CASE(write_while_running) { return write_refused(c, W_RUNNING, why, whylen); }
CASE(write_second_secure) { return write_refused(c, W_SECOND_SECURE, why, whylen); }
CASE(write_length_mismatch) { return write_refused(c, W_LENGTH, why, whylen); }
CASE(write_no_permission) { return write_refused(c, W_PERMISSION, why, whylen); }

/* write_registers refusals, each followed by a read-back of r0 and pc. */
enum rcase { R_PC_SECURE, R_BAD_NUMBER, R_PERMISSION, R_RUNNING };

static enum conf_result regs_refused(struct conf *c, enum rcase k, char *why, size_t whylen)
{
    static const tt_err want[] = {TT_ERR_DBG_ACCESS, TT_ERR_DBG_ACCESS, TT_ERR_PERMISSION,
                                  TT_ERR_DBG_RUNNING};
    static const long detail[] = {15, 16, -1, -1};
    tether_v1_StopEvent st;
    uint32_t r0 = 0, pc = 0;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    struct sess *w = &A;
    if (k == R_RUNNING) {
        if (resume(c, &A, tether_v1_ResumeAction_CONTINUE) != TT_OK)
            goto out;
    }
    if (k == R_PERMISSION) {
        if (attached_session(c, &B, TT_PERM_ALL & ~TT_PERM_MEMORY_WRITE, why, whylen) != CONF_PASS)
            goto out;
        w = &B;
    }
    msg(&q, tether_v1_Message_write_registers_tag);
    q.body.write_registers.regs_count = 2;
    q.body.write_registers.regs[0].num = 0; /* valid, before the refused one */
    q.body.write_registers.regs[0].value = st.regs.r0 ^ 0xFFFFu;
    q.body.write_registers.regs[1].num = k == R_BAD_NUMBER ? 16 : 15;
    q.body.write_registers.regs[1].value = k == R_PC_SECURE ? SECURE_ADDR | 1u : st.regs.pc;
    res = sess_expect(c, w, &q, want[k], detail[k], why, whylen);
    if (res == CONF_PASS && k == R_RUNNING && halt(c, &A, &st) != TT_OK)
        res = CONF_FAIL;
    if (res == CONF_PASS) {
        tt_err e = read_reg(c, w, 0, &r0);
        if (e == TT_OK)
            e = read_reg(c, w, 15, &pc);
        if (e != TT_OK || r0 != st.regs.r0 || pc != st.regs.pc) {
            WHY("registers changed by a refused write: r0 0x%08x (was 0x%08x), pc 0x%08x "
                "(was 0x%08x) (%s)", (unsigned)r0, (unsigned)st.regs.r0, (unsigned)pc,
                (unsigned)st.regs.pc, tt_err_name(e));
            res = CONF_FAIL;
        }
    }
out:
    detach_close(c, &B);
    detach_close(c, &A);
    return res;
}

CASE(write_pc_secure) { return regs_refused(c, R_PC_SECURE, why, whylen); }
CASE(write_reg_unknown) { return regs_refused(c, R_BAD_NUMBER, why, whylen); }
CASE(write_regs_no_permission) { return regs_refused(c, R_PERMISSION, why, whylen); }
CASE(write_regs_running) { return regs_refused(c, R_RUNNING, why, whylen); }

CASE(read_reg_unknown)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_read_registers_tag);
    q.body.read_registers.regnums_count = 2;
    q.body.read_registers.regnums[0] = 0;
    q.body.read_registers.regnums[1] = 40;
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_DBG_ACCESS, 40, why, whylen);
    detach_close(c, &A);
    return res;
}

CASE(read_regs_running)
{
    NEED_DEBUG();
    enum conf_result res = attached_session(c, &A, 0, why, whylen);
    msg(&q, tether_v1_Message_read_registers_tag);
    if (res == CONF_PASS)
        res = sess_expect(c, &A, &q, TT_ERR_DBG_RUNNING, -1, why, whylen);
    detach_close(c, &A);
    return res;
}

CASE(resume_running)
{
    NEED_DEBUG();
    enum conf_result res = attached_session(c, &A, 0, why, whylen);
    msg(&q, tether_v1_Message_resume_tag);
    q.body.resume.action = tether_v1_ResumeAction_STEP;
    if (res == CONF_PASS)
        res = sess_expect(c, &A, &q, TT_ERR_DBG_RUNNING, -1, why, whylen);
    detach_close(c, &A);
    return res;
}

/* Resume refusals leave the app halted at the same stop (and the breakpoint set as it was:
 * the next resume does not stop at the refused set's first, valid breakpoint at pc). */
enum ucase { U_SECURE_BP, U_RANGE_EMPTY, U_PERMISSION, U_TOO_MANY };

static enum conf_result resume_refused(struct conf *c, enum ucase k, char *why, size_t whylen)
{
    static const tt_err want[] = {TT_ERR_DBG_ACCESS, TT_ERR_DBG_ACCESS, TT_ERR_PERMISSION,
                                  TT_ERR_DBG_BP_FULL};
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (k == U_RANGE_EMPTY && !(c->capabilities & tether_v1_Capability_CAP_RANGE_STEP)) {
        WHY("no CAP_RANGE_STEP");
        return CONF_NA;
    }
    if (k == U_TOO_MANY && (c->limits.breakpoints == 0 || c->limits.breakpoints >= 16)) {
        WHY("Limits.breakpoints %u: a Resume set (max 16) cannot exceed it",
            (unsigned)c->limits.breakpoints);
        return CONF_NA;
    }
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    struct sess *w = &A;
    if (k == U_PERMISSION) {
        if (attached_session(c, &B, TT_PERM_ALL & ~TT_PERM_DEBUG_CONTROL, why, whylen) != CONF_PASS)
            goto out;
        w = &B;
    }
    uint32_t code = st.regs.pc & ~1u;
    msg(&q, tether_v1_Message_resume_tag);
    q.body.resume.action = k == U_RANGE_EMPTY ? tether_v1_ResumeAction_RANGE_STEP
                                              : tether_v1_ResumeAction_CONTINUE;
    q.body.resume.range_start = q.body.resume.range_end = code;
    q.body.resume.replace_breakpoints = k != U_RANGE_EMPTY;
    q.body.resume.breakpoints_count = k == U_TOO_MANY ? (pb_size_t)(c->limits.breakpoints + 1) : 2;
    for (unsigned i = 0; i < q.body.resume.breakpoints_count; i++) {
        q.body.resume.breakpoints[i].addr = code + 2 * i;
        q.body.resume.breakpoints[i].size = 2;
    }
    if (k == U_SECURE_BP)
        q.body.resume.breakpoints[1].addr = SECURE_ADDR;
    res = sess_expect(c, w, &q, want[k], k == U_SECURE_BP ? 1 : -1, why, whylen);
    if (res == CONF_PASS && w == &B && attach(c, &A, NULL) != TT_OK) /* back to A */
        res = CONF_FAIL;
    if (res == CONF_PASS)
        res = still_halted(c, &A, &st, why, whylen);
out:
    detach_close(c, &B);
    detach_close(c, &A);
    return res;
}

CASE(resume_secure_bp) { return resume_refused(c, U_SECURE_BP, why, whylen); }
CASE(resume_empty_range) { return resume_refused(c, U_RANGE_EMPTY, why, whylen); }
CASE(resume_no_permission) { return resume_refused(c, U_PERMISSION, why, whylen); }
CASE(resume_too_many_bps) { return resume_refused(c, U_TOO_MANY, why, whylen); }

/* set_breakpoint / set_watchpoint refusals. */
enum bcase { B_SECURE, B_SIZE, B_HARDWARE, B_WATCH, B_PERMISSION };

static enum conf_result bp_refused(struct conf *c, enum bcase k, char *why, size_t whylen)
{
    tether_v1_StopEvent st;
    tt_err want = TT_ERR_DBG_ACCESS;
    NEED_DEBUG();
    if (k == B_HARDWARE && (c->capabilities & tether_v1_Capability_CAP_HW_BREAKPOINTS)) {
        WHY("the device has hardware breakpoints");
        return CONF_NA;
    }
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    struct sess *w = &A;
    if (k == B_PERMISSION) {
        if (attached_session(c, &B, TT_PERM_ALL & ~TT_PERM_DEBUG_CONTROL, why, whylen) != CONF_PASS)
            goto out;
        w = &B;
        want = TT_ERR_PERMISSION;
    }
    msg(&q, tether_v1_Message_set_breakpoint_tag);
    q.body.set_breakpoint.has_bp = true;
    q.body.set_breakpoint.bp.addr = k == B_SECURE ? SECURE_ADDR : st.regs.pc & ~1u;
    q.body.set_breakpoint.bp.size = k == B_SIZE ? 3 : 2;
    if (k == B_SIZE)
        want = TT_ERR_MSG_DECODE;
    if (k == B_HARDWARE) {
        q.body.set_breakpoint.bp.kind = tether_v1_BreakpointKind_HARDWARE;
        want = TT_ERR_MSG_UNSUPPORTED;
    }
    if (k == B_WATCH) {
        msg(&q, tether_v1_Message_set_watchpoint_tag);
        q.body.set_watchpoint.has_wp = true;
        q.body.set_watchpoint.wp.len = 4;
        if (c->capabilities & tether_v1_Capability_CAP_WATCHPOINTS)
            q.body.set_watchpoint.wp.addr = SECURE_ADDR; /* [DBG-012] */
        else {
            q.body.set_watchpoint.wp.addr = scratch(&st);
            want = TT_ERR_MSG_UNSUPPORTED;
        }
    }
    res = sess_expect(c, w, &q, want, -1, why, whylen);
    if (res == CONF_PASS && w == &B && attach(c, &A, NULL) != TT_OK) /* back to A */
        res = CONF_FAIL;
    /* Nothing was set: the app resumes and is still running shortly after (a breakpoint at
     * the loop's pc would stop it at once). */
    if (res == CONF_PASS && k != B_SECURE && k != B_WATCH) {
        tether_v1_Message ev;
        if (resume(c, &A, tether_v1_ResumeAction_CONTINUE) != TT_OK)
            res = CONF_FAIL;
        else if (sess_event(c, &A, &ev, 500) == TT_OK) {
            WHY("a refused breakpoint fired");
            res = CONF_FAIL;
        }
    }
out:
    detach_close(c, &B);
    detach_close(c, &A);
    return res;
}

CASE(bp_secure) { return bp_refused(c, B_SECURE, why, whylen); }
CASE(bp_bad_size) { return bp_refused(c, B_SIZE, why, whylen); }
CASE(bp_hardware_unsupported) { return bp_refused(c, B_HARDWARE, why, whylen); }
CASE(watch_refused) { return bp_refused(c, B_WATCH, why, whylen); }
CASE(bp_no_permission) { return bp_refused(c, B_PERMISSION, why, whylen); }

CASE(bp_table_full)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (c->limits.breakpoints == 0 || c->limits.breakpoints > 64) {
        WHY("Limits.breakpoints %u", (unsigned)c->limits.breakpoints);
        return CONF_NA;
    }
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_PASS;
    uint32_t base = (st.regs.pc & ~1u) + 0x40u; /* away from the loop: never hit */
    for (uint32_t i = 0; i <= c->limits.breakpoints && res == CONF_PASS; i++) {
        breakpoint_request(tether_v1_Message_set_breakpoint_tag, base + 2 * i);
        res = sess_expect(c, &A, &q, i < c->limits.breakpoints ? TT_OK : TT_ERR_DBG_BP_FULL, -1,
                          why, whylen);
    }
    detach_close(c, &A); /* detach removes them all ([DBG-004]) */
    return res;
}

/* Requests from a session that does not hold the attachment. */
CASE(halt_not_attached)
{
    NEED_DEBUG();
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_halt_tag);
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_STATE, -1, why, whylen);
    if (res == CONF_PASS)
        res = app_running(c, &A, why, whylen);
    detach_close(c, &A);
    return res;
}

CASE(read_not_attached)
{
    NEED_DEBUG();
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    one_range_read(SECURE_ADDR, 4); /* attachment is checked before access */
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_STATE, -1, why, whylen);
    sess_close(&A);
    return res;
}

CASE(reset_halt_not_attached)
{
    NEED_DEBUG();
    if (sess_open(c, &A, 0, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_reset_app_tag);
    q.body.reset_app.halt_after_reset = true;
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_STATE, -1, why, whylen);
    if (res == CONF_PASS)
        res = app_running(c, &A, why, whylen);
    detach_close(c, &A);
    return res;
}

/* The permission is checked before the attachment ([DBG-014]): a session without
 * DEBUG_READ that is not attached gets permission, not state. */
CASE(read_no_permission_first)
{
    NEED_DEBUG();
    if (sess_open(c, &A, TT_PERM_LOG, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    one_range_read(SECURE_ADDR, 4);
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_PERMISSION, -1, why, whylen);
    sess_close(&A);
    return res;
}

CASE(halt_no_permission)
{
    NEED_DEBUG();
    enum conf_result res = attached_session(c, &A, TT_PERM_ALL & ~TT_PERM_DEBUG_CONTROL, why,
                                            whylen);
    msg(&q, tether_v1_Message_halt_tag);
    if (res == CONF_PASS)
        res = sess_expect(c, &A, &q, TT_ERR_PERMISSION, -1, why, whylen);
    if (res == CONF_PASS)
        res = app_running(c, &A, why, whylen);
    detach_close(c, &A);
    return res;
}

CASE(reset_no_permission)
{
    tether_v1_StopEvent st;
    NEED_DEBUG();
    if (halted_session(c, &A, TT_PERM_ALL & ~TT_PERM_RESET, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_reset_app_tag);
    q.body.reset_app.halt_after_reset = true;
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_PERMISSION, -1, why, whylen);
    if (res == CONF_PASS)
        res = still_halted(c, &A, &st, why, whylen);
    detach_close(c, &A);
    return res;
}

CASE(attach_no_permission)
{
    NEED_DEBUG();
    if (sess_open(c, &A, TT_PERM_LOG, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    msg(&q, tether_v1_Message_attach_tag);
    enum conf_result res = sess_expect(c, &A, &q, TT_ERR_PERMISSION, -1, why, whylen);
    sess_close(&A);
    if (res == CONF_PASS && sess_open(c, &B, 0, why, whylen) == CONF_PASS) {
        res = app_running(c, &B, why, whylen); /* and the refused session holds nothing */
        detach_close(c, &B);
    }
    return res;
}

/* Another client key holds the attachment: attach is refused, and the holder keeps it. */
#define REG_LR 14u /* register numbers of [DBG-011] */
#define REG_PC 15u

/* A fault of the attached app ([DBG-051]): two UDF #0 at a scratch word of app RAM, pc set
 * there, resume. The app must halt with FAULT and pc at the UDF (the faulting instruction as
 * the architecture stacks it). The RAM is restored and the app reset, and it runs again. */
CASE(fault_halts)
{
    static const uint8_t udf[4] = {0x00, 0xDE, 0x00, 0xDE};
    tether_v1_StopEvent st;
    tether_v1_Message ev;
    uint8_t orig[4];
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    uint32_t at = scratch(&st);
    tt_err e = read_mem(c, &A, at, 4, orig);
    if (e == TT_OK)
        e = write_mem(c, &A, at, udf, 4);
    if (e == TT_OK)
        e = write_reg(c, &A, REG_PC, at);
    if (e != TT_OK) {
        WHY("put a UDF at 0x%08x and pc there: %s", (unsigned)at, tt_err_name(e));
        detach_close(c, &A);
        return CONF_FAIL;
    }
    e = resume(c, &A, tether_v1_ResumeAction_CONTINUE);
    if (e != TT_OK || r.which_body != tether_v1_Message_ack_tag)
        WHY("resume: %s", tt_err_name(e));
    else if ((e = next_stop(c, &A, &ev)) != TT_OK)
        WHY("no StopEvent after resuming into a UDF (%s)", tt_err_name(e));
    else if (ev.body.stop_event.reason != tether_v1_StopReason_FAULT ||
             (ev.body.stop_event.regs.pc & ~1u) != at)
        WHY("stop reason %d at 0x%08x, expected FAULT at 0x%08x", (int)ev.body.stop_event.reason,
            (unsigned)ev.body.stop_event.regs.pc, (unsigned)at);
    else if (ev.body.stop_event.stop_count != st.stop_count + 1 || ev.request_id != 0)
        WHY("fault stop: stop_count %u (want %u), request_id %u",
            (unsigned)ev.body.stop_event.stop_count, (unsigned)st.stop_count + 1,
            (unsigned)ev.request_id);
    else
        res = CONF_PASS;
    /* Put the RAM back and restart the app: it must run again. */
    (void)write_mem(c, &A, at, orig, 4);
    msg(&q, tether_v1_Message_reset_app_tag);
    e = sess_call(c, &A, &q, &r);
    if (res == CONF_PASS && (e != TT_OK || r.which_body != tether_v1_Message_ack_tag)) {
        WHY("reset_app after the fault: %s", tt_err_name(e));
        res = CONF_FAIL;
    }
    if (res == CONF_PASS)
        res = app_running(c, &A, why, whylen);
    detach_close(c, &A);
    return res;
}

/* A step the device cannot take ([DBG-025]): BX LR with LR an EXC_RETURN value (an
 * exception return, whose next pc the device cannot break at). Refused dbg-step before any
 * Ack; the app stays halted (the same stop, pc not moved), and no step breakpoint is left in
 * memory. Registers and RAM are put back before detaching. */
CASE(step_refused)
{
    static const uint8_t bxlr[4] = {0x70, 0x47, 0x70, 0x47};
    tether_v1_StopEvent st;
    uint8_t orig[4];
    uint32_t pc = 0;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    uint32_t at = scratch(&st);
    tt_err e = read_mem(c, &A, at, 4, orig);
    if (e == TT_OK)
        e = write_mem(c, &A, at, bxlr, 4);
    if (e == TT_OK)
        e = write_reg(c, &A, REG_LR, 0xFFFFFFBCu);
    if (e == TT_OK)
        e = write_reg(c, &A, REG_PC, at);
    if (e != TT_OK) {
        WHY("put BX LR at 0x%08x, LR = EXC_RETURN and pc there: %s", (unsigned)at,
            tt_err_name(e));
    } else {
        msg(&q, tether_v1_Message_resume_tag);
        q.body.resume.action = tether_v1_ResumeAction_STEP;
        res = sess_expect(c, &A, &q, TT_ERR_DBG_STEP, -1, why, whylen);
        if (res == CONF_PASS)
            res = still_halted(c, &A, &st, why, whylen);
        if (res == CONF_PASS && ((e = read_reg(c, &A, REG_PC, &pc)) != TT_OK || pc != at)) {
            WHY("after the refused step pc is 0x%08x (%s), expected 0x%08x", (unsigned)pc,
                tt_err_name(e), (unsigned)at);
            res = CONF_FAIL;
        }
        if (res == CONF_PASS)
            res = mem_unchanged(c, &A, at, bxlr, 4, why, whylen);
    }
    (void)write_reg(c, &A, REG_PC, st.regs.pc);
    (void)write_reg(c, &A, REG_LR, st.regs.lr);
    (void)write_mem(c, &A, at, orig, 4);
    detach_close(c, &A);
    return res;
}

CASE(attach_other_key)
{
    tether_v1_StopEvent st;
    struct conf_key saved;
    NEED_DEBUG();
    if (halted_session(c, &A, 0, &st, why, whylen) != CONF_PASS)
        return CONF_FAIL;
    enum conf_result res = CONF_FAIL;
    conf_new_key(c, &saved);
    if (sess_open(c, &B, 0, why, whylen) == CONF_PASS) {
        msg(&q, tether_v1_Message_attach_tag);
        res = sess_expect(c, &B, &q, TT_ERR_DBG_ATTACHED, -1, why, whylen);
        if (res == CONF_PASS) {
            msg(&q, tether_v1_Message_reset_app_tag);
            res = sess_expect(c, &B, &q, TT_ERR_DBG_ATTACHED, -1, why, whylen);
        }
        if (res == CONF_PASS) { /* A steps: its stop goes to A only ([DBG-052]) */
            tether_v1_Message ev;
            if (resume(c, &A, tether_v1_ResumeAction_STEP) != TT_OK ||
                sess_event(c, &A, &ev, CONF_EVENT_MS) != TT_OK) {
                WHY("the holder's step did not stop");
                res = CONF_FAIL;
            } else if (sess_event(c, &B, &ev, 1500) == TT_OK) {
                WHY("a session that does not hold the attachment received an event");
                res = CONF_FAIL;
            } else if (halt(c, &A, &st) != TT_OK) {
                res = CONF_FAIL;
            }
        }
        sess_close(&B);
    }
    conf_restore_key(c, &saved);
    if (res == CONF_PASS)
        res = still_halted(c, &A, &st, why, whylen);
    detach_close(c, &A);
    return res;
}

const struct conf_case conf_debug_cases[] = {
    {"[DBG-002] [DBG-020]", "attach leaves a running app running; halt stops it", attach_keeps_running},
    {"[DBG-020] [DBG-050]", "halt is answered by the StopEvent, not pushed again; halting again returns the same stop", halt_reply_is_stop},
    {"[DBG-002] [DBG-003]", "attach from another session of the same key moves the attachment", attach_moves_same_key},
    {"[DBG-004]", "detach resumes a halted app", detach_resumes},
    {"[DBG-060] [HS-053]", "the attached session's Close detaches and resumes the app", session_end_detaches},
    {"[DBG-022] [DBG-050] [MSG-012]", "resume(STEP): Ack, then one StopEvent STEP_DONE with the next stop_count", step_one},
    {"[DBG-022]", "resume(RANGE_STEP) stops outside the range", range_step},
    {"[DBG-023] [DBG-033] [DBG-050]", "a breakpoint is invisible to reads and stops the app at its address", breakpoint_hit},
    {"[DBG-031]", "set twice and clear twice a breakpoint: Ack every time", breakpoint_idempotent},
    {"[DBG-040] [DBG-042]", "write_memory then read_memory of app RAM round-trips", memory_round_trip},
    {"[DBG-040]", "a two-range read returns both ranges concatenated in order", multi_range_read},
    {"[DBG-043] [DBG-050]", "read_registers with no numbers returns all 23 in ascending order", registers_all},
    {"[DBG-043] [DBG-044]", "write_registers then read_registers round-trips", register_round_trip},
    {"[DBG-026]", "reset_app{halt_after_reset}: Ack, then StopEvent RESET", reset_halt},
    {"[DBG-010] [SEC-16]", "read of the System Control Space: dbg-access", read_scs},
    {"[DBG-010] [SEC-16]", "read of the SCS Non-secure alias: dbg-access", read_scs_ns_alias},
    {"[DBG-010] [SEC-16]", "read of the Secure alias of the app's own code: dbg-access", read_secure_alias},
    {"[DBG-010]", "read of unmapped memory: dbg-access", read_unmapped},
    {"[DBG-010]", "read of length 0: dbg-access", read_zero_length},
    {"[DBG-010]", "read wrapping past 2^32: dbg-access", read_wraps},
    {"[DBG-014] [DBG-010]", "read with a refused second range: dbg-access, detail 1", read_second_range_bad},
    {"[DBG-040]", "read_memory without ranges: msg-decode", read_no_ranges},
    {"[DBG-040] [LIM-012]", "read_memory over Limits.max_mem_chunk: msg-decode", read_over_chunk},
    {"[DBG-042] [CTL-011]", "write_memory while running: dbg-running, memory unchanged", write_while_running},
    {"[DBG-014] [CTL-011] [DBG-010]", "write_memory with a Secure second range: dbg-access detail 1, first range unchanged", write_second_secure},
    {"[DBG-042] [CTL-011]", "write_memory whose data length differs from its ranges: msg-decode, unchanged", write_length_mismatch},
    {"[GRT-040] [CTL-011] [SEC-9]", "write_memory without MEMORY_WRITE: permission, unchanged", write_no_permission},
    {"[DBG-044] [CTL-011]", "write_registers of a Secure pc: dbg-access detail 15, registers unchanged", write_pc_secure},
    {"[DBG-011] [DBG-014] [CTL-011]", "write_registers of register 16: dbg-access detail 16, r0 unchanged", write_reg_unknown},
    {"[GRT-040] [CTL-011]", "write_registers without MEMORY_WRITE: permission, unchanged", write_regs_no_permission},
    {"[DBG-043] [CTL-011]", "write_registers while running: dbg-running, unchanged", write_regs_running},
    {"[DBG-011]", "read_registers of register 40: dbg-access detail 40", read_reg_unknown},
    {"[DBG-043]", "read_registers while running: dbg-running", read_regs_running},
    {"[DBG-021]", "resume while running: dbg-running", resume_running},
    {"[DBG-021] [DBG-012] [DBG-014]", "resume with a Secure breakpoint in its set: dbg-access detail 1, app still halted", resume_secure_bp},
    {"[DBG-022] [DBG-021]", "resume(RANGE_STEP) with an empty range: dbg-access, app still halted", resume_empty_range},
    {"[GRT-040] [DBG-021]", "resume without DEBUG_CONTROL: permission, app still halted", resume_no_permission},
    {"[DBG-030] [DBG-021]", "resume with more breakpoints than Limits.breakpoints: dbg-bp-full, still halted", resume_too_many_bps},
    {"[DBG-012] [SEC-16]", "breakpoint at a Secure address: dbg-access", bp_secure},
    {"[DBG-031]", "breakpoint of size 3: msg-decode, nothing set", bp_bad_size},
    {"[DBG-031]", "hardware breakpoint without CAP_HW_BREAKPOINTS: msg-unsupported, nothing set", bp_hardware_unsupported},
    {"[DBG-031] [DBG-012]", "watchpoint without CAP_WATCHPOINTS (or on Secure memory): refused", watch_refused},
    {"[GRT-040]", "set_breakpoint without DEBUG_CONTROL: permission, nothing set", bp_no_permission},
    {"[DBG-030] [DBG-004]", "one breakpoint more than Limits.breakpoints: dbg-bp-full", bp_table_full},
    {"[DBG-003]", "halt from a session not attached: state, app still running", halt_not_attached},
    {"[DBG-003] [DBG-014]", "read_memory from a session not attached: state (before the access check)", read_not_attached},
    {"[DBG-003]", "reset_app{halt_after_reset} not attached: state, app still running", reset_halt_not_attached},
    {"[DBG-014] [GRT-040] [MSG-014]", "read_memory without DEBUG_READ, not attached: permission (checked first)", read_no_permission_first},
    {"[GRT-040] [SEC-9]", "halt without DEBUG_CONTROL: permission, app still running", halt_no_permission},
    {"[GRT-040] [CTL-011]", "reset_app without RESET: permission, app still halted at the same stop", reset_no_permission},
    {"[GRT-040] [SEC-9]", "attach without DEBUG_READ: permission, nothing attached", attach_no_permission},
    {"[DBG-051]", "a fault of the attached app (UDF in app RAM): StopEvent FAULT at the UDF; reset, runs again", fault_halts},
    {"[DBG-025] [DBG-021]", "step of BX LR to an EXC_RETURN: dbg-step before any Ack, still halted, memory unchanged", step_refused},
    {"[DBG-002] [DBG-003] [DBG-052]", "another client key: attach and reset_app refused dbg-attached, no events for it, holder keeps the app", attach_other_key},
};
const size_t conf_debug_ncases = sizeof conf_debug_cases / sizeof conf_debug_cases[0];
