/* memmap.c — the memory map GDB gets with qXfer:memory-map:read, and the regions derived
 * from the app's ELF. The map matters twice: GDB refuses accesses outside it (so the
 * caller adds the device's RAM and peripheral ranges to what the ELF gives), and the
 * engine caches only inside it. Depends on rsp.h and the ELF reader. */
#include <stdio.h>
#include <string.h>

#include "rsp_internal.h"

size_t tt_rsp_memory_map(const struct tt_rsp *r, char *out, size_t cap)
{
    static const char *const type_names[] = {"ram", "rom", "flash"};
    size_t n = 0;
    int k = snprintf(out, cap,
                     "<?xml version=\"1.0\"?>\n"
                     "<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\""
                     " \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
                     "<memory-map>\n");
    if (k < 0 || (size_t)k >= cap)
        return 0;
    n = (size_t)k;
    for (size_t i = 0; i < r->nregions && i < TT_RSP_MAX_REGIONS; i++) {
        const struct tt_rsp_region *g = &r->regions[i];
        const char *t = g->type <= TT_RSP_MEM_FLASH ? type_names[g->type] : "ram";
        if (g->type == TT_RSP_MEM_FLASH)
            k = snprintf(out + n, cap - n,
                         "<memory type=\"flash\" start=\"0x%lx\" length=\"0x%lx\">"
                         "<property name=\"blocksize\">0x%lx</property></memory>\n",
                         (unsigned long)g->start, (unsigned long)g->length,
                         (unsigned long)(g->blocksize ? g->blocksize : 0x400));
        else
            k = snprintf(out + n, cap - n,
                         "<memory type=\"%s\" start=\"0x%lx\" length=\"0x%lx\"/>\n", t,
                         (unsigned long)g->start, (unsigned long)g->length);
        if (k < 0 || (size_t)k >= cap - n)
            return 0;
        n += (size_t)k;
    }
    k = snprintf(out + n, cap - n, "</memory-map>\n");
    if (k < 0 || (size_t)k >= cap - n)
        return 0;
    return n + (size_t)k;
}

/* Sort by start and merge overlapping or touching regions of one type. Regions of
 * different types that overlap are an error (GDB ignores the whole map then). */
static bool normalise(struct tt_rsp_region *g, size_t *n)
{
    for (size_t i = 1; i < *n; i++) /* insertion sort, a handful of entries */
        for (size_t j = i; j > 0 && g[j - 1].start > g[j].start; j--) {
            struct tt_rsp_region t = g[j];
            g[j] = g[j - 1];
            g[j - 1] = t;
        }
    for (size_t i = 0; i + 1 < *n;) {
        uint64_t end = (uint64_t)g[i].start + g[i].length;
        if (g[i + 1].start > end) {
            i++;
            continue;
        }
        if (g[i + 1].type != g[i].type) {
            if (g[i + 1].start == end) {
                i++; /* touching, different types: fine */
                continue;
            }
            return false;
        }
        uint64_t end2 = (uint64_t)g[i + 1].start + g[i + 1].length;
        if (end2 > end)
            g[i].length = (uint32_t)(end2 - g[i].start);
        for (size_t k = i + 1; k + 1 < *n; k++)
            g[k] = g[k + 1];
        (*n)--;
    }
    return true;
}

bool tt_rsp_add_region(struct tt_rsp *r, uint32_t start, uint32_t length, uint8_t type,
                       uint32_t blocksize)
{
    uint64_t s = start, e = (uint64_t)start + length;
    if (length == 0 || type > TT_RSP_MEM_FLASH || e > 0x100000000ull)
        return false;
    if (type == TT_RSP_MEM_FLASH && blocksize) {
        if (blocksize & (blocksize - 1))
            return false; /* rounding needs a power of two */
        s &= ~(uint64_t)(blocksize - 1);
        e = (e + blocksize - 1) & ~(uint64_t)(blocksize - 1);
        if (e > 0x100000000ull || e - s > 0xFFFFFFFFull)
            return false;
    }
    struct tt_rsp_region g[TT_RSP_MAX_REGIONS + 1];
    size_t n = r->nregions;
    memcpy(g, r->regions, n * sizeof g[0]);
    g[n++] = (struct tt_rsp_region){
        .start = (uint32_t)s, .length = (uint32_t)(e - s), .type = type, .blocksize = blocksize};
    if (!normalise(g, &n) || n > TT_RSP_MAX_REGIONS)
        return false; /* the map stays as it was */
    memcpy(r->regions, g, n * sizeof g[0]);
    r->nregions = n;
    return true;
}

bool tt_rsp_add_elf_regions(struct tt_rsp *r, const struct tt_elf *e, uint8_t ro_type,
                            uint32_t blocksize)
{
    if (!e || !e->img)
        return false;
    for (unsigned i = 0; i < e->phnum; i++) {
        struct tt_elf_segment s;
        if (tt_elf_segment(e, i, &s) != TT_OK || s.type != TT_PT_LOAD || s.memsz == 0)
            continue;
        bool ok;
        if (s.flags & TT_PF_W) {
            ok = tt_rsp_add_region(r, s.vaddr, s.memsz, TT_RSP_MEM_RAM, 0);
            if (ok && s.filesz && s.paddr != s.vaddr) /* its initial values, in flash */
                ok = tt_rsp_add_region(r, s.paddr, s.filesz, ro_type, blocksize);
        } else {
            ok = tt_rsp_add_region(r, s.vaddr, s.memsz, ro_type, blocksize);
        }
        if (!ok)
            return false;
    }
    return true;
}
