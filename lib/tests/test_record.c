/* test_record.c — Check tests of packet parsing and transport records (lib/record), run on
 * both crypto backends (libsodium and mbedTLS) and across them.
 *
 * Requirement IDs used here (for the spec writer; see /tmp/ids-framing-record-reliable.md):
 *   PKT-001 the first byte is the packet type: 0x01 initiation, 0x02 response, 0x03 record;
 *           any other type is rejected (pkt-type)
 *   PKT-002 initiation = type ‖ sender_id (BE32) ‖ Noise msg1; length 101 + n
 *   PKT-003 response = type ‖ sender_id ‖ receiver_id ‖ Noise msg2; length 57 + n
 *   PKT-004 record = type ‖ receiver_id (BE32) ‖ seq (BE64) ‖ ciphertext ‖ tag; length 29 + n
 *   PKT-005 no packet exceeds 1400 bytes; a length the type does not allow is rejected
 *           (pkt-length)
 *   REC-001 a record is addressed to the receiver's session id
 *   REC-002 ChaCha20-Poly1305 with the direction's key, nonce = seq (4 zero bytes ‖ seq LE64),
 *           AD = the 13 header bytes
 *   REC-003 seq starts at 0 and increases by one per record sent; never reused
 *   REC-004 a record whose receiver_id is not the local session id is rejected (rec-session)
 *   REC-005 a record whose tag fails (any corrupted bit, wrong key) is rejected (rec-auth)
 *   REC-006 replay window of 64: a seq already accepted or older than the window is
 *           rejected (rec-replay); records reordered within the window are accepted once
 *   REC-007 the window advances only after the tag verifies; a rejected record changes no
 *           receiver state
 *   REC-008 the sender must rekey after REKEY_AFTER_RECORDS (2^48) records or
 *           REKEY_AFTER_TIME (3600 s)
 *   REC-009 no record is sent or accepted at seq >= REJECT_AFTER_RECORDS (2^60) or after
 *           REJECT_AFTER_TIME (3900 s) (rec-expired)
 *   REC-010 record plaintext <= 1371 bytes (rec-too-large)
 * The last test runs the whole stack (FRM + REC + REL) over a corrupting, cutting byte
 * stream: [REL-012] with [REC-003] (retransmissions in new records; verbatim replays of old
 * frames are refused by the window) and [FRM-007].
 * Vectors: spec/vectors/record.txt (tools/gen-vectors-framing-record.py, OpenSSL). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tether/bytes.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"
#include "tether/record.h"
#include "tether/reliable.h"
#include "vecfile.h"

static const struct tt_crypto *const backends[] = {&tt_crypto_sodium, &tt_crypto_mbedtls};
#define NBACKENDS 2

#define ALICE_ID 0x11111111u
#define BOB_ID 0x22222222u
#define T0 1000000u

static struct tt_record_session alice, bob;
static uint8_t rec[TT_PKT_MAX_LEN + 64], pt[TT_PKT_MAX_LEN + 64];
static size_t reclen, ptlen;

/* alice sends with k1 and receives with k2, bob the reverse (as after Noise's Split()). */
static void pair(const struct tt_crypto *ca, const struct tt_crypto *cb,
                 const struct tt_record_limits *limits)
{
    struct tt_record_keys ka, kb;
    for (int i = 0; i < 32; i++) {
        ka.send[i] = kb.recv[i] = (uint8_t)(0xA0 + i);
        ka.recv[i] = kb.send[i] = (uint8_t)(0x30 + 3 * i);
    }
    ck_assert_int_eq(tt_record_session_init(&alice, ca, &ka, ALICE_ID, BOB_ID, T0, limits), TT_OK);
    ck_assert_int_eq(tt_record_session_init(&bob, cb, &kb, BOB_ID, ALICE_ID, T0, limits), TT_OK);
}

static void seal_alice_at(uint64_t seq, const char *msg)
{
    alice.send_seq = seq;
    ck_assert_int_eq(tt_record_seal(&alice, T0, (const uint8_t *)msg, strlen(msg), rec,
                                    sizeof rec, &reclen), TT_OK);
}

static void open_bob_ok(uint64_t now, const uint8_t *r, size_t len, const char *want)
{
    ck_assert_int_eq(tt_record_open(&bob, now, r, len, pt, sizeof pt, &ptlen), TT_OK);
    ck_assert_uint_eq(ptlen, strlen(want));
    ck_assert_mem_eq(pt, want, ptlen);
}

/* [REC-007] Every rejection: the expected error, the session byte-for-byte unchanged, and no
 * plaintext left in out. */
