/* platform.c — idle and records of port.h on the STM32U585 (time, reset, fault capture and
 * keys are the shared ARMv8-M ones: ../armv8m/tick.c, fault.c, prov_keys.c; the keys' page
 * is U585_PROV_BASE, Secure flash written once at the factory with STM32CubeProgrammer).
 *
 * Idling feeds the watchdog. Records are store.c's A/B pages through the flash driver
 * (flash.c) with plain volatile register access. Depends on u585.h, flash.h, store.h. */
#include "u585.h"

#include "flash.h"
#include "store.h"

void tt_port_idle(void)
{
    u585_iwdg_refresh();
    __asm__ volatile("wfi" ::: "memory");
}

/* ---- records ---- */
static uint32_t io_rd(void *ctx, uint32_t a)
{
    (void)ctx;
    return REG32(a);
}

static void io_wr(void *ctx, uint32_t a, uint32_t v)
{
    (void)ctx;
    REG32(a) = v;
    __asm__ volatile("dsb" ::: "memory");
}

static const struct u585_io io = {io_rd, io_wr, NULL};
static struct u585_flash flash = {.io = &io, .regs = U5_FLASH_R, .icache = U5_ICACHE,
                                  .spin_limit = 4000000u};
static struct u585_store store = {.flash = &flash, .base = U585_STORE_BASE,
                                  .records = TT_REC_COUNT};

tt_err tt_port_store_read(enum tt_port_record id, uint8_t *buf, size_t *len)
{
    return u585_store_read(&store, (unsigned)id, buf, len);
}

tt_err tt_port_store_write(enum tt_port_record id, const uint8_t *buf, size_t len)
{
    return u585_store_write(&store, (unsigned)id, buf, len);
}

tt_err tt_port_store_erase(enum tt_port_record id)
{
    return u585_store_erase(&store, (unsigned)id);
}
