/* parse.c — one RSP command (an unescaped packet payload) into a typed request.
 *
 * Parsing is exact: every field is consumed by a cursor that knows where the payload ends,
 * hex numbers are checked digit by digit against 32 bits (no overflow whatever the number
 * of leading zeros), lengths are capped before anything is sized from them, address +
 * length must not wrap, data must be exactly the announced length, and trailing bytes are
 * an error. A command we do not implement is TT_RSP_CMD_UNKNOWN (the protocol's empty
 * reply); a malformed one of ours sets req->error. Depends on rsp.h. */
#include <string.h>

#include "rsp.h"

struct cur {
    const uint8_t *p, *end;
};

static bool at_end(const struct cur *c)
{
    return c->p == c->end;
}

static bool eat(struct cur *c, char ch)
{
    if (c->p < c->end && *c->p == (uint8_t)ch) {
        c->p++;
        return true;
    }
    return false;
}

/* Does the payload start with `s`? Consumes it if so. */
static bool eat_str(struct cur *c, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool is_exactly(const struct cur *c, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(c->end - c->p) == n && memcmp(c->p, s, n) == 0;
}

/* One or more hex digits, value < 2^32. */
static bool hex32(struct cur *c, uint32_t *out)
{
    uint64_t v = 0;
    const uint8_t *start = c->p;
    while (c->p < c->end) {
        int d = tt_rsp_hexval(*c->p);
        if (d < 0)
            break;
        v = v * 16 + (unsigned)d;
        if (v > 0xFFFFFFFFull)
            return false;
        c->p++;
    }
    if (c->p == start)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool all_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tt_rsp_hexval(p[i]) < 0)
            return false;
    return true;
}

static void set_err(struct tt_rsp_req *q, enum tt_rsp_error e)
{
    if (!q->error)
        q->error = (uint8_t)e;
}

/* "addr,len" with the limits of a memory access. */
static bool addr_len(struct cur *c, struct tt_rsp_req *q)
{
    if (!hex32(c, &q->addr) || !eat(c, ',') || !hex32(c, &q->len)) {
        set_err(q, TT_RSP_E_SYNTAX);
        return false;
    }
    if (q->len > TT_RSP_MEM_MAX) {
        set_err(q, TT_RSP_E_TOO_LONG);
        return false;
    }
    if ((uint64_t)q->addr + q->len > 0x100000000ull) {
        set_err(q, TT_RSP_E_RANGE);
        return false;
    }
    return true;
}

static void parse_mem(struct cur *c, struct tt_rsp_req *q, char kind)
{
    q->cmd = kind == 'm'   ? TT_RSP_CMD_READ_MEM
             : kind == 'M' ? TT_RSP_CMD_WRITE_MEM
                           : TT_RSP_CMD_WRITE_MEM_BIN;
    if (!addr_len(c, q))
        return;
    if (kind == 'm') {
        if (!at_end(c))
            set_err(q, TT_RSP_E_SYNTAX);
        return;
    }
    if (!eat(c, ':')) {
        set_err(q, TT_RSP_E_SYNTAX);
        return;
    }
    size_t rest = (size_t)(c->end - c->p);
    size_t want = kind == 'M' ? 2u * q->len : q->len;
    if (rest != want || (kind == 'M' && !all_hex(c->p, rest))) {
        set_err(q, TT_RSP_E_SYNTAX);
        return;
    }
    q->data = c->p;
    q->data_len = rest;
}

/* c [addr] / s [addr] / C sig [;addr] / S sig [;addr] */
static void parse_resume(struct cur *c, struct tt_rsp_req *q, char kind)
{
    q->cmd = (kind == 'c' || kind == 'C') ? TT_RSP_CMD_CONTINUE : TT_RSP_CMD_STEP;
    q->action = q->cmd == TT_RSP_CMD_CONTINUE ? TT_RSP_CONTINUE : TT_RSP_STEP;
    if (kind == 'C' || kind == 'S') {
        uint32_t sig;
        if (!hex32(c, &sig) || sig > 0xff) {
            set_err(q, TT_RSP_E_SYNTAX);
            return;
        }
        if (at_end(c))
            return;
        if (!eat(c, ';') || at_end(c)) { /* ';' must be followed by an address */
            set_err(q, TT_RSP_E_SYNTAX);
            return;
        }
    }
    if (at_end(c))
        return;
    if (!hex32(c, &q->addr) || !at_end(c)) {
        set_err(q, TT_RSP_E_SYNTAX);
        return;
    }
    q->has_addr = true;
}

