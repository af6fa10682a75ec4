/* layout.c — flash and SRAM layout arithmetic of the STM32U585 port (see layout.h). Pure
 * functions, host-tested by ref-device/tests/test_stm32u585_layout.c. Depends on layout.h. */
#include "layout.h"

#include <stddef.h>

int u585_in_range(uint32_t addr, uint32_t len, uint32_t base, uint32_t size)
{
    return len > 0 && addr >= base && addr - base < size && len <= size - (addr - base);
}

tt_err u585_flash_locate(uint32_t addr, struct u585_flash_loc *out)
{
    uint32_t off;
    int secure;
    if (out == NULL)
        return TT_ERR_ARG;
    if (u585_in_range(addr, 1, U585_FLASH_S_BASE, U585_FLASH_SIZE)) {
        off = addr - U585_FLASH_S_BASE;
        secure = 1;
    } else if (u585_in_range(addr, 1, U585_FLASH_NS_BASE, U585_FLASH_SIZE)) {
        off = addr - U585_FLASH_NS_BASE;
        secure = 0;
    } else {
        return TT_ERR_ARG;
    }
    out->bank = off / U585_BANK_SIZE;
    out->page = (off % U585_BANK_SIZE) / U585_PAGE_SIZE;
    out->offset = off % U585_PAGE_SIZE;
    out->secure_alias = secure;
    return TT_OK;
}

uint32_t u585_flash_page_addr(unsigned bank, unsigned page)
{
    return U585_FLASH_S_BASE + (uint32_t)bank * U585_BANK_SIZE + (uint32_t)page * U585_PAGE_SIZE;
}

uint32_t u585_flash_to_secure(uint32_t addr)
{
    if (u585_in_range(addr, 1, U585_FLASH_NS_BASE, U585_FLASH_SIZE))
        return addr - U585_FLASH_NS_BASE + U585_FLASH_S_BASE;
    return addr;
}

tt_err u585_flash_pages(uint32_t addr, uint32_t len, unsigned *first, unsigned *last)
{
    struct u585_flash_loc a, b;
    if (len == 0 || first == NULL || last == NULL)
        return TT_ERR_ARG;
    tt_err e = u585_flash_locate(addr, &a);
    if (e != TT_OK)
        return e;
    /* The last byte must be in the same alias: check the whole range against it. */
    uint32_t base = a.secure_alias ? U585_FLASH_S_BASE : U585_FLASH_NS_BASE;
    if (!u585_in_range(addr, len, base, U585_FLASH_SIZE))
        return TT_ERR_ARG;
    e = u585_flash_locate(addr + (len - 1u), &b);
    if (e != TT_OK)
        return e;
    *first = a.bank * U585_PAGES_PER_BANK + a.page;
    *last = b.bank * U585_PAGES_PER_BANK + b.page;
    return TT_OK;
}

tt_err u585_flash_check_program(uint32_t addr, uint32_t len)
{
    unsigned first, last;
    if (len == 0 || (addr % U585_QWORD) != 0 || (len % U585_QWORD) != 0)
        return TT_ERR_ARG;
    tt_err e = u585_flash_pages(addr, len, &first, &last);
    if (e != TT_OK)
        return e;
    if (first / U585_PAGES_PER_BANK != last / U585_PAGES_PER_BANK)
        return TT_ERR_ARG; /* one program run stays in one bank (one controller state) */
    return TT_OK;
}

void u585_secbb_bit(unsigned bank, unsigned page, uint32_t *reg_offset, uint32_t *bit)
{
    /* FLASH_SECBB1R1 at 0x80, bank 2's at 0xA0; 32 pages per register. */
    *reg_offset = (bank ? 0xA0u : 0x80u) + 4u * (page / 32u);
    *bit = 1u << (page % 32u);
}

int u585_app_flash_contains(uint32_t addr, uint32_t len)
{
    return u585_in_range(addr, len, U585_APP_BASE, U585_APP_SIZE);
}

void u585_app_fence(uint32_t image_size, struct u585_sau_span *out)
{
    out->enabled = image_size != 0;
    out->rbar = out->enabled ? U585_APP_BASE : 0u;
    /* RLAR holds the last granule's base; the region ends at its last byte. */
    out->rlar = out->enabled ? ((U585_APP_BASE + image_size - 1u) & ~0x1Fu) | 1u /* ENABLE */ : 0u;
}

int u585_app_image_contains(uint32_t addr, uint32_t len, uint32_t image_size)
{
    return image_size <= U585_APP_SIZE && u585_in_range(addr, len, U585_APP_BASE, image_size);
}

int u585_app_ram_contains(uint32_t addr, uint32_t len)
{
    return u585_in_range(addr, len, U585_APP_RAM_BASE, U585_APP_RAM_SIZE);
}

uint32_t u585_mpcbb_word(unsigned index, uint32_t sram_base, uint32_t sram_size,
                         uint32_t sec_base, uint32_t sec_size)
{
    uint32_t w = 0;
    for (unsigned n = 0; n < 32u; n++) {
        uint32_t block = (uint32_t)index * 32u + n;
        if (block >= sram_size / 512u)
            break;
        uint32_t a = sram_base + block * 512u;
        if (u585_in_range(a, 512u, sec_base, sec_size))
            w |= 1u << n;
    }
    return w;
}
