/* elf.h — a small, strictly bounds-checked reader of ELF32 little-endian images (the app's
 * ELF given to `tether gdbserver --elf`), working on a file image the caller holds in memory.
 *
 * It gives the GDB server three things: the loadable segments (for the memory map), reads
 * of read-only allocated sections (served locally instead of from the device), and the app
 * measurement — the SHA-256 the device reports for its installed app image ([OTA-070]) —
 * so the server can check that the ELF is what runs before trusting it. Every offset and
 * size read from the file is checked against the image length without overflow; a
 * malformed file gets TT_ERR_FORMAT plus a specific reason (enum tt_elf_fault), never a
 * crash. No malloc; the image must outlive the reader. Depends on tether/err.h; the
 * measurement uses libsodium's SHA-256 (client side). */
#ifndef TETHER_ELF_H
#define TETHER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tether/err.h"

enum tt_elf_fault {
    TT_ELF_OK = 0,
    TT_ELF_TRUNCATED,      /* shorter than the 52-byte ELF header */
    TT_ELF_MAGIC,          /* not \x7fELF */
    TT_ELF_CLASS,          /* not ELFCLASS32 / little-endian / version 1 */
    TT_ELF_MACHINE,        /* not EM_ARM */
    TT_ELF_PH_ENTSIZE,     /* program header entry size is not 32 */
    TT_ELF_PH_BOUNDS,      /* program header table past the end of the file */
    TT_ELF_SH_ENTSIZE,     /* section header entry size is not 40 */
    TT_ELF_SH_BOUNDS,      /* section header table past the end of the file */
    TT_ELF_SHSTRNDX,       /* section-name string table index out of range */
    TT_ELF_SEG_BOUNDS,     /* a segment's file bytes lie past the end of the file */
    TT_ELF_SEG_SIZE,       /* filesz > memsz, or address + size wraps 32 bits */
    TT_ELF_SEC_BOUNDS,     /* a section's file bytes lie past the end of the file */
    TT_ELF_SEC_SIZE,       /* address + size wraps 32 bits */
    TT_ELF_NAME,           /* section name offset outside the string table / unterminated */
    TT_ELF_OUTSIDE_REGION, /* (measurement) a segment's bytes lie outside the region */
    TT_ELF_OVERLAP,        /* (measurement) two segments' bytes overlap */
    TT_ELF_TOO_LARGE       /* (measurement) the measured range exceeds TT_ELF_MEASURE_MAX */
};

/* The largest range tt_elf_measure hashes. App slots are at most 2 MB on the MCUs we target
 * (STM32U585); without a cap, a 100-byte ELF placing a segment near 4 GiB would have the
 * GDB server hash 4 GiB of fill before it listens. */
#define TT_ELF_MEASURE_MAX (16u << 20)

/* Short name of a fault, for messages ("ph-bounds"). Never NULL. */
const char *tt_elf_fault_name(enum tt_elf_fault f);

struct tt_elf {
    const uint8_t *img;
    size_t len;
    uint32_t entry;
    uint32_t phoff, shoff;
    uint16_t phnum, shnum, shstrndx;
    enum tt_elf_fault fault; /* why the last call failed */
};

#define TT_PT_LOAD 1u
#define TT_PF_X 1u
#define TT_PF_W 2u
#define TT_PF_R 4u
#define TT_SHT_NOBITS 8u
#define TT_SHF_WRITE 1u
#define TT_SHF_ALLOC 2u
#define TT_SHF_EXECINSTR 4u

struct tt_elf_segment {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags;
};

struct tt_elf_section {
    const char *name; /* points into the image; NUL-terminated (checked) */
    uint32_t type, flags, addr, offset, size;
};

/* Check the header, both header tables, every segment's and section's bounds and names.
 * After TT_OK, the accessors below cannot fail on a valid index. */
TT_MUST_CHECK tt_err tt_elf_open(struct tt_elf *e, const uint8_t *img, size_t len);

TT_MUST_CHECK tt_err tt_elf_segment(const struct tt_elf *e, unsigned i, struct tt_elf_segment *out);
TT_MUST_CHECK tt_err tt_elf_section(const struct tt_elf *e, unsigned i, struct tt_elf_section *out);

/* Copy [addr, addr+len) if it lies wholly inside one allocated, non-writable section with
 * file contents (code, rodata). Returns false, copying nothing, otherwise. */
bool tt_elf_read_ro(const struct tt_elf *e, uint32_t addr, uint8_t *out, size_t len);

/* The app measurement: SHA-256 over the image [base, base + size) as it is stored in the
 * device's app slot — every PT_LOAD segment's file bytes at its load (physical) address,
 * every other byte 0xFF (erased flash). size 0 means "up to the end of the last segment's
 * file bytes". A segment with file bytes outside the region, or two overlapping, is
 * TT_ERR_FORMAT (OUTSIDE_REGION / OVERLAP), a range over TT_ELF_MEASURE_MAX too (TOO_LARGE).
 * *size_out (may be NULL) gets the size used. */
TT_MUST_CHECK tt_err tt_elf_measure(struct tt_elf *e, uint32_t base, uint32_t size, uint8_t out[32],
                                    uint32_t *size_out);

#endif
