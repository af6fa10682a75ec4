/* parked_context.c — the target-control primitives of port.h on any ARMv8-M-mainline chip
 * (the app = the Non-secure world): its memory, breakpoints, registers, reset and run.
 *
 * Runs the app by SVC into park.S and classifies why it came back. Registers come from the
 * parked context: R4-R11 saved by park.S, the rest from the exception frame on the app's
 * stack — read only after that frame is proven to lie in app RAM. Every memory access is
 * checked twice: the chip's list of the app's regions (chip.h) and the TT instruction for
 * the Non-secure domain (cmse_check_address_range with CMSE_NONSECURE), and goes through
 * the Non-secure alias addresses (a Secure alias of an NS block may BusFault). App code in
 * flash is read-only here (it changes only through the update path) and takes hardware
 * breakpoints; app code in RAM gets a BKPT instruction written over it. Depends on
 * armv8m.h and <arm_cmse.h> (built with -mcmse). */
#include "armv8m.h"

#include <arm_cmse.h>
#include <string.h>

struct armv8m_park armv8m_park;

#define XPSR_T 0x01000000u
#define XPSR_SPREALIGN (1u << 9)
#define EXC_SPSEL (1u << 2)
#define EXC_FTYPE (1u << 4)
#define FRAME_WORDS 8u
#define APP_EXC_RETURN_THREAD_MSP 0xFFFFFFB9u /* Secure exception -> NS thread, MSP_NS */

tt_err tt_port_app_mem_check(uint32_t addr, uint32_t len, enum tt_app_access a)
{
    if (len == 0)
        return TT_ERR_ARG;
    if (!chip_app_code_contains(addr, len) && !chip_app_ram_contains(addr, len))
        return TT_ERR_DBG_ACCESS;
    int flags = CMSE_NONSECURE | ((a & TT_ACCESS_WRITE) ? CMSE_MPU_READWRITE : CMSE_MPU_READ);
    if (chip_app_flash_contains(addr, len))
        flags = CMSE_NONSECURE | CMSE_MPU_READ; /* the app's MPU may make its flash RO */
    if (cmse_check_address_range((void *)addr, len, flags) == NULL)
        return TT_ERR_DBG_ACCESS;
    return TT_OK;
}

tt_err tt_port_app_mem_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
    tt_err e = tt_port_app_mem_check(addr, len, TT_ACCESS_READ);
    if (e != TT_OK)
        return e;
    const volatile uint8_t *p = (const volatile uint8_t *)addr;
    for (uint32_t i = 0; i < len; i++)
        buf[i] = p[i];
    return TT_OK;
}

tt_err tt_port_app_mem_write(uint32_t addr, const uint8_t *buf, uint32_t len)
{
    tt_err e = tt_port_app_mem_check(addr, len, TT_ACCESS_WRITE);
    if (e != TT_OK)
        return e;
    if (chip_app_flash_contains(addr, len))
        return TT_ERR_DBG_ACCESS; /* flash is written by erase/program, not by stores */
    volatile uint8_t *p = (volatile uint8_t *)addr;
    for (uint32_t i = 0; i < len; i++)
        p[i] = buf[i];
    __asm__ volatile("dsb\nisb" ::: "memory"); /* code may have changed */
    return TT_OK;
}

tt_err tt_port_app_bkpt_insert(uint32_t addr, uint16_t *orig)
{
    uint8_t o[2];
    static const uint8_t bkpt[2] = {0x00, 0xBE};
    if (addr & 1u)
        return TT_ERR_ARG;
    tt_err e = tt_port_app_mem_read(addr, o, 2);
    if (e != TT_OK)
        return e;
    if (chip_app_flash_contains(addr, 2))
        e = chip_hw_bkpt_set(addr); /* flash keeps the original: o is what it holds */
    else
        e = tt_port_app_mem_write(addr, bkpt, 2);
    if (e != TT_OK)
        return e;
    *orig = (uint16_t)(o[0] | o[1] << 8);
    return TT_OK;
}

tt_err tt_port_app_bkpt_remove(uint32_t addr, uint16_t orig)
{
    const uint8_t o[2] = {(uint8_t)orig, (uint8_t)(orig >> 8)};
    if (addr & 1u)
        return TT_ERR_ARG;
    if (chip_app_flash_contains(addr, 2))
        return chip_hw_bkpt_clear(addr);
    return tt_port_app_mem_write(addr, o, 2);
}

