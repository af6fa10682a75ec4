/* ota_store.c — see ota_store.h. Record layout (big-endian, exact length):
 * version 1 (1) | generation (4) | state, security_counter, active, slot_erased (4 each) |
 * two slots of valid, version, security_counter, size (4 each), SHA-256 (32) |
 * body_len (4) | body (body_len) | signature (64).
 * Marks record (TT_REC_BOOT): boot counter (4, supervisor.c's) | generation (4) | bitmap.
 * Depends on ota_store.h, record_store.h, tether/bytes.h. */
#include "ota_store.h"

#include <string.h>

#include "record_store.h"
#include "tether/bytes.h"

#define RECORD_VERSION 1u
#define HEAD_LEN (1u + 4u + 16u + 2u * (16u + TT_OTA_SHA256_LEN) + 4u)
#define MARKS_OFF 8u

enum tt_port_area tt_ota_flash_area(uint32_t slot)
{
    return slot == 0 ? TT_AREA_SLOT_A : TT_AREA_SLOT_B;
}

static size_t put_image(uint8_t *b, const struct tt_ota_image *im)
{
    tt_store_be32(b, im->valid);
    tt_store_be32(b + 4, im->version);
    tt_store_be32(b + 8, im->security_counter);
    tt_store_be32(b + 12, im->size);
    memcpy(b + 16, im->sha256, TT_OTA_SHA256_LEN);
    return 16u + TT_OTA_SHA256_LEN;
}

static size_t get_image(const uint8_t *b, struct tt_ota_image *im)
{
    im->valid = tt_load_be32(b);
    im->version = tt_load_be32(b + 4);
    im->security_counter = tt_load_be32(b + 8);
    im->size = tt_load_be32(b + 12);
    memcpy(im->sha256, b + 16, TT_OTA_SHA256_LEN);
    return 16u + TT_OTA_SHA256_LEN;
}

static tt_err save(void *ctx, const struct tt_ota_record *r, bool clear_marks)
{
    struct tt_ota_flash *f = ctx;
    uint8_t b[HEAD_LEN + TT_OTA_BODY_MAX + TT_P256_SIG_LEN];
    if (r->body_len > TT_OTA_BODY_MAX)
        return TT_ERR_STORAGE;
    uint32_t gen = clear_marks ? f->gen + 1u : f->gen;
    size_t n = 0;
    b[n++] = RECORD_VERSION;
    tt_store_be32(b + n, gen);
    tt_store_be32(b + n + 4, r->state);
    tt_store_be32(b + n + 8, r->security_counter);
    tt_store_be32(b + n + 12, r->active);
    tt_store_be32(b + n + 16, r->slot_erased);
    n += 20;
    n += put_image(b + n, &r->slot[0]);
    n += put_image(b + n, &r->slot[1]);
    tt_store_be32(b + n, r->body_len);
    n += 4;
    memcpy(b + n, r->body, r->body_len);
    n += r->body_len;
    memcpy(b + n, r->signature, TT_P256_SIG_LEN);
    n += TT_P256_SIG_LEN;
    if (tt_store_write(TT_REC_SECURITY, b, n) != TT_OK)
        return TT_ERR_STORAGE;
    f->gen = gen; /* marks of the old generation now read as none */
    return TT_OK;
}

