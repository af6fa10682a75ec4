/* flash.c — STM32U585 flash erase/program sequences (see flash.h). The sequences are RM0456's
 * ("Embedded flash memory", flash program and erase operations): unlock with the key pair,
 * check BSY, clear stale flags, set PER+PNB(+BKER) then STRT, or set PG and write the four
 * words of a quad-word, wait for BSY to clear, check the error flags. Depends on flash.h. */
#include "flash.h"

#include "regs_stm32u5.h"

static uint32_t rd(const struct u585_flash *f, uint32_t off)
{
    return f->io->rd(f->io->ctx, f->regs + off);
}

static void wr(const struct u585_flash *f, uint32_t off, uint32_t v)
{
    f->io->wr(f->io->ctx, f->regs + off, v);
}

tt_err u585_flash_sr_error(uint32_t sr)
{
    return (sr & FLASH_SR_ERRORS) ? TT_ERR_STORAGE : TT_OK;
}

static tt_err wait_idle(struct u585_flash *f)
{
    for (uint32_t i = 0; i < f->spin_limit; i++)
        if (!(rd(f, FLASH_SECSR) & (FLASH_SR_BSY | FLASH_SR_WDW)))
            return TT_OK;
    f->last_sr = FLASH_SR_BSY;
    return TT_ERR_STORAGE;
}

static tt_err unlock(struct u585_flash *f)
{
    if (rd(f, FLASH_SECCR) & FLASH_CR_LOCK) {
        wr(f, FLASH_SECKEYR, FLASH_KEY1);
        wr(f, FLASH_SECKEYR, FLASH_KEY2);
    }
    if (rd(f, FLASH_SECCR) & FLASH_CR_LOCK) {
        f->last_sr = 0; /* a wrong key sequence keeps it locked until reset */
        return TT_ERR_STORAGE;
    }
    return TT_OK;
}

static void lock(struct u585_flash *f)
{
    wr(f, FLASH_SECCR, FLASH_CR_LOCK);
}

/* Reads, clears and judges the flags of the operation that just ended. */
static tt_err finish(struct u585_flash *f)
{
    uint32_t sr = rd(f, FLASH_SECSR);
    wr(f, FLASH_SECSR, sr & (FLASH_SR_ERRORS | FLASH_SR_EOP)); /* write 1 to clear */
    tt_err e = u585_flash_sr_error(sr);
    f->last_sr = sr & FLASH_SR_ERRORS;
    return e;
}

/* App-slot pages are Non-secure by watermark: Secure for the time of the operation. */
static int needs_secbb(const struct u585_flash_loc *l)
{
    return l->bank == 0 && l->page >= U585_APP_FIRST_PAGE;
}

static void secbb(struct u585_flash *f, const struct u585_flash_loc *l, int on)
{
    uint32_t off, bit;
    u585_secbb_bit(l->bank, l->page, &off, &bit);
    uint32_t v = rd(f, off);
    wr(f, off, on ? (v | bit) : (v & ~bit));
}

static void after_app_write(struct u585_flash *f)
{
    if (f->icache != 0) /* the app runs from flash through the ICACHE: drop stale lines */
        f->io->wr(f->io->ctx, f->icache + ICACHE_CR,
                  f->io->rd(f->io->ctx, f->icache + ICACHE_CR) | ICACHE_CR_CACHEINV);
}

/* Common prologue: locate, unlock, make sure the controller is idle and clean. */
static tt_err begin(struct u585_flash *f, uint32_t addr, struct u585_flash_loc *l)
{
    if (f == NULL || f->io == NULL)
        return TT_ERR_ARG;
    tt_err e = u585_flash_locate(addr, l);
    if (e != TT_OK)
        return e;
    e = unlock(f);
    if (e != TT_OK)
        return e;
    e = wait_idle(f);
    if (e != TT_OK) {
        lock(f);
        return e;
    }
    wr(f, FLASH_SECSR, FLASH_SR_ERRORS | FLASH_SR_EOP); /* stale flags would block PG/STRT */
    if (needs_secbb(l))
        secbb(f, l, 1);
    return TT_OK;
}

static void end(struct u585_flash *f, const struct u585_flash_loc *l)
{
    wr(f, FLASH_SECCR, 0);
    if (needs_secbb(l)) {
        secbb(f, l, 0);
        after_app_write(f);
    }
    lock(f);
}

tt_err u585_flash_erase_page(struct u585_flash *f, uint32_t addr)
{
    struct u585_flash_loc l;
    tt_err e = begin(f, addr, &l);
    if (e != TT_OK)
        return e;
    uint32_t cr = FLASH_CR_PER | ((uint32_t)l.page << FLASH_CR_PNB_SHIFT) |
                  (l.bank ? FLASH_CR_BKER : 0u);
    wr(f, FLASH_SECCR, cr);
    wr(f, FLASH_SECCR, cr | FLASH_CR_STRT);
    e = wait_idle(f);
    if (e == TT_OK)
        e = finish(f);
    end(f, &l);
    return e;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

tt_err u585_flash_program(struct u585_flash *f, uint32_t addr, const uint8_t *data, uint32_t len)
{
    if (data == NULL)
        return TT_ERR_ARG;
    tt_err e = u585_flash_check_program(addr, len);
    if (e != TT_OK)
        return e;
    /* One page at a time: the block-based security bit is per page. */
    while (len > 0) {
        uint32_t in_page = U585_PAGE_SIZE - (addr % U585_PAGE_SIZE);
        uint32_t n = len < in_page ? len : in_page;
        struct u585_flash_loc l;
        e = begin(f, addr, &l);
        if (e != TT_OK)
            return e;
        uint32_t dst = u585_flash_to_secure(addr);
        wr(f, FLASH_SECCR, FLASH_CR_PG);
        for (uint32_t q = 0; q < n && e == TT_OK; q += U585_QWORD) {
            for (uint32_t w = 0; w < U585_QWORD; w += 4u)
                f->io->wr(f->io->ctx, dst + q + w, le32(data + q + w));
            e = wait_idle(f);
            if (e == TT_OK)
                e = finish(f);
        }
        end(f, &l);
        if (e != TT_OK)
            return e;
        addr += n;
        data += n;
        len -= n;
    }
    return TT_OK;
}

void u585_flash_read(const struct u585_flash *f, uint32_t addr, uint8_t *out, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        uint32_t a = addr + i;
        uint32_t w = f->io->rd(f->io->ctx, a & ~3u);
        out[i] = (uint8_t)(w >> (8u * (a & 3u)));
    }
}
