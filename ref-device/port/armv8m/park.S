/* park.S — switching the CPU between the app (Non-secure) and the supervisor's service
 * thread (Secure thread, PSP_S) on any ARMv8-M-mainline chip, by exception return, like an
 * RTOS context switch.
 *
 * SVC (from the service thread) = resume: save the service thread's R4-R11 and EXC_RETURN,
 * load the app's, return into the app's frame on its own stack.
 * Park: HardFault (the app faulted, or a BKPT escalated), DebugMonitor (FPB/DWT match, BKPT,
 * MON_STEP done; only on chips whose vector table routes it) and PendSV (the supervisor
 * needs the CPU) save the app's R4-R11 and EXC_RETURN (R0-R3, R12, LR, PC, xPSR stay in the
 * frame the core pushed on the app's stack), clear DEMCR.MON_STEP (the service thread must
 * never be stepped) and return into the service thread with R0 = the reason. A debug event
 * raised by Secure code (SDME = 1 makes watchpoints fire on the supervisor's own accesses
 * too) is acknowledged and ignored. The handlers touch only Secure RAM and SCS registers:
 * never memory that can fault (a fault in HardFault is a lockup); the app's stack is read
 * later, in thread mode, after checks. Offsets match struct armv8m_park in armv8m.h. */
        .syntax unified
        .cpu cortex-m33
        .thumb

        .equ APP_R4, 0
        .equ APP_EXC, 32
        .equ SUP_R4, 36
        .equ SUP_EXC, 68
        .equ RUNNING, 72
        .equ REASON, 76
        .equ DFSR_SAVE, 80
        .equ PARK_PREEMPTED, 0
        .equ PARK_STOPPED, 1
        .equ PARK_DEBUG, 2
        .equ SCB_DFSR, 0xE000ED30
        .equ DCB_DEMCR, 0xE000EDFC
        .equ DEMCR_MON_STEP, 0x00040000

        .text

        .global SVC_Handler
        .type SVC_Handler, %function
SVC_Handler:
        ldr     r0, =armv8m_park
        add     r1, r0, #SUP_R4
        stmia   r1, {r4-r11}
        str     lr, [r0, #SUP_EXC]
        movs    r1, #1
        str     r1, [r0, #RUNNING]
        ldmia   r0, {r4-r11}            @ app R4-R11 (APP_R4 = 0)
        ldr     lr, [r0, #APP_EXC]
        bx      lr                      @ into the app: frame on its Non-secure stack

        .global HardFault_Handler
        .type HardFault_Handler, %function
HardFault_Handler:
        tst     lr, #0x40               @ EXC_RETURN.S = 0: the frame is on the NS stack
        bne     supervisor_fault        @ a fault in the supervisor (or its NSC code)
        ldr     r0, =armv8m_park
        ldr     r1, [r0, #RUNNING]
        cmp     r1, #1
        bne     supervisor_fault
        stmia   r0, {r4-r11}
        str     lr, [r0, #APP_EXC]
        mov     r0, lr
        bl      armv8m_capture_fault    @ SCS registers only
        movs    r2, #PARK_STOPPED
        b       park

        .global DebugMon_Handler
        .type DebugMon_Handler, %function
DebugMon_Handler:
        ldr     r1, =SCB_DFSR
        ldr     r2, [r1]
        str     r2, [r1]                @ write-one-to-clear what we are handling
        tst     lr, #0x40
        bne     secure_event            @ raised by Secure code: not the app's
        ldr     r0, =armv8m_park
        ldr     r1, [r0, #RUNNING]
        cmp     r1, #1
        bne     secure_event
        str     r2, [r0, #DFSR_SAVE]
        stmia   r0, {r4-r11}
        str     lr, [r0, #APP_EXC]
        movs    r2, #PARK_DEBUG
        b       park
secure_event:
        ldr     r1, =DCB_DEMCR
        ldr     r2, [r1]
        bic     r2, r2, #DEMCR_MON_STEP
        str     r2, [r1]
        bx      lr

        .global PendSV_Handler
        .type PendSV_Handler, %function
PendSV_Handler:
        tst     lr, #0x40
        bne     1f                      @ Secure code was running: nothing to park
        tst     lr, #0x08
        beq     1f                      @ the app is in its own handler: wait for the next
        ldr     r0, =armv8m_park
        ldr     r1, [r0, #RUNNING]
        cmp     r1, #1
        bne     1f
        stmia   r0, {r4-r11}
        str     lr, [r0, #APP_EXC]
        movs    r2, #PARK_PREEMPTED
        b       park
1:      bx      lr

park:   @ r2 = reason; returns into the service thread, whose SVC returns r2
        ldr     r1, =DCB_DEMCR
        ldr     r3, [r1]
        bic     r3, r3, #DEMCR_MON_STEP
        str     r3, [r1]
        ldr     r0, =armv8m_park
        movs    r1, #0
        str     r1, [r0, #RUNNING]
        str     r2, [r0, #REASON]
        add     r1, r0, #SUP_R4
        ldmia   r1, {r4-r11}
        ldr     lr, [r0, #SUP_EXC]
        mrs     r1, psp                 @ PSP_S: the service thread's SVC frame
        str     r2, [r1]                @ its stacked R0 = the SVC's result
        bx      lr

supervisor_fault:
        b       armv8m_secure_fault

        .pool
