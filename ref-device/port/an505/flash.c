/* flash.c — the an505's emulated NOR flash (port.h's persistence half) and its power-cut
 * switch.
 *
 * QEMU backs the board's 16 MiB main RAM at 0x80000000 with a host file
 * (-M mps2-an505,memory-backend=…, share=on): stores reach the file at once and survive a
 * restart or kill -9. It has no Secure alias and no MPC; no SAU region covers it, so only
 * Secure code reaches it (secure_init.c). This driver gives it the STM32U585's semantics so
 * the same store and the same sweeps carry to the chip: 8 KiB pages that erase to 0xFF,
 * programs in aligned quad-words that must be erased first (refused otherwise, as ECC flash
 * does), reads as loads. Layout (an505.h, README "Flash layout"): store 48 KiB, install state
 * 16 KiB (reserved for OTA), slot A 2 MiB, slot B 2 MiB, spare 64 KiB.
 *
 * Power cuts (the MCUboot-simulator method): every page erase and every quad-word program
 * is one operation, counted from boot. If the word at AN505_CUT_WORD (written at every
 * reset by the harness's `-device loader,addr=…,data=N,data-len=4`; 0 otherwise) is N, the
 * N-th operation is torn (half the page erased, half the quad-word programmed), "TT-CUT N"
 * is written on UART0 and the system reset is requested: with -no-reboot QEMU exits, which
 * is the power going away with the flash file kept. Depends on an505.h. */
#include "an505.h"

#include <string.h>

struct area {
    uint32_t base, size;
};

static const struct area areas[TT_AREA_COUNT] = {
    [TT_AREA_STORE] = {AN505_FLASH_STORE, AN505_FLASH_STORE_SIZE},
    [TT_AREA_SLOT_A] = {AN505_FLASH_SLOT_A, AN505_FLASH_SLOT_SIZE},
    [TT_AREA_SLOT_B] = {AN505_FLASH_SLOT_B, AN505_FLASH_SLOT_SIZE},
};

static uint32_t ops; /* erase and program operations since boot */

tt_err tt_port_flash_info(enum tt_port_area a, struct tt_port_area_info *out)
{
    if ((unsigned)a >= TT_AREA_COUNT || out == NULL)
        return TT_ERR_ARG;
    out->size = areas[a].size;
    out->page_size = AN505_FLASH_PAGE;
    return TT_OK;
}

static int in_area(enum tt_port_area a, uint32_t off, uint32_t len)
{
    return (unsigned)a < TT_AREA_COUNT && off <= areas[a].size && len <= areas[a].size - off;
}

static void cut_marker(uint32_t n)
{
    char m[24] = "\r\nTT-CUT ";
    size_t k = 9;
    char d[10];
    size_t nd = 0;
    do {
        d[nd++] = (char)('0' + n % 10u);
        n /= 10u;
    } while (n > 0);
    while (nd > 0)
        m[k++] = d[--nd];
    m[k++] = '\r';
    m[k++] = '\n';
    an505_uart_write_polled((const uint8_t *)m, k);
}

/* Counts one operation: 1 when it is the one the harness cuts. */
static int cut_here(void)
{
    ops++;
    return REG32(AN505_CUT_WORD) != 0 && ops == REG32(AN505_CUT_WORD);
}

/* After the torn effect: the marker, then the power goes (never returns). */
static void power_lost(void)
{
    cut_marker(ops);
    for (;;)
        tt_port_reset(); /* -no-reboot: QEMU exits here */
}

tt_err tt_port_flash_erase(enum tt_port_area a, uint32_t off)
{
    if (!in_area(a, off, AN505_FLASH_PAGE) || off % AN505_FLASH_PAGE != 0)
        return TT_ERR_ARG;
    void *page = (void *)(areas[a].base + off);
    if (cut_here()) {
        memset(page, 0xFF, AN505_FLASH_PAGE / 2u); /* torn: half the page erased */
        power_lost();
    }
    memset(page, 0xFF, AN505_FLASH_PAGE);
    return TT_OK;
}

static int erased(const volatile uint32_t *w)
{
    return (w[0] & w[1] & w[2] & w[3]) == 0xFFFFFFFFu;
}

tt_err tt_port_flash_program(enum tt_port_area a, uint32_t off, const uint8_t *data, uint32_t len)
{
    if (!in_area(a, off, len) || off % TT_FLASH_QWORD != 0 || len % TT_FLASH_QWORD != 0 ||
        (data == NULL && len > 0))
        return TT_ERR_ARG;
    for (uint32_t q = 0; q < len; q += TT_FLASH_QWORD) {
        volatile uint32_t *w = (volatile uint32_t *)(areas[a].base + off + q);
        uint32_t v[4];
        memcpy(v, data + q, sizeof v);
        if (!erased(w))
            return TT_ERR_STORAGE; /* ECC flash: never program twice */
        w[0] = v[0];
        w[1] = v[1];
        if (cut_here())
            power_lost(); /* torn: half the quad-word programmed */
        w[2] = v[2];
        w[3] = v[3];
    }
    return TT_OK;
}

tt_err tt_port_flash_read(enum tt_port_area a, uint32_t off, uint8_t *out, uint32_t len)
{
    if (!in_area(a, off, len) || (out == NULL && len > 0))
        return TT_ERR_ARG;
    if (len > 0)
        memcpy(out, (const void *)(areas[a].base + off), len);
    return TT_OK;
}
