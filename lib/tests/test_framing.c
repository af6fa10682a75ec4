/* test_framing.c — Check tests of the byte-stream framing (lib/framing).
 *
 * Requirement IDs used here (for the spec writer; see /tmp/ids-framing-record-reliable.md):
 *   FRM-001 frame layout: 54 D1 ‖ LEN (BE16) ‖ HCHK ‖ payload ‖ CRC32 (BE32); overhead 9
 *   FRM-002 HCHK = CRC-8/SMBUS (poly 0x07, init 0, no reflection) over the two LEN bytes
 *   FRM-003 CRC32 = CRC-32/ISO-HDLC (zlib) over LEN ‖ HCHK ‖ payload
 *   FRM-004 HCHK mismatch -> reject (frame-header), drop the first SYNC byte, hunt again
 *   FRM-005 LEN outside 1..1400 -> reject (frame-length), drop the first SYNC byte, hunt again
 *   FRM-006 CRC32 mismatch -> reject (frame-crc), resume hunting at the byte after the SYNC
 *   FRM-007 resync: garbage before/between frames is skipped; a valid frame that follows a
 *           rejected one, or starts inside it, is still decoded
 *   FRM-008 the decoder's output does not depend on how the stream is split into reads
 *   FRM-009 a sender never emits LEN 0 or LEN > 1400
 * Vectors: spec/vectors/framing.txt (tools/gen-vectors-framing-record.py, independent). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tether/framing.h"
#include "vecfile.h"

#define MAX_FRAMES 16

struct decoded {
    size_t n;
    size_t lens[MAX_FRAMES];
    uint8_t data[MAX_FRAMES][TT_FRAME_MAX_PAYLOAD];
    size_t pushed;
    size_t frame_bytes;
};

/* Pushes s[0..len) and pops every frame, the way a transport read loop would. */
static void feed(struct tt_frame_decoder *d, const uint8_t *s, size_t len, struct decoded *r)
{
    while (len > 0) {
        size_t used = 0;
        tt_err e = tt_frame_push(d, s, len, &used);
        ck_assert(e == TT_OK || e == TT_ERR_FRAME_NONE);
        ck_assert_uint_le(used, len);
        if (e == TT_ERR_FRAME_NONE)
            ck_assert_uint_eq(used, len);
        s += used;
        len -= used;
        r->pushed += used;
        const uint8_t *p;
        size_t plen;
        while (tt_frame_pop(d, &p, &plen) == TT_OK) {
            ck_assert_uint_lt(r->n, MAX_FRAMES);
            ck_assert(plen >= 1 && plen <= TT_FRAME_MAX_PAYLOAD);
            memcpy(r->data[r->n], p, plen);
            r->lens[r->n++] = plen;
            r->frame_bytes += plen + TT_FRAME_OVERHEAD;
        }
    }
    /* Every byte is in a delivered frame, counted as garbage, or still buffered. */
    ck_assert_uint_eq(r->pushed, r->frame_bytes + d->stats.garbage_bytes + d->have);
    ck_assert_uint_eq(d->stats.frames, r->n);
}

/* Decodes s with the stream cut at the given positions (sorted, each <= len). */
static void decode_cuts(struct tt_frame_decoder *d, const uint8_t *s, size_t len,
                        const size_t *cuts, size_t ncuts, struct decoded *r)
{
    memset(r, 0, sizeof *r);
    tt_frame_decoder_init(d);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        feed(d, s + at, end - at, r);
        at = end;
    }
}

static struct tt_frame_decoder dec;
static struct decoded res;

START_TEST(test_crc_check_values) /* [FRM-002] [FRM-003] */
{
    const uint8_t check[] = "123456789";
    ck_assert_uint_eq(tt_crc8_smbus(check, 9), 0xF4);
    ck_assert_uint_eq(tt_crc32_update(0, check, 9), 0xCBF43926u);
    /* Chaining in pieces gives the same value as one call. */
    uint32_t c = tt_crc32_update(0, check, 4);
    ck_assert_uint_eq(tt_crc32_update(c, check + 4, 5), 0xCBF43926u);
    ck_assert_uint_eq(tt_crc32_update(0, check, 0), 0);
}
END_TEST

