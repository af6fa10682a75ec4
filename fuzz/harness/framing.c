/* framing.c — fuzz harness for the byte-stream framing decoder (lib/framing).
 *
 * Input: 4 bytes choosing the piece sizes the transport delivers (cycled; 0 = all the
 * rest), then the byte stream. Every frame is popped as soon as it is ready, as a link
 * driver does. Invariants checked after every call:
 *  - accounting ([SEC-13], [SEC-15]): every byte pushed is exactly once in a delivered
 *    frame, in stats.garbage_bytes, or still buffered (framing.h's contract);
 *  - a delivered frame is genuine ([SEC-2] at this layer, [FRM-006]): its payload is
 *    1..1400 bytes and re-encodes to a byte string that occurs in the input stream;
 *  - push/pop return only TT_OK or TT_ERR_FRAME_NONE, consumed never exceeds what was given,
 *    and stats.frames counts exactly the frames popped plus one still waiting.
 * Depends on framing.h only. */
#include <string.h>

#include "common.h"
#include "tether/framing.h"

static struct tt_frame_decoder dec;

/* Does needle[0..m) occur in hay[0..n)? (memmem is not in C11.) */
static int occurs(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    const uint8_t *p = hay, *end = hay + n;
    while ((size_t)(end - p) >= m) {
        p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
        if (p == NULL)
            return 0;
        if (memcmp(p, needle, m) == 0)
            return 1;
        p++;
    }
    return 0;
}

static void check_accounting(uint64_t pushed, uint64_t delivered)
{
    uint64_t held = dec.have - dec.delivered; /* the popped frame is still in buf */
    FUZZ_CHECK(dec.have <= sizeof dec.buf, "SEC-15", "decoder holds more than its buffer");
    FUZZ_CHECK(pushed == dec.stats.garbage_bytes + delivered + held, "SEC-13",
               "bytes pushed != garbage + delivered + buffered");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t enc[TT_FRAME_MAX_PAYLOAD + TT_FRAME_OVERHEAD];
    const uint8_t *stream;
    size_t n, at = 0, piece = 0;
    uint64_t pushed = 0, delivered = 0;
    uint32_t popped = 0;
    if (size < 4)
        return 0;
    stream = data + 4;
    n = size - 4;
    tt_frame_decoder_init(&dec);
    while (at < n) {
        size_t want = data[piece++ % 4], consumed = 0;
        size_t len = want == 0 || want > n - at ? n - at : want;
        tt_err e = tt_frame_push(&dec, stream + at, len, &consumed);
        FUZZ_CHECK(e == TT_OK || e == TT_ERR_FRAME_NONE, "SEC-15", "push: unexpected result");
        FUZZ_CHECK(consumed <= len, "SEC-15", "push consumed more than given");
        FUZZ_CHECK(e == TT_OK || consumed == len, "SEC-15", "FRAME_NONE left input unconsumed");
        at += consumed;
        pushed += consumed;
        for (;;) {
            const uint8_t *payload;
            size_t plen, elen;
            e = tt_frame_pop(&dec, &payload, &plen);
            if (e == TT_ERR_FRAME_NONE)
                break;
            FUZZ_CHECK(e == TT_OK, "SEC-15", "pop: unexpected result");
            FUZZ_CHECK(plen >= 1 && plen <= TT_FRAME_MAX_PAYLOAD, "SEC-15",
                       "delivered payload length out of range");
            FUZZ_CHECK(payload >= dec.buf && payload + plen <= dec.buf + sizeof dec.buf,
                       "SEC-15", "payload points outside the context");
            FUZZ_CHECK(tt_frame_encode(payload, plen, enc, sizeof enc, &elen) == TT_OK,
                       "SEC-15", "a delivered payload does not re-encode");
            FUZZ_CHECK(occurs(stream, n, enc, elen), "SEC-2",
                       "delivered frame never appeared in the input");
            delivered += elen;
            popped++;
            check_accounting(pushed, delivered);
        }
        check_accounting(pushed, delivered);
        FUZZ_CHECK(dec.stats.frames == popped, "SEC-15", "stats.frames != frames popped");
    }
    return 0;
}
