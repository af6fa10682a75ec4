/* target.h — portable target control: the app as the debug service sees it.
 *
 * Holds what does not depend on the chip: the breakpoint table (with the instructions the
 * BKPTs replaced), software single step (next-PC decoder + one temporary BKPT), range
 * stepping ("step until the PC leaves [start, end)"), stepping off a breakpoint on resume,
 * and stop bookkeeping (reason, PC, fault registers, a sequence number). Memory and register
 * access go through the port's checks, and reads hide our own BKPTs. The app only executes
 * inside tt_port_app_run(); the supervisor loop hands each return to tt_target_on_park().
 * Caller-owned context, no I/O besides port.h, no allocation. Depends on port.h and
 * thumb_next_pc.h. */
#ifndef TT_TARGET_H
#define TT_TARGET_H

#include <stdint.h>

#include "../../port/port.h"

#define TT_TARGET_MAX_BREAKPOINTS 16u
/* Watchpoints without comparators: while one is set the app runs one instruction at a time
 * and the watched bytes are compared after each ([DBG-080]..[DBG-085]). */
#define TT_TARGET_MAX_WATCHPOINTS 4u
#define TT_TARGET_WATCH_MAX_LEN 8u
/* How many times slower the app runs while a watchpoint is set (Limits.watch_slowdown): one
 * supervisor turn per instruction. Measured on QEMU's an505 by ref-client/bench/gdb-watch.sh:
 * 2,700x to 10,500x on a loaded 2-core host (docs/benchmark-gdb-round-trips.md). */
#define TT_TARGET_WATCH_SLOWDOWN 5000u

enum tt_target_state { TT_TARGET_HALTED = 0, TT_TARGET_RUNNING = 1 };

enum tt_stop_reason {
    TT_STOP_NONE = 0,
    TT_STOP_HALT = 1,       /* halt requested by a client */
    TT_STOP_BREAKPOINT = 2, /* a breakpoint of the table was hit */
    TT_STOP_STEP = 3,       /* single step or range step finished */
    TT_STOP_FAULT = 4,      /* the app faulted (fault registers valid) */
    TT_STOP_RESET = 5,      /* the app was reset and is held at its reset vector */
    TT_STOP_BKPT_INSN = 6,  /* the app executed a BKPT of its own */
    TT_STOP_WATCHPOINT = 7  /* a watched range changed (stop.watch_addr) */
};

enum tt_run_mode { TT_RUN_CONTINUE = 0, TT_RUN_STEP = 1, TT_RUN_RANGE = 2 };

struct tt_breakpoint {
    uint32_t addr;
    uint16_t orig;      /* the halfword the BKPT replaced while installed */
    uint8_t used;
    uint8_t installed;
};

/* A watchpoint: in the port's comparators (hw), or a write watchpoint the core checks by
 * stepping, with the bytes it saw at the last resume or step. */
struct tt_watchpoint {
    uint32_t addr;
    uint8_t len;
    uint8_t used;
    uint8_t hw;   /* set in the port's unit (tt_port_watch_set): the app runs at full speed */
    uint8_t kind; /* enum tt_watch_kind */
    uint8_t seen[TT_TARGET_WATCH_MAX_LEN];
};

/* What Limits says about watchpoints ([DBG-080], [DBG-087]): the port's comparators when it
 * has a unit, else the stepping table's. kinds is bit 1 << tt_watch_kind. */
struct tt_target_wp_limits {
    uint32_t count, max_len, kinds, slowdown;
    int hw; /* the port's unit takes them */
};
void tt_target_wp_limits(struct tt_target_wp_limits *out);

struct tt_target_stop {
    enum tt_stop_reason reason;
    uint32_t pc;
    uint32_t watch_addr; /* WATCHPOINT: the watchpoint's addr */
    uint32_t seq;       /* increases by one per stop */
    struct tt_app_fault fault;
};

struct tt_target {
    enum tt_target_state state;
    enum tt_run_mode mode;
    uint8_t stepping_off;   /* CONTINUE that first steps off a breakpoint at the PC */
    uint32_t range_start, range_end;
    struct tt_breakpoint bp[TT_TARGET_MAX_BREAKPOINTS];
    struct tt_breakpoint step_bp; /* the temporary BKPT of a single step */
    struct tt_watchpoint wp[TT_TARGET_MAX_WATCHPOINTS];
    uint8_t watching;       /* a CONTINUE run one instruction at a time for the watchpoints */
    struct tt_target_stop stop;
    uint8_t stop_pending;   /* a stop the service has not taken yet */
    uint32_t steps;         /* instructions stepped in the current range step */
};

