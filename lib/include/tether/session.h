/* session.h — one end of a Tether session: handshake packets, records and reliability glued.
 *
 * A session turns packets (spec/session.md) into delivered messages and back:
 *   client:  tt_session_initiate → initiation packet;  tt_session_on_response ← response
 *   device:  tt_session_accept   ← initiation packet (the caller checks the grant and the
 *            replay timestamp from the ClientHello it returns) → tt_session_respond
 *   both:    tt_session_send (a message → one record packet), tt_session_receive (a record
 *            packet → at most one message, delivered exactly once), tt_session_poll (what
 *            must go out now: retransmissions and acks), tt_session_on_reconnect.
 * Handshake payloads are opaque bytes here (encoded ClientHello / HandshakeReply): policy —
 * grants, replay timestamps, versions — belongs to the caller, so this engine stays free of
 * nanopb and of any storage. No I/O, no malloc; the reliability window's slots are the
 * caller's. Times are milliseconds of a monotonic clock. Depends on noise.h, record.h,
 * reliable.h. */
#ifndef TETHER_SESSION_H
#define TETHER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/crypto.h"
#include "tether/noise.h"
#include "tether/record.h"
#include "tether/reliable.h"

enum tt_session_state {
    TT_SESSION_UNUSED = 0,
    TT_SESSION_INITIATED,   /* client: initiation sent, waiting for the response */
    TT_SESSION_ACCEPTED,    /* device: initiation read, the caller is judging it */
    TT_SESSION_ESTABLISHED, /* records flow both ways */
    TT_SESSION_CLOSED       /* wiped; refused, closed or failed */
};

struct tt_session {
    enum tt_session_state state;
    const struct tt_crypto *crypto;
    struct tt_noise_hs hs;
    struct tt_record_session rec;
    struct tt_rel rel;
    uint32_t local_id;
    uint32_t remote_id;
    uint8_t peer_static[TT_X25519_LEN]; /* the peer's Noise static key */
    uint64_t last_rx_ms;                /* last authenticated packet: idleness for eviction */
    /* Handshake retransmission (client): the initiation packet stays in the caller's out
     * buffer of tt_session_initiate; only a reference is kept here, so a device's sessions
     * (which compare a hash of the initiation, [HS-031]) carry no 1 400-byte copy. */
    const uint8_t *initiation;
    uint16_t initiation_len;
};

/* Client: start a session to the device whose static key is device_static. hello is the
 * encoded ClientHello (identification and grant only: never commands, [HS-004]). ephemeral
 * is NULL except in vector tests. Writes the initiation packet to out; the caller keeps
 * out[0..*outlen) unchanged while the handshake is pending if it resends the initiation
 * (tt_session_initiation returns those bytes). */
TT_MUST_CHECK tt_err tt_session_initiate(struct tt_session *s, const struct tt_crypto *c,
                                         const uint8_t client_static_priv[TT_X25519_LEN],
                                         const uint8_t device_static[TT_X25519_LEN],
                                         const uint8_t *ephemeral, const uint8_t *hello,
                                         size_t hello_len, struct tt_rel_slot *slots,
                                         size_t nslots, uint32_t rto_ms, uint8_t *out,
                                         size_t cap, size_t *outlen);

/* Client: the initiation packet again (handshake retransmission over lossy transports):
 * the bytes tt_session_initiate wrote to its out buffer, which the caller has kept. */
TT_MUST_CHECK tt_err tt_session_initiation(const struct tt_session *s, const uint8_t **pkt,
                                           size_t *len);

/* Client: a response packet. On TT_OK the session is ESTABLISHED and reply[0..*reply_len)
 * holds the device's HandshakeReply for the caller to judge (a refusal means: close).
 * TT_ERR_HS_UNKNOWN when the response names another session; a forged or corrupted response
 * leaves the pending handshake as it was. */
TT_MUST_CHECK tt_err tt_session_on_response(struct tt_session *s, const uint8_t *pkt,
                                            size_t len, uint64_t now_ms, uint8_t *reply,
                                            size_t cap, size_t *reply_len);

/* Device: read an initiation packet into a fresh session. On TT_OK the session is ACCEPTED,
 * s->peer_static holds the client's static key and hello[0..*hello_len) its ClientHello.
 * Nothing is sent yet: the caller checks grant and replay timestamp, then calls respond. */
TT_MUST_CHECK tt_err tt_session_accept(struct tt_session *s, const struct tt_crypto *c,
                                       const uint8_t device_static_priv[TT_X25519_LEN],
                                       const uint8_t *pkt, size_t len, uint8_t *hello,
                                       size_t cap, size_t *hello_len);

/* Device: answer an ACCEPTED session with reply (encoded HandshakeReply) and establish it
 * under local_id (non-zero, unique among the device's sessions). For a refusal the caller
 * sends the packet and then closes the session. */
TT_MUST_CHECK tt_err tt_session_respond(struct tt_session *s, uint32_t local_id,
                                        const uint8_t *ephemeral, const uint8_t *reply,
                                        size_t reply_len, struct tt_rel_slot *slots,
                                        size_t nslots, uint32_t rto_ms, uint64_t now_ms,
                                        uint8_t *out, size_t cap, size_t *outlen);

/* Send one message reliably: a record packet to out. TT_ERR_REL_WINDOW_FULL: poll first. */
TT_MUST_CHECK tt_err tt_session_send(struct tt_session *s, const uint8_t *msg, size_t len,
                                     uint64_t now_ms, uint8_t *out, size_t cap, size_t *outlen);

/* A record packet from the peer. TT_OK: *msg and *msg_len is the next message, to act on once
 * (it points into work, which needs TT_RECORD_MAX_PLAINTEXT bytes). TT_ERR_REL_NONE: valid
 * but nothing to deliver (an ack, a duplicate or a gap: tt_session_poll will answer).
 * Any other error: the packet was rejected and the session is unchanged. */
TT_MUST_CHECK tt_err tt_session_receive(struct tt_session *s, const uint8_t *pkt, size_t len,
                                        uint64_t now_ms, uint8_t *work, size_t work_cap,
                                        const uint8_t **msg, size_t *msg_len);

/* The next packet that must go out now: a due retransmission, else an ack the peer is
 * owed. TT_ERR_REL_NONE when there is nothing. Call until TT_ERR_REL_NONE. */
TT_MUST_CHECK tt_err tt_session_poll(struct tt_session *s, uint64_t now_ms, uint8_t *out,
                                     size_t cap, size_t *outlen);

/* An ACK envelope now, owed or not: the keepalive of [HS-054], which keeps the session's
 * activity time fresh on the device ([HS-041], [HS-060]). */
TT_MUST_CHECK tt_err tt_session_keepalive(struct tt_session *s, uint64_t now_ms, uint8_t *out,
                                          size_t cap, size_t *outlen);

/* The transport under the session was replaced (reconnect): every unacked message is
 * resent at the next poll, with no new handshake. */
void tt_session_on_reconnect(struct tt_session *s);

/* Which rekey-after limit has been reached (TT_RECORD_REKEY_* bits; 0 = none). */
unsigned tt_session_needs_rekey(const struct tt_session *s, uint64_t now_ms);

/* Wipe all keys; the session is CLOSED. */
void tt_session_close(struct tt_session *s);

#endif
