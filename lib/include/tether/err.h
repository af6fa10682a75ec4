/* err.h — the single error enum of Tether's portable core.
 *
 * Errors are grouped in ranges by layer so a code alone says where it came from; the same
 * numbers appear in the spec (spec/errors.md) and on the wire in control.Error. Every
 * function that can fail returns tt_err and is marked TT_MUST_CHECK: ignoring a security
 * decision is a compile error under -Werror. Depends on nothing. */
#ifndef TETHER_ERR_H
#define TETHER_ERR_H

#define TT_MUST_CHECK __attribute__((warn_unused_result))

typedef enum tt_err {
    TT_OK = 0,

    /* 1xx: generic */
    TT_ERR_ARG = 100,          /* caller passed an invalid argument (a bug, not input) */
    TT_ERR_STATE = 101,        /* call not allowed in the context's current state */
    TT_ERR_NO_SPACE = 102,     /* output buffer too small */
    TT_ERR_CRYPTO = 103,       /* crypto backend failure (rng, internal) */
    TT_ERR_SIGNATURE = 104,    /* ECDSA signature malformed or does not verify */
    TT_ERR_STORAGE = 105,      /* persisting state failed (replay table, floor, OTA flash) */
    TT_ERR_IO = 110,           /* a file or socket operation failed (host tools) */
    TT_ERR_FORMAT = 111,       /* a key, grant or record file is malformed (host tools) */
    TT_ERR_TIMEOUT = 112,      /* no answer in time (host tools) */
    TT_ERR_INTERRUPTED = 113,  /* stopped by a signal (SIGINT, SIGTERM, SIGHUP) (host tools) */

    /* 2xx: framing (byte-stream binding) */
    TT_ERR_FRAME_LENGTH = 200, /* LEN outside 1..TT_FRAME_MAX_PAYLOAD */
    TT_ERR_FRAME_HEADER = 201, /* header check byte mismatch */
    TT_ERR_FRAME_CRC = 202,    /* CRC-32 mismatch: corrupted frame */
    TT_ERR_FRAME_NONE = 203,   /* no complete frame available yet (not an error of input) */

    /* 3xx: packets and records */
    TT_ERR_PKT_TYPE = 300,     /* unknown packet type */
    TT_ERR_PKT_LENGTH = 301,   /* length not allowed for the packet type */
    TT_ERR_REC_SESSION = 302,  /* receiver id matches no session */
    TT_ERR_REC_AUTH = 303,     /* AEAD tag does not verify (forged, corrupted, wrong key) */
    TT_ERR_REC_REPLAY = 304,   /* seq already seen or older than the replay window */
    TT_ERR_REC_EXPIRED = 305,  /* session past its reject-after limits */
    TT_ERR_REC_TOO_LARGE = 306,/* plaintext larger than the record limit */
    TT_ERR_PKT_ID = 307,       /* session id 0 in a packet header: names no session */

    /* 4xx: handshake */
    TT_ERR_HS_DECRYPT = 400,   /* handshake payload or static key fails to decrypt */
    TT_ERR_HS_LOW_ORDER = 401, /* X25519 result is all zero (low-order point) */
    TT_ERR_HS_REPLAY = 402,    /* initiation timestamp not above the persisted one */
    TT_ERR_HS_VERSION = 403,   /* no common protocol version */
    TT_ERR_HS_PAYLOAD = 404,   /* hello payload malformed */
    TT_ERR_HS_REFUSED = 405,   /* responder refused (reason in the refusal) */
    TT_ERR_HS_UNKNOWN = 406,   /* response to no pending initiation */
    TT_ERR_HS_BUSY = 407,      /* every session slot in use and none evictable */

    /* 5xx: authorization (grants) */
    TT_ERR_GRANT_MALFORMED = 500,
    TT_ERR_GRANT_SIGNATURE = 501,
    TT_ERR_GRANT_KEY_MISMATCH = 502, /* grant is for another client static key */
    TT_ERR_GRANT_DEVICE = 503,       /* grant is for another device or group */
    TT_ERR_GRANT_NOT_YET_VALID = 504,
    TT_ERR_GRANT_EXPIRED = 505,
    TT_ERR_GRANT_REVOKED = 506,      /* serial below the device's revocation floor */
    TT_ERR_PERMISSION = 507,         /* request needs a permission the grant lacks */

    /* 6xx: reliability */
    TT_ERR_REL_ENVELOPE = 600, /* envelope malformed (kind, length) */
    TT_ERR_REL_WINDOW_FULL = 601, /* send window full: wait for acks */
    TT_ERR_REL_DUPLICATE = 602,   /* duplicate message suppressed (re-acked) */
    TT_ERR_REL_GAP = 603,         /* message after a gap dropped (peer will resend) */
    TT_ERR_REL_BAD_ACK = 604,     /* ack for a message never sent */
    TT_ERR_REL_NONE = 605,        /* nothing to deliver (ack-only) or resend (not an error) */

    /* 7xx: messages (nanopb codecs) */
    TT_ERR_MSG_DECODE = 700,
    TT_ERR_MSG_ENCODE = 701,
    TT_ERR_MSG_UNSUPPORTED = 702,

    /* 8xx: debug service (target control) */
    TT_ERR_DBG_ACCESS = 800,   /* address/register is not the app's Non-secure state [SEC] */
    TT_ERR_DBG_RUNNING = 801,  /* operation needs the app halted */
    TT_ERR_DBG_BP_FULL = 802,  /* breakpoint table full */
    TT_ERR_DBG_STEP = 803,     /* instruction cannot be stepped (exception/secure return) */
    TT_ERR_DBG_NO_CONTEXT = 804, /* app context not readable (corrupt stack frame) */
    TT_ERR_DBG_ATTACHED = 805,  /* another client key holds the debug attachment */

    /* 9xx: OTA service */
    TT_ERR_OTA_MANIFEST = 900, /* manifest malformed, wrong format/scope/layout/chunk size */
    TT_ERR_OTA_ROLLBACK = 901, /* security counter below the device's persisted one */
    TT_ERR_OTA_SIZE = 902,     /* image does not fit the slot */
    TT_ERR_OTA_CHUNK = 903,    /* chunk offset/length not allowed by the manifest */
    TT_ERR_OTA_HASH = 904      /* received image's SHA-256 differs from the manifest's */
} tt_err;

/* Stable short name of an error, for logs and CLI messages ("frame-crc"). Never NULL. */
const char *tt_err_name(tt_err e);
/* One-line description for people (err.h's comment for the code). Never NULL. */
const char *tt_err_text(tt_err e);

#endif
