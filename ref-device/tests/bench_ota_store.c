/* bench_ota_store.c — what the device's storage costs per OTA chunk on the host port
 * (tether-hostdev's), as a function of the chunk's index: the program of the 1 024-byte chunk
 * into the slot plus its read back ([OTA-061]), and the mark ([OTA-016]: the boot record's
 * bitmap rewritten whole, in a log-structured store that compacts when a bank fills, so its
 * cost grows with the number of chunks). It answers whether a long image slows the device
 * down chunk after chunk (docs/benchmark-ota-push.md, "Fourth run"): compare the figures
 * with a chunk's time on the link (1 082 bytes on the wire: 8.66 ms at 1 Mbit/s).
 * A figure printer, not a test (test_record_store and test_ota_engine check the behaviour).
 * Depends on the host port's flash and the store (ota_store.h, record_store.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/store/ota_store.h"
#include "../core/store/record_store.h"
#include "../port/host/host.h"

#define CHUNK 1024u
#define CHUNKS 4000u /* a 4 MiB slot: the largest tether-hostdev takes */
#define REPEAT 200u

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Writes and reads back chunk i; 0 on success. */
static int store_chunk(struct tt_ota_storage *st, uint32_t i, const uint8_t *d)
{
    static uint8_t back[CHUNK];
    return st->write(st->ctx, 1, i * CHUNK, d, CHUNK) != TT_OK ||
           st->read(st->ctx, 1, i * CHUNK, back, CHUNK) != TT_OK || memcmp(d, back, CHUNK) != 0;
}

int main(void)
{
    static const uint32_t probes[] = {10, 100, 1000, 2000, 3999};
    static uint8_t data[CHUNK];
    uint8_t security[400]; /* about the size of a saved manifest record */
    struct tt_ota_flash f = {0};
    struct tt_ota_storage st;
    if (tt_host_flash_set_slot_size(CHUNKS * CHUNK) != 0)
        return 1;
    tt_ota_flash_storage(&f, &st);
    memset(security, 0x5A, sizeof security);
    memset(data, 0xA5, sizeof data);
    /* The supervisor's boot record (boot counter, then the marks' generation) exists
     * before any chunk: mark() extends it. */
    static const uint8_t boot[8] = {0};
    if (tt_store_write(TT_REC_SECURITY, security, sizeof security) != TT_OK ||
        tt_store_write(TT_REC_BOOT, boot, sizeof boot) != TT_OK)
        return 1;
    printf("OTA storage per 1024-byte chunk on the host port (-O2), %u chunks\n", CHUNKS);
    printf("| chunk | write + read back: us | mark: us (mean of %u, compactions included) |\n",
           REPEAT);
    printf("|---|---|---|\n");
    double t_all = now_s(), t_store = 0, t_mark = 0;
    unsigned p = 0;
    for (uint32_t i = 0; i < CHUNKS; i++) {
        double a = now_s();
        if (store_chunk(&st, i, data) != 0) {
            fprintf(stderr, "chunk %u: storage failed\n", (unsigned)i);
            return 1;
        }
        double b = now_s();
        if (st.mark(st.ctx, i) != TT_OK) {
            fprintf(stderr, "chunk %u: mark failed\n", (unsigned)i);
            return 1;
        }
        t_store += b - a;
        t_mark += now_s() - b;
        if (p < sizeof probes / sizeof probes[0] && i == probes[p]) {
            /* The mark again, REPEAT times: the same record size, compactions as they come. */
            double m = now_s();
            for (unsigned k = 0; k < REPEAT; k++)
                if (st.mark(st.ctx, i) != TT_OK)
                    return 1;
            printf("| %u | %.2f | %.2f |\n", (unsigned)i, (b - a) * 1e6,
                   (now_s() - m) / REPEAT * 1e6);
            p++;
        }
    }
    printf("\nall %u chunks: write + read back %.2f us, mark %.2f us per chunk on average; "
           "%.3f s in all\n",
           CHUNKS, t_store / CHUNKS * 1e6, t_mark / CHUNKS * 1e6, now_s() - t_all);
    return 0;
}
