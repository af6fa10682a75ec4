/* u585.h — the STM32U585 port's internal interface: the priorities and the functions the
 * port's files call in each other; the ARMv8-M parts shared with other chips (registers,
 * parked context, link rings) come from ../armv8m/armv8m.h. Not part of the port contract
 * (that is ../port.h). Depends on armv8m.h, layout.h and regs_stm32u5.h. */
#ifndef TT_U585_H
#define TT_U585_H

#include <stddef.h>
#include <stdint.h>

#include "../armv8m/armv8m.h"
#include "flash.h"
#include "layout.h"
#include "regs_stm32u5.h"

#define U585_CORE_HZ 160000000u

/* Exception priorities (4 bits implemented; lower value = more urgent). With AIRCR.PRIS the
 * app's (Non-secure) priorities all land in 0x80..0xF0, below every Secure one here. The
 * link and the tick are above the DebugMonitor, so the link lives while the monitor holds a
 * stop and while a step masks everything at or below the monitor (mon_step.h). */
#define U585_PRIO_SVC 0x00u      /* resume: must never wait */
#define U585_PRIO_LINK 0x20u     /* USART1 */
#define U585_PRIO_TICK 0x30u     /* SysTick_S */
#define U585_PRIO_MONITOR 0x40u  /* DebugMonitor (Secure, SDME = 1) */
#define U585_PRIO_GTZC 0x50u     /* illegal-access reports */
#define U585_PRIO_PENDSV 0x70u   /* parks the app: below every other Secure exception */

extern uint32_t u585_option_problems; /* optbytes.h U585_OPT_* found at boot */

void u585_clock_init(void);
void u585_trustzone_init(void);
void u585_usart_init(void);
void u585_iwdg_init(void);
void u585_iwdg_refresh(void);
TT_MUST_CHECK tt_err u585_rng_init(void);
void u585_debug_init(void);
void u585_store_init(void);

/* Debug backend (dbgmon.c): MON_STEP step (its FPB breakpoints are chip_hw_bkpt_* of
 * ../armv8m/chip.h, its DWT watchpoints port.h's tt_port_watch_*). */
/* One instruction of the app with MON_STEP (or emulated); *park says how it ended. */
TT_MUST_CHECK tt_err u585_app_step(enum tt_app_park *park, struct tt_app_fault *fault);
/* The last debug event's DFSR bits. */
uint32_t u585_last_dfsr(void);

/* Plain volatile register access (platform.c), for the drivers written over struct
 * u585_io (flash.c, dwt_watch.c). */
extern const struct u585_io u585_reg_io;

/* Exception handlers of this port (startup.c vector table; the ARMv8-M ones are in
 * armv8m.h). */
void Reset_Handler(void);
void USART1_IRQHandler(void);
void GTZC_IRQHandler(void);
void Default_Handler(void);

int main(void);

#endif
