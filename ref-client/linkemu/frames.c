/* frames.c — the frame cutter of frames.h. Depends on frames.h and tether/wire.h. */
#include <string.h>

#include "frames.h"
#include "tether/wire.h"

void tt_fc_init(struct tt_frame_cut *f)
{
    f->len = 0;
}

size_t tt_fc_room(const struct tt_frame_cut *f)
{
    return TT_FC_CAP - f->len;
}

void tt_fc_feed(struct tt_frame_cut *f, const uint8_t *p, size_t n)
{
    if (n > tt_fc_room(f))
        n = tt_fc_room(f);
    memcpy(f->buf + f->len, p, n);
    f->len += n;
}

/* Bytes up to (not including) the next SYNC0 after the first: not a frame. */
static size_t garbage(const struct tt_frame_cut *f)
{
    size_t i = 1;
    while (i < f->len && f->buf[i] != TT_FRAME_SYNC0)
        i++;
    return i;
}

size_t tt_fc_next(const struct tt_frame_cut *f)
{
    if (f->len == 0)
        return 0;
    if (f->buf[0] != TT_FRAME_SYNC0 || (f->len >= 2 && f->buf[1] != TT_FRAME_SYNC1))
        return garbage(f);
    if (f->len < TT_FRAME_HEADER_LEN)
        return 0;
    size_t plen = (size_t)f->buf[2] << 8 | f->buf[3];
    if (plen == 0 || plen > TT_FRAME_MAX_PAYLOAD)
        return garbage(f);
    size_t total = plen + TT_FRAME_OVERHEAD;
    return f->len >= total ? total : 0;
}

void tt_fc_consume(struct tt_frame_cut *f, size_t n)
{
    if (n > f->len)
        n = f->len;
    memmove(f->buf, f->buf + n, f->len - n);
    f->len -= n;
}
