/* platform.c — idle, entropy and records of port.h on mps2-an505 (time, reset, fault
 * capture and keys are the shared ARMv8-M ones: ../armv8m/tick.c, fault.c, prov_keys.c; the
 * keys' blob is the one the host loads at AN505_PROV_BASE).
 *
 * QEMU has no TRNG: the host loads fresh random bytes at AN505_SEED_BASE at every boot
 * (-device loader), and the port hands them out once, never twice. Records live in Secure
 * RAM outside .bss, so they survive a reset but not a QEMU restart. Depends on an505.h. */
#include "an505.h"

#include <string.h>

void tt_port_idle(void)
{
    armv8m_idle_until_service();
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
