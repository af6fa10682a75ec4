/* sender.c — the client's OTA chunk sender (ota_sender.h): window, acks, resume, chunk
 * errors. Pure bookkeeping over a caller-owned per-chunk state array; no I/O. */
#include <string.h>

#include "tether/ota_sender.h"

tt_err tt_ota_sender_init(struct tt_ota_sender *s, uint32_t image_size, uint32_t chunk_size,
                          uint8_t *state, size_t cap)
{
    if (!s || !state || image_size == 0 || !tt_ota_chunk_size_ok(chunk_size))
        return TT_ERR_ARG;
    uint32_t n = tt_ota_chunk_count(image_size, chunk_size);
    if (cap < n)
        return TT_ERR_ARG;
    memset(s, 0, sizeof *s);
    s->image_size = image_size;
    s->chunk_size = chunk_size;
    s->nchunks = n;
    s->chunk = state;
    memset(state, TT_OTA_NEED, n);
    return TT_OK;
}

/* The chunk index of a reported offset: a chunk boundary or image_size (= nchunks). */
static bool index_of(const struct tt_ota_sender *s, uint32_t offset, uint32_t *idx)
{
    if (offset == s->image_size) {
        *idx = s->nchunks;
        return true;
    }
    if (offset > s->image_size || offset % s->chunk_size != 0)
        return false;
    *idx = offset / s->chunk_size;
    return true;
}

tt_err tt_ota_sender_begun(struct tt_ota_sender *s, uint32_t resume_offset, uint32_t window_chunks)
{
    uint32_t cum;
    if (!s)
        return TT_ERR_ARG;
    if (!index_of(s, resume_offset, &cum))
        return TT_ERR_OTA_CHUNK;
    if (window_chunks == 0)
        return TT_ERR_MSG_DECODE;
    /* What the device holds now is the truth: below cum stored, the rest unknown until the
     * first ack says otherwise, so to be sent ([OTA-011], [OTA-017]). */
    for (uint32_t i = 0; i < s->nchunks; i++)
        s->chunk[i] = i < cum ? TT_OTA_STORED : TT_OTA_NEED;
    s->cum_chunks = cum;
    s->next_hint = cum;
    s->window = window_chunks;
    return TT_OK;
}

tt_err tt_ota_sender_acked(struct tt_ota_sender *s, uint32_t cumulative_offset,
                           uint64_t selective_bitmap)
{
    uint32_t cum;
    if (!s)
        return TT_ERR_ARG;
    if (s->window == 0)
        return TT_ERR_STATE;
    if (!index_of(s, cumulative_offset, &cum))
        return TT_ERR_OTA_CHUNK;
    /* bit i names chunk cum + 1 + i; none may lie past the last chunk */
    uint32_t room = cum + 1 >= s->nchunks ? 0 : s->nchunks - cum - 1;
    if (room < 64 && (selective_bitmap >> room) != 0)
        return TT_ERR_OTA_CHUNK;
    if (cum < s->cum_chunks)
        return TT_ERR_STATE;
    for (uint32_t i = s->cum_chunks; i < cum; i++)
        s->chunk[i] = TT_OTA_STORED;
    for (uint32_t i = 0; i < 64; i++)
        if (selective_bitmap >> i & 1u)
            s->chunk[cum + 1 + i] = TT_OTA_STORED;
    s->cum_chunks = cum;
    if (s->next_hint < cum)
        s->next_hint = cum;
    return TT_OK;
}

tt_err tt_ota_sender_chunk_error(struct tt_ota_sender *s, uint32_t code, uint32_t offset)
{
    uint32_t idx;
    if (!s)
        return TT_ERR_ARG;
    if (!index_of(s, offset, &idx) || idx >= s->nchunks)
        return TT_ERR_OTA_CHUNK;
    if (code == TT_ERR_STATE) {
        /* [OTA-133] about a chunk in flight: the transfer session ended (a torn chunk
         * restarted the transfer, [OTA-131]); nothing more is sent nor any ack taken until a
         * new begin reply. About one not in flight: from before the last begin, ignored. */
        if (s->window == 0 || s->chunk[idx] != TT_OTA_SENT)
            return TT_OK;
        for (uint32_t i = 0; i < s->nchunks; i++)
            if (s->chunk[i] == TT_OTA_SENT)
                s->chunk[i] = TT_OTA_NEED; /* gone with the session ([OTA-017]) */
        s->window = 0;
        return TT_ERR_STATE;
    }
    if (code != TT_ERR_STORAGE)
        return code == TT_OK ? TT_ERR_MSG_DECODE : (tt_err)code;
    /* [OTA-013] not stored; the client may resend it ([OTA-017]) */
    if (s->chunk[idx] == TT_OTA_SENT)
        s->chunk[idx] = TT_OTA_NEED;
    if (idx < s->next_hint)
        s->next_hint = idx;
    return TT_OK;
}

bool tt_ota_sender_next(struct tt_ota_sender *s, uint32_t *offset, uint32_t *len)
{
    if (!s || !offset || !len || s->window == 0)
        return false;
    uint64_t limit = (uint64_t)s->cum_chunks + s->window; /* [OTA-012] */
    uint32_t end = limit < s->nchunks ? (uint32_t)limit : s->nchunks;
    for (uint32_t i = s->next_hint; i < end; i++) {
        if (s->chunk[i] != TT_OTA_NEED)
            continue;
        s->chunk[i] = TT_OTA_SENT;
        s->next_hint = i + 1;
        *offset = i * s->chunk_size;
        *len = tt_ota_chunk_len(s->image_size, s->chunk_size, i);
        return true;
    }
    return false;
}

bool tt_ota_sender_done(const struct tt_ota_sender *s)
{
    return s && s->window != 0 && s->cum_chunks == s->nchunks;
}

uint32_t tt_ota_sender_stored_bytes(const struct tt_ota_sender *s)
{
    uint64_t b = (uint64_t)s->cum_chunks * s->chunk_size;
    return b > s->image_size ? s->image_size : (uint32_t)b;
}
