/* test_noise.c — the Noise IK engine (lib/noise) against the cacophony vectors, Tether's
 * own transcript vector, every backend pairing, and bad input.
 *
 * Backend pairings (_i of the loop tests): 0 libsodium↔libsodium, 1 mbedTLS↔mbedTLS,
 * 2 mbedTLS initiator ↔ libsodium responder, 3 libsodium initiator ↔ mbedTLS responder.
 * The cacophony file is converted at build time (tools/noise-vectors.py) from
 * spec/vectors/external/; its path comes in as TT_NOISE_CACOPHONY. Requirement IDs cited
 * are the handshake section's ([HS-*]) and SEC guarantees. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "noise_ik_run.h"
#include "tether/crypto_backends.h"
#include "tether/rng_mbedtls.h"
#include "tether/wire.h"
#include "vecfile.h"

#ifndef TT_NOISE_CACOPHONY
#error "build passes -DTT_NOISE_CACOPHONY=<path of the converted cacophony IK vectors>"
#endif

static struct tt_mbedtls_rng mb_rng;
static struct tt_crypto mb;
static const struct tt_crypto *pair[4][2];

static void setup(void)
{
    ck_assert_int_eq(tt_mbedtls_rng_init(&mb_rng, tt_entropy_host, NULL, NULL, 0), TT_OK);
    mb = tt_crypto_mbedtls;
    mb.rng_ctx = &mb_rng;
    const struct tt_crypto *sd = &tt_crypto_sodium;
    const struct tt_crypto *p[4][2] = {{sd, sd}, {&mb, &mb}, {&mb, sd}, {sd, &mb}};
    memcpy(pair, p, sizeof pair);
}

static void teardown(void)
{
    tt_mbedtls_rng_free(&mb_rng);
}

/* ---- cacophony: handshake and transport messages ([HS-001]) ---- */

struct msg {
    uint8_t payload[256], ct[256];
    size_t plen, ctlen;
};

static void run_cacophony(const struct tt_crypto *ci, const struct tt_crypto *cr, FILE *f,
                          struct vec *v)
{
    uint8_t prologue[64], si[32], ei[32], rs[32], sr[32], er[32], hh[32], pub[32];
    size_t prologue_len = vec_hex(vec_get(v, "init_prologue"), prologue, sizeof prologue);
    vec_hex(vec_get(v, "init_static"), si, 32);
    vec_hex(vec_get(v, "init_ephemeral"), ei, 32);
    vec_hex(vec_get(v, "init_remote_static"), rs, 32);
    vec_hex(vec_get(v, "resp_static"), sr, 32);
    vec_hex(vec_get(v, "resp_ephemeral"), er, 32);
    vec_hex(vec_get(v, "handshake_hash"), hh, 32);

    struct msg m[16];
    size_t nm = 0;
    while (vec_next(f, v) && strcmp(v->keys[0], "end") != 0) {
        ck_assert_uint_lt(nm, 16);
        m[nm].plen = vec_hex(vec_get(v, "payload"), m[nm].payload, sizeof m[nm].payload);
        m[nm].ctlen = vec_hex(vec_get(v, "ciphertext"), m[nm].ct, sizeof m[nm].ct);
        nm++;
    }
    ck_assert_uint_ge(nm, 2);

    struct tt_noise_hs hi, hr;
    uint8_t out[256], got[256], saw[32];
    size_t n;
    ck_assert_int_eq(tt_noise_ik_init_initiator(&hi, ci, prologue, prologue_len, si, rs), TT_OK);
    ck_assert_int_eq(tt_noise_ik_init_responder(&hr, cr, prologue, prologue_len, sr), TT_OK);

