/* measure.c — the app measurement of an ELF: SHA-256 of the app image as the device stores
 * and measures it ([OTA-070]). The image is the byte range [base, base + size) of the app
 * slot: each PT_LOAD segment's file bytes at its load (physical) address — so initialised
 * data sits where the startup code copies it from — and 0xFF (erased flash) everywhere
 * else, gaps and tail included. Segments are visited in address order and hashed in a
 * stream, so nothing is allocated. Depends on elf.h and libsodium's SHA-256. */
#include <sodium.h>
#include <string.h>

#include "elf.h"

#define MAX_LOAD 32u /* PT_LOAD segments considered; an app has a handful */

static tt_err fail(struct tt_elf *e, enum tt_elf_fault f)
{
    e->fault = f;
    return TT_ERR_FORMAT;
}

static void hash_fill(crypto_hash_sha256_state *st, uint64_t n)
{
    uint8_t ff[256];
    memset(ff, 0xFF, sizeof ff);
    while (n) {
        size_t k = n < sizeof ff ? (size_t)n : sizeof ff;
        crypto_hash_sha256_update(st, ff, k);
        n -= k;
    }
}

tt_err tt_elf_measure(struct tt_elf *e, uint32_t base, uint32_t size, uint8_t out[32],
                      uint32_t *size_out)
{
    if (!e->img || !out)
        return TT_ERR_ARG;
    struct tt_elf_segment seg[MAX_LOAD];
    unsigned n = 0;
    for (unsigned i = 0; i < e->phnum; i++) {
        struct tt_elf_segment s;
        tt_err err = tt_elf_segment(e, i, &s);
        if (err != TT_OK)
            return err;
        if (s.type != TT_PT_LOAD || s.filesz == 0)
            continue;
        if (n == MAX_LOAD)
            return fail(e, TT_ELF_SEG_SIZE);
        /* insertion sort by load address */
        unsigned j = n++;
        while (j > 0 && seg[j - 1].paddr > s.paddr) {
            seg[j] = seg[j - 1];
            j--;
        }
        seg[j] = s;
    }
    uint64_t end = base;
    for (unsigned i = 0; i < n; i++) {
        if (seg[i].paddr < base)
            return fail(e, TT_ELF_OUTSIDE_REGION);
        if (seg[i].paddr < end)
            return fail(e, TT_ELF_OVERLAP);
        end = (uint64_t)seg[i].paddr + seg[i].filesz; /* checked not to pass 2^32 at open */
    }
    uint64_t limit = size ? (uint64_t)base + size : end;
    if (end > limit || limit > 0x100000000ull)
        return fail(e, TT_ELF_OUTSIDE_REGION);
    if (limit - base > TT_ELF_MEASURE_MAX)
        return fail(e, TT_ELF_TOO_LARGE);

    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    uint64_t at = base;
    for (unsigned i = 0; i < n; i++) {
        hash_fill(&st, seg[i].paddr - at);
        crypto_hash_sha256_update(&st, e->img + seg[i].offset, seg[i].filesz);
        at = (uint64_t)seg[i].paddr + seg[i].filesz;
    }
    hash_fill(&st, limit - at);
    crypto_hash_sha256_final(&st, out);
    if (size_out)
        *size_out = (uint32_t)(limit - base);
    return TT_OK;
}
