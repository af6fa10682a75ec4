@ thumb_cases.s — instruction table for test_thumb_next_pc, assembled by arm-none-eabi-as
@ and linked at 0x00200000. Case N sits at 0x00200000 + 32*N (`.org`), so the C table names
@ a slot and states the expected next PC relative to it. Encodings come from the assembler,
@ not from our decoder's authors, except the few gas will not emit (written as .hword).
        .syntax unified
        .cpu cortex-m33
        .thumb
        .text
        .global _start
_start:
        .macro slot n
        .org \n * 32
        .endm

        slot 0
        nop
        slot 1
        adds r0, #1
        slot 2
        add.w r0, r1, r2
        slot 3
        b.n . + 0x40
        slot 4
        b.n . - 0x20
        slot 5
        b.w . + 0x10000
        slot 6
        b.w . - 0x1000
        slot 7
        beq.n . + 0x20
        slot 8
        bne.w . + 0x1234
        slot 9
        bgt.n . + 0x10
        slot 10
        bl . + 0x2000
        slot 11
        bl . - 0x100000
        slot 12
        cbz r2, . + 0x20
        slot 13
        cbnz r3, . + 0x40
        slot 14
        bx lr
        slot 15
        blx r3
        slot 16
        pop {r4, pc}
        slot 17
        pop {pc}
        slot 18
        pop.w {r4-r11, pc}
        slot 19
        ldmia.w r0!, {r1, r2, pc}
        slot 20
        ldmdb r1, {r2, pc}
        slot 21
        ldr.w pc, 1f
        nop
        .balign 4
1:      .word 0x00200301
        slot 22
        ldr.w pc, [r0, #4]
        slot 23
        ldr pc, [sp], #4
        slot 24
        ldr pc, [r0, #-8]
        slot 25
        ldr pc, [r0, r1, lsl #2]
        slot 26
        tbb [pc, r0]
        .byte 2, 5, 7, 0
        slot 27
        tbh [pc, r0, lsl #1]
        .hword 3, 0x100
        slot 28
        tbb [r1, r2]
        slot 29
        mov pc, r2
        slot 30
        add pc, r2
        slot 31
        bkpt #0
        slot 32
        svc #1
        slot 33
        udf #0
        slot 34
        udf.w #0
        slot 35
        wfi
        slot 36
        wfe
        slot 37
        wfi.w
        slot 38
        it eq                   @ IT itself: next is pc+2
        bxeq lr                 @ slot+2: first (and last) in block, cond EQ
        slot 39
        itt ne
        addne r0, #1
        popne {pc}              @ slot+4: second in block, cond NE
        slot 40
        ite eq
        moveq r0, #1
        bxne lr                 @ slot+4: else branch, cond NE
        slot 41
        it eq
        beq.n . + 0x30          @ slot+2: B T2 as last in block, uses the IT condition
        slot 42
        .hword 0xbf18           @ IT NE (raw, so gas does not track the block)
        .hword 0xbe01           @ slot+2: BKPT inside a failing IT block still traps
        slot 43
        .hword 0x479c           @ BLXNS r3 (treated as BLX)
        slot 44
        mov r0, pc
        slot 45
        add r0, pc
        slot 46
        beq.w . - 0x1000
        slot 47
        bx pc
        slot 48
        ldr.w pc, [pc, #-4]
        slot 49
        blx lr
        slot 50
        mrs r0, primask
        slot 51
        .hword 0x4587           @ CMP pc, r0 (gas refuses it; reads the PC, never writes)
        slot 52
        ldr.w pc, [r0, #-8]!    @ pre-indexed with writeback
        slot 53
        bls.w . + 0x200
        slot 54
        bge.n . - 0xf0
        slot 55
        ldr r0, [pc, #8]        @ a load that does not write the PC
        slot 56
        ldr.w r1, [r0, #4]
        slot 57
        ldmia r0!, {r1, r2}     @ LDM without PC
        slot 58
        .hword 0x4704           @ BX r0 (register bits 6:3)
        slot 59
        .hword 0x4774           @ BXNS lr
        slot 60
        .space 32
