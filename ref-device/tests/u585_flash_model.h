/* u585_flash_model.h — a model of the STM32U585 flash controller for host tests of the
 * port's flash driver and what runs on it (test_stm32u585_flash.c: driver and record store;
 * test_stm32u585_ota.c: the OTA engine on the port's slots). What it models and why:
 * u585_flash_model.c. Depends on Check, flash.h. */
#ifndef TT_U585_FLASH_MODEL_H
#define TT_U585_FLASH_MODEL_H

#include <stdint.h>

#include "../port/stm32u585/flash.h"

#define REGS 0x50022000u
#define ICACHE 0x50030400u

struct u585_model {
    uint8_t *mem;            /* 2 MB, index = offset in flash */
    uint32_t seccr, secsr, secbb[2][4], icache_cr;
    int key_state;           /* 0: none, 1: KEY1 seen, -1: locked until reset */
    uint32_t qw_addr;        /* quad-word being filled */
    unsigned qw_words;
    uint32_t qw[4];
    long ops, cut_at;        /* operations done; power fails before op cut_at (-1: never) */
    int dead;                /* power is off: nothing changes any more */
    uint32_t inject_sr;      /* error flags to raise at the next operation */
};

extern struct u585_model M;
extern struct u585_flash F; /* the driver instance on the model (u585_areas_flash) */

/* Power on: registers at their reset values, no operation counted, no cut planned; wipe
 * also erases the whole flash (a new chip), otherwise the flash is kept (a reboot). */
void reset_model(int wipe);

#endif