static void expect_reject(struct tt_record_session *s, uint64_t now, const uint8_t *r,
                          size_t len, tt_err want, const char *what)
{
    struct tt_record_session before;
    memcpy(&before, s, sizeof before);
    static uint8_t out[TT_PKT_MAX_LEN];
    memset(out, 0xEE, sizeof out);
    size_t outlen = 4242;
    tt_err e = tt_record_open(s, now, r, len, out, sizeof out, &outlen);
    ck_assert_msg(e == want, "%s (%s): got %d, want %d", what, s->crypto->name, e, want);
    ck_assert_msg(memcmp(&before, s, sizeof before) == 0, "%s changed the session", what);
    ck_assert_uint_eq(outlen, 4242);
    size_t leftover = 0; /* one assertion, not one per byte: Check logs every assertion */
    for (size_t i = 0; i < sizeof out; i++)
        leftover += out[i] != 0xEE && out[i] != 0;
    ck_assert_msg(leftover == 0, "%s left bytes in out", what);
}

/* ---- packets ---- */

START_TEST(test_packet_parse) /* [PKT-001] .. [PKT-005] */
{
    static uint8_t p[TT_PKT_MAX_LEN + 2];
    for (size_t i = 0; i < sizeof p; i++)
        p[i] = (uint8_t)(i * 7);
    static const struct {
        uint8_t type;
        size_t len;
        tt_err want;
    } cases[] = {
        {0x01, 100, TT_ERR_PKT_LENGTH}, {0x01, 101, TT_OK}, {0x01, 1400, TT_OK},
        {0x01, 1401, TT_ERR_PKT_LENGTH}, {0x01, 5, TT_ERR_PKT_LENGTH}, {0x01, 1, TT_ERR_PKT_LENGTH},
        {0x02, 56, TT_ERR_PKT_LENGTH}, {0x02, 57, TT_OK}, {0x02, 1400, TT_OK},
        {0x02, 1401, TT_ERR_PKT_LENGTH}, {0x02, 9, TT_ERR_PKT_LENGTH},
        {0x03, 28, TT_ERR_PKT_LENGTH}, {0x03, 29, TT_OK}, {0x03, 1400, TT_OK},
        {0x03, 1401, TT_ERR_PKT_LENGTH}, {0x03, 13, TT_ERR_PKT_LENGTH}, {0x03, 1, TT_ERR_PKT_LENGTH},
        {0x04, 24, TT_ERR_PKT_LENGTH}, {0x04, 25, TT_OK}, {0x04, 26, TT_ERR_PKT_LENGTH}, /* PKT-010 */
        {0x04, 29, TT_ERR_PKT_LENGTH}, {0x04, 1, TT_ERR_PKT_LENGTH},
        {0x00, 29, TT_ERR_PKT_TYPE}, {0x05, 29, TT_ERR_PKT_TYPE}, {0x83, 29, TT_ERR_PKT_TYPE},
        {0xFF, 1, TT_ERR_PKT_TYPE}, {0x13, 1400, TT_ERR_PKT_TYPE}, {0x00, 1402, TT_ERR_PKT_TYPE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p[0] = cases[i].type;
        struct tt_packet out, sentinel;
        memset(&sentinel, 0x5A, sizeof sentinel);
        out = sentinel;
        tt_err e = tt_packet_parse(p, cases[i].len, &out);
        ck_assert_msg(e == cases[i].want, "case %zu: type %02x len %zu: %d", i, cases[i].type,
                      cases[i].len, e);
        if (e != TT_OK) {
            ck_assert(memcmp(&out, &sentinel, sizeof out) == 0);
            continue;
        }
        ck_assert_uint_eq(out.type, cases[i].type);
        size_t header = out.type == 1 || out.type == 4 ? 5 : out.type == 2 ? 9 : 13;
        ck_assert(out.body == p + header);
        ck_assert_uint_eq(out.body_len, cases[i].len - header);
        ck_assert_uint_eq(out.sender_id, out.type != 3 ? tt_load_be32(p + 1) : 0);
        ck_assert_uint_eq(out.receiver_id, out.type == 2 ? tt_load_be32(p + 5)
                                           : out.type == 3 ? tt_load_be32(p + 1) : 0);
        ck_assert(out.seq == (out.type == 3 ? tt_load_be64(p + 5) : 0));
    }
    struct tt_packet out;
    ck_assert_int_eq(tt_packet_parse(p, 0, &out), TT_ERR_PKT_LENGTH);
    ck_assert_int_eq(tt_packet_parse(NULL, 0, &out), TT_ERR_PKT_LENGTH);
    ck_assert_int_eq(tt_packet_parse(NULL, 5, &out), TT_ERR_ARG);
    ck_assert_int_eq(tt_packet_parse(p, 29, NULL), TT_ERR_ARG);
}
END_TEST

/* ---- vectors ---- */

static tt_err err_by_name(const char *n)
{
    static const struct {
        const char *name;
        tt_err e;
    } names[] = {{"pkt-type", TT_ERR_PKT_TYPE}, {"pkt-length", TT_ERR_PKT_LENGTH},
                 {"rec-session", TT_ERR_REC_SESSION}, {"rec-auth", TT_ERR_REC_AUTH},
                 {"rec-replay", TT_ERR_REC_REPLAY}, {"rec-expired", TT_ERR_REC_EXPIRED}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(n, names[i].name) == 0)
            return names[i].e;
    ck_abort_msg("unknown error name %s", n);
    return TT_OK;
}

START_TEST(test_vectors) /* [PKT-004] [REC-001] [REC-002] [REC-004] [REC-005] [REC-009] */
{
    const struct tt_crypto *c = backends[_i];
    FILE *f = vec_open("record.txt");
    static struct vec v;
    static uint8_t want[TT_PKT_MAX_LEN + 64], plain[TT_PKT_MAX_LEN];
    int seals = 0, bads = 0;
    while (vec_next(f, &v)) {
        struct tt_record_keys k;
        memset(&k, 0, sizeof k);
        const char *kind = vec_get(&v, "kind");
        if (strcmp(kind, "seal") == 0) {
            ck_assert_uint_eq(vec_hex(vec_get(&v, "key"), k.send, 32), 32);
            uint32_t rid = (uint32_t)vec_u64(vec_get(&v, "receiver_id"));
            size_t plen = vec_hex(vec_get(&v, "plaintext"), plain, sizeof plain);
            size_t wlen = vec_hex(vec_get(&v, "record"), want, sizeof want);
            ck_assert_int_eq(tt_record_session_init(&alice, c, &k, 7, rid, T0, NULL), TT_OK);
            alice.send_seq = vec_u64(vec_get(&v, "seq"));
            ck_assert_int_eq(tt_record_seal(&alice, T0, plain, plen, rec, sizeof rec, &reclen), TT_OK);
            ck_assert_msg(reclen == wlen && memcmp(rec, want, wlen) == 0, "%s: %s seal differs",
                          vec_get(&v, "name"), c->name);
            memcpy(k.recv, k.send, 32);
            ck_assert_int_eq(tt_record_session_init(&bob, c, &k, rid, 7, T0, NULL), TT_OK);
            ck_assert_int_eq(tt_record_open(&bob, T0, want, wlen, pt, sizeof pt, &ptlen), TT_OK);
            ck_assert_uint_eq(ptlen, plen);
            ck_assert_mem_eq(pt, plain, plen);
            seals++;
        } else {
            ck_assert_str_eq(kind, "open-bad");
            ck_assert_uint_eq(vec_hex(vec_get(&v, "key"), k.recv, 32), 32);
            uint32_t lid = (uint32_t)vec_u64(vec_get(&v, "local_id"));
            size_t wlen = vec_hex(vec_get(&v, "packet"), want, sizeof want);
            ck_assert_int_eq(tt_record_session_init(&bob, c, &k, lid, 7, T0, NULL), TT_OK);
            expect_reject(&bob, T0, want, wlen, err_by_name(vec_get(&v, "error")),
                          vec_get(&v, "name"));
            bads++;
        }
    }
    fclose(f);
    ck_assert_int_ge(seals, 5);
    ck_assert_int_ge(bads, 15);
}
END_TEST

/* ---- records ---- */

START_TEST(test_round_trip) /* [REC-001] [REC-002] [REC-003] [REC-010] */
{
    /* _i: 0 sodium<->sodium, 1 mbedtls<->mbedtls, 2 sodium->mbedtls, 3 mbedtls->sodium. */
    pair(backends[_i < 2 ? _i : _i - 2], backends[_i < 2 ? _i : 3 - _i], NULL);
    static uint8_t msg[TT_RECORD_MAX_PLAINTEXT];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i ^ 0x5A);
    const size_t sizes[] = {0, 1, 9, 100, 1000, TT_RECORD_MAX_PLAINTEXT};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ck_assert_int_eq(tt_record_seal(&alice, T0, msg, sizes[i], rec, sizeof rec, &reclen), TT_OK);
        ck_assert_uint_eq(reclen, sizes[i] + TT_RECORD_OVERHEAD);
        ck_assert_uint_eq(rec[0], TT_PKT_RECORD);
        ck_assert_uint_eq(tt_load_be32(rec + 1), BOB_ID);
        ck_assert(tt_load_be64(rec + 5) == i);
        ck_assert(alice.send_seq == i + 1);
        ck_assert_int_eq(tt_record_open(&bob, T0, rec, reclen, pt, sizeof pt, &ptlen), TT_OK);
        ck_assert_uint_eq(ptlen, sizes[i]);
        ck_assert_mem_eq(pt, msg, sizes[i]);
        /* And back, in place both ways. */
        memcpy(rec + TT_RECORD_HEADER_LEN, msg, sizes[i]);
        ck_assert_int_eq(tt_record_seal(&bob, T0, rec + TT_RECORD_HEADER_LEN, sizes[i], rec,
                                        sizeof rec, &reclen), TT_OK);
        ck_assert_uint_eq(tt_load_be32(rec + 1), ALICE_ID);
        ck_assert_int_eq(tt_record_open(&alice, T0, rec, reclen, rec + TT_RECORD_HEADER_LEN,
                                        sizeof rec - TT_RECORD_HEADER_LEN, &ptlen), TT_OK);
        ck_assert_uint_eq(ptlen, sizes[i]);
        ck_assert_mem_eq(rec + TT_RECORD_HEADER_LEN, msg, sizes[i]);
    }
}
END_TEST

