/* iwdg.c — the independent watchdog: resets the device if the supervisor's loop stops.
 *
 * Clocked by LSI (32 kHz, started by the IWDG itself), prescaler /64 (PR = 4) and reload
 * 2000: a 4 s timeout. Only the supervisor's loop refreshes it (the IWDG is Secure through the
 * TZSC), so a looping or stopped app does not matter — the app is parked whenever the loop
 * runs — but a hung supervisor resets the device. Once started it cannot be stopped (RM0456
 * "Independent watchdog": the KR start key is one-way). The debugger's stops do not stop it:
 * the app is halted, not the supervisor. Depends on u585.h. */
#include "u585.h"

#define IWDG_PR_DIV64 4u
#define IWDG_RELOAD 2000u

void u585_iwdg_init(void)
{
    REG32(U5_IWDG + IWDG_KR) = IWDG_KR_START;
    REG32(U5_IWDG + IWDG_KR) = IWDG_KR_UNLOCK;
    REG32(U5_IWDG + IWDG_PR) = IWDG_PR_DIV64;
    REG32(U5_IWDG + IWDG_RLR) = IWDG_RELOAD;
    while (REG32(U5_IWDG + IWDG_SR) & 0x7u) { /* PVU, RVU, WVU: update in progress */
    }
    REG32(U5_IWDG + IWDG_KR) = IWDG_KR_REFRESH;
}

void u585_iwdg_refresh(void)
{
    REG32(U5_IWDG + IWDG_KR) = IWDG_KR_REFRESH;
}
