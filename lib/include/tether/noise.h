/* noise.h — the Noise_IK_25519_ChaChaPoly_SHA256 handshake engine and Noise CipherState.
 *
 * Tether's handshake is standard Noise IK (client = initiator), [HS-*] in the spec:
 *     <- s
 *     ...
 *     -> e, es, s, ss   (msg1: 32 + 48 + payload + 16 bytes)
 *     <- e, ee, se      (msg2: 32 + payload + 16 bytes)
 * The engine handles only the Noise bytes: packet headers and session ids are added by the
 * session layer, which passes the prologue "tether/1". Caller-owned context, no I/O, no
 * malloc; all crypto through a struct tt_crypto, so initiator and responder may use
 * different backends. One function per transition, each checking the state on entry and
 * setting the new state last.
 *
 * Failure semantics:
 *  - bad input from the peer (short message, failed decryption, low-order key) and caller
 *    mistakes detected up front (TT_ERR_STATE, TT_ERR_NO_SPACE, TT_ERR_ARG) leave the context
 *    exactly as it was: a forged msg2 does not kill the initiator's pending handshake;
 *  - an internal failure while writing (rng, backend) puts the context in the failed state
 *    with its secrets wiped; every later call returns TT_ERR_STATE.
 * Output buffers are wiped on failure. Message and payload buffers must not overlap.
 * Depends on crypto.h and wire.h. */
#ifndef TETHER_NOISE_H
#define TETHER_NOISE_H

#include <stddef.h>
#include <stdint.h>

#include "tether/crypto.h"
#include "tether/wire.h"

#define TT_NOISE_KEY_LEN 32u
#define TT_NOISE_HASH_LEN 32u
#define TT_NOISE_MAX_MSG 65535u /* Noise's limit on any handshake or transport message */

/* CipherState: a key and a counter nonce (Noise §5.1). */
struct tt_noise_cipher {
    uint8_t k[TT_NOISE_KEY_LEN];
    uint64_t n;
    uint8_t has_key;
};

/* SymmetricState (Noise §5.2): chaining key, handshake hash, cipher. */
struct tt_noise_symmetric {
    struct tt_noise_cipher cs;
    uint8_t ck[TT_NOISE_HASH_LEN];
    uint8_t h[TT_NOISE_HASH_LEN];
};

enum tt_noise_hs_state {
    TT_NOISE_HS_UNUSED = 0,    /* zeroed context: every call but init is TT_ERR_STATE */
    TT_NOISE_HS_INITIATOR,     /* may write msg1 */
    TT_NOISE_HS_WAIT_MSG2,     /* initiator sent msg1, may read msg2 */
    TT_NOISE_HS_RESPONDER,     /* may read msg1 */
    TT_NOISE_HS_GOT_MSG1,      /* responder read msg1 (remote static known), may write msg2 */
    TT_NOISE_HS_DONE,          /* may split */
    TT_NOISE_HS_SPLIT,         /* keys handed out, handshake secrets wiped */
    TT_NOISE_HS_FAILED         /* internal failure, secrets wiped */
};

struct tt_noise_hs {
    const struct tt_crypto *crypto;
    enum tt_noise_hs_state state;
    uint8_t initiator; /* 1 for the initiator (client), 0 for the responder (device) */
    struct tt_noise_symmetric sym;
    uint8_t s_priv[TT_X25519_LEN], s_pub[TT_X25519_LEN]; /* local static */
    uint8_t e_priv[TT_X25519_LEN], e_pub[TT_X25519_LEN]; /* local ephemeral */
    uint8_t rs[TT_X25519_LEN];                           /* remote static */
    uint8_t re[TT_X25519_LEN];                           /* remote ephemeral */
};

/* What a finished handshake yields, already oriented for this side: the initiator sends
 * with Noise's k1 and receives with k2, the responder the reverse ([HS-007]). */
struct tt_noise_keys {
    uint8_t send[TT_NOISE_KEY_LEN];
    uint8_t recv[TT_NOISE_KEY_LEN];
    uint8_t handshake_hash[TT_NOISE_HASH_LEN]; /* channel binding */
};

