/* flash_host.c — the host port's flash (port.h's persistence half): three areas in memory
 * with the STM32U585's semantics (erase to 0xFF a page at a time, program erased quad-words
 * only), and the power-cut switch of the sweeps.
 *
 * Every page erase and every quad-word program is one operation, counted. A cut set at
 * operation N tears it (an erase clears only the first half of its page; a program writes
 * only the first half of its quad-word) and from then on every operation fails without
 * effect: the power is gone. tt_host_flash_power_on() is the next boot. Same semantics as the
 * an505 driver (../an505/flash.c), so the host sweeps check the code QEMU runs. Depends on
 * host.h. */
#include "host.h"

#include <string.h>

#define HOST_PAGE 2048u
#define HOST_SLOT_DEFAULT (32u * HOST_PAGE)
static uint8_t store_area[4u * HOST_PAGE];
/* Backing for slots up to TT_HOST_SLOT_MAX; only area_size[] of it is in use (and formatted),
 * so the power-cut sweeps keep their small 64 KiB slots. */
static uint8_t slot_a[TT_HOST_SLOT_MAX], slot_b[TT_HOST_SLOT_MAX];
static uint8_t *const area_mem[TT_AREA_COUNT] = {store_area, slot_a, slot_b};
static uint32_t area_size[TT_AREA_COUNT] = {sizeof store_area, HOST_SLOT_DEFAULT,
                                            HOST_SLOT_DEFAULT};
static uint32_t ops, cut_at; /* cut_at 0: no cut planned */
static int power_lost;

void tt_host_flash_format(void)
{
    memset(store_area, 0xFF, sizeof store_area);
    memset(slot_a, 0xFF, area_size[TT_AREA_SLOT_A]);
    memset(slot_b, 0xFF, area_size[TT_AREA_SLOT_B]);
    tt_host_flash_power_on();
}

int tt_host_flash_set_slot_size(uint32_t bytes)
{
    if (bytes == 0 || bytes % HOST_PAGE != 0 || bytes > TT_HOST_SLOT_MAX)
        return -1;
    area_size[TT_AREA_SLOT_A] = area_size[TT_AREA_SLOT_B] = bytes;
    tt_host_flash_format();
    return 0;
}

void tt_host_flash_power_on(void)
{
    ops = cut_at = 0;
    power_lost = 0;
}

void tt_host_flash_cut_at(uint32_t n) { cut_at = ops + n; }
uint32_t tt_host_flash_ops(void) { return ops; }
int tt_host_flash_power_lost(void) { return power_lost; }
uint8_t *tt_host_flash_mem(enum tt_port_area a) { return area_mem[a]; }

enum op { OP_DEAD, OP_TORN, OP_WHOLE };

/* What happens to the operation about to start: whole, torn (the cut one), or nothing. */
static enum op operation(void)
{
    if (power_lost)
        return OP_DEAD;
    ops++;
    if (cut_at != 0 && ops == cut_at) {
        power_lost = 1;
        return OP_TORN;
    }
    return OP_WHOLE;
}

tt_err tt_port_flash_info(enum tt_port_area a, struct tt_port_area_info *out)
{
    if ((unsigned)a >= TT_AREA_COUNT || out == NULL)
        return TT_ERR_ARG;
    out->size = area_size[a];
    out->page_size = HOST_PAGE;
    return TT_OK;
}

static int in_area(enum tt_port_area a, uint32_t off, uint32_t len)
{
    return (unsigned)a < TT_AREA_COUNT && off <= area_size[a] && len <= area_size[a] - off;
}

tt_err tt_port_flash_erase(enum tt_port_area a, uint32_t off)
{
    if (!in_area(a, off, HOST_PAGE) || off % HOST_PAGE != 0)
        return TT_ERR_ARG;
    enum op o = operation();
    if (o == OP_DEAD)
        return TT_ERR_STORAGE;
    memset(area_mem[a] + off, 0xFF, o == OP_WHOLE ? HOST_PAGE : HOST_PAGE / 2u);
    return o == OP_WHOLE ? TT_OK : TT_ERR_STORAGE;
}

tt_err tt_port_flash_program(enum tt_port_area a, uint32_t off, const uint8_t *data, uint32_t len)
{
    if (!in_area(a, off, len) || off % TT_FLASH_QWORD != 0 || len % TT_FLASH_QWORD != 0 ||
        (data == NULL && len > 0))
        return TT_ERR_ARG;
    for (uint32_t q = 0; q < len; q += TT_FLASH_QWORD) {
        uint8_t *dst = area_mem[a] + off + q;
        for (unsigned i = 0; i < TT_FLASH_QWORD; i++)
            if (dst[i] != 0xFF)
                return TT_ERR_STORAGE; /* ECC flash: never program twice */
        enum op o = operation();
        if (o == OP_DEAD)
            return TT_ERR_STORAGE;
        memcpy(dst, data + q, o == OP_WHOLE ? TT_FLASH_QWORD : TT_FLASH_QWORD / 2u);
        if (o == OP_TORN)
            return TT_ERR_STORAGE;
    }
    return TT_OK;
}

tt_err tt_port_flash_read(enum tt_port_area a, uint32_t off, uint8_t *out, uint32_t len)
{
    if (!in_area(a, off, len) || (out == NULL && len > 0))
        return TT_ERR_ARG;
    if (len > 0)
        memcpy(out, area_mem[a] + off, len);
    return TT_OK;
}
