/* supervisor.h — the supervisor's portable core: the link turned into sessions, and sessions
 * into services (spec/session.md, spec/services/).
 *
 * One caller-owned context holds everything: the framing decoder and transmit queue of the
 * link, a table of concurrent sessions found by receiver id, the persisted replay table and
 * revocation floor, and the state of the control, debug, log and attestation services. The
 * port's main calls tt_sup_init once and passes tt_sup_service to tt_loop_once, which calls
 * it every loop turn: link bytes in → packets → handshakes or records → requests → replies;
 * then stop events, log entries, retransmissions and acks out. Hardware only through port.h,
 * crypto through lib (mbedTLS backend, DRBG seeded from tt_port_entropy). No malloc, no #if.
 * Depends on lib/ (framing, session, messages, grant, p256, crypto), core/target, port.h. */
#ifndef TT_SUPERVISOR_H
#define TT_SUPERVISOR_H

#include <stdint.h>

#include "tether/crypto.h"
#include "tether/ota_engine.h"
#include "tether/framing.h"
#include "tether/messages.h"
#include "tether/session.h"

#include "../store/ota_store.h"
#include "../target/target.h"

/* The sizes a port chooses for its memory (TT_SUP_SESSIONS, TT_SUP_WINDOW,
 * TT_SUP_REL_WINDOW, TT_SUP_LOG_RING, TT_SUP_TX_QUEUE): found on the include path, so each
 * build picks its own header (config/default/ for the host and an505, the STM32U585 port's
 * config/ for the board) without an #if here. */
#include "tt_sup_config.h"

#define TT_SUP_REPLAY_ENTRIES 8u  /* persisted client timestamps ([HS-022]) */
#define TT_SUP_RESP_CACHE 256u    /* bytes of a cached handshake response ([HS-031]) */
#define TT_SUP_LOG_TEXT 120u      /* [LOG-003] */
#define TT_SUP_HS_BUCKET 10u      /* initiations per second ([HS-045]) */
#define TT_SUP_VERSION 0x000100u  /* supervisor 0.1.0 (major << 16 | minor << 8 | patch) */

/* What the port's main knows about the images it runs (measurements, versions, how the
 * hardware is locked), reported in DeviceHello, Capabilities and Evidence. */
struct tt_sup_identity {
    uint32_t supervisor_version;
    uint8_t supervisor_measurement[TT_SHA256_LEN];
    uint32_t app_version;
    uint8_t app_measurement[TT_SHA256_LEN]; /* zero: no valid app ([HS-015]) */
    uint32_t lifecycle;                     /* tether_v1_Lifecycle */
    uint32_t debug_state;                   /* tether_v1_DebugState */
};

/* One persisted replay-table entry ([HS-020]). */
struct tt_sup_replay_entry {
    uint8_t key[TT_X25519_LEN];
    uint64_t timestamp;
    uint32_t updated; /* generation of its last update: the least recent is evicted */
};

struct tt_sup_replay {
    uint64_t floor; /* [HS-022] */
    uint32_t generation;
    uint8_t count;
    struct tt_sup_replay_entry e[TT_SUP_REPLAY_ENTRIES];
};

/* One session slot and the service state that belongs to the session. */
struct tt_sup_slot {
    struct tt_session s;                 /* UNUSED or CLOSED: the slot is free */
    struct tt_rel_slot rel[TT_SUP_WINDOW];
    uint8_t confirmed;                   /* a record authenticated ([HS-016]) */
    uint8_t answering;                   /* a handler answers its request: a reply is owed */
    uint32_t permissions;                /* effective grant permissions ([GRT-042]) */
    uint64_t serial;                     /* grant serial, for a raised floor ([GRT-022]) */
    uint64_t active_ms;                  /* last authenticated packet or response sent */
    uint8_t init_hash[TT_SHA256_LEN];    /* [HS-031] while unconfirmed */
    uint8_t resp[TT_SUP_RESP_CACHE];
    uint16_t resp_len;
    uint8_t log_subscribed;              /* [LOG-010] */
    uint32_t log_cursor;                 /* next log seq this session should get */
};

struct tt_sup_log_entry {
    uint32_t seq;
    uint64_t time_ms;
    uint8_t len;
    char text[TT_SUP_LOG_TEXT];
};

struct tt_sup_debug {
    int attached;               /* slot index holding the attachment, -1: none ([DBG-001]) */
    uint8_t attached_key[TT_X25519_LEN];
    uint8_t have_stop;          /* the app is halted and last_stop describes it */
    uint8_t stop_unsent;        /* last_stop still owed to the attached session */
    uint32_t stop_count;        /* [DBG-050] */
    tether_v1_StopEvent last_stop;
};

/* The OTA service (core/service/ota.c). */
struct tt_sup_ota {
    uint8_t enabled;   /* a firmware key is provisioned: CAP_OTA */
    uint8_t reload;    /* the engine changed which image runs: svc_ota_apply loads it */
    uint8_t app_ready; /* a verified image is loaded */
    uint8_t ack_owed;  /* an OtaChunkAck waits for room in the transfer session's window */
    uint8_t broken;    /* the OTA record did not read: no app, OTA requests TT_ERR_STORAGE */
    uint8_t unverified; /* the boot found the record's image not in its slot: none runs */
    struct tt_ota_flash flash;
    struct tt_ota_engine e;
};

