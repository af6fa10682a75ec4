/* platform.c — time, reset, fault capture, keys and records of port.h on the STM32U585.
 *
 * SysTick_S ticks every millisecond (160 MHz core clock) and, every 10 ms, parks a running
 * app so the service loop gets its turn (timers, retransmissions, the watchdog). Keys come
 * from the provisioning page (0x0C01A000, Secure flash, written once at the factory with
 * STM32CubeProgrammer; the same 128-byte blob ref-device/tools/provision.py makes for the
 * an505: "TTPV", version 1, device id, X25519 static private key, owner P-256 public key).
 * Records are store.c's A/B pages through the flash driver (flash.c) with plain volatile
 * register access. Depends on u585.h, flash.h, store.h. */
#include "u585.h"

#include <string.h>

#include "flash.h"
#include "store.h"

#define SERVICE_PERIOD_MS 10u
#define PROV_MAGIC "TTPV"
#define PROV_VERSION 1u
#define PROV_OFF_ID 8u
#define PROV_OFF_PRIV 24u
#define PROV_OFF_OWNER 56u
#define PROV_OFF_ATTEST 128u /* attestation P-256 private key (32); zero: none ([ATT-021]) */

static volatile uint64_t ticks_ms;
struct tt_app_fault u585_fault;

void u585_systick_init(void)
{
    REG32(SYST_RVR) = U585_CORE_HZ / 1000u - 1u;
    REG32(SYST_CVR) = 0;
    REG32(SYST_CSR) = 7u; /* enable, interrupt, processor clock */
}

void u585_request_service(void)
{
    if (u585_park.app_running)
        REG32(SCB_ICSR) = ICSR_PENDSVSET;
}

void SysTick_Handler(void)
{
    ticks_ms++;
    if (ticks_ms % SERVICE_PERIOD_MS == 0)
        u585_request_service();
}

uint64_t tt_port_time_ms(void)
{
    uint64_t a, b;
    do { /* 64-bit read without masking interrupts: retry if a tick came in between */
        a = ticks_ms;
        b = ticks_ms;
    } while (a != b);
    return a;
}

void tt_port_idle(void)
{
    u585_iwdg_refresh();
    __asm__ volatile("wfi" ::: "memory");
}

void tt_port_reset(void)
{
    __asm__ volatile("dsb" ::: "memory");
    REG32(SCB_AIRCR) = AIRCR_VECTKEY | AIRCR_PRIS | AIRCR_SYSRESETREQS | AIRCR_SYSRESETREQ;
    for (;;)
        __asm__ volatile("wfi");
}

void u585_capture_fault(uint32_t exc_return)
{
    struct tt_app_fault f;
    f.cfsr = REG32(SCB_CFSR);
    f.cfsr_ns = REG32(SCB_CFSR + SCS_NS_OFFSET);
    f.hfsr = REG32(SCB_HFSR);
    f.mmfar = (f.cfsr_ns & 0x80u) ? REG32(SCB_MMFAR + SCS_NS_OFFSET) : REG32(SCB_MMFAR);
    f.bfar = REG32(SCB_BFAR);
    f.sfsr = REG32(SCB_SFSR);
    f.sfar = REG32(SCB_SFAR);
    f.exc_return = exc_return;
    REG32(SCB_CFSR) = f.cfsr; /* write-one-to-clear: the next stop reads its own cause */
    REG32(SCB_CFSR + SCS_NS_OFFSET) = f.cfsr_ns;
    REG32(SCB_HFSR) = f.hfsr;
    REG32(SCB_SFSR) = f.sfsr;
    u585_fault = f;
}

void u585_secure_fault(void)
{
    tt_port_reset();
    for (;;) {
    }
}

/* ---- records ---- */
static uint32_t io_rd(void *ctx, uint32_t a)
{
    (void)ctx;
    return REG32(a);
}

static void io_wr(void *ctx, uint32_t a, uint32_t v)
{
    (void)ctx;
    REG32(a) = v;
    __asm__ volatile("dsb" ::: "memory");
}

static const struct u585_io io = {io_rd, io_wr, NULL};
static struct u585_flash flash = {.io = &io, .regs = U5_FLASH_R, .icache = U5_ICACHE,
                                  .spin_limit = 4000000u};
static struct u585_store store = {.flash = &flash, .base = U585_STORE_BASE,
                                  .records = TT_REC_COUNT};

tt_err tt_port_store_read(enum tt_port_record id, uint8_t *buf, size_t *len)
{
    return u585_store_read(&store, (unsigned)id, buf, len);
}

tt_err tt_port_store_write(enum tt_port_record id, const uint8_t *buf, size_t len)
{
    return u585_store_write(&store, (unsigned)id, buf, len);
}

tt_err tt_port_store_erase(enum tt_port_record id)
{
    return u585_store_erase(&store, (unsigned)id);
}

/* ---- keys ---- */
tt_err tt_port_keys(struct tt_port_keys *out)
{
    const uint8_t *p = (const uint8_t *)U585_PROV_BASE;
    if (out == NULL)
        return TT_ERR_ARG;
    if (memcmp(p, PROV_MAGIC, 4) != 0 || p[4] != PROV_VERSION)
        return TT_ERR_STATE;
    memcpy(out->device_id, p + PROV_OFF_ID, sizeof out->device_id);
    memcpy(out->static_private, p + PROV_OFF_PRIV, sizeof out->static_private);
    memcpy(out->owner_public, p + PROV_OFF_OWNER, sizeof out->owner_public);
    memcpy(out->attest_private, p + PROV_OFF_ATTEST, sizeof out->attest_private);
    return TT_OK;
}