START_TEST(test_seal_bad_input) /* [REC-009] [REC-010] */
{
    pair(backends[_i], backends[_i], NULL);
    static uint8_t msg[TT_RECORD_MAX_PLAINTEXT + 1];
    struct tt_record_session before = alice;
    static const struct {
        size_t len, cap;
        tt_err want;
    } cases[] = {
        {TT_RECORD_MAX_PLAINTEXT + 1, sizeof rec, TT_ERR_REC_TOO_LARGE},
        {(size_t)-1, sizeof rec, TT_ERR_REC_TOO_LARGE},
        {0, 28, TT_ERR_NO_SPACE},
        {10, 38, TT_ERR_NO_SPACE},
        {TT_RECORD_MAX_PLAINTEXT, TT_PKT_MAX_LEN - 1, TT_ERR_NO_SPACE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(tt_record_seal(&alice, T0, msg, cases[i].len, rec, cases[i].cap, &reclen),
                         cases[i].want);
        ck_assert_mem_eq(&before, &alice, sizeof alice);
    }
    ck_assert_int_eq(tt_record_seal(&alice, T0, NULL, 1, rec, sizeof rec, &reclen), TT_ERR_ARG);
    ck_assert_int_eq(tt_record_seal(&alice, T0, msg, 1, NULL, sizeof rec, &reclen), TT_ERR_ARG);
    ck_assert_int_eq(tt_record_seal(&alice, T0, msg, 1, rec, sizeof rec, NULL), TT_ERR_ARG);
    ck_assert_mem_eq(&before, &alice, sizeof alice);
    struct tt_record_keys k = {{0}, {0}};
    ck_assert_int_eq(tt_record_session_init(&alice, backends[_i], &k, 0, 1, 0, NULL), TT_ERR_ARG);
    ck_assert_int_eq(tt_record_session_init(&alice, backends[_i], &k, 1, 0, 0, NULL), TT_ERR_ARG);
    ck_assert_int_eq(tt_record_session_init(&alice, NULL, &k, 1, 2, 0, NULL), TT_ERR_ARG);
}
END_TEST

/* Expected result of opening a fresh session's copy of rec with bit `bit` of byte `pos`
 * flipped (rec: seq 5, 20-byte plaintext, 49 bytes). */
static tt_err flip_expectation(size_t pos, int bit)
{
    if (pos == 0) {
        uint8_t t = (uint8_t)(TT_PKT_RECORD ^ (1u << bit));
        return t == TT_PKT_INITIATION || t == TT_PKT_RESPONSE ? TT_ERR_PKT_LENGTH : TT_ERR_PKT_TYPE;
    }
    if (pos < 5)
        return TT_ERR_REC_SESSION;
    if (pos < 13) {
        uint64_t seq = 5 ^ ((uint64_t)1 << (8 * (12 - pos) + (size_t)bit));
        return seq >= TT_REJECT_AFTER_RECORDS ? TT_ERR_REC_EXPIRED : TT_ERR_REC_AUTH;
    }
    return TT_ERR_REC_AUTH;
}

START_TEST(test_open_rejections) /* [REC-004] [REC-005] [REC-006] [REC-007] [PKT-005] */
{
    const struct tt_crypto *c = backends[_i];
    pair(c, c, NULL);
    seal_alice_at(5, "twenty bytes of text");
    ck_assert_uint_eq(reclen, 49);
    uint8_t good[64];
    size_t glen = reclen;
    memcpy(good, rec, reclen);

    /* Every single-bit corruption of header, ciphertext and tag. */
    for (size_t pos = 0; pos < glen; pos++)
        for (int bit = 0; bit < 8; bit++) {
            uint8_t bad[64];
            memcpy(bad, good, glen);
            bad[pos] ^= (uint8_t)(1u << bit);
            char what[48];
            snprintf(what, sizeof what, "flip byte %zu bit %d", pos, bit);
            expect_reject(&bob, T0, bad, glen, flip_expectation(pos, bit), what);
        }
    /* Truncated at every length, wrong types, oversized, wrong receiver. */
    for (size_t len = 0; len < glen; len++)
        expect_reject(&bob, T0, good, len, len < 29 ? TT_ERR_PKT_LENGTH : TT_ERR_REC_AUTH, "truncated");
    static uint8_t big[TT_PKT_MAX_LEN + 1];
    memcpy(big, good, 13);
    expect_reject(&bob, T0, big, sizeof big, TT_ERR_PKT_LENGTH, "oversized");
    expect_reject(&bob, T0, big, sizeof big - 1, TT_ERR_REC_AUTH, "max size forged");
    const uint8_t types[] = {0x00, 0x05, 0x80, 0xFF};
    for (size_t i = 0; i < sizeof types; i++) {
        uint8_t bad[64];
        memcpy(bad, good, glen);
        bad[0] = types[i];
        expect_reject(&bob, T0, bad, glen, TT_ERR_PKT_TYPE, "wrong type");
    }
    expect_reject(&alice, T0, good, glen, TT_ERR_REC_SESSION, "addressed to the other side");
    /* Wrong key: a session whose receive key differs. */
    struct tt_record_session other = bob;
    other.keys.recv[0] ^= 1;
    expect_reject(&other, T0, good, glen, TT_ERR_REC_AUTH, "wrong key");
    /* Output too small for the plaintext. */
    struct tt_record_session before = bob;
    ck_assert_int_eq(tt_record_open(&bob, T0, good, glen, pt, 19, &ptlen), TT_ERR_NO_SPACE);
    ck_assert_mem_eq(&before, &bob, sizeof bob);
    ck_assert_int_eq(tt_record_open(&bob, T0, NULL, glen, pt, sizeof pt, &ptlen), TT_ERR_ARG);
    ck_assert_int_eq(tt_record_open(&bob, T0, good, glen, NULL, sizeof pt, &ptlen), TT_ERR_ARG);
    ck_assert_int_eq(tt_record_open(&bob, T0, good, glen, pt, sizeof pt, NULL), TT_ERR_ARG);
    ck_assert_mem_eq(&before, &bob, sizeof bob);

    /* The good record still opens after all that, exactly once. */
    open_bob_ok(T0, good, glen, "twenty bytes of text");
    expect_reject(&bob, T0, good, glen, TT_ERR_REC_REPLAY, "replayed");
}
END_TEST

START_TEST(test_replay_window) /* [REC-006] [REC-007] */
{
    const struct tt_crypto *c = backends[_i];
    pair(c, c, NULL);
    static uint8_t recs[64][64];
    static size_t lens[64];
    for (uint64_t s = 0; s < 64; s++) {
        seal_alice_at(s, "m");
        memcpy(recs[s], rec, reclen);
        lens[s] = reclen;
    }
    /* Reordered within the window: a fixed permutation, each accepted once. */
    for (unsigned k = 0; k < 64; k++) {
        unsigned s = (k * 37u + 11u) % 64u;
        open_bob_ok(T0, recs[s], lens[s], "m");
        expect_reject(&bob, T0, recs[s], lens[s], TT_ERR_REC_REPLAY, "reordered replay");
    }
    for (unsigned s = 0; s < 64; s++)
        expect_reject(&bob, T0, recs[s], lens[s], TT_ERR_REC_REPLAY, "all seen");

    /* Jump to 200: 136 is 64 behind (outside, though never seen), 137..199 are inside. */
    seal_alice_at(200, "two hundred");
    open_bob_ok(T0, rec, reclen, "two hundred");
    seal_alice_at(136, "old");
    expect_reject(&bob, T0, rec, reclen, TT_ERR_REC_REPLAY, "too old");
    seal_alice_at(63, "older");
    expect_reject(&bob, T0, rec, reclen, TT_ERR_REC_REPLAY, "much too old");
    seal_alice_at(137, "edge");
    open_bob_ok(T0, rec, reclen, "edge");
    expect_reject(&bob, T0, rec, reclen, TT_ERR_REC_REPLAY, "edge replay");
    seal_alice_at(199, "late");
    open_bob_ok(T0, rec, reclen, "late");

    /* A forged record far ahead must not advance the window (tag checked first). */
    seal_alice_at(100000, "forged");
    rec[reclen - 1] ^= 0x80;
    expect_reject(&bob, T0, rec, reclen, TT_ERR_REC_AUTH, "forged far ahead");
    seal_alice_at(198, "still inside");
    open_bob_ok(T0, rec, reclen, "still inside");

    /* A genuine jump far ahead slides the window past everything before it. */
    seal_alice_at(100000, "far");
    open_bob_ok(T0, rec, reclen, "far");
    seal_alice_at(99936, "behind 64");
    expect_reject(&bob, T0, rec, reclen, TT_ERR_REC_REPLAY, "behind 64 after jump");
    seal_alice_at(99937, "behind 63");
    open_bob_ok(T0, rec, reclen, "behind 63");
    seal_alice_at(201, "ancient");
    expect_reject(&bob, T0, rec, reclen, TT_ERR_REC_REPLAY, "ancient");
}
END_TEST

START_TEST(test_expiry) /* [REC-009] */
{
    const struct tt_crypto *c = backends[_i];
    struct tt_record_limits l;
    tt_record_limits_default(&l);
    l.reject_after_records = 5;
    l.reject_after_s = 100;
    pair(c, c, &l);
    /* By count: seq 0..4 usable, the 6th record is refused on both sides. */
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(tt_record_seal(&alice, T0, (const uint8_t *)"x", 1, rec, sizeof rec, &reclen), TT_OK);
        open_bob_ok(T0, rec, reclen, "x");
    }
    struct tt_record_session before = alice;
    ck_assert_int_eq(tt_record_seal(&alice, T0, (const uint8_t *)"x", 1, rec, sizeof rec, &reclen),
                     TT_ERR_REC_EXPIRED);
    ck_assert_mem_eq(&before, &alice, sizeof alice);
    alice.limits.reject_after_records = 6; /* let the sender produce seq 5 anyway */
    ck_assert_int_eq(tt_record_seal(&alice, T0, (const uint8_t *)"x", 1, rec, sizeof rec, &reclen), TT_OK);
    expect_reject(&bob, T0, rec, reclen, TT_ERR_REC_EXPIRED, "seq at reject-after");

    /* By time: fine until created + 99 s, refused from created + 100 s, both directions. */
    pair(c, c, &l);
    ck_assert_int_eq(tt_record_seal(&alice, T0 + 99, (const uint8_t *)"t", 1, rec, sizeof rec, &reclen), TT_OK);
    uint8_t keep[64];
    size_t klen = reclen;
    memcpy(keep, rec, reclen);
    expect_reject(&bob, T0 + 100, keep, klen, TT_ERR_REC_EXPIRED, "expired by time");
    expect_reject(&bob, UINT64_MAX, keep, klen, TT_ERR_REC_EXPIRED, "far future");
    open_bob_ok(T0 + 99, keep, klen, "t");
    before = alice;
    ck_assert_int_eq(tt_record_seal(&alice, T0 + 100, (const uint8_t *)"t", 1, rec, sizeof rec, &reclen),
                     TT_ERR_REC_EXPIRED);
    ck_assert_mem_eq(&before, &alice, sizeof alice);
    /* A clock that steps back counts as age 0, not as a huge age or a wrap. */
    ck_assert_int_eq(tt_record_seal(&alice, T0 - 500, (const uint8_t *)"b", 1, rec, sizeof rec, &reclen), TT_OK);
    open_bob_ok(0, rec, reclen, "b");
    /* seq never reaches UINT64_MAX even with limits disabled. */
    l.reject_after_records = UINT64_MAX;
    pair(c, c, &l);
    alice.send_seq = UINT64_MAX;
    ck_assert_int_eq(tt_record_seal(&alice, T0, (const uint8_t *)"x", 1, rec, sizeof rec, &reclen),
                     TT_ERR_REC_EXPIRED);
}
END_TEST