    ck_assert_int_eq(tt_noise_ik_write_msg1(&hi, ei, m[0].payload, m[0].plen, out, sizeof out, &n),
                     TT_OK);
    ck_assert_uint_eq(n, m[0].ctlen);
    ck_assert_mem_eq(out, m[0].ct, n);
    ck_assert_int_eq(tt_noise_ik_read_msg1(&hr, m[0].ct, m[0].ctlen, got, sizeof got, &n), TT_OK);
    ck_assert_uint_eq(n, m[0].plen);
    ck_assert_mem_eq(got, m[0].payload, n);
    ck_assert_int_eq(tt_noise_ik_remote_static(&hr, saw), TT_OK);
    ck_assert_int_eq(ci->x25519_public(pub, si), TT_OK);
    ck_assert_mem_eq(saw, pub, 32);

    ck_assert_int_eq(tt_noise_ik_write_msg2(&hr, er, m[1].payload, m[1].plen, out, sizeof out, &n),
                     TT_OK);
    ck_assert_uint_eq(n, m[1].ctlen);
    ck_assert_mem_eq(out, m[1].ct, n);
    ck_assert_int_eq(tt_noise_ik_read_msg2(&hi, m[1].ct, m[1].ctlen, got, sizeof got, &n), TT_OK);
    ck_assert_uint_eq(n, m[1].plen);
    ck_assert_mem_eq(got, m[1].payload, n);

    struct tt_noise_keys ki, kr;
    ck_assert_int_eq(tt_noise_split(&hi, &ki), TT_OK);
    ck_assert_int_eq(tt_noise_split(&hr, &kr), TT_OK);
    ck_assert_mem_eq(ki.handshake_hash, hh, 32);
    ck_assert_mem_eq(kr.handshake_hash, hh, 32);
    ck_assert_mem_eq(ki.send, kr.recv, 32); /* [HS-005] initiator sends with k1 */
    ck_assert_mem_eq(ki.recv, kr.send, 32);

    /* Transport: messages alternate i->r, r->i; counter nonces, empty AD. */
    struct tt_noise_cipher i_tx, i_rx, r_tx, r_rx;
    tt_noise_cipher_init(&i_tx, ki.send);
    tt_noise_cipher_init(&i_rx, ki.recv);
    tt_noise_cipher_init(&r_tx, kr.send);
    tt_noise_cipher_init(&r_rx, kr.recv);
    for (size_t k = 2; k < nm; k++) {
        int from_init = (k % 2) == 0;
        struct tt_noise_cipher *tx = from_init ? &i_tx : &r_tx, *rx = from_init ? &r_rx : &i_rx;
        const struct tt_crypto *ct = from_init ? ci : cr, *cx = from_init ? cr : ci;
        ck_assert_int_eq(tt_noise_cipher_encrypt(ct, tx, NULL, 0, m[k].payload, m[k].plen, out),
                         TT_OK);
        ck_assert_uint_eq(m[k].plen + 16, m[k].ctlen);
        ck_assert_mem_eq(out, m[k].ct, m[k].ctlen);
        ck_assert_int_eq(tt_noise_cipher_decrypt(cx, rx, NULL, 0, m[k].ct, m[k].ctlen, got), TT_OK);
        ck_assert_mem_eq(got, m[k].payload, m[k].plen);
    }
}

START_TEST(cacophony_ik)
{
    FILE *f = fopen(TT_NOISE_CACOPHONY, "r");
    ck_assert_msg(f != NULL, "cannot open %s", TT_NOISE_CACOPHONY);
    static struct vec v;
    int count = 0;
    while (vec_next(f, &v)) {
        run_cacophony(pair[_i][0], pair[_i][1], f, &v);
        count++;
    }
    fclose(f);
    ck_assert_int_ge(count, 1);
}
END_TEST

/* ---- Tether's transcript vector ([HS-002] prologue "tether/1") ---- */

