/* deferred_step.c — a single step GDB is told is done before the device runs it.
 *
 * `next` or `continue` from a breakpoint costs GDB two resumes: it takes its breakpoints out
 * and single-steps off the one at pc (`vCont;s`), waits for that stop, then range-steps the
 * line (`vCont;r`) or continues. When the registers of the stop are known and the code at pc
 * is the ELF's (the device's app measurement matched it), the engine decodes the instruction
 * at pc (the device's own next-PC decoder), answers the step at once with a stop reply that
 * carries the predicted pc only, and keeps the step pending ([DBG-090]):
 *  - a following range step whose range holds the predicted pc, or a continue, goes to the
 *    device as that one resume from the old pc: the device's first instruction of it is the
 *    pending step (a range step or a continue starting on a breakpoint steps the instruction
 *    there first), so one round trip does both ([DBG-091]);
 *  - any other command that needs the target (registers, memory, monitor, detach, another
 *    step) first has the device run the pending step, waits for its stop, then runs the
 *    command on the real state ([DBG-092]): what GDB sees is never a prediction beyond pc.
 * Only instructions whose successor the decoder knows from registers and the ELF or cached
 * stack alone are deferred (not SVC, BKPT, WFI/WFE, exception returns, undefined ones),
 * and never while watchpoints are set (their triggers are decided per step on the device).
 * Commands answered locally (thread queries, breakpoint table edits) leave the step pending.
 * Depends on rsp_internal.h and ref-device's pure Thumb decoder (thumb_next_pc.h). */
#include <stdio.h>
#include <string.h>

#include "rsp_internal.h"
#include "../../ref-device/core/target/thumb_next_pc.h"

/* The decoder's memory: the ELF's read-only sections or the cache, never the device (a read
 * there would cost the round trip we save). */
static tt_err read_local(void *ctx, uint32_t addr, uint32_t len, uint32_t *value)
{
    struct tt_rsp *r = ctx;
    uint8_t b[4] = {0};
    if (len > 4)
        return TT_ERR_ARG;
    if (!(r->elf && r->elf_trusted && tt_elf_read_ro(r->elf, addr, b, len)) &&
        !tt_rsp_cache_peek(&r->cache, addr, b, len))
        return TT_ERR_DBG_ACCESS;
    *value = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return TT_OK;
}

/* Where one step from the current registers goes, when that is known locally. */
static bool predict(struct tt_rsp *r, uint32_t *to)
{
    struct tt_thumb_regs regs;
    struct tt_thumb_next nx;
    uint16_t insn[2] = {0, 0};
    uint8_t b[4];
    uint32_t pc = r->regs[TT_RSP_REG_PC] & ~1u;
    if (!tt_elf_read_ro(r->elf, pc, b, 2))
        return false;
    insn[0] = (uint16_t)(b[0] | b[1] << 8);
    if (tt_thumb_is_32bit(insn[0])) {
        if (!tt_elf_read_ro(r->elf, pc + 2, b + 2, 2))
            return false;
        insn[1] = (uint16_t)(b[2] | b[3] << 8);
    }
    memcpy(regs.r, r->regs, sizeof regs.r);
    regs.r[15] = pc;
    regs.xpsr = r->regs[TT_CORE_XPSR];
    if (tt_thumb_next_pc(insn, &regs, read_local, r, &nx) != TT_OK)
        return false;
    if (nx.kind != TT_THUMB_GOTO && nx.kind != TT_THUMB_CALL)
        return false; /* traps, waits, returns to Secure or exception code: run it */
    *to = nx.next;
    return true;
}

bool tt_rsp_defer_step(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    uint32_t to;
    if (r->no_optimize || q->has_addr || r->running || !r->have_regs || !r->elf ||
        !r->elf_trusted || r->nwps || r->nwps_dev || r->step.pending || !predict(r, &to))
        return false;
    r->step.pending = true;
    r->step.from = r->regs[TT_RSP_REG_PC];
    r->step.to = to;
    r->stats.steps_deferred++;
    /* The stop as GDB would see it, with the one register known: GDB asks for any other,
     * and that runs the step first. */
    uint32_t v = to;
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    char hex[9], pkt[48];
    tt_rsp_tohex(hex, le, 4);
    hex[8] = 0;
    snprintf(pkt, sizeof pkt, "T05%02x:%s;thread:1;", tt_rsp_reg_number(TT_RSP_REG_PC), hex);
    tt_rsp_reply(r, pkt);
    return true;
}

