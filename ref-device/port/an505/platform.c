/* platform.c — time, entropy, records, keys, reset and fault capture on mps2-an505.
 *
 * SysTick_S ticks every millisecond (25 MHz core clock) and, every 10 ms, parks a running
 * app so the service loop gets its turn (timers, retransmissions). QEMU has no TRNG: the
 * host loads fresh random bytes at AN505_SEED_BASE at every boot (-device loader), and the
 * port hands them out once, never twice. Records live in Secure RAM outside .bss, so they
 * survive a reset but not a QEMU restart. Keys come from the provisioning blob the host
 * loads at AN505_PROV_BASE. Implements those parts of port.h. Depends on an505.h. */
#include "an505.h"

#include <string.h>

#define CORE_HZ 25000000u
#define SERVICE_PERIOD_MS 10u
#define AIRCR_VECTKEY (0x05FAu << 16)
#define AIRCR_SYSRESETREQ (1u << 2)

static volatile uint64_t ticks_ms;
struct tt_app_fault an505_fault;

void an505_systick_init(void)
{
    REG32(SYST_RVR) = CORE_HZ / 1000u - 1u;
    REG32(SYST_CVR) = 0;
    REG32(SYST_CSR) = 7u; /* enable, interrupt, core clock */
}

void an505_request_service(void)
{
    if (an505_park.app_running)
        REG32(SCB_ICSR) = ICSR_PENDSVSET;
}

void SysTick_Handler(void)
{
    ticks_ms++;
    an505_uart_kick();
    if (ticks_ms % SERVICE_PERIOD_MS == 0)
        an505_request_service();
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
    __asm__ volatile("wfi" ::: "memory");
}

void tt_port_reset(void)
{
    __asm__ volatile("dsb" ::: "memory");
    REG32(SCB_AIRCR) = AIRCR_VECTKEY | AIRCR_SYSRESETREQ;
    for (;;)
        __asm__ volatile("wfi");
}

void an505_capture_fault(uint32_t exc_return)
{
    struct tt_app_fault f;
    f.cfsr = REG32(SCB_CFSR);
    f.cfsr_ns = REG32(SCB_CFSR + SCB_NS_OFFSET);
    f.hfsr = REG32(SCB_HFSR);
    f.mmfar = (f.cfsr_ns & 0x80u) ? REG32(SCB_MMFAR + SCB_NS_OFFSET) : REG32(SCB_MMFAR);
    f.bfar = REG32(SCB_BFAR);
    f.sfsr = REG32(SCB_SFSR);
    f.sfar = REG32(SCB_SFAR);
    f.exc_return = exc_return;
    /* Write-one-to-clear, so the next stop reads only its own cause. */
    REG32(SCB_CFSR) = f.cfsr;
    REG32(SCB_CFSR + SCB_NS_OFFSET) = f.cfsr_ns;
    REG32(SCB_HFSR) = f.hfsr;
    REG32(SCB_SFSR) = f.sfsr;
    an505_fault = f;
}

/* Supervisor fault marker, in the records area (survives the reset it triggers). */
#define SECURE_FAULT_MARK (AN505_RECORDS_BASE + 0x1FF0u)

void an505_secure_fault(void)
{
    REG32(SECURE_FAULT_MARK) = 0x5EC0FA17u;
    REG32(SECURE_FAULT_MARK + 4) = REG32(SCB_HFSR);
    REG32(SECURE_FAULT_MARK + 8) = REG32(SCB_CFSR);
    tt_port_reset();
    for (;;) {
    }
}

/* ---- entropy ---- */
static uint32_t seed_used; /* bytes of the seed area handed out; never handed out twice */

tt_err tt_port_entropy(uint8_t *out, size_t len)
{
    const volatile uint8_t *seed = (const volatile uint8_t *)AN505_SEED_BASE;
    /* The area starts with "SEED"; the host's loader writes it at every boot. */
    if (seed[0] != 'S' || seed[1] != 'E' || seed[2] != 'E' || seed[3] != 'D')
        return TT_ERR_CRYPTO;
    if (len > AN505_SEED_SIZE - 4u - seed_used)
        return TT_ERR_CRYPTO;
    for (size_t i = 0; i < len; i++) {
        out[i] = seed[4u + seed_used + i];
        ((volatile uint8_t *)seed)[4u + seed_used + i] = 0; /* consumed */
    }
    seed_used += (uint32_t)len;
    return TT_OK;
}

/* ---- records: [magic 4][len 4][data 512] each ---- */
#define REC_MAGIC 0x54545243u /* "TTRC" */
#define REC_STRIDE (8u + TT_PORT_RECORD_MAX)

static volatile uint32_t *rec_hdr(enum tt_port_record id)
{
    return (volatile uint32_t *)(AN505_RECORDS_BASE + (uint32_t)id * REC_STRIDE);
}

tt_err tt_port_store_read(enum tt_port_record id, uint8_t *buf, size_t *len)
{
    if ((unsigned)id >= TT_REC_COUNT || len == NULL || (buf == NULL && *len > 0))
        return TT_ERR_ARG;
    volatile uint32_t *h = rec_hdr(id);
    uint32_t n = (h[0] == REC_MAGIC && h[1] <= TT_PORT_RECORD_MAX) ? h[1] : 0;
    if (*len < n)
        return TT_ERR_NO_SPACE;
    memcpy(buf, (const void *)(h + 2), n);
    *len = n;
    return TT_OK;
}

tt_err tt_port_store_write(enum tt_port_record id, const uint8_t *buf, size_t len)
{
    if ((unsigned)id >= TT_REC_COUNT || len > TT_PORT_RECORD_MAX || (buf == NULL && len > 0))
        return TT_ERR_ARG;
    volatile uint32_t *h = rec_hdr(id);
    h[0] = 0; /* invalid while being written */
    if (len > 0)
        memcpy((void *)(h + 2), buf, len);
    h[1] = (uint32_t)len;
    h[0] = REC_MAGIC;
    return TT_OK;
}

tt_err tt_port_store_erase(enum tt_port_record id)
{
    if ((unsigned)id >= TT_REC_COUNT)
        return TT_ERR_ARG;
    rec_hdr(id)[0] = 0;
    return TT_OK;
}

/* ---- keys ---- */
tt_err tt_port_keys(struct tt_port_keys *out)
{
    const uint8_t *p = (const uint8_t *)AN505_PROV_BASE;
    if (out == NULL)
        return TT_ERR_ARG;
    if (memcmp(p, AN505_PROV_MAGIC, 4) != 0 || p[4] != AN505_PROV_VERSION)
        return TT_ERR_STATE;
    memcpy(out->device_id, p + AN505_PROV_OFF_ID, sizeof out->device_id);
    memcpy(out->static_private, p + AN505_PROV_OFF_PRIV, sizeof out->static_private);
    memcpy(out->owner_public, p + AN505_PROV_OFF_OWNER, sizeof out->owner_public);
    memcpy(out->attest_private, p + AN505_PROV_OFF_ATTEST, sizeof out->attest_private);
    return TT_OK;
}
