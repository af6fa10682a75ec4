/* clock.c — the STM32U585 clock tree for the supervisor: 160 MHz from MSIS through PLL1.
 *
 * At reset the core runs on MSIS at 4 MHz in voltage range 4. Following RM0456 ("Reset and
 * clock control" and "Power control": dynamic voltage scaling, EPOD booster): enable PWR,
 * select range 1 with the EPOD booster on (PLL1 input 4 MHz, PLL1MBOOST = /1) and wait for
 * VOSRDY/BOOSTRDY; set 4 flash wait states (range 1, up to 160 MHz) with prefetch and read
 * it back; PLL1 = MSIS 4 MHz / M 1 * N 80 = 320 MHz VCO, R / 2 = 160 MHz; switch SYSCLK
 * through an AHB /2 step (the manual's advice against a current step when the frequency
 * jumps above 80 MHz), then AHB/APB1/2/3 at /1. HSI48 is started for the RNG. The ICACHE is
 * enabled (the app runs from flash). The clock configuration is then made Secure-only
 * (RCC_SECCFGR) so the app cannot stop the supervisor's clocks. Depends on u585.h. */
#include "u585.h"

#define PLL1_M 1u
#define PLL1_N 80u
#define PLL1_R 2u
#define FLASH_WS_160MHZ 4u

static void wait_set(uint32_t addr, uint32_t bits)
{
    while ((REG32(addr) & bits) != bits) {
    }
}

void u585_clock_init(void)
{
    REG32(U5_RCC + RCC_AHB3ENR) |= RCC_AHB3ENR_PWREN;
    (void)REG32(U5_RCC + RCC_AHB3ENR); /* the enable takes effect before PWR is touched */
    REG32(U5_PWR + PWR_VOSR) = PWR_VOSR_VOS_RANGE1 | PWR_VOSR_BOOSTEN;
    wait_set(U5_PWR + PWR_VOSR, PWR_VOSR_VOSRDY | PWR_VOSR_BOOSTRDY);

    REG32(U5_FLASH_R + FLASH_ACR) = FLASH_WS_160MHZ | FLASH_ACR_PRFTEN;
    while ((REG32(U5_FLASH_R + FLASH_ACR) & 0xFu) != FLASH_WS_160MHZ) {
    }

    REG32(U5_RCC + RCC_PLL1CFGR) = RCC_PLL1CFGR_SRC_MSIS | (0u << 2) /* 4-8 MHz input */ |
                                   ((PLL1_M - 1u) << 8) | RCC_PLL1CFGR_REN;
    REG32(U5_RCC + RCC_PLL1DIVR) = (PLL1_N - 1u) | (1u << 9) | (1u << 16) | ((PLL1_R - 1u) << 24);
    REG32(U5_RCC + RCC_CR) |= RCC_CR_PLL1ON | RCC_CR_HSI48ON;
    wait_set(U5_RCC + RCC_CR, RCC_CR_PLL1RDY | RCC_CR_HSI48RDY);

    REG32(U5_RCC + RCC_CFGR2) = RCC_CFGR2_HPRE_DIV2;
    REG32(U5_RCC + RCC_CFGR1) = (REG32(U5_RCC + RCC_CFGR1) & ~3u) | RCC_CFGR1_SW_PLL1;
    while (((REG32(U5_RCC + RCC_CFGR1) >> RCC_CFGR1_SWS_SHIFT) & 3u) != RCC_CFGR1_SW_PLL1) {
    }
    for (volatile uint32_t i = 0; i < 200u; i++) { /* > 1 us at 80 MHz before the last step */
    }
    REG32(U5_RCC + RCC_CFGR2) = 0; /* HCLK, PCLK1, PCLK2 = SYSCLK */
    REG32(U5_RCC + RCC_CFGR3) = 0; /* PCLK3 = HCLK */

    REG32(U5_ICACHE + ICACHE_CR) |= ICACHE_CR_EN;
    REG32(U5_RCC + RCC_SECCFGR) = RCC_SECCFGR_CLOCKS;
}