START_TEST(tether_transcript_vector)
{
    static struct vec v;
    FILE *f = vec_open("noise-ik-tether.txt");
    ck_assert(vec_next(f, &v));
    fclose(f);
    uint8_t prologue[16], p1[128], p2[128], want[256], pub[32];
    struct ik_params p;
    memset(&p, 0, sizeof p);
    p.prologue_len = vec_hex(vec_get(&v, "prologue"), prologue, sizeof prologue);
    ck_assert_uint_eq(p.prologue_len, TT_NOISE_PROLOGUE_LEN);
    ck_assert_mem_eq(prologue, TT_NOISE_PROLOGUE, TT_NOISE_PROLOGUE_LEN);
    p.prologue = prologue;
    vec_hex(vec_get(&v, "init_static"), p.init_static, 32);
    vec_hex(vec_get(&v, "init_ephemeral"), p.init_ephemeral, 32);
    vec_hex(vec_get(&v, "resp_static"), p.resp_static, 32);
    vec_hex(vec_get(&v, "resp_ephemeral"), p.resp_ephemeral, 32);
    p.payload1_len = vec_hex(vec_get(&v, "payload1"), p1, sizeof p1);
    p.payload2_len = vec_hex(vec_get(&v, "payload2"), p2, sizeof p2);
    p.payload1 = p1;
    p.payload2 = p2;

    const struct tt_crypto *ci = pair[_i][0], *cr = pair[_i][1];
    static struct ik_result r;
    ck_assert_int_eq(ik_run(ci, cr, &p, &r), TT_OK);

    size_t n = vec_hex(vec_get(&v, "init_static_pub"), want, sizeof want);
    ck_assert_mem_eq(r.resp_saw_static, want, n);
    ck_assert_int_eq(ci->x25519_public(pub, p.init_static), TT_OK);
    ck_assert_mem_eq(pub, want, 32);
    n = vec_hex(vec_get(&v, "msg1"), want, sizeof want);
    ck_assert_uint_eq(r.msg1_len, n);
    ck_assert_uint_eq(n, TT_NOISE_MSG1_OVERHEAD + p.payload1_len);
    ck_assert_mem_eq(r.msg1, want, n);
    n = vec_hex(vec_get(&v, "msg2"), want, sizeof want);
    ck_assert_uint_eq(r.msg2_len, n);
    ck_assert_uint_eq(n, TT_NOISE_MSG2_OVERHEAD + p.payload2_len);
    ck_assert_mem_eq(r.msg2, want, n);
    ck_assert_uint_eq(r.got1_len, p.payload1_len);
    ck_assert_mem_eq(r.got1, p1, p.payload1_len);
    ck_assert_uint_eq(r.got2_len, p.payload2_len);
    ck_assert_mem_eq(r.got2, p2, p.payload2_len);
    vec_hex(vec_get(&v, "k1"), want, 32);
    ck_assert_mem_eq(r.ki.send, want, 32);
    ck_assert_mem_eq(r.kr.recv, want, 32);
    vec_hex(vec_get(&v, "k2"), want, 32);
    ck_assert_mem_eq(r.ki.recv, want, 32);
    ck_assert_mem_eq(r.kr.send, want, 32);
    vec_hex(vec_get(&v, "handshake_hash"), want, 32);
    ck_assert_mem_eq(r.ki.handshake_hash, want, 32);
    ck_assert_mem_eq(r.kr.handshake_hash, want, 32);
}
END_TEST

/* ---- random ephemerals and empty payloads, every pairing ---- */

