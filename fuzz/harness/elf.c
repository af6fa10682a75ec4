/* elf.c — fuzz harness for the app-ELF reader of `tether gdbserver --elf` (ref-client/elf):
 * the file is the developer's, but it may come from anywhere (a CI artifact, a colleague),
 * so it is untrusted input like the rest.
 *
 * Input: region selector (1 byte), read probe (4 bytes address, 1 byte length), then the
 * file. The harness opens it, walks every segment and section, reads read-only sections,
 * measures it and builds the GDB memory map from it. Invariants ([SEC-15]):
 *  - tt_elf_open returns TT_OK or TT_ERR_FORMAT with a fault named; after TT_OK every
 *    segment and section accessor succeeds, section names are NUL-terminated inside the
 *    file and segment/section file bytes lie inside it;
 *  - tt_elf_read_ro copies only bytes of one allocated, read-only section with contents,
 *    exactly the file's bytes at the matching offset (checked independently), and copies
 *    nothing when it refuses;
 *  - tt_elf_measure hashes at most TT_ELF_MEASURE_MAX bytes (no input makes the server
 *    hash gigabytes) and reports the size it used;
 *  - the memory map built from the ELF has no region that wraps past 2^32.
 * Depends on ref-client/elf and ref-client/rsp. */
#include <string.h>

#include "common.h"
#include "../../ref-client/elf/elf.h"
#include "../../ref-client/rsp/rsp.h"

static struct tt_rsp rsp;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* Sections with bytes in the file: not NOBITS (.bss) and not SHT_NULL (type 0). */
static int has_contents(const struct tt_elf_section *s)
{
    return s->type != TT_SHT_NOBITS && s->type != 0;
}

static int readable(const struct tt_elf_section *s)
{
    return (s->flags & TT_SHF_ALLOC) && !(s->flags & TT_SHF_WRITE) && has_contents(s) &&
           s->size > 0;
}

/* The bytes at [addr, addr+len) from an independent walk of the sections, or NULL. */
static const uint8_t *ro_bytes(const struct tt_elf *e, const uint8_t *img, uint32_t addr,
                               size_t len)
{
    for (unsigned i = 0; i < e->shnum; i++) {
        struct tt_elf_section s;
        if (tt_elf_section(e, i, &s) != TT_OK || !readable(&s))
            continue;
        if (addr >= s.addr && (uint64_t)addr + len <= (uint64_t)s.addr + s.size)
            return img + s.offset + (addr - s.addr);
    }
    return NULL;
}

/* The end of the last PT_LOAD segment's file bytes (independent of measure.c). */
static uint64_t load_end(const struct tt_elf *e)
{
    uint64_t end = 0;
    for (unsigned i = 0; i < e->phnum; i++) {
        struct tt_elf_segment s;
        if (tt_elf_segment(e, i, &s) == TT_OK && s.type == TT_PT_LOAD && s.filesz &&
            (uint64_t)s.paddr + s.filesz > end)
            end = (uint64_t)s.paddr + s.filesz;
    }
    return end;
}

