/* u585.h — the STM32U585 port's internal interface: the parked-context record shared with
 * park.S, the priorities, and the functions the port's files call in each other. Not part of
 * the port contract (that is ../port.h). Depends on port.h, layout.h and the register maps. */
#ifndef TT_U585_H
#define TT_U585_H

#include <stddef.h>
#include <stdint.h>

#include "../port.h"
#include "layout.h"
#include "regs_armv8m.h"
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

/* Park reasons passed from park.S back to the service thread (SVC return value). */
#define U585_PARK_PREEMPTED 0u
#define U585_PARK_STOPPED 1u
#define U585_PARK_DEBUG 2u

/* The two contexts that share the CPU (offsets used by park.S). */
struct u585_park {
    uint32_t app_r4_r11[8];   /* 0 */
    uint32_t app_exc_return;  /* 32 */
    uint32_t sup_r4_r11[8];   /* 36 */
    uint32_t sup_exc_return;  /* 68 */
    uint32_t app_running;     /* 72 */
    uint32_t reason;          /* 76 */
    uint32_t dfsr;            /* 80: DFSR captured by the DebugMonitor handler */
};
extern struct u585_park u585_park;
extern struct tt_app_fault u585_fault;
extern uint32_t u585_option_problems; /* optbytes.h U585_OPT_* found at boot */

void u585_clock_init(void);
void u585_trustzone_init(void);
void u585_usart_init(void);
void u585_usart_kick(void);
void u585_systick_init(void);
void u585_iwdg_init(void);
void u585_iwdg_refresh(void);
TT_MUST_CHECK tt_err u585_rng_init(void);
void u585_debug_init(void);
void u585_store_init(void);
void u585_request_service(void);
void u585_capture_fault(uint32_t exc_return);
void u585_secure_fault(void) __attribute__((noreturn));

/* Debug backend (dbgmon.c): hardware breakpoints and watchpoints, MON_STEP step. */
TT_MUST_CHECK tt_err u585_fpb_set(uint32_t addr);
TT_MUST_CHECK tt_err u585_fpb_clear(uint32_t addr);
TT_MUST_CHECK tt_err u585_watch_set(uint32_t addr, uint32_t len, unsigned kind);
TT_MUST_CHECK tt_err u585_watch_clear(uint32_t addr);
/* One instruction of the app with MON_STEP (or emulated); *park says how it ended. */
TT_MUST_CHECK tt_err u585_app_step(enum tt_app_park *park, struct tt_app_fault *fault);
/* The last debug event: DFSR bits and the DWT comparator that matched (-1: none). */
uint32_t u585_last_dfsr(void);
int u585_last_watch(void);
uint32_t u585_resume_raw(void); /* app_control.c: SVC into park.S, returns the reason */

/* Exception handlers (startup.c vector table). */
void Reset_Handler(void);
void HardFault_Handler(void);
void SVC_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);
void DebugMon_Handler(void);
void USART1_IRQHandler(void);
void GTZC_IRQHandler(void);
void Default_Handler(void);

int main(void);

#endif
