/* secure_init.c — the TrustZone split of mps2-an505: what the app may touch.
 *
 * SAU (enabled; everything outside its regions is Secure):
 *   0  0x00200000-0x003FFFFF  NS   app code (upper 2 MiB of SSRAM1)
 *   1  0x10100000-0x10100FFF  NSC  the supervisor API's SG veneers
 *   2  0x28200000-0x283FFFFF  NS   app data and stack (SSRAM3)
 *   3  0x40000000-0x4FFFFFFF  NS   Non-secure peripheral aliases (the PPC still decides)
 * MPCs: SSRAM1 blocks of the app code and all of SSRAM3 Non-secure; SSRAM2 (supervisor
 * data, keys, records) stays Secure. PPC: UART0 (the link) stays Secure; UART1 is given to
 * the app. NSCCFG.CODENSC lets the SAU's NSC region at 0x101xxxxx take effect. Faults of
 * the app escalate to the Secure HardFault (AIRCR.BFHFNMINS stays 0). Depends on an505.h. */
#include "an505.h"

#define SPCTRL_NSCCFG 0x50080014u
#define SPCTRL_APBNSPPCEXP1 0x50080084u
#define MPC_SSRAM1 0x58007000u
#define MPC_SSRAM3 0x58009000u
#define MPC_CTRL 0x00u
#define MPC_CTRL_AUTOINC (1u << 8)
#define MPC_BLK_CFG 0x14u
#define MPC_BLK_IDX 0x18u
#define MPC_BLK_LUT 0x1Cu

static void sau_region(uint32_t n, uint32_t base, uint32_t limit, int nsc)
{
    REG32(SAU_RNR) = n;
    REG32(SAU_RBAR) = base & ~0x1Fu;
    REG32(SAU_RLAR) = (limit & ~0x1Fu) | (nsc ? 2u : 0u) | 1u;
}

/* Marks [offset, offset+size) of the memory behind an MPC Non-secure. The block size is
 * read from the MPC (BLK_CFG: 2^(cfg+5) bytes) rather than assumed. Auto-increment (on at
 * reset in QEMU) is turned off so the read-modify-write of a LUT word stays on one word. */
static void mpc_set_ns(uint32_t mpc, uint32_t offset, uint32_t size)
{
    REG32(mpc + MPC_CTRL) &= ~MPC_CTRL_AUTOINC;
    uint32_t block = 1u << (REG32(mpc + MPC_BLK_CFG) + 5u);
    for (uint32_t b = offset / block; b < (offset + size) / block; b++) {
        REG32(mpc + MPC_BLK_IDX) = b / 32u;
        REG32(mpc + MPC_BLK_LUT) = REG32(mpc + MPC_BLK_LUT) | (1u << (b % 32u));
    }
}

void an505_secure_init(void)
{
    mpc_set_ns(MPC_SSRAM1, AN505_APP_CODE_BASE, AN505_APP_CODE_SIZE);
    mpc_set_ns(MPC_SSRAM3, 0, AN505_APP_RAM_SIZE);

    sau_region(0, AN505_APP_CODE_BASE, AN505_APP_CODE_BASE + AN505_APP_CODE_SIZE - 1, 0);
    sau_region(1, AN505_NSC_BASE, AN505_NSC_BASE + 0xFFFu, 1);
    sau_region(2, AN505_APP_RAM_BASE, AN505_APP_RAM_BASE + AN505_APP_RAM_SIZE - 1, 0);
    sau_region(3, 0x40000000u, 0x4FFFFFFFu, 0);
    REG32(SAU_CTRL) = 1u;
    REG32(SPCTRL_NSCCFG) |= 1u;
    REG32(SPCTRL_APBNSPPCEXP1) |= 1u << 6; /* UART1 -> app */

    /* Priorities (lower = more urgent): SVC 0, UART 0x40, SysTick 0x80, PendSV 0xFF (it
     * parks the app, so it must never preempt another Secure handler). */
    REG32(SCB_SHPR2) = 0x00u << 24;
    REG32(SCB_SHPR3) = (0x80u << 24) | (0xFFu << 16);
    *(volatile uint8_t *)NVIC_IPR(32) = 0x40;
    *(volatile uint8_t *)NVIC_IPR(33) = 0x40;
    __asm__ volatile("dsb\nisb" ::: "memory");
}
