/* regs_stm32u5.h — the STM32U585 peripheral registers this port touches, and nothing else.
 *
 * Written from ST's RM0456 (STM32U5 reference manual). References name the chapter and the
 * register as the manual titles them ("FLASH_SECCR, offset 0x2C") rather than section
 * numbers, which move between revisions. Base addresses are from RM0456 §2.3 "Memory
 * organization", table "memory map and peripheral register boundary addresses"; every one was
 * cross-checked (read, not copied) against ST's published stm32u585xx.h. All peripherals are
 * reached through their Secure alias (0x5xxxxxxx): the supervisor runs Secure, and a Secure
 * peripheral answers only to Secure transactions. Offsets are added to the base with REG32().
 * Depends on nothing. */
#ifndef TT_REGS_STM32U5_H
#define TT_REGS_STM32U5_H

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

/* ---- Memory map (RM0456 §2.3). Secure aliases of code and SRAM differ from the NS ones by
 * 0x04000000 (flash) and 0x10000000 (SRAM, peripherals). */
#define U5_FLASH_NS 0x08000000u   /* main flash, Non-secure alias */
#define U5_FLASH_S 0x0C000000u    /* main flash, Secure alias */
#define U5_SRAM1_NS 0x20000000u   /* SRAM1 192 KB */
#define U5_SRAM2_NS 0x20030000u   /* SRAM2 64 KB */
#define U5_SRAM3_NS 0x20040000u   /* SRAM3 512 KB */
#define U5_SRAM4_NS 0x28000000u   /* SRAM4 16 KB (SmartRun domain) */
#define U5_SRAM_S_OFFSET 0x10000000u
#define U5_PERIPH_NS 0x40000000u
#define U5_PERIPH_S 0x50000000u

/* ---- Peripheral bases, Secure alias (RM0456 §2.3 boundary-address table). */
#define U5_IWDG 0x50003000u       /* APB1 + 0x3000 */
#define U5_USART1 0x50013800u     /* APB2 + 0x3800 */
#define U5_FLASH_R 0x50022000u    /* AHB1 + 0x2000: flash interface registers */
#define U5_ICACHE 0x50030400u     /* AHB1 + 0x10400 */
#define U5_GTZC1_TZSC 0x50032400u /* AHB1 + 0x12400 */
#define U5_GTZC1_TZIC 0x50032800u /* AHB1 + 0x12800 */
#define U5_GTZC1_MPCBB1 0x50032C00u /* SRAM1 block-based controller */
#define U5_GTZC1_MPCBB2 0x50033000u /* SRAM2 */
#define U5_GTZC1_MPCBB3 0x50033400u /* SRAM3 */
#define U5_GPIOA 0x52020000u      /* AHB2 + 0x0000; ports are 0x400 apart (A..I) */
#define U5_GPIO_STRIDE 0x400u
#define U5_GPIO_PORTS 9u          /* A..I on the 169-pin package */
#define U5_RNG 0x520C0800u        /* AHB2 + 0xA0800 */
#define U5_PWR 0x56020800u        /* AHB3 + 0x0800 */
#define U5_RCC 0x56020C00u        /* AHB3 + 0x0C00 */

/* ---- RCC (RM0456 chapter "Reset and clock control"). */
#define RCC_CR 0x00u              /* RCC_CR */
#define RCC_CR_MSISRDY (1u << 2)
#define RCC_CR_HSI48ON (1u << 12)
#define RCC_CR_HSI48RDY (1u << 13)
#define RCC_CR_PLL1ON (1u << 24)
#define RCC_CR_PLL1RDY (1u << 25)
#define RCC_CFGR1 0x1Cu           /* SW[1:0], SWS[3:2] */
#define RCC_CFGR1_SW_PLL1 3u
#define RCC_CFGR1_SWS_SHIFT 2u
#define RCC_CFGR2 0x20u           /* HPRE[3:0], PPRE1[6:4], PPRE2[10:8] */
#define RCC_CFGR2_HPRE_DIV2 8u
#define RCC_CFGR3 0x24u           /* PPRE3[6:4] */
#define RCC_PLL1CFGR 0x28u        /* PLL1SRC[1:0] PLL1RGE[3:2] PLL1M[11:8] PLL1MBOOST[15:12] PLL1REN 18 */
#define RCC_PLL1CFGR_SRC_MSIS 1u
#define RCC_PLL1CFGR_REN (1u << 18)
#define RCC_PLL1DIVR 0x34u        /* PLL1N-1 [8:0], PLL1P-1 [15:9], PLL1Q-1 [22:16], PLL1R-1 [30:24] */
#define RCC_AHB1ENR 0x88u
#define RCC_AHB1ENR_GTZC1EN (1u << 24)
#define RCC_AHB2ENR1 0x8Cu
#define RCC_AHB2ENR1_GPIOAEN (1u << 0) /* GPIOxEN are bits 0..8 */
#define RCC_AHB2ENR1_RNGEN (1u << 18)
#define RCC_AHB3ENR 0x94u
#define RCC_AHB3ENR_PWREN (1u << 2)
#define RCC_APB2ENR 0xA4u
#define RCC_APB2ENR_USART1EN (1u << 14)
#define RCC_CCIPR1 0xE0u          /* USART1SEL[1:0] = 00: PCLK2 */
#define RCC_CCIPR2 0xE4u          /* RNGSEL[13:12] = 00: HSI48 */
#define RCC_CSR 0xF4u             /* LSION 0, LSIRDY 1 (IWDG starts LSI itself) */
#define RCC_SECCFGR 0x110u        /* RCC_SECCFGR: which clock controls are Secure */
#define RCC_SECCFGR_CLOCKS 0x1FFFu /* HSI HSE MSI LSI LSE SYSCLK PRESC PLL1-3 CLK48M HSI48 RMVF */

