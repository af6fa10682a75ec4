/* app_slot.c — the app image on the STM32U585: it executes in place from slot A (linked at
 * U585_APP_BASE), so "loading" it (port.h tt_port_app_load) moves nothing. What the load
 * does instead is fence: the app's flash as the Non-secure world sees it (SAU region 0,
 * u585_app_fence) and as the debugger's memory checks see it (chip_app_code_contains) becomes
 * exactly the image the OTA engine has just verified, and nothing when there is none (a
 * SINGLE transfer in progress, a slot that failed its check): an app context left over from
 * the old image then faults at its first fetch instead of running half-written flash.
 *
 * Without a firmware key (no OTA service) nothing calls the load and the whole slot stays the
 * app's, as flashed at the factory. Slot B (bank 2) cannot hold a runnable image: code linked
 * at 0x08028000 does not run at 0x08100000 and SWAP_BANK would also swap the supervisor's
 * bank, hence TT_SUP_OTA_LAYOUT SINGLE (README, "OTA"). u585_sau_app_flash is trustzone.c on
 * the chip and the test's register model on the host
 * (ref-device/tests/test_stm32u585_ota.c). Depends on u585_slot.h, layout.h, port.h. */
#include "u585_slot.h"

uint32_t u585_app_image = U585_APP_SIZE;

tt_err tt_port_app_load(enum tt_port_area slot, uint32_t size)
{
    if (slot != TT_AREA_SLOT_A)
        return TT_ERR_STATE; /* runs in place: only slot A is where the app executes */
    if (size > U585_APP_SIZE)
        return TT_ERR_ARG;
    struct u585_sau_span span;
    u585_app_fence(size, &span);
    u585_app_image = size;
    u585_sau_app_flash(&span);
    return TT_OK;
}
