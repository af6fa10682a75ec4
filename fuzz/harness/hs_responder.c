/* hs_responder.c — fuzz harness for the device's side of the handshake: tt_session_accept
 * on an initiation packet, with the fixed device static key (common.c), then, for an
 * initiation that is accepted, tt_session_respond.
 *
 * Input: one packet. Invariants:
 *  - rejected: the session slot is either untouched (rejected before any work) or CLOSED
 *    with every handshake secret wiped, and the hello buffer holds no bytes of the device
 *    static key ([SEC-14], [SEC-18]); the error is one of the packet/handshake codes;
 *  - accepted: the hello is exactly the payload (length = packet − 101), the peer's id is
 *    the packet's non-zero sender id, and the response written is never larger than the
 *    initiation (no amplification, [SEC-13]).
 * Depends on session.h. */
#include <string.h>

#include "common.h"
#include "tether/bytes.h"

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)fuzz_keys(); /* derive the fixed public keys before the first input */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tt_session s, fresh;
    static struct tt_rel_slot slots[FUZZ_NSLOTS];
    static uint8_t hello[TT_PKT_MAX_LEN], out[TT_PKT_MAX_LEN];
    const struct fuzz_keys *k = fuzz_keys();
    size_t hn = 0, n;
    tt_err e;
    memset(&s, 0, sizeof s);
    memset(hello, 0, sizeof hello);
    e = tt_session_accept(&s, fuzz_crypto(), k->device_sk, data, size, hello, sizeof hello,
                          &hn);
    if (e != TT_OK) {
        FUZZ_CHECK(e == TT_ERR_PKT_TYPE || e == TT_ERR_PKT_LENGTH || e == TT_ERR_PKT_ID ||
                       e == TT_ERR_HS_DECRYPT || e == TT_ERR_HS_LOW_ORDER,
                   "SEC-15", "accept: unexpected error");
        FUZZ_CHECK(memcmp(&s, &fresh, sizeof s) == 0 ||
                       (s.state == TT_SESSION_CLOSED && all_zero(&s.hs, sizeof s.hs) &&
                        all_zero(s.peer_static, sizeof s.peer_static)),
                   "SEC-14", "rejected initiation left state or secrets behind");
        FUZZ_CHECK(!fuzz_leaks(hello, sizeof hello, k->device_sk, 32), "SEC-18",
                   "device key bytes in the hello buffer of a rejected initiation");
        return 0;
    }
    FUZZ_CHECK(s.state == TT_SESSION_ACCEPTED, "SEC-15", "accepted but not ACCEPTED");
    FUZZ_CHECK(hn + TT_INITIATION_MIN_LEN == size, "SEC-15", "hello length wrong");
    FUZZ_CHECK(s.remote_id == tt_load_be32(data + 1) && s.remote_id != 0, "SEC-15",
               "peer id is not the packet's sender id");
    e = tt_session_respond(&s, FUZZ_DEVICE_ID, k->device_e, (const uint8_t *)fuzz_device_reply,
                           strlen(fuzz_device_reply), slots, FUZZ_NSLOTS, 200, FUZZ_NOW_MS, out,
                           sizeof out, &n);
    FUZZ_CHECK(e == TT_OK && s.state == TT_SESSION_ESTABLISHED, "SEC-15", "respond failed");
    FUZZ_CHECK(n <= size, "SEC-13", "response larger than the initiation (amplification)");
    tt_session_close(&s);
    return 0;
}