/* ---- Non-secure special registers, reached from Secure state with the _NS names ---- */
static uint32_t get_msp_ns(void) { uint32_t v; __asm__ volatile("mrs %0, msp_ns" : "=r"(v)); return v; }
static uint32_t get_psp_ns(void) { uint32_t v; __asm__ volatile("mrs %0, psp_ns" : "=r"(v)); return v; }
static void set_msp_ns(uint32_t v) { __asm__ volatile("msr msp_ns, %0" ::"r"(v) : "memory"); }
static void set_psp_ns(uint32_t v) { __asm__ volatile("msr psp_ns, %0" ::"r"(v) : "memory"); }
static uint32_t get_primask_ns(void) { uint32_t v; __asm__ volatile("mrs %0, primask_ns" : "=r"(v)); return v; }
static uint32_t get_basepri_ns(void) { uint32_t v; __asm__ volatile("mrs %0, basepri_ns" : "=r"(v)); return v; }
static uint32_t get_faultmask_ns(void) { uint32_t v; __asm__ volatile("mrs %0, faultmask_ns" : "=r"(v)); return v; }
static uint32_t get_control_ns(void) { uint32_t v; __asm__ volatile("mrs %0, control_ns" : "=r"(v)); return v; }
static void set_primask_ns(uint32_t v) { __asm__ volatile("msr primask_ns, %0" ::"r"(v) : "memory"); }
static void set_basepri_ns(uint32_t v) { __asm__ volatile("msr basepri_ns, %0" ::"r"(v) : "memory"); }
static void set_faultmask_ns(uint32_t v) { __asm__ volatile("msr faultmask_ns, %0" ::"r"(v) : "memory"); }
static void set_control_ns(uint32_t v) { __asm__ volatile("msr control_ns, %0" ::"r"(v) : "memory"); }

/* Address of the parked exception frame, or 0 if it is not a plain frame in app RAM. */
static uint32_t frame_addr(void)
{
    uint32_t exc = armv8m_park.app_exc_return;
    uint32_t sp = (exc & EXC_SPSEL) ? get_psp_ns() : get_msp_ns();
    if (!(exc & EXC_FTYPE))
        return 0; /* extended (FP) frame: the app is built without FP */
    if ((sp & 3u) || !chip_app_ram_contains(sp, FRAME_WORDS * 4u) ||
        tt_port_app_mem_check(sp, FRAME_WORDS * 4u, TT_ACCESS_WRITE) != TT_OK)
        return 0;
    return sp;
}

tt_err tt_port_app_regs_read(struct tt_app_regs *out)
{
    uint32_t f = frame_addr();
    if (f == 0)
        return TT_ERR_DBG_NO_CONTEXT;
    const volatile uint32_t *w = (const volatile uint32_t *)f;
    memset(out, 0, sizeof *out);
    for (unsigned i = 0; i < 4; i++)
        out->r[i] = w[i];
    for (unsigned i = 0; i < 8; i++)
        out->r[4 + i] = armv8m_park.app_r4_r11[i];
    out->r[12] = w[4];
    out->r[TT_REG_LR] = w[5];
    out->r[TT_REG_PC] = w[6];
    out->r[TT_REG_XPSR] = w[7];
    out->r[TT_REG_SP] = f + FRAME_WORDS * 4u + ((w[7] & XPSR_SPREALIGN) ? 4u : 0u);
    int psp = (armv8m_park.app_exc_return & EXC_SPSEL) != 0;
    out->r[TT_REG_MSP] = psp ? get_msp_ns() : out->r[TT_REG_SP];
    out->r[TT_REG_PSP] = psp ? out->r[TT_REG_SP] : get_psp_ns();
    out->r[TT_REG_PRIMASK] = get_primask_ns();
    out->r[TT_REG_BASEPRI] = get_basepri_ns();
    out->r[TT_REG_FAULTMASK] = get_faultmask_ns();
    out->r[TT_REG_CONTROL] = get_control_ns();
    return TT_OK;
}

/* Writes the context; a new SP moves the exception frame (kept 8-byte aligned, with
 * SPREALIGN telling the core about the pad). MSP/PSP/CONTROL entries are derived, not
 * written: changing the stack selection under a parked frame would corrupt it. */
