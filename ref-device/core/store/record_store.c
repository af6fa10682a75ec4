/* record_store.c — the log-structured record store over the port's flash (see
 * record_store.h for why a log, and spec/storage.md for the promises).
 *
 * Area layout: bank 0 = [0, S/2), bank 1 = [S/2, S) (S/2 rounded down to whole pages).
 *   bank header (quad-word 0):  "TTSB" | generation | ~generation | version 1
 *   entry header (quad-word):   "TTRE" | key | len << 16 | seq | ~(w0 ^ w1 ^ w2)
 *   entry data:                 len bytes, padded with 0xFF to a quad-word
 *   entry commit (quad-word):   "TTRC" | seq | CRC-32(header, data) | ~seq
 * All words little-endian. Entries follow each other from offset 16; the first quad-word
 * that is all 0xFF ends the log. A header that does not check (a torn program) also ends it,
 * and marks the bank "not clean": nothing more is appended there, the next write compacts.
 * seq grows by one per write across all keys; compaction copies entries byte for byte
 * (their seq and CRC stay valid) and gives the new bank generation + 1. Depends on
 * record_store.h, tether/framing.h. */
#include "record_store.h"

#include <string.h>

#include "tether/framing.h"

#define BANK_MAGIC 0x42535454u   /* "TTSB" */
#define BANK_VERSION 1u
#define ENTRY_MAGIC 0x45525454u  /* "TTRE" */
#define COMMIT_MAGIC 0x43525454u /* "TTRC" */
#define Q TT_FLASH_QWORD
#define NO_KEY 0xFFFFu

struct geo {
    uint32_t bank_size, page_size;
};

struct entry {
    uint32_t off; /* of its header, from the area's start */
    uint32_t key, len, seq, size;
};

struct cursor {
    uint32_t base, off; /* bank start; next header, relative to base */
    int clean;          /* the log ended on erased flash (more may be appended) */
};

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_quad(uint8_t q[Q], uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    put32(q, a);
    put32(q + 4, b);
    put32(q + 8, c);
    put32(q + 12, d);
}

static uint32_t padded(uint32_t len)
{
    return (len + Q - 1u) & ~(Q - 1u);
}

static TT_MUST_CHECK tt_err rd(uint32_t off, uint8_t *out, uint32_t len)
{
    return tt_port_flash_read(TT_AREA_STORE, off, out, len) == TT_OK ? TT_OK : TT_ERR_STORAGE;
}

static TT_MUST_CHECK tt_err geometry(struct geo *g)
{
    struct tt_port_area_info a;
    if (tt_port_flash_info(TT_AREA_STORE, &a) != TT_OK || a.page_size == 0 ||
        a.page_size % Q != 0)
        return TT_ERR_STORAGE;
    g->page_size = a.page_size;
    g->bank_size = (a.size / 2u) / a.page_size * a.page_size;
    /* Room for the header and one entry of every key at its largest. */
    if (g->bank_size < Q + TT_REC_COUNT * (2u * Q + TT_PORT_RECORD_MAX))
        return TT_ERR_STORAGE;
    return TT_OK;
}

/* *gen and 1 when bank b has a whole header, 0 otherwise. */
static TT_MUST_CHECK tt_err bank_header(const struct geo *g, unsigned b, int *valid, uint32_t *gen)
{
    uint8_t q[Q];
    tt_err e = rd(b * g->bank_size, q, Q);
    if (e != TT_OK)
        return e;
    *gen = get32(q + 4);
    *valid = get32(q) == BANK_MAGIC && get32(q + 8) == ~*gen && get32(q + 12) == BANK_VERSION;
    return TT_OK;
}

/* The active bank: the one with a whole header and the newer generation. */
static TT_MUST_CHECK tt_err active_bank(const struct geo *g, int *have, unsigned *b, uint32_t *gen)
{
    int v0, v1;
    uint32_t g0, g1;
    tt_err e = bank_header(g, 0, &v0, &g0);
    if (e == TT_OK)
        e = bank_header(g, 1, &v1, &g1);
    if (e != TT_OK)
        return e;
    *have = v0 || v1;
    *b = (v0 && v1) ? ((int32_t)(g1 - g0) > 0 ? 1u : 0u) : (v1 ? 1u : 0u);
    *gen = *b ? g1 : g0;
    return TT_OK;
}

static int all_erased(const uint8_t q[Q])
{
    for (unsigned i = 0; i < Q; i++)
        if (q[i] != 0xFF)
            return 0;
    return 1;
}

