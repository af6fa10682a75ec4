/* test_elf.c — the ELF reader: a real Cortex-M33 ELF built at test-build time (segments,
 * sections, read-only reads, measurement equal to objcopy+sha256sum's), and a table of
 * malformed images derived from it, each with its specific fault. The measurement is
 * [OTA-070]'s app measurement as the client computes it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../elf/elf.h"
#include "tether/bytes.h"

static uint8_t img[64 * 1024];
static size_t img_len;

static void load(void)
{
    FILE *f = fopen(TINY_ELF, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", TINY_ELF);
    img_len = fread(img, 1, sizeof img, f);
    ck_assert(feof(f));
    fclose(f);
}

START_TEST(test_open_real)
{
    load();
    struct tt_elf e;
    ck_assert_int_eq(tt_elf_open(&e, img, img_len), TT_OK);
    ck_assert_uint_eq(e.entry & ~1u, 0x00200000u);
    unsigned loads = 0;
    for (unsigned i = 0; i < e.phnum; i++) {
        struct tt_elf_segment s;
        ck_assert_int_eq(tt_elf_segment(&e, i, &s), TT_OK);
        loads += s.type == TT_PT_LOAD;
    }
    ck_assert_uint_eq(loads, 2);
    bool text = false, rodata = false, data = false;
    for (unsigned i = 0; i < e.shnum; i++) {
        struct tt_elf_section s;
        ck_assert_int_eq(tt_elf_section(&e, i, &s), TT_OK);
        ck_assert_ptr_nonnull(s.name);
        text |= strcmp(s.name, ".text") == 0 && s.addr == 0x00200000u;
        rodata |= strcmp(s.name, ".rodata") == 0;
        data |= strcmp(s.name, ".data") == 0 && (s.flags & TT_SHF_WRITE);
    }
    ck_assert(text && rodata && data);
    struct tt_elf_segment s;
    ck_assert_int_eq(tt_elf_segment(&e, e.phnum, &s), TT_ERR_ARG);
}
END_TEST

START_TEST(test_read_ro)
{
    load();
    struct tt_elf e;
    ck_assert_int_eq(tt_elf_open(&e, img, img_len), TT_OK);
    /* find .rodata: the banner string */
    uint32_t ro = 0, data = 0;
    for (unsigned i = 0; i < e.shnum; i++) {
        struct tt_elf_section s;
        ck_assert_int_eq(tt_elf_section(&e, i, &s), TT_OK);
        if (!strcmp(s.name, ".rodata"))
            ro = s.addr;
        if (!strcmp(s.name, ".data"))
            data = s.addr;
    }
    char buf[32] = {0};
    ck_assert(tt_elf_read_ro(&e, ro, (uint8_t *)buf, 19));
    ck_assert_str_eq(buf, "tether tiny fixture");
    uint8_t w[4];
    ck_assert(tt_elf_read_ro(&e, 0x00200000u, w, 4));  /* code */
    ck_assert(!tt_elf_read_ro(&e, data, w, 4));        /* writable: never from the ELF */
    ck_assert(!tt_elf_read_ro(&e, ro + 18, w, 4));     /* runs past the section's end */
    ck_assert(!tt_elf_read_ro(&e, 0xFFFFFFFEu, w, 4)); /* nowhere, and would wrap */
    ck_assert(!tt_elf_read_ro(&e, 0x00100000u, w, 4));
}
END_TEST

