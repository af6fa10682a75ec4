/* bridge_path.c — UART bytes to packets and messages to frames (bridge_path.h). */
#include "bridge_path.h"

tt_err tt_bridge_uart_in(struct tt_frame_decoder *d, const uint8_t *bytes, size_t n,
                         tt_bridge_emit emit, void *ctx)
{
    size_t off = 0;
    while (off < n) {
        size_t used = 0;
        const uint8_t *p;
        size_t pl;
        tt_err e = tt_frame_push(d, bytes + off, n - off, &used);
        off += used;
        if (e != TT_OK && e != TT_ERR_FRAME_NONE)
            return e;
        /* Pop everything: bytes behind a rejected candidate may hold several frames. */
        while (tt_frame_pop(d, &p, &pl) == TT_OK) {
            e = emit(ctx, p, pl);
            if (e != TT_OK)
                return e;
        }
    }
    return TT_OK;
}

tt_err tt_bridge_message_out(const uint8_t *msg, size_t len, uint8_t *frame, size_t cap,
                             size_t *frame_len)
{
    if (len == 0 || len > TT_FRAME_MAX_PAYLOAD)
        return TT_ERR_FRAME_LENGTH;
    return tt_frame_encode(msg, len, frame, cap, frame_len);
}
