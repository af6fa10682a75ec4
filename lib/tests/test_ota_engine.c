/* test_ota_engine.c — Check tests of the device's OTA engine (lib/ota/engine.c) against the
 * in-memory flash store (ota_store_double.c), in both layouts.
 *
 * Every row of the spec's state table; [OTA-010] checks 7 and 8; [OTA-011] resume vs new
 * transfer; [OTA-013] chunk errors; [OTA-131] a torn chunk restarts the transfer; [OTA-014] idempotent chunks, never rewritten;
 * [OTA-015] when acks are due and what they say; [OTA-016] nothing reported before it is
 * persisted; [OTA-024] verify; [OTA-030]/[OTA-031] resume after a reset, chunks only after
 * a new OtaBegin; [OTA-040]/[OTA-041] counter raised only at confirmation, never lowered;
 * [OTA-050]..[OTA-055]; [OTA-060]/[OTA-061] power cut before every storage operation of a
 * whole update (MCUboot-simulator method): after each cut the device boots, runs a complete
 * image or (SINGLE, mid-transfer) none, the counter never went down, no stored chunk was
 * erased, and the update resumes from what was persisted and completes. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ota_fixture.h"
#include "ota_store_double.h"
#include "tether/crypto_backends.h"
#include "tether/ota_sender.h"

#define CHUNK 64u
#define WINDOW 8u
static uint8_t fw_priv[32], fw_pub[65];
static const uint8_t dev_id[16] = {0xD0, 1, 2, 3};

struct image {
    uint8_t bytes[4096];
    uint32_t size, version, counter;
    uint8_t sha[32];
    tether_v1_SignedManifest sm[2]; /* per layout: [SINGLE], [AB] */
};
static struct image A, B, C;

static void make_image(struct image *im, uint32_t size, uint32_t version, uint32_t counter,
                       uint8_t seed)
{
    im->size = size;
    im->version = version;
    im->counter = counter;
    for (uint32_t i = 0; i < size; i++)
        im->bytes[i] = (uint8_t)(i * 7 + seed + (i >> 8));
    crypto_hash_sha256(im->sha, im->bytes, size);
    for (int l = 0; l < 2; l++)
        ota_fx_sign(dev_id, version, counter, size, im->sha, (tether_v1_SlotLayout)l, CHUNK,
                    fw_priv, &im->sm[l]);
}

static void setup(void)
{
    ck_assert(sodium_init() >= 0);
    ck_assert_int_eq(tt_p256_keygen(fw_priv, fw_pub, tt_entropy_host, NULL), TT_OK);
    make_image(&A, 1500, 0x010000, 1, 0x11);
    make_image(&B, 41 * CHUNK + 17, 0x010100, 5, 0x22); /* last chunk partial */
    make_image(&C, 2000, 0x010200, 6, 0x33);
}

/* One device: its flash and its engine. Static: the store is large. */
static struct dev {
    struct dbl_store st;
    struct tt_ota_engine e;
    int layout;
    uint32_t now;
} D;

static struct tt_ota_config config(int layout)
{
    struct tt_ota_config c;
    memset(&c, 0, sizeof c);
    c.policy.firmware_pub = fw_pub;
    memcpy(c.policy.device_id, dev_id, 16);
    c.policy.layout = (tether_v1_SlotLayout)layout;
    c.policy.slot_size = DBL_SLOT_SIZE;
    c.window_chunks = WINDOW;
    return c;
}

/* The device boots after a reset or power cut; returns the slot it runs (-1 none). */
static int reboot(struct dev *d)
{
    struct tt_ota_storage s = dbl_storage(&d->st);
    struct tt_ota_config c = config(d->layout);
    int32_t run;
    dbl_power_on(&d->st);
    ck_assert_int_eq(tt_ota_init(&d->e, &s, &c, &d->st.rec, d->st.marks, sizeof d->st.marks),
                     TT_OK);
    ck_assert_int_eq(tt_ota_boot(&d->e, &run), TT_OK);
    d->st.running = run;
    return run;
}

/* A device fresh from the factory with image A in slot 0. */
static void factory(struct dev *d, int layout)
{
    struct tt_ota_image a = {.valid = 1, .version = A.version, .security_counter = A.counter,
                             .size = A.size};
    memcpy(a.sha256, A.sha, 32);
    dbl_init(&d->st);
    memcpy(d->st.slot[0], A.bytes, A.size);
    tt_ota_record_factory(&d->st.rec, &a);
    d->layout = layout;
    d->now = 1000;
    ck_assert_int_eq(reboot(d), 0);
}

static tether_v1_OtaState state(void)
{
    tether_v1_OtaStatusReply r;
    tt_ota_status(&D.e, &r);
    return r.state;
}

/* The client side of a push (ota_fixture.h). Returns the first engine error (a cut,
 * usually); *sent counts chunk messages. */
static tt_err push(const struct image *im, uint32_t session, unsigned *sent)
{
    return ota_fx_push(&D.e, session, &im->sm[D.layout], im->bytes, CHUNK, &D.now, sent);
}

