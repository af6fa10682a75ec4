/* test_session_end.c — how sessions end and what they leave behind, on the host port with
 * ref-client's driver (sup_harness.h): a client's Close frees its slot and its debug
 * attachment at once ([CTL-020], [HS-061], [DBG-060]); a client that vanished without one
 * (SIGKILL, power loss) stops blocking others after TT_SESSION_IDLE_MS ([HS-060]), measured
 * on the device's clock, which the test advances (no wall-clock waits); a keepalive keeps an
 * idle client's hold ([HS-054]). */
#include <check.h>
#include <string.h>

#include "sup_harness.h"

#define ALL TT_PERM_ALL

static struct h_id alice, bob;
static struct h_client ca, cb;
static tether_v1_Message req, rep;

static void setup(void)
{
    h_boot();
    h_id_new(&alice);
    h_id_new(&bob);
}

static void teardown(void) {}

static tether_v1_Message *msg(pb_size_t tag)
{
    memset(&req, 0, sizeof req);
    req.which_body = tag;
    return &req;
}

static tt_err ping(struct h_client *c)
{
    msg(tether_v1_Message_ping_tag)->body.ping.nonce = 0x5678;
    return h_call(c, &req, &rep);
}

static tt_err attach(struct h_client *c)
{
    return h_call(c, msg(tether_v1_Message_attach_tag), &rep);
}

/* The device turns until it has taken what the clients sent (their acks included): the
 * harness turns the device only inside a client's wait. */
static void settle(void)
{
    h_run(4);
}

/* A client killed without a Close: its keys are gone, the device still holds its session. */
static void vanish(struct h_client *c)
{
    settle();
    tt_client_abandon(&c->c);
    h_forget(c);
}

START_TEST(closed_clients_free_their_slots)
{
    /* [HS-061], [CTL-020]: four clients end with tt_client_close (what every CLI command does
     * on exit); a fifth key connects at once, with no time passing on the device. */
    static struct h_client c[TT_SUP_SESSIONS + 1];
    struct h_id ids[TT_SUP_SESSIONS + 1];
    for (unsigned k = 0; k <= TT_SUP_SESSIONS; k++)
        h_id_new(&ids[k]);
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++) {
        ck_assert_int_eq(h_connect(&c[k], &ids[k], ALL), TT_OK);
        ck_assert_int_eq(ping(&c[k]), TT_OK);
    }
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), TT_SUP_SESSIONS);
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++) {
        tt_client_close(&c[k].c);
        ck_assert(c[k].c.closed_acked); /* the device acknowledged the Close */
        h_forget(&c[k]);
    }
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 0);
    ck_assert_int_eq(h_connect(&c[TT_SUP_SESSIONS], &ids[TT_SUP_SESSIONS], ALL), TT_OK);
    ck_assert_int_eq(ping(&c[TT_SUP_SESSIONS]), TT_OK);
}
END_TEST

START_TEST(vanished_clients_block_until_idle)
{
    /* [HS-041] (b), [HS-060]: four clients vanish without a Close; a fifth is refused until
     * the device's clock passes TT_SESSION_IDLE_MS since their last packet, then gets in. */
    static struct h_client c[TT_SUP_SESSIONS + 1];
    struct h_id ids[TT_SUP_SESSIONS + 1];
    for (unsigned k = 0; k <= TT_SUP_SESSIONS; k++)
        h_id_new(&ids[k]);
    for (unsigned k = 0; k < TT_SUP_SESSIONS; k++) {
        ck_assert_int_eq(h_connect(&c[k], &ids[k], ALL), TT_OK);
        ck_assert_int_eq(ping(&c[k]), TT_OK);
        vanish(&c[k]);
    }
    tt_host_time_advance(TT_SESSION_IDLE_MS - 2000); /* not yet idle */
    ck_assert_int_eq(h_connect(&c[TT_SUP_SESSIONS], &ids[TT_SUP_SESSIONS], ALL), TT_ERR_HS_BUSY);
    tt_host_time_advance(3000);
    ck_assert_int_eq(h_connect(&c[TT_SUP_SESSIONS], &ids[TT_SUP_SESSIONS], ALL), TT_OK);
    ck_assert_int_eq(ping(&c[TT_SUP_SESSIONS]), TT_OK);
}
END_TEST