START_TEST(random_ephemerals_empty_payloads)
{
    const struct tt_crypto *ci = pair[_i][0], *cr = pair[_i][1];
    uint8_t si[32], sr[32], rs[32], m1[96], m2[48];
    size_t n1, n2, n;
    struct tt_noise_hs hi, hr;
    struct tt_noise_keys ki, kr;
    ck_assert_int_eq(ci->random(ci->rng_ctx, si, 32), TT_OK);
    ck_assert_int_eq(cr->random(cr->rng_ctx, sr, 32), TT_OK);
    ck_assert_int_eq(cr->x25519_public(rs, sr), TT_OK);
    ck_assert_int_eq(tt_noise_ik_init_initiator(&hi, ci, NULL, 0, si, rs), TT_OK);
    ck_assert_int_eq(tt_noise_ik_init_responder(&hr, cr, NULL, 0, sr), TT_OK);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&hi, NULL, NULL, 0, m1, sizeof m1, &n1), TT_OK);
    ck_assert_uint_eq(n1, 96);
    ck_assert_int_eq(tt_noise_ik_read_msg1(&hr, m1, n1, NULL, 0, &n), TT_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(tt_noise_ik_write_msg2(&hr, NULL, NULL, 0, m2, sizeof m2, &n2), TT_OK);
    ck_assert_uint_eq(n2, 48);
    ck_assert_int_eq(tt_noise_ik_read_msg2(&hi, m2, n2, NULL, 0, &n), TT_OK);
    ck_assert_int_eq(tt_noise_split(&hi, &ki), TT_OK);
    ck_assert_int_eq(tt_noise_split(&hr, &kr), TT_OK);
    ck_assert_mem_eq(ki.handshake_hash, kr.handshake_hash, 32);
    ck_assert_mem_eq(ki.send, kr.recv, 32);
    ck_assert_mem_eq(ki.recv, kr.send, 32);
    ck_assert_mem_ne(ki.send, ki.recv, 32);
}
END_TEST

/* ---- bad input: every rejection leaves the context byte-for-byte unchanged ---- */

static const uint8_t pl1[] = "initiator payload";
static const uint8_t pl2[] = "responder payload";

struct fx {
    struct tt_noise_hs hi, hr;
    uint8_t si[32], sr[32], rs[32];
    uint8_t m1[128], m2[128];
    size_t n1, n2;
};

/* Fixed keys, both contexts initialised, msg1 written. */
static void fx_start(struct fx *x, const struct tt_crypto *ci, const struct tt_crypto *cr)
{
    memset(x, 0, sizeof *x);
    memset(x->si, 0x11, 32);
    memset(x->sr, 0x22, 32);
    ck_assert_int_eq(cr->x25519_public(x->rs, x->sr), TT_OK);
    ck_assert_int_eq(tt_noise_ik_init_initiator(&x->hi, ci, (const uint8_t *)TT_NOISE_PROLOGUE,
                                                TT_NOISE_PROLOGUE_LEN, x->si, x->rs),
                     TT_OK);
    ck_assert_int_eq(tt_noise_ik_init_responder(&x->hr, cr, (const uint8_t *)TT_NOISE_PROLOGUE,
                                                TT_NOISE_PROLOGUE_LEN, x->sr),
                     TT_OK);
    ck_assert_int_eq(
        tt_noise_ik_write_msg1(&x->hi, NULL, pl1, sizeof pl1, x->m1, sizeof x->m1, &x->n1), TT_OK);
}

/* ... then msg1 read and msg2 written. */
static void fx_msg2(struct fx *x)
{
    uint8_t got[64];
    size_t n;
    ck_assert_int_eq(tt_noise_ik_read_msg1(&x->hr, x->m1, x->n1, got, sizeof got, &n), TT_OK);
    ck_assert_int_eq(
        tt_noise_ik_write_msg2(&x->hr, NULL, pl2, sizeof pl2, x->m2, sizeof x->m2, &x->n2), TT_OK);
}

/* Reading msg (len) must fail with want and leave hs unchanged. */
static void expect_read_fails(struct tt_noise_hs *hs, int msg1, const uint8_t *msg, size_t len,
                              tt_err want)
{
    static struct tt_noise_hs before;
    uint8_t got[128];
    size_t n = 12345;
    before = *hs;
    tt_err e = msg1 ? tt_noise_ik_read_msg1(hs, msg, len, got, sizeof got, &n)
                    : tt_noise_ik_read_msg2(hs, msg, len, got, sizeof got, &n);
    ck_assert_msg(e == want, "len %zu: got %d want %d", len, e, want);
    ck_assert_uint_eq(n, 12345);
    ck_assert_mem_eq(hs, &before, sizeof before);
}

