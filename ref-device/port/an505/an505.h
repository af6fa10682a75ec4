/* an505.h — the QEMU mps2-an505 port's internal interface: memory map and the functions the
 * port's files call in each other; the ARMv8-M parts shared with other chips (registers,
 * parked context, link rings) come from ../armv8m/armv8m.h. Facts from
 * ../shared/notes/an505-qemu.md (measured on QEMU 7.2). Not part of the port contract (that
 * is ../port.h). */
#ifndef TT_AN505_H
#define TT_AN505_H

#include <stddef.h>
#include <stdint.h>

#include "../armv8m/armv8m.h"

/* App (Non-secure) memory: upper 2 MiB of SSRAM1 (code) and SSRAM3 (data), NS aliases. */
#define AN505_APP_CODE_BASE 0x00200000u
#define AN505_APP_CODE_SIZE 0x00200000u
#define AN505_APP_RAM_BASE 0x28200000u
#define AN505_APP_RAM_SIZE 0x00200000u
#define AN505_NSC_BASE 0x10100000u

/* Supervisor areas at the top of SSRAM2 (Secure), outside .data/.bss: never cleared. */
#define AN505_RECORDS_BASE 0x381FC000u /* persistent records (8 KiB) */
#define AN505_SEED_BASE 0x381FE000u    /* entropy seed loaded by the host (4 KiB) */
#define AN505_SEED_SIZE 0x1000u
#define AN505_PROV_BASE 0x381FF000u    /* provisioning blob (4 KiB) */

/* secure_init.c */
void an505_secure_init(void);
/* uart.c: the link (UART0, Secure) */
void an505_uart_init(void);

/* Exception handlers of this port (startup.c vector table; the ARMv8-M ones are in armv8m.h). */
void Reset_Handler(void);
void UART0RX_Handler(void);
void UART0TX_Handler(void);
void Default_Handler(void);

int main(void);

#endif
