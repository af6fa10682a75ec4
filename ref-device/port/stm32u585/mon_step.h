/* mon_step.h — hardware single step of the app with the DebugMonitor (DEMCR.MON_STEP), as a
 * state machine without registers.
 *
 * The trap it avoids: with MON_STEP set, an interrupt that is pending when the app resumes is
 * taken first and the "step" lands in its handler. So while stepping, the supervisor raises
 * the Secure BASEPRI to just below the monitor's priority: every app interrupt (and the
 * supervisor's own PendSV) waits; the supervisor's link and tick interrupts, which are above
 * the monitor, keep running (they are never stepped: stepping applies only below the
 * monitor's priority). Instructions that read or write the interrupt masks (CPS, MSR/MRS of
 * PRIMASK, BASEPRI, BASEPRI_MAX, FAULTMASK) are emulated on the saved registers instead of
 * being run: the app then sees exactly its own mask values, whatever mask the stepper holds,
 * and a CPSIE with an interrupt pending does not have to be run under a mask that would hide
 * its effect. Emulation only applies where the result is certain (privileged, outside an IT
 * block, Rn/Rd not SP or PC); anything else is run with MON_STEP.
 *
 * Flow: u585_step_begin() → EMULATED (registers already updated, nothing to run) or RUN
 * (write *basepri_s, set MON_STEP, resume the app); at each park u585_step_on_park() says
 * whether the step is over and which BASEPRI to restore. Depends on port.h (register
 * numbering) and tether/err.h. */
#ifndef TT_U585_MON_STEP_H
#define TT_U585_MON_STEP_H

#include <stdint.h>

#include "../port.h"

enum u585_step_state { U585_STEP_IDLE = 0, U585_STEP_RUNNING = 1 };

struct u585_step {
    enum u585_step_state state;
    uint32_t saved_basepri; /* the supervisor's BASEPRI_S before the step */
    uint32_t start_pc;
};

enum u585_step_plan { U585_PLAN_EMULATED = 0, U585_PLAN_RUN = 1 };

/* What ended a park while stepping. dfsr is the Debug Fault Status captured by the
 * DebugMonitor handler (0 when the park was not a debug event). */
enum u585_step_result {
    U585_STEP_DONE = 0,        /* one instruction completed (DFSR.HALTED) */
    U585_STEP_AGAIN = 1,       /* preempted by the supervisor: resume with MON_STEP still set */
    U585_STEP_BREAK = 2,       /* a breakpoint or watchpoint came first */
    U585_STEP_FAULTED = 3      /* the instruction faulted */
};

/* Decodes the instruction at the PC (insn[1] only read for 32-bit encodings) and either
 * emulates it on *regs or asks for a hardware step. monitor_prio is the DebugMonitor's
 * priority value; *basepri_s gets the mask to hold while running. TT_ERR_STATE when a step
 * is already running. */
TT_MUST_CHECK tt_err u585_step_begin(struct u585_step *s, const uint16_t insn[2],
                                     struct tt_app_regs *regs, uint32_t cur_basepri_s,
                                     uint32_t monitor_prio, enum u585_step_plan *plan,
                                     uint32_t *basepri_s);

/* A park happened while stepping. Returns the outcome; for every outcome but AGAIN the step
 * is over: *restore_basepri is the BASEPRI_S to put back and MON_STEP must be cleared. */
enum u585_step_result u585_step_on_park(struct u585_step *s, enum tt_app_park park,
                                        uint32_t dfsr, uint32_t *restore_basepri);

/* Emulation alone (exposed for tests): 1 if insn was emulated on regs (PC advanced), 0 if it
 * must run. prio_bits_mask keeps the implemented priority bits (0xF0 on the STM32U5). */
int u585_emulate_mask_insn(const uint16_t insn[2], struct tt_app_regs *regs,
                           uint32_t prio_bits_mask);

#endif