START_TEST(test_rekey_flags) /* [REC-008] */
{
    struct tt_record_limits l;
    tt_record_limits_default(&l);
    ck_assert(l.rekey_after_records == TT_REKEY_AFTER_RECORDS);
    ck_assert(l.reject_after_records == TT_REJECT_AFTER_RECORDS);
    ck_assert(l.rekey_after_s == TT_REKEY_AFTER_SECONDS);
    ck_assert(l.reject_after_s == TT_REJECT_AFTER_SECONDS);
    pair(backends[_i], backends[_i], NULL);
    ck_assert(memcmp(&alice.limits, &l, sizeof l) == 0);
    ck_assert_uint_eq(tt_record_needs_rekey(&alice, T0 + 3599), 0);
    ck_assert_uint_eq(tt_record_needs_rekey(&alice, T0 + 3600), TT_RECORD_REKEY_TIME);
    alice.send_seq = TT_REKEY_AFTER_RECORDS;
    ck_assert_uint_eq(tt_record_needs_rekey(&alice, T0), TT_RECORD_REKEY_RECORDS);

    l.rekey_after_records = 3;
    l.rekey_after_s = 10;
    pair(backends[_i], backends[_i], &l);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(tt_record_needs_rekey(&alice, T0), 0);
        ck_assert_int_eq(tt_record_seal(&alice, T0, (const uint8_t *)"r", 1, rec, sizeof rec, &reclen), TT_OK);
    }
    ck_assert_uint_eq(tt_record_needs_rekey(&alice, T0), TT_RECORD_REKEY_RECORDS);
    ck_assert_uint_eq(tt_record_needs_rekey(&alice, T0 + 10),
                      TT_RECORD_REKEY_RECORDS | TT_RECORD_REKEY_TIME);
    ck_assert_uint_eq(tt_record_needs_rekey(&bob, T0 + 9), 0);
    ck_assert_uint_eq(tt_record_needs_rekey(&bob, T0 + 10), TT_RECORD_REKEY_TIME);
    /* Rekey-after is advice: the session keeps working until the reject limits. */
    ck_assert_int_eq(tt_record_seal(&alice, T0 + 10, (const uint8_t *)"r", 1, rec, sizeof rec, &reclen), TT_OK);
    open_bob_ok(T0 + 10, rec, reclen, "r");
    tt_record_session_wipe(&alice);
    static const struct tt_record_session zero;
    ck_assert(memcmp(&alice, &zero, sizeof zero) == 0);
}
END_TEST


