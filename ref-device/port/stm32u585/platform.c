/* platform.c — idle and the flash driver instance of the STM32U585 (time, reset, fault capture and
 * keys are the shared ARMv8-M ones: ../armv8m/tick.c, fault.c, prov_keys.c; the keys' page
 * is U585_PROV_BASE, Secure flash written once at the factory with STM32CubeProgrammer).
 *
 * Idling feeds the watchdog. The flash driver (flash.c) runs with plain volatile
 * register access; flash_areas.c maps port.h's areas on it and the portable record store
 * (core/store/) keeps the records there. Depends on u585.h, flash.h. */
#include "u585.h"

#include "flash.h"

void tt_port_idle(void)
{
    u585_iwdg_refresh();
    __asm__ volatile("wfi" ::: "memory");
}

/* ---- flash (flash_areas.c uses this instance) ---- */
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

const struct u585_io u585_reg_io = {io_rd, io_wr, NULL};
static struct u585_flash flash = {.io = &u585_reg_io, .regs = U5_FLASH_R, .icache = U5_ICACHE,
                                  .spin_limit = 4000000u};
struct u585_flash *u585_areas_flash = &flash;
