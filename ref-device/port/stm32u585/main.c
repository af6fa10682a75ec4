/* main.c — the supervisor's main on the STM32U585: bring up the chip, judge the option
 * bytes, start the app, and turn the supervisor loop forever with the core's session
 * service (core/supervisor: sessions over the link, control/debug/log/attestation/OTA),
 * sized for the board by config/tt_sup_config.h.
 *
 * Order matters: the TrustZone split (SAU, GTZC, option check) before anything the app
 * could observe; the TRNG before tt_sup_init seeds its DRBG from it; the watchdog last, once
 * the loop is about to run. mbedTLS gets its static heap (mbedtls_config_m33.h: no malloc).
 * If the option bytes are not the ones this image was built for, or the device is not
 * provisioned, the app is not started and no session is served: the loop only drains the
 * link and the app's log and feeds the watchdog (the option problems are in
 * u585_option_problems for a debugger). Depends on u585.h, layout.h, optbytes.h,
 * core/loop.h, core/supervisor/supervisor.h, lib/crypto. */
#include "u585.h"

#include <mbedtls/memory_buffer_alloc.h>

#include "../../core/loop.h"
#include "../../core/supervisor/supervisor.h"
#include "layout.h"
#include "optbytes.h"

static struct tt_target target;
static struct tt_sup sup;
static struct tt_sup_ota ota; /* slot A, SINGLE: the OTA service (with a firmware key) */
static struct tt_sup_identity identity;
static unsigned char mbedtls_heap[TT_MBEDTLS_HEAP_SIZE];

/* What this image reports about itself ([ATT-011]): the measurements (../armv8m/
 * identity.c), the lifecycle and debug state from RDP. */
static void identify(void)
{
    armv8m_measure_images(&identity);
    int open = (u585_option_problems & U585_OPT_DEBUG_OPEN) != 0;
    identity.lifecycle = open ? 1u : 2u;   /* LIFECYCLE_PROVISIONING : LIFECYCLE_SECURED */
    identity.debug_state = open ? 1u : 2u; /* DEBUG_HARDWARE_OPEN : DEBUG_HARDWARE_CLOSED */
}

int main(void)
{
    u585_trustzone_init();
    u585_usart_init();
    armv8m_systick_init();
    u585_debug_init();
    __asm__ volatile("cpsie i");

    mbedtls_memory_buffer_alloc_init(mbedtls_heap, sizeof mbedtls_heap);
    identify();
    /* Without keys or with bad option bytes: armv8m_idle_service keeps the link and the
     * app's log drained and honours the app's reboot request. */
    tt_service_fn service = armv8m_idle_service;
    void *ctx = NULL;
    int app_ok = 0;
    if ((u585_option_problems & U585_OPT_FATAL) == 0 && u585_rng_init() == TT_OK &&
        tt_sup_init_ota(&sup, &identity, &ota) == TT_OK) {
        service = tt_sup_service;
        ctx = &sup;
        /* With a firmware key the OTA service verified slot A against its record and fenced
         * the app's flash to that image (app_slot.c), or to nothing; without one the app is
         * the whole slot as flashed at the factory. */
        app_ok = tt_sup_app_ready(&sup, 1);
    }

    tt_target_init(&target);
    if (app_ok && tt_target_reset_app(&target) == TT_OK &&
        tt_target_resume(&target, TT_RUN_CONTINUE, 0, 0) != TT_OK)
        target.state = TT_TARGET_HALTED;
    u585_iwdg_init();
    for (;;) {
        u585_iwdg_refresh();
        tt_loop_once(&target, service, ctx);
    }
}
