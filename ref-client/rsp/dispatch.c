/* dispatch.c — executes one parsed RSP command: answers locally what the engine knows,
 * calls the backend for what only the device can do.
 *
 * Local answers (unless no_optimize): registers from the last stop; breakpoints (Z0/Z1)
 * recorded in a table and handed to the backend as the full set with the next resume, so
 * GDB's remove-all-after-stop / insert-all-before-resume costs nothing; watchpoints
 * recorded likewise and only their net changes applied at the resume; memory through the
 * cache while halted; read-only sections from the ELF when the caller has checked the
 * device's app measurement against it. With no_optimize every command that touches the
 * target is one backend call, as through a transparent tunnel. Depends on rsp.h. */
#include <stdio.h>
#include <string.h>

#include "rsp.h"

void tt_rsp_init(struct tt_rsp *r, const struct tt_rsp_backend *be)
{
    memset(r, 0, sizeof *r);
    r->be = *be;
}

static void reply(struct tt_rsp *r, const char *s)
{
    tt_rsp_put_str(r, s); /* input only runs with room for a reply (packet.c) */
}

static void reply_err(struct tt_rsp *r, enum tt_rsp_error e)
{
    tt_rsp_put_error(r, e);
}

static tt_err call(struct tt_rsp *r, tt_err err)
{
    r->stats.backend_calls++;
    return err;
}

/* The registers as of now: the last stop's, or the device's when we do not know them. */
static tt_err get_regs(struct tt_rsp *r)
{
    if (r->have_regs && !r->no_optimize)
        return TT_OK;
    tt_err err = call(r, r->be.read_regs(r->be.ctx, r->regs));
    r->have_regs = err == TT_OK;
    return err;
}

static void do_read_regs(struct tt_rsp *r)
{
    if (r->running) {
        reply_err(r, TT_RSP_E_RUNNING);
        return;
    }
    if (get_regs(r) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    char hex[TT_RSP_NREGS * 8 + 1];
    for (unsigned i = 0; i < TT_RSP_NREGS; i++) {
        uint8_t b[4];
        uint32_t v = tt_rsp_reg_value(r->regs, i);
        b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8), b[2] = (uint8_t)(v >> 16),
        b[3] = (uint8_t)(v >> 24);
        tt_rsp_tohex(hex + 8 * i, b, 4);
    }
    hex[sizeof hex - 1] = 0;
    reply(r, hex);
}

/* Array index → device index for a write; -1 for the Secure stack pointers. */
static int write_target(unsigned i)
{
    if (i < TT_RSP_DEV_NREGS)
        return (int)i;
    if (i == TT_RSP_REG_MSP_NS)
        return TT_CORE_MSP;
    if (i == TT_RSP_REG_PSP_NS)
        return TT_CORE_PSP;
    return -1;
}

static tt_err write_one(struct tt_rsp *r, unsigned i, uint32_t v)
{
    int d = write_target(i);
    if (d < 0)
        return TT_ERR_DBG_ACCESS;
    tt_err err = call(r, r->be.write_reg(r->be.ctx, (unsigned)d, v));
    if (err == TT_OK)
        r->regs[d] = v;
    return err;
}

static uint32_t hex_le32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | (uint32_t)(tt_rsp_hexval(p[2 * i]) * 16 + tt_rsp_hexval(p[2 * i + 1]));
    return v;
}