START_TEST(full_update)
{
    unsigned sent;
    tether_v1_OtaStatusReply r;
    factory(&D, _i);
    ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
    ck_assert_uint_eq(sent, 42);
    tt_ota_status(&D.e, &r);
    ck_assert_int_eq(r.state, tether_v1_OtaState_OTA_RECEIVING);
    ck_assert_uint_eq(r.received, B.size);
    ck_assert_uint_eq(r.image_size, B.size);
    ck_assert_mem_eq(r.image_sha256, B.sha, 32);
    ck_assert_uint_eq(r.running_version, _i ? A.version : 0); /* SINGLE: app stopped */
    ck_assert_uint_eq(r.pending_version, B.version);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK); /* idempotent */
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_VERIFIED);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(D.st.running, _i ? 1 : 0);
    tt_ota_status(&D.e, &r);
    ck_assert_int_eq(r.state, tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM);
    ck_assert_uint_eq(r.running_version, B.version);
    ck_assert_uint_eq(r.security_counter, A.counter); /* not raised before confirmation */
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
    tt_ota_status(&D.e, &r);
    ck_assert_int_eq(r.state, tether_v1_OtaState_OTA_CONFIRMED);
    ck_assert_uint_eq(r.security_counter, B.counter);
    ck_assert_uint_eq(r.pending_version, 0);
    /* [OTA-070] the running image is B, in whichever slot */
    ck_assert_uint_eq(reboot(&D), _i ? 1 : 0);
    ck_assert_mem_eq(tt_ota_running(&D.e)->sha256, B.sha, 32);
    ck_assert_mem_eq(D.st.slot[D.st.running], B.bytes, B.size);
    /* [OTA-041] an older counter is refused at begin now, check 5 */
    tether_v1_OtaBeginReply rep;
    struct tt_ota_ack ack;
    uint32_t check;
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &A.sm[_i], D.now, &rep, &ack, &check),
                     TT_ERR_OTA_ROLLBACK);
    ck_assert_uint_eq(check, 5);
    ck_assert_uint_eq(D.st.violations, 0);
    ck_assert_uint_eq(D.st.saves_lowering_counter, 0);
}
END_TEST

START_TEST(grant_window) /* [OTA-120] the client's window; [OTA-122] the ack step's cap */
{
    struct tt_ota_ack ack;
    tether_v1_OtaBeginReply rep;
    uint32_t check;
    factory(&D, _i);
    ck_assert_int_eq(tt_ota_begin(&D.e, 7, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    tt_ota_grant_window(&D.e, 0, &rep); /* no preference: the configured window */
    ck_assert_uint_eq(rep.window_chunks, WINDOW);
    tt_ota_grant_window(&D.e, WINDOW + 100, &rep); /* never more than configured */
    ck_assert_uint_eq(rep.window_chunks, WINDOW);
    tt_ota_grant_window(&D.e, 1, &rep); /* stop-and-wait: an ack for every chunk */
    ck_assert_uint_eq(rep.window_chunks, 1);
    for (uint32_t i = 0; i < 3; i++) {
        ck_assert_int_eq(tt_ota_chunk(&D.e, 7, i * CHUNK, B.bytes + i * CHUNK, CHUNK, 10, &ack),
                         TT_OK);
        ck_assert(ack.due);
        ck_assert_uint_eq(ack.cumulative_offset, (i + 1) * CHUNK);
    }
    /* A wide window: acks every TT_OTA_ACK_STEP_MAX chunks, not every window/2. */
    D.e.cfg.window_chunks = 4 * TT_OTA_ACK_STEP_MAX;
    tt_ota_grant_window(&D.e, 0, &rep);
    ck_assert_uint_eq(rep.window_chunks, 4 * TT_OTA_ACK_STEP_MAX);
    for (uint32_t i = 3; i < 3 + TT_OTA_ACK_STEP_MAX; i++) {
        ck_assert_int_eq(tt_ota_chunk(&D.e, 7, i * CHUNK, B.bytes + i * CHUNK, CHUNK, 20, &ack),
                         TT_OK);
        ck_assert_int_eq(ack.due, i == 2 + TT_OTA_ACK_STEP_MAX);
    }
}
END_TEST

START_TEST(ack_rules)
{
    struct tt_ota_ack ack;
    tether_v1_OtaBeginReply rep;
    uint32_t check;
    factory(&D, _i);
    ck_assert_int_eq(tt_ota_begin(&D.e, 7, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    ck_assert_uint_eq(rep.resume_offset, 0);
    ck_assert_uint_eq(rep.window_chunks, WINDOW);
    ck_assert(!ack.due); /* nothing stored: no ack after the reply */
    /* cumulative advance of window/2 = 4 chunks makes an ack due, not fewer */
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_int_eq(tt_ota_chunk(&D.e, 7, i * CHUNK, B.bytes + i * CHUNK, CHUNK, 10, &ack),
                         TT_OK);
        ck_assert_int_eq(ack.due, i == 3);
    }
    ck_assert_uint_eq(ack.cumulative_offset, 4 * CHUNK);
    ck_assert_uint_eq(ack.selective_bitmap, 0);
    /* out of order: chunks 6 and 8 stored, 4 missing: bit i is chunk 4 + 1 + i: bits 1, 3 */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 7, 6 * CHUNK, B.bytes + 6 * CHUNK, CHUNK, 20, &ack),
                     TT_OK);
    ck_assert(!ack.due);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 7, 8 * CHUNK, B.bytes + 8 * CHUNK, CHUNK, 30, &ack),
                     TT_OK);
    ck_assert(!ack.due);
    /* 500 ms after the first unreported progress, not before */
    tt_ota_poll(&D.e, 519, &ack);
    ck_assert(!ack.due);
    tt_ota_poll(&D.e, 520, &ack);
    ck_assert(ack.due);
    ck_assert_uint_eq(ack.cumulative_offset, 4 * CHUNK);
    ck_assert_uint_eq(ack.selective_bitmap, 0xA);
    tt_ota_poll(&D.e, 5000, &ack);
    ck_assert(!ack.due); /* nothing new to report */
    /* [OTA-014] a duplicate is ignored, not rewritten, and acked */
    unsigned ops = D.st.ops;
    ck_assert_int_eq(tt_ota_chunk(&D.e, 7, 6 * CHUNK, B.bytes + 6 * CHUNK, CHUNK, 40, &ack),
                     TT_OK);
    ck_assert(ack.due);
    ck_assert_uint_eq(D.st.ops, ops);
    ck_assert_uint_eq(ack.selective_bitmap, 0xA);
    /* filling the gap advances the cumulative offset past the stored ones */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 7, 4 * CHUNK, B.bytes + 4 * CHUNK, CHUNK, 50, &ack),
                     TT_OK);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 7, 5 * CHUNK, B.bytes + 5 * CHUNK, CHUNK, 50, &ack),
                     TT_OK);
    ck_assert(!ack.due); /* 7 - 4 = 3 < 4 */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 7, 7 * CHUNK, B.bytes + 7 * CHUNK, CHUNK, 50, &ack),
                     TT_OK);
    ck_assert(ack.due);
    ck_assert_uint_eq(ack.cumulative_offset, 9 * CHUNK);
    /* the image becoming complete is always acked */
    for (uint32_t i = 9; i < 42; i++)
        ck_assert_int_eq(tt_ota_chunk(&D.e, 7, i * CHUNK, B.bytes + i * CHUNK,
                                      tt_ota_chunk_len(B.size, CHUNK, i), 60, &ack),
                         TT_OK);
    ck_assert(ack.due);
    ck_assert_uint_eq(ack.cumulative_offset, B.size);
    ck_assert_uint_eq(ack.selective_bitmap, 0);
}
END_TEST

