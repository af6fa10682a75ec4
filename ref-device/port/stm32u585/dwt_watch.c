/* dwt_watch.c — the DWT comparators as the port's watchpoint unit (see dwt_watch.h). The
 * plan (one comparator for 1, 2 or 4 aligned bytes, else a base + limit pair where the IDs
 * allow it) is dbg_encode.c's; this file keeps which watchpoint holds which comparators and
 * writes them. A pair is armed limit first and disarmed base first, so a half-written pair
 * never acts (only the base has an ACTION). Depends on dwt_watch.h, regs_armv8m.h. */
#include "dwt_watch.h"

#include "../armv8m/regs_armv8m.h"

static uint32_t rd(const struct u585_dwt *d, uint32_t a)
{
    return d->io->rd(d->io->ctx, a);
}

static void wr(const struct u585_dwt *d, uint32_t a, uint32_t v)
{
    d->io->wr(d->io->ctx, a, v);
}

/* port.h's kinds (the wire's WatchKind) to dbg_encode.h's. */
static const enum u585_watch kind_of[] = {
    [TT_WATCH_WRITE] = U585_WATCH_WRITE,
    [TT_WATCH_READ] = U585_WATCH_READ,
    [TT_WATCH_ACCESS] = U585_WATCH_ACCESS,
};

void u585_dwt_init(struct u585_dwt *d, const struct u585_io *io)
{
    d->io = io;
    d->used = 0;
    d->num = u585_dwt_num_comp(rd(d, DWT_CTRL));
    if (d->num > U585_DWT_COMPS)
        d->num = U585_DWT_COMPS;
    for (unsigned i = 0; i < U585_DWT_COMPS; i++) {
        d->wp[i].count = 0;
        d->ids[i] = 0;
    }
    for (unsigned i = 0; i < d->num; i++) {
        wr(d, DWT_FUNCTION(i), 0);
        d->ids[i] = rd(d, DWT_FUNCTION(i)); /* ID[31:27] is read-only: kept */
    }
}

void u585_dwt_caps(const struct u585_dwt *d, struct tt_port_watch_caps *out)
{
    unsigned n = 0;
    int pair = 0;
    for (unsigned i = 0; i < d->num; i++) {
        n += u585_dwt_can_daddr(d->ids[i]) ? 1u : 0u;
        pair |= i > 0 && u585_dwt_can_daddr(d->ids[i - 1]) && u585_dwt_can_limit(d->ids[i]);
    }
    out->count = n;
    out->max_len = n == 0 ? 0u : pair ? 8u : 4u;
    out->kinds = n == 0 ? 0u : (1u << TT_WATCH_WRITE | 1u << TT_WATCH_READ |
                                1u << TT_WATCH_ACCESS);
}

static int find(const struct u585_dwt *d, uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    for (unsigned i = 0; i < d->num; i++)
        if (d->wp[i].count && d->wp[i].addr == addr && d->wp[i].len == len &&
            d->wp[i].kind == (uint8_t)kind)
            return (int)i;
    return -1;
}

tt_err u585_dwt_set(struct u585_dwt *d, uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    struct u585_dwt_plan p;
    if ((unsigned)kind > TT_WATCH_ACCESS || len > 8u)
        return TT_ERR_ARG;
    if (find(d, addr, len, kind) >= 0)
        return TT_OK;
    tt_err e = u585_dwt_plan(addr, len, kind_of[kind], d->ids, d->num, d->used, &p);
    if (e != TT_OK)
        return e;
    for (unsigned k = p.count; k-- > 0;) { /* the limit before the base that acts */
        wr(d, DWT_COMP(p.first + k), p.comp[k]);
        wr(d, DWT_FUNCTION(p.first + k), p.function[k]);
        d->used |= 1u << (p.first + k);
    }
    d->wp[p.first].addr = addr;
    d->wp[p.first].len = (uint8_t)len;
    d->wp[p.first].kind = (uint8_t)kind;
    d->wp[p.first].count = (uint8_t)p.count;
    return TT_OK;
}

void u585_dwt_clear(struct u585_dwt *d, uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    int i = find(d, addr, len, kind);
    if (i < 0)
        return;
    for (unsigned k = 0; k < d->wp[i].count; k++) { /* the base first: nothing acts after */
        wr(d, DWT_FUNCTION((unsigned)i + k), 0);
        d->used &= ~(1u << ((unsigned)i + k));
    }
    d->wp[i].count = 0;
}

void u585_dwt_drain(struct u585_dwt *d)
{
    for (unsigned i = 0; i < d->num; i++)
        if (d->used & (1u << i))
            (void)rd(d, DWT_FUNCTION(i));
}

int u585_dwt_hit(struct u585_dwt *d, uint32_t *addr)
{
    uint32_t f[U585_DWT_COMPS] = {0};
    for (unsigned i = 0; i < d->num; i++)
        if (d->used & (1u << i))
            f[i] = rd(d, DWT_FUNCTION(i)); /* clears MATCHED: once per trap */
    int m = u585_dwt_matched(f, d->num);
    if (m < 0)
        return 0;
    for (int i = m; i >= 0; i--) /* a pair's limit comparator belongs to the base before it */
        if (d->wp[i].count && (unsigned)(m - i) < d->wp[i].count) {
            *addr = d->wp[i].addr;
            return 1;
        }
    return 0;
}
