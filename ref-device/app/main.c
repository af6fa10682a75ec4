/* main.c — the demo app: something worth debugging, and nothing more.
 *
 * A main loop counts (demo_counter), calls demo_middle -> demo_leaf (locals and an argument
 * to inspect), nudges a global struct, logs through the supervisor API now and then, and
 * faults on request: a debugger sets demo_fault_trigger to 1 (write to Secure memory:
 * SecureFault) or 2 (undefined instruction). Built -O0 -g so every local lives on the stack.
 * Tests break at these functions and check these values: keep it stable. Depends on
 * tether_app.h. */
#include <stdint.h>

#include "tether_app.h"

/* The first log line: the second demo build (ref-device/app/v2.mk) says which it is. */
#ifndef DEMO_APP_BANNER
#define DEMO_APP_BANNER "app started"
#endif

/* Every tick line of the second build says which app writes it, so any recent entry of
 * the log tells which image runs (the supervisor's ring keeps only the newest entries). */
#ifndef DEMO_TICK_TEXT
#define DEMO_TICK_TEXT "tick"
#endif

/* The faulting demo build (ref-device/app/fault.mk) starts with the trigger armed. */
#ifndef DEMO_FAULT_AT_START
#define DEMO_FAULT_AT_START 0u
#endif

volatile uint32_t demo_counter;
volatile uint32_t demo_fault_trigger = DEMO_FAULT_AT_START;
volatile uint32_t demo_last_result;
char demo_message[32] = "hello from the app";
struct demo_point {
    int32_t x, y;
} demo_point = {3, 4};
struct tt_app_device_info demo_info;

uint32_t demo_leaf(uint32_t v);
uint32_t demo_middle(uint32_t v);
void demo_fault(void);
void demo_log(const char *s);

uint32_t demo_leaf(uint32_t v)
{
    uint32_t doubled = v * 2u;
    return doubled + 1u;
}

uint32_t demo_middle(uint32_t v)
{
    uint32_t local = demo_leaf(v);
    demo_point.x += 1;
    return local;
}

void demo_fault(void)
{
    if (demo_fault_trigger == 1u)
        *(volatile uint32_t *)0x38000000u = 0xDEADu; /* Secure RAM: refused by the SAU */
    else if (demo_fault_trigger == 2u)
        __asm__ volatile("udf #7");
}

void demo_log(const char *s)
{
    uint32_t n = 0;
    while (s[n] != '\0')
        n++;
    (void)tt_app_log_write(s, n);
}

int main(void)
{
    (void)tt_app_device_info(&demo_info);
    demo_log(DEMO_APP_BANNER);
    for (;;) {
        demo_counter++;
        demo_last_result = demo_middle(demo_counter);
        if (demo_counter % 100000u == 0u)
            demo_log(DEMO_TICK_TEXT);
        demo_fault();
    }
}
