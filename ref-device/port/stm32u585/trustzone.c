/* trustzone.c — the TrustZone split of the STM32U585: what the app may touch.
 *
 * Flash: fixed by the option bytes (SECWM1 pages 0..19 Secure, SECWM2 all of bank 2), which
 * are checked here at every boot (optbytes.c); a mismatch keeps the app from being started.
 * SAU (everything outside its regions is Secure; the IDAU of the STM32U5 marks the 0x0C,
 * 0x1x, 0x3x and 0x5x aliases Secure/NSC-able and the others Non-secure, the stricter wins):
 *   0  0x08028000-0x080FFFFF  NS   app flash (bank 1 pages 20..127)
 *   1  0x0C018000-0x0C019FFF  NSC  the SG veneers of the supervisor API (one page)
 *   2  0x20000000-0x200AFFFF  NS   app SRAM (SRAM1, SRAM2 and SRAM3 but its top 64 KB)
 *   3  0x40000000-0x4FFFFFFF  NS   Non-secure peripheral aliases (TZSC still decides)
 * GTZC MPCBB: SRAM1/2 Non-secure, SRAM3 Non-secure but the supervisor's 64 KB (512-byte
 * blocks). TZSC: USART1 (the link), RNG and IWDG Secure; TZIC reports any illegal access to
 * them. GPIO: every pin released to the app except PA9/PA10 (USART1). NVIC: every interrupt
 * targets the app except the supervisor's. AIRCR: PRIS = 1 (app priorities below all
 * Secure ones, so the monitor can stop the app even with its PRIMASK set), BFHFNMINS = 0
 * (the app's faults come to the supervisor), SYSRESETREQS = 1 (only the supervisor resets
 * the device). Depends on u585.h and optbytes.h. */
#include "u585.h"

#include "u585_slot.h"

#include "optbytes.h"

uint32_t u585_option_problems;

static void sau_region(uint32_t n, uint32_t base, uint32_t limit, int nsc)
{
    REG32(SAU_RNR) = n;
    REG32(SAU_RBAR) = base & ~0x1Fu;
    REG32(SAU_RLAR) = (limit & ~0x1Fu) | (nsc ? SAU_RLAR_NSC : 0u) | SAU_RLAR_ENABLE;
}

static void mpcbb(uint32_t ctrl, uint32_t sram, uint32_t size, uint32_t sec, uint32_t sec_size)
{
    unsigned words = size / MPCBB_BLOCK / 32u;
    for (unsigned i = 0; i < words; i++)
        REG32(ctrl + MPCBB_SECCFGR(i)) = u585_mpcbb_word(i, sram, size, sec, sec_size);
}

static void check_options(void)
{
    struct u585_optregs r = {
        .optr = REG32(U5_FLASH_R + FLASH_OPTR),
        .secwm1r1 = REG32(U5_FLASH_R + FLASH_SECWM1R1),
        .secwm1r2 = REG32(U5_FLASH_R + FLASH_SECWM1R2),
        .secwm2r1 = REG32(U5_FLASH_R + FLASH_SECWM2R1),
        .secwm2r2 = REG32(U5_FLASH_R + FLASH_SECWM2R2),
        .secbootadd0r = REG32(U5_FLASH_R + FLASH_SECBOOTADD0R),
        .nsbootadd0r = REG32(U5_FLASH_R + FLASH_NSBOOTADD0R),
        .nsbootadd1r = REG32(U5_FLASH_R + FLASH_NSBOOTADD1R),
    };
    struct u585_options o;
    u585_options_parse(&r, &o);
    u585_option_problems = u585_options_check(&o);
}

