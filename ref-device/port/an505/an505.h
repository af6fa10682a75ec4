/* an505.h — the QEMU mps2-an505 port's internal interface: memory map, register addresses,
 * the parked-context record shared with park.S, and the functions the port's files call in
 * each other. Facts from ../shared/notes/an505-qemu.md (measured on QEMU 7.2). Not part of
 * the port contract (that is ../port.h). */
#ifndef TT_AN505_H
#define TT_AN505_H

#include <stddef.h>
#include <stdint.h>

#include "../port.h"

#define REG32(a) (*(volatile uint32_t *)(a))

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

/* Provisioning blob layout (little tool-made binary, see README). */
#define AN505_PROV_MAGIC "TTPV"
#define AN505_PROV_VERSION 1u
#define AN505_PROV_OFF_ID 8u
#define AN505_PROV_OFF_PRIV 24u
#define AN505_PROV_OFF_OWNER 56u
#define AN505_PROV_OFF_ATTEST 128u /* attestation P-256 private key (32); zero: none */
#define AN505_PROV_LEN 160u

/* System control space (Secure view; +0x20000 is the Non-secure alias). */
#define SCB_ICSR 0xE000ED04u
#define SCB_VTOR 0xE000ED08u
#define SCB_AIRCR 0xE000ED0Cu
#define SCB_SHPR2 0xE000ED1Cu
#define SCB_SHPR3 0xE000ED20u
#define SCB_SHCSR 0xE000ED24u
#define SCB_CFSR 0xE000ED28u
#define SCB_HFSR 0xE000ED2Cu
#define SCB_MMFAR 0xE000ED34u
#define SCB_BFAR 0xE000ED38u
#define SCB_SFSR 0xE000EDE4u
#define SCB_SFAR 0xE000EDE8u
#define SCB_NS_OFFSET 0x00020000u
#define ICSR_PENDSVSET (1u << 28)
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u
#define NVIC_ISER(n) (0xE000E100u + 4u * (n))
#define NVIC_IPR(n) (0xE000E400u + (n))

/* Park reasons passed from park.S back to the service thread (SVC return value). */
#define AN505_PARK_PREEMPTED 0u
#define AN505_PARK_STOPPED 1u

/* The two contexts that share the CPU: the app (NS thread) and the supervisor's service
 * thread (Secure thread, PSP_S). park.S uses the offsets below. */
struct an505_park {
    uint32_t app_r4_r11[8];   /* 0 */
    uint32_t app_exc_return;  /* 32 */
    uint32_t sup_r4_r11[8];   /* 36 */
    uint32_t sup_exc_return;  /* 68 */
    uint32_t app_running;     /* 72: 1 while the app holds the CPU */
    uint32_t reason;          /* 76 */
};
extern struct an505_park an505_park;
extern struct tt_app_fault an505_fault; /* filled by an505_capture_fault() */

/* secure_init.c */
void an505_secure_init(void);
/* uart.c: the link (UART0, Secure) */
void an505_uart_init(void);
void an505_uart_kick(void);
/* platform.c */
void an505_systick_init(void);
/* Captures and clears the fault-status registers; called by the HardFault handler with
 * the app's EXC_RETURN. Touches only SCB registers: it cannot fault. */
void an505_capture_fault(uint32_t exc_return);
/* A fault in the supervisor itself: record it and reset the device. */
void an505_secure_fault(void) __attribute__((noreturn));
/* Request that the app be parked so the service loop runs (from interrupts). */
void an505_request_service(void);
/* Blocking write of text on the link, for the self-test only. */
void an505_link_puts(const char *s);

/* Exception handlers (startup.c vector table). */
void Reset_Handler(void);
void HardFault_Handler(void);
void SVC_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);
void UART0RX_Handler(void);
void UART0TX_Handler(void);
void Default_Handler(void);

int main(void);

#endif
