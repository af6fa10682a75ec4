/* app_double.h — the host port's stand-in for the app, for unit tests of target control.
 *
 * Models the app's memory (code at 0x00200000, RAM at 0x28200000; everything else counts as
 * Secure and is refused), its registers, and a tiny Thumb executor that knows only what the
 * tests use: NOP, MOVS/ADDS/CMP r0 with imm8, STR (T1, into RAM), B (T1/T2), BL, BX LR,
 * BLX r3 (to a "Secure" address it returns at once with r0 = 42, like a veneer), BKPT, UDF.
 * Anything else faults.
 * It is a test harness, not a simulator. Depends on port.h. */
#ifndef TT_APP_DOUBLE_H
#define TT_APP_DOUBLE_H

#include <stdint.h>

#include "../port.h"

#define TT_DOUBLE_CODE_BASE 0x00200000u
#define TT_DOUBLE_CODE_SIZE 0x00010000u
#define TT_DOUBLE_RAM_BASE 0x28200000u
#define TT_DOUBLE_RAM_SIZE 0x00004000u

/* Clears memory and registers; the app is parked with PC = 0. */
void tt_double_init(void);
/* Writes halfwords into code memory at addr (little-endian), bypassing every check. */
void tt_double_load(uint32_t addr, const uint16_t *hw, unsigned n);
/* Direct access to the modelled registers. */
struct tt_app_regs *tt_double_regs(void);
/* Instructions executed per tt_port_app_run() before it returns PREEMPTED (default 64). */
void tt_double_set_budget(unsigned n);
/* Instructions executed since init. */
unsigned long tt_double_executed(void);
/* Gives the double a data watchpoint unit of n comparators (0, the default after
 * tt_double_init: none, the core steps to watch). Its comparators see the double's stores:
 * a WRITE or ACCESS watchpoint overlapping a store parks the app after it (TT_PARK_BKPT),
 * as the DWT does, whatever value was written. */
void tt_double_set_watch_units(unsigned n);
/* Raw halfword in code memory (what is really there, BKPTs included). */
uint16_t tt_double_peek16(uint32_t addr);

#endif
