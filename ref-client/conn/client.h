/* client.h — the client end of a Tether session over a transport: handshake with handshake
 * retransmission, request/reply matched by request_id, device events queued, transparent
 * reconnect with no new handshake.
 *
 * This is the driver around lib's I/O-free session engine: it owns the clock, the transport
 * and the waiting. Host only. Depends on lib (session, framing, messages) and transport.h. */
#ifndef TETHER_CLIENT_CLIENT_H
#define TETHER_CLIENT_CLIENT_H

#include <stdint.h>

#include "tether/crypto.h"
#include "tether/framing.h"
#include "tether/hs_resend.h"
#include "tether/messages.h"
#include "tether/session.h"
#include "transport.h"

#define TT_CLIENT_EVENTS 16
/* Send slots: the most a device may announce that this client will use (an OTA push on a
 * 1 Mbit/s, 600 ms link keeps ~75 KB = ~70 chunks in flight, more with the ack step). */
#define TT_CLIENT_REL_SLOTS 320
/* How long tt_client_close waits for the Ack of its Close: one retransmission on a slow link
 * (initial RTO 1 s). Past it the device's idle rule ([HS-060]) frees what the session held. */
#define TT_CLIENT_CLOSE_WAIT_MS 3000

struct tt_client {
    struct tt_transport *t;
    const struct tt_crypto *crypto;
    struct tt_session s;
    struct tt_rel_slot slots[TT_CLIENT_REL_SLOTS];
    struct tt_frame_decoder dec;
    uint32_t next_request_id;
    tether_v1_Message events[TT_CLIENT_EVENTS]; /* pushed by the device, request_id 0 */
    unsigned ev_head, ev_count, ev_dropped;
    tether_v1_HandshakeReply reply; /* the device's answer to our hello */
    uint64_t handshake_us;          /* measured: initiation sent to response read */
    struct tt_hs_resend resend;     /* the initiation's resend timer and its pending counts
                                       ([HS-030], [HS-071]): sent, waits, ignored */
    uint64_t pending_at_us;         /* when a pending was acted on (0: none), from t0 */
    uint32_t round_trips;           /* request/reply exchanges since connect */
    uint32_t reconnects;
    uint32_t delivered;             /* messages the session delivered (each exactly once) */
    /* The one outstanding call or handshake (calls are issued one at a time). */
    uint32_t waiting_for;
    tether_v1_Message *waiting_reply;
    int got_reply;
    tether_v1_HandshakeReply *pending_reply;
    int handshake_done;
    tt_err handshake_error;
    int peer_closed;  /* the device sent a Close event ([CTL-021]): the session is over */
    int closing;      /* inside tt_client_close: its wait ignores the stop signal */
    int closed_acked; /* tt_client_close's Close was acknowledged */
    uint64_t last_sent_ms; /* last packet sent: the keepalive timer ([HS-054]) */
};

/* Monotonic milliseconds (the session engine's clock) and microseconds (measurements);
 * clock.c. Every time the driver reads comes from these two. */
uint64_t tt_client_now_ms(void);
uint64_t tt_client_now_us(void);

/* Handshake: sends the initiation (resent at 1, 2, 4, 8… s, [HS-030], later when the device
 * said it is computing with a pending packet, [HS-071]; until answered, timeout_ms or 90 s),
 * reads the response. TT_OK only with an accepted DeviceHello; a refusal returns its error code
 * (e.g. TT_ERR_GRANT_EXPIRED) with c->reply holding it. */
TT_MUST_CHECK tt_err tt_client_connect(struct tt_client *c, struct tt_transport *t,
                                       const struct tt_crypto *crypto,
                                       const uint8_t client_sk[32], const uint8_t device_pk[32],
                                       const tether_v1_ClientHello *hello, int timeout_ms);
/* The same with the initiation's payload given as bytes: hello encoded and then `extra`
 * appended (fields the ClientHello schema lacks; the conformance suite checks that a device
 * acts on none of them, [SEC-5]). */
