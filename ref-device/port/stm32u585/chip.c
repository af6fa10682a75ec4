/* chip.c — what the STM32U585 tells the shared ARMv8-M code (../armv8m/chip.h): the app's
 * memory (layout.h), the core's facts, how a BKPT reaches the Secure world, and the size of
 * the app's log ring. The UART half of chip.h is in usart.c, the hardware breakpoints in
 * dbgmon.c. Depends on u585.h. */
#include "u585.h"

#include "u585_slot.h"

const uint32_t chip_app_code_base = U585_APP_BASE;
const uint32_t chip_app_code_size = U585_APP_SIZE;
const uint32_t chip_prov_base = U585_PROV_BASE; /* Secure flash, written at the factory */
const uint32_t chip_core_hz = U585_CORE_HZ;
const uint32_t chip_basepri_mask = 0xF0u; /* 4 priority bits implemented */
/* trustzone.c sets PRIS and SYSRESETREQS; an AIRCR write must repeat them. */
const uint32_t chip_aircr_keep = AIRCR_PRIS | AIRCR_SYSRESETREQS;

/* The app's code is the verified image only (app_slot.c): the rest of the slot is Secure. */
int chip_app_code_contains(uint32_t addr, uint32_t len)
{
    return u585_app_image_contains(addr, len, u585_app_image);
}

int chip_app_ram_contains(uint32_t addr, uint32_t len)
{
    return u585_app_ram_contains(addr, len);
}

/* All of the app's code is flash: breakpoints there are FPB comparators (dbgmon.c), and the
 * "replaced halfword" the core keeps is the unchanged flash content. */
int chip_app_flash_contains(uint32_t addr, uint32_t len)
{
    return u585_app_image_contains(addr, len, u585_app_image);
}

/* A BKPT escalates to HardFault only when the monitor is not allowed (a probe holds halting
 * debug, or debug is locked): HFSR.DEBUGEVT, then the caller checks for a BKPT at the PC.
 * With the monitor, BKPTs arrive as DebugMonitor parks instead. */
int chip_fault_may_be_bkpt(const struct tt_app_fault *f)
{
    return (f->hfsr & HFSR_DEBUGEVT) != 0;
}

/* chip_app_resuming is in dbgmon.c (the DWT). */
void chip_on_tick(void)
{
}

/* Nothing survives a reset cheaply here (no retained RAM is set aside): just reset. */
void chip_secure_fault_note(void)
{
}

/* The app's log ring (nsc_api.c): 4 entries, as many as the supervisor's own ring
 * (TT_SUP_LOG_RING), so the 32 KB budget holds the OTA engine (README, "Sizes"). */
uint8_t chip_app_log_buf[4][TT_APP_LOG_MAX];
uint8_t chip_app_log_len[4];
const uint32_t chip_app_log_slots = 4u;
