/* decoder.c — streaming frame decoder: hunts SYNC, checks header, length and CRC, resyncs.
 *
 * An I/O-free engine on a caller-owned context. Bytes are copied into the context only as
 * far as the current candidate frame needs them (at most 5 header bytes, then exactly the
 * rest of the frame), so a push never reads past a frame's end and the buffer can never
 * overflow. When a candidate is rejected (bad HCHK, LEN out of range, bad CRC-32) only its
 * first SYNC byte is discarded and the buffered bytes after it are hunted again, so a valid
 * frame that started inside the rejected one is not lost ([FRM-004]..[FRM-007]). Worst-case
 * cost is bounded by the buffer: each byte is rescanned at most once per candidate that
 * covered it. Depends on framing.h, bytes.h and wire.h. */
#include <string.h>

#include "tether/bytes.h"
#include "tether/framing.h"

void tt_frame_decoder_init(struct tt_frame_decoder *d)
{
    memset(d, 0, sizeof *d);
}

static void drop_front(struct tt_frame_decoder *d, size_t n)
{
    memmove(d->buf, d->buf + n, d->have - n);
    d->have -= n;
}

/* Discards leading bytes until buf starts with SYNC0 SYNC1 (or a lone SYNC0 at the end). */
static void hunt(struct tt_frame_decoder *d)
{
    size_t i = 0;
    while (i < d->have &&
           !(d->buf[i] == TT_FRAME_SYNC0 && (i + 1 == d->have || d->buf[i + 1] == TT_FRAME_SYNC1)))
        i++;
    d->stats.garbage_bytes += (uint32_t)i;
    drop_front(d, i);
}

/* The candidate at buf[0] is not a frame: give up its first SYNC byte only, so the scan
 * resumes at the byte after it ([FRM-004], [FRM-005], [FRM-006]). */
static void reject(struct tt_frame_decoder *d, tt_err why, uint32_t *counter)
{
    (*counter)++;
    d->last_error = why;
    d->stats.garbage_bytes++;
    drop_front(d, 1);
}

/* Examines the buffered bytes. Returns 0 when a verified frame is at buf[0] (d->ready set),
 * otherwise how many more bytes the current candidate needs before it can be judged. */
static size_t advance(struct tt_frame_decoder *d)
{
    if (d->ready != 0)
        return 0;
    for (;;) {
        hunt(d);
        if (d->have < TT_FRAME_HEADER_LEN)
            return TT_FRAME_HEADER_LEN - d->have;
        /* HCHK first: with a bad check byte LEN itself is unreliable. */
        if (tt_crc8_smbus(d->buf + 2, 2) != d->buf[4]) {
            reject(d, TT_ERR_FRAME_HEADER, &d->stats.bad_header);
            continue;
        }
        size_t len = tt_load_be16(d->buf + 2);
        if (len == 0 || len > TT_FRAME_MAX_PAYLOAD) {
            reject(d, TT_ERR_FRAME_LENGTH, &d->stats.bad_length);
            continue;
        }
        size_t total = len + TT_FRAME_OVERHEAD; /* <= sizeof d->buf */
        if (d->have < total)
            return total - d->have;
        uint32_t crc = tt_crc32_update(0, d->buf + 2, 3 + len);
        if (crc != tt_load_be32(d->buf + TT_FRAME_HEADER_LEN + len)) {
            reject(d, TT_ERR_FRAME_CRC, &d->stats.bad_crc);
            continue;
        }
        d->ready = total;
        d->stats.frames++;
        return 0;
    }
}

/* The frame handed out by the last pop is no longer needed once the caller calls again. */
static void discard_delivered(struct tt_frame_decoder *d)
{
    if (d->delivered != 0) {
        drop_front(d, d->delivered);
        d->delivered = 0;
    }
}

tt_err tt_frame_push(struct tt_frame_decoder *d, const uint8_t *data, size_t len,
                     size_t *consumed)
{
    if (d == NULL || consumed == NULL || (data == NULL && len != 0))
        return TT_ERR_ARG;
    *consumed = 0;
    discard_delivered(d);
    size_t used = 0;
    for (;;) {
        size_t need = advance(d);
        if (need == 0) {
            *consumed = used;
            return TT_OK;
        }
        if (used == len)
            break;
        if (d->have == 0) {
            /* Hunting with nothing buffered: skip garbage in place rather than copying it. */
            const uint8_t *s = memchr(data + used, TT_FRAME_SYNC0, len - used);
            size_t skip = s != NULL ? (size_t)(s - (data + used)) : len - used;
            d->stats.garbage_bytes += (uint32_t)skip;
            used += skip;
            if (used == len)
                break;
        }
        /* need never exceeds the free space: see advance(). */
        size_t n = len - used < need ? len - used : need;
        memcpy(d->buf + d->have, data + used, n);
        d->have += n;
        used += n;
    }
    *consumed = used;
    return TT_ERR_FRAME_NONE;
}

void tt_frame_decoder_idle(struct tt_frame_decoder *d)
{
    if (d == NULL)
        return;
    discard_delivered(d);
    while (d->have > 0 && advance(d) != 0 && d->have > 0) /* advance's hunt may empty it */
        reject(d, TT_ERR_FRAME_LENGTH, &d->stats.abandoned);
}

tt_err tt_frame_pop(struct tt_frame_decoder *d, const uint8_t **payload, size_t *len)
{
    if (d == NULL || payload == NULL || len == NULL)
        return TT_ERR_ARG;
    discard_delivered(d);
    if (advance(d) != 0)
        return TT_ERR_FRAME_NONE;
    *payload = d->buf + TT_FRAME_HEADER_LEN;
    *len = d->ready - TT_FRAME_OVERHEAD;
    d->delivered = d->ready;
    d->ready = 0;
    return TT_OK;
}
