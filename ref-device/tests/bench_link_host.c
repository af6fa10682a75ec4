/* bench_link_host.c — the supervisor's garbage-skip rate on the host port (issue 15 §4):
 * the real supervisor core, link.c and lib's decoder, turned by the loop as a device's main
 * does, fed garbage through the host port's 4 KiB link ring as fast as it takes it. Prints
 * MB/s and bytes per service turn for random garbage (no frame start in it) and for the
 * decoder's worst case (a valid header claiming 1400 bytes every 5 bytes), then checks that
 * nothing came out of the link. A benchmark: figures, no speed assertions; -O2, no
 * sanitizers. The same over QEMU's real UART: link_flood.c. Depends on the host port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "../core/loop.h"
#include "../core/supervisor/supervisor.h"
#include "../port/host/app_double.h"
#include "../port/host/host.h"

static struct tt_sup sup;
static struct tt_target target;
static struct tt_sup_identity id;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void boot(void)
{
    static const uint16_t loop[] = {0xE7FE}; /* b . */
    const uint32_t top = TT_DOUBLE_RAM_BASE + TT_DOUBLE_RAM_SIZE;
    const uint32_t entry = (TT_DOUBLE_CODE_BASE + 0x100u) | 1u;
    const uint16_t vectors[] = {(uint16_t)top, (uint16_t)(top >> 16), (uint16_t)entry,
                                (uint16_t)(entry >> 16)};
    struct tt_port_keys k;
    tt_host_init(); /* formats the flash: no record */
    memset(&k, 0, sizeof k);
    if (getrandom(&k, sizeof k, 0) != (ssize_t)sizeof k)
        exit(1);
    tt_host_set_keys(&k);
    tt_double_init();
    tt_double_load(TT_DOUBLE_CODE_BASE, vectors, 4);
    tt_double_load(TT_DOUBLE_CODE_BASE + 0x100u, loop, 1);
    tt_target_init(&target);
    if (tt_target_reset_app(&target) != TT_OK || tt_sup_init(&sup, &id) != TT_OK) {
        fprintf(stderr, "bench_link_host: device start failed\n");
        exit(1);
    }
}

static uint8_t crc8(const uint8_t *p, size_t n)
{
    uint8_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (uint8_t)(c & 0x80 ? (c << 1) ^ 0x07 : c << 1);
    }
    return c;
}

static void run(const char *name, const uint8_t *junk, size_t period, size_t total)
{
    uint8_t out[256];
    size_t fed = 0, off = 0, turns = 0, emitted = 0;
    boot();
    double t0 = now_s();
    while (fed < total) {
        size_t n = tt_host_link_feed(junk + off, period - off);
        fed += n;
        off = (off + n) % period;
        tt_loop_once(&target, tt_sup_service, &sup); /* the app is halted: idle is a no-op */
        turns++;
        emitted += tt_host_link_drain(out, sizeof out);
    }
    while (sup.dec.have > 0 && turns < 1000000) { /* let a pending candidate starve out */
        static const uint8_t zeros[512];
        tt_host_link_feed(zeros, sizeof zeros);
        tt_loop_once(&target, tt_sup_service, &sup);
        turns++;
    }
    double dt = now_s() - t0;
    printf("bench_link_host %-8s %8zu KiB in %.3f s: %8.2f MB/s, %6.0f bytes per service "
           "turn, %u frames, %zu bytes out\n",
           name, total >> 10, dt, (double)total / dt / 1e6, (double)total / (double)turns,
           sup.dec.stats.frames, emitted);
    if (sup.dec.stats.frames != 0 || emitted != 0 || tt_sup_sessions(&sup) != 0)
        exit(1); /* garbage made something happen: not a benchmark any more */
}

int main(void)
{
    static uint8_t junk[1 << 16];
    if (getrandom(junk, sizeof junk, 0) != (ssize_t)sizeof junk)
        return 1;
    for (size_t i = 0; i + 1 < sizeof junk; i++) /* no frame start in random garbage */
        if (junk[i] == TT_FRAME_SYNC0 && junk[i + 1] == TT_FRAME_SYNC1)
            junk[i + 1] = 0;
    run("random", junk, sizeof junk, 64u << 20);
    uint8_t h[5] = {TT_FRAME_SYNC0, TT_FRAME_SYNC1, 0x05, 0x78, 0};
    h[4] = crc8(h + 2, 2);
    for (size_t i = 0; i < 65535; i++) /* a multiple of 5: the pattern wraps cleanly */
        junk[i] = h[i % 5];
    run("headers", junk, 65535, 1u << 20);
    return 0;
}
