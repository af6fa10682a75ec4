/* elf.c — ELF32 little-endian header, segment and section parsing, and read-only section
 * reads. Every field is loaded byte by byte (tether/bytes.h); every (offset, size) pair is
 * checked as `size <= len && offset <= len - size`, which cannot overflow. tt_elf_open
 * validates everything once so the accessors only index. Depends on elf.h. */
#include <string.h>

#include "elf.h"
#include "tether/bytes.h"

#define EHDR_SIZE 52u
#define PHENT_SIZE 32u
#define SHENT_SIZE 40u
#define EM_ARM 40u

static const char *const fault_names[] = {
    [TT_ELF_OK] = "ok",
    [TT_ELF_TRUNCATED] = "truncated",
    [TT_ELF_MAGIC] = "magic",
    [TT_ELF_CLASS] = "class",
    [TT_ELF_MACHINE] = "machine",
    [TT_ELF_PH_ENTSIZE] = "ph-entsize",
    [TT_ELF_PH_BOUNDS] = "ph-bounds",
    [TT_ELF_SH_ENTSIZE] = "sh-entsize",
    [TT_ELF_SH_BOUNDS] = "sh-bounds",
    [TT_ELF_SHSTRNDX] = "shstrndx",
    [TT_ELF_SEG_BOUNDS] = "segment-bounds",
    [TT_ELF_SEG_SIZE] = "segment-size",
    [TT_ELF_SEC_BOUNDS] = "section-bounds",
    [TT_ELF_SEC_SIZE] = "section-size",
    [TT_ELF_NAME] = "section-name",
    [TT_ELF_OUTSIDE_REGION] = "outside-region",
    [TT_ELF_OVERLAP] = "overlap",
    [TT_ELF_TOO_LARGE] = "measure-too-large",
};

const char *tt_elf_fault_name(enum tt_elf_fault f)
{
    if ((unsigned)f >= sizeof fault_names / sizeof fault_names[0] || !fault_names[f])
        return "unknown";
    return fault_names[f];
}

/* [off, off+size) lies inside a buffer of len bytes — written so it cannot overflow. */
static bool in_bounds(size_t len, uint64_t off, uint64_t size)
{
    return size <= len && off <= len - size;
}

static tt_err fail(struct tt_elf *e, enum tt_elf_fault f)
{
    e->fault = f;
    return TT_ERR_FORMAT;
}

static void load_segment(const uint8_t *p, struct tt_elf_segment *s)
{
    s->type = tt_load_le32(p);
    s->offset = tt_load_le32(p + 4);
    s->vaddr = tt_load_le32(p + 8);
    s->paddr = tt_load_le32(p + 12);
    s->filesz = tt_load_le32(p + 16);
    s->memsz = tt_load_le32(p + 20);
    s->flags = tt_load_le32(p + 24);
}

/* Section fields without the name (resolved once the string table is known). */
static void load_section(const uint8_t *p, uint32_t *name_off, struct tt_elf_section *s)
{
    *name_off = tt_load_le32(p);
    s->type = tt_load_le32(p + 4);
    s->flags = tt_load_le32(p + 8);
    s->addr = tt_load_le32(p + 12);
    s->offset = tt_load_le32(p + 16);
    s->size = tt_load_le32(p + 20);
    s->name = NULL;
}

static tt_err check_header(struct tt_elf *e)
{
    const uint8_t *h = e->img;
    if (e->len < EHDR_SIZE)
        return fail(e, TT_ELF_TRUNCATED);
    if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F')
        return fail(e, TT_ELF_MAGIC);
    /* EI_CLASS 1 = 32-bit, EI_DATA 1 = little-endian, EI_VERSION 1; e_version 1 */
    if (h[4] != 1 || h[5] != 1 || h[6] != 1 || tt_load_le32(h + 20) != 1)
        return fail(e, TT_ELF_CLASS);
    if (tt_load_le16(h + 18) != EM_ARM)
        return fail(e, TT_ELF_MACHINE);
    e->entry = tt_load_le32(h + 24);
    e->phoff = tt_load_le32(h + 28);
    e->shoff = tt_load_le32(h + 32);
    uint16_t phentsize = tt_load_le16(h + 42);
    e->phnum = tt_load_le16(h + 44);
    uint16_t shentsize = tt_load_le16(h + 46);
    e->shnum = tt_load_le16(h + 48);
    e->shstrndx = tt_load_le16(h + 50);
    if (e->phnum && phentsize != PHENT_SIZE)
        return fail(e, TT_ELF_PH_ENTSIZE);
    if (!in_bounds(e->len, e->phoff, (uint64_t)e->phnum * PHENT_SIZE))
        return fail(e, TT_ELF_PH_BOUNDS);
    if (e->shnum && shentsize != SHENT_SIZE)
        return fail(e, TT_ELF_SH_ENTSIZE);
    if (!in_bounds(e->len, e->shoff, (uint64_t)e->shnum * SHENT_SIZE))
        return fail(e, TT_ELF_SH_BOUNDS);
    if (e->shnum && e->shstrndx >= e->shnum)
        return fail(e, TT_ELF_SHSTRNDX);
    return TT_OK;
}

