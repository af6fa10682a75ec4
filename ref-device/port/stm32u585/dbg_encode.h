/* dbg_encode.h — register values of the Cortex-M33 breakpoint (FPBv2) and watchpoint (DWT)
 * units, and the choice of comparators, as pure functions.
 *
 * FPBv2 (Armv8-M): FP_CTRL gives the number of instruction comparators in NUM_CODE, split in
 * two fields ([14:12] high bits, [7:4] low bits); writes to FP_CTRL take effect only with
 * KEY (bit 1) set, so enabling is KEY|ENABLE. FP_COMPn holds BPADDR[31:1] and BE (bit 0):
 * a breakpoint on any halfword address, flash included (no remapping in v2).
 * DWT (Armv8-M): no MASK registers. DWT_FUNCTIONn has MATCH[3:0] (what is compared),
 * ACTION[5:4] (what a match does: 0b01 = debug event, i.e. DebugMonitor in monitor mode),
 * DATAVSIZE[11:10] (1, 2 or 4 bytes at an aligned COMP) and the read-only ID[31:27] saying
 * what the comparator can do. A range is a pair: comparator n compares the base (MATCH =
 * data address, DATAVSIZE = byte, the action) and n+1 the inclusive limit (MATCH = 0b0111
 * Data Address Limit, ACTION = 0b00); only comparators whose ID has the limit bit can be
 * n+1 (on the Cortex-M33: 1 and 3). Counts and capabilities are read at run time and
 * passed in. Depends on tether/err.h. */
#ifndef TT_U585_DBG_ENCODE_H
#define TT_U585_DBG_ENCODE_H

#include <stdint.h>

#include "tether/err.h"

#define U585_FPB_MAX 16u
#define U585_DWT_MAX 16u

/* ---- FPB ---- */
unsigned u585_fpb_num_code(uint32_t fp_ctrl);
unsigned u585_fpb_rev(uint32_t fp_ctrl);  /* 1 = FPBv2 */
#define U585_FPB_CTRL_ENABLE 0x3u         /* KEY | ENABLE */
#define U585_FPB_CTRL_DISABLE 0x2u        /* KEY */
/* Comparator value for a breakpoint at addr (halfword aligned); TT_ERR_ARG otherwise. */
TT_MUST_CHECK tt_err u585_fpb_comp(uint32_t addr, uint32_t *comp);
/* Index of a free comparator in used (bit per comparator) among num, or -1. */
int u585_fpb_alloc(uint32_t used, unsigned num);

/* ---- DWT ---- */
#define U585_DWT_MATCH_DADDR_RW 0x4u
#define U585_DWT_MATCH_DADDR_W 0x5u
#define U585_DWT_MATCH_DADDR_R 0x6u
#define U585_DWT_MATCH_DADDR_LIMIT 0x7u
#define U585_DWT_ACTION_DEBUG (1u << 4)
#define U585_DWT_MATCHED (1u << 24)

enum u585_watch { U585_WATCH_READ = 1, U585_WATCH_WRITE = 2, U585_WATCH_ACCESS = 3 };

unsigned u585_dwt_num_comp(uint32_t dwt_ctrl);
/* Capabilities from a DWT_FUNCTIONn value's ID field. */
int u585_dwt_can_daddr(uint32_t function);
int u585_dwt_can_limit(uint32_t function);

/* A planned watchpoint: one comparator, or a base/limit pair starting at `first`. */
struct u585_dwt_plan {
    unsigned first, count;  /* comparators first .. first+count-1 */
    uint32_t comp[2], function[2];
};
/* Plans a watchpoint on [addr, addr+len): a single comparator when len is 1, 2 or 4 and addr
 * is aligned to it, else a pair. ids[i] are the DWT_FUNCTIONi values read from the chip (for
 * the ID fields), used the comparators already taken. TT_ERR_ARG for len 0, wrap-around or a
 * bad kind; TT_ERR_DBG_BP_FULL when no comparator (pair) is free. */
TT_MUST_CHECK tt_err u585_dwt_plan(uint32_t addr, uint32_t len, enum u585_watch kind,
                                   const uint32_t *ids, unsigned num, uint32_t used,
                                   struct u585_dwt_plan *out);
/* The first comparator whose MATCHED bit is set (functions as read after a DWT trap), or -1.
 * Reading DWT_FUNCTIONn clears MATCHED on the chip: read each once. */
int u585_dwt_matched(const uint32_t *functions, unsigned num);

#endif