/* Commands answered from the engine's own tables or the trusted ELF's read-only sections:
 * they neither see nor change what the step changes. */
static bool local_only(const struct tt_rsp *r, const struct tt_rsp_command *c,
                       const struct tt_rsp_req *q)
{
    uint8_t code[TT_RSP_MEM_MAX];
    switch (c->cmd) {
    case TT_RSP_CMD_READ_MEM: /* GDB reads the instruction under its breakpoint */
        return r->elf && r->elf_trusted && q->len <= sizeof code &&
               tt_elf_read_ro(r->elf, q->addr, code, q->len);
    case TT_RSP_CMD_XFER_FEATURES:
    case TT_RSP_CMD_XFER_MEMMAP:
    case TT_RSP_CMD_XFER_THREADS:
    case TT_RSP_CMD_CURRENT_THREAD:
    case TT_RSP_CMD_THREADS_FIRST:
    case TT_RSP_CMD_THREADS_NEXT:
    case TT_RSP_CMD_SET_THREAD:
    case TT_RSP_CMD_THREAD_ALIVE:
    case TT_RSP_CMD_VCONT_Q:
    case TT_RSP_CMD_SYMBOL:
    case TT_RSP_CMD_ATTACHED:
        return true;
    case TT_RSP_CMD_INSERT_BP:
    case TT_RSP_CMD_REMOVE_BP: /* breakpoints only: watchpoints stop deferral */
        return q->bp.type == TT_RSP_BP_SW || q->bp.type == TT_RSP_BP_HW;
    default:
        return false;
    }
}

static bool bp_at(const struct tt_rsp *r, uint32_t addr)
{
    for (size_t i = 0; i < r->nbps; i++)
        if ((r->bps[i].addr & ~1u) == (addr & ~1u))
            return true;
    return false;
}

/* A resume that begins with the pending step when sent from its pc: a range step whose
 * range holds where the step lands, or a continue. A breakpoint where the step lands would
 * be reported by the merged resume but not by the two GDB asked for: not merged. */
static bool merges(const struct tt_rsp *r, const struct tt_rsp_req *q)
{
    if ((q->cmd != TT_RSP_CMD_VCONT && q->cmd != TT_RSP_CMD_CONTINUE) || q->has_addr ||
        r->nwps || r->nwps_dev || bp_at(r, r->step.to))
        return false;
    if (q->action == TT_RSP_CONTINUE)
        return true;
    return q->action == TT_RSP_RANGE_STEP && q->range_start <= r->step.to &&
           r->step.to < q->range_end;
}

/* Have the device run the pending step; the command waits for its stop. */
static void flush(struct tt_rsp *r, const uint8_t *pkt, size_t len)
{
    struct tt_rsp_resume res = {.action = TT_RSP_STEP,
                                .replace_bps = true,
                                .bps = r->bps,
                                .nbps = r->nbps};
    r->step.pending = false;
    r->stats.steps_flushed++;
    if (tt_rsp_call(r, r->be.resume(r->be.ctx, &res)) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET); /* the command's reply: the target failed */
        return;
    }
    memcpy(r->step.pkt, pkt, len);
    r->step.pkt_len = len;
    r->step.flushing = true;
    tt_rsp_cache_drop(&r->cache);
    r->have_regs = false;
    r->running = true; /* GDB is not waiting for this stop: it waits for the command's reply */
}

bool tt_rsp_step_intercept(struct tt_rsp *r, const struct tt_rsp_command *c,
                           const struct tt_rsp_req *q, const uint8_t *pkt, size_t len)
{
    if (!r->step.pending || local_only(r, c, q))
        return false;
    if (merges(r, q)) {
        r->step.pending = false; /* the resume from the old pc runs it */
        r->stats.steps_merged++;
        return false;
    }
    flush(r, pkt, len);
    return true;
}

void tt_rsp_step_landed(struct tt_rsp *r)
{
    uint8_t pkt[TT_RSP_PACKET_MAX];
    size_t len = r->step.pkt_len;
    r->step.pending = false;
    if (!r->step.flushing)
        return;
    r->step.flushing = false;
    memcpy(pkt, r->step.pkt, len);
    tt_rsp_dispatch(r, pkt, len);
}
