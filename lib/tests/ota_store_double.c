/* ota_store_double.c — the in-memory OTA store (ota_store_double.h). */
#include <string.h>

#include "ota_store_double.h"

void dbl_init(struct dbl_store *d)
{
    memset(d, 0, sizeof *d);
    memset(d->slot, 0xFF, sizeof d->slot);
    d->running = -1;
}

void dbl_cut_after(struct dbl_store *d, unsigned k)
{
    d->cut_at = k ? d->ops + k : 0;
}

void dbl_power_on(struct dbl_store *d)
{
    d->dead = false;
    d->cut_at = 0;
    d->running = -1;
}

/* One persistent operation: false once power is cut. */
static bool op(struct dbl_store *d)
{
    if (d->dead)
        return false;
    if (d->cut_at && d->ops + 1 >= d->cut_at) {
        d->dead = true;
        return false;
    }
    d->ops++;
    return true;
}

static tt_err dbl_save(void *ctx, const struct tt_ota_record *r, bool clear_marks)
{
    struct dbl_store *d = ctx;
    if (!op(d))
        return TT_ERR_STORAGE;
    if (r->security_counter < d->rec.security_counter)
        d->saves_lowering_counter++;
    d->rec = *r;
    if (clear_marks) {
        memset(d->marks, 0, sizeof d->marks);
        d->mark_chunk_size = 0;
    }
    return TT_OK;
}

/* The chunk size and slot of the marked transfer, from the record (for the erase rule). */
static void note_transfer(struct dbl_store *d)
{
    tether_v1_Manifest m;
    memset(&m, 0, sizeof m);
    if (d->rec.body_len &&
        tt_pb_decode(tether_v1_Manifest_fields, d->rec.body, d->rec.body_len, &m) == TT_OK)
        d->mark_chunk_size = m.chunk_size;
}

static tt_err dbl_mark(void *ctx, uint32_t index)
{
    struct dbl_store *d = ctx;
    if (index >= TT_OTA_MAX_CHUNKS)
        return TT_ERR_STORAGE;
    if (!op(d))
        return TT_ERR_STORAGE;
    d->marks[index / 8] |= (uint8_t)(1u << (index % 8));
    note_transfer(d);
    return TT_OK;
}

static tt_err dbl_erase(void *ctx, uint32_t slot, uint32_t len)
{
    struct dbl_store *d = ctx;
    if (slot > 1 || len > DBL_SLOT_SIZE || !op(d))
        return TT_ERR_STORAGE;
    uint32_t end = (len + DBL_PAGE - 1) / DBL_PAGE * DBL_PAGE;
    if (d->mark_chunk_size)
        for (uint32_t i = 0; i < TT_OTA_MAX_CHUNKS; i++)
            if ((d->marks[i / 8] >> (i % 8) & 1) && i * d->mark_chunk_size < end)
                d->violations++;
    memset(d->slot[slot], 0xFF, end);
    return TT_OK;
}

static tt_err dbl_write(void *ctx, uint32_t slot, uint32_t off, const uint8_t *p, uint32_t len)
{
    struct dbl_store *d = ctx;
    if (slot > 1 || off > DBL_SLOT_SIZE || len > DBL_SLOT_SIZE - off || !op(d))
        return TT_ERR_STORAGE;
    if (d->fail_write_at && ++d->writes == d->fail_write_at)
        return TT_ERR_STORAGE;
    for (uint32_t i = 0; i < len; i++)
        if (d->slot[slot][off + i] != 0xFF) {
            d->violations++;
            return TT_ERR_STORAGE;
        }
    memcpy(d->slot[slot] + off, p, len);
    return TT_OK;
}

static tt_err dbl_read(void *ctx, uint32_t slot, uint32_t off, uint8_t *p, uint32_t len)
{
    struct dbl_store *d = ctx;
    if (slot > 1 || off > DBL_SLOT_SIZE || len > DBL_SLOT_SIZE - off || d->dead)
        return TT_ERR_STORAGE;
    memcpy(p, d->slot[slot] + off, len);
    return TT_OK;
}

static void dbl_run_app(void *ctx, uint32_t slot)
{
    ((struct dbl_store *)ctx)->running = (int)slot;
}

static void dbl_stop_app(void *ctx)
{
    ((struct dbl_store *)ctx)->running = -1;
}

struct tt_ota_storage dbl_storage(struct dbl_store *d)
{
    struct tt_ota_storage s = {.ctx = d, .save = dbl_save, .mark = dbl_mark, .erase = dbl_erase,
                               .write = dbl_write, .read = dbl_read, .run_app = dbl_run_app,
                               .stop_app = dbl_stop_app};
    return s;
}