/* ---- PWR (RM0456 chapter "Power control"). */
#define PWR_VOSR 0x0Cu            /* PWR_VOSR: VOS[17:16], BOOSTEN 18, VOSRDY 15, BOOSTRDY 14 */
#define PWR_VOSR_VOS_RANGE1 (3u << 16)
#define PWR_VOSR_BOOSTEN (1u << 18)
#define PWR_VOSR_VOSRDY (1u << 15)
#define PWR_VOSR_BOOSTRDY (1u << 14)
#define PWR_SECCFGR 0x30u         /* PWR_SECCFGR */

/* ---- FLASH interface (RM0456 chapter "Embedded flash memory (FLASH)"). */
#define FLASH_ACR 0x00u           /* LATENCY[3:0], PRFTEN 8 */
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_NSKEYR 0x08u
#define FLASH_SECKEYR 0x0Cu       /* FLASH_SECKEYR: KEY1 then KEY2 unlocks FLASH_SECCR */
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_NSSR 0x20u
#define FLASH_SECSR 0x24u         /* FLASH_SECSR: status and error flags (write 1 to clear) */
#define FLASH_NSCR 0x28u
#define FLASH_SECCR 0x2Cu         /* FLASH_SECCR: PG, PER, PNB, BKER, STRT, LOCK */
#define FLASH_OPTR 0x40u          /* FLASH_OPTR: user option bytes, TZEN bit 31 */
#define FLASH_NSBOOTADD0R 0x44u
#define FLASH_NSBOOTADD1R 0x48u
#define FLASH_SECBOOTADD0R 0x4Cu  /* SECBOOTADD0[31:7], BOOT_LOCK 0 */
#define FLASH_SECWM1R1 0x50u      /* SECWM1_PSTRT[6:0], SECWM1_PEND[22:16] */
#define FLASH_SECWM1R2 0x54u      /* HDP1_PEND[22:16], HDP1EN 31 */
#define FLASH_SECWM2R1 0x60u
#define FLASH_SECWM2R2 0x64u
#define FLASH_SECBB1R1 0x80u      /* FLASH_SECBB1Rx: one bit per page of bank 1, x = 1..4 */
#define FLASH_SECBB2R1 0xA0u      /* bank 2 */
#define FLASH_SECHDPCR 0xC0u      /* HDP1_ACCDIS 0, HDP2_ACCDIS 1 */

#define FLASH_SR_EOP (1u << 0)
#define FLASH_SR_OPERR (1u << 1)
#define FLASH_SR_PROGERR (1u << 3)
#define FLASH_SR_WRPERR (1u << 4)
#define FLASH_SR_PGAERR (1u << 5)
#define FLASH_SR_SIZERR (1u << 6)
#define FLASH_SR_PGSERR (1u << 7)
#define FLASH_SR_BSY (1u << 16)
#define FLASH_SR_WDW (1u << 17)
#define FLASH_SR_ERRORS (FLASH_SR_OPERR | FLASH_SR_PROGERR | FLASH_SR_WRPERR | \
                         FLASH_SR_PGAERR | FLASH_SR_SIZERR | FLASH_SR_PGSERR)

#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_PER (1u << 1)
#define FLASH_CR_PNB_SHIFT 3u     /* PNB[9:3]: page in the bank, 0..127 */
#define FLASH_CR_PNB_MASK (0x7Fu << 3)
#define FLASH_CR_BKER (1u << 11)
#define FLASH_CR_STRT (1u << 16)
#define FLASH_CR_LOCK (1u << 31)

#define FLASH_OPTR_TZEN (1u << 31)
#define FLASH_OPTR_SWAP_BANK (1u << 20)
#define FLASH_OPTR_DUALBANK (1u << 21)
#define FLASH_OPTR_RDP_MASK 0xFFu

