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
#define AN505_CUT_WORD 0x381FC000u     /* power-cut sweep: cut flash operation N (0: never) */
#define AN505_FAULT_MARK 0x381FDFF0u   /* supervisor fault note (chip.c), 3 words */
#define AN505_SEED_BASE 0x381FE000u    /* entropy seed loaded by the host (4 KiB) */
#define AN505_SEED_SIZE 0x1000u
#define AN505_PROV_BASE 0x381FF000u    /* provisioning blob (4 KiB) */

/* Emulated NOR flash: the board's 16 MiB main RAM, backed by a host file (flash.c). Secure
 * only: no SAU region covers it. Pages of 8 KiB, as on the STM32U585. */
#define AN505_FLASH_BASE 0x80000000u
#define AN505_FLASH_SIZE 0x01000000u
#define AN505_FLASH_PAGE 0x2000u
#define AN505_FLASH_STORE (AN505_FLASH_BASE + 0x000000u)   /* record store, 6 pages */
#define AN505_FLASH_STORE_SIZE 0xC000u
#define AN505_FLASH_INSTALL (AN505_FLASH_BASE + 0x00C000u) /* install state (OTA), 2 pages */
#define AN505_FLASH_SLOT_A (AN505_FLASH_BASE + 0x010000u)  /* installed app image */
#define AN505_FLASH_SLOT_B (AN505_FLASH_BASE + 0x210000u)  /* secondary slot (OTA) */
#define AN505_FLASH_SLOT_SIZE AN505_APP_CODE_SIZE
#define AN505_FLASH_SPARE (AN505_FLASH_BASE + 0x410000u)   /* swap scratch (OTA), 64 KiB */

/* secure_init.c */
void an505_secure_init(void);
/* uart.c: the link (UART0, Secure) */
void an505_uart_init(void);
/* Writes len bytes on UART0 by polling (the power-cut marker: no interrupt, no ring). */
void an505_uart_write_polled(const uint8_t *p, size_t len);
/* boot_app.c: verifies slot A against the installed-image record and copies it into the
 * app's RAM; 1 when a verified image is in place (its digest and version in id). */
struct tt_sup_identity;
int an505_boot_app(struct tt_sup_identity *id);

/* Exception handlers of this port (startup.c vector table; the ARMv8-M ones are in armv8m.h). */
void Reset_Handler(void);
void UART0RX_Handler(void);
void UART0TX_Handler(void);
void Default_Handler(void);

int main(void);

#endif