START_TEST(chunk_errors)
{
    struct tt_ota_ack ack;
    tether_v1_OtaBeginReply rep;
    uint32_t check;
    tether_v1_OtaStatusReply before, after;
    factory(&D, _i);
    /* before any begin: state */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 0, B.bytes, CHUNK, 0, &ack), TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    tt_ota_status(&D.e, &before);
    unsigned ops = D.st.ops;
    ck_assert_int_eq(tt_ota_chunk(&D.e, 2, 0, B.bytes, CHUNK, 0, &ack), TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 0, 0, B.bytes, CHUNK, 0, &ack), TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 32, B.bytes, CHUNK, 0, &ack), TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 42 * CHUNK, B.bytes, 17, 0, &ack), TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 0xFFFFFFC0u, B.bytes, CHUNK, 0, &ack),
                     TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 0, B.bytes, CHUNK - 1, 0, &ack), TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 41 * CHUNK, B.bytes, CHUNK, 0, &ack),
                     TT_ERR_OTA_CHUNK); /* the last chunk is 17 bytes */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 0, B.bytes, 0, 0, &ack), TT_ERR_OTA_CHUNK);
    ck_assert_uint_eq(D.st.ops, ops); /* no state change, nothing written */
    tt_ota_status(&D.e, &after);
    ck_assert_mem_eq(&before, &after, sizeof before);
    /* a failed write is not stored; the resend succeeds */
    D.st.fail_write_at = D.st.writes + 1;
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 0, B.bytes, CHUNK, 0, &ack), TT_ERR_STORAGE);
    ck_assert(!ack.due);
    tt_ota_status(&D.e, &after);
    ck_assert_uint_eq(after.received, 0);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 0, B.bytes, CHUNK, 0, &ack), TT_OK);
    /* a chunk written before a cut but not marked is found in flash and only marked */
    D.st.cut_at = 0;
    dbl_cut_after(&D.st, 2); /* the write happens, the mark does not */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, CHUNK, B.bytes + CHUNK, CHUNK, 0, &ack),
                     TT_ERR_STORAGE);
    ck_assert_mem_eq(D.st.slot[_i], B.bytes, 2 * CHUNK);
    reboot(&D);
    ck_assert_int_eq(tt_ota_begin(&D.e, 3, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    ck_assert_uint_eq(rep.resume_offset, CHUNK);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 3, CHUNK, B.bytes + CHUNK, CHUNK, 0, &ack), TT_OK);
    tt_ota_status(&D.e, &after);
    ck_assert_uint_eq(after.received, 2 * CHUNK);
    ck_assert_uint_eq(D.st.violations, 0);
}
END_TEST

