/* pingpong.c — the cost of one process round trip through pipes (two context switches), on
 * one core and across cores: the unit AFL++'s per-exec hand-off is made of. Prints µs. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double round_trip_us(int one_core)
{
    int a[2], b[2];
    const int n = 100000;
    char c = 0;
    struct timespec t0, t1;
    if (pipe(a) || pipe(b))
        return -1;
    if (one_core) {
        cpu_set_t s;
        CPU_ZERO(&s);
        CPU_SET(0, &s);
        if (sched_setaffinity(0, sizeof s, &s))
            return -1;
    }
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < n; i++)
            if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < n; i++)
        if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
            return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
    if (one_core) { /* undo the binding for the next measurement */
        cpu_set_t s;
        CPU_ZERO(&s);
        for (int i = 0; i < CPU_SETSIZE; i++)
            CPU_SET(i, &s);
        (void)sched_setaffinity(0, sizeof s, &s);
    }
    return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / n;
}

int main(void)
{
    printf("pipe round trip, both processes on one core: %.2f us\n", round_trip_us(1));
    printf("pipe round trip, processes on any core:      %.2f us\n", round_trip_us(0));
    return 0;
}
