/* test_ota_sender.c — Check tests of the client's OTA sender (lib/ota/sender.c), alone and
 * against the device engine (lib/ota/engine.c over ota_store_double.c).
 *
 * [OTA-012] never a chunk at or beyond cumulative_offset + window × chunk_size, window kept
 * full; [OTA-011] resume from resume_offset; [OTA-015] cumulative + selective acks;
 * [OTA-017] a chunk is sent again only after a resume or an Error about it; hostile reports
 * (offsets off the chunk grid or past the image, acks going backwards, bitmaps naming chunks
 * past the end, window 0) are refused with no state change. In the loop, the link between
 * the two engines loses, duplicates and reorders messages (seeded, deterministic); a stall
 * (nothing in flight, nothing to send) is treated as a lost link and the transfer resumes
 * with a new OtaBegin, as `tether ota push` does. The image must arrive whole and verify. */
#include <check.h>
#include <sodium.h>
#include <string.h>

#include "ota_store_double.h"
#include "tether/crypto_backends.h"
#include "tether/ota_sender.h"

static uint8_t cs[TT_OTA_MAX_CHUNKS];

START_TEST(window_and_acks)
{
    struct tt_ota_sender s;
    uint32_t off, len, n = 0;
    /* 10 chunks of 64, the last 10 bytes */
    ck_assert_int_eq(tt_ota_sender_init(&s, 9 * 64 + 10, 64, cs, sizeof cs), TT_OK);
    ck_assert(!tt_ota_sender_next(&s, &off, &len)); /* nothing before the begin reply */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 0, 0), TT_ERR_STATE);
    ck_assert_int_eq(tt_ota_sender_begun(&s, 0, 4), TT_OK);
    while (tt_ota_sender_next(&s, &off, &len)) {
        ck_assert_uint_eq(off, n * 64);
        ck_assert_uint_eq(len, 64);
        n++;
    }
    ck_assert_uint_eq(n, 4); /* the window: chunks 0..3 */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 128, 0x1), TT_OK); /* 0, 1 and 3 stored */
    ck_assert(tt_ota_sender_next(&s, &off, &len));
    ck_assert_uint_eq(off, 4 * 64);
    ck_assert(tt_ota_sender_next(&s, &off, &len));
    ck_assert_uint_eq(off, 5 * 64);
    ck_assert(!tt_ota_sender_next(&s, &off, &len)); /* 2 + 4 = 6: full */
    /* hostile acks: refused, nothing changes */
    struct tt_ota_sender keep = s;
    uint8_t keep_cs[16];
    memcpy(keep_cs, cs, 16);
    ck_assert_int_eq(tt_ota_sender_acked(&s, 100, 0), TT_ERR_OTA_CHUNK);   /* off the grid */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 9 * 64 + 11, 0), TT_ERR_OTA_CHUNK); /* past */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 10 * 64, 0), TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_sender_acked(&s, 64, 0), TT_ERR_STATE);        /* backwards */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 128, 1ull << 7), TT_ERR_OTA_CHUNK); /* chunk 10 */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 128, 1ull << 63), TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_sender_acked(&s, 9 * 64 + 10, 1), TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_sender_begun(&s, 65, 4), TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_sender_begun(&s, 0, 0), TT_ERR_MSG_DECODE);
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STORAGE, 10 * 64), TT_ERR_OTA_CHUNK);
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STORAGE, 3), TT_ERR_OTA_CHUNK);
    ck_assert_mem_eq(&s, &keep, sizeof s);
    ck_assert_mem_eq(cs, keep_cs, 16);
    /* [OTA-013]/[OTA-017] a storage error about chunk 2: it is sent again, and only it */
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STORAGE, 128), TT_OK);
    ck_assert(tt_ota_sender_next(&s, &off, &len));
    ck_assert_uint_eq(off, 128);
    ck_assert(!tt_ota_sender_next(&s, &off, &len));
    /* other errors end the transfer attempt (STATE: restart_only_when_the_session_ends) */
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_OTA_CHUNK, 128), TT_ERR_OTA_CHUNK);
    /* the ack for the last chunk (short) and completion */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 6 * 64, 0), TT_OK);
    n = 0;
    while (tt_ota_sender_next(&s, &off, &len))
        n++;
    ck_assert_uint_eq(n, 4);
    ck_assert_uint_eq(off, 9 * 64);
    ck_assert_uint_eq(len, 10);
    ck_assert(!tt_ota_sender_done(&s));
    ck_assert_int_eq(tt_ota_sender_acked(&s, 9 * 64 + 10, 0), TT_OK);
    ck_assert(tt_ota_sender_done(&s));
    ck_assert_uint_eq(tt_ota_sender_stored_bytes(&s), 9 * 64 + 10);
    /* resume: below resume_offset stored, from it on everything to send */
    ck_assert_int_eq(tt_ota_sender_begun(&s, 3 * 64, 2), TT_OK);
    ck_assert(!tt_ota_sender_done(&s));
    ck_assert(tt_ota_sender_next(&s, &off, &len));
    ck_assert_uint_eq(off, 3 * 64);
    ck_assert(tt_ota_sender_next(&s, &off, &len));
    ck_assert(!tt_ota_sender_next(&s, &off, &len));
    /* arguments */
    ck_assert_int_eq(tt_ota_sender_init(&s, 0, 64, cs, sizeof cs), TT_ERR_ARG);
    ck_assert_int_eq(tt_ota_sender_init(&s, 100, 100, cs, sizeof cs), TT_ERR_ARG);
    ck_assert_int_eq(tt_ota_sender_init(&s, 64 * 5, 64, cs, 4), TT_ERR_ARG);
}
END_TEST

