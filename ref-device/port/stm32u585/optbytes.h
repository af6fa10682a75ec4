/* optbytes.h — the option bytes the supervisor depends on: read, parsed, judged.
 *
 * The TrustZone split of the flash is not set by code but by option bytes (TZEN, the secure
 * watermarks SECWM1/2, the boot addresses), programmed once with STM32CubeProgrammer (see
 * README.md). At every boot the supervisor reads the option registers and refuses to start
 * the app if the split it was built for is not the one in force: a supervisor whose records
 * page is Non-secure would hand its secrets to the app. Register layouts are RM0456's
 * (FLASH_OPTR, FLASH_SECWMxR1/R2, FLASH_SECBOOTADD0R, FLASH_NSBOOTADDxR). Pure functions,
 * unit-tested on the host. Depends on layout.h. */
#ifndef TT_U585_OPTBYTES_H
#define TT_U585_OPTBYTES_H

#include <stdint.h>

#include "layout.h"

/* Raw register values, as read from the flash interface. */
struct u585_optregs {
    uint32_t optr, secwm1r1, secwm1r2, secwm2r1, secwm2r2;
    uint32_t secbootadd0r, nsbootadd0r, nsbootadd1r;
};

enum u585_rdp { U585_RDP0 = 0, U585_RDP05 = 1, U585_RDP1 = 2, U585_RDP2 = 3 };

/* A secure watermark: pages [start, end] of a bank are Secure when valid (start <= end). */
struct u585_wm {
    int valid;
    unsigned start, end;
    int hdp_enabled;    /* hide-protection area [start, hdp_end] */
    unsigned hdp_end;
};

struct u585_options {
    int tzen, dualbank, swap_bank;
    enum u585_rdp rdp;
    struct u585_wm wm[2];
    uint32_t secboot0;  /* Secure boot address (BOOT0 = 0) */
    int boot_lock;
    uint32_t nsboot0, nsboot1;
};

void u585_options_parse(const struct u585_optregs *r, struct u585_options *out);

/* What is wrong with the options for this supervisor (0 = nothing). Each bit is one fact. */
#define U585_OPT_NO_TZEN (1u << 0)      /* TrustZone disabled: there is no Secure world */
#define U585_OPT_SINGLE_BANK (1u << 1)  /* DUALBANK = 0: the page arithmetic would be wrong */
#define U585_OPT_SWAPPED (1u << 2)      /* SWAP_BANK = 1: bank 2 appears first */
#define U585_OPT_WM1_SHORT (1u << 3)    /* SECWM1 leaves a supervisor page Non-secure */
#define U585_OPT_WM1_OVER (1u << 4)     /* SECWM1 makes an app page Secure */
#define U585_OPT_WM2 (1u << 5)          /* the staging bank is not wholly Secure */
#define U585_OPT_SECBOOT (1u << 6)      /* Secure boot address is not the supervisor's */
#define U585_OPT_DEBUG_OPEN (1u << 7)   /* RDP level 0: a probe can read everything (warning) */
/* The bits that stop the app from being started (the others are reported only). */
#define U585_OPT_FATAL (U585_OPT_NO_TZEN | U585_OPT_SINGLE_BANK | U585_OPT_SWAPPED | \
                        U585_OPT_WM1_SHORT | U585_OPT_WM1_OVER | U585_OPT_WM2 | U585_OPT_SECBOOT)

uint32_t u585_options_check(const struct u585_options *o);

/* The option-register values this layout needs (for the README's table and the tests):
 * SECWM1R1 = pages 0..19, SECWM2R1 = pages 0..127, SECBOOTADD0R = 0x0C000000. */
uint32_t u585_secwm_r1(unsigned start, unsigned end);
uint32_t u585_bootadd_r(uint32_t addr);

#endif
