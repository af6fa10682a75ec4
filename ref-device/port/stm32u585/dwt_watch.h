/* dwt_watch.h — the DWT comparators as the port's watchpoint unit (port.h tt_port_watch_*):
 * which comparators a watchpoint holds, the register writes that arm and disarm them, and
 * which watchpoint a DWT trap was, through a register access table (struct u585_io, as the
 * flash driver) so the host tests run it against a model of the DWT
 * (ref-device/tests/test_stm32u585_dbg.c). Register values come from dbg_encode.c.
 * Depends on dbg_encode.h, flash.h (struct u585_io), port.h. */
#ifndef TT_U585_DWT_WATCH_H
#define TT_U585_DWT_WATCH_H

#include <stdint.h>

#include "../port.h"
#include "dbg_encode.h"
#include "flash.h"

/* Comparators used: the Cortex-M33 has 4 (its TRM), fewer than the architecture's 15. */
#define U585_DWT_COMPS 4u

struct u585_dwt {
    const struct u585_io *io;
    unsigned num;                 /* DWT_CTRL.NUMCOMP, at most U585_DWT_COMPS */
    uint32_t ids[U585_DWT_COMPS]; /* DWT_FUNCTIONn as read at init: the read-only ID fields */
    uint32_t used;                /* bit per comparator */
    struct {                      /* the watchpoint whose first comparator is n */
        uint32_t addr;
        uint8_t len, kind, count; /* enum tt_watch_kind; comparators held, 0: none */
    } wp[U585_DWT_COMPS];
};

/* Reads NUMCOMP and each comparator's ID, disarms every comparator. */
void u585_dwt_init(struct u585_dwt *d, const struct u585_io *io);
/* What the unit offers port.h: count (single comparators that match data addresses),
 * max_len 8 when a base + limit pair exists (else 4), kinds write/read/access. */
void u585_dwt_caps(const struct u585_dwt *d, struct tt_port_watch_caps *out);
/* Arms a comparator (or pair) for [addr, addr+len) and kind; TT_ERR_ARG (len, kind,
 * wrap), TT_ERR_DBG_BP_FULL; nothing written on error. Setting one that is set: TT_OK. */
TT_MUST_CHECK tt_err u585_dwt_set(struct u585_dwt *d, uint32_t addr, uint32_t len,
                                  enum tt_watch_kind kind);
/* Disarms the watchpoint (addr, len, kind); unknown: no-op. */
void u585_dwt_clear(struct u585_dwt *d, uint32_t addr, uint32_t len, enum tt_watch_kind kind);
/* Before the app runs: reads every armed DWT_FUNCTIONn, so MATCHED bits set by the
 * supervisor's own accesses (a debugger reading a watched variable) are gone. */
void u585_dwt_drain(struct u585_dwt *d);
/* After a DWT trap: reads every armed DWT_FUNCTIONn once (the read clears MATCHED) and
 * returns 1 with the addr of the watchpoint holding the first matched comparator, else 0. */
int u585_dwt_hit(struct u585_dwt *d, uint32_t *addr);

#endif
