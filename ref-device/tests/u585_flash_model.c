/* u585_flash_model.c — the STM32U585 flash controller as the port's driver sees it, for host
 * tests. It implements what RM0456 says the driver must respect: FLASH_SECCR locked at reset
 * and unlocked only by KEY1 then KEY2 (a wrong key locks it until reset), write-1-to-clear
 * status flags, PER/PNB/BKER/STRT page erase, PG with four word writes per quad-word
 * (PGAERR for a misaligned or out-of-sequence word, PGSERR for a write without PG or with
 * stale error flags, PROGERR for a quad-word that is not erased), and Secure writes only to
 * Secure pages (watermark or block-based bit), else WRPERR (a model choice: the chip flags
 * an illegal access, the point is that the driver must set SECBB first). It counts
 * operations so a power cut can be injected before operation k. Depends on Check, flash.h,
 * regs_stm32u5.h. */
#include "u585_flash_model.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../port/stm32u585/regs_stm32u5.h"

struct u585_model M;

static int page_secure(unsigned bank, unsigned page)
{
    if (bank == 0 && page <= U585_SECWM1_PEND)
        return 1;
    if (bank == 1)
        return 1;
    return (M.secbb[bank][page / 32] >> (page % 32)) & 1u;
}

static int op_start(void)
{
    if (M.dead)
        return 0;
    if (M.cut_at >= 0 && M.ops >= M.cut_at) {
        M.dead = 1;
        return 0;
    }
    M.ops++;
    if (M.inject_sr) {
        M.secsr |= M.inject_sr;
        M.inject_sr = 0;
        return 0;
    }
    return 1;
}

static uint32_t mrd(void *ctx, uint32_t a)
{
    (void)ctx;
    if (a >= U585_FLASH_NS_BASE && a < U585_FLASH_NS_BASE + U585_FLASH_SIZE)
        a = u585_flash_to_secure(a); /* a load through the Non-secure alias: same bytes */
    if (a >= U585_FLASH_S_BASE && a < U585_FLASH_S_BASE + U585_FLASH_SIZE) {
        uint32_t o = a - U585_FLASH_S_BASE;
        return (uint32_t)M.mem[o] | (uint32_t)M.mem[o + 1] << 8 | (uint32_t)M.mem[o + 2] << 16 |
               (uint32_t)M.mem[o + 3] << 24;
    }
    switch (a) {
    case REGS + FLASH_SECSR:
        return M.secsr;
    case REGS + FLASH_SECCR:
        return M.seccr;
    case ICACHE + ICACHE_CR:
        return M.icache_cr;
    }
    if (a >= REGS + FLASH_SECBB1R1 && a < REGS + FLASH_SECBB1R1 + 16)
        return M.secbb[0][(a - REGS - FLASH_SECBB1R1) / 4];
    if (a >= REGS + FLASH_SECBB2R1 && a < REGS + FLASH_SECBB2R1 + 16)
        return M.secbb[1][(a - REGS - FLASH_SECBB2R1) / 4];
    ck_abort_msg("read of unmodelled address %08x", a);
    return 0;
}

static void erase_cmd(uint32_t cr)
{
    unsigned bank = (cr & FLASH_CR_BKER) ? 1u : 0u;
    unsigned page = (cr & FLASH_CR_PNB_MASK) >> FLASH_CR_PNB_SHIFT;
    if (M.secsr & FLASH_SR_ERRORS) {
        M.secsr |= FLASH_SR_PGSERR;
        return;
    }
    if (!op_start())
        return;
    if (!page_secure(bank, page)) {
        M.secsr |= FLASH_SR_WRPERR;
        return;
    }
    memset(M.mem + bank * U585_BANK_SIZE + page * U585_PAGE_SIZE, 0xFF, U585_PAGE_SIZE);
    M.secsr |= FLASH_SR_EOP;
}

