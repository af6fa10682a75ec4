/* main.c — the supervisor's main on the STM32U585: bring up the chip, judge the option
 * bytes, start the app, and turn the supervisor loop forever.
 *
 * Order matters: the TrustZone split (SAU, GTZC, option check) before anything the app
 * could observe; the TRNG before the DRBG; the watchdog last, once the loop is about to
 * run. mbedTLS gets its static heap (mbedtls_config_m33.h: no malloc). If the option bytes
 * are not the ones this image was built for, or the device is not provisioned, the app is
 * not started and no session is served (the loop still runs and feeds the watchdog; the
 * option problems are in u585_option_problems for a debugger). The service is the interim one
 * (interim_service.c) until the portable session core lands in ref-device/core. Depends on
 * u585.h, optbytes.h, interim_service.h, core/loop.h, lib/crypto. */
#include "u585.h"

#include <mbedtls/memory_buffer_alloc.h>

#include "../../core/loop.h"
#include "interim_service.h"
#include "optbytes.h"
#include "tether/crypto_backends.h"
#include "tether/rng_mbedtls.h"

static struct tt_target target;
static struct tt_mbedtls_rng rng;
static struct tt_crypto crypto;
static unsigned char mbedtls_heap[TT_MBEDTLS_HEAP_SIZE];

static tt_err trng(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    return tt_port_entropy(buf, len);
}

int main(void)
{
    static const uint8_t pers[] = "tether-u585";
    u585_trustzone_init();
    u585_usart_init();
    u585_systick_init();
    u585_debug_init();
    __asm__ volatile("cpsie i");

    mbedtls_memory_buffer_alloc_init(mbedtls_heap, sizeof mbedtls_heap);
    crypto = tt_crypto_mbedtls;
    int ready = u585_rng_init() == TT_OK &&
                tt_mbedtls_rng_init(&rng, trng, NULL, pers, sizeof pers - 1u) == TT_OK;
    crypto.rng_ctx = &rng;
    ready = ready && u585_interim_init(&crypto) == TT_OK;
    ready = ready && (u585_option_problems & U585_OPT_FATAL) == 0;

    tt_target_init(&target);
    if (ready && tt_target_reset_app(&target) == TT_OK &&
        tt_target_resume(&target, TT_RUN_CONTINUE, 0, 0) != TT_OK)
        target.state = TT_TARGET_HALTED;
    u585_iwdg_init();
    for (;;) {
        u585_iwdg_refresh();
        tt_loop_once(&target, ready ? u585_interim_service : NULL, NULL);
    }
}
