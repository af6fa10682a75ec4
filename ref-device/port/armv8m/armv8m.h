/* armv8m.h — what the shared ARMv8-M-mainline code (this folder) gives a chip port: the
 * parked-context record park.S and parked_context.c share, and the functions the port's own
 * files call (start-up, interrupt handlers, self-test). Every port for a Cortex-M33-class
 * Secure world links these files unchanged; what differs between chips comes in through
 * chip.h, which each port implements (link-time selection, no #if here). Depends on
 * ../port.h and regs_armv8m.h. */
#ifndef TT_ARMV8M_H
#define TT_ARMV8M_H

#include <stddef.h>
#include <stdint.h>

#include "../port.h"
#include "chip.h"
#include "regs_armv8m.h"

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a)) /* same text as regs_stm32u5.h */

/* Park reasons passed from park.S back to the service thread (the SVC's return value). */
#define ARMV8M_PARK_PREEMPTED 0u /* PendSV: the supervisor needed the CPU */
#define ARMV8M_PARK_STOPPED 1u   /* HardFault: the app faulted (or a BKPT escalated) */
#define ARMV8M_PARK_DEBUG 2u     /* DebugMonitor: FPB/DWT match, BKPT or MON_STEP done */

/* The two contexts that share the CPU: the app (NS thread) and the supervisor's service
 * thread (Secure thread, PSP_S). park.S uses these offsets. */
struct armv8m_park {
    uint32_t app_r4_r11[8];   /* 0 */
    uint32_t app_exc_return;  /* 32 */
    uint32_t sup_r4_r11[8];   /* 36 */
    uint32_t sup_exc_return;  /* 68 */
    uint32_t app_running;     /* 72: 1 while the app holds the CPU */
    uint32_t reason;          /* 76 */
    uint32_t dfsr;            /* 80: DFSR captured by the DebugMonitor handler */
};
extern struct armv8m_park armv8m_park;
extern struct tt_app_fault armv8m_fault; /* filled by armv8m_capture_fault() */

/* parked_context.c: SVC into park.S; returns the ARMV8M_PARK_* reason. */
uint32_t armv8m_resume_raw(void);

/* tick.c: SysTick_S at 1 kHz (chip_core_hz); every 10 ms it parks a running app. */
void armv8m_systick_init(void);
/* Request that the app be parked so the service loop runs (from interrupts). */
void armv8m_request_service(void);
/* tt_port_idle of the chips: sleeps until armv8m_request_service was called. */
void armv8m_idle_until_service(void);

/* fault.c: captures and clears the fault-status registers; called by the HardFault handler
 * with the app's EXC_RETURN. Touches only SCS registers: it cannot fault. */
void armv8m_capture_fault(uint32_t exc_return);
/* A fault in the supervisor itself: let the chip note it, then reset the device. */
void armv8m_secure_fault(void) __attribute__((noreturn));

/* link_ring.c: the link's rings between the UART interrupt and the service loop. */
/* From the RX interrupt: queue one received byte; 1 when the service loop should run now
 * (a frame may be complete, or the ring is half full). */
int armv8m_link_rx_byte(uint8_t b);
void armv8m_link_tx_fill(void);      /* from the TX interrupt: feed the UART from the ring */
void armv8m_link_kick(void);         /* start an idle transmitter (interrupts masked) */
void armv8m_link_puts(const char *s); /* blocking text output, for self-tests only */

/* identity.c: the measurements of the supervisor's own image and of the app ([ATT-011]);
 * the port sets the lifecycle and debug state it knows. */
struct tt_sup_identity;
void armv8m_measure_images(struct tt_sup_identity *id);
/* The service without keys: keeps link input and the app's log drained so neither backs
 * up, and honours the app's reboot request. */
struct tt_target;
void armv8m_idle_service(void *ctx, struct tt_target *t);

/* Exception handlers defined here (the port's vector table points at them). */
void HardFault_Handler(void);
void SVC_Handler(void);
void PendSV_Handler(void);
void DebugMon_Handler(void);
void SysTick_Handler(void);

#endif