static void flash_word(uint32_t a, uint32_t v)
{
    uint32_t o = a - U585_FLASH_S_BASE;
    if (!(M.seccr & FLASH_CR_PG) || (M.secsr & FLASH_SR_ERRORS)) {
        M.secsr |= FLASH_SR_PGSERR;
        return;
    }
    if (M.qw_words == 0) {
        if (o % 16u) {
            M.secsr |= FLASH_SR_PGAERR;
            return;
        }
        M.qw_addr = o;
    } else if (o != M.qw_addr + 4u * M.qw_words) {
        M.secsr |= FLASH_SR_PGAERR;
        M.qw_words = 0;
        return;
    }
    M.qw[M.qw_words++] = v;
    if (M.qw_words < 4)
        return;
    M.qw_words = 0;
    if (!op_start())
        return;
    unsigned bank = M.qw_addr / U585_BANK_SIZE, page = (M.qw_addr % U585_BANK_SIZE) / U585_PAGE_SIZE;
    if (!page_secure(bank, page)) {
        M.secsr |= FLASH_SR_WRPERR;
        return;
    }
    for (unsigned i = 0; i < 16; i++)
        if (M.mem[M.qw_addr + i] != 0xFF) {
            M.secsr |= FLASH_SR_PROGERR;
            return;
        }
    for (unsigned i = 0; i < 4; i++)
        for (unsigned b = 0; b < 4; b++)
            M.mem[M.qw_addr + 4 * i + b] = (uint8_t)(M.qw[i] >> (8 * b));
    M.secsr |= FLASH_SR_EOP;
}

static void mwr(void *ctx, uint32_t a, uint32_t v)
{
    (void)ctx;
    if (M.dead)
        return;
    if (a >= U585_FLASH_S_BASE && a < U585_FLASH_S_BASE + U585_FLASH_SIZE) {
        flash_word(a, v);
        return;
    }
    switch (a) {
    case REGS + FLASH_SECKEYR:
        if (M.key_state == 0 && v == FLASH_KEY1)
            M.key_state = 1;
        else if (M.key_state == 1 && v == FLASH_KEY2) {
            M.key_state = 0;
            M.seccr &= ~FLASH_CR_LOCK;
        } else
            M.key_state = -1;
        return;
    case REGS + FLASH_SECSR:
        M.secsr &= ~(v & (FLASH_SR_ERRORS | FLASH_SR_EOP));
        return;
    case REGS + FLASH_SECCR:
        if (M.seccr & FLASH_CR_LOCK)
            return; /* writes ignored while locked */
        if ((v & FLASH_CR_STRT) && (v & FLASH_CR_PER))
            erase_cmd(v);
        M.seccr = v & ~FLASH_CR_STRT;
        return;
    case ICACHE + ICACHE_CR:
        M.icache_cr = v;
        return;
    }
    if (a >= REGS + FLASH_SECBB1R1 && a < REGS + FLASH_SECBB1R1 + 16) {
        M.secbb[0][(a - REGS - FLASH_SECBB1R1) / 4] = v;
        return;
    }
    if (a >= REGS + FLASH_SECBB2R1 && a < REGS + FLASH_SECBB2R1 + 16) {
        M.secbb[1][(a - REGS - FLASH_SECBB2R1) / 4] = v;
        return;
    }
    ck_abort_msg("write of unmodelled address %08x", a);
}

static const struct u585_io io = {mrd, mwr, NULL};
struct u585_flash F;
struct u585_flash *u585_areas_flash = &F;

void reset_model(int wipe)
{
    if (M.mem == NULL)
        M.mem = malloc(U585_FLASH_SIZE);
    if (wipe)
        memset(M.mem, 0xFF, U585_FLASH_SIZE);
    M.seccr = FLASH_CR_LOCK;
    M.secsr = 0;
    memset(M.secbb, 0, sizeof M.secbb);
    M.icache_cr = 0;
    M.key_state = 0;
    M.qw_words = 0;
    M.ops = 0;
    M.cut_at = -1;
    M.dead = 0;
    M.inject_sr = 0;
    F = (struct u585_flash){.io = &io, .regs = REGS, .icache = ICACHE, .spin_limit = 100};
}
