/* reliable.h — the reliability envelope inside every record: go-back-N with cumulative acks.
 *
 *   kind (1: DATA 0x01 | ACK 0x02) ‖ msg_seq (BE32) ‖ ack (BE32) ‖ body
 *
 * Each direction numbers its DATA messages 1, 2, 3…; ack is the highest msg_seq received in
 * order from the peer. The receiver delivers only the next expected message, re-acks
 * duplicates and drops messages after a gap; the sender keeps every unacked message in a
 * caller-provided window of slots and resends it on timeout or after a reconnect. So a cut
 * transport loses nothing and executes nothing twice ([REL-*]).
 *
 * The engine builds and parses envelopes only; sealing them into records is the caller's job,
 * and every envelope, including a retransmission, MUST go into a NEW record with a new record
 * seq: a record (and its nonce) is never reused. No I/O, no malloc, caller-owned context.
 * Depends on err.h and wire.h. */
#ifndef TETHER_RELIABLE_H
#define TETHER_RELIABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"
#include "tether/wire.h"

/* One unacked message. The caller provides an array of these (TT_REL_DEFAULT_WINDOW is the
 * usual size; a device short of RAM may give fewer). */
struct tt_rel_slot {
    uint32_t seq;    /* msg_seq held here; 0 = free */
    uint16_t len;    /* body length */
    uint64_t due_ms; /* resend when now_ms >= due_ms and still unacked */
    uint8_t data[TT_MESSAGE_MAX_LEN];
};

/* Context for one direction pair of one session. Fields are private to reliable.c. */
struct tt_rel {
    struct tt_rel_slot *slots;
    uint32_t nslots;
    uint32_t rto_ms;     /* retransmission timeout */
    uint32_t next_seq;   /* msg_seq of the next DATA we send (first is 1) */
    uint32_t peer_acked; /* highest of our msg_seq the peer acked; unacked = peer_acked+1.. */
    uint32_t delivered;  /* highest peer msg_seq delivered in order: the ack we send */
    bool ack_pending;    /* the peer should hear our ack (new data, duplicate or gap seen) */
    uint32_t limit;      /* messages we may have unacked: <= nslots (the peer's rel_window) */
    /* Adaptive sending (tt_rel_adapt; off: a fixed RTO and window, as the device uses). */
    bool adaptive;
    uint64_t clock_ms;   /* time of the envelope being received (tt_rel_clock) */
    uint32_t base_rto_ms; /* SRTT + 4 RTTVAR, before backoff */
    uint32_t srtt_ms, rttvar_ms, min_rtt_ms;
    uint32_t timed_seq;  /* the one message being timed (Karn: never a resent one), 0: none */
    uint64_t timed_at_ms;
    uint32_t cwnd, ssthresh; /* congestion window and slow-start threshold, in messages */
    uint32_t dup_acks;   /* ACK envelopes repeating our oldest unacked's predecessor */
    uint32_t recover;    /* after a fast resend: dup acks ignored until the ack passes this */
    uint64_t resent_at_ms; /* our last resend: dup acks for one SRTT after it are ignored */
    uint64_t ack_since_ms; /* when ack_pending became true (adaptive: acks gather) */
    uint32_t probe;      /* congestion avoidance: messages added next round trip without a queue */
    /* [REL-024] the first flight's ack train: 0 none yet, UINT32_MAX measured (or no more) */
    uint32_t train_end;  /* the flight's last msg_seq */
    uint32_t train_acked; /* peer_acked at the train's first ack */
    uint64_t train_at_ms; /* time of that ack */
};

/* slots[0..nslots) is owned by the context until it is discarded. nslots >= 1, rto_ms >= 1. */
TT_MUST_CHECK tt_err tt_rel_init(struct tt_rel *r, struct tt_rel_slot *slots, size_t nslots,
                                 uint32_t rto_ms);

