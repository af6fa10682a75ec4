/* framing.h — the byte-stream binding: packets in self-delimiting, checked frames ([FRM-*]).
 *
 *   54 D1 | LEN (2, big-endian) | HCHK = CRC-8/SMBUS(LEN) | payload (LEN) | CRC-32 (4, BE)
 *
 * CRC-32 is CRC-32/ISO-HDLC (zlib's crc32) over LEN ‖ HCHK ‖ payload. The encoder is one
 * function; the decoder is an I/O-free streaming engine with a caller-owned context (no
 * malloc), shaped like BearSSL's engines: the caller pushes bytes in whatever pieces the
 * transport delivers and pops complete, verified frames. Corruption is dropped here, before
 * any crypto, and counted in the context's stats. Depends on err.h and wire.h only. */
#ifndef TETHER_FRAMING_H
#define TETHER_FRAMING_H

#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/wire.h"

/* CRC-8/SMBUS: poly 0x07, init 0x00, no reflection, no xorout. Check("123456789") = 0xF4. */
uint8_t tt_crc8_smbus(const uint8_t *p, size_t len);

/* CRC-32/ISO-HDLC with zlib's chaining convention: start with crc = 0, feed pieces in order,
 * the return value is the finished CRC of everything fed so far. Check("123456789") =
 * 0xCBF43926. */
uint32_t tt_crc32_update(uint32_t crc, const uint8_t *p, size_t len);

/* Writes the frame for payload[0..len) to out. len must be 1..TT_FRAME_MAX_PAYLOAD
 * (TT_ERR_FRAME_LENGTH), cap at least len + TT_FRAME_OVERHEAD (TT_ERR_NO_SPACE). payload and
 * out must not overlap. On success *outlen = len + TT_FRAME_OVERHEAD. */
TT_MUST_CHECK tt_err tt_frame_encode(const uint8_t *payload, size_t len, uint8_t *out,
                                     size_t cap, size_t *outlen);

/* What the decoder threw away, for link diagnostics. Every byte pushed ends up exactly once
 * in a delivered frame, in garbage_bytes, or still buffered in the context. */
struct tt_frame_stats {
    uint32_t frames;        /* verified frames made available to tt_frame_pop */
    uint32_t bad_header;    /* HCHK mismatch ([FRM-004]) */
    uint32_t bad_length;    /* LEN 0 or above TT_FRAME_MAX_PAYLOAD ([FRM-005]) */
    uint32_t bad_crc;       /* CRC-32 mismatch ([FRM-006]) */
    uint32_t garbage_bytes; /* bytes discarded while hunting for SYNC */
    uint32_t abandoned;     /* incomplete candidates given up when the link went idle */
};

/* Decoder context. Treat the fields as private except stats and last_error. The buffer holds
 * one candidate frame from its SYNC on; after a rejection the bytes after the rejected SYNC
 * are scanned again, so a frame hidden behind a false SYNC is still found ([FRM-007]). */
struct tt_frame_decoder {
    uint8_t buf[TT_FRAME_MAX_PAYLOAD + TT_FRAME_OVERHEAD];
    size_t have;      /* bytes held in buf; buf[0] is a SYNC0 whenever have > 0 */
    size_t ready;     /* length of the verified frame at buf[0], or 0 */
    size_t delivered; /* length of the frame handed out by the last pop, dropped next call */
    tt_err last_error; /* last rejection (FRAME_HEADER / _LENGTH / _CRC), TT_OK if none yet */
    struct tt_frame_stats stats;
};

/* Also call it when the transport reconnects: a frame cut off by the old connection would
 * otherwise swallow the first bytes of the new one until its LEN is filled.
 * Cost: normal streams decode at memory speed (~290 MB/s on the x86 test host), but because a
 * rejected candidate is rescanned from its second byte, a hostile stream of valid headers
 * claiming 1400 bytes every 5 bytes costs up to ~280 CRC-32 passes per byte (~1 MB/s on the
 * same host). Callers on links an attacker can feed should watch stats and drop a connection
 * that produces mostly rejections. */
void tt_frame_decoder_init(struct tt_frame_decoder *d);

/* Feeds data[0..len). Consumes bytes until a frame is complete or the input is used up and
 * reports how many in *consumed. Returns TT_OK when a frame is ready for tt_frame_pop (then
 * *consumed may be less than len: push the rest after popping), TT_ERR_FRAME_NONE when all
 * input was consumed and no frame is complete yet. While a frame waits to be popped, push
 * consumes nothing. Rejected frames are not errors of this call: they are counted in stats
 * and noted in last_error. */
TT_MUST_CHECK tt_err tt_frame_push(struct tt_frame_decoder *d, const uint8_t *data, size_t len,
                                   size_t *consumed);

/* The link has delivered nothing for TT_FRAME_IDLE_MS ([FRM-013]): the candidate being
 * collected will not complete. It is rejected, and so is every incomplete candidate the
 * rescan of its bytes finds ([FRM-007]), until a complete frame is found in the buffered
 * bytes (pop it) or nothing is left. Without this, the last false headers of a flood each
 * wait for up to 1409 bytes, holding back the first real frame behind them until about
 * 1400 more bytes arrive (seconds of handshake retransmissions). Counted in
 * stats.abandoned; last_error is TT_ERR_FRAME_LENGTH (its LEN was never delivered). */
void tt_frame_decoder_idle(struct tt_frame_decoder *d);
/* How long a link must stay silent before a receiver gives up an incomplete candidate: far
 * above any gap inside a frame a sender writes at once, far below retransmission timers. */
#define TT_FRAME_IDLE_MS 200u

/* Hands out the next verified frame: *payload points into the context and stays valid until
 * the next push or pop. Returns TT_ERR_FRAME_NONE when no frame is complete. Call it until it
 * returns TT_ERR_FRAME_NONE: bytes buffered behind a rejected candidate may hold more than
 * one frame. */
TT_MUST_CHECK tt_err tt_frame_pop(struct tt_frame_decoder *d, const uint8_t **payload,
                                  size_t *len);

/* The frame-end watch ([FRM-013]): fed every received byte (from an interrupt handler: a few
 * instructions a byte, no buffer), it returns 1 on the byte that completes a candidate frame
 * (a valid header, then LEN + 4 more bytes) and 0 otherwise, so a receiver can run its
 * decoder once per candidate frame instead of once per byte and skip garbage at the speed of
 * its link. It only schedules: the decoder still judges every byte. A frame that began inside
 * a false candidate is found by the decoder's rescan ([FRM-007]) but not announced here; the
 * receiver's periodic turn covers it. */
struct tt_frame_watch {
    uint8_t state;  /* private */
    uint8_t len_hi, len_lo;
    uint16_t need;
};
void tt_frame_watch_init(struct tt_frame_watch *w);
int tt_frame_watch_byte(struct tt_frame_watch *w, uint8_t b);

#endif