/* [OTA-070] the measurement equals objcopy --gap-fill 0xff --pad-to END | sha256sum */
START_TEST(test_measure_matches_objcopy)
{
    load();
    struct tt_elf e;
    ck_assert_int_eq(tt_elf_open(&e, img, img_len), TT_OK);
    uint8_t h[32];
    uint32_t size;
    ck_assert_int_eq(
        tt_elf_measure(&e, TINY_REGION_BASE, TINY_REGION_END - TINY_REGION_BASE, h, &size), TT_OK);
    ck_assert_uint_eq(size, TINY_REGION_END - TINY_REGION_BASE);
    char hex[65], want[65] = {0};
    for (int i = 0; i < 32; i++)
        sprintf(hex + 2 * i, "%02x", h[i]);
    FILE *f = fopen(TINY_SHA256, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fread(want, 1, 64, f), 64);
    fclose(f);
    ck_assert_str_eq(hex, want);
    /* size 0: up to the end of the last segment's bytes; differs from the padded one */
    uint8_t h0[32];
    ck_assert_int_eq(tt_elf_measure(&e, TINY_REGION_BASE, 0, h0, &size), TT_OK);
    ck_assert_uint_eq(size, 0x60u);
    ck_assert(memcmp(h, h0, 32) != 0);
    /* a region that starts after the code, or is too small */
    ck_assert_int_eq(tt_elf_measure(&e, TINY_REGION_BASE + 4, 0x1000, h, NULL), TT_ERR_FORMAT);
    ck_assert_int_eq(e.fault, TT_ELF_OUTSIDE_REGION);
    ck_assert_int_eq(tt_elf_measure(&e, TINY_REGION_BASE, 0x10, h, NULL), TT_ERR_FORMAT);
    ck_assert_int_eq(e.fault, TT_ELF_OUTSIDE_REGION);
    ck_assert_int_eq(tt_elf_measure(&e, 0xFFFFF000u, 0x2000, h, NULL), TT_ERR_FORMAT);
    /* a range over TT_ELF_MEASURE_MAX is refused before hashing (asked for, or implied by a
     * segment placed far above the base) */
    ck_assert_int_eq(tt_elf_measure(&e, TINY_REGION_BASE, TT_ELF_MEASURE_MAX + 1u, h, NULL),
                     TT_ERR_FORMAT);
    ck_assert_int_eq(e.fault, TT_ELF_TOO_LARGE);
    ck_assert_int_eq(tt_elf_measure(&e, TINY_REGION_BASE, TT_ELF_MEASURE_MAX, h, &size), TT_OK);
    static uint8_t far[sizeof img];
    memcpy(far, img, img_len);
    uint32_t ph = e.phoff, paddr = 0x08000000u; /* first segment's p_paddr: 128 MB up */
    memcpy(far + ph + 12, &paddr, 4);
    ck_assert_int_eq(tt_elf_open(&e, far, img_len), TT_OK);
    ck_assert_int_eq(tt_elf_measure(&e, TINY_REGION_BASE, 0, h, NULL), TT_ERR_FORMAT);
    ck_assert_int_eq(e.fault, TT_ELF_TOO_LARGE);
    ck_assert_str_eq(tt_elf_fault_name(TT_ELF_TOO_LARGE), "measure-too-large");
}
END_TEST

/* ---- malformed images: each a mutation of the real one, each with its own fault ---- */
struct bad {
    const char *what;
    size_t cut; /* truncate to this length (0: keep) */
    size_t off; /* then store `val` (width `w` bytes, LE) at off … */
    int w;
    uint32_t val;
    bool ph_rel, sh_rel; /* … relative to the first program / section header */
    enum tt_elf_fault fault;
};