/* ---- the stack: framing + records + reliability over a bad byte stream ---- */

#define STACK_REQUESTS 40
#define STREAM_MAX 65536

struct end {
    struct tt_record_session rs;
    struct tt_rel rel;
    struct tt_rel_slot slots[TT_REL_DEFAULT_WINDOW];
    struct tt_frame_decoder dec;
    uint64_t sealed;
};

struct link {
    uint32_t rng;
    int up;
    uint8_t bytes[STREAM_MAX];
    size_t len;
    uint8_t last_frame[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD]; /* for verbatim replays */
    size_t last_len;
};

static uint32_t link_rand(struct link *l)
{
    l->rng ^= l->rng << 13;
    l->rng ^= l->rng >> 17;
    l->rng ^= l->rng << 5;
    return l->rng;
}

static struct end cli_end, dev_end;
static struct link to_dev, to_cli;
static unsigned stack_exec[STACK_REQUESTS + 1], stack_resp[STACK_REQUESTS + 1], replays_refused;
static unsigned frames_rejected; /* summed before each decoder reset */

static void reset_decoder(struct tt_frame_decoder *d)
{
    frames_rejected += d->stats.bad_crc + d->stats.bad_header + d->stats.bad_length;
    tt_frame_decoder_init(d);
}

/* envelope -> new record (new seq) -> frame -> the byte stream, which may lose or damage it. */
static void stack_send(struct end *e, struct link *l, const uint8_t *env, size_t envlen, uint64_t now_s)
{
    static uint8_t r[TT_PKT_MAX_LEN], f[TT_PKT_MAX_LEN + TT_FRAME_OVERHEAD];
    size_t rlen, flen;
    ck_assert_int_eq(tt_record_seal(&e->rs, now_s, env, envlen, r, sizeof r, &rlen), TT_OK);
    e->sealed++;
    ck_assert_int_eq(tt_frame_encode(r, rlen, f, sizeof f, &flen), TT_OK);
    if (!l->up || link_rand(l) % 5 == 0 || l->len + 2 * flen > STREAM_MAX)
        return;
    memcpy(l->bytes + l->len, f, flen);
    if (link_rand(l) % 7 == 0) /* line noise: one flipped bit */
        l->bytes[l->len + link_rand(l) % flen] ^= (uint8_t)(1u << (link_rand(l) % 8));
    if (link_rand(l) % 9 == 0) { /* an attacker or a confused relay replays an older frame */
        memcpy(l->bytes + l->len + flen, l->last_frame, l->last_len);
        l->len += l->last_len;
    }
    l->len += flen;
    memcpy(l->last_frame, f, flen);
    l->last_len = flen;
}

