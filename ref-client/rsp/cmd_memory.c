/* cmd_memory.c — m M X: memory from the three sources — the ELF's read-only sections once
 * the device's app measurement matched them, the cache while halted (cache.c), else the
 * device — and writes, which drop the cache. Depends on rsp_internal.h. */
#include <string.h>

#include "rsp_internal.h"

static tt_err read_mem(struct tt_rsp *r, uint32_t addr, uint8_t *out, size_t len)
{
    if (!r->no_optimize) {
        if (r->elf && r->elf_trusted && tt_elf_read_ro(r->elf, addr, out, len)) {
            r->stats.elf_reads++;
            return TT_OK;
        }
        if (!r->running && tt_rsp_cacheable(r, addr, len) &&
            tt_rsp_cache_read(r, addr, out, len) == TT_OK)
            return TT_OK;
        /* not cacheable, or the rounded-out fetch failed: ask for exactly these bytes */
    }
    return tt_rsp_call(r, r->be.read_mem(r->be.ctx, addr, out, len));
}

void tt_rsp_exec_read_mem(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    uint8_t buf[TT_RSP_MEM_MAX];
    char hex[2 * TT_RSP_MEM_MAX + 1];
    if (q->len && read_mem(r, q->addr, buf, q->len) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_tohex(hex, buf, q->len);
    hex[2 * q->len] = 0;
    tt_rsp_reply(r, hex);
}

void tt_rsp_exec_write_mem(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    uint8_t buf[TT_RSP_MEM_MAX];
    if (q->cmd == TT_RSP_CMD_WRITE_MEM)
        for (size_t i = 0; i < q->len; i++)
            buf[i] =
                (uint8_t)(tt_rsp_hexval(q->data[2 * i]) * 16 + tt_rsp_hexval(q->data[2 * i + 1]));
    else if (q->len)
        memcpy(buf, q->data, q->len);
    if (q->len == 0) {
        tt_rsp_reply(r, "OK");
        return;
    } /* GDB's probe for X support */
    if (r->running) {
        tt_rsp_put_error(r, TT_RSP_E_RUNNING);
        return;
    }
    tt_rsp_cache_drop(&r->cache); /* dropped even if the write fails midway */
    if (tt_rsp_call(r, r->be.write_mem(r->be.ctx, q->addr, buf, q->len)) != TT_OK) {
        tt_rsp_put_error(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_reply(r, "OK");
}