/* Keeps body[0..len) (len <= TT_MESSAGE_MAX_LEN, else TT_ERR_REC_TOO_LARGE) in the window and
 * writes its DATA envelope, carrying our current ack, to out (cap >= TT_REL_HEADER_LEN + len,
 * else TT_ERR_NO_SPACE); body may be out + TT_REL_HEADER_LEN. TT_ERR_REL_WINDOW_FULL when
 * every slot holds an unacked message; TT_ERR_STATE when msg_seq would wrap (rekey long
 * before). Nothing changes unless TT_OK. */
TT_MUST_CHECK tt_err tt_rel_send(struct tt_rel *r, const uint8_t *body, size_t len,
                                 uint64_t now_ms, uint8_t *out, size_t cap, size_t *outlen);

/* Processes one envelope from the peer (the plaintext of an authenticated record).
 *   TT_OK                 body and bodylen: the next message, to deliver (exactly once)
 *   TT_ERR_REL_NONE       an ACK envelope: nothing to deliver
 *   TT_ERR_REL_DUPLICATE  already delivered: do not deliver, but send an ack
 *   TT_ERR_REL_GAP        arrived after a gap: dropped, the peer will resend
 *   TT_ERR_REL_ENVELOPE   malformed (kind, msg_seq, length): nothing changes
 *   TT_ERR_REL_BAD_ACK    acks a msg_seq we never sent: nothing changes
 * For the first four the envelope's cumulative ack is applied (freeing slots). *body points
 * into env. */
TT_MUST_CHECK tt_err tt_rel_receive(struct tt_rel *r, const uint8_t *env, size_t len,
                                    const uint8_t **body, size_t *bodylen);

/* Backpressure for a receiver that cannot take a message now (typically: its own window is
 * full, so it would have no slot for the reply). Validates the envelope exactly as
 * tt_rel_receive does and applies its ack, but treats its DATA as lost: nothing is
 * delivered and the peer resends it later. Dropping the whole record instead would also drop
 * the piggybacked ack that frees this side's window, and both sides could wait forever.
 * Returns TT_OK, TT_ERR_REL_ENVELOPE or TT_ERR_REL_BAD_ACK (then nothing changed). */
TT_MUST_CHECK tt_err tt_rel_receive_ack_only(struct tt_rel *r, const uint8_t *env, size_t len);

/* True when tt_rel_send would say WINDOW_FULL: the send window is full, or an adaptive
 * sender's congestion window is. */
bool tt_rel_window_full(const struct tt_rel *r);

/* True when the send window itself is full (every message the peer allows is unacked): the
 * receiver's backpressure of [REL-013]. An adaptive sender's congestion window is not
 * counted ([REL-019]): it paces what is sent and holds no slot, so a receiver that has
 * reached it still takes the peer's DATA (on a saturated link it always has: the OTA acks
 * of the device would wait for its RTO, and the client's OTA window would stall). */
bool tt_rel_slots_full(const struct tt_rel *r);

/* True when the peer should be sent an ack and no DATA is about to carry it. */
bool tt_rel_ack_needed(const struct tt_rel *r);

/* True when that ack should go out now in an ACK envelope: at once, or for an adaptive
 * sender once it has waited TT_REL_ACK_GATHER_MS (time of the receive: tt_rel_clock), so a
 * burst of the peer's resent copies costs one ACK envelope, not one each ([REL-022]). */
bool tt_rel_ack_due(const struct tt_rel *r, uint64_t now_ms);

/* Writes an ACK envelope (TT_REL_HEADER_LEN bytes) carrying our cumulative ack. */
TT_MUST_CHECK tt_err tt_rel_make_ack(struct tt_rel *r, uint8_t *out, size_t cap,
                                     size_t *outlen);

/* Iterator over retransmissions: writes the envelope of the oldest unacked message whose timer
 * expired (with our current ack) and restarts its timer; returns TT_ERR_REL_NONE when nothing
 * is due. Go-back-N: resending a message makes every later unacked message due too, since
 * the peer dropped them after the gap. An adaptive sender resends only as far as its window
 * reaches from the oldest unacked message; the rest stay due as acks slide it ([REL-025]).
 * Call until TT_ERR_REL_NONE (and again after each ack), sealing each envelope into a new
 * record. */