static const struct bad bads[] = {
    {"empty", 1, 0, 0, 0, false, false, TT_ELF_TRUNCATED},
    {"header cut", 51, 0, 0, 0, false, false, TT_ELF_TRUNCATED},
    {"magic", 0, 1, 1, 'X', false, false, TT_ELF_MAGIC},
    {"64-bit class", 0, 4, 1, 2, false, false, TT_ELF_CLASS},
    {"big-endian", 0, 5, 1, 2, false, false, TT_ELF_CLASS},
    {"e_version", 0, 20, 4, 2, false, false, TT_ELF_CLASS},
    {"x86 machine", 0, 18, 2, 3, false, false, TT_ELF_MACHINE},
    {"phentsize", 0, 42, 2, 56, false, false, TT_ELF_PH_ENTSIZE},
    {"phoff past end", 0, 28, 4, 0xFFFFFFF0u, false, false, TT_ELF_PH_BOUNDS},
    {"phnum huge", 0, 44, 2, 0xFFFF, false, false, TT_ELF_PH_BOUNDS},
    {"shentsize", 0, 46, 2, 64, false, false, TT_ELF_SH_ENTSIZE},
    {"shoff past end", 0, 32, 4, 0x7FFFFFFFu, false, false, TT_ELF_SH_BOUNDS},
    {"shnum huge", 0, 48, 2, 0xFFFF, false, false, TT_ELF_SH_BOUNDS},
    {"shstrndx", 0, 50, 2, 200, false, false, TT_ELF_SHSTRNDX},
    {"segment offset", 0, 4, 4, 0xFFFFFFF0u, true, false, TT_ELF_SEG_BOUNDS},
    {"segment filesz", 0, 16, 4, 0x7FFFFFFFu, true, false, TT_ELF_SEG_SIZE},
    {"segment wraps", 0, 8, 4, 0xFFFFFFF0u, true, false, TT_ELF_SEG_SIZE},
    {"segment filesz > memsz", 0, 20, 4, 1, true, false, TT_ELF_SEG_SIZE},
    {"section offset", 40 + 16, 0, 4, 0xFFFFFF00u, false, true, TT_ELF_SEC_BOUNDS},
    {"section size", 40 + 20, 0, 4, 0x10000000u, false, true, TT_ELF_SEC_BOUNDS},
    {"section wraps", 40 + 12, 0, 4, 0xFFFFFFFFu, false, true, TT_ELF_SEC_SIZE},
    {"name offset", 40 + 0, 0, 4, 0x100000u, false, true, TT_ELF_NAME},
    {"file cut in sections", 0, 0, 0, 0, false, false, TT_ELF_SH_BOUNDS},
};

START_TEST(test_malformed)
{
    load();
    const struct bad *b = &bads[_i];
    static uint8_t m[sizeof img];
    memcpy(m, img, img_len);
    size_t len = img_len;
    uint32_t phoff = tt_load_le32(img + 28), shoff = tt_load_le32(img + 32);
    if (b->sh_rel) { /* section 1 (.text): b->cut holds the field's offset */
        size_t at = shoff + b->cut;
        tt_store_le32(m + at, b->val);
    } else if (!strcmp(b->what, "file cut in sections")) {
        len = shoff + 40;
    } else {
        if (b->cut)
            len = b->cut - (strcmp(b->what, "empty") == 0);
        size_t at = (b->ph_rel ? phoff : 0) + b->off;
        if (b->w == 1)
            m[at] = (uint8_t)b->val;
        else if (b->w == 2)
            tt_store_le16(m + at, (uint16_t)b->val);
        else if (b->w == 4)
            tt_store_le32(m + at, b->val);
    }
    struct tt_elf e;
    memset(&e, 0xAB, sizeof e);
    ck_assert_int_eq(tt_elf_open(&e, m, len), TT_ERR_FORMAT);
    ck_assert_msg(e.fault == b->fault, "%s: fault %s, want %s", b->what, tt_elf_fault_name(e.fault),
                  tt_elf_fault_name(b->fault));
    ck_assert_ptr_null(e.img); /* nothing usable left behind */
    uint8_t w[4];
    ck_assert(!tt_elf_read_ro(&e, 0x00200000u, w, 4));
}
END_TEST

START_TEST(test_null_and_names)
{
    struct tt_elf e;
    ck_assert_int_eq(tt_elf_open(&e, NULL, 0), TT_ERR_FORMAT);
    ck_assert_str_eq(tt_elf_fault_name(TT_ELF_SEG_BOUNDS), "segment-bounds");
    ck_assert_str_eq(tt_elf_fault_name((enum tt_elf_fault)999), "unknown");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("elf");
    TCase *tc = tcase_create("elf");
    tcase_add_test(tc, test_open_real);
    tcase_add_test(tc, test_read_ro);
    tcase_add_test(tc, test_measure_matches_objcopy);
    tcase_add_loop_test(tc, test_malformed, 0, sizeof bads / sizeof bads[0]);
    tcase_add_test(tc, test_null_and_names);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