tt_err tt_port_app_regs_write(const struct tt_app_regs *in)
{
    uint32_t f = frame_addr();
    if (f == 0)
        return TT_ERR_DBG_NO_CONTEXT;
    uint32_t sp = in->r[TT_REG_SP];
    if ((sp & 3u) || sp < FRAME_WORDS * 4u + 4u)
        return TT_ERR_DBG_ACCESS;
    uint32_t nf = (sp - FRAME_WORDS * 4u) & ~7u;
    uint32_t pad = (sp - FRAME_WORDS * 4u) - nf;
    if (!chip_app_ram_contains(nf, FRAME_WORDS * 4u) ||
        tt_port_app_mem_check(nf, FRAME_WORDS * 4u, TT_ACCESS_WRITE) != TT_OK)
        return TT_ERR_DBG_ACCESS;
    uint32_t frame[FRAME_WORDS] = {
        in->r[0], in->r[1], in->r[2], in->r[3], in->r[12], in->r[TT_REG_LR], in->r[TT_REG_PC],
        (in->r[TT_REG_XPSR] & ~XPSR_SPREALIGN) | (pad ? XPSR_SPREALIGN : 0u),
    };
    volatile uint32_t *w = (volatile uint32_t *)nf;
    for (unsigned i = 0; i < FRAME_WORDS; i++)
        w[i] = frame[i];
    for (unsigned i = 0; i < 8; i++)
        armv8m_park.app_r4_r11[i] = in->r[4 + i];
    if (armv8m_park.app_exc_return & EXC_SPSEL)
        set_psp_ns(nf);
    else
        set_msp_ns(nf);
    set_primask_ns(in->r[TT_REG_PRIMASK] & 1u);
    set_basepri_ns(in->r[TT_REG_BASEPRI] & chip_basepri_mask);
    set_faultmask_ns(in->r[TT_REG_FAULTMASK] & 1u);
    return TT_OK;
}

tt_err tt_port_app_reset(void)
{
    uint8_t v[8];
    tt_err e = tt_port_app_mem_read(chip_app_code_base, v, 8);
    if (e != TT_OK)
        return e;
    uint32_t sp = (uint32_t)v[0] | v[1] << 8 | v[2] << 16 | (uint32_t)v[3] << 24;
    uint32_t pc = (uint32_t)v[4] | v[5] << 8 | v[6] << 16 | (uint32_t)v[7] << 24;
    if ((sp & 7u) || !(pc & 1u) || sp < FRAME_WORDS * 4u ||
        !chip_app_ram_contains(sp - FRAME_WORDS * 4u, FRAME_WORDS * 4u) ||
        !chip_app_code_contains(pc & ~1u, 2))
        return TT_ERR_DBG_NO_CONTEXT;
    REG32(SCB_VTOR + SCS_NS_OFFSET) = chip_app_code_base;
    set_control_ns(0);
    set_psp_ns(0);
    set_primask_ns(0);
    set_basepri_ns(0);
    set_faultmask_ns(0);
    /* A fresh frame as if the app had been interrupted just before its first instruction. */
    volatile uint32_t *w = (volatile uint32_t *)(sp - FRAME_WORDS * 4u);
    for (unsigned i = 0; i < 5; i++)
        w[i] = 0;
    w[5] = 0xFFFFFFFFu;
    w[6] = pc & ~1u;
    w[7] = XPSR_T;
    set_msp_ns(sp - FRAME_WORDS * 4u);
    memset(armv8m_park.app_r4_r11, 0, sizeof armv8m_park.app_r4_r11);
    armv8m_park.app_exc_return = APP_EXC_RETURN_THREAD_MSP;
    return TT_OK;
}

uint32_t armv8m_resume_raw(void)
{
    register uint32_t r0 __asm__("r0");
    __asm__ volatile("svc #0" : "=r"(r0) : : "memory", "cc");
    return r0;
}

enum tt_app_park tt_port_app_run(struct tt_app_fault *fault)
{
    memset(fault, 0, sizeof *fault);
    chip_app_resuming();
    uint32_t why = armv8m_resume_raw();
    if (why == ARMV8M_PARK_PREEMPTED)
        return TT_PARK_PREEMPTED;
    if (why == ARMV8M_PARK_DEBUG)
        return TT_PARK_BKPT; /* FPB, BKPT, DWT or step: the core reads the PC */
    /* HardFault: a BKPT escalated (how that shows differs by chip: chip_fault_may_be_bkpt)
     * or a real fault. Tell them apart by the instruction at the stacked PC. */
    struct tt_app_fault f = armv8m_fault;
    struct tt_app_regs r;
    uint8_t insn[2];
    if (chip_fault_may_be_bkpt(&f) && (f.cfsr | f.cfsr_ns | f.sfsr) == 0 &&
        tt_port_app_regs_read(&r) == TT_OK &&
        tt_port_app_mem_read(r.r[TT_REG_PC], insn, 2) == TT_OK && insn[1] == 0xBE)
        return TT_PARK_BKPT;
    *fault = f;
    return TT_PARK_FAULT;
}
