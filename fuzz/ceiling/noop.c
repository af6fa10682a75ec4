/* noop.c — a harness that does nothing: what AFL++ reaches on this machine when the target
 * costs nothing, i.e. the ceiling set by the afl-fuzz ↔ fork-server ↔ persistent-child round
 * trip (pipes, SIGSTOP/SIGCONT, waitpid) rather than by any harness. fuzz/ceiling/run.sh
 * measures it with one instance and with one instance per core. One branch so AFL++ sees
 * coverage. */
#include <stddef.h>
#include <stdint.h>

#include "../harness/common.h"

static volatile uint8_t sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 && data[0] == 'T')
        sink = data[1];
    return 0;
}
