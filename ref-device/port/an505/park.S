/* park.S — switching the CPU between the app (Non-secure thread) and the supervisor's
 * service thread (Secure thread, PSP_S), by exception return, like an RTOS context switch.
 *
 * SVC (from the service thread) = resume: save the service thread's R4-R11 and EXC_RETURN,
 * load the app's, and return into the app's frame on its own stack.
 * HardFault (app BKPT or fault) and PendSV (supervisor needs the CPU) = park: save the
 * app's R4-R11 and EXC_RETURN (its R0-R3, R12, LR, PC, xPSR stay in the frame the core
 * pushed on the app's stack), then return into the service thread with R0 = the reason.
 * The handlers touch only Secure RAM and SCB registers: never memory that can fault (a
 * fault in HardFault is a lockup). The app's stack is read later, in thread mode, after
 * checks. Offsets match struct an505_park in an505.h. */
        .syntax unified
        .cpu cortex-m33
        .thumb

        .equ APP_R4, 0
        .equ APP_EXC, 32
        .equ SUP_R4, 36
        .equ SUP_EXC, 68
        .equ RUNNING, 72
        .equ REASON, 76
        .equ PARK_PREEMPTED, 0
        .equ PARK_STOPPED, 1

        .text

        .global SVC_Handler
        .type SVC_Handler, %function
SVC_Handler:
        ldr     r0, =an505_park
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
        ldr     r0, =an505_park
        ldr     r1, [r0, #RUNNING]
        cmp     r1, #1
        bne     supervisor_fault
        stmia   r0, {r4-r11}
        str     lr, [r0, #APP_EXC]
        mov     r0, lr
        bl      an505_capture_fault     @ SCB registers only
        movs    r2, #PARK_STOPPED
        b       park

        .global PendSV_Handler
        .type PendSV_Handler, %function
PendSV_Handler:
        tst     lr, #0x40
        bne     1f                      @ Secure code was running: nothing to park
        tst     lr, #0x08
        beq     1f                      @ the app is in its own handler: wait for the next
        ldr     r0, =an505_park
        ldr     r1, [r0, #RUNNING]
        cmp     r1, #1
        bne     1f
        stmia   r0, {r4-r11}
        str     lr, [r0, #APP_EXC]
        movs    r2, #PARK_PREEMPTED
        b       park
1:      bx      lr

park:   @ r2 = reason; returns into the service thread, whose SVC returns r2
        ldr     r0, =an505_park
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
        b       an505_secure_fault

        .pool
