/* link_flood.c — the flood benchmark and test of issue 15 §4, over a device's real
 * byte-stream link (QEMU's UART0 or tether-hostdev on a local TCP port): how fast the
 * supervisor skips garbage, and whether the link is usable right after a burst.
 *
 *   link_flood DEVICE.json OWNER.pem BYTES random|headers|tail [check]
 *
 * It mints a grant for a fresh key, measures a clean handshake + ping (the baseline), then on
 * one new connection writes BYTES of garbage (random bytes; the decoder's worst case, a valid
 * frame header claiming 1400 bytes every 5 bytes; or `tail`: random bytes ending in 1 KiB of
 * those headers, so false candidates are pending when the burst ends), waits until the
 * kernel's queues of that connection are empty (the device's side has taken every byte: the
 * burst has ended at the device, an observable event, not a guessed delay), then does a
 * handshake and a ping on the same connection and prints the rate at which the burst got
 * through and the time to the Pong after it (figures, not judged).
 * With `check` (a test, no timing in its verdict): the first handshake after the burst sends
 * its initiation exactly once, never resent, and the device must answer it — it can only if
 * it resynchronises on its own (a decoder still holding a false candidate would wait for
 * ~1400 more bytes that never come: [FRM-013]'s idle rule); then a normal session and ping.
 * Every wait is bounded by a hang guard (120 s for the answer), not a speed limit.
 * Host only (Linux: /proc/net/tcp). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>

#include "../../ref-client/conn/client.h"
#include "../../ref-client/conn/keyfile.h"
#include "../../ref-client/conn/transport.h"
#include "tether/crypto_backends.h"
#include "tether/grant.h"
#include "tether/p256.h"

static struct tt_client cl;
static struct tt_tcp tcp;
static tether_v1_ClientHello hello;
static uint8_t sk[32];

static double now_s(void);

/* One initiation, sent once and never again, then wait (up to the hang guard) for the device's
 * response on the same connection. TT_OK when a response for it arrived and verified. */