/* ---- ICACHE (RM0456 chapter "Instruction cache (ICACHE)"). */
#define ICACHE_CR 0x00u           /* EN 0, CACHEINV 1 */
#define ICACHE_CR_EN (1u << 0)
#define ICACHE_CR_CACHEINV (1u << 1)
#define ICACHE_SR 0x04u           /* BUSYF 0 */

/* ---- GTZC (RM0456 chapter "Global TrustZone controller (GTZC)"). */
#define TZSC_CR 0x00u
#define TZSC_SECCFGR1 0x10u       /* one bit per securable peripheral (GTZC_CFGRx bit map) */
#define TZSC_SECCFGR2 0x14u
#define TZSC_SECCFGR3 0x18u
#define GTZC_CFGR1_IWDG (1u << 7)
#define GTZC_CFGR2_USART1 (1u << 3)
#define GTZC_CFGR3_RNG (1u << 13)
#define TZIC_IER1 0x00u           /* illegal-access interrupt enables, same bit map as TZSC */
#define TZIC_SR1 0x10u
#define TZIC_FCR1 0x20u
#define TZIC_REGS 4u              /* IER1..4, SR1..4, FCR1..4 */
#define MPCBB_CR 0x00u            /* SRWILADIS 31, INVSECSTATE 30, GLOCK 0 */
#define MPCBB_SECCFGR(n) (0x100u + 4u * (n)) /* 32 blocks of 512 bytes per register */
#define MPCBB_BLOCK 512u

/* ---- GPIO (RM0456 chapter "General-purpose I/Os (GPIO)"). */
#define GPIO_MODER 0x00u
#define GPIO_AFRH 0x24u           /* AFSEL8..15, 4 bits each */
#define GPIO_SECCFGR 0x30u        /* one bit per pin: 1 = Secure (reset value 0xFFFF with TZEN) */

/* ---- USART (RM0456 chapter "Universal synchronous/asynchronous receiver transmitter"). */
#define USART_CR1 0x00u
#define USART_CR1_UE (1u << 0)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RXNEIE (1u << 5)
#define USART_CR1_TXEIE (1u << 7)
#define USART_CR3 0x08u
#define USART_CR3_EIE (1u << 0)
#define USART_BRR 0x0Cu
#define USART_ISR 0x1Cu
#define USART_ISR_PE (1u << 0)
#define USART_ISR_FE (1u << 1)
#define USART_ISR_NE (1u << 2)
#define USART_ISR_ORE (1u << 3)
#define USART_ISR_RXNE (1u << 5)
#define USART_ISR_TXE (1u << 7)
#define USART_ICR 0x20u           /* PECF 0, FECF 1, NECF 2, ORECF 3 */
#define USART_RDR 0x24u
#define USART_TDR 0x28u

/* ---- RNG (RM0456 chapter "True random number generator (RNG)"). */
#define RNG_CR 0x00u
#define RNG_CR_RNGEN (1u << 2)
#define RNG_CR_CED (1u << 5)      /* 1 = clock error detection disabled */
#define RNG_CR_CONDRST (1u << 30)
#define RNG_CR_CONFIGLOCK (1u << 31)
/* RNG_CONFIG1 = 0x0F [25:20], RNG_CONFIG3 = 0xD [11:8], CLKDIV 0, NISTC 0: the
 * NIST-candidate configuration of ST's AN4230 for the STM32U5 RNG. */
#define RNG_CR_NIST_CONFIG 0x00F00D00u
#define RNG_SR 0x04u
#define RNG_SR_DRDY (1u << 0)
#define RNG_SR_CECS (1u << 1)
#define RNG_SR_SECS (1u << 2)
#define RNG_SR_CEIS (1u << 5)
#define RNG_SR_SEIS (1u << 6)
#define RNG_DR 0x08u
#define RNG_HTCR 0x10u            /* health-test configuration (AN4230 value below) */
#define RNG_HTCR_NIST 0x0000AAC7u

/* ---- IWDG (RM0456 chapter "Independent watchdog (IWDG)"). */
#define IWDG_KR 0x00u
#define IWDG_KR_START 0xCCCCu
#define IWDG_KR_REFRESH 0xAAAAu
#define IWDG_KR_UNLOCK 0x5555u
#define IWDG_PR 0x04u
#define IWDG_RLR 0x08u
#define IWDG_SR 0x0Cu             /* PVU 0, RVU 1, WVU 2: update in progress */

/* ---- Interrupt numbers (RM0456 chapter "Nested vectored interrupt controller", vector
 * table). */
#define U5_IRQ_FLASH_S 7u
#define U5_IRQ_GTZC 8u
#define U5_IRQ_USART1 61u
#define U5_IRQ_RNG 94u
#define U5_IRQ_COUNT 125u         /* vectors after the 16 system exceptions */

#endif