/* A thread id as GDB writes it: -1, 0, hex, or p<pid>.<tid>; we have one thread. */
static bool thread_id(struct cur *c)
{
    uint32_t v;
    if (eat(c, 'p')) {
        if (!eat_str(c, "-1") && !hex32(c, &v))
            return false;
        if (eat(c, '.') && !eat_str(c, "-1") && !hex32(c, &v))
            return false;
        return true;
    }
    return eat_str(c, "-1") || hex32(c, &v);
}

/* vCont;action[:tid][;action[:tid]]… — one thread, so the first action is ours. */
static void parse_vcont(struct cur *c, struct tt_rsp_req *q)
{
    q->cmd = TT_RSP_CMD_VCONT;
    bool first = true;
    while (!at_end(c)) {
        struct tt_rsp_req a = {0};
        uint32_t sig;
        if (!eat(c, ';')) {
            set_err(q, TT_RSP_E_SYNTAX);
            return;
        }
        if (eat(c, 'c')) {
            a.action = TT_RSP_CONTINUE;
        } else if (eat(c, 's')) {
            a.action = TT_RSP_STEP;
        } else if (eat(c, 'C') || eat(c, 'S')) {
            a.action = c->p[-1] == 'C' ? TT_RSP_CONTINUE : TT_RSP_STEP;
            if (!hex32(c, &sig) || sig > 0xff) {
                set_err(q, TT_RSP_E_SYNTAX);
                return;
            }
        } else if (eat(c, 'r')) {
            a.action = TT_RSP_RANGE_STEP;
            if (!hex32(c, &a.range_start) || !eat(c, ',') || !hex32(c, &a.range_end)) {
                set_err(q, TT_RSP_E_SYNTAX);
                return;
            }
        } else {
            set_err(q, TT_RSP_E_SYNTAX); /* t (stop) and unknown actions */
            return;
        }
        if (eat(c, ':') && !thread_id(c)) {
            set_err(q, TT_RSP_E_SYNTAX);
            return;
        }
        if (first) {
            q->action = a.action;
            q->range_start = a.range_start;
            q->range_end = a.range_end;
            first = false;
        }
    }
    if (first)
        set_err(q, TT_RSP_E_SYNTAX); /* "vCont" with no action */
}

/* Ztype,addr,kind / ztype,addr,kind (no conditions: we do not advertise them) */
static void parse_bp(struct cur *c, struct tt_rsp_req *q, bool insert)
{
    q->cmd = insert ? TT_RSP_CMD_INSERT_BP : TT_RSP_CMD_REMOVE_BP;
    uint32_t type;
    if (!hex32(c, &type) || !eat(c, ',') || !hex32(c, &q->bp.addr) || !eat(c, ',') ||
        !hex32(c, &q->bp.kind) || !at_end(c)) {
        set_err(q, TT_RSP_E_SYNTAX);
        return;
    }
    if (type > TT_RSP_WP_ACCESS) {
        q->cmd = TT_RSP_CMD_UNKNOWN; /* an unsupported type gets the empty reply */
        return;
    }
    q->bp.type = (uint8_t)type;
    bool is_bp = type <= TT_RSP_BP_HW;
    /* ARM kinds: 2 = Thumb, 3 = Thumb-2 32-bit, 4 = ARM; watch lengths 1..256 */
    if ((is_bp && (q->bp.kind < 2 || q->bp.kind > 4)) ||
        (!is_bp && (q->bp.kind == 0 || q->bp.kind > 256)))
        set_err(q, TT_RSP_E_SYNTAX);
    else if ((uint64_t)q->bp.addr + q->bp.kind > 0x100000000ull)
        set_err(q, TT_RSP_E_RANGE);
}

