/* chip.c — what mps2-an505 tells the shared ARMv8-M code (../armv8m/chip.h): the app's
 * memory, the core's facts, how a BKPT reaches the Secure world under QEMU, the fault note
 * and the size of the app's log ring. The UART half of chip.h is in uart.c. Depends on
 * an505.h. */
#include "an505.h"

const uint32_t chip_app_code_base = AN505_APP_CODE_BASE;
const uint32_t chip_app_code_size = AN505_APP_CODE_SIZE;
const uint32_t chip_prov_base = AN505_PROV_BASE; /* loaded by the host at every boot */
const uint32_t chip_core_hz = 25000000u;
const uint32_t chip_basepri_mask = 0xFFu; /* QEMU implements all 8 priority bits */
const uint32_t chip_aircr_keep = 0;       /* secure_init.c sets no sticky AIRCR bits */

static int in_region(uint32_t addr, uint32_t len, uint32_t base, uint32_t size)
{
    return addr >= base && addr - base < size && len <= size - (addr - base);
}

int chip_app_code_contains(uint32_t addr, uint32_t len)
{
    return in_region(addr, len, AN505_APP_CODE_BASE, AN505_APP_CODE_SIZE);
}

int chip_app_ram_contains(uint32_t addr, uint32_t len)
{
    return in_region(addr, len, AN505_APP_RAM_BASE, AN505_APP_RAM_SIZE);
}

/* The app's code is in SSRAM: BKPT instructions are written over it, no comparators. */
int chip_app_flash_contains(uint32_t addr, uint32_t len)
{
    (void)addr;
    (void)len;
    return 0;
}

tt_err chip_hw_bkpt_set(uint32_t addr)
{
    (void)addr;
    return TT_ERR_DBG_ACCESS; /* unreachable: no app flash */
}

tt_err chip_hw_bkpt_clear(uint32_t addr)
{
    (void)addr;
    return TT_ERR_DBG_ACCESS;
}

/* QEMU has no DebugMonitor: an app's BKPT escalates to HardFault with HFSR.FORCED and no
 * fault status, so any status-free HardFault may be one. */
int chip_fault_may_be_bkpt(const struct tt_app_fault *f)
{
    (void)f;
    return 1;
}

/* QEMU raises the TX interrupt only when a byte completes: restart an idle transmitter. */
void chip_on_tick(void)
{
    armv8m_link_kick();
}

/* Supervisor fault marker, in Secure RAM outside .bss (survives the reset it triggers). */
#define SECURE_FAULT_MARK AN505_FAULT_MARK

void chip_secure_fault_note(void)
{
    REG32(SECURE_FAULT_MARK) = 0x5EC0FA17u;
    REG32(SECURE_FAULT_MARK + 4) = REG32(SCB_HFSR);
    REG32(SECURE_FAULT_MARK + 8) = REG32(SCB_CFSR);
}

/* The app's log ring (nsc_api.c): 32 entries; Secure RAM is plentiful here. */
uint8_t chip_app_log_buf[32][TT_APP_LOG_MAX];
uint8_t chip_app_log_len[32];
const uint32_t chip_app_log_slots = 32u;

void chip_app_resuming(void)
{
}

/* QEMU's Cortex-M33 has no DWT watchpoints: no unit, the core watches by stepping the app
 * (core/target/watchpoints.c, Limits.watch_slowdown). */
void tt_port_watch_caps(struct tt_port_watch_caps *out)
{
    out->count = 0;
    out->max_len = 0;
    out->kinds = 0;
}

tt_err tt_port_watch_set(uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    (void)addr;
    (void)len;
    (void)kind;
    return TT_ERR_ARG; /* never called: the core asks only a port that has a unit */
}

tt_err tt_port_watch_clear(uint32_t addr, uint32_t len, enum tt_watch_kind kind)
{
    (void)addr;
    (void)len;
    (void)kind;
    return TT_OK;
}

int tt_port_watch_hit(uint32_t *addr)
{
    (void)addr;
    return 0;
}