/* [OTA-130]..[OTA-133]: acks to one transfer session never go backwards, so the sender
 * refuses every one that does; the device says it started the transfer over only by
 * ending the transfer session (TT_ERR_STATE about a chunk in flight), and the sender then
 * follows what the next begin reply and the acks after it say, from 0. */
START_TEST(restart_only_when_the_session_ends)
{
    struct tt_ota_sender s, keep;
    uint8_t keep_cs[10];
    uint32_t off, len, n = 0;
    ck_assert_int_eq(tt_ota_sender_init(&s, 10 * 64, 64, cs, sizeof cs), TT_OK);
    ck_assert_int_eq(tt_ota_sender_begun(&s, 0, 4), TT_OK);
    while (tt_ota_sender_next(&s, &off, &len))
        n++;
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(tt_ota_sender_acked(&s, 128, 0x1), TT_OK); /* 0, 1 and 3 stored */
    ck_assert(tt_ota_sender_next(&s, &off, &len));              /* 4 */
    ck_assert(tt_ota_sender_next(&s, &off, &len));              /* 5 */
    /* a hostile device: acks back to 0 without ending the session are refused, however
     * often, and so is a STATE error about a chunk never sent or already stored */
    keep = s;
    memcpy(keep_cs, cs, sizeof keep_cs);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(tt_ota_sender_acked(&s, 0, 0), TT_ERR_STATE);
        ck_assert_int_eq(tt_ota_sender_acked(&s, 64, 0x3), TT_ERR_STATE);
    }
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STATE, 8 * 64), TT_OK); /* never */
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STATE, 0), TT_OK);      /* stored */
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STATE, 3 * 64), TT_OK); /* stored */
    ck_assert_mem_eq(&s, &keep, sizeof s);
    ck_assert_mem_eq(cs, keep_cs, sizeof keep_cs);
    /* the torn chunk 2 (resent after a resume) restarts the transfer: the session ended */
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STATE, 4 * 64), TT_ERR_STATE);
    ck_assert(!tt_ota_sender_next(&s, &off, &len));                     /* nothing sent */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 0, 0), TT_ERR_STATE);     /* nor acks taken */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 6 * 64, 0), TT_ERR_STATE);
    /* the STATE errors about the rest of what was in flight: nothing more to learn */
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STATE, 5 * 64), TT_OK);
    ck_assert(!tt_ota_sender_done(&s));
    /* the begin again: what the device holds now is the truth, 0 on */
    ck_assert_int_eq(tt_ota_sender_begun(&s, 0, 4), TT_OK);
    ck_assert_uint_eq(tt_ota_sender_stored_bytes(&s), 0);
    /* the errors queued before its reply are about chunks no longer in flight: ignored */
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STATE, 5 * 64), TT_OK);
    ck_assert_int_eq(tt_ota_sender_chunk_error(&s, TT_ERR_STATE, 4 * 64), TT_OK);
    /* chunks 4 and 5 reached the device after its restart and are stored: bits 3 and 4 */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 0, 0x18), TT_OK);
    uint32_t sent[8];
    n = 0;
    while (tt_ota_sender_next(&s, &off, &len))
        sent[n++] = off / 64;
    ck_assert_uint_eq(n, 4); /* the window 0..3, all sent again */
    for (uint32_t i = 0; i < 4; i++)
        ck_assert_uint_eq(sent[i], i);
    ck_assert_int_eq(tt_ota_sender_acked(&s, 3 * 64, 0x3), TT_OK); /* 0..2, 4, 5 */
    ck_assert_int_eq(tt_ota_sender_acked(&s, 0, 0x1f), TT_ERR_STATE); /* backwards again */
    n = 0;
    while (tt_ota_sender_next(&s, &off, &len))
        sent[n++] = off / 64;
    ck_assert_uint_eq(n, 1); /* 3 is in flight, 4 and 5 stored: 6 closes the window */
    ck_assert_uint_eq(sent[0], 6);
    ck_assert_int_eq(tt_ota_sender_acked(&s, 10 * 64, 0), TT_OK);
    ck_assert(tt_ota_sender_done(&s));
}
END_TEST

