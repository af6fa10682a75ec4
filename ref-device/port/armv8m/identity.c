/* identity.c — what a supervisor image reports about itself ([ATT-011]), and the service
 * of a supervisor without keys, on an ARMv8-M chip.
 *
 * The supervisor measures its own image (code, rodata and the .data load image, from
 * _svectors, the start of its code region in secure.ld, to _sidata, plus .data) and the
 * app's: the app's size is its vector-table entry 8 (ref-device/app/startup_app.c), read
 * through the NS alias; a size outside the app's code region means no valid app. Depends on
 * armv8m.h, core/supervisor/supervisor.h and lib/crypto (SHA-256 from mbedTLS). */
#include "armv8m.h"

#include <string.h>

#include "../../core/supervisor/supervisor.h"
#include "tether/crypto_backends.h"

extern uint8_t _svectors[], _sidata[], _sdata[], _edata[];

void armv8m_measure_images(struct tt_sup_identity *id)
{
    size_t len = (size_t)(_sidata - _svectors) + (size_t)(_edata - _sdata);
    id->supervisor_version = TT_SUP_VERSION;
    if (tt_crypto_mbedtls.sha256(id->supervisor_measurement, _svectors, len, NULL, 0) != TT_OK)
        memset(id->supervisor_measurement, 0, sizeof id->supervisor_measurement);
    const uint8_t *app = (const uint8_t *)chip_app_code_base;
    uint32_t app_size = *(const volatile uint32_t *)(chip_app_code_base + 0x20u);
    if (app_size >= 0x40u && app_size <= chip_app_code_size &&
        tt_crypto_mbedtls.sha256(id->app_measurement, app, app_size, NULL, 0) == TT_OK)
        id->app_version = 0x000100; /* the demo app: 0.1.0 */
    else
        memset(id->app_measurement, 0, sizeof id->app_measurement);
}

void armv8m_idle_service(void *ctx, struct tt_target *t)
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