tt_err tt_ota_flash_load(struct tt_ota_flash *f, struct tt_ota_record *r, uint8_t *marks,
                         size_t cap, size_t *marks_len)
{
    uint8_t b[TT_PORT_RECORD_MAX];
    size_t n = sizeof b;
    *marks_len = 0;
    if (tt_store_read(TT_REC_SECURITY, b, &n) != TT_OK)
        return TT_ERR_STORAGE;
    if (n == 0)
        return TT_ERR_STATE;
    if (n < HEAD_LEN + TT_P256_SIG_LEN || b[0] != RECORD_VERSION)
        return TT_ERR_STORAGE;
    memset(r, 0, sizeof *r);
    f->gen = tt_load_be32(b + 1);
    r->state = tt_load_be32(b + 5);
    r->security_counter = tt_load_be32(b + 9);
    r->active = tt_load_be32(b + 13);
    r->slot_erased = tt_load_be32(b + 17);
    size_t k = 21;
    k += get_image(b + k, &r->slot[0]);
    k += get_image(b + k, &r->slot[1]);
    r->body_len = tt_load_be32(b + k);
    k += 4;
    if (r->body_len > TT_OTA_BODY_MAX || n != k + r->body_len + TT_P256_SIG_LEN)
        return TT_ERR_STORAGE;
    memcpy(r->body, b + k, r->body_len);
    memcpy(r->signature, b + k + r->body_len, TT_P256_SIG_LEN);

    n = sizeof b;
    if (tt_store_read(TT_REC_BOOT, b, &n) != TT_OK)
        return TT_ERR_STORAGE;
    if (n > MARKS_OFF && tt_load_be32(b + 4) == f->gen) {
        size_t m = n - MARKS_OFF < cap ? n - MARKS_OFF : cap;
        memcpy(marks, b + MARKS_OFF, m);
        *marks_len = m;
    }
    return TT_OK;
}

/* Sets bit `index` in the marks of the current generation (a fresh bitmap when the boot
 * record holds another generation's), in one record write. */
static tt_err mark(void *ctx, uint32_t index)
{
    const struct tt_ota_flash *f = ctx;
    uint8_t b[TT_PORT_RECORD_MAX];
    size_t n = sizeof b;
    if (index >= TT_OTA_STORE_MAX_CHUNKS || tt_store_read(TT_REC_BOOT, b, &n) != TT_OK ||
        n < 4)
        return TT_ERR_STORAGE;
    if (n < MARKS_OFF || tt_load_be32(b + 4) != f->gen) {
        tt_store_be32(b + 4, f->gen);
        n = MARKS_OFF;
    }
    size_t need = MARKS_OFF + index / 8u + 1u;
    if (n < need) {
        memset(b + n, 0, need - n);
        n = need;
    }
    b[MARKS_OFF + index / 8u] |= (uint8_t)(1u << (index % 8u));
    return tt_store_write(TT_REC_BOOT, b, n) == TT_OK ? TT_OK : TT_ERR_STORAGE;
}

static tt_err erase(void *ctx, uint32_t slot, uint32_t len)
{
    struct tt_port_area_info a;
    (void)ctx;
    enum tt_port_area area = tt_ota_flash_area(slot);
    if (tt_port_flash_info(area, &a) != TT_OK || len > a.size)
        return TT_ERR_STORAGE;
    for (uint32_t off = 0; off < len; off += a.page_size)
        if (tt_port_flash_erase(area, off) != TT_OK)
            return TT_ERR_STORAGE;
    return TT_OK;
}

static tt_err flash_write(void *ctx, uint32_t slot, uint32_t off, const uint8_t *p, uint32_t len)
{
    uint8_t q[TT_FLASH_QWORD];
    (void)ctx;
    enum tt_port_area area = tt_ota_flash_area(slot);
    if (off % TT_FLASH_QWORD != 0)
        return TT_ERR_STORAGE;
    uint32_t whole = len - len % TT_FLASH_QWORD;
    if (whole && tt_port_flash_program(area, off, p, whole) != TT_OK)
        return TT_ERR_STORAGE;
    if (whole == len)
        return TT_OK;
    memset(q, 0xFF, sizeof q); /* the tail's quad-word: erased bytes stay erased */
    memcpy(q, p + whole, len - whole);
    return tt_port_flash_program(area, off + whole, q, sizeof q) == TT_OK ? TT_OK
                                                                        : TT_ERR_STORAGE;
}

static tt_err flash_read(void *ctx, uint32_t slot, uint32_t off, uint8_t *p, uint32_t len)
{
    (void)ctx;
    return tt_port_flash_read(tt_ota_flash_area(slot), off, p, len) == TT_OK ? TT_OK
                                                                             : TT_ERR_STORAGE;
}

void tt_ota_flash_storage(struct tt_ota_flash *f, struct tt_ota_storage *st)
{
    memset(st, 0, sizeof *st);
    st->ctx = f;
    st->save = save;
    st->mark = mark;
    st->erase = erase;
    st->write = flash_write;
    st->read = flash_read;
}