static tt_err one_initiation(const struct tt_device_record *rec)
{
    static uint8_t enc[tether_v1_ClientHello_size], pkt[TT_PKT_MAX_LEN], frame[TT_PKT_MAX_LEN + 16];
    static uint8_t in[4096], payload[TT_PKT_MAX_LEN];
    static struct tt_frame_decoder dec;
    size_t el, n, fl, got, pl;
    hello.timestamp++; /* [HS-020] */
    tt_err e = tt_pb_encode(tether_v1_ClientHello_fields, &hello, enc, sizeof enc, &el);
    if (e == TT_OK)
        e = tt_session_initiate(&cl.s, &tt_crypto_sodium, sk, rec->static_public, NULL, enc, el,
                                cl.slots, TT_REL_DEFAULT_WINDOW, 1000, pkt, sizeof pkt, &n);
    if (e == TT_OK)
        e = tt_frame_encode(pkt, n, frame, sizeof frame, &fl);
    if (e == TT_OK)
        e = tcp.t.send(&tcp.t, frame, fl);
    if (e != TT_OK)
        return e;
    tt_frame_decoder_init(&dec);
    double until = now_s() + 120.0; /* a hang guard: a healthy device answers in seconds */
    while (now_s() < until) {
        e = tcp.t.recv(&tcp.t, in, sizeof in, &got, 1000);
        if (e == TT_ERR_TIMEOUT)
            continue;
        if (e != TT_OK)
            return e;
        for (size_t off = 0; off < got;) {
            size_t used = 0;
            const uint8_t *f;
            size_t flen;
            tt_err pe = tt_frame_push(&dec, in + off, got - off, &used);
            off += used;
            while (tt_frame_pop(&dec, &f, &flen) == TT_OK)
                if (tt_session_on_response(&cl.s, f, flen, (uint64_t)(now_s() * 1e3), payload,
                                           sizeof payload, &pl) == TT_OK) {
                    tt_session_close(&cl.s);
                    return TT_OK;
                }
            if (pe == TT_ERR_FRAME_NONE && used == 0)
                break;
        }
    }
    tt_session_close(&cl.s);
    return TT_ERR_TIMEOUT;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static tt_err make_hello(const struct tt_device_record *rec, const uint8_t owner[32])
{
    uint8_t pk[32];
    tether_v1_GrantBody b = tether_v1_GrantBody_init_zero;
    struct timespec ts;
    if (tt_crypto_sodium.random(NULL, sk, 32) != TT_OK || tt_crypto_sodium.x25519_public(pk, sk))
        return TT_ERR_CRYPTO;
    b.format = 1;
    memcpy(b.client_key, pk, 32);
    b.which_scope = tether_v1_GrantBody_device_id_tag;
    memcpy(b.scope.device_id, rec->device_id, 16);
    b.permissions = TT_PERM_ALL;
    b.not_before = 1;
    b.not_after = 4000000000u;
    b.serial = 1;
    memset(&hello, 0, sizeof hello);
    tt_err e = tt_grant_sign(&b, owner, &hello.grant);
    hello.has_grant = true;
    hello.version_min = hello.version_max = TT_PROTOCOL_VERSION;
    clock_gettime(CLOCK_REALTIME, &ts);
    hello.timestamp = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    strcpy(hello.client_name, "link-flood");
    return e;
}

/* Handshake and one ping on the open connection. */
static tt_err session_and_ping(const struct tt_device_record *rec)
{
    static tether_v1_Message q, r;
    hello.timestamp++; /* [HS-020]: strictly increasing per key */
    tt_err e = tt_client_connect(&cl, &tcp.t, &tt_crypto_sodium, sk, rec->static_public, &hello,
                                 600000);
    if (e != TT_OK)
        return e;
    memset(&q, 0, sizeof q);
    q.which_body = tether_v1_Message_ping_tag;
    q.body.ping.nonce = 7;
    e = tt_client_call_ok(&cl, &q, &r, 600000);
    tt_client_close(&cl);
    return e;
}

/* Bytes of the connection with local port `local` and remote port `remote` still queued in
 * the kernel (tx_queue + rx_queue of /proc/net/tcp), or -1. On QEMU's end of the burst's
 * connection that is what QEMU has not yet handed to the emulated UART; on ours, what QEMU
 * has not yet taken. */
static long queued(unsigned local, unsigned remote)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    char line[512];
    long q = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned lp, rp;
        unsigned long tx, rx;
        if (sscanf(line, " %*d: %*8x:%x %*8x:%x %*x %lx:%lx", &lp, &rp, &tx, &rx) == 4 &&
            lp == local && rp == remote)
            q = (long)(tx + rx);
    }
    fclose(f);
    return q;
}

/* Waits until every byte written on the connection has reached the device: nothing queued
 * on either end (QEMU reads the UART's input one byte at a time). Returns 0, or -1 if the
 * queues cannot be seen or do not drain within 600 s. */
static int wait_delivered(int fd)
{
    struct sockaddr_in me, peer;
    socklen_t ml = sizeof me, pl = sizeof peer;
    if (getsockname(fd, (struct sockaddr *)&me, &ml) || getpeername(fd, (struct sockaddr *)&peer, &pl))
        return -1;
    unsigned a = ntohs(me.sin_port), b = ntohs(peer.sin_port);
    for (int k = 0; k < 60000; k++) {
        long mine = queued(a, b), theirs = queued(b, a);
        if (mine < 0 || theirs < 0)
            return -1;
        if (mine == 0 && theirs == 0)
            return 0;
        struct timespec d = {0, 10 * 1000000L};
        nanosleep(&d, NULL);
    }
    return -1;
}

static uint8_t crc8(const uint8_t *p, size_t n)
{
    uint8_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (uint8_t)(c & 0x80 ? (c << 1) ^ 0x07 : c << 1);
    }
    return c;
}