/* An event waiting in the outbox (outbox.c) for the reply it must follow. Bytes only, so it
 * costs exactly its 10 bytes (the STM32U585 has no RAM for padding). */
struct tt_sup_event {
    uint8_t tag;        /* its body: tether_v1_Message_*_tag (all below 256); 0: free */
    uint8_t slot;       /* the session */
    uint8_t a[4], b[4]; /* the body's two fields, big-endian (see sup_event_post) */
};

/* Events queued at once: one request or one poll leaves at most one (an OtaChunkAck); one
 * that finds the queue full stays owed by its service, like one that finds the window full. */
#define TT_SUP_OUTBOX 1u

struct tt_sup {
    const struct tt_sup_identity *id; /* &ident: the port's, app fields kept by OTA */
    struct tt_sup_identity ident;
    struct tt_port_keys keys;
    struct tt_sup_event outbox[TT_SUP_OUTBOX]; /* events waiting for their reply (outbox.c) */
    struct tt_crypto crypto;    /* the port's backend (tt_port_crypto), seeded */
    struct tt_target *target;   /* the one passed to the current service turn */
    uint64_t now;               /* ms, sampled at the start of the turn */
    uint64_t revocation_floor;  /* [GRT-020] */
    uint64_t time_floor;        /* [GRT-015]: largest not_before accepted, Unix seconds */
    struct tt_sup_replay replay;
    /* Link. */
    struct tt_frame_decoder dec;
    uint64_t link_rx_ms;        /* when link bytes were last read (idle candidates, FRM-013) */
    uint8_t txq[TT_SUP_TX_QUEUE];
    size_t txq_len;
    uint32_t tx_dropped;        /* packets that did not fit the queue (resent later) */
    uint32_t send_failures;     /* replies or events that could not be sent */
    /* Handshake rate limit ([HS-045]). */
    uint32_t hs_tokens;
    uint64_t hs_refill_ms;
    uint32_t hs_work_ms;        /* the last judged initiation's time from step 4 on (HS-070) */
    uint32_t hs_pending_sent;   /* pending packets sent ([PKT-010]), for diagnostics and tests */
    /* Sessions. */
    struct tt_sup_slot slot[TT_SUP_SESSIONS];
    /* Services. */
    struct tt_sup_debug dbg;
    struct tt_sup_ota *ota;     /* NULL: the port has no OTA service (tt_sup_init) */
    uint32_t boot_count;        /* persisted (TT_REC_BOOT); here, it packs with ota */
    struct tt_sup_log_entry log[TT_SUP_LOG_RING];
    uint32_t log_count;         /* entries held (the newest log_count of them) */
    uint32_t log_next;          /* seq the next entry will get when the port gives none */
    /* Work buffers (kept off the service thread's stack). */
    uint8_t inpkt[TT_PKT_MAX_LEN]; /* the packet being handled */
    uint8_t pkt[TT_PKT_MAX_LEN];   /* the packet being sent (framed into txq directly) */
    /* Buffers that never live together share memory. An initiation is judged in scratch
     * (and refused with scratch_rel) only inside sup_on_initiation, which decodes no request
     * and builds no reply in req/rep; a record's work, req, rep and enc live only inside
     * on_record and the services' per-turn polls, never during a handshake. Within a
     * handshake, enc is written only by the Close of an evicted session (accept), after the
     * last refusal that could use scratch_rel. The judged session never shares a slot: an
     * established session is not touched until the new one is certain. */
    union {
        struct {
            tether_v1_Message req;
            tether_v1_Message rep;
        };
        struct tt_session scratch; /* an initiation being judged */
    };
    /* Plaintext: a received record is opened into work and decoded into req before any
     * reply is encoded into enc, so the two never live together (sup_on_message). */
    union {
        uint8_t work[TT_RECORD_MAX_PLAINTEXT];
        uint8_t enc[TT_MESSAGE_MAX_LEN];
        struct tt_rel_slot scratch_rel[1]; /* the window of a refusal (refuse) */
    } plain;
    tether_v1_ClientHello hello;
};

/* Reads keys and persisted state (core/store), increments the boot counter, rolls the NV
 * seed forward and persists it, then seeds the DRBG from it and tt_port_entropy. TT_ERR_STATE when the device is not provisioned, TT_ERR_CRYPTO without entropy,
 * TT_ERR_STORAGE when a persisted record is unreadable. id must outlive s. */
TT_MUST_CHECK tt_err tt_sup_init(struct tt_sup *s, const struct tt_sup_identity *id);
/* tt_sup_init with the OTA service's state (kept outside struct tt_sup so a port without
 * OTA slots spends no RAM on it); the service runs when a firmware key is provisioned. */
TT_MUST_CHECK tt_err tt_sup_init_ota(struct tt_sup *s, const struct tt_sup_identity *id,
                                     struct tt_sup_ota *ota);

/* Whether the port's main should start the app: with the OTA service, whether it loaded a
 * verified image at boot (the port's own load is then replaced); without it, port_app_ok. */
int tt_sup_app_ready(const struct tt_sup *s, int port_app_ok);

/* One service turn (the shape of tt_service_fn; ctx is the struct tt_sup). */
void tt_sup_service(void *ctx, struct tt_target *t);

/* Number of established sessions (diagnostics and tests). */
unsigned tt_sup_sessions(const struct tt_sup *s);

#endif