/* [OTA-131]: a chunk whose place a power cut tore (neither erased nor the chunk) starts the
 * transfer over and ends the transfer session; a restart that cannot be saved changes
 * nothing; the next OtaBegin resumes at 0 and one push completes ([OTA-134]). */
START_TEST(torn_chunk_restarts_the_transfer)
{
    struct tt_ota_ack ack;
    tether_v1_OtaBeginReply rep;
    tether_v1_OtaStatusReply st;
    uint32_t check, slot = _i ? 1u : 0u;
    unsigned sent;
    factory(&D, _i);
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    for (uint32_t k = 0; k < 5; k++)
        ck_assert_int_eq(tt_ota_chunk(&D.e, 1, k * CHUNK, B.bytes + k * CHUNK, CHUNK, 0, &ack),
                         TT_OK);
    /* the power went while chunk 5 was programmed: half of it is neither 0xFF nor B */
    reboot(&D);
    memset(D.st.slot[slot] + 5 * CHUNK, 0x00, CHUNK / 2);
    ck_assert_int_eq(tt_ota_begin(&D.e, 2, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    ck_assert_uint_eq(rep.resume_offset, 5 * CHUNK);
    /* the restart's save cut: nothing changed, the session goes on */
    dbl_cut_after(&D.st, 1);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 2, 5 * CHUNK, B.bytes + 5 * CHUNK, CHUNK, 0, &ack),
                     TT_ERR_STORAGE);
    reboot(&D);
    ck_assert_int_eq(tt_ota_begin(&D.e, 3, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    ck_assert_uint_eq(rep.resume_offset, 5 * CHUNK);
    /* the restart: nothing stored, the slot erased, the transfer session over */
    unsigned ops = D.st.ops;
    ck_assert_int_eq(tt_ota_chunk(&D.e, 3, 5 * CHUNK, B.bytes + 5 * CHUNK, CHUNK, 0, &ack),
                     TT_ERR_STATE);
    ck_assert(!ack.due);
    ck_assert_uint_eq(D.st.ops, ops + 3); /* the record, the erase, the record */
    tt_ota_status(&D.e, &st);
    ck_assert_int_eq(st.state, tether_v1_OtaState_OTA_RECEIVING);
    ck_assert_uint_eq(st.received, 0);
    for (uint32_t i = 0; i < B.size; i++)
        ck_assert_uint_eq(D.st.slot[slot][i], 0xFF);
    ops = D.st.ops;
    ck_assert_int_eq(tt_ota_chunk(&D.e, 3, 6 * CHUNK, B.bytes + 6 * CHUNK, CHUNK, 0, &ack),
                     TT_ERR_STATE); /* the rest of the window: no ack, nothing written */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 3, 0, B.bytes, CHUNK, 0, &ack), TT_ERR_STATE);
    ck_assert(!ack.due);
    ck_assert_uint_eq(D.st.ops, ops);
    /* the same push begins again: at 0, and the whole image is sent once */
    ck_assert_int_eq(push(&B, 3, &sent), TT_OK);
    ck_assert_uint_eq(sent, 42);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_mem_eq(D.st.slot[slot], B.bytes, B.size);
    ck_assert_uint_eq(D.st.violations, 0);
}
END_TEST

START_TEST(resume_and_new_transfer)
{
    struct tt_ota_ack ack;
    tether_v1_OtaBeginReply rep;
    uint32_t check;
    factory(&D, _i);
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    for (uint32_t i = 0; i < 10; i++)
        if (i != 3)
            ck_assert_int_eq(
                tt_ota_chunk(&D.e, 1, i * CHUNK, B.bytes + i * CHUNK, CHUNK, 0, &ack), TT_OK);
    /* [OTA-030] a reset keeps the transfer; [OTA-031] chunks wait for a new begin */
    reboot(&D);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_RECEIVING);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 3 * CHUNK, B.bytes + 3 * CHUNK, CHUNK, 0, &ack),
                     TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_begin(&D.e, 2, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    ck_assert_uint_eq(rep.resume_offset, 3 * CHUNK);
    ck_assert(ack.due);
    ck_assert_uint_eq(ack.cumulative_offset, 3 * CHUNK);
    ck_assert_uint_eq(ack.selective_bitmap, 0x3F); /* chunks 4..9 */
    /* the old session's chunks are refused once another session is the transfer session */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 3 * CHUNK, B.bytes + 3 * CHUNK, CHUNK, 0, &ack),
                     TT_ERR_STATE);
    tt_ota_session_ended(&D.e, 2);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 2, 3 * CHUNK, B.bytes + 3 * CHUNK, CHUNK, 0, &ack),
                     TT_ERR_STATE);
    /* [OTA-011] another manifest: a new transfer, nothing stored */
    ck_assert_int_eq(tt_ota_begin(&D.e, 2, &C.sm[_i], 0, &rep, &ack, &check), TT_OK);
    ck_assert_uint_eq(rep.resume_offset, 0);
    ck_assert(!ack.due);
    tether_v1_OtaStatusReply r;
    tt_ota_status(&D.e, &r);
    ck_assert_uint_eq(r.received, 0);
    ck_assert_uint_eq(r.image_size, C.size);
    /* a verified transfer resumes as verified, with everything stored */
    unsigned sent;
    ck_assert_int_eq(push(&C, 4, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_begin(&D.e, 5, &C.sm[_i], 0, &rep, &ack, &check), TT_OK);
    ck_assert_uint_eq(rep.resume_offset, C.size);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_VERIFIED);
    /* chunks in VERIFIED are a state error */
    ck_assert_int_eq(tt_ota_chunk(&D.e, 5, 0, C.bytes, CHUNK, 0, &ack), TT_ERR_STATE);
    ck_assert_uint_eq(D.st.violations, 0);
}
END_TEST