static tt_err check_segments(struct tt_elf *e)
{
    for (unsigned i = 0; i < e->phnum; i++) {
        struct tt_elf_segment s;
        load_segment(e->img + e->phoff + (size_t)i * PHENT_SIZE, &s);
        if (s.type != TT_PT_LOAD)
            continue;
        if (s.filesz > s.memsz || (uint64_t)s.vaddr + s.memsz > 0x100000000ull ||
            (uint64_t)s.paddr + s.filesz > 0x100000000ull)
            return fail(e, TT_ELF_SEG_SIZE);
        if (!in_bounds(e->len, s.offset, s.filesz))
            return fail(e, TT_ELF_SEG_BOUNDS);
    }
    return TT_OK;
}

/* The name at `off` in the string table section: inside it and NUL-terminated there. */
static const char *section_name(const struct tt_elf *e, uint32_t off)
{
    if (e->shnum == 0)
        return NULL;
    uint32_t name_off;
    struct tt_elf_section strtab;
    load_section(e->img + e->shoff + (size_t)e->shstrndx * SHENT_SIZE, &name_off, &strtab);
    if (strtab.type == TT_SHT_NOBITS || strtab.type == 0 || off >= strtab.size)
        return NULL;
    const uint8_t *p = e->img + strtab.offset + off;
    if (!memchr(p, 0, strtab.size - off))
        return NULL;
    return (const char *)p;
}

static tt_err check_sections(struct tt_elf *e)
{
    /* Bounds of every section first: the string table is one of them. */
    for (unsigned i = 0; i < e->shnum; i++) {
        uint32_t name_off;
        struct tt_elf_section s;
        load_section(e->img + e->shoff + (size_t)i * SHENT_SIZE, &name_off, &s);
        if ((s.flags & TT_SHF_ALLOC) && (uint64_t)s.addr + s.size > 0x100000000ull)
            return fail(e, TT_ELF_SEC_SIZE);
        if (s.type != TT_SHT_NOBITS && s.type != 0 && !in_bounds(e->len, s.offset, s.size))
            return fail(e, TT_ELF_SEC_BOUNDS);
    }
    for (unsigned i = 0; i < e->shnum; i++) {
        uint32_t name_off;
        struct tt_elf_section s;
        load_section(e->img + e->shoff + (size_t)i * SHENT_SIZE, &name_off, &s);
        if (!section_name(e, name_off))
            return fail(e, TT_ELF_NAME);
    }
    return TT_OK;
}

tt_err tt_elf_open(struct tt_elf *e, const uint8_t *img, size_t len)
{
    memset(e, 0, sizeof *e);
    if (!img)
        return fail(e, TT_ELF_TRUNCATED);
    e->img = img;
    e->len = len;
    tt_err err = check_header(e);
    if (err == TT_OK)
        err = check_segments(e);
    if (err == TT_OK)
        err = check_sections(e);
    if (err != TT_OK) {
        enum tt_elf_fault f = e->fault;
        memset(e, 0, sizeof *e); /* a rejected file leaves nothing usable behind */
        e->fault = f;
    }
    return err;
}

tt_err tt_elf_segment(const struct tt_elf *e, unsigned i, struct tt_elf_segment *out)
{
    if (!e->img || i >= e->phnum)
        return TT_ERR_ARG;
    load_segment(e->img + e->phoff + (size_t)i * PHENT_SIZE, out);
    return TT_OK;
}

tt_err tt_elf_section(const struct tt_elf *e, unsigned i, struct tt_elf_section *out)
{
    if (!e->img || i >= e->shnum)
        return TT_ERR_ARG;
    uint32_t name_off;
    load_section(e->img + e->shoff + (size_t)i * SHENT_SIZE, &name_off, out);
    out->name = section_name(e, name_off);
    return TT_OK;
}

bool tt_elf_read_ro(const struct tt_elf *e, uint32_t addr, uint8_t *out, size_t len)
{
    if (!e || !e->img || len == 0)
        return false;
    for (unsigned i = 0; i < e->shnum; i++) {
        struct tt_elf_section s;
        if (tt_elf_section(e, i, &s) != TT_OK)
            return false;
        if (!(s.flags & TT_SHF_ALLOC) || (s.flags & TT_SHF_WRITE) || s.type == TT_SHT_NOBITS ||
            s.type == 0)
            continue;
        /* addr in [s.addr, s.addr + size) and len fits in the rest; no overflow */
        if (addr < s.addr || addr - s.addr >= s.size || len > s.size - (addr - s.addr))
            continue;
        memcpy(out, e->img + s.offset + (addr - s.addr), len);
        return true;
    }
    return false;
}