/* [HS-003] msg1 shorter than 96 bytes is a length error; any other wrong length fails
 * decryption; the genuine message is still accepted afterwards. */
START_TEST(msg1_truncated_or_extended)
{
    static struct fx x;
    uint8_t big[160];
    fx_start(&x, pair[_i][0], pair[_i][1]);
    for (size_t len = 0; len < TT_NOISE_MSG1_OVERHEAD; len++)
        expect_read_fails(&x.hr, 1, x.m1, len, TT_ERR_PKT_LENGTH);
    for (size_t len = TT_NOISE_MSG1_OVERHEAD; len < x.n1; len++)
        expect_read_fails(&x.hr, 1, x.m1, len, TT_ERR_HS_DECRYPT);
    memcpy(big, x.m1, x.n1);
    big[x.n1] = 0;
    expect_read_fails(&x.hr, 1, big, x.n1 + 1, TT_ERR_HS_DECRYPT);
    expect_read_fails(&x.hr, 1, x.m1, (size_t)TT_NOISE_MAX_MSG + 1, TT_ERR_PKT_LENGTH);
    expect_read_fails(&x.hr, 1, x.m1, SIZE_MAX, TT_ERR_PKT_LENGTH);
    fx_msg2(&x);
}
END_TEST

START_TEST(msg2_truncated_or_extended)
{
    static struct fx x;
    uint8_t big[160], got[64];
    size_t n;
    fx_start(&x, pair[_i][0], pair[_i][1]);
    fx_msg2(&x);
    for (size_t len = 0; len < TT_NOISE_MSG2_OVERHEAD; len++)
        expect_read_fails(&x.hi, 0, x.m2, len, TT_ERR_PKT_LENGTH);
    for (size_t len = TT_NOISE_MSG2_OVERHEAD; len < x.n2; len++)
        expect_read_fails(&x.hi, 0, x.m2, len, TT_ERR_HS_DECRYPT);
    memcpy(big, x.m2, x.n2);
    big[x.n2] = 0;
    expect_read_fails(&x.hi, 0, big, x.n2 + 1, TT_ERR_HS_DECRYPT);
    ck_assert_int_eq(tt_noise_ik_read_msg2(&x.hi, x.m2, x.n2, got, sizeof got, &n), TT_OK);
    ck_assert_uint_eq(n, sizeof pl2);
    ck_assert_mem_eq(got, pl2, n);
}
END_TEST

/* [SEC] A flipped bit anywhere in msg1 (e, encrypted s, encrypted payload, tags) or msg2 is
 * detected. Every bit with a libsodium receiver, every 5th with mbedTLS (it is ~20x slower). */
START_TEST(bit_flips_rejected)
{
    static struct fx x;
    uint8_t bad[128];
    const struct tt_crypto *ci = pair[_i][0], *cr = pair[_i][1];
    fx_start(&x, ci, cr);
    size_t step = cr == &tt_crypto_sodium ? 1 : 5;
    for (size_t bit = 0; bit < x.n1 * 8; bit += step) {
        memcpy(bad, x.m1, x.n1);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        expect_read_fails(&x.hr, 1, bad, x.n1, TT_ERR_HS_DECRYPT);
    }
    fx_msg2(&x);
    step = ci == &tt_crypto_sodium ? 1 : 5;
    for (size_t bit = 0; bit < x.n2 * 8; bit += step) {
        memcpy(bad, x.m2, x.n2);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        expect_read_fails(&x.hi, 0, bad, x.n2, TT_ERR_HS_DECRYPT);
    }
}
END_TEST

/* An initiator that holds the wrong responder key cannot complete es: the responder fails
 * to decrypt the static key. */
