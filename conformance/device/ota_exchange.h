/* ota_exchange.h — what the OTA case files (cases_ota_*.c) share: manifests the suite signs,
 * the steps of a transfer (OtaBegin, chunks, acks, OtaStatus) and the read-back that shows a
 * refused request changed nothing ([CNF-020]).
 *
 * A case runs its steps on one struct conf_ota_run whose result is sticky: the first step
 * that fails writes why and every later step does nothing, so a case reads as the list of
 * steps it makes, and conf_ota_close() (which must be checked) discards the transfer, closes
 * the sessions and returns that first failure. Cases start and end with no transfer
 * (OtaAbort). Included by conformance/device/cases_ota*.c and ota_exchange.c only. */
#ifndef TETHER_CONFORM_OTA_EXCHANGE_H
#define TETHER_CONFORM_OTA_EXCHANGE_H

#include "cases.h"
#include "tether/err.h"

#define CHUNK 64u
#define IMG_SIZE (20u * CHUNK + 37u) /* 21 chunks, the last one short */
#define NCHUNKS 21u

/* What a refused request must leave as it was: OtaStatus and Capabilities' measurement. */
struct conf_ota_snap {
    tether_v1_OtaStatusReply st;
    uint8_t measurement[32];
};

/* A manifest the suite signs; fields not set get valid values for this device. */
struct conf_ota_mopt {
    uint32_t format;    /* 0: 1 */
    int other_key;      /* signed by a key the device does not trust */
    int flip_signature; /* one bit of a valid signature flipped */
    int other_device;   /* scope: another device id */
    int group;          /* scope: a group id the device is not in */
    int other_layout;   /* the layout the device does not have */
    uint32_t chunk;     /* 0: CHUNK */
    int size_set;       /* size below is used (0 included) */
    uint32_t size;
    uint32_t counter;
    uint32_t version;     /* 0: 0x7F0001 */
    const uint8_t *image; /* 0: the run's img; the hash is over size bytes of it */
    int wrong_hash;       /* image_sha256 of other bytes */
};

/* One case's run: the sessions, the random images (never installed) and the sticky result. */
struct conf_ota_run {
    struct conf *c;
    char *why;
    size_t whylen;
    enum conf_result res;
    struct sess *a;              /* opened by conf_ota_open with every permission */
    struct sess *b;              /* the case's second session, if it opens one */
    const uint8_t *img, *img2;   /* IMG_SIZE random bytes each */
    tether_v1_SignedManifest sm; /* what conf_ota_begin_new signed */
    uint32_t resume, window;     /* from the last OtaBeginReply */
};

/* The device announces CAP_OTA and the suite has the firmware key (else why says which). */
int conf_ota_ready(struct conf *c, char *why, size_t whylen);
int conf_ota_is_ab(const struct conf *c);
const char *conf_ota_state_name(uint32_t state);

/* CONF_NA when not ready (nothing opened, nothing to close); otherwise opens a with every
 * permission and discards any transfer ([OTA-054]): IDLE, CONFIRMED or ROLLED_BACK. */
enum conf_result conf_ota_open(struct conf_ota_run *t, struct conf *c, char *why,
                               size_t whylen) TT_MUST_CHECK;
/* conf_ota_open, then a transfer begun on a (conf_ota_begin_new) of the manifest o
 * describes (NULL: a valid one of the run's img). */
enum conf_result conf_ota_open_transfer(struct conf_ota_run *t, struct conf *c,
                                        const struct conf_ota_mopt *o, char *why,
                                        size_t whylen) TT_MUST_CHECK;
/* OtaAbort on a, both sessions closed; the first failure of the run, or CONF_PASS. */
enum conf_result conf_ota_close(struct conf_ota_run *t) TT_MUST_CHECK;
/* Records a failure the case found itself (kept only if none came before). */
void conf_ota_fail(struct conf_ota_run *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Opens s with perms (0: all) under the suite's current client key. */
void conf_ota_session(struct conf_ota_run *t, struct sess *s, uint32_t perms);

void conf_ota_sign(struct conf_ota_run *t, const struct conf_ota_mopt *o,
                   tether_v1_SignedManifest *sm);
/* OtaBegin of a valid manifest: an OtaBeginReply whose window is within Limits.ota_window
 * ([OTA-011]); t->resume and t->window from it. */
void conf_ota_begin(struct conf_ota_run *t, struct sess *s, const tether_v1_SignedManifest *sm);
/* conf_ota_sign into t->sm, then conf_ota_begin. */
void conf_ota_begin_new(struct conf_ota_run *t, struct sess *s, const struct conf_ota_mopt *o);
/* OtaBegin of the manifest o describes refused with want and detail, nothing changed. */
void conf_ota_begin_refused(struct conf_ota_run *t, struct sess *s, const struct conf_ota_mopt *o,
                            tt_err want, uint32_t detail, const char *what);

/* One OtaChunk stream message ([OTA-012]: request_id 0), len bytes of buf at offset off. */
void conf_ota_chunk(struct conf_ota_run *t, struct sess *s, uint32_t off, const uint8_t *buf,
                    uint32_t len);
/* Chunks [from, to) of buf (size bytes) within t->window, the acks checked ([OTA-012],
 * [OTA-015]), the range's end then confirmed by OtaStatus ([OTA-016]). */
void conf_ota_send(struct conf_ota_run *t, struct sess *s, const uint8_t *buf, uint32_t size,
                   uint32_t from, uint32_t to);
/* The ack a step makes due: cumulative cum and bitmap exactly (earlier acks skipped). */
void conf_ota_expect_ack(struct conf_ota_run *t, struct sess *s, uint32_t cum, uint64_t bitmap,
                         const char *after);
/* The next Error event: want with detail ([OTA-013]: chunk errors are events). */
void conf_ota_expect_error_event(struct conf_ota_run *t, struct sess *s, tt_err want,
                                 uint32_t detail);

/* A request of the body tag answered want (TT_OK: an Ack). */
void conf_ota_call(struct conf_ota_run *t, struct sess *s, pb_size_t tag, tt_err want,
                   const char *what);
/* req answered with an Error want (and detail unless detail < 0). */
void conf_ota_expect_error(struct conf_ota_run *t, struct sess *s, tether_v1_Message *req,
                           tt_err want, long detail);
/* req refused with want (detail unless < 0), the device read back unchanged on s. */
void conf_ota_refused(struct conf_ota_run *t, struct sess *s, const tether_v1_Message *req,
                      tt_err want, long detail, const char *what);
/* The same for an empty request of the body tag. */
void conf_ota_refused_tag(struct conf_ota_run *t, struct sess *s, pb_size_t tag, tt_err want,
                          const char *what);

/* OtaStatus and Capabilities' measurement ([OTA-055], [OTA-070]) into o. */
void conf_ota_status(struct conf_ota_run *t, struct sess *s, struct conf_ota_snap *o);
/* before and after are the same ([CNF-020]: what a refusal leaves). */
void conf_ota_status_unchanged(struct conf_ota_run *t, const struct conf_ota_snap *before,
                               const struct conf_ota_snap *after, const char *what);
/* OtaStatus shows state (after names the step before). */
void conf_ota_expect_state(struct conf_ota_run *t, struct sess *s, uint32_t state,
                           const char *after);
/* OtaStatus shows received == n (when says at which point). */
void conf_ota_expect_received(struct conf_ota_run *t, struct sess *s, uint32_t n, const char *when);

#endif
