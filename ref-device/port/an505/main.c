/* main.c — the supervisor's main on mps2-an505: bring up the platform, start the app, and
 * turn the supervisor loop forever. The app comes from flash slot A (boot_app.c), run only
 * when verified. The service is the core's session engine
 * (core/supervisor: sessions over the link, control/debug/log/attestation services); a
 * device that is not provisioned (or has no entropy) only drains link input and app log
 * entries, since it has no keys to answer with. Depends on an505.h, core/loop.h,
 * core/supervisor/supervisor.h and mbedTLS's static-heap allocator. */
#include "an505.h"

#include <mbedtls/memory_buffer_alloc.h>

#include "../../core/loop.h"
#include "../../core/supervisor/supervisor.h"

static struct tt_target target;
static struct tt_sup sup;
static struct tt_sup_ota ota; /* slots A and B: the OTA service (with a firmware key) */
static struct tt_sup_identity identity;
static unsigned char mbedtls_heap[TT_MBEDTLS_HEAP_SIZE]; /* mbedTLS's bignums; no malloc */

/* What this image reports about itself ([ATT-011]): its own measurement (../armv8m/
 * identity.c) and the app's as verified when it was loaded from flash (boot_app.c); QEMU
 * has a debug stub, so the hardware debug state is open, and the keys are loaded by the
 * host: still provisioning. Returns 1 when a verified app is in place. */
static int identify(void)
{
    armv8m_measure_images(&identity);
    int app_ok = an505_boot_app(&identity); /* overrides the app's fields */
    identity.lifecycle = 1; /* LIFECYCLE_PROVISIONING */
    identity.debug_state = 1; /* DEBUG_HARDWARE_OPEN */
    return app_ok;
}

int main(void)
{
    an505_secure_init();
    an505_uart_init();
    armv8m_systick_init();
    __asm__ volatile("cpsie i");
    mbedtls_memory_buffer_alloc_init(mbedtls_heap, sizeof mbedtls_heap);
    int app_ok = identify();
    tt_service_fn service = armv8m_idle_service;
    void *ctx = NULL;
    if (tt_sup_init_ota(&sup, &identity, &ota) == TT_OK) {
        service = tt_sup_service;
        ctx = &sup;
        /* With a firmware key the OTA service chose and loaded the image (slot A or B) */
        app_ok = tt_sup_app_ready(&sup, app_ok);
    }
    tt_target_init(&target);
    if (app_ok && tt_target_reset_app(&target) == TT_OK &&
        tt_target_resume(&target, TT_RUN_CONTINUE, 0, 0) != TT_OK)
        target.state = TT_TARGET_HALTED;
    for (;;)
        tt_loop_once(&target, service, ctx);
}
