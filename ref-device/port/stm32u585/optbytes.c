/* optbytes.c — parse and judge the STM32U585 option bytes (see optbytes.h). Pure functions,
 * host-tested by ref-device/tests/test_stm32u585_optbytes.c. Depends on optbytes.h. */
#include "optbytes.h"

#define OPTR_TZEN (1u << 31)
#define OPTR_DUALBANK (1u << 21)
#define OPTR_SWAP_BANK (1u << 20)
#define WM_PSTRT(r) ((r) & 0x7Fu)          /* SECWMx_PSTRT[6:0] */
#define WM_PEND(r) (((r) >> 16) & 0x7Fu)   /* SECWMx_PEND[22:16] */
#define HDP_PEND(r) (((r) >> 16) & 0x7Fu)  /* HDPx_PEND[22:16] of SECWMxR2 */
#define HDP_EN (1u << 31)
#define BOOTADD_MASK 0xFFFFFF80u           /* xBOOTADDx[24:0] in bits [31:7] = address[31:7] */

static enum u585_rdp rdp_level(uint32_t optr)
{
    switch (optr & 0xFFu) { /* RM0456 FLASH_OPTR.RDP: 0xAA, 0x55, 0xCC; anything else is 1 */
    case 0xAAu:
        return U585_RDP0;
    case 0x55u:
        return U585_RDP05;
    case 0xCCu:
        return U585_RDP2;
    default:
        return U585_RDP1;
    }
}

static void parse_wm(uint32_t r1, uint32_t r2, struct u585_wm *w)
{
    w->start = WM_PSTRT(r1);
    w->end = WM_PEND(r1);
    w->valid = w->start <= w->end; /* PSTRT > PEND means: no secure area in this bank */
    w->hdp_enabled = (r2 & HDP_EN) != 0;
    w->hdp_end = HDP_PEND(r2);
}

void u585_options_parse(const struct u585_optregs *r, struct u585_options *out)
{
    out->tzen = (r->optr & OPTR_TZEN) != 0;
    out->dualbank = (r->optr & OPTR_DUALBANK) != 0;
    out->swap_bank = (r->optr & OPTR_SWAP_BANK) != 0;
    out->rdp = rdp_level(r->optr);
    parse_wm(r->secwm1r1, r->secwm1r2, &out->wm[0]);
    parse_wm(r->secwm2r1, r->secwm2r2, &out->wm[1]);
    out->secboot0 = r->secbootadd0r & BOOTADD_MASK;
    out->boot_lock = (r->secbootadd0r & 1u) != 0;
    out->nsboot0 = r->nsbootadd0r & BOOTADD_MASK;
    out->nsboot1 = r->nsbootadd1r & BOOTADD_MASK;
}

uint32_t u585_options_check(const struct u585_options *o)
{
    uint32_t p = 0;
    if (!o->tzen)
        p |= U585_OPT_NO_TZEN;
    if (!o->dualbank)
        p |= U585_OPT_SINGLE_BANK;
    if (o->swap_bank)
        p |= U585_OPT_SWAPPED;
    const struct u585_wm *w1 = &o->wm[0], *w2 = &o->wm[1];
    /* Pages 0..SECWM1_PEND hold the supervisor, its veneers, keys and records. */
    if (!w1->valid || w1->start != 0 || w1->end < U585_SECWM1_PEND)
        p |= U585_OPT_WM1_SHORT;
    if (w1->valid && w1->end >= U585_APP_FIRST_PAGE)
        p |= U585_OPT_WM1_OVER;
    if (!w2->valid || w2->start != 0 || w2->end != U585_PAGES_PER_BANK - 1u)
        p |= U585_OPT_WM2;
    if (o->secboot0 != U585_SUP_BASE)
        p |= U585_OPT_SECBOOT;
    if (o->rdp == U585_RDP0)
        p |= U585_OPT_DEBUG_OPEN;
    return p;
}

uint32_t u585_secwm_r1(unsigned start, unsigned end)
{
    return (start & 0x7Fu) | (end & 0x7Fu) << 16;
}

uint32_t u585_bootadd_r(uint32_t addr)
{
    return addr & BOOTADD_MASK;
}
