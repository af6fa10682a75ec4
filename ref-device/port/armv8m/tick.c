/* tick.c — time of port.h on an ARMv8-M chip, and when the service loop gets the CPU.
 *
 * SysTick_S ticks every millisecond (chip_core_hz) and, every 10 ms, parks a running app so
 * the service loop gets its turn (timers, retransmissions); interrupts that need the loop
 * (link input, app requests) park it at once through armv8m_request_service. Depends on
 * armv8m.h. */
#include "armv8m.h"

#define SERVICE_PERIOD_MS 10u

static volatile uint64_t ticks_ms;

void armv8m_systick_init(void)
{
    REG32(SYST_RVR) = chip_core_hz / 1000u - 1u;
    REG32(SYST_CVR) = 0;
    REG32(SYST_CSR) = 7u; /* enable, interrupt, processor clock */
}

/* PendSV parks the app; it is the lowest Secure priority, so it runs once the requester is
 * done. Nothing to park while the service thread itself runs. */
static volatile uint32_t service_due;

void armv8m_request_service(void)
{
    service_due = 1;
    if (armv8m_park.app_running)
        REG32(SCB_ICSR) = ICSR_PENDSVSET;
}

/* With the app halted the loop sleeps until a turn is asked for, not until any interrupt:
 * every UART byte would otherwise be a service turn. A request landing between the check and
 * the WFI is served at the next interrupt (the 1 ms tick at the latest). */
void armv8m_idle_until_service(void)
{
    while (!service_due)
        __asm__ volatile("wfi" ::: "memory");
    service_due = 0;
}

void SysTick_Handler(void)
{
    ticks_ms++;
    chip_on_tick();
    if (ticks_ms % SERVICE_PERIOD_MS == 0)
        armv8m_request_service();
}

uint64_t tt_port_time_ms(void)
{
    uint64_t a, b;
    do { /* 64-bit read without masking interrupts: retry if a tick came in between */
        a = ticks_ms;
        b = ticks_ms;
    } while (a != b);
    return a;
}