TT_MUST_CHECK tt_err tt_client_connect_extra(struct tt_client *c, struct tt_transport *t,
                                             const struct tt_crypto *crypto,
                                             const uint8_t client_sk[32],
                                             const uint8_t device_pk[32],
                                             const tether_v1_ClientHello *hello,
                                             const uint8_t *extra, size_t extra_len,
                                             int timeout_ms);

/* One request and its reply. req->request_id is assigned here. Events that arrive meanwhile
 * are queued. A device Error reply is returned as TT_OK with reply->which_body == error;
 * tt_client_call_ok turns it into its code. */
TT_MUST_CHECK tt_err tt_client_call(struct tt_client *c, tether_v1_Message *req,
                                    tether_v1_Message *reply, int timeout_ms);
/* Test and conformance use: sends body as one DATA message exactly as given (it may be a
 * deliberately broken encoding) and waits for the message carrying request_id, which the
 * caller chose and wrote into body; it must not be one the client has in use. */
TT_MUST_CHECK tt_err tt_client_call_raw(struct tt_client *c, const uint8_t *body, size_t len,
                                        uint32_t request_id, tether_v1_Message *reply,
                                        int timeout_ms);
TT_MUST_CHECK tt_err tt_client_call_ok(struct tt_client *c, tether_v1_Message *req,
                                       tether_v1_Message *reply, int timeout_ms);

/* Sends m as a stream message (request_id 0, no reply: OtaChunk), waiting up to timeout_ms
 * for room in the session's window while pumping the link (events are queued meanwhile). */
TT_MUST_CHECK tt_err tt_client_send_stream(struct tt_client *c, tether_v1_Message *m,
                                           int timeout_ms);
/* Next queued device event, waiting up to timeout_ms for one. */
TT_MUST_CHECK tt_err tt_client_next_event(struct tt_client *c, tether_v1_Message *ev,
                                          int timeout_ms);

/* Adaptive sending for bulk transfers (OTA push): RTO estimated from round trips, seeded
 * with the handshake's, and a congestion window (tt_rel_adapt in tether/reliable.h). */
void tt_client_adaptive(struct tt_client *c);
/* [REL-023] Starts that congestion window at cwnd messages (a path memory's), out of slow
 * start; call after tt_client_adaptive. */
void tt_client_start_window(struct tt_client *c, uint32_t cwnd);
/* Our messages in flight: sent, not yet acknowledged by the device. */
uint32_t tt_client_in_flight(const struct tt_client *c);
/* How many may be in flight now (the device's window, and the congestion window). */
uint32_t tt_client_send_window(const struct tt_client *c);
/* The session's current retransmission timeout (with any backoff). */
uint32_t tt_client_rto_ms(const struct tt_client *c);
/* How many of our messages the device has acknowledged (grows while the link delivers). */
uint32_t tt_client_peer_acked(const struct tt_client *c);

/* Drive the link for up to timeout_ms: read, deliver, retransmit, ack. */
TT_MUST_CHECK tt_err tt_client_pump(struct tt_client *c, int timeout_ms);

/* Ends the session ([HS-061]): a Close, its Ack awaited up to TT_CLIENT_CLOSE_WAIT_MS (even
 * after a stop signal), then keys wiped and the transport closed. Call it on every exit path
 * once connected. */
void tt_client_close(struct tt_client *c);
/* Drops the session without a Close (keys wiped, transport closed): only for tests that play
 * a client that vanished. */
void tt_client_abandon(struct tt_client *c);

/* Installs SIGINT/SIGTERM/SIGHUP handlers (no SA_RESTART): after one, every wait above returns
 * TT_ERR_INTERRUPTED so the caller can tt_client_close; a second signal ends the process. */
void tt_client_catch_signals(void);
/* The stop signal received (0: none). */
int tt_client_stop_signal(void);

#endif
