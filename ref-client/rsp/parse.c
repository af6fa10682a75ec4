/* parse.c — one RSP command (an unescaped packet payload) into a typed request: the
 * command table (commands.c) names the command and its parser, here.
 *
 * Parsing is exact: every field is consumed by a cursor that knows where the payload ends,
 * hex numbers are checked digit by digit against 32 bits (no overflow whatever the number
 * of leading zeros), lengths are capped before anything is sized from them, address +
 * length must not wrap, data must be exactly the announced length, and trailing bytes are
 * an error. A command we do not implement is TT_RSP_CMD_UNKNOWN (the protocol's empty
 * reply); a malformed one of ours sets req->error. Depends on rsp_internal.h. */
#include <string.h>

#include "rsp_internal.h"

static bool at_end(const struct tt_rsp_cur *c)
{
    return c->p == c->end;
}

static bool eat(struct tt_rsp_cur *c, char ch)
{
    if (c->p < c->end && *c->p == (uint8_t)ch) {
        c->p++;
        return true;
    }
    return false;
}

/* Does the payload start with `s`? Consumes it if so. */
static bool eat_str(struct tt_rsp_cur *c, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool is_exactly(const struct tt_rsp_cur *c, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(c->end - c->p) == n && memcmp(c->p, s, n) == 0;
}

/* One or more hex digits, value < 2^32. */
static bool hex32(struct tt_rsp_cur *c, uint32_t *out)
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
static bool addr_len(struct tt_rsp_cur *c, struct tt_rsp_req *q)
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

static void parse_mem(struct tt_rsp_cur *c, struct tt_rsp_req *q, char kind)
{
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
static void parse_resume(struct tt_rsp_cur *c, struct tt_rsp_req *q, char kind)
{
    q->action = (kind == 'c' || kind == 'C') ? TT_RSP_CONTINUE : TT_RSP_STEP;
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
static bool thread_id(struct tt_rsp_cur *c)
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
void tt_rsp_parse_vcont(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
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
static void parse_bp(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
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
static void xfer_range(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    if (!hex32(c, &q->addr) || !eat(c, ',') || !hex32(c, &q->len) || !at_end(c))
        set_err(q, TT_RSP_E_SYNTAX);
}

/* qXfer:features:read:target.xml:offset,length (the one annex we serve) */
void tt_rsp_parse_xfer_features(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    if (!eat_str(c, "target.xml:")) {
        set_err(q, TT_RSP_E_ANNEX);
        return;
    }
    xfer_range(c, q);
}

/* qXfer:memory-map:read::offset,length and qXfer:threads:read::… (empty annex) */
void tt_rsp_parse_xfer_annexless(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    if (!eat(c, ':')) {
        set_err(q, TT_RSP_E_ANNEX);
        return;
    }
    xfer_range(c, q);
}

void tt_rsp_parse_supported(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
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
void tt_rsp_parse_run(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
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

/* qAttached[:pid] */
void tt_rsp_parse_attached(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    uint32_t pid;
    if (!at_end(c) && (!eat(c, ':') || !hex32(c, &pid) || !at_end(c)))
        set_err(q, TT_RSP_E_SYNTAX);
}

/* qRcmd,hex: the monitor command, hex-encoded, at least one character */
void tt_rsp_parse_rcmd(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    size_t n = (size_t)(c->end - c->p);
    if (n == 0 || n % 2 || !all_hex(c->p, n)) {
        set_err(q, TT_RSP_E_SYNTAX);
        return;
    }
    q->data = c->p;
    q->data_len = n;
}

void tt_rsp_parse_end(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    if (!at_end(c))
        set_err(q, TT_RSP_E_SYNTAX);
}

void tt_rsp_parse_rest(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    (void)c;
    (void)q;
}

/* G: every register of target.xml, 8 hex digits each */
void tt_rsp_parse_G(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    q->data = c->p;
    q->data_len = (size_t)(c->end - c->p);
    if (q->data_len != TT_RSP_NREGS * 8u || !all_hex(q->data, q->data_len))
        set_err(q, TT_RSP_E_SYNTAX);
}

void tt_rsp_parse_p(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    uint32_t v = 0;
    if (!hex32(c, &v) || !at_end(c))
        set_err(q, TT_RSP_E_SYNTAX);
    q->regnum = v;
}

/* Pn=value, the value in target byte order (little-endian) */
void tt_rsp_parse_P(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    uint32_t v;
    if (!hex32(c, &v) || !eat(c, '=') || c->end - c->p != 8 || !all_hex(c->p, 8)) {
        set_err(q, TT_RSP_E_SYNTAX);
        return;
    }
    q->regnum = v;
    for (int i = 3; i >= 0; i--)
        q->value = (q->value << 8) | (uint32_t)(tt_rsp_hexval(c->p[2 * i]) * 16 +
                                                tt_rsp_hexval(c->p[2 * i + 1]));
}

void tt_rsp_parse_m(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_mem(c, q, 'm');
}

void tt_rsp_parse_M(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_mem(c, q, 'M');
}

void tt_rsp_parse_X(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_mem(c, q, 'X');
}

void tt_rsp_parse_c(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_resume(c, q, 'c');
}

void tt_rsp_parse_C(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_resume(c, q, 'C');
}

void tt_rsp_parse_s(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_resume(c, q, 's');
}

void tt_rsp_parse_S(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_resume(c, q, 'S');
}

void tt_rsp_parse_Z(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_bp(c, q);
}

void tt_rsp_parse_z(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    parse_bp(c, q);
}

/* "D" or "D;pid" */
void tt_rsp_parse_D(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    uint32_t v;
    if (!at_end(c) && (!eat(c, ';') || !hex32(c, &v) || !at_end(c)))
        set_err(q, TT_RSP_E_SYNTAX);
}

/* Hg<tid> / Hc<tid> */
void tt_rsp_parse_H(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    if (!(eat(c, 'g') || eat(c, 'c')) || !thread_id(c) || !at_end(c))
        set_err(q, TT_RSP_E_SYNTAX);
}

void tt_rsp_parse_T(struct tt_rsp_cur *c, struct tt_rsp_req *q)
{
    if (!thread_id(c) || !at_end(c))
        set_err(q, TT_RSP_E_SYNTAX);
}

/* The first row whose name the payload starts with (or equals, for exact rows). */
const struct tt_rsp_command *tt_rsp_parse(const uint8_t *pkt, size_t len, struct tt_rsp_req *q)
{
    memset(q, 0, sizeof *q);
    q->cmd = TT_RSP_CMD_UNKNOWN;
    for (size_t i = 0; i < tt_rsp_ncommands; i++) {
        const struct tt_rsp_command *row = &tt_rsp_commands[i];
        struct tt_rsp_cur c = {pkt, pkt + len};
        if (row->exact ? !is_exactly(&c, row->name) : !eat_str(&c, row->name))
            continue;
        if (row->exact)
            c.p = c.end;
        q->cmd = row->cmd;
        row->parse(&c, q);
        return q->cmd == TT_RSP_CMD_UNKNOWN ? NULL : row;
    }
    return NULL;
}
