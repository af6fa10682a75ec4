/* watch.c — the frame-end watch: which received byte could complete a frame ([FRM-013]).
 *
 * A byte-at-a-time interrupt handler cannot afford the decoder, and waking the decoder for
 * every byte costs a service turn per byte: under a flood of garbage that, not the link, is
 * what limits how fast garbage is skipped. The watch follows the stream the way the decoder's
 * first pass does (SYNC, header check, LEN) at a few instructions a byte, and says "now"
 * when the last byte of a candidate frame has arrived. It only schedules: the decoder still
 * judges every byte, and a frame the watch misses (one that began inside a false candidate,
 * found by the decoder's rescan, [FRM-007]) waits for the caller's periodic turn. I/O-free,
 * no allocation. Depends on framing.h. */
#include "tether/framing.h"

void tt_frame_watch_init(struct tt_frame_watch *w)
{
    w->state = 0;
    w->need = 0;
    w->len_hi = 0;
    w->len_lo = 0;
}

/* state: 0 hunting SYNC0, 1 after SYNC0, 2..4 header bytes LENhi, LENlo, HCHK, 5 body. */
int tt_frame_watch_byte(struct tt_frame_watch *w, uint8_t b)
{
    switch (w->state) {
    case 0:
        w->state = b == TT_FRAME_SYNC0 ? 1 : 0;
        return 0;
    case 1:
        w->state = b == TT_FRAME_SYNC1 ? 2 : b == TT_FRAME_SYNC0 ? 1 : 0;
        return 0;
    case 2:
        w->len_hi = b;
        w->state = 3;
        return 0;
    case 3:
        w->len_lo = b;
        w->state = 4;
        return 0;
    case 4: {
        const uint8_t len_bytes[2] = {w->len_hi, w->len_lo};
        uint32_t len = (uint32_t)w->len_hi << 8 | w->len_lo;
        if (tt_crc8_smbus(len_bytes, 2) != b || len == 0 || len > TT_FRAME_MAX_PAYLOAD) {
            w->state = b == TT_FRAME_SYNC0 ? 1 : 0; /* a rejected header: the decoder's too */
            return 0;
        }
        w->need = len + 4u; /* payload and CRC-32 */
        w->state = 5;
        return 0;
    }
    default:
        if (--w->need != 0)
            return 0;
        w->state = 0;
        return 1;
    }
}
