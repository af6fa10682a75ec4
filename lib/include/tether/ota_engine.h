/* ota_engine.h — the device's OTA state machine (spec/services/ota.md) as an engine without
 * I/O or malloc: one function per transition of the spec's state table, over a narrow
 * storage contract the port gives it.
 *
 * Persistence model ([OTA-030], [OTA-060]): everything the service must remember is one
 * record (struct tt_ota_record: state, security counter, which slot runs, what each slot
 * holds, the manifest of the transfer) that the store replaces atomically, plus one mark per
 * stored chunk. Every transition computes the new record on the stack, saves it, and only
 * then adopts it and reports it; a failed save changes nothing (TT_ERR_STORAGE). The port
 * boots whatever the saved record says, so a power cut at any storage operation leaves the
 * old or the new state, never a mix. The security counter is only ever saved as
 * max(old, confirmed image's counter) ([OTA-040]).
 *
 * Chunks ([OTA-013]..[OTA-016]): written, read back, then marked; a chunk is reported stored
 * (ack, resume_offset, status) only once its mark is persisted. Acks follow [OTA-015]: the
 * caller passes the time in ms and asks tt_ota_poll for the 500 ms rule.
 *
 * What the engine does not do: decode or send messages, choose sessions, measure time. The
 * caller (the supervisor's OTA service) maps results to replies and events. Depends on
 * ota_manifest.h; SHA-256 from mbedTLS. */
#ifndef TETHER_OTA_ENGINE_H
#define TETHER_OTA_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/ota_manifest.h"

/* Chunks one transfer can track (the mark bitmap is in the engine). 4096 chunks are 256 KiB
 * at 64-byte chunks and 4 MiB at 1024; a manifest needing more is refused at check 6
 * (TT_ERR_OTA_SIZE, [OTA-090]). */
#define TT_OTA_MAX_CHUNKS 4096u
#define TT_OTA_ACK_INTERVAL_MS 500u /* [OTA-015] */
#define TT_OTA_ACK_STEP_MAX 16u      /* [OTA-122]: an ack at least every 16 chunks */

/* What one slot holds as an installed image (pending or permanent). */
struct tt_ota_image {
    uint32_t valid; /* 1: a complete, verified image is installed there */
    uint32_t version;
    uint32_t security_counter;
    uint32_t size;
    uint8_t sha256[TT_OTA_SHA256_LEN];
};

/* The persisted record, replaced atomically by the store. */
struct tt_ota_record {
    uint32_t state;            /* tether_v1_OtaState */
    uint32_t security_counter; /* never decreases ([OTA-040]) */
    uint32_t active;           /* slot the app runs from (AB: 0 or 1; SINGLE: 0) */
    uint32_t slot_erased;      /* the transfer slot was erased for this transfer ([OTA-061]) */
    struct tt_ota_image slot[2];
    uint32_t body_len;         /* manifest body of the transfer or pending image; 0: none */
    uint8_t body[TT_OTA_BODY_MAX];
    uint8_t signature[TT_P256_SIG_LEN];
};

/* The storage contract. Every function returns TT_OK or TT_ERR_STORAGE. */
struct tt_ota_storage {
    void *ctx;
    /* Replace the persisted record atomically. With clear_marks, every chunk mark is
     * discarded in the same atomic step (a transfer starts or is discarded). */
    tt_err (*save)(void *ctx, const struct tt_ota_record *r, bool clear_marks);
    /* Persist that chunk `index` of the current transfer is stored (atomic per mark). */
    tt_err (*mark)(void *ctx, uint32_t index);
    /* Erase the first `len` bytes of slot (rounded up to whole pages by the port). */
    tt_err (*erase)(void *ctx, uint32_t slot, uint32_t len);
    /* Program erased bytes of slot; refusing to program bytes that are not erased is fine. */
    tt_err (*write)(void *ctx, uint32_t slot, uint32_t offset, const uint8_t *p, uint32_t len);
    tt_err (*read)(void *ctx, uint32_t slot, uint32_t offset, uint8_t *p, uint32_t len);
    /* Not persistent: run the app from slot (after install/rollback/revert), or stop it
     * (SINGLE: a new transfer, [OTA-082]). May be NULL in tests that do not care. */
    void (*run_app)(void *ctx, uint32_t slot);
    void (*stop_app)(void *ctx);
};