static void stack_pump(struct end *e, struct link *l, uint64_t now_ms)
{
    uint8_t env[TT_RECORD_MAX_PLAINTEXT];
    size_t elen;
    tt_err err;
    while ((err = tt_rel_retransmit_due(&e->rel, now_ms, env, sizeof env, &elen)) == TT_OK)
        stack_send(e, l, env, elen, now_ms / 1000);
    ck_assert_int_eq(err, TT_ERR_REL_NONE);
    if (tt_rel_ack_needed(&e->rel)) {
        ck_assert_int_eq(tt_rel_make_ack(&e->rel, env, sizeof env, &elen), TT_OK);
        stack_send(e, l, env, elen, now_ms / 1000);
    }
}

/* Feeds the stream to e in random pieces, opens each frame's record and hands the envelope
 * to e's reliability engine; the device executes requests and answers over `back`. */
static void stack_receive(struct end *e, struct link *l, struct link *back, uint64_t now_ms,
                          int is_device)
{
    size_t at = 0;
    while (at < l->len) {
        size_t n = 1 + link_rand(l) % 300, used;
        if (n > l->len - at)
            n = l->len - at;
        tt_err fe = tt_frame_push(&e->dec, l->bytes + at, n, &used);
        ck_assert(fe == TT_OK || fe == TT_ERR_FRAME_NONE);
        at += used;
        const uint8_t *frame;
        size_t flen;
        while (tt_frame_pop(&e->dec, &frame, &flen) == TT_OK) {
            static uint8_t env[TT_PKT_MAX_LEN];
            size_t elen;
            tt_err re = tt_record_open(&e->rs, now_ms / 1000, frame, flen, env, sizeof env, &elen);
            if (re == TT_ERR_REC_REPLAY) {
                replays_refused++;
                continue;
            }
            ck_assert_int_eq(re, TT_OK); /* framing caught all line noise before the AEAD */
            const uint8_t *body;
            size_t blen;
            if (is_device && tt_rel_window_full(&e->rel)) {
                /* No slot for a reply: take the ack, let the request be resent later. */
                ck_assert_int_eq(tt_rel_receive_ack_only(&e->rel, env, elen), TT_OK);
                continue;
            }
            tt_err le = tt_rel_receive(&e->rel, env, elen, &body, &blen);
            if (le != TT_OK) {
                ck_assert(le == TT_ERR_REL_NONE || le == TT_ERR_REL_DUPLICATE || le == TT_ERR_REL_GAP);
                continue;
            }
            ck_assert_uint_eq(blen, 4);
            uint32_t id = tt_load_be32(body);
            ck_assert(id >= 1 && id <= STACK_REQUESTS);
            if (!is_device) {
                stack_resp[id]++;
                continue;
            }
            stack_exec[id]++;
            uint8_t resp[TT_REL_HEADER_LEN + 4];
            size_t rlen;
            ck_assert_int_eq(tt_rel_send(&e->rel, body, 4, now_ms, resp, sizeof resp, &rlen), TT_OK);
            stack_send(e, back, resp, rlen, now_ms / 1000);
        }
    }
    l->len = 0;
}

