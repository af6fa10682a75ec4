/* chip.h — what each ARMv8-M chip port supplies to the shared code in this folder: the few
 * facts that differ between chips (memory map, clock, UART registers, how a BKPT reaches the
 * Secure world). The port defines every name below once, in its own files; the linker picks
 * the port, so the shared files have no #if. Depends on ../port.h and ../../app/tether_app.h. */
#ifndef TT_ARMV8M_CHIP_H
#define TT_ARMV8M_CHIP_H

#include <stdint.h>

#include "../../app/tether_app.h"
#include "../port.h"

/* ---- The app's memory (Non-secure addresses). */
extern const uint32_t chip_app_code_base; /* its vector table: VTOR_NS, measured image */
extern const uint32_t chip_app_code_size;
int chip_app_code_contains(uint32_t addr, uint32_t len); /* [addr, addr+len) in app code */
int chip_app_ram_contains(uint32_t addr, uint32_t len);  /* [addr, addr+len) in app RAM */
/* App code that stores cannot change (flash): read-only to the debugger, breakpoints there
 * are hardware comparators (chip_hw_bkpt_*). Returns 0 on a chip whose app code is RAM. */
int chip_app_flash_contains(uint32_t addr, uint32_t len);
TT_MUST_CHECK tt_err chip_hw_bkpt_set(uint32_t addr);
TT_MUST_CHECK tt_err chip_hw_bkpt_clear(uint32_t addr);

/* ---- Where the provisioning blob lies (prov_keys.c). */
extern const uint32_t chip_prov_base;

/* ---- Core facts. */
extern const uint32_t chip_core_hz;      /* SysTick clock */
extern const uint32_t chip_basepri_mask; /* implemented priority bits (BASEPRI_NS writes) */
extern const uint32_t chip_aircr_keep;   /* AIRCR bits a reset request must write again */
/* Whether a HardFault with no fault status may be an escalated BKPT (the caller then looks
 * for a BKPT at the stacked PC): the chips tell this apart differently. */
int chip_fault_may_be_bkpt(const struct tt_app_fault *f);
/* Called by tt_port_app_run just before the app runs again: drop debug-unit state the
 * supervisor's own accesses left (the STM32U585 clears DWT MATCHED bits its reads of
 * watched app memory set, so the next DWT stop names the app's access only). */
void chip_app_resuming(void);
/* Called every SysTick (1 ms), in the handler. */
void chip_on_tick(void);
/* Called on a supervisor fault just before the reset: leave a note that survives it. */
void chip_secure_fault_note(void);

/* ---- The link UART, driven by link_ring.c from the chip's interrupt handler. */
int chip_uart_tx_ready(void);         /* the transmitter takes another byte now */
void chip_uart_tx_put(uint8_t b);
void chip_uart_tx_pending(int more);  /* tx ring (non-)empty after a fill: TX irq on/off */
/* Ring storage, sized by the port (powers of two: head and tail wrap at 2^32): rx holds
 * input while a service turn runs; tx only has to keep the UART busy between turns (the
 * supervisor's transmit queue holds the rest). */
extern uint8_t chip_link_rx_buf[], chip_link_tx_buf[];
extern const uint32_t chip_link_ring_size; /* rx */
extern const uint32_t chip_link_tx_size;

/* ---- The app's log ring behind the NSC API (nsc_api.c), sized by the port. */
extern uint8_t chip_app_log_buf[][TT_APP_LOG_MAX];
extern uint8_t chip_app_log_len[];
extern const uint32_t chip_app_log_slots;

#endif