START_TEST(wrong_responder_static)
{
    static struct fx x;
    uint8_t other[32], other_pub[32];
    fx_start(&x, pair[_i][0], pair[_i][1]);
    memset(other, 0x33, 32);
    ck_assert_int_eq(pair[_i][0]->x25519_public(other_pub, other), TT_OK);
    ck_assert_int_eq(tt_noise_ik_init_initiator(&x.hi, pair[_i][0], (const uint8_t *)"tether/1",
                                                8, x.si, other_pub),
                     TT_OK);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, pl1, sizeof pl1, x.m1, sizeof x.m1, &x.n1),
                     TT_OK);
    expect_read_fails(&x.hr, 1, x.m1, x.n1, TT_ERR_HS_DECRYPT);
    /* a different prologue (another protocol version) fails the same way */
    ck_assert_int_eq(tt_noise_ik_init_initiator(&x.hi, pair[_i][0], (const uint8_t *)"tether/2",
                                                8, x.si, x.rs),
                     TT_OK);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, pl1, sizeof pl1, x.m1, sizeof x.m1, &x.n1),
                     TT_OK);
    expect_read_fails(&x.hr, 1, x.m1, x.n1, TT_ERR_HS_DECRYPT);
}
END_TEST

static const char *const low_order[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

/* [HS-004] Low-order ephemeral in msg1 or msg2, low-order static inside msg1, and a
 * low-order configured responder key: TT_ERR_HS_LOW_ORDER on both backends. */
START_TEST(low_order_points_rejected)
{
    static struct fx x;
    uint8_t bad[128], lo[32];
    const struct tt_crypto *ci = pair[_i][0], *cr = pair[_i][1];
    fx_start(&x, ci, cr);
    for (size_t k = 0; k < sizeof low_order / sizeof low_order[0]; k++) {
        vec_hex(low_order[k], lo, 32);
        memcpy(bad, x.m1, x.n1);
        memcpy(bad, lo, 32);
        expect_read_fails(&x.hr, 1, bad, x.n1, TT_ERR_HS_LOW_ORDER);
    }
    fx_msg2(&x);
    for (size_t k = 0; k < sizeof low_order / sizeof low_order[0]; k++) {
        vec_hex(low_order[k], lo, 32);
        memcpy(bad, x.m2, x.n2);
        memcpy(bad, lo, 32);
        expect_read_fails(&x.hi, 0, bad, x.n2, TT_ERR_HS_LOW_ORDER);
    }

    /* An attacker who encrypts a low-order "static key" correctly (it knows e and the
     * responder's public key): simulated by an initiator whose s_pub is replaced. */
    fx_start(&x, ci, cr);
    vec_hex(low_order[2], x.hi.s_pub, 32);
    ck_assert_int_eq(tt_noise_ik_init_initiator(&x.hi, ci, (const uint8_t *)"tether/1", 8, x.si,
                                                x.rs),
                     TT_OK);
    vec_hex(low_order[2], x.hi.s_pub, 32);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, pl1, sizeof pl1, x.m1, sizeof x.m1, &x.n1),
                     TT_OK);
    expect_read_fails(&x.hr, 1, x.m1, x.n1, TT_ERR_HS_LOW_ORDER);

    /* Configured with a low-order responder key: the initiator fails (and is failed). */
    vec_hex(low_order[0], lo, 32);
    ck_assert_int_eq(tt_noise_ik_init_initiator(&x.hi, ci, NULL, 0, x.si, lo), TT_OK);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, NULL, 0, x.m1, sizeof x.m1, &x.n1),
                     TT_ERR_HS_LOW_ORDER);
    ck_assert_int_eq(x.hi.state, TT_NOISE_HS_FAILED);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, NULL, 0, x.m1, sizeof x.m1, &x.n1),
                     TT_ERR_STATE);
}
END_TEST