struct tt_ota_config {
    struct tt_ota_policy policy; /* security_counter is taken from the record, not here */
    uint32_t window_chunks;      /* granted window, 1..Limits.ota_window */
    uint32_t max_chunks;         /* chunks the store can mark (check 6, [OTA-090]);
                                    0 or above TT_OTA_MAX_CHUNKS: TT_OTA_MAX_CHUNKS */
};

/* An OtaChunkAck to send as an event, when `due`. */
struct tt_ota_ack {
    bool due;
    uint32_t cumulative_offset;
    uint64_t selective_bitmap;
};

struct tt_ota_engine {
    struct tt_ota_storage st;
    struct tt_ota_config cfg;
    struct tt_ota_record rec;       /* what is persisted */
    tether_v1_Manifest m;           /* rec.body decoded (valid when rec.body_len != 0) */
    uint8_t marks[TT_OTA_MAX_CHUNKS / 8];
    uint32_t nchunks;
    uint32_t cum_chunks;            /* first chunk not stored */
    uint32_t session;               /* transfer session id, 0: none ([OTA-031]) */
    uint32_t acked_chunks;          /* cum_chunks of the last ack sent */
    uint32_t window;                /* granted to the transfer session: the ack step */
    bool unreported;                /* stored chunks not yet reported by an ack */
    uint32_t unreported_since_ms;
};

/* After a reset: adopt the persisted record and marks (bitmap of record's transfer, LSB of
 * byte 0 = chunk 0; NULL = none) as the store read them. TT_ERR_STORAGE if the record is
 * inconsistent (unknown state, a body that does not decode): the caller then starts from a
 * fresh record. No transfer session is named until an OtaBegin ([OTA-031]). */
TT_MUST_CHECK tt_err tt_ota_init(struct tt_ota_engine *e, const struct tt_ota_storage *st,
                                 const struct tt_ota_config *cfg,
                                 const struct tt_ota_record *persisted, const uint8_t *marks,
                                 size_t marks_len);

/* A fresh record for a device whose active slot holds `factory` (or nothing). */
void tt_ota_record_factory(struct tt_ota_record *r, const struct tt_ota_image *factory);

/* The boot transition, once per device reset before the app runs: finishes an interrupted
 * erase, reverts an unconfirmed test image (AB, [OTA-051]), and checks the active image's
 * SHA-256 and counter ([OTA-050], [OTA-041]). *run_slot is the slot to run, or -1: none
 * (SINGLE with no complete image, [OTA-060]). */
TT_MUST_CHECK tt_err tt_ota_boot(struct tt_ota_engine *e, int32_t *run_slot);

/* OtaBegin from session (nonzero): [OTA-010] checks 1..8, then resume or new transfer
 * ([OTA-011]). On TT_OK *reply is the OtaBeginReply and *ack the OtaChunkAck to send after
 * it (due if anything is stored). On failure *check is the failed check number. One case
 * of check 8 leaves a change behind: a new transfer's record is saved first (so no stored
 * chunk of the old one is ever erased while still recorded), then its slot is erased; if
 * the erase fails, the state is RECEIVING for the new manifest with nothing stored, and the
 * next OtaBegin naming it retries the erase. */
TT_MUST_CHECK tt_err tt_ota_begin(struct tt_ota_engine *e, uint32_t session,
                                  const tether_v1_SignedManifest *sm, uint32_t now_ms,
                                  tether_v1_OtaBeginReply *reply, struct tt_ota_ack *ack,
                                  uint32_t *check);

/* After a successful tt_ota_begin: the client asked for at most `asked` chunks in flight
 * (OtaBegin.window_chunks, 0: no preference); the grant becomes min(asked, the configured
 * window) and reply->window_chunks says so ([OTA-120]). The ack step of [OTA-015] follows
 * the grant, so a client that wants window 1 gets an ack per chunk, not one per 500 ms. */