/* offset,length at the end of a qXfer read */
static void xfer_range(struct cur *c, struct tt_rsp_req *q)
{
    if (!hex32(c, &q->addr) || !eat(c, ',') || !hex32(c, &q->len) || !at_end(c))
        set_err(q, TT_RSP_E_SYNTAX);
}

static void parse_xfer(struct cur *c, struct tt_rsp_req *q)
{
    if (eat_str(c, "features:read:")) {
        q->cmd = TT_RSP_CMD_XFER_FEATURES;
        if (!eat_str(c, "target.xml:")) {
            set_err(q, TT_RSP_E_ANNEX);
            return;
        }
    } else if (eat_str(c, "memory-map:read:")) {
        q->cmd = TT_RSP_CMD_XFER_MEMMAP;
        if (!eat(c, ':')) {
            set_err(q, TT_RSP_E_ANNEX);
            return;
        }
    } else if (eat_str(c, "threads:read:")) {
        q->cmd = TT_RSP_CMD_XFER_THREADS;
        if (!eat(c, ':')) {
            set_err(q, TT_RSP_E_ANNEX);
            return;
        }
    } else {
        return; /* other objects: unknown → empty reply */
    }
    xfer_range(c, q);
}

static void parse_supported(struct cur *c, struct tt_rsp_req *q)
{
    q->cmd = TT_RSP_CMD_SUPPORTED;
    if (at_end(c))
        return;
    if (!eat(c, ':')) {
        set_err(q, TT_RSP_E_SYNTAX);
        return;
    }
    /* feature list "a+;b-;c=v": only note what matters to our stop replies */
    while (!at_end(c)) {
        const uint8_t *start = c->p;
        while (c->p < c->end && *c->p != ';')
            c->p++;
        size_t n = (size_t)(c->p - start);
        if (n == 8 && memcmp(start, "swbreak+", 8) == 0)
            q->gdb_swbreak = true;
        if (n == 8 && memcmp(start, "hwbreak+", 8) == 0)
            q->gdb_hwbreak = true;
        (void)eat(c, ';');
    }
}

/* vRun;filename[;arg]… (each hex): the device runs the one app it has, so the file name
 * and arguments are only checked for form, then ignored. */
static void parse_run(struct cur *c, struct tt_rsp_req *q)
{
    q->cmd = TT_RSP_CMD_RUN;
    for (;;) {
        const uint8_t *start = c->p;
        while (c->p < c->end && *c->p != ';')
            c->p++;
        size_t n = (size_t)(c->p - start);
        if (n % 2 || !all_hex(start, n)) {
            set_err(q, TT_RSP_E_SYNTAX);
            return;
        }
        if (!eat(c, ';'))
            return;
    }
}

static void parse_q(struct cur *c, struct tt_rsp_req *q)
{
    if (eat_str(c, "qSupported")) {
        parse_supported(c, q);
    } else if (eat_str(c, "qXfer:")) {
        parse_xfer(c, q);
    } else if (is_exactly(c, "qC")) {
        q->cmd = TT_RSP_CMD_CURRENT_THREAD;
    } else if (is_exactly(c, "qfThreadInfo")) {
        q->cmd = TT_RSP_CMD_THREADS_FIRST;
    } else if (is_exactly(c, "qsThreadInfo")) {
        q->cmd = TT_RSP_CMD_THREADS_NEXT;
    } else if (eat_str(c, "qAttached")) {
        q->cmd = TT_RSP_CMD_ATTACHED;
        uint32_t pid;
        if (!at_end(c) && (!eat(c, ':') || !hex32(c, &pid) || !at_end(c)))
            set_err(q, TT_RSP_E_SYNTAX);
    } else if (eat_str(c, "qRcmd,")) {
        q->cmd = TT_RSP_CMD_MONITOR;
        size_t n = (size_t)(c->end - c->p);
        if (n == 0 || n % 2 || !all_hex(c->p, n)) {
            set_err(q, TT_RSP_E_SYNTAX);
            return;
        }
        q->data = c->p;
        q->data_len = n;
    } else if (eat_str(c, "qSymbol:")) {
        q->cmd = TT_RSP_CMD_SYMBOL;
    } /* qTStatus, qOffsets, … : unknown → empty reply */
}

