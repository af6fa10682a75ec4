/* rsp.c — fuzz harness for the client's GDB Remote Serial Protocol engine (ref-client/rsp):
 * what a local GDB (or anything that connects to the GDB port) sends, pushed into
 * tt_rsp_input in pieces, executed against the test fake device (ref-client/tests/
 * fake_backend.c), with stops delivered back through tt_rsp_stopped.
 *
 * Input: flags (bit 0: no_optimize), piece size, then the byte stream from GDB. The
 * packet parser also sees the whole stream as one payload. Invariants:
 *  - everything the engine sends GDB is well-formed RSP: acks, or `$payload#cs` with the
 *    right checksum and no unescaped `$` or `#` in the payload; no reply is ever lost
 *    (stats.lost_replies, "a bug") ([SEC-15]);
 *  - tt_rsp_input returns TT_OK or TT_ERR_NO_SPACE, consumes what it says, and always makes
 *    progress once its output is drained (no unbounded loop, [SEC-15]);
 *  - a parsed request that is not an error respects the parser's contract: m/M/X lengths
 *    at most TT_RSP_MEM_MAX, address + length does not wrap, M/X data exactly 2·len / len
 *    bytes inside the packet ([SEC-15]; SEC-16's first line of defence on the client).
 * Depends on rsp.h and the fake backend. */
#include <string.h>

#include "common.h"
#include "rsp_output.h"
#include "../../ref-client/rsp/rsp_internal.h"
#include "../../ref-client/tests/fake_backend.h"

static struct fake_dev dev;
static struct tt_rsp r;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void check_parse(const uint8_t *p, size_t n)
{
    struct tt_rsp_req q;
    memset(&q, 0, sizeof q);
    tt_rsp_parse(p, n, &q);
    if (q.data != NULL)
        FUZZ_CHECK(q.data >= p && q.data_len <= n && (size_t)(q.data - p) <= n - q.data_len,
                   "SEC-15", "request data outside the packet");
    if (q.error != 0)
        return;
    if (q.cmd == TT_RSP_CMD_READ_MEM || q.cmd == TT_RSP_CMD_WRITE_MEM ||
        q.cmd == TT_RSP_CMD_WRITE_MEM_BIN) {
        FUZZ_CHECK(q.len <= TT_RSP_MEM_MAX && (uint64_t)q.addr + q.len <= 0x100000000ull,
                   "SEC-15", "memory request over the limits or wrapping");
        if (q.cmd == TT_RSP_CMD_WRITE_MEM)
            FUZZ_CHECK(q.data_len == 2u * q.len, "SEC-15", "M data length");
        if (q.cmd == TT_RSP_CMD_WRITE_MEM_BIN)
            FUZZ_CHECK(q.data_len == q.len, "SEC-15", "X data length");
    }
}

static struct rsp_output_check out_state;

static void drain(void)
{
    static uint8_t buf[1024];
    size_t n;
    while ((n = tt_rsp_output(&r, buf, sizeof buf)) > 0)
        rsp_output_check(&out_state, buf, n);
    struct tt_rsp_stop st;
    while (fake_take_stop(&dev, &st)) {
        FUZZ_CHECK(tt_rsp_stopped(&r, &st) == TT_OK, "SEC-15", "stopped failed");
        while ((n = tt_rsp_output(&r, buf, sizeof buf)) > 0)
            rsp_output_check(&out_state, buf, n);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tt_rsp_backend be;
    size_t at = 2, piece;
    if (size < 2)
        return 0;
    check_parse(data + 2, size - 2);
    fake_init(&dev, NULL);
    be = fake_backend(&dev);
    tt_rsp_init(&r, &be);
    r.no_optimize = data[0] & 1;
    if (!tt_rsp_add_region(&r, FAKE_FLASH_BASE, FAKE_FLASH_SIZE, TT_RSP_MEM_FLASH, 0x400) ||
        !tt_rsp_add_region(&r, FAKE_RAM_BASE, FAKE_RAM_SIZE, TT_RSP_MEM_RAM, 0))
        fuzz_fail(__FILE__, __LINE__, "setup", "regions");
    rsp_output_reset(&out_state);
    piece = data[1] ? data[1] : size;
    while (at < size) {
        size_t len = size - at < piece ? size - at : piece, used = 0;
        tt_err e = tt_rsp_input(&r, data + at, len, &used);
        FUZZ_CHECK(e == TT_OK || e == TT_ERR_NO_SPACE, "SEC-15", "input: unexpected result");
        FUZZ_CHECK(used <= len && (e != TT_OK || used == len), "SEC-15", "input: consumed");
        at += used;
        drain();
        if (e == TT_ERR_NO_SPACE && used == 0) {
            /* Output drained: the next call must take at least one byte. */
            e = tt_rsp_input(&r, data + at, len, &used);
            FUZZ_CHECK(used > 0, "SEC-15", "no progress after draining the output");
            at += used;
            drain();
        }
        FUZZ_CHECK(r.stats.lost_replies == 0, "SEC-15", "a reply was lost");
    }
    return 0;
}
