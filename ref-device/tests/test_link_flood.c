/* test_link_flood.c — floods of garbage on the supervisor's link, on the host port with
 * ref-client's driver (sup_harness.h), counted in service turns and bytes, never in wall
 * time ([FRM-013], issue 15 §4):
 *  - a 256 KiB burst of random garbage is skipped a full link ring (4 KiB) per service turn,
 *    so the burst costs the supervisor 64 turns, and a handshake and a ping right after it
 *    succeed;
 *  - after a burst of the decoder's worst case (valid headers claiming 1400 bytes), a client's
 *    initiation is held back by the burst's last false candidates only until the link has
 *    been silent for TT_FRAME_IDLE_MS on the device's clock (which the test advances): then
 *    the device answers that one initiation, no retransmission needed.
 * How long a turn takes (the skip rate in MB/s) is a benchmark figure: bench_link_host. */
#include <check.h>
#include <string.h>
#include <sys/random.h>

#include "sup_harness.h"
#include "tether/crypto_backends.h"
#include "tether/framing.h"

static struct h_id alice;
static struct h_client ca;
static tether_v1_Message req, rep;
static uint8_t junk[256 * 1024];

static void setup(void)
{
    h_boot();
    h_id_new(&alice);
}

static void teardown(void) {}

/* Feeds the burst as fast as the link ring takes it, one service turn whenever it is full
 * (a UART interrupt filling the ring between turns). Returns the turns it took. */
static unsigned burst(const uint8_t *b, size_t len)
{
    unsigned turns = 0;
    while (len > 0) {
        size_t n = tt_host_link_feed(b, len);
        b += n;
        len -= n;
        h_run(1);
        turns++;
    }
    return turns;
}

START_TEST(random_burst_costs_a_turn_per_ring)
{
    ck_assert_int_eq(getrandom(junk, sizeof junk, 0), (ssize_t)sizeof junk);
    for (size_t i = 0; i + 1 < sizeof junk; i++) /* no frame start: skipping, not headers */
        if (junk[i] == TT_FRAME_SYNC0 && junk[i + 1] == TT_FRAME_SYNC1)
            junk[i + 1] = 0;
    unsigned turns = burst(junk, sizeof junk);
    /* Each turn empties the ring (4 KiB; one slot of it stays free): no per-byte work. */
    ck_assert_uint_le(turns, sizeof junk / (TT_HOST_LINK_RING - 1) + 1);
    ck_assert_uint_eq(h_sup.dec.stats.frames, 0);
    ck_assert_uint_ge(h_sup.dec.stats.garbage_bytes, sizeof junk - 1500);
    /* the link is usable at once */
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_ALL), TT_OK);
    memset(&req, 0, sizeof req);
    req.which_body = tether_v1_Message_ping_tag;
    ck_assert_int_eq(h_call(&ca, &req, &rep), TT_OK);
    ck_assert_uint_eq(rep.which_body, tether_v1_Message_pong_tag);
}
END_TEST

START_TEST(header_burst_then_one_initiation)
{
    static struct tt_client c;
    uint8_t h[5] = {TT_FRAME_SYNC0, TT_FRAME_SYNC1, 0x05, 0x78, 0};
    h[4] = tt_crc8_smbus(h + 2, 2);
    const size_t n = 65535; /* a multiple of 5: ends on a whole header */
    for (size_t i = 0; i < n; i++)
        junk[i] = h[i % 5];
    unsigned turns = burst(junk, n);
    ck_assert_uint_le(turns, n / (TT_HOST_LINK_RING - 1) + 1);
    ck_assert_uint_eq(h_sup.dec.stats.frames, 0);

    /* One initiation, as tt_client_connect builds it; it lands behind the false headers. */
    tether_v1_SignedGrant g;
    tether_v1_ClientHello hello;
    struct h_grant_opts o = {.permissions = TT_PERM_ALL};
    h_grant(&alice, &o, &g);
    h_hello(&alice, &g, &hello);
    uint8_t enc[tether_v1_ClientHello_size], pkt[TT_PKT_MAX_LEN], out[TT_PKT_MAX_LEN];
    size_t el, pl;
    ck_assert_int_eq(tt_pb_encode(tether_v1_ClientHello_fields, &hello, enc, sizeof enc, &el),
                     TT_OK);
    ck_assert_int_eq(tt_session_initiate(&c.s, &tt_crypto_sodium, alice.sk, h_device_pub, NULL,
                                         enc, el, c.slots, TT_REL_DEFAULT_WINDOW, 1000, pkt,
                                         sizeof pkt, &pl),
                     TT_OK);
    h_feed_packet(pkt, pl);
    h_run(2);
    /* The link falls silent (the device's clock moves; no wall-clock wait): the false
     * candidates are given up and the initiation behind them is answered. */
    tt_host_time_advance(TT_FRAME_IDLE_MS);
    h_run(2);
    size_t rl = h_raw_packet(out, sizeof out);
    ck_assert_uint_eq(rl, TT_PENDING_LEN); /* first the pending ([HS-070]), then the answer */
    ck_assert_uint_eq(out[0], TT_PKT_PENDING);
    rl = h_raw_packet(out, sizeof out);
    ck_assert_uint_gt(rl, 0);
    uint8_t payload[TT_PKT_MAX_LEN];
    size_t got;
    ck_assert_int_eq(tt_session_on_response(&c.s, out, rl, tt_port_time_ms(), payload,
                                            sizeof payload, &got),
                     TT_OK);
    ck_assert_uint_eq(h_sup.dec.stats.frames, 1);
    ck_assert_uint_gt(h_sup.dec.stats.abandoned, 0);
    tt_session_close(&c.s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("link_flood");
    TCase *tc = tcase_create("flood");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_burst_costs_a_turn_per_ring);
    tcase_add_test(tc, header_burst_then_one_initiation);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