/* Every transition refuses to run out of order: TT_ERR_STATE, nothing changed. */
START_TEST(state_misuse)
{
    static struct fx x;
    static struct tt_noise_hs zero, before;
    uint8_t buf[128], k32[32];
    size_t n;
    struct tt_noise_keys keys;
    const struct tt_crypto *ci = pair[_i][0], *cr = pair[_i][1];

    memset(&zero, 0, sizeof zero); /* never initialised */
    ck_assert_int_eq(tt_noise_ik_write_msg1(&zero, NULL, NULL, 0, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_ik_read_msg1(&zero, buf, 96, buf, 0, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_split(&zero, &keys), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_ik_remote_static(&zero, k32), TT_ERR_STATE);

    fx_start(&x, ci, cr);
    before = x.hi;
    /* initiator after msg1: no second msg1, no responder transitions, no split yet */
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, NULL, 0, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_ik_read_msg1(&x.hi, x.m1, x.n1, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_ik_write_msg2(&x.hi, NULL, NULL, 0, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_split(&x.hi, &keys), TT_ERR_STATE);
    ck_assert_mem_eq(&x.hi, &before, sizeof before);
    /* responder before msg1: no msg2, no read_msg2, no split, no remote static */
    before = x.hr;
    ck_assert_int_eq(tt_noise_ik_write_msg2(&x.hr, NULL, NULL, 0, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_ik_read_msg2(&x.hr, x.m1, 48, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hr, NULL, NULL, 0, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_split(&x.hr, &keys), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_ik_remote_static(&x.hr, k32), TT_ERR_STATE);
    ck_assert_mem_eq(&x.hr, &before, sizeof before);

    fx_msg2(&x);
    /* responder after msg2: cannot read another msg1 (a replayed msg1 needs a new context) */
    ck_assert_int_eq(tt_noise_ik_read_msg1(&x.hr, x.m1, x.n1, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_ik_read_msg2(&x.hi, x.m2, x.n2, buf, sizeof buf, &n), TT_OK);
    ck_assert_int_eq(tt_noise_ik_read_msg2(&x.hi, x.m2, x.n2, buf, sizeof buf, &n), TT_ERR_STATE);
    ck_assert_int_eq(tt_noise_split(&x.hi, &keys), TT_OK);
    /* split wipes the handshake: once only */
    ck_assert_int_eq(tt_noise_split(&x.hi, &keys), TT_ERR_STATE);
    ck_assert_int_eq(x.hi.state, TT_NOISE_HS_SPLIT);
    ck_assert_int_eq(tt_noise_ik_remote_static(&x.hi, k32), TT_ERR_STATE);
    uint8_t zeros[32] = {0};
    ck_assert_mem_eq(x.hi.s_priv, zeros, 32);
    ck_assert_mem_eq(x.hi.sym.ck, zeros, 32);
}
END_TEST

/* [HS-003] Buffers: output too small and payload buffer too small are refused up front. */
START_TEST(buffers_checked)
{
    static struct fx x;
    static struct tt_noise_hs before;
    uint8_t buf[128];
    size_t n = 777;
    fx_start(&x, pair[_i][0], pair[_i][1]);
    /* re-init the initiator and try to write msg1 into a buffer one byte short */
    ck_assert_int_eq(tt_noise_ik_init_initiator(&x.hi, pair[_i][0], NULL, 0, x.si, x.rs), TT_OK);
    before = x.hi;
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, pl1, sizeof pl1, buf, 96 + sizeof pl1 - 1,
                                            &n),
                     TT_ERR_NO_SPACE);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, pl1, sizeof pl1, buf, 95, &n),
                     TT_ERR_NO_SPACE);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, pl1, SIZE_MAX - 10, buf, sizeof buf, &n),
                     TT_ERR_ARG);
    ck_assert_int_eq(tt_noise_ik_write_msg1(&x.hi, NULL, NULL, 5, buf, sizeof buf, &n), TT_ERR_ARG);
    ck_assert_uint_eq(n, 777);
    ck_assert_mem_eq(&x.hi, &before, sizeof before);

    /* the original msg1 (from fx_start) into a payload buffer one byte short */
    before = x.hr;
    ck_assert_int_eq(tt_noise_ik_read_msg1(&x.hr, x.m1, x.n1, buf, sizeof pl1 - 1, &n),
                     TT_ERR_NO_SPACE);
    ck_assert_int_eq(tt_noise_ik_read_msg1(&x.hr, x.m1, x.n1, NULL, 0, &n), TT_ERR_NO_SPACE);
    ck_assert_int_eq(tt_noise_ik_read_msg1(&x.hr, x.m1, x.n1, NULL, 5, &n), TT_ERR_ARG);
    ck_assert_mem_eq(&x.hr, &before, sizeof before);
    ck_assert_int_eq(tt_noise_ik_read_msg1(&x.hr, x.m1, x.n1, buf, sizeof pl1, &n), TT_OK);
    ck_assert_uint_eq(n, sizeof pl1);
    before = x.hr;
    ck_assert_int_eq(tt_noise_ik_write_msg2(&x.hr, NULL, pl2, sizeof pl2, buf, 47 + sizeof pl2, &n),
                     TT_ERR_NO_SPACE);
    ck_assert_mem_eq(&x.hr, &before, sizeof before);
}
END_TEST

