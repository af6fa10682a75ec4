/* startup.c — Secure reset and vector table of the supervisor on the STM32U585.
 *
 * The table sits at the start of the image (0x0C000000 = SECBOOTADD0, where the chip boots
 * with TZEN = 1 and where VTOR_S points at reset). Reset copies .data, clears .bss, moves the
 * service thread onto its own stack (PSP_S; handlers keep MSP_S), sets up the clocks first
 * (everything after runs at 160 MHz) and calls main. Stack limits (MSPLIM_S, PSPLIM_S) are
 * set so a stack overflow faults instead of writing over .bss. Interrupt numbers are
 * RM0456's (USART1 = 61, GTZC = 8). Depends on u585.h and the symbols of secure.ld. */
#include "u585.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];
extern uint32_t _msp_top[], _msp_limit[], _psp_top[], _psp_limit[];

void Default_Handler(void)
{
    armv8m_secure_fault();
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16 + U5_IRQ_COUNT])(void) = {
    [0] = (void (*)(void))_msp_top,
    [1] = Reset_Handler,
    [2] = Default_Handler,  /* NMI (flash ECC double error lands here) */
    [3] = HardFault_Handler,
    [4] = Default_Handler,  /* MemManage */
    [5] = Default_Handler,  /* BusFault */
    [6] = Default_Handler,  /* UsageFault */
    [7] = Default_Handler,  /* SecureFault (disabled: escalates to HardFault) */
    [11] = SVC_Handler,
    [12] = DebugMon_Handler,
    [14] = PendSV_Handler,
    [15] = SysTick_Handler,
    [16 + U5_IRQ_GTZC] = GTZC_IRQHandler,
    [16 + U5_IRQ_USART1] = USART1_IRQHandler,
};

void Reset_Handler(void)
{
    __asm__ volatile("msr msplim, %0" ::"r"(_msp_limit));
    for (uint32_t *s = _sidata, *d = _sdata; d < _edata;)
        *d++ = *s++;
    for (uint32_t *d = _sbss; d < _ebss;)
        *d++ = 0;
    u585_clock_init();
    /* Service thread on PSP_S (CONTROL.SPSEL = 1): its frame stays put while the app runs. */
    __asm__ volatile("msr psplim, %1\n"
                     "msr psp, %0\n"
                     "movs r0, #2\n"
                     "msr control, r0\n"
                     "isb\n" ::"r"(_psp_top), "r"(_psp_limit) : "r0", "memory");
    (void)main();
    armv8m_secure_fault();
}