START_TEST(test_vectors_good) /* [FRM-001] [FRM-002] [FRM-003] [FRM-008] */
{
    FILE *f = vec_open("framing.txt");
    static struct vec v;
    static uint8_t payload[TT_FRAME_MAX_PAYLOAD + 16], frame[TT_FRAME_MAX_PAYLOAD + 64],
        out[TT_FRAME_MAX_PAYLOAD + 64];
    int count = 0;
    while (vec_next(f, &v)) {
        if (strcmp(vec_get(&v, "kind"), "good") != 0)
            continue;
        size_t plen = vec_hex(vec_get(&v, "payload"), payload, sizeof payload);
        size_t flen = vec_hex(vec_get(&v, "frame"), frame, sizeof frame);
        size_t olen = 0;
        ck_assert_int_eq(tt_frame_encode(payload, plen, out, sizeof out, &olen), TT_OK);
        ck_assert_uint_eq(olen, flen);
        ck_assert_mem_eq(out, frame, flen);
        /* Decoded whole, and with one cut at every position. */
        for (size_t k = 0; k <= flen; k++) {
            decode_cuts(&dec, frame, flen, &k, 1, &res);
            ck_assert_uint_eq(res.n, 1);
            ck_assert_uint_eq(res.lens[0], plen);
            ck_assert_mem_eq(res.data[0], payload, plen);
            ck_assert_uint_eq(dec.stats.garbage_bytes, 0);
        }
        count++;
    }
    fclose(f);
    ck_assert_int_ge(count, 8);
}
END_TEST

static tt_err err_by_name(const char *name)
{
    if (strcmp(name, "frame-header") == 0)
        return TT_ERR_FRAME_HEADER;
    if (strcmp(name, "frame-length") == 0)
        return TT_ERR_FRAME_LENGTH;
    if (strcmp(name, "frame-crc") == 0)
        return TT_ERR_FRAME_CRC;
    ck_assert_str_eq(name, "none");
    return TT_OK;
}

static void check_bad_result(const struct vec *v, const char *how)
{
    ck_assert_msg(dec.last_error == err_by_name(vec_get(v, "error")), "%s (%s): last_error %d",
                  vec_get(v, "name"), how, dec.last_error);
    ck_assert_uint_eq(dec.stats.bad_header, atoi(vec_get(v, "bad_header")));
    ck_assert_uint_eq(dec.stats.bad_length, atoi(vec_get(v, "bad_length")));
    ck_assert_uint_eq(dec.stats.bad_crc, atoi(vec_get(v, "bad_crc")));
    const char *list = vec_get(v, "payloads");
    size_t i = 0;
    static uint8_t want[TT_FRAME_MAX_PAYLOAD];
    if (strcmp(list, "-") != 0) {
        for (const char *p = list; *p != '\0'; i++) {
            const char *comma = strchr(p, ',');
            size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
            size_t wlen = vec_hexn(p, n, want, sizeof want);
            ck_assert_msg(i < res.n, "%s (%s): frame %zu missing", vec_get(v, "name"), how, i);
            ck_assert_uint_eq(res.lens[i], wlen);
            ck_assert_mem_eq(res.data[i], want, wlen);
            p += n + (comma != NULL);
        }
    }
    ck_assert_msg(res.n == i, "%s (%s): %zu frames, want %zu", vec_get(v, "name"), how, res.n, i);
}

/* [FRM-004] [FRM-005] [FRM-006] [FRM-007] [FRM-008]: every bad stream of the vector file,
 * fed whole, byte by byte and cut at every position, gives the same frames and counts. */
