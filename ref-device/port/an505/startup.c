/* startup.c — Secure reset and vector table of the supervisor on mps2-an505.
 *
 * Reset copies .data, clears .bss, moves the service thread onto its own stack (PSP_S;
 * handlers keep MSP_S) and calls main. The vector table lives at 0x10000000, where VTOR_S
 * points at reset. Interrupt numbers: UART0 RX = 32, TX = 33 (AN505). Depends on an505.h
 * and the symbols of secure.ld. */
#include "an505.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];
extern uint32_t _msp_top[], _psp_top[];

void Default_Handler(void)
{
    armv8m_secure_fault();
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16 + 96])(void) = {
    [0] = (void (*)(void))_msp_top,
    [1] = Reset_Handler,
    [2] = Default_Handler,  /* NMI */
    [3] = HardFault_Handler,
    [4] = Default_Handler,  /* MemManage */
    [5] = Default_Handler,  /* BusFault */
    [6] = Default_Handler,  /* UsageFault */
    [7] = Default_Handler,  /* SecureFault */
    [11] = SVC_Handler,
    [12] = Default_Handler, /* DebugMonitor */
    [14] = PendSV_Handler,
    [15] = SysTick_Handler,
    [16 + 32] = UART0RX_Handler,
    [16 + 33] = UART0TX_Handler,
};

void Reset_Handler(void)
{
    for (uint32_t *s = _sidata, *d = _sdata; d < _edata;)
        *d++ = *s++;
    for (uint32_t *d = _sbss; d < _ebss;)
        *d++ = 0;
    /* Service thread on PSP_S (CONTROL.SPSEL = 1): its stack frame stays put while the app
     * runs, and handlers use MSP_S. */
    __asm__ volatile("msr psp, %0\n"
                     "movs r0, #2\n"
                     "msr control, r0\n"
                     "isb\n" ::"r"(_psp_top) : "r0", "memory");
    (void)main();
    armv8m_secure_fault();
}