TT_MUST_CHECK tt_err tt_rel_retransmit_due(struct tt_rel *r, uint64_t now_ms, uint8_t *out,
                                           size_t cap, size_t *outlen);

/* A new transport connection carries the session: every unacked message is due at once, and
 * our ack is re-sent in case the last one was lost with the old connection. */
void tt_rel_on_reconnect(struct tt_rel *r);

/* Caps the messages we may have unacked at the peer's announced window ([REL-015]): at most
 * nslots, at least 1 whatever the peer says. */
void tt_rel_set_window(struct tt_rel *r, uint32_t peer_window);

/* Adaptive sending for a client on a long or slow link ([REL-017], [OTA-121]): the RTO is
 * estimated as in RFC 6298 from one timed message at a time (Karn's rule), seeded with
 * seed_rtt_ms (the handshake's round trip; 0: none) and doubled on each expiry; the timers
 * of unacked messages restart when an ack makes progress (RFC 6298 5.3). A congestion
 * window keeps what is in flight near what the link holds, so no queue builds up in front
 * of a slow link (a queue delays the acks of both sides past their RTOs, and a device whose
 * small send window stays full drops what arrives, [REL-013]): slow start from
 * TT_REL_CWND_INITIAL messages, the window measured from the first flight's acks
 * ([REL-024]), then +1, +2, +4… per round trip while no queue shows ([REL-021]), and, as
 * TCP Vegas does, the window stops growing and shrinks when round trips show more than a
 * few messages queued (flight x (1 - min RTT / RTT)); halved on three duplicate acks, which
 * also resend at once (the peer saw a gap), 1 after a timeout; resends paced by the window
 * ([REL-025]). Call tt_rel_clock with the time before every tt_rel_receive /
 * tt_rel_receive_ack_only. */
void tt_rel_adapt(struct tt_rel *r, uint32_t seed_rtt_ms);
void tt_rel_clock(struct tt_rel *r, uint64_t now_ms);

/* [REL-023] Starts an adaptive sender's congestion window at cwnd messages (at most the
 * peer's window), out of slow start: what the same path carried at the end of an earlier
 * transfer. Nothing changes when cwnd is not above the current window or the sender is not
 * adaptive. Call after tt_rel_adapt, before sending. */
void tt_rel_start_window(struct tt_rel *r, uint32_t cwnd);

/* Messages: 32 KiB of 1 KiB chunks (RFC 6928's initial window is 10 x 1460 bytes). The
 * first round trip leaves the link part idle: at 1 Mbit/s x 600 ms (70 messages in flight)
 * a start from 16 costs ~0.46 s of link time, from 32 ~0.32 s (measured, docs/benchmark-
 * ota-push.md); later round trips are filled by [REL-024]'s measured window. On a slow link
 * the excess is a queue that window cuts after TT_REL_TRAIN_ACKS acks. */
#define TT_REL_CWND_INITIAL 32u
/* ms an adaptive sender's ack waits for more to acknowledge (within [REL-014]'s 50 ms): a
 * device's timer resends its unacked events together, and on a 60 kbit/s link one ACK
 * envelope per copy took 0.6 s of the 20 s an image took. */
#define TT_REL_ACK_GATHER_MS 10u
/* [REL-024] messages acked after the first ack of the first flight that measure the link's
 * rate (or all of the flight, if it is shorter), at least TT_REL_TRAIN_MIN; the jump is at
 * most TT_REL_JUMP_MAX times the window slow start had then (what it reaches two round trips
 * later): a relay that bunches acks makes the rate look higher. */
#define TT_REL_TRAIN_ACKS 8u
#define TT_REL_TRAIN_MIN 4u
#define TT_REL_JUMP_MAX 4u
#define TT_REL_QUEUE_LOW 3u     /* queued messages below which the window grows (or cwnd/8) */
#define TT_REL_QUEUE_HIGH 6u    /* ... above which it shrinks (or cwnd/4) */

/* What may be unacked now: the peer's window, and the congestion window when adaptive. */
uint32_t tt_rel_send_window(const struct tt_rel *r);

/* Number of messages sent and not yet acked. */
size_t tt_rel_unacked(const struct tt_rel *r);

#endif
