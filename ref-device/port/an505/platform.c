/* platform.c — idle and entropy of port.h on mps2-an505 (time, reset, fault
 * capture and keys are the shared ARMv8-M ones: ../armv8m/tick.c, fault.c, prov_keys.c; the
 * keys' blob is the one the host loads at AN505_PROV_BASE).
 *
 * QEMU has no TRNG: the host loads fresh random bytes at AN505_SEED_BASE at every boot
 * (-device loader), and the port hands them out once, never twice. The loader writes the
 * same bytes again at a warm reset: the supervisor mixes them with its NV seed, rolled
 * forward in flash every boot (core/supervisor/nv_seed.c), so no two boots repeat. Records
 * live in flash (flash.c, core/store). Depends on an505.h. */
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
