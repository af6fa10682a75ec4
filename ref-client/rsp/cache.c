/* cache.c — the memory cache the server keeps while the app is halted.
 *
 * GDB reads memory a word at a time (`x/64x` is 64 reads) and re-reads the same bytes while
 * unwinding; while the app is halted memory does not change except through us, so every
 * byte fetched once is served locally until the next resume, write or reset
 * (spec/services/debug.md, "Answering GDB without round trips"). Misses are rounded out to
 * 64-byte blocks, clipped to the memory-map region, and adjacent missing blocks are
 * fetched in one backend read of at most 1024 bytes (one ReadMemory message). Validity is
 * per byte so the stack window pushed with a stop can fill blocks partly. Only ranges
 * inside one memory-map region are cached: peripherals are never. Depends on rsp.h. */
#include <string.h>

#include "rsp_internal.h"

#define BLOCK TT_RSP_CACHE_BLOCK
#define FETCH_MAX 1024u

void tt_rsp_cache_drop(struct tt_rsp_cache *c)
{
    memset(c->valid, 0, sizeof c->valid);
    c->next = 0;
}

static int find(const struct tt_rsp_cache *c, uint32_t tag)
{
    for (int i = 0; i < TT_RSP_CACHE_BLOCKS; i++)
        if (c->valid[i] && c->tag[i] == tag)
            return i;
    return -1;
}

static int slot(struct tt_rsp_cache *c, uint32_t tag)
{
    int i = find(c, tag);
    if (i >= 0)
        return i;
    i = (int)c->next;
    c->next = (c->next + 1) % TT_RSP_CACHE_BLOCKS;
    c->tag[i] = tag;
    c->valid[i] = 0;
    return i;
}

/* Bits for bytes [from, to) of a block, 0 <= from < to <= 64. */
static uint64_t mask(unsigned from, unsigned to)
{
    uint64_t hi = to == 64 ? ~0ull : ((1ull << to) - 1);
    uint64_t lo = (1ull << from) - 1;
    return hi & ~lo;
}

void tt_rsp_cache_fill(struct tt_rsp_cache *c, uint32_t addr, const uint8_t *data, size_t len)
{
    uint64_t a = addr, end = (uint64_t)addr + len;
    while (a < end) {
        uint32_t tag = (uint32_t)(a & ~(uint64_t)(BLOCK - 1));
        unsigned from = (unsigned)(a - tag);
        unsigned to = end - tag < BLOCK ? (unsigned)(end - tag) : BLOCK;
        int i = slot(c, tag);
        memcpy(c->data[i] + from, data + (a - addr), to - from);
        c->valid[i] |= mask(from, to);
        a = (uint64_t)tag + to;
    }
}

static const struct tt_rsp_region *region_of(const struct tt_rsp *r, uint32_t addr, size_t len)
{
    for (size_t i = 0; i < r->nregions && i < TT_RSP_MAX_REGIONS; i++) {
        const struct tt_rsp_region *g = &r->regions[i];
        if (addr >= g->start && addr - g->start < g->length && len <= g->length - (addr - g->start))
            return g;
    }
    return NULL;
}

bool tt_rsp_cacheable(const struct tt_rsp *r, uint32_t addr, size_t len)
{
    return len > 0 && region_of(r, addr, len) != NULL;
}

/* Whether bytes [a, a+n) of one block are all cached; copies them if so. */
static bool hit(const struct tt_rsp_cache *c, uint64_t a, unsigned n, uint8_t *out)
{
    uint32_t tag = (uint32_t)(a & ~(uint64_t)(BLOCK - 1));
    unsigned from = (unsigned)(a - tag);
    int i = find(c, tag);
    if (i < 0)
        return false;
    uint64_t m = mask(from, from + n);
    if ((c->valid[i] & m) != m)
        return false;
    memcpy(out, c->data[i] + from, n);
    return true;
}

tt_err tt_rsp_cache_read(struct tt_rsp *r, uint32_t addr, uint8_t *out, size_t len)
{
    const struct tt_rsp_region *g = region_of(r, addr, len);
    if (!g)
        return TT_ERR_ARG;
    uint64_t a = addr, end = (uint64_t)addr + len;
    uint64_t g_end = (uint64_t)g->start + g->length;
    while (a < end) {
        uint64_t tag = a & ~(uint64_t)(BLOCK - 1);
        unsigned n = end - tag < BLOCK ? (unsigned)(end - a) : (unsigned)(tag + BLOCK - a);
        if (hit(&r->cache, a, n, out + (a - addr))) {
            r->stats.cache_hits++;
            a += n;
            continue;
        }
        /* Miss: fetch this block and the following ones up to the end of the request,
         * within the region and FETCH_MAX. */
        uint64_t f_start = tag < g->start ? g->start : tag;
        uint64_t f_end = (end + BLOCK - 1) & ~(uint64_t)(BLOCK - 1);
        if (f_end > g_end)
            f_end = g_end;
        if (f_end - f_start > FETCH_MAX)
            f_end = f_start + FETCH_MAX;
        uint8_t buf[FETCH_MAX];
        r->stats.cache_misses++;
        r->stats.backend_calls++;
        tt_err err = r->be.read_mem(r->be.ctx, (uint32_t)f_start, buf, (size_t)(f_end - f_start));
        if (err != TT_OK)
            return err;
        tt_rsp_cache_fill(&r->cache, (uint32_t)f_start, buf, (size_t)(f_end - f_start));
        /* The fetched bytes always cover [a, a + n): copy straight from the buffer so a
         * cache smaller than the request still makes progress. */
        uint64_t upto = end < f_end ? end : f_end;
        memcpy(out + (a - addr), buf + (a - f_start), (size_t)(upto - a));
        a = upto;
    }
    return TT_OK;
}

bool tt_rsp_cache_peek(const struct tt_rsp_cache *c, uint32_t addr, uint8_t *out, size_t len)
{
    uint64_t a = addr, end = (uint64_t)addr + len;
    while (a < end) {
        uint64_t tag = a & ~(uint64_t)(BLOCK - 1);
        unsigned n = end - tag < BLOCK ? (unsigned)(end - a) : (unsigned)(tag + BLOCK - a);
        if (!hit(c, a, n, out + (a - addr)))
            return false;
        a += n;
    }
    return true;
}