START_TEST(begin_checks_7_and_8)
{
    struct tt_ota_ack ack;
    tether_v1_OtaBeginReply rep;
    uint32_t check;
    unsigned sent;
    factory(&D, _i);
    /* 8: persisting fails — nothing changes */
    dbl_cut_after(&D.st, 1);
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &B.sm[_i], 0, &rep, &ack, &check), TT_ERR_STORAGE);
    ck_assert_uint_eq(check, 8);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_IDLE);
    ck_assert_int_eq(D.st.rec.state, tether_v1_OtaState_OTA_IDLE);
    ck_assert_int_eq(reboot(&D), 0); /* A still runs in both layouts */
    /* 7: pending confirmation */
    ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &C.sm[_i], 0, &rep, &ack, &check), TT_ERR_STATE);
    ck_assert_uint_eq(check, 7);
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &B.sm[_i], 0, &rep, &ack, &check), TT_ERR_STATE);
    /* earlier checks come first: a wrong layout is check 4 even now */
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &B.sm[!_i], 0, &rep, &ack, &check),
                     TT_ERR_OTA_MANIFEST);
    ck_assert_uint_eq(check, 4);
    ck_assert_int_eq(tt_ota_abort(&D.e), TT_ERR_STATE);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM);
}
END_TEST

/* [OTA-090] more chunks than the engine can record: check 6, before any state is looked at */
START_TEST(chunk_limit)
{
    struct tt_ota_engine e;
    struct tt_ota_storage st = dbl_storage(&D.st);
    struct tt_ota_config c = config(1);
    struct tt_ota_record r;
    tether_v1_Manifest m;
    tether_v1_SignedManifest sm;
    tether_v1_OtaBeginReply rep;
    struct tt_ota_ack ack;
    uint32_t check;
    dbl_init(&D.st);
    c.policy.slot_size = 1u << 24;
    tt_ota_record_factory(&r, NULL);
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_OK);
    ck_assert_int_eq(tt_ota_manifest_decode(&B.sm[1], &m), TT_OK);
    m.chunk_size = 64;
    m.image_size = TT_OTA_MAX_CHUNKS * 64 + 1;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    ck_assert_int_eq(tt_ota_begin(&e, 1, &sm, 0, &rep, &ack, &check), TT_ERR_OTA_SIZE);
    ck_assert_uint_eq(check, 6);
    ck_assert_uint_eq(D.st.ops, 0);
    /* exactly the limit passes check 6 (this store's slot is too small: check 8) */
    m.image_size = TT_OTA_MAX_CHUNKS * 64;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    ck_assert_int_eq(tt_ota_begin(&e, 1, &sm, 0, &rep, &ack, &check), TT_ERR_STORAGE);
    ck_assert_uint_eq(check, 8);
    /* a store that marks fewer chunks lowers the limit (the device's flash store: 4032) */
    c.max_chunks = 100;
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_OK);
    unsigned ops = D.st.ops;
    m.image_size = 100 * 64 + 1;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    ck_assert_int_eq(tt_ota_begin(&e, 1, &sm, 0, &rep, &ack, &check), TT_ERR_OTA_SIZE);
    ck_assert_uint_eq(check, 6);
    ck_assert_uint_eq(D.st.ops, ops);
    m.image_size = 100 * 64; /* exactly the limit: a transfer starts */
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    ck_assert_int_eq(tt_ota_begin(&e, 1, &sm, 0, &rep, &ack, &check), TT_OK);
    ck_assert_uint_eq(rep.resume_offset, 0);
}
END_TEST