/* ---- the two engines over a hostile link -------------------------------------------- */

#define IMG 6000u
#define CH 128u
static uint8_t fw_priv[32], fw_pub[65], image[IMG];
static const uint8_t dev_id[16] = {7};
static struct dbl_store store;
static uint32_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Messages in flight: chunks (C→D) and acks (D→C), each a small queue the link shuffles. */
struct msg {
    uint32_t a;
    uint64_t b;
};
struct queue {
    struct msg m[256];
    unsigned n;
};

static void put(struct queue *q, struct msg m, unsigned loss_pct, unsigned dup_pct)
{
    if (rnd() % 100 < loss_pct)
        return;
    for (int copies = rnd() % 100 < dup_pct ? 2 : 1; copies > 0 && q->n < 256; copies--)
        q->m[q->n++] = m;
}

/* Takes a message: usually the oldest, sometimes one further back (reordering). */
static struct msg take(struct queue *q, unsigned reorder_pct)
{
    unsigned i = q->n > 1 && rnd() % 100 < reorder_pct ? rnd() % q->n : 0;
    struct msg m = q->m[i];
    memmove(q->m + i, q->m + i + 1, (q->n - i - 1) * sizeof m);
    q->n--;
    return m;
}

static void loop_run(unsigned seed, unsigned loss, unsigned dup, unsigned reorder, int layout)
{
    struct tt_ota_engine e;
    struct tt_ota_sender s;
    struct tt_ota_config c;
    tether_v1_Manifest m;
    tether_v1_SignedManifest sm;
    tether_v1_OtaBeginReply rep;
    struct tt_ota_ack ack;
    static struct queue up, down;
    uint32_t check, off, len, now = 0, session = 0;
    int32_t run;
    unsigned begins = 0;
    rng_state = seed;
    for (uint32_t i = 0; i < IMG; i++)
        image[i] = (uint8_t)rnd();
    memset(&m, 0, sizeof m);
    m.format = 1;
    m.which_scope = tether_v1_Manifest_device_id_tag;
    memcpy(m.scope.device_id, dev_id, 16);
    m.version = 2;
    m.image_size = IMG;
    crypto_hash_sha256(m.image_sha256, image, IMG);
    m.layout = (tether_v1_SlotLayout)layout;
    m.chunk_size = CH;
    ck_assert_int_eq(tt_ota_manifest_sign(&m, fw_priv, &sm), TT_OK);
    memset(&c, 0, sizeof c);
    c.policy.firmware_pub = fw_pub;
    memcpy(c.policy.device_id, dev_id, 16);
    c.policy.layout = (tether_v1_SlotLayout)layout;
    c.policy.slot_size = DBL_SLOT_SIZE;
    c.window_chunks = 6;
    dbl_init(&store);
    struct tt_ota_storage st = dbl_storage(&store);
    struct tt_ota_record r;
    tt_ota_record_factory(&r, NULL);
    store.rec = r;
    ck_assert_int_eq(tt_ota_init(&e, &st, &c, &r, NULL, 0), TT_OK);
    ck_assert_int_eq(tt_ota_boot(&e, &run), TT_OK);
    ck_assert_int_eq(tt_ota_sender_init(&s, IMG, CH, cs, sizeof cs), TT_OK);
    up.n = down.n = 0;
    for (unsigned step = 0; !tt_ota_sender_done(&s); step++) {
        ck_assert_msg(step < 100000, "seed %u: no progress", seed);
        if (session == 0 || (up.n == 0 && down.n == 0 && !tt_ota_sender_next(&s, &off, &len))) {
            /* a stall is a lost link: a new session resumes ([OTA-031]); what was in flight
             * on the old one is gone */
            session++;
            begins++;
            up.n = down.n = 0;
            ck_assert_int_eq(tt_ota_begin(&e, session, &sm, now, &rep, &ack, &check), TT_OK);
            ck_assert_int_eq(tt_ota_sender_begun(&s, rep.resume_offset, rep.window_chunks),
                             TT_OK);
            if (ack.due) /* the reply and its ack travel on the reliable stream */
                ck_assert_int_eq(
                    tt_ota_sender_acked(&s, ack.cumulative_offset, ack.selective_bitmap), TT_OK);
            continue;
        }
        /* tt_ota_sender_next above may have handed out a chunk: send it, then fill */
        do {
            ck_assert_uint_lt(off, IMG);
            ck_assert_uint_lt(off / CH, s.cum_chunks + s.window); /* [OTA-012] */
            put(&up, (struct msg){off, len}, loss, dup);
        } while (up.n < 200 && tt_ota_sender_next(&s, &off, &len));
        now += 7;
        while (up.n) {
            struct msg cm = take(&up, reorder);
            tt_err err = tt_ota_chunk(&e, session, cm.a, image + cm.a, (uint32_t)cm.b, now, &ack);
            ck_assert_int_eq(err, TT_OK);
            if (ack.due)
                put(&down, (struct msg){ack.cumulative_offset, ack.selective_bitmap}, loss, dup);
        }
        tt_ota_poll(&e, now + TT_OTA_ACK_INTERVAL_MS, &ack);
        if (ack.due)
            put(&down, (struct msg){ack.cumulative_offset, ack.selective_bitmap}, loss, dup);
        while (down.n) {
            struct msg am = take(&down, reorder);
            tt_err err = tt_ota_sender_acked(&s, am.a, am.b);
            /* a reordered, older ack is refused without harm */
            ck_assert_msg(err == TT_OK || err == TT_ERR_STATE, "seed %u: %d", seed, err);
        }
        /* the next turn starts by asking for a chunk */
        if (!tt_ota_sender_next(&s, &off, &len))
            continue;
        put(&up, (struct msg){off, len}, loss, dup);
    }
    ck_assert_int_eq(tt_ota_verify(&e), TT_OK);
    ck_assert_mem_eq(store.slot[layout ? 1 : 0], image, IMG);
    ck_assert_uint_eq(store.violations, 0);
    if (loss == 0)
        ck_assert_uint_eq(begins, 1);
}

START_TEST(loop_with_faulty_link)
{
    ck_assert(sodium_init() >= 0);
    ck_assert_int_eq(tt_p256_keygen(fw_priv, fw_pub, tt_entropy_host, NULL), TT_OK);
    loop_run(1, 0, 0, 0, 1);    /* clean link */
    loop_run(2, 0, 30, 0, 1);   /* duplication */
    loop_run(3, 0, 0, 40, 0);   /* reordering */
    for (unsigned seed = 10; seed < 40; seed++)
        loop_run(seed, 10, 10, 30, (int)(seed & 1)); /* all three */
    loop_run(99, 50, 20, 50, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ota_sender");
    TCase *c = tcase_create("sender");
    tcase_set_timeout(c, 120);
    tcase_add_test(c, window_and_acks);
    tcase_add_test(c, restart_only_when_the_session_ends);
    tcase_add_test(c, loop_with_faulty_link);
    suite_add_tcase(s, c);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