int main(int argc, char **argv)
{
    static struct tt_device_record rec;
    static char pem[4096];
    uint8_t owner[32];
    size_t n;
    if (argc < 5 || argc > 6 ||
        (strcmp(argv[4], "random") && strcmp(argv[4], "headers") && strcmp(argv[4], "tail")) ||
        (argc == 6 && strcmp(argv[5], "check"))) {
        fprintf(stderr, "usage: link_flood DEVICE.json OWNER.pem BYTES random|headers|tail [check]\n");
        return 2;
    }
    long bytes = strtol(argv[3], NULL, 10);
    int check = argc == 6;
    if (bytes < 2048 || bytes > (64l << 20) ||
        tt_device_record_load(argv[1], &rec) != TT_OK ||
        tt_file_read(argv[2], (uint8_t *)pem, sizeof pem - 1, &n) != TT_OK) {
        fprintf(stderr, "link_flood: bad arguments or unreadable files\n");
        return 2;
    }
    pem[n] = '\0';
    if (tt_p256_priv_from_pem(owner, pem) != TT_OK || make_hello(&rec, owner) != TT_OK) {
        fprintf(stderr, "link_flood: owner key unusable\n");
        return 2;
    }
    uint8_t *junk = malloc((size_t)bytes);
    if (junk == NULL)
        return 2;
    /* 54 D1 05 78 HCHK: a valid header claiming 1400 bytes, every 5 bytes */
    uint8_t h[5] = {0x54, 0xD1, 0x05, 0x78, 0};
    h[4] = crc8(h + 2, 2);
    long headers_from = strcmp(argv[4], "headers") == 0 ? 0
                        : strcmp(argv[4], "tail") == 0 ? bytes - 1020 /* whole headers */
                                                        : bytes;
    if (tt_crypto_sodium.random(NULL, junk, (size_t)bytes) != TT_OK)
        return 2;
    /* no accidental frame start in the random part: it measures skipping */
    for (long i = 0; i + 1 < headers_from; i++)
        if (junk[i] == 0x54 && junk[i + 1] == 0xD1)
            junk[i + 1] = 0;
    for (long i = headers_from; i < bytes; i++)
        junk[i] = h[(i - headers_from) % 5];

    /* Baseline: a clean handshake and ping. */
    tt_err e = tt_tcp_open(&tcp, rec.link, 10000);
    double t0 = now_s();
    if (e == TT_OK)
        e = session_and_ping(&rec);
    double base = now_s() - t0;
    if (e != TT_OK) {
        fprintf(stderr, "link_flood: baseline session failed: %s\n", tt_err_name(e));
        return 1;
    }
    /* The burst, then the session on the same connection. */
    e = tt_tcp_open(&tcp, rec.link, 10000);
    double t1 = now_s();
    if (e == TT_OK)
        e = tcp.t.send(&tcp.t, junk, (size_t)bytes);
    double t2 = now_s();
    if (e == TT_OK && wait_delivered(tcp.fd) != 0) {
        fprintf(stderr, "link_flood: cannot see the burst delivered (/proc/net/tcp)\n");
        return 1;
    }
    double td = now_s(); /* the burst has ended at the device */
    if (e == TT_OK && check) {
        e = one_initiation(&rec);
        printf("%s [FRM-013] the first initiation after a %ld-byte %s burst, sent once, is "
               "answered (%s)\n",
               e == TT_OK ? "ok  " : "FAIL", bytes, argv[4], tt_err_name(e));
        if (e != TT_OK)
            return 1;
    }
    double ti = now_s();
    if (e == TT_OK)
        e = session_and_ping(&rec);
    double t3 = now_s();
    free(junk);
    if (e != TT_OK) {
        fprintf(stderr, "link_flood: session after the burst failed: %s\n", tt_err_name(e));
        return 1;
    }
    double skip = td - t1; /* link delivery, the device skipping as it goes */
    printf("link_flood %s: %ld bytes written in %.3f s, delivered to the device in %.3f s "
           "(%.1f KB/s: the link and the device's skipping together)\n",
           argv[4], bytes, t2 - t1, skip, skip > 0 ? (double)bytes / skip / 1e3 : 0.0);
    if (check)
        printf("link_flood %s: first initiation answered %.3f s after the burst ended; "
               "handshake + ping %.3f s clean, %.3f s after\n",
               argv[4], ti - td, base, t3 - ti);
    else
        printf("link_flood %s: handshake + ping %.3f s clean, %.3f s after the burst ended\n",
               argv[4], base, t3 - td);
    if (check)
        printf("ok   [FRM-013] session and ping on the same connection after the burst\n");
    return 0;
}