void u585_trustzone_init(void)
{
    check_options();
    REG32(U5_RCC + RCC_AHB1ENR) |= RCC_AHB1ENR_GTZC1EN;
    (void)REG32(U5_RCC + RCC_AHB1ENR);

    uint32_t sup_ns = U585_SUP_RAM_BASE - U5_SRAM_S_OFFSET;
    mpcbb(U5_GTZC1_MPCBB1, U5_SRAM1_NS, 0x30000u, sup_ns, U585_SUP_RAM_SIZE);
    mpcbb(U5_GTZC1_MPCBB2, U5_SRAM2_NS, 0x10000u, sup_ns, U585_SUP_RAM_SIZE);
    mpcbb(U5_GTZC1_MPCBB3, U5_SRAM3_NS, 0x80000u, sup_ns, U585_SUP_RAM_SIZE);

    REG32(U5_GTZC1_TZSC + TZSC_SECCFGR1) |= GTZC_CFGR1_IWDG;
    REG32(U5_GTZC1_TZSC + TZSC_SECCFGR2) |= GTZC_CFGR2_USART1;
    REG32(U5_GTZC1_TZSC + TZSC_SECCFGR3) |= GTZC_CFGR3_RNG;
    REG32(U5_GTZC1_TZIC + TZIC_IER1) |= GTZC_CFGR1_IWDG;
    REG32(U5_GTZC1_TZIC + TZIC_IER1 + 4u) |= GTZC_CFGR2_USART1;
    REG32(U5_GTZC1_TZIC + TZIC_IER1 + 8u) |= GTZC_CFGR3_RNG;

    REG32(U5_RCC + RCC_AHB2ENR1) |= 0x1FFu; /* GPIOA..GPIOI clocks */
    (void)REG32(U5_RCC + RCC_AHB2ENR1);
    for (uint32_t p = 0; p < U5_GPIO_PORTS; p++)
        REG32(U5_GPIOA + p * U5_GPIO_STRIDE + GPIO_SECCFGR) = p == 0 ? (1u << 9 | 1u << 10) : 0u;

    struct u585_sau_span app;
    u585_app_fence(u585_app_image, &app); /* the whole slot until the OTA service loads */
    REG32(SAU_RNR) = 0;
    REG32(SAU_RBAR) = app.rbar;
    REG32(SAU_RLAR) = app.rlar;
    sau_region(1, U585_NSC_BASE, U585_NSC_BASE + U585_NSC_SIZE - 1u, 1);
    sau_region(2, U585_APP_RAM_BASE, U585_APP_RAM_BASE + U585_APP_RAM_SIZE - 1u, 0);
    sau_region(3, U5_PERIPH_NS, U5_PERIPH_S - 1u, 0);
    REG32(SAU_CTRL) = 1u;

    for (unsigned i = 0; i < (U5_IRQ_COUNT + 31u) / 32u; i++)
        REG32(NVIC_ITNS(i)) = 0xFFFFFFFFu;
    REG32(NVIC_ITNS(U5_IRQ_USART1 / 32u)) &= ~(1u << (U5_IRQ_USART1 % 32u));
    REG32(NVIC_ITNS(U5_IRQ_GTZC / 32u)) &= ~(1u << (U5_IRQ_GTZC % 32u));
    REG32(NVIC_ITNS(U5_IRQ_FLASH_S / 32u)) &= ~(1u << (U5_IRQ_FLASH_S % 32u));
    REG32(NVIC_ITNS(U5_IRQ_RNG / 32u)) &= ~(1u << (U5_IRQ_RNG % 32u));

    REG32(SCB_AIRCR) = AIRCR_VECTKEY | AIRCR_PRIS | AIRCR_SYSRESETREQS;
    REG32(SCB_SHPR2) = U585_PRIO_SVC << 24;
    REG32(SCB_SHPR3) = U585_PRIO_TICK << 24 | U585_PRIO_PENDSV << 16 | U585_PRIO_MONITOR;
    *(volatile uint8_t *)NVIC_IPR(U5_IRQ_USART1) = U585_PRIO_LINK;
    *(volatile uint8_t *)NVIC_IPR(U5_IRQ_GTZC) = U585_PRIO_GTZC;
    REG32(NVIC_ISER(U5_IRQ_GTZC / 32u)) = 1u << (U5_IRQ_GTZC % 32u);
    __asm__ volatile("dsb\nisb" ::: "memory");
}

/* Region 0 is the app's flash: app_slot.c narrows it to the verified image (or removes it)
 * whenever the OTA service loads one. */
void u585_sau_app_flash(const struct u585_sau_span *span)
{
    REG32(SAU_RNR) = 0;
    REG32(SAU_RLAR) = 0; /* disabled while it changes */
    REG32(SAU_RBAR) = span->rbar;
    REG32(SAU_RLAR) = span->enabled ? span->rlar : 0u;
    __asm__ volatile("dsb\nisb" ::: "memory");
}

/* Illegal access to a Secure peripheral (by the app): count it and clear the flags. The
 * access itself was already refused by the bus (read as zero, write ignored). */
static volatile uint32_t gtzc_events;

void GTZC_IRQHandler(void)
{
    for (unsigned i = 0; i < TZIC_REGS; i++) {
        uint32_t sr = REG32(U5_GTZC1_TZIC + TZIC_SR1 + 4u * i);
        if (sr != 0) {
            REG32(U5_GTZC1_TZIC + TZIC_FCR1 + 4u * i) = sr;
            gtzc_events++;
        }
    }
}