START_TEST(test_stack_over_bad_stream) /* [REL-012] [REC-003] [REC-006] [FRM-007] */
{
    for (uint32_t seed = 1; seed <= 20; seed++) {
        memset(stack_exec, 0, sizeof stack_exec);
        memset(stack_resp, 0, sizeof stack_resp);
        pair(backends[0], backends[1], NULL); /* client libsodium, device mbedTLS */
        memset(&cli_end, 0, sizeof cli_end);
        memset(&dev_end, 0, sizeof dev_end);
        cli_end.rs = alice;
        dev_end.rs = bob;
        ck_assert_int_eq(tt_rel_init(&cli_end.rel, cli_end.slots, 4, 40), TT_OK);
        ck_assert_int_eq(tt_rel_init(&dev_end.rel, dev_end.slots, TT_REL_DEFAULT_WINDOW, 60), TT_OK);
        tt_frame_decoder_init(&cli_end.dec);
        tt_frame_decoder_init(&dev_end.dec);
        memset(&to_dev, 0, sizeof to_dev);
        memset(&to_cli, 0, sizeof to_cli);
        to_dev.rng = seed * 2654435761u;
        to_cli.rng = seed * 40503u + 7;
        to_dev.up = to_cli.up = 1;
        uint32_t next = 1;
        unsigned got = 0;
        uint64_t now = (uint64_t)T0 * 1000;
        for (int tick = 0; tick < 20000; tick++, now += 10) {
            if (got == STACK_REQUESTS && !tt_rel_unacked(&cli_end.rel) && !tt_rel_unacked(&dev_end.rel))
                break;
            if (to_dev.up && link_rand(&to_dev) % 50 == 0) { /* cut: both directions lose all */
                to_dev.up = to_cli.up = 0;
                to_dev.len = to_cli.len = 0;
            } else if (!to_dev.up && link_rand(&to_dev) % 8 == 0) {
                to_dev.up = to_cli.up = 1;
                reset_decoder(&cli_end.dec); /* a new connection starts a new stream */
                reset_decoder(&dev_end.dec);
                tt_rel_on_reconnect(&cli_end.rel);
                tt_rel_on_reconnect(&dev_end.rel);
            }
            if (next <= STACK_REQUESTS && tt_rel_unacked(&cli_end.rel) < 4) {
                uint8_t req[4], env[TT_REL_HEADER_LEN + 4];
                size_t elen;
                tt_store_be32(req, next++);
                ck_assert_int_eq(tt_rel_send(&cli_end.rel, req, 4, now, env, sizeof env, &elen), TT_OK);
                stack_send(&cli_end, &to_dev, env, elen, now / 1000);
            }
            stack_receive(&dev_end, &to_dev, &to_cli, now, 1);
            stack_receive(&cli_end, &to_cli, &to_dev, now, 0);
            got = 0;
            for (unsigned id = 1; id <= STACK_REQUESTS; id++)
                got += stack_resp[id] != 0;
            stack_pump(&cli_end, &to_dev, now);
            stack_pump(&dev_end, &to_cli, now);
        }
        for (unsigned id = 1; id <= STACK_REQUESTS; id++) {
            ck_assert_msg(stack_exec[id] == 1, "seed %u: request %u executed %u times", seed, id, stack_exec[id]);
            ck_assert_msg(stack_resp[id] == 1, "seed %u: response %u arrived %u times", seed, id, stack_resp[id]);
        }
        /* One seq per record ever sealed: retransmissions used new records. */
        ck_assert(cli_end.rs.send_seq == cli_end.sealed && dev_end.rs.send_seq == dev_end.sealed);
        ck_assert_uint_gt(cli_end.sealed, STACK_REQUESTS);
        reset_decoder(&cli_end.dec);
        reset_decoder(&dev_end.dec);
    }
    ck_assert_uint_gt(frames_rejected, 20); /* line noise happened, and never reached the AEAD */
    ck_assert_uint_gt(replays_refused, 20);
}
END_TEST

static Suite *record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_packet_parse);
    tcase_add_loop_test(tc, test_vectors, 0, NBACKENDS);
    tcase_add_loop_test(tc, test_round_trip, 0, 4);
    tcase_add_loop_test(tc, test_seal_bad_input, 0, NBACKENDS);
    tcase_add_loop_test(tc, test_open_rejections, 0, NBACKENDS);
    tcase_add_loop_test(tc, test_replay_window, 0, NBACKENDS);
    tcase_add_loop_test(tc, test_expiry, 0, NBACKENDS);
    tcase_add_loop_test(tc, test_rekey_flags, 0, NBACKENDS);
    tcase_add_test(tc, test_stack_over_bad_stream);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(record_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