/* Starts halted with no breakpoints and no pending stop. */
void tt_target_init(struct tt_target *t);

/* Stops a running app (it is parked already; this settles the bookkeeping and removes our
 * BKPTs) and records a HALT stop. Halting a halted app is a no-op. */
TT_MUST_CHECK tt_err tt_target_halt(struct tt_target *t);

/* Lets a halted app run: CONTINUE, STEP (one instruction) or RANGE (steps while the PC is in
 * [start, end)). A STEP over a BKPT instruction of the app completes at once. */
TT_MUST_CHECK tt_err tt_target_resume(struct tt_target *t, enum tt_run_mode mode, uint32_t start,
                                      uint32_t end);

/* Feeds back what tt_port_app_run() returned. */
void tt_target_on_park(struct tt_target *t, enum tt_app_park park, const struct tt_app_fault *f);

/* Puts the app back at reset (our BKPTs removed first), halted, with a RESET stop. */
TT_MUST_CHECK tt_err tt_target_reset_app(struct tt_target *t);

/* Returns 1 and copies the stop once per new stop; 0 when none is pending. */
int tt_target_take_stop(struct tt_target *t, struct tt_target_stop *out);

/* Breakpoint table ([DBG]): set is idempotent; clear of an unknown address is a no-op. */
TT_MUST_CHECK tt_err tt_target_bp_set(struct tt_target *t, uint32_t addr);
TT_MUST_CHECK tt_err tt_target_bp_clear(struct tt_target *t, uint32_t addr);
void tt_target_bp_clear_all(struct tt_target *t);

/* Write watchpoints ([DBG-080]): set is idempotent (same addr and len), clear of an unknown
 * one a no-op; len 1..TT_TARGET_WATCH_MAX_LEN within the app's writable memory. Allowed
 * while running: they take effect at the next resume. */
TT_MUST_CHECK tt_err tt_target_wp_set(struct tt_target *t, uint32_t addr, uint32_t len);
TT_MUST_CHECK tt_err tt_target_wp_clear(struct tt_target *t, uint32_t addr, uint32_t len);
/* The same for any kind ([DBG-088]): TT_ERR_MSG_UNSUPPORTED for a kind outside the limits'
 * kinds; a watchpoint is (addr, len, kind). With the port's unit the comparators take it. */
TT_MUST_CHECK tt_err tt_target_wp_set_kind(struct tt_target *t, uint32_t addr, uint32_t len,
                                           enum tt_watch_kind kind);
TT_MUST_CHECK tt_err tt_target_wp_clear_kind(struct tt_target *t, uint32_t addr, uint32_t len,
                                             enum tt_watch_kind kind);
void tt_target_wp_clear_all(struct tt_target *t);

/* Memory of the app, checked by the port; reads show the original instructions under our
 * BKPTs, and writes over a BKPT update the saved instruction. Allowed while running. */
TT_MUST_CHECK tt_err tt_target_mem_read(struct tt_target *t, uint32_t addr, uint8_t *buf,
                                        uint32_t len);
TT_MUST_CHECK tt_err tt_target_mem_write(struct tt_target *t, uint32_t addr, const uint8_t *buf,
                                         uint32_t len);

/* Registers of the halted app. A write keeps xPSR's execution and exception state (only
 * the flags N Z C V Q and GE change) and clears bit 0 of the PC. */
TT_MUST_CHECK tt_err tt_target_regs_read(struct tt_target *t, struct tt_app_regs *out);
TT_MUST_CHECK tt_err tt_target_regs_write(struct tt_target *t, const struct tt_app_regs *in);

/* Internal to core/target (breakpoints.c <-> target.c). */
void tt_target_bp_install_all(struct tt_target *t);
void tt_target_bp_remove_all(struct tt_target *t);
int tt_target_bp_find(const struct tt_target *t, uint32_t addr);
/* Internal (watchpoints.c <-> target.c): any set that the core must step for; note the
 * watched bytes now; the first watchpoint whose bytes differ from those noted (1 and its
 * addr), else 0. */
int tt_target_wp_any(const struct tt_target *t);
TT_MUST_CHECK tt_err tt_target_wp_note(struct tt_target *t);
int tt_target_wp_changed(struct tt_target *t, uint32_t *addr);

#endif
