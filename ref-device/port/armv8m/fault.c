/* fault.c — fault capture and reset of port.h on an ARMv8-M chip.
 *
 * The HardFault handler (park.S) calls armv8m_capture_fault for a fault of the app: it
 * copies the Secure and Non-secure fault status and clears it, so the next stop reads only
 * its own cause. A fault of the supervisor itself resets the device after the chip has left
 * a note (chip_secure_fault_note). Depends on armv8m.h. */
#include "armv8m.h"

struct tt_app_fault armv8m_fault;

void tt_port_reset(void)
{
    __asm__ volatile("dsb" ::: "memory");
    REG32(SCB_AIRCR) = AIRCR_VECTKEY | chip_aircr_keep | AIRCR_SYSRESETREQ;
    for (;;)
        __asm__ volatile("wfi");
}

void armv8m_capture_fault(uint32_t exc_return)
{
    struct tt_app_fault f;
    f.cfsr = REG32(SCB_CFSR);
    f.cfsr_ns = REG32(SCB_CFSR + SCS_NS_OFFSET);
    f.hfsr = REG32(SCB_HFSR);
    f.mmfar = (f.cfsr_ns & 0x80u) ? REG32(SCB_MMFAR + SCS_NS_OFFSET) : REG32(SCB_MMFAR);
    f.bfar = REG32(SCB_BFAR);
    f.sfsr = REG32(SCB_SFSR);
    f.sfar = REG32(SCB_SFAR);
    f.exc_return = exc_return;
    REG32(SCB_CFSR) = f.cfsr; /* write-one-to-clear: the next stop reads its own cause */
    REG32(SCB_CFSR + SCS_NS_OFFSET) = f.cfsr_ns;
    REG32(SCB_HFSR) = f.hfsr;
    REG32(SCB_SFSR) = f.sfsr;
    armv8m_fault = f;
}

void armv8m_secure_fault(void)
{
    chip_secure_fault_note();
    tt_port_reset();
    for (;;) {
    }
}
