/* layout.h — where everything lives on the STM32U585, and the arithmetic over it.
 *
 * Flash: 2 MB in two banks of 128 pages of 8 KB; the program unit is a quad-word (16 bytes,
 * ECC-protected: a quad-word is written once between erases). Each byte has two addresses:
 * 0x08xxxxxx (Non-secure alias) and 0x0Cxxxxxx (Secure alias). SRAM: SRAM1+2+3 are one
 * contiguous 768 KB at 0x20000000 (Secure alias 0x30000000), SRAM4 16 KB apart.
 *
 *   Bank 1  page 0-11    0x0C000000  96 KB  supervisor image (vectors, code, rodata, .data)
 *           page 12      0x0C018000   8 KB  NSC: SG veneers of the app API only
 *           page 13      0x0C01A000   8 KB  provisioning (device id, keys), written at the factory
 *           page 14-19   0x0C01C000  48 KB  persistent records, two pages per record
 *           page 20-127  0x08028000 864 KB  the app (Non-secure)
 *   Bank 2  page 0-127   0x0C100000   1 MB  OTA staging slot (Secure)
 *   SRAM    0x20000000 704 KB the app;  0x300B0000 64 KB the supervisor (top of SRAM3)
 *
 * The secure watermarks (option bytes) are therefore SECWM1 = pages 0..19 and SECWM2 = pages
 * 0..127. Functions here are pure (no registers): unit-tested on the host. Range checks are
 * written so that they cannot overflow. Depends on tether/err.h. */
#ifndef TT_U585_LAYOUT_H
#define TT_U585_LAYOUT_H

#include <stdint.h>

#include "tether/err.h"

#define U585_FLASH_SIZE 0x00200000u
#define U585_BANK_SIZE 0x00100000u
#define U585_PAGE_SIZE 0x2000u
#define U585_PAGES_PER_BANK 128u
#define U585_QWORD 16u
#define U585_FLASH_NS_BASE 0x08000000u
#define U585_FLASH_S_BASE 0x0C000000u

#define U585_SUP_BASE 0x0C000000u
#define U585_SUP_SIZE 0x00018000u
#define U585_NSC_BASE 0x0C018000u
#define U585_NSC_SIZE 0x00002000u
#define U585_PROV_BASE 0x0C01A000u
#define U585_STORE_BASE 0x0C01C000u
#define U585_STORE_PAGES 6u
#define U585_SECWM1_PEND 19u            /* last Secure page of bank 1 */
#define U585_APP_FIRST_PAGE 20u
#define U585_APP_BASE 0x08028000u       /* Non-secure alias: what the app is linked at */
#define U585_APP_SIZE 0x000D8000u
#define U585_STAGE_BASE 0x0C100000u
#define U585_STAGE_SIZE 0x00100000u

#define U585_APP_RAM_BASE 0x20000000u
#define U585_APP_RAM_SIZE 0x000B0000u
#define U585_SUP_RAM_BASE 0x300B0000u   /* Secure alias of 0x200B0000 (SRAM3 top 64 KB) */
#define U585_SUP_RAM_SIZE 0x00010000u
#define U585_SRAM3_BASE 0x20040000u
#define U585_SRAM3_SIZE 0x00080000u

/* 1 if [addr, addr+len) lies inside [base, base+size); len 0 is never inside. */
int u585_in_range(uint32_t addr, uint32_t len, uint32_t base, uint32_t size);

/* A flash address resolved to its bank (0 or 1), page in the bank (0..127) and offset. */
struct u585_flash_loc {
    unsigned bank;
    unsigned page;
    uint32_t offset;    /* from the start of the page */
    int secure_alias;   /* the address used the 0x0C alias */
};
/* TT_ERR_ARG when addr is in neither flash alias. Assumes SWAP_BANK = 0 (checked at boot by
 * the option-byte check). */
TT_MUST_CHECK tt_err u585_flash_locate(uint32_t addr, struct u585_flash_loc *out);

/* Secure-alias address of the first byte of a page. */
uint32_t u585_flash_page_addr(unsigned bank, unsigned page);

/* Same byte, other alias: NS <-> S (flash only; other addresses are returned unchanged). */
uint32_t u585_flash_to_secure(uint32_t addr);

/* A program request is valid: quad-word aligned start and length, len > 0, inside the flash,
 * not crossing a bank. TT_ERR_ARG otherwise. */
TT_MUST_CHECK tt_err u585_flash_check_program(uint32_t addr, uint32_t len);

/* Page range [first, last] (global page numbers 0..255, bank 2 = 128..255) covering
 * [addr, addr+len); TT_ERR_ARG when outside the flash or len is 0. */
TT_MUST_CHECK tt_err u585_flash_pages(uint32_t addr, uint32_t len, unsigned *first,
                                      unsigned *last);

/* Where the block-based security bit of a page lives: FLASH_SECBB{bank+1}R{reg+1}, bit. */
void u585_secbb_bit(unsigned bank, unsigned page, uint32_t *reg_offset, uint32_t *bit);

/* The app's own memory (by Non-secure address): its flash slot or its RAM. */
int u585_app_flash_contains(uint32_t addr, uint32_t len);
int u585_app_ram_contains(uint32_t addr, uint32_t len);

/* The app's flash as the SAU shows it to the Non-secure world: exactly the image the
 * supervisor verified, rounded up to the SAU's 32-byte granule (the bytes after the image in
 * that granule are erased: the OTA engine pads its writes with 0xFF). size 0 (no verified
 * image: a SINGLE transfer in progress, or a slot that failed its check) gives no region, so
 * every app-slot address is Secure and an instruction fetch from it faults. size is at most
 * U585_APP_SIZE (the caller checks). */
struct u585_sau_span {
    int enabled;
    uint32_t rbar, rlar; /* SAU_RBAR, SAU_RLAR of the region (RLAR.ENABLE included) */
};
void u585_app_fence(uint32_t image_size, struct u585_sau_span *out);
/* [addr, addr+len) lies inside the first image_size bytes of the app slot. */
int u585_app_image_contains(uint32_t addr, uint32_t len, uint32_t image_size);

/* MPCBB: the SECCFGR word index-th of a SRAM block controller, for an SRAM of sram_size bytes
 * at sram_base (NS address) where [sec_base, sec_base+sec_size) must be Secure and the rest
 * Non-secure. Bit n = block (32*index + n), 512 bytes each. */
uint32_t u585_mpcbb_word(unsigned index, uint32_t sram_base, uint32_t sram_size,
                         uint32_t sec_base, uint32_t sec_size);

#endif
