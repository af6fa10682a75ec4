/* clock.c — the client driver's clock (client.h): the monotonic clock of the host. A separate
 * file so that a harness (fuzz/harness/client.c) can link a clock it controls instead, and
 * run the driver deterministically without waiting. */
#include <time.h>

#include "client.h"

uint64_t tt_client_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t tt_client_now_ms(void)
{
    return tt_client_now_us() / 1000u;
}
