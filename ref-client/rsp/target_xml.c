/* target_xml.c — what the server tells GDB about the target without asking the device:
 * one flattened target description (no xi:include, so one request instead of one per
 * feature), the thread list, and the register numbering they imply.
 *
 * Features and register names are GDB's own (gdb/features/arm/arm-m-profile.xml,
 * arm-m-system.xml, arm-secext.xml in GDB 13): xpsr is number 25 because GDB keeps 16-24 for
 * the old FPA registers, so the `g` packet is r0-pc, xpsr, then the system registers. GDB
 * validates msp/psp in m-system and takes the extra special registers (primask, basepri,
 * faultmask, control) as plain registers of that feature. In secext, msp_ns/psp_ns are the
 * device's msp/psp (the app's banked copies) and msp_s/psp_s read as 0: the app's debugger
 * never sees Secure state. Depends on rsp.h. */
#include "rsp_internal.h"

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>armv8-m.main</architecture>\n"
    "<feature name=\"org.gnu.gdb.arm.m-profile\">\n"
    "<reg name=\"r0\" bitsize=\"32\" regnum=\"0\"/>\n"
    "<reg name=\"r1\" bitsize=\"32\"/>\n"
    "<reg name=\"r2\" bitsize=\"32\"/>\n"
    "<reg name=\"r3\" bitsize=\"32\"/>\n"
    "<reg name=\"r4\" bitsize=\"32\"/>\n"
    "<reg name=\"r5\" bitsize=\"32\"/>\n"
    "<reg name=\"r6\" bitsize=\"32\"/>\n"
    "<reg name=\"r7\" bitsize=\"32\"/>\n"
    "<reg name=\"r8\" bitsize=\"32\"/>\n"
    "<reg name=\"r9\" bitsize=\"32\"/>\n"
    "<reg name=\"r10\" bitsize=\"32\"/>\n"
    "<reg name=\"r11\" bitsize=\"32\"/>\n"
    "<reg name=\"r12\" bitsize=\"32\"/>\n"
    "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"lr\" bitsize=\"32\"/>\n"
    "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"xpsr\" bitsize=\"32\" regnum=\"25\"/>\n"
    "</feature>\n"
    "<feature name=\"org.gnu.gdb.arm.m-system\">\n"
    "<reg name=\"msp\" bitsize=\"32\" regnum=\"26\" type=\"data_ptr\" group=\"system\"/>\n"
    "<reg name=\"psp\" bitsize=\"32\" regnum=\"27\" type=\"data_ptr\" group=\"system\"/>\n"
    "<reg name=\"primask\" bitsize=\"32\" regnum=\"28\" type=\"int\" group=\"system\"/>\n"
    "<reg name=\"basepri\" bitsize=\"32\" regnum=\"29\" type=\"int\" group=\"system\"/>\n"
    "<reg name=\"faultmask\" bitsize=\"32\" regnum=\"30\" type=\"int\" group=\"system\"/>\n"
    "<reg name=\"control\" bitsize=\"32\" regnum=\"31\" type=\"int\" group=\"system\"/>\n"
    "</feature>\n"
    "<feature name=\"org.gnu.gdb.arm.secext\">\n"
    "<reg name=\"msp_ns\" bitsize=\"32\" regnum=\"32\" type=\"data_ptr\" group=\"system\"/>\n"
    "<reg name=\"psp_ns\" bitsize=\"32\" regnum=\"33\" type=\"data_ptr\" group=\"system\"/>\n"
    "<reg name=\"msp_s\" bitsize=\"32\" regnum=\"34\" type=\"data_ptr\" group=\"system\"/>\n"
    "<reg name=\"psp_s\" bitsize=\"32\" regnum=\"35\" type=\"data_ptr\" group=\"system\"/>\n"
    "</feature>\n"
    "</target>\n";

size_t tt_rsp_target_xml(const char **xml)
{
    *xml = target_xml;
    return sizeof target_xml - 1;
}

static const char threads_xml[] = "<?xml version=\"1.0\"?>\n"
                                  "<threads>\n"
                                  "<thread id=\"1\" core=\"0\" name=\"app\"/>\n"
                                  "</threads>\n";

size_t tt_rsp_threads_xml(const char **xml)
{
    *xml = threads_xml;
    return sizeof threads_xml - 1;
}

/* Array index i ↔ GDB number: the device's 23 as on the wire (tether/registers.h), then
 * the secext four 32-35. */
int tt_rsp_reg_index(unsigned n)
{
    if (n >= TT_RSP_SECEXT_FIRST_NUMBER &&
        n < TT_RSP_SECEXT_FIRST_NUMBER + (TT_RSP_NREGS - TT_RSP_REG_MSP_NS))
        return (int)(n - TT_RSP_SECEXT_FIRST_NUMBER) + TT_RSP_REG_MSP_NS;
    return tt_reg_index(n);
}

unsigned tt_rsp_reg_number(unsigned i)
{
    if (i >= TT_RSP_REG_MSP_NS)
        return TT_RSP_SECEXT_FIRST_NUMBER + (i - TT_RSP_REG_MSP_NS);
    return tt_reg_number(i);
}
