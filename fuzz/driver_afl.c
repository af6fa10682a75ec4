/* driver_afl.c — AFL++ persistent-mode driver for the libFuzzer-style harnesses: the input
 * arrives in shared memory (__AFL_FUZZ_TESTCASE_BUF), the harness's one-time set-up runs
 * before the fork server starts (deferred init), and one process runs many inputs
 * (__AFL_LOOP). Built only with afl-clang-fast, which defines the __AFL_* macros. Outside
 * afl-fuzz the same binary reads one input from stdin. Depends on harness/common.h. */
#include <stdint.h>
#include <unistd.h> /* read(), used by the __AFL_FUZZ_* macros */

#include "harness/common.h"

__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    __AFL_INIT();
    const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF; /* after __AFL_INIT: the shared map */
    while (__AFL_LOOP(100000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        LLVMFuzzerTestOneInput(buf, len);
    }
    return 0;
}