/* The next entry header of the log: *got 1 with *en, or 0 at the end (c->clean set). */
static TT_MUST_CHECK tt_err next_entry(const struct geo *g, struct cursor *c, struct entry *en,
                                       int *got)
{
    uint8_t q[Q];
    *got = 0;
    c->clean = 0;
    if (c->off + Q > g->bank_size)
        return TT_OK; /* full to the last quad-word: not clean (no room anyway) */
    tt_err e = rd(c->base + c->off, q, Q);
    if (e != TT_OK)
        return e;
    if (all_erased(q)) {
        c->clean = 1;
        return TT_OK;
    }
    uint32_t w0 = get32(q), w1 = get32(q + 4), w2 = get32(q + 8);
    uint32_t len = w1 >> 16;
    if (w0 != ENTRY_MAGIC || get32(q + 12) != ~(w0 ^ w1 ^ w2) || len > TT_PORT_RECORD_MAX ||
        2u * Q + padded(len) > g->bank_size - c->off)
        return TT_OK; /* torn or foreign: the log ends here, dirty */
    en->off = c->base + c->off;
    en->key = w1 & 0xFFFFu;
    en->len = len;
    en->seq = w2;
    en->size = 2u * Q + padded(len);
    c->off += en->size;
    *got = 1;
    return TT_OK;
}

/* *ok when the entry's commit is whole and its CRC matches its header and data. */
static TT_MUST_CHECK tt_err entry_committed(const struct entry *en, int *ok)
{
    uint8_t q[Q];
    *ok = 0;
    tt_err e = rd(en->off + Q + padded(en->len), q, Q);
    if (e != TT_OK)
        return e;
    if (get32(q) != COMMIT_MAGIC || get32(q + 4) != en->seq || get32(q + 12) != ~en->seq)
        return TT_OK;
    uint32_t want = get32(q + 8);
    e = rd(en->off, q, Q);
    if (e != TT_OK)
        return e;
    uint32_t crc = tt_crc32_update(0, q, Q);
    for (uint32_t done = 0; done < en->len;) {
        uint32_t n = en->len - done < Q ? en->len - done : Q;
        e = rd(en->off + Q + done, q, n);
        if (e != TT_OK)
            return e;
        crc = tt_crc32_update(crc, q, n);
        done += n;
    }
    *ok = crc == want;
    return TT_OK;
}

/* Walks bank b: the newest committed entry of key (found 0 if none), the largest seq of
 * any parsed header, where the log ends and whether it ends clean. */
struct walk {
    int found;
    struct entry newest;
    uint32_t max_seq, end;
    int clean;
};

static TT_MUST_CHECK tt_err walk_bank(const struct geo *g, unsigned b, uint32_t key,
                                      struct walk *w)
{
    struct cursor c = {b * g->bank_size, Q, 0};
    struct entry en;
    int got;
    memset(w, 0, sizeof *w);
    for (;;) {
        tt_err e = next_entry(g, &c, &en, &got);
        if (e != TT_OK)
            return e;
        if (!got)
            break;
        if ((int32_t)(en.seq - w->max_seq) > 0)
            w->max_seq = en.seq;
        if (en.key != key || (w->found && (int32_t)(en.seq - w->newest.seq) <= 0))
            continue;
        int ok;
        e = entry_committed(&en, &ok);
        if (e != TT_OK)
            return e;
        if (ok) {
            w->found = 1;
            w->newest = en;
        }
    }
    w->end = c.off;
    w->clean = c.clean;
    return TT_OK;
}

static TT_MUST_CHECK tt_err prog(uint32_t off, const uint8_t *data, uint32_t len)
{
    return tt_port_flash_program(TT_AREA_STORE, off, data, len) == TT_OK ? TT_OK
                                                                          : TT_ERR_STORAGE;
}

/* Programs one entry at off: header, data, and the commit last. */
static TT_MUST_CHECK tt_err append(uint32_t off, uint32_t key, uint32_t seq, const uint8_t *buf,
                                   uint32_t len)
{
    uint8_t q[Q];
    uint32_t w1 = key | len << 16;
    put_quad(q, ENTRY_MAGIC, w1, seq, ~(ENTRY_MAGIC ^ w1 ^ seq));
    uint32_t crc = tt_crc32_update(tt_crc32_update(0, q, Q), buf, len);
    tt_err e = prog(off, q, Q);
    uint32_t whole = len & ~(Q - 1u);
    if (e == TT_OK && whole > 0)
        e = prog(off + Q, buf, whole);
    if (e == TT_OK && whole < len) { /* the tail, padded with the erased value */
        memset(q, 0xFF, Q);
        memcpy(q, buf + whole, len - whole);
        e = prog(off + Q + whole, q, Q);
    }
    if (e != TT_OK)
        return e;
    put_quad(q, COMMIT_MAGIC, seq, crc, ~seq);
    return prog(off + Q + padded(len), q, Q);
}