START_TEST(test_vectors_bad)
{
    FILE *f = vec_open("framing.txt");
    static struct vec v;
    static uint8_t stream[4096];
    static size_t cuts[4096];
    int count = 0;
    while (vec_next(f, &v)) {
        if (strcmp(vec_get(&v, "kind"), "bad") != 0)
            continue;
        size_t len = vec_hex(vec_get(&v, "stream"), stream, sizeof stream);
        decode_cuts(&dec, stream, len, NULL, 0, &res);
        check_bad_result(&v, "whole");
        for (size_t k = 0; k < len; k++)
            cuts[k] = k;
        decode_cuts(&dec, stream, len, cuts, len, &res);
        check_bad_result(&v, "byte by byte");
        for (size_t k = 0; k <= len; k++) {
            decode_cuts(&dec, stream, len, &k, 1, &res);
            check_bad_result(&v, "one cut");
        }
        count++;
    }
    fclose(f);
    ck_assert_int_ge(count, 15);
}
END_TEST

/* [FRM-009] the encoder refuses what a decoder would reject, and short output buffers. */
START_TEST(test_encode_bad_input)
{
    static uint8_t payload[TT_FRAME_MAX_PAYLOAD + 1], out[TT_FRAME_MAX_PAYLOAD + 32];
    static const struct {
        size_t len, cap;
        tt_err want;
    } cases[] = {
        {0, sizeof out, TT_ERR_FRAME_LENGTH},
        {TT_FRAME_MAX_PAYLOAD + 1, sizeof out, TT_ERR_FRAME_LENGTH},
        {(size_t)-1, sizeof out, TT_ERR_FRAME_LENGTH},
        {1, 9, TT_ERR_NO_SPACE},
        {1, 10, TT_OK},
        {100, 108, TT_ERR_NO_SPACE},
        {TT_FRAME_MAX_PAYLOAD, TT_FRAME_MAX_PAYLOAD + 8, TT_ERR_NO_SPACE},
        {TT_FRAME_MAX_PAYLOAD, TT_FRAME_MAX_PAYLOAD + 9, TT_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t outlen = 12345;
        tt_err e = tt_frame_encode(payload, cases[i].len, out, cases[i].cap, &outlen);
        ck_assert_msg(e == cases[i].want, "case %zu: %d", i, e);
        ck_assert_uint_eq(outlen, e == TT_OK ? cases[i].len + 9 : 12345);
    }
    size_t outlen;
    ck_assert_int_eq(tt_frame_encode(NULL, 1, out, sizeof out, &outlen), TT_ERR_ARG);
    ck_assert_int_eq(tt_frame_encode(payload, 1, NULL, sizeof out, &outlen), TT_ERR_ARG);
    ck_assert_int_eq(tt_frame_encode(payload, 1, out, sizeof out, NULL), TT_ERR_ARG);
}
END_TEST

/* [FRM-004] [FRM-006] [FRM-007]: every single-bit error anywhere in a frame is rejected with
 * the error of the field it hit (a flipped SYNC bit just makes the frame garbage), and the
 * good frame right behind it is still decoded. */
START_TEST(test_every_bit_flip)
{
    static uint8_t payload[37], stream[128];
    size_t flen, glen;
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(0x54 + i * 3);
    ck_assert_int_eq(tt_frame_encode(payload, sizeof payload, stream, sizeof stream, &flen), TT_OK);
    const uint8_t good[] = {0x77, 0x54, 0xD1};
    ck_assert_int_eq(tt_frame_encode(good, 3, stream + flen, sizeof stream - flen, &glen), TT_OK);
    for (size_t pos = 0; pos < flen; pos++) {
        for (int bit = 0; bit < 8; bit++) {
            stream[pos] ^= (uint8_t)(1u << bit);
            decode_cuts(&dec, stream, flen + glen, NULL, 0, &res);
            tt_err want = pos < 2 ? TT_OK : pos < 5 ? TT_ERR_FRAME_HEADER : TT_ERR_FRAME_CRC;
            ck_assert_msg(dec.last_error == want, "pos %zu bit %d: %d", pos, bit, dec.last_error);
            ck_assert_uint_eq(res.n, 1);
            ck_assert_uint_eq(res.lens[0], 3);
            ck_assert_mem_eq(res.data[0], good, 3);
            stream[pos] ^= (uint8_t)(1u << bit);
        }
    }
}
END_TEST

/* A completed frame is held until popped: push consumes nothing meanwhile and stops exactly at
 * the end of the frame, so the bytes after it stay with the caller. */
START_TEST(test_push_stops_at_frame_end)
{
    uint8_t s[64];
    size_t a, b, used;
    const uint8_t p1[] = {1, 2, 3}, p2[] = {4, 5};
    ck_assert_int_eq(tt_frame_encode(p1, 3, s, sizeof s, &a), TT_OK);
    ck_assert_int_eq(tt_frame_encode(p2, 2, s + a, sizeof s - a, &b), TT_OK);
    tt_frame_decoder_init(&dec);
    const uint8_t *p;
    size_t plen;
    ck_assert_int_eq(tt_frame_pop(&dec, &p, &plen), TT_ERR_FRAME_NONE);
    ck_assert_int_eq(tt_frame_push(&dec, s, a + b, &used), TT_OK);
    ck_assert_uint_eq(used, a);
    ck_assert_int_eq(tt_frame_push(&dec, s + a, b, &used), TT_OK);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(tt_frame_pop(&dec, &p, &plen), TT_OK);
    ck_assert_uint_eq(plen, 3);
    ck_assert_mem_eq(p, p1, 3);
    ck_assert_int_eq(tt_frame_pop(&dec, &p, &plen), TT_ERR_FRAME_NONE);
    ck_assert_int_eq(tt_frame_push(&dec, s + a, b, &used), TT_OK);
    ck_assert_uint_eq(used, b);
    ck_assert_int_eq(tt_frame_pop(&dec, &p, &plen), TT_OK);
    ck_assert_mem_eq(p, p2, 2);
    ck_assert_int_eq(tt_frame_push(&dec, s, 0, &used), TT_ERR_FRAME_NONE);
    ck_assert_int_eq(tt_frame_push(&dec, NULL, 0, &used), TT_ERR_FRAME_NONE);
    ck_assert_int_eq(tt_frame_push(&dec, NULL, 1, &used), TT_ERR_ARG);
    ck_assert_int_eq(tt_frame_push(&dec, s, 1, NULL), TT_ERR_ARG);
    ck_assert_int_eq(tt_frame_pop(&dec, NULL, &plen), TT_ERR_ARG);
    ck_assert_int_eq(tt_frame_pop(&dec, &p, NULL), TT_ERR_ARG);
}
END_TEST

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* [FRM-007] [FRM-008]: random frames separated by random garbage free of SYNC0, cut into
 * random pieces: every frame comes out, in order, and nothing else. */
START_TEST(test_random_streams)
{
    static uint8_t stream[12 * (TT_FRAME_MAX_PAYLOAD + 64)], payloads[MAX_FRAMES][TT_FRAME_MAX_PAYLOAD];
    static size_t plens[MAX_FRAMES], cuts[sizeof stream];
    for (int iter = 0; iter < 300; iter++) {
        size_t len = 0, nframes = 1 + rnd() % 10;
        for (size_t i = 0; i < nframes; i++) {
            size_t garbage = rnd() % 4 == 0 ? rnd() % 50 : 0;
            for (size_t g = 0; g < garbage; g++) {
                uint8_t b = (uint8_t)rnd();
                stream[len++] = b == TT_FRAME_SYNC0 ? 0 : b;
            }
            plens[i] = 1 + (rnd() % 8 == 0 ? rnd() % TT_FRAME_MAX_PAYLOAD : rnd() % 40);
            for (size_t k = 0; k < plens[i]; k++)
                payloads[i][k] = (uint8_t)rnd();
            size_t flen;
            ck_assert_int_eq(tt_frame_encode(payloads[i], plens[i], stream + len,
                                             sizeof stream - len, &flen), TT_OK);
            len += flen;
        }
        size_t ncuts = 0;
        for (size_t at = rnd() % 64; at < len; at += 1 + rnd() % 200)
            cuts[ncuts++] = at;
        decode_cuts(&dec, stream, len, cuts, ncuts, &res);
        ck_assert_uint_eq(res.n, nframes);
        for (size_t i = 0; i < nframes; i++) {
            ck_assert_uint_eq(res.lens[i], plens[i]);
            ck_assert_mem_eq(res.data[i], payloads[i], plens[i]);
        }
        ck_assert_uint_eq(dec.stats.bad_header + dec.stats.bad_length + dec.stats.bad_crc, 0);
        ck_assert_uint_eq(dec.have, 0);
    }
}
END_TEST

/* Pure noise never produces a frame (with overwhelming probability), never overflows, and
 * leaves the decoder able to decode the next good frame once the noise's false candidates
 * have run out of bytes. */
START_TEST(test_noise_then_frame)
{
    static uint8_t noise[20000], frame[64];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (uint8_t)(rnd() % 3 == 0 ? (i % 2 ? TT_FRAME_SYNC1 : TT_FRAME_SYNC0) : rnd());
    tt_frame_decoder_init(&dec);
    memset(&res, 0, sizeof res);
    feed(&dec, noise, sizeof noise, &res);
    ck_assert_uint_eq(res.n, 0);
    /* Flush any pending false candidate with a run of zeros longer than a frame. */
    static uint8_t zeros[TT_FRAME_MAX_PAYLOAD + TT_FRAME_OVERHEAD];
    feed(&dec, zeros, sizeof zeros, &res);
    ck_assert_uint_eq(dec.have, 0);
    const uint8_t p[] = {9, 8, 7};
    size_t flen;
    ck_assert_int_eq(tt_frame_encode(p, 3, frame, sizeof frame, &flen), TT_OK);
    feed(&dec, frame, flen, &res);
    ck_assert_uint_eq(res.n, 1);
    ck_assert_mem_eq(res.data[0], p, 3);
}
END_TEST

/* [FRM-013]: after a flood of valid headers claiming 1400 bytes, a real frame is held back
 * by the flood's last false candidates (each waits for its 1409 bytes) — the deterministic
 * bound without an idle link: about 1400 more bytes. Once the link is idle,
 * tt_frame_decoder_idle gives them up and the frame buffered behind them is delivered. */
START_TEST(test_idle_releases_frame_behind_false_headers)
{
    static uint8_t flood[4000], frame[256];
    uint8_t h[5] = {TT_FRAME_SYNC0, TT_FRAME_SYNC1, 0x05, 0x78, 0};
    h[4] = tt_crc8_smbus(h + 2, 2);
    for (size_t i = 0; i < sizeof flood; i++)
        flood[i] = h[i % 5];
    uint8_t p[200];
    for (size_t i = 0; i < sizeof p; i++)
        p[i] = (uint8_t)(i * 7 + 1);
    size_t flen;
    ck_assert_int_eq(tt_frame_encode(p, sizeof p, frame, sizeof frame, &flen), TT_OK);
    for (int with_idle = 0; with_idle < 2; with_idle++) {
        tt_frame_decoder_init(&dec);
        memset(&res, 0, sizeof res);
        feed(&dec, flood, sizeof flood, &res);
        feed(&dec, frame, flen, &res);
        ck_assert_uint_eq(res.n, 0); /* held back behind the false candidates */
        if (with_idle) {
            tt_frame_decoder_idle(&dec);
            const uint8_t *got;
            size_t glen;
            ck_assert_int_eq(tt_frame_pop(&dec, &got, &glen), TT_OK);
            ck_assert_uint_eq(glen, sizeof p);
            ck_assert_mem_eq(got, p, sizeof p);
            ck_assert_int_eq(tt_frame_pop(&dec, &got, &glen), TT_ERR_FRAME_NONE);
            ck_assert_uint_eq(dec.have, 0);
            ck_assert_uint_gt(dec.stats.abandoned, 0);
            ck_assert_int_eq(dec.last_error, TT_ERR_FRAME_LENGTH);
            continue;
        }
        /* without it, the bytes the parser still needs before the frame comes out */
        static const uint8_t zero[1];
        size_t more = 0;
        while (res.n == 0 && more < 2000) {
            feed(&dec, zero, 1, &res);
            more++;
        }
        ck_assert_uint_eq(res.n, 1);
        ck_assert_uint_gt(more, 1000);
        ck_assert_uint_le(more, TT_FRAME_MAX_PAYLOAD + TT_FRAME_OVERHEAD);
    }
    /* idle with nothing buffered, or with only a partial real frame: nothing is delivered */
    tt_frame_decoder_init(&dec);
    memset(&res, 0, sizeof res);
    tt_frame_decoder_idle(&dec);
    feed(&dec, frame, flen - 1, &res);
    tt_frame_decoder_idle(&dec);
    ck_assert_uint_eq(dec.have, 0);
    feed(&dec, frame, flen, &res); /* the next frame decodes */
    ck_assert_uint_eq(res.n, 1);
}
END_TEST

/* [FRM-013]: the frame-end watch says "now" on exactly the last byte of each frame of a
 * stream of frames and garbage (no frame start inside the garbage), never during garbage
 * alone, and again after a header it rejects. */
START_TEST(test_watch_marks_frame_ends)
{
    static uint8_t stream[40000];
    static size_t ends[64];
    size_t len = 0, nends = 0;
    for (unsigned i = 0; i < 40; i++) {
        size_t g = rnd() % 300;
        for (size_t k = 0; k < g; k++) {
            uint8_t b = (uint8_t)rnd();
            if (b == TT_FRAME_SYNC0)
                b = 0; /* garbage with no SYNC: the watch must stay quiet through it */
            stream[len++] = b;
        }
        if (i % 7 == 3) { /* a header that fails its check: rejected, then a real frame */
            const uint8_t badh[5] = {TT_FRAME_SYNC0, TT_FRAME_SYNC1, 0x00, 0x10, 0x00};
            memcpy(stream + len, badh, 5);
            len += 5;
        }
        uint8_t p[TT_FRAME_MAX_PAYLOAD];
        size_t pl = 1 + rnd() % (i % 5 == 0 ? TT_FRAME_MAX_PAYLOAD : 60), fl;
        for (size_t k = 0; k < pl; k++)
            p[k] = (uint8_t)rnd();
        ck_assert_int_eq(tt_frame_encode(p, pl, stream + len, sizeof stream - len, &fl), TT_OK);
        len += fl;
        ends[nends++] = len - 1;
    }
    struct tt_frame_watch w;
    tt_frame_watch_init(&w);
    size_t seen = 0;
    for (size_t i = 0; i < len; i++)
        if (tt_frame_watch_byte(&w, stream[i])) {
            ck_assert_uint_lt(seen, nends);
            ck_assert_uint_eq(i, ends[seen]);
            seen++;
        }
    ck_assert_uint_eq(seen, nends);
}
END_TEST

static Suite *framing_suite(void)
{
    Suite *s = suite_create("framing");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_crc_check_values);
    tcase_add_test(tc, test_vectors_good);
    tcase_add_test(tc, test_vectors_bad);
    tcase_add_test(tc, test_encode_bad_input);
    tcase_add_test(tc, test_every_bit_flip);
    tcase_add_test(tc, test_push_stops_at_frame_end);
    tcase_add_test(tc, test_random_streams);
    tcase_add_test(tc, test_noise_then_frame);
    tcase_add_test(tc, test_idle_releases_frame_behind_false_headers);
    tcase_add_test(tc, test_watch_marks_frame_ends);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(framing_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