START_TEST(verify_rules)
{
    struct tt_ota_ack ack;
    tether_v1_OtaBeginReply rep;
    uint32_t check;
    factory(&D, _i);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_abort(&D.e), TT_OK); /* IDLE: ack, nothing changes */
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &B.sm[_i], 0, &rep, &ack, &check), TT_OK);
    ck_assert_int_eq(tt_ota_chunk(&D.e, 1, 0, B.bytes, CHUNK, 0, &ack), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_ERR_STATE); /* chunks missing */
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_RECEIVING);
    /* a manifest whose hash is not the image's: every chunk stored, verify fails, discarded */
    struct image bad = B;
    bad.bytes[100] ^= 1;
    unsigned sent;
    ck_assert_int_eq(push(&bad, 1, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_ERR_OTA_HASH);
    tether_v1_OtaStatusReply r;
    tt_ota_status(&D.e, &r);
    ck_assert_int_eq(r.state, tether_v1_OtaState_OTA_IDLE);
    ck_assert_uint_eq(r.image_size, 0);
    ck_assert_uint_eq(r.received, 0);
    ck_assert_int_eq(D.st.rec.state, tether_v1_OtaState_OTA_IDLE);
    /* SINGLE: no app until an image is installed; AB: A runs */
    ck_assert_int_eq(reboot(&D), _i ? 0 : -1);
    /* abort in RECEIVING and VERIFIED discards */
    ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_abort(&D.e), TT_OK);
    ck_assert_int_eq(D.st.rec.state, tether_v1_OtaState_OTA_IDLE);
    ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
    ck_assert_uint_eq(sent, 42); /* from scratch */
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_abort(&D.e), TT_OK);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_IDLE);
    ck_assert_int_eq(reboot(&D), _i ? 0 : -1);
    /* install re-checks the bytes ([OTA-050]): flash changed after verify */
    ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    D.st.slot[_i][5] ^= 0x80;
    ck_assert_int_eq(tt_ota_install(&D.e), TT_ERR_OTA_HASH);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_IDLE);
    ck_assert_int_eq(reboot(&D), _i ? 0 : -1);
    ck_assert_uint_eq(D.st.violations, 0);
}
END_TEST

START_TEST(single_layout)
{
    unsigned sent;
    factory(&D, 0);
    D.st.running = 0;
    struct tt_ota_ack ack;
    tether_v1_OtaBeginReply rep;
    uint32_t check;
    /* [OTA-082] a new transfer stops the app; the slot holds no valid image any more */
    ck_assert_int_eq(tt_ota_begin(&D.e, 1, &B.sm[0], 0, &rep, &ack, &check), TT_OK);
    ck_assert_int_eq(D.st.running, -1);
    ck_assert_ptr_null(tt_ota_running(&D.e));
    ck_assert_int_eq(reboot(&D), -1);
    ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(D.st.running, 0);
    /* [OTA-051] SINGLE: an app restart or reset does not revert; the image stays unconfirmed */
    ck_assert_int_eq(tt_ota_app_restarted(&D.e), TT_OK);
    ck_assert_int_eq(reboot(&D), 0);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM);
    ck_assert_int_eq(tt_ota_rollback(&D.e), TT_ERR_MSG_UNSUPPORTED);
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_rollback(&D.e), TT_ERR_MSG_UNSUPPORTED);
    ck_assert_mem_eq(D.st.slot[0], B.bytes, B.size);
}
END_TEST

START_TEST(ab_app_events_that_revert)
{
    /* [OTA-100]: a fault, a watchdog and the app's reboot request revert a test image; a
     * debugger's stop and a client's ResetApp do not; nothing reverts once confirmed, nor
     * in SINGLE; an unknown event is refused */
    static const struct {
        enum tt_ota_app_event ev;
        bool reverts;
    } rows[] = {
        {TT_OTA_APP_FAULT, true},          {TT_OTA_APP_WATCHDOG, true},
        {TT_OTA_APP_REBOOT_REQUEST, true}, {TT_OTA_APP_DEBUG_STOP, false},
        {TT_OTA_APP_CLIENT_RESET, false},
    };
    unsigned sent;
    bool reverted = true;
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        factory(&D, 1);
        ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
        ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
        ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
        ck_assert_int_eq(D.st.running, 1);
        ck_assert_int_eq(tt_ota_app_event_reverts(rows[k].ev), rows[k].reverts);
        ck_assert_int_eq(tt_ota_app_event(&D.e, rows[k].ev, &reverted), TT_OK);
        ck_assert_int_eq(reverted, rows[k].reverts);
        ck_assert_int_eq(D.st.running, rows[k].reverts ? 0 : 1);
        ck_assert_int_eq(state(), rows[k].reverts ? tether_v1_OtaState_OTA_ROLLED_BACK
                                                   : tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM);
        if (rows[k].reverts)
            continue;
        ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
        ck_assert_int_eq(tt_ota_app_event(&D.e, TT_OTA_APP_FAULT, &reverted), TT_OK);
        ck_assert(!reverted);
        ck_assert_int_eq(state(), tether_v1_OtaState_OTA_CONFIRMED);
    }
    ck_assert_int_eq(tt_ota_app_event(&D.e, TT_OTA_APP_EVENT_COUNT, &reverted), TT_ERR_ARG);
    ck_assert(!tt_ota_app_event_reverts(TT_OTA_APP_EVENT_COUNT));
    ck_assert_int_eq(tt_ota_app_event(&D.e, TT_OTA_APP_FAULT, NULL), TT_ERR_ARG);
    /* SINGLE: nothing to revert to */
    factory(&D, 0);
    ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_app_event(&D.e, TT_OTA_APP_FAULT, &reverted), TT_OK);
    ck_assert(!reverted);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM);
}
END_TEST

