/* bridge_path.h — the two data paths of the modem bridge, without I/O (spec/transport.md
 * [FRM-011], [MTB-010], [MTB-011]): device UART bytes -> verified frames -> one message per
 * packet, and one message -> one frame. The bridge (bridge.c) and its fuzz harness
 * (fuzz/harness/bridge.c) call exactly these. Depends on lib/framing only. */
#ifndef TETHER_RELAY_BRIDGE_PATH_H
#define TETHER_RELAY_BRIDGE_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "tether/framing.h"

/* Called once per verified frame with its payload (1..1400 bytes), in stream order. */
typedef tt_err (*tt_bridge_emit)(void *ctx, const uint8_t *packet, size_t len);

/* Feeds bytes read from the device's link. Rejected frames are dropped and counted in the
 * decoder's stats, never forwarded ([FRM-011]). Stops at the first emit error. */
TT_MUST_CHECK tt_err tt_bridge_uart_in(struct tt_frame_decoder *d, const uint8_t *bytes,
                                       size_t n, tt_bridge_emit emit, void *ctx);

/* One message from the broker -> one frame for the device. An empty message or one longer
 * than 1400 bytes is dropped ([MTB-001]): TT_ERR_FRAME_LENGTH, nothing written. */
TT_MUST_CHECK tt_err tt_bridge_message_out(const uint8_t *msg, size_t len, uint8_t *frame,
                                           size_t cap, size_t *frame_len);

#endif
