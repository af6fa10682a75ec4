/* main.c — the supervisor's main on the STM32U585: bring up the chip, judge the option
 * bytes, start the app, and turn the supervisor loop forever with the core's session
 * service (core/supervisor: sessions over the link, control/debug/log/attestation), sized
 * for the board by config/tt_sup_config.h.
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

#include <string.h>

#include <mbedtls/memory_buffer_alloc.h>

#include "../../core/loop.h"
#include "../../core/supervisor/supervisor.h"
#include "layout.h"
#include "optbytes.h"
#include "tether/crypto_backends.h"

extern uint32_t _sidata[], _sdata[], _edata[];

static struct tt_target target;
static struct tt_sup sup;
static struct tt_sup_identity identity;
static unsigned char mbedtls_heap[TT_MBEDTLS_HEAP_SIZE];

/* Without keys or with bad option bytes: keep the link and the app's log ring drained so
 * neither backs up, and honour the app's reboot request. */
static void idle_service(void *ctx, struct tt_target *t)
{
    (void)ctx;
    (void)t;
    uint8_t buf[64];
    uint32_t seq;
    while (tt_port_link_read(buf, sizeof buf) > 0) {
    }
    while (tt_port_app_log_read(buf, sizeof buf, &seq) > 0) {
    }
    if (tt_port_app_requests() & TT_APP_REQ_REBOOT)
        tt_port_reset();
}

/* What this image reports about itself ([ATT-011]): the measurement of its own code,
 * rodata and .data load image; the app's, if vector-table entry 8 (its size, written by the
 * app's startup) lies within the app region; the lifecycle and debug state from RDP. */
static void identify(void)
{
    const uint8_t *start = (const uint8_t *)0x0C000000u;
    size_t len = (size_t)((const uint8_t *)_sidata - start) +
                 (size_t)((const uint8_t *)_edata - (const uint8_t *)_sdata);
    identity.supervisor_version = TT_SUP_VERSION;
    if (tt_crypto_mbedtls.sha256(identity.supervisor_measurement, start, len, NULL, 0) != TT_OK)
        memset(identity.supervisor_measurement, 0, sizeof identity.supervisor_measurement);
    const uint8_t *app = (const uint8_t *)U585_APP_BASE;
    uint32_t app_size = *(const volatile uint32_t *)(U585_APP_BASE + 0x20u);
    if (app_size >= 0x40u && app_size <= U585_APP_SIZE &&
        tt_crypto_mbedtls.sha256(identity.app_measurement, app, app_size, NULL, 0) == TT_OK)
        identity.app_version = 0x000100; /* the demo app: 0.1.0 */
    else
        memset(identity.app_measurement, 0, sizeof identity.app_measurement);
    int open = (u585_option_problems & U585_OPT_DEBUG_OPEN) != 0;
    identity.lifecycle = open ? 1u : 2u;   /* LIFECYCLE_PROVISIONING : LIFECYCLE_SECURED */
    identity.debug_state = open ? 1u : 2u; /* DEBUG_HARDWARE_OPEN : DEBUG_HARDWARE_CLOSED */
}

int main(void)
{
    u585_trustzone_init();
    u585_usart_init();
    u585_systick_init();
    u585_debug_init();
    __asm__ volatile("cpsie i");

    mbedtls_memory_buffer_alloc_init(mbedtls_heap, sizeof mbedtls_heap);
    identify();
    tt_service_fn service = idle_service;
    void *ctx = NULL;
    if ((u585_option_problems & U585_OPT_FATAL) == 0 && u585_rng_init() == TT_OK &&
        tt_sup_init(&sup, &identity) == TT_OK) {
        service = tt_sup_service;
        ctx = &sup;
    }

    tt_target_init(&target);
    if (ctx != NULL && tt_target_reset_app(&target) == TT_OK &&
        tt_target_resume(&target, TT_RUN_CONTINUE, 0, 0) != TT_OK)
        target.state = TT_TARGET_HALTED;
    u585_iwdg_init();
    for (;;) {
        u585_iwdg_refresh();
        tt_loop_once(&target, service, ctx);
    }
}
