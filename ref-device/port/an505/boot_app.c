/* boot_app.c — the supervisor boots the app from flash slot A ([NVS-051], [NVS-052]).
 *
 * The installed-image record (core/store/image_slot.h) says how many bytes of slot A are the
 * image and their SHA-256. The slot is verified, then copied into the app's Non-secure code
 * RAM (RAM-load: executing in place from 0x80000000 would need an NS SAU region over the
 * slot, letting the app rewrite its own slot). Nothing else places an app: QEMU is started
 * with the supervisor only. On any failure the app's code region is wiped, no app runs and
 * the measurement reported is 32 zero bytes ([OTA-070]); the supervisor still serves. The
 * measurement reported is the digest verified here. Depends on an505.h, image_slot.h,
 * supervisor.h. */
#include "an505.h"

#include <string.h>

#include "../../core/store/image_slot.h"
#include "../../core/supervisor/supervisor.h"

int an505_boot_app(struct tt_sup_identity *id)
{
    struct tt_image_record r;
    uint8_t *code = (uint8_t *)AN505_APP_CODE_BASE; /* NS alias: the app's view */
    if (tt_image_record_read(&r) == TT_OK && r.size >= 0x40u && r.size <= AN505_APP_CODE_SIZE &&
        tt_image_slot_verify(TT_AREA_SLOT_A, &r) == TT_OK &&
        tt_port_flash_read(TT_AREA_SLOT_A, 0, code, r.size) == TT_OK) {
        memcpy(id->app_measurement, r.sha256, sizeof id->app_measurement);
        id->app_version = r.version;
        return 1;
    }
    memset(code, 0, AN505_APP_CODE_SIZE); /* nothing of an earlier image may run */
    memset(id->app_measurement, 0, sizeof id->app_measurement);
    id->app_version = 0;
    return 0;
}

/* The OTA service's loads (install, rollback, revert, boot): the same RAM-load as above, of
 * a slot the engine has verified. */
tt_err tt_port_app_load(enum tt_port_area slot, uint32_t size)
{
    uint8_t *code = (uint8_t *)AN505_APP_CODE_BASE;
    if ((slot != TT_AREA_SLOT_A && slot != TT_AREA_SLOT_B) || size > AN505_APP_CODE_SIZE)
        return TT_ERR_ARG;
    memset(code, 0, AN505_APP_CODE_SIZE);
    if (size && tt_port_flash_read(slot, 0, code, size) != TT_OK) {
        memset(code, 0, AN505_APP_CODE_SIZE);
        return TT_ERR_STORAGE;
    }
    return TT_OK;
}