void tt_ota_grant_window(struct tt_ota_engine *e, uint32_t asked,
                         tether_v1_OtaBeginReply *reply);

/* OtaChunk ([OTA-013], [OTA-014]): TT_ERR_STATE, TT_ERR_OTA_CHUNK, TT_ERR_STORAGE are error
 * events with detail = offset. *ack says whether an OtaChunkAck is due (also on errors: no).
 * A chunk whose place is torn restarts the transfer and ends the transfer session
 * ([OTA-131]): TT_ERR_STATE, the client begins again at 0. */
TT_MUST_CHECK tt_err tt_ota_chunk(struct tt_ota_engine *e, uint32_t session, uint32_t offset,
                                  const uint8_t *data, uint32_t len, uint32_t now_ms,
                                  struct tt_ota_ack *ack);

/* The 500 ms rule of [OTA-015]: call every turn; *ack is due when progress has been
 * unreported for TT_OTA_ACK_INTERVAL_MS. */
void tt_ota_poll(struct tt_ota_engine *e, uint32_t now_ms, struct tt_ota_ack *ack);

/* The ack describing what is stored now ([OTA-015]). */
void tt_ota_ack_now(const struct tt_ota_engine *e, struct tt_ota_ack *ack);

TT_MUST_CHECK tt_err tt_ota_verify(struct tt_ota_engine *e);   /* [OTA-024] */
TT_MUST_CHECK tt_err tt_ota_install(struct tt_ota_engine *e);  /* [OTA-050] */
TT_MUST_CHECK tt_err tt_ota_confirm(struct tt_ota_engine *e);  /* [OTA-052], client or NSC */
TT_MUST_CHECK tt_err tt_ota_rollback(struct tt_ota_engine *e); /* [OTA-053] */
TT_MUST_CHECK tt_err tt_ota_abort(struct tt_ota_engine *e);    /* [OTA-054] */

/* The app restarted for a reason other than a client's ResetApp (fault, watchdog, its own
 * reboot request): an unconfirmed AB test image is reverted ([OTA-051]). */
TT_MUST_CHECK tt_err tt_ota_app_restarted(struct tt_ota_engine *e);

/* How the app stopped or restarted, as the port and target control saw it ([OTA-100]). */
enum tt_ota_app_event {
    TT_OTA_APP_FAULT = 0,          /* a fault escalated to the supervisor (HardFault,
                                      SecureFault, BusFault...) or a lockup */
    TT_OTA_APP_WATCHDOG = 1,       /* a watchdog that restarts the app alone expired */
    TT_OTA_APP_REBOOT_REQUEST = 2, /* the app's NSC reboot request */
    TT_OTA_APP_DEBUG_STOP = 3,     /* a debugger's stop: halt, breakpoint, step, watchpoint */
    TT_OTA_APP_CLIENT_RESET = 4,   /* a client's ResetApp */
    TT_OTA_APP_EVENT_COUNT
};

/* Whether ev reverts an unconfirmed AB test image ([OTA-051], [OTA-100]). */
bool tt_ota_app_event_reverts(enum tt_ota_app_event ev);

/* The app stopped or restarted (ev): an unconfirmed AB test image is reverted when
 * tt_ota_app_event_reverts(ev); *reverted says whether it was. TT_ERR_ARG for an unknown
 * ev; TT_ERR_STORAGE (nothing changed) when the revert could not be saved. */
TT_MUST_CHECK tt_err tt_ota_app_event(struct tt_ota_engine *e, enum tt_ota_app_event ev,
                                      bool *reverted);

/* A session ended: it is no longer the transfer session. */
void tt_ota_session_ended(struct tt_ota_engine *e, uint32_t session);

/* [OTA-055] */
void tt_ota_status(const struct tt_ota_engine *e, tether_v1_OtaStatusReply *out);

/* The running image ([OTA-070]): NULL when no verified image runs. */
const struct tt_ota_image *tt_ota_running(const struct tt_ota_engine *e);

#endif
