/* frames.h — cuts one direction's byte stream into the Tether frames it carries, so the
 * link emulator loses whole frames, as a radio or a broker loses a datagram or a message,
 * instead of corrupting bytes of whatever a read() returned (several frames or a part of
 * one, so a "1 % loss" was not 1 % of frames).
 *
 * A frame is SYNC0 SYNC1 | LEN (BE16, 1..TT_FRAME_MAX_PAYLOAD) | HCHK | payload | CRC-32
 * (wire.h); bytes that do not start one (a peer's garbage, a resync) come out as a unit of
 * their own, up to the next SYNC0, and are never held back. Fixed storage, no I/O.
 * Depends on tether/wire.h (constants only). */
#ifndef TETHER_LINKEMU_FRAMES_H
#define TETHER_LINKEMU_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define TT_FC_CAP 4096u /* > the largest frame: TT_FRAME_MAX_PAYLOAD + TT_FRAME_OVERHEAD */

struct tt_frame_cut {
    uint8_t buf[TT_FC_CAP];
    size_t len;
};

void tt_fc_init(struct tt_frame_cut *f);
/* Room for more bytes (read at most this many). */
size_t tt_fc_room(const struct tt_frame_cut *f);
/* Appends n <= tt_fc_room bytes. */
void tt_fc_feed(struct tt_frame_cut *f, const uint8_t *p, size_t n);
/* Length of the next whole unit at the front (a frame, or bytes that are none), 0 while
 * a frame is still incomplete. */
size_t tt_fc_next(const struct tt_frame_cut *f);
/* Drops the first n bytes (after the caller took the unit). */
void tt_fc_consume(struct tt_frame_cut *f, size_t n);

#endif