/* Start an initiator: local static private key s_priv, responder's static public key rs.
 * Any previous content of hs is overwritten. TT_ERR_ARG for NULL pointers. */
TT_MUST_CHECK tt_err tt_noise_ik_init_initiator(struct tt_noise_hs *hs, const struct tt_crypto *c,
                                                const uint8_t *prologue, size_t prologue_len,
                                                const uint8_t s_priv[TT_X25519_LEN],
                                                const uint8_t rs[TT_X25519_LEN]);
/* Start a responder with its static private key. */
TT_MUST_CHECK tt_err tt_noise_ik_init_responder(struct tt_noise_hs *hs, const struct tt_crypto *c,
                                                const uint8_t *prologue, size_t prologue_len,
                                                const uint8_t s_priv[TT_X25519_LEN]);

/* -> e, es, s, ss, payload. Writes 96 + plen bytes to out (cap checked). ephemeral is the
 * ephemeral private key, or NULL to draw one from c->random (fixed only for vectors).
 * TT_ERR_HS_LOW_ORDER if the configured rs is a low-order point. */
TT_MUST_CHECK tt_err tt_noise_ik_write_msg1(struct tt_noise_hs *hs, const uint8_t *ephemeral,
                                            const uint8_t *payload, size_t plen, uint8_t *out,
                                            size_t cap, size_t *outlen);
/* Responder: parse msg1 (len >= 96), learning the initiator's static key (see
 * tt_noise_ik_remote_static) and the payload (len - 96 bytes into payload, cap checked).
 * TT_ERR_PKT_LENGTH short/oversized, TT_ERR_HS_LOW_ORDER, TT_ERR_HS_DECRYPT. */
TT_MUST_CHECK tt_err tt_noise_ik_read_msg1(struct tt_noise_hs *hs, const uint8_t *msg, size_t len,
                                           uint8_t *payload, size_t cap, size_t *plen);
/* <- e, ee, se, payload. Writes 48 + plen bytes. */
TT_MUST_CHECK tt_err tt_noise_ik_write_msg2(struct tt_noise_hs *hs, const uint8_t *ephemeral,
                                            const uint8_t *payload, size_t plen, uint8_t *out,
                                            size_t cap, size_t *outlen);
/* Initiator: parse msg2 (len >= 48). Same errors as read_msg1. */
TT_MUST_CHECK tt_err tt_noise_ik_read_msg2(struct tt_noise_hs *hs, const uint8_t *msg, size_t len,
                                           uint8_t *payload, size_t cap, size_t *plen);
/* The peer's static public key: known to the initiator from the start and to the
 * responder after read_msg1. TT_ERR_STATE otherwise. */
TT_MUST_CHECK tt_err tt_noise_ik_remote_static(const struct tt_noise_hs *hs,
                                               uint8_t out[TT_X25519_LEN]);
/* Split into transport keys (state DONE only); then wipes the handshake secrets. */
TT_MUST_CHECK tt_err tt_noise_split(struct tt_noise_hs *hs, struct tt_noise_keys *keys);
/* Wipe everything (abandoning a handshake). hs is UNUSED afterwards. */
void tt_noise_hs_wipe(struct tt_noise_hs *hs);

/* Plain Noise CipherState for transport messages with implicit counter nonces (the
 * record layer uses explicit sequence numbers instead; this is what Noise test vectors and
 * in-order transports use). Encrypt writes ptlen + 16 bytes; decrypt writes ctlen - 16 and
 * advances n only on success. The nonce 2^64 - 1 is reserved: TT_ERR_REC_EXPIRED. */
void tt_noise_cipher_init(struct tt_noise_cipher *cs, const uint8_t key[TT_NOISE_KEY_LEN]);
TT_MUST_CHECK tt_err tt_noise_cipher_encrypt(const struct tt_crypto *c, struct tt_noise_cipher *cs,
                                             const uint8_t *ad, size_t adlen, const uint8_t *pt,
                                             size_t ptlen, uint8_t *out);
TT_MUST_CHECK tt_err tt_noise_cipher_decrypt(const struct tt_crypto *c, struct tt_noise_cipher *cs,
                                             const uint8_t *ad, size_t adlen, const uint8_t *ct,
                                             size_t ctlen, uint8_t *out);

#endif