/* Copies the newest committed entry of every key but skip from bank `from` into bank `to`
 * (erased first), then the new entry (if key < TT_REC_COUNT), then the header: only that
 * last quad-word makes `to` the active bank. */
static TT_MUST_CHECK tt_err compact(const struct geo *g, int have, unsigned from, uint32_t gen,
                                    uint32_t key, const uint8_t *buf, uint32_t len)
{
    unsigned to = have ? 1u - from : 0u;
    uint32_t base = to * g->bank_size, pos = Q, max_seq = 0;
    for (uint32_t p = 0; p < g->bank_size; p += g->page_size)
        if (tt_port_flash_erase(TT_AREA_STORE, base + p) != TT_OK)
            return TT_ERR_STORAGE;
    for (uint32_t k = 0; have && k < TT_REC_COUNT; k++) {
        struct walk w;
        tt_err e = walk_bank(g, from, k, &w);
        if (e != TT_OK)
            return e;
        max_seq = w.max_seq;
        if (k == key || !w.found || w.newest.len == 0)
            continue; /* replaced, absent, or erased: nothing to keep */
        if (w.newest.size > g->bank_size - pos)
            return TT_ERR_NO_SPACE; /* cannot happen with geometry()'s minimum; never spill */
        for (uint32_t i = 0; i < w.newest.size; i += Q) {
            uint8_t q[Q];
            e = rd(w.newest.off + i, q, Q);
            if (e == TT_OK)
                e = prog(base + pos + i, q, Q);
            if (e != TT_OK)
                return e;
        }
        pos += w.newest.size;
    }
    if (key < TT_REC_COUNT) {
        if (2u * Q + padded(len) > g->bank_size - pos)
            return TT_ERR_NO_SPACE;
        tt_err e = append(base + pos, key, max_seq + 1u, buf, len);
        if (e != TT_OK)
            return e;
    }
    uint8_t q[Q];
    gen = have ? gen + 1u : 1u;
    put_quad(q, BANK_MAGIC, gen, ~gen, BANK_VERSION);
    return prog(base, q, Q);
}

tt_err tt_store_read(enum tt_port_record id, uint8_t *buf, size_t *len)
{
    struct geo g;
    int have;
    unsigned b;
    uint32_t gen;
    struct walk w;
    if ((unsigned)id >= TT_REC_COUNT || len == NULL || (buf == NULL && *len > 0))
        return TT_ERR_ARG;
    tt_err e = geometry(&g);
    if (e == TT_OK)
        e = active_bank(&g, &have, &b, &gen);
    if (e != TT_OK)
        return e;
    if (!have) { /* a blank store: nothing was ever written */
        *len = 0;
        return TT_OK;
    }
    e = walk_bank(&g, b, (uint32_t)id, &w);
    if (e != TT_OK)
        return e;
    if (!w.found || w.newest.len == 0) {
        *len = 0;
        return TT_OK;
    }
    if (*len < w.newest.len)
        return TT_ERR_NO_SPACE;
    e = rd(w.newest.off + Q, buf, w.newest.len);
    if (e != TT_OK)
        return e;
    *len = w.newest.len;
    return TT_OK;
}

static TT_MUST_CHECK tt_err store_put(uint32_t key, const uint8_t *buf, size_t len)
{
    struct geo g;
    int have;
    unsigned b;
    uint32_t gen;
    struct walk w;
    tt_err e = geometry(&g);
    if (e == TT_OK)
        e = active_bank(&g, &have, &b, &gen);
    if (e != TT_OK)
        return e;
    if (have && key < TT_REC_COUNT) {
        e = walk_bank(&g, b, NO_KEY, &w);
        if (e != TT_OK)
            return e;
        uint32_t need = 2u * Q + padded((uint32_t)len);
        /* Append when the log ends clean with room; a failed append (a quad-word that was
         * not erased after all) is harmless: uncommitted, it is dropped by compaction. */
        if (w.clean && need <= g.bank_size - w.end &&
            append(b * g.bank_size + w.end, key, w.max_seq + 1u, buf, (uint32_t)len) == TT_OK)
            return TT_OK;
    }
    return compact(&g, have, b, gen, key, buf, (uint32_t)len);
}

tt_err tt_store_write(enum tt_port_record id, const uint8_t *buf, size_t len)
{
    if ((unsigned)id >= TT_REC_COUNT || len > TT_PORT_RECORD_MAX || (buf == NULL && len > 0))
        return TT_ERR_ARG;
    return store_put((uint32_t)id, buf, len);
}

tt_err tt_store_erase(enum tt_port_record id)
{
    return tt_store_write(id, NULL, 0);
}

tt_err tt_store_compact(void)
{
    return store_put(TT_REC_COUNT, NULL, 0);
}
