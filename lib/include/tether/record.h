/* record.h — packets and transport records: what travels after (and around) the handshake.
 *
 *   packet  = type (1) ‖ …      0x01 initiation, 0x02 response, 0x03 record ([PKT-*])
 *   record  = 0x03 ‖ receiver_id (BE32) ‖ seq (BE64) ‖ ChaCha20-Poly1305(ciphertext ‖ tag)
 *             nonce = seq (Noise encoding), AD = the 13 header bytes ([REC-*])
 *
 * tt_packet_parse splits any packet into its header fields with exact length rules; the
 * record session seals and opens transport records with an explicit seq, a 64-record replay
 * window and rekey/reject limits. A rejected record leaves the session byte-for-byte as it
 * was. I/O-free, no malloc; crypto only through the caller's struct tt_crypto table.
 * Depends on err.h, wire.h and crypto.h. */
#ifndef TETHER_RECORD_H
#define TETHER_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "tether/crypto.h"
#include "tether/err.h"
#include "tether/wire.h"

/* Header fields of a packet; fields a type lacks are 0. body points into the parsed bytes:
 * the Noise message (initiation, response) or ciphertext ‖ tag (record). */
struct tt_packet {
    uint8_t type;
    uint32_t sender_id;   /* initiation, response */
    uint32_t receiver_id; /* response, record */
    uint64_t seq;         /* record */
    const uint8_t *body;
    size_t body_len;
};

/* Accepts exactly the three packet types, each only with a length its layout allows
 * (header + Noise/AEAD overhead up to TT_PKT_MAX_LEN): TT_ERR_PKT_TYPE, TT_ERR_PKT_LENGTH.
 * Session ids are not judged here (0 is never a valid id: the consumer's lookup rejects it). */
TT_MUST_CHECK tt_err tt_packet_parse(const uint8_t *pkt, size_t len, struct tt_packet *out);

/* Rekey and reject limits. Defaults are the wire.h values; tests shrink them. */
struct tt_record_limits {
    uint64_t rekey_after_records;  /* sender should start a new handshake ([REC-008]) */
    uint64_t reject_after_records; /* no record sent or accepted at or past this seq ([REC-009]) */
    uint64_t rekey_after_s;
    uint64_t reject_after_s;       /* nor this many seconds after the session was created */
};

void tt_record_limits_default(struct tt_record_limits *l);

/* The two directional keys from Noise's Split(): the initiator sends with k1 and receives
 * with k2, the responder the reverse. */
struct tt_record_keys {
    uint8_t send[TT_KEY_LEN];
    uint8_t recv[TT_KEY_LEN];
};

/* One established session's record state. Caller-owned; private to record.c except that
 * tests may read it. Clock arguments (now_s) are seconds of a clock that does not go back;
 * if it does, the session's age counts as 0 rather than wrapping. */
struct tt_record_session {
    const struct tt_crypto *crypto;
    struct tt_record_keys keys;
    uint32_t local_id;    /* our session id: records addressed to us carry it */
    uint32_t remote_id;   /* the peer's session id: our records carry it */
    uint64_t send_seq;    /* seq of the next record we seal */
    uint64_t recv_max;    /* highest seq accepted */
    uint64_t recv_bitmap; /* bit i set: seq recv_max - i accepted; 0: nothing accepted yet */
    struct tt_record_limits limits;
    uint64_t created_s;
};

/* ids must be non-zero (TT_ERR_ARG); limits NULL means the defaults. Copies the keys. */
TT_MUST_CHECK tt_err tt_record_session_init(struct tt_record_session *s,
                                            const struct tt_crypto *crypto,
                                            const struct tt_record_keys *keys,
                                            uint32_t local_id, uint32_t remote_id,
                                            uint64_t now_s,
                                            const struct tt_record_limits *limits);

/* Wipes the keys and the rest of the session. */
void tt_record_session_wipe(struct tt_record_session *s);

/* Seals plaintext[0..len) (len <= TT_RECORD_MAX_PLAINTEXT, else TT_ERR_REC_TOO_LARGE) into a
 * record addressed to remote_id with the next seq; out needs len + TT_RECORD_OVERHEAD bytes
 * (TT_ERR_NO_SPACE). plaintext may be out + TT_RECORD_HEADER_LEN (in place) or must not
 * overlap out. TT_ERR_REC_EXPIRED past the reject limits. seq advances only on TT_OK. */
TT_MUST_CHECK tt_err tt_record_seal(struct tt_record_session *s, uint64_t now_s,
                                    const uint8_t *plaintext, size_t len, uint8_t *out,
                                    size_t cap, size_t *outlen);

/* Opens a record. Checks, in order: packet type and length (TT_ERR_PKT_TYPE / _LENGTH),
 * receiver id == local id (TT_ERR_REC_SESSION), reject limits (TT_ERR_REC_EXPIRED), replay
 * window (TT_ERR_REC_REPLAY), output space (TT_ERR_NO_SPACE), tag (TT_ERR_REC_AUTH); only
 * then marks the seq as seen. On any error the session is unchanged and out holds nothing
 * usable. out may be packet + TT_RECORD_HEADER_LEN (in place) or must not overlap packet. */
TT_MUST_CHECK tt_err tt_record_open(struct tt_record_session *s, uint64_t now_s,
                                    const uint8_t *packet, size_t len, uint8_t *out,
                                    size_t cap, size_t *outlen);

/* Which rekey-after limit the session has reached (0: none): the initiator should start a
 * new handshake while the old session keeps working until its reject limits. */
#define TT_RECORD_REKEY_RECORDS 0x1u
#define TT_RECORD_REKEY_TIME 0x2u
unsigned tt_record_needs_rekey(const struct tt_record_session *s, uint64_t now_s);

#endif
