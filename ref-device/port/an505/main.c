/* main.c — the supervisor's main on mps2-an505: bring up the platform, start the app, and
 * turn the supervisor loop forever. The service is the core's session engine
 * (core/supervisor: sessions over the link, control/debug/log/attestation services); a
 * device that is not provisioned (or has no entropy) only drains link input and app log
 * entries, since it has no keys to answer with. Depends on an505.h, core/loop.h,
 * core/supervisor/supervisor.h and mbedTLS's static-heap allocator. */
#include "an505.h"

#include <string.h>

#include <mbedtls/memory_buffer_alloc.h>

#include "../../core/loop.h"
#include "../../core/supervisor/supervisor.h"
#include "tether/crypto_backends.h"

extern uint32_t _sidata[], _sdata[], _edata[];

static struct tt_target target;
static struct tt_sup sup;
static struct tt_sup_identity identity;
static unsigned char mbedtls_heap[TT_MBEDTLS_HEAP_SIZE]; /* mbedTLS's bignums; no malloc */

static void placeholder_service(void *ctx, struct tt_target *t)
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

/* What this image reports about itself ([ATT-011]): the supervisor measures its own image
 * (code, rodata and the .data load image) at boot; QEMU has a debug stub, so the hardware
 * debug state is open, and the keys are loaded by the host: still provisioning. */
static void identify(void)
{
    const uint8_t *start = (const uint8_t *)0x10000000u;
    size_t len = (size_t)((const uint8_t *)_sidata - start) +
                 (size_t)((const uint8_t *)_edata - (const uint8_t *)_sdata);
    identity.supervisor_version = TT_SUP_VERSION;
    if (tt_crypto_mbedtls.sha256(identity.supervisor_measurement, start, len, NULL, 0) != TT_OK)
        memset(identity.supervisor_measurement, 0, sizeof identity.supervisor_measurement);
    /* The app image: its size is vector-table entry 8 (ref-device/app/startup_app.c), read
     * through the NS alias; a size outside the app's code region means no valid app. */
    const uint8_t *app = (const uint8_t *)AN505_APP_CODE_BASE;
    uint32_t app_size = *(const volatile uint32_t *)(AN505_APP_CODE_BASE + 0x20u);
    if (app_size >= 0x40u && app_size <= AN505_APP_CODE_SIZE &&
        tt_crypto_mbedtls.sha256(identity.app_measurement, app, app_size, NULL, 0) == TT_OK)
        identity.app_version = 0x000100; /* the demo app: 0.1.0 */
    else
        memset(identity.app_measurement, 0, sizeof identity.app_measurement);
    identity.lifecycle = 1; /* LIFECYCLE_PROVISIONING */
    identity.debug_state = 1; /* DEBUG_HARDWARE_OPEN */
}

int main(void)
{
    an505_secure_init();
    an505_uart_init();
    an505_systick_init();
    __asm__ volatile("cpsie i");
    mbedtls_memory_buffer_alloc_init(mbedtls_heap, sizeof mbedtls_heap);
    identify();
    tt_service_fn service = placeholder_service;
    void *ctx = NULL;
    if (tt_sup_init(&sup, &identity) == TT_OK) {
        service = tt_sup_service;
        ctx = &sup;
    }
    tt_target_init(&target);
    if (tt_target_reset_app(&target) == TT_OK &&
        tt_target_resume(&target, TT_RUN_CONTINUE, 0, 0) != TT_OK)
        target.state = TT_TARGET_HALTED;
    for (;;)
        tt_loop_once(&target, service, ctx);
}
