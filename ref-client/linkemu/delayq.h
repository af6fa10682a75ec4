/* delayq.h — one direction of the emulated link, without I/O: bytes pushed at time t come
 * out at t + serialisation (rate limit) + one-way delay, in order.
 *
 * The link is modelled as a serial line followed by a pipe: a chunk starts serialising
 * when the line is free, takes len × 8 / rate seconds, then travels for the one-way delay
 * (half the configured RTT). With drops enabled, a chunk is lost with the given
 * probability: it takes its time on the line (the air time was spent) and never comes
 * out. The proxy pushes whole frames (frames.h), so the receiver sees a frame missing from
 * an intact byte stream — a lost datagram or MQTT message — and the reliability layer
 * resends it. Fixed storage, caller-owned, times in microseconds from any monotonic
 * origin. Depends on nothing. */
#ifndef TETHER_DELAYQ_H
#define TETHER_DELAYQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TT_DQ_CHUNKS 256
#define TT_DQ_CHUNK_MAX 4096

struct tt_dq_chunk {
    uint64_t due_us;
    uint16_t len, off; /* bytes held, bytes already popped */
    uint8_t data[TT_DQ_CHUNK_MAX];
};

struct tt_delayq {
    uint64_t delay_us;     /* one-way propagation delay */
    uint64_t rate_bps;     /* 0: unlimited */
    uint32_t drop_ppm;     /* chance per chunk, parts per million */
    uint64_t rng;          /* xorshift state (seeded, so runs repeat) */
    uint64_t line_free_us; /* when the serial line is idle again */
    struct tt_dq_chunk q[TT_DQ_CHUNKS];
    unsigned head, count;
    unsigned long lost; /* chunks dropped */
};

void tt_dq_init(struct tt_delayq *q, uint64_t delay_us, uint64_t rate_bps, uint32_t drop_ppm,
                uint64_t seed);
/* Room for another chunk? (Otherwise stop reading the source: backpressure.) */
bool tt_dq_has_room(const struct tt_delayq *q);
/* Queue len bytes (at most TT_DQ_CHUNK_MAX) received at now_us, or lose them (drop_ppm).
 * False if full or too long. */
bool tt_dq_push(struct tt_delayq *q, uint64_t now_us, const uint8_t *data, size_t len);
/* Copy out up to cap bytes that are due at now_us. Returns the count. */
size_t tt_dq_pop(struct tt_delayq *q, uint64_t now_us, uint8_t *out, size_t cap);
/* Due time of the next byte, or UINT64_MAX when empty. */
uint64_t tt_dq_next_due(const struct tt_delayq *q);
/* Forget everything queued (a cut). */
void tt_dq_clear(struct tt_delayq *q);

#endif