/* Transport CipherState: tag failure does not advance the nonce; the last nonce is reserved. */
START_TEST(cipher_state_rules)
{
    const struct tt_crypto *c = pair[_i][0];
    struct tt_noise_cipher tx, rx;
    uint8_t key[32], ct[48], pt[32];
    memset(key, 0x5a, 32);
    tt_noise_cipher_init(&tx, key);
    tt_noise_cipher_init(&rx, key);
    ck_assert_int_eq(tt_noise_cipher_encrypt(c, &tx, NULL, 0, (const uint8_t *)"0123456789abcdef"
                                                              "0123456789abcdef", 32, ct), TT_OK);
    ct[40] ^= 1;
    ck_assert_int_eq(tt_noise_cipher_decrypt(c, &rx, NULL, 0, ct, 48, pt), TT_ERR_REC_AUTH);
    ck_assert_uint_eq(rx.n, 0);
    ct[40] ^= 1;
    ck_assert_int_eq(tt_noise_cipher_decrypt(c, &rx, NULL, 0, ct, 15, pt), TT_ERR_REC_AUTH);
    ck_assert_int_eq(tt_noise_cipher_decrypt(c, &rx, NULL, 0, ct, 48, pt), TT_OK);
    ck_assert_uint_eq(rx.n, 1);
    ck_assert_int_eq(tt_noise_cipher_decrypt(c, &rx, NULL, 0, ct, 48, pt), TT_ERR_REC_AUTH); /* replay */
    tx.n = UINT64_MAX - 1;
    ck_assert_int_eq(tt_noise_cipher_encrypt(c, &tx, NULL, 0, pt, 0, ct), TT_OK);
    ck_assert_int_eq(tt_noise_cipher_encrypt(c, &tx, NULL, 0, pt, 0, ct), TT_ERR_REC_EXPIRED);
    rx.n = UINT64_MAX;
    ck_assert_int_eq(tt_noise_cipher_decrypt(c, &rx, NULL, 0, ct, 16, pt), TT_ERR_REC_EXPIRED);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("noise");
    TCase *tc = tcase_create("ik");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, cacophony_ik, 0, 4);
    tcase_add_loop_test(tc, tether_transcript_vector, 0, 4);
    tcase_add_loop_test(tc, random_ephemerals_empty_payloads, 0, 4);
    tcase_add_loop_test(tc, msg1_truncated_or_extended, 0, 4);
    tcase_add_loop_test(tc, msg2_truncated_or_extended, 0, 4);
    tcase_add_loop_test(tc, bit_flips_rejected, 0, 4);
    tcase_add_loop_test(tc, wrong_responder_static, 0, 4);
    tcase_add_loop_test(tc, low_order_points_rejected, 0, 4);
    tcase_add_loop_test(tc, state_misuse, 0, 4);
    tcase_add_loop_test(tc, buffers_checked, 0, 4);
    tcase_add_loop_test(tc, cipher_state_rules, 0, 2);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