static void probe(const struct tt_elf *e, const uint8_t *img, uint32_t addr, size_t len)
{
    uint8_t out[256], mark[256];
    const uint8_t *want = ro_bytes(e, img, addr, len);
    memset(out, 0xA5, sizeof out);
    memset(mark, 0xA5, sizeof mark);
    if (tt_elf_read_ro(e, addr, out, len)) {
        FUZZ_CHECK(want != NULL, "SEC-15", "read_ro served bytes of no read-only section");
        FUZZ_CHECK(memcmp(out, want, len) == 0, "SEC-15", "read_ro bytes differ from the file");
    } else {
        FUZZ_CHECK(memcmp(out, mark, sizeof out) == 0, "SEC-15", "refused read_ro wrote");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t bases[4] = {0x00200000u, 0x10000000u, 0x08000000u, 0};
    /* Region sizes: 0 is "up to the last segment"; one over the cap must be refused. */
    static const uint32_t sizes[4] = {0x00010000u, 0, 0x00002000u, TT_ELF_MEASURE_MAX + 1u};
    struct tt_elf e;
    struct tt_rsp_backend be;
    uint8_t h[32];
    uint32_t used = 0xFFFFFFFFu, paddr;
    size_t plen;
    tt_err err;
    if (size < 6)
        return 0;
    paddr = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 8 | data[4];
    plen = data[5];
    const uint8_t *img = data + 6;
    size_t n = size - 6;
    err = tt_elf_open(&e, img, n);
    FUZZ_CHECK(err == TT_OK || (err == TT_ERR_FORMAT && e.fault != TT_ELF_OK), "SEC-15",
               "open: an undocumented result");
    if (err != TT_OK)
        return 0;
    for (unsigned i = 0; i < e.phnum; i++) {
        struct tt_elf_segment s;
        FUZZ_CHECK(tt_elf_segment(&e, i, &s) == TT_OK, "SEC-15", "segment accessor failed");
        if (s.type == TT_PT_LOAD) /* the only segments anything reads */
            FUZZ_CHECK((uint64_t)s.offset + s.filesz <= n, "SEC-15", "segment outside the file");
    }
    for (unsigned i = 0; i < e.shnum; i++) {
        struct tt_elf_section s;
        FUZZ_CHECK(tt_elf_section(&e, i, &s) == TT_OK, "SEC-15", "section accessor failed");
        FUZZ_CHECK((const uint8_t *)s.name >= img && (const uint8_t *)s.name < img + n &&
                       memchr(s.name, 0, (size_t)(img + n - (const uint8_t *)s.name)) != NULL,
                   "SEC-15", "section name not terminated inside the file");
        if (has_contents(&s))
            FUZZ_CHECK((uint64_t)s.offset + s.size <= n, "SEC-15", "section outside the file");
        if (readable(&s)) {
            probe(&e, img, s.addr, s.size < 16 ? s.size : 16);
            probe(&e, img, s.addr + s.size - 1, 1);
        }
    }
    probe(&e, img, paddr, plen);
    uint32_t base = bases[data[0] & 3], rsize = sizes[data[0] >> 2 & 3];
    uint64_t last = load_end(&e), span = rsize ? rsize : last > base ? last - base : 0;
    /* Hashing megabytes of fill is legitimate but slow: spans between 256 KB and the cap are
     * not measured here (the arithmetic that decides them is the same). */
    if (span <= (256u << 10) || span > TT_ELF_MEASURE_MAX) {
        err = tt_elf_measure(&e, base, rsize, h, &used);
        FUZZ_CHECK(err == TT_OK || (err == TT_ERR_FORMAT && e.fault != TT_ELF_OK), "SEC-15",
                   "measure: an undocumented result");
        if (err == TT_OK)
            FUZZ_CHECK(used <= TT_ELF_MEASURE_MAX && used == span, "SEC-13",
                       "measured more than the cap, or not the range asked for");
        if (span > TT_ELF_MEASURE_MAX)
            FUZZ_CHECK(err == TT_ERR_FORMAT, "SEC-13", "a range over the cap was measured");
    }
    memset(&be, 0, sizeof be);
    tt_rsp_init(&rsp, &be);
    rsp.elf = &e;
    (void)tt_rsp_add_elf_regions(&rsp, &e, TT_RSP_MEM_RAM, 0); /* false: map incomplete */
    FUZZ_CHECK(rsp.nregions <= TT_RSP_MAX_REGIONS, "SEC-15", "too many regions");
    for (size_t i = 0; i < rsp.nregions; i++) {
        uint64_t end = (uint64_t)rsp.regions[i].start + rsp.regions[i].length;
        FUZZ_CHECK(rsp.regions[i].length > 0 && end <= 0x100000000ull, "SEC-15",
                   "memory-map region empty or wrapping");
        FUZZ_CHECK(i + 1 == rsp.nregions || end <= rsp.regions[i + 1].start, "SEC-15",
                   "memory-map regions unsorted or overlapping");
    }
    return 0;
}
