/* cmd_query.c — what the engine answers without the device: qSupported and no-ack mode,
 * the target description, memory map and thread list (qXfer), thread queries, qAttached,
 * vCont?, extended mode. Depends on rsp_internal.h. */
#include <stdio.h>
#include <string.h>

#include "rsp_internal.h"

/* Largest raw chunk: escaping may double it and it must fit a packet. */
#define XFER_CHUNK ((TT_RSP_PACKET_MAX - 8) / 2)

static void xfer(struct tt_rsp *r, const char *obj, size_t total, uint32_t off, uint32_t len)
{
    uint8_t buf[XFER_CHUNK + 1];
    if (off >= total) {
        tt_rsp_reply(r, "l");
        return;
    }
    size_t n = total - off;
    if (n > len)
        n = len;
    if (n > XFER_CHUNK)
        n = XFER_CHUNK;
    buf[0] = off + n < total ? 'm' : 'l';
    memcpy(buf + 1, obj + off, n);
    tt_rsp_put_packet(r, buf, n + 1);
}

void tt_rsp_exec_supported(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    char s[256];
    r->gdb_swbreak = q->gdb_swbreak;
    r->gdb_hwbreak = q->gdb_hwbreak;
    snprintf(s, sizeof s,
             "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;%sqXfer:threads:read+;"
             "vContSupported+;hwbreak+;swbreak+",
             TT_RSP_PACKET_MAX, r->nregions ? "qXfer:memory-map:read+;" : "");
    tt_rsp_reply(r, s);
}

void tt_rsp_exec_noack(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    tt_rsp_reply(r, "OK"); /* still acked by GDB; from the next packet on, no acks */
    r->noack = true;
}

void tt_rsp_exec_xfer_features(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    const char *xml;
    size_t n = tt_rsp_target_xml(&xml);
    xfer(r, xml, n, q->addr, q->len);
}

void tt_rsp_exec_xfer_memmap(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    char map[1024];
    size_t n = tt_rsp_memory_map(r, map, sizeof map);
    if (r->nregions == 0 || n == 0) {
        tt_rsp_put_error(r, TT_RSP_E_ANNEX);
        return;
    }
    xfer(r, map, n, q->addr, q->len);
}

void tt_rsp_exec_xfer_threads(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    const char *xml;
    size_t n = tt_rsp_threads_xml(&xml);
    xfer(r, xml, n, q->addr, q->len);
}

void tt_rsp_exec_vcont_q(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    tt_rsp_reply(r, "vCont;c;C;s;S;r");
}

void tt_rsp_exec_current_thread(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    tt_rsp_reply(r, "QC1");
}

void tt_rsp_exec_threads_first(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    tt_rsp_reply(r, "m1");
}

void tt_rsp_exec_threads_next(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    tt_rsp_reply(r, "l");
}

void tt_rsp_exec_attached(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    tt_rsp_reply(r, "1"); /* attached to an existing process: detach leaves it running */
}

/* H, T, qSymbol: one thread, no symbols wanted. */
void tt_rsp_exec_ok(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    tt_rsp_reply(r, "OK");
}

void tt_rsp_exec_extended(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    (void)q;
    r->extended = true;
    tt_rsp_reply(r, "OK");
}
