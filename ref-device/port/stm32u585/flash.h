/* flash.h — the STM32U585 flash controller driver: page erase, quad-word program, error
 * flags, through a two-function register access table.
 *
 * Every operation goes through the Secure controller (FLASH_SECKEYR/SECCR/SECSR) on the
 * Secure alias. Pages of the app slot are Non-secure by watermark; to write them the driver
 * makes each page Secure for the duration of the operation (block-based security,
 * FLASH_SECBBxRy) — so the app, which can reach the Non-secure controller, can neither race
 * nor lock the supervisor's update path. After an operation the error flags of FLASH_SECSR
 * (OPERR, PROGERR, WRPERR, PGAERR, SIZERR, PGSERR) are read, cleared, kept in last_sr and
 * turned into TT_ERR_STORAGE; the controller is locked again on every exit path. Waits are
 * bounded (spin_limit polls). The access table makes the driver run on the host against a
 * model of the controller (ref-device/tests/test_stm32u585_flash.c); on the chip the
 * functions are plain volatile loads and stores. Depends on layout.h and regs_stm32u5.h. */
#ifndef TT_U585_FLASH_H
#define TT_U585_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

struct u585_io {
    uint32_t (*rd)(void *ctx, uint32_t addr);
    void (*wr)(void *ctx, uint32_t addr, uint32_t value);
    void *ctx;
};

struct u585_flash {
    const struct u585_io *io;
    uint32_t regs;       /* FLASH register block (Secure alias) */
    uint32_t icache;     /* ICACHE register block, 0 for none: invalidated after app writes */
    uint32_t spin_limit; /* polls of BSY before giving up */
    uint32_t last_sr;    /* error flags of the last failed operation (0 after success) */
};

/* Erases the 8 KB page holding addr (either alias). */
TT_MUST_CHECK tt_err u585_flash_erase_page(struct u585_flash *f, uint32_t addr);

/* Programs len bytes (a multiple of 16) at addr (16-byte aligned, either alias); the target
 * quad-words must be erased. Stops at the first failing quad-word. */
TT_MUST_CHECK tt_err u585_flash_program(struct u585_flash *f, uint32_t addr, const uint8_t *data,
                                        uint32_t len);

/* Reads len bytes at addr through the access table (word reads; any alignment). */
void u585_flash_read(const struct u585_flash *f, uint32_t addr, uint8_t *out, uint32_t len);

/* The instance port.h's flash areas use (flash_areas.c): defined by platform.c on the chip,
 * by the host test around its controller model. */
extern struct u585_flash *u585_areas_flash;

/* TT_OK when sr has no error flag, TT_ERR_STORAGE otherwise. */
TT_MUST_CHECK tt_err u585_flash_sr_error(uint32_t sr);

#endif
