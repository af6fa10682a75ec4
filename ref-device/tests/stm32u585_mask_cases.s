@ stm32u585_mask_cases.s — the mask instructions the STM32U585 stepper emulates, assembled by
@ gas (an encoder independent of ours) for test_stm32u585_step.c. Offsets are fixed: the test
@ indexes this table by them. Keep the order.
        .syntax unified
        .cpu cortex-m33
        .thumb
        .global _start
_start:
        cpsid   i               @ 0
        cpsie   i               @ 2
        cpsid   f               @ 4
        cpsie   f               @ 6
        msr     primask, r3     @ 8
        msr     basepri, r4     @ 12
        msr     basepri_max, r5 @ 16
        msr     faultmask, r6   @ 20
        mrs     r7, primask     @ 24
        mrs     r8, basepri     @ 28
        mrs     r9, basepri_max @ 32
        mrs     r10, faultmask  @ 36
        msr     control, r0     @ 40: not a mask: run
        mrs     r0, control     @ 44: not a mask: run
        msr     apsr_nzcvq, r1  @ 48: flags: run
        mrs     r0, ipsr        @ 52: run
        cpsie   if              @ 56: both masks at once
        nop                     @ 58
        msr     primask_ns, r2  @ 60: a _NS name from Non-secure code: run