START_TEST(closed_read_only_session_frees_attachment)
{
    /* [DBG-060] through [HS-061]: a debug-read-only client attaches and ends with a Close (as
     * `tether gdbserver` does on every exit); another key with a full grant attaches at once
     * and can halt. */
    ck_assert_int_eq(h_connect(&ca, &alice, TT_PERM_DEBUG_READ), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert_int_eq(h_connect(&cb, &bob, ALL), TT_OK);
    ck_assert_int_eq(attach(&cb), TT_ERR_DBG_ATTACHED); /* held, and alice is active */
    tt_client_close(&ca.c);
    ck_assert(ca.c.closed_acked);
    h_forget(&ca);
    ck_assert_int_eq(h_sup.dbg.attached, -1);
    ck_assert_int_eq(attach(&cb), TT_OK);
    ck_assert_int_eq(h_call(&cb, msg(tether_v1_Message_halt_tag), &rep), TT_OK);
    ck_assert_int_eq(h_target.state, TT_TARGET_HALTED);
}
END_TEST

START_TEST(vanished_attachment_taken_over_when_idle)
{
    /* [HS-060]: alice attaches, halts the app and vanishes (SIGKILL: no Close). Bob's Attach
     * is refused while alice's session is not idle; once the device's clock passes
     * TT_SESSION_IDLE_MS since her last packet, his Attach ends her session (a Close event on
     * it, reason TT_ERR_HS_BUSY), the app is resumed as in [DBG-004], and bob holds it. */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert_int_eq(h_call(&ca, msg(tether_v1_Message_halt_tag), &rep), TT_OK);
    vanish(&ca);
    ck_assert_int_eq(h_connect(&cb, &bob, ALL), TT_OK);
    tt_host_time_advance(TT_SESSION_IDLE_MS - 2000);
    ck_assert_int_eq(attach(&cb), TT_ERR_DBG_ATTACHED);
    ck_assert_int_eq(h_call(&cb, msg(tether_v1_Message_reset_app_tag), &rep),
                     TT_ERR_DBG_ATTACHED);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 2);
    tt_host_time_advance(3000);
    ck_assert_int_eq(attach(&cb), TT_OK);
    ck_assert_uint_eq(tt_sup_sessions(&h_sup), 1); /* alice's session ended */
    ck_assert(!rep.body.attach_reply.halted);     /* detached: the app runs again */
    uint8_t pkt[TT_PKT_MAX_LEN];
    ck_assert_uint_gt(h_raw_packet(pkt, sizeof pkt), 0); /* her Close event, to nobody now */
    ck_assert_int_eq(h_call(&cb, msg(tether_v1_Message_halt_tag), &rep), TT_OK);
}
END_TEST

START_TEST(keepalive_keeps_the_attachment)
{
    /* [HS-054]: an attached client that only sends keepalives (a debugger waiting on a running
     * app) is not idle: after two idle periods its attachment still refuses another key. */
    ck_assert_int_eq(h_connect(&ca, &alice, ALL), TT_OK);
    ck_assert_int_eq(attach(&ca), TT_OK);
    ck_assert_int_eq(h_connect(&cb, &bob, ALL), TT_OK);
    for (unsigned k = 0; k < 4; k++) {
        uint8_t pkt[TT_PKT_MAX_LEN];
        size_t n;
        tt_host_time_advance(TT_SESSION_IDLE_MS / 2 + 1000);
        ck_assert_int_eq(tt_session_keepalive(&ca.c.s, tt_client_now_ms(), pkt, sizeof pkt, &n),
                         TT_OK);
        h_feed_packet(pkt, n);
        h_run(2);
    }
    ck_assert_int_eq(attach(&cb), TT_ERR_DBG_ATTACHED);
    ck_assert_int_eq(ping(&ca), TT_OK);
    settle();
    tt_host_time_advance(TT_SESSION_IDLE_MS);
    ck_assert_int_eq(attach(&cb), TT_OK); /* keepalives stopped: idle, taken over */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("session_end");
    TCase *tc = tcase_create("session_end");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, closed_clients_free_their_slots);
    tcase_add_test(tc, vanished_clients_block_until_idle);
    tcase_add_test(tc, closed_read_only_session_frees_attachment);
    tcase_add_test(tc, vanished_attachment_taken_over_when_idle);
    tcase_add_test(tc, keepalive_keeps_the_attachment);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