START_TEST(ab_revert_and_rollback)
{
    unsigned sent;
    tether_v1_OtaStatusReply r;
    factory(&D, 1);
    ck_assert_int_eq(tt_ota_rollback(&D.e), TT_ERR_STATE);
    ck_assert_int_eq(push(&B, 1, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK); /* B in slot 1, counter 5 */
    /* C: a test image that faults reverts to B; the counter stays 5 */
    ck_assert_int_eq(push(&C, 2, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(D.st.running, 0);
    ck_assert_int_eq(tt_ota_app_restarted(&D.e), TT_OK);
    ck_assert_int_eq(D.st.running, 1);
    tt_ota_status(&D.e, &r);
    ck_assert_int_eq(r.state, tether_v1_OtaState_OTA_ROLLED_BACK);
    ck_assert_uint_eq(r.running_version, B.version);
    ck_assert_uint_eq(r.security_counter, 5);
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_rollback(&D.e), TT_ERR_STATE);
    /* a reset before confirmation reverts as well */
    ck_assert_int_eq(push(&C, 2, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(reboot(&D), 1);
    ck_assert_int_eq(state(), tether_v1_OtaState_OTA_ROLLED_BACK);
    /* client rollback of a pending image */
    ck_assert_int_eq(push(&C, 2, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_rollback(&D.e), TT_OK);
    ck_assert_int_eq(D.st.running, 1);
    /* confirmed C (counter 6): rolling back to B (5) is refused; the counter stays 6 */
    ck_assert_int_eq(push(&C, 2, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_rollback(&D.e), TT_ERR_OTA_ROLLBACK);
    tt_ota_status(&D.e, &r);
    ck_assert_int_eq(r.state, tether_v1_OtaState_OTA_CONFIRMED);
    ck_assert_uint_eq(r.security_counter, 6);
    ck_assert_uint_eq(r.running_version, C.version);
    /* confirmed D with C's counter: rolling back to C is allowed */
    struct image Dimg;
    make_image(&Dimg, 3000, 0x010300, 6, 0x44);
    ck_assert_int_eq(push(&Dimg, 3, &sent), TT_OK);
    ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
    ck_assert_int_eq(tt_ota_rollback(&D.e), TT_OK);
    tt_ota_status(&D.e, &r);
    ck_assert_uint_eq(r.running_version, C.version);
    ck_assert_int_eq(r.state, tether_v1_OtaState_OTA_ROLLED_BACK);
    ck_assert_int_eq(reboot(&D), D.st.rec.active);
    ck_assert_mem_eq(D.st.slot[D.st.running], C.bytes, C.size);
    ck_assert_uint_eq(D.st.saves_lowering_counter, 0);
    ck_assert_uint_eq(D.st.violations, 0);
}
END_TEST

/* ---- power-cut sweep ---------------------------------------------------------------- */

/* The script the sweep cuts: B pushed (with a duplicate), verified, installed, confirmed;
 * then C pushed and installed and reverted by a faulting start (AB) or aborted half way
 * (SINGLE). Returns the phase it stopped in (1, 2) or 0 when it ran to the end. */
static int script(void)
{
    unsigned sent;
    struct tt_ota_ack ack;
    if (push(&B, 1, &sent) != TT_OK ||
        tt_ota_chunk(&D.e, 1, 0, B.bytes, CHUNK, D.now, &ack) != TT_OK ||
        tt_ota_verify(&D.e) != TT_OK || tt_ota_install(&D.e) != TT_OK ||
        tt_ota_confirm(&D.e) != TT_OK)
        return 1;
    if (D.layout == 1) {
        if (push(&C, 2, &sent) != TT_OK || tt_ota_verify(&D.e) != TT_OK ||
            tt_ota_install(&D.e) != TT_OK || tt_ota_app_restarted(&D.e) != TT_OK)
            return 2;
    } else {
        tether_v1_OtaBeginReply rep;
        uint32_t check;
        if (tt_ota_begin(&D.e, 2, &C.sm[0], D.now, &rep, &ack, &check) != TT_OK)
            return 2;
        for (uint32_t i = 0; i < 10; i++)
            if (tt_ota_chunk(&D.e, 2, i * CHUNK, C.bytes + i * CHUNK, CHUNK, D.now, &ack) != TT_OK)
                return 2;
        if (tt_ota_abort(&D.e) != TT_OK)
            return 2;
    }
    return 0;
}

static unsigned marked_chunks(void)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < TT_OTA_MAX_CHUNKS; i++)
        n += D.st.marks[i / 8] >> (i % 8) & 1;
    return n;
}

/* After a cut and a reboot: what runs is a whole image (A, B or C), or nothing only in
 * SINGLE while no installed image is valid; the counter is one that was confirmed. */
static void check_after_cut(int run, unsigned k)
{
    if (run < 0) {
        ck_assert_msg(D.layout == 0, "cut %u: AB device runs no app", k);
        ck_assert_msg(!D.st.rec.slot[0].valid, "cut %u: valid image not run", k);
    } else {
        const struct image *ims[] = {&A, &B, &C};
        bool whole = false;
        for (int i = 0; i < 3; i++)
            whole |= D.st.rec.slot[run].size == ims[i]->size &&
                     memcmp(D.st.slot[run], ims[i]->bytes, ims[i]->size) == 0;
        ck_assert_msg(whole, "cut %u: slot %d holds no whole image", k, run);
    }
    ck_assert_msg(D.st.saves_lowering_counter == 0, "cut %u: counter lowered", k);
    ck_assert_msg(D.st.violations == 0, "cut %u: flash rule broken", k);
    ck_assert(D.st.rec.security_counter == A.counter || D.st.rec.security_counter == B.counter);
}

/* Drives the device from wherever the cut left it to "B confirmed and running". A transfer
 * of B in progress resumes: only chunks not persisted are sent again. */
static void recover_to_b(unsigned k)
{
    for (int round = 0; round < 4; round++) {
        tether_v1_OtaStatusReply r;
        tt_ota_status(&D.e, &r);
        if (r.state == tether_v1_OtaState_OTA_CONFIRMED && r.running_version == B.version)
            return;
        if (r.state == tether_v1_OtaState_OTA_INSTALLED_PENDING_CONFIRM) {
            ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
            continue;
        }
        unsigned sent, stored = 0;
        bool resuming = r.state == tether_v1_OtaState_OTA_RECEIVING &&
                        r.image_size == B.size && memcmp(r.image_sha256, B.sha, 32) == 0;
        if (resuming)
            stored = marked_chunks();
        ck_assert_int_eq(push(&B, 9, &sent), TT_OK);
        if (resuming)
            ck_assert_msg(sent == 42 - stored, "cut %u: resent %u with %u stored", k, sent,
                          stored);
        ck_assert_int_eq(tt_ota_verify(&D.e), TT_OK);
        ck_assert_int_eq(tt_ota_install(&D.e), TT_OK);
        ck_assert_int_eq(tt_ota_confirm(&D.e), TT_OK);
    }
    ck_abort_msg("cut %u: no recovery", k);
}

START_TEST(power_cut_sweep)
{
    factory(&D, _i);
    unsigned base = D.st.ops;
    ck_assert_int_eq(script(), 0);
    unsigned total = D.st.ops - base;
    ck_assert_uint_gt(total, 90); /* every chunk's write and mark, and the records */
    for (unsigned k = 1; k <= total; k++) {
        factory(&D, _i);
        dbl_cut_after(&D.st, k);
        int phase = script();
        ck_assert_msg(phase != 0, "cut %u: script did not see it", k);
        int run = reboot(&D);
        check_after_cut(run, k);
        if (phase == 1) {
            recover_to_b(k);
            ck_assert_uint_eq(D.st.rec.security_counter, B.counter);
            int again = reboot(&D);
            ck_assert_int_ge(again, 0);
            ck_assert_mem_eq(D.st.slot[again], B.bytes, B.size);
        } else {
            /* phase 2 cut: B stays the image (AB), or B or none (SINGLE, transfer of C) */
            ck_assert_uint_eq(D.st.rec.security_counter, B.counter);
            if (_i == 1)
                ck_assert_mem_eq(D.st.slot[run], B.bytes, B.size);
        }
        ck_assert_uint_eq(D.st.violations, 0);
    }
}
END_TEST

START_TEST(arguments)
{
    struct tt_ota_engine e;
    struct dbl_store *s = &D.st;
    dbl_init(s);
    struct tt_ota_storage st = dbl_storage(s);
    struct tt_ota_config c = config(1);
    struct tt_ota_record r;
    tt_ota_record_factory(&r, NULL);
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_OK);
    c.window_chunks = 0;
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_ERR_ARG);
    c = config(1);
    /* damaged records are refused, not trusted */
    r.state = 9;
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_ERR_STORAGE);
    tt_ota_record_factory(&r, NULL);
    r.state = tether_v1_OtaState_OTA_RECEIVING; /* without a manifest */
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_ERR_STORAGE);
    r.body_len = 3;
    memset(r.body, 0xFF, 3);
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_ERR_STORAGE);
    tt_ota_record_factory(&r, NULL);
    r.active = 2;
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_ERR_STORAGE);
    /* a device with no app at all (SINGLE, nothing installed) boots and runs none */
    factory(&D, 0);
    D.st.rec.slot[0].valid = 0;
    ck_assert_int_eq(reboot(&D), -1);
    /* a damaged image (flash corrupted) is not run */
    factory(&D, 1);
    D.st.slot[0][3] ^= 1;
    ck_assert_int_eq(reboot(&D), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ota_engine");
    TCase *c = tcase_create("engine");
    tcase_add_checked_fixture(c, setup, NULL);
    tcase_set_timeout(c, 120);
    /* loop index = layout: 0 SINGLE, 1 AB */
    tcase_add_loop_test(c, full_update, 0, 2);
    tcase_add_loop_test(c, ack_rules, 0, 2);
    tcase_add_loop_test(c, grant_window, 0, 2);
    tcase_add_loop_test(c, chunk_errors, 0, 2);
    tcase_add_loop_test(c, torn_chunk_restarts_the_transfer, 0, 2);
    tcase_add_loop_test(c, resume_and_new_transfer, 0, 2);
    tcase_add_loop_test(c, begin_checks_7_and_8, 0, 2);
    tcase_add_loop_test(c, verify_rules, 0, 2);
    tcase_add_test(c, chunk_limit);
    tcase_add_test(c, single_layout);
    tcase_add_test(c, ab_app_events_that_revert);
    tcase_add_test(c, ab_revert_and_rollback);
    tcase_add_loop_test(c, power_cut_sweep, 0, 2);
    tcase_add_test(c, arguments);
    suite_add_tcase(s, c);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