void tt_rsp_parse(const uint8_t *pkt, size_t len, struct tt_rsp_req *q)
{
    memset(q, 0, sizeof *q);
    q->cmd = TT_RSP_CMD_UNKNOWN;
    struct cur c = {pkt, pkt + len};
    if (len == 0)
        return;
    uint8_t k = pkt[0];
    struct cur body = {pkt + 1, pkt + len};
    uint32_t v;
    switch (k) {
    case '?':
        q->cmd = TT_RSP_CMD_STATUS_Q;
        if (!at_end(&body))
            set_err(q, TT_RSP_E_SYNTAX);
        break;
    case 'g':
        q->cmd = TT_RSP_CMD_READ_REGS;
        if (!at_end(&body))
            set_err(q, TT_RSP_E_SYNTAX);
        break;
    case 'G':
        q->cmd = TT_RSP_CMD_WRITE_REGS;
        q->data = body.p;
        q->data_len = (size_t)(body.end - body.p);
        if (q->data_len != TT_RSP_NREGS * 8u || !all_hex(q->data, q->data_len))
            set_err(q, TT_RSP_E_SYNTAX);
        break;
    case 'p':
        q->cmd = TT_RSP_CMD_READ_REG;
        if (!hex32(&body, &v) || !at_end(&body))
            set_err(q, TT_RSP_E_SYNTAX);
        q->regnum = v;
        break;
    case 'P': {
        q->cmd = TT_RSP_CMD_WRITE_REG;
        if (!hex32(&body, &v) || !eat(&body, '=') || body.end - body.p != 8 ||
            !all_hex(body.p, 8)) {
            set_err(q, TT_RSP_E_SYNTAX);
            break;
        }
        q->regnum = v;
        /* target byte order: little-endian */
        for (int i = 3; i >= 0; i--)
            q->value = (q->value << 8) | (uint32_t)(tt_rsp_hexval(body.p[2 * i]) * 16 +
                                                    tt_rsp_hexval(body.p[2 * i + 1]));
        break;
    }
    case 'm':
    case 'M':
    case 'X':
        parse_mem(&body, q, (char)k);
        break;
    case 'c':
    case 's':
    case 'C':
    case 'S':
        parse_resume(&body, q, (char)k);
        break;
    case 'Z':
    case 'z':
        parse_bp(&body, q, k == 'Z');
        break;
    case 'D':
        q->cmd = TT_RSP_CMD_DETACH; /* "D" or "D;pid" */
        if (!at_end(&body) && (!eat(&body, ';') || !hex32(&body, &v) || !at_end(&body)))
            set_err(q, TT_RSP_E_SYNTAX);
        break;
    case 'k':
        q->cmd = TT_RSP_CMD_KILL;
        break;
    case '!':
        q->cmd = TT_RSP_CMD_EXTENDED;
        if (!at_end(&body))
            set_err(q, TT_RSP_E_SYNTAX);
        break;
    case 'H':
        q->cmd = TT_RSP_CMD_SET_THREAD; /* Hg<tid> / Hc<tid> */
        if (!(eat(&body, 'g') || eat(&body, 'c')) || !thread_id(&body) || !at_end(&body))
            set_err(q, TT_RSP_E_SYNTAX);
        break;
    case 'T':
        q->cmd = TT_RSP_CMD_THREAD_ALIVE;
        if (!thread_id(&body) || !at_end(&body))
            set_err(q, TT_RSP_E_SYNTAX);
        break;
    case 'q':
        parse_q(&c, q);
        break;
    case 'Q':
        if (is_exactly(&c, "QStartNoAckMode"))
            q->cmd = TT_RSP_CMD_NOACK;
        break;
    case 'v':
        if (is_exactly(&c, "vCont?"))
            q->cmd = TT_RSP_CMD_VCONT_Q;
        else if (eat_str(&c, "vCont"))
            parse_vcont(&c, q);
        else if (eat_str(&c, "vKill"))
            q->cmd = TT_RSP_CMD_KILL;
        else if (eat_str(&c, "vRun;"))
            parse_run(&c, q);
        break; /* vMustReplyEmpty, vFile… : empty reply */
    default:
        break;
    }
}
