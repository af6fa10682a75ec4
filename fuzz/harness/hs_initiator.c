/* hs_initiator.c — fuzz harness for the client's side of the handshake:
 * tt_session_on_response on a response packet, after the fixed initiation (common.c) made
 * once at start-up. Every input starts from that same pending handshake.
 *
 * Input: one packet. Invariants:
 *  - rejected: the pending handshake is byte-for-byte unchanged, so a forged response does
 *    not abort it ([SEC-14], [HS-017]), and the reply buffer holds no bytes of the client's
 *    static or ephemeral key or of the chaining key ([SEC-18]);
 *  - accepted: ESTABLISHED, the reply is exactly the payload (length = packet − 57), the
 *    peer id is the packet's sender id and the response named our id ([PKT-004]).
 * The same bytes also go to the initiation's resend timer as a pending packet ([PKT-010]):
 *  - it never brings the next resend forward, delays it by at most the clamp plus the clamped
 *    RTT sample ([HS-071], [HS-072]), acts at most once per transmission ([HS-073]); and
 *    anything but a 25-byte pending naming the initiation changes nothing but the count.
 * Depends on session.h, hs_resend.h. */
#include <string.h>

#include "common.h"
#include "tether/bytes.h"
#include "tether/hs_resend.h"

static struct tt_session base, s;
static struct tt_rel_slot slots[FUZZ_NSLOTS];
static struct tt_hs_resend timer0; /* started at FUZZ_NOW_MS - 300 on the initiation */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    uint8_t pkt[TT_PKT_MAX_LEN];
    size_t n;
    (void)argc;
    (void)argv;
    fuzz_initiate(&base, slots, pkt, &n);
    if (tt_hs_resend_start(&timer0, fuzz_crypto(), pkt, n, FUZZ_NOW_MS - 300, 0) != TT_OK)
        __builtin_trap();
    return 0;
}

/* The bytes as a pending packet for the resend timer ([HS-071]..[HS-073]). */
static void check_pending(const uint8_t *data, size_t size)
{
    struct tt_hs_resend t = timer0;
    tt_err e = tt_hs_resend_on_pending(&t, data, size, FUZZ_NOW_MS);
    if (e != TT_OK) {
        FUZZ_CHECK(e == TT_ERR_PKT_TYPE || e == TT_ERR_PKT_LENGTH || e == TT_ERR_HS_UNKNOWN,
                   "SEC-15", "on_pending: unexpected error");
        FUZZ_CHECK(t.ignored == timer0.ignored + 1 && t.due_ms == timer0.due_ms &&
                       t.waits == timer0.waits,
                   "HS-073", "a rejected pending changed the timer");
        return;
    }
    FUZZ_CHECK(size == TT_PENDING_LEN && data[0] == TT_PKT_PENDING &&
                   tt_load_be32(data + 1) == timer0.sender_id,
               "HS-073", "acted on a pending that does not name the initiation");
    FUZZ_CHECK(t.due_ms >= timer0.due_ms &&
                   t.due_ms <= FUZZ_NOW_MS + 2u * (uint64_t)TT_HS_PENDING_MAX_MS,
               "HS-072", "a pending moved the resend forward or beyond the clamp");
    FUZZ_CHECK(t.waits == 1 &&
                   tt_hs_resend_on_pending(&t, data, size, FUZZ_NOW_MS) == TT_ERR_HS_UNKNOWN,
               "HS-073", "a second pending for one transmission was acted on");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t reply[TT_PKT_MAX_LEN];
    const struct fuzz_keys *k = fuzz_keys();
    size_t rn = 0;
    tt_err e;
    check_pending(data, size);
    memcpy(&s, &base, sizeof s);
    memset(reply, 0, sizeof reply);
    e = tt_session_on_response(&s, data, size, FUZZ_NOW_MS, reply, sizeof reply, &rn);
    if (e != TT_OK) {
        FUZZ_CHECK(e == TT_ERR_PKT_TYPE || e == TT_ERR_PKT_LENGTH || e == TT_ERR_PKT_ID ||
                       e == TT_ERR_HS_UNKNOWN || e == TT_ERR_HS_DECRYPT ||
                       e == TT_ERR_HS_LOW_ORDER,
                   "SEC-15", "on_response: unexpected error");
        FUZZ_CHECK(memcmp(&s, &base, sizeof s) == 0, "SEC-14",
                   "rejected response changed the pending handshake");
        FUZZ_CHECK(!fuzz_leaks(reply, sizeof reply, k->client_sk, 32) &&
                       !fuzz_leaks(reply, sizeof reply, k->client_e, 32) &&
                       !fuzz_leaks(reply, sizeof reply, base.hs.sym.ck, 32),
                   "SEC-18", "secret bytes in the reply buffer of a rejected response");
        return 0;
    }
    FUZZ_CHECK(s.state == TT_SESSION_ESTABLISHED, "SEC-15", "accepted but not ESTABLISHED");
    FUZZ_CHECK(rn + TT_RESPONSE_MIN_LEN == size, "SEC-15", "reply length wrong");
    FUZZ_CHECK(s.remote_id == tt_load_be32(data + 1) && s.remote_id != 0 &&
                   tt_load_be32(data + 5) == base.local_id,
               "SEC-15", "ids of the accepted response wrong");
    return 0;
}
