/* flash_areas.c — port.h's flash areas on the STM32U585, through the flash driver (flash.c):
 *   TT_AREA_STORE   U585_STORE_BASE, 6 Secure pages (the record store's two banks)
 *   TT_AREA_SLOT_A  the app slot (U585_APP_BASE, Non-secure by watermark: flash.c makes each
 *                   page Secure while it writes it)
 *   TT_AREA_SLOT_B  the staging bank (U585_STAGE_BASE, bank 2, Secure)
 * The record store and its power-cut tests are the portable ones (core/store/); this file
 * only maps areas to addresses. u585_areas_flash is the driver instance (platform.c on the
 * chip, the controller model in ref-device/tests/test_stm32u585_flash.c). Known limit: a
 * quad-word torn by a power cut can hold an ECC double error whose read raises an NMI; the
 * NMI handler must treat that read as "not committed" (README, not done yet). Depends on
 * flash.h, layout.h and port.h. */
#include "../port.h"
#include "flash.h"

struct area {
    uint32_t base, size;
};

static const struct area areas[TT_AREA_COUNT] = {
    [TT_AREA_STORE] = {U585_STORE_BASE, U585_STORE_PAGES * U585_PAGE_SIZE},
    [TT_AREA_SLOT_A] = {U585_APP_BASE, U585_APP_SIZE},
    [TT_AREA_SLOT_B] = {U585_STAGE_BASE, U585_STAGE_SIZE},
};

static int in_area(enum tt_port_area a, uint32_t off, uint32_t len)
{
    return (unsigned)a < TT_AREA_COUNT && u585_areas_flash != NULL && off <= areas[a].size &&
           len <= areas[a].size - off;
}

tt_err tt_port_flash_info(enum tt_port_area a, struct tt_port_area_info *out)
{
    if ((unsigned)a >= TT_AREA_COUNT || out == NULL)
        return TT_ERR_ARG;
    out->size = areas[a].size;
    out->page_size = U585_PAGE_SIZE;
    return TT_OK;
}

tt_err tt_port_flash_erase(enum tt_port_area a, uint32_t off)
{
    if (!in_area(a, off, U585_PAGE_SIZE) || off % U585_PAGE_SIZE != 0)
        return TT_ERR_ARG;
    return u585_flash_erase_page(u585_areas_flash, areas[a].base + off);
}

/* The controller itself refuses a quad-word that is not erased (PROGERR): no check here. */
tt_err tt_port_flash_program(enum tt_port_area a, uint32_t off, const uint8_t *data, uint32_t len)
{
    if (!in_area(a, off, len) || (data == NULL && len > 0))
        return TT_ERR_ARG;
    if (len == 0)
        return TT_OK;
    return u585_flash_program(u585_areas_flash, areas[a].base + off, data, len);
}

tt_err tt_port_flash_read(enum tt_port_area a, uint32_t off, uint8_t *out, uint32_t len)
{
    if (!in_area(a, off, len) || (out == NULL && len > 0))
        return TT_ERR_ARG;
    u585_flash_read(u585_areas_flash, areas[a].base + off, out, len);
    return TT_OK;
}
