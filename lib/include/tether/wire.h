/* wire.h — every Tether v1 wire constant in one place (spec/ is normative; IDs cited).
 *
 * Sizes, packet types, framing bytes, limits. Nothing here allocates or does I/O; every
 * module that parses or builds bytes takes its numbers from this header only. */
#ifndef TETHER_WIRE_H
#define TETHER_WIRE_H

/* Protocol version this implementation speaks (control negotiation, [VER-001]). */
#define TT_PROTOCOL_VERSION 1u

/* Framing, byte-stream binding ([FRM-*]). */
#define TT_FRAME_SYNC0 0x54u
#define TT_FRAME_SYNC1 0xD1u
#define TT_FRAME_HEADER_LEN 5u  /* sync(2) len(2) hchk(1) */
#define TT_FRAME_TRAILER_LEN 4u /* crc32 */
#define TT_FRAME_OVERHEAD (TT_FRAME_HEADER_LEN + TT_FRAME_TRAILER_LEN)
#define TT_FRAME_MAX_PAYLOAD 1400u

/* Packets ([PKT-*]). The first byte says what follows. */
#define TT_PKT_INITIATION 0x01u
#define TT_PKT_RESPONSE 0x02u
#define TT_PKT_RECORD 0x03u
#define TT_PKT_PENDING 0x04u /* device → client: "initiation received, computing" ([PKT-010]) */
#define TT_PKT_MAX_LEN TT_FRAME_MAX_PAYLOAD

#define TT_SESSION_ID_LEN 4u
#define TT_KEY_LEN 32u
#define TT_TAG_LEN 16u

/* Noise IK message sizes without payload: msg1 = e(32) + s(32+16) + tag(16);
 * msg2 = e(32) + tag(16). */
#define TT_NOISE_MSG1_OVERHEAD 96u
#define TT_NOISE_MSG2_OVERHEAD 48u
#define TT_INITIATION_HEADER_LEN 5u /* type + sender_id */
#define TT_RESPONSE_HEADER_LEN 9u   /* type + sender_id + receiver_id */
#define TT_INITIATION_MIN_LEN (TT_INITIATION_HEADER_LEN + TT_NOISE_MSG1_OVERHEAD)
#define TT_RESPONSE_MIN_LEN (TT_RESPONSE_HEADER_LEN + TT_NOISE_MSG2_OVERHEAD)
/* Pending ([PKT-010]): type(1) sender_id(4) digest(16) expected_ms(4), exactly. */
#define TT_PENDING_HEADER_LEN 5u  /* type + the initiation's sender_id */
#define TT_PENDING_DIGEST_LEN 16u /* first bytes of SHA-256(initiation) */
#define TT_PENDING_LEN (TT_PENDING_HEADER_LEN + TT_PENDING_DIGEST_LEN + 4u) /* 25 */

/* Noise protocol name (exactly 32 bytes, so h starts as the name itself) and prologue. */
#define TT_NOISE_PROTOCOL_NAME "Noise_IK_25519_ChaChaPoly_SHA256"
#define TT_NOISE_PROLOGUE "tether/1"
#define TT_NOISE_PROLOGUE_LEN 8u

/* Transport records ([REC-*]): type(1) receiver_id(4) seq(8) ciphertext tag(16). */
#define TT_RECORD_HEADER_LEN 13u
#define TT_RECORD_OVERHEAD (TT_RECORD_HEADER_LEN + TT_TAG_LEN)
#define TT_RECORD_MAX_PLAINTEXT (TT_PKT_MAX_LEN - TT_RECORD_OVERHEAD) /* 1371 */
#define TT_REPLAY_WINDOW 64u

/* Rekey limits ([REC-*]); contexts carry them in a struct so tests can shrink them. */
#define TT_REKEY_AFTER_RECORDS (1ull << 48)
#define TT_REJECT_AFTER_RECORDS (1ull << 60)
#define TT_REKEY_AFTER_SECONDS 3600u
#define TT_REJECT_AFTER_SECONDS 3900u

/* Reliability envelope ([REL-*]): kind(1) msg_seq(4) ack(4) body. */
#define TT_REL_DATA 0x01u
#define TT_REL_ACK 0x02u
#define TT_REL_HEADER_LEN 9u
#define TT_MESSAGE_MAX_LEN (TT_RECORD_MAX_PLAINTEXT - TT_REL_HEADER_LEN) /* 1362 */
#define TT_REL_DEFAULT_WINDOW 8u

/* Grants ([GRT-*]). */
#define TT_GRANT_SIG_CONTEXT "tether-grant-v1" /* followed by one 0x00 byte */
#define TT_P256_SIG_LEN 64u    /* r || s */
#define TT_P256_PUB_LEN 65u    /* uncompressed SEC1 */
#define TT_DEVICE_ID_LEN 16u

/* Permission bits ([GRT-*]). */
#define TT_PERM_DEBUG_READ 0x01u
#define TT_PERM_DEBUG_CONTROL 0x02u
#define TT_PERM_MEMORY_WRITE 0x04u
#define TT_PERM_OTA 0x08u
#define TT_PERM_ATTEST 0x10u
#define TT_PERM_LOG 0x20u
#define TT_PERM_RESET 0x40u
#define TT_PERM_ALL 0x7Fu

/* Message payload limits ([MSG-*]). */
#define TT_MEM_MAX_DATA 1024u
#define TT_STACK_WINDOW_MAX 320u

/* Signature domain-separation prefixes (each followed by one 0x00 byte), all ECDSA P-256
 * over SHA-256 ([GRT-021], [OTA-021], [ATT-020]). */
#define TT_REVOCATION_SIG_CONTEXT "tether-revocation-v1"
#define TT_MANIFEST_SIG_CONTEXT "tether-manifest-v1"
#define TT_EVIDENCE_SIG_CONTEXT "tether-evidence-v1"
#define TT_ATT_NONCE_LEN 32u

/* Session management ([HS-*]) and reliability timers ([REL-017], [REL-014]). */
#define TT_MIN_SESSIONS 2u         /* a device holds at least this many sessions */
#define TT_REPLAY_TABLE_MIN 8u     /* persisted client-timestamp entries, at least */
#define TT_HS_RETRY_INITIAL_MS 1000u
#define TT_HS_RETRY_MAX_MS 8000u
#define TT_HS_GIVE_UP_MS 90000u
#define TT_HS_PENDING_MAX_MS 30000u /* a pending's expected_ms is clamped to this ([HS-072]) */
#define TT_SESSION_IDLE_MS 120000u /* idle this long: evictable */
#define TT_KEEPALIVE_MS 25000u
#define TT_SESSION_DEAD_MS 30000u
#define TT_RTO_INITIAL_MS 1000u
#define TT_RTO_MIN_MS 200u
#define TT_RTO_MAX_MS 60000u
#define TT_ACK_DELAY_MS 50u

#endif
