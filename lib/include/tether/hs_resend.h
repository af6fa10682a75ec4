/* hs_resend.h — handshake retransmission ([HS-030], [HS-070]..[HS-075]): the device's
 * pending packet and the client's initiation resend timer.
 *
 * A device that has read an initiation past the cheap checks of [HS-012] (before the X25519
 * work) MAY answer at once with a pending packet ([PKT-010]): the initiation's sender_id, the
 * first TT_PENDING_DIGEST_LEN bytes of SHA-256(initiation) and expected_ms, how long it
 * expects the handshake to take. The client's timer resends the initiation at 1, 2, 4, 8, 8…
 * s and gives up at 90 s ([HS-030]); a pending packet bound to exactly its current initiation
 * (one per transmission) pushes the next resend to at least now + min(expected_ms,
 * TT_HS_PENDING_MAX_MS) + the time since the last transmission, after which the doubling
 * resumes where it was. Anything else is counted and never acted on: the packet is not
 * authenticated, so it may only make the client wait, within bounds, never resend sooner.
 * No I/O, no malloc; times are milliseconds of the caller's monotonic clock, so tests drive
 * it with a fake one. Depends on crypto.h (SHA-256), wire.h, err.h. */
#ifndef TETHER_HS_RESEND_H
#define TETHER_HS_RESEND_H

#include <stddef.h>
#include <stdint.h>

#include "tether/crypto.h"
#include "tether/err.h"
#include "tether/wire.h"

/* Device: writes the pending packet for an initiation whose SHA-256 is init_hash
 * (TT_PENDING_LEN bytes). TT_ERR_ARG on cap < TT_PENDING_LEN or sender_id 0. */
TT_MUST_CHECK tt_err tt_pending_write(uint32_t sender_id, const uint8_t init_hash[TT_SHA256_LEN],
                                      uint32_t expected_ms, uint8_t *out, size_t cap,
                                      size_t *outlen);

/* Either side: a pending packet's fields, exact length ([PKT-010]). */
struct tt_pending {
    uint32_t sender_id;
    const uint8_t *digest; /* TT_PENDING_DIGEST_LEN bytes inside the packet */
    uint32_t expected_ms;  /* as sent: the reader clamps ([HS-072]) */
};
TT_MUST_CHECK tt_err tt_pending_parse(const uint8_t *pkt, size_t len, struct tt_pending *out);

enum tt_hs_resend_action {
    TT_HS_RESEND_WAIT = 0, /* nothing to send yet */
    TT_HS_RESEND_SEND,     /* send the initiation again now (recorded as sent) */
    TT_HS_RESEND_GIVE_UP   /* [HS-030]: 90 s since the first transmission */
};

struct tt_hs_resend {
    uint64_t first_ms;     /* the first transmission: give-up counts from here */
    uint64_t last_sent_ms; /* the latest transmission: a pending's RTT sample runs from it */
    uint64_t due_ms;       /* the next retransmission */
    uint32_t interval_ms;  /* the interval that follows due_ms */
    uint32_t sender_id;    /* of the initiation being resent */
    uint8_t digest[TT_PENDING_DIGEST_LEN];
    uint32_t sent;         /* transmissions, the first included */
    uint32_t waits;        /* pending packets acted on: at most one per transmission */
    uint32_t ignored;      /* pending packets dropped: malformed, not ours, one too many */
    uint32_t expected_ms;  /* of the last pending acted on, clamped */
    uint32_t rtt_ms;       /* its sample: last transmission → the pending */
};

/* Starts the timer when the initiation init[0..len) has just been sent for the first time.
 * rtt_ms is a known round-trip time of the link (0 if none): above 500 ms the first interval
 * is twice it ([HS-030]). TT_ERR_ARG on a packet that is not an initiation. */
TT_MUST_CHECK tt_err tt_hs_resend_start(struct tt_hs_resend *r, const struct tt_crypto *c,
                                        const uint8_t *init, size_t len, uint64_t now_ms,
                                        uint32_t rtt_ms);

/* What to do now. On TT_HS_RESEND_SEND the caller sends the byte-identical initiation. */
enum tt_hs_resend_action tt_hs_resend_poll(struct tt_hs_resend *r, uint64_t now_ms);

/* The next time poll has something to do (resend or give up), for the caller's wait. */
uint64_t tt_hs_resend_next_ms(const struct tt_hs_resend *r);

/* A pending packet received at now_ms. TT_OK: it matched the current initiation and the
 * next resend moved to at least now + min(expected_ms, TT_HS_PENDING_MAX_MS) + rtt sample.
 * Otherwise it changed nothing but the ignored counter: TT_ERR_PKT_TYPE / TT_ERR_PKT_LENGTH
 * (not a pending packet), TT_ERR_HS_UNKNOWN (another initiation's sender_id or digest, or a
 * second pending for the same transmission). */
TT_MUST_CHECK tt_err tt_hs_resend_on_pending(struct tt_hs_resend *r, const uint8_t *pkt,
                                             size_t len, uint64_t now_ms);

#endif
