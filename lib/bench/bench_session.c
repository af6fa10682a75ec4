/* bench_session.c — prints the figures of the shared core: full handshake time per backend
 * pairing, and record seal/open throughput per backend and record size.
 *
 * A benchmark, not a test: it asserts nothing about speed, it measures and prints. Built
 * with -O2 and no sanitizers (Makefile's bench rules). Times are wall-clock medians of
 * repeated runs on CLOCK_MONOTONIC. Depends on lib/ and both crypto backends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tether/crypto_backends.h"
#include "tether/rng_mbedtls.h"
#include "tether/session.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void must(tt_err e, const char *what)
{
    if (e != TT_OK) {
        fprintf(stderr, "bench: %s failed: %s\n", what, tt_err_name(e));
        exit(1);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static struct tt_session client, device;
static struct tt_rel_slot cslots[8], dslots[8];
static uint8_t csk[32], dsk[32], dpk[32];

/* One complete handshake: initiation, accept, respond, on_response. Returns seconds. */
static double one_handshake(const struct tt_crypto *cc, const struct tt_crypto *dc)
{
    uint8_t pkt[TT_PKT_MAX_LEN], hello[64], reply[64];
    size_t n, hn, rn;
    double t0 = now_s();
    must(tt_session_initiate(&client, cc, csk, dpk, NULL, (const uint8_t *)"hello", 5, cslots,
                             8, 200, pkt, sizeof pkt, &n),
         "initiate");
    must(tt_session_accept(&device, dc, dsk, pkt, n, hello, sizeof hello, &hn), "accept");
    must(tt_session_respond(&device, 1, NULL, (const uint8_t *)"reply", 5, dslots, 8, 200, 0,
                            pkt, sizeof pkt, &n),
         "respond");
    must(tt_session_on_response(&client, pkt, n, 0, reply, sizeof reply, &rn), "on_response");
    return now_s() - t0;
}

static void bench_handshake(const char *label, const struct tt_crypto *cc,
                            const struct tt_crypto *dc, int runs)
{
    double t[200];
    for (int i = 0; i < runs; i++)
        t[i] = one_handshake(cc, dc);
    qsort(t, (size_t)runs, sizeof t[0], cmp_double);
    printf("handshake  %-28s median %8.3f ms  (min %.3f, %d runs)\n", label,
           t[runs / 2] * 1e3, t[0] * 1e3, runs);
}

/* Seal and open `size`-byte plaintexts with the record layer for about `secs` seconds. */
static void bench_records(const char *label, const struct tt_crypto *c, size_t size, double secs)
{
    static uint8_t pt[TT_RECORD_MAX_PLAINTEXT], rec[TT_PKT_MAX_LEN], out[TT_PKT_MAX_LEN];
    struct tt_record_session tx, rx;
    struct tt_record_keys k;
    struct tt_record_limits lim;
    size_t n, m;
    long count = 0;
    memset(&k, 0x42, sizeof k);
    tt_record_limits_default(&lim);
    must(tt_record_session_init(&tx, c, &k, 1, 2, 0, &lim), "record init");
    must(tt_record_session_init(&rx, c, &k, 2, 1, 0, &lim), "record init");
    memset(pt, 0xA5, size);
    double sealt = 0, opent = 0, t0, t1, t2;
    do {
        t0 = now_s();
        for (int i = 0; i < 256; i++)
            must(tt_record_seal(&tx, 0, pt, size, rec, sizeof rec, &n), "seal");
        t1 = now_s();
        /* opening the last record 256 times would be a replay: open fresh ones */
        for (int i = 0; i < 256; i++) {
            must(tt_record_seal(&tx, 0, pt, size, rec, sizeof rec, &n), "seal");
            double a = now_s();
            must(tt_record_open(&rx, 0, rec, n, out, sizeof out, &m), "open");
            opent += now_s() - a;
        }
        t2 = now_s();
        (void)t2;
        sealt += t1 - t0;
        count += 256;
    } while (sealt + opent < secs);
    printf("records    %-10s %5zu B  seal %8.1f MB/s %9.0f rec/s   open %8.1f MB/s %9.0f rec/s\n",
           label, size, (double)size * count / sealt / 1e6, count / sealt,
           (double)size * count / opent / 1e6, count / opent);
}

int main(void)
{
    static struct tt_mbedtls_rng drbg;
    struct tt_crypto mbed = tt_crypto_mbedtls;
    must(tt_mbedtls_rng_init(&drbg, tt_entropy_host, NULL, NULL, 0), "drbg");
    mbed.rng_ctx = &drbg;
    memset(csk, 0x21, sizeof csk);
    memset(dsk, 0x37, sizeof dsk);
    must(tt_crypto_sodium.x25519_public(dpk, dsk), "x25519");

    printf("# Tether lib benchmark (-O2, no sanitizers)\n");
    bench_handshake("libsodium <-> libsodium", &tt_crypto_sodium, &tt_crypto_sodium, 200);
    bench_handshake("mbedtls   <-> mbedtls", &mbed, &mbed, 40);
    bench_handshake("client libsodium, device mbedtls", &tt_crypto_sodium, &mbed, 40);
    bench_handshake("client mbedtls, device libsodium", &mbed, &tt_crypto_sodium, 40);
    static const size_t sizes[] = {64, 256, 1024, TT_RECORD_MAX_PLAINTEXT};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        bench_records("libsodium", &tt_crypto_sodium, sizes[i], 0.3);
        bench_records("mbedtls", &mbed, sizes[i], 0.3);
    }
    tt_mbedtls_rng_free(&drbg);
    return 0;
}