static void do_write_regs(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    if (r->running) {
        reply_err(r, TT_RSP_E_RUNNING);
        return;
    }
    if (get_regs(r) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    uint32_t v[TT_RSP_NREGS];
    for (unsigned i = 0; i < TT_RSP_NREGS; i++)
        v[i] = hex_le32(q->data + 8 * i);
    if (v[TT_RSP_REG_MSP_S] != 0 || v[TT_RSP_REG_PSP_S] != 0) /* read as 0 and stay so */
    {
        reply_err(r, TT_RSP_E_ACCESS);
        return;
    }
    tt_rsp_cache_drop(&r->cache);
    for (unsigned i = 0; i < TT_RSP_REG_MSP_S; i++) {
        /* only what changed (all of them without optimisation) */
        if (!r->no_optimize && v[i] == tt_rsp_reg_value(r->regs, i))
            continue;
        if (write_one(r, i, v[i]) != TT_OK) {
            reply_err(r, TT_RSP_E_TARGET);
            return;
        }
    }
    reply(r, "OK");
}

static void do_read_reg(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    int i = tt_rsp_reg_index(q->regnum);
    if (i < 0) {
        reply_err(r, TT_RSP_E_RANGE);
        return;
    }
    if (r->running) {
        reply_err(r, TT_RSP_E_RUNNING);
        return;
    }
    if (get_regs(r) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    uint32_t v = tt_rsp_reg_value(r->regs, (unsigned)i);
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    char hex[9];
    tt_rsp_tohex(hex, b, 4);
    hex[8] = 0;
    reply(r, hex);
}

static void do_write_reg(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    int i = tt_rsp_reg_index(q->regnum);
    if (i < 0) {
        reply_err(r, TT_RSP_E_RANGE);
        return;
    }
    if (write_target((unsigned)i) < 0) {
        reply_err(r, TT_RSP_E_ACCESS);
        return;
    }
    if (r->running) {
        reply_err(r, TT_RSP_E_RUNNING);
        return;
    }
    tt_rsp_cache_drop(&r->cache);
    if (write_one(r, (unsigned)i, q->value) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    reply(r, "OK");
}

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
    return call(r, r->be.read_mem(r->be.ctx, addr, out, len));
}

static void do_read_mem(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    uint8_t buf[TT_RSP_MEM_MAX];
    char hex[2 * TT_RSP_MEM_MAX + 1];
    if (q->len && read_mem(r, q->addr, buf, q->len) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_tohex(hex, buf, q->len);
    hex[2 * q->len] = 0;
    reply(r, hex);
}

static void do_write_mem(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    uint8_t buf[TT_RSP_MEM_MAX];
    if (q->cmd == TT_RSP_CMD_WRITE_MEM)
        for (size_t i = 0; i < q->len; i++)
            buf[i] =
                (uint8_t)(tt_rsp_hexval(q->data[2 * i]) * 16 + tt_rsp_hexval(q->data[2 * i + 1]));
    else if (q->len)
        memcpy(buf, q->data, q->len);
    if (q->len == 0) {
        reply(r, "OK");
        return;
    } /* GDB's probe for X support */
    if (r->running) {
        reply_err(r, TT_RSP_E_RUNNING);
        return;
    }
    tt_rsp_cache_drop(&r->cache); /* dropped even if the write fails midway */
    if (call(r, r->be.write_mem(r->be.ctx, q->addr, buf, q->len)) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    reply(r, "OK");
}

/* ---- breakpoints and watchpoints ---------------------------------------------------- */

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

static void do_bp(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    bool insert = q->cmd == TT_RSP_CMD_INSERT_BP;
    bool is_wp = q->bp.type >= TT_RSP_WP_WRITE;
    struct tt_rsp_bp *t = is_wp ? r->wps : r->bps;
    size_t *n = is_wp ? &r->nwps : &r->nbps;
    size_t max = is_wp && r->max_watchpoints < TT_RSP_MAX_BPS ? r->max_watchpoints
                                                               : TT_RSP_MAX_BPS;
    if (is_wp && !(r->watch_types & (1u << q->bp.type))) {
        reply(r, ""); /* the device cannot: GDB falls back to what it can do itself */
        return;
    }
    if (insert && is_wp && q->bp.kind > r->max_watch_len) {
        reply_err(r, TT_RSP_E_RANGE);
        return;
    }
    if (insert && !table_has(t, *n, &q->bp) && *n >= max) {
        reply_err(r, TT_RSP_E_FULL);
        return;
    }
    /* Forward now without optimisation, or while running (no resume will carry it). */
    if (r->no_optimize || r->running) {
        tt_err err =
            call(r, insert ? r->be.set_bp(r->be.ctx, &q->bp) : r->be.clear_bp(r->be.ctx, &q->bp));
        if (err != TT_OK) {
            reply_err(r, TT_RSP_E_TARGET);
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
    reply(r, "OK");
}

/* Bring the device's watchpoints to the wanted set: set the new and, with `remove`, clear
 * the removed. A single step keeps the removed ones on the device: GDB takes a watchpoint
 * out only to step past its trigger and puts it back before it continues, so clearing and
 * setting it again would cost two round trips per trigger; a stop the device reports for a
 * watchpoint GDB does not have is shown to GDB as a plain stop (stop.c). */
static tt_err sync_watchpoints(struct tt_rsp *r, bool remove)
{
    for (size_t i = 0; remove && i < r->nwps_dev;) {
        if (table_has(r->wps, r->nwps, &r->wps_dev[i])) {
            i++;
            continue;
        }
        tt_err err = call(r, r->be.clear_bp(r->be.ctx, &r->wps_dev[i]));
        if (err != TT_OK)
            return err;
        r->wps_dev[i] = r->wps_dev[--r->nwps_dev];
    }
    for (size_t i = 0; i < r->nwps; i++) {
        if (table_has(r->wps_dev, r->nwps_dev, &r->wps[i]))
            continue;
        tt_err err = call(r, r->be.set_bp(r->be.ctx, &r->wps[i]));
        if (err != TT_OK)
            return err;
        (void)table_add(r->wps_dev, &r->nwps_dev, &r->wps[i]);
    }
    return TT_OK;
}

/* ---- run control --------------------------------------------------------------------- */

static void do_resume(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    if (r->running) {
        reply_err(r, TT_RSP_E_RUNNING);
        return;
    }
    if (q->has_addr) { /* c addr / s addr: resume elsewhere */
        tt_rsp_cache_drop(&r->cache);
        if (write_one(r, TT_RSP_REG_PC, q->addr) != TT_OK) {
            reply_err(r, TT_RSP_E_TARGET);
            return;
        }
    }
    struct tt_rsp_resume res = {
        .action = q->action, .range_start = q->range_start, .range_end = q->range_end};
    if (!r->no_optimize) {
        if (sync_watchpoints(r, q->action != TT_RSP_STEP) != TT_OK) {
            reply_err(r, TT_RSP_E_TARGET);
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
    if (call(r, r->be.resume(r->be.ctx, &res)) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    tt_rsp_cache_drop(&r->cache);
    r->have_regs = false;
    r->running = true;
    r->gdb_waits = true; /* the reply is the stop, later */
}

static void do_status(struct tt_rsp *r)
{
    if (r->running) { /* GDB connects to a running app: stop it */
        r->gdb_waits = true;
        return;
    }
    if (get_regs(r) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
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

/* ---- qXfer, monitor, detach ---------------------------------------------------------- */

/* Largest raw chunk: escaping may double it and it must fit a packet. */
#define XFER_CHUNK ((TT_RSP_PACKET_MAX - 8) / 2)

static void xfer(struct tt_rsp *r, const char *obj, size_t total, uint32_t off, uint32_t len)
{
    uint8_t buf[XFER_CHUNK + 1];
    if (off >= total) {
        reply(r, "l");
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

/* Text for GDB's console: O packets of up to 256 characters each. */
static void console(struct tt_rsp *r, const char *text)
{
    char pkt[1 + 2 * 256 + 1];
    size_t left = strlen(text);
    while (left) {
        size_t n = left > 256 ? 256 : left;
        pkt[0] = 'O';
        tt_rsp_tohex(pkt + 1, (const uint8_t *)text, n);
        pkt[1 + 2 * n] = 0;
        reply(r, pkt);
        text += n;
        left -= n;
    }
}

static const char monitor_help[] =
    "monitor commands:\n"
    "  help    this list\n"
    "  reset   restart the app from reset, halted at its reset vector\n"
    "  halt    stop the app\n"
    "  status  app state, breakpoints, optimisation, round trips of this GDB session\n";

static void monitor_reset(struct tt_rsp *r)
{
    tt_rsp_cache_drop(&r->cache);
    if (call(r, r->be.reset(r->be.ctx)) != TT_OK) {
        console(r, "monitor reset: the device refused the reset\n");
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    r->have_regs = false; /* the device pushes the new stop */
    console(r, "app reset, halted at its reset vector\n");
    reply(r, "OK");
}

static void monitor_halt(struct tt_rsp *r)
{
    if (r->running && call(r, r->be.halt(r->be.ctx)) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    console(r, r->running ? "halt requested\n" : "app already halted\n");
    reply(r, "OK");
}

static void monitor_status(struct tt_rsp *r)
{
    char line[256];
    /* While halted GDB has taken its breakpoints and watchpoints out: its set is the one
     * of the last continue. */
    size_t nbps = r->running || r->nbps > r->nbps_resumed ? r->nbps : r->nbps_resumed;
    size_t nwps = r->running || r->nwps > r->nwps_resumed ? r->nwps : r->nwps_resumed;
    int k = snprintf(line, sizeof line,
                     "app %s; %zu breakpoints, %zu watchpoints; optimisation %s; ELF %s; "
                     "%u packets, %u backend calls, cache %u hits / %u misses, %u ELF reads\n",
                     r->running ? "running" : "halted", nbps, nwps,
                     r->no_optimize ? "off" : "on",
                     !r->elf          ? "none"
                     : r->elf_trusted ? "matches the device"
                                      : "not trusted",
                     r->stats.packets, r->stats.backend_calls, r->stats.cache_hits,
                     r->stats.cache_misses, r->stats.elf_reads);
    if (k > 0)
        console(r, line);
    if (r->be.status && call(r, r->be.status(r->be.ctx, line, sizeof line - 1)) == TT_OK) {
        line[sizeof line - 2] = 0;
        size_t m = strlen(line);
        if (m && line[m - 1] != '\n')
            line[m++] = '\n', line[m] = 0;
        console(r, line);
    }
    reply(r, "OK");
}

static void do_monitor(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    char cmd[128];
    size_t n = q->data_len / 2;
    if (n >= sizeof cmd) {
        console(r, "monitor: command too long (`monitor help` lists the commands)\n");
        reply(r, "OK");
        return;
    }
    for (size_t i = 0; i < n; i++)
        cmd[i] = (char)(tt_rsp_hexval(q->data[2 * i]) * 16 + tt_rsp_hexval(q->data[2 * i + 1]));
    cmd[n] = 0;
    if (strcmp(cmd, "reset") == 0) {
        monitor_reset(r);
    } else if (strcmp(cmd, "halt") == 0) {
        monitor_halt(r);
    } else if (strcmp(cmd, "status") == 0) {
        monitor_status(r);
    } else if (strcmp(cmd, "help") == 0) {
        console(r, monitor_help);
        reply(r, "OK");
    } else {
        /* GDB 13 shows any E reply to qRcmd as "Protocol error with Rcmd": say what is wrong
         * on the console and end the command normally. */
        char line[200];
        snprintf(line, sizeof line,
                 "unknown monitor command \"%.100s\" (`monitor help` lists the commands)\n",
                 cmd);
        console(r, line);
        reply(r, "OK");
    }
}

static void do_detach(struct tt_rsp *r)
{
    /* The device clears every breakpoint and watchpoint and lets the app run ([DBG-004]);
     * `k` does the same: we never kill the app a device runs. */
    tt_err err = call(r, r->be.detach(r->be.ctx));
    r->nbps = r->nbps_resumed = r->nwps = r->nwps_resumed = r->nwps_dev = 0;
    r->running = r->gdb_waits = r->have_regs = false;
    tt_rsp_cache_drop(&r->cache);
    r->detached = true;
    if (err != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    reply(r, "OK");
}

/* k / vKill. In extended mode the connection stays: the app cannot cease to exist on the
 * device, so it is held halted with every breakpoint and watchpoint gone until the next
 * vRun restarts it. Otherwise a kill is a detach ([DBG-004]): we never kill the app a
 * device runs. */
static void do_kill(struct tt_rsp *r)
{
    if (!r->extended) {
        do_detach(r);
        return;
    }
    tt_err err = TT_OK;
    if (r->running)
        err = call(r, r->be.halt(r->be.ctx)); /* its stop comes back, GDB not waiting */
    r->nbps = r->nbps_resumed = r->nwps = r->nwps_resumed = 0;
    if (err == TT_OK)
        err = sync_watchpoints(r, true);
    r->gdb_waits = false;
    tt_rsp_cache_drop(&r->cache);
    if (err != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    reply(r, "OK");
}

/* vRun: what `run` does with a local probe — the app restarts from reset and stops before
 * its first instruction; the reply is that stop (RESET → SIGTRAP), when the device pushes
 * it. The device keeps the breakpoints GDB inserts again before it resumes. */
static void do_run(struct tt_rsp *r)
{
    if (r->running) { /* GDB interrupts (or kills) first: a halt's stop would be taken for ours */
        reply_err(r, TT_RSP_E_RUNNING);
        return;
    }
    tt_rsp_cache_drop(&r->cache);
    if (call(r, r->be.reset(r->be.ctx)) != TT_OK) {
        reply_err(r, TT_RSP_E_TARGET);
        return;
    }
    r->have_regs = false;
    r->running = true; /* until the RESET stop arrives */
    r->gdb_waits = true;
}

static void do_supported(struct tt_rsp *r, const struct tt_rsp_req *q)
{
    char s[256];
    r->gdb_swbreak = q->gdb_swbreak;
    r->gdb_hwbreak = q->gdb_hwbreak;
    snprintf(s, sizeof s,
             "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;%sqXfer:threads:read+;"
             "vContSupported+;hwbreak+;swbreak+",
             TT_RSP_PACKET_MAX, r->nregions ? "qXfer:memory-map:read+;" : "");
    reply(r, s);
}

void tt_rsp_dispatch(struct tt_rsp *r, const uint8_t *pkt, size_t len)
{
    struct tt_rsp_req q;
    tt_rsp_parse(pkt, len, &q);
    if (q.error) {
        reply_err(r, (enum tt_rsp_error)q.error);
        return;
    }
    const char *xml;
    size_t xml_len;
    char map[1024];
    switch (q.cmd) {
    case TT_RSP_CMD_SUPPORTED:
        do_supported(r, &q);
        return;
    case TT_RSP_CMD_NOACK:
        reply(r, "OK"); /* still acked by GDB; from the next packet on, no acks */
        r->noack = true;
        return;
    case TT_RSP_CMD_STATUS_Q:
        do_status(r);
        return;
    case TT_RSP_CMD_READ_REGS:
        do_read_regs(r);
        return;
    case TT_RSP_CMD_WRITE_REGS:
        do_write_regs(r, &q);
        return;
    case TT_RSP_CMD_READ_REG:
        do_read_reg(r, &q);
        return;
    case TT_RSP_CMD_WRITE_REG:
        do_write_reg(r, &q);
        return;
    case TT_RSP_CMD_READ_MEM:
        do_read_mem(r, &q);
        return;
    case TT_RSP_CMD_WRITE_MEM:
    case TT_RSP_CMD_WRITE_MEM_BIN:
        do_write_mem(r, &q);
        return;
    case TT_RSP_CMD_CONTINUE:
    case TT_RSP_CMD_STEP:
    case TT_RSP_CMD_VCONT:
        do_resume(r, &q);
        return;
    case TT_RSP_CMD_VCONT_Q:
        reply(r, "vCont;c;C;s;S;r");
        return;
    case TT_RSP_CMD_INSERT_BP:
    case TT_RSP_CMD_REMOVE_BP:
        do_bp(r, &q);
        return;
    case TT_RSP_CMD_XFER_FEATURES:
        xml_len = tt_rsp_target_xml(&xml);
        xfer(r, xml, xml_len, q.addr, q.len);
        return;
    case TT_RSP_CMD_XFER_MEMMAP:
        xml_len = tt_rsp_memory_map(r, map, sizeof map);
        if (r->nregions == 0 || xml_len == 0) {
            reply_err(r, TT_RSP_E_ANNEX);
            return;
        }
        xfer(r, map, xml_len, q.addr, q.len);
        return;
    case TT_RSP_CMD_XFER_THREADS:
        xml_len = tt_rsp_threads_xml(&xml);
        xfer(r, xml, xml_len, q.addr, q.len);
        return;
    case TT_RSP_CMD_CURRENT_THREAD:
        reply(r, "QC1");
        return;
    case TT_RSP_CMD_THREADS_FIRST:
        reply(r, "m1");
        return;
    case TT_RSP_CMD_THREADS_NEXT:
        reply(r, "l");
        return;
    case TT_RSP_CMD_ATTACHED:
        reply(r, "1"); /* attached to an existing process: detach leaves it running */
        return;
    case TT_RSP_CMD_MONITOR:
        do_monitor(r, &q);
        return;
    case TT_RSP_CMD_DETACH:
        do_detach(r);
        return;
    case TT_RSP_CMD_KILL:
        do_kill(r);
        return;
    case TT_RSP_CMD_EXTENDED:
        r->extended = true;
        reply(r, "OK");
        return;
    case TT_RSP_CMD_RUN:
        do_run(r);
        return;
    case TT_RSP_CMD_SET_THREAD:
    case TT_RSP_CMD_THREAD_ALIVE:
    case TT_RSP_CMD_SYMBOL:
        reply(r, "OK");
        return;
    default:
        reply(r, ""); /* unknown: the protocol's empty reply */
        return;
    }
}
