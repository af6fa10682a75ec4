/* store.c — A/B-page persistent records on the STM32U585 flash (see store.h). Depends on
 * store.h and tether/framing.h (tt_crc32_update). */
#include "store.h"

#include <string.h>

#include "tether/framing.h"

#define HDR_MAGIC 0x31525454u    /* "TTR1" */
#define COMMIT_MAGIC 0x4D435454u /* "TTCM" */
#define COMMIT_OFF (U585_QWORD + U585_REC_DATA_MAX)

struct copy {
    int valid;
    uint32_t seq, len;
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

static uint32_t page_of(const struct u585_store *s, unsigned id, unsigned which)
{
    return s->base + (2u * id + which) * U585_PAGE_SIZE;
}

/* Reads and checks one copy; data (U585_REC_DATA_MAX bytes) receives its content. */
static struct copy read_copy(const struct u585_store *s, unsigned id, uint32_t page,
                             uint8_t *data)
{
    struct copy c = {0, 0, 0};
    uint8_t h[U585_QWORD], m[U585_QWORD];
    u585_flash_read(s->flash, page, h, sizeof h);
    u585_flash_read(s->flash, page + COMMIT_OFF, m, sizeof m);
    uint32_t seq = get32(h + 8), len = get32(h + 12);
    if (get32(h) != HDR_MAGIC || get32(h + 4) != id || len > U585_REC_DATA_MAX ||
        get32(m) != COMMIT_MAGIC || get32(m + 4) != seq || get32(m + 12) != ~seq)
        return c;
    u585_flash_read(s->flash, page + U585_QWORD, data, len);
    if (tt_crc32_update(0, data, len) != get32(m + 8))
        return c;
    c.valid = 1;
    c.seq = seq;
    c.len = len;
    return c;
}

/* Which copy is newest: 0 (A), 1 (B), or -1 when neither is valid. */
static int newest(const struct copy *a, const struct copy *b)
{
    if (a->valid && b->valid)
        return (int32_t)(b->seq - a->seq) > 0 ? 1 : 0;
    return a->valid ? 0 : b->valid ? 1 : -1;
}

tt_err u585_store_read(const struct u585_store *s, unsigned id, uint8_t *buf, size_t *len)
{
    uint8_t a_data[U585_REC_DATA_MAX], b_data[U585_REC_DATA_MAX];
    if (s == NULL || id >= s->records || len == NULL || (buf == NULL && *len > 0))
        return TT_ERR_ARG;
    struct copy a = read_copy(s, id, page_of(s, id, 0), a_data);
    struct copy b = read_copy(s, id, page_of(s, id, 1), b_data);
    int n = newest(&a, &b);
    if (n < 0) {
        *len = 0;
        return TT_OK;
    }
    const struct copy *c = n ? &b : &a;
    if (*len < c->len)
        return TT_ERR_NO_SPACE;
    if (c->len > 0)
        memcpy(buf, n ? b_data : a_data, c->len);
    *len = c->len;
    return TT_OK;
}

tt_err u585_store_write(struct u585_store *s, unsigned id, const uint8_t *buf, size_t len)
{
    uint8_t scratch[U585_REC_DATA_MAX];
    if (s == NULL || id >= s->records || len > U585_REC_DATA_MAX || (buf == NULL && len > 0))
        return TT_ERR_ARG;
    struct copy a = read_copy(s, id, page_of(s, id, 0), scratch);
    struct copy b = read_copy(s, id, page_of(s, id, 1), scratch);
    int n = newest(&a, &b);
    uint32_t seq = n < 0 ? 1u : (n ? b.seq : a.seq) + 1u;
    uint32_t page = page_of(s, id, n == 0 ? 1u : 0u); /* never the newest valid copy */

    tt_err e = u585_flash_erase_page(s->flash, page);
    if (e != TT_OK)
        return e;
    uint8_t q[U585_QWORD] = {0};
    put32(q, HDR_MAGIC);
    put32(q + 4, id);
    put32(q + 8, seq);
    put32(q + 12, (uint32_t)len);
    e = u585_flash_program(s->flash, page, q, sizeof q);
    uint32_t whole = (uint32_t)len & ~(U585_QWORD - 1u);
    if (e == TT_OK && whole > 0)
        e = u585_flash_program(s->flash, page + U585_QWORD, buf, whole);
    if (e == TT_OK && whole < len) { /* the tail, padded with 0xFF (erased state) */
        memset(q, 0xFF, sizeof q);
        memcpy(q, buf + whole, len - whole);
        e = u585_flash_program(s->flash, page + U585_QWORD + whole, q, sizeof q);
    }
    if (e != TT_OK)
        return e;
    put32(q, COMMIT_MAGIC);
    put32(q + 4, seq);
    put32(q + 8, tt_crc32_update(0, buf, len));
    put32(q + 12, ~seq);
    return u585_flash_program(s->flash, page + COMMIT_OFF, q, sizeof q); /* commit: last */
}

tt_err u585_store_erase(struct u585_store *s, unsigned id)
{
    return u585_store_write(s, id, NULL, 0);
}
